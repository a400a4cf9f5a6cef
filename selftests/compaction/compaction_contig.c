// SPDX-License-Identifier: GPL-2.0
/*
 * Contiguous ranges through alloc_contig_range(): a free pageblock is
 * obtained, held by the open file (the page's reason is then "kernel") and
 * freed at RELEASE; a reserved page blocks the range and is named as the
 * blocker; bad ranges are refused.
 */
#include "kselftest_harness.h"
#include "compaction_util.h"

MMSCOPE_REQUIRE(CP_CTL)

#define KPF_RESERVED	32

static int contig(int fd, uint64_t pfn, uint64_t nr,
		  struct mmscope_compaction_contig *out)
{
	struct mmscope_compaction_contig c = { .size = sizeof(c) };

	c.start_pfn = pfn;
	c.nr_pages = nr;
	if (ioctl(fd, MMSCOPE_COMPACTION_IOC_CONTIG, &c))
		return -errno;
	*out = c;
	return 0;
}

static int reason(int fd, uint64_t pfn)
{
	struct mmscope_compaction_pfn p = { .size = sizeof(p), .pfn = pfn };

	return ioctl(fd, MMSCOPE_COMPACTION_IOC_PFN, &p) ? -errno : (int)p.reason;
}

/* The largest zone of the snapshot. */
static struct mmscope_compaction_zone *largest(struct cp_snap *s)
{
	unsigned int i, best = 0;

	for (i = 1; i < s->n; i++)
		if (s->z[i].spanned > s->z[best].spanned)
			best = i;
	return &s->z[best];
}

TEST(free_block)
{
	struct mmscope_compaction_release rel = { .size = sizeof(rel) };
	struct mmscope_compaction_blocks req = { .size = sizeof(req) };
	static struct mmscope_compaction_block b[4096];
	struct mmscope_compaction_contig c;
	struct mmscope_compaction_zone *z;
	struct cp_snap s;
	unsigned int i = 0, n;
	int fd = cp_open(), r;

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, cp_zones(fd, &s));
	z = largest(&s);
	req.start_pfn = z->start_pfn;
	req.end_pfn = z->start_pfn + z->spanned;
	req.records = (uintptr_t)b;
	req.count = ARRAY_SIZE(b);
	req.record_size = sizeof(b[0]);
	ASSERT_EQ(0, ioctl(fd, MMSCOPE_COMPACTION_IOC_PAGEBLOCKS, &req));
	/* a free Movable block, from the zone's middle on, else below it */
	for (n = 0; n < req.count; n++) {
		i = (req.count / 2 + n) % req.count;
		if (b[i].migratetype == MMSCOPE_COMPACTION_MT_MOVABLE &&
		    b[i].free == b[i].nr_pages && b[i].nr_pages == 512)
			break;
	}
	ASSERT_GT(req.count, n) TH_LOG("no free Movable pageblock in the zone");
	ASSERT_EQ(0, contig(fd, b[i].pfn, 512, &c));
	ASSERT_EQ(0, c.result);
	EXPECT_EQ(0, c.has_blocker);
	EXPECT_EQ(512, c.held_pages);
	EXPECT_EQ(MMSCOPE_COMPACTION_R_KERNEL, reason(fd, b[i].pfn));
	EXPECT_EQ(MMSCOPE_COMPACTION_R_KERNEL, reason(fd, b[i].pfn + 511));
	ASSERT_EQ(0, ioctl(fd, MMSCOPE_COMPACTION_IOC_RELEASE, &rel));
	EXPECT_EQ(512, rel.released_pages);
	r = reason(fd, b[i].pfn);
	EXPECT_TRUE(r == MMSCOPE_COMPACTION_R_FREE || r == MMSCOPE_COMPACTION_R_PCP)
		TH_LOG("reason %d after release", r);
	close(fd);
}

TEST(reserved_blocks)
{
	static uint64_t flags[65536];
	struct mmscope_compaction_contig c;
	struct cp_snap s;
	uint64_t start = ~0ULL, i, n;
	int fd = cp_open();

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, cp_zones(fd, &s));
	for (i = 0; i < s.n; i++)
		if (s.z[i].start_pfn < start)
			start = s.z[i].start_pfn;
	n = ARRAY_SIZE(flags);
	ASSERT_EQ(0, mmscope_kpageflags_read(start, n, flags));
	for (i = 0; i < n; i++)
		if (flags[i] & KPF_BIT(KPF_RESERVED))
			break;
	ASSERT_GT(n, i);
	ASSERT_EQ(0, contig(fd, start + i, 1, &c));
	EXPECT_NE(0, c.result);
	EXPECT_EQ(1, c.has_blocker);
	EXPECT_EQ(start + i, c.blocker_pfn);
	EXPECT_EQ(MMSCOPE_COMPACTION_R_RESERVED, c.blocker_reason);
	EXPECT_EQ(0, c.held_pages);
	close(fd);
}

TEST(bad_ranges)
{
	struct mmscope_compaction_contig c;
	struct cp_snap s;
	uint64_t end = 0;
	unsigned int i;
	int fd = cp_open();

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, cp_zones(fd, &s));
	for (i = 0; i < s.n; i++)
		if (s.z[i].start_pfn + s.z[i].spanned > end)
			end = s.z[i].start_pfn + s.z[i].spanned;
	EXPECT_EQ(-EINVAL, contig(fd, s.z[0].start_pfn, 0, &c));
	EXPECT_EQ(-EINVAL, contig(fd, s.z[0].start_pfn,
				  MMSCOPE_COMPACTION_CONTIG_MAX + 1, &c));
	EXPECT_EQ(-ERANGE, contig(fd, end, 1, &c));
	EXPECT_EQ(-ERANGE, contig(fd, end - 1, 2, &c));
	/* across two zones (x86_64: DMA and DMA32) */
	if (s.n > 1)
		EXPECT_EQ(-EINVAL, contig(fd, s.z[1].start_pfn - 1, 2, &c));
	close(fd);
}

TEST_HARNESS_MAIN
