/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The faults tracer (tools/bpf/faults.bpf.c), one file per mode:
 * trace_faults_count.c (the default: exact counts from perf events),
 * trace_faults_latency.c (--latency), trace_faults_handlers.c
 * (--handlers), with the per-CPU-mode summary of the first two in
 * trace_faults_modes.c and the options in trace_faults.c.
 */
#ifndef MMSCOPE_TRACE_FAULTS_H
#define MMSCOPE_TRACE_FAULTS_H

#include <stdbool.h>
#include <sys/types.h>
#include <linux/types.h>

#include "trace.h"
#include "faults.h"

struct faults_bpf;

/* --handlers: a function a fault passes through, with the names kernels give it. */
struct mark_point {
	const char *funcs[2];
	struct bpf_program *fentry, *kprobe;
	const char *func;		/* the one this kernel has */
	struct bpf_link *link;
};

/* The default mode: one opened event, on a CPU (tid 0) or a thread (cpu -1). */
struct cevent {
	int fd;
	int kind;		/* CE_* of trace_faults_count.c */
	int cpu;
	pid_t tid;
	struct bpf_link *link;
};

struct faults_run {
	/* the command line */
	bool handlers;			/* by class: the default */
	bool count;			/* --count */
	bool latency;			/* --latency */
	unsigned int sample_period;	/* --sample-period; 0: default */

	struct faults_bpf *skel;
	/* --handlers */
	struct bpf_link *entry, *exit, *tp;
	struct mark_point marks[FAULTS_NR_MARKS];
	struct faults_stats stats[FAULTS_NR_HANDLERS];
	/* --latency: links[cpu * NR_EVENTS + event], NULL if offline */
	struct bpf_link **links;
	int ncpus, nevents;
	struct bpf_link *tp_user, *tp_kernel;	/* exceptions tracepoints */
	/* the default mode and --latency */
	struct faults_counts counts[FAULTS_NR_MODES];
	/* the default mode: the events, with their fds */
	struct cevent *cev;
	int ncev;
	unsigned int period;	/* of minor faults */
};

/*
 * Each mode's part of the tracer's ops: started with f->skel open,
 * released before it is destroyed.
 */
extern const struct trace_ops faults_count_ops;
extern const struct trace_ops faults_latency_ops;
extern const struct trace_ops faults_handlers_ops;

/*
 * The default mode and --latency: load the programs chosen, count the
 * possible CPUs; 0 or a negative errno with the reason in r->failed.
 */
int faults_load_perf(struct trace_run *r, struct faults_run *f);

/* What the per-CPU-mode summary says about the events behind it. */
struct faults_modes_summary {
	const char *events[8];	/* the events (and tracepoints) used */
	int nevents;
	bool begun;		/* saw where faults begin: counts, latency */
	bool counting;		/* the default mode: sample_period, threads */
	unsigned int threads;	/* the default mode with --pid */
};

/* f->counts, per CPU mode, as a table or JSON. */
void faults_report_modes(struct trace_run *r, struct faults_run *f,
			 const struct faults_modes_summary *s);

#endif
