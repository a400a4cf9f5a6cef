// SPDX-License-Identifier: GPL-2.0
/*
 * mmscope trace notifier: the kernel calls the __mmu_notifier_*()
 * functions only for an mm with a notifier registered, so the test
 * registers one, mmscope_mmu_notifier's, on itself, and the module's own
 * records are the oracle: for munmap, mprotect and MADV_DONTNEED, the
 * tracer must see exactly the calls the module's subscription(s) got
 * (same ops, events, ranges and blockable flags, as many of each), the
 * three actions among them with the ranges the test passed, and the
 * module's ops named in the mm's list of subscriptions.
 */
#include <stdlib.h>
#include <sys/mman.h>

#include "kselftest_harness.h"
#include "../mmu_notifier/mn_util.h"
#include "tracer.h"

MMSCOPE_REQUIRE(MN_CTL)

#define NT_MAX	2048

/* One call as both sides see it. */
struct nt_call {
	char op[40];
	char event[24];
	unsigned long long start, end;
	int blockable;		/* range ops only; -1 elsewhere */
};

static struct mmscope_mmu_notifier_record recs[MN_MAX];
static struct nt_call from_module[NT_MAX], from_tracer[NT_MAX];
static char out[4 << 20], err[8192];

static int call_cmp(const void *a, const void *b)
{
	const struct nt_call *x = a, *y = b;
	int c = strcmp(x->op, y->op);

	if (!c)
		c = strcmp(x->event, y->event);
	if (!c)
		c = x->start < y->start ? -1 : x->start > y->start;
	if (!c)
		c = x->end < y->end ? -1 : x->end > y->end;
	if (!c)
		c = x->blockable - y->blockable;
	return c;
}

static bool range_op(const char *op)
{
	return !strncmp(op, "invalidate_range_", 17);
}

static int module_calls(const struct mmscope_mmu_notifier_record *r, int n,
			struct nt_call *c)
{
	int i;

	for (i = 0; i < n && i < NT_MAX; i++) {
		snprintf(c[i].op, sizeof(c[i].op), "%s",
			 mmscope_mmu_notifier_op_name(r[i].op));
		snprintf(c[i].event, sizeof(c[i].event), "%s",
			 mmscope_mmu_notifier_event_name(r[i].event));
		c[i].start = r[i].start;
		c[i].end = r[i].end;
		c[i].blockable = range_op(c[i].op) ?
			!!(r[i].flags & MMSCOPE_MMU_NOTIFIER_REC_BLOCKABLE) : -1;
	}
	qsort(c, i, sizeof(*c), call_cmp);
	return i;
}

/* The "events" of the tracer's JSON summary, sorted; returns how many. */
static int tracer_calls(const char *json, struct nt_call *c)
{
	const char *p = strstr(json, "\"events\":["), *next, *f;
	int n = 0;

	if (!p)
		return -1;
	for (p = strstr(p, "{\"op\":\""); p && n < NT_MAX; p = next) {
		struct nt_call *e = &c[n++];

		next = strstr(p + 1, "{\"op\":\"");
		sscanf(p + 7, "%39[^\"]", e->op);
		f = strstr(p, "\"event\":");
		if (f && !strncmp(f + 8, "null", 4))
			snprintf(e->event, sizeof(e->event), "none");
		else if (f)
			sscanf(f + 9, "%23[^\"]", e->event);
		f = strstr(p, "\"start\":\"");
		e->start = f ? strtoull(f + 9, NULL, 16) : 0;
		f = strstr(p, "\"end\":\"");
		e->end = f ? strtoull(f + 7, NULL, 16) : 0;
		f = strstr(p, "\"blockable\":");
		e->blockable = range_op(e->op) ? (f && !strncmp(f + 12, "true", 4)) : -1;
	}
	qsort(c, n, sizeof(*c), call_cmp);
	return n;
}

static int find(const struct nt_call *c, int n, const char *op,
		const char *event, unsigned long start, unsigned long end)
{
	int i, k = 0;

	for (i = 0; i < n; i++)
		if (!strcmp(c[i].op, op) && !strcmp(c[i].event, event) &&
		    c[i].start == start && c[i].end == end)
			k++;
	return k;
}

/* Does /proc/kallsyms list the module's ops (data, not text)? */
static bool kallsyms_has_data(void)
{
	char line[256];
	bool found = false;
	FILE *f = fopen("/proc/kallsyms", "r");

	while (f && !found && fgets(line, sizeof(line), f))
		found = strstr(line, " mn_ops\t[mmscope_mmu_notifier]") != NULL;
	if (f)
		fclose(f);
	return found;
}

