/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the swap cache selftests share: the ctl file and its queries, a
 * buffer of non-zero pages paged out, a memory cgroup of the test's own
 * whose memory.reclaim drops the swap cache copies a page-out leaves
 * behind, and the /proc counters the module is compared with.
 */
#ifndef SC_UTIL_H
#define SC_UTIL_H

#include <errno.h>
#include <sched.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <mmscope/swapcache.h>

#include "mmscope_test.h"

#ifndef MADV_PAGEOUT
#define MADV_PAGEOUT 21
#endif

#define SC_CTL		MMSCOPE_DEBUGFS "/swapcache/ctl"
#define SC_CGROUP_ROOT	"/sys/fs/cgroup"
/* Tries of memory.reclaim and of waiting for writeback before giving up. */
#define SC_TRIES	50

static inline int sc_open(void)
{
	return open(SC_CTL, O_RDWR);
}

static inline long sc_psize(void)
{
	return sysconf(_SC_PAGESIZE);
}

/* Records of [addr, addr + n pages) of pid (room for n); count or -errno. */
static inline int sc_entries_flags(int fd, pid_t pid, const void *addr,
				   size_t n, uint32_t flags,
				   struct mmscope_swapcache_entry *recs)
{
	struct mmscope_swapcache_entries a = { .size = sizeof(a) };

	a.flags = flags;
	a.pid = pid;
	a.start = (uintptr_t)addr;
	a.len = n * sc_psize();
	a.count = n;
	a.entries = (uintptr_t)recs;
	a.entry_size = sizeof(*recs);
	if (ioctl(fd, MMSCOPE_SWAPCACHE_IOC_ENTRIES, &a))
		return -errno;
	return a.count;
}

/* One record per page of [addr, addr + n pages) of pid; 0 or -errno. */
static inline int sc_entries(int fd, pid_t pid, const void *addr, size_t n,
			     struct mmscope_swapcache_entry *recs)
{
	int ret = sc_entries_flags(fd, pid, addr, n, 0, recs);

	return ret < 0 ? ret : (size_t)ret == n ? 0 : -EAGAIN;
}

static inline int sc_slots(int fd, uint32_t type, uint64_t offset,
			   uint32_t count, struct mmscope_swapcache_entry *recs)
{
	struct mmscope_swapcache_slots a = { .size = sizeof(a) };

	a.type = type;
	a.offset = offset;
	a.count = count;
	a.entries = (uintptr_t)recs;
	a.entry_size = sizeof(*recs);
	if (ioctl(fd, MMSCOPE_SWAPCACHE_IOC_SLOTS, &a))
		return -errno;
	return a.count;
}

static inline int sc_stats(int fd, struct mmscope_swapcache_stats *st)
{
	memset(st, 0, sizeof(*st));
	st->size = sizeof(*st);
	return ioctl(fd, MMSCOPE_SWAPCACHE_IOC_STATS, st) ? -errno : 0;
}

/* n pages, each filled with non-zero bytes (6.12 writes no zero pages). */
static inline char *sc_buffer(size_t n, int flags)
{
	/*
	 * A page waiting in a per-CPU LRU batch cannot be isolated: callers
	 * that page out run on one CPU (sc_pin_cpu0()), whose batches
	 * MADV_PAGEOUT drains first.
	 */
	char *p = mmap(NULL, n * sc_psize(), PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | flags, -1, 0);
	size_t i;

	if (p == MAP_FAILED)
		return NULL;
	for (i = 0; i < n * sc_psize(); i++)
		p[i] = (char)(i / sc_psize() + 1 + (i & 0x3f));
	return p;
}

/* A /proc/vmstat counter, or -1. */
static inline long long sc_vmstat(const char *name)
{
	char key[64];
	long long v, found = -1;
	FILE *f = fopen("/proc/vmstat", "r");

	while (f && fscanf(f, "%63s %lld", key, &v) == 2)
		if (!strcmp(key, name))
			found = v;
	if (f)
		fclose(f);
	return found;
}

