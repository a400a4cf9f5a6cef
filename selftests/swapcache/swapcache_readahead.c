// SPDX-License-Identifier: GPL-2.0
/*
 * What enters the swap cache without being mapped: the pages a swap-in
 * reads ahead (vmstat swap_ra), the pages MADV_WILLNEED reads, and the
 * folios of a THP paged out whole or split (thp_swpout, thp_swpout_fallback);
 * the module's probe-counted adds match.
 */
#include "kselftest_harness.h"
#include "sc_util.h"

MMSCOPE_REQUIRE(SC_CTL)

#define NPAGES 64
#define PMD_PAGES 512

FIXTURE(ra)
{
	int fd;
	char cgroup[128];
	char *buf;
	struct mmscope_swapcache_entry e[PMD_PAGES];
};

FIXTURE_SETUP(ra)
{
	int ret;

	self->fd = sc_open();
	ASSERT_LE(0, self->fd);
	ret = sc_cgroup_enter(self->cgroup, sizeof(self->cgroup));
	if (ret)
		SKIP(return, "no memory cgroup of our own: %s", strerror(-ret));
	ASSERT_EQ(0, sc_pin_cpu0());
	self->buf = sc_buffer(NPAGES, 0);
	ASSERT_NE(NULL, self->buf);
	/*
	 * Reclaim of the cgroup takes whatever it holds, this process's
	 * stack, heap and stdio buffers too, and their swap-ins would move
	 * the system-wide readahead counters the tests compare. Keep all of
	 * it resident but the buffer (stdio's buffers made first).
	 */
	ASSERT_LE(0, sc_vmstat("pswpin"));
	ASSERT_EQ(0, mlockall(MCL_CURRENT)) TH_LOG("mlockall: %s", strerror(errno));
	ASSERT_EQ(0, munlock(self->buf, NPAGES * sc_psize()));
}

FIXTURE_TEARDOWN(ra)
{
	munmap(self->buf, NPAGES * sc_psize());
	munlockall();
	sc_cgroup_leave(self->cgroup);
	close(self->fd);
}

/* Pages of e[0..n) in the swap cache and not mapped. */
static int cached_unmapped(const struct mmscope_swapcache_entry *e, size_t n)
{
	size_t i;
	int c = 0;

	for (i = 0; i < n; i++)
		c += e[i].state == MMSCOPE_SWAPCACHE_SWAP &&
		     (e[i].info & MMSCOPE_SWAPCACHE_E_SWAPCACHE);
	return c;
}

/*
 * Faults on eight pages in a row: the kernel's swap readahead grows its
 * window on sequential hits and reads slots around the faulting one into
 * the cache. Each page it read ahead (swap_ra) is either still in the
 * cache unmapped or was found there by a later fault (swap_ra_hit).
 */
TEST_F(ra, swapin_readahead_pages_are_cached_or_hit)
{
	struct mmscope_swapcache_stats st0, st1;
	long long ra0, ra1, hit0, hit1, in0, in1;
	int ahead, i;
	volatile char c;

	ASSERT_EQ(0, sc_pageout_evict(self->fd, self->cgroup, self->buf,
				      NPAGES, self->e));
	ASSERT_EQ(0, sc_stats(self->fd, &st0));
	ra0 = sc_vmstat("swap_ra");
	hit0 = sc_vmstat("swap_ra_hit");
	in0 = sc_vmstat("pswpin");
	for (i = 16; i < 24; i++) {
		c = self->buf[i * sc_psize()];
		ASSERT_EQ(i + 1, c);
	}
	ra1 = sc_vmstat("swap_ra");
	hit1 = sc_vmstat("swap_ra_hit");
	in1 = sc_vmstat("pswpin");
	ASSERT_EQ(0, sc_stats(self->fd, &st1));
	ASSERT_EQ(0, sc_entries(self->fd, getpid(), self->buf, NPAGES, self->e));
	ahead = cached_unmapped(self->e, NPAGES);
	TH_LOG("swap_ra +%lld swap_ra_hit +%lld, cached unmapped %d, adds +%llu finds +%llu hits +%llu",
	       ra1 - ra0, hit1 - hit0, ahead,
	       (unsigned long long)(st1.add_pages - st0.add_pages),
	       (unsigned long long)(st1.find - st0.find),
	       (unsigned long long)(st1.hit - st0.hit));
	EXPECT_EQ(ra1 - ra0, ahead + (hit1 - hit0));
	if (!(st1.probes & MMSCOPE_SWAPCACHE_PROBE_ADD))
		SKIP(return, "the add probe is not attached on this kernel");
	/*
	 * Every page read from the disk entered the cache first: the faults
	 * that missed it and every page read ahead, at least (the counters
	 * are the whole system's: pswpin is logged beside them).
	 */
	TH_LOG("pswpin +%lld", in1 - in0);
	EXPECT_LE(8 - (hit1 - hit0) + (ra1 - ra0),
		  (long long)(st1.add_pages - st0.add_pages));
	EXPECT_LE(8, (long long)(st1.find - st0.find));
}

