#include "agents/common/link_ip_socket.h"

#include <arpa/inet.h>
#include <linux/filter.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <netinet/in.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <map>
#include <utility>
#include <system_error>

#include "agents/common/ipv4.h"

namespace mipvpn::agents {

LinkIpSocket::LinkIpSocket(const std::string& interface)
    : interface_(interface), socket_(interface, ETH_P_IP, "IPv4 packet socket on " + interface), buffer_(65536) {}

int LinkIpSocket::send(std::span<const uint8_t> packet, const MacAddress& link_destination) {
  return socket_.send(packet, link_destination);
}

std::optional<LinkFrame> LinkIpSocket::receive() {
  sockaddr_ll from{};
  socklen_t len = sizeof from;
  const ssize_t n = ::recvfrom(socket_.fd(), buffer_.data(), buffer_.size(), MSG_DONTWAIT | MSG_TRUNC,
                               reinterpret_cast<sockaddr*>(&from), &len);
  if (n < 0) return std::nullopt;
  LinkFrame f;
  const size_t got = std::min(static_cast<size_t>(n), buffer_.size());
  f.truncated = static_cast<size_t>(n) > buffer_.size();
  f.packet.assign(buffer_.begin(), buffer_.begin() + static_cast<std::ptrdiff_t>(got));
  std::memcpy(f.link_source.data(), from.sll_addr, 6);
  f.outgoing = from.sll_pkttype == PACKET_OUTGOING;
  return f;
}

namespace {

// A classic BPF program written with labels, resolved to the relative jumps the kernel wants.
class FilterProgram {
 public:
  static constexpr int kNext = -1;
  void op(uint16_t code, uint32_t k) { jump(code, k, kNext, kNext); }
  void jump(uint16_t code, uint32_t k, int if_true, int if_false) {
    code_.push_back({code, 0, 0, k});
    targets_.push_back({if_true, if_false});
  }
  void label(int name) { labels_[name] = code_.size(); }
  std::vector<sock_filter>& resolve() {
    for (size_t i = 0; i < code_.size(); ++i) {
      auto offset = [&](int target) {
        return static_cast<uint8_t>(target == kNext ? 0 : labels_.at(target) - i - 1);
      };
      code_[i].jt = offset(targets_[i].first);
      code_[i].jf = offset(targets_[i].second);
    }
    return code_;
  }

 private:
  std::vector<sock_filter> code_;
  std::vector<std::pair<int, int>> targets_;
  std::map<int, size_t> labels_;
};

}  // namespace

void LinkIpSocket::accept_only(uint8_t icmp_type, std::optional<uint16_t> udp_destination_port) {
  // On a SOCK_DGRAM packet socket the filter sees the packet from the IPv4 header on.
  enum { kUdp, kAccept, kDrop };
  FilterProgram p;
  p.op(BPF_LD | BPF_W | BPF_ABS, static_cast<uint32_t>(SKF_AD_OFF + SKF_AD_PKTTYPE));
  p.jump(BPF_JMP | BPF_JEQ | BPF_K, PACKET_OUTGOING, kDrop, FilterProgram::kNext);
  p.op(BPF_LD | BPF_H | BPF_ABS, 6);  // flags | fragment offset
  p.jump(BPF_JMP | BPF_JSET | BPF_K, 0x1fff, kDrop, FilterProgram::kNext);
  p.op(BPF_LDX | BPF_B | BPF_MSH, 0);  // X = IHL * 4
  p.op(BPF_LD | BPF_B | BPF_ABS, 9);   // protocol
  p.jump(BPF_JMP | BPF_JEQ | BPF_K, IPPROTO_ICMP, FilterProgram::kNext, udp_destination_port ? kUdp : kDrop);
  p.op(BPF_LD | BPF_B | BPF_IND, 0);  // ICMP type
  p.jump(BPF_JMP | BPF_JEQ | BPF_K, icmp_type, kAccept, kDrop);
  if (udp_destination_port) {
    p.label(kUdp);
    p.jump(BPF_JMP | BPF_JEQ | BPF_K, IPPROTO_UDP, FilterProgram::kNext, kDrop);
    p.op(BPF_LD | BPF_H | BPF_IND, 2);  // UDP destination port
    p.jump(BPF_JMP | BPF_JEQ | BPF_K, *udp_destination_port, kAccept, kDrop);
  }
  p.label(kAccept);
  p.op(BPF_RET | BPF_K, 0x40000);
  p.label(kDrop);
  p.op(BPF_RET | BPF_K, 0);
  std::vector<sock_filter>& code = p.resolve();
  sock_fprog prog{static_cast<unsigned short>(code.size()), code.data()};
  if (::setsockopt(socket_.fd(), SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof prog) != 0) {
    throw std::system_error(errno, std::generic_category(), "IPv4 packet socket on " + interface_ + ": filter");
  }
  while (::recv(socket_.fd(), buffer_.data(), buffer_.size(), MSG_DONTWAIT) >= 0) {
  }
}

bool LinkIpSocket::enlarge_receive_queue(int bytes) {
  return ::setsockopt(socket_.fd(), SOL_SOCKET, SO_RCVBUFFORCE, &bytes, sizeof bytes) == 0 ||
         ::setsockopt(socket_.fd(), SOL_SOCKET, SO_RCVBUF, &bytes, sizeof bytes) == 0;
}

std::optional<MacAddress> link_address_without_arp(const Tins::IPv4Address& destination,
                                                   const std::optional<Tins::IPv4Address>& subnet_broadcast) {
  const uint32_t h = to_host(destination);
  if (h == 0xffffffffu || (subnet_broadcast && destination == *subnet_broadcast)) return kBroadcastMac;
  if (destination.is_multicast()) {
    return MacAddress{0x01,
                      0x00,
                      0x5e,
                      static_cast<uint8_t>((h >> 16) & 0x7f),
                      static_cast<uint8_t>((h >> 8) & 0xff),
                      static_cast<uint8_t>(h & 0xff)};
  }
  return std::nullopt;
}

}  // namespace mipvpn::agents
