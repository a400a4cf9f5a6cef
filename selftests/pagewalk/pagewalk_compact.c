// SPDX-License-Identifier: GPL-2.0
/*
 * MMSCOPE_PAGEWALK_COMPACT: 40-byte entries and a VMA table. Every entry equals
 * the full record the plain walk gives for it, field by field, and every
 * present page's PFN (every swapped page's type and offset) equals
 * /proc/self/pagemap's; the table lists each VMA once, in order, and a
 * small table ends a call early without losing anything; with
 * MMSCOPE_PAGEWALK_RUNS the runs are lossless against pagemap; a THP is one PMD
 * entry of 512 pages; bad sizes and paths are EINVAL.
 */
#include <sys/mman.h>

#include "kselftest_harness.h"
#include "pagewalk_util.h"

MMSCOPE_REQUIRE(PW_CTL)

#ifndef MADV_PAGEOUT
#define MADV_PAGEOUT	21
#endif

#define NPAGES	1024
#define MAXREC	(NPAGES + 64)
#define THP_SIZE	(2UL << 20)

FIXTURE(compact)
{
	int fd;
	char *map;
	size_t len;
	struct mmscope_pagewalk_entry *ents;
	struct mmscope_pagewalk_record *recs;
	struct mmscope_pagewalk_vma vmas[64];
	struct pw_page *pages;
	uint64_t *pm;
};

/*
 * 1024 written anon pages: page 100 read-only (a VMA of its own), page 600
 * a hole, pages 800-803 unmapped (a gap), pages 900-909 swapped out when
 * swap is on, page 950 the zero page.
 */
FIXTURE_SETUP(compact)
{
	self->fd = pw_open();
	ASSERT_LE(0, self->fd);
	self->len = NPAGES * PW_PAGE;
	self->ents = calloc(MAXREC, sizeof(*self->ents));
	self->recs = calloc(MAXREC, sizeof(*self->recs));
	self->pages = calloc(NPAGES, sizeof(*self->pages));
	self->pm = calloc(NPAGES, sizeof(*self->pm));
	ASSERT_TRUE(self->ents && self->recs && self->pages && self->pm);
	self->map = mmap(NULL, self->len, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, self->map);
	madvise(self->map, self->len, MADV_NOHUGEPAGE);
	ASSERT_EQ(0, madvise(self->map, 950 * PW_PAGE, MADV_POPULATE_WRITE));
	ASSERT_EQ(0, madvise(self->map + 951 * PW_PAGE, 73 * PW_PAGE,
			     MADV_POPULATE_WRITE));
	(void)*(volatile char *)(self->map + 950 * PW_PAGE);
	ASSERT_EQ(0, mprotect(self->map + 100 * PW_PAGE, PW_PAGE, PROT_READ));
	ASSERT_EQ(0, madvise(self->map + 600 * PW_PAGE, PW_PAGE,
			     MADV_DONTNEED));
	ASSERT_EQ(0, munmap(self->map + 800 * PW_PAGE, 4 * PW_PAGE));
	/* best effort: without swap the pages stay */
	madvise(self->map + 900 * PW_PAGE, 10 * PW_PAGE, MADV_PAGEOUT);
}

FIXTURE_TEARDOWN(compact)
{
	munmap(self->map, self->len);
	free(self->pm);
	free(self->pages);
	free(self->recs);
	free(self->ents);
	close(self->fd);
}

