#include "harness/engine/tester_mn.h"

#include "harness/engine/context.h"
#include "harness/net/capture.h"
#include "harness/net/clock.h"
#include "harness/net/inject.h"
#include "harness/net/udp.h"
#include "harness/sut/adapter.h"
#include "harness/topo/lab.h"
#include "harness/wire/codes.h"

#include <tins/ethernetII.h>
#include <tins/ip.h>
#include <tins/rawpdu.h>
#include <tins/udp.h>

namespace mipvpn::engine {

namespace {

struct ParsedUdp {
    Tins::IPv4Address src, dst;
    uint16_t sport = 0, dport = 0;
    uint8_t ttl = 0;
    std::vector<uint8_t> payload;
};

// Ethernet / IPv4 / UDP of a captured frame, or nothing when the frame is anything else or malformed.
std::optional<ParsedUdp> parse_udp(const net::Frame& frame) {
    try {
        Tins::EthernetII eth(frame.data.data(), static_cast<uint32_t>(frame.data.size()));
        const auto* ip = eth.find_pdu<Tins::IP>();
        const auto* udp = eth.find_pdu<Tins::UDP>();
        if (!ip || !udp) return std::nullopt;
        ParsedUdp out{ip->src_addr(), ip->dst_addr(), udp->sport(), udp->dport(), ip->ttl(), {}};
        if (const auto* raw = udp->find_pdu<Tins::RawPDU>()) out.payload = raw->payload();
        return out;
    } catch (const std::exception&) {
        return std::nullopt;
    }
}

} // namespace

TesterMobileNode::TesterMobileNode(TestContext& ctx, std::string node) : ctx_(ctx), node_(std::move(node)) {
    topo::Lab& lab = ctx_.lab();
    const auto& tester = lab.node(node_);
    if (tester.interfaces.empty())
        ctx_.inconclusive(InconclusiveCause::Environment, "tester node " + node_ + " has no interface");
    segment_ = tester.interfaces.front().segment;
    address_ = Tins::IPv4Address(tester.interfaces.front().address);
    capture_ = &lab.capture(segment_);
    injector_ = std::make_unique<net::Injector>(lab.ns_name(node_));
    // Without a bound socket the tester's kernel would answer each reply with an ICMP port unreachable,
    // which would pollute the SUT's view and the evidence.
    sink_ = std::make_unique<net::UdpSocket>(lab.ns_name(node_), "0.0.0.0", SendOptions{}.source_port);
}

TesterMobileNode::~TesterMobileNode() = default;

const sut::SecurityAssociation& TesterMobileNode::security_association() const {
    const auto& sas = ctx_.sut_spec().security_associations;
    if (sas.empty()) ctx_.inconclusive(InconclusiveCause::SutConfig, "the profile declares no security association");
    return sas.front();
}

wire::RegistrationRequest TesterMobileNode::request(uint16_t lifetime) const {
    const auto& sa = security_association();
    wire::RegistrationRequest rrq;
    rrq.d(true);
    rrq.lifetime(lifetime);
    rrq.home_address(sa.home_address);
    rrq.home_agent(ctx_.sut_spec().address);
    rrq.care_of_address(address_);
    // RFC 5944 5.7: each new Identification MUST differ from (and with timestamps exceed) the previous one.
    last_identification_ = std::max(net::ntp_now(), last_identification_ + 1);
    rrq.identification(last_identification_);
    return rrq;
}

void TesterMobileNode::authenticate(wire::RegistrationRequest& rrq) const {
    const auto& sa = security_association();
    rrq.add_authentication(wire::ExtensionType::MnHaAuth, sa.spi, sa.key);
}

wire::RegistrationRequest TesterMobileNode::authenticated_request(uint16_t lifetime) const {
    auto rrq = request(lifetime);
    authenticate(rrq);
    return rrq;
}

SentRequest TesterMobileNode::send(const wire::RegistrationRequest& rrq, const SendOptions& options) {
    return send_bytes(rrq.bytes(), options);
}

SentRequest TesterMobileNode::mark() const {
    SentRequest now;
    for (const auto& seg : ctx_.lab().topology().segments) now.from[seg.name] = ctx_.lab().capture(seg.name).frame_count();
    now.sent_wall = std::chrono::system_clock::now();
    return now;
}

std::chrono::milliseconds TesterMobileNode::reply_timeout() const { return ctx_.sut_spec().reply_timeout; }

SentRequest TesterMobileNode::send_bytes(const std::vector<uint8_t>& udp_payload, const SendOptions& options) {
    const Tins::IPv4Address dst = options.ip_destination.value_or(ctx_.sut_spec().address);
    Tins::IP ip = Tins::IP(dst, address_) / Tins::UDP(434, options.source_port) / Tins::RawPDU(udp_payload);
    ip.ttl(options.ttl);
    std::vector<uint8_t> packet = ip.serialize();
    if (options.bad_udp_checksum && packet.size() >= 28) {
        const size_t at = static_cast<size_t>(ip.header_size()) + 6;
        packet[at] ^= 0x5a; // any change of a valid non-zero checksum makes it invalid
    }
    SentRequest sent;
    for (const auto& seg : ctx_.lab().topology().segments) sent.from[seg.name] = ctx_.lab().capture(seg.name).frame_count();
    if (auto decoded = wire::RegistrationRequest::decode(udp_payload.data(), udp_payload.size())) {
        sent.identification = decoded.value().identification();
        sent.home_address = decoded.value().home_address();
    }
    const uint64_t from = sent.from.at(segment_);
    sent.sent_wall = std::chrono::system_clock::now();
    const net::Status sent_status = injector_->send_ip_bytes(packet);
    if (!sent_status)
        ctx_.inconclusive(InconclusiveCause::Environment, "cannot inject from " + node_ + ": " + sent_status.error);
    // Keep the injected frame as evidence: it is the 'sent' half of expected-versus-observed.
    auto frame = capture_->wait_for(
        [&](const net::Frame& f) {
            auto udp = parse_udp(f);
            return udp && udp->src == address_ && udp->dst == dst && udp->sport == options.source_port &&
                   udp->payload == udp_payload;
        },
        from, ctx_.wait_until(std::chrono::milliseconds(500)));
    if (!frame)
        ctx_.inconclusive(InconclusiveCause::Environment,
                          "the injected request never appeared on segment " + segment_);
    ctx_.record_packet(segment_, *frame, "sent");
    sent.frame_index = frame->index;
    return sent;
}

bool TesterMobileNode::answers_earlier_request(const ObservedReply& reply, uint64_t current) const {
    if (!reply.reply.ok()) return false;
    const auto low = static_cast<uint32_t>(reply.reply.value().identification() & 0xffffffffu);
    if (current != 0 && low == static_cast<uint32_t>(current & 0xffffffffu)) return false;
    return std::find(earlier_requests_.begin(), earlier_requests_.end(), low) != earlier_requests_.end();
}

void TesterMobileNode::remember(const SentRequest& sent) {
    if (sent.identification != 0)
        earlier_requests_.push_back(static_cast<uint32_t>(sent.identification & 0xffffffffu));
}

namespace {

// A captured Registration Reply for `home_address`, with whether its Identification pairs with `identification`.
std::optional<ObservedReply> as_reply(const net::Frame& frame, const std::string& segment,
                                      std::optional<Tins::IPv4Address> home_address, uint64_t identification) {
    auto udp = parse_udp(frame);
    if (!udp || udp->payload.empty() || udp->payload[0] != wire::RegistrationReply::kType) return std::nullopt;
    auto decoded = wire::RegistrationReply::decode(udp->payload.data(), udp->payload.size());
    // An undecodable reply still counts (the case judges it); one for another home address does not.
    if (decoded.ok() && home_address && decoded.value().home_address() != *home_address) return std::nullopt;
    const bool paired = decoded.ok() && identification != 0 &&
                        (decoded.value().identification() & 0xffffffffu) == (identification & 0xffffffffu);
    return ObservedReply{segment,    paired,         frame.index, udp->src, udp->dst, udp->sport, udp->dport,
                         udp->ttl,   udp->payload,   std::move(decoded)};
}

} // namespace

std::optional<ObservedReply> TesterMobileNode::await_reply(const SentRequest& sent) {
    const auto wanted = std::chrono::steady_clock::now() + reply_timeout();
    const auto until = ctx_.wait_until(reply_timeout());
    const std::optional<Tins::IPv4Address> hoa = sent.home_address;
    auto frame = capture_->wait_for(
        [&](const net::Frame& f) {
            auto r = as_reply(f, segment_, hoa, sent.identification);
            return r && r->paired;
        },
        sent.from.at(segment_), until);
    if (frame) {
        ctx_.record_packet(segment_, *frame, "observed");
        remember(sent);
        return as_reply(*frame, segment_, hoa, sent.identification);
    }
    // Nothing paired: look everywhere for what the SUT did send, so the case can say what was wrong with it.
    auto other = any_reply_since(sent, std::chrono::milliseconds(0), hoa);
    remember(sent);
    if (other) return other;
    if (until < wanted)
        ctx_.inconclusive(InconclusiveCause::Timeout, "the per-test timeout ended the wait for a Registration Reply "
                                                      "before the profile's reply timeout");
    return std::nullopt;
}

std::optional<ObservedReply> TesterMobileNode::any_reply_since(const SentRequest& since,
                                                               std::chrono::milliseconds window,
                                                               std::optional<Tins::IPv4Address> hoa,
                                                               bool count_late_answers) {
    // Positions are only a hint (another segment's capture thread may lag): step back a margin and let the
    // timestamp decide.
    auto start = [&](const std::string& seg) {
        const uint64_t at = since.from.count(seg) ? since.from.at(seg) : 0;
        return at > 256 ? at - 256 : 0;
    };
    auto counts = [&](const net::Frame& f, const std::string& seg) -> std::optional<ObservedReply> {
        if (f.ts < since.sent_wall) return std::nullopt;
        auto r = as_reply(f, seg, hoa, 0);
        if (!r || (!count_late_answers && answers_earlier_request(*r, 0))) return std::nullopt;
        return r;
    };
    if (window.count() > 0) {
        const auto wanted = std::chrono::steady_clock::now() + window;
        const auto until = ctx_.wait_until(window);
        auto frame = capture_->wait_for([&](const net::Frame& f) { return counts(f, segment_).has_value(); },
                                        start(segment_), until);
        if (frame) {
            ctx_.record_packet(segment_, *frame, "observed");
            return counts(*frame, segment_);
        }
        if (until < wanted)
            ctx_.inconclusive(InconclusiveCause::Timeout,
                              "the per-test timeout ended the silence window early; silence proves nothing");
    }
    for (const auto& seg : ctx_.lab().topology().segments) {
        for (const auto& f : ctx_.lab().capture(seg.name).frames(start(seg.name))) {
            auto r = counts(f, seg.name);
            if (!r) continue;
            ctx_.record_packet(seg.name, f, "observed");
            return r;
        }
    }
    return std::nullopt;
}

ObservedReply TesterMobileNode::register_or_inconclusive(const wire::RegistrationRequest& rrq,
                                                         const std::string& purpose) {
    auto reply = await_reply(send(rrq));
    if (!reply)
        ctx_.inconclusive(InconclusiveCause::Timeout, "no Registration Reply to the set-up request (" + purpose + ")");
    if (!reply->paired)
        ctx_.inconclusive(InconclusiveCause::SutConfig,
                          "the reply to the set-up request (" + purpose + ") does not carry its Identification");
    if (!reply->reply.ok())
        ctx_.inconclusive(InconclusiveCause::Adapter,
                          "the set-up reply (" + purpose + ") does not decode: " + reply->reply.error().to_string());
    const uint8_t code = reply->reply.value().code();
    if (code > 1)
        ctx_.inconclusive(InconclusiveCause::SutConfig, "the set-up request (" + purpose + ") was denied with code " +
                                                            std::to_string(code) + " (" +
                                                            std::string(wire::reply_code_name(code)) + ")");
    return *reply;
}

} // namespace mipvpn::engine
