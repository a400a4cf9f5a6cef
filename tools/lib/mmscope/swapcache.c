// SPDX-License-Identifier: GPL-2.0
/*
 * The swap cache module's queries: entries of a range (one call per
 * batch, each resuming where the module stopped), slots of a device,
 * devices and statistics.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "libmmscope.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

static const char *const swapcache_states[] = MMSCOPE_SWAPCACHE_STATE_NAMES;
static const char *const swapcache_devflags[] = MMSCOPE_SWAPCACHE_DEVFLAG_NAMES;

_Static_assert(ARRAY_LEN(swapcache_states) == MMSCOPE_SWAPCACHE_NR_STATES,
	       "states");
_Static_assert(ARRAY_LEN(swapcache_devflags) == MMSCOPE_SWAPCACHE_NR_DEVFLAGS,
	       "devflags");

const char *mmscope_swapcache_state_name(unsigned int state)
{
	return state < ARRAY_LEN(swapcache_states) ? swapcache_states[state] :
						       "unknown";
}

const char *mmscope_swapcache_devflag_name(unsigned int bit)
{
	return bit < ARRAY_LEN(swapcache_devflags) ? swapcache_devflags[bit] :
						     NULL;
}

int mmscope_swapents_init(struct mmscope_swapents *q, int fd, int pid,
			  uint64_t start, uint64_t len, uint32_t batch)
{
	memset(q, 0, sizeof(*q));
	q->fd = fd;
	q->pid = pid;
	q->start = start;
	q->left = len;
	q->batch = batch;
	q->recs = calloc(batch, sizeof(*q->recs));
	if (!q->recs)
		return mmscope_fail(ENOMEM, "out of memory");
	return 0;
}

int mmscope_swapents_next(struct mmscope_swapents *q)
{
	struct mmscope_swapcache_entries a = { 0 };
	int ret;

	q->count = 0;
	if (!q->left)
		return 0;
	a.flags = q->flags;
	a.pid = q->pid;
	a.start = q->start;
	a.len = q->left;
	a.entries = (uintptr_t)q->recs;
	a.entry_size = sizeof(*q->recs);
	a.count = q->batch;
	ret = MMSCOPE_IOCTL(q->fd, MMSCOPE_SWAPCACHE_IOC_ENTRIES, &a);
	if (ret)
		return ret;
	q->calls++;
	q->count = a.count;
	return mmscope_range_resume(&q->start, &q->left, a.count, a.next);
}

void mmscope_swapents_reset(struct mmscope_swapents *q, uint64_t start,
			    uint64_t len)
{
	q->start = start;
	q->left = len;
	q->count = 0;
}

void mmscope_swapents_free(struct mmscope_swapents *q)
{
	free(q->recs);
	q->recs = NULL;
}

long mmscope_swapcache_slots(int fd, uint32_t type, uint64_t offset,
			     uint32_t count,
			     struct mmscope_swapcache_entry *recs)
{
	struct mmscope_swapcache_slots a = { 0 };
	int ret;

	a.type = type;
	a.offset = offset;
	a.count = count;
	a.entries = (uintptr_t)recs;
	a.entry_size = sizeof(*recs);
	ret = MMSCOPE_IOCTL(fd, MMSCOPE_SWAPCACHE_IOC_SLOTS, &a);
	return ret ? ret : (long)a.count;
}

long mmscope_swapcache_devices(int fd, struct mmscope_swapcache_device **devs)
{
	struct mmscope_swapcache_devices a = { 0 };
	int ret;

	*devs = NULL;
	ret = MMSCOPE_IOCTL(fd, MMSCOPE_SWAPCACHE_IOC_DEVICES, &a);
	if (ret)
		return ret;
	/* room for one more: a device may be swapped on in between */
	*devs = calloc(a.total + 1, sizeof(**devs));
	if (!*devs)
		return mmscope_fail(ENOMEM, "out of memory");
	a.count = a.total + 1;
	a.devices = (uintptr_t)*devs;
	a.device_size = sizeof(**devs);
	ret = MMSCOPE_IOCTL(fd, MMSCOPE_SWAPCACHE_IOC_DEVICES, &a);
	if (ret) {
		free(*devs);
		*devs = NULL;
		return ret;
	}
	return a.count;
}

int mmscope_swapcache_stats(int fd, bool reset,
			    struct mmscope_swapcache_stats *st)
{
	memset(st, 0, sizeof(*st));
	st->flags = reset ? MMSCOPE_SWAPCACHE_STATS_RESET : 0;
	return MMSCOPE_IOCTL(fd, MMSCOPE_SWAPCACHE_IOC_STATS, st);
}
