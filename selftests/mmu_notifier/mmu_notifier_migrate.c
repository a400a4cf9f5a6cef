// SPDX-License-Identifier: GPL-2.0
/*
 * A page moved by migration: the compaction module's CONTIG over the
 * PFNs of a THP of this process (the folio alone fills its pageblock)
 * migrates it, and the notifier sees the kernel clear the mapping of
 * exactly the moved folio (try_to_migrate() invalidates with the CLEAR
 * event on every kernel), start and end paired, blockable; the folio's
 * new PFN [pagemap] holds the same data.
 */
#include <mmscope/compaction.h>

#include "kselftest_harness.h"
#include "mn_util.h"
#include "region.h"

MMSCOPE_REQUIRE(MN_CTL)

#define CP_CTL	MMSCOPE_DEBUGFS "/compaction/ctl"

static struct mmscope_mmu_notifier_record recs[MN_MAX];

static uint64_t pfn_of(const void *addr)
{
	uint64_t e;

	if (mmscope_pagemap_read(0, (uintptr_t)addr, 1, &e) ||
	    !(e & PM_PRESENT))
		return 0;
	return PM_PFN(e);
}

TEST(contig_migrates_a_thp)
{
	struct mmscope_compaction_contig c = { .size = sizeof(c) };
	struct mmscope_region reg;
	int fd = mn_open(), cfd, n, i, ret;
	uint64_t pfn, s, e;

	ASSERT_LE(0, fd);
	cfd = open(CP_CTL, O_RDWR);
	if (cfd < 0)
		SKIP(return, "%s: %s (its CONTIG migrates the page)", CP_CTL,
		     strerror(errno));
	ret = mmscope_region_make_thp(&reg);
	if (ret > 0)
		SKIP(return, "%s", mmscope_error);
	ASSERT_EQ(0, ret) TH_LOG("%s", mmscope_error);
	s = (uintptr_t)reg.start;
	e = s + MMSCOPE_HUGE_SIZE;
	pfn = pfn_of(reg.start);
	ASSERT_NE(0, pfn);
	ASSERT_EQ(0, mn_attach_self(fd));
	c.start_pfn = pfn;
	c.nr_pages = MMSCOPE_HUGE_SIZE / getpagesize();
	ASSERT_EQ(0, ioctl(cfd, MMSCOPE_COMPACTION_IOC_CONTIG, &c));
	ASSERT_EQ(0, c.result) TH_LOG("blocker %llu reason %u",
				      (unsigned long long)c.blocker_pfn,
				      c.blocker_reason);
	EXPECT_NE(pfn, pfn_of(reg.start));
	EXPECT_EQ(1, reg.start[0]);
	EXPECT_EQ(2, reg.start[getpagesize()]);
	n = mn_read(fd, recs, MN_MAX, 0, NULL);
	ASSERT_LT(0, n);
	for (i = 0; i < n; i++)
		TH_LOG("%s %s 0x%llx-0x%llx",
		       mmscope_mmu_notifier_op_name(recs[i].op),
		       mmscope_mmu_notifier_event_name(recs[i].event),
		       (unsigned long long)recs[i].start,
		       (unsigned long long)recs[i].end);
	i = mn_find(recs, n, 0, OP(INVALIDATE_RANGE_START), EV(CLEAR), s, e);
	ASSERT_LE(0, i);
	EXPECT_TRUE(recs[i].flags & MMSCOPE_MMU_NOTIFIER_REC_BLOCKABLE);
	EXPECT_LE(0, mn_find(recs, n, i, OP(INVALIDATE_RANGE_END), EV(CLEAR),
			     s, e));
	EXPECT_EQ(0, mn_count_covering(recs, n, OP(INVALIDATE_RANGE_START),
				       EV(UNMAP), s, s + 1));
	EXPECT_EQ(0, mn_unpaired(recs, n));
	close(cfd);
	close(fd);
	mmscope_region_free(&reg);
}

TEST_HARNESS_MAIN
