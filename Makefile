# SPDX-License-Identifier: BSD-3-Clause
# Thin wrapper over meson (as grout does). The two commands of the README:
#   make demo   build, then run the main job on its embedded default
#   make test   build, then run every test suite
BUILDDIR ?= build
ASAN_BUILDDIR ?= build-asan
FUZZ_BUILDDIR ?= build-fuzz
FUZZ_SECONDS ?= 30
MESON_OPTS ?=
SUITES ?= unit vdev netns vm

.PHONY: all deps build demo test test-asan test-fuzz test-vm appliance-image bench bench-smoke lint \
	clean

all: build

deps:
	@bash scripts/install-deps.sh

$(BUILDDIR)/build.ninja:
	meson setup $(BUILDDIR) $(MESON_OPTS)

build: deps $(BUILDDIR)/build.ninja
	ninja -C $(BUILDDIR)

demo: build
	bash demo/run.sh $(BUILDDIR)
	bash demo/seeds.sh $(BUILDDIR)

test: build
	meson test -C $(BUILDDIR) --print-errorlogs $(foreach s,$(SUITES),--suite $(s))

# Unit and vdev suites under AddressSanitizer and UBSan.
$(ASAN_BUILDDIR)/build.ninja:
	meson setup $(ASAN_BUILDDIR) -Db_sanitize=address,undefined -Db_lundef=false \
		-Dbuildtype=debug $(MESON_OPTS)

test-asan: deps $(ASAN_BUILDDIR)/build.ninja
	ninja -C $(ASAN_BUILDDIR)
	meson test -C $(ASAN_BUILDDIR) --print-errorlogs --suite unit --suite vdev

# libFuzzer harnesses (tests/fuzz) built with clang, ASan and UBSan; each runs
# FUZZ_SECONDS from its seed corpus and the kept crash regressions.
$(FUZZ_BUILDDIR)/build.ninja:
	CC=clang meson setup $(FUZZ_BUILDDIR) -Dfuzz=enabled -Db_sanitize=address,undefined \
		-Db_lundef=false -Dbuildtype=debugoptimized $(MESON_OPTS)

test-fuzz: deps $(FUZZ_BUILDDIR)/build.ninja
	ninja -C $(FUZZ_BUILDDIR)
	NFVA_FUZZ_SECONDS=$(FUZZ_SECONDS) meson test -C $(FUZZ_BUILDDIR) --print-errorlogs \
		--suite fuzz

test-vm: build
	meson test -C $(BUILDDIR) --print-errorlogs --suite vm

# The appliance VM image from the Debian package (the vm suite builds it too).
appliance-image: build
	bash vm-images/build-appliance-image.sh -o $(BUILDDIR)/vm-images/appliance

# Benchmarks (never run as tests): nfva vs dpdk-testpmd io vs Open vSwitch DPDK.
bench: build
	bash bench/run.sh

bench-smoke: build
	bash bench/run.sh --smoke

# Format (clang-format, .clang-format) and layers (scripts/layers.conf).
lint:
	clang-format --dry-run --Werror $$(git ls-files '*.c' '*.h')
	python3 scripts/check-layers.py

clean:
	rm -rf $(BUILDDIR) $(ASAN_BUILDDIR) $(FUZZ_BUILDDIR)
