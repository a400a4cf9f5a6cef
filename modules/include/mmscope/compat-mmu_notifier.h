/* SPDX-License-Identifier: GPL-2.0 */
/*
 * MMU notifier callbacks of the supported kernels (docs/kernels.md):
 *
 *  - 6.1 has ->change_pte (KSM, COW through set_pte_at_notify()) and
 *    ->invalidate_range (after the page tables changed, before the pages
 *    are freed). Both went away (6.6, 6.9): set_pte_at_notify() was
 *    removed together with ->change_pte, so its definition tells them.
 *  - 6.6 and later have ->arch_invalidate_secondary_tlbs, called where
 *    the CPU's TLB is flushed; a subscription that has it must not have
 *    ->invalidate_range_start/end (WARN and -EINVAL at registration), so
 *    it needs a second subscription of its own.
 *  - 7.x's age callbacks (clear_flush_young, clear_young, test_young)
 *    return bool, 6.1's and 6.12's int: mmscope_mn_young_t is whichever
 *    this kernel's ops declare.
 *  - 7.x's interval ops may have two passes (->invalidate_start and
 *    ->invalidate_finish); the single ->invalidate every kernel has is
 *    what the suite uses.
 *  - mmu_notifier_range.vma (6.1) is gone in 6.12; the suite does not
 *    read it.
 */
#ifndef _MMSCOPE_COMPAT_MMU_NOTIFIER_H
#define _MMSCOPE_COMPAT_MMU_NOTIFIER_H

#include <linux/mmu_notifier.h>
#include <linux/version.h>

#ifdef set_pte_at_notify
#define MMSCOPE_MN_HAS_CHANGE_PTE 1
#else
#define MMSCOPE_MN_HAS_CHANGE_PTE 0
#endif

#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 6, 0)
#define MMSCOPE_MN_HAS_SECONDARY_TLBS 1
#define MMSCOPE_MN_HAS_INVALIDATE_RANGE 0
#else
#define MMSCOPE_MN_HAS_SECONDARY_TLBS 0
#define MMSCOPE_MN_HAS_INVALIDATE_RANGE 1
#endif

/* The return type of this kernel's age callbacks: int or bool. */
#define mmscope_mn_young_t \
	__typeof__(((struct mmu_notifier_ops *)NULL)->test_young(NULL, NULL, 0))

#endif /* _MMSCOPE_COMPAT_MMU_NOTIFIER_H */
