#include <gtest/gtest.h>

#include "agents/ha/binding_table.h"

namespace mipvpn::agents::ha {
namespace {

using namespace std::chrono_literals;

Binding make(const char* hoa, const char* coa, std::chrono::steady_clock::time_point expires) {
  Binding b;
  b.home_address = Tins::IPv4Address(hoa);
  b.care_of_address = Tins::IPv4Address(coa);
  b.expires = expires;
  return b;
}

TEST(BindingTable, AddReplaceRemoveExpire) {
  const std::chrono::steady_clock::time_point t{};
  BindingTable t1;
  t1.add(make("10.0.1.100", "10.0.2.1", t + 10s), false);
  t1.add(make("10.0.1.100", "10.0.2.2", t + 5s), true);
  t1.add(make("10.0.1.101", "10.0.2.3", t + 20s), false);
  EXPECT_EQ(t1.size(), 3u);
  EXPECT_EQ(t1.next_expiry(), t + 5s);
  t1.add(make("10.0.1.100", "10.0.2.2", t + 30s), true);  // same CoA: replaced
  EXPECT_EQ(t1.size(), 3u);
  EXPECT_EQ(t1.next_expiry(), t + 10s);
  auto gone = t1.expire(t + 10s);
  ASSERT_EQ(gone.size(), 1u);
  EXPECT_EQ(gone[0].care_of_address, Tins::IPv4Address("10.0.2.1"));
  EXPECT_TRUE(t1.remove(Tins::IPv4Address("10.0.1.100"), Tins::IPv4Address("10.0.2.2")));
  EXPECT_FALSE(t1.remove(Tins::IPv4Address("10.0.1.100"), Tins::IPv4Address("10.0.2.2")));
  EXPECT_EQ(t1.remove_all(Tins::IPv4Address("10.0.1.101")), 1u);
  EXPECT_EQ(t1.size(), 0u);
  EXPECT_FALSE(t1.next_expiry());
}

TEST(BindingTable, AddWithoutKeepReplacesAllOfThatNodeOnly) {
  const std::chrono::steady_clock::time_point t{};
  BindingTable tb;
  tb.add(make("10.0.1.100", "10.0.2.1", t + 10s), false);
  tb.add(make("10.0.1.100", "10.0.2.2", t + 10s), true);
  tb.add(make("10.0.1.101", "10.0.2.9", t + 10s), true);
  tb.add(make("10.0.1.100", "10.0.2.3", t + 10s), false);
  EXPECT_EQ(tb.of(Tins::IPv4Address("10.0.1.100")).size(), 1u);
  EXPECT_EQ(tb.of(Tins::IPv4Address("10.0.1.101")).size(), 1u);
}

}  // namespace
}  // namespace mipvpn::agents::ha
