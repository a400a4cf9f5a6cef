/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the pageref selftests share: the module's ioctls, pages made for
 * the test, and the kernel's own views of them (pagemap, kpagecount,
 * kpageflags) to compare against.
 */
#ifndef MMSCOPE_PAGEREF_UTIL_H
#define MMSCOPE_PAGEREF_UTIL_H

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <signal.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <mmscope/pageref.h>

#include "mmscope_test.h"

#define PAGEREF_DIR	MMSCOPE_DEBUGFS "/pageref"
#define PAGEREF_CTL	PAGEREF_DIR "/ctl"
#define GUP_PIN_COUNTING_BIAS 1024

#define PGF(name)	(1ULL << MMSCOPE_PGF_##name)

static inline int pageref_open(void)
{
	int fd = mmscope_ctl_open("pageref");

	if (fd < 0) {
		errno = -fd;	/* for the test's strerror(errno) */
		return -1;
	}
	return fd;
}

/* Records for npages pages from addr of pid; 0 or an errno. */
static inline int pageref_query(int fd, pid_t pid, unsigned long addr,
				size_t npages, struct mmscope_pageref_page *out)
{
	struct mmscope_pageref_query q = {
		.size = sizeof(q),
		.pid = pid,
		.record_size = sizeof(*out),
		.start = addr,
		.len = npages * (size_t)getpagesize(),
		.records = (uintptr_t)out,
		.count = npages,
	};

	if (ioctl(fd, MMSCOPE_PAGEREF_IOC_QUERY, &q))
		return errno;
	return q.count == npages ? 0 : EIO;
}

static inline int pageref_query_pfn(int fd, uint64_t pfn, size_t n,
				    struct mmscope_pageref_page *out)
{
	struct mmscope_pageref_query q = {
		.size = sizeof(q),
		.flags = MMSCOPE_PAGEREF_BY_PFN,
		.record_size = sizeof(*out),
		.start = pfn,
		.len = n,
		.records = (uintptr_t)out,
		.count = n,
	};

	if (ioctl(fd, MMSCOPE_PAGEREF_IOC_QUERY, &q))
		return errno;
	return q.count == n ? 0 : EIO;
}

/* GET/PIN/PIN_LONGTERM/PUT/UNPIN on [addr, addr + len) of pid. */
static inline int pageref_hold(int fd, unsigned long cmd, pid_t pid,
			       unsigned long addr, size_t len, uint32_t flags,
			       struct mmscope_pageref_hold *h)
{
	memset(h, 0, sizeof(*h));
	h->size = sizeof(*h);
	h->pid = pid;
	h->flags = flags;
	h->start = addr;
	h->len = len;
	return ioctl(fd, cmd, h) ? errno : 0;
}

/* The pfn pagemap gives for addr of pid (0 = self), or 0 if not present. */
static inline uint64_t pagemap_pfn(pid_t pid, unsigned long addr)
{
	uint64_t e;

	if (mmscope_pagemap_read(pid, addr, 1, &e) || !(e & PM_PRESENT))
		return 0;
	return PM_PFN(e);
}

static inline uint64_t kpagecount_of(uint64_t pfn)
{
	uint64_t c = ~0ULL;

	mmscope_kpagecount_read(pfn, 1, &c);
	return c;
}

static inline uint64_t kpageflags_of(uint64_t pfn)
{
	uint64_t f = 0;

	mmscope_kpageflags_read(pfn, 1, &f);
	return f;
}

/*
 * Drain the per-CPU LRU and mlock batches of every CPU, so that the only
 * references left are the ones the page's state explains. move_pages(2)
 * disables the batches for its duration (lru_cache_disable(), which
 * drains them all) and, asked to move a page to the node it is on, moves
 * nothing. /proc/sys/vm/compact_memory drains too, but then migrates
 * pages, and a migrated page waits in a batch again.
 */
static inline int pageref_drain(void)
{
	static char *probe;
	int node = 0, status = 0;
	void *pages[1];

	if (!probe) {
		probe = mmap(NULL, getpagesize(), PROT_READ | PROT_WRITE,
			     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (probe == MAP_FAILED) {
			probe = NULL;
			return -errno;
		}
		probe[0] = 1;
	}
	pages[0] = probe;
	/* the probe page's node: ask where it is first */
	if (syscall(SYS_move_pages, 0, 1UL, pages, NULL, &node, 0))
		return -errno;
	if (node < 0)
		return node;
	if (syscall(SYS_move_pages, 0, 1UL, pages, &node, &status, 0))
		return -errno;
	return 0;
}

/*
 * Drain, then query one page until no reference beyond what its state
 * explains is left (extra_refs 0), a few times at most: references come
 * and go for short whiles (a batch somebody else fills, a scanner).
 */
static inline int pageref_query_settled(int fd, pid_t pid, unsigned long addr,
					struct mmscope_pageref_page *r)
{
	int tries, ret = 0;

	for (tries = 0; tries < 10; tries++) {
		if (tries)
			usleep(10000);
		ret = pageref_drain();
		if (ret)
			return -ret;
		ret = pageref_query(fd, pid, addr, 1, r);
		if (ret || r->refcount == r->expected_refcount)
			break;
	}
	return ret;
}

/* n private anonymous pages that will stay order-0, written. */
/*
 * The reference story the watch ring and the pageref tracer both record on
 * the page at @p: a forked child maps it (copy_page_range), the child is
 * killed (its mapping and reference go), then the page is pinned and
 * unpinned through the module. Returns 0, or the step that failed
 * (1 fork, 2 child start, 3 settle, 4 pin, 5 unpin).
 */
static inline int pageref_fork_pin_unpin(int fd, void *p)
{
	struct mmscope_pageref_page r;
	struct mmscope_pageref_hold h;
	int sync[2];
	pid_t child;
	char c = 0;

	if (pipe(sync))
		return 1;
	child = fork();
	if (child < 0)
		return 1;
	if (!child) {
		if (write(sync[1], &c, 1) != 1)
			_exit(1);
		pause();
		_exit(0);
	}
	if (read(sync[0], &c, 1) != 1)
		return 2;
	kill(child, SIGKILL);
	waitpid(child, NULL, 0);
	close(sync[0]);
	close(sync[1]);
	if (pageref_query_settled(fd, getpid(), (unsigned long)p, &r))
		return 3;
	if (pageref_hold(fd, MMSCOPE_PAGEREF_IOC_PIN, getpid(),
			 (unsigned long)p, getpagesize(), 0, &h))
		return 4;
	if (pageref_hold(fd, MMSCOPE_PAGEREF_IOC_UNPIN, getpid(),
			 (unsigned long)p, getpagesize(), 0, &h))
		return 5;
	return 0;
}

static inline char *anon_pages(size_t n)
{
	size_t len = n * (size_t)getpagesize();
	char *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return NULL;
	madvise(p, len, MADV_NOHUGEPAGE);
	memset(p, 0x5a, len);
	return p;
}

/* Is swap on (a line after the header of /proc/swaps)? */
static inline int swap_is_on(void)
{
	char text[1024];

	if (mmscope_read_file("/proc/swaps", text, sizeof(text)) <= 0)
		return 0;
	return strchr(text, '\n') && strchr(text, '\n')[1] != '\0';
}

#endif /* MMSCOPE_PAGEREF_UTIL_H */
