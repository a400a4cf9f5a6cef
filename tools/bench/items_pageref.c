// SPDX-License-Identifier: GPL-2.0
/* mmscope_pageref: MMSCOPE_PAGEREF_IOC_QUERY over the region. */
#include <errno.h>
#include <unistd.h>

#include "bench.h"

static struct mmscope_query query;

void bench_pageref_setup(void)
{
	if (mmscope_query_init(&query, open_ctl("pageref"), getpid(), 0, 0, 0,
			       MMSCOPE_PAGEREF_QUERY_MAX)) {
		errno = ENOMEM;
		die("calloc");
	}
}

static int bench_pageref(const struct region *r, unsigned long long *calls)
{
	const struct mmscope_pageref_page *p;
	uint64_t sum = 0;
	uint32_t i;
	int ret;

	query.calls = 0;
	mmscope_query_reset(&query, (uintptr_t)r->map, r->len);
	while ((ret = mmscope_query_next(&query)) > 0) {
		for (i = 0; i < query.count; i++) {
			p = &query.recs[i];
			sum += p->pfn + p->refcount + p->mapcount + p->pgflags;
		}
	}
	*calls = query.calls;
	sink = sum;
	if (ret < 0) {
		errno = -ret;
		return -1;
	}
	return 0;
}

const struct bench_item bench_pageref_items[] = {
	{ .name = "pageref_ioctl",
	  .regions = BENCH_4K | BENCH_THP,
	  .run = bench_pageref },
	{ }
};
