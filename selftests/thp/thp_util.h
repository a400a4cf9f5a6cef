/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the THP selftests share: the ctl file, the module's records of
 * this process, a THP-sized region of our own, and the oracles (vmstat,
 * smaps, pagemap, kpageflags, kpagecount) they are compared with.
 */
#ifndef THP_UTIL_H
#define THP_UTIL_H

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <libmmscope.h>
#include <mmscope/thp.h>

#include "mmscope_test.h"
#include "region.h"

#define THP_CTL		MMSCOPE_DEBUGFS "/thp/ctl"
#define THP_SIZE	MMSCOPE_HUGE_SIZE
#define THP_PAGES	512
#define THP_MAX_FOLIOS	64

#ifndef MADV_COLLAPSE
#define MADV_COLLAPSE	25
#endif

static inline int thp_open(void)
{
	return open(THP_CTL, O_RDWR);
}

/* The running kernel as major * 100 + minor (601, 612, 703). */
static inline int thp_kver(void)
{
	struct utsname u;
	int maj = 0, min = 0;

	uname(&u);
	sscanf(u.release, "%d.%d", &maj, &min);
	return maj * 100 + min;
}

/* One /proc/vmstat counter, or -1. */
static inline long thp_vmstat(const char *name)
{
	char line[128], key[64];
	long val, ret = -1;
	FILE *f = fopen("/proc/vmstat", "re");

	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "%63s %ld", key, &val) == 2 && !strcmp(key, name))
			ret = val;
	if (f)
		fclose(f);
	return ret;
}

/* A field ("AnonHugePages", "THPeligible") of our VMA holding addr, or -1. */
static inline long thp_smaps(const void *addr, const char *field)
{
	unsigned long lo, hi, a = (unsigned long)addr;
	char line[256], key[64];
	bool in = false;
	long val, ret = -1;
	FILE *f = fopen("/proc/self/smaps", "re");

	while (f && fgets(line, sizeof(line), f)) {
		/* a VMA's line starts with its address, a field's with a capital */
		if (!(line[0] >= 'A' && line[0] <= 'Z') &&
		    sscanf(line, "%lx-%lx ", &lo, &hi) == 2) {
			in = a >= lo && a < hi;
			continue;
		}
		if (in && sscanf(line, "%63[^:]: %ld", key, &val) == 2 &&
		    !strcmp(key, field))
			ret = val;
	}
	if (f)
		fclose(f);
	return ret;
}

/* The module's large folios of [start, start + len) of pid; count or -errno. */
static inline int thp_folios(int fd, int pid, const void *start, size_t len,
			     struct mmscope_thp_folio *recs)
{
	struct mmscope_thp_folios a = {
		.size = sizeof(a), .pid = pid, .count = THP_MAX_FOLIOS,
		.start = (uintptr_t)start, .len = len,
		.records = (uintptr_t)recs, .record_size = sizeof(*recs),
	};

	if (ioctl(fd, MMSCOPE_THP_IOC_FOLIOS, &a))
		return -errno;
	return a.count;
}

/* The module's record of our VMA holding addr; 0 or -errno. */
static inline int thp_vma_of(int fd, const void *addr, struct mmscope_thp_vma *out)
{
	struct mmscope_thp_vma *v = NULL;
	size_t n = 0, i;
	int ret = mmscope_thp_vmas(fd, getpid(), &v, &n);

	if (ret)
		return ret;
	ret = -ENOENT;
	for (i = 0; i < n; i++)
		if ((uintptr_t)addr >= v[i].start && (uintptr_t)addr < v[i].end) {
			*out = v[i];
			ret = 0;
		}
	free(v);
	return ret;
}

static inline int thp_op(int fd, unsigned long cmd, int pid, const void *start,
			 size_t len, unsigned int order, struct mmscope_thp_op *op)
{
	memset(op, 0, sizeof(*op));
	op->size = sizeof(*op);
	op->pid = pid;
	op->start = (uintptr_t)start;
	op->len = len;
	op->order = order;
	return ioctl(fd, cmd, op) ? -errno : 0;
}

/* A 2 MiB-aligned, 2 MiB private anon mapping, nothing faulted yet. */
static inline char *thp_map_aligned(char **map)
{
	char *p = mmap(NULL, 2 * THP_SIZE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return NULL;
	*map = p;
	p = (char *)(((uintptr_t)p + THP_SIZE - 1) & ~(THP_SIZE - 1));
	return p;
}

/*
 * What most THP fixtures start with: the ctl file open, the THP settings
 * saved and "enabled" set to "madvise" (a VMA gets THP only when asked),
 * and an aligned region of our own. 0 or -errno; thp_fix_teardown() undoes
 * it.
 */
static inline int thp_fix_setup(int *fd, char **map, char **p)
{
	*fd = thp_open();
	if (*fd < 0)
		return -errno;
	if (mmscope_thp_push() || mmscope_thp_set("enabled", "madvise"))
		return -EIO;
	*p = thp_map_aligned(map);
	return *p ? 0 : -ENOMEM;
}

static inline void thp_fix_teardown(int fd, char *map)
{
	if (map)
		munmap(map, 2 * THP_SIZE);
	mmscope_thp_pop();
	close(fd);
}

/* Write each page of a THP-sized region with its index. */
static inline void thp_fill(char *p)
{
	for (unsigned int i = 0; i < THP_PAGES; i++)
		p[i * 4096UL] = (char)(i + 1);
}

/*
 * Keep khugepaged off a THP-sized region faulted in (VM_NOHUGEPAGE; the
 * folios there stay as they are), so it cannot collapse the range again
 * between a test's split or unmap and what the test reads after it.
 */
static inline int thp_khugepaged_off(char *p)
{
	return madvise(p, THP_SIZE, MADV_NOHUGEPAGE);
}

static inline bool thp_data_ok(const char *p)
{
	for (unsigned int i = 0; i < THP_PAGES; i++)
		if (p[i * 4096UL] != (char)(i + 1))
			return false;
	return true;
}

/* kpagecount of each page of [p, p + THP_SIZE) of our own into cnt[]. */
static inline int thp_kpagecounts(const char *p, uint64_t *cnt)
{
	static uint64_t pm[THP_PAGES];
	int fd, ret;

	ret = mmscope_pagemap_read(0, (uintptr_t)p, THP_PAGES, pm);
	if (ret)
		return ret;
	fd = open("/proc/kpagecount", O_RDONLY);
	if (fd < 0)
		return -errno;
	ret = mmscope_kpage_read_runs(fd, pm, THP_PAGES, cnt);
	close(fd);
	return ret < 0 ? ret : 0;
}

static inline uint64_t thp_pfn_of(const void *p)
{
	uint64_t pm = 0;

	if (mmscope_pagemap_read(0, (uintptr_t)p, 1, &pm) || !(pm & PM_PRESENT))
		return 0;
	return PM_PFN(pm);
}

static inline uint64_t thp_kflags(uint64_t pfn)
{
	uint64_t f = 0;

	mmscope_kpageflags_read(pfn, 1, &f);
	return f;
}

#endif
