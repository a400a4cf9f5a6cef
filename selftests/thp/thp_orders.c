// SPDX-License-Identifier: GPL-2.0
/*
 * Large folios below the PMD order: mTHP folios faulted in with only
 * hugepages-64kB enabled, a THP split to a given order, and a split the
 * kernel refuses while a page of the THP is pinned (through the pageref
 * module). Against pagemap (contiguous, aligned frames), kpageflags
 * (compound head and tail) and the per-size stats counters. 6.1 has no
 * per-size THP and splits to order 0 only: that is asserted there.
 */
#include <sys/stat.h>

#include <mmscope/pageref.h>

#include "kselftest_harness.h"
#include "thp_util.h"

MMSCOPE_REQUIRE(THP_CTL)

#define PAGEREF_CTL	MMSCOPE_DEBUGFS "/pageref/ctl"
#define SIZE_DIR	"/sys/kernel/mm/transparent_hugepage/hugepages-64kB"
#define MTHP_ORDER	4
#define MTHP_PAGES	(1U << MTHP_ORDER)

FIXTURE(orders)
{
	int fd;
	char *map, *p;
};

FIXTURE_SETUP(orders)
{
	ASSERT_EQ(0, thp_fix_setup(&self->fd, &self->map, &self->p));
}

FIXTURE_TEARDOWN(orders)
{
	thp_fix_teardown(self->fd, self->map);
}

static bool per_size_thp(void)
{
	struct stat st;

	return stat(SIZE_DIR, &st) == 0;
}

/* A per-size stats counter of the 64 kB size, or -1 (none on this kernel). */
static long mthp_stat(const char *name)
{
	char path[256], text[32];

	snprintf(path, sizeof(path), SIZE_DIR "/stats/%s", name);
	if (mmscope_read_file(path, text, sizeof(text)) <= 0)
		return -1;
	return strtol(text, NULL, 0);
}

/*
 * Every MTHP_PAGES-page block of the region is one folio of that order
 * by pagemap and kpageflags: frames contiguous from an aligned head,
 * compound head first, tails after. Returns the blocks that are.
 */
static unsigned int mthp_blocks(const char *p)
{
	static uint64_t pm[THP_PAGES], fl[THP_PAGES];
	unsigned int b, i, good = 0;
	int kfd;

	if (mmscope_pagemap_read(0, (uintptr_t)p, THP_PAGES, pm))
		return 0;
	kfd = open("/proc/kpageflags", O_RDONLY);
	if (kfd < 0)
		return 0;
	if (mmscope_kpage_read_runs(kfd, pm, THP_PAGES, fl) < 0) {
		close(kfd);
		return 0;
	}
	close(kfd);
	for (b = 0; b < THP_PAGES; b += MTHP_PAGES) {
		uint64_t head = PM_PFN(pm[b]);
		bool ok = (pm[b] & PM_PRESENT) && !(head % MTHP_PAGES) &&
			  (fl[b] & KPF_BIT(KPF_COMPOUND_HEAD));

		for (i = 1; ok && i < MTHP_PAGES; i++)
			ok = (pm[b + i] & PM_PRESENT) &&
			     PM_PFN(pm[b + i]) == head + i &&
			     (fl[b + i] & KPF_BIT(KPF_COMPOUND_TAIL));
		good += ok;
	}
	return good;
}

