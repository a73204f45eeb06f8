#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import CSPosix

/// What output meant for people needs to know about where it goes: is it a terminal, how wide,
/// and may it use colour.
public enum Terminal {
    public static func isTerminal(_ fd: Int32) -> Bool { cs_isatty(fd) != 0 }

    /// The width to lay text out in: the terminal's columns (TIOCGWINSZ) when `fd` is a terminal,
    /// else `COLUMNS` from the environment, else `fallback`.
    public static func columns(_ fd: Int32, fallback: Int = 100) -> Int {
        let c = Int(cs_terminal_columns(fd))
        if c > 0 { return c }
        if let env = getenv("COLUMNS"), let n = Int(String(cString: env)), n > 0 { return n }
        return fallback
    }

    /// Colour by default only on a terminal, and never when NO_COLOR is set to a non-empty value
    /// (https://no-color.org): an explicit "always" still wins, as that convention asks.
    public static func useColor(_ fd: Int32, mode: ColorMode) -> Bool {
        switch mode {
        case .always: return true
        case .never: return false
        case .auto:
            if let v = getenv("NO_COLOR"), v.pointee != 0 { return false }
            if let t = getenv("TERM"), String(cString: t) == "dumb" { return false }
            return isTerminal(fd)
        }
    }

    public enum ColorMode: String, Sendable, CaseIterable {
        case auto, always, never
    }
}
