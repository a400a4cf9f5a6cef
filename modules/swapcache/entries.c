// SPDX-License-Identifier: GPL-2.0
/*
 * Swap entries and swap cache membership: per page of a process (the
 * core's walker, locked mode) and per slot of a device. One record per
 * page or slot (or per run of alike pages, on request), filled under the
 * page-table lock into a kernel buffer, copied out between walks.
 *
 * No folio reference is taken: a present page is held by its mapping
 * while the page-table lock is held, and a cached folio is read under
 * RCU and checked against the entry afterwards (a folio freed meanwhile
 * reads as changed), as /proc/kpageflags reads any frame.
 */
#include <linux/mm.h>
#include <linux/pagemap.h>
#include <linux/shmem_fs.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/xarray.h>

#include <mmscope/compat.h>
#include <mmscope/compat-swap.h>
#include <mmscope/core.h>
#include <mmscope/pgflags.h>
#include <mmscope/walk.h>
#include <uapi/mmscope/pageref.h>

#include "internal.h"

/* Records per walk: the kernel buffer between copies. */
#define SC_CHUNK	2048
/* pages a call with MMSCOPE_SWAPCACHE_ENTRIES_RUNS looks at one by one */
#define SC_SCAN_MAX	BIT(20)

struct sc_ctx {
	struct mmscope_swapcache_entry *recs;
	unsigned int n, max;
	u64 next;			/* first page not recorded */
	struct mmscope_swap_cursor cur;	/* where the last lookup was */
	bool in_rcu;			/* the cursor lives across pages */
	struct swap_info_struct *si;	/* held device of the last entry */
	unsigned int si_type;
	bool runs;			/* merge alike pages into one record */
	bool steps;			/* the caller reads pfn_step */
	unsigned long run_kflags;	/* SC_KFLAGS of the last folio filled */
	unsigned long run_word;		/* the last slot read, as one word */
	unsigned long seen;		/* pages looked at in this call */
	bool stopped;			/* the call's budget of pages is spent */
};

/* The swap entry of non-present, non-none PTE @pte, as a value. */
static inline unsigned long sc_pte_swp_val(pte_t pte)
{
#ifdef _LINUX_LEAFOPS_H
	return softleaf_from_pte(pte).val;
#else
	return pte_to_swp_entry(pte).val;
#endif
}

/* The folio flags sc_pgflags() reports: alike when these bits are. */
#define SC_KFLAGS (MMSCOPE_PGF_KBITS | BIT(PG_swapcache) | BIT(PG_head))

#define PGF(name) BIT_ULL(MMSCOPE_PGF_##name)

static u64 sc_pgflags(struct folio *folio)
{
	u64 f = mmscope_pgflags_of(mmscope_folio_flags(folio));

	if (folio_test_swapcache(folio))
		f |= PGF(SWAPCACHE);
	if (folio_test_large(folio))
		f |= PGF(HEAD);
	return f;
}

/* Folio fields of @e for @page of @folio (mapped, or under RCU). */
static void sc_fill_folio(struct sc_ctx *c, struct mmscope_swapcache_entry *e,
			  struct folio *folio, struct page *page)
{
	e->info |= MMSCOPE_SWAPCACHE_E_FOLIO;
	e->pfn = page_to_pfn(page);
	e->order = folio_order(folio);
	e->refcount = folio_ref_count(folio);
	e->mapcount = mmscope_folio_total_mapcount(folio);
	e->pgflags = sc_pgflags(folio);
	c->run_kflags = mmscope_folio_flags(folio) & SC_KFLAGS;
	if (folio_test_swapcache(folio))
		e->info |= MMSCOPE_SWAPCACHE_E_SWAPCACHE;
}

static struct swap_info_struct *sc_ctx_device(struct sc_ctx *c,
					      unsigned int type)
{
	if (c->si && c->si_type == type)
		return c->si;
	if (c->si)
		sc_put_device(c->si);
	c->si = sc_get_device(type);
	c->si_type = type;
	return c->si;
}

/* The slot of @entry (and its cached folio) into @e. */
static void sc_fill_slot(struct sc_ctx *c, swp_entry_t entry,
			 struct mmscope_swapcache_entry *e, bool want_folio)
{
	unsigned long offset = swp_offset(entry);
	struct swap_info_struct *si;
	struct mmscope_swap_slot s;
	struct folio *folio;
	swp_entry_t first;
	long idx;

