// SPDX-License-Identifier: GPL-2.0
/*
 * A buffer of non-zero pages paged out and faulted back in: the module's
 * swap type, offset, count, cache bit and cached folio against pagemap's
 * swap fields, vmstat's pswpout, kpageflags' swapcache bit, kpagecount
 * and mincore().
 */
#include <sys/utsname.h>
#include <sys/wait.h>

#include "kselftest_harness.h"
#include "sc_util.h"

MMSCOPE_REQUIRE(SC_CTL)

#define NPAGES 64

FIXTURE(sc)
{
	int fd;
	char cgroup[128];
	char *buf;
	struct mmscope_swapcache_entry e[NPAGES];
};

FIXTURE_SETUP(sc)
{
	int ret;

	self->fd = sc_open();
	ASSERT_LE(0, self->fd);
	ret = sc_cgroup_enter(self->cgroup, sizeof(self->cgroup));
	if (ret)
		SKIP(return, "no memory cgroup of our own: %s", strerror(-ret));
	/* first: the pages' LRU batches are then this CPU's to drain */
	ASSERT_EQ(0, sc_pin_cpu0());
	self->buf = sc_buffer(NPAGES, 0);
	ASSERT_NE(NULL, self->buf);
}

FIXTURE_TEARDOWN(sc)
{
	munmap(self->buf, NPAGES * sc_psize());
	sc_cgroup_leave(self->cgroup);
	close(self->fd);
}

/* The swap entry of page i, as the module reports it, after page-out. */
static void assert_swapped(struct __test_metadata *_metadata,
			   const struct mmscope_swapcache_entry *e,
			   const uint64_t *pm, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		ASSERT_EQ(MMSCOPE_SWAPCACHE_SWAP, e[i].state) TH_LOG("page %zu", i);
		ASSERT_TRUE(pm[i] & PM_SWAP) TH_LOG("page %zu: pagemap 0x%llx",
						    i, (unsigned long long)pm[i]);
		ASSERT_TRUE(e[i].info & MMSCOPE_SWAPCACHE_E_SWAP);
		EXPECT_EQ(PM_SWAP_TYPE(pm[i]), e[i].type) TH_LOG("page %zu", i);
		EXPECT_EQ(PM_SWAP_OFFSET(pm[i]), e[i].offset) TH_LOG("page %zu", i);
		EXPECT_EQ(1, e[i].count) TH_LOG("page %zu", i);
	}
}

/* The records of [buf, buf + n pages) merged into runs; count or -errno. */
static int sc_runs(int fd, const void *buf, size_t n,
		   struct mmscope_swapcache_entry *recs)
{
	return sc_entries_flags(fd, getpid(), buf, n,
				MMSCOPE_SWAPCACHE_ENTRIES_RUNS, recs);
}

/*
 * Runs as a caller that knows records up to @pages only (entry_size
 * MMSCOPE_SWAPCACHE_ENTRY_SIZE_VER0) gets them: pfn_step left 1.
 */
static int sc_runs_ver0(int fd, const void *buf, size_t n,
			struct mmscope_swapcache_entry *recs)
{
	struct mmscope_swapcache_entries a = { .size = sizeof(a) };
	static char raw[NPAGES * MMSCOPE_SWAPCACHE_ENTRY_SIZE_VER0];
	uint32_t i;

	a.flags = MMSCOPE_SWAPCACHE_ENTRIES_RUNS;
	a.pid = getpid();
	a.start = (uintptr_t)buf;
	a.len = n * sc_psize();
	a.count = n;
	a.entries = (uintptr_t)raw;
	a.entry_size = MMSCOPE_SWAPCACHE_ENTRY_SIZE_VER0;
	if (ioctl(fd, MMSCOPE_SWAPCACHE_IOC_ENTRIES, &a))
		return -errno;
	for (i = 0; i < a.count; i++) {
		memset(&recs[i], 0, sizeof(recs[i]));
		memcpy(&recs[i], raw + i * MMSCOPE_SWAPCACHE_ENTRY_SIZE_VER0,
		       MMSCOPE_SWAPCACHE_ENTRY_SIZE_VER0);
		recs[i].pfn_step = 1;
	}
	return a.count;
}

/*
 * Runs, expanded page by page, are the per-page records: with pfn_step
 * as the module gives it (@ver0: as an older caller reads them, step 1).
 */
