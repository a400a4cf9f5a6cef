// SPDX-License-Identifier: GPL-2.0
/*
 * What a walk of the pagewalk module finds, decoded: one record per leaf
 * entry or run of empty entries, with the path of tables that led to it.
 * The traversal is the core's walker (<mmscope/walk.h>) in its locked
 * mode: mmap_read_lock, PMD and PUD leaves under pmd_lock()/pud_lock(),
 * PTEs under the PTE table's lock, only the ranges of VMAs; kernel walks
 * take no lock. The output formats are in encode.c.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/fs.h>
#include <linux/hugetlb.h>
#include <linux/magic.h>
#include <linux/mm.h>
#include <linux/page-flags.h>
#include <linux/pgtable.h>
#include <linux/slab.h>
#include <linux/swapops.h>

#include <mmscope/compat.h>
#include <mmscope/walk.h>

#include "internal.h"

static struct pw_walker *pw_of(struct mmscope_walk *walk)
{
	return container_of(walk, struct pw_walker, walk);
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
	struct vm_area_struct *vma = w->walk.vma;

	memset(r, 0, sizeof(*r));
	r->va = va;
	r->size = size;
	r->level = level;
	r->raw = raw;
	r->pfn = MMSCOPE_PAGEWALK_NO_PFN;
	if (vma) {
		r->vma_kind = w->vma_kind;
		r->vma_start = vma->vm_start;
		r->vma_end = vma->vm_end;
		r->vma_flags = vma->vm_flags;
		r->vma_pgoff = vma->vm_pgoff;
	}
}

int __pw_flush_hole(struct pw_walker *w)
{
	int ret;

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
	unsigned long vma_start = w->walk.vma ? w->walk.vma->vm_start : 0;
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
	memcpy(w->hole_steps, w->walk.path, depth * sizeof(w->walk.path[0]));
	w->hole_depth = depth;
	w->hole_open = true;
	return 0;
}

int pw_hole(struct pw_walker *w, unsigned int depth, unsigned long addr,
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
 * The Linux view of a present entry that does not depend on the page it
 * maps; its state in *state.
 */
u32 pw_present_flags(u64 raw, u64 hw, unsigned int level, u8 *state)
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
int pw_leaf(struct pw_walker *w, unsigned int depth, unsigned long va,
	    unsigned long size, unsigned int level, u64 raw, bool present,
	    unsigned long pfn)
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
	else if (w->walk.mm)
		pw_decode_nonpresent(&r);
	else
		r.state = MMSCOPE_PAGEWALK_BAD;
	ret = pw_flush_hole(w);
	if (ret)
		return ret;
	return pw_append(w, &r, w->walk.path, depth);
}

/* The core's callbacks. */
static int pw_on_vma(struct mmscope_walk *walk)
{
	struct pw_walker *w = pw_of(walk);

	w->vma_kind = pw_vma_kind(walk->vma);
	w->vma_noted = false;
	w->run_ok = false;
	return 0;
}

static int pw_on_hole(struct mmscope_walk *walk, unsigned long addr,
		      unsigned long end, unsigned int level, u64 raw)
{
	return pw_hole(pw_of(walk), walk->depth, addr, end, level, raw);
}

/* A PUD or PMD entry covers its whole block, wherever @addr is in it. */
static int pw_on_pud_leaf(struct mmscope_walk *walk, pud_t *pudp, pud_t pud,
			  unsigned long addr, unsigned long end)
{
	return pw_leaf(pw_of(walk), walk->depth, addr & PUD_MASK, PUD_SIZE,
		       MMSCOPE_PAGEWALK_PUD, pud_val(pud), true, pud_pfn(pud));
}

static int pw_on_pmd_leaf(struct mmscope_walk *walk, pmd_t *pmdp, pmd_t pmd,
			  unsigned long addr, unsigned long end)
{
	return pw_leaf(pw_of(walk), walk->depth, addr & PMD_MASK, PMD_SIZE,
		       MMSCOPE_PAGEWALK_PMD, pmd_val(pmd), true, pmd_pfn(pmd));
}

static int pw_on_pte_leaf(struct mmscope_walk *walk, pte_t *ptep, pte_t pte,
			  unsigned long addr)
{
	struct pw_walker *w = pw_of(walk);

	if (pw_extend_run(w, addr, pte_val(pte), pte_pfn(pte)))
		return 0;
	return pw_leaf(w, walk->depth, addr, PAGE_SIZE, MMSCOPE_PAGEWALK_PTE,
		       pte_val(pte), true, pte_pfn(pte));
}

/* Not present, or bad: a record of the entry's block, decoded as such. */
static int pw_on_entry(struct mmscope_walk *walk, void *entry, u64 raw,
		       unsigned int level, unsigned long addr,
		       unsigned long end)
{
	unsigned long va = addr, size = end - addr;

	if (level == MMSCOPE_PAGEWALK_PUD) {
		va = addr & PUD_MASK;
		size = PUD_SIZE;
	} else if (level == MMSCOPE_PAGEWALK_PMD) {
		va = addr & PMD_MASK;
		size = PMD_SIZE;
	}
	return pw_leaf(pw_of(walk), walk->depth, va, size, level, raw, false,
		       0);
}

/* Full records: the core hands over PTEs one by one. */
static const struct mmscope_walk_ops pw_record_ops = {
	.vma = pw_on_vma,
	.hole = pw_on_hole,
	.leaf_pud = pw_on_pud_leaf,
	.leaf_pmd = pw_on_pmd_leaf,
	.leaf_pte = pw_on_pte_leaf,
	.nonpresent = pw_on_entry,
	.bad = pw_on_entry,
};

/* Compact entries without paths: a PTE table at a time (encode.c). */
static const struct mmscope_walk_ops pw_compact_ops = {
	.vma = pw_on_vma,
	.hole = pw_on_hole,
	.leaf_pud = pw_on_pud_leaf,
	.leaf_pmd = pw_on_pmd_leaf,
	.pte_run = pw_pte_run_compact,
	.nonpresent = pw_on_entry,
	.bad = pw_on_entry,
};

/* The core's levels are the UAPI's: records take them as they come. */
#define PW_SAME_LEVEL(name) \
	BUILD_BUG_ON((int)MMSCOPE_WALK_##name != (int)MMSCOPE_PAGEWALK_##name)

int pw_walk(struct mm_struct *mm, unsigned long *addr, unsigned long end,
	    struct pw_out *out)
{
	struct pw_walker *w;
	int ret;

	PW_SAME_LEVEL(PGD);
	PW_SAME_LEVEL(P4D);
	PW_SAME_LEVEL(PUD);
	PW_SAME_LEVEL(PMD);
	PW_SAME_LEVEL(PTE);
	PW_SAME_LEVEL(NR_LEVELS);
	w = kzalloc(sizeof(*w), GFP_KERNEL);
	if (!w)
		return -ENOMEM;
	w->walk.ops = out->ents && !out->paths ? &pw_compact_ops :
						 &pw_record_ops;
	w->walk.mode = MMSCOPE_WALK_LOCKED;
	w->walk.mm = mm;
	w->out = out;
	if (!mm) {
		w->walk.pgd = pw_kernel_pgd();
		ret = -EOPNOTSUPP;
		if (!w->walk.pgd)
			goto out;
	}
	ret = mmscope_walk(&w->walk, *addr, end);
	if (!ret)
		ret = pw_flush_hole(w);
	*addr = ret == -ENOSPC ? w->stop : end;
out:
	kfree(w);
	return ret;
}