	e->info |= MMSCOPE_SWAPCACHE_E_SWAP;
	e->type = swp_type(entry);
	e->offset = offset;
	si = sc_ctx_device(c, e->type);
	if (!si || offset >= si->max) {
		e->info |= MMSCOPE_SWAPCACHE_E_NODEV;
		return;
	}
	mmscope_swap_slot_read(si, offset, &s);
	c->run_word = s.word;
	e->count = s.count;
	if (s.has_cache)
		e->info |= MMSCOPE_SWAPCACHE_E_HAS_CACHE;
	if (s.continued)
		e->info |= MMSCOPE_SWAPCACHE_E_CONTINUED;
	if (s.bad)
		e->info |= MMSCOPE_SWAPCACHE_E_BAD;
	/* a folio enters the cache after its slot's cache bit is set */
	if (!want_folio || s.bad || !s.has_cache)
		return;
	rcu_read_lock();
	folio = mmscope_swap_cache_folio(si, &c->cur, entry, &s);
	if (!folio)
		goto out;
	first.val = mmscope_folio_swap_val(folio);
	idx = offset - swp_offset(first);
	if (!folio_test_swapcache(folio) || swp_type(first) != e->type ||
	    idx < 0 || idx >= folio_nr_pages(folio)) {
		e->info |= MMSCOPE_SWAPCACHE_E_CHANGED;
		goto out;
	}
	sc_fill_folio(c, e, folio, folio_page(folio, idx));
	/* freed or reused while read: the fields may mix two folios */
	if (!folio_test_swapcache(folio) ||
	    mmscope_folio_swap_val(folio) != first.val)
		e->info = (e->info & ~(MMSCOPE_SWAPCACHE_E_FOLIO |
				       MMSCOPE_SWAPCACHE_E_SWAPCACHE)) |
			  MMSCOPE_SWAPCACHE_E_CHANGED;
out:
	rcu_read_unlock();
	if (!c->in_rcu)
		mmscope_swap_cursor_reset(&c->cur);
}

static struct mmscope_swapcache_entry *sc_rec(struct sc_ctx *c, u64 va,
					      u32 state)
{
	struct mmscope_swapcache_entry *e = &c->recs[c->n++];

	memset(e, 0, sizeof(*e));
	e->va = va;
	e->state = state;
	e->pages = 1;
	e->pfn_step = 1;
	return e;
}

/*
 * The frame step with which a page of frame @pfn continues the run of
 * @a (a record with a folio), or 0 if it does not. A run of one order-0
 * page takes any step the caller can read: neighbouring order-0 folios
 * are as often in descending frames as in ascending ones.
 */
static s64 sc_run_step(const struct sc_ctx *c,
		       const struct mmscope_swapcache_entry *a, u64 pfn)
{
	s64 d = (s64)(pfn - a->pfn);

	if (a->pages == 1 && c->steps && !a->order)
		return d;
	return d == (s64)a->pages * a->pfn_step ? a->pfn_step : 0;
}

/*
 * @b continues the run of @a: everything alike, addresses and slots one
 * page on; the frame step with which it does (1 without a folio), or 0.
 */
static s64 sc_continues(const struct sc_ctx *c,
			const struct mmscope_swapcache_entry *a,
			const struct mmscope_swapcache_entry *b)
{
	u64 n = a->pages;

	if (b->va != a->va + n * PAGE_SIZE || b->state != a->state ||
	    b->info != a->info || b->type != a->type ||
	    b->count != a->count || b->refcount != a->refcount ||
	    b->mapcount != a->mapcount || b->order != a->order ||
	    b->pgflags != a->pgflags ||
	    ((a->info & MMSCOPE_SWAPCACHE_E_SWAP) && b->offset != a->offset + n))
		return 0;
	return a->info & MMSCOPE_SWAPCACHE_E_FOLIO ?
	       sc_run_step(c, a, b->pfn) : 1;
}

/* Merges the last record into the one before when it continues it. */
static void sc_settle(struct sc_ctx *c)
{
	struct mmscope_swapcache_entry *a;
	s64 step;

	if (!c->runs || c->n < 2)
		return;
	a = &c->recs[c->n - 2];
	/* a record counts U32_MAX pages at most */
	if ((u64)a->pages + a[1].pages > U32_MAX)
		return;
	step = sc_continues(c, a, a + 1);
	/* a record already grown keeps its own step */
	if (!step || (a[1].pages > 1 && a[1].pfn_step != step &&
		      (a->info & MMSCOPE_SWAPCACHE_E_FOLIO)))
		return;
	a->pfn_step = step;
	a->pages += a[1].pages;
	c->n--;
}

