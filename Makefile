# Aegis: `make run` (build, demo data, serve on http://127.0.0.1:8080) and `make test`.
SHELL := /bin/bash
BUILD_DIR ?= build
DB ?= data/aegis.db
PORT ?= 8080
JOBS ?= $(shell nproc)
AEGIS := $(BUILD_DIR)/src/app/aegis

.PHONY: all deps build cpp web run test unit-test api-test crash-test browser-test asan-test tidy bench \
        bench-redaction fuzz fuzz-build fuzz-test clean

all: build

deps:
	@scripts/install-deps.sh

$(BUILD_DIR)/CMakeCache.txt:
	cmake -S . -B $(BUILD_DIR) -DCMAKE_BUILD_TYPE=RelWithDebInfo

cpp: $(BUILD_DIR)/CMakeCache.txt
	cmake --build $(BUILD_DIR) -j$(JOBS)

web:
	cd web && npm run build --silent

build: deps cpp web

run: build
	@if [ ! -f $(DB) ]; then $(AEGIS) demo --db $(DB); fi
	@echo
	@echo "  Aegis is starting on http://127.0.0.1:$(PORT)/"
	@echo "  Sign in as 'officer' or 'supervisor' (also: analyst, prosecutor, admin, privacy)"
	@echo "  with the demo password: Aegis-demo-2026!"
	@echo "  (supervisor and admin also need a one-time code: demo TOTP secret"
	@echo "   AEGISDEMOSECRETTOTPFORDEMOONLYAA in an authenticator app, or oathtool --totp -b <secret>)"
	@echo "  (data: $(DB); delete it to regenerate the demo data; Ctrl-C stops the server)"
	@echo
	$(AEGIS) serve --db $(DB) --port $(PORT) --web web/dist

# Everything that proves Aegis works: unit, storage, service and API tests (ctest), the HTTP
# loopback and crash-safety tests, and the browser tests with screenshots.
test: build unit-test api-test crash-test browser-test fuzz-test
	@echo "make test: all suites passed"

unit-test: cpp
	ctest --test-dir $(BUILD_DIR) --output-on-failure -j$(JOBS)

# HTTP loopback tests; then bad input and attack over HTTP (static-file traversal, injection),
# and a realistic flow whose server output, logs and CLI output must hold no victim identity.
# (tests/api/timing_probe.py measures 404 timings for a person to look at; it is not a test.)
api-test: cpp
	python3 tests/api/loopback_test.py --aegis $(AEGIS)
	python3 tests/api/attack_test.py --aegis $(AEGIS)
	python3 tests/api/identity_log_test.py --aegis $(AEGIS) --build-dir $(BUILD_DIR)

crash-test: cpp
	python3 tests/crash/crash_test.py --aegis $(AEGIS)

browser-test: cpp web
	tests/browser/run.sh $(AEGIS)

# The unit and API tests again under AddressSanitizer and UndefinedBehaviorSanitizer.
asan-test: deps
	cmake --preset asan >/dev/null
	cmake --build --preset asan -j$(JOBS)
	ctest --preset asan -j$(JOBS)

# libFuzzer targets (fuzz/README.md), built with clang, ASan and UBSan in their own directory.
FUZZ_DIR ?= build-fuzz
FUZZ_SECONDS ?= 600
FUZZ_TEST_SECONDS ?= 20
FUZZ_JOBS ?= $(JOBS)

fuzz-build: deps
	@if [ ! -f $(FUZZ_DIR)/CMakeCache.txt ]; then \
	  cmake -S . -B $(FUZZ_DIR) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER=clang++-14 \
	    -DAEGIS_FUZZ=ON >/dev/null; fi
	cmake --build $(FUZZ_DIR) -j$(FUZZ_JOBS)

# Each target for FUZZ_SECONDS (default 600), then the new inputs are merged into fuzz/corpus/.
fuzz: fuzz-build
	AEGIS_FUZZ_BUILD=$(FUZZ_DIR) scripts/fuzz.sh run $(FUZZ_SECONDS)

# Each target briefly from the committed corpus (part of make test); the corpus is not changed.
fuzz-test: fuzz-build
	AEGIS_FUZZ_BUILD=$(FUZZ_DIR) scripts/fuzz.sh test $(FUZZ_TEST_SECONDS)

tidy: $(BUILD_DIR)/CMakeCache.txt
	run-clang-tidy -quiet -p $(BUILD_DIR) 'src/.*\.cc$$'

bench: build
	scripts/bench.sh $(AEGIS)

# The redaction engine against the same masking with Python's re (src/engines/redaction/README.md).
bench-redaction: cpp
	scripts/bench-redaction.sh $(BUILD_DIR)

clean:
	rm -rf $(BUILD_DIR) web/dist
