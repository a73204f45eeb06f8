/// Runs a `RegexProgram` over text in time linear in the text: a DFA built lazily from the NFA.
///
/// A DFA state is the set of NFA instructions alive after some prefix of the text (the Thompson
/// simulation's thread list), plus whether that prefix is empty and whether its last byte was a word
/// byte. Assertions that depend on the next byte (`$ \b \B \< \>`) stay in the set, unresolved, and
/// are decided when the next byte (or the end) is known. Each state's transitions are computed once,
/// on first use, and cached per byte class, so the common case costs one table load per byte. The
/// cache is bounded: when it fills up it is emptied and rebuilt from the current state; a text that
/// empties it twice is finished by the plain NFA simulation (`simulate`), which makes no states.
/// The worst case is O(text × program): linear in the text.
final class LazyDFA {
    private let program: RegexProgram
    /// The program's instructions and byte sets, and the closures' scratch, as raw memory: the
    /// closures are the slow path's inner loop (array and exclusivity checks there cost 5x).
    private let instructions: UnsafeMutablePointer<RegexProgram.Instruction>
    private let sets: UnsafeMutablePointer<ByteSet>
    private let count: Int
    private let stride: Int
    private let byteClass: [UInt8]

    /// Transition targets: `table[state * stride + class]`; `unknown` until computed.
    private var table: [Int32] = []
    private var states: [[Int32]] = []
    private var flags: [UInt8] = []
    /// Per state: 1 when the text ending there matches, 0 when not, -1 not yet known.
    private var endVerdict: [Int8] = []
    private var index: [StateKey: Int32] = [:]
    private var storedInstructions = 0
    private var start: Int32 = 0
    /// How often the cache was emptied; when a text empties it twice, the rest of it is simulated.
    private var resets = 0

    /// The idle state: only the search loop alive, nothing begun (-1 until made, or without one).
    /// Bytes that keep it idle (`keepsIdle[b] != 0`) are skipped by a tight loop, like glibc's fastmap.
    private var idle: Int32 = -1
    private let idleInstructions: [Int32]?
    private let keepsIdle: [UInt8]

    static let unknown: Int32 = -1, matched: Int32 = -2, dead: Int32 = -3
    private static let atStartFlag: UInt8 = 1, prevWordFlag: UInt8 = 2

    /// The cache is emptied past either bound (a few megabytes at most).
    let maxStates: Int
    static let maxStoredInstructions = 1 << 20

    /// Scratch for the closures: `mark[pc] == generation` means pc is already in the list. Each pc is
    /// expanded once per closure and pushes at most two others, so the stack holds 2 × count + 1.
    private let mark: UnsafeMutablePointer<UInt32>
    private var generation: UInt32 = 0
    private let stack: UnsafeMutablePointer<Int32>

    struct StateKey: Hashable {
        let pcs: [Int32]
        let flags: UInt8
    }

    /// `maxStates` 0 keeps no state past the step that made it (every step built afresh, and never
    /// handed to `simulate`); the tests compare the cache on, off and tiny.
    init(_ program: RegexProgram, maxStates: Int = 4096) {
        self.program = program
        count = program.instructions.count
        instructions = .allocate(capacity: count)
        instructions.initialize(from: program.instructions, count: count)
        sets = .allocate(capacity: max(1, program.sets.count))
        sets.initialize(from: program.sets, count: program.sets.count)
        stride = program.classCount
        byteClass = program.byteClass
        self.maxStates = maxStates
        mark = .allocate(capacity: count)
        mark.initialize(repeating: 0, count: count)
        stack = .allocate(capacity: 2 * count + 1)
        (idleInstructions, keepsIdle) = LazyDFA.idleState(program)
        reset()
    }

    deinit {
        instructions.deallocate()
        sets.deallocate()
        mark.deallocate()
        stack.deallocate()
    }

