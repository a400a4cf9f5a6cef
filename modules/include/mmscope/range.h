/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The range contract: every module that takes (pid, start, len) or a
 * kernel (start, len) checks it here, so one range gets one errno in every
 * module. The table is in docs/kernel-interfaces.md ("Ranges"); in the
 * order of the checks:
 *
 *   len 0                                          -EINVAL
 *   start + len wraps (after rounding to pages)    -EOVERFLOW
 *   a kernel range with a pid                      -EINVAL
 *   a pid range starting at or past the user limit -EFAULT
 *   a kernel range starting below the kernel half  -EFAULT
 *   a pid range ending past the user limit         -EOVERFLOW
 *   pid <= 0 or a kernel thread                    -EINVAL  (MMSCOPE_RANGE_MM)
 *   no such process, or it exited                  -ESRCH   (MMSCOPE_RANGE_MM)
 *   no VMA meets the range                         -ENOENT  (MMSCOPE_RANGE_MAPPED)
 *
 * An unaligned start is rounded down and the end rounded up: the range
 * covers every page a byte of [start, start + len) is in.
 */
#ifndef _MMSCOPE_RANGE_H
#define _MMSCOPE_RANGE_H

#include <linux/bits.h>
#include <linux/types.h>

struct mm_struct;

/* A kernel range: @pid must be 0, addresses in the kernel half. */
#define MMSCOPE_RANGE_KERNEL	BIT(0)
/* Look the pid up and keep its mm in @mm (release: mmscope_range_put()). */
#define MMSCOPE_RANGE_MM	BIT(1)
/* With MMSCOPE_RANGE_MM: -ENOENT unless a VMA meets the range. */
#define MMSCOPE_RANGE_MAPPED	BIT(2)

/**
 * struct mmscope_range - a checked range
 * @start: first byte, page aligned
 * @end: one past the last byte, page aligned, > @start
 * @mm: with MMSCOPE_RANGE_MM, the target's mm with a reference; else NULL
 */
struct mmscope_range {
	u64 start;
	u64 end;
	struct mm_struct *mm;
};

/*
 * Check (@pid, @start, @len) against the contract above and fill @r.
 * Returns 0 or the contract's negative errno (with nothing held).
 */
int mmscope_range_get(pid_t pid, u64 start, u64 len, unsigned int flags,
		      struct mmscope_range *r);

/* Drop what mmscope_range_get() took (the mm, if any). */
void mmscope_range_put(struct mmscope_range *r);

/* A pfn range (first pfn, count): only len 0 -EINVAL and a wrap -EOVERFLOW. */
int mmscope_pfn_range_check(u64 pfn, u64 count);

#endif /* _MMSCOPE_RANGE_H */
