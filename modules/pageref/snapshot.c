// SPDX-License-Identifier: GPL-2.0
/*
 * One record per page: found through the target's page tables (by
 * address) or the memory map (by pfn), read under a folio reference taken
 * with folio_try_get() and subtracted from what is reported.
 *
 * The page tables are read by the core's walker in its lockless mode
 * (<mmscope/walk.h>), as GUP-fast reads them: under the target's mmap
 * lock and RCU, each entry read once; the levels above the PTEs once per
 * PMD, then the PTEs of its table one after the other. A record whose
 * entry (or the PMD above it) or folio moved while it was read is marked
 * MMSCOPE_PAGEREF_CHANGED. Pfns come from the core's PFN-range iterator.
 *
 * A large folio's folio-wide facts (map counts, pin count, flags,
 * mapping, LRU, memory cgroup) are read once, for the first of its pages
 * the pass meets, and the pass keeps its reference until it meets another
 * folio: what is per page (pfn, map count of the page, HEAD/TAIL,
 * HWPOISON, ANON_EXCLUSIVE, index) and the reference count are read for
 * every page.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/mm.h>
#include <linux/cgroup.h>
#include <linux/huge_mm.h>
#include <linux/hugetlb.h>
#include <linux/memcontrol.h>
#include <linux/memory_hotplug.h>
#include <linux/mmzone.h>
#include <linux/pgtable.h>
#include <linux/rcupdate.h>
#include <linux/sched/mm.h>
#include <linux/swapops.h>

#include <mmscope/compat.h>
#include <mmscope/core.h>
#include <mmscope/pgflags.h>
#include <mmscope/walk.h>

#include "internal.h"

/* What the walk found at one address. */
struct pageref_entry {
	u32 state;
	u32 info;
	unsigned long pfn;
	u64 raw;		/* the entry, to see whether it moved */
	u64 swap;		/* swap entry of a SWAP state */
};

/* What a query pass keeps from one page to the next. */
struct pageref_pass {
	/*
	 * A large folio held with one reference, and its folio-wide facts:
	 * a reference keeps it from being split or freed, so a page found in
	 * it is of it. Read once per folio rather than once per page.
	 */
	struct folio *folio;
	struct mmscope_pageref_page facts;
	u32 folio_info;		/* the folio's MMSCOPE_PAGEREF_* bits */
	/* last memory cgroup seen and its inode: only under RCU */
	bool rcu;
	struct mem_cgroup *memcg;
	u64 memcg_ino;
	/*
	 * The record of the last order-0 folio, and the words of the folio
	 * it was read from (under RCU, so that a memcg seen stays that
	 * memcg). An order-0 folio's page is the folio: every flag of the
	 * page is the folio's. The next order-0 folio with the same words
	 * has the same record, but for its pfn, reference count (and DMA
	 * pin), file index and zero-page bit.
	 */
	bool have_small;
	struct pageref_key {
		unsigned long flags;
		unsigned long mapping;
		unsigned long memcg_data;
		int mapcount;		/* or page_type */
	} small_key;
	struct mmscope_pageref_page small;
};

static void pageref_pass_drop(struct pageref_pass *p)
{
	if (p->folio)
		folio_put(p->folio);
	p->folio = NULL;
	p->memcg = NULL;
	p->have_small = false;
}

/* Read the PTE at @ptep into @e; the caller set e->state PRESENT. */
static void pageref_read_pte(pte_t *ptep, struct pageref_entry *e)
{
	pte_t pte = ptep_get_lockless(ptep);
	struct mmscope_softpte s;

	e->raw = pte_val(pte);
	if (pte_none(pte)) {
		e->state = MMSCOPE_PAGEREF_NONE;
		return;
	}
	if (!pte_present(pte)) {
		mmscope_softpte_decode(pte, &s);
		e->state = s.kind == MMSCOPE_SOFTPTE_SWAP ?
			   MMSCOPE_PAGEREF_SWAP : MMSCOPE_PAGEREF_NONPAGE;
		e->swap = s.val;
		return;
	}
	e->pfn = pte_pfn(pte);
	if (pte_write(pte))
		e->info |= MMSCOPE_PAGEREF_WRITABLE;
	if (is_zero_pfn(e->pfn))
		e->info |= MMSCOPE_PAGEREF_ZERO_PAGE;
	else if (pte_special(pte))
		e->state = MMSCOPE_PAGEREF_NO_STRUCT_PAGE;
}

