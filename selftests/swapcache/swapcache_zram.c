// SPDX-License-Identifier: GPL-2.0
/*
 * zram, a synchronous swap device (SWP_SYNCHRONOUS_IO): a page written
 * there leaves the swap cache at once, and a read fault by the only owner
 * of a slot reads it straight into a new page without the swap cache, so
 * the page comes back without a swap cache entry and its slot is freed;
 * the disk keeps both (swapcache_pageout). kpageflags is the oracle.
 */
#include <sys/swap.h>

#include "kselftest_harness.h"
#include "sc_util.h"

MMSCOPE_REQUIRE(SC_CTL)

#define NPAGES 32
#define ZRAM "/dev/zram0"
#define ZRAM_SYS "/sys/block/zram0"

#define MAX_OTHERS 4

FIXTURE(zram)
{
	int fd;
	bool on;
	int n_off;
	struct mmscope_swapcache_device off[MAX_OTHERS];
};

/* swapoff every device but zram; returns how many, kept in off[]. */
static int others_off(int fd, struct mmscope_swapcache_device *off)
{
	struct mmscope_swapcache_device *d;
	long n = mmscope_swapcache_devices(fd, &d);
	int i, k = 0;

	if (n < 0)
		return n;
	for (i = 0; i < n && k < MAX_OTHERS; i++) {
		if (!strcmp(d[i].path, ZRAM))
			continue;
		if (swapoff(d[i].path))
			break;
		off[k++] = d[i];
	}
	free(d);
	return i < n && k < MAX_OTHERS ? -errno : k;
}

FIXTURE_SETUP(zram)
{
	struct stat st;

	self->fd = sc_open();
	ASSERT_LE(0, self->fd);
	if (stat(ZRAM_SYS, &st) && system("modprobe zram num_devices=1"))
		SKIP(return, "zram cannot be loaded (not in the guest's modules?)");
	if (stat(ZRAM_SYS, &st))
		SKIP(return, "no %s after loading zram", ZRAM_SYS);
	ASSERT_EQ(0, sc_write(ZRAM_SYS "/disksize", "32M"));
	ASSERT_EQ(0, system("mkswap " ZRAM " > /dev/null"));
	ASSERT_EQ(0, swapon(ZRAM, SWAP_FLAG_PREFER | 1000))
		TH_LOG("swapon %s: %s", ZRAM, strerror(errno));
	self->on = true;
	ASSERT_EQ(0, sc_pin_cpu0());
	/*
	 * The other devices off for the test, so that page-outs go to zram:
	 * a priority is not enough on 6.1 and 6.12, whose per-CPU caches of
	 * slots already hold slots of the disk (swapoff empties them).
	 */
	self->n_off = others_off(self->fd, self->off);
	ASSERT_LE(0, self->n_off);
}

FIXTURE_TEARDOWN(zram)
{
	int i;

	for (i = 0; i < self->n_off; i++)
		swapon(self->off[i].path, self->off[i].prio >= 0 ?
		       SWAP_FLAG_PREFER | self->off[i].prio : 0);
	if (self->on) {
		swapoff(ZRAM);
		sc_write(ZRAM_SYS "/reset", "1");
	}
	close(self->fd);
}