static void assert_runs_expand(struct __test_metadata *_metadata, int fd,
			       const char *buf, size_t n,
			       const struct mmscope_swapcache_entry *e,
			       bool ver0)
{
	struct mmscope_swapcache_entry r[NPAGES];
	size_t i = 0, k;
	int nr, j;

	nr = ver0 ? sc_runs_ver0(fd, buf, n, r) : sc_runs(fd, buf, n, r);
	ASSERT_LT(0, nr);
	for (j = 0; j < nr; j++) {
		ASSERT_LE(1, r[j].pages);
		for (k = 0; k < r[j].pages; k++, i++) {
			ASSERT_GT(n, i);
			EXPECT_EQ(e[i].va, r[j].va + k * sc_psize());
			EXPECT_EQ(e[i].state, r[j].state);
			EXPECT_EQ(e[i].info, r[j].info) TH_LOG("page %zu", i);
			EXPECT_EQ(e[i].count, r[j].count);
			if (e[i].info & MMSCOPE_SWAPCACHE_E_SWAP)
				EXPECT_EQ(e[i].offset, r[j].offset + k);
			if (e[i].info & MMSCOPE_SWAPCACHE_E_FOLIO)
				EXPECT_EQ(e[i].pfn, r[j].pfn + k * r[j].pfn_step)
					TH_LOG("page %zu: run %d of %u pages, step %lld",
					       i, j, r[j].pages,
					       (long long)r[j].pfn_step);
		}
	}
	EXPECT_EQ(n, i);
}

TEST_F(sc, pageout_matches_pagemap_and_pswpout)
{
	long long out0 = sc_vmstat("pswpout"), out1;
	uint64_t pm[NPAGES];

	ASSERT_LE(0, out0);
	ASSERT_EQ(0, madvise(self->buf, NPAGES * sc_psize(), MADV_PAGEOUT));
	out1 = sc_vmstat("pswpout");
	ASSERT_EQ(0, sc_entries(self->fd, getpid(), self->buf, NPAGES, self->e));
	ASSERT_EQ(0, sc_pagemap(self->buf, NPAGES, pm));
	assert_swapped(_metadata, self->e, pm, NPAGES);
	EXPECT_EQ(NPAGES, out1 - out0);
	/* the pages still in the swap cache: runs of cached folios */
	assert_runs_expand(_metadata, self->fd, self->buf, NPAGES, self->e,
			   false);
	assert_runs_expand(_metadata, self->fd, self->buf, NPAGES, self->e,
			   true);
}

TEST_F(sc, read_fault_maps_the_cached_page_and_keeps_the_slot)
{
	struct mmscope_swapcache_entry *e = self->e, s;
	uint64_t kflags, kcount, pm[NPAGES];
	volatile char c;

	ASSERT_EQ(0, sc_pageout_evict(self->fd, self->cgroup, self->buf,
				      NPAGES, e));
	ASSERT_EQ(0, sc_pagemap(self->buf, NPAGES, pm));
	assert_swapped(_metadata, e, pm, NPAGES);
	s = e[5];
	c = self->buf[5 * sc_psize()];
	ASSERT_EQ((char)(5 + 1), c);
	/* the LRU batch's reference is not one this test is about */
	sc_lru_drain();
	ASSERT_EQ(0, sc_entries(self->fd, getpid(), self->buf, NPAGES, e));
	ASSERT_EQ(MMSCOPE_SWAPCACHE_PRESENT, e[5].state);
	ASSERT_TRUE(e[5].info & MMSCOPE_SWAPCACHE_E_FOLIO);
	ASSERT_TRUE(e[5].info & MMSCOPE_SWAPCACHE_E_SWAPCACHE);
	/* the cache holds the slot it came from, which keeps its cache bit */
	ASSERT_TRUE(e[5].info & MMSCOPE_SWAPCACHE_E_SWAP);
	EXPECT_EQ(s.type, e[5].type);
	EXPECT_EQ(s.offset, e[5].offset);
	EXPECT_TRUE(e[5].info & MMSCOPE_SWAPCACHE_E_HAS_CACHE);
	/* the PTE's reference went to the page: no swap PTE is left */
	EXPECT_EQ(0, e[5].count);
	/* one reference per page for the cache, one per mapping */
	EXPECT_EQ(1U << e[5].order, e[5].refcount - e[5].mapcount);
	ASSERT_EQ(0, mmscope_kpageflags_read(e[5].pfn, 1, &kflags));
	ASSERT_EQ(0, mmscope_kpagecount_read(e[5].pfn, 1, &kcount));
	EXPECT_TRUE(kflags & KPF_BIT(KPF_SWAPCACHE));
	EXPECT_EQ(kcount, (uint64_t)e[5].mapcount);
}

