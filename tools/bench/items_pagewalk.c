// SPDX-License-Identifier: GPL-2.0
/* mmscope_pagewalk: MMSCOPE_PAGEWALK_IOC_WALK as the CLI calls it. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "bench.h"

#define PW_BATCH	65536	/* records per walk call, as the CLI */
#define PW_VMAS		1024	/* VMA table rows per walk call, as the CLI */

static struct mmscope_walk walk;

void bench_pagewalk_setup(void)
{
	int fd = open_ctl("pagewalk");

	if (mmscope_walk_init(&walk, fd, getpid(), MMSCOPE_PAGEWALK_COMPACT,
			      0, 0, PW_BATCH, PW_VMAS, false)) {
		errno = ENOMEM;
		die("calloc");
	}
}

/*
 * MMSCOPE_PAGEWALK_IOC_WALK over the range, all records (compact entries
 * and their VMA table, as the CLI reads them), no paths, with flags.
 */
static int walk_region(const struct region *r, unsigned long long *calls,
		       uint32_t flags)
{
	uint64_t sum = 0;
	uint32_t i;
	int ret;

	walk.flags = MMSCOPE_PAGEWALK_COMPACT | flags;
	walk.calls = 0;
	mmscope_walk_reset(&walk, (uintptr_t)r->map, r->len);
	while ((ret = mmscope_walk_next(&walk)) > 0)
		for (i = 0; i < walk.count; i++)
			sum += walk.ents[i].pfn + walk.ents[i].linux_flags +
			       walk.ents[i].hw;
	*calls = walk.calls;
	sink = sum;
	if (ret < 0) {
		errno = -ret;
		return -1;
	}
	return 0;
}

static int bench_pagewalk(const struct region *r, unsigned long long *calls)
{
	return walk_region(r, calls, 0);
}

static int bench_pagewalk_runs(const struct region *r,
			       unsigned long long *calls)
{
	return walk_region(r, calls, MMSCOPE_PAGEWALK_RUNS);
}

/* A run's page k has PFN pfn + k, as pagemap says; 0, or -1 if not. */
static int check_run(const struct region *r,
		     const struct mmscope_pagewalk_entry *p)
{
	size_t idx = (p->va - (uintptr_t)r->map) / page_size, k;
	uint64_t pfn;

	for (k = 0; k < p->pages; k++) {
		pfn = PM_PFN(pm_buf[idx + k]);
		if (pfn != p->pfn + k) {
			fprintf(stderr, "mmscope-bench: run at %#llx page %zu: pfn %#llx, pagemap %#llx\n",
				(unsigned long long)p->va, k,
				(unsigned long long)(p->pfn + k),
				(unsigned long long)pfn);
			errno = EPROTO;
			return -1;
		}
	}
	return 0;
}

/*
 * MMSCOPE_PAGEWALK_RUNS is lossless: every page of every run has the PFN
 * pagemap gives it. 0, or -1 with a message (the item is left out).
 */
static int check_runs(const struct region *r)
{
	size_t runs = 0;
	uint32_t i;
	int ret;

	if (read_pagemap(r))
		goto fail;
	walk.flags = MMSCOPE_PAGEWALK_COMPACT | MMSCOPE_PAGEWALK_RUNS;
	mmscope_walk_reset(&walk, (uintptr_t)r->map, r->len);
	while ((ret = mmscope_walk_next(&walk)) > 0) {
		for (i = 0; i < walk.count; i++) {
			if (walk.ents[i].level != MMSCOPE_PAGEWALK_PTE)
				continue;
			runs++;
			if (check_run(r, &walk.ents[i]))
				goto fail;
		}
	}
	if (ret < 0) {
		errno = -ret;
		goto fail;
	}
	fprintf(stderr, "mmscope-bench: %zu pages in %zu runs, every PFN as pagemap's\n",
		r->npages, runs);
	return 0;
fail:
	fprintf(stderr, "mmscope-bench: MMSCOPE_PAGEWALK_RUNS: %s: pagewalk_ioctl_runs left out\n",
		strerror(errno));
	return -1;
}

size_t bench_thp_pages(const struct region *r)
{
	size_t n = 0;
	uint32_t i;

	/* one batch covers a THP region of up to 128 GiB */
	walk.flags = MMSCOPE_PAGEWALK_COMPACT;
	mmscope_walk_reset(&walk, (uintptr_t)r->map, r->len);
	if (mmscope_walk_next(&walk) <= 0)
		return 0;
	for (i = 0; i < walk.count; i++) {
		if (walk.ents[i].va >= (uintptr_t)r->map + r->len)
			break;
		if (walk.ents[i].level == MMSCOPE_PAGEWALK_PMD &&
		    walk.ents[i].state == MMSCOPE_PAGEWALK_PRESENT)
			n += walk.ents[i].pages;
	}
	return n;
}

const struct bench_item bench_pagewalk_items[] = {
	{ .name = "pagewalk_ioctl",
	  .regions = BENCH_4K | BENCH_THP,
	  .run = bench_pagewalk },
	{ .name = "pagewalk_ioctl_runs",
	  .regions = BENCH_4K,
	  .run = bench_pagewalk_runs, .check = check_runs },
	{ }
};
