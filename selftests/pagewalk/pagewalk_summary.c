// SPDX-License-Identifier: GPL-2.0
/*
 * `mmscope pagewalk --summary`: a range's entries by kind, against
 * pagemap (a process range) and against the kernel's own numbers (the
 * linear map holds at least MemTotal of RAM and the module's own linear
 * page; the vmalloc area holds the module's vmalloc page).
 */
#include <inttypes.h>
#include <stdio.h>

#include "kselftest_harness.h"
#include "pagewalk_util.h"

MMSCOPE_REQUIRE(PW_CTL)

#define NPAGES	16

static char out[1 << 16];

/* "kinds" entry of level/state/page_size: entries, bytes, runs (-1: none) */
struct kind {
	long long entries, bytes, runs;
};

static int find_kind(const char *json, const char *level, const char *state,
		     const char *size, struct kind *k)
{
	char key[128];
	const char *p;

	snprintf(key, sizeof(key), "{\"level\":\"%s\",\"state\":\"%s\",\"page_size\":%s,",
		 level, state, size);
	p = strstr(json, key);
	if (!p)
		return -1;
	return sscanf(p + strlen(key), "\"entries\":%lld,\"bytes\":%lld,\"runs\":%lld",
		      &k->entries, &k->bytes, &k->runs) == 3 ? 0 : -1;
}

/* the sum of "bytes" of every kind, and of the present ones */
static void sum_bytes(const char *json, long long *all, long long *present)
{
	const char *p = json, *end, *b;
	long long n;

	*all = *present = 0;
	while ((p = strstr(p, "{\"level\":"))) {
		end = strchr(p, '}');
		b = strstr(p, "\"bytes\":");
		if (!end || !b || b > end || sscanf(b, "\"bytes\":%lld", &n) != 1)
			return;
		*all += n;
		if (!strncmp(strstr(p, "\"state\":"), "\"state\":\"present\"", 17))
			*present += n;
		p = end;
	}
}

static unsigned long long json_hex(const char *json, const char *key)
{
	char k[64];
	const char *p;

	snprintf(k, sizeof(k), "\"%s\":\"", key);
	p = strstr(json, k);
	return p ? strtoull(p + strlen(k), NULL, 16) : 0;
}

static unsigned long long kaddr(const char *name)
{
	char buf[512], want[32];
	const char *p;

	if (mmscope_read_file(PW_DIR "/kaddr", buf, sizeof(buf)) <= 0)
		return 0;
	snprintf(want, sizeof(want), "%s 0x", name);
	p = strstr(buf, want);
	return p ? strtoull(p + strlen(want), NULL, 16) : 0;
}

TEST(process_range_by_kind_matches_pagemap)
{
	size_t psize = PW_PAGE, len = NPAGES * PW_PAGE;
	char pid[16], addr[32], slen[32], size[16];
	const char *args[] = { "-j", "pagewalk", "--pid", pid, addr, slen,
			       "--summary", NULL };
	uint64_t pm[NPAGES];
	struct kind k;
	char *p;
	int i, present = 0;

	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
		 -1, 0);
	ASSERT_NE(MAP_FAILED, p);
	madvise(p, len, MADV_NOHUGEPAGE);
	memset(p, 1, len);
	/* a hole in the middle: one run of present pages becomes two */
	ASSERT_EQ(0, madvise(p + 5 * psize, psize, MADV_DONTNEED));
	snprintf(pid, sizeof(pid), "%d", getpid());
	snprintf(addr, sizeof(addr), "%p", p);
	snprintf(slen, sizeof(slen), "%zu", len);
	snprintf(size, sizeof(size), "%zu", psize);
	ASSERT_EQ(0, mmscope_run_cli(args, out, sizeof(out))) TH_LOG("%s", out);
	ASSERT_EQ(0, mmscope_pagemap_read(0, (unsigned long)p, NPAGES, pm));
	for (i = 0; i < NPAGES; i++)
		present += !!(pm[i] & PM_PRESENT);
	ASSERT_EQ(0, find_kind(out, "pte", "present", size, &k)) TH_LOG("%s", out);
	EXPECT_EQ(present, k.entries);
	EXPECT_EQ(present * (long long)psize, k.bytes);
	EXPECT_EQ(2, k.runs);
	ASSERT_EQ(0, find_kind(out, "pte", "none", "null", &k)) TH_LOG("%s", out);
	EXPECT_EQ((NPAGES - present) * (long long)psize, k.bytes);
	EXPECT_EQ((unsigned long)p, json_hex(out, "start"));
	EXPECT_EQ((unsigned long)p + len, json_hex(out, "end"));
	munmap(p, len);
}

TEST(linear_map_holds_memtotal_and_the_modules_page)
{
	const char *args[] = { "-j", "pagewalk", "--kernel", "--linear-map",
			       "--summary", NULL };
	unsigned long long start, end, lin = kaddr("linear");
	long long all, present;
	char meminfo[4096];
	long long total_kb;
	const char *m;

	ASSERT_EQ(0, mmscope_run_cli(args, out, sizeof(out))) TH_LOG("%s", out);
	start = json_hex(out, "start");
	end = json_hex(out, "end");
	ASSERT_LT(start, end);
	EXPECT_LE(start, lin);
	EXPECT_GT(end, lin);
	sum_bytes(out, &all, &present);
	/* the kinds cover the range, a byte once */
	EXPECT_EQ((long long)(end - start), all) TH_LOG("%s", out);
	ASSERT_LT(0, mmscope_read_file("/proc/meminfo", meminfo, sizeof(meminfo)));
	m = strstr(meminfo, "MemTotal:");
	ASSERT_NE(NULL, m);
	total_kb = strtoll(m + 9, NULL, 10);
	EXPECT_LE(total_kb << 10, present) TH_LOG("%s", out);
}

TEST(vmalloc_area_holds_the_modules_page)
{
	const char *args[] = { "-j", "pagewalk", "--kernel", "--vmalloc",
			       "--summary", NULL };
	unsigned long long v = kaddr("vmalloc");
	long long all, present;

	ASSERT_EQ(0, mmscope_run_cli(args, out, sizeof(out))) TH_LOG("%s", out);
	EXPECT_LE(json_hex(out, "start"), v);
	EXPECT_GT(json_hex(out, "end"), v);
	sum_bytes(out, &all, &present);
	EXPECT_EQ((long long)(json_hex(out, "end") - json_hex(out, "start")), all);
	EXPECT_LE((long long)PW_PAGE, present);
}

TEST(summary_usage_errors)
{
	const char *pid_region[] = { "pagewalk", "--pid", "1", "--linear-map", NULL };
	const char *kernel_all[] = { "pagewalk", "--kernel", "--all", NULL };
	const char *path[] = { "pagewalk", "--kernel", "--vmalloc", "--summary",
			       "--path", NULL };

	EXPECT_EQ(2, mmscope_run_cli_all(pid_region, out, sizeof(out)));
	EXPECT_NE(NULL, strstr(out, "kernel ranges: give --kernel")) TH_LOG("%s", out);
	EXPECT_EQ(2, mmscope_run_cli_all(kernel_all, out, sizeof(out)));
	EXPECT_EQ(2, mmscope_run_cli_all(path, out, sizeof(out)));
}

TEST_HARNESS_MAIN
