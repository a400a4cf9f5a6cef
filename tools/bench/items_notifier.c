// SPDX-License-Identifier: GPL-2.0
/*
 * The cost of one MMU notifier on this process (mmscope_mmu_notifier,
 * every callback recorded in a ring big enough for a run): a
 * map/protect/unmap loop and the fault loop, each without and with an
 * attachment, interleaved as the fault items. The attachment is made
 * before its run and removed after it, both untimed.
 */
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <mmscope/mmu_notifier.h>

#include "bench.h"

#define MN_ROUNDS	4096	/* map/protect/unmap rounds per run */

/* Map a page, write it, write-protect it, unmap it: MN_ROUNDS times. */
static int unmap_run(const struct region *r, unsigned long long *calls)
{
	char *p;
	int i;

	(void)r;
	for (i = 0; i < MN_ROUNDS; i++) {
		p = mmap(NULL, page_size, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED)
			return -1;
		p[0] = 1;
		if (mprotect(p, page_size, PROT_READ) || munmap(p, page_size))
			return -1;
	}
	*calls = 3ULL * MN_ROUNDS;
	return 0;
}

static void attach(int fd)
{
	struct mmscope_mmu_notifier_attach a;

	memset(&a, 0, sizeof(a));
	a.size = sizeof(a);
	a.pid = getpid();
	a.ring = MMSCOPE_MMU_NOTIFIER_RING_MAX;
	if (ioctl(fd, MMSCOPE_MMU_NOTIFIER_IOC_ATTACH, &a))
		die("mmu_notifier attach");
}

static void detach(int fd, const char *name)
{
	struct mmscope_mmu_notifier_detach d;

	memset(&d, 0, sizeof(d));
	d.size = sizeof(d);
	if (ioctl(fd, MMSCOPE_MMU_NOTIFIER_IOC_DETACH, &d))
		die("mmu_notifier detach");
	if (d.dropped)
		fprintf(stderr, "mmscope-bench: %s: %llu records dropped\n",
			name, (unsigned long long)d.dropped);
}

int bench_notifier(void)
{
	static const char *const names[] = {
		"unmap_unnotified", "unmap_notified",
		"faults_unnotified", "faults_notified",
	};
	struct result *res[4] = { NULL };
	unsigned long long calls;
	int i, k, fd, n = 0;
	double t0;

	for (k = 0; k < 4; k++) {
		if (!selected(names[k], NULL))
			continue;
		res[k] = &results[nresults++];
		snprintf(res[k]->name, sizeof(res[k]->name), "%s", names[k]);
		res[k]->pages = k < 2 ? MN_ROUNDS : bench_fault_pages();
		n++;
	}
	if (!n)
		return 0;
	fd = open_ctl("mmu_notifier");
	for (i = -1; i < reps; i++) {
		for (k = 0; k < 4; k++) {
			if (!res[k])
				continue;
			if (k % 2)
				attach(fd);
			t0 = now();
			if ((k < 2 ? unmap_run : bench_fault_run)(NULL,
					i < 0 ? &calls : &res[k]->calls))
				return -1;
			if (i >= 0)
				res[k]->t[i] = now() - t0;
			if (k % 2)
				detach(fd, names[k]);
		}
	}
	close(fd);
	for (k = 0; k < 4; k++)
		if (res[k])
			summarize(res[k]);
	return 0;
}
