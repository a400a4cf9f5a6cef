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
	char step[32];
	long long pid;
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
		e->step[0] = 0;
		s = strstr(p, "\"step\":\"");
		if (s && s < end)
			sscanf(s + strlen("\"step\":\""), "%31[^\"]", e->step);
		e->pid = obj_field(p, end, "pid");
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

/*
 * The first state the tracer reports:
 * "first":{"refcount":N,"mapcount":N,"anon_exclusive":B}; *excl may be NULL.
 */
static int first_state(const char *json, long long *ref, long long *map,
		       long long *excl)
{
	const char *f = strstr(json, "\"first\":{"), *end;

	if (!f)
		return -1;
	end = strchr(f, '}');
	*ref = obj_field(f, f + strlen(f), "refcount");
	*map = obj_field(f, f + strlen(f), "mapcount");
	if (excl) {
		const char *b = strstr(f, "\"anon_exclusive\":");

		if (!b || !end || b > end)
			return -1;
		*excl = !strncmp(b + strlen("\"anon_exclusive\":"), "true", 4);
	}
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
	ASSERT_EQ(0, first_state(out, &ref, &map, NULL)) TH_LOG("%s", out);
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

/* One object of the summary's "steps": its changes summed. */
struct pr_step_sum {
	long long events, ref, map, set, cleared;
};

static void step_sum(const char *json, const char *name, struct pr_step_sum *s)
{
	const char *a = strstr(json, "\"steps\":["), *o, *end;
	char pat[64];

	memset(s, 0, sizeof(*s));
	if (!a)
		return;
	snprintf(pat, sizeof(pat), "{\"step\":\"%s\"", name);
	o = strstr(a, pat);
	if (!o)
		return;
	end = strchr(o, '}');
	s->events = obj_field(o, end, "events");
	s->ref = obj_field(o, end, "refcount");
	s->map = obj_field(o, end, "mapcount");
	s->set = obj_field(o, end, "anon_exclusive_set");
	s->cleared = obj_field(o, end, "anon_exclusive_cleared");
}

/* The page as the module, pagemap and kpagecount see it, LRU drained. */
struct pr_oracle {
	long long ref, map, excl;
	unsigned long pfn;
};

static int oracle(int fd, void *p, struct pr_oracle *o)
{
	struct mmscope_pageref_page r;

	if (pageref_query_settled(fd, getpid(), (unsigned long)p, &r))
		return -1;
	o->pfn = pagemap_pfn(0, (unsigned long)p);
	if (o->pfn != r.pfn)
		return -2;
	o->ref = r.refcount;
	o->map = kpagecount_of(o->pfn);
	if (o->map != r.mapcount)
		return -3;
	o->excl = !!(r.info & MMSCOPE_PAGEREF_ANON_EXCLUSIVE);
	return 0;
}

/* Whether every event of a step was taken by task pid. */
static int step_by(const struct pr_event *ev, int n, const char *step, long long pid)
{
	int i;

	for (i = 0; i < n; i++)
		if (!strcmp(ev[i].step, step) && ev[i].pid != pid)
			return 0;
	return 1;
}

#define EXPECT_STEP(name, want_ref, want_map, want_set, want_clr)	\
	do {								\
		struct pr_step_sum s_;					\
									\
		step_sum(out, name, &s_);				\
		EXPECT_LE(1, s_.events) TH_LOG("no %s event: %s", name, out); \
		EXPECT_EQ(want_ref, s_.ref) TH_LOG("%s refcount", name); \
		EXPECT_EQ(want_map, s_.map) TH_LOG("%s mapcount", name); \
		EXPECT_EQ(want_set, s_.set) TH_LOG("%s excl set", name); \
		if (want_clr >= 0)	/* -1: not checked */		\
			EXPECT_EQ(want_clr, s_.cleared)			\
				TH_LOG("%s excl cleared", name);	\
	} while (0)

/*
 * The fork-and-COW story of one page, each step's changes named and
 * summed by the tracer and checked against the page before and after
 * the step (the module's refcount, pagemap's pfn, kpagecount): fork
 * (+1 reference, +1 mapping, AnonExclusive cleared), the child's write
 * (COW copy: the child lets the page go, -1 -1, in the child), the
 * parent's write (COW reuse: AnonExclusive set again, in the parent,
 * same frame), a pin (+1024) and its unpin (-1024). The LRU batches are
 * drained before each check, so no batch reference is in between.
 */
TEST(fork_cow_reuse_pin_steps_match_the_page)
{
	static struct pr_event ev[512];
	struct pr_oracle o0, o1, o2, o3, o4, o5;
	struct mmscope_pageref_hold h;
	struct tracer t = { 0 };
	int fd, n, status = 0, ret, a[2], b[2];
	long long first_ref, first_map, first_excl, i, sum_ref = 0, sum_map = 0;
	char *p = anon_pages(1), c = 0;
	pid_t child;

	if (access("/sys/fs/bpf", F_OK))
		SKIP(return, "no bpffs");
	ASSERT_NE(NULL, p);
	fd = pageref_open();
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, oracle(fd, p, &o0));
	ASSERT_EQ(1, o0.map);
	ASSERT_EQ(1, o0.excl);
	ret = watch_start(&t, (unsigned long)p, &status);
	ASSERT_EQ(0, ret) TH_LOG("tracer did not start (%d, status %d): %s",
				 ret, status, err);
	ASSERT_EQ(0, pipe(a));
	ASSERT_EQ(0, pipe(b));
	child = fork();
	ASSERT_LE(0, child);
	if (!child) {
		if (read(a[0], &c, 1) != 1)
			_exit(1);
		p[0] = 1;		/* COW: the child gets a copy */
		if (write(b[1], &c, 1) != 1)
			_exit(1);
		pause();
		_exit(0);
	}
	ASSERT_EQ(0, oracle(fd, p, &o1));
	ASSERT_EQ(o0.pfn, pagemap_pfn(child, (unsigned long)p));
	ASSERT_EQ(1, write(a[1], &c, 1));
	ASSERT_EQ(1, read(b[0], &c, 1));
	ASSERT_EQ(0, oracle(fd, p, &o2));
	ASSERT_NE(o0.pfn, pagemap_pfn(child, (unsigned long)p));
	p[0] = 2;			/* the parent's alone now: reuse */
	ASSERT_EQ(0, oracle(fd, p, &o3));
	ASSERT_EQ(o0.pfn, o3.pfn);
	ASSERT_EQ(0, pageref_hold(fd, MMSCOPE_PAGEREF_IOC_PIN, getpid(),
				  (unsigned long)p, getpagesize(), 0, &h));
	ASSERT_EQ(0, oracle(fd, p, &o4));
	ASSERT_EQ(0, pageref_hold(fd, MMSCOPE_PAGEREF_IOC_UNPIN, getpid(),
				  (unsigned long)p, getpagesize(), 0, &h));
	ASSERT_EQ(0, oracle(fd, p, &o5));
	ASSERT_EQ(0, tracer_stop(&t, out, sizeof(out), err, sizeof(err)))
		TH_LOG("%s", err);
	kill(child, SIGKILL);
	waitpid(child, NULL, 0);
	TH_LOG("page: start %lld/%lld/%lld fork %lld/%lld/%lld child-write %lld/%lld/%lld parent-write %lld/%lld/%lld pin %lld unpin %lld",
	       o0.ref, o0.map, o0.excl, o1.ref, o1.map, o1.excl, o2.ref,
	       o2.map, o2.excl, o3.ref, o3.map, o3.excl, o4.ref, o5.ref);
	/* the oracles' own story, first: the workload did what it means */
	ASSERT_EQ(o0.ref + 1, o1.ref);
	ASSERT_EQ(2, o1.map);
	ASSERT_EQ(0, o1.excl);
	ASSERT_EQ(1, o2.map);
	ASSERT_EQ(0, o2.excl);
	ASSERT_EQ(1, o3.excl);
	ASSERT_EQ(o3.ref + GUP_PIN_COUNTING_BIAS, o4.ref);
	ASSERT_EQ(o3.ref, o5.ref);

	/* the tracer's first state is the snapshot at attach: the start */
	ASSERT_EQ(0, first_state(out, &first_ref, &first_map, &first_excl)) TH_LOG("%s", out);
	EXPECT_EQ(o0.ref, first_ref);
	EXPECT_EQ(o0.map, first_map);
	EXPECT_NE(NULL, strstr(out, "\"attached_ns\":"));

	EXPECT_EQ(o0.excl, first_excl);

	/* each step's changes, summed, are the page's change over it */
	EXPECT_STEP("fork copy", o1.ref - o0.ref, o1.map - o0.map, 0, 1);
	EXPECT_STEP("COW copy", o2.ref - o1.ref, o2.map - o1.map, 0, 0);
	EXPECT_STEP("COW reuse", o3.ref - o2.ref, o3.map - o2.map, 1, 0);
	EXPECT_STEP("GUP pin", o4.ref - o3.ref, 0, 0, 0);
	EXPECT_STEP("unpin", o5.ref - o4.ref, 0, 0, 0);
	n = parse_events(out, ev, 512);
	ASSERT_LT(0, n) TH_LOG("no events: %s", out);
	EXPECT_TRUE(step_by(ev, n, "COW copy", child)) TH_LOG("%s", out);
	EXPECT_TRUE(step_by(ev, n, "COW reuse", getpid())) TH_LOG("%s", out);
	EXPECT_TRUE(step_by(ev, n, "fork copy", getpid())) TH_LOG("%s", out);
	/* and all of them are the page's change over the run */
	for (i = 0; i < n; i++) {
		sum_ref += ev[i].ref - ev[i].old_ref;
		sum_map += ev[i].map - ev[i].old_map;
	}
	EXPECT_EQ(o5.ref - o0.ref, sum_ref);
	EXPECT_EQ(o5.map - o0.map, sum_map);
	close(fd);
	munmap(p, getpagesize());
}

TEST_HARNESS_MAIN
