#pragma once
// One capture per segment: a thread opens libpcap inside the namespace (promiscuous, immediate mode, snaplen
// 65535), and appends every frame to a pcapng file (one write per frame) and to memory.
#include "harness/net/pcapng.h"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <future>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace mipvpn::net {

struct Frame {
    uint64_t index = 0;                          // 0, 1, 2, ... in capture order
    std::chrono::system_clock::time_point ts;    // kernel timestamp (nanosecond precision when available)
    std::vector<uint8_t> data;                   // the frame from the Ethernet header on
};

class SegmentCapture {
public:
    // Starts capturing on `iface` inside namespace `ns` (empty: the calling thread's namespace) and returns once
    // the pcap handle is active, so every frame sent after the constructor returns is captured.
    // Throws NetError when the capture cannot start (namespace, interface or file missing, pcap error).
    SegmentCapture(std::string ns, std::string iface, std::string pcapng_path);
    ~SegmentCapture();  // stop()
    SegmentCapture(const SegmentCapture&) = delete;
    SegmentCapture& operator=(const SegmentCapture&) = delete;

    // Stops the thread promptly (an eventfd wakes its poll) and closes the file. Idempotent.
    void stop();
    // Asks the thread to stop without waiting (stop() then joins). Lets several captures close at once:
    // closing a capture socket takes the kernel tens of milliseconds.
    void request_stop();
    bool running() const { return running_.load(); }
    // Why the capture thread ended on its own (pcap or write error); "" otherwise.
    std::string error() const;

    uint64_t frame_count() const;
    // The first frame with index >= from_index for which pred holds, waiting (condition variable) until
    // `deadline`; nullopt if none by then, or if the capture stopped. pred runs without the capture's lock
    // held, on frames that never change, so it may take its time.
    std::optional<Frame> wait_for(std::function<bool(const Frame&)> pred, uint64_t from_index,
                                  std::chrono::steady_clock::time_point deadline) const;
    // Frames with t0 <= ts <= t1.
    std::vector<Frame> frames_between(std::chrono::system_clock::time_point t0,
                                      std::chrono::system_clock::time_point t1) const;
    // Frames with index >= from_index.
    std::vector<Frame> frames(uint64_t from_index = 0) const;
    // Frames pcap reported dropped by the kernel (should stay 0).
    uint64_t dropped() const { return dropped_.load(); }

    const std::string& ns() const { return ns_; }
    const std::string& iface() const { return iface_; }
    const std::string& path() const { return path_; }

    // Writes frames as a pcapng file with one Ethernet interface named iface_name. Throws NetError.
    static void write_pcapng(const std::string& path, const std::string& iface_name, const std::vector<Frame>& frames);

private:
    void run(std::promise<void>* started);

    std::string ns_, iface_, path_;
    PcapngWriter writer_;
    mutable std::mutex mu_;
    mutable std::condition_variable cv_;
    std::deque<Frame> frames_;  // deque: push_back never moves existing elements
    std::string error_;
    std::atomic<bool> running_{false};
    std::atomic<uint64_t> dropped_{0};
    int stop_fd_ = -1;          // eventfd
    std::thread thread_;
};

}  // namespace mipvpn::net