/*
 * A present page at @va, held by its mapping (the page-table lock is
 * held); its folio, and its slot if it is in the cache.
 */
static void sc_present(struct sc_ctx *c, struct page *page, u64 va, u32 info)
{
	struct mmscope_swapcache_entry *e = sc_rec(c, va, MMSCOPE_SWAPCACHE_PRESENT);
	struct folio *folio = page_folio(page);
	swp_entry_t entry;

	e->info |= info;
	sc_fill_folio(c, e, folio, page);
	if (folio_test_swapcache(folio)) {
		entry.val = mmscope_folio_swap_val(folio);
		entry = swp_entry(swp_type(entry),
				  swp_offset(entry) + folio_page_idx(folio, page));
		sc_fill_slot(c, entry, e, false);
	}
}

static int sc_full(struct sc_ctx *c, u64 va)
{
	sc_settle(c);
	/*
	 * Runs merge: a huge range of alike pages could fill no record and
	 * keep the call going for hours. A call stops after SC_SCAN_MAX
	 * pages looked at one by one, with next where it stopped.
	 */
	if (c->runs && ++c->seen > SC_SCAN_MAX && c->n) {
		c->stopped = true;
		c->next = va;
		return 1;
	}
	if (c->n < c->max)
		return 0;
	c->next = va;
	return 1;
}

/* A present PTE at @addr. */
static void sc_pte_present(struct sc_ctx *c, struct vm_area_struct *vma,
			   pte_t pte, unsigned long addr)
{
	unsigned long pfn = pte_pfn(pte);

	if (pte_special(pte) || is_zero_pfn(pfn) || !pfn_valid(pfn) ||
	    (vma->vm_flags & (VM_PFNMAP | VM_IO)))
		sc_rec(c, addr, MMSCOPE_SWAPCACHE_PRESENT);
	else
		sc_present(c, pfn_to_page(pfn), addr, 0);
}

/* @pte is the swap PTE of @entry (soft bits aside). */
static inline bool sc_pte_swap(pte_t pte, swp_entry_t entry)
{
	return !pte_present(pte) && sc_pte_swp_val(pte) == entry.val;
}

/*
 * sc_swap_extend() for a run of slots without folios: the common case of
 * a range paged out, kept to locals (the slot reads are byte loads, which
 * the compiler must assume alias the record).
 */
static unsigned int sc_slots_extend(struct sc_ctx *c,
				    struct mmscope_swapcache_entry *r,
				    pte_t *ptep, unsigned int nr)
{
	struct swap_info_struct *si = c->si;
	unsigned long offset = r->offset + r->pages, max = si->max;
	unsigned long word = c->run_word, pfn;
	unsigned int type = r->type, i;

	for (i = 0; i < nr && offset < max; i++, offset++)
		if (!sc_pte_swap(ptep_get(ptep + i), swp_entry(type, offset)) ||
		    mmscope_swap_slot_word_at(si, &c->cur, offset, &pfn) != word)
			break;
	r->pages += i;
	return i;
}

/*
 * sc_swap_extend() for a run of order-0 folios in the swap cache: their
 * frames keep the run's step (the second page of a run sets it, when the
 * caller reads steps), and flags, refcount and mapcount are the run's.
 */
