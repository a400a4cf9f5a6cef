// SPDX-License-Identifier: GPL-2.0
/*
 * The suite's page-table walker and PFN-range iterator; the interface,
 * the two walk modes and why they never read a freed table are described
 * in <mmscope/walk.h> and docs/core.md.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/export.h>
#include <linux/ioport.h>
#include <linux/memory_hotplug.h>
#include <linux/mm.h>
#include <linux/mmap_lock.h>
#include <linux/mmzone.h>
#include <linux/nodemask.h>
#include <linux/pgtable.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>

#include <mmscope/compat.h>
#include <mmscope/compat-pgtable.h>
#include <mmscope/walk.h>

/* Entries in one table page: a level folded into the one above. */
static bool walk_same_table(const void *a, const void *b)
{
	return ((unsigned long)a & PAGE_MASK) == ((unsigned long)b & PAGE_MASK);
}

/*
 * Note the entry at @ptr as step @depth of the path and return the depth
 * for the next level. A folded level's *_offset() hands back an entry of
 * the table above: the same pointer (x86_64 with 4 levels, arm64 6.1), or
 * on arm64 6.12 folded at boot the right slot of that table while the
 * level above pointed at a meaningless one. Either way the step replaces
 * the one above, which keeps its name (the root is always the pgd).
 */
static unsigned int walk_step(struct mmscope_walk *w, unsigned int depth,
			      unsigned int level, void *ptr, u64 raw)
{
	struct mmscope_walk_step *s;

	if (depth && walk_same_table(w->path[depth - 1].entry, ptr)) {
		depth--;
		level = w->path[depth].level;
	}
	s = &w->path[depth];
	s->entry = ptr;
	s->raw = raw;
	s->level = level;
	w->depth = depth + 1;
	return depth + 1;
}

/* Level name of the entry just noted (folded levels take the root's). */
static unsigned int walk_level(struct mmscope_walk *w, unsigned int depth)
{
	return w->path[depth - 1].level;
}

static bool walk_locked(const struct mmscope_walk *w)
{
	return w->mm && w->mode == MMSCOPE_WALK_LOCKED;
}

static bool walk_lockless(const struct mmscope_walk *w)
{
	return w->mm && w->mode == MMSCOPE_WALK_LOCKLESS;
}

static int walk_hole(struct mmscope_walk *w, unsigned long addr,
		     unsigned long end, unsigned int level, u64 raw)
{
	return w->ops->hole ? w->ops->hole(w, addr, end, level, raw) : 0;
}

static int walk_nonpresent(struct mmscope_walk *w, void *entry, u64 raw,
			   unsigned int level, unsigned long addr,
			   unsigned long end)
{
	if (!w->ops->nonpresent)
		return 0;
	return w->ops->nonpresent(w, entry, raw, level, addr, end);
}

static int walk_bad(struct mmscope_walk *w, void *entry, u64 raw,
		    unsigned int level, unsigned long addr, unsigned long end)
{
	return w->ops->bad ? w->ops->bad(w, entry, raw, level, addr, end) : 0;
}

/*
 * Lockless mode: leave the RCU section for a moment when another task
 * should run, once the client dropped what only RCU protected.
 */
static void walk_resched(struct mmscope_walk *w)
{
	if (!walk_lockless(w) || !need_resched())
		return;
	if (w->ops->pause)
		w->ops->pause(w);
	rcu_read_unlock();
	cond_resched();
	rcu_read_lock();
}

/* The PTEs of [addr, end) from @start on, one table, mapped (and locked). */
static int walk_ptes(struct mmscope_walk *w, unsigned int depth, pte_t *start,
		     unsigned long addr, unsigned long end)
{
	const struct mmscope_walk_ops *ops = w->ops;
	bool lockless = walk_lockless(w);
	pte_t *pte;
	pte_t val;
	int ret = 0;

	if (ops->pte_run) {
		w->depth = depth + 1;
		return ops->pte_run(w, start, addr, end);
	}
	for (pte = start; addr != end; pte++, addr += PAGE_SIZE) {
		val = lockless ? ptep_get_lockless(pte) : ptep_get(pte);
		walk_step(w, depth, MMSCOPE_WALK_PTE, pte, pte_val(val));
		if (pte_none(val))
			ret = walk_hole(w, addr, addr + PAGE_SIZE,
					MMSCOPE_WALK_PTE, pte_val(val));
		else if (!pte_present(val))
			ret = walk_nonpresent(w, pte, pte_val(val),
					      MMSCOPE_WALK_PTE, addr,
					      addr + PAGE_SIZE);
		else if (ops->leaf_pte)
			ret = ops->leaf_pte(w, pte, val, addr);
		if (ret)
			break;
	}
	return ret;
}

