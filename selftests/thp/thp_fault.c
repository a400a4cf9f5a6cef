// SPDX-License-Identifier: GPL-2.0
/*
 * A THP faulted in, read as the huge zero page, half unmapped, shared
 * with a child that changes half of it, and split: each state as the
 * module reports it, against /proc/vmstat, smaps, pagemap, kpageflags and
 * kpagecount. Counts that differ between 6.1 (compound mapcount,
 * DoubleMap, deferred split only on a partial unmap) and 6.12 and later
 * (large mapcount) are asserted per kernel.
 */
#include <signal.h>
#include <sys/wait.h>

#include "kselftest_harness.h"
#include "thp_util.h"

MMSCOPE_REQUIRE(THP_CTL)

FIXTURE(thp)
{
	int fd;
	char *map, *p;
};

FIXTURE_SETUP(thp)
{
	ASSERT_EQ(0, thp_fix_setup(&self->fd, &self->map, &self->p));
	ASSERT_EQ(0, madvise(self->p, THP_SIZE, MADV_HUGEPAGE));
}

FIXTURE_TEARDOWN(thp)
{
	thp_fix_teardown(self->fd, self->map);
}

/* Fault the region in by writing; false when no THP could be had. */
static bool thp_fault(char *p)
{
	thp_fill(p);
	if (thp_khugepaged_off(p))
		return false;
	return thp_kflags(thp_pfn_of(p)) & KPF_BIT(KPF_THP);
}

TEST_F(thp, pmd_mapped_fault)
{
	struct mmscope_thp_folio f[THP_MAX_FOLIOS];
	long before = thp_vmstat("thp_fault_alloc");
	uint64_t cnt[THP_PAGES];
	unsigned int i;

	if (!thp_fault(self->p))
		SKIP(return, "no 2 MiB block free: the fault fell back");
	EXPECT_EQ(before + 1, thp_vmstat("thp_fault_alloc"));
	EXPECT_EQ(2048, thp_smaps(self->p, "AnonHugePages"));
	ASSERT_EQ(1, thp_folios(self->fd, getpid(), self->p, THP_SIZE, f));
	EXPECT_EQ((uintptr_t)self->p, f[0].va);
	EXPECT_EQ(thp_pfn_of(self->p), f[0].head_pfn);
	EXPECT_EQ(9u, f[0].order);
	EXPECT_EQ(MMSCOPE_THP_MAPPED_PMD, f[0].mapped);
	EXPECT_EQ(MMSCOPE_THP_KIND_ANON, f[0].kind);
	EXPECT_EQ(1, f[0].entire_mapcount);
	EXPECT_EQ(1, f[0].total_mapcount);
	EXPECT_EQ(0, f[0].pincount);
	EXPECT_EQ(f[0].expected_refcount, f[0].refcount);
	EXPECT_FALSE(f[0].info & MMSCOPE_THP_F_HUGE_ZERO);
	EXPECT_FALSE(f[0].info & MMSCOPE_THP_F_PARTIALLY_MAPPED);
	/*
	 * 6.1 queues a THP for deferred split only when part of it is
	 * unmapped; 6.12 and 7.x queue every anon PMD THP at fault.
	 */
	if (thp_kver() < 603) {
		EXPECT_FALSE(f[0].info & MMSCOPE_THP_F_DEFERRED_SPLIT);
	} else {
		EXPECT_TRUE(f[0].info & MMSCOPE_THP_F_DEFERRED_SPLIT);
	}
	ASSERT_EQ(0, thp_kpagecounts(self->p, cnt));
	for (i = 0; i < THP_PAGES; i++)
		ASSERT_EQ(1u, cnt[i]);
	EXPECT_EQ((unsigned int)THP_PAGES, f[0].hist[1]);
}

TEST_F(thp, read_fault_maps_the_huge_zero_page)
{
	struct mmscope_thp_folio f[THP_MAX_FOLIOS];
	char use[8] = "";
	volatile char c;
	uint64_t pfn;

	mmscope_read_file("/sys/kernel/mm/transparent_hugepage/use_zero_page",
			  use, sizeof(use));
	if (use[0] != '1')
		SKIP(return, "use_zero_page is off");
	c = self->p[0];
	(void)c;
	pfn = thp_pfn_of(self->p);
	if (!(thp_kflags(pfn) & KPF_BIT(KPF_THP)))
		SKIP(return, "the read fault mapped the small zero page");
	EXPECT_TRUE(thp_kflags(pfn) & KPF_BIT(KPF_ZERO_PAGE));
	EXPECT_LE(1, thp_vmstat("thp_zero_page_alloc"));
	ASSERT_EQ(1, thp_folios(self->fd, getpid(), self->p, THP_SIZE, f));
	EXPECT_TRUE(f[0].info & MMSCOPE_THP_F_HUGE_ZERO);
	EXPECT_EQ(MMSCOPE_THP_MAPPED_PMD, f[0].mapped);
	EXPECT_EQ(pfn, f[0].head_pfn);
	EXPECT_EQ(0, thp_smaps(self->p, "AnonHugePages"));
}