static unsigned int sc_folios_extend(struct sc_ctx *c,
				     struct mmscope_swapcache_entry *r,
				     pte_t *ptep, unsigned int nr)
{
	struct swap_info_struct *si = c->si;
	unsigned long offset = r->offset + r->pages, max = si->max;
	unsigned long word = c->run_word, kflags = c->run_kflags;
	bool free_step = r->pages == 1 && c->steps;
	u32 type = r->type, ref = r->refcount;
	s32 map = r->mapcount;
	s64 step = r->pfn_step;
	u64 next = r->pfn + (u64)r->pages * step;
	unsigned int i, left = 0;
	void __rcu **slots = NULL;
	struct mmscope_swap_slot sl;
	struct folio *folio;
	swp_entry_t entry;

	for (i = 0; i < nr && offset < max; i++, offset++, next += step) {
		entry = swp_entry(type, offset);
		if (!sc_pte_swap(ptep_get(ptep + i), entry) ||
		    mmscope_swap_slot_word_at(si, &c->cur, offset,
					      &sl.cache_pfn) != word)
			break;
		/* the cache's slots a node at a time where the kernel has them */
		if (!left)
			left = mmscope_swap_cache_slots(si, &c->cur, entry,
							nr - i, &slots);
		if (left) {
			folio = mmscope_swap_cache_slot_folio(slots++);
			left--;
		} else {
			folio = mmscope_swap_cache_folio(si, &c->cur, entry, &sl);
		}
		if (!folio)
			break;
		if (free_step) {
			next = folio_pfn(folio);
			step = (s64)(next - r->pfn);
			if (!step)
				break;
			free_step = false;
		}
		if (folio_pfn(folio) != next ||
		    (mmscope_folio_flags(folio) & SC_KFLAGS) != kflags ||
		    folio_ref_count(folio) != ref ||
		    atomic_read(&folio->_mapcount) + 1 != map)
			break;
		/* read last: still this slot's folio, not reused */
		smp_rmb();
		if (mmscope_folio_swap_val(folio) != entry.val)
			break;
	}
	if (i)
		r->pfn_step = step;
	r->pages += i;
	return i;
}

/*
 * How many PTEs from @ptep (at most @nr) continue the last record's run:
 * the next slots of its device, with the same slot word (count and bits)
 * and, when the run has cached folios, order-0 folios in the cache for
 * those slots, in frames that keep the run's step, with the same flags,
 * refcount and mapcount.
 * The record grows by as many pages; no record is built for them. The
 * fields read are the ones sc_fill_slot() reads.
 */
static unsigned int sc_swap_extend(struct sc_ctx *c, pte_t *ptep,
				   unsigned int nr)
{
	struct mmscope_swapcache_entry *r = &c->recs[c->n - 1];
	const u32 plain = MMSCOPE_SWAPCACHE_E_SWAP | MMSCOPE_SWAPCACHE_E_HAS_CACHE;
	const u32 cached = plain | MMSCOPE_SWAPCACHE_E_FOLIO |
			   MMSCOPE_SWAPCACHE_E_SWAPCACHE;
	bool folios;

	if (r->state != MMSCOPE_SWAPCACHE_SWAP ||
	    (r->info & ~plain && r->info != cached) || r->order ||
	    !c->si || c->si_type != r->type)
		return 0;
	folios = r->info & MMSCOPE_SWAPCACHE_E_FOLIO;
	/* a run of slots with a cache bit and no folio read: not extended */
	if (!folios && (r->info & MMSCOPE_SWAPCACHE_E_HAS_CACHE))
		return 0;
	if (!folios)
		return sc_slots_extend(c, r, ptep, nr);
	return sc_folios_extend(c, r, ptep, nr);
}

/* A non-present, non-none PTE at @addr. */
static void sc_pte_soft(struct sc_ctx *c, pte_t pte, unsigned long addr)
{
	struct mmscope_softpte s;
	struct mmscope_swapcache_entry *e;

	mmscope_softpte_decode(pte, &s);
	if (s.kind != MMSCOPE_SOFTPTE_SWAP) {
		sc_rec(c, addr, MMSCOPE_SWAPCACHE_OTHER);
		return;
	}
	e = sc_rec(c, addr, MMSCOPE_SWAPCACHE_SWAP);
	sc_fill_slot(c, swp_entry(s.type, s.offset), e, true);
}

/* Nothing mapped at @addr: a shmem page may be swapped out behind it. */
static void sc_shmem_page(struct sc_ctx *c, struct vm_area_struct *vma,
			  unsigned long addr)
{
	struct address_space *mapping = vma->vm_file->f_mapping;
	struct mmscope_swapcache_entry *e;
	void *xe;

	rcu_read_lock();
	xe = xa_load(&mapping->i_pages, linear_page_index(vma, addr));
	rcu_read_unlock();
	if (!xa_is_value(xe)) {
		sc_rec(c, addr, MMSCOPE_SWAPCACHE_NONE);
		return;
	}
	e = sc_rec(c, addr, MMSCOPE_SWAPCACHE_SWAP);
	e->info |= MMSCOPE_SWAPCACHE_E_SHMEM;
	sc_fill_slot(c, radix_to_swp_entry(xe), e, true);
}