/*
 * The PTE table @pmd (read as @pmdval) points to. Locked mode: *retry set
 * when the PMD no longer points to a table once its lock was reached.
 */
static int walk_pte_table(struct mmscope_walk *w, unsigned int depth,
			  pmd_t *pmd, pmd_t pmdval, unsigned long addr,
			  unsigned long end, bool *retry)
{
	spinlock_t *ptl;	/* the PTE table's lock */
	pte_t *start;
	int ret;

	w->pmdp = pmd;
	w->pmd = pmdval;
	if (!w->mm)
		return walk_ptes(w, depth, pte_offset_kernel(pmd, addr), addr,
				 end);
	if (w->mode == MMSCOPE_WALK_LOCKLESS)
		/* the walk's RCU section keeps the table's memory */
		return walk_ptes(w, depth, pte_offset_kernel(&w->pmd, addr),
				 addr, end);
	start = mmscope_pgtable_pte_lock(w->mm, pmd, addr, &ptl);
	if (!start) {
		*retry = true;
		return 0;
	}
	ret = walk_ptes(w, depth, start, addr, end);
	mmscope_pgtable_pte_unlock(start, ptl);
	return ret;
}

static int walk_pmd_leaf(struct mmscope_walk *w, pmd_t *pmd, pmd_t val,
			 unsigned long addr, unsigned long end)
{
	if (!pmd_present(val))
		return walk_nonpresent(w, pmd, pmd_val(val), MMSCOPE_WALK_PMD,
				       addr, end);
	return w->ops->leaf_pmd ? w->ops->leaf_pmd(w, pmd, val, addr, end) : 0;
}

static int walk_pmd(struct mmscope_walk *w, unsigned int depth, pud_t *pud,
		    unsigned long addr, unsigned long end)
{
	bool locked = walk_locked(w);
	unsigned long next;
	spinlock_t *ptl;	/* the PMD's lock, for a leaf */
	unsigned int d;
	bool retry;
	pmd_t *pmd;
	pmd_t val;
	int ret;

	pmd = pmd_offset(pud, addr);
	do {
		next = pmd_addr_end(addr, end);
again:
		val = mmscope_pmdp_get_lockless(pmd);
		d = walk_step(w, depth, MMSCOPE_WALK_PMD, pmd, pmd_val(val));
		retry = false;
		if (pmd_none(val)) {
			ret = walk_hole(w, addr, next, walk_level(w, d),
					pmd_val(val));
		} else if (mmscope_pmd_is_leaf(val)) {
			ptl = locked ? pmd_lock(w->mm, pmd) : NULL;
			if (ptl) {
				val = READ_ONCE(*pmd);
				if (pmd_none(val) || !mmscope_pmd_is_leaf(val)) {
					spin_unlock(ptl);
					goto again;
				}
				walk_step(w, depth, MMSCOPE_WALK_PMD, pmd,
					  pmd_val(val));
			}
			ret = walk_pmd_leaf(w, pmd, val, addr, next);
			if (ptl)
				spin_unlock(ptl);
		} else if (pmd_bad(val)) {
			ret = walk_bad(w, pmd, pmd_val(val), MMSCOPE_WALK_PMD,
				       addr, next);
		} else {
			ret = walk_pte_table(w, d, pmd, val, addr, next, &retry);
			if (!ret && retry)
				goto again;
		}
		if (ret)
			return ret;
		walk_resched(w);
	} while (pmd++, addr = next, addr != end);
	return 0;
}

static int walk_pud_leaf(struct mmscope_walk *w, pud_t *pud, pud_t val,
			 unsigned long addr, unsigned long end)
{
	if (!pud_present(val))
		return walk_nonpresent(w, pud, pud_val(val), MMSCOPE_WALK_PUD,
				       addr, end);
	return w->ops->leaf_pud ? w->ops->leaf_pud(w, pud, val, addr, end) : 0;
}

