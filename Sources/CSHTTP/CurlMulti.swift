import CCurl

/// The only owner of a curl multi handle. It holds every transfer it runs (libcurl points back
/// at them), and hands each one back, with libcurl's verdict, when it is done.
final class CurlMulti {
    private let handle: UnsafeMutableRawPointer
    private var running: [UnsafeMutableRawPointer: CurlEasy] = [:]

    init?() {
        guard CurlGlobal.ready, let handle = curl_multi_init() else { return nil }
        self.handle = handle
    }

    deinit {
        cancelAll()
        curl_multi_cleanup(handle)
    }

    /// Abandons every transfer under way (their easy handles are freed with them).
    func cancelAll() {
        for (easy, _) in running { curl_multi_remove_handle(handle, easy) }
        running = [:]
    }

    var count: Int { running.count }
    var isEmpty: Bool { running.isEmpty }
    var transfers: Dictionary<UnsafeMutableRawPointer, CurlEasy>.Values { running.values }

    func add(_ easy: CurlEasy) -> Bool {
        easy.markStarted()
        guard curl_multi_add_handle(handle, easy.handle) == CURLM_OK else { return false }
        running[easy.handle] = easy
        return true
    }

    /// Drives the transfers, waiting at most `timeoutMs` for network activity, and returns those
    /// that completed (removed from the multi handle, now owned by the caller only).
    func step(timeoutMs: Int) -> [(CurlEasy, CURLcode)] {
        var stillRunning: Int32 = 0
        curl_multi_perform(handle, &stillRunning)
        var done: [(CurlEasy, CURLcode)] = []
        collect(into: &done)
        if done.isEmpty {
            // With no transfers, curl_multi_poll still sleeps for the timeout: the caller's pause.
            curl_multi_poll(handle, nil, 0, Int32(max(0, timeoutMs)), nil)
            curl_multi_perform(handle, &stillRunning)
            collect(into: &done)
        }
        return done
    }

    private func collect(into done: inout [(CurlEasy, CURLcode)]) {
        var queued: Int32 = 0
        while let message = curl_multi_info_read(handle, &queued) {
            guard message.pointee.msg == CURLMSG_DONE, let easyHandle = message.pointee.easy_handle else { continue }
            let code = message.pointee.data.result
            curl_multi_remove_handle(handle, easyHandle)
            if let easy = running.removeValue(forKey: easyHandle) { done.append((easy, code)) }
        }
    }
}
