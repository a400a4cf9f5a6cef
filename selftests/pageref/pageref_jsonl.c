// SPDX-License-Identifier: GPL-2.0
/*
 * `mmscope pageref --jsonl`: a JSON object per page and line, past the
 * 65,536 pages a single -j document may hold: one line per page of the
 * range, and the pages the test wrote at the PFN pagemap gives.
 */
#include <stdlib.h>

#include "kselftest_harness.h"
#include "pageref_util.h"

MMSCOPE_REQUIRE(PAGEREF_CTL)

#define NPAGES	(65536 + 16)

TEST(jsonl_has_a_line_per_page_past_the_json_cap)
{
	static char out[NPAGES * 400];
	char pid[16], addr[32], len[32], want[128];
	const char *args[] = { "pageref", "--pid", pid, addr, len, "--jsonl", NULL };
	const char *capped[] = { "-j", "pageref", "--pid", pid, addr, len, NULL };
	size_t psize = getpagesize(), lines = 0, i;
	char *p;

	p = mmap(NULL, NPAGES * psize, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	ASSERT_NE(MAP_FAILED, p);
	madvise(p, NPAGES * psize, MADV_NOHUGEPAGE);
	p[0] = 1;
	p[(NPAGES - 1) * psize] = 1;
	snprintf(pid, sizeof(pid), "%d", getpid());
	snprintf(addr, sizeof(addr), "%p", p);
	snprintf(len, sizeof(len), "%zu", NPAGES * psize);

	EXPECT_EQ(2, mmscope_run_cli_all(capped, out, sizeof(out)));
	EXPECT_NE(NULL, strstr(out, "--jsonl")) TH_LOG("%s", out);

	ASSERT_EQ(0, mmscope_run_cli(args, out, sizeof(out)));
	for (i = 0; out[i]; i++)
		lines += out[i] == '\n';
	EXPECT_EQ(NPAGES, lines);
	EXPECT_EQ('{', out[0]);
	snprintf(want, sizeof(want), "{\"va\":\"%p\",\"pfn\":%llu,", p,
		 (unsigned long long)pagemap_pfn(0, (unsigned long)p));
	EXPECT_EQ(0, strncmp(out, want, strlen(want))) TH_LOG("want %s", want);
	snprintf(want, sizeof(want), "{\"va\":\"%p\",\"pfn\":%llu,",
		 p + (NPAGES - 1) * psize,
		 (unsigned long long)pagemap_pfn(0, (unsigned long)p +
						 (NPAGES - 1) * psize));
	EXPECT_NE(NULL, strstr(out, want)) TH_LOG("want %s", want);
	munmap(p, NPAGES * psize);
}

TEST_HARNESS_MAIN