static int walk_pud(struct mmscope_walk *w, unsigned int depth, p4d_t *p4d,
		    unsigned long addr, unsigned long end)
{
	bool locked = walk_locked(w);
	unsigned long next;
	spinlock_t *ptl;	/* the PUD's lock, for a leaf */
	unsigned int d;
	pud_t *pud;
	pud_t val;
	int ret;

	pud = pud_offset(p4d, addr);
	do {
		next = pud_addr_end(addr, end);
again:
		val = READ_ONCE(*pud);
		d = walk_step(w, depth, MMSCOPE_WALK_PUD, pud, pud_val(val));
		if (pud_none(val)) {
			ret = walk_hole(w, addr, next, walk_level(w, d),
					pud_val(val));
		} else if (mmscope_pud_is_leaf(val)) {
			ptl = locked ? pud_lock(w->mm, pud) : NULL;
			if (ptl) {
				val = READ_ONCE(*pud);
				if (pud_none(val) || !mmscope_pud_is_leaf(val)) {
					spin_unlock(ptl);
					goto again;
				}
				walk_step(w, depth, MMSCOPE_WALK_PUD, pud,
					  pud_val(val));
			}
			ret = walk_pud_leaf(w, pud, val, addr, next);
			if (ptl)
				spin_unlock(ptl);
		} else if (pud_bad(val)) {
			ret = walk_bad(w, pud, pud_val(val), MMSCOPE_WALK_PUD,
				       addr, next);
		} else {
			ret = walk_pmd(w, d, pud, addr, next);
		}
		if (ret)
			return ret;
	} while (pud++, addr = next, addr != end);
	return 0;
}

static int walk_p4d(struct mmscope_walk *w, unsigned int depth, pgd_t *pgd,
		    unsigned long addr, unsigned long end)
{
	unsigned long next;
	unsigned int d;
	p4d_t *p4d;
	p4d_t val;
	int ret;

	p4d = p4d_offset(pgd, addr);
	do {
		next = p4d_addr_end(addr, end);
		val = READ_ONCE(*p4d);
		d = walk_step(w, depth, MMSCOPE_WALK_P4D, p4d, p4d_val(val));
		if (p4d_none(val))
			ret = walk_hole(w, addr, next, walk_level(w, d),
					p4d_val(val));
		else if (p4d_bad(val))
			ret = walk_bad(w, p4d, p4d_val(val), walk_level(w, d),
				       addr, next);
		else
			ret = walk_pud(w, d, p4d, addr, next);
		if (ret)
			return ret;
	} while (p4d++, addr = next, addr != end);
	return 0;
}

static int walk_pgd(struct mmscope_walk *w, pgd_t *root, unsigned long addr,
		    unsigned long end)
{
	unsigned long next;
	unsigned int d;
	pgd_t *pgd;
	pgd_t val;
	int ret;

	pgd = pgd_offset_pgd(root, addr);
	do {
		next = pgd_addr_end(addr, end);
		val = READ_ONCE(*pgd);
		d = walk_step(w, 0, MMSCOPE_WALK_PGD, pgd, pgd_val(val));
		if (pgd_none(val))
			ret = walk_hole(w, addr, next, walk_level(w, d),
					pgd_val(val));
		else if (pgd_bad(val))
			ret = walk_bad(w, pgd, pgd_val(val), walk_level(w, d),
				       addr, next);
		else
			ret = walk_p4d(w, d, pgd, addr, next);
		if (ret)
			return ret;
	} while (pgd++, addr = next, addr != end);
	return 0;
}

/* [addr, end) of the mm: the VMAs in it walked, each gap one hole. */
static int walk_vmas(struct mmscope_walk *w, unsigned long addr,
		     unsigned long end)
{
	struct vm_area_struct *vma;
	unsigned long vend;
	int ret;

	while (addr < end) {
		vma = find_vma(w->mm, addr);
		w->vma = NULL;
		w->depth = 0;
		if (!vma || vma->vm_start >= end)
			return walk_hole(w, addr, end, MMSCOPE_WALK_PGD, 0);
		if (addr < vma->vm_start) {
			ret = walk_hole(w, addr, vma->vm_start,
					MMSCOPE_WALK_PGD, 0);
			if (ret)
				return ret;
			walk_resched(w);
			addr = vma->vm_start;
		}
		w->vma = vma;
		if (w->ops->vma) {
			ret = w->ops->vma(w);
			if (ret)
				return ret;
		}
		vend = min(end, vma->vm_end);
		ret = walk_pgd(w, w->mm->pgd, addr, vend);
		if (ret)
			return ret;
		addr = vend;
	}
	return 0;
}

