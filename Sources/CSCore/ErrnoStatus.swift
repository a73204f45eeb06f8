#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

extension StatusCode {
    /// The status code a failed system call's errno stands for: a missing file or folder is NOT_FOUND,
    /// a refused one PERMISSION_DENIED, a full disk RESOURCE_EXHAUSTED, an I/O error DATA_LOSS.
    public init(errno e: Int32) {
        switch e {
        case ENOENT, ENOTDIR: self = .notFound
        case EACCES, EPERM, EROFS: self = .permissionDenied
        case ENOSPC, EDQUOT, EFBIG, EMFILE, ENFILE, ENOMEM: self = .resourceExhausted
        case EIO: self = .dataLoss
        case EISDIR, ENAMETOOLONG, ELOOP, EINVAL: self = .invalidArgument
        case EAGAIN, EINTR, EBUSY, ETXTBSY: self = .unavailable
        default: self = .unknown
        }
    }
}

/// strerror(3) as a String.
public func systemErrorText(_ e: Int32) -> String { String(cString: strerror(e)) }
