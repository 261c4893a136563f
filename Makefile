# Two commands for users: `make run` and `make test`. `make` alone installs what is missing and builds.
BUILD     ?= build
JOBS      ?= $(shell nproc)
CMAKE_ARGS ?= -DMIPVPN_WERROR=ON

.PHONY: all deps build run test bench clean

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

clean:
	rm -rf $(BUILD)
