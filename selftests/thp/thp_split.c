// SPDX-License-Identifier: GPL-2.0
/*
 * Folios smaller than the PMD: multi-size THP at fault (6.8+: a 64 KiB
 * size enabled alone) and a split to a given order, and a split refused
 * while a page of the THP is pinned through the pageref module. Against
 * pagemap (PFN contiguity), kpageflags (compound head and tail), the
 * per-size fault counter and the data. 6.1 has one THP size: there the
 * per-size files are absent, a fault gives order 9 only and a split to a
 * non-zero order fails with EOPNOTSUPP. The split of a pinned THP fails
 * with the kernel's EAGAIN (its reference count is not the expected one).
 */
#include <sys/stat.h>

#include <mmscope/pageref.h>

#include "kselftest_harness.h"
#include "thp_util.h"

MMSCOPE_REQUIRE(THP_CTL)

#define PAGEREF_CTL	MMSCOPE_DEBUGFS "/pageref/ctl"
#define SIZE64K		"/sys/kernel/mm/transparent_hugepage/hugepages-64kB"
#define ORDER64K	4

FIXTURE(split)
{
	int fd;
	char *map, *p;
};

FIXTURE_SETUP(split)
{
	self->fd = thp_open();
	ASSERT_LE(0, self->fd);
	ASSERT_EQ(0, mmscope_thp_push());
	self->p = thp_map_aligned(&self->map);
	ASSERT_NE(NULL, self->p);
}

FIXTURE_TEARDOWN(split)
{
	munmap(self->map, 2 * THP_SIZE);
	mmscope_thp_pop();
	close(self->fd);
}

static long file_long(const char *path)
{
	long v = -1;
	FILE *f = fopen(path, "re");

	if (f && fscanf(f, "%ld", &v) != 1)
		v = -1;
	if (f)
		fclose(f);
	return v;
}

/* Each folio: its pages at consecutive frames from an aligned head. */
static void check_folios(struct __test_metadata *_metadata, const char *p,
			 struct mmscope_thp_folio *f, int n, unsigned int order)
{
	unsigned long nr = 1UL << order;

	for (int i = 0; i < n; i++) {
		const char *va = (const char *)(uintptr_t)f[i].va;

		EXPECT_EQ(order, f[i].order);
		EXPECT_EQ(MMSCOPE_THP_MAPPED_PTE, f[i].mapped);
		EXPECT_EQ(nr, f[i].ptes_mapped);
		EXPECT_EQ(0u, f[i].head_pfn & (nr - 1));
		EXPECT_EQ(p + i * nr * 4096UL, va);
		EXPECT_EQ(f[i].head_pfn, thp_pfn_of(va));
		EXPECT_EQ(f[i].head_pfn + nr - 1,
			  thp_pfn_of(va + (nr - 1) * 4096UL));
		EXPECT_TRUE(thp_kflags(f[i].head_pfn) &
			    KPF_BIT(KPF_COMPOUND_HEAD));
		EXPECT_TRUE(thp_kflags(f[i].head_pfn + 1) &
			    KPF_BIT(KPF_COMPOUND_TAIL));
	}
}

TEST_F(split, mthp_fault_is_order4_or_absent_on_61)
{
	static struct mmscope_thp_folio f[THP_MAX_FOLIOS];
	struct stat st;
	long before;
	int n;

	if (thp_kver() < 608) {
		/* one THP size: no per-size files, only order 9 at fault */
		EXPECT_EQ(-1, stat(SIZE64K, &st));
		EXPECT_EQ(ENOENT, errno);
		ASSERT_EQ(0, mmscope_thp_set("enabled", "always"));
		thp_fill(self->p);
		n = thp_folios(self->fd, getpid(), self->p, THP_SIZE, f);
		ASSERT_EQ(1, n);
		EXPECT_EQ(9u, f[0].order);
		EXPECT_EQ(MMSCOPE_THP_MAPPED_PMD, f[0].mapped);
		return;
	}
	ASSERT_EQ(0, stat(SIZE64K "/enabled", &st));
	ASSERT_EQ(0, mmscope_thp_set("enabled", "never"));
	ASSERT_EQ(0, mmscope_thp_set("hugepages-64kB/enabled", "always"));
	before = file_long(SIZE64K "/stats/anon_fault_alloc");
	ASSERT_LE(0, before);
	thp_fill(self->p);
	n = thp_folios(self->fd, getpid(), self->p, THP_SIZE, f);
	if (n < THP_PAGES >> ORDER64K &&
	    file_long(SIZE64K "/stats/anon_fault_fallback") > 0)
		SKIP(return, "64 KiB blocks ran out: %d folios", n);
	ASSERT_EQ(THP_PAGES >> ORDER64K, n);
	check_folios(_metadata, self->p, f, n, ORDER64K);
	EXPECT_EQ(before + n, file_long(SIZE64K "/stats/anon_fault_alloc"));
	EXPECT_EQ(0, thp_smaps(self->p, "AnonHugePages"));
	EXPECT_TRUE(thp_data_ok(self->p));
}

