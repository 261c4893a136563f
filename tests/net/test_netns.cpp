// Namespaces, NetnsGuard, sysctls (root only).
#include "harness/net/netns.h"
#include "scratch_namespaces.h"

#include <gtest/gtest.h>

#include <sys/stat.h>

#include <thread>

namespace {

using namespace mipvpn::net;
using mipvpn::testing::is_root;
using mipvpn::testing::ScratchNamespaces;

ino_t thread_netns_inode() {
    struct stat st {};
    ::stat("/proc/thread-self/ns/net", &st);
    return st.st_ino;
}

ino_t named_netns_inode(const std::string& ns) {
    struct stat st {};
    ::stat(("/run/netns/" + ns).c_str(), &st);
    return st.st_ino;
}

TEST(Netns, NameValidation) {
    EXPECT_TRUE(valid_netns_name("mv0123abcd-ha"));
    EXPECT_FALSE(valid_netns_name(""));
    EXPECT_FALSE(valid_netns_name(".."));
    EXPECT_FALSE(valid_netns_name("a/b"));
    EXPECT_FALSE(valid_netns_name("a b"));
    EXPECT_THROW(netns_add("../etc"), NetError);
}

TEST(Netns, AddListPidsDelete) {
    if (!is_root()) GTEST_SKIP() << "needs root";
    ScratchNamespaces scratch;
    const std::string ns = scratch.prefix() + "-x";
    netns_add(ns);
    EXPECT_TRUE(netns_exists(ns));
    const auto list = netns_list();
    EXPECT_NE(std::find(list.begin(), list.end(), ns), list.end());
    EXPECT_TRUE(netns_pids(ns).empty());
    EXPECT_THROW(netns_add(ns), NetError);  // already exists
    netns_delete(ns);
    EXPECT_FALSE(netns_exists(ns));
    EXPECT_TRUE(netns_pids(ns).empty());
    EXPECT_THROW(netns_delete(ns), NetError);
}

TEST(Netns, GuardSwitchesOnlyThisThreadAndBack) {
    if (!is_root()) GTEST_SKIP() << "needs root";
    ScratchNamespaces scratch;
    const std::string ns = scratch.add("g");
    const ino_t home = thread_netns_inode();
    {
        NetnsGuard guard(ns);
        EXPECT_EQ(thread_netns_inode(), named_netns_inode(ns));
        ino_t other = 0;
        std::thread([&] { other = thread_netns_inode(); }).join();
        // A thread started inside inherits the namespace; other threads are unaffected (checked below).
        EXPECT_EQ(other, named_netns_inode(ns));
    }
    EXPECT_EQ(thread_netns_inode(), home);
    EXPECT_THROW(NetnsGuard("mv00000000-missing"), NetError);
    EXPECT_EQ(thread_netns_inode(), home);
}

TEST(Netns, InNetnsReturnsAndRestoresOnException) {
    if (!is_root()) GTEST_SKIP() << "needs root";
    ScratchNamespaces scratch;
    const std::string ns = scratch.add("f");
    const ino_t home = thread_netns_inode();
    const ino_t seen = in_netns(ns, [] { return thread_netns_inode(); });
    EXPECT_EQ(seen, named_netns_inode(ns));
    EXPECT_THROW(in_netns(ns, []() -> int { throw std::runtime_error("x"); }), std::runtime_error);
    EXPECT_EQ(thread_netns_inode(), home);
}

TEST(Netns, SysctlsArePerNamespace) {
    if (!is_root()) GTEST_SKIP() << "needs root";
    ScratchNamespaces scratch;
    const std::string a = scratch.add("a");
    const std::string b = scratch.add("b");
    in_netns(a, [] { set_sysctl("net/ipv4/ip_forward", "1"); });
    in_netns(b, [] { set_sysctl("net/ipv4/ip_forward", "0"); });
    EXPECT_EQ(in_netns(a, [] { return get_sysctl("net/ipv4/ip_forward"); }), "1");
    EXPECT_EQ(in_netns(b, [] { return get_sysctl("net/ipv4/ip_forward"); }), "0");
    // Cross-check with a separate process in the namespace.
    const auto r = run_command_in(a, {"cat", "/proc/sys/net/ipv4/ip_forward"});
    EXPECT_EQ(r.out, "1\n");
    EXPECT_EQ(in_netns(a, [] { return get_sysctl("net/ipv6/conf/all/disable_ipv6"); }), "1");
}

}  // namespace