TEST_F(thp, dontneed_half_splits_the_pmd_not_the_folio)
{
	struct mmscope_thp_folio f[THP_MAX_FOLIOS];
	uint64_t cnt[THP_PAGES];
	long before;
	unsigned int i;

	if (!thp_fault(self->p))
		SKIP(return, "no 2 MiB block free: the fault fell back");
	before = thp_vmstat("thp_deferred_split_page");
	ASSERT_EQ(0, madvise(self->p + THP_SIZE / 2, THP_SIZE / 2, MADV_DONTNEED));
	EXPECT_EQ(before + 1, thp_vmstat("thp_deferred_split_page"));
	ASSERT_EQ(1, thp_folios(self->fd, getpid(), self->p, THP_SIZE, f));
	EXPECT_EQ(9u, f[0].order);
	EXPECT_EQ(MMSCOPE_THP_MAPPED_PTE, f[0].mapped);
	EXPECT_EQ(THP_PAGES / 2u, f[0].ptes_mapped);
	EXPECT_EQ(0, f[0].entire_mapcount);
	EXPECT_EQ(THP_PAGES / 2, f[0].total_mapcount);
	EXPECT_TRUE(f[0].info & MMSCOPE_THP_F_DEFERRED_SPLIT);
	EXPECT_TRUE(f[0].info & MMSCOPE_THP_F_PARTIALLY_MAPPED);
	EXPECT_EQ(0, thp_smaps(self->p, "AnonHugePages"));
	ASSERT_EQ(0, thp_kpagecounts(self->p, cnt));
	for (i = 0; i < THP_PAGES / 2; i++)
		ASSERT_EQ(1u, cnt[i]);
	EXPECT_EQ(THP_PAGES / 2u, f[0].hist[1]);
	EXPECT_EQ(THP_PAGES / 2u, f[0].hist[0]);
}

TEST_F(thp, split_gives_order0_pages_with_the_same_data)
{
	struct mmscope_thp_folio f[THP_MAX_FOLIOS];
	struct mmscope_thp_op op;
	uint64_t pfn;
	long before;

	if (!thp_fault(self->p))
		SKIP(return, "no 2 MiB block free: the fault fell back");
	pfn = thp_pfn_of(self->p);
	before = thp_vmstat("thp_split_page");
	ASSERT_EQ(0, thp_op(self->fd, MMSCOPE_THP_IOC_SPLIT, getpid(),
			    self->p + 4096, 0, 0, &op));
	EXPECT_EQ(MMSCOPE_THP_OK, op.result);
	EXPECT_EQ(0u, op.err);
	EXPECT_EQ(pfn, op.done);
	EXPECT_EQ(before + 1, thp_vmstat("thp_split_page"));
	EXPECT_EQ(0, thp_folios(self->fd, getpid(), self->p, THP_SIZE, f));
	EXPECT_FALSE(thp_kflags(pfn) & KPF_BIT(KPF_THP));
	EXPECT_FALSE(thp_kflags(pfn) & KPF_BIT(KPF_COMPOUND_HEAD));
	EXPECT_EQ(pfn + 5, thp_pfn_of(self->p + 5 * 4096));
	EXPECT_TRUE(thp_data_ok(self->p));
	EXPECT_EQ(0, thp_smaps(self->p, "AnonHugePages"));
}

TEST_F(thp, fork_then_child_mprotects_half)
{
	struct mmscope_thp_folio f[THP_MAX_FOLIOS], c[THP_MAX_FOLIOS];
	uint64_t cnt[THP_PAGES];
	int go[2], done[2], st;
	unsigned int i;
	pid_t pid;
	char b;

	if (!thp_fault(self->p))
		SKIP(return, "no 2 MiB block free: the fault fell back");
	ASSERT_EQ(0, pipe(go));
	ASSERT_EQ(0, pipe(done));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		mprotect(self->p, THP_SIZE / 2, PROT_READ);
		write(done[1], "x", 1);
		read(go[0], &b, 1);
		_exit(0);
	}
	ASSERT_EQ(1, read(done[0], &b, 1));
	ASSERT_EQ(1, thp_folios(self->fd, getpid(), self->p, THP_SIZE, f));
	ASSERT_EQ(1, thp_folios(self->fd, pid, self->p, THP_SIZE, c));
	ASSERT_EQ(0, thp_kpagecounts(self->p, cnt));
	write(go[1], "x", 1);
	waitpid(pid, &st, 0);
	EXPECT_EQ(MMSCOPE_THP_MAPPED_PMD, f[0].mapped);
	EXPECT_EQ(MMSCOPE_THP_MAPPED_PTE, c[0].mapped);
	EXPECT_EQ((unsigned int)THP_PAGES, c[0].ptes_mapped);
	EXPECT_EQ(f[0].head_pfn, c[0].head_pfn);
	/* one PMD (the parent's) and 512 PTEs (the child's) */
	EXPECT_EQ(1, f[0].entire_mapcount);
	EXPECT_EQ(1 + THP_PAGES, f[0].total_mapcount);
	for (i = 0; i < THP_PAGES; i++)
		ASSERT_EQ(2u, cnt[i]);
	EXPECT_EQ((unsigned int)THP_PAGES, f[0].hist[2]);
	if (thp_kver() < 603) {
		EXPECT_TRUE(f[0].info & MMSCOPE_THP_F_HAS_DOUBLE_MAP);
		EXPECT_TRUE(f[0].info & MMSCOPE_THP_F_DOUBLE_MAP);
	} else {
		EXPECT_FALSE(f[0].info & MMSCOPE_THP_F_HAS_DOUBLE_MAP);
		EXPECT_FALSE(f[0].info & MMSCOPE_THP_F_DOUBLE_MAP);
	}
	EXPECT_FALSE(f[0].info & MMSCOPE_THP_F_PARTIALLY_MAPPED);
	EXPECT_EQ(2048, thp_smaps(self->p, "AnonHugePages"));
}

TEST_HARNESS_MAIN
