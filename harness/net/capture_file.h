#pragma once
// Reading a capture file a user hands to `mipvpn decode`: classic pcap (microsecond or nanosecond magic, either byte
// order) or pcapng, told apart by the first four bytes. A malformed file yields the packets before the damage plus
// an error naming the byte offset and the field, so a decoder can show what it can and report the rest.
#include "harness/net/pcapng.h"

#include <span>
#include <string>

namespace mipvpn::net {

// Classic libpcap format: 24-byte global header (magic, version, thiszone, sigfigs, snaplen, network), then records of
// a 16-byte header (ts_sec, ts_usec|ts_nsec, incl_len, orig_len) and incl_len bytes. One interface results.
PcapngReadResult parse_pcap(std::span<const uint8_t> bytes);

// parse_pcap or parse_pcapng by magic; neither magic is an error on field "magic".
PcapngReadResult parse_capture_file(std::span<const uint8_t> bytes);
PcapngReadResult read_capture_file(const std::string& path);

}  // namespace mipvpn::net
