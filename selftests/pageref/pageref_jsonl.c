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

/*
 * Each --jsonl line is byte for byte the object -j gives for the page
 * (written by hand, and by json-c): present pages, holes, the zero page.
 */
TEST(jsonl_lines_are_the_documents_objects)
{
	static char doc[1 << 18], doc2[1 << 18], lines[1 << 18];
	char pid[16], addr[32], len[32], *line, *save;
	const char *jl[] = { "pageref", "--pid", pid, addr, len, "--jsonl", NULL };
	const char *dj[] = { "-j", "pageref", "--pid", pid, addr, len, NULL };
	size_t psize = getpagesize(), i, n = 0;
	volatile char c;
	char *p;

	p = mmap(NULL, 16 * psize, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, p);
	madvise(p, 16 * psize, MADV_NOHUGEPAGE);
	for (i = 0; i < 16; i += 3)
		p[i * psize] = 1;
	c = p[psize];		/* the zero page */
	(void)c;
	snprintf(pid, sizeof(pid), "%d", getpid());
	snprintf(addr, sizeof(addr), "%p", p);
	snprintf(len, sizeof(len), "%zu", 16 * psize);
	ASSERT_EQ(0, mmscope_run_cli(dj, doc, sizeof(doc)));
	ASSERT_EQ(0, mmscope_run_cli(jl, lines, sizeof(lines)));
	/* a page's LRU state may move on between runs: either -j will do */
	ASSERT_EQ(0, mmscope_run_cli(dj, doc2, sizeof(doc2)));
	for (line = strtok_r(lines, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		n++;
		EXPECT_TRUE(strstr(doc, line) || strstr(doc2, line))
			TH_LOG("line %zu not in -j: %s\n-j: %.2000s", n, line, doc);
	}
	EXPECT_EQ(16, n);
	munmap(p, 16 * psize);
}

TEST_HARNESS_MAIN
