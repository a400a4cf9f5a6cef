// SPDX-License-Identifier: GPL-2.0
/*
 * mmscope swapcache entries as a user reads it: a paged-out buffer, most
 * of it still in the swap cache (runs of cached folios), with two pages
 * faulted back. The text output (one line per run, with its page count)
 * and the JSON output (one object per page with a folio, runs without
 * one merged with "pages"), expanded page by page, against pagemap.
 */
#include "kselftest_harness.h"
#include "sc_util.h"

MMSCOPE_REQUIRE(SC_CTL)

#define NPAGES 64

/* What the CLI said of one page. */
struct cli_page {
	int seen;
	int swap;		/* a slot was shown */
	unsigned int type;
	unsigned long long offset;
};

FIXTURE(cli)
{
	char *buf;
	uint64_t pm[NPAGES];
	struct cli_page pg[NPAGES];
	char pid[16], addr[32], len[32];
	char out[1 << 17];
};

FIXTURE_SETUP(cli)
{
	/* this CPU's LRU batches are the ones MADV_PAGEOUT drains */
	ASSERT_EQ(0, sc_pin_cpu0());
	self->buf = sc_buffer(NPAGES, 0);
	ASSERT_NE(NULL, self->buf);
	ASSERT_EQ(0, madvise(self->buf, NPAGES * sc_psize(), MADV_PAGEOUT));
	/* two pages back: present lines split the runs */
	self->buf[10 * sc_psize()] = 'w';
	self->buf[40 * sc_psize()] = 'w';
	snprintf(self->pid, sizeof(self->pid), "%d", getpid());
	snprintf(self->addr, sizeof(self->addr), "%p", self->buf);
	snprintf(self->len, sizeof(self->len), "%ld", NPAGES * sc_psize());
}

FIXTURE_TEARDOWN(cli)
{
	munmap(self->buf, NPAGES * sc_psize());
}

/* Marks @pages pages from @va as the CLI gave them (the slot steps by one). */
static int mark(struct cli_page *pg, char *buf, unsigned long long va,
		unsigned long long pages, int swap, unsigned int type,
		unsigned long long offset)
{
	unsigned long long i, first = (va - (uintptr_t)buf) / sc_psize();

	if (va < (uintptr_t)buf || first + pages > NPAGES)
		return -1;
	for (i = 0; i < pages; i++) {
		pg[first + i].seen++;
		pg[first + i].swap = swap;
		pg[first + i].type = type;
		pg[first + i].offset = offset + i;
	}
	return 0;
}

/* Every page seen once, with pagemap's slot when pagemap has one. */
static void assert_pagemap(struct __test_metadata *_metadata,
			   FIXTURE_DATA(cli) *self)
{
	int i;

	ASSERT_EQ(0, sc_pagemap(self->buf, NPAGES, self->pm));
	for (i = 0; i < NPAGES; i++) {
		EXPECT_EQ(1, self->pg[i].seen) TH_LOG("page %d", i);
		EXPECT_EQ(!!(self->pm[i] & PM_SWAP), self->pg[i].swap &&
			  !(self->pm[i] & PM_PRESENT)) TH_LOG("page %d", i);
		if (!(self->pm[i] & PM_SWAP))
			continue;
		EXPECT_EQ(PM_SWAP_TYPE(self->pm[i]), self->pg[i].type)
			TH_LOG("page %d", i);
		EXPECT_EQ(PM_SWAP_OFFSET(self->pm[i]), self->pg[i].offset)
			TH_LOG("page %d", i);
	}
	/* the two pages written again are present, with no slot */
	EXPECT_TRUE(self->pm[10] & PM_PRESENT);
	EXPECT_TRUE(self->pm[40] & PM_PRESENT);
}

TEST_F(cli, text_runs_expand_to_pagemap)
{
	const char *args[] = { "swapcache", "entries", "--pid", self->pid,
			       self->addr, self->len, NULL };
	unsigned long long va, off, pages;
	unsigned int type;
	char state[16], *line, *p;
	int lines = 0, swap;

	ASSERT_EQ(0, mmscope_run_cli(args, self->out, sizeof(self->out)))
		TH_LOG("%s", self->out);
	for (line = strtok(self->out, "\n"); line; line = strtok(NULL, "\n")) {
		ASSERT_EQ(2, sscanf(line, "%llx %15s", &va, state))
			TH_LOG("%s", line);
		type = 0;
		off = 0;
		swap = sscanf(line, "%*x %*s swap %u:%llu", &type, &off) == 2;
		p = strstr(line, " pages)");
		pages = 1;
		if (p) {
			while (p > line && p[-1] != '(')
				p--;
			ASSERT_EQ(1, sscanf(p, "%llu", &pages)) TH_LOG("%s", line);
		}
		ASSERT_EQ(0, mark(self->pg, self->buf, va, pages, swap, type,
				  off)) TH_LOG("%s", line);
		lines++;
	}
	assert_pagemap(_metadata, self);
	/* at least the two present pages and what is around them */
	EXPECT_LE(3, lines);
	TH_LOG("%d lines for %d pages", lines, NPAGES);
}

