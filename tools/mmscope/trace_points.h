/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Kernel functions a tracer hooks ("points"), each with an fentry/fexit
 * program and a kprobe/kretprobe twin, only one of which is loaded: the
 * kprobe where the run uses kprobes, where fentry cannot take the
 * function (a struct passed or returned by value), or where the point
 * says so. Points absent from the running kernel's BTF are listed with
 * the reason, never an error. And the kernel's symbols, for stacks and
 * for naming data such as a notifier's ops.
 */
#ifndef MMSCOPE_TRACE_POINTS_H
#define MMSCOPE_TRACE_POINTS_H

#include <stdbool.h>
#include <stdint.h>
#include <stddef.h>

#include <linux/types.h>

#include <bpf/libbpf.h>

#include "trace.h"

struct json_object;

struct trace_point {
	const char *func;		/* the kernel function */
	struct bpf_program *fentry;	/* fentry or fexit program (or NULL) */
	struct bpf_program *kprobe;	/* kprobe or kretprobe program */
	bool ret;			/* on return: fexit / kretprobe */
	bool want;			/* set by the tracer: hook it (if present) */
	/* filled in: */
	bool present;			/* in the running kernel's BTF */
	bool use_kprobe;		/* the kprobe twin is loaded */
	struct bpf_link *link;
	char why[96];			/* not attached: why */
};

/*
 * Does fentry/fexit refuse this function: a struct or union passed or
 * returned by value (6.12's release_pages(), swp_entry_t arguments)?
 */
bool trace_fentry_cannot(const char *func);
/* The index of func's first parameter called name, or -1 (kernel BTF). */
int trace_func_param(const char *func, const char *name);

/*
 * Before load: present, use_kprobe, autoload and attach targets of every
 * point, after r->attach. Programs of points not wanted or absent are
 * not loaded.
 */
void trace_points_prepare(struct trace_run *r, struct trace_point *p,
			  size_t n);
/*
 * After load: attach every loaded point. A failed attach is recorded in
 * why; error 524 (no trampolines) fails the start for the kprobe
 * fallback. Returns 0 if at least one point is attached.
 */
int trace_points_attach(struct trace_run *r, struct trace_point *p, size_t n);
/* link_<func> (link_<func>_exit for a return probe) for each attached one. */
int trace_points_pin(struct trace_run *r, struct trace_point *p, size_t n);
void trace_points_release(struct trace_run *r, struct trace_point *p,
			  size_t n);
/* "points": [{"function", "attached", "attach" | "reason"}] */
void trace_points_json(struct json_object *root, const struct trace_point *p,
		       size_t n);
/* One line: the attached points, then how many of how many. */
void trace_points_text(const struct trace_point *p, size_t n);

/* /proc/kallsyms, sorted by address. */
struct trace_ksym {
	uint64_t addr;
	char *name;		/* "name" or "name [module]" */
};

struct trace_ksyms {
	struct trace_ksym *syms;
	size_t n;
};

/* Load text symbols, and data symbols too when data is set. */
void trace_ksyms_load(struct trace_ksyms *k, bool data);
void trace_ksyms_free(struct trace_ksyms *k);
/* "name+0xoff", or the address in hex where no symbol covers it. */
void trace_ksyms_name(const struct trace_ksyms *k, uint64_t addr, char *buf,
		      size_t size);
/* The symbol at exactly addr, or NULL. */
const char *trace_ksyms_exact(const struct trace_ksyms *k, uint64_t addr);
/*
 * Symbolise a kernel stack into frames[max][160], leaving out the BPF
 * program and trampoline frames fexit puts before the function; returns
 * how many frames.
 */
unsigned int trace_ksyms_stack(const struct trace_ksyms *k,
			       const __u64 *ips, unsigned int nr,
			       char (*frames)[160], unsigned int max);

/*
 * A log2 histogram of n slots (slot i: [2^i, 2^(i+1)) ns) as
 * [{"from", "to", "count"}], empty slots left out; and the upper bound,
 * in us, of the slot holding its median (0: empty).
 */
void trace_hist_json(struct json_object *obj, const char *key,
		     const __u64 *h, unsigned int n);
double trace_hist_p50_us(const __u64 *h, unsigned int n);

#endif
