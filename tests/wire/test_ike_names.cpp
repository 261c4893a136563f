// The IKEv2 names of ike_names.h checked against the tables of RFC 7296 (3.1 exchange types, 3.2 payload types,
// 3.10.1 notify message types) and RFC 4555 6 (MOBIKE notify types), read from the RFC texts, so that a wrong name
// or number in the harness's table shows up here instead of being copied into the test. Names the RFCs do not table
// (IKEv1 wording, fallbacks, short forms) are checked one by one.
#include "harness/wire/ike_names.h"
#include "tests/wire/rfc_text.h"

#include <gtest/gtest-spi.h>
#include <gtest/gtest.h>

#include <regex>
#include <string>
#include <utility>
#include <vector>

namespace mipvpn::wire {
namespace {

struct Row {
  std::string name;
  unsigned value = 0;
};

// Table rows "   NAME            VALUE" (an upper-case name, two or more spaces, a number) in the given lines.
std::vector<Row> name_value_rows(const std::vector<std::string>& lines) {
  static const std::regex kRow(R"(^\s+([A-Z][A-Z0-9_]+)\s{2,}(\d+)\s*$)");
  std::vector<Row> rows;
  std::smatch m;
  for (const auto& line : lines)
    if (std::regex_match(line, m, kRow)) rows.push_back({m[1].str(), static_cast<unsigned>(std::stoul(m[2].str()))});
  return rows;
}

// Each row's number must carry the row's name.
void expect_notify_names(const std::vector<Row>& rows) {
  for (const auto& r : rows) EXPECT_EQ(ikev2_notify_name(static_cast<uint16_t>(r.value)), r.name) << r.value;
}

#define SKIP_WITHOUT_RFC_TEXTS()                                                     \
  if (rfc::lines("RFC 7296").empty() || rfc::lines("RFC 4555").empty())              \
  GTEST_SKIP() << "RFC texts not available (MIPVPN_SHARED_RFC_DIR)"

TEST(IkeNames, ExchangeTypesAsRfc7296Tables) {
  SKIP_WITHOUT_RFC_TEXTS();
  const auto rows = name_value_rows(rfc::section("RFC 7296", "3.1.  The IKE Header", "3.2."));
  ASSERT_EQ(rows.size(), 4u) << "IKE_SA_INIT .. INFORMATIONAL";
  for (const auto& r : rows) EXPECT_EQ(ikev2_exchange_name(static_cast<uint8_t>(r.value)), r.name) << r.value;
}

TEST(IkeNames, PayloadTypesAsRfc7296Tables) {
  SKIP_WITHOUT_RFC_TEXTS();
  // "Security Association             SA         33": description (words), notation, value. "No Next Payload" has no
  // notation, and the bit ruler of Figure 5 starts with a digit: neither is a row here.
  static const std::regex kRow(R"(^\s+[A-Z][A-Za-z -]*?\s{2,}(\S.*?)\s{2,}(\d+)\s*$)");
  size_t rows = 0;
  std::smatch m;
  for (const auto& line : rfc::section("RFC 7296", "3.2.  Generic Payload Header", "3.3.")) {
    if (!std::regex_match(line, m, kRow)) continue;
    ++rows;
    const auto type = static_cast<uint8_t>(std::stoul(m[2].str()));
    const std::string notation = m[1].str();
    if (notation == "Ni, Nr") {  // the Nonce is named after the side that sends it
      EXPECT_EQ(ikev2_payload_name(type, false), "Ni");
      EXPECT_EQ(ikev2_payload_name(type, true), "Nr");
    } else {
      EXPECT_EQ(ikev2_payload_name(type), notation) << int{type};
    }
  }
  EXPECT_EQ(rows, 16u) << "SA (33) .. EAP (48)";
}

TEST(IkeNames, NotifyTypesAsRfc7296AndRfc4555Tables) {
  SKIP_WITHOUT_RFC_TEXTS();
  const auto rfc7296 = name_value_rows(rfc::section("RFC 7296", "3.10.1.  Notify Message Types", "3.11."));
  EXPECT_EQ(rfc7296.size(), 29u) << "17 error types, 12 status types";
  const auto rfc4555 = name_value_rows(rfc::section("RFC 4555", "6.  IANA Considerations", "7."));
  EXPECT_EQ(rfc4555.size(), 9u) << "2 error types, 7 status types";
  expect_notify_names(rfc7296);
  expect_notify_names(rfc4555);
}

TEST(IkeNames, TableCheckCatchesAWrongRow) {
  // A table line as the RFC sets it is read with its number, and a number whose name differs is a failure.
  const auto rows = name_value_rows({"   COOKIE                                   16391", "       See Section 2.6."});
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].value, 16391u);
  EXPECT_NONFATAL_FAILURE(expect_notify_names({{"COOKIE", 16391}}), "USE_TRANSPORT_MODE");
}

TEST(IkeNames, NamesOutsideTheRfcTables) {
  EXPECT_EQ(ikev2_exchange_name(38), "IKE_SESSION_RESUME");  // RFC 5723, IANA registry
  EXPECT_EQ(ikev2_exchange_name(43), "IKE_INTERMEDIATE");    // RFC 9242, IANA registry
  EXPECT_EQ(ikev2_exchange_name(99), "exchange 99");
  EXPECT_EQ(ikev1_exchange_name(2), "Main Mode");
  EXPECT_EQ(ikev1_exchange_name(4), "Aggressive");
  EXPECT_EQ(ikev1_exchange_name(5), "Informational");
  EXPECT_EQ(ikev1_exchange_name(32), "Quick Mode");
  EXPECT_EQ(ikev1_exchange_name(33), "New Group Mode");
  EXPECT_EQ(ikev2_payload_name(IkeEncryptedFragment), "SKF");  // RFC 7383
  EXPECT_EQ(ikev2_payload_name(1), "type 1");
  EXPECT_EQ(ikev1_payload_name(20), "NAT-D");
  EXPECT_EQ(ikev1_payload_name(13), "VID");
  EXPECT_EQ(ikev2_notify_name(12345), "notify 12345");
  EXPECT_EQ(ikev2_notify_short_name(16388), "NAT_D_SRC");
  EXPECT_EQ(ikev2_notify_short_name(16389), "NAT_D_DST");
  EXPECT_EQ(ikev2_notify_short_name(16390), "COOKIE");
  EXPECT_EQ(ikev1_notify_name(14), "NO-PROPOSAL-CHOSEN");
  EXPECT_EQ(ikev1_notify_name(24578), "INITIAL-CONTACT");
  EXPECT_TRUE(is_rfc7296_payload(33));
  EXPECT_TRUE(is_rfc7296_payload(48));
  EXPECT_FALSE(is_rfc7296_payload(53));
  EXPECT_TRUE(is_known_ikev2_payload(53));
  EXPECT_FALSE(is_known_ikev2_payload(49));
  EXPECT_TRUE(is_known_ikev1_payload(21));
  EXPECT_FALSE(is_known_ikev1_payload(2));
  EXPECT_FALSE(is_known_ikev1_payload(14));
}

}  // namespace
}  // namespace mipvpn::wire