static inline int sc_write(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY), ret = 0;

	if (fd < 0)
		return -errno;
	if (write(fd, text, strlen(text)) < 0)
		ret = -errno;
	close(fd);
	return ret;
}

/*
 * Move the calling process into a memory cgroup of its own, so that
 * sc_reclaim() reclaims only what the test charged. Returns 0 or -errno
 * (the test skips then, saying why).
 */
static inline int sc_cgroup_enter(char *path, size_t size)
{
	char procs[PATH_MAX], pid[32];
	struct stat st;
	int ret;

	if (stat(SC_CGROUP_ROOT "/cgroup.controllers", &st) &&
	    mount("none", SC_CGROUP_ROOT, "cgroup2", 0, NULL))
		return -errno;
	ret = sc_write(SC_CGROUP_ROOT "/cgroup.subtree_control", "+memory");
	if (ret)
		return ret;
	snprintf(path, size, SC_CGROUP_ROOT "/mmscope-sc-%d", getpid());
	if (mkdir(path, 0755) && errno != EEXIST)
		return -errno;
	snprintf(procs, sizeof(procs), "%s/cgroup.procs", path);
	snprintf(pid, sizeof(pid), "%d", getpid());
	return sc_write(procs, pid);
}

static inline void sc_cgroup_leave(const char *path)
{
	char pid[32];

	snprintf(pid, sizeof(pid), "%d", getpid());
	sc_write(SC_CGROUP_ROOT "/cgroup.procs", pid);
	rmdir(path);
}

/* Ask the cgroup to reclaim what it can (ENOMEM/EAGAIN: not all of it). */
static inline void sc_reclaim(const char *cgroup)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/memory.reclaim", cgroup);
	sc_write(path, "64M");
}

static inline int sc_count_cached(const struct mmscope_swapcache_entry *e,
				  size_t n)
{
	size_t i;
	int c = 0;

	for (i = 0; i < n; i++)
		c += !!(e[i].info & MMSCOPE_SWAPCACHE_E_SWAPCACHE);
	return c;
}

/*
 * Page out the n pages at p and reclaim them until none is left in the
 * swap cache (written back and dropped): the swap PTEs then point to
 * slots only. Returns 0, or -EAGAIN if copies stayed.
 */
static inline int sc_pageout_evict(int fd, const char *cgroup, char *p,
				   size_t n, struct mmscope_swapcache_entry *e)
{
	int i;

	if (madvise(p, n * sc_psize(), MADV_PAGEOUT))
		return -errno;
	for (i = 0; i < SC_TRIES; i++) {
		if (sc_entries(fd, getpid(), p, n, e))
			return -EIO;
		if (!sc_count_cached(e, n))
			return 0;
		usleep(20000);
		sc_reclaim(cgroup);
	}
	return -EAGAIN;
}

/*
 * Run on CPU 0 only, so that sc_lru_drain() reaches the per-CPU batch of
 * folios waiting to enter the LRU, which holds a reference on each.
 */
static inline int sc_pin_cpu0(void)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(0, &set);
	return sched_setaffinity(0, sizeof(set), &set) ? -errno : 0;
}

/* Empty this CPU's LRU batches: MADV_COLD drains them first. */
static inline void sc_lru_drain(void)
{
	static char *page;

	if (!page)
		page = sc_buffer(1, 0);
	if (page)
		madvise(page, sc_psize(), MADV_COLD);
}

/* pagemap entries of n pages at p. */
/* Whether /proc/swaps lists @path: 1, 0, or -1. */
static inline int sc_proc_swaps_has(const char *path)
{
	FILE *f = fopen("/proc/swaps", "r");
	char line[512];
	int found = 0;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, path, strlen(path)) &&
		    (line[strlen(path)] == ' ' || line[strlen(path)] == '\t'))
			found = 1;
	fclose(f);
	return found;
}

static inline int sc_pagemap(const void *p, size_t n, uint64_t *pm)
{
	return mmscope_pagemap_read(0, (unsigned long)p, n, pm);
}

#endif
