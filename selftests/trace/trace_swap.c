// SPDX-License-Identifier: GPL-2.0
/*
 * mmscope trace swap, against the kernel's own counters: the test pages
 * out a buffer of non-zero pages (MADV_PAGEOUT), has the swap cache drop
 * them (memory.reclaim of a cgroup of its own: paged-out pages stay in
 * the cache until reclaim frees them, and a lookup there reads nothing),
 * reads some ahead (MADV_WILLNEED) and faults others back in, all while
 * the tracer traces every process; then compares the tracer's totals
 * with the deltas of /proc/vmstat and /proc/meminfo over the same time:
 *
 *  - pages written to swap = pswpout (both count __swap_writepage());
 *  - pages read from swap = pswpin (both count the swap-in reads);
 *  - pages read ahead = swap_ra (the pages of a readahead window but
 *    the faulting one);
 *  - swap cache pages added - deleted = the change of SwapCached (its
 *    CPUs' pending deltas folded in first: vm.stat_refresh);
 *  - pages added = pswpout + pswpin: every page reclaim gives a swap
 *    slot is written, every page a swap-in adds is read (no zswap, no
 *    zero-filled pages: the buffer's pages are not zero).
 *
 *  - read-ahead pages found by a later lookup = swap_ra_hit (both count
 *    the first lookup that finds a page read ahead), and no more than
 *    were read ahead, with those deleted unused.
 *
 * The tracer's window holds the counters' window, so each count is
 * asserted to be at least the kernel's; they are equal when nothing else
 * swaps around it (the tracer, started before the test enters its
 * cgroup, is not reclaimed with it), which is logged. Whatever else
 * swaps, it happens in the tracer's window, and the counters read just
 * after the tracer attached and just before it stops leave only the
 * attach and detach out: in whole-suite runs, where earlier tests left
 * other processes' pages on swap, those processes' swap-ins (each fault
 * with its readahead window) and deletions of cache pages left by
 * earlier tests land there too, so totals exceed the deltas when the
 * counters were read later. The test process's own swap-ins all fall
 * inside the counters' window: they are at most pswpin's delta.
 */
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>

#include "kselftest_harness.h"
#include "mmscope_test.h"
#include "tracer.h"

#ifndef MADV_PAGEOUT
#define MADV_PAGEOUT	21
#endif

#define NPAGES		64	/* the buffer */
#define NREAD		32	/* pages 0..31 faulted back in */
#define WILL_FROM	48	/* pages 48..63 read with MADV_WILLNEED */
#define CG_ROOT		"/sys/fs/cgroup"

static char out[1 << 20], err[8192];

struct counters {
	unsigned long long pswpin, pswpout, swap_ra, swap_ra_hit, swapcached;
};

static unsigned long long key_value(const char *text, const char *key)
{
	char pat[64];
	const char *f;

	snprintf(pat, sizeof(pat), "\n%s", key);
	f = strstr(text, pat);
	if (!f)
		return ~0ULL;
	f += strlen(pat);
	while (*f == ' ' || *f == ':')
		f++;
	return strtoull(f, NULL, 10);
}

static int write_str(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC), ret = 0;

	if (fd < 0)
		return -errno;
	if (write(fd, s, strlen(s)) < 0)
		ret = -errno;
	close(fd);
	return ret;
}

static int read_counters(struct counters *c)
{
	static char buf[16384];

	buf[0] = '\n';
	if (mmscope_read_file("/proc/vmstat", buf + 1, sizeof(buf) - 1) <= 0)
		return -1;
	c->pswpin = key_value(buf, "pswpin ");
	c->pswpout = key_value(buf, "pswpout ");
	c->swap_ra = key_value(buf, "swap_ra ");
	c->swap_ra_hit = key_value(buf, "swap_ra_hit ");
	/* SwapCached is a node counter: fold the CPUs' pending deltas in */
	if (write_str("/proc/sys/vm/stat_refresh", "1"))
		return -1;
	if (mmscope_read_file("/proc/meminfo", buf + 1, sizeof(buf) - 1) <= 0)
		return -1;
	c->swapcached = key_value(buf, "SwapCached") * 1024 / getpagesize();
	return 0;
}