    /// Empties the cache and adds the start state again.
    private func reset() {
        table.removeAll(keepingCapacity: true)
        states.removeAll(keepingCapacity: true)
        flags.removeAll(keepingCapacity: true)
        endVerdict.removeAll(keepingCapacity: true)
        index.removeAll(keepingCapacity: true)
        storedInstructions = 0
        resets += 1
        idle = -1
        var list: [Int32] = []
        nextGeneration()
        addLazily(0, atStart: true, into: &list)
        start = intern(list, flags: LazyDFA.atStartFlag)
    }

    /// Whether the program matches somewhere in `text`. `stop` is asked every so often (a stop signal);
    /// when it says yes the answer is false and the caller must not act on it.
    func matches(_ text: UnsafeBufferPointer<UInt8>, stop: () -> Bool) -> Bool {
        if start < 0 { return start == LazyDFA.matched }
        guard let base = text.baseAddress else { return endMatches(start) }
        var s = start
        var i = 0
        let n = text.count
        var slowSteps = 0
        let resetsBefore = resets
        while i < n {
            let chunkEnd = min(n, i + (1 << 16))
            while i < chunkEnd {
                // The hot loop: cached transitions only, on raw pointers (the table only grows outside it).
                var t = LazyDFA.unknown
                let idle = self.idle, stride = self.stride
                table.withUnsafeBufferPointer { table in
                    byteClass.withUnsafeBufferPointer { classes in
                        keepsIdle.withUnsafeBufferPointer { keep in
                            while i < chunkEnd {
                                if s == idle {
                                    while i < chunkEnd, keep[Int(base[i])] != 0 { i &+= 1 }
                                    if i == chunkEnd { t = s; return }   // chunk done, still idle
                                }
                                t = table[Int(s) &* stride &+ Int(classes[Int(base[i])])]
                                if t < 0 { return }
                                s = t
                                i &+= 1
                            }
                        }
                    }
                }
                guard t < 0 else { break }   // chunk done
                if t == LazyDFA.unknown {
                    if resets - resetsBefore >= 2 && maxStates > 0 { return simulate(from: s, base, i, n, stop: stop) }
                    t = transition(s, Int(byteClass[Int(base[i])]))
                    slowSteps += 1
                    if slowSteps & 1023 == 0, stop() { return false }
                }
                if t < 0 { return t == LazyDFA.matched }
                s = t
                i += 1
            }
            if stop() { return false }
        }
        return endMatches(s)
    }

    // MARK: building states

    /// The idle state's instructions, and the bytes that leave it unchanged; nil when there is no such
    /// state to skip through (an anchored program) or word assertions make it depend on the last byte.
    private static func idleState(_ program: RegexProgram) -> ([Int32]?, [UInt8]) {
        var keep = [UInt8](repeating: 0, count: 256)
        let code = program.instructions
        // The search loop is instructions 0-2: split 3, 1; bytes(any); jump 0.
        guard !program.usesWordAssertions, code.count > 3, code[0].op == .split, code[0].x == 3, code[0].y == 1 else { return (nil, keep) }
        // The closure of the loop at a position past the start (`^` fails there; `$` stays pending).
        var seen = Set<Int32>(), stack: [Int32] = [0], list: [Int32] = []
        while let pc = stack.popLast() {
            guard seen.insert(pc).inserted else { continue }
            let inst = code[Int(pc)]
            switch inst.op {
            case .bytes, .match: list.append(pc)
            case .split: stack.append(inst.y); stack.append(inst.x)
            case .jump: stack.append(inst.x)
            case .assertion: if RegexAssertion(rawValue: inst.x) != .begin { list.append(pc) }
            }
        }
        guard !list.contains(where: { code[Int($0)].op == .match }) else { return (nil, keep) }
        // A byte keeps the state idle when no instruction but the loop's own accepts it (pending `$`
        // fails on any byte): stepping on it gives the loop's closure again.
        for b in 0...255 {
            let byte = UInt8(b)
            keep[b] = list.contains(where: { $0 != 1 && code[Int($0)].op == .bytes && program.sets[Int(code[Int($0)].x)].contains(byte) }) ? 0 : 1
        }
        return (list.sorted(), keep)
    }

