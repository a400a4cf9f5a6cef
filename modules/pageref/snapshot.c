// SPDX-License-Identifier: GPL-2.0
/*
 * One record per page: found through the target's page tables (by
 * address) or the memory map (by pfn), read under a folio reference taken
 * with folio_try_get() and subtracted from what is reported.
 *
 * The page table walk is the lockless one GUP-fast does, under the
 * target's mmap lock (VMAs and the upper levels hold still) and RCU (a
 * PTE table khugepaged retracts is freed after a grace period): read each
 * level once, follow the value read. A record whose entry or folio moved
 * while it was read is marked MMSCOPE_PAGEREF_CHANGED.
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

#include "internal.h"

/* What the walk found at one address. */
struct pageref_entry {
	u32 state;
	u32 info;
	unsigned long pfn;
	u64 raw;		/* the entry, to see whether it moved */
	u64 swap;		/* swap entry of a SWAP state */
};

int pageref_check_range(const struct pageref_range *r)
{
	u64 end;

	if (r->flags & ~MMSCOPE_PAGEREF_BY_PFN)
		return -EINVAL;
	if (!r->len)
		return -EINVAL;
	if (check_add_overflow(r->start, r->len, &end))
		return -EOVERFLOW;
	if (r->flags & MMSCOPE_PAGEREF_BY_PFN)
		return 0;
	if (!PAGE_ALIGNED(r->start) || !PAGE_ALIGNED(r->len))
		return -EINVAL;
	if (end > TASK_SIZE_MAX)
		return -EOVERFLOW;
	return 0;
}

static void pageref_walk_pte(pmd_t pmdv, unsigned long addr,
			     struct pageref_entry *e)
{
	pte_t *ptep = pte_offset_kernel(&pmdv, addr);
	pte_t pte = ptep_get_lockless(ptep);
	swp_entry_t swp;

