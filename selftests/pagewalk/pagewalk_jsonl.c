// SPDX-License-Identifier: GPL-2.0
/*
 * `mmscope pagewalk --jsonl` and the streamed -j document: an entry per
 * line, each line byte for byte an element of -j's "entries"; a populated
 * range of NPAGES 4K pages gives a line per page; and the
 * CLI's peak resident size for that range (tens of megabytes of output)
 * stays within a few MiB of its size for one page, for both forms.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>

#include "kselftest_harness.h"
#include "pagewalk_util.h"

MMSCOPE_REQUIRE(PW_CTL)

#define NPAGES	20000	/* 20,000 entries: about 18 MB of JSON */

static char out[1 << 20];

/* Run cmd; its lines (and the first), the bytes, the peak RSS in KiB. */
static int run_count(const char *cmd, size_t *lines, size_t *bytes,
		     char *first, size_t first_size, long *maxrss)
{
	static char buf[1 << 16];
	struct rusage ru;
	size_t n, i;
	FILE *f;

	*lines = *bytes = 0;
	first[0] = '\0';
	f = popen(cmd, "r");
	if (!f)
		return -1;
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0) {
		if (!*bytes)
			snprintf(first, first_size, "%.*s", (int)n, buf);
		for (i = 0; i < n; i++)
			*lines += buf[i] == '\n';
		*bytes += n;
	}
	if (pclose(f))
		return -1;
	/* the largest of every child waited for: run the small walk first */
	getrusage(RUSAGE_CHILDREN, &ru);
	*maxrss = ru.ru_maxrss;
	return 0;
}

TEST(jsonl_lines_are_the_documents_entries)
{
	char pid[16], addr[32], len[32], *p, *line, *save, *copy;
	const char *jl[] = { "pagewalk", "--pid", pid, addr, len, "--jsonl", NULL };
	const char *doc[] = { "-j", "pagewalk", "--pid", pid, addr, len, NULL };
	static char docout[1 << 20];
	size_t i, lines = 0;

	p = mmap(NULL, 16 * PW_PAGE, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, p);
	madvise(p, 16 * PW_PAGE, MADV_NOHUGEPAGE);
	for (i = 0; i < 16; i += 3)
		p[i * PW_PAGE] = 1;
	snprintf(pid, sizeof(pid), "%d", getpid());
	snprintf(addr, sizeof(addr), "%p", p);
	snprintf(len, sizeof(len), "%lu", 16 * PW_PAGE);
	ASSERT_EQ(0, mmscope_run_cli(doc, docout, sizeof(docout)));
	ASSERT_EQ(0, mmscope_run_cli(jl, out, sizeof(out)));
	copy = strdup(out);
	for (line = strtok_r(copy, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		lines++;
		EXPECT_EQ('{', line[0]);
		EXPECT_NE(NULL, strstr(docout, line))
			TH_LOG("line %zu not in -j: %s", lines, line);
	}
	/* pages 0, 3, ..., 15 present, and the 5 holes between them */
	EXPECT_EQ(11, lines) TH_LOG("%s", out);
	free(copy);
	munmap(p, 16 * PW_PAGE);
}

TEST(jsonl_and_json_stream_in_flat_memory)
{
	char cmd[256], first[256], want[64];
	size_t lines, bytes, small_bytes;
	long small_rss, rss;
	char *p;

	/* populated in one call, each page a PTE of its own */
	p = mmap(NULL, NPAGES * PW_PAGE, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, p);
	ASSERT_EQ(0, madvise(p, NPAGES * PW_PAGE, MADV_NOHUGEPAGE));
	ASSERT_EQ(0, madvise(p, NPAGES * PW_PAGE, MADV_POPULATE_WRITE));

	snprintf(cmd, sizeof(cmd), "mmscope pagewalk --pid %d %p 4096 --jsonl",
		 getpid(), p);
	ASSERT_EQ(0, run_count(cmd, &lines, &small_bytes, first, sizeof(first),
			       &small_rss));
	EXPECT_EQ(1, lines);

	snprintf(cmd, sizeof(cmd), "mmscope pagewalk --pid %d %p %lu --jsonl",
		 getpid(), p, NPAGES * PW_PAGE);
	ASSERT_EQ(0, run_count(cmd, &lines, &bytes, first, sizeof(first), &rss));
	EXPECT_EQ(NPAGES, lines);
	snprintf(want, sizeof(want), "{\"va\":\"%p\",", p);
	EXPECT_EQ(0, strncmp(first, want, strlen(want))) TH_LOG("%s", first);
	EXPECT_LT(lines * small_bytes / 2, bytes);
	EXPECT_GT(small_rss + 8192, rss)
		TH_LOG("--jsonl of %zu bytes: peak RSS %ld KiB, one page's %ld KiB",
		       bytes, rss, small_rss);

	snprintf(cmd, sizeof(cmd), "mmscope -j pagewalk --pid %d %p %lu",
		 getpid(), p, NPAGES * PW_PAGE);
	ASSERT_EQ(0, run_count(cmd, &lines, &bytes, first, sizeof(first), &rss));
	EXPECT_EQ(1, lines);
	EXPECT_EQ('{', first[0]);
	EXPECT_LT((size_t)NPAGES * 100, bytes);
	EXPECT_GT(small_rss + 8192, rss)
		TH_LOG("-j of %zu bytes: peak RSS %ld KiB, one page's %ld KiB",
		       bytes, rss, small_rss);
	munmap(p, NPAGES * PW_PAGE);
}

TEST_HARNESS_MAIN