    private func nextGeneration() {
        generation &+= 1
        if generation == 0 {
            mark.update(repeating: 0, count: count)
            generation = 1
        }
    }

    /// What an assertion needs to be decided at a position beyond `atStart`: whether it is the end, and
    /// whether the bytes before and after it are word bytes.
    private struct Surroundings { var atEnd: Bool, prevWord: Bool, nextWord: Bool }

    /// Adds `pc` and what it reaches without consuming a byte, leaving next-byte assertions unresolved.
    /// Only `^` can be decided here (it needs nothing but `atStart`).
    private func addLazily(_ pc: Int32, atStart: Bool, into list: inout [Int32]) {
        addClosure(pc, atStart: atStart, surroundings: nil, into: &list)
    }

    /// Adds `pc` and what it reaches, deciding every assertion with the context of this position.
    private func addResolved(_ pc: Int32, atStart: Bool, atEnd: Bool, prevWord: Bool, nextWord: Bool, into list: inout [Int32]) {
        addClosure(pc, atStart: atStart, surroundings: Surroundings(atEnd: atEnd, prevWord: prevWord, nextWord: nextWord), into: &list)
    }

    /// The epsilon closure of `pc`: with `surroundings`, every assertion is decided; without, an assertion
    /// other than `^` stays in `list`, pending until the next byte is known.
    private func addClosure(_ pc: Int32, atStart: Bool, surroundings: Surroundings?, into list: inout [Int32]) {
        var top = 0
        stack[0] = pc
        top = 1
        while top > 0 {
            top -= 1
            let pc = stack[top]
            guard mark[Int(pc)] != generation else { continue }
            mark[Int(pc)] = generation
            let inst = instructions[Int(pc)]
            switch inst.op {
            case .bytes, .match:
                list.append(pc)
            case .split:
                stack[top] = inst.y; stack[top + 1] = inst.x; top += 2
            case .jump:
                stack[top] = inst.x; top += 1
            case .assertion:
                let assertion = RegexAssertion(rawValue: inst.x)!
                let holds: Bool
                if let c = surroundings {
                    holds = assertion.holds(atStart: atStart, atEnd: c.atEnd, prevWord: c.prevWord, nextWord: c.nextWord)
                } else if assertion == .begin {
                    holds = atStart
                } else {
                    list.append(pc)
                    continue
                }
                if holds { stack[top] = pc + 1; top += 1 }
            }
        }
    }

    /// State `s`'s instructions with its pending assertions decided against the next byte (nil: the end).
    private func resolve(_ s: Int32, next: UInt8?) -> [Int32] {
        let f = flags[Int(s)]
        return resolve(states[Int(s)], atStart: f & LazyDFA.atStartFlag != 0, prevWord: f & LazyDFA.prevWordFlag != 0, next: next)
    }

    private func resolve(_ pcs: [Int32], atStart: Bool, prevWord: Bool, next: UInt8?) -> [Int32] {
        let nextWord = next.map { ByteSet.word.contains($0) } ?? false
        var list: [Int32] = []
        nextGeneration()
        for pc in pcs {
            if instructions[Int(pc)].op == .assertion {
                addResolved(pc, atStart: atStart, atEnd: next == nil, prevWord: prevWord, nextWord: nextWord, into: &list)
            } else if mark[Int(pc)] != generation {
                mark[Int(pc)] = generation
                list.append(pc)
            }
        }
        return list
    }

