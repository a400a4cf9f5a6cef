// SPDX-License-Identifier: GPL-2.0
/*
 * khugepaged with max_ptes_none 0 and one empty PTE in a 2 MiB range:
 * the module records the kernel's result for our PMD, exceed_none_pte,
 * with one empty PTE counted; our mm is on khugepaged's list. Waits on
 * khugepaged's full_scans, with a bound; the settings are restored.
 */
#include <time.h>

#include "kselftest_harness.h"
#include "thp_util.h"

MMSCOPE_REQUIRE(THP_CTL)

#define WAIT_SECONDS	60

static long full_scans(void)
{
	char buf[32] = "";

	if (mmscope_read_file(MMSCOPE_THP_SYSFS "/khugepaged/full_scans", buf,
			      sizeof(buf)) <= 0)
		return -1;
	return strtol(buf, NULL, 10);
}

/* Our records with result name; the number found, or -errno. */
static int find(int fd, const char *name, struct mmscope_thp_scan *found,
		unsigned int *registered)
{
	static struct mmscope_thp_scan recs[256];
	struct mmscope_thp_khugepaged k = {
		.size = sizeof(k), .pid = getpid(), .count = 256,
		.records = (uintptr_t)recs, .record_size = sizeof(recs[0]),
	};
	unsigned int i;
	int n = 0;

	if (ioctl(fd, MMSCOPE_THP_IOC_KHUGEPAGED, &k))
		return -errno;
	*registered = k.registered;
	for (i = 0; i < k.count; i++)
		if (!strcmp(recs[i].name, name) && recs[i].khugepaged &&
		    recs[i].event == MMSCOPE_THP_EV_SCAN_PMD) {
			*found = recs[i];
			n++;
		}
	return n;
}

TEST(max_ptes_none_0_and_one_hole_is_exceed_none_pte)
{
	struct mmscope_thp_scan s;
	unsigned int reg = 0;
	long start;
	time_t end;
	char *map, *p;
	int fd, n = 0;

	fd = thp_open();
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, mmscope_thp_push());
	ASSERT_EQ(0, mmscope_thp_set("enabled", "madvise"));
	ASSERT_EQ(0, mmscope_thp_set("khugepaged/max_ptes_none", "0"));
	ASSERT_EQ(0, mmscope_thp_set("khugepaged/scan_sleep_millisecs", "100"));
	p = thp_map_aligned(&map);
	ASSERT_NE(NULL, p);
	thp_fill(p);
	/* one hole in the middle: the scan sees pages before it */
	ASSERT_EQ(0, madvise(p + 100 * 4096, 4096, MADV_DONTNEED));
	ASSERT_EQ(0, madvise(p, THP_SIZE, MADV_HUGEPAGE));
	start = full_scans();
	ASSERT_LE(0, start);
	end = time(NULL) + WAIT_SECONDS;
	while (time(NULL) < end) {
		n = find(fd, "exceed_none_pte", &s, &reg);
		if (n > 0 && full_scans() >= start + 1)
			break;
		usleep(200000);
	}
	ASSERT_LT(0, n) TH_LOG("no exceed_none_pte in %d s (full_scans %ld -> %ld)",
			       WAIT_SECONDS, start, full_scans());
	EXPECT_EQ(1, s.none_or_zero);
	EXPECT_EQ(1u, reg);
	/* nothing collapsed: still small pages */
	EXPECT_EQ(0, thp_smaps(p, "AnonHugePages"));
	munmap(map, 2 * THP_SIZE);
	EXPECT_EQ(0, mmscope_thp_pop());
	close(fd);
}

TEST_HARNESS_MAIN