static u32 pageref_lru(struct folio *folio, u32 *gen)
{
	unsigned long flags = mmscope_folio_flags(folio);
	bool file = !folio_test_swapbacked(folio);

	*gen = 0;
	if (!folio_test_lru(folio))
		return MMSCOPE_PAGEREF_LRU_NONE;
	if (folio_test_unevictable(folio))
		return MMSCOPE_PAGEREF_LRU_UNEVICTABLE;
#ifdef CONFIG_LRU_GEN
	*gen = (flags & LRU_GEN_MASK) >> LRU_GEN_PGOFF;
	if (*gen)
		return file ? MMSCOPE_PAGEREF_LRU_GEN_FILE :
			      MMSCOPE_PAGEREF_LRU_GEN_ANON;
#endif
	if (flags & BIT(PG_active))
		return file ? MMSCOPE_PAGEREF_LRU_ACTIVE_FILE :
			      MMSCOPE_PAGEREF_LRU_ACTIVE_ANON;
	return file ? MMSCOPE_PAGEREF_LRU_INACTIVE_FILE :
		      MMSCOPE_PAGEREF_LRU_INACTIVE_ANON;
}

#define PGF(name) BIT_ULL(MMSCOPE_PGF_##name)

/* The flags of the folio: the same for every page of it. */
static u64 pageref_folio_pgflags(struct folio *folio)
{
	u64 f = mmscope_pgflags_of(mmscope_folio_flags(folio));

	if (folio_test_slab(folio))
		f |= PGF(SLAB);
	if (mmscope_folio_test_error(folio))
		f |= PGF(ERROR);
	if (mmscope_folio_test_young(folio))
		f |= PGF(YOUNG);
	if (mmscope_folio_test_idle(folio))
		f |= PGF(IDLE);
	if (folio_test_swapcache(folio))
		f |= PGF(SWAPCACHE);
	/* PG_anon_exclusive (of each page) and PG_mappedtodisk share a bit. */
	if (!folio_test_anon(folio) && folio_test_mappedtodisk(folio))
		f |= PGF(MAPPEDTODISK);
	return f;
}

/* The flags of the page itself. */
static u64 pageref_page_pgflags(struct folio *folio, struct page *page)
{
	u64 f = 0;

	if (PageHead(page))
		f |= PGF(HEAD);
	if (PageTail(page))
		f |= PGF(TAIL);
	if (PageHWPoison(page))
		f |= PGF(HWPOISON);
	if (folio_test_anon(folio) && !folio_test_ksm(folio) &&
	    PageAnonExclusive(page))
		f |= PGF(ANON_EXCLUSIVE);
	return f;
}

/* What folio->mapping says; @rec->index is of the folio's first page. */
static void pageref_mapping(struct folio *folio, bool typed,
			    struct mmscope_pageref_page *rec)
{
	struct address_space *mapping;

	if (folio_test_swapcache(folio)) {
		rec->mapping = MMSCOPE_PAGEREF_MAP_SWAPCACHE;
		rec->index = mmscope_folio_swap_val(folio);
		return;
	}
	if (folio_test_ksm(folio)) {
		rec->mapping = MMSCOPE_PAGEREF_MAP_KSM;
		return;
	}
	if (folio_test_anon(folio)) {
		rec->mapping = MMSCOPE_PAGEREF_MAP_ANON;
		return;
	}
	if (mmscope_folio_has_movable_ops(folio)) {
		rec->mapping = MMSCOPE_PAGEREF_MAP_MOVABLE;
		return;
	}
	mapping = READ_ONCE(folio->mapping);
	if (!mapping || typed)
		return;
	rec->mapping = MMSCOPE_PAGEREF_MAP_FILE;
	rec->index = folio->index;
	/* The reference keeps a page cache folio's inode alive. */
	if (mapping->host)
		rec->mapping_ino = mapping->host->i_ino;
}

