@testable import CSFeed
import XCTest

/// The common RSS date form is read by a fast path (FeedDate.rfc822); the general reader must agree with
/// it on every date the fast path accepts, and the fast path must decline what it does not fully read.
final class FeedDateFastPathTests: XCTestCase {
    func testFastPathAgreesWithTheGeneralReader() {
        let weekdays = ["", "Mon, ", "Tue, ", "Wed, ", "Thu, ", "Fri, ", "Sat, ", "Sun, ", "sun, "]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec", "dec", "DEC"]
        let zones = ["+0000", "-0500", "+0530", "-1200", "+1400", "GMT", "UT", "UTC", "Z"]
        var checked = 0
        for (n, month) in months.enumerated() {
            for day in [1, 9, 10, 28, 29, 30, 31] {
                for year in [1970, 1999, 2000, 2024, 2026, 2100] {
                    let weekday = weekdays[(n + day + year) % weekdays.count]
                    let zone = zones[(n * 7 + day + year) % zones.count]
                    let dayText = day < 10 && year % 2 == 0 ? "0\(day)" : "\(day)"
                    let text = "\(weekday)\(dayText) \(month) \(year) \(String(format: "%02d", (day * 5) % 25)):\(String(format: "%02d", (n * 11) % 60)):0\(day % 10) \(zone)"
                    let bytes = Array(text.utf8)
                    let general = FeedDate.textual(bytes)   // nil for impossible days such as 31 Nov
                    if let fast = FeedDate.rfc822(bytes) {
                        XCTAssertEqual(fast, general, text)
                        checked += 1
                    }
                }
            }
        }
        XCTAssertGreaterThan(checked, 400, "the fast path took too few dates")
    }

    func testFastPathDeclinesWhatItDoesNotFullyRead() {
        for text in ["Wed, 22 Apr 2026 18:43 +0100", "Tue, 10 Jun 2003 09:41:01 EST", "Tuesday, 10 June 2003 09:41:01 UT",
                     "Wed,  22 Apr 2026 18:43:05 +0000", "Thu, 01 Jan 04 19:48:21 GMT", "Xyz, 22 Apr 2026 18:43:05 +0000",
                     "Wed, 22 Apr 2026 18:43:05 +0000 (UTC)", "Wed, 22 Apr 2026 18:43:05 +05:30", "Wed, 31 Apr 2026 18:43:05 GMT"] {
            XCTAssertNil(FeedDate.rfc822(Array(text.utf8)), text)
        }
    }
}