static bool sc_vma_shmem(struct vm_area_struct *vma)
{
	return vma && vma->vm_file && shmem_mapping(vma->vm_file->f_mapping);
}

/* The PTEs of [addr, end) of one table, read in a row under its lock. */
static int sc_on_ptes(struct mmscope_walk *w, pte_t *ptep, unsigned long addr,
		      unsigned long end)
{
	bool shmem = sc_vma_shmem(w->vma);
	struct sc_ctx *c = w->priv;
	unsigned int n;
	int ret = 0;
	pte_t pte;

	/* one read section: the swap cache cursor steps along the table */
	rcu_read_lock();
	c->in_rcu = true;
	for (; addr < end; addr += PAGE_SIZE, ptep++) {
		pte = ptep_get(ptep);
		if (c->runs && c->n && !pte_present(pte) && !pte_none(pte) &&
		    c->recs[c->n - 1].va +
		    (u64)c->recs[c->n - 1].pages * PAGE_SIZE == addr) {
			n = sc_swap_extend(c, ptep, (end - addr) >> PAGE_SHIFT);
			if (n) {
				addr += (unsigned long)(n - 1) << PAGE_SHIFT;
				ptep += n - 1;
				continue;
			}
		}
		if (sc_full(c, addr)) {
			ret = 1;
			break;
		}
		if (pte_present(pte))
			sc_pte_present(c, w->vma, pte, addr);
		else if (!pte_none(pte))
			sc_pte_soft(c, pte, addr);
		else if (shmem)
			sc_shmem_page(c, w->vma, addr);
		else
			sc_rec(c, addr, MMSCOPE_SWAPCACHE_NONE);
	}
	c->in_rcu = false;
	mmscope_swap_cursor_reset(&c->cur);
	rcu_read_unlock();
	return ret;
}

static int sc_on_pmd(struct mmscope_walk *w, pmd_t *pmdp, pmd_t pmd,
		     unsigned long addr, unsigned long end)
{
	struct sc_ctx *c = w->priv;
	struct page *head = pmd_page(pmd);

	for (; addr < end; addr += PAGE_SIZE) {
		if (sc_full(c, addr))
			return 1;
		sc_present(c, head + ((addr & ~PMD_MASK) >> PAGE_SHIFT), addr,
			   MMSCOPE_SWAPCACHE_E_PMD);
	}
	return 0;
}

/* [addr, end) mapped by something that is neither a page nor a swap entry. */
static int sc_other_range(struct sc_ctx *c, unsigned long addr,
			  unsigned long end)
{
	for (; addr < end; addr += PAGE_SIZE) {
		if (sc_full(c, addr))
			return 1;
		sc_rec(c, addr, MMSCOPE_SWAPCACHE_OTHER);
	}
	return 0;
}

/* A PUD leaf (a 1 GiB hugetlb page). */
static int sc_on_pud(struct mmscope_walk *w, pud_t *pudp, pud_t pud,
		     unsigned long addr, unsigned long end)
{
	return sc_other_range(w->priv, addr, end);
}

/* A non-present PMD (migration). */
static int sc_on_nonpresent(struct mmscope_walk *w, void *entry, u64 raw,
			    unsigned int level, unsigned long addr,
			    unsigned long end)
{
	return sc_other_range(w->priv, addr, end);
}

static int sc_on_hole(struct mmscope_walk *w, unsigned long addr,
		      unsigned long end, unsigned int level, u64 raw)
{
	struct vm_area_struct *vma = w->vma;
	struct sc_ctx *c = w->priv;
	bool shmem = sc_vma_shmem(vma);
	u64 pages;

	/* nothing to look up: one record for the whole hole, as a run */
	while (c->runs && !shmem && addr < end) {
		if (sc_full(c, addr))
			return 1;
		pages = min_t(u64, (end - addr) >> PAGE_SHIFT, U32_MAX);
		sc_rec(c, addr, MMSCOPE_SWAPCACHE_NONE)->pages = pages;
		addr += pages << PAGE_SHIFT;
	}
	for (; addr < end; addr += PAGE_SIZE) {
		if (sc_full(c, addr))
			return 1;
		if (shmem)
			sc_shmem_page(c, vma, addr);
		else
			sc_rec(c, addr, MMSCOPE_SWAPCACHE_NONE);
	}
	return 0;
}

