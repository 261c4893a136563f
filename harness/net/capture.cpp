#include "harness/net/capture.h"

#include "harness/net/netns.h"

#include <pcap/pcap.h>
#include <poll.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <cerrno>

namespace mipvpn::net {

namespace {

constexpr int kPollTimeoutMs = 50;  // fallback; stop() wakes the thread at once through the eventfd

uint64_t to_ns(std::chrono::system_clock::time_point t) {
    return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch()).count());
}

struct PcapCloser {
    pcap_t* p;
    ~PcapCloser() {
        if (p) pcap_close(p);
    }
};

}  // namespace

SegmentCapture::SegmentCapture(std::string ns, std::string iface, std::string pcapng_path)
    : ns_(std::move(ns)), iface_(std::move(iface)), path_(std::move(pcapng_path)) {
    stop_fd_ = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (stop_fd_ < 0) throw NetError(std::string("eventfd: ") + ::strerror(errno));
    std::promise<void> started;
    auto ready = started.get_future();
    thread_ = std::thread([this, &started] { run(&started); });
    try {
        ready.get();
    } catch (...) {
        thread_.join();
        ::close(stop_fd_);
        stop_fd_ = -1;
        throw;
    }
}

SegmentCapture::~SegmentCapture() { stop(); }

void SegmentCapture::request_stop() {
    if (thread_.joinable() && stop_fd_ >= 0) {
        const uint64_t one = 1;
        ssize_t ignored = ::write(stop_fd_, &one, sizeof(one));
        (void)ignored;
    }
}

void SegmentCapture::stop() {
    if (thread_.joinable()) {
        request_stop();
        thread_.join();
    }
    if (stop_fd_ >= 0) {
        ::close(stop_fd_);
        stop_fd_ = -1;
    }
    writer_.close();
    running_ = false;
    cv_.notify_all();
}

std::string SegmentCapture::error() const {
    std::lock_guard<std::mutex> lk(mu_);
    return error_;
}

void SegmentCapture::run(std::promise<void>* started) {
    const std::string what = "capture on " + iface_ + (ns_.empty() ? std::string() : " in namespace " + ns_);
    pcap_t* handle = nullptr;
    PcapCloser closer{nullptr};
    try {
        std::optional<NetnsGuard> guard;
        if (!ns_.empty()) guard.emplace(ns_);
        char errbuf[PCAP_ERRBUF_SIZE] = {};
        handle = pcap_create(iface_.c_str(), errbuf);
        if (!handle) throw NetError(what + ": pcap_create: " + errbuf);
        closer.p = handle;
        pcap_set_snaplen(handle, 65535);
        pcap_set_promisc(handle, 1);
        pcap_set_immediate_mode(handle, 1);
        pcap_set_buffer_size(handle, 2 << 20);
        pcap_set_tstamp_precision(handle, PCAP_TSTAMP_PRECISION_NANO);
        const int rc = pcap_activate(handle);
        if (rc < 0) {
            std::string detail = pcap_statustostr(rc);
            if (rc == PCAP_ERROR || rc == PCAP_ERROR_NO_SUCH_DEVICE || rc == PCAP_ERROR_PERM_DENIED)
                detail += std::string(": ") + pcap_geterr(handle);
            throw NetError(what + ": pcap_activate: " + detail);
        }
        if (pcap_setnonblock(handle, 1, errbuf) != 0) throw NetError(what + ": pcap_setnonblock: " + errbuf);
        const int fd = pcap_get_selectable_fd(handle);
        if (fd < 0) throw NetError(what + ": no selectable descriptor");
        const int dlt = pcap_datalink(handle);
        const uint16_t link_type = dlt == DLT_RAW ? kLinkTypeRawIp : static_cast<uint16_t>(dlt);
        writer_ = PcapngWriter(path_, iface_, link_type, 65535);
        running_ = true;
        started->set_value();
        started = nullptr;  // the constructor may have returned; the promise is gone

        const bool nano = pcap_get_tstamp_precision(handle) == PCAP_TSTAMP_PRECISION_NANO;
        struct Context {
            SegmentCapture* self;
            bool nano;
            std::string failure;
            pcap_t* handle;
        } ctx{this, nano, {}, handle};
        auto on_packet = [](u_char* user, const pcap_pkthdr* h, const u_char* bytes) {
            auto* c = reinterpret_cast<Context*>(user);
            const int64_t sub = c->nano ? static_cast<int64_t>(h->ts.tv_usec) : static_cast<int64_t>(h->ts.tv_usec) * 1000;
            const auto since_epoch = std::chrono::seconds(h->ts.tv_sec) + std::chrono::nanoseconds(sub);
            Frame f;
            f.ts = std::chrono::system_clock::time_point(std::chrono::duration_cast<std::chrono::system_clock::duration>(since_epoch));
            f.data.assign(bytes, bytes + h->caplen);
            try {
                c->self->writer_.write_packet(to_ns(f.ts), f.data, h->len);
            } catch (const std::exception& e) {
                c->failure = e.what();
                pcap_breakloop(c->handle);
                return;
            }
            {
                std::lock_guard<std::mutex> lk(c->self->mu_);
                f.index = c->self->frames_.size();
                c->self->frames_.push_back(std::move(f));
            }
            c->self->cv_.notify_all();
        };

        for (;;) {
            pollfd fds[2] = {{fd, POLLIN, 0}, {stop_fd_, POLLIN, 0}};
            const int n = ::poll(fds, 2, kPollTimeoutMs);
            if (n < 0 && errno != EINTR) throw NetError(what + ": poll: " + ::strerror(errno));
            if (fds[1].revents) break;
            // Dispatch even on timeout: cheap, and covers a selectable fd that missed a wakeup.
            const int got = pcap_dispatch(handle, -1, on_packet, reinterpret_cast<u_char*>(&ctx));
            if (!ctx.failure.empty()) throw NetError(what + ": " + ctx.failure);
            if (got == PCAP_ERROR) throw NetError(what + ": " + pcap_geterr(handle));
            // Kept current, not only at the end: a verdict built on the absence of a packet needs to know now.
            pcap_stat live{};
            if (pcap_stats(handle, &live) == 0) dropped_ = uint64_t{live.ps_drop} + live.ps_ifdrop;
        }
        // Frames already queued when stop() was called.
        pcap_dispatch(handle, -1, on_packet, reinterpret_cast<u_char*>(&ctx));
        pcap_stat stats{};
        if (pcap_stats(handle, &stats) == 0) dropped_ = uint64_t{stats.ps_drop} + stats.ps_ifdrop;
    } catch (const std::exception& e) {
        if (started) {
            started->set_exception(std::current_exception());
        } else {
            std::lock_guard<std::mutex> lk(mu_);
            error_ = e.what();
        }
    }
    {
        std::lock_guard<std::mutex> lk(mu_);
        running_ = false;
    }
    cv_.notify_all();
}

