// SPDX-License-Identifier: GPL-2.0
/*
 * The cost of one MMU notifier on a process (mmscope_mmu_notifier,
 * every callback recorded in a ring big enough for what it sees): a
 * map/protect/unmap loop and the fault loop, each without and with an
 * attachment. The attachment is made before its run and removed after
 * it, both untimed.
 *
 * unmap_counted is the same loop under a counting attachment
 * (MMSCOPE_MMU_NOTIFIER_COUNT: per-CPU counters, no record): the least
 * an attachment can cost, the kernel's own walk of its notifiers
 * included.
 *
 * The map/protect/unmap runs are cut into MN_CHUNKS chunks per item,
 * unattached, recording and counting in turn (ABCCBA), so that a change
 * of the machine's speed during a run weighs on every item alike. Each chunk runs in a child of its own:
 * an mm keeps its notifier list once it had a subscription, and the
 * kernel walks it (empty) on every invalidation from then on, so a
 * process that was ever attached is no baseline.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <mmscope/mmu_notifier.h>

#include "bench.h"

#define MN_ROUNDS	4096	/* map/protect/unmap rounds per run */
#define MN_CHUNKS	8	/* pieces of a run, attached and not in turn */
/* records per chunk: 6 callbacks a round at most, with room to spare */
#define MN_CHUNK_RING	8192

static int cmp_dt(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/*
 * Map a page, write it, write-protect it, unmap it: @rounds times, each
 * round timed. The time of the chunk is @rounds times the median round:
 * a round the host took the guest's CPU away during (many milliseconds
 * on a shared machine, against tens of microseconds a round) does not
 * count, however many of them a chunk has, as long as they are fewer
 * than half. Seconds, or < 0.
 */
static double unmap_run(int rounds)
{
	double dt[MN_ROUNDS], t0;
	char *p;
	int i;

	for (i = 0; i < rounds; i++) {
		t0 = now();
		p = mmap(NULL, page_size, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED)
			return -1;
		p[0] = 1;
		if (mprotect(p, page_size, PROT_READ) || munmap(p, page_size))
			return -1;
		dt[i] = now() - t0;
	}
	qsort(dt, rounds, sizeof(dt[0]), cmp_dt);
	return rounds * dt[rounds / 2];
}

static void attach(int fd, pid_t pid, unsigned int ring, unsigned int flags)
{
	struct mmscope_mmu_notifier_attach a;

	memset(&a, 0, sizeof(a));
	a.size = sizeof(a);
	a.pid = pid;
	a.ring = ring;
	a.flags = flags;
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

enum { MN_NONE, MN_RECORD, MN_COUNT, MN_MODES };

/*
 * @rounds map/protect/unmap rounds in a new child, attached first unless
 * @mode is MN_NONE; the child's own timing of the loop, in seconds, or < 0.
 */
static double unmap_chunk(int fd, int mode, int rounds)
{
	int go[2], res[2], status;
	double t = -1;
	pid_t pid;
	char c = 0;

	if (pipe(go) || pipe(res))
		die("pipe");
	pid = fork();
	if (pid < 0)
		die("fork");
	if (!pid) {
		close(go[1]);
		close(res[0]);
		if (read(go[0], &c, 1) != 1)
			_exit(1);
		t = unmap_run(rounds);
		_exit(write(res[1], &t, sizeof(t)) == sizeof(t) ? 0 : 1);
	}
	close(go[0]);
	close(res[1]);
	if (mode == MN_RECORD)
		attach(fd, pid, MN_CHUNK_RING, 0);
	else if (mode == MN_COUNT)
		attach(fd, pid, 0, MMSCOPE_MMU_NOTIFIER_COUNT);
	if (write(go[1], &c, 1) != 1 || read(res[0], &t, sizeof(t)) != sizeof(t))
		t = -1;
	close(go[1]);
	close(res[0]);
	waitpid(pid, &status, 0);
	if (mode != MN_NONE)
		detach(fd, mode == MN_RECORD ? "unmap_notified" : "unmap_counted");
	return t;
}

/*
 * One run of each unmap item: MN_CHUNKS chunks each, in the order
 * u n c c n u u n c ...; t[] by mode (seconds).
 */
static int unmap_runs(int fd, double t[MN_MODES])
{
	static const int order[] = { MN_NONE, MN_RECORD, MN_COUNT,
				     MN_COUNT, MN_RECORD, MN_NONE };
	int c, k, rounds = MN_ROUNDS / MN_CHUNKS;
	double dt;

	for (k = 0; k < MN_MODES; k++)
		t[k] = 0;
	for (c = 0; c < MN_MODES * MN_CHUNKS; c++) {
		k = order[c % 6];
		dt = unmap_chunk(fd, k, rounds);
		if (dt < 0)
			return -1;
		t[k] += dt;
	}
	return 0;
}

int bench_notifier(void)
{
	/* the unmap items by mode (enum above), then the fault items */
	static const char *const names[] = {
		"unmap_unnotified", "unmap_notified", "unmap_counted",
		"faults_unnotified", "faults_notified",
	};
	struct result *res[5] = { NULL };
	unsigned long long calls;
	int i, k, fd, n = 0;
	double t0, t[MN_MODES];

	for (k = 0; k < 5; k++) {
		if (!selected(names[k], NULL))
			continue;
		res[k] = &results[nresults++];
		snprintf(res[k]->name, sizeof(res[k]->name), "%s", names[k]);
		res[k]->pages = k < MN_MODES ? MN_ROUNDS : bench_fault_pages();
		if (k < MN_MODES)
			res[k]->calls = 3ULL * MN_ROUNDS;
		n++;
	}
	if (!n)
		return 0;
	fd = open_ctl("mmu_notifier");
	for (i = -1; i < reps; i++) {
		if (res[MN_NONE] || res[MN_RECORD] || res[MN_COUNT]) {
			if (unmap_runs(fd, t))
				return -1;
			for (k = 0; k < MN_MODES; k++)
				if (res[k] && i >= 0)
					res[k]->t[i] = t[k];
		}
		for (k = 3; k < 5; k++) {
			if (!res[k])
				continue;
			if (k == 4)
				attach(fd, getpid(), MMSCOPE_MMU_NOTIFIER_RING_MAX, 0);
			t0 = now();
			if (bench_fault_run(NULL, i < 0 ? &calls : &res[k]->calls))
				return -1;
			if (i >= 0)
				res[k]->t[i] = now() - t0;
			if (k == 4)
				detach(fd, names[k]);
		}
	}
	close(fd);
	for (k = 0; k < 5; k++)
		if (res[k])
			summarize(res[k]);
	return 0;
}
