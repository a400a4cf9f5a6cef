// SPDX-License-Identifier: GPL-2.0
/*
 * Pageblocks of a PFN range (flags and what their pages are) and the
 * reason a single page can or cannot be moved. Both read struct pages
 * without locks: a page may change while it is looked at; the counts are
 * a picture, not a snapshot.
 */
#include <linux/minmax.h>
#include <linux/mm.h>
#include <linux/mmzone.h>
#include <linux/page-flags.h>
#include <linux/page_ref.h>
#include <linux/sched.h>

#include <mmscope/compat.h>
#include <mmscope/walk.h>

#include "internal.h"

const char * const cp_mt_names[MMSCOPE_COMPACTION_NR_MT] =
	MMSCOPE_COMPACTION_MT_NAMES;
const char * const cp_reason_names[MMSCOPE_COMPACTION_NR_REASONS] =
	MMSCOPE_COMPACTION_REASON_NAMES;

/* The kernel's migratetype number as the suite numbers it. */
u8 cp_mt(int mt)
{
	switch (mt) {
	case MIGRATE_UNMOVABLE:
		return MMSCOPE_COMPACTION_MT_UNMOVABLE;
	case MIGRATE_MOVABLE:
		return MMSCOPE_COMPACTION_MT_MOVABLE;
	case MIGRATE_RECLAIMABLE:
		return MMSCOPE_COMPACTION_MT_RECLAIMABLE;
	case MIGRATE_HIGHATOMIC:
		return MMSCOPE_COMPACTION_MT_HIGHATOMIC;
#ifdef CONFIG_CMA
	case MIGRATE_CMA:
		return MMSCOPE_COMPACTION_MT_CMA;
#endif
#ifdef CONFIG_MEMORY_ISOLATION
	case MIGRATE_ISOLATE:
		return MMSCOPE_COMPACTION_MT_ISOLATE;
#endif
	default:
		return MMSCOPE_COMPACTION_MT_NONE;
	}
}

/*
 * The free buddy block pfn is in, if any, looking at heads of order from
 * and up (the heads below are pfn itself or in pfn's own block).
 */
static struct page *cp_buddy_of(unsigned long pfn, unsigned int from,
				unsigned int *order)
{
	unsigned int o;

	for (o = from; o < MMSCOPE_NR_ORDERS; o++) {
		unsigned long head = pfn & ~((1UL << o) - 1);
		struct page *page;

		if (o && head == pfn)
			continue;
		page = pfn_to_online_page(head);

		if (!page || !PageBuddy(page))
			continue;
		*order = mmscope_buddy_order(page);
		if (*order >= o && *order < MMSCOPE_NR_ORDERS)
			return page;
	}
	return NULL;
}

/*
 * What one in-use page (or the whole compound page it heads) counts as:
 * n pages of it into the record.
 */
static void cp_count_used(struct page *head, unsigned long n,
			  struct mmscope_compaction_block *b)
{
	if (PageReserved(head))
		b->reserved += n;
	else if (PageLRU(head))
		b->lru += n;
	else if (page_ref_count(head) &&
		 !mmscope_folio_has_movable_ops((struct folio *)head))
		b->unmovable += n;
}

/* page->flags as one word (a struct around it on 7.x). */
static inline unsigned long cp_page_flags(const struct page *page)
{
	BUILD_BUG_ON(sizeof(page->flags) != sizeof(unsigned long));
	return READ_ONCE(*(const unsigned long *)&page->flags);
}

/*
 * Count the pages of [pfn, end), one subsection's worth of the memory map
 * from page (pfn's): one load of the flags word decides an order-0 page
 * on an LRU list (the common in-use case); free buddies and compound
 * pages go in one step. Returns where it stopped (a step may pass end).
 */