/* Move this process into a new memory cgroup, dir; 0 or -errno. */
static int cgroup_enter(char *dir, size_t size)
{
	char path[256], pid[16];
	int ret;

	if (access(CG_ROOT "/cgroup.controllers", F_OK) &&
	    mount("cgroup2", CG_ROOT, "cgroup2", 0, NULL))
		return -errno;
	write_str(CG_ROOT "/cgroup.subtree_control", "+memory");
	snprintf(dir, size, CG_ROOT "/mmscope-trace-swap-%d", getpid());
	if (mkdir(dir, 0755) && errno != EEXIST)
		return -errno;
	snprintf(path, sizeof(path), "%s/memory.reclaim", dir);
	if (access(path, F_OK))
		return -ENOENT;
	snprintf(path, sizeof(path), "%s/cgroup.procs", dir);
	snprintf(pid, sizeof(pid), "%d", getpid());
	ret = write_str(path, pid);
	return ret;
}

static void cgroup_leave(const char *dir)
{
	char pid[16];

	snprintf(pid, sizeof(pid), "%d", getpid());
	write_str(CG_ROOT "/cgroup.procs", pid);
	rmdir(dir);
}

/* Pages of [p, p + n pages) resident or in the swap cache (mincore). */
static int resident(char *p, int n)
{
	unsigned char v[NPAGES];
	int i, k = 0;

	if (mincore(p, n * getpagesize(), v))
		return -1;
	for (i = 0; i < n; i++)
		k += v[i] & 1;
	return k;
}

/* Pages of [p, p + n pages) that pagemap shows swapped out. */
static int swapped(char *p, int n)
{
	unsigned long long e[NPAGES];
	long ps = getpagesize();
	int fd = open("/proc/self/pagemap", O_RDONLY), i, k = 0;

	if (fd < 0)
		return -1;
	if (pread(fd, e, n * sizeof(e[0]), (unsigned long)p / ps * 8) !=
	    (ssize_t)(n * sizeof(e[0]))) {
		close(fd);
		return -1;
	}
	close(fd);
	for (i = 0; i < n; i++)
		k += !!(e[i] & (1ULL << 62));
	return k;
}

/* A number in the tracer's "total": "total":{..."group":{..."field":N */
static long long total_field(const char *json, const char *group,
			     const char *field)
{
	char pat[64];
	const char *t = strstr(json, "\"total\":{"), *g, *f;

	if (!t)
		return -1;
	snprintf(pat, sizeof(pat), "\"%s\":{", group);
	g = strstr(t, pat);
	snprintf(pat, sizeof(pat), "\"%s\":", field);
	f = g ? strstr(g, pat) : NULL;
	return f ? strtoll(f + strlen(pat), NULL, 10) : -1;
}

/* A number of one process's object (from its "pid" on): group.field. */
static long long proc_field(const char *mine, const char *group,
			    const char *field)
{
	const char *next = mine ? strstr(mine + 1, "\"pid\":") : NULL, *g, *f;
	char pat[64];

	if (!mine)
		return -1;
	snprintf(pat, sizeof(pat), "\"%s\":{", group);
	g = strstr(mine, pat);
	if (!g || (next && g > next))
		return -1;
	snprintf(pat, sizeof(pat), "\"%s\":", field);
	f = strstr(g, pat);
	if (!f || (next && f > next))
		return -1;
	return strtoll(f + strlen(pat), NULL, 10);
}

/* The sum of the counts of a histogram after "key":[ in json from s. */
static unsigned long long hist_sum(const char *s, const char *key)
{
	char pat[64];
	const char *h, *end, *c;
	unsigned long long sum = 0;

	snprintf(pat, sizeof(pat), "\"%s\":[", key);
	h = s ? strstr(s, pat) : NULL;
	if (!h)
		return 0;
	end = strchr(h, ']');
	for (c = strstr(h, "\"count\":"); c && c < end; c = strstr(c + 1, "\"count\":"))
		sum += strtoull(c + 8, NULL, 10);
	return sum;
}