TEST(tracer_sees_what_the_module_records)
{
	long ps = getpagesize();
	char *a = mn_pages(8), *b = mn_pages(8), *c = mn_pages(8);
	const char *argv[] = { "notifier", "--pid", NULL, NULL };
	struct tracer t = { 0 };
	char me[16];
	int fd, n, nm, nt, i, status = 0, ret;

	if (access("/sys/fs/bpf", F_OK))
		SKIP(return, "no bpffs");
	ASSERT_NE(NULL, a);
	ASSERT_NE(NULL, b);
	ASSERT_NE(NULL, c);
	snprintf(me, sizeof(me), "%d", getpid());
	argv[2] = me;
	ret = tracer_start(&t, argv, "counts", &status);
	if (ret == -ECHILD)
		tracer_read_all(t.err, err, sizeof(err));
	ASSERT_EQ(0, ret) TH_LOG("tracer did not start (%d, status %d): %s",
				 ret, status, err);
	fd = mn_open();
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, mn_attach_self(fd));

	ASSERT_EQ(0, munmap(a + 2 * ps, 3 * ps));
	ASSERT_EQ(0, mprotect(b, 4 * ps, PROT_READ));
	ASSERT_EQ(0, madvise(c + ps, 2 * ps, MADV_DONTNEED));

	n = mn_read(fd, recs, MN_MAX, 0, NULL);
	ASSERT_EQ(0, tracer_stop(&t, out, sizeof(out), err, sizeof(err)))
		TH_LOG("%s", err);
	close(fd);
	ASSERT_LT(0, n);
	nm = module_calls(recs, n, from_module);
	nt = tracer_calls(out, from_tracer);
	ASSERT_LT(0, nt) TH_LOG("no events: %s", out);

	/* the three actions, over the ranges given, in both */
	EXPECT_EQ(1, find(from_module, nm, "invalidate_range_start", "unmap",
			  (unsigned long)a + 2 * ps, (unsigned long)a + 5 * ps));
	EXPECT_EQ(1, find(from_tracer, nt, "invalidate_range_start", "unmap",
			  (unsigned long)a + 2 * ps, (unsigned long)a + 5 * ps))
		TH_LOG("no munmap: %s", out);
	EXPECT_EQ(1, find(from_tracer, nt, "invalidate_range_end", "unmap",
			  (unsigned long)a + 2 * ps, (unsigned long)a + 5 * ps));
	EXPECT_EQ(1, find(from_tracer, nt, "invalidate_range_start",
			  "protection_vma", (unsigned long)b,
			  (unsigned long)b + 4 * ps)) TH_LOG("no mprotect: %s", out);
	EXPECT_EQ(1, find(from_tracer, nt, "invalidate_range_start", "clear",
			  (unsigned long)c + ps, (unsigned long)c + 3 * ps))
		TH_LOG("no DONTNEED: %s", out);

	/* and exactly the module's records, no more, no fewer */
	TH_LOG("module %d records, tracer %d events", nm, nt);
	EXPECT_EQ(nm, nt);
	for (i = 0; i < nm && i < nt; i++) {
		EXPECT_EQ(0, call_cmp(&from_module[i], &from_tracer[i]))
			TH_LOG("#%d: module %s %s %llx-%llx %d, tracer %s %s %llx-%llx %d",
			       i, from_module[i].op, from_module[i].event,
			       from_module[i].start, from_module[i].end,
			       from_module[i].blockable, from_tracer[i].op,
			       from_tracer[i].event, from_tracer[i].start,
			       from_tracer[i].end, from_tracer[i].blockable);
	}

	/*
	 * the module's subscription, named in this mm's list: by its ops
	 * where /proc/kallsyms lists modules' data (CONFIG_KALLSYMS_ALL),
	 * by a callback of them elsewhere (6.1 arm64)
	 */
	EXPECT_NE(NULL, strstr(out, "\"subsystem\":\"mmscope\"")) TH_LOG("%s", out);
	EXPECT_NE(NULL, strstr(out, "\"callback\":\"mn_invalidate_range_start [mmscope_mmu_notifier]\""))
		TH_LOG("module not listed: %s", out);
	if (kallsyms_has_data()) {
		EXPECT_NE(NULL, strstr(out, "\"symbol\":\"mn_ops [mmscope_mmu_notifier]\""))
			TH_LOG("module not listed: %s", out);
	}
	if (!mn_kernel_before(6, 6) && kallsyms_has_data()) {
		/* a second one for the secondary TLBs */
		EXPECT_NE(NULL, strstr(out, "\"symbol\":\"mn_tlb_ops [mmscope_mmu_notifier]\""))
			TH_LOG("%s", out);
	}
	/* kprobes only where the kernel has no BPF trampolines */
	if (strstr(out, "\"fallback\":"))
		EXPECT_NE(NULL, strstr(out, "error 524")) TH_LOG("%s", out);
	EXPECT_NE(0, access(TRACER_PIN_ROOT "/notifier", F_OK))
		TH_LOG("left pinned");
}

TEST_HARNESS_MAIN
