// SPDX-License-Identifier: GPL-2.0
/*
 * The walker: pgd -> p4d -> pud -> pmd -> pte on the inline *_offset()
 * helpers (walk_page_range() is not exported), one record per leaf entry
 * or run of empty entries, with the path of tables that led to it.
 *
 * Locking: user walks hold mmap_read_lock, so VMAs and the upper tables
 * stay put; a PMD or PUD leaf is read under pmd_lock()/pud_lock(), PTEs
 * under the PTE table's lock (mmscope_pte_map_lock(), see compat.h). Only
 * the ranges of VMAs are walked: tables outside them may be being freed.
 * Kernel walks take no lock: kernel tables of the linear map and vmalloc
 * area are not freed under a reader in the configurations the suite
 * supports, and every entry is read once with READ_ONCE().
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/fs.h>
#include <linux/hugetlb.h>
#include <linux/magic.h>
#include <linux/mm.h>
#include <linux/mmap_lock.h>
#include <linux/page-flags.h>
#include <linux/pgtable.h>
#include <linux/swapops.h>

#include <mmscope/compat.h>
#include <mmscope/core.h>

#include "internal.h"

/* One level of the walk, decoded into a path step only when asked for. */
struct pw_step {
	void *ptr;
	u64 raw;
	unsigned int level;
};

/*
 * The compact format's last present PTE decoded: a PTE whose raw value
 * differs from @raw exactly by its PFN's distance from @pfn (in pages)
 * has the same bits but for the address, so decodes the same but for
 * what depends on the page (the zero page, anon, exclusive).
 */
struct pw_memo {
	u64 raw;
	unsigned long pfn;
	u32 linux_flags;		/* without ZERO, ANON, EXCLUSIVE */
	bool valid;
	struct mmscope_pagewalk_entry tmpl;	/* hw, level, state, arch fields */
};

/*
 * pfn_valid() gives one answer for every page of a memory subsection
 * (sparsemem), and a subsection a mapped page lies in stays valid while
 * the page is mapped: a walk notes the last one it found valid.
 */
#ifdef PFN_SUBSECTION_SHIFT
#define PW_VALID_SHIFT	PFN_SUBSECTION_SHIFT
#else
#define PW_VALID_SHIFT	0
#endif

struct pw_walker {
	struct mm_struct *mm;		/* NULL: kernel walk */
	unsigned long valid_sub;	/* last valid subsection + 1, or 0 */
	struct vm_area_struct *vma;
	unsigned int vma_kind;
	bool vma_noted;			/* compact: @vma is in the table */
	bool run_ok;	/* compact runs: last entry is a PTE run in @vma */
	struct pw_memo memo;
	struct pw_out *out;
	struct pw_step steps[MMSCOPE_PAGEWALK_NR_LEVELS];	/* to the entry read */
	struct mmscope_pagewalk_record hole;	/* open run of empty entries */
	struct pw_step hole_steps[MMSCOPE_PAGEWALK_NR_LEVELS];
	unsigned int hole_depth;
	bool hole_open;
	unsigned long stop;		/* first address not written out */
};

/* Entries in one table page: a level folded into the one above. */
static bool pw_same_table(const void *a, const void *b)
{
	return ((unsigned long)a & PAGE_MASK) == ((unsigned long)b & PAGE_MASK);
}

/*
 * Note the entry at @ptr as step @depth of the path and return the depth
 * for the next level. A folded level's *_offset() hands back an entry of
 * the table above: the same pointer (x86_64 with 4 levels, arm64 6.1), or
 * on arm64 6.12 folded at boot the right slot of that table while the
 * level above pointed at a meaningless one. Either way the step replaces
 * the one above, which keeps its name (the root is always "pgd").
 */
static unsigned int pw_step(struct pw_walker *w, unsigned int depth,
			    unsigned int level, void *ptr, u64 raw)
{
	struct pw_step *s;

	if (depth && pw_same_table(w->steps[depth - 1].ptr, ptr)) {
		depth--;
		level = w->steps[depth].level;
	}
	s = &w->steps[depth];
	s->ptr = ptr;
	s->raw = raw;
	s->level = level;
	return depth + 1;
}

