// SPDX-License-Identifier: GPL-2.0
/*
 * mmscope trace thp against /proc/vmstat: this test faults two THPs
 * (MADV_HUGEPAGE, 2 MiB aligned), collapses a range of small pages with
 * MADV_COLLAPSE, splits one THP through the debugfs split_huge_pages
 * file and unmaps half of the other (a deferred split), between two
 * reads of vmstat while the tracer runs. Each count of the tracer is
 * decided where the kernel counts the event, so each is asserted equal
 * to its counter's delta:
 *
 *  - faults "huge": do_huge_pmd_anonymous_page() returned 0 for a write
 *    (thp_fault_alloc); "fallback_alloc": it fell back with the 2 MiB in
 *    the VMA (no huge page or no charge: thp_fault_fallback);
 *  - collapses whose result is not SCAN_ALLOC_HUGE_PAGE_FAIL: the
 *    kernel counts thp_collapse_alloc when it has the huge page, before
 *    anything else can fail;
 *  - splits of order-9 folios (6.1: of any order), done:
 *    thp_split_page;
 *  - deferred splits that queue the THP (6.1: its deferred list was
 *    empty; 6.12 on: newly partly unmapped): thp_deferred_split_page.
 *    6.12 and later also call deferred_split_folio() at every THP fault
 *    without queueing it for the counter: "calls" is larger there.
 *
 * Run with fentry (kprobes where there are no BPF trampolines) and with
 * kprobes. THP "enabled" is set to madvise (saved and put back), so that khugepaged
 * leaves the small pages to collapse alone.
 */
#include <sys/mman.h>

#include "kselftest_harness.h"
#include "mmscope_test.h"
#include "region.h"
#include "tracer.h"

#ifndef MADV_COLLAPSE
#define MADV_COLLAPSE	25
#endif

#define SPLIT_FILE	"/sys/kernel/debug/split_huge_pages"
#define HUGE		MMSCOPE_HUGE_SIZE

enum { FAULT_ALLOC, FAULT_FALLBACK, COLLAPSE_ALLOC, SPLIT, DEFERRED, NR_STATS };

static const char *const stat_names[NR_STATS] = {
	"thp_fault_alloc", "thp_fault_fallback", "thp_collapse_alloc",
	"thp_split_page", "thp_deferred_split_page",
};

static char out[1 << 20], err[8192];

static int read_stats(unsigned long long *v)
{
	return tracer_vmstat(stat_names, NR_STATS, v);
}

/* A field of the object that follows "obj" in the tracer's JSON. */
static unsigned long long json_u64(const char *obj, const char *name)
{
	const char *o = strstr(out, obj), *f;
	char pat[48];

	snprintf(pat, sizeof(pat), "\"%s\":", name);
	f = o ? strstr(o, pat) : NULL;
	return f ? strtoull(f + strlen(pat), NULL, 10) : ~0ULL;
}

