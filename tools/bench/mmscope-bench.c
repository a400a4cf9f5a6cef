// SPDX-License-Identifier: GPL-2.0
/*
 * mmscope-bench: what the suite's interfaces cost next to the kernel's own,
 * in one process, on the same populated memory (docs/benchmarks.md).
 *
 *   mmscope-bench [--mb N] [--reps N] [--fault-mb N] [--fault-rounds N]
 *                 [--cli-mb N] [--no-thp] [--no-cli] [--no-trace]
 *                 [--only ITEM[,ITEM...]]
 *
 * Populates an N MiB anonymous region with 4 KiB PTEs (MADV_NOHUGEPAGE,
 * every page written) and another backed by THP (MADV_HUGEPAGE), times
 * each item (a warm-up, then --reps runs) and prints a table, then the
 * results as one JSON document between the lines BENCH_JSON_BEGIN and
 * BENCH_JSON_END (tools/bench/run cuts it out of the guest's output).
 * --only runs just the items named (THP region items end in _thp), for a
 * quick look at one figure; ratios whose items did not run are left out.
 * The MMU notifier items need mmscope_mmu_notifier loaded.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <mmscope/mmu_notifier.h>
#include <mmscope/pageref.h>
#include <mmscope/pagewalk.h>

#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23
#endif

#define PW_CTL		"/sys/kernel/debug/mmscope/pagewalk/ctl"
#define PR_CTL		"/sys/kernel/debug/mmscope/pageref/ctl"
#define MN_CTL		"/sys/kernel/debug/mmscope/mmu_notifier/ctl"
#define MN_ROUNDS	4096	/* map/protect/unmap rounds per run */
#define MMSCOPE		"/usr/bin/mmscope"
#define PW_BATCH	65536	/* records per walk call, as the CLI */
#define PW_VMAS		1024	/* VMA table rows per walk call, as the CLI */
#define PM_PFN(e)	((e) & ((1ULL << 55) - 1))
#define PM_PRESENT	(1ULL << 63)
#define MAX_ITEMS	32
#define MAX_REPS	64

struct result {
	char name[40];
	double t[MAX_REPS];
	int reps;
	double median, min, max;
	unsigned long long calls;	/* syscalls per run */
	size_t pages;			/* pages a run covers */
};

static struct result results[MAX_ITEMS];
static int nresults;
static int reps = 5;
static size_t fault_len;
static int fault_rounds = 2;
static size_t cli_len;
static size_t page_size;

/* The region under test and the buffers every item reads into. */
struct region {
	const char *suffix;	/* "" or "_thp" */
	bool thp;		/* MADV_HUGEPAGE, else MADV_NOHUGEPAGE */
	size_t want;		/* bytes to populate */
	char *map;		/* NULL until an item needs it */
	size_t len, npages;
	size_t thp_pages;	/* pages mapped by PMD leaves */
};

static void region_ready(struct region *r);

