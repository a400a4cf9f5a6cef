// SPDX-License-Identifier: GPL-2.0
/*
 * The drivers that provoke compaction: COMPACT of a node raises vmstat's
 * compaction counters; order-9 blocks asked for after a fragmentation
 * pattern took every free one stall in direct compaction [vmstat] and
 * update the zone's defer state; CONTIG over a page pinned with the page
 * ref module fails and names that PFN as pinned, and once unpinned the
 * range is obtained: the page moved [pagemap] with its data; an mlocked
 * order-0 page on the LRU is migrated by CONTIG and is still mlocked at
 * its new frame [pagemap, kpageflags].
 */
#include <sys/mman.h>
#include <sys/syscall.h>

#include <mmscope/pageref.h>

#include "kselftest_harness.h"
#include "compaction_util.h"
#include "region.h"

MMSCOPE_REQUIRE(CP_CTL)

#define PAGEREF_CTL	MMSCOPE_DEBUGFS "/pageref/ctl"
#define SPLIT_FILE	"/sys/kernel/debug/split_huge_pages"
#define KPF_MLOCKED	33

static int compact(int fd, unsigned int node, uint32_t flags,
		   struct mmscope_compaction_compact *c)
{
	memset(c, 0, sizeof(*c));
	c->size = sizeof(*c);
	c->flags = flags;
	c->node = node;
	return ioctl(fd, MMSCOPE_COMPACTION_IOC_COMPACT, c) ? -errno : 0;
}

TEST(compact_node)
{
	unsigned long long scanned = cp_vmstat("compact_migrate_scanned");
	struct mmscope_compaction_compact c;
	int fd = cp_open();

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, compact(fd, 0, 0, &c));
	ASSERT_EQ(0, c.result);
	EXPECT_LT(0, c.migrate_scanned);
	EXPECT_LE(scanned + c.migrate_scanned,
		  cp_vmstat("compact_migrate_scanned"));
	EXPECT_LT(0, c.elapsed_ns);
	EXPECT_GE(100, c.score_after);
	EXPECT_EQ(-EINVAL, compact(fd, 0, 1, &c));
	EXPECT_EQ(-ENODEV, compact(fd, 1U << 20, 0, &c));
	EXPECT_EQ(-ENODEV, compact(fd, ~0U, 0, &c));
	close(fd);
}

FIXTURE(frag)
{
};

FIXTURE_SETUP(frag)
{
}

FIXTURE_TEARDOWN(frag)
{
}

/* Fragmenting 2 GiB under TCG takes longer than the default 30 s. */
TEST_F_TIMEOUT(frag, fragment_then_stall, 300)
{
	unsigned long long stall, big;
	struct mmscope_compaction_alloc a;
	int frag[CP_FRAG_FILES], fd = cp_open(), changed, f;
	struct mmscope_compaction_zone *z0, *z1;
	unsigned int bo, i, big_zone = 0;
	struct cp_snap s0, s1;

	ASSERT_LE(0, fd);
	f = cp_fragment(frag, CP_FRAG_FILES);
	ASSERT_LE(0, f);
	ASSERT_EQ(0, cp_zones(fd, &s0));
	bo = s0.hdr.block_order;
	big = cp_big_free(&s0, bo);
	TH_LOG("%u orders, %llu free blocks of order %u left", f, big, bo);
	stall = cp_vmstat("compact_stall");
	ASSERT_EQ(0, cp_alloc(fd, bo, big + 8, 0, &a));
	ASSERT_EQ(0, cp_zones(fd, &s1));
	TH_LOG("order %u: %u allocated, %u failed", bo, a.allocated, a.failed);
	EXPECT_LT(stall, cp_vmstat("compact_stall"));
	for (i = 0; i < s1.n; i++) {
		TH_LOG("%s: considered %u->%u defer_shift %u->%u order_failed %d->%d",
		       s1.z[i].name, s0.z[i].considered, s1.z[i].considered,
		       s0.z[i].defer_shift, s1.z[i].defer_shift,
		       s0.z[i].order_failed, s1.z[i].order_failed);
		EXPECT_GE(6, s1.z[i].defer_shift);
		EXPECT_GE(1U << s1.z[i].defer_shift, s1.z[i].considered);
		if (s1.z[i].spanned > s1.z[big_zone].spanned)
			big_zone = i;
	}
	/*
	 * The largest zone is the one the allocation prefers. The kernel's
	 * defer rules: a failure doubles the deferral (at most 1 << 6) and
	 * lowers the failed order, a success resets both and raises it past
	 * the order, and each deferred attempt counts in considered up to
	 * 1 << defer_shift. Only a zone whose count is at that cap, or
	 * already in the state a success leaves, keeps its state.
	 */
	z0 = &s0.z[big_zone];
	z1 = &s1.z[big_zone];
	changed = z0->considered != z1->considered ||
		  z0->defer_shift != z1->defer_shift ||
		  z0->order_failed != z1->order_failed;
	EXPECT_TRUE(changed || z1->considered == 1U << z1->defer_shift ||
		    (z1->order_failed > (int)bo && !z1->defer_shift));
	close(fd);
	cp_fragment_end(frag, f);
}

