// The foreign agent's registration rules (RFC 5944 3.7, RFC 3024 4.2), each checked on the socket-free core.
#include <algorithm>

#include "tests/agents/fa_test_support.h"

namespace mipvpn::agents::fa::test {
namespace {

using namespace std::chrono_literals;
namespace w = mipvpn::wire;

// ---- Relaying requests (3.7.2.2) ----

TEST_F(FaTest, RelaysAValidRequestByteIdenticalThroughMnHa) {
  Rrq q;
  q.before_auth = {ext(200, {1, 2, 3})};  // a skippable extension for the home agent stays (covered by MN-HA)
  const std::vector<uint8_t> sent = q.bytes();
  const Outcome o = fa_.on_datagram(sent, from_mn(), now_);
  ASSERT_EQ(o.verdict, Verdict::Relayed) << o.reason;
  ASSERT_EQ(o.out.size(), 1u);
  const OutgoingMessage& m = o.out[0];
  EXPECT_EQ(m.kind, OutgoingMessage::Kind::RelayedRequest);
  EXPECT_EQ(m.payload, sent) << "nothing to strip, no FA-HA: the relay is the request itself";
  EXPECT_EQ(m.source, Tins::IPv4Address(kVisited)) << "IP source: the offered care-of address";
  EXPECT_EQ(m.source_port, 434);
  EXPECT_EQ(m.destination, (Endpoint{Tins::IPv4Address(kHa), 434}));
  EXPECT_FALSE(m.to_mobile_node);
  EXPECT_EQ(fa_.visitors().pending_count(), 1u);
  EXPECT_EQ(fa_.visitors().visitor_count(), 0u) << "no visitor before the home agent accepts";
}

TEST_F(FaTest, RelayFromTheSecondCareOfAddressUsesIt) {
  Rrq q;
  q.care_of_address = kCoA2;
  const Outcome o = request(q);
  ASSERT_EQ(o.verdict, Verdict::Relayed) << o.reason;
  EXPECT_EQ(o.out[0].source, Tins::IPv4Address(kCoA2));
}

TEST_F(FaTest, RelayStripsEverythingAfterMnHa) {
  Rrq q;
  q.home_address = kHoASa;  // with an MN-FA SA: MN-FA is appended by the mobile node
  q.flags = w::RegistrationRequest::kFlagT;
  q.after_auth = {ext(w::EncapsulatingDeliveryStyle), ext(201, {9}), ext(w::Pad)};
  const std::vector<uint8_t> sent = q.bytes();
  const Outcome o = fa_.on_datagram(sent, from_mn(kHoASa, 255), now_);
  ASSERT_EQ(o.verdict, Verdict::Relayed) << o.reason;
  const std::vector<uint8_t> expected(sent.begin(), sent.begin() + static_cast<long>(q.mn_ha_end()));
  EXPECT_EQ(o.out[0].payload, expected);
  const w::RegistrationRequest relayed = decode_request(o.out[0]);
  EXPECT_EQ(count_type(relayed.extensions(), w::MnFaAuth), 0u);
  EXPECT_EQ(count_type(relayed.extensions(), w::EncapsulatingDeliveryStyle), 0u);
}

TEST_F(FaTest, AppendsFaHaWhenItSharesAnSaWithTheHomeAgent) {
  Rrq q;
  q.home_agent = kHaSa;
  const std::vector<uint8_t> sent = q.bytes();
  const Outcome o = fa_.on_datagram(sent, from_mn(), now_);
  ASSERT_EQ(o.verdict, Verdict::Relayed) << o.reason;
  const std::vector<uint8_t>& relay = o.out[0].payload;
  ASSERT_GT(relay.size(), sent.size());
  EXPECT_TRUE(std::equal(sent.begin(), sent.end(), relay.begin())) << "prefix unchanged";
  const w::RegistrationRequest r = decode_request(o.out[0]);
  ASSERT_FALSE(r.extensions().empty());
  const w::Extension& last = r.extensions().back();
  EXPECT_EQ(last.type, w::FaHaAuth);
  EXPECT_EQ(w::AuthExtension::from(last)->spi, kFaHaSpi);
  EXPECT_TRUE(w::verify_authentication(relay, last, kFaHaKey));
}

TEST_F(FaTest, NoFaHaOnDeregistration) {
  Rrq q;
  q.home_agent = kHaSa;
  q.lifetime = 0;
  const Outcome o = request(q);
  ASSERT_EQ(o.verdict, Verdict::Relayed) << o.reason;
  EXPECT_EQ(o.out[0].payload, q.bytes());
}

TEST_F(FaTest, CoLocatedRequestIsRelayedFromTheFirstCareOfAddressWithoutFaHa) {
  Rrq q;
  q.flags = w::RegistrationRequest::kFlagD;
  q.care_of_address = "10.0.2.77";  // the mobile node's own (co-located) care-of address
  q.home_agent = kHaSa;
  const Outcome o = request(q, from_mn("10.0.2.77"));
  ASSERT_EQ(o.verdict, Verdict::Relayed) << o.reason;
  EXPECT_EQ(o.out[0].source, Tins::IPv4Address(kVisited));
  EXPECT_EQ(o.out[0].payload, q.bytes()) << "\"MUST NOT append\" FA-HA for a care-of address not advertised (3.5.4)";
}

TEST_F(FaTest, RetransmissionReplacesThePendingRequest) {
  Rrq q;
  ASSERT_EQ(request(q).verdict, Verdict::Relayed);
  q.identification += 1;
  const Outcome o = request(q);
  ASSERT_EQ(o.verdict, Verdict::Relayed);
  EXPECT_EQ(fa_.visitors().pending_count(), 1u);
  EXPECT_NE(o.reason.find("replacing 1 pending"), std::string::npos) << o.reason;
}

// ---- Validity checks and denials (3.7.2.1, 3.7.2.3) ----

TEST_F(FaTest, ReservedBitsAreDeniedWith70AndTheDenialIsAddressedPer3723) {
  Rrq q;
  q.flags = w::RegistrationRequest::kFlagR;
  const Outcome o = request(q);
  const w::RegistrationReply r = denial(o, w::kFaPoorlyFormedRequest);
  EXPECT_EQ(r.home_address(), Tins::IPv4Address(kHoA));
  EXPECT_EQ(r.home_agent(), Tins::IPv4Address(kHa));
  EXPECT_EQ(r.identification(), q.identification);
  EXPECT_EQ(r.lifetime(), q.lifetime) << "Lifetime copied from the request";
  EXPECT_TRUE(r.extensions().empty()) << "no MN-FA SA with this mobile node";
  const OutgoingMessage& m = o.out[0];
  EXPECT_EQ(m.source, Tins::IPv4Address(kVisited)) << "copied from the request's IP destination";
  EXPECT_EQ(m.source_port, 434);
  EXPECT_EQ(m.destination, (Endpoint{Tins::IPv4Address(kHoA), kMnPort}));
  EXPECT_TRUE(m.to_mobile_node);
  EXPECT_EQ(m.link_destination, kMnMac);
  EXPECT_EQ(fa_.visitors().pending_count(), 0u);

  Rrq x;
  x.flags = w::RegistrationRequest::kFlagX;
  advance(2s);
  denial(request(x), w::kFaPoorlyFormedRequest);
}

TEST_F(FaTest, DenialOfARequestToAllAgentsMulticastComesFromTheVisitedAddress) {
  Rrq q;
  q.flags = w::RegistrationRequest::kFlagR;
  const Outcome o = request(q, from_mn(kHoA, 1, "224.0.0.11"));
  denial(o, w::kFaPoorlyFormedRequest);
  EXPECT_EQ(o.out[0].source, Tins::IPv4Address(kVisited));
}

TEST_F(FaTest, UnofferedCareOfAddressIsDeniedWith77UnlessDeregisteringOrCoLocated) {
  Rrq q;
  q.care_of_address = "10.0.2.99";
  denial(request(q), w::kFaInvalidCareOfAddress);
  Rrq dereg = q;
  dereg.lifetime = 0;
  dereg.identification += 1;
  EXPECT_EQ(request(dereg).verdict, Verdict::Relayed);
  Rrq colocated = q;
  colocated.flags = w::RegistrationRequest::kFlagD;
  colocated.home_address = "10.0.1.110";
  EXPECT_EQ(request(colocated).verdict, Verdict::Relayed);
}

TEST_F(FaTest, HomeAgentFieldOfTheForeignAgentItselfIsDeniedWith194) {
  for (const char* own : {kVisited, kUpstream, kCoA2}) {
    Rrq q;
    q.home_agent = own;
    q.home_address = "10.0.1.120";
    const Outcome o = request(q);
    denial(o, w::kFaInvalidHomeAgentAddress);
    EXPECT_EQ(decode_reply(o.out[0]).home_agent(), Tins::IPv4Address(own)) << "Home Agent copied";
    advance(2s);
  }
  Rrq b;
  b.home_agent = "255.255.255.255";
  denial(request(b), w::kFaInvalidHomeAgentAddress);
}

TEST_F(FaTest, TooLongLifetimeIsDeniedWith69CarryingTheMaximum) {
  Rrq q;
  q.lifetime = 601;
  const w::RegistrationReply r = denial(request(q), w::kFaLifetimeTooLong);
  EXPECT_EQ(r.lifetime(), 600);
  advance(2s);
  q.lifetime = 600;
  EXPECT_EQ(request(q).verdict, Verdict::Relayed) << "the maximum itself is fine";
}

TEST_F(FaTest, UnsupportedEncapsulationIsDeniedWith72) {
  Rrq q;
  q.flags = w::RegistrationRequest::kFlagM;
  denial(request(q), w::kFaEncapsulationUnavailable);
  advance(2s);
  q.flags = w::RegistrationRequest::kFlagG;
  denial(request(q), w::kFaEncapsulationUnavailable);
}

TEST_F(FaTest, ZeroHomeAddressIsDeniedWith96ToTheLimitedBroadcast) {
  Rrq q;
  q.home_address = "0.0.0.0";
  const Outcome o = request(q, from_mn("0.0.0.0"));
  denial(o, 96);
  EXPECT_EQ(o.out[0].destination.address, Tins::IPv4Address("255.255.255.255"));
  EXPECT_FALSE(o.out[0].link_destination) << "link-layer broadcast";
}

TEST_F(FaTest, BrokenExtensionsAreDeniedWith70) {
  std::vector<uint8_t> b = Rrq().bytes();
  b.push_back(200);
  b.push_back(9);  // Length runs past the end
  const Outcome o = fa_.on_datagram(b, from_mn(), now_);
  denial(o, w::kFaPoorlyFormedRequest);
}

TEST_F(FaTest, DiscardsWhatCannotBeARequestFromAVisitor) {
  Received upstream = from_mn();
  upstream.on_visited_link = false;
  EXPECT_EQ(request(Rrq(), upstream).verdict, Verdict::Discarded);
  const std::vector<uint8_t> shortish(23, 1);
  EXPECT_EQ(fa_.on_datagram(shortish, from_mn(), now_).verdict, Verdict::Discarded);
  const std::vector<uint8_t> other = {2, 0, 0, 0};
  EXPECT_EQ(fa_.on_datagram(other, from_mn(), now_).verdict, Verdict::Discarded);
  EXPECT_EQ(fa_.visitors().pending_count(), 0u);
}

TEST_F(FaTest, UnknownExtensionsBelow128DiscardTheRequest) {
  Rrq q;
  q.after_auth = {ext(100, {1})};
  const Outcome o = request(q);
  EXPECT_EQ(o.verdict, Verdict::Discarded) << o.reason;
  EXPECT_TRUE(o.out.empty());
}

TEST_F(FaTest, RequestWithoutMnHaIsDeniedWith70) {
  Rrq q;
  q.with_mn_ha = false;
  denial(request(q), w::kFaPoorlyFormedRequest);
}

// ---- Mobile-Foreign authentication (3.7.2.1) ----

TEST_F(FaTest, MnFaIsRequiredAndCheckedWhenTheForeignAgentSharesAnSa) {
  Rrq q;
  q.home_address = kHoASa;
  EXPECT_EQ(request(q, from_mn(kHoASa)).verdict, Verdict::Relayed);

  Rrq none = q;
  none.mn_fa = 0;
  none.identification = 2;
  none.home_address = kHoASa;
  denial(request(none, from_mn(kHoASa)), w::kFaMobileNodeFailedAuth);

  advance(2s);
  Rrq two = q;
  two.mn_fa = 2;
  two.identification = 3;
  denial(request(two, from_mn(kHoASa)), w::kFaMobileNodeFailedAuth);

  advance(2s);
  Rrq bad = q;
  bad.mn_fa_key = kMnHaKey;
  bad.identification = 4;
  const Outcome o = request(bad, from_mn(kHoASa));
  const w::RegistrationReply r = denial(o, w::kFaMobileNodeFailedAuth);
  ASSERT_EQ(r.extensions().size(), 1u) << "the denial carries MN-FA";
  EXPECT_TRUE(w::verify_authentication(o.out[0].payload, r.extensions()[0], kMnFaKey));

  advance(2s);
  Rrq spi = q;
  spi.mn_fa_spi = 301;
  spi.identification = 5;
  denial(request(spi, from_mn(kHoASa)), w::kFaMobileNodeFailedAuth);
  EXPECT_EQ(fa_.visitors().pending_count(), 1u) << "only the first, valid one is pending";
}

TEST_F(FaTest, MnFaIsNotRequiredFromAMobileNodeWithoutSa) {
  Rrq q;
  q.mn_fa = 1;  // present anyway: stripped, not checked
  const Outcome o = request(q);
  ASSERT_EQ(o.verdict, Verdict::Relayed) << o.reason;
  EXPECT_EQ(count_type(decode_request(o.out[0]).extensions(), w::MnFaAuth), 0u);
}

// ---- Reverse tunnelling (RFC 3024 3.2-4.2.1) ----

TEST_F(FaTest, ReverseTunnelRequestNeedsTtl255) {
  Rrq q;
  q.flags = w::RegistrationRequest::kFlagT;
  denial(request(q, from_mn(kHoA, 64)), w::kFaMobileNodeTooDistant);
  advance(2s);
  denial(request(q, from_mn(kHoA, 254)), w::kFaMobileNodeTooDistant);
  advance(2s);
  const Outcome ok = request(q, from_mn(kHoA, 255));
  ASSERT_EQ(ok.verdict, Verdict::Relayed) << ok.reason;
  EXPECT_TRUE(fa_.visitors().pending().front().reverse_tunnel);
  EXPECT_EQ(fa_.visitors().pending().front().delivery, DeliveryStyle::Direct);
  Rrq plain;
  plain.home_address = "10.0.1.120";
  EXPECT_EQ(request(plain, from_mn("10.0.1.120", 1)).verdict, Verdict::Relayed) << "TTL unchecked without T";
}

TEST_F(FaTest, ReverseTunnelNotOfferedIs74AndMandatoryWithoutTIs75) {
  FaConfig off = reference_config();
  off.reverse_tunnelling = ReverseTunnelling::Off;
  with(off);
  Rrq q;
  q.flags = w::RegistrationRequest::kFlagT;
  denial(request(q, from_mn(kHoA, 255)), w::kFaReverseTunnelUnavailable);

  FaConfig mandatory = reference_config();
  mandatory.reverse_tunnelling = ReverseTunnelling::Mandatory;
  with(mandatory);
  denial(request(Rrq()), w::kFaReverseTunnelMandatory);
  advance(2s);
  EXPECT_EQ(request(q, from_mn(kHoA, 255)).verdict, Verdict::Relayed);
}

TEST_F(FaTest, EncapsulatingDeliveryStyle) {
  Rrq q;
  q.flags = w::RegistrationRequest::kFlagT;
  q.after_auth = {ext(w::EncapsulatingDeliveryStyle)};
  const Outcome o = request(q, from_mn(kHoA, 255));
  ASSERT_EQ(o.verdict, Verdict::Relayed) << o.reason;
  EXPECT_EQ(fa_.visitors().pending().front().delivery, DeliveryStyle::Encapsulating);

  FaConfig no_encap = reference_config();
  no_encap.encapsulating_delivery = false;
  with(no_encap);
  denial(request(q, from_mn(kHoA, 255)), w::kFaDeliveryStyleUnsupported);

  with(reference_config());
  Rrq without_t = q;
  without_t.flags = 0;
  denial(request(without_t), w::kFaPoorlyFormedRequest);
  advance(2s);
  Rrq long_one = q;
  long_one.after_auth = {ext(w::EncapsulatingDeliveryStyle, {0})};
  denial(request(long_one, from_mn(kHoA, 255)), w::kFaPoorlyFormedRequest);  // Length must be 0 (RFC 3024 3.3)
  advance(2s);
  Rrq misplaced = q;
  misplaced.after_auth.clear();
  misplaced.before_auth = {ext(w::EncapsulatingDeliveryStyle)};
  denial(request(misplaced, from_mn(kHoA, 255)), w::kFaPoorlyFormedRequest);
}

// ---- Resource limits ----

TEST_F(FaTest, DenialsAreLimitedToOnePerSecondPerMobileNode) {
  Rrq q;
  q.flags = w::RegistrationRequest::kFlagR;
  denial(request(q), w::kFaPoorlyFormedRequest);
  advance(500ms);
  const Outcome held = request(q);
  EXPECT_EQ(held.verdict, Verdict::Denied);
  EXPECT_TRUE(held.out.empty()) << "second denial within a second is not sent";
  Rrq other = q;
  other.home_address = "10.0.1.120";
  denial(request(other, from_mn("10.0.1.120")), w::kFaPoorlyFormedRequest);
  advance(500ms);
  fa_.expire(now_);
  denial(request(q), w::kFaPoorlyFormedRequest);
}

TEST_F(FaTest, PendingLimitDeniesWith66) {
  FaConfig c = reference_config();
  c.max_pending = 2;
  with(c);
  for (int i = 0; i < 2; ++i) {
    Rrq q;
    q.home_address = "10.0.1." + std::to_string(120 + i);
    EXPECT_EQ(request(q, from_mn(q.home_address.c_str())).verdict, Verdict::Relayed);
  }
  Rrq q;
  q.home_address = "10.0.1.130";
  denial(request(q, from_mn("10.0.1.130")), w::kFaInsufficientResources);
}

TEST_F(FaTest, BusyAgentDeniesNewMobileNodesWith66) {
  FaConfig c = reference_config();
  c.advertisement.flags |= 0x4000;  // B
  with(c);
  denial(request(Rrq()), w::kFaInsufficientResources);
}

// ---- Replies (3.7.3) ----

TEST_F(FaTest, RelaysAnAcceptedReplyAndAddsTheVisitor) {
  Rrq q;
  q.flags = w::RegistrationRequest::kFlagT;
  ASSERT_EQ(request(q, from_mn(kHoA, 255, "224.0.0.11")).verdict, Verdict::Relayed);
  Rrp p;
  p.lifetime = 300;
  p.fa_only = {ext(202, {7, 7})};
  const std::vector<uint8_t> sent = p.bytes();
  const Outcome o = fa_.on_datagram(sent, from_ha(), now_);
  ASSERT_EQ(o.verdict, Verdict::Relayed) << o.reason;
  ASSERT_EQ(o.out.size(), 1u);
  const OutgoingMessage& m = o.out[0];
  EXPECT_EQ(m.kind, OutgoingMessage::Kind::RelayedReply);
  EXPECT_EQ(m.payload, std::vector<uint8_t>(sent.begin(), sent.begin() + static_cast<long>(p.mn_ha_end())));
  EXPECT_EQ(m.source, Tins::IPv4Address(kVisited)) << "request went to 224.0.0.11: the agent's own address";
  EXPECT_EQ(m.source_port, 434);
  EXPECT_EQ(m.destination, (Endpoint{Tins::IPv4Address(kHoA), kMnPort}));
  EXPECT_EQ(m.link_destination, kMnMac);
  EXPECT_TRUE(o.visitors_changed);
  EXPECT_EQ(fa_.visitors().pending_count(), 0u);
  const Visitor* v = fa_.visitors().find_visitor(Tins::IPv4Address(kHoA));
  ASSERT_NE(v, nullptr);
  EXPECT_EQ(v->lifetime, 300);
  EXPECT_EQ(v->registration.link_address, kMnMac);
  EXPECT_EQ(v->registration.source_port, kMnPort);
  EXPECT_EQ(v->registration.destination_address, Tins::IPv4Address("224.0.0.11"));
  EXPECT_TRUE(v->registration.reverse_tunnel);
  EXPECT_EQ(v->home_agent, Tins::IPv4Address(kHa));
  ASSERT_TRUE(v->expires);
  EXPECT_EQ(*v->expires, now_ + 300s);
}

TEST_F(FaTest, VisitorLifetimeIsCappedAtTheForeignAgentMaximum) {
  Rrp p;
  p.lifetime = 5000;  // a home agent granting more than asked; the FA times at most its own maximum
  ASSERT_EQ(register_with(Rrq(), p).verdict, Verdict::Relayed);
  EXPECT_EQ(fa_.visitors().find_visitor(Tins::IPv4Address(kHoA))->lifetime, 600);
}

TEST_F(FaTest, RelayedReplyCarriesMnFaForAMobileNodeWithSa) {
  Rrq q;
  q.home_address = kHoASa;
  ASSERT_EQ(request(q, from_mn(kHoASa)).verdict, Verdict::Relayed);
  Rrp p;
  p.home_address = kHoASa;
  const Outcome o = reply(p);
  ASSERT_EQ(o.verdict, Verdict::Relayed) << o.reason;
  const w::RegistrationReply r = decode_reply(o.out[0]);
  ASSERT_EQ(r.extensions().size(), 2u);
  EXPECT_EQ(r.extensions()[0].type, w::MnHaAuth);
  EXPECT_EQ(r.extensions()[1].type, w::MnFaAuth);
  EXPECT_TRUE(w::verify_authentication(o.out[0].payload, r.extensions()[1], kMnFaKey));
}

TEST_F(FaTest, ReplyWhoseIdentificationDoesNotMatchIsDiscarded) {
  ASSERT_EQ(request(Rrq()).verdict, Verdict::Relayed);
  Rrp p;
  p.identification ^= 1;
  const Outcome o = reply(p);
  EXPECT_EQ(o.verdict, Verdict::Discarded) << o.reason;
  EXPECT_TRUE(o.out.empty());
  EXPECT_EQ(fa_.visitors().pending_count(), 1u);
  Rrp high = Rrp();
  high.identification ^= 0xffffffff00000000ull;  // only the low-order 32 bits must match
  EXPECT_EQ(reply(high).verdict, Verdict::Relayed);
}

TEST_F(FaTest, ReplyWithoutPendingRequestIsDiscarded) {
  const Outcome o = reply(Rrp());
  EXPECT_EQ(o.verdict, Verdict::Discarded);
  EXPECT_TRUE(o.out.empty());
}

TEST_F(FaTest, ReplyFaHaIsRequiredAndStripped) {
  Rrq q;
  q.home_agent = kHaSa;
  ASSERT_EQ(request(q).verdict, Verdict::Relayed);
  Rrp good;
  good.home_agent = kHaSa;
  const std::vector<uint8_t> sent = good.bytes();
  const Outcome o = fa_.on_datagram(sent, from_ha(kHaSa), now_);
  ASSERT_EQ(o.verdict, Verdict::Relayed) << o.reason;
  EXPECT_EQ(o.out[0].payload, std::vector<uint8_t>(sent.begin(), sent.begin() + static_cast<long>(good.mn_ha_end())));

  for (int variant = 0; variant < 3; ++variant) {
    advance(2s);
    Rrq q2 = q;
    q2.identification = 100 + static_cast<uint64_t>(variant);
    ASSERT_EQ(request(q2).verdict, Verdict::Relayed);
    Rrp bad;
    bad.home_agent = kHaSa;
    bad.identification = q2.identification;
    if (variant == 0) bad.fa_ha = 0;
    if (variant == 1) bad.fa_ha = 2;
    if (variant == 2) bad.fa_ha_key = kMnFaKey;
    const Outcome d = reply(bad, from_ha(kHaSa));
    const w::RegistrationReply r = denial(d, w::kFaHomeAgentFailedAuth);
    EXPECT_EQ(r.identification(), q2.identification);
    EXPECT_EQ(fa_.visitors().pending_count(), 0u) << "registration rejected";
  }
}

TEST_F(FaTest, DeregistrationReplyWithoutFaHaIsRelayed) {
  Rrq q;
  q.home_agent = kHaSa;
  q.lifetime = 0;
  ASSERT_EQ(request(q).verdict, Verdict::Relayed);
  Rrp p;
  p.home_agent = kHaSa;
  p.lifetime = 0;
  p.fa_ha = 0;
  EXPECT_EQ(reply(p, from_ha(kHaSa)).verdict, Verdict::Relayed);
}

TEST_F(FaTest, AcceptedDeregistrationRemovesTheVisitor) {
  ASSERT_EQ(register_with(Rrq(), Rrp()).verdict, Verdict::Relayed);
  ASSERT_EQ(fa_.visitors().visitor_count(), 1u);
  Rrq d;
  d.lifetime = 0;
  d.identification = 2;
  Rrp p;
  p.lifetime = 0;
  const Outcome o = register_with(d, p);
  ASSERT_EQ(o.verdict, Verdict::Relayed);
  EXPECT_EQ(fa_.visitors().visitor_count(), 0u);
  EXPECT_TRUE(o.visitors_changed);
}

TEST_F(FaTest, HomeAgentDenialLeavesTheVisitorEntryAlone) {
  ASSERT_EQ(register_with(Rrq(), Rrp()).verdict, Verdict::Relayed);
  const Visitor before = *fa_.visitors().find_visitor(Tins::IPv4Address(kHoA));
  advance(10s);
  Rrq again;
  again.identification = 2;
  again.lifetime = 100;
  Rrp no;
  no.code = w::kHaIdentificationMismatch;
  const Outcome o = register_with(again, no);
  ASSERT_EQ(o.verdict, Verdict::Relayed) << "the denial is relayed";
  EXPECT_EQ(decode_reply(o.out[0]).code(), w::kHaIdentificationMismatch);
  const Visitor* after = fa_.visitors().find_visitor(Tins::IPv4Address(kHoA));
  ASSERT_NE(after, nullptr);
  EXPECT_EQ(after->registration.identification, before.registration.identification);
  EXPECT_EQ(after->expires, before.expires);
  EXPECT_EQ(fa_.visitors().pending_count(), 0u);
}

TEST_F(FaTest, ReplyWithACompanionRfcExtensionBelow128IsRelayed) {
  ASSERT_EQ(request(Rrq()).verdict, Verdict::Relayed);
  Rrp p;
  p.before_auth = {ext(w::UdpTunnelReply, {0, 0, 0, 0, 0, 0})};  // RFC 3519 3.2, type 44: defined, not unknown
  const std::vector<uint8_t> sent = p.bytes();
  const Outcome o = fa_.on_datagram(sent, from_ha(), now_);
  ASSERT_EQ(o.verdict, Verdict::Relayed) << o.reason;
  EXPECT_EQ(o.out[0].payload, sent);
}

TEST_F(FaTest, ReplyWithoutMnHaIsRejectedWith71) {
  ASSERT_EQ(request(Rrq()).verdict, Verdict::Relayed);
  Rrp p;
  p.with_mn_ha = false;
  denial(reply(p), w::kFaPoorlyFormedReply);
}

// ---- Timers ----

TEST_F(FaTest, PendingRequestTimesOutWith78) {
  Rrq q;
  ASSERT_EQ(request(q).verdict, Verdict::Relayed);
  ASSERT_EQ(fa_.next_deadline(), now_ + 7s);
  advance(6999ms);
  EXPECT_TRUE(fa_.expire(now_).empty());
  advance(1ms);
  const std::vector<Outcome> out = fa_.expire(now_);
  ASSERT_EQ(out.size(), 1u);
  const w::RegistrationReply r = denial(out[0], w::kFaRegistrationTimeout);
  EXPECT_EQ(r.identification(), q.identification);
  EXPECT_EQ(r.home_agent(), Tins::IPv4Address(kHa));
  EXPECT_EQ(out[0].out[0].destination, (Endpoint{Tins::IPv4Address(kHoA), kMnPort}));
  EXPECT_EQ(fa_.visitors().pending_count(), 0u);
  EXPECT_EQ(reply(Rrp()).verdict, Verdict::Discarded) << "a late reply finds nothing pending";
}

TEST_F(FaTest, PendingRequestWhoseLifetimeEndsFirstIsDeletedSilently) {
  Rrq q;
  q.lifetime = 3;
  ASSERT_EQ(request(q).verdict, Verdict::Relayed);
  advance(3s);
  const std::vector<Outcome> out = fa_.expire(now_);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].verdict, Verdict::Expired);
  EXPECT_TRUE(out[0].out.empty());
  EXPECT_EQ(fa_.visitors().pending_count(), 0u);
}

