// EspKeyring::parse on any text (Wireshark's esp_sa UAT format): never throws, every SA it keeps passes check_esp_sa
// (so keyring() accepts them all), every error names a line of the text and a field, and what it reads is what
// wireshark_esp_sa_file writes back: the SAs re-read from their own file are the same SAs, without errors.
#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz/fuzz_check.h"
#include "harness/wire/esp_keys.h"

using namespace mipvpn::wire;

namespace {

bool same(const EspSa& a, const EspSa& b) {
  return a.spi == b.spi && a.src == b.src && a.dst == b.dst && a.alg == b.alg && a.enc_key == b.enc_key &&
         a.auth_key == b.auth_key;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  EspKeyringLoad load;
  try {
    load = EspKeyring::parse(text, "fuzz");
  } catch (const std::exception& e) {
    FUZZ_CHECK(false, "EspKeyring::parse threw: %s", e.what());
  }
  const size_t lines = static_cast<size_t>(std::count(text.begin(), text.end(), '\n')) + 1;
  for (const auto& e : load.errors) {
    FUZZ_CHECK(e.line >= 1 && e.line <= lines, "error on line %zu of %zu: %s", e.line, lines, e.to_string().c_str());
    FUZZ_CHECK(!e.field.empty() && !e.expected.empty(), "error without field or expectation: %s",
               e.to_string().c_str());
    FUZZ_CHECK(e.file == "fuzz", "error names file %s", e.file.c_str());
  }
  for (const auto& sa : load.sas) {
    const auto problem = check_esp_sa(sa);
    FUZZ_CHECK(!problem, "kept an SA whose keys do not fit: %s: %s", problem->field.c_str(), problem->expected.c_str());
  }
  EspKeyring ring;
  try {
    ring = load.keyring();
  } catch (const std::exception& e) {
    FUZZ_CHECK(false, "keyring() threw: %s", e.what());
  }
  FUZZ_CHECK(ring.sas().size() == load.sas.size(), "keyring() kept %zu of %zu SAs", ring.sas().size(), load.sas.size());
  for (const auto& sa : load.sas) {
    // The SA is findable with its own addresses (0.0.0.0 for a wildcard, which a wildcard matches).
    const uint32_t src = sa.src ? static_cast<uint32_t>(*sa.src) : 0, dst = sa.dst ? static_cast<uint32_t>(*sa.dst) : 0;
    const EspSa* found = ring.find(sa.spi, src, dst);
    FUZZ_CHECK(found != nullptr && found->spi == sa.spi, "SA 0x%08x not found by its own SPI and addresses", sa.spi);
  }

  const std::string file = wireshark_esp_sa_file(load.sas);
  const auto again = EspKeyring::parse(file, "again");
  FUZZ_CHECK(again.ok(), "own file does not re-read: %s", again.errors.front().to_string().c_str());
  FUZZ_CHECK(again.sas.size() == load.sas.size(), "own file re-reads %zu of %zu SAs", again.sas.size(),
             load.sas.size());
  for (size_t i = 0; i < load.sas.size(); ++i)
    FUZZ_CHECK(same(again.sas[i], load.sas[i]), "SA %zu changed through wireshark_esp_sa_record: %s", i,
               wireshark_esp_sa_record(load.sas[i]).c_str());
  return 0;
}