static uint64_t *pm_buf, *kpf_buf, *kpc_buf;
static struct mmscope_pagewalk_entry *pw_ents;
static struct mmscope_pagewalk_vma *pw_vmas;
static struct mmscope_pageref_page *pr_recs;
static int pm_fd, kpf_fd, kpc_fd, pw_fd, pr_fd;
static volatile uint64_t sink;	/* keeps the reads from being dropped */

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void die(const char *what)
{
	fprintf(stderr, "mmscope-bench: %s: %s\n", what, strerror(errno));
	exit(1);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* --only: comma-separated item names (with _thp for the THP region) */
static const char *only;

static bool selected(const char *name, const char *suffix)
{
	char full[64];
	const char *p;
	size_t n;

	if (!only)
		return true;
	snprintf(full, sizeof(full), "%s%s", name, suffix ? suffix : "");
	n = strlen(full);
	for (p = only; p; p = strchr(p, ',') ? strchr(p, ',') + 1 : NULL)
		if (!strncmp(p, full, n) && (p[n] == ',' || !p[n]))
			return true;
	return false;
}

/*
 * A warm-up run, then reps timed runs of fn; 0 or -1 (fn failed). An item
 * --only leaves out is skipped (0).
 */
/* Median, min and max of res->t[0..reps), printed. */
static void summarize(struct result *res)
{
	double s[MAX_REPS];

	res->reps = reps;
	memcpy(s, res->t, sizeof(s[0]) * reps);
	qsort(s, reps, sizeof(s[0]), cmp_double);
	res->min = s[0];
	res->max = s[reps - 1];
	res->median = reps % 2 ? s[reps / 2] :
		      (s[reps / 2 - 1] + s[reps / 2]) / 2;
	fprintf(stderr, "  %-36s median %9.4f s  (min %.4f, max %.4f)\n",
		res->name, res->median, res->min, res->max);
}

static int measure(const char *name, struct region *r,
		   int (*fn)(const struct region *, unsigned long long *))
{
	struct result *res = &results[nresults];
	double t0;
	int i;

	if (!selected(name, r ? r->suffix : NULL))
		return 0;
	if (r)
		region_ready(r);
	snprintf(res->name, sizeof(res->name), "%s%s", name, r ? r->suffix : "");
	res->pages = r ? r->npages : fault_len / page_size * fault_rounds;
	if (fn(r, &res->calls)) {
		fprintf(stderr, "mmscope-bench: %s failed: %s\n", res->name,
			strerror(errno));
		return -1;
	}
	for (i = 0; i < reps; i++) {
		t0 = now();
		if (fn(r, &res->calls))
			return -1;
		res->t[i] = now() - t0;
	}
	summarize(res);
	nresults++;
	return 0;
}

static const struct result *find(const char *name)
{
	int i;

	for (i = 0; i < nresults; i++)
		if (!strcmp(results[i].name, name))
			return &results[i];
	return NULL;
}

static int read_pagemap(const struct region *r)
{
	size_t want = r->npages * sizeof(uint64_t);
	off_t off = (uintptr_t)r->map / page_size * sizeof(uint64_t);

	return pread(pm_fd, pm_buf, want, off) == (ssize_t)want ? 0 : -1;
}

/* One pread of the range's pagemap entries. */
static int bench_pagemap(const struct region *r, unsigned long long *calls)
{
	uint64_t sum = 0;
	size_t i;

	if (read_pagemap(r))
		return -1;
	for (i = 0; i < r->npages; i++)
		sum += PM_PFN(pm_buf[i]);
	sink = sum;
	*calls = 1;
	return 0;
}

/*
 * pagemap, then /proc/kpageflags and /proc/kpagecount of every PFN, one
 * 8-byte pread each, as page-types and most scripts read them.
 */
static int bench_pm_kpf_kpc(const struct region *r, unsigned long long *calls)
{
	uint64_t sum = 0, pfn;
	size_t i;

	if (read_pagemap(r))
		return -1;
	*calls = 1;
	for (i = 0; i < r->npages; i++) {
		if (!(pm_buf[i] & PM_PRESENT))
			continue;
		pfn = PM_PFN(pm_buf[i]);
		if (pread(kpf_fd, &kpf_buf[i], 8, pfn * 8) != 8 ||
		    pread(kpc_fd, &kpc_buf[i], 8, pfn * 8) != 8)
			return -1;
		*calls += 2;
		sum += kpf_buf[i] + kpc_buf[i];
	}
	sink = sum;
	return 0;
}

/* The same, one pread per run of consecutive PFNs: the kernel's best. */
static int bench_pm_kpf_kpc_runs(const struct region *r,
				 unsigned long long *calls)
{
	uint64_t sum = 0, pfn, first;
	size_t i, j, n;
	ssize_t want;

	if (read_pagemap(r))
		return -1;
	*calls = 1;
	for (i = 0; i < r->npages; i = j) {
		if (!(pm_buf[i] & PM_PRESENT)) {
			j = i + 1;
			continue;
		}
		first = PM_PFN(pm_buf[i]);
		for (j = i + 1; j < r->npages; j++) {
			pfn = PM_PFN(pm_buf[j]);
			if (!(pm_buf[j] & PM_PRESENT) || pfn != first + (j - i))
				break;
		}
		n = j - i;
		want = n * sizeof(uint64_t);
		if (pread(kpf_fd, kpf_buf + i, want, first * 8) != want ||
		    pread(kpc_fd, kpc_buf + i, want, first * 8) != want)
			return -1;
		*calls += 2;
	}
	for (i = 0; i < r->npages; i++)
		sum += kpf_buf[i] + kpc_buf[i];
	sink = sum;
	return 0;
}

static uint32_t pw_flags;

/* One MMSCOPE_PAGEWALK_IOC_WALK call in the compact format, as the CLI makes it. */
static int pw_walk_call(struct mmscope_pagewalk_walk *w, uint64_t addr,
			uint64_t end, uint32_t flags)
{
	memset(w, 0, sizeof(*w));
	w->size = sizeof(*w);
	w->pid = getpid();
	w->flags = MMSCOPE_PAGEWALK_COMPACT | flags;
	w->count = PW_BATCH;
	w->start = addr;
	w->len = end - addr;
	w->records = (uintptr_t)pw_ents;
	w->entry_size = sizeof(*pw_ents);
	w->vmas = (uintptr_t)pw_vmas;
	w->vma_size = sizeof(*pw_vmas);
	w->vma_count = PW_VMAS;
	return ioctl(pw_fd, MMSCOPE_PAGEWALK_IOC_WALK, w);
}

/*
 * MMSCOPE_PAGEWALK_IOC_WALK over the range, all records (compact entries and
 * their VMA table, as the CLI reads them), no paths.
 */
static int bench_pagewalk(const struct region *r, unsigned long long *calls)
{
	uint64_t addr = (uintptr_t)r->map, end = addr + r->len, sum = 0;
	struct mmscope_pagewalk_walk w;
	uint32_t i;

	*calls = 0;
	while (addr < end) {
		if (pw_walk_call(&w, addr, end, pw_flags))
			return -1;
		(*calls)++;
		for (i = 0; i < w.count; i++)
			sum += pw_ents[i].pfn + pw_ents[i].linux_flags +
			       pw_ents[i].hw;
		if (w.next <= addr) {
			errno = EPROTO;
			return -1;
		}
		addr = w.next;
	}
	sink = sum;
	return 0;
}

static int bench_pagewalk_runs(const struct region *r,
			       unsigned long long *calls)
{
	int ret;

	pw_flags = MMSCOPE_PAGEWALK_RUNS;
	ret = bench_pagewalk(r, calls);
	pw_flags = 0;
	return ret;
}

/*
 * MMSCOPE_PAGEWALK_RUNS is lossless: every page of every run has the PFN
 * pagemap gives it. 0, or -1 with a message.
 */
static int check_runs(const struct region *r)
{
	uint64_t addr = (uintptr_t)r->map, end = addr + r->len, pfn;
	struct mmscope_pagewalk_walk w;
	size_t idx, k, runs = 0;
	uint32_t i;

	if (read_pagemap(r))
		return -1;
	while (addr < end) {
		if (pw_walk_call(&w, addr, end, MMSCOPE_PAGEWALK_RUNS) ||
		    w.next <= addr)
			return -1;
		for (i = 0; i < w.count; i++) {
			const struct mmscope_pagewalk_entry *p = &pw_ents[i];

			if (p->level != MMSCOPE_PAGEWALK_PTE)
				continue;
			runs++;
			idx = (p->va - (uintptr_t)r->map) / page_size;
			for (k = 0; k < p->pages; k++) {
				pfn = PM_PFN(pm_buf[idx + k]);
				if (pfn != p->pfn + k) {
					fprintf(stderr, "mmscope-bench: run at %#llx page %zu: pfn %#llx, pagemap %#llx\n",
						(unsigned long long)p->va, k,
						(unsigned long long)(p->pfn + k),
						(unsigned long long)pfn);
					errno = EPROTO;
					return -1;
				}
			}
		}
		addr = w.next;
	}
	fprintf(stderr, "mmscope-bench: %zu pages in %zu runs, every PFN as pagemap's\n",
		r->npages, runs);
	return 0;
}

/* MMSCOPE_PAGEREF_IOC_QUERY over the range. */
static int bench_pageref(const struct region *r, unsigned long long *calls)
{
	uint64_t addr = (uintptr_t)r->map, end = addr + r->len, sum = 0;
	struct mmscope_pageref_query q;
	uint32_t i;

	*calls = 0;
	while (addr < end) {
		memset(&q, 0, sizeof(q));
		q.size = sizeof(q);
		q.pid = getpid();
		q.record_size = sizeof(*pr_recs);
		q.start = addr;
		q.len = end - addr;
		q.records = (uintptr_t)pr_recs;
		q.count = MMSCOPE_PAGEREF_QUERY_MAX;
		if (ioctl(pr_fd, MMSCOPE_PAGEREF_IOC_QUERY, &q))
			return -1;
		(*calls)++;
		for (i = 0; i < q.count; i++)
			sum += pr_recs[i].pfn + pr_recs[i].refcount +
			       pr_recs[i].mapcount + pr_recs[i].pgflags;
		if (q.next <= addr) {
			errno = EPROTO;
			return -1;
		}
		addr = q.next;
	}
	sink = sum;
	return 0;
}

/* Run argv with stdout on /dev/null (stderr kept); 0 if it exits 0. */
static int run(char *const argv[])
{
	int status, fd;
	pid_t pid;

	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return -1;
	if (!pid) {
		fd = open("/dev/null", O_WRONLY);
		if (fd < 0 || dup2(fd, 1) < 0)
			_exit(127);
		execv(argv[0], argv);
		_exit(127);
	}
	if (waitpid(pid, &status, 0) < 0)
		return -1;
	if (!WIFEXITED(status) || WEXITSTATUS(status)) {
		errno = ECHILD;
		return -1;
	}
	return 0;
}

/* `mmscope pagewalk --pid SELF ADDR LEN --json > /dev/null`, LEN cli_len */
static int bench_cli_json(const struct region *r, unsigned long long *calls)
{
	char pid[16], addr[32], len[32];
	char *argv[] = { MMSCOPE, "pagewalk", "--pid", pid, addr, len,
			 "--json", NULL };

	snprintf(pid, sizeof(pid), "%d", getpid());
	snprintf(addr, sizeof(addr), "%#lx", (unsigned long)(uintptr_t)r->map);
	snprintf(len, sizeof(len), "%zu", cli_len < r->len ? cli_len : r->len);
	*calls = 0;
	return run(argv);
}

/* Map, touch and unmap fault_len bytes, fault_rounds times. */
static int bench_faults(const struct region *r, unsigned long long *calls)
{
	size_t off;
	char *p;
	int i;

	(void)r;
	*calls = 0;
	for (i = 0; i < fault_rounds; i++) {
		p = mmap(NULL, fault_len, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED)
			return -1;
		madvise(p, fault_len, MADV_NOHUGEPAGE);
		for (off = 0; off < fault_len; off += page_size)
			p[off] = 1;
		munmap(p, fault_len);
		*calls += fault_len / page_size;
	}
	return 0;
}

/*
 * The fault items, interleaved so that a change in the machine's load
 * weighs on all alike: after an untimed round of all three, each rep runs the workload untraced, then under
 * `mmscope trace faults --pin` (the default command, faults_traced),
 * then under `--handlers` (faults_traced_handlers, no target), each
 * tracer attached before its run and unpinned after. Each run follows a
 * short warm-up (1/16 of the region, untimed), and each detach by two
 * seconds of sleep (see below): an attach rewrites
 * kernel text (static keys, ftrace), which an emulator re-translates,
 * and the CLI's own run leaves caches cold; neither is a cost per fault.
 */
static int measure_faults(bool do_trace)
{
	static char *unpin[] = { MMSCOPE, "trace", "unpin", "faults", NULL };
	static char *attach[] = { MMSCOPE, "trace", "faults", "--pin",
				  "--duration", "0.1", NULL };
	static char *attach_handlers[] = { MMSCOPE, "trace", "faults",
					   "--handlers", "--pin", "--duration",
					   "0.1", NULL };
	static const char *const names[] = {
		"faults_untraced", "faults_traced", "faults_traced_handlers",
	};
	char **cmds[] = { NULL, attach, attach_handlers };
	struct result *res[3] = { NULL };
	unsigned long long calls;
	int i, k, err, n = 0;
	size_t len;
	double t0;

	for (k = 0; k < 3; k++) {
		if (!selected(names[k], NULL) || (k && !do_trace))
			continue;
		res[k] = &results[nresults++];
		snprintf(res[k]->name, sizeof(res[k]->name), "%s", names[k]);
		res[k]->pages = fault_len / page_size * fault_rounds;
		n++;
	}
	if (!n)
		return 0;
	/* i = -1: a whole round untimed first, as every other item has */
	for (i = -1; i < reps; i++) {
		for (k = 0; k < 3; k++) {
			if (!res[k])
				continue;
			if (cmds[k] && run(cmds[k]))
				die(k == 1 ? "mmscope trace faults --pin" :
				    "mmscope trace faults --handlers --pin");
			len = fault_len;
			fault_len = len / 16 / page_size * page_size;
			err = bench_faults(NULL, &calls);
			fault_len = len;
			if (err)
				return -1;
			t0 = now();
			if (bench_faults(NULL, i < 0 ? &calls : &res[k]->calls)) {
				if (cmds[k])
					run(unpin);
				return -1;
			}
			if (i >= 0)
				res[k]->t[i] = now() - t0;
			if (cmds[k] && run(unpin))
				die("mmscope trace unpin faults");
			/*
			 * Detaching leaves the kernel work to finish (RCU
			 * tasks grace periods before trampolines are freed,
			 * text patching): on one vCPU it ran into the next
			 * timed run, which came out 40% slower on 6.12.
			 */
			if (cmds[k])
				sleep(2);
		}
	}
	for (k = 0; k < 3; k++)
		if (res[k])
			summarize(res[k]);
	return 0;
}

/* An anonymous region of len bytes, 2 MiB aligned, every page written. */
static void populate(struct region *r, size_t len, bool thp)
{
	size_t align = 2UL << 20, off;
	char *p;

	p = mmap(NULL, len + align, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (p == MAP_FAILED)
		die("mmap");
	r->map = (char *)(((uintptr_t)p + align - 1) & ~(align - 1));
	r->len = len;
	r->npages = len / page_size;
	if (madvise(r->map, len, thp ? MADV_HUGEPAGE : MADV_NOHUGEPAGE))
		die("madvise");
	for (off = 0; off < len; off += page_size)
		r->map[off] = 1;
}

/* Pages of the region mapped by PMD leaves, from its walk. */
static size_t thp_pages(const struct region *r)
{
	unsigned long long calls;
	size_t n = 0;
	uint32_t i;

	/* one batch covers a THP region of up to 128 GiB */
	if (bench_pagewalk(r, &calls))
		return 0;
	for (i = 0; i < PW_BATCH && i < r->npages; i++) {
		if (pw_ents[i].va >= (uintptr_t)r->map + r->len)
			break;
		if (pw_ents[i].level == MMSCOPE_PAGEWALK_PMD &&
		    pw_ents[i].state == MMSCOPE_PAGEWALK_PRESENT)
			n += pw_ents[i].pages;
	}
	return n;
}

/*
 * Populate r on its first use, so that a region no item --only keeps is
 * never made.
 */
static void region_ready(struct region *r)
{
	double t0 = now();

	if (r->map)
		return;
	populate(r, r->want, r->thp);
	if (r->thp)
		r->thp_pages = thp_pages(r);
	fprintf(stderr, "mmscope-bench: %zu MiB %s populated in %.1f s",
		r->want >> 20, r->thp ? "THP region" : "of 4K pages",
		now() - t0);
	if (r->thp)
		fprintf(stderr, ", %zu pages in PMDs", r->thp_pages);
	fputc('\n', stderr);
}

static int open_or_die(const char *path, int flags)
{
	int fd = open(path, flags);

	if (fd < 0)
		die(path);
	return fd;
}

/* Map a page, write it, write-protect it, unmap it: MN_ROUNDS times. */
static int bench_unmap(const struct region *r, unsigned long long *calls)
{
	char *p;
	int i;

	(void)r;
	for (i = 0; i < MN_ROUNDS; i++) {
		p = mmap(NULL, page_size, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED)
			return -1;
		p[0] = 1;
		if (mprotect(p, page_size, PROT_READ) || munmap(p, page_size))
			return -1;
	}
	*calls = 3ULL * MN_ROUNDS;
	return 0;
}

/*
 * The cost of one MMU notifier on this process (mmscope_mmu_notifier,
 * every callback recorded in a ring big enough for a run): the
 * map/protect/unmap loop and the fault loop, each without and with an
 * attachment, interleaved as the fault items. The attachment is made
 * before its run and removed after it, both untimed.
 */
static int measure_notifier(void)
{
	static const char *const names[] = {
		"unmap_unnotified", "unmap_notified",
		"faults_unnotified", "faults_notified",
	};
	struct mmscope_mmu_notifier_attach a;
	struct mmscope_mmu_notifier_detach d;
	struct result *res[4] = { NULL };
	unsigned long long calls;
	int i, k, fd, n = 0;
	double t0;

	for (k = 0; k < 4; k++) {
		if (!selected(names[k], NULL))
			continue;
		res[k] = &results[nresults++];
		snprintf(res[k]->name, sizeof(res[k]->name), "%s", names[k]);
		res[k]->pages = k < 2 ? MN_ROUNDS :
				fault_len / page_size * fault_rounds;
		n++;
	}
	if (!n)
		return 0;
	fd = open_or_die(MN_CTL, O_RDWR);
	for (i = -1; i < reps; i++) {
		for (k = 0; k < 4; k++) {
			if (!res[k])
				continue;
			memset(&a, 0, sizeof(a));
			a.size = sizeof(a);
			a.pid = getpid();
			a.ring = MMSCOPE_MMU_NOTIFIER_RING_MAX;
			if (k % 2 && ioctl(fd, MMSCOPE_MMU_NOTIFIER_IOC_ATTACH, &a))
				die("mmu_notifier attach");
			t0 = now();
			if ((k < 2 ? bench_unmap : bench_faults)(NULL,
					i < 0 ? &calls : &res[k]->calls))
				return -1;
			if (i >= 0)
				res[k]->t[i] = now() - t0;
			memset(&d, 0, sizeof(d));
			d.size = sizeof(d);
			if (k % 2 && ioctl(fd, MMSCOPE_MMU_NOTIFIER_IOC_DETACH, &d))
				die("mmu_notifier detach");
			if (k % 2 && d.dropped)
				fprintf(stderr, "mmscope-bench: %s: %llu records dropped\n",
					names[k], (unsigned long long)d.dropped);
		}
	}
	close(fd);
	for (k = 0; k < 4; k++)
		if (res[k])
			summarize(res[k]);
	return 0;
}

static double ratio(const char *a, const char *b)
{
	const struct result *x = find(a), *y = find(b);

	return x && y && y->median > 0 ? x->median / y->median : -1;
}

struct target {
	const char *num, *den;
	const char *op;		/* "<=" or ">=" */
	double limit;
};

static const struct target targets[] = {
	{ "pagewalk_ioctl", "pagemap", "<=", 2.0 },
	{ "pagewalk_ioctl_runs", "pagemap", "<=", 2.0 },
	{ "pagemap_kpageflags_kpagecount", "pageref_ioctl", ">=", 10.0 },
	{ "faults_traced", "faults_untraced", "<=", 1.05 },
	{ "unmap_notified", "unmap_unnotified", "<=", 1.05 },
	{ "faults_notified", "faults_unnotified", "<=", 1.05 },
};

static void report(const char *kernel, const char *arch, size_t pages,
		   size_t thp)
{
	const struct target *t;
	unsigned int k;
	double x;
	int i, j;

	printf("\nmmscope-bench: %s %s, %zu pages (%zu MiB), THP region %zu of %zu pages in PMDs, median of %d runs\n",
	       arch, kernel, pages, pages * page_size >> 20, thp, pages, reps);
	printf("%-36s %10s %10s %10s %9s %8s\n", "item", "median_s", "min_s",
	       "max_s", "x pagemap", "calls");
	printf("(x pagemap: per page covered; faults: per fault vs per page read)\n");
	for (i = 0; i < nresults; i++) {
		const char *pm = strstr(results[i].name, "_thp") ?
				 "pagemap_thp" : "pagemap";

		x = ratio(results[i].name, pm);
		if (x > 0 && find(pm) && find(pm)->pages != results[i].pages)
			x *= (double)find(pm)->pages / results[i].pages;
		printf("%-36s %10.4f %10.4f %10.4f ", results[i].name,
		       results[i].median, results[i].min, results[i].max);
		if (x > 0)
			printf("%9.2f", x);
		else
			printf("%9s", "-");
		printf(" %8llu\n", results[i].calls);
	}
	printf("\ntargets:\n");
	for (k = 0; k < sizeof(targets) / sizeof(targets[0]); k++) {
		t = &targets[k];
		x = ratio(t->num, t->den);
		if (x < 0)
			continue;
		printf("  %s / %s = %.2f (target %s %.2f): %s\n", t->num,
		       t->den, x, t->op, t->limit,
		       (t->op[0] == '<' ? x <= t->limit : x >= t->limit) ?
		       "met" : "MISSED");
	}

	printf("BENCH_JSON_BEGIN\n");
	printf("{\"arch\": \"%s\", \"kernel\": \"%s\", \"pages\": %zu, \"thp_pages\": %zu, \"results\": [",
	       arch, kernel, pages, thp);
	for (i = 0; i < nresults; i++) {
		printf("%s\n  {\"name\": \"%s\", \"median_s\": %.6f, \"min_s\": %.6f, \"max_s\": %.6f, \"reps\": %d, \"pages\": %zu, \"calls\": %llu, \"runs_s\": [",
		       i ? "," : "", results[i].name, results[i].median,
		       results[i].min, results[i].max, results[i].reps,
		       results[i].pages, results[i].calls);
		for (j = 0; j < results[i].reps; j++)
			printf("%s%.6f", j ? ", " : "", results[i].t[j]);
		printf("]}");
	}
	printf("],\n \"ratios\": [");
	for (k = 0, j = 0; k < sizeof(targets) / sizeof(targets[0]); k++) {
		t = &targets[k];
		x = ratio(t->num, t->den);
		if (x < 0)
			continue;
		printf("%s\n  {\"of\": \"%s\", \"to\": \"%s\", \"ratio\": %.4f, \"target\": \"%s %.2f\", \"met\": %s}",
		       j++ ? "," : "", t->num, t->den, x, t->op, t->limit,
		       (t->op[0] == '<' ? x <= t->limit : x >= t->limit) ?
		       "true" : "false");
	}
	printf("]}\nBENCH_JSON_END\n");
	fflush(stdout);
}

static void usage(void)
{
	fprintf(stderr,
		"usage: mmscope-bench [--mb N] [--reps N] [--fault-mb N] [--fault-rounds N]\n"
		"                     [--cli-mb N] [--no-thp] [--no-cli] [--no-trace]\n"
		"                     [--only ITEM[,ITEM...]]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "mb", required_argument, NULL, 'm' },
		{ "reps", required_argument, NULL, 'r' },
		{ "fault-mb", required_argument, NULL, 'f' },
		{ "fault-rounds", required_argument, NULL, 'F' },
		{ "cli-mb", required_argument, NULL, 'c' },
		{ "no-thp", no_argument, NULL, 'T' },
		{ "no-cli", no_argument, NULL, 'C' },
		{ "no-trace", no_argument, NULL, 'X' },
		{ "only", required_argument, NULL, 'o' },
		{ }
	};
	bool do_thp = true, do_cli = true, do_trace = true;
	struct region r4k = { .suffix = "" };
	struct region rthp = { .suffix = "_thp", .thp = true };
	size_t mb = 1024, fault_mb = 256, cli_mb = 64;
	struct utsname u;
	int opt;

	while ((opt = getopt_long(argc, argv, "", opts, NULL)) >= 0) {
		switch (opt) {
		case 'm':
			mb = strtoul(optarg, NULL, 0);
			break;
		case 'r':
			reps = atoi(optarg);
			break;
		case 'f':
			fault_mb = strtoul(optarg, NULL, 0);
			break;
		case 'F':
			fault_rounds = atoi(optarg);
			break;
		case 'c':
			cli_mb = strtoul(optarg, NULL, 0);
			break;
		case 'T':
			do_thp = false;
			break;
		case 'C':
			do_cli = false;
			break;
		case 'X':
			do_trace = false;
			break;
		case 'o':
			only = optarg;
			break;
		default:
			usage();
		}
	}
	if (!mb || mb % 2 || reps < 1 || reps > MAX_REPS || !fault_mb ||
	    fault_rounds < 1)
		usage();
	page_size = sysconf(_SC_PAGESIZE);
	fault_len = fault_mb << 20;
	cli_len = cli_mb << 20;
	uname(&u);
	setvbuf(stdout, NULL, _IOLBF, 0);

	pm_fd = open_or_die("/proc/self/pagemap", O_RDONLY);
	kpf_fd = open_or_die("/proc/kpageflags", O_RDONLY);
	kpc_fd = open_or_die("/proc/kpagecount", O_RDONLY);
	pw_fd = open_or_die(PW_CTL, O_RDWR);
	pr_fd = open_or_die(PR_CTL, O_RDWR);

	/* the fault items first, before the regions take their memory */
	fprintf(stderr, "mmscope-bench: faults: %zu MiB x %d per run\n",
		fault_mb, fault_rounds);
	if (measure_faults(do_trace) || measure_notifier())
		return 1;

	pm_buf = calloc((mb << 20) / page_size, sizeof(*pm_buf));
	kpf_buf = calloc((mb << 20) / page_size, sizeof(*kpf_buf));
	kpc_buf = calloc((mb << 20) / page_size, sizeof(*kpc_buf));
	pw_ents = calloc(PW_BATCH, sizeof(*pw_ents));
	pw_vmas = calloc(PW_VMAS, sizeof(*pw_vmas));
	pr_recs = calloc(MMSCOPE_PAGEREF_QUERY_MAX, sizeof(*pr_recs));
	if (!pm_buf || !kpf_buf || !kpc_buf || !pw_ents || !pw_vmas || !pr_recs)
		die("calloc");

	r4k.want = rthp.want = mb << 20;
	if (measure("pagemap", &r4k, bench_pagemap) ||
	    measure("pagemap_kpageflags_kpagecount", &r4k, bench_pm_kpf_kpc) ||
	    measure("pagemap_kpageflags_kpagecount_runs", &r4k,
		    bench_pm_kpf_kpc_runs) ||
	    measure("pagewalk_ioctl", &r4k, bench_pagewalk))
		return 1;
	if (selected("pagewalk_ioctl_runs", NULL)) {
		region_ready(&r4k);
		if (check_runs(&r4k))
			fprintf(stderr, "mmscope-bench: MMSCOPE_PAGEWALK_RUNS: %s: pagewalk_ioctl_runs left out\n",
				strerror(errno));
		else if (measure("pagewalk_ioctl_runs", &r4k,
				 bench_pagewalk_runs))
			return 1;
	}
	if (measure("pageref_ioctl", &r4k, bench_pageref))
		return 1;
	if (do_cli && selected("pagewalk_cli_json", NULL)) {
		if (measure("pagewalk_cli_json", &r4k, bench_cli_json))
			return 1;
		if (cli_len < r4k.len)
			results[nresults - 1].pages = cli_len / page_size;
	}
	if (r4k.map)
		munmap(r4k.map, r4k.len);

	if (do_thp &&
	    (measure("pagemap", &rthp, bench_pagemap) ||
	     measure("pagemap_kpageflags_kpagecount", &rthp,
		     bench_pm_kpf_kpc) ||
	     measure("pagewalk_ioctl", &rthp, bench_pagewalk) ||
	     measure("pageref_ioctl", &rthp, bench_pageref)))
		return 1;
	if (rthp.map)
		munmap(rthp.map, rthp.len);
	report(u.release, strcmp(u.machine, "aarch64") ? u.machine : "arm64",
	       (mb << 20) / page_size, rthp.thp_pages);
	return 0;
}
