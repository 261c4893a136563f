// Root tests of the data-plane primitives inside namespaces created here: TUN device, raw IP socket without
// IP_HDRINCL, ARP packet socket, rtnetlink routes. Traffic stays inside the two namespaces of each test.
#include <poll.h>

#include <memory>

#include "agents/common/arp_socket.h"
#include "agents/common/ip_in_ip.h"
#include "agents/common/ipv4_packet.h"
#include "agents/common/link_ip_socket.h"
#include "agents/common/raw_ip_socket.h"
#include "agents/common/route_control.h"
#include "agents/common/tun_device.h"
#include "agents/common/tunnel_endpoint.h"
#include "harness/net/udp.h"
#include "tests/agents/netns_fixture.h"

namespace mipvpn::agents {
namespace {

using namespace std::chrono_literals;
using test::poll_until;

class DataplanePrimitives : public test::NetnsTest {
 protected:
  void SetUp() override {
    if (!require_root()) GTEST_SKIP() << "needs root and iproute2";
    a_ = add_ns("a");
    b_ = add_ns("b");
    veth(a_, "veth-a", "10.77.0.1/24", b_, "veth-b", "10.77.0.2/24");
  }
  std::string a_, b_;
};

// Waits for a packet on the TUN device (non-blocking fd, polled).
std::optional<std::vector<uint8_t>> read_tun(TunDevice& tun, std::chrono::milliseconds timeout) {
  std::optional<std::vector<uint8_t>> got;
  poll_until(
      [&] {
        TunRead r = tun.read();
        if (r.status == TunReadStatus::Packet) got = std::move(r.packet);
        return got.has_value() || r.status == TunReadStatus::Gone;
      },
      timeout);
  return got;
}

TEST_F(DataplanePrimitives, TunDeviceCarriesRoutedPacketsBothWays) {
  auto tun = net::in_netns(a_, [] { return std::make_unique<TunDevice>("dpt0", 1400); });
  EXPECT_GT(tun->ifindex(), 0);
  const std::string link = output(a_, {"ip", "-o", "link", "show", "dpt0"});
  EXPECT_NE(link.find("mtu 1400"), std::string::npos) << link;
  EXPECT_NE(link.find(",UP"), std::string::npos) << link;

  auto routes = net::in_netns(a_, [] { return std::make_unique<RouteControl>(); });
  ASSERT_EQ(routes->replace_route(host_prefix(Tins::IPv4Address("10.99.0.5")), tun->ifindex()), "");
  EXPECT_NE(output(a_, {"ip", "route", "show", "10.99.0.5"}).find("dev dpt0"), std::string::npos);

  // Out: a datagram routed to 10.99.0.5 comes out of the TUN fd as a whole IPv4 packet.
  net::UdpSocket sender(a_, "10.77.0.1", 0);
  const std::vector<uint8_t> hello = {'h', 'i'};
  ASSERT_TRUE(sender.send_to("10.99.0.5", 9999, hello));
  auto pkt = read_tun(*tun, 2s);
  ASSERT_TRUE(pkt);
  auto h = parse_ipv4_header(*pkt);
  ASSERT_TRUE(h);
  EXPECT_EQ(h->destination, Tins::IPv4Address("10.99.0.5"));
  EXPECT_EQ(h->source, Tins::IPv4Address("10.77.0.1"));
  EXPECT_EQ(h->protocol, kProtoUdp);

  // In: a packet written to the TUN fd is received by the kernel as if it arrived on dpt0.
  net::UdpSocket receiver(a_, "10.77.0.1", 0);
  std::vector<uint8_t> udp = {0x30, 0x39, static_cast<uint8_t>(receiver.port() >> 8),
                              static_cast<uint8_t>(receiver.port()), 0, 10, 0, 0, 'o', 'k'};
  auto in = build_ipv4_packet(Tins::IPv4Address("10.99.0.5"), Tins::IPv4Address("10.77.0.1"), kProtoUdp, udp);
  ASSERT_EQ(tun->write(in), 0);
  auto d = receiver.recv(2s);
  ASSERT_TRUE(d);
  EXPECT_EQ(d->source, "10.99.0.5");
  EXPECT_EQ(std::string(d->data.begin(), d->data.end()), "ok");

  ASSERT_EQ(routes->delete_route(host_prefix(Tins::IPv4Address("10.99.0.5")), tun->ifindex()), "");
  EXPECT_EQ(output(a_, {"ip", "route", "show", "10.99.0.5"}), "");
  EXPECT_NE(routes->delete_route(host_prefix(Tins::IPv4Address("10.99.0.5")), tun->ifindex()), "")
      << "deleting a missing route reports an error";
  ASSERT_EQ(routes->add_address(Tins::IPv4Address("10.98.0.1"), 32, tun->ifindex()), "");
  EXPECT_NE(output(a_, {"ip", "-o", "addr", "show", "dpt0"}).find("10.98.0.1/32"), std::string::npos);
}

TEST_F(DataplanePrimitives, DeletedTunDeviceIsReportedByName) {
  auto tun = net::in_netns(a_, [] { return std::make_unique<TunDevice>("dpgone0", 1500); });
  run(a_, {"ip", "link", "del", "dpgone0"});
  pollfd p{tun->fd(), POLLIN, 0};
  ASSERT_EQ(::poll(&p, 1, 2000), 1) << "poll must wake up when the device vanishes";
  const TunRead r = tun->read();
  EXPECT_TRUE(TunDevice::revents_mean_gone(p.revents) || r.status == TunReadStatus::Gone)
      << "revents " << p.revents;
  ASSERT_EQ(r.status, TunReadStatus::Gone);
  EXPECT_NE(r.error.find("TUN device dpgone0 vanished"), std::string::npos) << r.error;
  EXPECT_NE(tun->write(build_ipv4_packet(Tins::IPv4Address("1.1.1.1"), Tins::IPv4Address("2.2.2.2"), 17, {})), 0);
}

TEST_F(DataplanePrimitives, RawSocketSendsWithKernelHeaderAndReceivesOuterHeader) {
  auto tx = net::in_netns(a_, [] {
    return std::make_unique<RawIpSocket>(kProtoIpInIp, RawIpOptions{Tins::IPv4Address("10.77.0.1"), 17, ""});
  });
  auto rx = net::in_netns(b_, [] { return std::make_unique<RawIpSocket>(kProtoIpInIp); });
  auto rx2 = net::in_netns(b_, [] { return std::make_unique<RawIpSocket>(kProtoIpInIp); });
  const auto inner = build_ipv4_packet(Tins::IPv4Address("192.0.2.9"), Tins::IPv4Address("10.0.1.100"), kProtoIcmp,
                                       std::vector<uint8_t>{8, 0, 0xf7, 0xff, 0, 0, 0, 0});
  auto shared = std::make_shared<IpInIpEncapsulation>();
  RawTunnelEndpoint endpoint(*tx, shared, Tins::IPv4Address("10.77.0.1"), Tins::IPv4Address("10.77.0.2"));
  EXPECT_EQ(endpoint.describe(), "ip-in-ip 10.77.0.1 -> 10.77.0.2");
  ASSERT_EQ(endpoint.send(inner), "");
  for (RawIpSocket* sock : {rx.get(), rx2.get()}) {  // every raw socket of the protocol gets its own copy
    std::optional<RawIpPacket> got;
    ASSERT_TRUE(poll_until([&] { return (got = sock->receive()).has_value(); }, 2000ms));
    auto outer = parse_ipv4_header(got->bytes);
    ASSERT_TRUE(outer);
    EXPECT_EQ(outer->protocol, kProtoIpInIp);
    EXPECT_EQ(outer->ttl, 17);
    EXPECT_EQ(outer->source, Tins::IPv4Address("10.77.0.1"));
    EXPECT_EQ(outer->destination, Tins::IPv4Address("10.77.0.2"));
    EXPECT_EQ(got->source, Tins::IPv4Address("10.77.0.1"));
    EXPECT_EQ(got->destination, Tins::IPv4Address("10.77.0.2"));
    auto payload = ipv4_payload(got->bytes, *outer);
    EXPECT_EQ(std::vector<uint8_t>(payload.begin(), payload.end()), inner);
  }

  // Per-packet source on an unbound socket: the second address of the interface.
  run(a_, {"ip", "addr", "add", "10.77.0.11/24", "dev", "veth-a"});
  auto unbound = net::in_netns(a_, [] { return std::make_unique<RawIpSocket>(kProtoIpInIp); });
  ASSERT_EQ(unbound->send(inner, Tins::IPv4Address("10.77.0.2"), Tins::IPv4Address("10.77.0.11")), 0);
  std::optional<RawIpPacket> got;
  ASSERT_TRUE(poll_until([&] { return (got = rx->receive()).has_value(); }, 2000ms));
  EXPECT_EQ(got->source, Tins::IPv4Address("10.77.0.11"));
}

TEST_F(DataplanePrimitives, ArpSocketBroadcastsGratuitousArpAndUnicastsReplies) {
  auto sa = net::in_netns(a_, [] { return std::make_unique<ArpSocket>("veth-a"); });
  auto sb = net::in_netns(b_, [] { return std::make_unique<ArpSocket>("veth-b"); });
  EXPECT_NE(sa->mac(), MacAddress{});
  const Tins::IPv4Address hoa("10.77.0.100");
  ASSERT_EQ(sa->send(gratuitous_arp(hoa, sa->mac()), kBroadcastMac), 0);
  std::optional<ReceivedArp> got;
  ASSERT_TRUE(poll_until([&] { return (got = sb->receive()).has_value(); }, 2000ms));
  EXPECT_EQ(got->link_source, sa->mac());
  EXPECT_EQ(got->arp.operation, kArpRequest);
  EXPECT_EQ(got->arp.sender_ip, hoa);
  EXPECT_EQ(got->arp.target_ip, hoa);
  EXPECT_EQ(got->arp.sender_mac, sa->mac());

  // The kernel of B updates an existing cache entry from it (RFC 826 as quoted in RFC 5944 4.6).
  run(b_, {"ip", "neigh", "replace", "10.77.0.100", "lladdr", "02:00:00:00:00:99", "dev", "veth-b", "nud", "stale"});
  ASSERT_EQ(sa->send(gratuitous_arp(hoa, sa->mac()), kBroadcastMac), 0);
  EXPECT_TRUE(poll_until(
      [&] {
        return output(b_, {"ip", "neigh", "show", "10.77.0.100", "dev", "veth-b"}).find(mac_to_string(sa->mac())) !=
               std::string::npos;
      },
      2000ms));

  // A proxy reply goes unicast to the requester.
  ArpPacket request;
  request.sender_mac = sb->mac();
  request.sender_ip = Tins::IPv4Address("10.77.0.2");
  request.target_ip = hoa;
  while (sb->receive()) {
  }
  ASSERT_EQ(sa->send(proxy_arp_reply(request, sa->mac()), sb->mac()), 0);
  ASSERT_TRUE(poll_until(
      [&] {
        got = sb->receive();
        return got && !got->outgoing && got->arp.operation == kArpReply;
      },
      2000ms));
  EXPECT_EQ(got->arp.sender_ip, hoa);
  EXPECT_EQ(got->arp.target_mac, sb->mac());
}

// The foreign agent's filter: registrations (UDP 434) and solicitations (ICMP 10) arriving from the link pass; data
// traffic, other ICMP and the host's own frames do not, so a flood of data cannot push registrations out.
TEST_F(DataplanePrimitives, LinkSocketFilterKeepsOnlyArrivingRegistrationsAndSolicitations) {
  auto link = net::in_netns(b_, [] { return std::make_unique<LinkIpSocket>("veth-b"); });
  link->accept_only(10, 434);
  EXPECT_TRUE(link->enlarge_receive_queue(1 << 20));
  net::UdpSocket a_udp(a_, "10.77.0.1", 0);
  net::UdpSocket b_udp(b_, "10.77.0.2", 0);
  auto a_icmp = net::in_netns(a_, [] { return std::make_unique<RawIpSocket>(kProtoIcmp); });
  const std::vector<uint8_t> payload{1, 2, 3, 4};
  for (int i = 0; i < 200; ++i) (void)a_udp.send_to("10.77.0.2", 53, payload);  // data traffic
  ASSERT_EQ(a_icmp->send(std::vector<uint8_t>{8, 0, 0xf7, 0xff, 0, 0, 0, 0}, Tins::IPv4Address("10.77.0.2")), 0);
  (void)b_udp.send_to("10.77.0.1", 434, payload);  // the host's own registration traffic
  (void)a_udp.send_to("10.77.0.2", 434, payload);
  const std::vector<uint8_t> solicitation{10, 0, 0xf5, 0xff, 0, 0, 0, 0};
  ASSERT_EQ(a_icmp->send(solicitation, Tins::IPv4Address("10.77.0.2")), 0);

  std::vector<LinkFrame> frames;
  ASSERT_TRUE(poll_until(
      [&] {
        while (auto f = link->receive()) frames.push_back(std::move(*f));
        return frames.size() >= 2;
      },
      2000ms));
  while (auto f = link->receive()) frames.push_back(std::move(*f));
  ASSERT_EQ(frames.size(), 2u);
  for (const LinkFrame& f : frames) {
    EXPECT_FALSE(f.outgoing);
    auto h = parse_ipv4_header(f.packet);
    ASSERT_TRUE(h);
    EXPECT_EQ(h->source, Tins::IPv4Address("10.77.0.1"));
  }
  auto udp = parse_ipv4_header(frames[0].packet);
  EXPECT_EQ(udp->protocol, kProtoUdp);
  const auto udp_payload = ipv4_payload(frames[0].packet, *udp);
  EXPECT_EQ((udp_payload[2] << 8) | udp_payload[3], 434);
  auto icmp = parse_ipv4_header(frames[1].packet);
  EXPECT_EQ(icmp->protocol, kProtoIcmp);
  EXPECT_EQ(ipv4_payload(frames[1].packet, *icmp)[0], 10);
}

}  // namespace
}  // namespace mipvpn::agents