TEST_F(cli, json_pages_expand_to_pagemap)
{
	const char *args[] = { "-j", "swapcache", "entries", "--pid", self->pid,
			       self->addr, self->len, NULL };
	unsigned long long va, off, pages;
	unsigned int type;
	char *o, *next, *s;
	int swap, folios = 0;

	ASSERT_EQ(0, mmscope_run_cli(args, self->out, sizeof(self->out)))
		TH_LOG("%s", self->out);
	ASSERT_TRUE(strstr(self->out, "{\"entries\":[{\"va\":\"0x"))
		TH_LOG("%s", self->out);
	for (o = strstr(self->out, "{\"va\":\""); o; o = next) {
		next = strstr(o + 1, "{\"va\":\"");
		if (next)
			next[-1] = '\0';
		ASSERT_EQ(1, sscanf(o, "{\"va\":\"%llx\"", &va)) TH_LOG("%s", o);
		type = 0;
		off = 0;
		s = strstr(o, "\"swap\":{\"type\":");
		swap = s && sscanf(s, "\"swap\":{\"type\":%u,\"offset\":%llu",
				   &type, &off) == 2;
		s = strstr(o, "\"pages\":");
		pages = 1;
		if (s)
			ASSERT_EQ(1, sscanf(s, "\"pages\":%llu", &pages));
		/* a page with a folio is an object of its own */
		if (strstr(o, "\"folio\":{")) {
			EXPECT_EQ(1, pages) TH_LOG("%s", o);
			folios++;
		}
		ASSERT_EQ(0, mark(self->pg, self->buf, va, pages, swap, type,
				  off)) TH_LOG("%s", o);
	}
	assert_pagemap(_metadata, self);
	EXPECT_LE(2, folios);
}

/*
 * A run longer than what one call of the module returns. The CLI asks
 * for 4096 records at a time, and the first 4095 pages here make one
 * record each (written and untouched in turn); a THP mapped by its PMD
 * follows, 512 pages of one run, which the first call ends after its
 * first page. The CLI gives the THP as the one line a query of its own
 * range gives.
 */
#define ALTERNATE 4095
#define PMD_PAGES 512

static char big_out[1 << 20];

TEST(run_across_the_clis_batches)
{
	size_t ps = sc_psize(), len = (ALTERNATE + 2 * PMD_PAGES) * ps, i;
	const char *args[] = { "swapcache", "entries", "--pid", NULL, NULL,
			       NULL, NULL };
	struct mmscope_swapcache_entry r[PMD_PAGES];
	char pid[16], addr[32], lenb[32], *map, *thp, *a, *line;
	unsigned long long va;
	uint64_t pm;
	int fd, lines = 0, thp_lines = 0;

	fd = sc_open();
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, sc_pin_cpu0());
	map = mmap(NULL, len, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, map);
	thp = (char *)(((uintptr_t)map + ALTERNATE * ps + PMD_PAGES * ps - 1) &
		       ~(PMD_PAGES * ps - 1));
	a = thp - ALTERNATE * ps;
	ASSERT_EQ(0, madvise(a, ALTERNATE * ps, MADV_NOHUGEPAGE));
	ASSERT_EQ(0, madvise(thp, PMD_PAGES * ps, MADV_HUGEPAGE));
	for (i = 1; i < ALTERNATE; i += 2)
		a[i * ps] = 1;
	thp[0] = 1;
	if (mmscope_pagemap_read(0, (uintptr_t)thp, 1, &pm) ||
	    !(pm & PM_PRESENT) || mmscope_kpageflags_read(PM_PFN(pm), 1, &pm) ||
	    !(pm & KPF_BIT(KPF_THP)))
		SKIP(munmap(map, len); return, "the region got no THP");
	/* khugepaged may not touch the untouched pages in between */
	ASSERT_EQ(0, madvise(thp, PMD_PAGES * ps, MADV_NOHUGEPAGE));
	sc_lru_drain();
	/* the module, asked for the THP's range alone: one run */
	ASSERT_EQ(1, sc_entries_flags(fd, getpid(), thp, PMD_PAGES,
				      MMSCOPE_SWAPCACHE_ENTRIES_RUNS, r));
	EXPECT_EQ(PMD_PAGES, r[0].pages);
	snprintf(pid, sizeof(pid), "%d", getpid());
	snprintf(addr, sizeof(addr), "%p", a);
	snprintf(lenb, sizeof(lenb), "%zu", (ALTERNATE + PMD_PAGES) * ps);
	args[3] = pid;
	args[4] = addr;
	args[5] = lenb;
	ASSERT_EQ(0, mmscope_run_cli(args, big_out, sizeof(big_out)))
		TH_LOG("%.2000s", big_out);
	for (line = strtok(big_out, "\n"); line; line = strtok(NULL, "\n")) {
		ASSERT_EQ(1, sscanf(line, "%llx", &va)) TH_LOG("%s", line);
		lines++;
		if (va < (uintptr_t)thp)
			continue;
		thp_lines++;
		EXPECT_EQ((uintptr_t)thp, va) TH_LOG("%s", line);
		EXPECT_NE(NULL, strstr(line, "(512 pages)")) TH_LOG("%s", line);
	}
	EXPECT_EQ(ALTERNATE + 1, lines);
	EXPECT_EQ(1, thp_lines);
	munmap(map, len);
	close(fd);
}

TEST_HARNESS_MAIN