/* Level name of the entry just noted (folded levels take the root's). */
static unsigned int pw_level(struct pw_walker *w, unsigned int depth)
{
	return w->steps[depth - 1].level;
}

static void pw_fill_path(struct mmscope_pagewalk_path *p, const struct pw_step *steps,
			 unsigned int depth)
{
	struct mmscope_pagewalk_step *s;
	struct pw_hw hw;
	phys_addr_t pa;
	unsigned int i;

	memset(p, 0, sizeof(*p));
	p->count = depth;
	for (i = 0; i < depth; i++) {
		s = &p->step[i];
		pa = __pa(steps[i].ptr);
		s->raw = steps[i].raw;
		s->entry_pa = pa;
		s->index = offset_in_page(pa) / sizeof(u64);
		s->level = steps[i].level;
		pw_arch_decode(s->raw, s->level, false, &hw);
		s->hw = hw.hw;
		s->desc_type = hw.desc_type;
		if (i)
			p->step[i - 1].next_pa = pa - s->index * sizeof(u64);
	}
}

static unsigned int pw_vma_kind(struct vm_area_struct *vma)
{
	if (!vma)
		return MMSCOPE_PAGEWALK_VMA_NONE;
	if (is_vm_hugetlb_page(vma))
		return MMSCOPE_PAGEWALK_VMA_HUGETLB;
	if (vma->vm_flags & (VM_PFNMAP | VM_IO | VM_MIXEDMAP))
		return MMSCOPE_PAGEWALK_VMA_SPECIAL;
	if (vma_is_anonymous(vma))
		return MMSCOPE_PAGEWALK_VMA_ANON;
	/* vdso, vvar, ...: vm_ops of their own, no file */
	if (!vma->vm_file)
		return MMSCOPE_PAGEWALK_VMA_SPECIAL;
	/* shmem_mapping() is not exported on 6.1: tmpfs is shmem. */
	if (file_inode(vma->vm_file)->i_sb->s_magic == TMPFS_MAGIC)
		return MMSCOPE_PAGEWALK_VMA_SHMEM;
	return MMSCOPE_PAGEWALK_VMA_FILE;
}

static void pw_record_init(struct pw_walker *w, struct mmscope_pagewalk_record *r,
			   unsigned long va, unsigned long size,
			   unsigned int level, u64 raw)
{
	struct vm_area_struct *vma = w->vma;

	memset(r, 0, sizeof(*r));
	r->va = va;
	r->size = size;
	r->level = level;
	r->raw = raw;
	r->pfn = MMSCOPE_PAGEWALK_NO_PFN;
	r->vma_kind = w->vma_kind;
	if (vma) {
		r->vma_start = vma->vm_start;
		r->vma_end = vma->vm_end;
		r->vma_flags = vma->vm_flags;
		r->vma_pgoff = vma->vm_pgoff;
	}
}

/*
 * Compact format: make sure the VMA [start, end) is the table's last row
 * before an entry inside it is written. -ENOSPC when the table is full.
 */
static int pw_note_vma(struct pw_out *out, u64 start, u64 end, u64 flags,
		       u64 pgoff, unsigned int kind)
{
	struct mmscope_pagewalk_vma *v = &out->last;

	if (!out->vmas || !end)
		return 0;
	if (out->have_last && v->start == start && v->end == end &&
	    v->flags == flags && v->pgoff == pgoff && v->kind == kind)
		return 0;
	if (out->nvma == out->vma_max)
		return -ENOSPC;
	memset(v, 0, sizeof(*v));
	v->start = start;
	v->end = end;
	v->flags = flags;
	v->pgoff = pgoff;
	v->kind = kind;
	out->have_last = true;
	out->vmas[out->nvma++] = *v;
	return 0;
}