int mmscope_walk(struct mmscope_walk *w, unsigned long start,
		 unsigned long end)
{
	bool lockless = walk_lockless(w);
	int ret;

	w->vma = NULL;
	w->depth = 0;
	if (start >= end)
		return 0;
	if (!w->mm)
		return walk_pgd(w, w->pgd, start, end);
	ret = mmap_read_lock_killable(w->mm);
	if (ret)
		return ret;
	if (lockless)
		rcu_read_lock();
	ret = walk_vmas(w, start, end);
	if (lockless)
		rcu_read_unlock();
	mmap_read_unlock(w->mm);
	return ret;
}
EXPORT_SYMBOL_GPL(mmscope_walk);

/*
 * pfn_valid() and pfn_to_online_page() give one answer for every pfn of a
 * memory subsection (sparsemem; ZONE_DEVICE ranges are subsection
 * aligned), so the iterator asks once per subsection.
 */
#ifdef PFN_SUBSECTION_SHIFT
#define WALK_PFN_STEP	BIT(PFN_SUBSECTION_SHIFT)
#else
#define WALK_PFN_STEP	1UL
#endif

static enum mmscope_pfn_kind walk_pfn_kind(const struct mmscope_pfn_iter *it,
					   unsigned long pfn)
{
	if (pfn >= it->max_pfn)
		return MMSCOPE_PFN_BEYOND;
	if (!pfn_valid(pfn) || !pfn_to_online_page(pfn))
		return MMSCOPE_PFN_HOLE;
	return MMSCOPE_PFN_ONLINE;
}

/* walk_iomem_res_desc()'s callback: the end of System RAM, as a pfn. */
static int walk_ram_end(struct resource *res, void *arg)
{
	unsigned long *end = arg;

	*end = max(*end, (unsigned long)PFN_DOWN(res->end) + 1);
	return 0;
}

void mmscope_pfn_iter_start(struct mmscope_pfn_iter *it, unsigned long start,
			    unsigned long end)
{
	unsigned long max_pfn = 0;
	int nid;

	for_each_online_node(nid)
		max_pfn = max(max_pfn, node_end_pfn(nid));
	/*
	 * A node's span grows when memory goes online: memory hot-added
	 * and still offline lies past it, but is System RAM already (its
	 * resource is registered when it is added). Its pfns are offline
	 * memory, a hole, not past the end.
	 */
	walk_iomem_res_desc(IORES_DESC_NONE,
			    IORESOURCE_SYSTEM_RAM | IORESOURCE_BUSY, 0, ULLONG_MAX,
			    &max_pfn, walk_ram_end);
	it->pfn = start;
	it->end = start;
	it->kind = MMSCOPE_PFN_HOLE;
	it->limit = end;
	it->max_pfn = max_pfn;
}
EXPORT_SYMBOL_GPL(mmscope_pfn_iter_start);

/* The run after the current one; false when the range is done. */
bool mmscope_pfn_iter_next(struct mmscope_pfn_iter *it)
{
	unsigned long pfn = it->end, stop;

	if (pfn >= it->limit)
		return false;
	it->pfn = pfn;
	it->kind = walk_pfn_kind(it, pfn);
	if (it->kind == MMSCOPE_PFN_BEYOND) {
		it->end = it->limit;
		return true;
	}
	/* to the end of the section, the range or the memory */
	stop = (pfn | (PAGES_PER_SECTION - 1)) + 1;
	stop = min3(stop, it->limit, it->max_pfn);
	pfn = (pfn | (WALK_PFN_STEP - 1)) + 1;
	while (pfn < stop && walk_pfn_kind(it, pfn) == it->kind)
		pfn += WALK_PFN_STEP;
	it->end = min(pfn, stop);
	return true;
}
EXPORT_SYMBOL_GPL(mmscope_pfn_iter_next);
