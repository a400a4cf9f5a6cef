/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The one place for differences between the kernels and architectures the
 * suite builds for: Debian's 6.1 (bookworm), 6.12 (trixie) and 7.x
 * (trixie-backports), x86_64 and arm64. Modules use these helpers instead
 * of testing kernel versions or CONFIG_ options themselves. The entries
 * live in one header per topic; this one includes them all.
 * docs/kernels.md lists the differences.
 */
#ifndef _MMSCOPE_COMPAT_H
#define _MMSCOPE_COMPAT_H

#include <mmscope/compat-arch.h>
#include <mmscope/compat-debugfs.h>
#include <mmscope/compat-folio.h>
#include <mmscope/compat-mm.h>
#include <mmscope/compat-mmu_notifier.h>
#include <mmscope/compat-pgtable.h>
#include <mmscope/compat-swap.h>
#include <mmscope/compat-thp.h>

#endif /* _MMSCOPE_COMPAT_H */
