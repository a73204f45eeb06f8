import CSCore
import XCTest
import CSFeed

final class FeedDateTests: XCTestCase {
    private func check(_ input: String, _ expected: String?, line: UInt = #line) {
        let got = FeedDate.parse(input).map { RFC3339.format(epochSeconds: $0) }
        XCTAssertEqual(got, expected, "input: \(input)", line: line)
    }

    func testRFC822AndVariants() {
        check("Wed, 22 Apr 2026 18:43:05 +0000", "2026-04-22T18:43:05Z")
        check("Wed, 22 Apr 2026 18:43:05 GMT", "2026-04-22T18:43:05Z")
        check("22 Apr 2026 18:43:05 -0500", "2026-04-22T23:43:05Z")               // no weekday
        check("Wed, 22 Apr 2026 18:43 +0100", "2026-04-22T17:43:00Z")             // no seconds
        check("Wed,  22  Apr  2026   18:43:05   +0000", "2026-04-22T18:43:05Z")   // extra spaces
        check("Thu, 01 Jan 04 19:48:21 GMT", "2004-01-01T19:48:21Z")              // two-digit year
        check("Fri, 01 Jan 99 00:00:00 GMT", "1999-01-01T00:00:00Z")
        check("Tue, 10 Jun 2003 09:41:01 EST", "2003-06-10T14:41:01Z")            // named zones
        check("Tue, 10 Jun 2003 09:41:01 PDT", "2003-06-10T16:41:01Z")
        check("Tue, 10 Jun 2003 09:41:01 CEST", "2003-06-10T07:41:01Z")
        check("Tue, 10 Jun 2003 09:41:01 Z", "2003-06-10T09:41:01Z")              // military
        check("Tue, 10 Jun 2003 09:41:01 A", "2003-06-10T09:41:01Z")              // military letters as UTC (RFC 2822)
        check("Tue, 10 Jun 2003 09:41:01 +05:30", "2003-06-10T04:11:01Z")
        check("Tue, 10 Jun 2003 09:41:01 GMT+2", "2003-06-10T07:41:01Z")
        check("Tuesday, 10 June 2003 09:41:01 UT", "2003-06-10T09:41:01Z")
        check("10 Jun 2003", "2003-06-10T00:00:00Z")
        check("Thu, 01-Jan-2004 19:48:21 GMT", "2004-01-01T19:48:21Z")           // dashed date
        check("Tue, 1 Jul 2003 10:52:37 +0200 (CEST)", "2003-07-01T08:52:37Z")   // RFC 2822 comment
        check("Sun, 31 Dec 2006 23:59:60 GMT", "2007-01-01T00:00:00Z")            // leap second
    }

    func testISO8601AndW3CDTF() {
        check("2026-04-22T18:43:05Z", "2026-04-22T18:43:05Z")
        check("2026-04-22T18:43:05.123456+02:00", "2026-04-22T16:43:05Z")
        check("2026-04-22T18:43:05+0200", "2026-04-22T16:43:05Z")
        check("2026-04-22T18:43:05-05", "2026-04-22T23:43:05Z")
        check("2026-04-22 18:43:05", "2026-04-22T18:43:05Z")
        check("2026-04-22T18:43Z", "2026-04-22T18:43:00Z")
        check("2026-04-22", "2026-04-22T00:00:00Z")
        check("2026-04", "2026-04-01T00:00:00Z")
        check("2026", "2026-01-01T00:00:00Z")
        check("20260422", "2026-04-22T00:00:00Z")
        check("20260422T184305Z", "2026-04-22T18:43:05Z")
        check("2026-04-22T18:43:05 GMT", "2026-04-22T18:43:05Z")
    }

    func testAsctimeAndMonthFirst() {
        check("Wed Apr 22 18:43:05 2026", "2026-04-22T18:43:05Z")
        check("Wed Apr  2 18:43:05 2026", "2026-04-02T18:43:05Z")
        check("April 22, 2026 6:43 PM", "2026-04-22T18:43:00Z")
        check("April 22, 2026 12:10 AM", "2026-04-22T00:10:00Z")
    }

    func testRejectsNonDates() {
        check("", nil)
        check("yesterday", nil)
        check("2026-13-01", nil)
        check("2026-02-30", nil)
        check("Wed, 32 Apr 2026 18:43:05 GMT", nil)
        check("Wed, 22 Foo 2026 18:43:05 GMT", nil)
        check("22 Apr 2026 25:00:00", nil)
        check("Wed, 22 Apr 2026 18:43:05 XYZ", nil)
    }
}
