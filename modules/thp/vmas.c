// SPDX-License-Identifier: GPL-2.0
/*
 * Each VMA of a process and the kernel's own THP verdict on it: the
 * function smaps' THPeligible line asks (through the core's resolver),
 * the orders it allows, and the reasons this module can see for a no.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/hugetlb.h>
#include <linux/mm.h>
#include <linux/sched/mm.h>
#include <linux/seq_file.h>
#include <linux/shmem_fs.h>
#include <linux/slab.h>

#include <mmscope/core.h>

#include "internal.h"

/* Records per hold of the mmap lock. */
#define THP_VMAS_CHUNK	64

static unsigned int thp_vma_kind(struct vm_area_struct *vma)
{
	if (is_vm_hugetlb_page(vma))
		return MMSCOPE_THP_KIND_HUGETLB;
	if (vma->vm_flags & (VM_PFNMAP | VM_MIXEDMAP | VM_IO))
		return MMSCOPE_THP_KIND_SPECIAL;
	if (vma_is_anonymous(vma))
		return MMSCOPE_THP_KIND_ANON;
	if (!vma->vm_file)
		return MMSCOPE_THP_KIND_SPECIAL;
	if (shmem_mapping(vma->vm_file->f_mapping))
		return MMSCOPE_THP_KIND_SHMEM;
	return MMSCOPE_THP_KIND_FILE;
}

/* What this module can name about a VMA the kernel said no to. */
static u64 thp_vma_reasons(struct vm_area_struct *vma, unsigned int kind)
{
	unsigned long hstart = ALIGN(vma->vm_start, HPAGE_PMD_SIZE);
	u64 r = 0;

	if (vma->vm_flags & VM_NOHUGEPAGE)
		r |= BIT_ULL(MMSCOPE_THP_R_VM_NOHUGEPAGE);
	if (mmscope_thp_prctl_disabled(vma))
		r |= BIT_ULL(MMSCOPE_THP_R_PRCTL_DISABLE);
	if (vma->vm_end - vma->vm_start < HPAGE_PMD_SIZE)
		r |= BIT_ULL(MMSCOPE_THP_R_TOO_SMALL);
	else if (hstart + HPAGE_PMD_SIZE > vma->vm_end)
		r |= BIT_ULL(MMSCOPE_THP_R_UNALIGNED);
	switch (kind) {
	case MMSCOPE_THP_KIND_HUGETLB:
		r |= BIT_ULL(MMSCOPE_THP_R_HUGETLB);
		break;
	case MMSCOPE_THP_KIND_SPECIAL:
		r |= BIT_ULL(MMSCOPE_THP_R_SPECIAL);
		break;
	case MMSCOPE_THP_KIND_FILE:
		r |= BIT_ULL(MMSCOPE_THP_R_FILE);
		break;
	case MMSCOPE_THP_KIND_SHMEM:
		r |= BIT_ULL(MMSCOPE_THP_R_SHMEM);
		break;
	default:
		if (!r && (vma->vm_flags & (VM_GROWSDOWN | VM_GROWSUP)))
			r |= BIT_ULL(MMSCOPE_THP_R_STACK);
	}
	return r;
}

/*
 * The name of the first reason this module sees for a VMA the kernel
 * refuses, or NULL when it sees none.
 */
const char *thp_vma_refusal(struct vm_area_struct *vma)
{
	u64 r = thp_vma_reasons(vma, thp_vma_kind(vma));

	return r ? thp_reason_names[__ffs64(r)] : NULL;
}

static void thp_vma_fill(struct vm_area_struct *vma,
			 struct mmscope_thp_vma *v)
{
	bool exact;

	memset(v, 0, sizeof(*v));
	v->start = vma->vm_start;
	v->end = vma->vm_end;
	v->kind = thp_vma_kind(vma);
	v->orders = mmscope_thp_vma_orders(&thp_syms, vma, &exact);
	if (exact)
		v->flags |= MMSCOPE_THP_VMA_ORDERS_KNOWN;
	if (v->orders)
		v->flags |= MMSCOPE_THP_VMA_ELIGIBLE;
	else
		v->reasons = thp_vma_reasons(vma, v->kind);
	if (vma->vm_flags & VM_HUGEPAGE)
		v->flags |= MMSCOPE_THP_VMA_HUGEPAGE;
	if (vma->vm_flags & VM_NOHUGEPAGE)
		v->flags |= MMSCOPE_THP_VMA_NOHUGEPAGE;
	if (mmscope_thp_prctl_disabled(vma))
		v->flags |= MMSCOPE_THP_VMA_PRCTL;
	if (mmscope_thp_mm_registered(vma->vm_mm))
		v->flags |= MMSCOPE_THP_VMA_KHUGEPAGED;
}

