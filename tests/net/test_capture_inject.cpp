// SegmentCapture, Injector and UdpSocket over a veth pair between two scratch namespaces (root only).
#include "harness/net/capture.h"
#include "harness/net/inject.h"
#include "harness/net/udp.h"
#include "scratch_namespaces.h"

#include <gtest/gtest.h>
#include <tins/tins.h>

#include <filesystem>

namespace {

using namespace mipvpn::net;
using namespace std::chrono_literals;
using mipvpn::testing::is_root;
using mipvpn::testing::ScratchNamespaces;
using Steady = std::chrono::steady_clock;

// A: a0 10.9.0.1/24  <-- veth -->  B: b0 10.9.0.2/24; capture on b0.
class VethPair : public ::testing::Test {
protected:
    void SetUp() override {
        if (!is_root()) GTEST_SKIP() << "needs root (network namespaces)";
        scratch_ = std::make_unique<ScratchNamespaces>();
        a_ = scratch_->add("a");
        b_ = scratch_->add("b");
        ScratchNamespaces::ip(a_, {"link", "add", "a0", "address", "02:00:00:00:00:0a", "type", "veth", "peer", "name", "b0",
                                   "address", "02:00:00:00:00:0b", "netns", b_});
        ScratchNamespaces::ip(a_, {"address", "add", "10.9.0.1/24", "brd", "+", "dev", "a0"});
        ScratchNamespaces::ip(b_, {"address", "add", "10.9.0.2/24", "brd", "+", "dev", "b0"});
        dir_ = "/tmp/mipvpn-capture-" + scratch_->prefix();
        std::filesystem::create_directories(dir_);
        // libpcap wants the interface up; the peer comes up after the capture started, so nothing is missed.
        ScratchNamespaces::ip(b_, {"link", "set", "b0", "up"});
        capture_ = std::make_unique<SegmentCapture>(b_, "b0", dir_ + "/b0.pcapng");
        ScratchNamespaces::ip(a_, {"link", "set", "a0", "up"});
    }
    void TearDown() override {
        capture_.reset();
        scratch_.reset();
        if (!dir_.empty()) std::filesystem::remove_all(dir_);
    }

    static std::function<bool(const Frame&)> udp_to(uint16_t port) {
        return [port](const Frame& f) {
            try {
                Tins::EthernetII eth(f.data.data(), static_cast<uint32_t>(f.data.size()));
                const auto* udp = eth.find_pdu<Tins::UDP>();
                return udp && udp->dport() == port;
            } catch (const std::exception&) {
                return false;
            }
        };
    }

