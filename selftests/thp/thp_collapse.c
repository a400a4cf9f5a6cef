// SPDX-License-Identifier: GPL-2.0
/*
 * Collapse of 512 small pages into a THP through the module: refused with
 * the kernel's reason while one page is pinned (through the pageref
 * module: its reference count is not what khugepaged expects), done once
 * unpinned; against pagemap, kpageflags, smaps and /proc/vmstat.
 */
#include <mmscope/pageref.h>

#include "kselftest_harness.h"
#include "thp_util.h"

MMSCOPE_REQUIRE(THP_CTL)

#define PAGEREF_CTL	MMSCOPE_DEBUGFS "/pageref/ctl"

FIXTURE(collapse)
{
	int fd;
	char *map, *p;
};

FIXTURE_SETUP(collapse)
{
	ASSERT_EQ(0, thp_fix_setup(&self->fd, &self->map, &self->p));
	/*
	 * "madvise" and no MADV_HUGEPAGE: small pages at fault, and a VMA
	 * khugepaged leaves alone (MADV_COLLAPSE ignores the sysfs mode).
	 */
	thp_fill(self->p);
}

FIXTURE_TEARDOWN(collapse)
{
	thp_fix_teardown(self->fd, self->map);
}

static int pin(int fd, void *addr)
{
	struct mmscope_pageref_hold h = {
		.size = sizeof(h), .pid = getpid(), .start = (uintptr_t)addr,
		.len = 4096,
	};

	return ioctl(fd, MMSCOPE_PAGEREF_IOC_PIN, &h) ? -errno : (int)h.pages;
}

TEST_F(collapse, pinned_page_refuses_then_unpinned_collapses)
{
	struct mmscope_thp_folio f[THP_MAX_FOLIOS];
	struct mmscope_thp_op op;
	long before;
	uint64_t head;
	unsigned int i;
	int pfd;

	ASSERT_EQ(0, thp_folios(self->fd, getpid(), self->p, THP_SIZE, f));
	pfd = open(PAGEREF_CTL, O_RDWR);
	if (pfd < 0)
		SKIP(return, "mmscope_pageref is not loaded");
	ASSERT_EQ(1, pin(pfd, self->p + 7 * 4096));
	ASSERT_EQ(0, thp_op(self->fd, MMSCOPE_THP_IOC_COLLAPSE, getpid(),
			    self->p, THP_SIZE, 0, &op));
	EXPECT_EQ(MMSCOPE_THP_FAILED, op.result);
	EXPECT_NE(0u, op.err);
	EXPECT_STREQ("not_suitable_page_count", op.scan);
	EXPECT_EQ(0, thp_folios(self->fd, getpid(), self->p, THP_SIZE, f));
	close(pfd);	/* drops the pin */

	before = thp_vmstat("thp_collapse_alloc");
	ASSERT_EQ(0, thp_op(self->fd, MMSCOPE_THP_IOC_COLLAPSE, getpid(),
			    self->p, THP_SIZE, 0, &op));
	if (op.result != MMSCOPE_THP_OK && op.err == ENOMEM)
		SKIP(return, "no 2 MiB block free for the collapse");
	ASSERT_EQ(MMSCOPE_THP_OK, op.result) TH_LOG("err %u scan %s", op.err, op.scan);
	EXPECT_EQ(before + 1, thp_vmstat("thp_collapse_alloc"));
	ASSERT_EQ(1, thp_folios(self->fd, getpid(), self->p, THP_SIZE, f));
	EXPECT_EQ(MMSCOPE_THP_MAPPED_PMD, f[0].mapped);
	EXPECT_EQ(9u, f[0].order);
	head = thp_pfn_of(self->p);
	EXPECT_EQ(head, f[0].head_pfn);
	for (i = 0; i < THP_PAGES; i += 37)
		EXPECT_EQ(head + i, thp_pfn_of(self->p + i * 4096UL));
	EXPECT_TRUE(thp_kflags(head) & KPF_BIT(KPF_THP));
	EXPECT_EQ(2048, thp_smaps(self->p, "AnonHugePages"));
	EXPECT_TRUE(thp_data_ok(self->p));
}

TEST_F(collapse, nohugepage_vma_is_refused)
{
	struct mmscope_thp_op op;

	ASSERT_EQ(0, madvise(self->p, THP_SIZE, MADV_NOHUGEPAGE));
	EXPECT_EQ(-EINVAL, thp_op(self->fd, MMSCOPE_THP_IOC_COLLAPSE, getpid(),
				  self->p, THP_SIZE, 0, &op));
}

TEST_HARNESS_MAIN
