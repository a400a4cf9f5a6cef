// SPDX-License-Identifier: GPL-2.0
/*
 * mmscope trace pageref: the tracer watches a page of this test while it
 * forks (copy_page_range: refcount and mapcount +1), then pins and unpins
 * the page through mmscope_pageref (try_grab_*: refcount +1024, exactly
 * once; unpin_user_page: -1024, exactly once), each with a kernel stack.
 */
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>

#include "kselftest_harness.h"
#include "../pageref/pageref_util.h"
#include "region.h"
#include "tracer.h"

MMSCOPE_REQUIRE(PAGEREF_CTL)

struct pr_event {
	char function[40];
	long long old_ref, ref, old_map, map;
	int frames;
	const char *stack;	/* the "stack" array in the JSON */
};

static long long obj_field(const char *obj, const char *end, const char *name)
{
	char pat[48];
	const char *f;

	snprintf(pat, sizeof(pat), "\"%s\":", name);
	f = strstr(obj, pat);
	if (!f || f >= end)
		return -99999;
	return strtoll(f + strlen(pat), NULL, 10);
}

/* The "events" of the tracer's JSON summary; returns how many. */
static int parse_events(const char *json, struct pr_event *ev, int max)
{
	const char *p = strstr(json, "\"events\":["), *next, *end, *s;
	int n = 0;

	if (!p)
		return -1;
	for (p = strstr(p, "{\"function\":\""); p && n < max; p = next) {
		struct pr_event *e = &ev[n++];

		next = strstr(p + 1, "{\"function\":\"");
		end = next ? next : p + strlen(p);
		sscanf(p + strlen("{\"function\":\""), "%39[^\"]", e->function);
		e->old_ref = obj_field(p, end, "old_refcount");
		e->ref = obj_field(p, end, "refcount");
		e->old_map = obj_field(p, end, "old_mapcount");
		e->map = obj_field(p, end, "mapcount");
		e->stack = strstr(p, "\"stack\":[");
		e->frames = 0;
		for (s = e->stack; s && s < end && (s = strchr(s + 1, '"')) &&
		     s < end; s = strchr(s + 1, '"'))
			e->frames++;
		e->frames = e->frames > 0 ? e->frames - 1 : 0;	/* "stack" */
	}
	return n;
}

/* How many events of function f1 (or f2) changed the counts by dref, dmap. */
static int count(const struct pr_event *ev, int n, const char *f1,
		 const char *f2, long long dref, long long dmap,
		 const struct pr_event **found)
{
	int i, c = 0;

	for (i = 0; i < n; i++) {
		if (strcmp(ev[i].function, f1) && (!f2 || strcmp(ev[i].function, f2)))
			continue;
		if (ev[i].ref - ev[i].old_ref != dref ||
		    ev[i].map - ev[i].old_map != dmap)
			continue;
		c++;
		*found = &ev[i];
	}
	return c;
}

static char out[1 << 20], err[8192];

/*
 * Start "mmscope trace pageref --pid SELF ADDR": 0 once it counts, or a
 * negative errno with its stderr in err[] and its exit status in *status.
 */
static int watch_start(struct tracer *t, unsigned long addr, int *status)
{
	char me[16], a[32];
	const char *argv[] = { "pageref", "--pid", me, a, NULL };
	int ret;

	snprintf(me, sizeof(me), "%d", getpid());
	snprintf(a, sizeof(a), "0x%lx", addr);
	err[0] = 0;
	ret = tracer_start(t, argv, "sites", status);
	if (ret == -ECHILD)
		tracer_read_all(t->err, err, sizeof(err));
	return ret;
}

