/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the pagewalk selftests share: the walk ioctl, and the walk's
 * records laid out per page so they compare with /proc/self/pagemap.
 */
#ifndef PAGEWALK_UTIL_H
#define PAGEWALK_UTIL_H

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <mmscope/pagewalk.h>

#include "mmscope_test.h"

#define PW_DIR		MMSCOPE_DEBUGFS "/pagewalk"
#define PW_CTL		PW_DIR "/ctl"
#define PW_PAGE		((unsigned long)getpagesize())

static inline int pw_open(void)
{
	int fd = mmscope_ctl_open("pagewalk");

	if (fd < 0) {
		errno = -fd;	/* for the test's strerror(errno) */
		return -1;
	}
	return fd;
}

static inline int pw_context(int fd, pid_t pid, struct mmscope_pagewalk_context *c)
{
	memset(c, 0, sizeof(*c));
	c->size = sizeof(*c);
	c->pid = pid;
	return ioctl(fd, MMSCOPE_PAGEWALK_IOC_CONTEXT, c) ? errno : 0;
}

/* One MMSCOPE_PAGEWALK_IOC_WALK call; returns 0 or the errno. */
static inline int pw_walk_once(int fd, pid_t pid, uint32_t flags,
			       uint64_t start, uint64_t len,
			       struct mmscope_pagewalk_record *recs, uint32_t *count,
			       struct mmscope_pagewalk_path *paths, uint64_t *next)
{
	struct mmscope_pagewalk_walk w = {
		.size = sizeof(w), .pid = pid, .flags = flags, .count = *count,
		.start = start, .len = len, .records = (uintptr_t)recs,
		.paths = (uintptr_t)paths,
	};

	if (ioctl(fd, MMSCOPE_PAGEWALK_IOC_WALK, &w))
		return errno;
	*count = w.count;
	if (next)
		*next = w.next;
	return 0;
}

/*
 * One MMSCOPE_PAGEWALK_IOC_WALK call in the compact format: *count entries in
 * ents, *nvma rows in vmas (0 for no table); returns 0 or the errno.
 */
static inline int pw_walk_compact(int fd, pid_t pid, uint32_t flags,
				  uint64_t start, uint64_t len,
				  struct mmscope_pagewalk_entry *ents,
				  uint32_t *count, struct mmscope_pagewalk_vma *vmas,
				  uint32_t *nvma, uint64_t *next)
{
	struct mmscope_pagewalk_walk w = {
		.size = sizeof(w), .pid = pid,
		.flags = flags | MMSCOPE_PAGEWALK_COMPACT, .count = *count,
		.start = start, .len = len, .records = (uintptr_t)ents,
		.entry_size = sizeof(*ents), .vmas = (uintptr_t)vmas,
		.vma_size = sizeof(*vmas), .vma_count = nvma ? *nvma : 0,
	};

	if (ioctl(fd, MMSCOPE_PAGEWALK_IOC_WALK, &w))
		return errno;
	*count = w.count;
	if (nvma)
		*nvma = w.vma_count;
	if (next)
		*next = w.next;
	return 0;
}

/* The row of a compact walk's VMA table holding va, or NULL (a gap). */
static inline const struct mmscope_pagewalk_vma *
pw_vma_of(const struct mmscope_pagewalk_vma *vmas, uint32_t n, uint64_t va)
{
	uint32_t i;

	for (i = 0; i < n; i++)
		if (vmas[i].start <= va && va < vmas[i].end)
			return &vmas[i];
	return NULL;
}

/* What the walk says about one base page. */
struct pw_page {
	const struct mmscope_pagewalk_record *rec;
	uint64_t pfn;		/* of this page; MMSCOPE_PAGEWALK_NO_PFN if none */
};

/*
 * Walk [start, start + npages pages) of pid in one call into recs (room
 * for max) and spread the records over pages[npages]. Returns 0, the
 * errno, or -1 if the records do not cover the range in order.
 */
static inline int pw_walk_pages(int fd, pid_t pid, unsigned long start,
				size_t npages, struct mmscope_pagewalk_record *recs,
				uint32_t max, struct pw_page *pages)
{
	unsigned long end = start + npages * PW_PAGE, va = start;
	uint32_t n = max, i;
	uint64_t next = 0;
	int ret;

	ret = pw_walk_once(fd, pid, 0, start, end - start, recs, &n, NULL,
			   &next);
	if (ret)
		return ret;
	if (next != end)
		return -1;
	for (i = 0; i < n; i++) {
		const struct mmscope_pagewalk_record *r = &recs[i];

		if (r->va > va || r->va + r->size <= va)
			return -1;
		for (; va < r->va + r->size && va < end; va += PW_PAGE) {
			struct pw_page *p = &pages[(va - start) / PW_PAGE];

			p->rec = r;
			p->pfn = r->pfn == MMSCOPE_PAGEWALK_NO_PFN ? r->pfn :
				 r->pfn + (va - r->va) / PW_PAGE;
		}
	}
	return va == end ? 0 : -1;
}

static inline bool pw_is_arm64(void)
{
	return !strcmp(mmscope_machine_arch(), "arm64");
}

#define PW_HW(r, arch, bit) (!!((r)->hw & (1ULL << MMSCOPE_PAGEWALK_##arch##_##bit)))

#endif
