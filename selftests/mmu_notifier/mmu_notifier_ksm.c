// SPDX-License-Identifier: GPL-2.0
/*
 * KSM merging two identical pages of the process: ksmd write-protects
 * each page (write_protect_page(): a one-page CLEAR) and maps the KSM page
 * in place of the duplicate (replace_page(): another one-page CLEAR). On
 * 6.1 replace_page() also announces the new entry with ->change_pte; the
 * op is gone from 6.9 on. The oracle for "merged": both addresses map the
 * same pfn in pagemap. The KSM knobs are saved and restored.
 */
#include <stdlib.h>
#include <time.h>

#include "kselftest_harness.h"
#include "mn_util.h"

MMSCOPE_REQUIRE(MN_CTL)

#define KSM "/sys/kernel/mm/ksm/"

static struct mmscope_mmu_notifier_record recs[MN_MAX];

static int knob_read(const char *name, char *val, size_t size)
{
	char path[128];
	ssize_t n;

	snprintf(path, sizeof(path), KSM "%s", name);
	n = mmscope_read_file(path, val, size);
	return n < 0 ? (int)n : 0;
}

static int knob_write(const char *name, const char *val)
{
	char path[128];
	int fd, ret = 0;

	snprintf(path, sizeof(path), KSM "%s", name);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (write(fd, val, strlen(val)) < 0)
		ret = -errno;
	close(fd);
	return ret;
}

FIXTURE(ksm)
{
	char run[16], sleep_ms[16], scan[16];
	bool saved;
};

FIXTURE_SETUP(ksm)
{
	if (knob_read("run", self->run, sizeof(self->run)) ||
	    knob_read("sleep_millisecs", self->sleep_ms,
		      sizeof(self->sleep_ms)) ||
	    knob_read("pages_to_scan", self->scan, sizeof(self->scan)))
		SKIP(return, "no KSM in this kernel");
	self->saved = true;
	ASSERT_EQ(0, knob_write("sleep_millisecs", "10"));
	ASSERT_EQ(0, knob_write("pages_to_scan", "1000"));
}

FIXTURE_TEARDOWN(ksm)
{
	if (!self->saved)
		return;
	knob_write("run", self->run);
	knob_write("sleep_millisecs", self->sleep_ms);
	knob_write("pages_to_scan", self->scan);
}

/* Both pages map the same page frame. */
static bool merged(const char *p)
{
	uint64_t pm[2];

	if (mmscope_pagemap_read(0, (uintptr_t)p, 2, pm))
		return false;
	return (pm[0] & PM_PRESENT) && (pm[1] & PM_PRESENT) &&
	       PM_PFN(pm[0]) && PM_PFN(pm[0]) == PM_PFN(pm[1]);
}

TEST_F(ksm, merge_clears_each_page)
{
	long ps = getpagesize();
	char *p = mn_pages(2);
	int fd = mn_open(), n, i, tries, ksmd = 0;
	uint64_t a0 = (uintptr_t)p, a1 = a0 + ps;

	ASSERT_NE(NULL, p);
	ASSERT_LE(0, fd);
	memset(p, 0x5a, 2 * ps);
	ASSERT_EQ(0, mn_attach_self(fd));
	ASSERT_EQ(0, madvise(p, 2 * ps, MADV_MERGEABLE));
	ASSERT_EQ(0, mn_drain(fd));
	ASSERT_EQ(0, knob_write("run", "1"));
	for (tries = 0; tries < 200 && !merged(p); tries++)
		usleep(50000);
	if (!merged(p))
		SKIP(return, "ksmd did not merge the pages in 10 s");
	n = mn_read(fd, recs, MN_MAX, 0, NULL);
	for (i = 0; i < n; i++)
		ksmd += !strcmp(recs[i].comm, "ksmd");
	EXPECT_LT(0, ksmd);
	/* the duplicate is replaced: a clear of exactly its page */
	EXPECT_TRUE(mn_find(recs, n, 0, OP(INVALIDATE_RANGE_START), EV(CLEAR),
			    a0, a0 + ps) >= 0 ||
		    mn_find(recs, n, 0, OP(INVALIDATE_RANGE_START), EV(CLEAR),
			    a1, a1 + ps) >= 0) TH_LOG("%d records", n);
	EXPECT_LE(2, mn_count_covering(recs, n, OP(INVALIDATE_RANGE_START),
				       EV(CLEAR), a0, a0 + ps) +
		  mn_count_covering(recs, n, OP(INVALIDATE_RANGE_START),
				    EV(CLEAR), a1, a1 + ps));
	if (mn_kernel_before(6, 9)) {
		EXPECT_TRUE(mn_find(recs, n, 0, OP(CHANGE_PTE), -1, a0,
				    a0 + ps) >= 0 ||
			    mn_find(recs, n, 0, OP(CHANGE_PTE), -1, a1,
				    a1 + ps) >= 0);
	} else {
		EXPECT_EQ(-1, mn_find(recs, n, 0, OP(CHANGE_PTE), -1, 0, 0));
	}
	EXPECT_EQ(0, mn_unpaired(recs, n));
	close(fd);
	munmap(p, 2 * ps);
}

TEST_HARNESS_MAIN