static int contig(int fd, uint64_t pfn, uint64_t nr,
		  struct mmscope_compaction_contig *c)
{
	memset(c, 0, sizeof(*c));
	c->size = sizeof(*c);
	c->start_pfn = pfn;
	c->nr_pages = nr;
	return ioctl(fd, MMSCOPE_COMPACTION_IOC_CONTIG, c) ? -errno : 0;
}

static int reason(int fd, uint64_t pfn)
{
	struct mmscope_compaction_pfn p = { .size = sizeof(p), .pfn = pfn };

	return ioctl(fd, MMSCOPE_COMPACTION_IOC_PFN, &p) ? -errno : (int)p.reason;
}

static int pin(int fd, unsigned long cmd, void *addr, size_t len)
{
	struct mmscope_pageref_hold h = { .size = sizeof(h) };

	h.pid = getpid();
	h.start = (uintptr_t)addr;
	h.len = len;
	return ioctl(fd, cmd, &h) ? -errno : 0;
}

static uint64_t pfn_of(void *addr)
{
	uint64_t e;

	if (mmscope_pagemap_read(0, (uintptr_t)addr, 1, &e) ||
	    !(e & PM_PRESENT))
		return 0;
	return PM_PFN(e);
}

/*
 * The test page is a THP's head: the folio alone fills its pageblock
 * (order-0 neighbours of other processes would block the block too, and
 * 6.12 refuses a one-page range around a movable page), and it was on
 * the LRU before it was pinned.
 */
TEST(contig_pinned)
{
	struct mmscope_compaction_release rel = { .size = sizeof(rel) };
	struct mmscope_compaction_contig c;
	struct mmscope_region reg;
	uint64_t pfn, moved;
	int fd = cp_open(), pfd, ret;
	unsigned int bo;
	struct cp_snap s;

	ASSERT_LE(0, fd);
	pfd = open(PAGEREF_CTL, O_RDWR);
	if (pfd < 0)
		SKIP(return, "%s: %s (the page ref module pins the page)",
		     PAGEREF_CTL, strerror(errno));
	ASSERT_EQ(0, cp_zones(fd, &s));
	bo = s.hdr.block_order;
	ret = mmscope_region_make_thp(&reg);
	if (ret > 0)
		SKIP(return, "%s", mmscope_error);
	ASSERT_EQ(0, ret) TH_LOG("%s", mmscope_error);
	pfn = pfn_of(reg.start);
	ASSERT_NE(0, pfn);
	ASSERT_EQ(0, pfn & ((1ULL << bo) - 1));
	ASSERT_EQ(MMSCOPE_COMPACTION_R_LRU, reason(fd, pfn));
	ASSERT_EQ(0, pin(pfd, MMSCOPE_PAGEREF_IOC_PIN, reg.start, getpagesize()));
	EXPECT_EQ(MMSCOPE_COMPACTION_R_PINNED, reason(fd, pfn));
	ASSERT_EQ(0, contig(fd, pfn, 1ULL << bo, &c));
	EXPECT_NE(0, c.result);
	EXPECT_EQ(1, c.has_blocker);
	EXPECT_EQ(pfn, c.blocker_pfn);
	EXPECT_EQ(MMSCOPE_COMPACTION_R_PINNED, c.blocker_reason);
	EXPECT_EQ(0, c.held_pages);
	EXPECT_EQ(pfn, pfn_of(reg.start));
	ASSERT_EQ(0, pin(pfd, MMSCOPE_PAGEREF_IOC_UNPIN, reg.start, getpagesize()));
	/* unpinned: the folio is migrated out and the block is the file's */
	ASSERT_EQ(0, contig(fd, pfn, 1ULL << bo, &c));
	EXPECT_EQ(0, c.result) TH_LOG("blocker %llu reason %u",
				      (unsigned long long)c.blocker_pfn,
				      c.blocker_reason);
	EXPECT_EQ(0, c.has_blocker);
	EXPECT_EQ(1ULL << bo, c.held_pages);
	moved = pfn_of(reg.start);
	EXPECT_NE(0, moved);
	EXPECT_NE(pfn, moved);
	EXPECT_EQ(1, reg.start[0]);
	EXPECT_EQ(2, reg.start[getpagesize()]);
	ASSERT_EQ(0, ioctl(fd, MMSCOPE_COMPACTION_IOC_RELEASE, &rel));
	EXPECT_EQ(c.held_pages, rel.released_pages);
	mmscope_region_free(&reg);
	close(pfd);
	close(fd);
}

