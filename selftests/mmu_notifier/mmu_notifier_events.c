// SPDX-License-Identifier: GPL-2.0
/*
 * What each action of a process makes the kernel tell an MMU notifier
 * attached to it: one test per action, each asserting the op, the event
 * and the exact range against the range the test itself passed to the
 * system call. The test attaches to its own process (the harness forks
 * one per test), so the action runs where the records are made.
 *
 * Where the kernels differ, the test says which and why:
 *  - 6.1 calls ->change_pte on a COW fault (set_pte_at_notify()), 6.12
 *    and 7.x have no such op (removed in 6.9);
 *  - 6.1 calls ->invalidate_range after the page tables changed, 6.12 and
 *    7.x call ->arch_invalidate_secondary_tlbs where the TLB is flushed.
 */
#include <sched.h>

#include "kselftest_harness.h"
#include "mn_util.h"

MMSCOPE_REQUIRE(MN_CTL)

static struct mmscope_mmu_notifier_record recs[MN_MAX];

FIXTURE(self)
{
	int fd;
	long psize;
};

FIXTURE_SETUP(self)
{
	self->psize = getpagesize();
	self->fd = mn_open();
	ASSERT_LE(0, self->fd);
	ASSERT_EQ(0, mn_attach_self(self->fd));
}

FIXTURE_TEARDOWN(self)
{
	close(self->fd);
}

/* Read everything recorded since the last drain. */
static int take(int fd)
{
	return mn_read(fd, recs, MN_MAX, 0, NULL);
}

TEST_F(self, munmap_is_unmap_of_exactly_the_range)
{
	char *p = mn_pages(4);
	uint64_t s = (uintptr_t)p + self->psize, e = s + 2 * self->psize;
	int n, i;

	ASSERT_NE(NULL, p);
	ASSERT_EQ(0, mn_drain(self->fd));
	ASSERT_EQ(0, munmap(p + self->psize, 2 * self->psize));
	n = take(self->fd);
	ASSERT_LT(0, n);
	i = mn_find(recs, n, 0, OP(INVALIDATE_RANGE_START), EV(UNMAP), s, e);
	ASSERT_LE(0, i);
	EXPECT_TRUE(recs[i].flags & MMSCOPE_MMU_NOTIFIER_REC_BLOCKABLE);
	EXPECT_EQ(getpid(), recs[i].pid);
	EXPECT_LE(0, mn_find(recs, n, i, OP(INVALIDATE_RANGE_END), EV(UNMAP),
			     s, e));
	EXPECT_EQ(0, mn_unpaired(recs, n));
	munmap(p, 4 * self->psize);
}

TEST_F(self, mprotect_is_protection_vma_over_the_range)
{
	char *p = mn_pages(4);
	uint64_t s = (uintptr_t)p + self->psize, e = s + 2 * self->psize;
	int n, i;

	ASSERT_NE(NULL, p);
	ASSERT_EQ(0, mn_drain(self->fd));
	ASSERT_EQ(0, mprotect(p + self->psize, 2 * self->psize, PROT_READ));
	n = take(self->fd);
	i = mn_find(recs, n, 0, OP(INVALIDATE_RANGE_START),
		    EV(PROTECTION_VMA), s, e);
	ASSERT_LE(0, i) TH_LOG("%d records, none protection_vma [0x%llx, 0x%llx)",
			       n, (unsigned long long)s, (unsigned long long)e);
	EXPECT_TRUE(recs[i].flags & MMSCOPE_MMU_NOTIFIER_REC_BLOCKABLE);
	EXPECT_EQ(0, mn_unpaired(recs, n));
	munmap(p, 4 * self->psize);
}

