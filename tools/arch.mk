# SPDX-License-Identifier: GPL-2.0
#
# Target arch of the static userspace built for the guests (CLI,
# selftests): ARCH=x86_64|arm64, default the build machine's, and the
# cross compiler prefix that goes with it.

ARCH ?= $(shell uname -m | sed 's/aarch64/arm64/')
ifeq ($(ARCH),x86_64)
CROSS_COMPILE ?=
else ifeq ($(ARCH),arm64)
CROSS_COMPILE ?= aarch64-linux-gnu-
else
$(error ARCH must be x86_64 or arm64, not '$(ARCH)')
endif
CC := $(CROSS_COMPILE)gcc