/* Split the THPs mapped in [start, start + len) into order-0 pages. */
static uint64_t kflags(uint64_t pfn)
{
	uint64_t f = 0;

	return mmscope_kpageflags_read(pfn, 1, &f) ? 0 : f;
}

/*
 * The mlocked page lives in a pageblock the test owns alone: a THP,
 * mlocked, then split into order-0 pages (each still mlocked, on the
 * unevictable LRU). Isolation checks every page of the block, so a page
 * of another process there could block the range. A page that goes
 * through a per-CPU LRU batch (a fresh fault, a new mlock, a failed
 * migration's putback) is off the LRU until the batch drains, and the
 * isolation check refuses it (reason off_lru) on every kernel here; the
 * test drains every CPU's batches first: migrate_pages(2) from node 0 to
 * node 0 runs lru_add_drain_all() and moves nothing.
 */
TEST(contig_mlocked)
{
	struct mmscope_compaction_release rel = { .size = sizeof(rel) };
	unsigned long nodes = 1;
	struct mmscope_compaction_contig c;
	struct mmscope_region reg;
	uint64_t pfn, tpfn, moved, f;
	size_t ps = getpagesize();
	int fd = cp_open(), ret;
	char *page;

	ASSERT_LE(0, fd);
	ret = mmscope_region_make_thp(&reg);
	if (ret > 0)
		SKIP(return, "%s", mmscope_error);
	ASSERT_EQ(0, ret) TH_LOG("%s", mmscope_error);
	pfn = pfn_of(reg.start);
	/* khugepaged may not collapse the split range again */
	ASSERT_EQ(0, madvise(reg.start, MMSCOPE_HUGE_SIZE, MADV_NOHUGEPAGE));
	ASSERT_EQ(0, mlock(reg.start, MMSCOPE_HUGE_SIZE)) TH_LOG("%s", strerror(errno));
	ASSERT_EQ(0, mmscope_thp_split_range(reg.start, MMSCOPE_HUGE_SIZE))
		TH_LOG("%s: %s", SPLIT_FILE, strerror(errno));
	page = reg.start + 7 * ps;
	tpfn = pfn_of(page);
	ASSERT_EQ(pfn + 7, tpfn);
	ASSERT_LE(0, syscall(SYS_migrate_pages, 0, 8 * sizeof(nodes),
			     &nodes, &nodes)) TH_LOG("%s", strerror(errno));
	f = kflags(tpfn);
	EXPECT_FALSE(f & KPF_BIT(KPF_THP));
	EXPECT_TRUE(f & KPF_BIT(KPF_LRU));
	EXPECT_TRUE(f & KPF_BIT(KPF_MLOCKED));
	EXPECT_TRUE(f & KPF_BIT(KPF_UNEVICTABLE));
	EXPECT_EQ(MMSCOPE_COMPACTION_R_LRU, reason(fd, tpfn));
	ASSERT_EQ(0, contig(fd, tpfn, 1, &c));
	EXPECT_EQ(0, c.result) TH_LOG("blocker %llu reason %u (page %llu)",
				      (unsigned long long)c.blocker_pfn,
				      c.blocker_reason,
				      (unsigned long long)tpfn);
	EXPECT_EQ(1, c.held_pages);
	moved = pfn_of(page);
	EXPECT_NE(0, moved);
	EXPECT_NE(tpfn, moved);
	f = kflags(moved);
	EXPECT_TRUE(f & KPF_BIT(KPF_MLOCKED)) TH_LOG("flags 0x%llx at %llu",
						      (unsigned long long)f,
						      (unsigned long long)moved);
	EXPECT_EQ(8, page[0]);
	EXPECT_EQ(pfn + 8, pfn_of(page + ps));
	ASSERT_EQ(0, ioctl(fd, MMSCOPE_COMPACTION_IOC_RELEASE, &rel));
	EXPECT_EQ(c.held_pages, rel.released_pages);
	munlock(reg.start, MMSCOPE_HUGE_SIZE);
	mmscope_region_free(&reg);
	close(fd);
}

TEST_HARNESS_MAIN