TEST_F(compact, entries_equal_full_records_and_pagemap)
{
	unsigned long start = (unsigned long)self->map;
	uint32_t n = MAXREC, nvma = 64, i;
	const struct mmscope_pagewalk_vma *v;
	bool arm64 = pw_is_arm64();
	size_t k, idx, covered = 0;
	int swapped = 0, zero = 0;
	uint64_t next = 0;

	/* the walk, then pagemap: nothing runs in between */
	ASSERT_EQ(0, pw_walk_pages(self->fd, getpid(), start, NPAGES,
				   self->recs, MAXREC, self->pages));
	ASSERT_EQ(0, pw_walk_compact(self->fd, getpid(), 0, start, self->len,
				     self->ents, &n, self->vmas, &nvma,
				     &next));
	ASSERT_EQ(0, mmscope_pagemap_read(0, start, NPAGES, self->pm))
		TH_LOG("%s", mmscope_last_error());
	ASSERT_EQ(start + self->len, next);
	ASSERT_LT(0, nvma);

	for (i = 0; i < n; i++) {
		const struct mmscope_pagewalk_entry *e = &self->ents[i];
		const struct mmscope_pagewalk_record *r;

		ASSERT_EQ(start + covered * PW_PAGE, e->va);
		ASSERT_LT(0, e->pages);
		ASSERT_GE(NPAGES, covered + e->pages);
		r = self->pages[covered].rec;
		/* the same record, field by field */
		ASSERT_EQ(r->va, e->va);
		ASSERT_EQ(r->size, (uint64_t)e->pages * PW_PAGE);
		ASSERT_EQ(r->raw, e->raw);
		ASSERT_EQ(r->level, e->level);
		ASSERT_EQ(r->state, e->state);
		ASSERT_EQ(r->hw, e->hw);
		ASSERT_EQ(r->linux_flags, e->linux_flags);
		ASSERT_EQ(r->attr, e->attr);
		ASSERT_EQ(r->sh, e->sh);
		ASSERT_EQ(arm64 ? r->desc_type : r->pkey, e->desc_pkey);
		if (e->state == MMSCOPE_PAGEWALK_SWAP) {
			ASSERT_EQ(r->swap_offset, e->pfn);
			ASSERT_EQ(r->swap_type, e->swap_type);
		} else {
			ASSERT_EQ(r->pfn, e->pfn);
		}
		v = pw_vma_of(self->vmas, nvma, e->va);
		if (r->vma_end) {
			ASSERT_NE(NULL, v) TH_LOG("entry at 0x%llx: no VMA row",
						  (unsigned long long)e->va);
			ASSERT_EQ(r->vma_start, v->start);
			ASSERT_EQ(r->vma_end, v->end);
			ASSERT_EQ(r->vma_flags, v->flags);
			ASSERT_EQ(r->vma_pgoff, v->pgoff);
			ASSERT_EQ(r->vma_kind, v->kind);
		} else {
			ASSERT_EQ(NULL, v);
		}
		/* and the oracle, page by page */
		for (k = 0; k < e->pages; k++) {
			uint64_t pm;

			idx = covered + k;
			pm = self->pm[idx];
			ASSERT_EQ(!!(pm & PM_PRESENT),
				  e->state == MMSCOPE_PAGEWALK_PRESENT)
				TH_LOG("page %zu: state %u", idx, e->state);
			ASSERT_EQ(!!(pm & PM_SWAP), e->state == MMSCOPE_PAGEWALK_SWAP);
			if (e->state == MMSCOPE_PAGEWALK_PRESENT)
				ASSERT_EQ(PM_PFN(pm), e->pfn + k)
					TH_LOG("page %zu", idx);
			if (e->state == MMSCOPE_PAGEWALK_SWAP) {
				ASSERT_EQ(PM_SWAP_TYPE(pm), e->swap_type);
				ASSERT_EQ(PM_SWAP_OFFSET(pm), e->pfn);
				swapped++;
			}
		}
		if (e->linux_flags & MMSCOPE_PAGEWALK_L_ZERO)
			zero++;
		covered += e->pages;
	}
	ASSERT_EQ(NPAGES, covered);
	ASSERT_EQ(1, zero);
	ASSERT_EQ(MMSCOPE_PAGEWALK_NONE, self->pages[600].rec->state);
	ASSERT_EQ(0, self->pages[801].rec->vma_end);
	/* rows in order, each once: the 5 VMAs (two anon, read-only, anon) */
	for (i = 1; i < nvma; i++)
		ASSERT_LE(self->vmas[i - 1].end, self->vmas[i].start);
	ASSERT_EQ(4, nvma);
	if (!swapped)
		TH_LOG("no swap entries (no swap on)");
}

TEST_F(compact, a_small_vma_table_ends_calls_early_and_loses_nothing)
{
	unsigned long start = (unsigned long)self->map;
	uint64_t addr = start, end = start + self->len, next = 0;
	uint32_t n, nvma, i, calls = 0, total = 0, big = MAXREC, bigvma = 64;
	struct mmscope_pagewalk_vma one;
	size_t pages = 0;

	ASSERT_EQ(0, pw_walk_compact(self->fd, getpid(), 0, start, self->len,
				     self->ents, &big, self->vmas, &bigvma,
				     NULL));
	while (addr < end) {
		/* the full records' buffer is room enough */
		struct mmscope_pagewalk_entry *e = (void *)self->recs;

		n = MAXREC;
		nvma = 1;
		ASSERT_EQ(0, pw_walk_compact(self->fd, getpid(), 0, addr,
					     end - addr, e, &n, &one, &nvma,
					     &next));
		ASSERT_LT(0, n);
		ASSERT_GE(1, nvma);
		for (i = 0; i < n; i++) {
			/* the same entries as one call gives */
			ASSERT_EQ(0, memcmp(&self->ents[total + i], &e[i],
					    sizeof(*e)))
				TH_LOG("entry %u", total + i);
			if (pw_vma_of(self->vmas, bigvma, e[i].va)) {
				ASSERT_EQ(1, nvma);
				ASSERT_TRUE(one.start <= e[i].va &&
					    e[i].va < one.end);
			}
			pages += e[i].pages;
		}
		total += n;
		calls++;
		ASSERT_LT(addr, next);
		addr = next;
	}
	ASSERT_EQ(big, total);
	ASSERT_EQ(NPAGES, pages);
	ASSERT_LE(bigvma, calls);
}

