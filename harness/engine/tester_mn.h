#pragma once
// The harness playing a Mobile Node (TAHI's Tester Node): crafts Registration Requests, injects them with
// libtins from the tester's namespace and reads the answers off the segment capture.
#include "harness/wire/registration_reply.h"
#include "harness/wire/registration_request.h"
#include "harness/wire/expected.h"

#include <tins/ip_address.h>

#include <chrono>
#include <cstdint>
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

struct ObservedReply {
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

    // Injects the request; returns the capture index from which its answer can appear.
    uint64_t send(const wire::RegistrationRequest& rrq, const SendOptions& options = {});
    uint64_t send_bytes(const std::vector<uint8_t>& udp_payload, const SendOptions& options = {});

    // First Registration Reply addressed to this tester after `from_index`, within `wait` (clamped to the deadline).
    std::optional<ObservedReply> await_reply(uint64_t from_index,
                                             std::chrono::milliseconds wait = std::chrono::milliseconds(2000));
    // Register and expect acceptance; makes the case INCONCLUSIVE if the SUT does not accept a valid request,
    // since the rule under test needs a binding to exist first.
    ObservedReply register_or_inconclusive(const wire::RegistrationRequest& rrq, const std::string& purpose);

    // How long to listen before concluding the SUT stayed silent.
    static constexpr std::chrono::milliseconds silence_window{1500};

private:
    TestContext& ctx_;
    std::string node_;
    std::string segment_;
    Tins::IPv4Address address_;
    std::unique_ptr<net::Injector> injector_;
    std::unique_ptr<net::UdpSocket> sink_;
    net::SegmentCapture* capture_ = nullptr;
    mutable uint64_t last_identification_ = 0;
};

} // namespace mipvpn::engine
