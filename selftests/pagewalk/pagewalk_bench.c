// SPDX-License-Identifier: GPL-2.0
/*
 * A populated anonymous range is walked in a few ioctl calls (records in
 * batches, not a call per page), every PFN equal to /proc/self/pagemap's,
 * in full records and in the compact format; prints how long the walks
 * take next to reading pagemap for the range.
 * MMSCOPE_PAGEWALK_BENCH_MB sets the size (default 64; the docs quote 1024).
 */
#include <stdio.h>
#include <sys/mman.h>
#include <time.h>

#include "kselftest_harness.h"
#include "pagewalk_util.h"

MMSCOPE_REQUIRE(PW_CTL)

#define BATCH	65536

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

FIXTURE(bench)
{
	int fd;
	size_t len;
	size_t npages;
	char *map;
	struct mmscope_pagewalk_record *recs;
	struct mmscope_pagewalk_path *paths;
	struct mmscope_pagewalk_entry *ents;
	struct mmscope_pagewalk_vma vmas[16];
	uint64_t *pagemap;
};

FIXTURE_SETUP(bench)
{
	const char *mb = getenv("MMSCOPE_PAGEWALK_BENCH_MB");

	self->fd = pw_open();
	ASSERT_LE(0, self->fd);
	self->len = (mb ? strtoul(mb, NULL, 0) : 64) << 20;
	ASSERT_LT(0, self->len);
	self->npages = self->len / PW_PAGE;
	self->recs = calloc(BATCH, sizeof(*self->recs));
	self->paths = calloc(BATCH, sizeof(*self->paths));
	self->ents = calloc(BATCH, sizeof(*self->ents));
	self->pagemap = calloc(self->npages, sizeof(*self->pagemap));
	ASSERT_TRUE(self->recs && self->paths && self->ents && self->pagemap);
	self->map = mmap(NULL, self->len, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	ASSERT_NE(MAP_FAILED, self->map);
	/* 4K PTEs: the most records a range can give */
	madvise(self->map, self->len, MADV_NOHUGEPAGE);
	ASSERT_EQ(0, madvise(self->map, self->len, MADV_POPULATE_WRITE))
		TH_LOG("MADV_POPULATE_WRITE: %s", strerror(errno));
}

FIXTURE_TEARDOWN(bench)
{
	munmap(self->map, self->len);
	free(self->pagemap);
	free(self->ents);
	free(self->paths);
	free(self->recs);
	close(self->fd);
}

/* Walk the range; check each record against pagemap when pm is given. */
static int walk_range(FIXTURE_DATA(bench) *self, bool paths, int *calls,
		      size_t *records, const uint64_t *pm)
{
	uint64_t start = (uintptr_t)self->map, end = start + self->len;
	uint64_t addr = start, next = 0;
	uint32_t n, i;
	int ret;

	*calls = 0;
	*records = 0;
	while (addr < end) {
		n = BATCH;
		ret = pw_walk_once(self->fd, getpid(), 0, addr, end - addr,
				   self->recs, &n, paths ? self->paths : NULL,
				   &next);
		if (ret)
			return ret;
		(*calls)++;
		for (i = 0; pm && i < n; i++) {
			const struct mmscope_pagewalk_record *r = &self->recs[i];
			size_t idx = (r->va - start) / PW_PAGE;

			if (r->state != MMSCOPE_PAGEWALK_PRESENT ||
			    r->size != PW_PAGE || PM_PFN(pm[idx]) != r->pfn)
				return -1;
		}
		*records += n;
		if (next <= addr)
			return -1;
		addr = next;
	}
	return 0;
}

/* The same in the compact format, with its VMA table. */
static int walk_compact(FIXTURE_DATA(bench) *self, int *calls,
			size_t *records, const uint64_t *pm)
{
	uint64_t start = (uintptr_t)self->map, end = start + self->len;
	uint64_t addr = start, next = 0;
	uint32_t n, nvma, i;
	int ret;

	*calls = 0;
	*records = 0;
	while (addr < end) {
		n = BATCH;
		nvma = 16;
		ret = pw_walk_compact(self->fd, getpid(), 0, addr, end - addr,
				      self->ents, &n, self->vmas, &nvma,
				      &next);
		if (ret)
			return ret;
		(*calls)++;
		for (i = 0; pm && i < n; i++) {
			const struct mmscope_pagewalk_entry *e = &self->ents[i];
			size_t idx = (e->va - start) / PW_PAGE;

			if (e->state != MMSCOPE_PAGEWALK_PRESENT || e->pages != 1 ||
			    PM_PFN(pm[idx]) != e->pfn ||
			    !pw_vma_of(self->vmas, nvma, e->va))
				return -1;
		}
		*records += n;
		if (next <= addr)
			return -1;
		addr = next;
	}
	return 0;
}

TEST_F_TIMEOUT(bench, populated_range_in_few_calls_matches_pagemap, 600)
{
	double t0, t_walk, t_path, t_pm, t_compact;
	size_t records;
	int calls;

	t0 = now_ms();
	ASSERT_EQ(0, mmscope_pagemap_read(0, (uintptr_t)self->map,
					  self->npages, self->pagemap))
		TH_LOG("%s", mmscope_last_error());
	t_pm = now_ms() - t0;

	t0 = now_ms();
	ASSERT_EQ(0, walk_range(self, false, &calls, &records, NULL));
	t_walk = now_ms() - t0;
	ASSERT_EQ(self->npages, records);
	ASSERT_EQ((self->npages + BATCH - 1) / BATCH, (size_t)calls);

	t0 = now_ms();
	ASSERT_EQ(0, walk_range(self, true, &calls, &records, NULL));
	t_path = now_ms() - t0;

	t0 = now_ms();
	ASSERT_EQ(0, walk_compact(self, &calls, &records, NULL));
	t_compact = now_ms() - t0;
	ASSERT_EQ(self->npages, records);
	ASSERT_EQ((self->npages + BATCH - 1) / BATCH, (size_t)calls);

	/* and the same again, checked page by page */
	ASSERT_EQ(0, walk_range(self, false, &calls, &records,
				self->pagemap));
	ASSERT_EQ(0, walk_compact(self, &calls, &records, self->pagemap));

	ksft_print_msg("%zu MiB populated, %zu pages: walk %.1f ms (%d ioctl calls), walk with paths %.1f ms, compact walk %.1f ms, pagemap %.1f ms (1 pread)\n",
		       self->len >> 20, self->npages, t_walk, calls, t_path,
		       t_compact, t_pm);
	fflush(stdout);
}

TEST_HARNESS_MAIN