TEST_F(compact, small_buffers_resume_where_they_stopped)
{
	unsigned long start = (unsigned long)self->map;
	uint64_t addr = start, end = start + self->len, next = 0;
	uint32_t n, total = 0, big = MAXREC;
	struct mmscope_pagewalk_entry three[3];

	ASSERT_EQ(0, pw_walk_compact(self->fd, getpid(), 0, start, self->len,
				     self->ents, &big, NULL, NULL, NULL));
	while (addr < end) {
		n = 3;
		ASSERT_EQ(0, pw_walk_compact(self->fd, getpid(), 0, addr,
					     end - addr, three, &n, NULL, NULL,
					     &next));
		ASSERT_LT(0, n);
		ASSERT_GE(big, total + n);
		ASSERT_EQ(0, memcmp(&self->ents[total], three,
				    n * sizeof(three[0])));
		total += n;
		addr = next;
	}
	ASSERT_EQ(big, total);
}

TEST_F(compact, runs_are_lossless_against_pagemap)
{
	unsigned long start = (unsigned long)self->map;
	uint32_t n = MAXREC, nvma = 64, i, plain = MAXREC;
	size_t k, idx, covered = 0, cuts = 0, present = 0;
	uint64_t next = 0;

	ASSERT_EQ(0, pw_walk_compact(self->fd, getpid(), 0, start, self->len,
				     self->ents, &plain, NULL, NULL, NULL));
	ASSERT_EQ(0, pw_walk_pages(self->fd, getpid(), start, NPAGES,
				   self->recs, MAXREC, self->pages));
	ASSERT_EQ(0, pw_walk_compact(self->fd, getpid(), MMSCOPE_PAGEWALK_RUNS,
				     start, self->len, self->ents, &n,
				     self->vmas, &nvma, &next));
	ASSERT_EQ(0, mmscope_pagemap_read(0, start, NPAGES, self->pm))
		TH_LOG("%s", mmscope_last_error());
	ASSERT_EQ(start + self->len, next);
	ASSERT_GE(plain, n);
	/*
	 * Where a run must start: a present page whose predecessor is not
	 * present, is not the next PFN down by pagemap, or differs in its
	 * bits or VMA by the plain walk. 1024 pages fit one call and one
	 * batch, so runs are cut nowhere else, and how many there are
	 * follows from the physical layout the kernel gave, not luck.
	 */
	for (idx = 0; idx < NPAGES; idx++) {
		const struct mmscope_pagewalk_record *r = self->pages[idx].rec, *q;

		if (r->state != MMSCOPE_PAGEWALK_PRESENT)
			continue;
		q = idx ? self->pages[idx - 1].rec : NULL;
		if (!q || q->state != MMSCOPE_PAGEWALK_PRESENT ||
		    !(self->pm[idx] & PM_PRESENT) ||
		    !(self->pm[idx - 1] & PM_PRESENT) ||
		    PM_PFN(self->pm[idx]) != PM_PFN(self->pm[idx - 1]) + 1 ||
		    q->hw != r->hw || q->linux_flags != r->linux_flags ||
		    q->vma_start != r->vma_start)
			cuts++;
	}
	for (i = 0; i < n; i++)
		present += self->ents[i].state == MMSCOPE_PAGEWALK_PRESENT;
	ASSERT_EQ(cuts, present);
	for (i = 0; i < n; i++) {
		const struct mmscope_pagewalk_entry *e = &self->ents[i];

		ASSERT_EQ(start + covered * PW_PAGE, e->va);
		for (k = 0; k < e->pages; k++) {
			const struct mmscope_pagewalk_record *r;

			idx = covered + k;
			ASSERT_GT(NPAGES, idx);
			if (e->state != MMSCOPE_PAGEWALK_PRESENT)
				continue;
			r = self->pages[idx].rec;
			ASSERT_EQ(PM_PFN(self->pm[idx]), e->pfn + k)
				TH_LOG("page %zu", idx);
			ASSERT_EQ(r->linux_flags, e->linux_flags);
			ASSERT_EQ(r->raw, e->raw + k * PW_PAGE);
			ASSERT_EQ(r->hw, e->hw);
		}
		if (e->state == MMSCOPE_PAGEWALK_PRESENT && e->pages > 1) {
			/* never across the read-only page or the zero page */
			ASSERT_FALSE(e->va <= start + 100 * PW_PAGE &&
				     e->va + e->pages * PW_PAGE >
				     start + 100 * PW_PAGE);
			ASSERT_FALSE(e->va <= start + 950 * PW_PAGE &&
				     e->va + e->pages * PW_PAGE >
				     start + 950 * PW_PAGE);
		}
		covered += e->pages;
	}
	ASSERT_EQ(NPAGES, covered);
}

