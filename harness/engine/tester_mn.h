#pragma once
// The harness playing a Mobile Node (TAHI's Tester Node): crafts Registration Requests, injects them with
// libtins from the tester's namespace and reads the answers off the segment capture.
#include "harness/wire/registration_reply.h"
#include "harness/wire/registration_request.h"
#include "harness/wire/expected.h"

#include <tins/ip_address.h>

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace mipvpn::net { class Injector; class UdpSocket; class SegmentCapture; }
namespace mipvpn::sut { struct SecurityAssociation; }

namespace mipvpn::engine {

class TestContext;

struct SendOptions {
    std::optional<Tins::IPv4Address> ip_destination; // default: the SUT's address
    uint16_t source_port = 49434;                     // not 434, so "ports swapped" is observable
    uint8_t ttl = 64;
    bool bad_udp_checksum = false;
};

// Where a request went, so its answer can be paired with it (RFC 5944 5.7: by the low-order 32 bits of the
// Identification, and the home address) wherever it shows up.
struct SentRequest {
    uint64_t frame_index = 0;                         // the request's frame on the tester's segment
    std::map<std::string, uint64_t> from;             // per segment: first frame index after the send
    uint64_t identification = 0;                      // 0 when the payload did not decode (tampered on purpose)
    std::optional<Tins::IPv4Address> home_address;    // none when the payload did not decode
    // Taken just before injection. Segments are captured by separate threads, so frame positions read at one
    // instant can lag on one segment; kernel capture timestamps cannot, so "since" means since this time.
    std::chrono::system_clock::time_point sent_wall;
};

struct ObservedReply {
    std::string segment;                             // where it was seen
    bool paired = false;                             // low 32 bits of Identification and home address match
    uint64_t frame_index = 0;
    Tins::IPv4Address ip_source, ip_destination;
    uint16_t source_port = 0, destination_port = 0;
    uint8_t ttl = 0;
    std::vector<uint8_t> payload;                    // the UDP payload as captured
    wire::Expected<wire::RegistrationReply> reply;   // its decoding (or why it failed)
};

class TesterMobileNode {
public:
    TesterMobileNode(TestContext& ctx, std::string node);
    ~TesterMobileNode();

    const std::string& node() const { return node_; }
    Tins::IPv4Address address() const { return address_; }
    const sut::SecurityAssociation& security_association() const;

    // A well-formed request as a co-located Mobile Node would send it (D set, CoA = own address, Identification
    // = now as an NTP timestamp, strictly increasing), without authentication extension.
    wire::RegistrationRequest request(uint16_t lifetime) const;
    // Appends the MN-HA authentication extension computed with the SUT's security association.
    void authenticate(wire::RegistrationRequest& rrq) const;
    wire::RegistrationRequest authenticated_request(uint16_t lifetime) const;

    // Injects the request and waits until it is seen on the tester's segment.
    SentRequest send(const wire::RegistrationRequest& rrq, const SendOptions& options = {});
    SentRequest send_bytes(const std::vector<uint8_t>& udp_payload, const SendOptions& options = {});

    // The Registration Reply to `sent`: the first one on the tester's segment whose Identification (low 32 bits)
    // and home address pair it with the request, waiting up to the profile's reply timeout. Failing that, any
    // Registration Reply for the same home address on any segment since the send (paired = false), so a reply
    // with wrong fields or a wrong destination is judged rather than missed. A wait cut short by the case's
    // deadline makes the case INCONCLUSIVE (timeout), never a verdict on the SUT.
    std::optional<ObservedReply> await_reply(const SentRequest& sent);
    // Any Registration Reply (for `home_address`, or for any when nullopt) captured on any segment at or after
    // `since`, waiting `window` on the tester's segment first. Unless `count_late_answers`, replies that pair with
    // an earlier request of this tester (late answers to earlier exchanges) do not count.
    std::optional<ObservedReply> any_reply_since(const SentRequest& since, std::chrono::milliseconds window,
                                                 std::optional<Tins::IPv4Address> home_address = std::nullopt,
                                                 bool count_late_answers = false);
    // Register and expect acceptance; makes the case INCONCLUSIVE if the SUT does not accept a valid request,
    // since the rule under test needs a binding to exist first.
    ObservedReply register_or_inconclusive(const wire::RegistrationRequest& rrq, const std::string& purpose);

    // How long to wait for an answer, and so to listen before concluding the SUT stayed silent (profile timing).
    std::chrono::milliseconds reply_timeout() const;
    // "Now" as a starting point for any_reply_since, without sending anything.
    SentRequest mark() const;

private:
    // True when `reply` pairs with a request of this tester sent before the one with Identification `current`.
    bool answers_earlier_request(const ObservedReply& reply, uint64_t current) const;
    void remember(const SentRequest& sent);

public:

private:
    TestContext& ctx_;
    std::string node_;
    std::string segment_;
    Tins::IPv4Address address_;
    std::unique_ptr<net::Injector> injector_;
    std::unique_ptr<net::UdpSocket> sink_;
    net::SegmentCapture* capture_ = nullptr;
    mutable uint64_t last_identification_ = 0;
    std::vector<uint32_t> earlier_requests_;   // low 32 bits of the Identification of every request sent so far
};

} // namespace mipvpn::engine
