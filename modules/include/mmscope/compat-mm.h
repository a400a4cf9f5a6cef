/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Zone, buddy allocator and pageblock differences.
 * Part of the suite's compat layer: Debian's 6.1 (bookworm), 6.12 (trixie)
 * and 7.x (trixie-backports), x86_64 and arm64. Keyed on what the kernel's
 * headers define. docs/kernels.md lists the differences.
 *
 *  - the number of buddy orders: 6.1's MAX_ORDER is an exclusive bound
 *    (11); 6.12 and 7.x define NR_PAGE_ORDERS (MAX_PAGE_ORDER + 1);
 *  - pageblock flags: the kernel's readers (get_pfnblock_flags_mask on
 *    6.1/6.12, get_pfnblock_migratetype/get_pfnblock_bit on 7.x) are not
 *    exported, so the flags are read from the section's usemap
 *    (mem_section is exported, section_to_usemap() is in the headers):
 *    NR_PAGEBLOCK_BITS bits per pageblock, the migratetype in the low three
 *    bits, the compaction skip hint in bit 3 (PB_migrate_skip on 6.1/6.12,
 *    PB_compact_skip on 7.x); 7.x marks an isolated block with its own bit
 *    (PB_migrate_isolate) instead of the migratetype MIGRATE_ISOLATE;
 *  - the kernel's migratetype enum: MIGRATE_CMA only with CONFIG_CMA (7.x
 *    amd64 has it, 6.1 and 6.12 amd64 not), MIGRATE_ISOLATE only with
 *    CONFIG_MEMORY_ISOLATION;
 *  - the promo watermark exists on all three (6.1 has WMARK_PROMO too).
 */
#ifndef _MMSCOPE_COMPAT_MM_H
#define _MMSCOPE_COMPAT_MM_H

#include <linux/gfp.h>
#include <linux/huge_mm.h>
#include <linux/mm.h>
#include <linux/mmzone.h>
#include <linux/pageblock-flags.h>

#ifdef NR_PAGE_ORDERS
#define MMSCOPE_NR_ORDERS	NR_PAGE_ORDERS
#else
#define MMSCOPE_NR_ORDERS	MAX_ORDER
#endif

/*
 * The order the fragmentation score is for: the PMD order with THP (on
 * every configuration here), the pageblock order without.
 */
#ifdef CONFIG_TRANSPARENT_HUGEPAGE
#define MMSCOPE_COMPACTION_ORDER	HPAGE_PMD_ORDER
#else
#define MMSCOPE_COMPACTION_ORDER	pageblock_order
#endif

#if !defined(CONFIG_SPARSEMEM)
#error "pageblock flags are read from the sparse memory model's usemap"
#endif

/* 4 bits on 6.1 and 6.12, 8 on 7.x (a power of two either way). */
#define MMSCOPE_PB_BITS		((unsigned long)NR_PAGEBLOCK_BITS)
#define MMSCOPE_PB_MT_MASK	0x7UL
#define MMSCOPE_PB_SKIP_BIT	3
#define MMSCOPE_PB_ISO_BIT	4

/* The pageblock flag bits of pfn (a valid, present pfn), or 0. */
static inline unsigned long mmscope_pfnblock_bits(unsigned long pfn)
{
	struct mem_section *ms = __pfn_to_section(pfn);
	unsigned long *usemap, bitidx, word;

	if (!ms || !valid_section(ms) || !ms->usage)
		return 0;
	usemap = section_to_usemap(ms);
	bitidx = ((pfn & (PAGES_PER_SECTION - 1)) >> pageblock_order) *
		 MMSCOPE_PB_BITS;
	word = READ_ONCE(usemap[bitidx / BITS_PER_LONG]);
	return (word >> (bitidx % BITS_PER_LONG)) &
	       ((1UL << MMSCOPE_PB_BITS) - 1);
}

static inline bool mmscope_pfnblock_skip(unsigned long pfn)
{
	return mmscope_pfnblock_bits(pfn) & BIT(MMSCOPE_PB_SKIP_BIT);
}

/* The kernel's migratetype of pfn's pageblock (MIGRATE_*). */
static inline int mmscope_pfnblock_mt(unsigned long pfn)
{
	unsigned long bits = mmscope_pfnblock_bits(pfn);

#if defined(CONFIG_MEMORY_ISOLATION) && !defined(MIGRATETYPE_MASK)
	/* 7.x: isolation is a bit of its own */
	if (bits & BIT(MMSCOPE_PB_ISO_BIT))
		return MIGRATE_ISOLATE;
#endif
	return bits & MMSCOPE_PB_MT_MASK;
}

/*
 * alloc_contig_range(): the third argument is the migratetype on 6.1 and
 * 6.12 (a macro over the exported alloc_contig_range_noprof() on 6.12),
 * request flags (acr_flags_t) on 7.x.
 */
#ifdef ACR_FLAGS_NONE
#define MMSCOPE_CONTIG_ARG	ACR_FLAGS_NONE
#else
#define MMSCOPE_CONTIG_ARG	MIGRATE_MOVABLE
#endif

/*
 * The order of a free buddy block: the allocator keeps it in the head
 * page's private field on every kernel here. Read without the zone lock
 * it may be stale; callers bound it.
 */
static inline unsigned int mmscope_buddy_order(struct page *page)
{
	return READ_ONCE(page->private);
}

#endif /* _MMSCOPE_COMPAT_MM_H */