/*
 * Up to max VMAs ending above *addr, under one hold of the mmap lock;
 * *addr moves past the last one, or to 0 after the last VMA of the mm.
 */
static int thp_vmas_get(struct mm_struct *mm, unsigned long *addr,
			struct mmscope_thp_vma *recs, unsigned int max)
{
	struct vm_area_struct *vma;
	struct vma_iterator vmi;
	unsigned int n = 0;

	if (mmap_read_lock_killable(mm))
		return -EINTR;
	vma_iter_init(&vmi, mm, *addr);
	for_each_vma(vmi, vma) {
		if (n == max)
			break;
		thp_vma_fill(vma, &recs[n++]);
		*addr = vma->vm_end;
	}
	if (!vma)
		*addr = 0;
	mmap_read_unlock(mm);
	return n;
}

long thp_ioc_vmas(struct file *file, unsigned int cmd, void *arg)
{
	struct mmscope_thp_vmas *a = arg;
	struct mmscope_thp_vma *recs;
	unsigned long addr = a->start;
	unsigned int done = 0;
	struct mm_struct *mm;
	int n, ret = 0;

	BUILD_BUG_ON(sizeof(*a) != MMSCOPE_THP_VMAS_SIZE_VER0);
	if (a->flags)
		return -EINVAL;
	if (a->count && (!a->records || !a->record_size))
		return -EINVAL;
	if (!thp_syms.verdict)
		return -EOPNOTSUPP;
	mm = mmscope_target_get(a->pid);
	if (IS_ERR(mm))
		return PTR_ERR(mm);
	recs = kmalloc_array(THP_VMAS_CHUNK, sizeof(*recs), GFP_KERNEL);
	if (!recs) {
		ret = -ENOMEM;
		goto out;
	}
	while (done < a->count) {
		n = thp_vmas_get(mm, &addr, recs,
				 min_t(u32, a->count - done, THP_VMAS_CHUNK));
		if (n < 0) {
			ret = n;
			break;
		}
		ret = mmscope_copy_array(a->records +
					 (u64)done * a->record_size,
					 recs, n, sizeof(*recs),
					 a->record_size);
		if (ret)
			break;
		done += n;
		if (!addr)
			break;
	}
	kfree(recs);
	if (!ret) {
		a->count = done;
		a->next = a->count ? addr : a->start;
		a->pmd_order = HPAGE_PMD_ORDER;
	}
out:
	mmscope_target_put(mm);
	return ret;
}

int thp_vmas_show_pid(struct seq_file *m, pid_t pid)
{
	struct mmscope_thp_vma *recs;
	unsigned long addr = 0;
	struct mm_struct *mm;
	int n, i, b, ret = 0;

	if (!thp_syms.verdict) {
		seq_puts(m, "the kernel's THP verdict is not resolved here\n");
		return 0;
	}
	mm = mmscope_target_get(pid);
	if (IS_ERR(mm))
		return PTR_ERR(mm);
	recs = kmalloc_array(THP_VMAS_CHUNK, sizeof(*recs), GFP_KERNEL);
	if (!recs) {
		mmscope_target_put(mm);
		return -ENOMEM;
	}
	seq_printf(m, "# pid %d: start end kind eligible orders flags reasons\n",
		   pid);
	do {
		n = thp_vmas_get(mm, &addr, recs, THP_VMAS_CHUNK);
		if (n < 0) {
			ret = n;
			break;
		}
		for (i = 0; i < n; i++) {
			struct mmscope_thp_vma *v = &recs[i];

			seq_printf(m, "%012llx-%012llx %-7s %d 0x%llx %c%c%c%c",
				   v->start, v->end, thp_kind_names[v->kind],
				   !!(v->flags & MMSCOPE_THP_VMA_ELIGIBLE),
				   v->orders,
				   v->flags & MMSCOPE_THP_VMA_HUGEPAGE ? 'h' : '-',
				   v->flags & MMSCOPE_THP_VMA_NOHUGEPAGE ? 'n' : '-',
				   v->flags & MMSCOPE_THP_VMA_PRCTL ? 'p' : '-',
				   v->flags & MMSCOPE_THP_VMA_KHUGEPAGED ? 'k' : '-');
			for (b = 0; b < MMSCOPE_THP_NR_REASONS; b++)
				if (v->reasons & BIT_ULL(b))
					seq_printf(m, " %s", thp_reason_names[b]);
			seq_putc(m, '\n');
		}
	} while (addr);
	kfree(recs);
	mmscope_target_put(mm);
	return ret;
}
