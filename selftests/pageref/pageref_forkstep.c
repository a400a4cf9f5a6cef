// SPDX-License-Identifier: GPL-2.0
/*
 * The demo's fork chapter, as a test: mmscope-forkstep steps one page
 * through fork, the child's write and the parent's write, and after each
 * step the table `mmscope pageref --pid PID ADDR` prints for the parent
 * and the child must agree with pagemap (PFN) and kpagecount (MAP), and
 * REF with the mappings an anonymous page has (one each), and tell the
 * story: shared after fork, copied for the child, reused by the parent.
 */
#include <stdlib.h>

#include "kselftest_harness.h"
#include "pageref_util.h"

MMSCOPE_REQUIRE(PAGEREF_CTL)

#define FORKSTEP "mmscope-forkstep"

/* the counts of one row of the text table */
struct row {
	uint64_t pfn;
	long long ref;
	int map;
	int excl;
};

FIXTURE(forkstep) {
	pid_t helper;
	FILE *cue, *steps;
	pid_t parent, child;
	unsigned long addr;
	char step[32];
};

FIXTURE_SETUP(forkstep)
{
	int in[2], out[2];

	ASSERT_EQ(0, pipe2(in, O_CLOEXEC));
	ASSERT_EQ(0, pipe2(out, O_CLOEXEC));
	self->helper = fork();
	ASSERT_LE(0, self->helper);
	if (!self->helper) {
		dup2(in[0], 0);
		dup2(out[1], 1);
		execlp(FORKSTEP, FORKSTEP, NULL);
		_exit(127);
	}
	close(in[0]);
	close(out[1]);
	self->cue = fdopen(in[1], "w");
	self->steps = fdopen(out[0], "r");
	ASSERT_NE(NULL, self->cue);
	ASSERT_NE(NULL, self->steps);
}

FIXTURE_TEARDOWN(forkstep)
{
	fclose(self->cue);
	fclose(self->steps);
	waitpid(self->helper, NULL, 0);
}

/* cue the next step (unless first) and read the helper's line for it */
static int next_step(FIXTURE_DATA(forkstep) *self, bool first)
{
	char line[256];

	if (!first && (fputs("\n", self->cue) < 0 || fflush(self->cue)))
		return -1;
	if (!fgets(line, sizeof(line), self->steps))
		return -1;
	if (sscanf(line, "step=%31s parent=%d child=%d addr=%lx", self->step,
		   &self->parent, &self->child, &self->addr) != 4)
		return -1;
	return 0;
}

/* `mmscope pageref --pid PID ADDR`: the one row of its table */
static int table_row(pid_t pid, unsigned long addr, struct row *r)
{
	char out[4096], spid[16], saddr[32], *line;
	const char *args[] = { "pageref", "--pid", spid, saddr, NULL };
	unsigned long long va, pfn;
	char flags[512] = "";
	int ret;

	snprintf(spid, sizeof(spid), "%d", pid);
	snprintf(saddr, sizeof(saddr), "%#lx", addr);
	ret = mmscope_run_cli(args, out, sizeof(out));
	if (ret)
		return ret < 0 ? ret : -EIO;
	line = strchr(out, '\n');
	/* VA PFN HEAD OR REF MAP ENT TOT PIN EXTRA DMA MAPPING FLAGS */
	if (!line || sscanf(line + 1, "%llx %llx %*x %*u %lld %d %*d %*d %*s %*d %*s %*s %511s",
			    &va, &pfn, &r->ref, &r->map, flags) != 5 ||
	    va != addr)
		return -EIO;
	r->pfn = pfn;
	r->excl = strstr(flags, "anon_exclusive") != NULL;
	return 0;
}

/*
 * The row of pid's page, checked against pagemap and kpagecount. A
 * reference somebody takes for a short while (an LRU batch, a scanner)
 * may show as REF above MAP: ask again after a drain, a few times.
 */
static void check_row(struct __test_metadata *_metadata, pid_t pid,
		      unsigned long addr, struct row *r)
{
	int tries;

	for (tries = 0; tries < 10; tries++) {
		if (tries)
			usleep(10000);
		ASSERT_EQ(0, pageref_drain());
		ASSERT_EQ(0, table_row(pid, addr, r))
			TH_LOG("mmscope pageref --pid %d %#lx: no table row",
			       pid, addr);
		if (r->ref == r->map)
			break;
	}
	EXPECT_EQ(pagemap_pfn(pid, addr), r->pfn);
	EXPECT_EQ(kpagecount_of(r->pfn), (uint64_t)r->map);
	/* an anonymous page outside the swap cache: one reference a mapping */
	EXPECT_EQ(r->map, r->ref);
}

TEST_F(forkstep, table_matches_kpagecount_and_pagemap_at_every_step)
{
	struct row p, c, first;

	ASSERT_EQ(0, next_step(self, true)) TH_LOG("no %s on PATH?", FORKSTEP);
	ASSERT_STREQ("start", self->step);
	check_row(_metadata, self->parent, self->addr, &p);
	EXPECT_EQ(1, p.map);
	EXPECT_TRUE(p.excl);
	first = p;

	ASSERT_EQ(0, next_step(self, false));
	ASSERT_STREQ("fork", self->step);
	ASSERT_LT(0, self->child);
	check_row(_metadata, self->parent, self->addr, &p);
	check_row(_metadata, self->child, self->addr, &c);
	EXPECT_EQ(first.pfn, p.pfn);
	EXPECT_EQ(p.pfn, c.pfn);
	EXPECT_EQ(2, p.map);
	EXPECT_FALSE(p.excl);
	EXPECT_FALSE(c.excl);

	ASSERT_EQ(0, next_step(self, false));
	ASSERT_STREQ("child-write", self->step);
	check_row(_metadata, self->parent, self->addr, &p);
	check_row(_metadata, self->child, self->addr, &c);
	EXPECT_EQ(first.pfn, p.pfn);
	EXPECT_NE(first.pfn, c.pfn);
	EXPECT_EQ(1, p.map);
	EXPECT_EQ(1, c.map);
	EXPECT_TRUE(c.excl);

	ASSERT_EQ(0, next_step(self, false));
	ASSERT_STREQ("parent-write", self->step);
	check_row(_metadata, self->parent, self->addr, &p);
	EXPECT_EQ(first.pfn, p.pfn);
	EXPECT_EQ(1, p.map);
	EXPECT_TRUE(p.excl);

	ASSERT_EQ(0, next_step(self, false));
	ASSERT_STREQ("end", self->step);
}

TEST_HARNESS_MAIN