uint64_t SegmentCapture::frame_count() const {
    std::lock_guard<std::mutex> lk(mu_);
    return frames_.size();
}

std::optional<Frame> SegmentCapture::wait_for(std::function<bool(const Frame&)> pred, uint64_t from_index,
                                              std::chrono::steady_clock::time_point deadline) const {
    uint64_t next = from_index;
    std::unique_lock<std::mutex> lk(mu_);
    for (;;) {
        std::vector<const Frame*> batch;
        for (uint64_t i = next; i < frames_.size(); ++i) batch.push_back(&frames_[i]);
        if (frames_.size() > next) next = frames_.size();
        lk.unlock();
        for (const Frame* f : batch)
            if (pred(*f)) return *f;  // elements of a deque that only grows at the back never move
        lk.lock();
        if (frames_.size() > next) continue;
        if (!running_) return std::nullopt;
        if (!cv_.wait_until(lk, deadline, [&] { return frames_.size() > next || !running_; })) return std::nullopt;
    }
}

std::vector<Frame> SegmentCapture::frames_between(std::chrono::system_clock::time_point t0,
                                                  std::chrono::system_clock::time_point t1) const {
    std::lock_guard<std::mutex> lk(mu_);
    std::vector<Frame> out;
    for (const auto& f : frames_)
        if (f.ts >= t0 && f.ts <= t1) out.push_back(f);
    return out;
}

std::vector<Frame> SegmentCapture::frames(uint64_t from_index) const {
    std::lock_guard<std::mutex> lk(mu_);
    std::vector<Frame> out;
    for (uint64_t i = from_index; i < frames_.size(); ++i) out.push_back(frames_[i]);
    return out;
}

void SegmentCapture::write_pcapng(const std::string& path, const std::string& iface_name, const std::vector<Frame>& frames) {
    PcapngWriter writer(path, iface_name, kLinkTypeEthernet, 65535);
    for (const auto& f : frames) writer.write_packet(to_ns(f.ts), f.data);
}

}  // namespace mipvpn::net
