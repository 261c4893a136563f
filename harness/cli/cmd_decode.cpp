// `mipvpn decode FILE`: every packet of a capture through the layered decoder, one line (or one JSON object) each,
// with the RFC violations found and, across packets, what each IKE message and ESP packet means for its SA.
#include "harness/cli/commands.h"
#include "harness/cli/decode_output.h"
#include "harness/cli/session.h"

#include <boost/program_options.hpp>

#include <iostream>

namespace mipvpn::cli {

namespace po = boost::program_options;

int cmd_decode(const std::vector<std::string>& args) {
  po::options_description desc(
      "mipvpn decode FILE.pcap[ng] [options]\n\n"
      "Decodes every packet: link, IP, UDP/ICMP, Mobile IP (RFC 5944, 3024, 3519, 5265 extensions), IP-in-IP, minimal\n"
      "encapsulation, GRE, ESP (decrypted with --esp-keys), RFC 3948 UDP encapsulation, IKEv1/IKEv2 headers. Prints\n"
      "the RFC violations of each packet and classifies IKE and ESP traffic per SA (new SA, rekey, address update,\n"
      "continuing). Exit code: 0 no MUST violation, 1 a MUST violation, 2 unreadable or damaged file / bad options");
  desc.add_options()("help,h", "this help")("json", "one JSON object per packet (JSON Lines)")(
      "esp-keys", po::value<std::string>(),
      "ESP SA file in Wireshark's esp_sa format (the file Wireshark keeps in its profile directory)")(
      "no-checksums", "do not verify IP/UDP/ICMP/GRE checksums (captures with checksum offload)")(
      "violations-only", "print only packets with a violation or a decode error");
  po::options_description hidden;
  hidden.add_options()("file", po::value<std::string>());
  po::options_description all;
  all.add(desc).add(hidden);
  po::positional_options_description positional;
  positional.add("file", 1);
  po::variables_map vm;
  try {
    po::store(po::command_line_parser(args).options(all).positional(positional).run(), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    throw UsageError(std::string("decode: ") + e.what());
  }
  if (vm.count("help")) {
    std::cout << desc << "\n";
    return 0;
  }
  if (!vm.count("file")) throw UsageError("decode: name a capture file: mipvpn decode FILE.pcap[ng]");

  DecodeSettings settings;
  settings.json = vm.count("json") > 0;
  settings.verify_checksums = vm.count("no-checksums") == 0;
  settings.violations_only = vm.count("violations-only") > 0;
  if (vm.count("esp-keys")) settings.esp_keys_path = vm["esp-keys"].as<std::string>();
  return decode_capture(vm["file"].as<std::string>(), settings, std::cout, std::cerr);
}

}  // namespace mipvpn::cli
