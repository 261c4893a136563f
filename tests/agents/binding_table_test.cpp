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

TEST(BindingTable, RenewalsAndRemovalsLeaveNoStaleExpiry) {
  const std::chrono::steady_clock::time_point t{};
  BindingTable tb;
  tb.add(make("10.0.1.100", "10.0.2.1", t + 5s), false);
  tb.add(make("10.0.1.101", "10.0.2.2", t + 7s), false);
  tb.add(make("10.0.1.100", "10.0.2.1", t + 9s), false);  // renewed: the 5 s deadline is stale
  EXPECT_EQ(tb.next_expiry(), t + 7s);
  EXPECT_TRUE(tb.remove(Tins::IPv4Address("10.0.1.101"), Tins::IPv4Address("10.0.2.2")));
  EXPECT_EQ(tb.next_expiry(), t + 9s);
  EXPECT_TRUE(tb.expire(t + 8s).empty()) << "nothing is due before 9 s";
  tb.add(make("10.0.1.100", "10.0.2.1", t + 9s), false);  // the same deadline twice
  Binding infinite = make("10.0.1.102", "10.0.2.3", t);
  infinite.expires.reset();
  tb.add(infinite, false);
  auto gone = tb.expire(t + 9s);
  ASSERT_EQ(gone.size(), 1u);
  EXPECT_EQ(gone[0].home_address, Tins::IPv4Address("10.0.1.100"));
  EXPECT_FALSE(tb.next_expiry()) << "an infinite lifetime never expires";
  EXPECT_EQ(tb.size(), 1u);
}

TEST(BindingTable, ManyRenewalsKeepTheExpiryOrderRight) {
  // Enough renewals to rebuild the deadline heap several times; expiry must still come in time order.
  const std::chrono::steady_clock::time_point t{};
  BindingTable tb;
  for (int round = 0; round < 5; ++round) {
    for (uint32_t i = 0; i < 1000; ++i) {
      Binding b = make("10.0.0.0", "192.0.2.1", t + std::chrono::seconds(1000 + round * 1000 + (i * 7919) % 1000));
      b.home_address = from_host(0x0a010000u + i);
      tb.add(b, false);
    }
  }
  EXPECT_EQ(tb.size(), 1000u);
  EXPECT_EQ(tb.next_expiry(), t + 5000s);
  auto gone = tb.expire(t + 5499s);
  ASSERT_EQ(gone.size(), 500u);
  for (size_t i = 1; i < gone.size(); ++i) EXPECT_LE(*gone[i - 1].expires, *gone[i].expires);
  EXPECT_EQ(tb.next_expiry(), t + 5500s);
  auto all = tb.all();
  ASSERT_EQ(all.size(), 500u);
  for (size_t i = 1; i < all.size(); ++i) EXPECT_LT(to_host(all[i - 1].home_address), to_host(all[i].home_address));
}

TEST(BindingTable, SimultaneousBindingsKeepTheirOrder) {
  const std::chrono::steady_clock::time_point t{};
  BindingTable tb;
  for (const char* coa : {"10.0.2.1", "10.0.2.2", "10.0.2.3"}) tb.add(make("10.0.1.100", coa, t + 10s), true);
  tb.add(make("10.0.1.100", "10.0.2.2", t + 20s), true);  // replaced in place
  auto list = tb.of(Tins::IPv4Address("10.0.1.100"));
  ASSERT_EQ(list.size(), 3u);
  EXPECT_EQ(list[1].care_of_address, Tins::IPv4Address("10.0.2.2"));
  EXPECT_EQ(*list[1].expires, t + 20s);
  EXPECT_TRUE(tb.of(Tins::IPv4Address("10.0.1.200")).empty());
}

}  // namespace
}  // namespace mipvpn::agents::ha
