# techrace — thin wrapper over CMake. `make run` and `make test` are all a
# newcomer needs on a fresh Debian machine; both install what is missing.
BUILD      ?= build
ASAN_BUILD ?= build-asan
JOBS       ?= $(shell nproc 2>/dev/null || echo 2)
PREFIX     ?= /usr/local
DEPS       := cmake gcc make pkg-config libyaml-dev libsqlite3-dev librandom123-dev libcmocka-dev sqlite3

.PHONY: all deps build run test test-asan bench fuzz install clean

all: build

deps:
	@sh tools/deps.sh $(DEPS)

$(BUILD)/CMakeCache.txt:
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_INSTALL_PREFIX=$(PREFIX) >/dev/null

build: deps $(BUILD)/CMakeCache.txt
	cmake --build $(BUILD) -j $(JOBS)

run: build
	./$(BUILD)/techrace run --out techrace-results.db --csv techrace-results

test: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)
	$(MAKE) --no-print-directory test-asan

test-asan: deps
	cmake -S . -B $(ASAN_BUILD) -DCMAKE_BUILD_TYPE=Debug -DTR_SANITIZE=ON >/dev/null
	cmake --build $(ASAN_BUILD) -j $(JOBS)
	cd $(ASAN_BUILD) && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 ctest --output-on-failure -j $(JOBS)

bench: build
	./$(BUILD)/bench_run
	./$(BUILD)/bench_firms

# libFuzzer on the scenario loader (clang): FUZZ_SECONDS of new inputs, the
# checked-in corpus as seeds. Crashes are written as crash-* files here.
FUZZ_SECONDS ?= 60
fuzz: build
	clang -g -O1 -fsanitize=fuzzer,address,undefined -std=c11 -D_POSIX_C_SOURCE=200809L -Iinclude -Isrc \
	    $(shell find src -name "*.c") $(BUILD)/generated/default_scenario.c fuzz/fuzz_scenario.c -lyaml -lsqlite3 -lm -o $(BUILD)/fuzz_scenario
	mkdir -p $(BUILD)/fuzz-corpus && cp fuzz/corpus/scenario/* $(BUILD)/fuzz-corpus/
	./$(BUILD)/fuzz_scenario $(BUILD)/fuzz-corpus -max_total_time=$(FUZZ_SECONDS) -max_len=4096

install: build
	cmake -S . -B $(BUILD) -DCMAKE_INSTALL_PREFIX=$(PREFIX) >/dev/null
	cmake --build $(BUILD) -j $(JOBS)
	cmake --install $(BUILD)

clean:
	rm -rf $(BUILD) $(ASAN_BUILD)
