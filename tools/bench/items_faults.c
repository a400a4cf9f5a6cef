// SPDX-License-Identifier: GPL-2.0
/*
 * Page faults, untraced and under `mmscope trace faults`: what the
 * tracer costs per fault.
 */
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

#include "bench.h"

static size_t fault_len;
static int fault_rounds;

/* Map, touch and unmap fault_len bytes, fault_rounds times. */
int bench_fault_run(const struct region *r, unsigned long long *calls)
{
	size_t off;
	char *p;
	int i;

	(void)r;
	*calls = 0;
	for (i = 0; i < fault_rounds; i++) {
		p = mmap(NULL, fault_len, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED)
			return -1;
		madvise(p, fault_len, MADV_NOHUGEPAGE);
		for (off = 0; off < fault_len; off += page_size)
			p[off] = 1;
		munmap(p, fault_len);
		*calls += fault_len / page_size;
	}
	return 0;
}

/*
 * The fault items, interleaved so that a change in the machine's load
 * weighs on all alike: after an untimed round of all three, each rep
 * runs the workload untraced, then under
 * `mmscope trace faults --count --pin` (the cheapest mode,
 * faults_traced), then under `mmscope trace faults --pin` (the default,
 * by class and handler: faults_traced_handlers, no target), each
 * tracer attached before its run and unpinned after. Each run follows a
 * short warm-up (1/16 of the region, untimed), and each detach by two
 * seconds of sleep (see below): an attach rewrites
 * kernel text (static keys, ftrace), which an emulator re-translates,
 * and the CLI's own run leaves caches cold; neither is a cost per fault.
 */
size_t bench_fault_pages(void)
{
	return fault_len / page_size * fault_rounds;
}

int bench_faults(bool do_trace, size_t len, int rounds)
{
	static char *unpin[] = { MMSCOPE, "trace", "unpin", "faults", NULL };
	static char *attach[] = { MMSCOPE, "trace", "faults", "--count",
				  "--pin", "--duration", "0.1", NULL };
	static char *attach_handlers[] = { MMSCOPE, "trace", "faults",
					   "--pin", "--duration", "0.1", NULL };
	static const char *const names[] = {
		"faults_untraced", "faults_traced", "faults_traced_handlers",
	};
	char **cmds[] = { NULL, attach, attach_handlers };
	struct result *res[3] = { NULL };
	unsigned long long calls;
	int i, k, err, n = 0;
	double t0;

	fault_len = len;
	fault_rounds = rounds;

	for (k = 0; k < 3; k++) {
		if (!selected(names[k], NULL) || (k && !do_trace))
			continue;
		res[k] = &results[nresults++];
		snprintf(res[k]->name, sizeof(res[k]->name), "%s", names[k]);
		res[k]->pages = fault_len / page_size * fault_rounds;
		n++;
	}
	if (!n)
		return 0;
	/* i = -1: a whole round untimed first, as every other item has */
	for (i = -1; i < reps; i++) {
		for (k = 0; k < 3; k++) {
			if (!res[k])
				continue;
			if (cmds[k] && run(cmds[k]))
				die(k == 1 ? "mmscope trace faults --count --pin" :
				    "mmscope trace faults --pin");
			len = fault_len;
			fault_len = len / 16 / page_size * page_size;
			err = bench_fault_run(NULL, &calls);
			fault_len = len;
			if (err)
				return -1;
			t0 = now();
			if (bench_fault_run(NULL, i < 0 ? &calls : &res[k]->calls)) {
				if (cmds[k])
					run(unpin);
				return -1;
			}
			if (i >= 0)
				res[k]->t[i] = now() - t0;
			if (cmds[k] && run(unpin))
				die("mmscope trace unpin faults");
			/*
			 * Detaching leaves the kernel work to finish (RCU
			 * tasks grace periods before trampolines are freed,
			 * text patching): on one vCPU it ran into the next
			 * timed run, which came out 40% slower on 6.12.
			 */
			if (cmds[k])
				sleep(2);
		}
	}
	for (k = 0; k < 3; k++)
		if (res[k])
			summarize(res[k]);
	return 0;
}

