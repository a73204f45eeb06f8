/// Windows and Sysmon event IDs and sign-in error codes the text names: "EventID 1", "Event ID 4688",
/// "event IDs 4624, 4625 and 4648", "events with ID 4688", "Sysmon Event 1", "error code 50053",
/// "AADSTS50053". Only numbers introduced by such words count, so dates and counts stay out.
/// A value, not static lets: the word hashes are read for every token.
struct EventIDs {
    private let eventid = Tokenizer.hash("eventid"), eventids = Tokenizer.hash("eventids")
    private let eventcode = Tokenizer.hash("eventcode")
    private let event = Tokenizer.hash("event"), events = Tokenizer.hash("events")
    private let id = Tokenizer.hash("id"), ids = Tokenizer.hash("ids")
    private let code = Tokenizer.hash("code"), codes = Tokenizer.hash("codes")
    private let with = Tokenizer.hash("with"), error = Tokenizer.hash("error"), errors = Tokenizer.hash("errors")
    private let sysmon = Tokenizer.hash("sysmon"), security = Tokenizer.hash("security")
    private let and = Tokenizer.hash("and"), or = Tokenizer.hash("or")
    private let prefix: [UInt8] = Array("aadsts".utf8)
    /// One bit per trigger word (hash mod 64): most tokens are ruled out with one test.
    private let triggers: UInt64

    init() {
        var bits: UInt64 = 0
        for h in [eventid, eventids, eventcode, event, events, sysmon, security, error, errors] { bits |= 1 << (h & 63) }
        triggers = bits
    }

    func scan(_ tokens: UnsafeBufferPointer<Token>, in text: UnsafeBufferPointer<UInt8>, into out: inout OrderedSet) {
        let n = tokens.count
        @inline(__always) func h(_ k: Int) -> UInt64 { k < n ? tokens[k].hash : 0 }
        var i = 0
        while i < n {
            let t = tokens[i].hash
            if triggers & (1 << (t & 63)) == 0 {
                if tokens[i].end - tokens[i].start >= 8, let number = aadsts(tokens[i], text) { out.insert(number) }
                i += 1
                continue
            }
            var numbersAt = -1
            if t == eventid || t == eventids || t == eventcode {
                numbersAt = i + 1
            } else if t == event || t == events {
                let next = h(i + 1)
                if next == id || next == ids || next == code || next == codes { numbersAt = i + 2 }
                else if next == with, h(i + 2) == id || h(i + 2) == ids { numbersAt = i + 3 }
            } else if t == sysmon || t == security {
                if h(i + 1) == event || h(i + 1) == events { numbersAt = h(i + 2) == id || h(i + 2) == ids ? i + 3 : i + 2 }
            } else if t == error || t == errors {
                if h(i + 1) == code || h(i + 1) == codes { numbersAt = i + 2 }
            } else if tokens[i].end - tokens[i].start >= 8, let number = aadsts(tokens[i], text) {
                out.insert(number)
            }
            guard numbersAt > 0 else { i += 1; continue }
            var k = numbersAt
            var found = false
            while k < n, k < numbersAt + 12 {
                let tok = tokens[k]
                if tok.isNumber, tok.end - tok.start <= 7 {
                    out.insert(String(decoding: UnsafeBufferPointer(rebasing: text[Int(tok.start)..<Int(tok.end)]), as: UTF8.self))
                    found = true
                } else if !found || (tok.hash != and && tok.hash != or) {
                    break
                }
                k += 1
            }
            i = found ? k : i + 1
        }
    }

    /// "AADSTS50053" -> "50053".
    private func aadsts(_ t: Token, _ text: UnsafeBufferPointer<UInt8>) -> String? {
        let len = Int(t.end - t.start)
        guard len >= 8, len <= 13 else { return nil }
        let s = Int(t.start)
        guard text[s] | 0x20 == UInt8(ascii: "a") else { return nil }
        for k in 0..<6 where text[s + k] | 0x20 != prefix[k] { return nil }
        for k in 6..<len where !(text[s + k] >= 48 && text[s + k] <= 57) { return nil }
        return String(decoding: UnsafeBufferPointer(rebasing: text[(s + 6)..<(s + len)]), as: UTF8.self)
    }
}
