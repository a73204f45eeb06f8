#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import CSCore

/// A connected UDP or TCP socket to a syslog receiver, (re)opened on demand.
final class SyslogSocket {
    let host: String
    let port: Int
    let stream: Bool
    let timeout: Double
    private var fd: Int32 = -1

    init(host: String, port: Int, stream: Bool, timeout: Double) {
        self.host = host
        self.port = port
        self.stream = stream
        self.timeout = timeout
    }

    deinit { close() }

    func close() {
        if fd >= 0 { Glibc.close(fd) }
        fd = -1
    }

    /// Connects when not connected; for TCP also notices a peer that closed since the last send
    /// (the first write after that would otherwise "succeed" into the void).
    func ensureConnected() throws(EncodeError) {
        if fd >= 0, stream, peerClosed() { close() }
        guard fd < 0 else { return }
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = stream ? Int32(SOCK_STREAM.rawValue) : Int32(SOCK_DGRAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        let rc = getaddrinfo(host, String(port), &hints, &list)
        guard rc == 0, let list else {
            throw EncodeError(.unavailable, "cannot resolve \(host): \(String(cString: gai_strerror(rc)))")
        }
        defer { freeaddrinfo(list) }
        var lastErrno: Int32 = 0
        var entry: UnsafeMutablePointer<addrinfo>? = list
        while let ai = entry {
            entry = ai.pointee.ai_next
            let s = socket(ai.pointee.ai_family, ai.pointee.ai_socktype | Int32(SOCK_CLOEXEC.rawValue), ai.pointee.ai_protocol)
            guard s >= 0 else { lastErrno = errno; continue }
            // SO_SNDTIMEO bounds connect(2) on Linux as well as each send.
            var tv = timeval(tv_sec: Int(timeout), tv_usec: Int((timeout - Double(Int(timeout))) * 1e6))
            setsockopt(s, SOL_SOCKET, SO_SNDTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
            if connect(s, ai.pointee.ai_addr, ai.pointee.ai_addrlen) == 0 {
                fd = s
                return
            }
            lastErrno = errno
            Glibc.close(s)
        }
        throw EncodeError(.unavailable, "cannot connect to \(host):\(port) (\(stream ? "tcp" : "udp")): \(String(cString: strerror(lastErrno)))")
    }

    private func peerClosed() -> Bool {
        var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        guard poll(&p, 1, 0) > 0 else { return false }
        if p.revents & Int16(POLLHUP | POLLERR) != 0 { return true }
        var byte: UInt8 = 0
        let n = recv(fd, &byte, 1, Int32(MSG_PEEK | MSG_DONTWAIT))
        return n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK)
    }

    /// Sends all bytes (TCP) or one datagram (UDP). Throws with errno's text on failure.
    func send(_ bytes: [UInt8]) throws(SendError) {
        var off = 0
        while off < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress! + off, $0.count - off, Int32(MSG_NOSIGNAL)) }
            if n >= 0 {
                if !stream { return }
                off += n
                continue
            }
            let e = errno
            if e == EINTR { continue }
            let error = SendError(errno: e)
            if stream || !error.isPermanent { close() }
            throw error
        }
    }

    struct SendError: Error {
        var errno: Int32
        var message: String { String(cString: strerror(errno)) }
        /// The datagram itself is too big: sending it again cannot help.
        var isPermanent: Bool { errno == EMSGSIZE }
    }
}
