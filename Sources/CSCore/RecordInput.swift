extension Stage {
    /// Reads every input line as a `cs.advisory/1` record. A line that is not a JSON object, or not a
    /// record of this schema, is rejected here with its position (and kept in `--dead-letter`);
    /// `body` sees only records, already scanned by `scanner`.
    public func forEachRecord(of inputs: [String], scanner: RecordScanner = RecordScanner(),
                              _ body: (InputLine, RecordScanner, Position) -> Void) {
        forEachLine(of: inputs) { line, position in
            do throws(RecordScanner.ScanError) {
                try scanner.scan(line.bytes)
            } catch {
                reject(line.bytes, at: position, .invalidArgument, error.description)
                return
            }
            if let problem = AdvisoryCheck.problem(in: scanner) {
                reject(line.bytes, at: position, .invalidArgument, problem, id: scanner.value("id")?.string)
                return
            }
            body(line, scanner, position)
        }
    }
}
