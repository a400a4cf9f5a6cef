/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the mmu_notifier selftests share: the module's ioctls, reading an
 * attachment's records, finding one, and the kernel's version (the ops a
 * kernel calls differ, see docs/mmu_notifier.md).
 */
#ifndef MMSCOPE_MN_UTIL_H
#define MMSCOPE_MN_UTIL_H

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include <mmscope/mmu_notifier.h>

#include "mmscope_test.h"

#define MN_DIR		MMSCOPE_DEBUGFS "/mmu_notifier"
#define MN_CTL		MN_DIR "/ctl"
#define MN_MAX		4096

#define OP(x)		MMSCOPE_MMU_NOTIFIER_OP_##x
#define EV(x)		MMSCOPE_MMU_NOTIFIER_EV_##x

static inline int mn_open(void)
{
	return open(MN_CTL, O_RDWR | O_CLOEXEC);
}

/* Attach fd to pid (len 0: the whole mm); 0 or an errno. */
static inline int mn_attach(int fd, pid_t pid, unsigned long start,
			    unsigned long len, uint32_t flags,
			    struct mmscope_mmu_notifier_attach *a)
{
	struct mmscope_mmu_notifier_attach tmp;

	if (!a)
		a = &tmp;
	memset(a, 0, sizeof(*a));
	a->size = sizeof(*a);
	a->pid = pid;
	a->flags = flags;
	a->start = start;
	a->len = len;
	return ioctl(fd, MMSCOPE_MMU_NOTIFIER_IOC_ATTACH, a) ? errno : 0;
}

static inline int mn_attach_self(int fd)
{
	return mn_attach(fd, getpid(), 0, 0, 0, NULL);
}

/*
 * Read up to max records into out (all of them with several calls);
 * returns how many, or -errno. rd (may be NULL) gets the last answer.
 */
static inline int mn_read(int fd, struct mmscope_mmu_notifier_record *out,
			  int max, unsigned int timeout_ms,
			  struct mmscope_mmu_notifier_read *rd)
{
	struct mmscope_mmu_notifier_read tmp;
	int n = 0;

	if (!rd)
		rd = &tmp;
	do {
		memset(rd, 0, sizeof(*rd));
		rd->size = sizeof(*rd);
		rd->count = max - n;
		rd->record_size = sizeof(*out);
		rd->timeout_ms = n ? 0 : timeout_ms;
		rd->records = (uintptr_t)(out + n);
		if (ioctl(fd, MMSCOPE_MMU_NOTIFIER_IOC_READ, rd))
			return -errno;
		n += rd->count;
	} while (rd->count && n < max);
	return n;
}

/* Drop what was recorded so far. */
static inline int mn_drain(int fd)
{
	static struct mmscope_mmu_notifier_record scratch[256];
	int n;

	do {
		n = mn_read(fd, scratch, 256, 0, NULL);
	} while (n == 256);
	return n < 0 ? n : 0;
}

/*
 * The first record from index from on with this op (and event, unless
 * -1) whose range is exactly [start, end) (end 0: any range); -1 if none.
 */
static inline int mn_find(const struct mmscope_mmu_notifier_record *r, int n,
			  int from, uint32_t op, int event, uint64_t start,
			  uint64_t end)
{
	int i;

	for (i = from; i < n; i++) {
		if (r[i].op != op || (event >= 0 && r[i].event != (uint32_t)event))
			continue;
		if (end && (r[i].start != start || r[i].end != end))
			continue;
		return i;
	}
	return -1;
}

/* Records with this op that cover [start, end). */
static inline int mn_count_covering(const struct mmscope_mmu_notifier_record *r,
				    int n, uint32_t op, int event,
				    uint64_t start, uint64_t end)
{
	int i, c = 0;

	for (i = 0; i < n; i++)
		if (r[i].op == op &&
		    (event < 0 || r[i].event == (uint32_t)event) &&
		    r[i].start <= start && r[i].end >= end)
			c++;
	return c;
}

/*
 * Every invalidate_range_start has a later invalidate_range_end with the
 * same range and event, and the other way round; returns the number of
 * the first record without a partner, or 0.
 */
static inline uint64_t mn_unpaired(const struct mmscope_mmu_notifier_record *r,
				   int n)
{
	static bool used[MN_MAX];
	int i, j;

	memset(used, 0, sizeof(used));
	for (i = 0; i < n && i < MN_MAX; i++) {
		if (r[i].op != OP(INVALIDATE_RANGE_START))
			continue;
		for (j = i + 1; j < n; j++)
			if (!used[j] && r[j].op == OP(INVALIDATE_RANGE_END) &&
			    r[j].start == r[i].start && r[j].end == r[i].end &&
			    r[j].event == r[i].event)
				break;
		if (j == n)
			return r[i].seq;
		used[j] = true;
	}
	for (i = 0; i < n && i < MN_MAX; i++)
		if (r[i].op == OP(INVALIDATE_RANGE_END) && !used[i])
			return r[i].seq;
	return 0;
}

/* The running kernel is older than major.minor. */
static inline bool mn_kernel_before(int major, int minor)
{
	struct utsname u;
	int ma = 0, mi = 0;

	if (uname(&u) || sscanf(u.release, "%d.%d", &ma, &mi) != 2)
		return false;
	return ma < major || (ma == major && mi < minor);
}

/* n private anonymous pages, written (populated). */
static inline char *mn_pages(size_t n)
{
	size_t len = n * getpagesize();
	char *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return NULL;
	memset(p, 1, len);
	return p;
}

#endif /* MMSCOPE_MN_UTIL_H */
