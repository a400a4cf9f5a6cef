/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the compaction selftests share: the ctl file, one snapshot of
 * every zone, and the /proc files they are compared with.
 */
#ifndef COMPACTION_UTIL_H
#define COMPACTION_UTIL_H

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <mmscope/compaction.h>

#include "mmscope_test.h"

#define CP_CTL		MMSCOPE_DEBUGFS "/compaction/ctl"
#define CP_MAX_ZONES	8
#define CP_PROC_SIZE	(64 * 1024)
/* Snapshots tried before a comparison gives up on a busy /proc. */
#define CP_TRIES	20

static const char *const cp_mt_names[MMSCOPE_COMPACTION_NR_MT] =
	MMSCOPE_COMPACTION_MT_NAMES;

#define CP_MAX_PCP	256

struct cp_snap {
	struct mmscope_compaction_zones hdr;
	struct mmscope_compaction_zone z[CP_MAX_ZONES];
	struct mmscope_compaction_pcp pcp[CP_MAX_PCP];
	unsigned int n;
};

static inline int cp_open(void)
{
	return open(CP_CTL, O_RDWR);
}

static inline int cp_zones(int fd, struct cp_snap *s)
{
	memset(s, 0, sizeof(*s));
	s->hdr.size = sizeof(s->hdr);
	s->hdr.count = CP_MAX_ZONES;
	s->hdr.zone_size = sizeof(s->z[0]);
	s->hdr.zones = (uintptr_t)s->z;
	s->hdr.pcp_count = CP_MAX_PCP;
	s->hdr.pcp_size = sizeof(s->pcp[0]);
	s->hdr.pcp = (uintptr_t)s->pcp;
	if (ioctl(fd, MMSCOPE_COMPACTION_IOC_ZONES, &s->hdr))
		return -errno;
	s->n = s->hdr.count;
	return 0;
}

static inline int cp_read(const char *path, char *buf)
{
	return mmscope_read_file(path, buf, CP_PROC_SIZE) < 0 ? -1 : 0;
}

/* The zone of s named name on node, or NULL. */
static inline struct mmscope_compaction_zone *
cp_find(struct cp_snap *s, unsigned int node, const char *name)
{
	unsigned int i;

	for (i = 0; i < s->n; i++)
		if (s->z[i].node == node && !strcmp(s->z[i].name, name))
			return &s->z[i];
	return NULL;
}

/* A /proc/vmstat counter, 0 when absent. */
static inline unsigned long long cp_vmstat(const char *key)
{
	static char buf[CP_PROC_SIZE];
	char val[32];

	if (mmscope_read_file("/proc/vmstat", buf, sizeof(buf)) < 0 ||
	    mmscope_text_field(buf, key, ' ', val, sizeof(val)))
		return 0;
	return strtoull(val, NULL, 10);
}

static inline int cp_alloc(int fd, unsigned int order, unsigned int count,
			   uint32_t flags, struct mmscope_compaction_alloc *a)
{
	memset(a, 0, sizeof(*a));
	a->size = sizeof(*a);
	a->order = order;
	a->count = count;
	a->flags = flags;
	return ioctl(fd, MMSCOPE_COMPACTION_IOC_ALLOC, a) ? -errno : 0;
}

/* Free blocks of at least the block order, in blocks of that order. */
static inline unsigned long long cp_big_free(const struct cp_snap *s,
					     unsigned int bo)
{
	unsigned long long n = 0;
	unsigned int i, o;

	for (i = 0; i < s->n; i++)
		for (o = bo; o < s->z[i].nr_orders; o++)
			n += s->z[i].nr_free[o] << (o - bo);
	return n;
}

/* Fragmentation patterns at most (orders 0 .. CP_FRAG_FILES - 1). */
#define CP_FRAG_FILES	9

/*
 * Every other block held, an open file per order from 0 up (the buddy
 * allocator takes the smallest free block first, so a pattern of a larger
 * order does not fill the holes a smaller one left), until at most eight
 * free blocks of the pageblock order are left or an allocation fails.
 * The files go into frag[max]; returns how many, or -errno.
 */
static inline int cp_fragment(int *frag, int max)
{
	unsigned long long quarter = sysconf(_SC_PHYS_PAGES) / 4 - 1, n;
	unsigned long long avail, keep;
	struct mmscope_compaction_alloc a;
	struct cp_snap s;
	unsigned int i;
	int f, ret;

	for (f = 0; f < max; f++) {
		frag[f] = cp_open();
		if (frag[f] < 0)
			return -errno;
		ret = cp_zones(frag[f], &s);
		if (ret)
			return ret;
		if (f >= (int)s.hdr.block_order ||
		    cp_big_free(&s, s.hdr.block_order) <= 8) {
			close(frag[f]);
			break;
		}
		/*
		 * Touch no more than what is free above twice the high
		 * watermarks and 32 MiB: an allocation below them would
		 * reclaim and compact, slowly, before it fails.
		 */
		avail = 0;
		keep = 32ULL << 20 >> 12;
		for (i = 0; i < s.n; i++) {
			avail += s.z[i].nr_free_pages;
			keep += 2 * s.z[i].wmark_high;
		}
		if (avail <= keep)
			return f;
		n = quarter >> f;
		if (n > (avail - keep) >> f)
			n = (avail - keep) >> f;
		if (n > MMSCOPE_COMPACTION_ALLOC_MAX)
			n = MMSCOPE_COMPACTION_ALLOC_MAX;
		if (!n)
			return f;
		ret = cp_alloc(frag[f], f, n, MMSCOPE_COMPACTION_ALLOC_FRAGMENT,
			       &a);
		if (ret)
			return ret;
		if (a.failed)
			return f + 1;
	}
	return f;
}

/* Close the files: the patterns are freed. */
static inline void cp_fragment_end(int *frag, int n)
{
	while (n-- > 0)
		close(frag[n]);
}

static inline int cp_mt_index(const char *name)
{
	int i;

	for (i = 0; i < MMSCOPE_COMPACTION_NR_MT; i++)
		if (!strcmp(cp_mt_names[i], name))
			return i;
	return -1;
}

#endif
