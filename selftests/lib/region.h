/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Regions of memory of each kind a selftest compares against the
 * kernel's own views: private anonymous pages, a THP, shmem, a file's
 * page cache, the zero page, PROT_NONE and hugetlb. The global knobs a
 * region needs (THP sysfs settings, the hugetlb pool) are saved before
 * they are changed and restored when the region is freed.
 *
 * Functions return 0 or -errno with a message in mmscope_error;
 * -EOPNOTSUPP means this kind cannot be had here (THP off and not
 * switchable, no huge page to reserve): the test should SKIP.
 */
#ifndef MMSCOPE_REGION_H
#define MMSCOPE_REGION_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

enum mmscope_region_kind {
	MMSCOPE_REGION_ANON,		/* private anonymous, order-0 pages */
	MMSCOPE_REGION_THP,		/* 2 MiB aligned, MADV_HUGEPAGE */
	MMSCOPE_REGION_SHMEM,		/* MAP_SHARED | MAP_ANONYMOUS */
	MMSCOPE_REGION_FILE,		/* a file's pages (real fs if any, else tmpfs) */
	MMSCOPE_REGION_ZERO,		/* private anonymous, read: the zero page */
	MMSCOPE_REGION_PROT_NONE,	/* private anonymous, then PROT_NONE */
	MMSCOPE_REGION_HUGETLB,		/* MAP_HUGETLB, from a reserved huge page */
	MMSCOPE_REGION_NR_KINDS,
};

/* Flags of mmscope_region_make(). */
#define MMSCOPE_REGION_PRIVATE	0x1	/* FILE: MAP_PRIVATE, not MAP_SHARED */
#define MMSCOPE_REGION_READ	0x2	/* fault pages in by reading, not writing */
#define MMSCOPE_REGION_EMPTY	0x4	/* fault nothing in */
#define MMSCOPE_REGION_RDONLY	0x8	/* map PROT_READ (implies READ) */

#define MMSCOPE_HUGE_SIZE	(2UL << 20)	/* PMD size with 4 KiB pages */

struct mmscope_region {
	enum mmscope_region_kind kind;
	unsigned int flags;
	char *start;		/* the region: npages pages from here */
	size_t npages;
	size_t len;
	char *map;		/* what to unmap (THP: a larger mapping) */
	size_t maplen;
	int fd;			/* FILE: the file, still open; else -1 */
	char path[PATH_MAX];	/* FILE: where it was made (unlinked) */
	const char *fs;		/* FILE: on "tmpfs", "ramfs" or "disk" */
	bool thp_pushed;	/* THP settings pushed: pop when freed */
	char huge_saved[32];	/* HUGETLB: nr_hugepages to put back */
};

/*
 * Make a region of npages pages (THP and HUGETLB: rounded up to whole
 * 2 MiB pages), faulted in unless MMSCOPE_REGION_EMPTY: by writing page
 * i with (char)(i + 1), or with MMSCOPE_REGION_READ by reading it. A
 * FILE is filled with that pattern before it is mapped. PROT_NONE is
 * faulted in before the protection changes (EMPTY: mapped PROT_NONE).
 */
int mmscope_region_make(struct mmscope_region *r,
			enum mmscope_region_kind kind, size_t npages,
			unsigned int flags);
/* Unmap, close, and put back the global settings the region changed. */
void mmscope_region_free(struct mmscope_region *r);
/* The kind's name, for messages: "anon", "thp", ... */
const char *mmscope_region_kind_name(enum mmscope_region_kind kind);
/* Is the region's first page part of a THP, says /proc/kpageflags? */
bool mmscope_region_is_thp(const struct mmscope_region *r);
/*
 * One 2 MiB region that really is a THP: 0; 1 when the kernel gave none
 * (no THP support, or no free 2 MiB block), with nothing left to free and
 * the reason in mmscope_error, for a SKIP; or -errno.
 */
int mmscope_region_make_thp(struct mmscope_region *r);

/*
 * The global THP settings: /sys/kernel/mm/transparent_hugepage/enabled,
 * defrag, every writable file of khugepaged/, and (6.8+) every
 * hugepages-<size>kB/enabled. Push saves them on a small stack, pop
 * writes the saved ones back (and drops them). 0 or -errno.
 */
int mmscope_thp_push(void);
int mmscope_thp_pop(void);
/*
 * Write one setting, a path under /sys/kernel/mm/transparent_hugepage
 * ("enabled", "khugepaged/max_ptes_none"); push first.
 */
int mmscope_thp_set(const char *name, const char *value);
/*
 * The current value of a setting: its word in brackets for a choice
 * ("always [madvise] never" -> "madvise"), else the first line.
 */
int mmscope_thp_get(const char *name, char *val, size_t size);
/*
 * Split every THP of ours in [start, start + len) through the kernel's
 * debugfs split_huge_pages ("PID,START,END"); 0 or -errno.
 */
int mmscope_thp_split_range(const void *start, size_t len);

#endif /* MMSCOPE_REGION_H */