TEST(fork_pin_unpin_are_traced_with_stacks)
{
	static struct pr_event ev[512];
	const struct pr_event *e = NULL;
	struct mmscope_pageref_page r;
	struct tracer t = { 0 };
	int fd, n, status = 0, ret;
	char *p = anon_pages(1);

	if (access("/sys/fs/bpf", F_OK))
		SKIP(return, "no bpffs");
	ASSERT_NE(NULL, p);
	fd = pageref_open();
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, pageref_query_settled(fd, getpid(), (unsigned long)p, &r));
	ASSERT_EQ(pagemap_pfn(0, (unsigned long)p), r.pfn);
	ret = watch_start(&t, (unsigned long)p, &status);
	ASSERT_EQ(0, ret) TH_LOG("tracer did not start (%d, status %d): %s",
				 ret, status, err);

	/* fork, the child exits, then the page (ours alone again) is pinned */
	ASSERT_EQ(0, pageref_fork_pin_unpin(fd, p));

	ASSERT_EQ(0, tracer_stop(&t, out, sizeof(out), err, sizeof(err)))
		TH_LOG("%s", err);
	TH_LOG("%s", out);
	n = parse_events(out, ev, 512);
	ASSERT_LT(0, n) TH_LOG("no events: %s", out);
	EXPECT_LE(1, count(ev, n, "copy_page_range", NULL, 1, 1, &e))
		TH_LOG("no fork event: %s", out);
	e = NULL;
	EXPECT_EQ(1, count(ev, n, "try_grab_page", "try_grab_folio",
			   GUP_PIN_COUNTING_BIAS, 0, &e))
		TH_LOG("not one pin event: %s", out);
	if (e)
		EXPECT_LE(3, e->frames) TH_LOG("pin event stack: %s", out);
	e = NULL;
	EXPECT_EQ(1, count(ev, n, "unpin_user_page", NULL,
			   -GUP_PIN_COUNTING_BIAS, 0, &e))
		TH_LOG("not one unpin event: %s", out);
	if (e)
		EXPECT_LE(3, e->frames) TH_LOG("unpin event stack: %s", out);
	EXPECT_NE(0, access(TRACER_PIN_ROOT "/pageref", F_OK))
		TH_LOG("left pinned");
	close(fd);
	munmap(p, getpagesize());
}

/* The first state the tracer reports: "first":{"refcount":N,"mapcount":N}. */
static int first_state(const char *json, long long *ref, long long *map)
{
	const char *f = strstr(json, "\"first\":{");

	if (!f)
		return -1;
	*ref = obj_field(f, f + strlen(f), "refcount");
	*map = obj_field(f, f + strlen(f), "mapcount");
	return 0;
}

/*
 * A tail page of a THP: the tracer must find the head (7.x encodes it in
 * compound_info, which may be a mask), report the folio's reference count
 * and the page's map count as the module does, and see the pin of a large
 * folio (+1 reference, +1 pin count) and its unpin.
 */
TEST(thp_tail_page_reports_its_folio)
{
	static struct pr_event ev[512];
	const struct pr_event *e = NULL;
	struct mmscope_pageref_page r;
	struct mmscope_pageref_hold h;
	struct tracer t = { 0 };
	struct mmscope_region reg;
	long long ref, map;
	int fd, n, status = 0, ret;
	unsigned long tail;

	if (access("/sys/fs/bpf", F_OK))
		SKIP(return, "no bpffs");
	ASSERT_EQ(0, mmscope_region_make(&reg, MMSCOPE_REGION_THP, 1, 0))
		TH_LOG("%s", mmscope_error);
	if (!mmscope_region_is_thp(&reg)) {
		mmscope_region_free(&reg);
		SKIP(return, "no anonymous THP here (THP disabled?)");
	}
	tail = (unsigned long)reg.start + 77 * getpagesize();
	fd = pageref_open();
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, pageref_query_settled(fd, getpid(), tail, &r));
	ASSERT_EQ(9, r.order);
	ASSERT_TRUE(r.pgflags & PGF(TAIL));
	ret = watch_start(&t, tail, &status);
	ASSERT_EQ(0, ret) TH_LOG("tracer did not start (%d, status %d): %s",
				 ret, status, err);
	ASSERT_EQ(0, pageref_hold(fd, MMSCOPE_PAGEREF_IOC_PIN, getpid(), tail,
				  getpagesize(), 0, &h));
	ASSERT_EQ(0, pageref_hold(fd, MMSCOPE_PAGEREF_IOC_UNPIN, getpid(), tail,
				  getpagesize(), 0, &h));
	ASSERT_EQ(0, tracer_stop(&t, out, sizeof(out), err, sizeof(err)))
		TH_LOG("%s", err);
	ASSERT_EQ(0, first_state(out, &ref, &map)) TH_LOG("%s", out);
	EXPECT_EQ(r.refcount, ref) TH_LOG("%s", out);
	EXPECT_EQ(r.mapcount, map) TH_LOG("%s", out);
	n = parse_events(out, ev, 512);
	ASSERT_LT(0, n) TH_LOG("no events: %s", out);
	EXPECT_EQ(1, count(ev, n, "try_grab_page", "try_grab_folio", 1, 0, &e))
		TH_LOG("not one pin event: %s", out);
	e = NULL;
	EXPECT_LE(1, count(ev, n, "unpin_user_page", NULL, -1, 0, &e))
		TH_LOG("no unpin event: %s", out);
	close(fd);
	mmscope_region_free(&reg);
}