static int pw_note_walker_vma(struct pw_walker *w)
{
	struct vm_area_struct *vma = w->vma;
	int ret;

	if (!vma || w->vma_noted)
		return 0;
	ret = pw_note_vma(w->out, vma->vm_start, vma->vm_end, vma->vm_flags,
			  vma->vm_pgoff, w->vma_kind);
	if (!ret)
		w->vma_noted = true;
	return ret;
}

static void pw_entry_from_record(struct mmscope_pagewalk_entry *e,
				 const struct mmscope_pagewalk_record *r)
{
	memset(e, 0, sizeof(*e));
	e->va = r->va;
	e->raw = r->raw;
	e->pfn = r->state == MMSCOPE_PAGEWALK_SWAP ? r->swap_offset : r->pfn;
	e->pages = r->size >> PAGE_SHIFT;
	e->hw = r->hw;
	e->linux_flags = r->linux_flags;
	e->level = r->level;
	e->state = r->state;
	e->swap_type = r->swap_type;
	e->attr = r->attr;
	e->sh = r->sh;
	e->desc_pkey = IS_ENABLED(CONFIG_ARM64) ? r->desc_type : r->pkey;
}

static int pw_append(struct pw_walker *w, const struct mmscope_pagewalk_record *r,
		     const struct pw_step *steps, unsigned int depth)
{
	struct pw_out *out = w->out;

	if (out->n == out->max)
		goto full;
	if (out->ents) {
		if (pw_note_vma(out, r->vma_start, r->vma_end, r->vma_flags,
				r->vma_pgoff, r->vma_kind))
			goto full;
		pw_entry_from_record(&out->ents[out->n++], r);
		w->run_ok = false;
		return 0;
	}
	out->recs[out->n] = *r;
	if (out->paths)
		pw_fill_path(&out->paths[out->n], steps, depth);
	out->n++;
	return 0;
full:
	w->stop = r->va;
	return -ENOSPC;
}

static int pw_flush_hole(struct pw_walker *w)
{
	int ret;

	if (!w->hole_open)
		return 0;
	ret = pw_append(w, &w->hole, w->hole_steps, w->hole_depth);
	if (!ret)
		w->hole_open = false;
	return ret;
}

/* The most a compact entry covers: its @pages is 32 bits. */
#define PW_ENTRY_MAX	((unsigned long)U32_MAX << PAGE_SHIFT)

/* [addr, end) holds nothing at @level: extend the open run or start one. */
static int pw_hole_one(struct pw_walker *w, unsigned int depth,
		       unsigned long addr, unsigned long end,
		       unsigned int level, u64 raw)
{
	unsigned long vma_start = w->vma ? w->vma->vm_start : 0;
	int ret;

	if (w->hole_open && w->hole.va + w->hole.size == addr &&
	    w->hole.vma_start == vma_start &&
	    (!w->out->ents || w->hole.size <= PW_ENTRY_MAX - (end - addr))) {
		w->hole.size += end - addr;
		return 0;
	}
	ret = pw_flush_hole(w);
	if (ret)
		return ret;
	pw_record_init(w, &w->hole, addr, end - addr, level, raw);
	memcpy(w->hole_steps, w->steps, depth * sizeof(w->steps[0]));
	w->hole_depth = depth;
	w->hole_open = true;
	return 0;
}

static int pw_hole(struct pw_walker *w, unsigned int depth, unsigned long addr,
		   unsigned long end, unsigned int level, u64 raw)
{
	int ret;

	while (w->out->ents && end - addr > PW_ENTRY_MAX) {
		ret = pw_hole_one(w, depth, addr, addr + PW_ENTRY_MAX, level,
				  raw);
		if (ret)
			return ret;
		addr += PW_ENTRY_MAX;
	}
	return pw_hole_one(w, depth, addr, end, level, raw);
}

