// SPDX-License-Identifier: GPL-2.0
/*
 * Bad input: flags, empty and reversed ranges, PFNs past the end of
 * memory, a record array the caller cannot write, and a pageblock walk
 * resumed from where a small array stopped it.
 */
#include <sys/mman.h>

#include "kselftest_harness.h"
#include "compaction_util.h"

MMSCOPE_REQUIRE(CP_CTL)

static uint64_t mem_end(int fd)
{
	struct cp_snap s;
	uint64_t end = 0;
	unsigned int i;

	if (cp_zones(fd, &s))
		return 0;
	for (i = 0; i < s.n; i++)
		if (s.z[i].start_pfn + s.z[i].spanned > end)
			end = s.z[i].start_pfn + s.z[i].spanned;
	return end;
}

static int blocks(int fd, uint64_t start, uint64_t end, void *recs,
		  uint32_t count, struct mmscope_compaction_blocks *out)
{
	struct mmscope_compaction_blocks b = { .size = sizeof(b) };

	b.start_pfn = start;
	b.end_pfn = end;
	b.records = (uintptr_t)recs;
	b.count = count;
	b.record_size = sizeof(struct mmscope_compaction_block);
	if (ioctl(fd, MMSCOPE_COMPACTION_IOC_PAGEBLOCKS, &b))
		return -errno;
	if (out)
		*out = b;
	return 0;
}

TEST(bad_input)
{
	struct mmscope_compaction_block recs[8];
	struct mmscope_compaction_zones z = { .size = sizeof(z), .flags = 1 };
	struct mmscope_compaction_pfn p = { .size = sizeof(p) };
	int fd = cp_open();
	uint64_t end;
	void *ro;

	ASSERT_LE(0, fd);
	end = mem_end(fd);
	ASSERT_LT(0, end);
	EXPECT_EQ(-1, ioctl(fd, MMSCOPE_COMPACTION_IOC_ZONES, &z));
	EXPECT_EQ(EINVAL, errno);
	z.flags = 0;
	z.count = 4;	/* room, but no array */
	EXPECT_EQ(-1, ioctl(fd, MMSCOPE_COMPACTION_IOC_ZONES, &z));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-EINVAL, blocks(fd, 100, 100, recs, 8, NULL));
	EXPECT_EQ(-EINVAL, blocks(fd, 200, 100, recs, 8, NULL));
	EXPECT_EQ(-ERANGE, blocks(fd, 0, end + 1, recs, 8, NULL));
	EXPECT_EQ(-ERANGE, blocks(fd, end, ~0ULL, recs, 8, NULL));
	EXPECT_EQ(-EINVAL, blocks(fd, 0, end, NULL, 8, NULL));
	ro = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, ro);
	EXPECT_EQ(-EFAULT, blocks(fd, 0, end, ro, 8, NULL));
	munmap(ro, 4096);
	p.pfn = end;
	EXPECT_EQ(-1, ioctl(fd, MMSCOPE_COMPACTION_IOC_PFN, &p));
	EXPECT_EQ(ERANGE, errno);
	p.pfn = 0;
	p.flags = 1;
	EXPECT_EQ(-1, ioctl(fd, MMSCOPE_COMPACTION_IOC_PFN, &p));
	EXPECT_EQ(EINVAL, errno);
	close(fd);
}

/* Eight records a call: the walk goes on at next_pfn, block by block. */
TEST(resume)
{
	struct mmscope_compaction_block recs[8];
	struct mmscope_compaction_blocks b = { 0 };
	uint64_t pfn, end, last = 0, calls = 0;
	int fd = cp_open();

	ASSERT_LE(0, fd);
	end = mem_end(fd);
	if (end > 65536)
		end = 65536;
	for (pfn = 1; pfn < end; pfn = b.next_pfn, calls++) {
		unsigned int i;

		ASSERT_EQ(0, blocks(fd, pfn, end, recs, 8, &b));
		ASSERT_LT(0, b.count);
		ASSERT_GE(8, b.count);
		ASSERT_EQ(pfn, recs[0].pfn);
		for (i = 0; i < b.count; i++) {
			uint64_t bend = recs[i].pfn + recs[i].nr_pages;

			ASSERT_TRUE(i == 0 || recs[i].pfn == last);
			ASSERT_TRUE(bend % (1ULL << b.block_order) == 0 || bend == end);
			ASSERT_GE(recs[i].nr_pages, recs[i].free + recs[i].lru +
				  recs[i].unmovable + recs[i].reserved +
				  recs[i].other_zone);
			last = bend;
		}
		ASSERT_EQ(last, b.next_pfn);
	}
	ASSERT_EQ(end, pfn);
	ASSERT_LT(0, calls);
	close(fd);
}

TEST_HARNESS_MAIN