TEST_F(self, dontneed_is_clear_over_the_range)
{
	char *p = mn_pages(4);
	uint64_t s = (uintptr_t)p, e = s + 3 * self->psize;
	int n, i;

	ASSERT_NE(NULL, p);
	ASSERT_EQ(0, mn_drain(self->fd));
	ASSERT_EQ(0, madvise(p, 3 * self->psize, MADV_DONTNEED));
	n = take(self->fd);
	i = mn_find(recs, n, 0, OP(INVALIDATE_RANGE_START), EV(CLEAR), s, e);
	ASSERT_LE(0, i);
	EXPECT_TRUE(recs[i].flags & MMSCOPE_MMU_NOTIFIER_REC_BLOCKABLE);
	EXPECT_EQ(0, mn_unpaired(recs, n));
	munmap(p, 4 * self->psize);
}

TEST_F(self, mremap_is_unmap_of_the_old_range)
{
	char *p = mn_pages(4);
	char *dst = mmap(NULL, 4 * self->psize, PROT_NONE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	uint64_t s = (uintptr_t)p, e = s + 4 * self->psize;
	void *q;
	int n, i;

	ASSERT_NE(NULL, p);
	ASSERT_NE(MAP_FAILED, dst);
	ASSERT_EQ(0, munmap(dst, 4 * self->psize));
	ASSERT_EQ(0, mn_drain(self->fd));
	q = mremap(p, 4 * self->psize, 4 * self->psize,
		   MREMAP_MAYMOVE | MREMAP_FIXED, dst);
	ASSERT_EQ(dst, q);
	n = take(self->fd);
	i = mn_find(recs, n, 0, OP(INVALIDATE_RANGE_START), EV(UNMAP), s, e);
	ASSERT_LE(0, i);
	EXPECT_TRUE(recs[i].flags & MMSCOPE_MMU_NOTIFIER_REC_BLOCKABLE);
	/* the new range was unmapped before: nothing is invalidated there */
	EXPECT_EQ(0, mn_count_covering(recs, n, OP(INVALIDATE_RANGE_START), -1,
				       (uintptr_t)dst, (uintptr_t)dst + 1));
	EXPECT_EQ(0, mn_unpaired(recs, n));
	munmap(dst, 4 * self->psize);
}

/*
 * fork write-protects the parent's private writable pages
 * (copy_page_range(), PROTECTION_PAGE over the whole VMA); the parent's
 * first write after it copies one page (wp_page_copy(), CLEAR of that
 * page; 6.1 also calls ->change_pte for the new PTE). The child stays
 * alive so that the page is still shared when the parent writes.
 */
TEST_F(self, fork_protects_the_parent_and_cow_clears_one_page)
{
	char *p = mn_pages(4);
	uint64_t page = (uintptr_t)p + 2 * self->psize;
	int sync[2], n, i, status;
	pid_t child;
	char c = 0;

	ASSERT_NE(NULL, p);
	ASSERT_EQ(0, pipe(sync));
	ASSERT_EQ(0, mn_drain(self->fd));
	child = fork();
	ASSERT_LE(0, child);
	if (!child) {
		close(sync[1]);
		if (read(sync[0], &c, 1) < 0)
			_exit(1);
		_exit(0);
	}
	n = take(self->fd);
	i = mn_find(recs, n, 0, OP(INVALIDATE_RANGE_START), EV(PROTECTION_PAGE),
		    0, 0);
	EXPECT_LE(1, mn_count_covering(recs, n, OP(INVALIDATE_RANGE_START),
				       EV(PROTECTION_PAGE), (uintptr_t)p,
				       (uintptr_t)p + 4 * self->psize))
		TH_LOG("%d records, first protection_page at %d", n, i);
	if (i >= 0) {
		EXPECT_TRUE(recs[i].flags & MMSCOPE_MMU_NOTIFIER_REC_BLOCKABLE);
	}
	EXPECT_EQ(0, mn_unpaired(recs, n));

	p[2 * self->psize] = 2;
	n = take(self->fd);
	i = mn_find(recs, n, 0, OP(INVALIDATE_RANGE_START), EV(CLEAR), page,
		    page + self->psize);
	EXPECT_LE(0, i) TH_LOG("%d records after the COW write", n);
	if (i >= 0) {
		EXPECT_TRUE(recs[i].flags & MMSCOPE_MMU_NOTIFIER_REC_BLOCKABLE);
	}
	if (mn_kernel_before(6, 9)) {
		EXPECT_LE(0, mn_find(recs, n, 0, OP(CHANGE_PTE), EV(NONE),
				     page, page + self->psize));
	} else {
		EXPECT_EQ(-1, mn_find(recs, n, 0, OP(CHANGE_PTE), -1, 0, 0));
	}
	EXPECT_EQ(0, mn_unpaired(recs, n));

	close(sync[1]);
	close(sync[0]);
	ASSERT_EQ(child, waitpid(child, &status, 0));
	munmap(p, 4 * self->psize);
}

/*
 * A TLB flush of the target reaches ->invalidate_range (6.1) or
 * ->arch_invalidate_secondary_tlbs (6.12, 7.x), never both: munmap of
 * populated pages flushes.
 */
TEST_F(self, tlb_flush_op_is_the_kernels_own)
{
	char *p = mn_pages(2);
	int n;
	bool old = mn_kernel_before(6, 6);

	ASSERT_NE(NULL, p);
	ASSERT_EQ(0, mn_drain(self->fd));
	ASSERT_EQ(0, munmap(p, 2 * self->psize));
	n = take(self->fd);
	EXPECT_EQ(old, mn_count_covering(recs, n, OP(INVALIDATE_RANGE), -1,
					 (uintptr_t)p, (uintptr_t)p + 1) > 0);
	EXPECT_EQ(!old, mn_count_covering(recs, n,
					  OP(ARCH_INVALIDATE_SECONDARY_TLBS),
					  -1, (uintptr_t)p,
					  (uintptr_t)p + 1) > 0);
}

/*
 * THP: MADV_COLLAPSE replaces 512 small pages by a huge one
 * (collapse_huge_page(): CLEAR over the 2 MiB-aligned range), and
 * MADV_DONTNEED of one of its pages splits the PMD first
 * (__split_huge_pmd(): CLEAR over the same 2 MiB).
 */
TEST_F(self, thp_collapse_and_split_clear_the_2mib_range)
{
	const size_t huge = 2UL << 20;
	char *raw = mmap(NULL, 2 * huge, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	uint64_t h;
	char *p;
	int n;

	ASSERT_NE(MAP_FAILED, raw);
	p = (char *)(((uintptr_t)raw + huge - 1) & ~(huge - 1));
	h = (uintptr_t)p;
	/* small pages first, whatever the THP setting */
	ASSERT_EQ(0, madvise(p, huge, MADV_NOHUGEPAGE));
	memset(p, 1, huge);
	ASSERT_EQ(0, madvise(p, huge, MADV_HUGEPAGE));
	ASSERT_EQ(0, mn_drain(self->fd));
	if (madvise(p, huge, 25 /* MADV_COLLAPSE */)) {
		munmap(raw, 2 * huge);
		SKIP(return, "MADV_COLLAPSE: %s", strerror(errno));
	}
	n = take(self->fd);
	EXPECT_LE(0, mn_find(recs, n, 0, OP(INVALIDATE_RANGE_START), EV(CLEAR),
			     h, h + huge)) TH_LOG("%d records", n);
	EXPECT_EQ(0, mn_unpaired(recs, n));

	ASSERT_EQ(0, madvise(p + self->psize, self->psize, MADV_DONTNEED));
	n = take(self->fd);
	EXPECT_LE(0, mn_find(recs, n, 0, OP(INVALIDATE_RANGE_START), EV(CLEAR),
			     h, h + huge)) TH_LOG("%d records", n);
	EXPECT_LE(0, mn_find(recs, n, 0, OP(INVALIDATE_RANGE_START), EV(CLEAR),
			     h + self->psize, h + 2 * self->psize));
	EXPECT_EQ(0, mn_unpaired(recs, n));
	munmap(raw, 2 * huge);
}

/*
 * MADV_PAGEOUT reclaims the pages in the caller's context: each page
 * swapped out was unmapped under a CLEAR covering it (try_to_unmap_one()).
 * The oracle for "swapped" is pagemap's swap bit.
 */
TEST_F(self, pageout_clears_every_swapped_page)
{
	const int np = 8;
	char *p = mn_pages(np);
	uint64_t pm[8];
	int n, i, swapped = 0;

	ASSERT_NE(NULL, p);
	ASSERT_EQ(0, mn_drain(self->fd));
	if (madvise(p, np * self->psize, 21 /* MADV_PAGEOUT */))
		SKIP(return, "MADV_PAGEOUT: %s", strerror(errno));
	n = take(self->fd);
	ASSERT_EQ(0, mmscope_pagemap_read(0, (uintptr_t)p, np, pm))
		TH_LOG("%s", mmscope_error);
	for (i = 0; i < np; i++) {
		uint64_t a = (uintptr_t)p + i * self->psize;

		if (!(pm[i] & PM_SWAP))
			continue;
		swapped++;
		EXPECT_LE(1, mn_count_covering(recs, n,
					       OP(INVALIDATE_RANGE_START),
					       EV(CLEAR), a, a + self->psize))
			TH_LOG("page %d swapped without a clear", i);
	}
	if (!swapped)
		SKIP(return, "nothing was swapped out (no swap?)");
	EXPECT_EQ(0, mn_unpaired(recs, n));
	munmap(p, np * self->psize);
}

/*
 * The age callbacks: on 6.1 MADV_PAGEOUT checks the references of each
 * page (folio_referenced(): clear_flush_young), and an attachment that
 * answers "young" keeps every page from being reclaimed. From 6.10 on
 * MADV_PAGEOUT ignores references: no age callback, the pages go.
 * MADV_PAGEOUT drains only its own CPU's batch of pages waiting to enter
 * the LRU, and a page still in another CPU's batch is neither isolated
 * nor asked about: the test runs on one CPU from the first write on.
 */
TEST(young_answer_and_pageout)
{
	const int np = 8;
	long ps = getpagesize();
	int fd = mn_open(), n, i, swapped = 0, asked = 0;
	bool checks = mn_kernel_before(6, 10);
	cpu_set_t cpu0;
	char *p;
	uint64_t pm[8];

	CPU_ZERO(&cpu0);
	CPU_SET(0, &cpu0);
	ASSERT_EQ(0, sched_setaffinity(0, sizeof(cpu0), &cpu0));
	p = mn_pages(np);
	ASSERT_LE(0, fd);
	ASSERT_NE(NULL, p);
	ASSERT_EQ(0, mn_attach(fd, getpid(), 0, 0,
			       MMSCOPE_MMU_NOTIFIER_ANSWER_YOUNG, NULL));
	ASSERT_EQ(0, mn_drain(fd));
	if (madvise(p, np * ps, 21 /* MADV_PAGEOUT */))
		SKIP(return, "MADV_PAGEOUT: %s", strerror(errno));
	n = mn_read(fd, recs, MN_MAX, 0, NULL);
	ASSERT_EQ(0, mmscope_pagemap_read(0, (uintptr_t)p, np, pm))
		TH_LOG("%s", mmscope_error);
	for (i = 0; i < np; i++) {
		uint64_t a = (uintptr_t)p + i * ps;

		swapped += !!(pm[i] & PM_SWAP);
		asked += mn_count_covering(recs, n, OP(CLEAR_FLUSH_YOUNG), -1,
					   a, a + ps) > 0;
	}
	for (i = 0; i < n; i++)
		if (recs[i].op == OP(CLEAR_FLUSH_YOUNG))
			EXPECT_TRUE(recs[i].flags &
				    MMSCOPE_MMU_NOTIFIER_REC_YOUNG);
	if (checks) {
		EXPECT_EQ(np, asked);
		EXPECT_EQ(0, swapped);
	} else {
		EXPECT_EQ(0, asked);
		if (!swapped)
			SKIP(return, "nothing was swapped out (no swap?)");
	}
	close(fd);
	munmap(p, np * ps);
}

TEST_HARNESS_MAIN