static unsigned long cp_count_run(struct page *page, unsigned long pfn,
				  unsigned long end, unsigned long bend,
				  int zid, struct mmscope_compaction_block *b)
{
	const unsigned long mask = (ZONEID_MASK << ZONEID_PGSHIFT) |
				   BIT(PG_lru) | BIT(PG_head);
	const unsigned long lru = ((unsigned long)zid << ZONEID_PGSHIFT) |
				  BIT(PG_lru);
	unsigned int nr_lru = 0;

	while (pfn < end) {
		unsigned long f = cp_page_flags(page), step = 1;
		struct page *head;
		unsigned int order;

		if ((f & mask) == lru) {
			/* an order-0 page of this zone on an LRU list */
			nr_lru++;
		} else if (((f >> ZONEID_PGSHIFT) & ZONEID_MASK) != zid) {
			b->other_zone++;
		} else if (PageBuddy(page)) {
			order = mmscope_buddy_order(page);
			if (order < MMSCOPE_NR_ORDERS)
				step = min(1UL << order, bend - pfn);
			b->free += step;
		} else if ((f & BIT(PG_head)) || PageTail(page)) {
			head = compound_head(page);
			step = page_to_pfn(head) + compound_nr(head);
			step = step > pfn ? min(step, bend) - pfn : 1;
			cp_count_used(head, step, b);
		} else {
			cp_count_used(page, 1, b);
		}
		pfn += step;
		page += step;
	}
	b->lru += nr_lru;
	return pfn;
}

/* What the pages of [pfn, end) of one pageblock are. */
static void cp_block_count(unsigned long pfn, unsigned long end,
			   struct page *first,
			   struct mmscope_compaction_block *b)
{
	int zid = page_zone_id(first);
	unsigned int order;

	/* a free block that started in an earlier pageblock */
	if (cp_buddy_of(pfn, IS_ALIGNED(pfn, pageblock_nr_pages) ?
			pageblock_order + 1 : 1, &order)) {
		unsigned long head = pfn & ~((1UL << order) - 1);

		b->free = min(head + (1UL << order), end) - pfn;
		pfn += b->free;
	}
	while (pfn < end) {
		unsigned long sub_end = min(end, ALIGN(pfn + 1,
						       PAGES_PER_SUBSECTION));
		struct page *page = pfn_to_online_page(pfn);

		if (!page) {
			b->other_zone += sub_end - pfn;
			pfn = sub_end;
			continue;
		}
		pfn = cp_count_run(page, pfn, sub_end, end, zid, b);
	}
}

/*
 * One pageblock record for [pfn, min(end, the block's end)); online says
 * whether pfn is online memory (the PFN iterator's run kind).
 */
static unsigned long cp_block(unsigned long pfn, unsigned long end,
			      bool online, struct mmscope_compaction_block *b)
{
	unsigned long bend = min(end, ALIGN(pfn + 1, pageblock_nr_pages));
	struct page *page;

	memset(b, 0, sizeof(*b));
	b->pfn = pfn;
	b->nr_pages = bend - pfn;
	if (!online) {
		b->flags = MMSCOPE_COMPACTION_BLOCK_HOLE;
		b->migratetype = MMSCOPE_COMPACTION_MT_NONE;
		b->other_zone = b->nr_pages;
		return bend;
	}
	page = pfn_to_page(pfn);
	b->node = page_to_nid(page);
	b->zone_idx = page_zonenum(page);
	b->migratetype = cp_mt(mmscope_pfnblock_mt(pfn));
	if (mmscope_pfnblock_skip(pfn))
		b->flags |= MMSCOPE_COMPACTION_BLOCK_SKIP;
	cp_block_count(pfn, bend, page, b);
	return bend;
}

/*
 * The range's pageblocks over the core's PFN iterator: one record each,
 * a hole's without looking at a struct page, rescheduling between blocks.
 * A block that reaches into the next run was counted page by page.
 */
unsigned int cp_blocks(unsigned long start, unsigned long end,
		       struct mmscope_compaction_block *recs, unsigned int max,
		       unsigned long *next)
{
	struct mmscope_pfn_iter it;
	unsigned long pfn = start;
	unsigned int n = 0;

	mmscope_pfn_iter_start(&it, start, end);
	while (n < max && mmscope_pfn_iter_next(&it)) {
		while (pfn < it.end && n < max) {
			pfn = cp_block(pfn, end, it.kind == MMSCOPE_PFN_ONLINE,
				       &recs[n++]);
			cond_resched();
		}
	}
	*next = pfn;
	return n;
}

/* Anonymous, or with a mapping that is not movable_ops: a user page. */
static bool cp_user_folio(struct folio *folio)
{
	return folio_test_anon(folio) || READ_ONCE(folio->mapping);
}

