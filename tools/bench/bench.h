/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mmscope-bench: the harness (bench.c) and the items it times, a file
 * per module (items_*.c), each with a table of struct bench_item.
 */
#ifndef MMSCOPE_BENCH_H
#define MMSCOPE_BENCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <libmmscope.h>

#define MMSCOPE		"/usr/bin/mmscope"
#define MAX_ITEMS	32
#define MAX_REPS	64

/* The region under test. */
struct region {
	const char *suffix;	/* "" or "_thp" */
	bool thp;		/* MADV_HUGEPAGE, else MADV_NOHUGEPAGE */
	size_t want;		/* bytes to populate */
	char *map;		/* NULL until an item needs it */
	size_t len, npages;
	size_t thp_pages;	/* pages mapped by PMD leaves */
};

/* Which regions an item runs on. */
#define BENCH_4K	(1U << 0)
#define BENCH_THP	(1U << 1)

struct bench_item {
	const char *name;
	unsigned int regions;
	/* one run over the region; syscalls made in *calls; 0 or -1 */
	int (*run)(const struct region *r, unsigned long long *calls);
	/* before the first run, or NULL; nonzero leaves the item out */
	int (*check)(const struct region *r);
	/* pages a run covers, or NULL for the region's */
	size_t (*pages)(const struct region *r);
};

struct result {
	char name[40];
	double t[MAX_REPS];
	int reps;
	double median, min, max;
	unsigned long long calls;	/* syscalls per run */
	size_t pages;			/* pages a run covers */
};

/* The item tables, in the order they run and are reported. */
extern const struct bench_item bench_proc_items[];
extern const struct bench_item bench_pagewalk_items[];
extern const struct bench_item bench_pageref_items[];
extern const struct bench_item bench_cli_items[];
extern const struct bench_item bench_compaction_items[];
extern const struct bench_item bench_thp_items[];

/* bench.c: settings and what every item shares */
extern struct result results[MAX_ITEMS];
extern int nresults;
extern int reps;
extern size_t page_size;
extern size_t cli_len;
extern volatile uint64_t sink;	/* keeps the reads from being dropped */
extern uint64_t *pm_buf;	/* the region's pagemap, per page */

double now(void);
void die(const char *what);
bool selected(const char *name, const char *suffix);
void summarize(struct result *res);
/* Run argv with stdout on /dev/null (stderr kept); 0 if it exits 0. */
int run(char *const argv[]);
/* The same with stdout on the file out (created, truncated). */
int run_to(char *const argv[], const char *out);
/* The region's pagemap into pm_buf, one pread; 0 or -1. */
int read_pagemap(const struct region *r);
/* Open ctl of module, or die. */
int open_ctl(const char *module);

/* items_pagewalk.c: set up before any item; pages of r in PMD leaves */
void bench_pagewalk_setup(void);
size_t bench_thp_pages(const struct region *r);
/* items_pageref.c */
void bench_pageref_setup(void);
/* items_proc.c */
void bench_proc_setup(size_t max_pages);

/* items_faults.c: the fault items, interleaved, before any region */
int bench_faults(bool do_trace, size_t fault_len, int fault_rounds);
/* One run of the fault loop, as bench_faults() set it up. */
int bench_fault_run(const struct region *r, unsigned long long *calls);
/* pages one run of the fault loop touches */
size_t bench_fault_pages(void);

/* items_notifier.c: the cost of one MMU notifier, after the fault items */
int bench_notifier(void);

/* items_swapcache.c: entries of a swapped-out region vs its pagemap */
int bench_swapcache(void);

#endif
