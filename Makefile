# SPDX-License-Identifier: GPL-2.0
#
# mmscope: user entry points. The kernel side is built by kbuild through the
# Kbuild file next to this one (make -C $KDIR M=$PWD).
#
#   make                      modules for KDIR (default: the running kernel)
#   make ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu- KDIR=...   cross-build
#   make tools | selftests    static userspace for ARCH (x86_64 | arm64)
#   make bpf                  CO-RE BPF objects and skeletons for ARCH
#   make guest                build and stage the suite for KERNEL + ARCH guests
#   make check                install deps, host tests, the guest matrix
#   make bench                benchmarks in guests (KERNELS=bookworm default)
#   make stress               the reliability tests' long forms (KERNELS=bookworm)
#   make demo                 a guided tour in a guest (ARCH=arm64 for arm64)
#   make vm                   an interactive guest shell with the suite loaded
#   make clean | distclean    in-tree module objects | and build/

TOP := $(abspath $(dir $(lastword $(MAKEFILE_LIST))))
KDIR ?= /lib/modules/$(shell uname -r)/build
KERNEL ?= bookworm
KERNELS ?= bookworm trixie backports
ARCHES ?= x86_64 arm64

# Guest targets take ARCH=x86_64|arm64 (kbuild's arm64 and x86_64 alike).
GARCH := $(or $(ARCH),$(shell uname -m))
GARCH := $(patsubst aarch64,arm64,$(patsubst amd64,x86_64,$(patsubst x86,x86_64,$(GARCH))))

.PHONY: all modules clean distclean tools selftests bpf guest check demo vm install host-test \
	bench stress

all: modules

modules:
	$(MAKE) -C $(KDIR) M=$(TOP) modules

install: modules
	$(MAKE) -C $(KDIR) M=$(TOP) modules_install

tools:
	$(MAKE) -C $(TOP)/tools/mmscope ARCH=$(GARCH)

selftests:
	$(MAKE) -C $(TOP)/selftests ARCH=$(GARCH)

bpf:
	$(MAKE) -C $(TOP)/tools/bpf ARCH=$(GARCH)

guest:
	$(TOP)/tools/vm/mmscope-build $(KERNEL) $(GARCH)

host-test:
	python3 $(TOP)/tools/check/host-tests

check:
	@$(TOP)/tools/deps check
	@KERNELS="$(KERNELS)" ARCHES="$(ARCHES)" $(TOP)/tools/check/mmscope-check

bench:
	@$(TOP)/tools/deps bench
	@KERNELS="$(if $(filter command line environment,$(origin KERNELS)),$(KERNELS),bookworm)" \
		ARCHES="$(ARCHES)" $(TOP)/tools/bench/run

stress:
	@$(TOP)/tools/deps check
	@KERNELS="$(if $(filter command line environment,$(origin KERNELS)),$(KERNELS),bookworm)" \
		ARCHES="$(ARCHES)" $(TOP)/tools/check/mmscope-stress; rc=$$?; \
	KERNELS="$(if $(filter command line environment,$(origin KERNELS)),$(KERNELS),bookworm)" \
		ARCHES="$(ARCHES)" $(TOP)/tools/check/mm-selftests || rc=1; exit $$rc

demo:
	@$(TOP)/tools/deps demo
	@$(TOP)/tools/demo/mmscope-demo --kernel $(KERNEL) --arch $(GARCH)

vm:
	@$(TOP)/tools/deps demo
	@$(TOP)/tools/vm/mmscope-vm --kernel $(KERNEL) --arch $(GARCH)

# The objects an in-tree build ('make KDIR=...') leaves next to the sources,
# found without KDIR. build/ (guests, userspace, every kernel's modules)
# stays: 'make distclean' removes it too.
clean:
	@cd $(TOP) && find . \( -path ./build -o -path ./.git \) -prune -o -type f \
		\( -name '*.o' -o -name '*.ko' -o -name '*.mod' -o -name '*.mod.c' \
		-o -name '.*.cmd' -o -name '*.o.d' -o -name '.*.d' -o -name '*.order' \
		-o -name Module.symvers \) -print -exec rm -f {} +
	@echo "make clean: build/ kept; 'make distclean' removes it"

distclean: clean
	rm -rf $(TOP)/build
