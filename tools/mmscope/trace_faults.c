// SPDX-License-Identifier: GPL-2.0
/*
 * mmscope trace faults. By default, faults by class (anonymous, copy on
 * write copied or reused, file read, file write or shared, swap-in...):
 * counted by the handler that served them (tools/bpf/faults.bpf.c
 * explains how), by VM_FAULT_* result, with a latency histogram per
 * handler, from handle_mm_fault() (--handlers says the same). With
 * --count, the cheapest mode: the kernel's software perf events
 * (minor-faults, major-faults), per CPU mode, exact, read from the
 * events; with --latency also page-faults (or x86's exceptions
 * tracepoints) and the latency from the exception to the accounting,
 * a program at every fault.
 *
 * This file: the tracer's options and its registration; each mode is in
 * its own file (trace_faults.h).
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "trace_faults.h"
#include "faults.skel.h"

enum { OPT_COUNT, OPT_LATENCY, OPT_SAMPLE_PERIOD, OPT_HANDLERS };

static const struct trace_option faults_options[] = {
	[OPT_COUNT] = { "count", NULL,
		"minor/major faults by CPU mode only, from\n"
		"perf's events: the cheapest mode, exact, no classes" },
	[OPT_LATENCY] = { "latency", NULL,
		"--count, and the page-faults event where a\n"
		"fault begins (x86 has cheaper tracepoints for it):\n"
		"faults not accounted, sampled latency" },
	[OPT_SAMPLE_PERIOD] = { "sample-period", "N",
		"--count: its program runs once every N\n"
		"minor faults (default 64; counts stay exact)" },
	[OPT_HANDLERS] = { "handlers", NULL,
		"the default: by class and handler, VM_FAULT_*\n"
		"result and latency, from handle_mm_fault()" },
	{ NULL }
};

static const struct trace_ops *faults_mode(const struct faults_run *f)
{
	if (f->handlers)
		return &faults_handlers_ops;
	return f->latency ? &faults_latency_ops : &faults_count_ops;
}

static int faults_parse(struct trace_run *r, void *ctx, int opt,
			const char *arg)
{
	struct faults_run *f = ctx;
	uint64_t period;

	(void)r;
	switch (opt) {
	case OPT_COUNT:
		f->count = true;
		return 0;
	case OPT_LATENCY:
		f->latency = true;
		return 0;
	case OPT_HANDLERS:
		f->handlers = true;
		return 0;
	case OPT_SAMPLE_PERIOD:
		if (parse_u64(arg, &period, "sample period"))
			return EXIT_USAGE;
		if (!period || period > 1U << 20)
			return usage_err("mmscope trace",
					 "bad sample period '%s' (1..1048576)",
					 arg);
		f->sample_period = period;
		return 0;
	default:
		return usage_err("mmscope trace", "unexpected argument '%s'",
				 arg);
	}
}

static int faults_check(struct trace_run *r, void *ctx)
{
	struct faults_run *f = ctx;

	if (f->latency && f->handlers)
		return usage_err("mmscope trace",
				 "faults: --handlers has its own latency; --latency is for --count");
	if (f->count && f->handlers)
		return usage_err("mmscope trace",
				 "faults: --count or --handlers (the default), not both");
	if (f->sample_period && f->handlers)
		return usage_err("mmscope trace",
				 "faults: --sample-period is for --count (the default runs at every fault)");
	/* classes unless the perf events were asked for */
	if (!f->count && !f->latency && !f->sample_period)
		f->handlers = true;
	if (r->method != TRACE_AUTO && !f->handlers)
		return usage_err("mmscope trace",
				 "faults: --attach chooses how the classes attach; --count and --latency use perf events");
	return EXIT_OK;
}

static int faults_counts_init(struct trace_run *r, struct faults_run *f);

int faults_load_perf(struct trace_run *r, struct faults_run *f)
{
	int err = faults_bpf__load(f->skel);

	if (err)
		return trace_failed(r, err, "perf_event: load: %s",
				    errno_str(-err));
	f->ncpus = libbpf_num_possible_cpus();
	if (f->ncpus <= 0)
		return trace_failed(r, f->ncpus ?: -EINVAL, "possible CPUs: %s",
				    errno_str(f->ncpus ? -f->ncpus : EINVAL));
	return faults_counts_init(r, f);
}

/*
 * "counts" is a per-CPU hash keyed by enum faults_mode (an array's key
 * must be a plain u32, and bpftool would print numbers): its entries,
 * zero, exist before a program looks them up.
 */
static int faults_counts_init(struct trace_run *r, struct faults_run *f)
{
	struct faults_counts *v = calloc(f->ncpus, sizeof(*v));
	enum faults_mode m;
	int err = 0;

	if (!v)
		return trace_failed(r, -ENOMEM, "out of memory");
	for (m = 0; m < FAULTS_NR_MODES && !err; m++)
		if (bpf_map__update_elem(f->skel->maps.counts, &m, sizeof(m), v,
					 f->ncpus * sizeof(*v), BPF_NOEXIST))
			err = trace_failed(r, -errno, "counts map: %s",
					   errno_str(errno));
	free(v);
	return err;
}

static int faults_start(struct trace_run *r, void *ctx)
{
	struct faults_run *f = ctx;
	int err;

	f->skel = faults_bpf__open();
	if (!f->skel) {
		err = -errno;
		return trace_failed(r, err, "cannot open the BPF object: %s",
				    errno_str(-err));
	}
	return faults_mode(f)->start(r, f);
}

static int faults_pin(struct trace_run *r, void *ctx)
{
	return faults_mode(ctx)->pin(r, ctx);
}

static void faults_report(struct trace_run *r, void *ctx)
{
	faults_mode(ctx)->report(r, ctx);
}

static void faults_release(struct trace_run *r, void *ctx)
{
	struct faults_run *f = ctx;

	faults_mode(f)->release(r, f);
	faults_bpf__destroy(f->skel);
	f->skel = NULL;
}

static const struct tracer faults_tracer = {
	.name = "faults",
	.summary = "page faults by class (anon, COW copy/reuse, file, swap-in), result, latency; --count: minor/major only",
	.order = 1,
	.usage = "[--count [--latency] [--sample-period N]] [options]",
	.options = faults_options,
	.parse = faults_parse,
	.check = faults_check,
	.ctx_size = sizeof(struct faults_run),
	.attach = TRACE_AUTO,	/* --count and --latency: perf events */
	.ops = {
		.start = faults_start,
		.pin = faults_pin,
		.report = faults_report,
		.release = faults_release,
	},
};
TRACE_REGISTER(faults_tracer);