TEST_F(sc, write_fault_by_the_sole_owner_frees_the_slot)
{
	struct mmscope_swapcache_entry *e = self->e, s, slot;
	uint64_t kflags;

	ASSERT_EQ(0, sc_pageout_evict(self->fd, self->cgroup, self->buf,
				      NPAGES, e));
	s = e[9];
	self->buf[9 * sc_psize()] = 'w';
	ASSERT_EQ(0, sc_entries(self->fd, getpid(), self->buf, NPAGES, e));
	ASSERT_EQ(MMSCOPE_SWAPCACHE_PRESENT, e[9].state);
	EXPECT_FALSE(e[9].info & MMSCOPE_SWAPCACHE_E_SWAPCACHE);
	EXPECT_FALSE(e[9].info & MMSCOPE_SWAPCACHE_E_SWAP);
	ASSERT_EQ(0, mmscope_kpageflags_read(e[9].pfn, 1, &kflags));
	EXPECT_FALSE(kflags & KPF_BIT(KPF_SWAPCACHE));
	ASSERT_EQ(1, sc_slots(self->fd, s.type, s.offset, 1, &slot));
	EXPECT_EQ(0, slot.count);
	EXPECT_FALSE(slot.info & MMSCOPE_SWAPCACHE_E_SWAPCACHE);
	/*
	 * 6.1 and 6.12 free a slot through a per-CPU cache of freed slots,
	 * which keeps SWAP_HAS_CACHE until it is flushed: the cache bit may
	 * stay a while, without a folio. 7.x frees it at once.
	 */
	if (slot.info & MMSCOPE_SWAPCACHE_E_HAS_CACHE)
		TH_LOG("slot %llu keeps its cache bit, in the freed-slot cache",
		       (unsigned long long)s.offset);
}

/* mincore() and the module agree, page by page, on what is cached. */
static void assert_mincore(struct __test_metadata *_metadata, char *buf,
			   const struct mmscope_swapcache_entry *e, size_t n)
{
	unsigned char vec[NPAGES];
	size_t i;

	ASSERT_EQ(0, mincore(buf, n * sc_psize(), vec));
	for (i = 0; i < n; i++)
		EXPECT_EQ(!!(vec[i] & 1),
			  e[i].state == MMSCOPE_SWAPCACHE_PRESENT ||
			  !!(e[i].info & MMSCOPE_SWAPCACHE_E_SWAPCACHE))
			TH_LOG("page %zu", i);
}

TEST_F(sc, fork_shares_the_slot_and_a_child_read_caches_it)
{
	struct mmscope_swapcache_entry *e = self->e;
	int go[2], done[2], status;
	volatile char c;
	pid_t child;

	ASSERT_EQ(0, sc_pageout_evict(self->fd, self->cgroup, self->buf,
				      NPAGES, e));
	ASSERT_EQ(0, pipe(go));
	ASSERT_EQ(0, pipe(done));
	child = fork();
	ASSERT_LE(0, child);
	if (!child) {
		if (read(go[0], &status, 1) != 1)
			_exit(1);
		c = self->buf[3 * sc_psize()];
		if (write(done[1], "x", 1) != 1)
			_exit(1);
		pause();
		_exit(c == 4 ? 0 : 2);
	}
	ASSERT_EQ(0, sc_entries(self->fd, getpid(), self->buf, NPAGES, e));
	EXPECT_EQ(MMSCOPE_SWAPCACHE_SWAP, e[3].state);
	EXPECT_EQ(2, e[3].count);
	EXPECT_FALSE(e[3].info & MMSCOPE_SWAPCACHE_E_SWAPCACHE);
	assert_mincore(_metadata, self->buf, e, NPAGES);

	ASSERT_EQ(1, write(go[1], "x", 1));
	ASSERT_EQ(1, read(done[0], &status, 1));
	ASSERT_EQ(0, sc_entries(self->fd, getpid(), self->buf, NPAGES, e));
	/* the parent keeps its swap PTE; the child's reference went */
	EXPECT_EQ(MMSCOPE_SWAPCACHE_SWAP, e[3].state);
	EXPECT_EQ(1, e[3].count);
	EXPECT_TRUE(e[3].info & MMSCOPE_SWAPCACHE_E_HAS_CACHE);
	EXPECT_TRUE(e[3].info & MMSCOPE_SWAPCACHE_E_SWAPCACHE);
	EXPECT_TRUE(e[3].info & MMSCOPE_SWAPCACHE_E_FOLIO);
	/* mapped once, in the child */
	EXPECT_EQ(1, e[3].mapcount);
	assert_mincore(_metadata, self->buf, e, NPAGES);
	kill(child, SIGKILL);
	waitpid(child, &status, 0);
}

