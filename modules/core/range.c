// SPDX-License-Identifier: GPL-2.0
/*
 * The range contract (<mmscope/range.h>, docs/kernel-interfaces.md): one
 * check of (pid, start, len) for every module, so the same mistake gets
 * the same errno whichever module it is made with.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/err.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/overflow.h>
#include <linux/sched/mm.h>

#include <mmscope/compat.h>
#include <mmscope/core.h>

/* Round to pages: [start, end) covers every page a byte of the range is in. */
static int mmscope_range_pages(u64 start, u64 len, struct mmscope_range *r)
{
	u64 last;

	if (!len)
		return -EINVAL;
	if (check_add_overflow(start, len - 1, &last) ||
	    last >= (u64)PAGE_MASK)
		return -EOVERFLOW;
	r->start = start & PAGE_MASK;
	r->end = PAGE_ALIGN(last + 1);
	return 0;
}

/* Some VMA of @mm meets @r: 0, -ENOENT, or -EINTR. */
static int mmscope_range_mapped(struct mm_struct *mm,
				const struct mmscope_range *r)
{
	struct vm_area_struct *vma;
	int ret;

	ret = mmap_read_lock_killable(mm);
	if (ret)
		return ret;
	vma = find_vma(mm, r->start);
	ret = vma && vma->vm_start < r->end ? 0 : -ENOENT;
	mmap_read_unlock(mm);
	return ret;
}

static int mmscope_range_user(pid_t pid, unsigned int flags,
			      struct mmscope_range *r)
{
	struct mm_struct *mm;
	int ret;

	if (r->start >= TASK_SIZE_MAX)
		return -EFAULT;
	if (r->end > TASK_SIZE_MAX)
		return -EOVERFLOW;
	if (!(flags & MMSCOPE_RANGE_MM))
		return 0;
	mm = mmscope_target_get(pid);
	if (IS_ERR(mm))
		return PTR_ERR(mm);
	/* a smaller address space: a compat task, or fewer VA bits */
	ret = r->start >= mm->task_size ? -EFAULT :
	      r->end > mm->task_size ? -EOVERFLOW : 0;
	if (!ret && (flags & MMSCOPE_RANGE_MAPPED))
		ret = mmscope_range_mapped(mm, r);
	if (ret) {
		mmscope_target_put(mm);
		return ret;
	}
	r->mm = mm;
	return 0;
}

int mmscope_range_get(pid_t pid, u64 start, u64 len, unsigned int flags,
		      struct mmscope_range *r)
{
	int ret;

	r->mm = NULL;
	ret = mmscope_range_pages(start, len, r);
	if (ret)
		return ret;
	if (!(flags & MMSCOPE_RANGE_KERNEL))
		return mmscope_range_user(pid, flags, r);
	if (pid)
		return -EINVAL;
	if (r->start < MMSCOPE_KERNEL_VA_MIN)
		return -EFAULT;
	return 0;
}
EXPORT_SYMBOL_GPL(mmscope_range_get);

void mmscope_range_put(struct mmscope_range *r)
{
	if (r->mm)
		mmscope_target_put(r->mm);
	r->mm = NULL;
}
EXPORT_SYMBOL_GPL(mmscope_range_put);

int mmscope_pfn_range_check(u64 pfn, u64 count)
{
	u64 end;

	if (!count)
		return -EINVAL;
	if (check_add_overflow(pfn, count, &end))
		return -EOVERFLOW;
	return 0;
}
EXPORT_SYMBOL_GPL(mmscope_pfn_range_check);