    std::unique_ptr<ScratchNamespaces> scratch_;
    std::string a_, b_, dir_;
    std::unique_ptr<SegmentCapture> capture_;
};

TEST_F(VethPair, InjectedDatagramIsSentAsIsCapturedAndReceived) {
    UdpSocket sink(b_, "0.0.0.0", 434);
    Injector injector(a_);
    ASSERT_EQ(injector.open_error(), "");
    const uint64_t from = capture_->frame_count();
    const auto t0 = std::chrono::system_clock::now();

    Tins::IP ip = Tins::IP("10.9.0.2", "10.9.0.1") / Tins::UDP(434, 40000) / Tins::RawPDU("hello");
    ip.ttl(7);
    ip.id(0x1234);
    const Status s = injector.send(ip);
    ASSERT_TRUE(s) << s.error;

    const auto frame = capture_->wait_for(udp_to(434), from, Steady::now() + 5s);
    ASSERT_TRUE(frame.has_value());
    Tins::EthernetII eth(frame->data.data(), static_cast<uint32_t>(frame->data.size()));
    const auto& got = eth.rfind_pdu<Tins::IP>();
    EXPECT_EQ(got.ttl(), 7);
    EXPECT_EQ(got.id(), 0x1234);
    EXPECT_EQ(got.src_addr(), Tins::IPv4Address("10.9.0.1"));
    const auto& payload = eth.rfind_pdu<Tins::RawPDU>().payload();
    EXPECT_EQ(std::string(payload.begin(), payload.end()), "hello");

    const auto d = sink.recv(2s);
    ASSERT_TRUE(d.has_value());
    EXPECT_EQ(d->source, "10.9.0.1");
    EXPECT_EQ(d->source_port, 40000);
    EXPECT_EQ(d->destination, "10.9.0.2");
    EXPECT_EQ(d->ttl, 7);
    EXPECT_EQ(std::string(d->data.begin(), d->data.end()), "hello");

    // The file has every frame the memory has, already (one write per frame).
    const auto file = read_pcapng(capture_->path());
    ASSERT_TRUE(file.ok()) << file.error->to_string();
    EXPECT_EQ(file.file->interfaces.at(0).name, "b0");
    ASSERT_GE(file.file->packets.size(), frame->index + 1);
    EXPECT_EQ(file.file->packets[frame->index].data, frame->data);

    const auto between = capture_->frames_between(t0, std::chrono::system_clock::now());
    EXPECT_TRUE(std::any_of(between.begin(), between.end(), [&](const Frame& f) { return f.index == frame->index; }));
    EXPECT_TRUE(capture_->frames_between(t0 - 1h, t0 - 30min).empty());
    EXPECT_EQ(capture_->dropped(), 0u);
}

TEST_F(VethPair, SubnetBroadcastNeedsNoRouteTricks) {
    UdpSocket sink(b_, "0.0.0.0", 434);
    Injector injector(a_);
    Tins::IP ip = Tins::IP("10.9.0.255", "10.9.0.1") / Tins::UDP(434, 434) / Tins::RawPDU("bcast");
    const Status s = injector.send(ip);
    ASSERT_TRUE(s) << s.error;
    const auto d = sink.recv(2s);
    ASSERT_TRUE(d.has_value());
    EXPECT_EQ(d->destination, "10.9.0.255");
    const auto frame = capture_->wait_for(udp_to(434), 0, Steady::now() + 2s);
    ASSERT_TRUE(frame.has_value());
    Tins::EthernetII eth(frame->data.data(), static_cast<uint32_t>(frame->data.size()));
    EXPECT_EQ(eth.dst_addr(), Tins::HWAddress<6>("ff:ff:ff:ff:ff:ff"));
}

TEST_F(VethPair, EthernetFramesGoOutByteForByte) {
    Injector injector(a_);
    // A bad IP header checksum, which the raw IP socket could not send.
    Tins::EthernetII eth = Tins::EthernetII("02:00:00:00:00:0b", "02:00:00:00:00:0a") /
                           Tins::IP("10.9.0.2", "10.9.0.1") / Tins::UDP(9, 9) / Tins::RawPDU("raw");
    std::vector<uint8_t> bytes = eth.serialize();
    bytes[14 + 10] ^= 0xff;  // corrupt the IP checksum
    const Status s = injector.send_ethernet_bytes("a0", bytes);
    ASSERT_TRUE(s) << s.error;
    const auto frame = capture_->wait_for([&](const Frame& f) { return f.data == bytes; }, 0, Steady::now() + 2s);
    EXPECT_TRUE(frame.has_value());
    const Status s2 = injector.send_ethernet("a0", eth);
    EXPECT_TRUE(s2) << s2.error;
}

TEST_F(VethPair, ErrorsAreValuesNotExceptions) {
    Injector injector(a_);
    const Status no_iface = injector.send_ethernet_bytes("nope0", std::vector<uint8_t>(60, 0));
    EXPECT_FALSE(no_iface);
    EXPECT_NE(no_iface.error.find("nope0"), std::string::npos);
    const Status unroutable = injector.send(Tins::IP("192.0.2.1", "10.9.0.1") / Tins::UDP(1, 1));
    EXPECT_FALSE(unroutable);
    EXPECT_NE(unroutable.error.find("192.0.2.1"), std::string::npos) << unroutable.error;
    EXPECT_FALSE(injector.send_ip_bytes(std::vector<uint8_t>{1, 2, 3}));
    Injector nowhere("");
    EXPECT_FALSE(nowhere.send(Tins::IP("10.9.0.2", "10.9.0.1")));
    Injector missing("mv00000000-missing");
    EXPECT_NE(missing.open_error(), "");
    EXPECT_FALSE(missing.send(Tins::IP("10.9.0.2", "10.9.0.1")));
}

TEST_F(VethPair, WaitForTimesOutAtTheDeadline) {
    const auto t0 = Steady::now();
    const auto none = capture_->wait_for([](const Frame&) { return false; }, 0, t0 + 300ms);
    const auto took = Steady::now() - t0;
    EXPECT_FALSE(none.has_value());
    EXPECT_GE(took, 290ms);
    EXPECT_LT(took, 2s);
}

TEST_F(VethPair, WaitForWakesWhenTheFrameArrives) {
    Injector injector(a_);
    const uint64_t from = capture_->frame_count();
    std::thread sender([&] {
        std::this_thread::sleep_for(100ms);  // the sender is late on purpose; the waiter does not poll
        (void)injector.send(Tins::IP("10.9.0.2", "10.9.0.1") / Tins::UDP(5555, 1) / Tins::RawPDU("late"));
    });
    const auto t0 = Steady::now();
    const auto f = capture_->wait_for(udp_to(5555), from, t0 + 5s);
    const auto took = Steady::now() - t0;
    sender.join();
    ASSERT_TRUE(f.has_value());
    EXPECT_LT(took, 1s);
}

TEST_F(VethPair, StopIsPromptAndEndsWaits) {
    const auto t0 = Steady::now();
    capture_->stop();
    EXPECT_LT(Steady::now() - t0, 200ms);
    EXPECT_FALSE(capture_->running());
    const auto t1 = Steady::now();
    EXPECT_FALSE(capture_->wait_for([](const Frame&) { return true; }, capture_->frame_count(), t1 + 5s).has_value());
    EXPECT_LT(Steady::now() - t1, 100ms);
    capture_->stop();  // idempotent
}

TEST_F(VethPair, CaptureStartErrorsThrow) {
    EXPECT_THROW(SegmentCapture(b_, "nope0", dir_ + "/x.pcapng"), NetError);
    EXPECT_THROW(SegmentCapture("mv00000000-missing", "b0", dir_ + "/y.pcapng"), NetError);
    EXPECT_THROW(SegmentCapture(b_, "b0", "/nonexistent/dir/z.pcapng"), NetError);
}

TEST_F(VethPair, UdpSocketSendDrainAndPort) {
    UdpSocket server(b_, "10.9.0.2", 0);
    EXPECT_NE(server.port(), 0);
    UdpOptions options;
    options.broadcast = true;
    UdpSocket client(a_, "0.0.0.0", 0, options);
    const std::vector<uint8_t> msg{'p', 'i', 'n', 'g'};
    ASSERT_TRUE(client.send_to("10.9.0.2", server.port(), msg));
    ASSERT_TRUE(client.send_to("10.9.0.2", server.port(), msg));
    ASSERT_TRUE(server.recv(2s).has_value());
    // The second one may still be in flight on the veth: wait for it, then nothing is left.
    ASSERT_TRUE(server.recv(2s).has_value());
    EXPECT_TRUE(server.drain().empty());
    EXPECT_FALSE(server.recv(50ms).has_value());
    EXPECT_THROW(UdpSocket(b_, "not-an-address", 1), NetError);
    EXPECT_THROW(UdpSocket(b_, "10.9.0.99", 1), NetError);  // not a local address
    EXPECT_THROW(UdpSocket("", "0.0.0.0", 1), NetError);
}

}  // namespace
