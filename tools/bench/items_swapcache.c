// SPDX-License-Identifier: GPL-2.0
/*
 * mmscope_swapcache: MMSCOPE_SWAPCACHE_IOC_ENTRIES over a region paged
 * out to swap, against reading the region's pagemap (whose swap fields
 * are the nearest the kernel offers), interleaved. Needs a swap device
 * as large as the region (tools/bench/run gives the guest one).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "bench.h"

#ifndef MADV_PAGEOUT
#define MADV_PAGEOUT 21
#endif

#define SC_MB 256

static struct mmscope_swapents ents;
static uint64_t *sc_pm;
static int sc_pm_fd;

static int entries_run(const struct region *r, unsigned long long *calls)
{
	uint64_t sum = 0;
	uint32_t i;
	int ret;

	ents.calls = 0;
	mmscope_swapents_reset(&ents, (uintptr_t)r->map, r->len);
	while ((ret = mmscope_swapents_next(&ents)) > 0)
		for (i = 0; i < ents.count; i++)
			sum += ents.recs[i].offset + ents.recs[i].count +
			       ents.recs[i].info + ents.recs[i].pages;
	*calls = ents.calls;
	sink = sum;
	return ret < 0 ? -1 : 0;
}

static int pagemap_run(const struct region *r, unsigned long long *calls)
{
	uint64_t sum = 0;
	size_t i;

	*calls = 1;
	if (mmscope_read_words(sc_pm_fd, (uintptr_t)r->map / page_size,
			       r->npages, sc_pm))
		return -1;
	for (i = 0; i < r->npages; i++)
		sum += PM_SWAP_OFFSET(sc_pm[i]);
	sink = sum;
	return 0;
}

/* Pages of r that pagemap says are swapped out. */
static size_t swapped(const struct region *r)
{
	unsigned long long calls;
	size_t i, n = 0;

	if (pagemap_run(r, &calls))
		return 0;
	for (i = 0; i < r->npages; i++)
		n += !!(sc_pm[i] & PM_SWAP);
	return n;
}

int bench_swapcache(void)
{
	static const char *const names[] = {
		"pagemap_swapped", "swapcache_entries_ioctl",
	};
	int (*const runs[])(const struct region *, unsigned long long *) = {
		pagemap_run, entries_run,
	};
	struct region r = { .suffix = "" };
	struct result *res[2] = { NULL };
	unsigned long long calls;
	int i, k, n = 0;
	size_t j, out;
	double t0;

	for (k = 0; k < 2; k++) {
		if (!selected(names[k], NULL))
			continue;
		res[k] = &results[nresults++];
		snprintf(res[k]->name, sizeof(res[k]->name), "%s", names[k]);
		n++;
	}
	if (!n)
		return 0;
	r.len = (size_t)SC_MB << 20;
	r.npages = r.len / page_size;
	r.map = mmap(NULL, r.len, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (r.map == MAP_FAILED)
		die("mmap");
	madvise(r.map, r.len, MADV_NOHUGEPAGE);
	sc_pm = calloc(r.npages, sizeof(*sc_pm));
	sc_pm_fd = mmscope_pagemap_open(0);
	if (!sc_pm || sc_pm_fd < 0)
		die("pagemap");
	/* non-zero pages: 6.12 and later keep zero-filled ones out of swap */
	for (j = 0; j < r.len; j += sizeof(uint64_t))
		*(uint64_t *)(r.map + j) = j | 1;
	if (madvise(r.map, r.len, MADV_PAGEOUT))
		die("MADV_PAGEOUT");
	out = swapped(&r);
	fprintf(stderr, "mmscope-bench: swapcache: %zu of %zu pages swapped out\n",
		out, r.npages);
	if (mmscope_swapents_init(&ents, open_ctl("swapcache"), getpid(), 0, 0,
				  8192))
		die("calloc");
	/* runs of alike pages in one record, as the tool asks for them */
	ents.flags = MMSCOPE_SWAPCACHE_ENTRIES_RUNS;
	for (k = 0; k < 2; k++)
		if (res[k])
			res[k]->pages = r.npages;
	if (res[1]) {
		size_t recs = 0;

		mmscope_swapents_reset(&ents, (uintptr_t)r.map, r.len);
		while (mmscope_swapents_next(&ents) > 0)
			recs += ents.count;
		fprintf(stderr, "mmscope-bench: swapcache: %zu records (runs of alike pages)\n",
			recs);
	}
	for (i = -1; i < reps; i++) {
		for (k = 0; k < 2; k++) {
			if (!res[k])
				continue;
			t0 = now();
			if (runs[k](&r, i < 0 ? &calls : &res[k]->calls))
				die(names[k]);
			if (i >= 0)
				res[k]->t[i] = now() - t0;
		}
	}
	close(ents.fd);
	mmscope_swapents_free(&ents);
	munmap(r.map, r.len);
	close(sc_pm_fd);
	free(sc_pm);
	for (k = 0; k < 2; k++)
		if (res[k])
			summarize(res[k]);
	return 0;
}
