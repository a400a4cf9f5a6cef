/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The suite's page-table walker and PFN-range iterator, exported by
 * mmscope_core.ko. A module describes what it wants done with each kind of
 * entry (struct mmscope_walk_ops) and the core does the walking, under the
 * rules below; docs/core.md has the same rules with the reasons.
 *
 * What a walk visits. mmscope_walk() walks [start, end) of an mm (or of
 * the kernel's tables from a given root), pgd -> p4d -> pud -> pmd -> pte
 * on the inline *_offset() helpers. In an mm only the parts of the range
 * inside VMAs are walked: a gap between VMAs is one ->hole() at
 * MMSCOPE_WALK_PGD with ->vma NULL and an empty path, and the tables of a
 * gap are never read (they may be being freed by munmap() with the mmap
 * lock downgraded to read). ->vma() is called each time the walk enters a
 * VMA. ->path[0 .. ->depth) is the chain of entries that led to the entry
 * a callback is given, the entry itself last (a folded level shares its
 * slot with the level above and keeps that level's name).
 *
 * The modes, for user walks (kernel walks take no lock in either mode):
 *
 * MMSCOPE_WALK_LOCKED: the walk holds mmap_read_lock; a PUD or PMD leaf
 *   (or non-present entry) is read again under pud_lock()/pmd_lock() and
 *   given to the callback with that lock held; PTEs are read under the
 *   PTE table's lock. Callbacks see entries that cannot change under them.
 *
 * MMSCOPE_WALK_LOCKLESS: the walk holds mmap_read_lock and rcu_read_lock();
 *   every entry is read once, without its lock (pmdp_get_lockless(),
 *   ptep_get_lockless()), as GUP-fast does. What a callback was given may
 *   have changed by the time it looks: it compares again through ->pmdp and
 *   ->pmd (the PMD above the PTE table being read, and its value as read)
 *   to tell. Between PMD entries the walk may leave the RCU section to
 *   reschedule; it calls ->pause() first so the client drops whatever it
 *   kept that only RCU protected.
 *
 * Freeing of page tables, and why neither mode reads a freed table:
 *
 * - Upper tables (PUD, PMD) of a VMA's range are freed only with the VMA
 *   gone from the tree (munmap, exit), which mmap_read_lock excludes or
 *   which happens after the VMA was detached: the walk never follows a
 *   table outside a VMA it found under the lock.
 * - 6.1: a PTE table is freed only under mmap_write_lock (munmap, exit,
 *   khugepaged's collapse and retract take it): under mmap_read_lock a PMD
 *   seen pointing to a table keeps doing so, in both modes.
 * - 6.5+ (6.12): khugepaged and MADV_COLLAPSE retract the PTE table of a
 *   file or shmem THP range under the PMD and PTE locks only, without the
 *   mmap lock, and free it after an RCU grace period (pte_free_defer()).
 *   The locked mode reaches the table under rcu_read_lock(), takes its
 *   lock and checks the PMD still points to it (else reads the PMD again);
 *   the lockless mode reads it inside its RCU section, where a retracted
 *   table may be read (stale: the client's compare tells) but not freed.
 * - 7.x with CONFIG_PT_RECLAIM=y: zapping a range (MADV_DONTNEED, ...)
 *   under mmap_read_lock frees PTE tables left empty, clearing the PMD
 *   under the PMD and PTE locks and freeing the table through the RCU
 *   table-freeing path of the mmu_gather. The same two protocols hold:
 *   the locked mode's PMD check under the PTE lock, the lockless mode's
 *   RCU section. Kernels built so that such a table could be freed
 *   without an RCU grace period are not supported by the lockless mode.
 * - Kernel tables: read without a lock, each entry once with READ_ONCE();
 *   the linear map's and vmalloc's tables are not freed on the suite's
 *   kernels while it runs (no memory hot-remove; vunmap() keeps tables).
 */
#ifndef _MMSCOPE_WALK_H
#define _MMSCOPE_WALK_H

#include <linux/pgtable.h>
#include <linux/types.h>

struct mm_struct;
struct vm_area_struct;

/* Page-table levels, root first (the numbering of the pagewalk UAPI). */
enum mmscope_walk_level {
	MMSCOPE_WALK_PGD,
	MMSCOPE_WALK_P4D,
	MMSCOPE_WALK_PUD,
	MMSCOPE_WALK_PMD,
	MMSCOPE_WALK_PTE,
	MMSCOPE_WALK_NR_LEVELS,
};

enum mmscope_walk_mode {
	MMSCOPE_WALK_LOCKED,
	MMSCOPE_WALK_LOCKLESS,
};

/* One entry on the way down: where it is, what was read, its level. */
struct mmscope_walk_step {
	void *entry;
	u64 raw;
	unsigned int level;
};

struct mmscope_walk;

/*
 * Callbacks; every one may be NULL (the entry is skipped). Each returns 0
 * to go on or anything else to stop the walk, which then returns that.
 * [addr, end) is the part of the walk's range the entry covers (a leaf's
 * block may start before @addr). ->path[->depth - 1] is the entry given.
 *
 * @vma:	the walk enters ->vma (user walks).
 * @hole:	[addr, end) has nothing at @level (one empty entry), or
 *		no VMA (->vma NULL, @level PGD, depth 0); @raw is the empty
 *		entry as read (0 for no VMA).
 * @leaf_pud:	a present PUD leaf (1 GiB block with 4K pages).
 * @leaf_pmd:	a present PMD leaf (THP, hugetlb or DAX block).
 * @leaf_pte:	a present PTE.
 * @pte_run:	[addr, end) of one PTE table from @ptep on, mapped and (in
 *		the locked mode) locked: the client reads the entries itself
 *		(ptep_get(), or ptep_get_lockless() in the lockless mode). When
 *		set, it replaces @leaf_pte and the PTE-level @hole and
 *		@nonpresent. The client notes a PTE in the path with
 *		mmscope_walk_note_pte(); the path has room for it.
 * @nonpresent:	a non-empty entry that is not present (swap, migration,
 *		device, hwpoison entry, PTE marker) at @level PUD, PMD or
 *		PTE; kernel walks: any such entry.
 * @bad:	an entry above the PTEs that is neither empty, a leaf nor a
 *		table Linux accepts (pXd_bad()).
 * @pause:	lockless mode: the walk is about to leave its RCU section.
 */
struct mmscope_walk_ops {
	int (*vma)(struct mmscope_walk *w);
	int (*hole)(struct mmscope_walk *w, unsigned long addr,
		    unsigned long end, unsigned int level, u64 raw);
	int (*leaf_pud)(struct mmscope_walk *w, pud_t *pudp, pud_t pud,
			unsigned long addr, unsigned long end);
	int (*leaf_pmd)(struct mmscope_walk *w, pmd_t *pmdp, pmd_t pmd,
			unsigned long addr, unsigned long end);
	int (*leaf_pte)(struct mmscope_walk *w, pte_t *ptep, pte_t pte,
			unsigned long addr);
	int (*pte_run)(struct mmscope_walk *w, pte_t *ptep,
		       unsigned long addr, unsigned long end);
	int (*nonpresent)(struct mmscope_walk *w, void *entry, u64 raw,
			  unsigned int level, unsigned long addr,
			  unsigned long end);
	int (*bad)(struct mmscope_walk *w, void *entry, u64 raw,
		   unsigned int level, unsigned long addr, unsigned long end);
	void (*pause)(struct mmscope_walk *w);
};

/*
 * A walk. The caller sets @ops, @priv, @mode and either @mm (a user walk,
 * with a reference held) or @pgd (the root of the kernel's tables, @mm
 * NULL); the walker keeps the rest up to date for the callbacks.
 */
struct mmscope_walk {
	const struct mmscope_walk_ops *ops;
	void *priv;
	enum mmscope_walk_mode mode;
	struct mm_struct *mm;
	pgd_t *pgd;

	struct vm_area_struct *vma;	/* NULL: a gap, or a kernel walk */
	pmd_t *pmdp;			/* PTE callbacks: the PMD above */
	pmd_t pmd;			/* and its value as read */
	unsigned int depth;
	struct mmscope_walk_step path[MMSCOPE_WALK_NR_LEVELS];
};

/*
 * Walk [start, end) (page aligned; for a user walk end <= the mm's
 * task_size). Takes and drops mmap_read_lock itself for a user walk
 * (-EINTR when a fatal signal came while waiting for it). Returns 0 when
 * the range is done, or the first non-zero value a callback returned.
 */
int mmscope_walk(struct mmscope_walk *w, unsigned long start,
		 unsigned long end);

/* In ->pte_run(): note the PTE at @ptep (read as @pte) as the path's last. */
static inline void mmscope_walk_note_pte(struct mmscope_walk *w, pte_t *ptep,
					 pte_t pte)
{
	struct mmscope_walk_step *s = &w->path[w->depth - 1];

	s->entry = ptep;
	s->raw = pte_val(pte);
	s->level = MMSCOPE_WALK_PTE;
}

/*
 * PFN ranges: [start, end) cut into runs that are all online memory
 * (pfn_to_online_page() gives each pfn's struct page), all not (a hole:
 * absent or offline section, or ZONE_DEVICE), or beyond the end of
 * memory: past every online node's span and every System RAM resource
 * (memory hot-added and still offline has the latter only). A run never
 * crosses a memory section, so successive runs may be of the same kind.
 *
 *	struct mmscope_pfn_iter it;
 *
 *	mmscope_pfn_iter_start(&it, start, end);
 *	while (mmscope_pfn_iter_next(&it))
 *		... [it.pfn, it.end) is of it.kind ...
 */
enum mmscope_pfn_kind {
	MMSCOPE_PFN_ONLINE,
	MMSCOPE_PFN_HOLE,
	MMSCOPE_PFN_BEYOND,
};

struct mmscope_pfn_iter {
	unsigned long pfn;		/* the run: [pfn, end) */
	unsigned long end;
	enum mmscope_pfn_kind kind;
	unsigned long limit;		/* end of the whole range */
	unsigned long max_pfn;		/* end of nodes and of System RAM */
};

void mmscope_pfn_iter_start(struct mmscope_pfn_iter *it, unsigned long start,
			    unsigned long end);
bool mmscope_pfn_iter_next(struct mmscope_pfn_iter *it);

#endif /* _MMSCOPE_WALK_H */
