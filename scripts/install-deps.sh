#!/bin/sh
# Installs the Debian packages mipvpn needs, only those that are missing, so `make` works on a fresh Debian 12.
set -eu
# clang-14 and libclang-rt-14-dev build the fuzz targets (libFuzzer, sanitizers: ctest fuzz.*); libbenchmark-dev is
# for `make bench`. strongswan-charon, strongswan-swanctl, libcharon-extra-plugins (kernel-libipsec) and
# libstrongswan-standard-plugins are the real IKEv2/IPsec VPN client and gateway of RFC 5265 (agents/common/
# charon_process.h; its root test skips without them).
PACKAGES="build-essential cmake pkg-config libtins-dev libpcap-dev libboost-program-options-dev nlohmann-json3-dev
libgtest-dev libssl-dev iproute2 ethtool iputils-ping nftables tshark python3 python3-jsonschema clang-14
libclang-rt-14-dev libbenchmark-dev strongswan-charon strongswan-swanctl libcharon-extra-plugins
libstrongswan-standard-plugins"
missing=""
for p in $PACKAGES; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" != 0 ]; then
  echo "install-deps: missing packages:$missing (run as root, or install them)" >&2
  exit 1
fi
echo "install-deps: installing$missing"
export DEBIAN_FRONTEND=noninteractive
# tshark asks whether non-root users may capture; answer it so the install never blocks.
echo "wireshark-common wireshark-common/install-setuid boolean false" | debconf-set-selections
apt-get update -qq
apt-get install -y -qq --no-install-recommends $missing
