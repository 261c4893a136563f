# Two commands for users: `make run` and `make test`. `make` alone installs what is missing and builds.
# `make bench` builds and runs the codec and home agent benchmarks (bench/, a Release build of its own in
# $(BENCH_BUILD)); `make bench-tunnel` (root) compares mipd's user-space tunnel with kernel forwarding in namespaces.
BUILD     ?= build
JOBS      ?= $(shell nproc)
CMAKE_ARGS ?= -DMIPVPN_WERROR=ON
BENCH_BUILD ?= build-bench
BENCH_ARGS ?= --benchmark_repetitions=3 --benchmark_display_aggregates_only=true
# The issue's throughput targets are per core: pin the benchmarks to CPU 0 where taskset exists.
PIN := $(shell command -v taskset >/dev/null 2>&1 && echo taskset -c 0)

.PHONY: all deps build run test bench bench-tunnel clean

all: build

deps:
	@scripts/install-deps.sh

$(BUILD)/CMakeCache.txt: | deps
	cmake -S . -B $(BUILD) $(CMAKE_ARGS)

build: deps $(BUILD)/CMakeCache.txt
	cmake --build $(BUILD) -j $(JOBS)

run: build
	$(BUILD)/bin/mipvpn run

test: build
	cd $(BUILD) && ctest --output-on-failure --timeout 900 -j 1

bench: deps
	cmake -S bench -B $(BENCH_BUILD) -DCMAKE_BUILD_TYPE=Release
	cmake --build $(BENCH_BUILD) -j $(JOBS)
	$(PIN) $(BENCH_BUILD)/wire_bench $(BENCH_ARGS)
	$(PIN) $(BENCH_BUILD)/agents_bench $(BENCH_ARGS)

bench-tunnel: build
	cmake -S bench -B $(BENCH_BUILD) -DCMAKE_BUILD_TYPE=Release
	cmake --build $(BENCH_BUILD) -j $(JOBS) --target tunnel_pps
	$(BENCH_BUILD)/tunnel_pps --mipd $(BUILD)/bin/mipd --runs 3

clean:
	rm -rf $(BUILD)