/*
 * ANON and EXCLUSIVE of the page at @pfn, for an entry whose other Linux
 * flags are @l. The entry's lock is held, so the page it maps cannot be
 * freed while its flags are read.
 */
static u32 pw_page_flags(struct pw_walker *w, u32 l, unsigned long pfn)
{
	unsigned long sub = (pfn >> PW_VALID_SHIFT) + 1;
	struct page *page;
	u32 f = 0;

	if (!w->mm || (l & (MMSCOPE_PAGEWALK_L_SPECIAL | MMSCOPE_PAGEWALK_L_DEVMAP)))
		return 0;
	if (sub != w->valid_sub) {
		if (!pfn_valid(pfn))
			return 0;
		w->valid_sub = sub;
	}
	page = pfn_to_page(pfn);
	if (PageAnon(page)) {
		f |= MMSCOPE_PAGEWALK_L_ANON;
		if (PageAnonExclusive(page))
			f |= MMSCOPE_PAGEWALK_L_EXCLUSIVE;
	}
	return f;
}

/*
 * The Linux view of a present entry that does not depend on the page it
 * maps; its state in *state.
 */
static u32 pw_present_flags(u64 raw, u64 hw, unsigned int level, u8 *state)
{
	pte_t e = __pte(raw);
	u32 l = MMSCOPE_PAGEWALK_L_PRESENT;

	*state = MMSCOPE_PAGEWALK_PRESENT;
	if (pte_protnone(e)) {
		*state = MMSCOPE_PAGEWALK_PROTNONE;
		l |= MMSCOPE_PAGEWALK_L_PROTNONE;
	} else if (!(hw & 1)) {
		/* bit 0 is P on x86 and VALID on arm64 */
		l |= MMSCOPE_PAGEWALK_L_INVALID;
	}
	if (pte_write(e))
		l |= MMSCOPE_PAGEWALK_L_WRITE;
	if (pte_dirty(e))
		l |= MMSCOPE_PAGEWALK_L_DIRTY;
	if (pte_young(e))
		l |= MMSCOPE_PAGEWALK_L_YOUNG;
	if (pte_special(e))
		l |= MMSCOPE_PAGEWALK_L_SPECIAL;
	if (pte_soft_dirty(e))
		l |= MMSCOPE_PAGEWALK_L_SOFT_DIRTY;
	if (mmscope_pte_uffd_wp(e))
		l |= MMSCOPE_PAGEWALK_L_UFFD_WP;
	if (mmscope_pte_devmap(e))
		l |= MMSCOPE_PAGEWALK_L_DEVMAP;
	if (level != MMSCOPE_PAGEWALK_PTE)
		l |= MMSCOPE_PAGEWALK_L_HUGE;
	return l;
}

static void pw_decode_present(struct pw_walker *w, struct mmscope_pagewalk_record *r,
			      unsigned long pfn)
{
	u32 l = pw_present_flags(r->raw, r->hw, r->level, &r->state);

	r->pfn = pfn;
	if (r->level == MMSCOPE_PAGEWALK_PTE && is_zero_pfn(pfn))
		l |= MMSCOPE_PAGEWALK_L_ZERO;
	r->linux_flags = l | pw_page_flags(w, l, pfn);
}

/*
 * Another present PTE at @va: with MMSCOPE_PAGEWALK_RUNS, fold it into the last
 * record written when that is a PTE run it continues (next address, raw
 * and pfn one page on, so every bit but the address is the same) and the
 * page it maps looks the same to Linux. The caller holds the PTE lock.
 */
