// SPDX-License-Identifier: GPL-2.0
/*
 * The compaction module against what /proc has: every zone's snapshot
 * through one ioctl (two calls: sizes, then the arrays) against reading
 * /proc/pagetypeinfo, /proc/zoneinfo and /proc/buddyinfo; and every
 * pageblock of memory through the pageblocks ioctl.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <mmscope/compaction.h>

#include "bench.h"

#define CB_MAX_ZONES	16
#define CB_MAX_PCP	1024
#define CB_PROC_SIZE	(256 * 1024)

static int cb_fd = -1;
static struct mmscope_compaction_zone cb_zones[CB_MAX_ZONES];
static struct mmscope_compaction_pcp cb_pcp[CB_MAX_PCP];
static struct mmscope_compaction_block *cb_blocks;
static uint64_t cb_start, cb_end;	/* every zone's PFNs */
static size_t cb_nblocks;

static int cb_zones_call(struct mmscope_compaction_zones *z, unsigned int n)
{
	memset(z, 0, sizeof(*z));
	z->size = sizeof(*z);
	z->count = n;
	z->zone_size = sizeof(cb_zones[0]);
	z->zones = (uintptr_t)cb_zones;
	z->pcp_count = n ? CB_MAX_PCP : 0;
	z->pcp_size = sizeof(cb_pcp[0]);
	z->pcp = (uintptr_t)cb_pcp;
	return ioctl(cb_fd, MMSCOPE_COMPACTION_IOC_ZONES, z);
}

/* The ctl file, the zones' PFN span and a buffer for its pageblocks. */
static int cb_check(const struct region *r)
{
	struct mmscope_compaction_zones z;
	unsigned int i;

	(void)r;
	if (cb_fd >= 0)
		return 0;
	cb_fd = open_ctl("compaction");
	if (cb_zones_call(&z, CB_MAX_ZONES))
		die("compaction zones");
	cb_start = ~0ULL;
	for (i = 0; i < z.count; i++) {
		if (cb_zones[i].start_pfn < cb_start)
			cb_start = cb_zones[i].start_pfn;
		if (cb_zones[i].start_pfn + cb_zones[i].spanned > cb_end)
			cb_end = cb_zones[i].start_pfn + cb_zones[i].spanned;
	}
	cb_nblocks = ((cb_end - cb_start) >> z.block_order) + 2;
	cb_blocks = calloc(cb_nblocks, sizeof(*cb_blocks));
	if (!cb_blocks)
		die("calloc");
	return 0;
}

/* Sizes first, then every zone with its per-CPU lists: two ioctls. */
static int cb_zones_ioctl(const struct region *r, unsigned long long *calls)
{
	struct mmscope_compaction_zones z;

	(void)r;
	if (cb_zones_call(&z, 0) || cb_zones_call(&z, z.total))
		return -1;
	sink = cb_zones[0].nr_free_pages;
	*calls = 2;
	return 0;
}

/* The three /proc files the zones ioctl stands for, each in one read. */
static int cb_zones_proc(const struct region *r, unsigned long long *calls)
{
	static const char *const files[] = {
		"/proc/pagetypeinfo", "/proc/zoneinfo", "/proc/buddyinfo",
	};
	static char buf[CB_PROC_SIZE];
	unsigned int i;
	ssize_t n;
	int fd;

	(void)r;
	for (i = 0; i < 3; i++) {
		fd = open(files[i], O_RDONLY);
		if (fd < 0)
			return -1;
		n = read(fd, buf, sizeof(buf));
		close(fd);
		if (n <= 0)
			return -1;
		sink += buf[n / 2];
	}
	*calls = 9;
	return 0;
}

/* Every pageblock of memory, 16,384 records a call at most. */
static int cb_pageblocks(const struct region *r, unsigned long long *calls)
{
	struct mmscope_compaction_blocks b;
	uint64_t pfn = cb_start;
	size_t n = 0;

	(void)r;
	*calls = 0;
	while (pfn < cb_end && n < cb_nblocks) {
		memset(&b, 0, sizeof(b));
		b.size = sizeof(b);
		b.start_pfn = pfn;
		b.end_pfn = cb_end;
		b.records = (uintptr_t)(cb_blocks + n);
		b.count = cb_nblocks - n;
		b.record_size = sizeof(*cb_blocks);
		if (ioctl(cb_fd, MMSCOPE_COMPACTION_IOC_PAGEBLOCKS, &b))
			return -1;
		n += b.count;
		pfn = b.next_pfn;
		(*calls)++;
	}
	sink = cb_blocks[n / 2].free;
	return 0;
}

static size_t cb_pages(const struct region *r)
{
	(void)r;
	return cb_end - cb_start;
}

const struct bench_item bench_compaction_items[] = {
	{ .name = "compaction_zones_ioctl",
	  .regions = BENCH_4K,
	  .run = cb_zones_ioctl,
	  .check = cb_check },
	{ .name = "compaction_zones_proc",
	  .regions = BENCH_4K,
	  .run = cb_zones_proc,
	  .check = cb_check },
	{ .name = "compaction_pageblocks",
	  .regions = BENCH_4K,
	  .run = cb_pageblocks,
	  .check = cb_check,
	  .pages = cb_pages },
	{ }
};