/* 2 MiB, aligned on 2 MiB, from a larger mapping (*map, 2 x HUGE). */
static char *huge_aligned(char **map)
{
	uintptr_t a;

	*map = mmap(NULL, 2 * HUGE, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (*map == MAP_FAILED)
		return NULL;
	a = ((uintptr_t)*map + HUGE - 1) & ~(HUGE - 1);
	return (char *)a;
}

FIXTURE(thp) {
	struct tracer t;
	bool pushed;
};

/* auto: fentry where the kernel has BPF trampolines; kprobe: the other path */
FIXTURE_VARIANT(thp) {
	const char *attach;
};

FIXTURE_VARIANT_ADD(thp, auto) {
	.attach = "auto",
};

FIXTURE_VARIANT_ADD(thp, kprobe) {
	.attach = "kprobe",
};

FIXTURE_SETUP(thp)
{
	const char *argv[] = { "thp", "--attach", variant->attach, NULL };
	int status = 0, ret;

	self->pushed = false;
	if (access("/sys/fs/bpf", F_OK))
		SKIP(return, "no bpffs");
	if (access(SPLIT_FILE, W_OK))
		SKIP(return, "%s: %s (debugfs not mounted?)", SPLIT_FILE, strerror(errno));
	ret = mmscope_thp_push();
	if (ret == -EOPNOTSUPP)
		SKIP(return, "no THP here: %s", mmscope_error);
	ASSERT_EQ(0, ret) TH_LOG("%s", mmscope_error);
	self->pushed = true;
	ASSERT_EQ(0, mmscope_thp_set("enabled", "madvise")) TH_LOG("%s", mmscope_error);
	ret = tracer_start(&self->t, argv, "collapses", &status);
	if (ret == -ECHILD)
		tracer_read_all(self->t.err, err, sizeof(err));
	ASSERT_EQ(0, ret) TH_LOG("tracer did not start (%d, status %d): %s",
				 ret, status, err);
}

FIXTURE_TEARDOWN(thp)
{
	if (self->t.pid > 0)
		tracer_stop(&self->t, out, sizeof(out), err, sizeof(err));
	if (self->pushed)
		mmscope_thp_pop();
}

TEST_F(thp, fault_collapse_split_match_vmstat)
{
	unsigned long long before[NR_STATS], after[NR_STATS], d[NR_STATS];
	char *ma, *mb, *mc, *a, *b, *c;
	size_t pg = getpagesize(), i;
	int k;

	a = huge_aligned(&ma);
	b = huge_aligned(&mb);
	c = huge_aligned(&mc);
	ASSERT_TRUE(a && b && c);
	ASSERT_EQ(0, madvise(a, HUGE, MADV_HUGEPAGE));
	ASSERT_EQ(0, madvise(c, HUGE, MADV_HUGEPAGE));
	ASSERT_EQ(0, read_stats(before));

	memset(a, 1, HUGE);			/* a THP fault */
	memset(c, 2, HUGE);			/* another */
	for (i = 0; i < HUGE; i += pg)		/* small pages: enabled=madvise */
		b[i] = (char)i;
	ASSERT_EQ(0, madvise(b, HUGE, MADV_COLLAPSE)) TH_LOG("MADV_COLLAPSE: %s", strerror(errno));
	/* from here on, khugepaged may not collapse a range behind the test */
	ASSERT_EQ(0, madvise(a, HUGE, MADV_NOHUGEPAGE));
	ASSERT_EQ(0, madvise(b, HUGE, MADV_NOHUGEPAGE));
	ASSERT_EQ(0, madvise(c, HUGE, MADV_NOHUGEPAGE));
	ASSERT_EQ(0, mmscope_thp_split_range(a, HUGE)) TH_LOG("split_huge_pages: %s", strerror(errno));
	ASSERT_EQ(0, madvise(c, HUGE / 2, MADV_DONTNEED));	/* partly unmapped */

	ASSERT_EQ(0, read_stats(after));
	ASSERT_EQ(0, tracer_stop(&self->t, out, sizeof(out), err, sizeof(err)))
		TH_LOG("%s", err);
	for (k = 0; k < NR_STATS; k++)
		d[k] = after[k] - before[k];
	TH_LOG("vmstat deltas: fault_alloc %llu fault_fallback %llu collapse_alloc %llu split_page %llu deferred_split_page %llu",
	       d[FAULT_ALLOC], d[FAULT_FALLBACK], d[COLLAPSE_ALLOC], d[SPLIT], d[DEFERRED]);
	TH_LOG("%s", out);
	ASSERT_LE(1ULL, d[FAULT_ALLOC]) TH_LOG("no THP could be faulted in");
	EXPECT_EQ(d[FAULT_ALLOC], json_u64("\"faults\":", "huge"));
	EXPECT_EQ(d[FAULT_FALLBACK], json_u64("\"faults\":", "fallback_alloc"));
	EXPECT_LE(1ULL, d[COLLAPSE_ALLOC]);
	EXPECT_EQ(d[COLLAPSE_ALLOC], json_u64("\"collapse_total\":", "allocated"));
	EXPECT_NE(NULL, strstr(out, "{\"by\":\"madvise\",\"result\":\"SCAN_SUCCEED\""));
	EXPECT_LE(1ULL, d[SPLIT]);
	EXPECT_EQ(d[SPLIT], json_u64("\"splits\":", "pmd_done"));
	EXPECT_LE(1ULL, d[DEFERRED]);
	EXPECT_EQ(d[DEFERRED], json_u64("\"deferred_splits\":", "queued"));
	EXPECT_NE(0, access(TRACER_PIN_ROOT "/thp", F_OK)) TH_LOG("left pinned");
	for (i = 0; i < HUGE; i += pg)
		ASSERT_EQ((char)i, b[i]);
	munmap(ma, 2 * HUGE);
	munmap(mb, 2 * HUGE);
	munmap(mc, 2 * HUGE);
}

TEST_HARNESS_MAIN