/* The module lists nblocks order-4 folios, PTE-mapped, at the frames. */
static void check_mthp_list(struct __test_metadata *_metadata, int fd,
			    const char *p, unsigned int nblocks)
{
	static struct mmscope_thp_folio f[THP_MAX_FOLIOS];
	unsigned int i;

	ASSERT_EQ((int)nblocks, thp_folios(fd, getpid(), p, THP_SIZE, f));
	for (i = 0; i < nblocks; i++) {
		const char *va = p + (uintptr_t)i * MTHP_PAGES * 4096;

		EXPECT_EQ(MTHP_ORDER, f[i].order);
		EXPECT_EQ(MMSCOPE_THP_MAPPED_PTE, f[i].mapped);
		EXPECT_EQ(MTHP_PAGES, f[i].ptes_mapped);
		EXPECT_EQ((uintptr_t)va, f[i].va);
		EXPECT_EQ(thp_pfn_of(va), f[i].head_pfn);
		EXPECT_EQ(MTHP_PAGES, f[i].hist[1]);
		EXPECT_EQ((int)MTHP_PAGES, f[i].total_mapcount);
		EXPECT_EQ(0, f[i].entire_mapcount);
	}
}

TEST_F(orders, mthp_fault)
{
	struct mmscope_thp_folio f[THP_MAX_FOLIOS];
	struct mmscope_thp_vma v;
	long before;
	int n, i;

	if (thp_kver() < 608) {
		/* no per-size THP: the PMD order is the only one */
		EXPECT_FALSE(per_size_thp());
		ASSERT_EQ(0, madvise(self->p, THP_SIZE, MADV_HUGEPAGE));
		ASSERT_EQ(0, thp_vma_of(self->fd, self->p, &v));
		EXPECT_EQ(1ULL << 9, v.orders);
		thp_fill(self->p);
		n = thp_folios(self->fd, getpid(), self->p, THP_SIZE, f);
		ASSERT_LE(0, n);
		for (i = 0; i < n; i++)
			EXPECT_EQ(9u, f[i].order);
		return;
	}
	ASSERT_TRUE(per_size_thp());
	ASSERT_EQ(0, mmscope_thp_set("hugepages-2048kB/enabled", "never"));
	ASSERT_EQ(0, mmscope_thp_set("hugepages-64kB/enabled", "always"));
	ASSERT_EQ(0, thp_vma_of(self->fd, self->p, &v));
	EXPECT_EQ(1ULL << MTHP_ORDER, v.orders);
	before = mthp_stat("anon_fault_alloc");
	thp_fill(self->p);
	if (mthp_blocks(self->p) < THP_PAGES / MTHP_PAGES)
		SKIP(return, "only %u of 32 faults got a 64 kB folio",
		     mthp_blocks(self->p));
	check_mthp_list(_metadata, self->fd, self->p, THP_PAGES / MTHP_PAGES);
	if (before >= 0)
		EXPECT_EQ(before + THP_PAGES / MTHP_PAGES,
			  mthp_stat("anon_fault_alloc"));
	EXPECT_EQ(0, thp_smaps(self->p, "AnonHugePages"));
	EXPECT_TRUE(thp_data_ok(self->p));
}

/*
 * Fault a PMD THP in; false when the fault fell back. Then keep
 * khugepaged away from the range (the THP stays).
 */
static bool pmd_fault(char *p)
{
	if (madvise(p, THP_SIZE, MADV_HUGEPAGE))
		return false;
	thp_fill(p);
	if (thp_khugepaged_off(p))
		return false;
	return thp_kflags(thp_pfn_of(p)) & KPF_BIT(KPF_THP);
}

