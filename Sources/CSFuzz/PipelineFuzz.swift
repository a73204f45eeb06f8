import CSRun

/// CSRun's pipeline-file parser on arbitrary text. A parse either throws a ParseError that points
/// inside the text, or gives steps that start on lines of the text.
public enum PipelineFuzz {
    static let environment = ["FEEDS": "a.xml b.json", "EMPTY": "", "OUT": "out dir", "SEV": "high"]

    public static func check(_ input: UnsafeRawBufferPointer) -> String? {
        // Glob patterns are expanded against the file system: keep them relative (a '/' becomes '_'), so
        // that a pattern such as /*/*/*/* cannot walk the machine; run.sh runs in an empty directory.
        let bytes = input.map { $0 == UInt8(ascii: "/") ? UInt8(ascii: "_") : $0 }
        let text = String(decoding: bytes, as: UTF8.self)
        let lineCount = text.split(separator: "\n", omittingEmptySubsequences: false).count
        do {
            let file = try PipelineFile(path: "fuzz.cs", text: text, lookup: { environment[$0] })
            if file.steps.isEmpty { return "parsed without steps" }
            for step in file.steps where !(1...lineCount).contains(step.line) {
                return "step \(step.stage.debugDescription) on line \(step.line) of \(lineCount)"
            }
        } catch {
            if !(1...max(1, lineCount)).contains(error.line) || error.column < 1 {
                return "error position \(error.line):\(error.column) outside \(lineCount) lines: \(error.message)"
            }
            if error.message.isEmpty { return "error without a message" }
        }
        return nil
    }
}