    /// The NFA simulation from state `s` at `text[i...]`, without making states: for texts on which the
    /// cache thrashes (each byte a new state, as `a[ab]{1000}c` makes), where sorting, hashing and storing
    /// every state costs more than it saves. Same answers, same stop checks.
    private func simulate(from s: Int32, _ base: UnsafePointer<UInt8>, _ start: Int, _ n: Int, stop: () -> Bool) -> Bool {
        var pcs = states[Int(s)]
        var atStart = flags[Int(s)] & LazyDFA.atStartFlag != 0
        var prevWord = flags[Int(s)] & LazyDFA.prevWordFlag != 0
        var i = start
        while i < n {
            let byte = base[i]
            let current = resolve(pcs, atStart: atStart, prevWord: prevWord, next: byte)
            var next: [Int32] = []
            nextGeneration()
            for pc in current {
                let inst = instructions[Int(pc)]
                if inst.op == .match { return true }
                if inst.op == .bytes, sets[Int(inst.x)].contains(byte) {
                    addLazily(pc + 1, atStart: false, into: &next)
                }
            }
            if next.isEmpty { return false }
            if next.contains(where: { instructions[Int($0)].op == .match }) { return true }
            pcs = next
            atStart = false
            prevWord = ByteSet.word.contains(byte)
            i += 1
            if i & 4095 == 0, stop() { return false }
        }
        return resolve(pcs, atStart: atStart, prevWord: prevWord, next: nil).contains(where: { instructions[Int($0)].op == .match })
    }

    /// Computes (and caches) where state `s` goes on a byte of class `cls`.
    private func transition(_ s: Int32, _ cls: Int) -> Int32 {
        let byte = program.classRepresentative[cls]
        let current = resolve(s, next: byte)
        var target: Int32
        if current.contains(where: { instructions[Int($0)].op == .match }) {
            target = LazyDFA.matched
        } else {
            var list: [Int32] = []
            nextGeneration()
            for pc in current {
                let inst = instructions[Int(pc)]
                if inst.op == .bytes, sets[Int(inst.x)].contains(byte) {
                    addLazily(pc + 1, atStart: false, into: &list)
                }
            }
            if list.isEmpty {
                target = LazyDFA.dead
            } else if list.contains(where: { instructions[Int($0)].op == .match }) {
                target = LazyDFA.matched
            } else {
                let prevWord = program.usesWordAssertions && ByteSet.word.contains(byte)
                list.sort()
                if states.count >= maxStates || storedInstructions + list.count > LazyDFA.maxStoredInstructions {
                    // Full: start over from here (the old states, `s` among them, are gone).
                    reset()
                    return intern(list, flags: prevWord ? LazyDFA.prevWordFlag : 0)
                }
                target = intern(list, flags: prevWord ? LazyDFA.prevWordFlag : 0)
            }
        }
        table[Int(s) * stride + cls] = target
        return target
    }

    /// The state for this instruction list (sorted), made when new. A list holding `match` is the match.
    private func intern(_ list: [Int32], flags f: UInt8) -> Int32 {
        if list.contains(where: { instructions[Int($0)].op == .match }) { return LazyDFA.matched }
        if list.isEmpty { return LazyDFA.dead }
        let key = StateKey(pcs: list.sorted(), flags: f)
        if let k = index[key] { return k }
        let k = Int32(states.count)
        if f == 0, let idleInstructions, key.pcs == idleInstructions { idle = k }
        states.append(key.pcs)
        flags.append(f)
        endVerdict.append(-1)
        table.append(contentsOf: repeatElement(LazyDFA.unknown, count: stride))
        index[key] = k
        storedInstructions += list.count
        return k
    }

    private func endMatches(_ s: Int32) -> Bool {
        if s < 0 { return s == LazyDFA.matched }
        if endVerdict[Int(s)] < 0 {
            let list = resolve(s, next: nil)
            endVerdict[Int(s)] = list.contains(where: { instructions[Int($0)].op == .match }) ? 1 : 0
        }
        return endVerdict[Int(s)] == 1
    }
}