TEST_F(orders, split_to_order)
{
	struct mmscope_thp_folio f[THP_MAX_FOLIOS];
	struct mmscope_thp_op op;
	uint64_t head;

	if (!pmd_fault(self->p))
		SKIP(return, "no 2 MiB block free: the fault fell back");
	head = thp_pfn_of(self->p);
	ASSERT_EQ(0, thp_op(self->fd, MMSCOPE_THP_IOC_SPLIT, getpid(),
			    self->p + 4096, 0, MTHP_ORDER, &op));
	if (thp_kver() < 608) {
		/* 6.1's split has no order: refused, the THP untouched */
		EXPECT_EQ(MMSCOPE_THP_FAILED, op.result);
		EXPECT_EQ(EOPNOTSUPP, op.err);
		ASSERT_EQ(1, thp_folios(self->fd, getpid(), self->p, THP_SIZE, f));
		EXPECT_EQ(9u, f[0].order);
		EXPECT_EQ(MMSCOPE_THP_MAPPED_PMD, f[0].mapped);
		EXPECT_EQ(head, f[0].head_pfn);
		return;
	}
	ASSERT_EQ(MMSCOPE_THP_OK, op.result) TH_LOG("err %u", op.err);
	EXPECT_EQ(head, op.done);
	/* the same frames, now 32 folios of order 4 */
	EXPECT_EQ(head, thp_pfn_of(self->p));
	EXPECT_EQ(THP_PAGES / MTHP_PAGES, mthp_blocks(self->p));
	check_mthp_list(_metadata, self->fd, self->p, THP_PAGES / MTHP_PAGES);
	EXPECT_EQ(0, thp_smaps(self->p, "AnonHugePages"));
	EXPECT_TRUE(thp_data_ok(self->p));
}

TEST_F(orders, pinned_split_is_refused)
{
	struct mmscope_thp_folio f[THP_MAX_FOLIOS];
	struct mmscope_pageref_hold h = {
		.size = sizeof(h), .pid = getpid(), .len = 4096,
	};
	struct mmscope_thp_op op;
	long before;
	uint64_t head;
	int pfd;

	pfd = open(PAGEREF_CTL, O_RDWR);
	if (pfd < 0)
		SKIP(return, "mmscope_pageref is not loaded");
	if (!pmd_fault(self->p)) {
		close(pfd);
		SKIP(return, "no 2 MiB block free: the fault fell back");
	}
	head = thp_pfn_of(self->p);
	h.start = (uintptr_t)self->p + 9 * 4096;
	ASSERT_EQ(0, ioctl(pfd, MMSCOPE_PAGEREF_IOC_PIN, &h));
	ASSERT_EQ(1u, h.pages);
	before = thp_vmstat("thp_split_page_failed");
	ASSERT_EQ(0, thp_op(self->fd, MMSCOPE_THP_IOC_SPLIT, getpid(),
			    self->p, 0, 0, &op));
	EXPECT_EQ(MMSCOPE_THP_FAILED, op.result);
	/* the extra reference fails can_split_folio(): EAGAIN, not EBUSY */
	EXPECT_EQ(EAGAIN, op.err);
	EXPECT_EQ(before + 1, thp_vmstat("thp_split_page_failed"));
	/* unchanged: one PMD-mapped order-9 folio at the same frames */
	ASSERT_EQ(1, thp_folios(self->fd, getpid(), self->p, THP_SIZE, f));
	EXPECT_EQ(9u, f[0].order);
	EXPECT_EQ(MMSCOPE_THP_MAPPED_PMD, f[0].mapped);
	EXPECT_EQ(head, f[0].head_pfn);
	EXPECT_EQ(1, f[0].pincount);
	EXPECT_TRUE(f[0].info & MMSCOPE_THP_F_MAYBE_DMA_PINNED);
	EXPECT_TRUE(thp_kflags(head) & KPF_BIT(KPF_THP));
	EXPECT_EQ(2048, thp_smaps(self->p, "AnonHugePages"));
	close(pfd);	/* drops the pin */

	before = thp_vmstat("thp_split_page");
	ASSERT_EQ(0, thp_op(self->fd, MMSCOPE_THP_IOC_SPLIT, getpid(),
			    self->p, 0, 0, &op));
	EXPECT_EQ(MMSCOPE_THP_OK, op.result) TH_LOG("err %u", op.err);
	EXPECT_EQ(before + 1, thp_vmstat("thp_split_page"));
	EXPECT_EQ(0, thp_folios(self->fd, getpid(), self->p, THP_SIZE, f));
	EXPECT_FALSE(thp_kflags(head) & KPF_BIT(KPF_THP));
	EXPECT_TRUE(thp_data_ok(self->p));
}

TEST_HARNESS_MAIN