TEST(swap_counts_match_vmstat)
{
	const char *argv[] = { "swap", NULL };
	long ps = getpagesize();
	unsigned long long faults = 0, v;
	struct counters c0, c1, cpre, cpost;
	struct tracer t = { 0 };
	char dir[128], me[16], *p, line[256];
	int i, status = 0, ret, tries;
	long long out_pages, in_pages, ra, used, unused, adds, dels;
	const char *mine;
	FILE *f;

	if (access("/sys/fs/bpf", F_OK))
		SKIP(return, "no bpffs");
	f = fopen("/proc/swaps", "r");
	for (i = 0; f && fgets(line, sizeof(line), f); i++)
		;
	if (f)
		fclose(f);
	if (i < 2)
		SKIP(return, "no swap area (mmscope-vm --swap SIZE gives one)");
	/*
	 * Two windows of the counters: c0..c1 inside the tracer's, and
	 * cpre..cpost around it (for this process's own reads, which may
	 * come before c0).
	 */
	ASSERT_EQ(0, read_counters(&cpre));
	/* started first: the tracer stays out of the cgroup reclaimed */
	ret = tracer_start(&t, argv, "procs", &status);
	if (ret == -ECHILD)
		tracer_read_all(t.err, err, sizeof(err));
	ASSERT_EQ(0, ret) TH_LOG("tracer did not start (%d, status %d): %s",
				 ret, status, err);
	/* at once: the counters' window as near the tracer's as it gets */
	ASSERT_EQ(0, read_counters(&c0));
	ret = cgroup_enter(dir, sizeof(dir));
	if (ret == -ENOENT) {
		tracer_stop(&t, out, sizeof(out), err, sizeof(err));
		SKIP(return, "no memory.reclaim in the memory cgroup");
	}
	ASSERT_EQ(0, ret) TH_LOG("cgroup: %s", strerror(-ret));

	/*
	 * The test's own pages (stack, buffers) stay put: reclaimed with
	 * the buffer, one could come back after the counters were read.
	 */
	ASSERT_EQ(0, mlockall(MCL_CURRENT)) TH_LOG("mlockall: %s", strerror(errno));
	p = mmap(NULL, NPAGES * ps, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, p);
	madvise(p, NPAGES * ps, MADV_NOHUGEPAGE);
	for (i = 0; i < NPAGES; i++)
		memset(p + i * ps, i + 1, ps);	/* not zero: written to swap */

	ASSERT_EQ(0, madvise(p, NPAGES * ps, MADV_PAGEOUT));
	EXPECT_EQ(NPAGES, swapped(p, NPAGES));
	/* the swap cache keeps them until reclaim frees them */
	for (tries = 0; tries < 100 && resident(p, NPAGES) > 0; tries++) {
		char path[256], amount[32];

		snprintf(path, sizeof(path), "%s/memory.reclaim", dir);
		snprintf(amount, sizeof(amount), "%ld", NPAGES * ps);
		write_str(path, amount);
		if (resident(p, NPAGES) > 0)
			tracer_sleep_ms(50);
	}
	ASSERT_EQ(0, resident(p, NPAGES)) TH_LOG("the swap cache kept them");

	ASSERT_EQ(0, madvise(p + WILL_FROM * ps, (NPAGES - WILL_FROM) * ps,
			     MADV_WILLNEED));
	for (tries = 0; tries < 100 && resident(p + WILL_FROM * ps,
						NPAGES - WILL_FROM) <
	     NPAGES - WILL_FROM; tries++)
		tracer_sleep_ms(50);
	EXPECT_EQ(NPAGES - WILL_FROM,
		  resident(p + WILL_FROM * ps, NPAGES - WILL_FROM));
	for (i = 0; i < NREAD; i++)
		ASSERT_EQ(i + 1, p[i * ps + 7]);

	ASSERT_EQ(0, read_counters(&c1));
	ASSERT_EQ(0, tracer_stop(&t, out, sizeof(out), err, sizeof(err)))
		TH_LOG("%s", err);
	ASSERT_EQ(0, read_counters(&cpost));
	TH_LOG("%s", out);
	TH_LOG("vmstat around the tracer: pswpout +%llu pswpin +%llu swap_ra +%llu swap_ra_hit +%llu",
	       cpost.pswpout - cpre.pswpout, cpost.pswpin - cpre.pswpin,
	       cpost.swap_ra - cpre.swap_ra, cpost.swap_ra_hit - cpre.swap_ra_hit);
	TH_LOG("vmstat: pswpout +%llu pswpin +%llu swap_ra +%llu swap_ra_hit +%llu SwapCached %+lld pages",
	       c1.pswpout - c0.pswpout, c1.pswpin - c0.pswpin,
	       c1.swap_ra - c0.swap_ra, c1.swap_ra_hit - c0.swap_ra_hit,
	       (long long)(c1.swapcached - c0.swapcached));

	out_pages = total_field(out, "swap_out", "pages");
	in_pages = total_field(out, "swap_in", "pages");
	adds = total_field(out, "cache", "add_pages");
	dels = total_field(out, "cache", "delete_pages");
	ra = total_field(out, "readahead", "pages");
	used = total_field(out, "readahead", "used");
	unused = total_field(out, "readahead", "unused");

	/*
	 * The tracer runs from before the first read of the counters to
	 * after the second, and sees every process: each of its counts is
	 * at least the kernel's delta, and equal when nothing else touched
	 * swap around the window (so it was in most runs on every guest;
	 * whole-suite runs saw more: other processes' swap-ins and cache
	 * deletions between the tracer's start and a later first read of
	 * the counters, see above; equality is logged, not asserted).
	 */
	EXPECT_LE(NPAGES, c1.pswpout - c0.pswpout);
	EXPECT_LE((long long)(c1.pswpout - c0.pswpout), out_pages);
	EXPECT_LE(NPAGES - WILL_FROM, c1.pswpin - c0.pswpin);
	EXPECT_LE((long long)(c1.pswpin - c0.pswpin), in_pages);
	EXPECT_LE((long long)(c1.swap_ra - c0.swap_ra), ra);
	EXPECT_GE(adds, (long long)(c1.swapcached - c0.swapcached));
	EXPECT_LE((long long)(c1.pswpout - c0.pswpout + c1.pswpin - c0.pswpin),
		  adds);
	if (out_pages != (long long)(c1.pswpout - c0.pswpout) ||
	    in_pages != (long long)(c1.pswpin - c0.pswpin) ||
	    ra != (long long)(c1.swap_ra - c0.swap_ra) ||
	    adds - dels != (long long)(c1.swapcached - c0.swapcached))
		TH_LOG("not equal to the kernel's counters this run (see above)");
	EXPECT_LE(NPAGES, dels);
	EXPECT_LE(used + unused, ra);
	/*
	 * swap_ra_hit also counts hits on pages read ahead before the
	 * tracer attached (left in the cache by earlier work), whose window
	 * the tracer never saw: only pages of windows it saw count as used.
	 */
	if ((long long)(c1.swap_ra_hit - c0.swap_ra_hit) > used)
		TH_LOG("swap_ra_hit +%llu: hits on pages read ahead before the tracer",
		       c1.swap_ra_hit - c0.swap_ra_hit);

	/* this process: its pageout, its faults with their latency */
	snprintf(me, sizeof(me), "%d", getpid());
	EXPECT_EQ(0, json_field_u64(out, "pid", me, "faults", &faults))
		TH_LOG("this process is not listed");
	EXPECT_LE(NREAD - (NPAGES - WILL_FROM), (int)faults);
	ASSERT_EQ(0, json_field_u64(out, "pid", me, "pages", &v));
	EXPECT_LE(NPAGES, (int)v);	/* swap_out.pages: the first "pages" */
	mine = strstr(out, "\"pid\":");
	while (mine && strncmp(mine + 6, me, strlen(me)))
		mine = strstr(mine + 1, "\"pid\":");
	EXPECT_EQ(faults, hist_sum(mine, "fault_latency_ns"));
	/*
	 * its own reads: inside the tracer's window, so counted by pswpin
	 * around it (its own pages swapped out by earlier work may come back
	 * between the tracer's start and the first read of c0)
	 */
	v = proc_field(mine, "swap_in", "pages");
	TH_LOG("this process read %llu pages of %lld in all", v, in_pages);
	EXPECT_LE(NPAGES - WILL_FROM, (long long)v);
	EXPECT_LE((long long)v, (long long)(cpost.pswpin - cpre.pswpin));
	/* kprobes only where the kernel has no BPF trampolines */
	if (strstr(out, "\"fallback\":"))
		EXPECT_NE(NULL, strstr(out, "error 524")) TH_LOG("%s", out);
	EXPECT_NE(0, access(TRACER_PIN_ROOT "/swap", F_OK)) TH_LOG("left pinned");
	munmap(p, NPAGES * ps);
	munlockall();
	cgroup_leave(dir);
}

TEST_HARNESS_MAIN