static bool pw_extend_run(struct pw_walker *w, unsigned long va, u64 raw,
			  unsigned long pfn)
{
	struct pw_out *out = w->out;
	struct mmscope_pagewalk_record *r;
	unsigned long pages;
	u32 l;

	if (!out->runs || !out->n || w->hole_open)
		return false;
	r = &out->recs[out->n - 1];
	pages = r->size >> PAGE_SHIFT;
	if (r->level != MMSCOPE_PAGEWALK_PTE || r->state != MMSCOPE_PAGEWALK_PRESENT ||
	    r->va + r->size != va || r->raw + r->size != raw ||
	    r->pfn + pages != pfn || (r->linux_flags & MMSCOPE_PAGEWALK_L_ZERO) ||
	    r->vma_start != (w->vma ? w->vma->vm_start : 0))
		return false;
	l = r->linux_flags & ~(MMSCOPE_PAGEWALK_L_ANON | MMSCOPE_PAGEWALK_L_EXCLUSIVE);
	if ((l | pw_page_flags(w, l, pfn)) != r->linux_flags)
		return false;
	r->size += PAGE_SIZE;
	return true;
}

static void pw_decode_nonpresent(struct mmscope_pagewalk_record *r)
{
	static const u8 states[] = {
		[MMSCOPE_SOFTPTE_SWAP] = MMSCOPE_PAGEWALK_SWAP,
		[MMSCOPE_SOFTPTE_MIGRATION] = MMSCOPE_PAGEWALK_MIGRATION,
		[MMSCOPE_SOFTPTE_DEVICE] = MMSCOPE_PAGEWALK_DEVICE,
		[MMSCOPE_SOFTPTE_HWPOISON] = MMSCOPE_PAGEWALK_HWPOISON,
		[MMSCOPE_SOFTPTE_MARKER] = MMSCOPE_PAGEWALK_MARKER,
		[MMSCOPE_SOFTPTE_OTHER] = MMSCOPE_PAGEWALK_BAD,
	};
	pte_t e = __pte(r->raw);
	struct mmscope_softpte s;

	mmscope_softpte_decode(e, &s);
	r->swap_type = s.type;
	r->swap_offset = s.offset;
	r->state = states[s.kind];
	if (pte_swp_soft_dirty(e))
		r->linux_flags |= MMSCOPE_PAGEWALK_L_SOFT_DIRTY;
	if (mmscope_pte_swp_uffd_wp(e))
		r->linux_flags |= MMSCOPE_PAGEWALK_L_UFFD_WP;
	if (s.kind == MMSCOPE_SOFTPTE_MIGRATION ||
	    s.kind == MMSCOPE_SOFTPTE_DEVICE ||
	    s.kind == MMSCOPE_SOFTPTE_HWPOISON)
		r->pfn = s.pfn;
	if (s.migration_write)
		r->linux_flags |= MMSCOPE_PAGEWALK_L_WRITE_MIG;
	if (s.kind == MMSCOPE_SOFTPTE_SWAP && pte_swp_exclusive(e))
		r->linux_flags |= MMSCOPE_PAGEWALK_L_EXCLUSIVE;
}

/*
 * A leaf at @level: @present is the level's own *_present() (on x86 a
 * large entry under split is present without _PAGE_PRESENT).
 */
static int pw_leaf(struct pw_walker *w, unsigned int depth, unsigned long va,
		   unsigned long size, unsigned int level, u64 raw,
		   bool present, unsigned long pfn)
{
	struct mmscope_pagewalk_record r;
	struct pw_hw hw;
	int ret;

	pw_record_init(w, &r, va, size, level, raw);
	pw_arch_decode(raw, level, true, &hw);
	r.hw = hw.hw;
	r.desc_type = hw.desc_type;
	r.attr = hw.attr;
	r.mair = hw.mair;
	r.sh = hw.sh;
	r.pkey = hw.pkey;
	if (present)
		pw_decode_present(w, &r, pfn);
	else if (w->mm)
		pw_decode_nonpresent(&r);
	else
		r.state = MMSCOPE_PAGEWALK_BAD;
	ret = pw_flush_hole(w);
	if (ret)
		return ret;
	return pw_append(w, &r, w->steps, depth);
}