TEST_F(split, split_to_order)
{
	static struct mmscope_thp_folio f[THP_MAX_FOLIOS];
	struct mmscope_thp_op op;
	int n;

	ASSERT_EQ(0, mmscope_thp_set("enabled", "always"));
	thp_fill(self->p);
	ASSERT_EQ(1, thp_folios(self->fd, getpid(), self->p, THP_SIZE, f));
	ASSERT_EQ(0, thp_op(self->fd, MMSCOPE_THP_IOC_SPLIT, getpid(),
			    self->p + 4096, 0, ORDER64K, &op));
	if (thp_kver() < 608) {
		EXPECT_EQ(MMSCOPE_THP_FAILED, op.result);
		EXPECT_EQ(EOPNOTSUPP, op.err);
		ASSERT_EQ(1, thp_folios(self->fd, getpid(), self->p, THP_SIZE,
					f));
		EXPECT_EQ(9u, f[0].order);
		return;
	}
	ASSERT_EQ(MMSCOPE_THP_OK, op.result) TH_LOG("err %u", op.err);
	n = thp_folios(self->fd, getpid(), self->p, THP_SIZE, f);
	ASSERT_EQ(THP_PAGES >> ORDER64K, n);
	check_folios(_metadata, self->p, f, n, ORDER64K);
	EXPECT_EQ(0, thp_smaps(self->p, "AnonHugePages"));
	EXPECT_TRUE(thp_data_ok(self->p));
}

TEST_F(split, pinned_split_is_busy_then_unpinned_splits)
{
	static struct mmscope_thp_folio f[THP_MAX_FOLIOS];
	struct mmscope_pageref_hold h = {
		.size = sizeof(h), .pid = getpid(), .len = 4096,
	};
	struct mmscope_thp_op op;
	uint64_t head;
	int pfd;

	ASSERT_EQ(0, mmscope_thp_set("enabled", "always"));
	thp_fill(self->p);
	ASSERT_EQ(1, thp_folios(self->fd, getpid(), self->p, THP_SIZE, f));
	head = f[0].head_pfn;
	pfd = open(PAGEREF_CTL, O_RDWR);
	if (pfd < 0)
		SKIP(return, "mmscope_pageref is not loaded");
	h.start = (uintptr_t)self->p + 9 * 4096;
	ASSERT_EQ(0, ioctl(pfd, MMSCOPE_PAGEREF_IOC_PIN, &h));
	ASSERT_EQ(1u, h.pages);
	ASSERT_EQ(0, thp_op(self->fd, MMSCOPE_THP_IOC_SPLIT, getpid(),
			    self->p, 0, 0, &op));
	EXPECT_EQ(MMSCOPE_THP_FAILED, op.result);
	/* the extra reference: EAGAIN on each kernel (not EBUSY) */
	EXPECT_EQ(EAGAIN, op.err);
	ASSERT_EQ(1, thp_folios(self->fd, getpid(), self->p, THP_SIZE, f));
	EXPECT_EQ(head, f[0].head_pfn);
	EXPECT_EQ(9u, f[0].order);
	EXPECT_EQ(MMSCOPE_THP_MAPPED_PMD, f[0].mapped);
	EXPECT_TRUE(thp_kflags(head) & KPF_BIT(KPF_THP));
	close(pfd);	/* drops the pin */

	ASSERT_EQ(0, thp_op(self->fd, MMSCOPE_THP_IOC_SPLIT, getpid(),
			    self->p, 0, 0, &op));
	EXPECT_EQ(MMSCOPE_THP_OK, op.result) TH_LOG("err %u", op.err);
	EXPECT_EQ(0, thp_folios(self->fd, getpid(), self->p, THP_SIZE, f));
	EXPECT_FALSE(thp_kflags(thp_pfn_of(self->p + 9 * 4096)) &
		     KPF_BIT(KPF_COMPOUND_TAIL));
	EXPECT_TRUE(thp_data_ok(self->p));
}

TEST_HARNESS_MAIN