TEST_F(ra, willneed_caches_without_mapping)
{
	struct mmscope_swapcache_stats st0, st1;
	long long ra0, ra1, in0, in1;
	uint64_t pm[NPAGES];
	int i;

	ASSERT_EQ(0, sc_pageout_evict(self->fd, self->cgroup, self->buf,
				      NPAGES, self->e));
	ASSERT_EQ(0, sc_stats(self->fd, &st0));
	ra0 = sc_vmstat("swap_ra");
	in0 = sc_vmstat("pswpin");
	ASSERT_EQ(0, madvise(self->buf, NPAGES * sc_psize(), MADV_WILLNEED));
	ra1 = sc_vmstat("swap_ra");
	in1 = sc_vmstat("pswpin");
	ASSERT_EQ(0, sc_stats(self->fd, &st1));
	ASSERT_EQ(0, sc_entries(self->fd, getpid(), self->buf, NPAGES, self->e));
	ASSERT_EQ(0, sc_pagemap(self->buf, NPAGES, pm));
	for (i = 0; i < NPAGES; i++) {
		/* still a swap PTE, now with a folio in the cache */
		EXPECT_TRUE(pm[i] & PM_SWAP) TH_LOG("page %d", i);
		EXPECT_EQ(MMSCOPE_SWAPCACHE_SWAP, self->e[i].state);
		EXPECT_TRUE(self->e[i].info & MMSCOPE_SWAPCACHE_E_SWAPCACHE)
			TH_LOG("page %d", i);
		EXPECT_EQ(0, self->e[i].mapcount);
	}
	TH_LOG("swap_ra +%lld, adds +%llu pages", ra1 - ra0,
	       (unsigned long long)(st1.add_pages - st0.add_pages));
	if (!(st1.probes & MMSCOPE_SWAPCACHE_PROBE_ADD))
		SKIP(return, "the add probe is not attached on this kernel");
	TH_LOG("pswpin +%lld", in1 - in0);
	EXPECT_LE(NPAGES, (long long)(st1.add_pages - st0.add_pages));
}

TEST_F(ra, thp_pageout_caches_one_large_folio_or_small_ones)
{
	long long sw0, fb0, sw1, fb1;
	size_t len = 2 * PMD_PAGES * sc_psize(), i;
	struct mmscope_swapcache_entry *e = self->e;
	int order, cached = 0, present = 0;
	char *raw, *p;

	raw = mmap(NULL, len, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, raw);
	p = (char *)(((uintptr_t)raw + len / 2 - 1) & ~(len / 2 - 1));
	madvise(p, len / 2, MADV_HUGEPAGE);
	for (i = 0; i < len / 2; i++)
		p[i] = (char)(i / sc_psize() + 1);
	ASSERT_EQ(0, sc_entries(self->fd, getpid(), p, PMD_PAGES, e));
	if (!(e[0].info & MMSCOPE_SWAPCACHE_E_PMD) || e[0].order != 9) {
		munmap(raw, len);
		SKIP(return, "no THP for the buffer (THP disabled?)");
	}
	sw0 = sc_vmstat("thp_swpout");
	fb0 = sc_vmstat("thp_swpout_fallback");
	ASSERT_EQ(0, madvise(p, len / 2, MADV_PAGEOUT));
	sw1 = sc_vmstat("thp_swpout");
	fb1 = sc_vmstat("thp_swpout_fallback");
	ASSERT_EQ(0, sc_entries(self->fd, getpid(), p, PMD_PAGES, e));
	TH_LOG("thp_swpout +%lld thp_swpout_fallback +%lld", sw1 - sw0, fb1 - fb0);
	ASSERT_EQ(1, (sw1 - sw0) + (fb1 - fb0));
	order = sw1 > sw0 ? 9 : 0;
	for (i = 0; i < PMD_PAGES; i++) {
		/* a split THP's pages are reclaimed one by one: some may stay */
		if (e[i].state == MMSCOPE_SWAPCACHE_PRESENT) {
			ASSERT_EQ(0, order) TH_LOG("page %zu", i);
			present++;
			continue;
		}
		ASSERT_EQ(MMSCOPE_SWAPCACHE_SWAP, e[i].state) TH_LOG("page %zu", i);
		if (!(e[i].info & MMSCOPE_SWAPCACHE_E_SWAPCACHE))
			continue;
		cached++;
		EXPECT_EQ(order, (int)e[i].order) TH_LOG("page %zu", i);
		if (order && (e[0].info & MMSCOPE_SWAPCACHE_E_FOLIO))
			EXPECT_EQ(e[0].pfn + i, e[i].pfn);
	}
	TH_LOG("%d of %d pages in the swap cache, %d still mapped", cached,
	       PMD_PAGES, present);
	EXPECT_LT(present, PMD_PAGES);
	munmap(raw, len);
}

TEST_HARNESS_MAIN
