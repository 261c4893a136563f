#pragma once
// Prints one line per finished case to the terminal and forwards everything to the report writer.
#include "harness/engine/sink.h"

#include <ostream>

namespace mipvpn::cli {

class ConsoleSink final : public engine::ResultSink {
public:
    ConsoleSink(engine::ResultSink& next, std::ostream& out) : next_(next), out_(out) {}
    void run_started(const engine::RunInfo& info) override;
    void case_finished(const engine::TestResult& result) override;
    void run_finished(bool aborted, const std::string& why) override;

private:
    engine::ResultSink& next_;
    std::ostream& out_;
};

} // namespace mipvpn::cli