static void pw_memo_fill(struct pw_memo *m, u64 raw, unsigned long pfn)
{
	struct mmscope_pagewalk_entry *t = &m->tmpl;
	struct pw_hw hw;

	pw_arch_decode(raw, MMSCOPE_PAGEWALK_PTE, true, &hw);
	memset(t, 0, sizeof(*t));
	t->pages = 1;
	t->hw = hw.hw;
	t->level = MMSCOPE_PAGEWALK_PTE;
	t->attr = hw.attr;
	t->sh = hw.sh;
	t->desc_pkey = IS_ENABLED(CONFIG_ARM64) ? hw.desc_type : hw.pkey;
	m->linux_flags = pw_present_flags(raw, hw.hw, MMSCOPE_PAGEWALK_PTE,
					  &t->state);
	m->valid = true;
}

/*
 * A present PTE in the compact format without paths: decoded once per
 * kind of entry (pw_memo), written straight into the output, or merged
 * into the run before it with MMSCOPE_PAGEWALK_RUNS. The PTE lock is held.
 */
static int pw_pte_compact(struct pw_walker *w, unsigned long va, pte_t val)
{
	struct pw_memo *m = &w->memo;
	struct pw_out *out = w->out;
	unsigned long pfn = pte_pfn(val);
	u64 raw = pte_val(val);
	struct mmscope_pagewalk_entry *e;
	u32 l;
	int ret;

	if (!m->valid || raw - m->raw != (u64)(pfn - m->pfn) << PAGE_SHIFT)
		pw_memo_fill(m, raw, pfn);
	m->raw = raw;
	m->pfn = pfn;
	l = m->linux_flags;
	if (is_zero_pfn(pfn))
		l |= MMSCOPE_PAGEWALK_L_ZERO;
	l |= pw_page_flags(w, l, pfn);

	if (out->runs && w->run_ok && !w->hole_open) {
		e = &out->ents[out->n - 1];
		if (e->va + ((u64)e->pages << PAGE_SHIFT) == va &&
		    e->raw + ((u64)e->pages << PAGE_SHIFT) == raw &&
		    e->pfn + e->pages == pfn && e->linux_flags == l &&
		    !(l & MMSCOPE_PAGEWALK_L_ZERO) && e->pages < U32_MAX) {
			e->pages++;
			return 0;
		}
	}
	ret = pw_flush_hole(w);
	if (ret)
		return ret;
	if (out->n == out->max || pw_note_walker_vma(w)) {
		w->stop = va;
		return -ENOSPC;
	}
	e = &out->ents[out->n++];
	*e = m->tmpl;
	e->va = va;
	e->raw = raw;
	e->pfn = pfn;
	e->linux_flags = l;
	w->run_ok = m->tmpl.state == MMSCOPE_PAGEWALK_PRESENT;
	return 0;
}

static int pw_walk_pte(struct pw_walker *w, unsigned int depth, pmd_t *pmd,
		       unsigned long addr, unsigned long end, bool *retry)
{
	bool compact = w->out->ents && !w->out->paths;
	spinlock_t *ptl = NULL;
	pte_t *start, *pte;
	unsigned int d;
	pte_t val;
	int ret = 0;

	if (w->mm) {
		start = mmscope_pte_map_lock(w->mm, pmd, addr, &ptl);
		if (!start) {
			*retry = true;
			return 0;
		}
	} else {
		start = pte_offset_kernel(pmd, addr);
	}
	for (pte = start; addr != end; pte++, addr += PAGE_SIZE) {
		val = ptep_get(pte);
		/* compact entries have no path: no step to note */
		if (compact && !pte_none(val) && pte_present(val)) {
			ret = pw_pte_compact(w, addr, val);
			if (ret)
				break;
			continue;
		}
		d = pw_step(w, depth, MMSCOPE_PAGEWALK_PTE, pte, pte_val(val));
		if (pte_none(val))
			ret = pw_hole(w, d, addr, addr + PAGE_SIZE,
				      MMSCOPE_PAGEWALK_PTE, pte_val(val));
		else if (pte_present(val) &&
			 pw_extend_run(w, addr, pte_val(val), pte_pfn(val)))
			ret = 0;
		else
			ret = pw_leaf(w, d, addr, PAGE_SIZE, MMSCOPE_PAGEWALK_PTE,
				      pte_val(val), pte_present(val),
				      pte_pfn(val));
		if (ret)
			break;
	}
	if (ptl)
		mmscope_pte_unmap_unlock(start, ptl);
	return ret;
}