static u64 pageref_memcg_ino(struct folio *folio, struct pageref_pass *p)
{
#ifdef CONFIG_MEMCG
	struct mem_cgroup *memcg, *first;
	u64 ino = 0;

	if (folio_test_slab(folio) || !READ_ONCE(folio->memcg_data))
		return 0;
	rcu_read_lock();
	first = folio_memcg(folio);
	if (p && p->rcu && first && first == p->memcg) {
		/* the pass's RCU section keeps it the same memcg */
		ino = p->memcg_ino;
		goto out;
	}
	/* kpagecgroup reports the nearest online ancestor */
	memcg = first;
	while (memcg && !(memcg->css.flags & CSS_ONLINE))
		memcg = parent_mem_cgroup(memcg);
	if (memcg)
		ino = cgroup_ino(memcg->css.cgroup);
	if (p && p->rcu) {
		p->memcg = first;
		p->memcg_ino = ino;
	}
out:
	rcu_read_unlock();
	return ino;
#else
	return 0;
#endif
}

/*
 * The folio-wide part of a record, while the caller holds one reference
 * on @folio: @typed (the page's _mapcount holds a type: buddy, page
 * table, slab) leaves the map counts 0. Returns the folio's info bits.
 */
static u32 pageref_fill_folio(struct folio *folio, bool typed,
			      struct mmscope_pageref_page *rec,
			      struct pageref_pass *p)
{
	bool large = folio_test_large(folio);
	u32 info = 0;
	s64 expected;

	rec->head_pfn = folio_pfn(folio);
	rec->order = folio_order(folio);
	rec->pincount = -1;
	if (!typed) {
		rec->entire_mapcount = large ? folio_entire_mapcount(folio) : 0;
		rec->total_mapcount = mmscope_folio_total_mapcount(folio);
		if (large) {
			rec->pincount = mmscope_folio_pincount(folio);
			info |= MMSCOPE_PAGEREF_HAS_PINCOUNT;
		}
	}
	if (folio_maybe_dma_pinned(folio))
		info |= MMSCOPE_PAGEREF_MAYBE_DMA_PINNED;
	if (folio_test_hugetlb(folio))
		info |= MMSCOPE_PAGEREF_HUGETLB;
	rec->pgflags = pageref_folio_pgflags(folio);
	pageref_mapping(folio, typed, rec);
	rec->lru = pageref_lru(folio, &rec->lru_gen);
	rec->memcg_ino = pageref_memcg_ino(folio, p);

	/*
	 * What khugepaged's is_refcount_suitable() expects: one reference
	 * per mapping, one per page while in the page or swap cache, one for
	 * fs-private data. Anything above is somebody else's reference: a
	 * GUP pin or get, an LRU batch, the migration or reclaim code.
	 */
	expected = rec->total_mapcount;
	if (rec->mapping == MMSCOPE_PAGEREF_MAP_SWAPCACHE ||
	    rec->mapping == MMSCOPE_PAGEREF_MAP_FILE)
		expected += folio_nr_pages(folio);
	if (rec->pgflags & PGF(PRIVATE))
		expected++;
	rec->expected_refcount = expected;
	return info;
}

/* The part of a record that is of @page itself, after the folio's. */
static void pageref_fill_page(struct folio *folio, struct page *page,
			      bool typed, struct mmscope_pageref_page *rec)
{
	unsigned long nth;

	rec->pfn = page_to_pfn(page);
	nth = rec->pfn - rec->head_pfn;
	/* the probe's own reference is not reported */
	rec->refcount = folio_ref_count(folio) - 1;
	if (!typed)
		rec->mapcount = mmscope_page_mapcount(page);
	rec->pgflags |= pageref_page_pgflags(folio, page);
	if (rec->pgflags & PGF(ANON_EXCLUSIVE))
		rec->info |= MMSCOPE_PAGEREF_ANON_EXCLUSIVE;
	if (is_zero_pfn(rec->pfn))
		rec->info |= MMSCOPE_PAGEREF_ZERO_PAGE;
	if (rec->mapping == MMSCOPE_PAGEREF_MAP_SWAPCACHE ||
	    rec->mapping == MMSCOPE_PAGEREF_MAP_FILE)
		rec->index += nth;
}