TEST_F(FaTest, VisitorExpiresSilently) {
  Rrp p;
  p.lifetime = 20;
  ASSERT_EQ(register_with(Rrq(), p).verdict, Verdict::Relayed);
  EXPECT_EQ(fa_.next_deadline(), now_ + 20s);
  advance(20s);
  const std::vector<Outcome> out = fa_.expire(now_);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].verdict, Verdict::Expired);
  EXPECT_TRUE(out[0].out.empty()) << "no reply because a lifetime expired (3.7)";
  EXPECT_TRUE(out[0].visitors_changed);
  EXPECT_EQ(fa_.visitors().visitor_count(), 0u);
  EXPECT_FALSE(fa_.next_deadline());
}

TEST_F(FaTest, IcmpErrorsBecomeHomeAgentUnreachableCodes) {
  const struct {
    uint8_t type, code, expected;
  } cases[] = {{3, 0, 80}, {3, 1, 81}, {3, 3, 82}, {3, 13, 88}, {11, 0, 88}};
  uint64_t id = 1;
  for (const auto& c : cases) {
    Rrq q;
    q.identification = id++;
    ASSERT_EQ(request(q).verdict, Verdict::Relayed);
    auto o = fa_.on_icmp_error(q.bytes(), Tins::IPv4Address(kHa), c.type, c.code, now_);
    ASSERT_TRUE(o);
    denial(*o, c.expected);
    EXPECT_EQ(fa_.visitors().pending_count(), 0u);
    advance(2s);
  }
  Rrq q;
  EXPECT_FALSE(fa_.on_icmp_error(q.bytes(), Tins::IPv4Address(kHa), 3, 3, now_)) << "nothing pending";
}

