// SPDX-License-Identifier: GPL-2.0
/*
 * Unloading with its probes attached and swap activity going on: the
 * module detaches them, reloads clean, and counts again from zero.
 */
#include "kselftest_harness.h"
#include "sc_util.h"

MMSCOPE_REQUIRE(SC_CTL)

TEST(reload_detaches_probes_and_counts_from_zero)
{
	struct mmscope_swapcache_stats st;
	char text[4096];
	int fd, kmsg;
	uint64_t pm;
	char *p;

	/* one CPU: MADV_PAGEOUT drains its LRU batches, none is left out */
	ASSERT_EQ(0, sc_pin_cpu0());
	p = sc_buffer(16, 0);
	ASSERT_NE(NULL, p);
	ASSERT_EQ(0, madvise(p, 16 * sc_psize(), MADV_PAGEOUT));
	/* page 0 is a swap entry: reading it faults and looks the cache up */
	ASSERT_EQ(0, sc_pagemap(p, 1, &pm));
	ASSERT_TRUE(pm & PM_SWAP) TH_LOG("pagemap 0x%llx", (unsigned long long)pm);
	kmsg = mmscope_kmsg_open();
	ASSERT_EQ(0, mmscope_module_reload("mmscope_swapcache"))
		TH_LOG("%s", mmscope_error);
	fd = sc_open();
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, sc_stats(fd, &st));
	EXPECT_EQ(0, st.add);
	EXPECT_EQ(0, st.delete);
	/* a read fault of a swapped page looks the cache up */
	EXPECT_EQ(1, p[0]);
	ASSERT_EQ(0, sc_stats(fd, &st));
	if (st.probes & MMSCOPE_SWAPCACHE_PROBE_FIND)
		EXPECT_LE(1, st.find);
	close(fd);
	munmap(p, 16 * sc_psize());
	if (kmsg >= 0) {
		EXPECT_EQ(0, mmscope_kmsg_splats(kmsg, text, sizeof(text)))
			TH_LOG("%s", text);
		close(kmsg);
	}
}

TEST_HARNESS_MAIN