static bool pw_pmd_is_leaf(pmd_t pmd)
{
	return !pmd_present(pmd) || pmd_leaf(pmd) || pmd_trans_huge(pmd) ||
	       mmscope_pmd_devmap(pmd);
}

static int pw_walk_pmd(struct pw_walker *w, unsigned int depth, pud_t *pud,
		       unsigned long addr, unsigned long end)
{
	unsigned long next;
	spinlock_t *ptl;	/* the PMD's lock, for a leaf */
	bool retry;
	unsigned int d;
	pmd_t *pmd;
	pmd_t val;
	int ret;

	pmd = pmd_offset(pud, addr);
	do {
		next = pmd_addr_end(addr, end);
again:
		val = READ_ONCE(*pmd);
		d = pw_step(w, depth, MMSCOPE_PAGEWALK_PMD, pmd, pmd_val(val));
		retry = false;
		if (pmd_none(val)) {
			ret = pw_hole(w, d, addr, next, MMSCOPE_PAGEWALK_PMD,
				      pmd_val(val));
		} else if (pw_pmd_is_leaf(val)) {
			ptl = w->mm ? pmd_lock(w->mm, pmd) : NULL;
			val = READ_ONCE(*pmd);
			if (ptl && (pmd_none(val) || !pw_pmd_is_leaf(val))) {
				spin_unlock(ptl);
				goto again;
			}
			d = pw_step(w, depth, MMSCOPE_PAGEWALK_PMD, pmd,
				    pmd_val(val));
			/* a leaf covers its whole block, wherever addr is */
			ret = pw_leaf(w, d, addr & PMD_MASK, PMD_SIZE,
				      MMSCOPE_PAGEWALK_PMD, pmd_val(val),
				      pmd_present(val), pmd_pfn(val));
			if (ptl)
				spin_unlock(ptl);
		} else if (pmd_bad(val)) {
			ret = pw_leaf(w, d, addr & PMD_MASK, PMD_SIZE,
				      MMSCOPE_PAGEWALK_PMD, pmd_val(val), false, 0);
		} else {
			ret = pw_walk_pte(w, d, pmd, addr, next, &retry);
			if (!ret && retry)
				goto again;
		}
		if (ret)
			return ret;
	} while (pmd++, addr = next, addr != end);
	return 0;
}

static bool pw_pud_is_leaf(pud_t pud)
{
	return !pud_present(pud) || pud_leaf(pud) || mmscope_pud_devmap(pud);
}

static int pw_walk_pud(struct pw_walker *w, unsigned int depth, p4d_t *p4d,
		       unsigned long addr, unsigned long end)
{
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
		d = pw_step(w, depth, MMSCOPE_PAGEWALK_PUD, pud, pud_val(val));
		if (pud_none(val)) {
			ret = pw_hole(w, d, addr, next, pw_level(w, d),
				      pud_val(val));
		} else if (pw_pud_is_leaf(val)) {
			ptl = w->mm ? pud_lock(w->mm, pud) : NULL;
			val = READ_ONCE(*pud);
			if (ptl && (pud_none(val) || !pw_pud_is_leaf(val))) {
				spin_unlock(ptl);
				goto again;
			}
			d = pw_step(w, depth, MMSCOPE_PAGEWALK_PUD, pud,
				    pud_val(val));
			ret = pw_leaf(w, d, addr & PUD_MASK, PUD_SIZE,
				      MMSCOPE_PAGEWALK_PUD, pud_val(val),
				      pud_present(val), pud_pfn(val));
			if (ptl)
				spin_unlock(ptl);
		} else if (pud_bad(val)) {
			ret = pw_leaf(w, d, addr & PUD_MASK, PUD_SIZE,
				      MMSCOPE_PAGEWALK_PUD, pud_val(val), false, 0);
		} else {
			ret = pw_walk_pmd(w, d, pud, addr, next);
		}
		if (ret)
			return ret;
	} while (pud++, addr = next, addr != end);
	return 0;
}