TEST_F(FaTest, VisitorsJson) {
  Rrq q;
  q.flags = w::RegistrationRequest::kFlagT;
  q.after_auth = {ext(w::EncapsulatingDeliveryStyle)};
  ASSERT_EQ(register_with(q, Rrp(), from_mn(kHoA, 255)).verdict, Verdict::Relayed);
  Rrq p2;
  p2.home_address = "10.0.1.120";
  ASSERT_EQ(request(p2, from_mn("10.0.1.120")).verdict, Verdict::Relayed);
  advance(1500ms);
  const nlohmann::json j = fa_.visitors_json(now_);
  ASSERT_EQ(j["visitors"].size(), 1u);
  const auto& v = j["visitors"][0];
  EXPECT_EQ(v["home_address"], kHoA);
  EXPECT_EQ(v["link_layer_address"], mac_to_string(kMnMac));
  EXPECT_EQ(v["source_port"], kMnPort);
  EXPECT_EQ(v["home_agent"], kHa);
  EXPECT_EQ(v["care_of_address"], kVisited);
  EXPECT_EQ(v["identification"], q.identification);
  EXPECT_EQ(v["lifetime"], 300);
  EXPECT_DOUBLE_EQ(v["remaining_s"].get<double>(), 298.5);
  EXPECT_EQ(v["reverse_tunnel"], true);
  EXPECT_EQ(v["delivery_style"], "encapsulating");
  ASSERT_EQ(j["pending"].size(), 1u);
  EXPECT_EQ(j["pending"][0]["home_address"], "10.0.1.120");
  EXPECT_DOUBLE_EQ(j["pending"][0]["timeout_s"].get<double>(), 5.5);
}

}  // namespace
}  // namespace mipvpn::agents::fa::test