/* Every word an order-0 folio's folio-wide facts are read from. */
static void pageref_key_read(struct folio *folio, struct pageref_key *k)
{
	k->flags = mmscope_folio_flags(folio);
	k->mapping = (unsigned long)READ_ONCE(folio->mapping);
#ifdef CONFIG_MEMCG
	k->memcg_data = READ_ONCE(folio->memcg_data);
#else
	k->memcg_data = 0;
#endif
	k->mapcount = atomic_read(&folio->_mapcount);
}

static bool pageref_key_eq(const struct pageref_key *a,
			   const struct pageref_key *b)
{
	return a->flags == b->flags && a->mapping == b->mapping &&
	       a->memcg_data == b->memcg_data && a->mapcount == b->mapcount;
}

/*
 * Fill @rec for @page: its folio-wide fields, then its own. A page of the
 * large folio the pass holds takes the folio's fields as read for the
 * first page of it the pass met. Returns false when the folio has no
 * reference to take (free, or being freed).
 */
static bool pageref_snap_page(struct pageref_pass *p, struct page *page,
			      struct mmscope_pageref_page *rec)
{
	struct pageref_key key, again;
	struct folio *folio;
	bool typed, small;
	u32 info;

	folio = page_folio(page);
	/* held: it stays this folio, and is not slab, as it was */
	if (folio == p->folio && !mmscope_page_is_typed(page)) {
		u64 va = rec->va;

		info = rec->info;
		*rec = p->facts;
		rec->va = va;
		rec->info = info | p->folio_info;
		pageref_fill_page(folio, page, false, rec);
		return true;
	}
	if (p->folio) {
		folio_put(p->folio);
		p->folio = NULL;
	}
	if (!folio_try_get(folio))
		return false;
	if (unlikely(page_folio(page) != folio)) {
		/* split or freed and reused before we got it */
		rec->info |= MMSCOPE_PAGEREF_CHANGED;
		folio_put(folio);
		folio = page_folio(page);
		if (!folio_try_get(folio))
			return false;
		if (page_folio(page) != folio) {
			folio_put(folio);
			return false;
		}
	}
	typed = folio_test_slab(folio) || mmscope_page_is_typed(page);
	small = p->rcu && !typed && !folio_test_large(folio);
	if (small)
		pageref_key_read(folio, &key);
	info = rec->info;
	rec->info = pageref_fill_folio(folio, typed, rec, p);
	if (folio_test_large(folio) && !typed) {
		/* keep the reference and the facts for its next page */
		p->folio = folio;
		p->folio_info = rec->info;
		p->facts = *rec;
		rec->info |= info;
		pageref_fill_page(folio, page, false, rec);
		return true;
	}
	pageref_fill_page(folio, page, typed, rec);
	if (small && rec->mapping != MMSCOPE_PAGEREF_MAP_SWAPCACHE &&
	    !is_zero_pfn(rec->pfn)) {
		/* keep the record only if its words held still meanwhile */
		pageref_key_read(folio, &again);
		p->have_small = pageref_key_eq(&key, &again);
		if (p->have_small) {
			p->small_key = key;
			p->small = *rec;
			p->small.info &= ~MMSCOPE_PAGEREF_MAYBE_DMA_PINNED;
		}
	}
	rec->info |= info;
	folio_put(folio);
	return true;
}

/*
 * The record of an order-0 folio made of the same words as the pass's
 * last one, from that one's: the whole of @rec but va and walk bits.
 * Returns false (and @rec untouched) when @page is not such a folio.
 */
static bool pageref_snap_small(struct pageref_pass *p, struct page *page,
			       unsigned long pfn,
			       struct mmscope_pageref_page *rec)
{
	struct folio *folio = page_folio(page);
	struct pageref_key key;