static int pw_walk_p4d(struct pw_walker *w, unsigned int depth, pgd_t *pgd,
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
		d = pw_step(w, depth, MMSCOPE_PAGEWALK_P4D, p4d, p4d_val(val));
		if (p4d_none(val))
			ret = pw_hole(w, d, addr, next, pw_level(w, d),
				      p4d_val(val));
		else if (p4d_bad(val))
			ret = pw_leaf(w, d, addr, next - addr, pw_level(w, d),
				      p4d_val(val), false, 0);
		else
			ret = pw_walk_pud(w, d, p4d, addr, next);
		if (ret)
			return ret;
	} while (p4d++, addr = next, addr != end);
	return 0;
}

static int pw_walk_pgd(struct pw_walker *w, pgd_t *root, unsigned long addr,
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
		d = pw_step(w, 0, MMSCOPE_PAGEWALK_PGD, pgd, pgd_val(val));
		if (pgd_none(val))
			ret = pw_hole(w, d, addr, next, pw_level(w, d),
				      pgd_val(val));
		else if (pgd_bad(val))
			ret = pw_leaf(w, d, addr, next - addr, pw_level(w, d),
				      pgd_val(val), false, 0);
		else
			ret = pw_walk_p4d(w, d, pgd, addr, next);
		if (ret)
			return ret;
	} while (pgd++, addr = next, addr != end);
	return 0;
}

/* [addr, end) of the mm: the VMAs in it walked, the gaps one record each. */
static int pw_walk_vmas(struct pw_walker *w, unsigned long addr,
			unsigned long end)
{
	struct vm_area_struct *vma;
	unsigned long vend;
	int ret;

	while (addr < end) {
		vma = find_vma(w->mm, addr);
		w->vma = NULL;
		w->vma_kind = MMSCOPE_PAGEWALK_VMA_NONE;
		if (!vma || vma->vm_start >= end)
			return pw_hole(w, 0, addr, end, MMSCOPE_PAGEWALK_PGD, 0);
		if (addr < vma->vm_start) {
			ret = pw_hole(w, 0, addr, vma->vm_start,
				      MMSCOPE_PAGEWALK_PGD, 0);
			if (ret)
				return ret;
			addr = vma->vm_start;
		}
		w->vma = vma;
		w->vma_kind = pw_vma_kind(vma);
		w->vma_noted = false;
		w->run_ok = false;
		vend = min(end, vma->vm_end);
		ret = pw_walk_pgd(w, w->mm->pgd, addr, vend);
		if (ret)
			return ret;
		addr = vend;
	}
	return 0;
}

int pw_walk(struct mm_struct *mm, unsigned long *addr, unsigned long end,
	    struct pw_out *out)
{
	struct pw_walker *w;
	pgd_t *root;
	int ret;

	w = kzalloc(sizeof(*w), GFP_KERNEL);
	if (!w)
		return -ENOMEM;
	w->mm = mm;
	w->out = out;
	if (mm) {
		ret = mmap_read_lock_killable(mm);
		if (ret)
			goto out;
		ret = pw_walk_vmas(w, *addr, end);
		if (!ret)
			ret = pw_flush_hole(w);
		mmap_read_unlock(mm);
	} else {
		root = pw_kernel_pgd();
		ret = -EOPNOTSUPP;
		if (!root)
			goto out;
		ret = pw_walk_pgd(w, root, *addr, end);
		if (!ret)
			ret = pw_flush_hole(w);
	}
	*addr = ret == -ENOSPC ? w->stop : end;
out:
	kfree(w);
	return ret;
}