/*
 * A user folio: migratable unless it holds more references than expected.
 * Off the LRU it holds one more, the batch's or the isolator's.
 */
static void cp_user_reason(struct page *page, struct mmscope_compaction_pfn *p)
{
	struct folio *folio = page_folio(page);
	bool lru;
	long nr;
	int refs;

	p->reason = PageLRU(page) ? MMSCOPE_COMPACTION_R_LRU :
				    MMSCOPE_COMPACTION_R_OFF_LRU;
	if (!folio_try_get(folio))
		return;
	if (folio != page_folio(page)) {
		folio_put(folio);
		return;
	}
	lru = folio_test_lru(folio);
	p->reason = lru ? MMSCOPE_COMPACTION_R_LRU : MMSCOPE_COMPACTION_R_OFF_LRU;
	nr = folio_nr_pages(folio);
	refs = folio_ref_count(folio) - 1;
	p->order = folio_order(folio);
	p->head_pfn = folio_pfn(folio);
	p->anon = folio_test_anon(folio);
	p->mapcount = mmscope_folio_total_mapcount(folio);
	p->expected = max(p->mapcount, 0);
	if (p->anon ? folio_test_swapcache(folio) : !!READ_ONCE(folio->mapping))
		p->expected += nr;
	if (folio_test_private(folio))
		p->expected += 1;
	p->refcount = refs;
	folio_put(folio);
	if (refs > (int)p->expected + !lru)
		p->reason = MMSCOPE_COMPACTION_R_PINNED;
}

/* The reason of an online page that is not a free buddy page. */
static u32 cp_page_reason(struct page *page, struct mmscope_compaction_pfn *p)
{
	struct folio *folio = page_folio(page);

	if (PageReserved(page))
		return MMSCOPE_COMPACTION_R_RESERVED;
	if (PageOffline(page))
		return MMSCOPE_COMPACTION_R_OFFLINE;
	if (folio_test_slab(folio))
		return MMSCOPE_COMPACTION_R_SLAB;
	if (PageTable(page))
		return MMSCOPE_COMPACTION_R_PAGETABLE;
	if (folio_test_hugetlb(folio))
		return MMSCOPE_COMPACTION_R_HUGETLB;
	if (PageLRU(page)) {
		cp_user_reason(page, p);
		return p->reason;
	}
	if (mmscope_folio_has_movable_ops(folio))
		return MMSCOPE_COMPACTION_R_MOVABLE_OPS;
	if (!page_count(page))
		return MMSCOPE_COMPACTION_R_PCP;
	if (cp_user_folio(folio)) {
		cp_user_reason(page, p);
		return p->reason;
	}
	return MMSCOPE_COMPACTION_R_KERNEL;
}

void cp_pfn_reason(unsigned long pfn, struct mmscope_compaction_pfn *p)
{
	struct page *page = pfn_to_online_page(pfn);
	unsigned int order;

	p->reason = MMSCOPE_COMPACTION_R_OFFLINE;
	p->migratetype = MMSCOPE_COMPACTION_MT_NONE;
	p->head_pfn = pfn;
	if (!page)
		return;
	p->node = page_to_nid(page);
	p->zone_idx = page_zonenum(page);
	p->migratetype = cp_mt(mmscope_pfnblock_mt(pfn));
	p->refcount = page_count(page);
	if (cp_buddy_of(pfn, 0, &order)) {
		p->reason = MMSCOPE_COMPACTION_R_FREE;
		p->order = order;
		p->head_pfn = pfn & ~((1UL << order) - 1);
	} else if (p->migratetype == MMSCOPE_COMPACTION_MT_ISOLATE) {
		p->reason = MMSCOPE_COMPACTION_R_ISOLATED;
	} else {
		p->reason = cp_page_reason(page, p);
	}
	switch (p->reason) {
	case MMSCOPE_COMPACTION_R_FREE:
	case MMSCOPE_COMPACTION_R_PCP:
	case MMSCOPE_COMPACTION_R_LRU:
	case MMSCOPE_COMPACTION_R_MOVABLE_OPS:
	case MMSCOPE_COMPACTION_R_HUGETLB:
		p->movable = 1;
		break;
	default:
		p->movable = 0;
	}
}