	e->raw = pte_val(pte);
	if (pte_none(pte)) {
		e->state = MMSCOPE_PAGEREF_NONE;
		return;
	}
	if (!pte_present(pte)) {
		swp = pte_to_swp_entry(pte);
		e->state = non_swap_entry(swp) ? MMSCOPE_PAGEREF_NONPAGE :
						 MMSCOPE_PAGEREF_SWAP;
		e->swap = swp.val;
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

/* Caller holds the mmap lock for read and rcu_read_lock(). */
static void pageref_walk(struct mm_struct *mm, unsigned long addr,
			 struct pageref_entry *e)
{
	pgd_t *pgd;
	p4d_t *p4d;
	pud_t *pud, pudv;
	pmd_t *pmd, pmdv;

	memset(e, 0, sizeof(*e));
	e->state = MMSCOPE_PAGEREF_NONE;
	pgd = pgd_offset(mm, addr);
	if (pgd_none(READ_ONCE(*pgd)) || pgd_bad(READ_ONCE(*pgd)))
		return;
	p4d = p4d_offset(pgd, addr);
	if (p4d_none(READ_ONCE(*p4d)) || p4d_bad(READ_ONCE(*p4d)))
		return;
	pud = pud_offset(p4d, addr);
	pudv = READ_ONCE(*pud);
	if (pud_none(pudv))
		return;
	if (pud_leaf(pudv)) {
		e->state = MMSCOPE_PAGEREF_PRESENT;
		e->raw = pud_val(pudv);
		e->pfn = pud_pfn(pudv) + ((addr & ~PUD_MASK) >> PAGE_SHIFT);
		e->info |= MMSCOPE_PAGEREF_PMD_MAPPED;
		return;
	}
	if (pud_bad(pudv))
		return;
	pmd = pmd_offset(&pudv, addr);
	pmdv = mmscope_pmdp_get_lockless(pmd);
	e->raw = pmd_val(pmdv);
	if (pmd_none(pmdv))
		return;
	if (!pmd_present(pmdv)) {
		/* a THP under migration */
		e->state = MMSCOPE_PAGEREF_NONPAGE;
		return;
	}
	if (pmd_leaf(pmdv)) {
		e->state = MMSCOPE_PAGEREF_PRESENT;
		e->pfn = pmd_pfn(pmdv) + ((addr & ~PMD_MASK) >> PAGE_SHIFT);
		e->info |= MMSCOPE_PAGEREF_PMD_MAPPED;
		if (pmd_write(pmdv))
			e->info |= MMSCOPE_PAGEREF_WRITABLE;
		return;
	}
	if (pmd_bad(pmdv))
		return;
	e->state = MMSCOPE_PAGEREF_PRESENT;
	pageref_walk_pte(pmdv, addr, e);
}

static u32 pageref_lru(struct folio *folio, u32 *gen)
{
	unsigned long flags = READ_ONCE(folio->flags);
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

static u64 pageref_pgflags(struct folio *folio, struct page *page)
{
	unsigned long k = READ_ONCE(folio->flags);
	u64 f = 0;
	static const struct {
		u8 pg;
		u8 pgf;
	} bits[] = {
		{ PG_locked, MMSCOPE_PGF_LOCKED },
		{ PG_referenced, MMSCOPE_PGF_REFERENCED },
		{ PG_uptodate, MMSCOPE_PGF_UPTODATE },
		{ PG_dirty, MMSCOPE_PGF_DIRTY },
		{ PG_lru, MMSCOPE_PGF_LRU },
		{ PG_active, MMSCOPE_PGF_ACTIVE },
		{ PG_workingset, MMSCOPE_PGF_WORKINGSET },
		{ PG_waiters, MMSCOPE_PGF_WAITERS },
		{ PG_owner_priv_1, MMSCOPE_PGF_OWNER_PRIV_1 },
		{ PG_arch_1, MMSCOPE_PGF_ARCH_1 },
		{ PG_reserved, MMSCOPE_PGF_RESERVED },
		{ PG_private, MMSCOPE_PGF_PRIVATE },
		{ PG_private_2, MMSCOPE_PGF_PRIVATE_2 },
		{ PG_writeback, MMSCOPE_PGF_WRITEBACK },
		{ PG_reclaim, MMSCOPE_PGF_RECLAIM },
		{ PG_swapbacked, MMSCOPE_PGF_SWAPBACKED },
		{ PG_unevictable, MMSCOPE_PGF_UNEVICTABLE },
		{ PG_mlocked, MMSCOPE_PGF_MLOCKED },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(bits); i++)
		if (k & BIT(bits[i].pg))
			f |= BIT_ULL(bits[i].pgf);
	if (folio_test_slab(folio))
		f |= PGF(SLAB);
	if (mmscope_folio_test_error(folio))
		f |= PGF(ERROR);
	if (PageHead(page))
		f |= PGF(HEAD);
	if (PageTail(page))
		f |= PGF(TAIL);
	if (PageHWPoison(page))
		f |= PGF(HWPOISON);
	if (mmscope_folio_test_young(folio))
		f |= PGF(YOUNG);
	if (mmscope_folio_test_idle(folio))
		f |= PGF(IDLE);
	if (folio_test_swapcache(folio))
		f |= PGF(SWAPCACHE);
	/* PG_anon_exclusive and PG_mappedtodisk share a bit. */
	if (folio_test_anon(folio)) {
		if (!folio_test_ksm(folio) && PageAnonExclusive(page))
			f |= PGF(ANON_EXCLUSIVE);
	} else if (folio_test_mappedtodisk(folio)) {
		f |= PGF(MAPPEDTODISK);
	}
	return f;
}

static void pageref_mapping(struct folio *folio, struct page *page,
			    struct mmscope_pageref_page *rec)
{
	struct address_space *mapping;

	if (folio_test_swapcache(folio)) {
		rec->mapping = MMSCOPE_PAGEREF_MAP_SWAPCACHE;
		rec->index = mmscope_folio_swap_val(folio) +
			     (page_to_pfn(page) - folio_pfn(folio));
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
	if (__folio_test_movable(folio)) {
		rec->mapping = MMSCOPE_PAGEREF_MAP_MOVABLE;
		return;
	}
	mapping = READ_ONCE(folio->mapping);
	if (!mapping || folio_test_slab(folio) || mmscope_page_is_typed(page))
		return;
	rec->mapping = MMSCOPE_PAGEREF_MAP_FILE;
	rec->index = folio->index + (page_to_pfn(page) - folio_pfn(folio));
	/* The reference keeps a page cache folio's inode alive. */
	if (mapping->host)
		rec->mapping_ino = mapping->host->i_ino;
}

static u64 pageref_memcg_ino(struct folio *folio)
{
#ifdef CONFIG_MEMCG
	struct mem_cgroup *memcg;
	u64 ino = 0;

	if (folio_test_slab(folio) || !READ_ONCE(folio->memcg_data))
		return 0;
	rcu_read_lock();
	memcg = folio_memcg(folio);
	/* kpagecgroup reports the nearest online ancestor */
	while (memcg && !(memcg->css.flags & CSS_ONLINE))
		memcg = parent_mem_cgroup(memcg);
	if (memcg)
		ino = cgroup_ino(memcg->css.cgroup);
	rcu_read_unlock();
	return ino;
#else
	return 0;
#endif
}

/*
 * Fill @rec for @page while the caller holds one reference on @folio.
 * Counts that are not user-mapped page state (typed pages: buddy, page
 * tables, slab) are left 0.
 */
static void pageref_fill(struct folio *folio, struct page *page,
			 struct mmscope_pageref_page *rec)
{
	bool large = folio_test_large(folio);
	bool typed = folio_test_slab(folio) || mmscope_page_is_typed(page);
	s64 expected;

	rec->pfn = page_to_pfn(page);
	rec->head_pfn = folio_pfn(folio);
	rec->order = folio_order(folio);
	rec->refcount = folio_ref_count(folio) - 1;
	rec->pincount = -1;
	if (!typed) {
		rec->mapcount = mmscope_page_mapcount(page);
		rec->entire_mapcount = large ? folio_entire_mapcount(folio) : 0;
		rec->total_mapcount = mmscope_folio_total_mapcount(folio);
		if (large) {
			rec->pincount = mmscope_folio_pincount(folio);
			rec->info |= MMSCOPE_PAGEREF_HAS_PINCOUNT;
		}
	}
	if (folio_maybe_dma_pinned(folio))
		rec->info |= MMSCOPE_PAGEREF_MAYBE_DMA_PINNED;
	if (folio_test_hugetlb(folio))
		rec->info |= MMSCOPE_PAGEREF_HUGETLB;
	if (is_zero_pfn(rec->pfn))
		rec->info |= MMSCOPE_PAGEREF_ZERO_PAGE;
	rec->pgflags = pageref_pgflags(folio, page);
	if (rec->pgflags & BIT_ULL(MMSCOPE_PGF_ANON_EXCLUSIVE))
		rec->info |= MMSCOPE_PAGEREF_ANON_EXCLUSIVE;
	pageref_mapping(folio, page, rec);
	rec->lru = pageref_lru(folio, &rec->lru_gen);
	rec->memcg_ino = pageref_memcg_ino(folio);

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
}

/*
 * Take a reference on @page's folio and fill @rec. Returns false when the
 * folio has no reference to take (free, or being freed).
 */
static bool pageref_snap_page(struct page *page,
			      struct mmscope_pageref_page *rec)
{
	struct folio *folio;

	folio = page_folio(page);
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
	pageref_fill(folio, page, rec);
	folio_put(folio);
	return true;
}

/* The end of the last online node: pfns from there on are no memory. */
static unsigned long pageref_end_pfn(void)
{
	unsigned long end = 0;
	int nid;

	for_each_online_node(nid)
		end = max(end, node_end_pfn(nid));
	return end;
}

static long pageref_snapshot_pfn(const struct pageref_range *r,
				 struct mmscope_pageref_page *out,
				 unsigned int max, u64 *next)
{
	u64 pfn = r->start, end = r->start + r->len;
	unsigned long end_pfn = pageref_end_pfn();
	struct mmscope_pageref_page *rec;
	struct page *page;
	unsigned int n;

	for (n = 0; n < max && pfn < end; n++, pfn++) {
		rec = &out[n];
		memset(rec, 0, sizeof(*rec));
		rec->va = ~0ULL;
		rec->pfn = pfn;
		rec->pincount = -1;
		if (pfn >= end_pfn) {
			if (!n)
				return -ERANGE;
			break;
		}
		page = pfn_valid(pfn) ? pfn_to_online_page(pfn) : NULL;
		if (!page) {
			if (!n)
				return -ENXIO;
			break;
		}
		if (!pageref_snap_page(page, rec)) {
			rec->state = MMSCOPE_PAGEREF_FREE;
			rec->head_pfn = pfn;
		}
		cond_resched();
	}
	*next = pfn;
	return n;
}

/* One address of the target, under its mmap lock and RCU. */
static void pageref_snap_va(struct mm_struct *mm, struct vm_area_struct *vma,
			    unsigned long addr, struct mmscope_pageref_page *rec)
{
	struct pageref_entry e, again;
	struct page *page;

	memset(rec, 0, sizeof(*rec));
	rec->va = addr;
	rec->pincount = -1;
	if (!vma) {
		rec->state = MMSCOPE_PAGEREF_NO_VMA;
		return;
	}
	pageref_walk(mm, addr, &e);
	rec->state = e.state;
	rec->info = e.info;
	if (e.state == MMSCOPE_PAGEREF_SWAP)
		rec->index = e.swap;
	if (e.state != MMSCOPE_PAGEREF_PRESENT) {
		rec->pfn = e.state == MMSCOPE_PAGEREF_NO_STRUCT_PAGE ? e.pfn : 0;
		return;
	}
	rec->pfn = e.pfn;
	if ((vma->vm_flags & (VM_PFNMAP | VM_IO)) || !pfn_valid(e.pfn)) {
		rec->state = MMSCOPE_PAGEREF_NO_STRUCT_PAGE;
		return;
	}
	page = pfn_to_page(e.pfn);
	if (!pageref_snap_page(page, rec)) {
		rec->info |= MMSCOPE_PAGEREF_CHANGED;
		return;
	}
	/* The entry must still point where it did while we held the folio. */
	pageref_walk(mm, addr, &again);
	if (again.raw != e.raw)
		rec->info |= MMSCOPE_PAGEREF_CHANGED;
}

static long pageref_snapshot_va(const struct pageref_range *r,
				struct mmscope_pageref_page *out,
				unsigned int max, u64 *next)
{
	unsigned long addr = r->start, end = r->start + r->len;
	struct vm_area_struct *vma = NULL;
	struct mm_struct *mm;
	unsigned int n;
	int ret;

	mm = mmscope_target_get(r->pid);
	if (IS_ERR(mm))
		return PTR_ERR(mm);
	ret = mmap_read_lock_killable(mm);
	if (ret)
		goto out_put;
	rcu_read_lock();
	for (n = 0; n < max && addr < end; n++, addr += PAGE_SIZE) {
		if (!vma || addr < vma->vm_start || addr >= vma->vm_end)
			vma = vma_lookup(mm, addr);
		pageref_snap_va(mm, vma, addr, &out[n]);
		if (need_resched()) {
			rcu_read_unlock();
			cond_resched();
			rcu_read_lock();
		}
	}
	rcu_read_unlock();
	mmap_read_unlock(mm);
	*next = addr;
	ret = n;
out_put:
	mmscope_target_put(mm);
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
