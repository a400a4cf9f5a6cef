// SPDX-License-Identifier: GPL-2.0
/*
 * Collapse and split on demand. Collapse is the kernel's MADV_COLLAPSE
 * path (madvise_collapse(), through the core's resolver) run on the
 * target's mm, as process_madvise() runs it; the khugepaged tracepoints it
 * fires while this task runs it give the kernel's reason for a failure.
 * Split takes a reference on the folio mapped at an address and the folio
 * lock, as the kernel's debugfs split_huge_pages does, and calls the
 * kernel's split.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/hugetlb.h>
#include <linux/mm.h>
#include <linux/pagemap.h>
#include <linux/sched/mm.h>
#include <linux/string.h>

#include <mmscope/core.h>
#include <mmscope/walk.h>

#include "internal.h"
#include "thp_trace.h"

long thp_ioc_collapse(struct file *file, unsigned int cmd, void *arg)
{
	struct mmscope_thp_op *a = arg;
	unsigned long start, end, hstart, hend;
	struct vm_area_struct *vma;
	struct mmscope_range r;
	int ret;

	BUILD_BUG_ON(sizeof(*a) != MMSCOPE_THP_OP_SIZE_VER0);
	if (a->flags || a->order)
		return -EINVAL;
	if (!thp_syms.collapse)
		return -EOPNOTSUPP;
	ret = mmscope_range_get(a->pid, a->start, a->len,
				MMSCOPE_RANGE_MM | MMSCOPE_RANGE_MAPPED, &r);
	if (ret)
		return ret;
	if (mmap_read_lock_killable(r.mm)) {
		ret = -EINTR;
		goto out;
	}
	vma = find_vma(r.mm, r.start);
	if (!vma || vma->vm_start >= r.end) {
		ret = -ENOENT;
		goto unlock;
	}
	start = max_t(unsigned long, r.start, vma->vm_start);
	end = min_t(unsigned long, r.end, vma->vm_end);
	hstart = ALIGN(start, HPAGE_PMD_SIZE);
	hend = end & HPAGE_PMD_MASK;
	/* Nothing to collapse, or a VMA the kernel refuses: say why here. */
	if (hstart >= hend || is_vm_hugetlb_page(vma) ||
	    (vma->vm_flags & (VM_NOHUGEPAGE | VM_PFNMAP | VM_MIXEDMAP | VM_IO))) {
		ret = -EINVAL;
		goto unlock;
	}
	memset(a->scan, 0, sizeof(a->scan));
	if (thp_syms.verdict && !mmscope_thp_collapse_allowed(&thp_syms, vma)) {
		/*
		 * What madvise_collapse() would answer at once (EINVAL, no
		 * scan): named here, with the reason the verdict sees.
		 */
		ret = -EINVAL;
		strscpy(a->scan, thp_vma_refusal(vma) ?: "vma_check_failed",
			sizeof(a->scan));
		mmap_read_unlock(r.mm);
	} else {
		thp_collapse_watch_begin(a->scan, sizeof(a->scan));
		ret = mmscope_thp_collapse(&thp_syms, vma, start, end);
		thp_collapse_watch_end();
		/* it returns with the lock held, vma maybe stale */
		mmap_read_unlock(r.mm);
	}
	a->result = ret ? MMSCOPE_THP_FAILED : MMSCOPE_THP_OK;
	a->err = ret < 0 ? -ret : 0;
	a->done = end;
	trace_thp_collapse(a->pid, start, end, ret, a->scan);
	ret = 0;
	goto out;
unlock:
	mmap_read_unlock(r.mm);
out:
	mmscope_range_put(&r);
	return ret;
}

struct thp_split_find {
	struct folio *folio;
};

/* The folio mapped at the walk's one page, with a reference. */
static int thp_split_take(struct mmscope_walk *w, struct page *page,
			  bool pmd)
{
	struct thp_split_find *f = w->priv;
	struct folio *folio = page_folio(page);

	if (is_vm_hugetlb_page(w->vma))
		return -EINVAL;
	if (!folio_test_large(folio))
		return -EINVAL;
	/* the huge zero page: mapped by a PMD of anon memory, not anon */
	if (pmd && !folio_test_anon(folio) && !folio->mapping)
		return -EINVAL;
	if (!folio_try_get(folio))
		return -EAGAIN;
	f->folio = folio;
	return 1;
}

static int thp_split_pmd(struct mmscope_walk *w, pmd_t *pmdp, pmd_t pmd,
			 unsigned long addr, unsigned long end)
{
	unsigned long pfn = pmd_pfn(pmd) +
			    ((addr & ~HPAGE_PMD_MASK) >> PAGE_SHIFT);

	if (is_vm_hugetlb_page(w->vma))
		return -EINVAL;
	if (!pmd_trans_huge(pmd) || !pfn_valid(pfn))
		return -EINVAL;
	return thp_split_take(w, pfn_to_page(pfn), true);
}

static int thp_split_pte(struct mmscope_walk *w, pte_t *ptep, pte_t pte,
			 unsigned long addr)
{
	unsigned long pfn = pte_pfn(pte);

	if (pte_special(pte) || !pfn_valid(pfn) ||
	    (w->vma->vm_flags & (VM_PFNMAP | VM_MIXEDMAP | VM_IO)))
		return -EINVAL;
	return thp_split_take(w, pfn_to_page(pfn), false);
}

static const struct mmscope_walk_ops thp_split_ops = {
	.leaf_pmd = thp_split_pmd,
	.leaf_pte = thp_split_pte,
	.leaf_pud = NULL,
};

long thp_ioc_split(struct file *file, unsigned int cmd, void *arg)
{
	struct mmscope_thp_op *a = arg;
	struct thp_split_find f = {};
	struct mmscope_walk w = {
		.ops = &thp_split_ops, .priv = &f,
		.mode = MMSCOPE_WALK_LOCKED,
	};
	struct mmscope_range r;
	struct folio *folio;
	int ret;

	if (a->flags || a->len)
		return -EINVAL;
	if (!thp_syms.split)
		return -EOPNOTSUPP;
	if (a->order >= HPAGE_PMD_ORDER)
		return -EINVAL;
	ret = mmscope_range_get(a->pid, a->start, 1,
				MMSCOPE_RANGE_MM | MMSCOPE_RANGE_MAPPED, &r);
	if (ret)
		return ret;
	w.mm = r.mm;
	ret = mmscope_walk(&w, r.start, r.start + PAGE_SIZE);
	mmscope_range_put(&r);
	if (ret < 0)
		return ret;
	if (!f.folio)
		return -ENOENT;
	folio = f.folio;
	a->done = folio_pfn(folio);
	if (a->order >= folio_order(folio)) {
		folio_put(folio);
		return -EINVAL;
	}
	/* A large folio waits in no per-CPU LRU batch: no drain needed. */
	folio_lock(folio);
	if (folio_test_large(folio))
		ret = mmscope_thp_split(&thp_syms, folio, a->order);
	folio_unlock(folio);
	folio_put(folio);
	a->result = ret ? MMSCOPE_THP_FAILED : MMSCOPE_THP_OK;
	a->err = ret < 0 ? -ret : 0;
	memset(a->scan, 0, sizeof(a->scan));
	trace_thp_split(a->pid, a->start, a->done, a->order, ret);
	return 0;
}