TEST_F(zram, read_fault_leaves_no_swap_cache_entry)
{
	struct mmscope_swapcache_entry e[NPAGES];
	struct mmscope_swapcache_device *d;
	uint64_t kflags;
	int zram_type = -1, i;
	volatile char c;
	char *p;
	long n;

	n = mmscope_swapcache_devices(self->fd, &d);
	ASSERT_LT(0, n);
	for (i = 0; i < n; i++)
		if (!strcmp(d[i].path, ZRAM)) {
			zram_type = d[i].type;
			EXPECT_TRUE(d[i].flags &
				    (1U << MMSCOPE_SWAPCACHE_DEV_SYNCHRONOUS_IO));
		}
	free(d);
	ASSERT_LE(0, zram_type);
	p = sc_buffer(NPAGES, 0);
	ASSERT_NE(NULL, p);
	ASSERT_EQ(0, madvise(p, NPAGES * sc_psize(), MADV_PAGEOUT));
	ASSERT_EQ(0, sc_entries(self->fd, getpid(), p, NPAGES, e));
	for (i = 0; i < NPAGES; i++) {
		ASSERT_EQ(MMSCOPE_SWAPCACHE_SWAP, e[i].state) TH_LOG("page %d", i);
		EXPECT_EQ(zram_type, (int)e[i].type);
		EXPECT_EQ(1, e[i].count);
	}
	TH_LOG("after page-out, %d of %d pages in the swap cache",
	       sc_count_cached(e, NPAGES), NPAGES);
	c = p[7 * sc_psize()];
	ASSERT_EQ(8, c);
	ASSERT_EQ(0, sc_entries(self->fd, getpid(), p, NPAGES, e));
	ASSERT_EQ(MMSCOPE_SWAPCACHE_PRESENT, e[7].state);
	ASSERT_TRUE(e[7].info & MMSCOPE_SWAPCACHE_E_FOLIO);
	EXPECT_FALSE(e[7].info & MMSCOPE_SWAPCACHE_E_SWAPCACHE);
	EXPECT_FALSE(e[7].info & MMSCOPE_SWAPCACHE_E_SWAP);
	ASSERT_EQ(0, mmscope_kpageflags_read(e[7].pfn, 1, &kflags));
	EXPECT_FALSE(kflags & KPF_BIT(KPF_SWAPCACHE));
	/* no readahead either: the neighbours are still only on zram */
	EXPECT_EQ(MMSCOPE_SWAPCACHE_SWAP, e[8].state);
	munmap(p, NPAGES * sc_psize());
}

/* The zram device's record; false if it is not listed. */
static bool zram_device(int fd, struct mmscope_swapcache_device *out)
{
	struct mmscope_swapcache_device *d;
	long n = mmscope_swapcache_devices(fd, &d);
	bool found = false;
	int i;

	for (i = 0; i < n; i++)
		if (!strcmp(d[i].path, ZRAM)) {
			*out = d[i];
			found = true;
		}
	if (n >= 0)
		free(d);
	return found;
}

/*
 * zram is solid-state: it has per-CPU clusters (6.12, 7.x). After one
 * page goes out from CPU 0, CPU 0's cluster goes on right after the
 * page's slot (pagemap's offset): at the next slot on 7.x; past the batch
 * the slot cache took on 6.12 (at most 64 slots, the one used included).
 * Then swapoff: the device is gone from the list, as from /proc/swaps.
 */
TEST_F(zram, percpu_cluster_follows_the_last_slot)
{
	struct mmscope_swapcache_device d;
	uint64_t pm, off;
	char *p;

	ASSERT_TRUE(zram_device(self->fd, &d));
	p = sc_buffer(1, 0);
	ASSERT_NE(NULL, p);
	ASSERT_EQ(0, madvise(p, sc_psize(), MADV_PAGEOUT));
	ASSERT_EQ(0, sc_pagemap(p, 1, &pm));
	ASSERT_TRUE(pm & PM_SWAP);
	ASSERT_EQ(d.type, PM_SWAP_TYPE(pm));
	off = PM_SWAP_OFFSET(pm);
	ASSERT_TRUE(zram_device(self->fd, &d));
	TH_LOG("slot %llu; next on cpu 0: %llu; slot caches %u allocated %u freed (info 0x%x)",
	       (unsigned long long)off, (unsigned long long)d.pcp_next[0],
	       d.slot_cache, d.slot_cache_freed, d.info);
	if (d.info & MMSCOPE_SWAPCACHE_DEV_SLOT_CACHE) {
		EXPECT_GE(d.inuse, (uint64_t)d.slot_cache + d.slot_cache_freed);
	}
	if (!(d.info & MMSCOPE_SWAPCACHE_DEV_PCP)) {
		/* 6.1: not read; said so, not left out */
		EXPECT_FALSE(d.info & MMSCOPE_SWAPCACHE_DEV_NO_PCP);
		TH_LOG("per-CPU clusters not read on this kernel");
	} else {
		ASSERT_LE(1, d.pcp_cpus);
		ASSERT_NE(~0ULL, d.pcp_next[0]);
		if (d.info & MMSCOPE_SWAPCACHE_DEV_NO_SLOT_CACHE) {
			EXPECT_EQ(off + 1, d.pcp_next[0]);
		} else {
			EXPECT_TRUE(d.pcp_next[0] > off && d.pcp_next[0] <= off + 64);
		}
	}
	munmap(p, sc_psize());
	ASSERT_EQ(0, swapoff(ZRAM));
	EXPECT_FALSE(zram_device(self->fd, &d));
	EXPECT_EQ(0, sc_proc_swaps_has(ZRAM));
}

TEST_HARNESS_MAIN