	if (!p->have_small || folio == p->folio || &folio->page != page ||
	    is_zero_pfn(pfn))
		return false;
	if (!folio_try_get(folio))
		return false;
	if (unlikely(page_folio(page) != folio))
		goto miss;
	pageref_key_read(folio, &key);
	if (!pageref_key_eq(&key, &p->small_key))
		goto miss;
	*rec = p->small;
	rec->pfn = pfn;
	rec->head_pfn = pfn;
	rec->refcount = folio_ref_count(folio) - 1;
	if (folio_maybe_dma_pinned(folio))
		rec->info |= MMSCOPE_PAGEREF_MAYBE_DMA_PINNED;
	if (rec->mapping == MMSCOPE_PAGEREF_MAP_FILE)
		rec->index = READ_ONCE(folio->index);
	folio_put(folio);
	return true;
miss:
	folio_put(folio);
	return false;
}

static long pageref_snapshot_pfn(const struct pageref_range *r,
				 struct mmscope_pageref_page *out,
				 unsigned int max, u64 *next)
{
	unsigned long pfn = r->start;
	struct pageref_pass pass = { };
	struct mmscope_pageref_page *rec;
	struct mmscope_pfn_iter it;
	unsigned int n = 0;
	long ret;

	mmscope_pfn_iter_start(&it, r->start, r->start + r->len);
	while (n < max && mmscope_pfn_iter_next(&it)) {
		pfn = it.pfn;
		if (it.kind != MMSCOPE_PFN_ONLINE) {
			if (!n) {
				ret = it.kind == MMSCOPE_PFN_BEYOND ? -ERANGE :
								      -ENXIO;
				goto out;
			}
			break;
		}
		for (; pfn < it.end && n < max; pfn++, n++) {
			rec = &out[n];
			memset(rec, 0, sizeof(*rec));
			rec->va = ~0ULL;
			rec->pfn = pfn;
			rec->pincount = -1;
			if (!pageref_snap_page(&pass, pfn_to_page(pfn), rec)) {
				rec->state = MMSCOPE_PAGEREF_FREE;
				rec->head_pfn = pfn;
			}
			cond_resched();
		}
	}
	*next = pfn;
	ret = n;
out:
	pageref_pass_drop(&pass);
	return ret;
}

/* A query by address: the core's walk and what the records need. */
struct pageref_query {
	struct mmscope_walk walk;
	struct pageref_pass pass;
	struct mmscope_pageref_page *rec;	/* the next one to fill */
	bool nopage;	/* a PFN or I/O map: no struct page to look at */
	bool normal;	/* a PTE that is not special maps a normal page */
};

static struct pageref_query *pageref_query_of(struct mmscope_walk *walk)
{
	return container_of(walk, struct pageref_query, walk);
}

/* The start of a record for @va: what every state has. */
static void pageref_rec_init(struct mmscope_pageref_page *rec, u64 va,
			     u32 state, u32 info)
{
	memset(rec, 0, sizeof(*rec));
	rec->va = va;
	rec->pincount = -1;
	rec->state = state;
	rec->info = info;
}

/* Does the entry at @entry (of @level) still say @raw? */
static bool pageref_moved(struct mmscope_walk *walk, unsigned int level,
			  void *entry, u64 raw)
{
	switch (level) {
	case MMSCOPE_WALK_PUD:
		return pud_val(READ_ONCE(*(pud_t *)entry)) != raw;
	case MMSCOPE_WALK_PMD:
		return pmd_val(mmscope_pmdp_get_lockless((pmd_t *)entry)) != raw;
	default:
		/* a table retracted or reclaimed is no longer the PMD's */
		return pmd_val(mmscope_pmdp_get_lockless(walk->pmdp)) !=
		       pmd_val(walk->pmd) ||
		       pte_val(ptep_get_lockless((pte_t *)entry)) != raw;
	}
}

/*
 * The records of [addr, end), one walk's worth under its mmap lock and
 * RCU: from the PTEs at @ptep on, or (@ptep NULL) from the leaf at @entry
 * of @level, which @first describes (its pfn that of the page at @addr).
 * One instance for every kind, so that what it calls once a page stays
 * inline.
 */
