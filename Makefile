# techrace — thin wrapper over CMake. `make run` and `make test` are all a
# newcomer needs on a fresh Debian machine; both install what is missing.
BUILD      ?= build
ASAN_BUILD ?= build-asan
JOBS       ?= $(shell nproc 2>/dev/null || echo 2)
PREFIX     ?= /usr/local
# clang builds the sanitizer test build (and so checks that results are
# bit-identical across compilers) and the fuzzers; OpenMPI spreads
# experiments over processes (docs/EXPERIMENTS.md). python3 runs the
# calibration (tools/calibrate/calibrate.py).
DEPS       := cmake gcc clang libclang-rt-14-dev make pkg-config libyaml-dev libsqlite3-dev \
              librandom123-dev libcmocka-dev sqlite3 libopenmpi-dev openmpi-bin \
              python3 python3-yaml

.PHONY: all deps build run test test-asan bench levers calibrate fuzz install clean

all: build

deps:
	@sh tools/deps.sh $(DEPS)

$(BUILD)/CMakeCache.txt:
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_INSTALL_PREFIX=$(PREFIX) >/dev/null

build: deps $(BUILD)/CMakeCache.txt
	cmake --build $(BUILD) -j $(JOBS)

# One run in techrace-results.db, so README.md's example queries show it once:
# the file of the previous `make run` is removed first (the CSV set in
# techrace-results/ is replaced as a whole by the run itself).
run: build
	rm -f techrace-results.db techrace-results.db-wal techrace-results.db-shm
	./$(BUILD)/techrace run --out techrace-results.db --csv techrace-results

test: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)
	$(MAKE) --no-print-directory test-asan

# The sanitizer build uses clang while `build` uses gcc: the byte-identity test
# (tests/cli/test_identical.sh) then holds the two compilers to the same results.
test-asan: deps
	CC=clang cmake -S . -B $(ASAN_BUILD) -DCMAKE_BUILD_TYPE=Debug -DTR_SANITIZE=ON >/dev/null
	cmake --build $(ASAN_BUILD) -j $(JOBS)
	cd $(ASAN_BUILD) && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 ctest --output-on-failure -j $(JOBS) -LE model

bench: build
	./$(BUILD)/bench_run
	./$(BUILD)/bench_firms
	sh bench/bench_ensemble.sh $(BUILD)

# docs/LEVERS.md: every policy lever of tools/levers.tsv measured with
# `techrace compare` (LEVER_RUNS runs per arm, common random numbers).
LEVER_RUNS ?= 20
levers: build
	sh tools/levers.sh $(BUILD)/techrace $(LEVER_RUNS)

# docs/CALIBRATION.md and tools/calibrate/best.yaml: the free global parameters
# of tools/calibrate/params.tsv fitted to the targets of tools/calibrate/targets.tsv
# over ensembles (tools/calibrate/calibrate.py; ~1,300 runs, ~12 minutes on two idle cores).
# CALIB_POINTS, CALIB_RUNS and CALIB_REFINE shrink it for a quick look.
calibrate: build
	python3 tools/calibrate/calibrate.py --techrace $(BUILD)/techrace

# libFuzzer (clang) on one target fuzz/fuzz_$(FUZZ_TARGET).c: scenario (the
# loader), override (--set), include (includes over files in memory) or
# roundtrip (load -> show -> load). FUZZ_SECONDS of new inputs, the
# checked-in corpus fuzz/corpus/$(FUZZ_TARGET) as seeds (new inputs go to
# $(BUILD)/fuzz-corpus-$(FUZZ_TARGET)). Crashes are written as crash-* files here.
FUZZ_SECONDS ?= 60
FUZZ_TARGET ?= scenario
FUZZ_MAX_LEN ?= 4096
fuzz: build
	@sh tools/deps.sh clang libclang-rt-14-dev
	clang -g -O1 -fsanitize=fuzzer,address,undefined -std=c11 -D_POSIX_C_SOURCE=200809L -Iinclude -Isrc \
	    $(shell find src -name "*.c") $(BUILD)/generated/default_scenario.c fuzz/fuzz_$(FUZZ_TARGET).c \
	    -lyaml -lsqlite3 -lm -pthread \
	    -o $(BUILD)/fuzz_$(FUZZ_TARGET)
	mkdir -p $(BUILD)/fuzz-corpus-$(FUZZ_TARGET) && cp fuzz/corpus/$(FUZZ_TARGET)/* $(BUILD)/fuzz-corpus-$(FUZZ_TARGET)/
	./$(BUILD)/fuzz_$(FUZZ_TARGET) $(BUILD)/fuzz-corpus-$(FUZZ_TARGET) -max_total_time=$(FUZZ_SECONDS) \
	    -max_len=$(FUZZ_MAX_LEN)

install: build
	cmake -S . -B $(BUILD) -DCMAKE_INSTALL_PREFIX=$(PREFIX) >/dev/null
	cmake --build $(BUILD) -j $(JOBS)
	cmake --install $(BUILD)

clean:
	rm -rf $(BUILD) $(ASAN_BUILD)