static const struct mmscope_walk_ops sc_walk_ops = {
	.hole = sc_on_hole,
	.leaf_pud = sc_on_pud,
	.leaf_pmd = sc_on_pmd,
	.pte_run = sc_on_ptes,
	.nonpresent = sc_on_nonpresent,
};

static int sc_ctx_init(struct sc_ctx *c, unsigned int max)
{
	memset(c, 0, sizeof(*c));
	c->max = max;
	c->recs = kvmalloc_array(max, sizeof(*c->recs), GFP_KERNEL);
	c->cur.probe = kzalloc(sizeof(*c->cur.probe), GFP_KERNEL);
	if (!c->recs || !c->cur.probe) {
		kvfree(c->recs);
		kfree(c->cur.probe);
		return -ENOMEM;
	}
	return 0;
}

static void sc_ctx_drop_device(struct sc_ctx *c)
{
	if (c->si)
		sc_put_device(c->si);
	c->si = NULL;
}

static void sc_ctx_free(struct sc_ctx *c)
{
	sc_ctx_drop_device(c);
	kvfree(c->recs);
	kfree(c->cur.probe);
}

static int sc_copy_out(u64 uptr, u32 usize, const struct sc_ctx *c,
		       unsigned int done)
{
	size_t len = sc_copy_size(usize, sizeof(*c->recs));
	unsigned int i;

	if (usize == sizeof(*c->recs))
		return copy_to_user(u64_to_user_ptr(uptr + (u64)done * usize),
				    c->recs, c->n * len) ? -EFAULT : 0;
	for (i = 0; i < c->n; i++)
		if (copy_to_user(u64_to_user_ptr(uptr + (u64)(done + i) * usize),
				 &c->recs[i], len))
			return -EFAULT;
	return 0;
}

/*
 * Records of [start, end) of @mm from @start on, at most @room: walks of
 * SC_CHUNK records, each copied out before the next. Returns the count
 * and sets *next, or a negative errno.
 */
static long sc_walk_range(struct mm_struct *mm, u64 start, u64 end,
			  u32 room, u64 uptr, u32 usize, bool runs, u64 *next)
{
	struct sc_ctx c;
	struct mmscope_walk w = {
		.ops = &sc_walk_ops, .mode = MMSCOPE_WALK_LOCKED, .mm = mm,
		.priv = &c,
	};
	unsigned int done = 0;
	long ret;

	ret = sc_ctx_init(&c, min_t(u32, room, SC_CHUNK));
	if (ret)
		return ret;
	c.runs = runs;
	c.steps = usize >= MMSCOPE_SWAPCACHE_ENTRY_SIZE_VER1;
	while (start < end && done < room) {
		c.n = 0;
		c.max = min_t(u32, room - done, SC_CHUNK);
		c.next = end;
		ret = mmscope_walk(&w, start, end);
		sc_settle(&c);
		sc_ctx_drop_device(&c);
		if (ret < 0)
			break;
		ret = uptr ? sc_copy_out(uptr, usize, &c, done) : 0;
		if (ret)
			break;
		done += c.n;
		start = c.next;
		if (c.stopped)
			break;
		cond_resched();
	}
	sc_ctx_free(&c);
	*next = start;
	return ret < 0 ? ret : done;
}

long sc_ioc_entries(struct file *file, unsigned int cmd, void *arg)
{
	struct mmscope_swapcache_entries *a = arg;
	struct mmscope_range r;
	long ret;
	u64 next;

	BUILD_BUG_ON(sizeof(*a) != MMSCOPE_SWAPCACHE_ENTRIES_SIZE_VER0);
	BUILD_BUG_ON(sizeof(struct mmscope_swapcache_entry) !=
		     MMSCOPE_SWAPCACHE_ENTRY_SIZE_VER1);
	if ((a->flags & ~MMSCOPE_SWAPCACHE_ENTRIES_RUNS) || a->pad ||
	    !a->count || !a->entries || !a->entry_size)
		return -EINVAL;
	ret = mmscope_range_get(a->pid, a->start, a->len, MMSCOPE_RANGE_MM, &r);
	if (ret)
		return ret;
	ret = sc_walk_range(r.mm, r.start, r.end, a->count, a->entries,
			    a->entry_size, a->flags & MMSCOPE_SWAPCACHE_ENTRIES_RUNS,
			    &next);
	mmscope_range_put(&r);
	if (ret < 0)
		return ret;
	a->count = ret;
	a->next = next;
	return 0;
}