TEST_F(sc, runs_merge_alike_pages_as_pagemap_splits_them)
{
	struct mmscope_swapcache_entry r[NPAGES];
	uint64_t pm[NPAGES];
	int runs = 1, i;

	ASSERT_EQ(0, sc_pageout_evict(self->fd, self->cgroup, self->buf,
				      NPAGES, self->e));
	assert_runs_expand(_metadata, self->fd, self->buf, NPAGES, self->e, false);
	/* no page cached: a run ends exactly where the offsets jump */
	ASSERT_EQ(0, sc_pagemap(self->buf, NPAGES, pm));
	for (i = 1; i < NPAGES; i++)
		runs += PM_SWAP_TYPE(pm[i]) != PM_SWAP_TYPE(pm[i - 1]) ||
			PM_SWAP_OFFSET(pm[i]) != PM_SWAP_OFFSET(pm[i - 1]) + 1;
	EXPECT_EQ(runs, sc_runs(self->fd, self->buf, NPAGES, r));
	/* faulted back: present records split the run */
	self->buf[0] = 1;
	ASSERT_EQ(0, sc_entries(self->fd, getpid(), self->buf, NPAGES, self->e));
	assert_runs_expand(_metadata, self->fd, self->buf, NPAGES, self->e, false);
}

/* Whether the running kernel is at least major.minor. */
static bool kernel_at_least(int major, int minor)
{
	struct utsname u;
	int a, b;

	if (uname(&u) || sscanf(u.release, "%d.%d", &a, &b) != 2)
		return false;
	return a > major || (a == major && b >= minor);
}

/*
 * Zero-filled pages: from 6.12 on, swap-out marks their slots as zero
 * and writes nothing; reclaim then finds them clean, not under writeback,
 * and deletes them from the swap cache at once. The others are written
 * and stay in the cache until reclaim comes back for them. 6.1 writes
 * both alike. The swap cache's deletes (the module's stats, counted for
 * every process) count at least the zero pages.
 */
TEST_F(sc, zero_pages_leave_the_cache_at_once)
{
	bool zeromap = kernel_at_least(6, 12);
	struct mmscope_swapcache_stats st0, st1;
	long long out0, out1;
	int i, zero = 0;

	for (i = 0; i < NPAGES; i += 2, zero++)
		memset(self->buf + i * sc_psize(), 0, sc_psize());
	ASSERT_EQ(0, sc_stats(self->fd, &st0));
	out0 = sc_vmstat("pswpout");
	ASSERT_EQ(0, madvise(self->buf, NPAGES * sc_psize(), MADV_PAGEOUT));
	out1 = sc_vmstat("pswpout");
	ASSERT_EQ(0, sc_stats(self->fd, &st1));
	ASSERT_EQ(0, sc_entries(self->fd, getpid(), self->buf, NPAGES, self->e));
	for (i = 0; i < NPAGES; i++) {
		ASSERT_EQ(MMSCOPE_SWAPCACHE_SWAP, self->e[i].state)
			TH_LOG("page %d", i);
		EXPECT_EQ(1, self->e[i].count) TH_LOG("page %d", i);
		/*
		 * A written page stays cached unless its write completed
		 * before reclaim looked again (a race: not asserted).
		 */
		if (!zeromap || i % 2)
			continue;
		EXPECT_FALSE(self->e[i].info & MMSCOPE_SWAPCACHE_E_SWAPCACHE)
			TH_LOG("zero page %d", i);
		EXPECT_FALSE(self->e[i].info & MMSCOPE_SWAPCACHE_E_HAS_CACHE)
			TH_LOG("zero page %d", i);
	}
	EXPECT_EQ(zeromap ? NPAGES - zero : NPAGES, out1 - out0);
	TH_LOG("adds %llu, deletes %llu, pswpout %lld, zero pages %d",
	       (unsigned long long)(st1.add - st0.add),
	       (unsigned long long)(st1.delete - st0.delete), out1 - out0, zero);
	if (zeromap && (st1.probes & MMSCOPE_SWAPCACHE_PROBE_DELETE))
		EXPECT_LE((unsigned long long)zero, st1.delete_pages -
			  st0.delete_pages);
}

TEST_HARNESS_MAIN
