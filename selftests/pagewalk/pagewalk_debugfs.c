// SPDX-License-Identifier: GPL-2.0
/*
 * The cat-able side: a target written to `target` reads back, `walk`
 * reports the PFN /proc/self/pagemap gives, and malformed targets are
 * refused with EINVAL.
 */
#include <stdio.h>
#include <sys/mman.h>

#include "kselftest_harness.h"
#include "pagewalk_util.h"

#define PW_TARGET	PW_DIR "/target"
#define PW_WALK		PW_DIR "/walk"

MMSCOPE_REQUIRE(PW_TARGET)

static int write_target(const char *text)
{
	int fd = open(PW_TARGET, O_WRONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return errno;
	n = write(fd, text, strlen(text));
	n = n < 0 ? errno : 0;
	close(fd);
	return n;
}

TEST(walk_file_reports_pagemap_pfn)
{
	static char report[256 * 1024];
	char text[128], pfn[64];
	uint64_t pm;
	char *p;

	p = mmap(NULL, 2 * PW_PAGE, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, p);
	p[0] = 1;
	ASSERT_EQ(0, mmscope_pagemap_read(0, (unsigned long)p, 1, &pm));
	ASSERT_TRUE(pm & PM_PRESENT);

	snprintf(text, sizeof(text), "%d %p 0x%lx\n", getpid(), p,
		 2 * PW_PAGE);
	ASSERT_EQ(0, write_target(text));
	ASSERT_LT(0, mmscope_read_file(PW_TARGET, report, sizeof(report)));
	snprintf(text, sizeof(text), "%d %p 0x%lx\n", getpid(), p,
		 2 * PW_PAGE);
	ASSERT_STREQ(text, report);

	ASSERT_LT(0, mmscope_read_file(PW_WALK, report, sizeof(report)));
	snprintf(pfn, sizeof(pfn), " pfn 0x%llx\n",
		 (unsigned long long)PM_PFN(pm));
	ASSERT_NE(NULL, strstr(report, pfn)) TH_LOG("%s", report);
	ASSERT_NE(NULL, strstr(report, " present ")) TH_LOG("%s", report);
	/* the second page was never touched */
	ASSERT_NE(NULL, strstr(report, " none ")) TH_LOG("%s", report);
	ASSERT_NE(NULL, strstr(report, "pgd[")) TH_LOG("%s", report);
	munmap(p, 2 * PW_PAGE);
}

/* The CLI's number grammar: K/M/G suffixes read back as bytes. */
TEST(target_lengths_take_suffixes)
{
	static const char *const len[] = { "8K", "2M", "1G" };
	static const unsigned long bytes[] = { 8UL << 10, 2UL << 20, 1UL << 30 };
	char text[128], want[128], report[256];
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(len); i++) {
		snprintf(text, sizeof(text), "%d 0x10000000 %s\n", getpid(),
			 len[i]);
		ASSERT_EQ(0, write_target(text)) TH_LOG("%s", text);
		ASSERT_LT(0, mmscope_read_file(PW_TARGET, report, sizeof(report)));
		snprintf(want, sizeof(want), "%d 0x10000000 0x%lx\n", getpid(),
			 bytes[i]);
		EXPECT_STREQ(want, report);
	}
}

TEST(malformed_targets_are_einval)
{
	static const char *const bad[] = {
		"garbage", "0 0x1000", "-5 0x1000", "kernel",
		"1 0x1000 0", "1 0x1000 4096 extra", "1 zz",
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(bad); i++)
		EXPECT_EQ(EINVAL, write_target(bad[i])) TH_LOG("case %u", i);
	ASSERT_EQ(0, write_target("kernel 0xffffffffffff0000"));
}

TEST_HARNESS_MAIN
