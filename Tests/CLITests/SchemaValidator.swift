import Foundation
import XCTest

/// Validates NDJSON records against docs/schema/cs.advisory-1.schema.json with Python's jsonschema
/// (an independent implementation of JSON Schema; `make deps` installs it).
enum SchemaValidator {
    static let schemaPath = Shell.repoRoot.appendingPathComponent("docs/schema/cs.advisory-1.schema.json").path

    static func assertValid(_ ndjson: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let script = """
        import json, sys, jsonschema
        schema = json.load(open(sys.argv[1]))
        validator = jsonschema.Draft202012Validator(schema)
        bad = 0
        for n, line in enumerate(sys.stdin, 1):
            for e in validator.iter_errors(json.loads(line)):
                bad += 1
                print(f"line {n}: {'/'.join(map(str, e.absolute_path))}: {e.message}")
        sys.exit(1 if bad else 0)
        """
        let dir = try Shell.temporaryDirectory()
        let py = dir.appendingPathComponent("validate.py")
        try script.write(to: py, atomically: true, encoding: .utf8)
        let r = try Shell.run("python3 '\(py.path)' '\(schemaPath)'", stdin: ndjson)
        XCTAssertEqual(r.status, 0, "records do not match the cs.advisory/1 schema:\n\(r.stdout)\(r.stderr)", file: file, line: line)
    }
}
