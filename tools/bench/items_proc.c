// SPDX-License-Identifier: GPL-2.0
/*
 * The kernel's own views, the yardstick: /proc/self/pagemap, then
 * /proc/kpageflags and /proc/kpagecount of the PFNs it gives.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include "bench.h"

static uint64_t *kpf_buf, *kpc_buf;
static int pm_fd, kpf_fd, kpc_fd;

static int open_or_die(const char *path, int fd)
{
	if (fd < 0) {
		errno = -fd;
		die(path);
	}
	return fd;
}

void bench_proc_setup(size_t max_pages)
{
	pm_fd = open_or_die("/proc/self/pagemap", mmscope_pagemap_open(0));
	kpf_fd = open_or_die("/proc/kpageflags",
			     open("/proc/kpageflags", O_RDONLY));
	kpc_fd = open_or_die("/proc/kpagecount",
			     open("/proc/kpagecount", O_RDONLY));
	pm_buf = calloc(max_pages, sizeof(*pm_buf));
	kpf_buf = calloc(max_pages, sizeof(*kpf_buf));
	kpc_buf = calloc(max_pages, sizeof(*kpc_buf));
	if (!pm_buf || !kpf_buf || !kpc_buf)
		die("calloc");
}

int read_pagemap(const struct region *r)
{
	return mmscope_read_words(pm_fd, (uintptr_t)r->map / page_size,
				  r->npages, pm_buf) ? -1 : 0;
}

/* One pread of the range's pagemap entries. */
static int bench_pagemap(const struct region *r, unsigned long long *calls)
{
	uint64_t sum = 0;
	size_t i;

	if (read_pagemap(r))
		return -1;
	for (i = 0; i < r->npages; i++)
		sum += PM_PFN(pm_buf[i]);
	sink = sum;
	*calls = 1;
	return 0;
}

/*
 * pagemap, then /proc/kpageflags and /proc/kpagecount of every PFN, one
 * 8-byte pread each, as page-types and most scripts read them: the cost
 * this item measures is that of a call per page.
 */
static int bench_pm_kpf_kpc(const struct region *r, unsigned long long *calls)
{
	uint64_t sum = 0, pfn;
	size_t i;

	if (read_pagemap(r))
		return -1;
	*calls = 1;
	for (i = 0; i < r->npages; i++) {
		if (!(pm_buf[i] & PM_PRESENT))
			continue;
		pfn = PM_PFN(pm_buf[i]);
		if (pread(kpf_fd, &kpf_buf[i], 8, pfn * 8) != 8 ||
		    pread(kpc_fd, &kpc_buf[i], 8, pfn * 8) != 8)
			return -1;
		*calls += 2;
		sum += kpf_buf[i] + kpc_buf[i];
	}
	sink = sum;
	return 0;
}

/* The same, one pread per run of consecutive PFNs: the kernel's best. */
static int bench_pm_kpf_kpc_runs(const struct region *r,
				 unsigned long long *calls)
{
	long kpf, kpc;
	uint64_t sum = 0;
	size_t i;

	if (read_pagemap(r))
		return -1;
	kpf = mmscope_kpage_read_runs(kpf_fd, pm_buf, r->npages, kpf_buf);
	kpc = mmscope_kpage_read_runs(kpc_fd, pm_buf, r->npages, kpc_buf);
	if (kpf < 0 || kpc < 0)
		return -1;
	*calls = 1 + kpf + kpc;
	for (i = 0; i < r->npages; i++)
		sum += kpf_buf[i] + kpc_buf[i];
	sink = sum;
	return 0;
}

const struct bench_item bench_proc_items[] = {
	{ .name = "pagemap",
	  .regions = BENCH_4K | BENCH_THP,
	  .run = bench_pagemap },
	{ .name = "pagemap_kpageflags_kpagecount",
	  .regions = BENCH_4K | BENCH_THP,
	  .run = bench_pm_kpf_kpc },
	{ .name = "pagemap_kpageflags_kpagecount_runs",
	  .regions = BENCH_4K,
	  .run = bench_pm_kpf_kpc_runs },
	{ }
};
