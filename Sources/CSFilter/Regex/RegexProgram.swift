/// A regular expression compiled into a Thompson NFA: a list of instructions that consume one byte
/// (`.bytes`), branch (`.split`, `.jump`), test a position (`.assertion`) or accept (`.match`).
/// The program searches: it starts with a loop over any byte, so a match may begin anywhere.
struct RegexProgram {
    enum Op: UInt8 { case bytes, split, jump, assertion, match }
    struct Instruction {
        var op: Op
        /// `.bytes`: index into `sets`; `.split`/`.jump`: a target; `.assertion`: its raw value.
        var x: Int32
        /// `.split`: the second target.
        var y: Int32 = 0
    }

    /// Bounded repetitions are expanded: this caps what `((a{1,1000}){1,1000})` could ask for,
    /// and with it the work per input byte when the state cache cannot help.
    static let maxInstructions = 20_000

    private(set) var instructions: [Instruction] = []
    private(set) var sets: [ByteSet] = []
    private var setIndex: [ByteSet: Int32] = [:]
    /// Whether `\b \B \< \>` occur: then states remember whether the last byte was a word byte.
    private(set) var usesWordAssertions = false
    /// Byte value to equivalence class: bytes in one class behave the same in every instruction.
    private(set) var byteClass = [UInt8](repeating: 0, count: 256)
    private(set) var classCount = 1
    /// One byte of each class.
    private(set) var classRepresentative: [UInt8] = []

    struct TooComplex: Error {}

    init(_ root: RegexNode) throws(TooComplex) {
        // Unanchored search: `(any byte)*` in front, unless every match must start at the beginning.
        if !RegexProgram.anchoredAtStart(root) {
            let any = set(.all)
            instructions.append(Instruction(op: .split, x: 3, y: 1))
            instructions.append(Instruction(op: .bytes, x: any))
            instructions.append(Instruction(op: .jump, x: 0))
        }
        try emit(root)
        try append(Instruction(op: .match, x: 0))
        computeByteClasses()
    }

    private mutating func set(_ s: ByteSet) -> Int32 {
        if let k = setIndex[s] { return k }
        sets.append(s)
        setIndex[s] = Int32(sets.count - 1)
        return Int32(sets.count - 1)
    }

    private mutating func append(_ inst: Instruction) throws(TooComplex) {
        guard instructions.count < RegexProgram.maxInstructions else { throw TooComplex() }
        instructions.append(inst)
    }

    private var next: Int32 { Int32(instructions.count) }

    private mutating func emit(_ node: RegexNode) throws(TooComplex) {
        switch node {
        case .empty:
            break
        case let .bytes(s):
            try append(Instruction(op: .bytes, x: set(s)))
        case let .concat(items):
            for item in items { try emit(item) }
        case let .alternate(branches):
            // split L1, next; L1: b1; jump end; next: split L2, next2; ... last branch; end:
            var jumps: [Int] = []
            for (k, branch) in branches.enumerated() {
                if k < branches.count - 1 {
                    let split = instructions.count
                    try append(Instruction(op: .split, x: next + 1, y: 0))
                    try emit(branch)
                    jumps.append(instructions.count)
                    try append(Instruction(op: .jump, x: 0))
                    instructions[split].y = next
                } else {
                    try emit(branch)
                }
            }
            for j in jumps { instructions[j].x = next }
        case let .repetition(inner, lo, hi):
            if let hi {
                for _ in 0..<lo { try emit(inner) }
                // Each optional copy: split body, after; body; after:
                for _ in lo..<hi {
                    let split = instructions.count
                    try append(Instruction(op: .split, x: next + 1, y: 0))
                    try emit(inner)
                    instructions[split].y = next
                }
            } else if lo == 0 {
                // loop: split body, end; body; jump loop; end:
                let loop = instructions.count
                try append(Instruction(op: .split, x: next + 1, y: 0))
                try emit(inner)
                try append(Instruction(op: .jump, x: Int32(loop)))
                instructions[loop].y = next
            } else {
                // lo - 1 copies, then body; split body, end (one or more).
                for _ in 0..<(lo - 1) { try emit(inner) }
                let body = next
                try emit(inner)
                try append(Instruction(op: .split, x: body, y: next + 1))
            }
        case let .assertion(a):
            if a != .begin && a != .end { usesWordAssertions = true }
            try append(Instruction(op: .assertion, x: a.rawValue))
        }
    }

    /// Every match starts with `^` (then the search loop in front is pointless).
    static func anchoredAtStart(_ node: RegexNode) -> Bool {
        switch node {
        case .assertion(.begin): return true
        case let .concat(items):
            for item in items {
                if anchoredAtStart(item) { return true }
                // Zero-width items in front keep looking; anything else may consume bytes first.
                guard case .assertion = item else { return false }
            }
            return false
        case let .alternate(branches): return branches.allSatisfy(anchoredAtStart)
        case let .repetition(inner, lo, _): return lo > 0 && anchoredAtStart(inner)
        default: return false
        }
    }

    /// Splits 0...255 into runs where no set (and not word-ness, when it matters) changes membership.
    private mutating func computeByteClasses() {
        var tracked = sets
        if usesWordAssertions { tracked.append(.word) }
        var cls: UInt8 = 0
        classRepresentative = [0]
        for b in 1...255 {
            let byte = UInt8(b)
            if tracked.contains(where: { $0.contains(byte) != $0.contains(byte - 1) }) {
                cls += 1
                classRepresentative.append(byte)
            }
            byteClass[b] = cls
        }
        classCount = Int(cls) + 1
    }
}
