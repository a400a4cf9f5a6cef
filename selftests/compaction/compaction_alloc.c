// SPDX-License-Identifier: GPL-2.0
/*
 * Blocks owned by the open ctl file: what is allocated leaves the free
 * lists (the zone snapshot's free pages), comes back on RELEASE and at
 * close; a fragmentation pattern leaves single free pages behind; bad
 * orders, counts, flags and requests past a quarter of RAM are refused.
 */
#include "kselftest_harness.h"
#include "compaction_util.h"

MMSCOPE_REQUIRE(CP_CTL)

/* Pages other activity (the test itself, kernel threads) may move. */
#define SLACK	1024

static struct cp_snap snap;

/*
 * Free pages: in the buddy lists and on the per-CPU lists (6.1 and later
 * keep freed blocks up to the PMD order there). With order0, the single
 * free pages: order-0 buddy blocks plus the per-CPU lists.
 */
static long long free_pages(int fd, long long *order0)
{
	long long pages = 0, pcp = 0;
	unsigned int i, o;

	if (cp_zones(fd, &snap))
		return -1;
	for (i = 0; i < snap.hdr.pcp_count; i++)
		pcp += snap.pcp[i].count;
	if (order0)
		*order0 = pcp;
	for (i = 0; i < snap.n; i++) {
		for (o = 0; o < snap.z[i].nr_orders; o++)
			pages += snap.z[i].nr_free[o] << o;
		if (order0)
			*order0 += snap.z[i].nr_free[0];
	}
	return pages + pcp;
}

static int alloc(int fd, unsigned int flags, unsigned int order,
		 unsigned int count, struct mmscope_compaction_alloc *out)
{
	struct mmscope_compaction_alloc a = { .size = sizeof(a) };

	a.flags = flags;
	a.order = order;
	a.count = count;
	if (ioctl(fd, MMSCOPE_COMPACTION_IOC_ALLOC, &a))
		return -errno;
	if (out)
		*out = a;
	return 0;
}

TEST(alloc_release_close)
{
	struct mmscope_compaction_release r = { .size = sizeof(r) };
	struct mmscope_compaction_alloc a;
	long long before, held, after;
	int fd = cp_open();

	ASSERT_LE(0, fd);
	before = free_pages(fd, NULL);
	ASSERT_LT(0, before);
	ASSERT_EQ(0, alloc(fd, 0, 9, 16, &a));
	EXPECT_EQ(16, a.allocated + a.failed);
	ASSERT_LT(0, a.allocated);
	EXPECT_EQ((unsigned long long)a.allocated << 9, a.held_pages);
	held = a.held_pages;
	after = free_pages(fd, NULL);
	EXPECT_LE(before - after, held + SLACK);
	EXPECT_GE(before - after, held - SLACK);
	ASSERT_EQ(0, ioctl(fd, MMSCOPE_COMPACTION_IOC_RELEASE, &r));
	EXPECT_EQ(held, (long long)r.released_pages);
	EXPECT_GE(free_pages(fd, NULL), before - SLACK);

	/* held again, then the file is closed */
	ASSERT_EQ(0, alloc(fd, MMSCOPE_COMPACTION_ALLOC_KERNEL, 8, 32, &a));
	ASSERT_LT(0, a.allocated);
	held = a.held_pages;
	after = free_pages(fd, NULL);
	EXPECT_GE(before - after, held - SLACK);
	close(fd);
	fd = cp_open();
	ASSERT_LE(0, fd);
	EXPECT_GE(free_pages(fd, NULL), before - SLACK);
	close(fd);
}

TEST(fragment)
{
	struct mmscope_compaction_alloc a;
	long long o0_before, o0_after;
	int fd = cp_open(), soak = cp_open();

	ASSERT_LE(0, fd);
	ASSERT_LE(0, soak);
	/*
	 * Single free pages there already would be taken first and hide
	 * the pattern's: another open file takes them (and a few more).
	 */
	ASSERT_LT(0, free_pages(fd, &o0_before));
	ASSERT_EQ(0, alloc(soak, 0, 0, o0_before + 512 < MMSCOPE_COMPACTION_ALLOC_MAX ?
			   o0_before + 512 : MMSCOPE_COMPACTION_ALLOC_MAX, NULL));
	ASSERT_LT(0, free_pages(fd, &o0_before));
	ASSERT_EQ(0, alloc(fd, MMSCOPE_COMPACTION_ALLOC_FRAGMENT, 0, 16384, &a));
	EXPECT_EQ(0, a.failed);
	EXPECT_EQ(8192, a.allocated);
	EXPECT_EQ(8192, a.held_pages);
	ASSERT_LT(0, free_pages(fd, &o0_after));
	/* the freed half cannot merge with the kept half: single free pages */
	EXPECT_GE(o0_after - o0_before, 4096)
		TH_LOG("order-0 free blocks %lld -> %lld", o0_before, o0_after);
	close(fd);
	close(soak);
}

TEST(bad_input)
{
	struct mmscope_compaction_release r = { .size = sizeof(r), .flags = 1 };
	int fd = cp_open();

	ASSERT_LE(0, fd);
	EXPECT_EQ(-EINVAL, alloc(fd, 0, MMSCOPE_COMPACTION_NR_ORDERS, 1, NULL));
	EXPECT_EQ(-EINVAL, alloc(fd, 0, 40, 1, NULL));
	EXPECT_EQ(-EINVAL, alloc(fd, 0, 0, 0, NULL));
	EXPECT_EQ(-EINVAL, alloc(fd, 0, 0, MMSCOPE_COMPACTION_ALLOC_MAX + 1, NULL));
	EXPECT_EQ(-EINVAL, alloc(fd, 1U << 5, 0, 1, NULL));
	/* 64 GiB: past a quarter of any guest's memory, nothing allocated */
	EXPECT_EQ(-ENOSPC, alloc(fd, 0, 10, 16384, NULL));
	EXPECT_EQ(-1, ioctl(fd, MMSCOPE_COMPACTION_IOC_RELEASE, &r));
	EXPECT_EQ(EINVAL, errno);
	close(fd);
}

TEST_HARNESS_MAIN
