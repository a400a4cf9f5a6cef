// SPDX-License-Identifier: GPL-2.0
/*
 * The cost of one MMU notifier on this process (mmscope_mmu_notifier,
 * every callback recorded in a ring big enough for what it sees): a
 * map/protect/unmap loop and the fault loop, each without and with an
 * attachment. The attachment is made before its run and removed after
 * it, both untimed. The map/protect/unmap runs are cut into MN_CHUNKS
 * chunks, attached and not in turn (ABBA), so that a change of the
 * machine's speed during a run weighs on both items alike.
 */
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <mmscope/mmu_notifier.h>

#include "bench.h"

#define MN_ROUNDS	4096	/* map/protect/unmap rounds per run */
#define MN_CHUNKS	16	/* pieces of a run, attached and not in turn */
/* records per chunk: 6 callbacks a round at most, with room to spare */
#define MN_CHUNK_RING	8192

/* Map a page, write it, write-protect it, unmap it: @rounds times. */
static int unmap_run(int rounds)
{
	char *p;
	int i;

	for (i = 0; i < rounds; i++) {
		p = mmap(NULL, page_size, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED)
			return -1;
		p[0] = 1;
		if (mprotect(p, page_size, PROT_READ) || munmap(p, page_size))
			return -1;
	}
	return 0;
}

static void attach(int fd, unsigned int ring)
{
	struct mmscope_mmu_notifier_attach a;

	memset(&a, 0, sizeof(a));
	a.size = sizeof(a);
	a.pid = getpid();
	a.ring = ring;
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

/*
 * One run of each unmap item: MN_CHUNKS chunks each, in the order
 * u n n u u n n u ...; t[0] unnotified, t[1] notified (seconds).
 */
static int unmap_pair(int fd, double t[2])
{
	int c, k, rounds = MN_ROUNDS / MN_CHUNKS;
	double t0;

	t[0] = t[1] = 0;
	for (c = 0; c < 2 * MN_CHUNKS; c++) {
		k = ((c + 1) / 2) % 2;
		if (k)
			attach(fd, MN_CHUNK_RING);
		t0 = now();
		if (unmap_run(rounds))
			return -1;
		t[k] += now() - t0;
		if (k)
			detach(fd, "unmap_notified");
	}
	return 0;
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
	double t0, t[2];

	for (k = 0; k < 4; k++) {
		if (!selected(names[k], NULL))
			continue;
		res[k] = &results[nresults++];
		snprintf(res[k]->name, sizeof(res[k]->name), "%s", names[k]);
		res[k]->pages = k < 2 ? MN_ROUNDS : bench_fault_pages();
		if (k < 2)
			res[k]->calls = 3ULL * MN_ROUNDS;
		n++;
	}
	if (!n)
		return 0;
	fd = open_ctl("mmu_notifier");
	for (i = -1; i < reps; i++) {
		if (res[0] || res[1]) {
			if (unmap_pair(fd, t))
				return -1;
			for (k = 0; k < 2; k++)
				if (res[k] && i >= 0)
					res[k]->t[i] = t[k];
		}
		for (k = 2; k < 4; k++) {
			if (!res[k])
				continue;
			if (k % 2)
				attach(fd, MMSCOPE_MMU_NOTIFIER_RING_MAX);
			t0 = now();
			if (bench_fault_run(NULL, i < 0 ? &calls : &res[k]->calls))
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
