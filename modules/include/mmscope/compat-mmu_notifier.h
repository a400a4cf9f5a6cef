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
 *    it needs a second subscription of its own. The same change took
 *    ptep_clear_flush_notify() (the macro that called ->invalidate_range)
 *    out of the CONFIG_MMU_NOTIFIER half of the header, so with notifiers
 *    built in, its definition tells 6.1's callback from the later one.
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

#ifdef set_pte_at_notify
#define MMSCOPE_MN_HAS_CHANGE_PTE 1
#else
#define MMSCOPE_MN_HAS_CHANGE_PTE 0
#endif

#if defined(CONFIG_MMU_NOTIFIER) && !defined(ptep_clear_flush_notify)
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