static noinline void pageref_snap_range(struct pageref_query *q,
					unsigned int level, void *entry,
					pte_t *ptep,
					const struct pageref_entry *first,
					unsigned long addr, unsigned long end)
{
	struct mmscope_pageref_page *rec = q->rec;
	bool nopage = q->nopage, normal = q->normal;
	struct pageref_pass *p = &q->pass;
	struct pageref_entry e;
	unsigned int n = 0;
	struct page *page;

	for (; addr < end; addr += PAGE_SIZE, n++, rec++) {
		e = *first;
		if (ptep)
			pageref_read_pte(ptep + n, &e);
		else
			e.pfn = first->pfn + n;
		page = NULL;
		/*
		 * A PTE that is not special, in a mapping that is neither a
		 * PFN map nor mixed, maps a page with a struct page (as
		 * GUP-fast takes it); else ask pfn_valid().
		 */
		if (e.state == MMSCOPE_PAGEREF_PRESENT && !nopage &&
		    ((normal && ptep) || pfn_valid(e.pfn)))
			page = pfn_to_page(e.pfn);
		if (page && pageref_snap_small(p, page, e.pfn, rec)) {
			rec->va = addr;
			rec->info |= e.info;
			goto check;
		}
		memset(rec, 0, sizeof(*rec));
		rec->va = addr;
		rec->pincount = -1;
		rec->state = e.state;
		rec->info = e.info;
		if (e.state == MMSCOPE_PAGEREF_SWAP)
			rec->index = e.swap;
		if (e.state == MMSCOPE_PAGEREF_NO_STRUCT_PAGE)
			rec->pfn = e.pfn;
		if (e.state != MMSCOPE_PAGEREF_PRESENT)
			continue;
		rec->pfn = e.pfn;
		if (!page) {
			rec->state = MMSCOPE_PAGEREF_NO_STRUCT_PAGE;
			continue;
		}
		if (!pageref_snap_page(p, page, rec)) {
			rec->info |= MMSCOPE_PAGEREF_CHANGED;
			continue;
		}
check:
		/* The entry must still say what it did while we held the folio. */
		if (pageref_moved(&q->walk, level, ptep ? ptep + n : entry,
				  e.raw))
			rec->info |= MMSCOPE_PAGEREF_CHANGED;
	}
	q->rec = rec;
}

/* [addr, end) with no page: one record of @state per page. */
static void pageref_snap_none(struct pageref_query *q, unsigned long addr,
			      unsigned long end, u32 state)
{
	for (; addr < end; addr += PAGE_SIZE)
		pageref_rec_init(q->rec++, addr, state, 0);
}

static int pageref_on_vma(struct mmscope_walk *walk)
{
	struct pageref_query *q = pageref_query_of(walk);
	vm_flags_t flags = walk->vma->vm_flags;

	q->nopage = flags & (VM_PFNMAP | VM_IO);
	q->normal = IS_ENABLED(CONFIG_ARCH_HAS_PTE_SPECIAL) &&
		    !(flags & VM_MIXEDMAP);
	return 0;
}

static int pageref_on_hole(struct mmscope_walk *walk, unsigned long addr,
			   unsigned long end, unsigned int level, u64 raw)
{
	pageref_snap_none(pageref_query_of(walk), addr, end,
			  walk->vma ? MMSCOPE_PAGEREF_NONE :
				      MMSCOPE_PAGEREF_NO_VMA);
	return 0;
}

/* A bad entry maps nothing; a PUD or PMD that is not present, no page. */
static int pageref_on_bad(struct mmscope_walk *walk, void *entry, u64 raw,
			  unsigned int level, unsigned long addr,
			  unsigned long end)
{
	pageref_snap_none(pageref_query_of(walk), addr, end,
			  MMSCOPE_PAGEREF_NONE);
	return 0;
}

static int pageref_on_nonpresent(struct mmscope_walk *walk, void *entry,
				 u64 raw, unsigned int level,
				 unsigned long addr, unsigned long end)
{
	/* a THP under migration */
	pageref_snap_none(pageref_query_of(walk), addr, end,
			  MMSCOPE_PAGEREF_NONPAGE);
	return 0;
}

/*
 * A present leaf of @level (read as @raw) maps [addr, end) from the page
 * @pfn on; a PUD leaf sets MMSCOPE_PAGEREF_PMD_MAPPED too (a block mapping).
 */