long sc_ioc_slots(struct file *file, unsigned int cmd, void *arg)
{
	struct mmscope_swapcache_slots *a = arg;
	struct swap_info_struct *si;
	unsigned int i, n, done = 0;
	struct sc_ctx c;
	long ret;

	BUILD_BUG_ON(sizeof(*a) != MMSCOPE_SWAPCACHE_SLOTS_SIZE_VER0);
	if (a->flags || !a->count || a->count > MMSCOPE_SWAPCACHE_SLOTS_MAX ||
	    !a->entries || !a->entry_size)
		return -EINVAL;
	si = sc_get_device(a->type);
	if (!si)
		return -ENODEV;
	a->max = si->max;
	if (a->offset >= si->max) {
		sc_put_device(si);
		return -ERANGE;
	}
	ret = sc_ctx_init(&c, SC_CHUNK);
	if (ret) {
		sc_put_device(si);
		return ret;
	}
	/* The held device serves every slot: sc_fill_slot() finds it here. */
	c.si = si;
	c.si_type = a->type;
	n = min_t(u64, a->count, si->max - a->offset);
	while (done < n && !ret) {
		c.n = 0;
		for (i = 0; i < min_t(u32, n - done, SC_CHUNK); i++)
			sc_fill_slot(&c, swp_entry(a->type, a->offset + done + i),
				     sc_rec(&c, ~0ULL, MMSCOPE_SWAPCACHE_SWAP),
				     true);
		ret = sc_copy_out(a->entries, a->entry_size, &c, done);
		done += c.n;
		cond_resched();
	}
	sc_ctx_free(&c);
	if (ret)
		return ret;
	a->count = done;
	return 0;
}

/* The target file's range: one line per page that has something. */
int sc_entries_show_range(struct seq_file *m, pid_t pid, u64 start, u64 len)
{
	static const char *const pgf_names[MMSCOPE_PGF_COUNT] = MMSCOPE_PGF_NAMES;
	struct mmscope_swapcache_entry *e;
	struct mmscope_range r;
	struct sc_ctx c;
	unsigned int i, f;
	long ret;

	ret = mmscope_range_get(pid, start, len, MMSCOPE_RANGE_MM, &r);
	if (ret)
		return ret;
	ret = sc_ctx_init(&c, SC_CHUNK);
	if (ret)
		goto out;
	seq_puts(m, "# va state type offset count has_cache swapcache pfn order refcount mapcount flags\n");
	for (start = r.start; start < r.end; start = c.next) {
		struct mmscope_walk w = {
			.ops = &sc_walk_ops, .mode = MMSCOPE_WALK_LOCKED,
			.mm = r.mm, .priv = &c,
		};

		c.n = 0;
		c.next = r.end;
		ret = mmscope_walk(&w, start, r.end);
		sc_ctx_drop_device(&c);
		if (ret < 0)
			break;
		ret = 0;
		for (i = 0; i < c.n; i++) {
			e = &c.recs[i];
			if (e->state == MMSCOPE_SWAPCACHE_NONE)
				continue;
			seq_printf(m, "0x%llx %s", e->va, sc_state_names[e->state]);
			if (e->info & MMSCOPE_SWAPCACHE_E_SWAP)
				seq_printf(m, " %u %llu %u %d", e->type, e->offset,
					   e->count,
					   !!(e->info & MMSCOPE_SWAPCACHE_E_HAS_CACHE));
			else
				seq_puts(m, " - - - -");
			seq_printf(m, " %d", !!(e->info & MMSCOPE_SWAPCACHE_E_SWAPCACHE));
			if (e->info & MMSCOPE_SWAPCACHE_E_FOLIO) {
				seq_printf(m, " %llu %u %u %d ", e->pfn, e->order,
					   e->refcount, e->mapcount);
				for (f = 0; f < MMSCOPE_PGF_COUNT; f++)
					if (e->pgflags & BIT_ULL(f))
						seq_printf(m, "%s,", pgf_names[f]);
			}
			seq_putc(m, '\n');
		}
		cond_resched();
	}
	sc_ctx_free(&c);
out:
	mmscope_range_put(&r);
	return ret;
}
