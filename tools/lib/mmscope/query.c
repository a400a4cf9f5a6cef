// SPDX-License-Identifier: GPL-2.0
/*
 * MMSCOPE_PAGEREF_IOC_QUERY over a range: one call per batch, each
 * resuming where the module said the last one stopped.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "libmmscope.h"

int mmscope_range_resume(uint64_t *start, uint64_t *left, uint32_t count,
			 uint64_t next)
{
	/*
	 * The module stops before the end after a full batch, or (swap
	 * cache runs) after its budget of pages looked at, always with a
	 * record: no record means the range is done.
	 */
	if (!count || next <= *start || next - *start >= *left) {
		*left = 0;
	} else {
		*left -= next - *start;
		*start = next;
	}
	return count ? 1 : 0;
}

int mmscope_query_init(struct mmscope_query *q, int fd, int pid,
		       uint32_t flags, uint64_t start, uint64_t len,
		       uint32_t batch)
{
	memset(q, 0, sizeof(*q));
	q->fd = fd;
	q->pid = pid;
	q->flags = flags;
	q->start = start;
	q->left = len;
	q->batch = batch;
	q->recs = calloc(batch, sizeof(*q->recs));
	if (!q->recs)
		return mmscope_fail(ENOMEM, "out of memory");
	return 0;
}

int mmscope_query_next(struct mmscope_query *q)
{
	struct mmscope_pageref_query a = { 0 };
	int ret;

	q->count = 0;
	if (!q->left)
		return 0;
	a.flags = q->flags;
	a.pid = q->pid;
	a.record_size = sizeof(*q->recs);
	a.start = q->start;
	a.len = q->left;
	a.records = (uintptr_t)q->recs;
	a.count = q->batch;
	ret = MMSCOPE_IOCTL(q->fd, MMSCOPE_PAGEREF_IOC_QUERY, &a);
	if (ret)
		return ret;
	q->calls++;
	q->count = a.count;
	return mmscope_range_resume(&q->start, &q->left, a.count, a.next);
}

void mmscope_query_reset(struct mmscope_query *q, uint64_t start,
			 uint64_t len)
{
	q->start = start;
	q->left = len;
	q->count = 0;
}

void mmscope_query_free(struct mmscope_query *q)
{
	free(q->recs);
	q->recs = NULL;
}
