import CSCore

/// `syslog+udp://HOST:PORT` and `syslog+tcp://HOST:PORT`: RFC 5424 messages (see `SyslogMessage`),
/// one datagram each over UDP (RFC 5426), octet-counted frames over TCP (RFC 6587).
///
/// Syslog has no acknowledgements: a record counts as delivered once the kernel took it. Over TCP
/// a failed send closes the connection and the whole batch is sent again on a new one (at least
/// once: a receiver may see a record twice); over UDP loss on the way cannot be seen at all.
final class SyslogEndpoint: DeliveryEndpoint {
    let socket: SyslogSocket
    let message: SyslogMessage
    let stream: Bool

    init(target: NetworkTarget, options: DeliveryOptions) {
        stream = target.kind == .syslogTCP
        socket = SyslogSocket(host: target.host, port: target.port, stream: stream, timeout: options.timeout)
        // UDP: 2048 bytes is what RFC 5426 says every receiver should accept; TCP: rsyslog's default 8k.
        message = SyslogMessage(facility: options.facility, maxBytes: options.maxMessage ?? (stream ? 8192 : 2048))
    }

    func payload(_ line: UnsafeBufferPointer<UInt8>, _ scanner: RecordScanner) -> Result<[UInt8], EncodeError> {
        message.encode(scanner, timestamp: RFC3339.now())
    }

    func attempt(_ batch: [PendingRecord]) -> [RecordVerdict] {
        do throws(EncodeError) { try socket.ensureConnected() } catch {
            return Array(repeating: .retry(error.code, error.message, after: nil), count: batch.count)
        }
        if stream {
            var frames: [UInt8] = []
            for r in batch { frames += SyslogMessage.octetCounted(r.payload) }
            do throws(SyslogSocket.SendError) { try socket.send(frames) } catch {
                return Array(repeating: .retry(.unavailable, "syslog tcp send failed: \(error.message)", after: nil), count: batch.count)
            }
            return Array(repeating: .delivered, count: batch.count)
        }
        var verdicts: [RecordVerdict] = []
        for (i, r) in batch.enumerated() {
            do throws(SyslogSocket.SendError) { try socket.send(r.payload) } catch {
                let reason = "syslog udp send failed: \(error.message)"
                if error.isPermanent {
                    verdicts.append(.rejected(.resourceExhausted, reason))
                    continue
                }
                // Connection refused (ICMP) and the like: this and the rest go again later.
                verdicts += Array(repeating: .retry(.unavailable, reason, after: nil), count: batch.count - i)
                return verdicts
            }
            verdicts.append(.delivered)
        }
        return verdicts
    }
}
