// SPDX-License-Identifier: GPL-2.0
/*
 * shmem (a memfd) paged out: its PTEs are gone, the swap entries sit in
 * the file's page cache, and the module finds them through the mapping;
 * smaps' Swap of the mapping counts the same pages.
 */
#include <sys/syscall.h>

#include "kselftest_harness.h"
#include "sc_util.h"

MMSCOPE_REQUIRE(SC_CTL)

#define NPAGES 32

/* "Swap:" of the mapping that starts at p in /proc/self/smaps, in kB. */
static long smaps_swap_kb(const void *p)
{
	char line[512], start[32];
	long kb = -1;
	bool in = false;
	FILE *f = fopen("/proc/self/smaps", "r");

	snprintf(start, sizeof(start), "%lx-", (unsigned long)p);
	while (f && fgets(line, sizeof(line), f)) {
		if (strchr(line, '-') && strchr(line, ' ') &&
		    strchr(line, '-') < strchr(line, ' '))
			in = !strncmp(line, start, strlen(start));
		else if (in && !strncmp(line, "Swap:", 5))
			kb = strtol(line + 5, NULL, 10);
	}
	if (f)
		fclose(f);
	return kb;
}

TEST(shmem_entries_are_found_through_the_mapping)
{
	struct mmscope_swapcache_entry e[NPAGES];
	int fd = sc_open(), mfd, i, swapped = 0;
	size_t len = NPAGES * sc_psize();
	long kb;
	char *p;

	ASSERT_LE(0, fd);
	mfd = syscall(SYS_memfd_create, "mmscope-sc", 0);
	ASSERT_LE(0, mfd);
	ASSERT_EQ(0, ftruncate(mfd, len));
	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, mfd, 0);
	ASSERT_NE(MAP_FAILED, p);
	for (i = 0; i < (int)len; i++)
		p[i] = (char)(i / sc_psize() + 1);
	ASSERT_EQ(0, madvise(p, len, MADV_PAGEOUT));
	ASSERT_EQ(0, sc_entries(fd, getpid(), p, NPAGES, e));
	kb = smaps_swap_kb(p);
	for (i = 0; i < NPAGES; i++) {
		if (e[i].state != MMSCOPE_SWAPCACHE_SWAP)
			continue;
		swapped++;
		EXPECT_TRUE(e[i].info & MMSCOPE_SWAPCACHE_E_SHMEM) TH_LOG("page %d", i);
		EXPECT_TRUE(e[i].info & MMSCOPE_SWAPCACHE_E_SWAP);
		EXPECT_EQ(1, e[i].count) TH_LOG("page %d", i);
	}
	TH_LOG("%d of %d pages swapped, smaps Swap %ld kB", swapped, NPAGES, kb);
	ASSERT_LT(0, swapped);
	EXPECT_EQ(kb, swapped * sc_psize() / 1024);
	munmap(p, len);
	close(mfd);
	close(fd);
}

TEST_HARNESS_MAIN