/* Whether /proc/swaps lists a swap area. */
static int have_swap(void)
{
	char line[256];
	int n = 0;
	FILE *f = fopen("/proc/swaps", "r");

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		n++;
	fclose(f);
	return n > 1;
}

#ifndef MADV_PAGEOUT
#define MADV_PAGEOUT 21
#endif

/*
 * Paging a page out puts it in the swap cache: a reference more, seen
 * where the kernel adds it (add_to_swap_cache up to 6.12; 7.x's swap
 * table: __swap_cache_add_folio, or folio_alloc_swap around it).
 */
TEST(pageout_is_seen_where_the_swap_cache_takes_the_page)
{
	static struct pr_event ev[512];
	const struct pr_event *e = NULL;
	struct mmscope_pageref_page r;
	struct tracer t = { 0 };
	int fd, n, i, status = 0, ret, added = 0;
	char *p = anon_pages(1);

	if (access("/sys/fs/bpf", F_OK))
		SKIP(return, "no bpffs");
	if (!have_swap())
		SKIP(return, "no swap area (mmscope-vm --swap SIZE gives one)");
	ASSERT_NE(NULL, p);
	memset(p, 0x5a, getpagesize());	/* zero-filled pages skip swap I/O */
	fd = pageref_open();
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, pageref_query_settled(fd, getpid(), (unsigned long)p, &r));
	ret = watch_start(&t, (unsigned long)p, &status);
	ASSERT_EQ(0, ret) TH_LOG("tracer did not start (%d, status %d): %s",
				 ret, status, err);
	ASSERT_EQ(0, madvise(p, getpagesize(), MADV_PAGEOUT));
	ASSERT_EQ(0, tracer_stop(&t, out, sizeof(out), err, sizeof(err)))
		TH_LOG("%s", err);
	n = parse_events(out, ev, 512);
	ASSERT_LT(0, n) TH_LOG("no events: %s", out);
	for (i = 0; i < n; i++) {
		e = &ev[i];
		if (e->ref > e->old_ref &&
		    (!strcmp(e->function, "add_to_swap_cache") ||
		     !strcmp(e->function, "add_to_swap") ||
		     !strcmp(e->function, "folio_alloc_swap") ||
		     !strcmp(e->function, "__swap_cache_add_folio")))
			added++;
	}
	EXPECT_LE(1, added) TH_LOG("no swap cache event: %s", out);
	close(fd);
	munmap(p, getpagesize());
}

TEST(pfn_without_page_is_refused)
{
	const char *argv[] = { "pageref", "--pfn", "0x7fffffffff", NULL };
	struct tracer t = { 0 };
	int status = 0;

	ASSERT_EQ(-ECHILD, tracer_start(&t, argv, "sites", &status));
	tracer_read_all(t.err, err, sizeof(err));
	close(t.out);
	EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 1)
		TH_LOG("status %d: %s", status, err);
	EXPECT_NE(NULL, strstr(err, "no page there")) TH_LOG("%s", err);
}

TEST_HARNESS_MAIN