TEST_F(compact, bad_sizes_and_paths_are_einval)
{
	unsigned long start = (unsigned long)self->map;
	struct mmscope_pagewalk_path path;
	struct mmscope_pagewalk_walk w;

	memset(&w, 0, sizeof(w));
	w.size = sizeof(w);
	w.pid = getpid();
	w.flags = MMSCOPE_PAGEWALK_COMPACT;
	w.count = 1;
	w.start = start;
	w.len = PW_PAGE;
	w.records = (uintptr_t)self->ents;
	w.entry_size = sizeof(struct mmscope_pagewalk_entry);
	ASSERT_EQ(0, ioctl(self->fd, MMSCOPE_PAGEWALK_IOC_WALK, &w));
	ASSERT_EQ(1, w.count);
	ASSERT_EQ(sizeof(w), w.size);

	w.count = 1;
	w.entry_size = sizeof(struct mmscope_pagewalk_entry) + 8;
	ASSERT_EQ(-1, ioctl(self->fd, MMSCOPE_PAGEWALK_IOC_WALK, &w));
	ASSERT_EQ(EINVAL, errno);
	w.entry_size = sizeof(struct mmscope_pagewalk_entry);
	w.paths = (uintptr_t)&path;
	ASSERT_EQ(-1, ioctl(self->fd, MMSCOPE_PAGEWALK_IOC_WALK, &w));
	ASSERT_EQ(EINVAL, errno);
	w.paths = 0;
	w.vmas = (uintptr_t)self->vmas;
	w.vma_count = 1;
	w.vma_size = 8;
	ASSERT_EQ(-1, ioctl(self->fd, MMSCOPE_PAGEWALK_IOC_WALK, &w));
	ASSERT_EQ(EINVAL, errno);
	w.vma_size = sizeof(struct mmscope_pagewalk_vma);
	w.vma_count = 0;
	ASSERT_EQ(-1, ioctl(self->fd, MMSCOPE_PAGEWALK_IOC_WALK, &w));
	ASSERT_EQ(EINVAL, errno);
	/* a version 0 caller has no entry_size: full records only */
	w.size = MMSCOPE_PAGEWALK_WALK_SIZE_VER0;
	w.vmas = 0;
	ASSERT_EQ(-1, ioctl(self->fd, MMSCOPE_PAGEWALK_IOC_WALK, &w));
	ASSERT_EQ(EINVAL, errno);
	w.flags = 0;
	w.records = (uintptr_t)self->recs;
	ASSERT_EQ(0, ioctl(self->fd, MMSCOPE_PAGEWALK_IOC_WALK, &w));
	ASSERT_EQ(MMSCOPE_PAGEWALK_WALK_SIZE_VER0, w.size);
}

/* A THP: one PMD entry of 512 pages whose PFNs are pagemap's. */
TEST_F(compact, thp_is_one_pmd_entry)
{
	uint32_t n = 8, nvma = 4, k;
	uint64_t pm[512], next;
	char *map, *p;

	map = mmap(NULL, 2 * THP_SIZE, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, map);
	p = (char *)(((uintptr_t)map + THP_SIZE - 1) & ~(THP_SIZE - 1));
	if (madvise(p, THP_SIZE, MADV_HUGEPAGE)) {
		munmap(map, 2 * THP_SIZE);
		SKIP(return, "MADV_HUGEPAGE: %s", strerror(errno));
	}
	memset(p, 1, THP_SIZE);
	ASSERT_EQ(0, pw_walk_compact(self->fd, getpid(), 0, (uintptr_t)p,
				     THP_SIZE, self->ents, &n, self->vmas,
				     &nvma, &next));
	ASSERT_EQ(0, mmscope_pagemap_read(0, (uintptr_t)p, 512, pm));
	if (self->ents[0].level != MMSCOPE_PAGEWALK_PMD) {
		munmap(map, 2 * THP_SIZE);
		SKIP(return, "no THP was allocated");
	}
	ASSERT_EQ(1, n);
	ASSERT_EQ(1, nvma);
	ASSERT_EQ((uintptr_t)p, self->ents[0].va);
	ASSERT_EQ(THP_SIZE / PW_PAGE, self->ents[0].pages);
	ASSERT_TRUE(self->ents[0].linux_flags & MMSCOPE_PAGEWALK_L_HUGE);
	ASSERT_EQ(MMSCOPE_PAGEWALK_VMA_ANON, self->vmas[0].kind);
	for (k = 0; k < 512; k++)
		ASSERT_EQ(PM_PFN(pm[k]), self->ents[0].pfn + k);
	munmap(map, 2 * THP_SIZE);
}

TEST_HARNESS_MAIN