static void pageref_snap_leaf(struct mmscope_walk *walk, unsigned int level,
			      void *entry, u64 raw, unsigned long pfn,
			      u32 info, unsigned long addr, unsigned long end)
{
	struct pageref_entry e = {
		.state = MMSCOPE_PAGEREF_PRESENT,
		.info = MMSCOPE_PAGEREF_PMD_MAPPED | info,
		.raw = raw,
		.pfn = pfn,
	};

	pageref_snap_range(pageref_query_of(walk), level, entry, NULL, &e,
			   addr, end);
}

static int pageref_on_pud_leaf(struct mmscope_walk *walk, pud_t *pudp,
			       pud_t pud, unsigned long addr,
			       unsigned long end)
{
	pageref_snap_leaf(walk, MMSCOPE_WALK_PUD, pudp, pud_val(pud),
			  pud_pfn(pud) + ((addr & ~PUD_MASK) >> PAGE_SHIFT), 0,
			  addr, end);
	return 0;
}

static int pageref_on_pmd_leaf(struct mmscope_walk *walk, pmd_t *pmdp,
			       pmd_t pmd, unsigned long addr,
			       unsigned long end)
{
	pageref_snap_leaf(walk, MMSCOPE_WALK_PMD, pmdp, pmd_val(pmd),
			  pmd_pfn(pmd) + ((addr & ~PMD_MASK) >> PAGE_SHIFT),
			  pmd_write(pmd) ? MMSCOPE_PAGEREF_WRITABLE : 0, addr,
			  end);
	return 0;
}

/* The PTEs of one table, one after the other. */
static int pageref_on_ptes(struct mmscope_walk *walk, pte_t *ptep,
			   unsigned long addr, unsigned long end)
{
	static const struct pageref_entry first = {
		.state = MMSCOPE_PAGEREF_PRESENT,
	};

	pageref_snap_range(pageref_query_of(walk), MMSCOPE_WALK_PTE, ptep, ptep,
			   &first, addr, end);
	return 0;
}

/* The walk leaves its RCU section: a memcg seen may go. */
static void pageref_on_pause(struct mmscope_walk *walk)
{
	pageref_pass_drop(&pageref_query_of(walk)->pass);
}

static const struct mmscope_walk_ops pageref_walk_ops = {
	.vma = pageref_on_vma,
	.hole = pageref_on_hole,
	.leaf_pud = pageref_on_pud_leaf,
	.leaf_pmd = pageref_on_pmd_leaf,
	.pte_run = pageref_on_ptes,
	.nonpresent = pageref_on_nonpresent,
	.bad = pageref_on_bad,
	.pause = pageref_on_pause,
};

/* One record per page of [start, end), at most @max of them. */
static long pageref_snapshot_va(const struct pageref_range *r,
				struct mmscope_pageref_page *out,
				unsigned int max, u64 *next)
{
	unsigned long start = r->start, end = r->start + r->len;
	struct pageref_query q = {
		.walk.ops = &pageref_walk_ops,
		.walk.mode = MMSCOPE_WALK_LOCKLESS,
		.rec = out,
		/* the walk's RCU section keeps a memcg seen the same */
		.pass.rcu = true,
	};
	long ret;

	/*
	 * A range checked by the range contract is page aligned and does not
	 * wrap: a record per page then fits in @max. Anything else could
	 * write one past it.
	 */
	if (!PAGE_ALIGNED(start) || end <= start || !PAGE_ALIGNED(end))
		return -EINVAL;
	if ((end - start) >> PAGE_SHIFT > max)
		end = start + ((unsigned long)max << PAGE_SHIFT);
	q.walk.mm = mmscope_target_get(r->pid);
	if (IS_ERR(q.walk.mm))
		return PTR_ERR(q.walk.mm);
	ret = mmscope_walk(&q.walk, start, end);
	pageref_pass_drop(&q.pass);
	if (!ret) {
		*next = end;
		ret = q.rec - out;
	}
	mmscope_target_put(q.walk.mm);
	return ret;
}

long pageref_snapshot(const struct pageref_range *r,
		      struct mmscope_pageref_page *out, unsigned int max,
		      u64 *next)
{
	if (r->flags & MMSCOPE_PAGEREF_BY_PFN)
		return pageref_snapshot_pfn(r, out, max, next);
	return pageref_snapshot_va(r, out, max, next);
}
