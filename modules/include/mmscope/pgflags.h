/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A folio's flags word as the suite's MMSCOPE_PGF_* bits (uapi
 * pageref.h): the PG_ bits reported as they are, for every module that
 * reports a folio's flags. Flags that take more than a bit of the word
 * (slab, young, idle, swap cache, per-page bits) each module adds.
 */
#ifndef _MMSCOPE_PGFLAGS_H
#define _MMSCOPE_PGFLAGS_H

#include <linux/bits.h>
#include <linux/page-flags.h>

#include <uapi/mmscope/pageref.h>

/* The PG_ bit @pg of @k as the suite's bit @pgf, without a branch. */
#define MMSCOPE_PGF_OF(k, pg, pgf) \
	((u64)(((k) >> (pg)) & 1) << MMSCOPE_PGF_##pgf)

/* The PG_ bits mmscope_pgflags_of() reads: alike words, alike flags. */
#define MMSCOPE_PGF_KBITS						\
	(BIT(PG_locked) | BIT(PG_referenced) | BIT(PG_uptodate) |	\
	 BIT(PG_dirty) | BIT(PG_lru) | BIT(PG_active) |			\
	 BIT(PG_workingset) | BIT(PG_waiters) | BIT(PG_owner_priv_1) |	\
	 BIT(PG_arch_1) | BIT(PG_reserved) | BIT(PG_private) |		\
	 BIT(PG_private_2) | BIT(PG_writeback) | BIT(PG_reclaim) |	\
	 BIT(PG_swapbacked) | BIT(PG_unevictable) | BIT(PG_mlocked))

static inline u64 mmscope_pgflags_of(unsigned long k)
{
	return MMSCOPE_PGF_OF(k, PG_locked, LOCKED) |
	       MMSCOPE_PGF_OF(k, PG_referenced, REFERENCED) |
	       MMSCOPE_PGF_OF(k, PG_uptodate, UPTODATE) |
	       MMSCOPE_PGF_OF(k, PG_dirty, DIRTY) |
	       MMSCOPE_PGF_OF(k, PG_lru, LRU) |
	       MMSCOPE_PGF_OF(k, PG_active, ACTIVE) |
	       MMSCOPE_PGF_OF(k, PG_workingset, WORKINGSET) |
	       MMSCOPE_PGF_OF(k, PG_waiters, WAITERS) |
	       MMSCOPE_PGF_OF(k, PG_owner_priv_1, OWNER_PRIV_1) |
	       MMSCOPE_PGF_OF(k, PG_arch_1, ARCH_1) |
	       MMSCOPE_PGF_OF(k, PG_reserved, RESERVED) |
	       MMSCOPE_PGF_OF(k, PG_private, PRIVATE) |
	       MMSCOPE_PGF_OF(k, PG_private_2, PRIVATE_2) |
	       MMSCOPE_PGF_OF(k, PG_writeback, WRITEBACK) |
	       MMSCOPE_PGF_OF(k, PG_reclaim, RECLAIM) |
	       MMSCOPE_PGF_OF(k, PG_swapbacked, SWAPBACKED) |
	       MMSCOPE_PGF_OF(k, PG_unevictable, UNEVICTABLE) |
	       MMSCOPE_PGF_OF(k, PG_mlocked, MLOCKED);
}

#endif /* _MMSCOPE_PGFLAGS_H */
