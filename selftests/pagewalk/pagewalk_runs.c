// SPDX-License-Identifier: GPL-2.0
/*
 * MMSCOPE_PAGEWALK_RUNS: runs of alike PTEs come back as one record each and
 * lose nothing. Every page of a run has the PFN /proc/self/pagemap gives
 * it and the Linux flags the plain walk gives it; a read-only page in the
 * middle and a hole cut the run they sit in; paths are still accepted.
 */
#include <sys/mman.h>

#include "kselftest_harness.h"
#include "pagewalk_util.h"

MMSCOPE_REQUIRE(PW_CTL)

#define NPAGES	1024
#define MAXREC	(NPAGES + 16)

FIXTURE(runs)
{
	int fd;
	char *map;
	size_t len;
	struct mmscope_pagewalk_record *recs, *plain;
	struct mmscope_pagewalk_path *paths;
	struct pw_page *pages;
	uint64_t *pm;
};

FIXTURE_SETUP(runs)
{
	self->fd = pw_open();
	ASSERT_LE(0, self->fd);
	self->len = NPAGES * PW_PAGE;
	self->recs = calloc(MAXREC, sizeof(*self->recs));
	self->plain = calloc(MAXREC, sizeof(*self->plain));
	self->paths = calloc(MAXREC, sizeof(*self->paths));
	self->pages = calloc(NPAGES, sizeof(*self->pages));
	self->pm = calloc(NPAGES, sizeof(*self->pm));
	ASSERT_TRUE(self->recs && self->plain && self->paths && self->pages &&
		    self->pm);
	self->map = mmap(NULL, self->len, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, self->map);
	madvise(self->map, self->len, MADV_NOHUGEPAGE);
	ASSERT_EQ(0, madvise(self->map, self->len, MADV_POPULATE_WRITE));
	/* page 100 read-only (its own VMA), page 600 a hole */
	ASSERT_EQ(0, mprotect(self->map + 100 * PW_PAGE, PW_PAGE, PROT_READ));
	ASSERT_EQ(0, madvise(self->map + 600 * PW_PAGE, PW_PAGE,
			     MADV_DONTNEED));
}

FIXTURE_TEARDOWN(runs)
{
	munmap(self->map, self->len);
	free(self->pm);
	free(self->pages);
	free(self->paths);
	free(self->plain);
	free(self->recs);
	close(self->fd);
}

TEST_F(runs, runs_are_lossless_against_pagemap_and_the_plain_walk)
{
	unsigned long start = (unsigned long)self->map;
	uint32_t n = MAXREC, nplain = MAXREC, i;
	size_t k, idx, covered = 0, expected = 0;
	uint64_t next = 0;

	ASSERT_EQ(0, mmscope_pagemap_read(0, start, NPAGES, self->pm))
		TH_LOG("%s", mmscope_last_error());
	ASSERT_EQ(0, pw_walk_pages(self->fd, getpid(), start, NPAGES,
				   self->plain, nplain, self->pages));
	ASSERT_EQ(0, pw_walk_once(self->fd, getpid(), MMSCOPE_PAGEWALK_RUNS, start,
				  self->len, self->recs, &n, self->paths,
				  &next));
	ASSERT_EQ(start + self->len, next);
	/*
	 * A run starts wherever pagemap's PFNs stop being consecutive, at a
	 * VMA's edge (page 100 is a VMA of its own), at the hole and after
	 * it, and where the plain walk's entries differ but for the address.
	 * The module's batches (512 records) may cut a run once more each.
	 */
	for (k = 0; k < NPAGES; k++) {
		const struct mmscope_pagewalk_record *a = self->pages[k].rec;
		const struct mmscope_pagewalk_record *b;

		if (!k || k == 100 || k == 101 || k == 600 || k == 601) {
			expected++;
			continue;
		}
		b = self->pages[k - 1].rec;
		if (PM_PFN(self->pm[k]) != PM_PFN(self->pm[k - 1]) + 1 ||
		    a->raw != b->raw + PW_PAGE ||
		    a->linux_flags != b->linux_flags)
			expected++;
	}
	ASSERT_LE(expected, n);
	ASSERT_GE(expected + n / 512 + 1, n);
	for (i = 0; i < n; i++) {
		const struct mmscope_pagewalk_record *r = &self->recs[i];

		ASSERT_EQ(start + covered * PW_PAGE, r->va);
		ASSERT_LT(0, self->paths[i].count);
		for (k = 0; k < r->size / PW_PAGE; k++) {
			idx = covered + k;
			ASSERT_GT(NPAGES, idx);
			if (r->state != MMSCOPE_PAGEWALK_PRESENT)
				continue;
			ASSERT_EQ(PM_PFN(self->pm[idx]), r->pfn + k)
				TH_LOG("page %zu", idx);
			ASSERT_EQ(self->pages[idx].rec->linux_flags,
				  r->linux_flags);
			ASSERT_EQ(self->pages[idx].rec->raw, r->raw + k * PW_PAGE);
		}
		if (r->state == MMSCOPE_PAGEWALK_PRESENT && r->size > PW_PAGE) {
			/* a run never swallows the odd pages */
			ASSERT_FALSE(r->va <= start + 100 * PW_PAGE &&
				     r->va + r->size > start + 100 * PW_PAGE);
			ASSERT_FALSE(r->va <= start + 600 * PW_PAGE &&
				     r->va + r->size > start + 600 * PW_PAGE);
		}
		covered += r->size / PW_PAGE;
	}
	ASSERT_EQ(NPAGES, covered);
}

TEST_F(runs, runs_resume_across_calls)
{
	unsigned long start = (unsigned long)self->map;
	uint64_t addr = start, end = start + self->len, next = 0;
	size_t pages = 0;
	uint32_t n, i;

	while (addr < end) {
		n = 2;
		ASSERT_EQ(0, pw_walk_once(self->fd, getpid(), MMSCOPE_PAGEWALK_RUNS,
					  addr, end - addr, self->recs, &n,
					  NULL, &next));
		ASSERT_LT(0, n);
		ASSERT_EQ(addr, self->recs[0].va);
		for (i = 0; i < n; i++)
			pages += self->recs[i].size / PW_PAGE;
		ASSERT_LT(addr, next);
		addr = next;
	}
	ASSERT_EQ(NPAGES, pages);
}

TEST_HARNESS_MAIN
