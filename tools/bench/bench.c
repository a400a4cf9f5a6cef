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
 *
 * This file is the harness; the items are in items_*.c, a table per module.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"

struct result results[MAX_ITEMS];
int nresults;
int reps = 5;
size_t cli_len;
size_t page_size;
volatile uint64_t sink;
uint64_t *pm_buf;

double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

void die(const char *what)
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

static void region_ready(struct region *r);


bool selected(const char *name, const char *suffix)
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

/* Median, min and max of res->t[0..reps), printed. */
void summarize(struct result *res)
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

/*
 * A warm-up run, then reps timed runs of the item; 0 or -1 (it failed).
 * An item --only leaves out, or whose check fails, is skipped (0).
 */
static int measure(const struct bench_item *it, struct region *r)
{
	struct result *res = &results[nresults];
	double t0;
	int i;

	if (!selected(it->name, r->suffix))
		return 0;
	region_ready(r);
	if (it->check && it->check(r))
		return 0;
	snprintf(res->name, sizeof(res->name), "%s%s", it->name, r->suffix);
	res->pages = it->pages ? it->pages(r) : r->npages;
	if (it->run(r, &res->calls)) {
		fprintf(stderr, "mmscope-bench: %s failed: %s\n", res->name,
			strerror(errno));
		return -1;
	}
	for (i = 0; i < reps; i++) {
		t0 = now();
		if (it->run(r, &res->calls))
			return -1;
		res->t[i] = now() - t0;
	}
	summarize(res);
	nresults++;
	return 0;
}

/* Every item of the tables that runs on the region (BENCH_4K/THP). */
static int measure_region(struct region *r, unsigned int which)
{
	static const struct bench_item *const tables[] = {
		bench_proc_items, bench_pagewalk_items, bench_pageref_items,
		bench_cli_items,
		bench_compaction_items,
		bench_thp_items,
	};
	const struct bench_item *it;
	unsigned int t;

	for (t = 0; t < sizeof(tables) / sizeof(tables[0]); t++)
		for (it = tables[t]; it->name; it++)
			if ((it->regions & which) && measure(it, r))
				return -1;
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

/*
 * The child shares this process's memory until it execs (posix_spawn),
 * as a shell's would: a fork would copy the page tables of the bench's
 * regions first, a cost no user of the command pays.
 */
int run_to(char *const argv[], const char *out)
{
	posix_spawn_file_actions_t fa;
	int status, err;
	pid_t pid;

	fflush(NULL);
	if (posix_spawn_file_actions_init(&fa))
		return -1;
	err = posix_spawn_file_actions_addopen(&fa, STDOUT_FILENO, out,
					       O_WRONLY | O_CREAT | O_TRUNC,
					       0600);
	if (!err)
		err = posix_spawn(&pid, argv[0], &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (err) {
		errno = err;
		return -1;
	}
	if (waitpid(pid, &status, 0) < 0)
		return -1;
	if (!WIFEXITED(status) || WEXITSTATUS(status)) {
		errno = ECHILD;
		return -1;
	}
	return 0;
}

int run(char *const argv[])
{
	return run_to(argv, "/dev/null");
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
		r->thp_pages = bench_thp_pages(r);
	fprintf(stderr, "mmscope-bench: %zu MiB %s populated in %.1f s",
		r->want >> 20, r->thp ? "THP region" : "of 4K pages",
		now() - t0);
	if (r->thp)
		fprintf(stderr, ", %zu pages in PMDs", r->thp_pages);
	fputc('\n', stderr);
}

int open_ctl(const char *module)
{
	int fd = mmscope_ctl_open(module);

	if (fd < 0) {
		fprintf(stderr, "mmscope-bench: %s\n", mmscope_last_error());
		exit(1);
	}
	return fd;
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
	{ "unmap_counted", "unmap_unnotified", "<=", 1.05 },
	{ "faults_notified", "faults_unnotified", "<=", 1.05 },
	{ "compaction_zones_ioctl", "compaction_zones_proc", "<=", 1.0 },
	{ "swapcache_entries_ioctl", "pagemap_swapped", "<=", 2.0 },
	{ "thp_folios_ioctl_thp", "pagemap_thp", "<=", 2.0 },
	{ "smaps_thp_vmas", "thp_vmas", ">=", 10.0 },
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
	size_t mb = 1024, fault_mb = 256, cli_mb = 1024;
	int fault_rounds = 2;
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
	cli_len = cli_mb << 20;
	uname(&u);
	setvbuf(stdout, NULL, _IOLBF, 0);

	bench_proc_setup((mb << 20) / page_size);
	bench_pagewalk_setup();
	bench_pageref_setup();

	/* the fault items first, before the regions take their memory */
	fprintf(stderr, "mmscope-bench: faults: %zu MiB x %d per run\n",
		fault_mb, fault_rounds);
	if (bench_faults(do_trace, fault_mb << 20, fault_rounds) ||
	    bench_notifier() || bench_swapcache())
		return 1;

	r4k.want = rthp.want = mb << 20;
	if (!do_cli)
		cli_len = 0;	/* the CLI's items check it */
	if (measure_region(&r4k, BENCH_4K))
		return 1;
	if (r4k.map)
		munmap(r4k.map, r4k.len);
	if (do_thp && measure_region(&rthp, BENCH_THP))
		return 1;
	if (rthp.map)
		munmap(rthp.map, rthp.len);
	report(u.release, strcmp(u.machine, "aarch64") ? u.machine : "arm64",
	       (mb << 20) / page_size, rthp.thp_pages);
	return 0;
}
