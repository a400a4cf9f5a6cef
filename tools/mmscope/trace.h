/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mmscope trace: the frame every BPF tracer runs in (tools/mmscope/
 * trace_<name>.c with tools/bpf/<name>.bpf.c): options, the choice of
 * attach method, pinning under /sys/fs/bpf/mmscope/<name>/, and the wait
 * for Ctrl-C, --duration or the end of --pid.
 */
#ifndef MMSCOPE_TRACE_H
#define MMSCOPE_TRACE_H

#include <limits.h>
#include <stdbool.h>
#include <sys/types.h>

#include <bpf/libbpf.h>

struct btf;
struct json_object;

#define TRACE_PIN_ROOT	"/sys/fs/bpf/mmscope"

enum trace_method {
	TRACE_AUTO,	/* fentry/fexit, kprobes where that cannot attach */
	TRACE_FENTRY,	/* fentry/fexit through BTF (BPF trampolines) */
	TRACE_KPROBE,	/* kprobe/kretprobe */
	TRACE_PERF,	/* BPF on software perf events (faults without --handlers) */
};

struct trace_run {
	const char *name;		/* the tracer */
	pid_t pid;			/* --pid; 0 for every process */
	unsigned int duration_ms;	/* --duration; 0 until Ctrl-C */
	bool pin;			/* --pin: leave maps and links pinned */
	enum trace_method method;	/* --attach */
	bool handlers;			/* faults --handlers */
	bool latency;			/* faults --latency */
	unsigned int sample_period;	/* faults --sample-period; 0: default */
	unsigned int elapsed_ms;	/* how long it traced */
	char dir[128];			/* TRACE_PIN_ROOT/<name> */
	enum trace_method attach;	/* the method being started/used */
	char failed[200];		/* why the last start failed */
	char fallback[200];		/* --attach auto: why not fentry */
};

/*
 * The parts of a tracer that trace_run_tracer() drives; ctx is the
 * tracer's own state.
 */
struct trace_ops {
	/*
	 * Open, load and attach with r->attach (a tracer that needs no
	 * fentry or kprobe sets it to TRACE_PERF); on failure a negative
	 * errno, with the reason left in r->failed (trace_failed()).
	 */
	int (*start)(struct trace_run *r, void *ctx);
	/* Pin maps and links with trace_pin_map()/trace_pin_link(). */
	int (*pin)(struct trace_run *r, void *ctx);
	/* Read the maps and print the summary. */
	void (*report)(struct trace_run *r, void *ctx);
	/* Release links (trace_link_release()) and the skeleton; also after a failed start. */
	void (*release)(struct trace_run *r, void *ctx);
};

struct tracer {
	const char *name;
	const char *summary;
	int (*run)(struct trace_run *r);
};

extern bool trace_verbose;	/* --verbose */

const char *trace_method_name(enum trace_method m);
/* Why an attach failed, in words; err is a negative errno. */
const char *trace_attach_error(int err);
/* The running kernel's BTF, loaded once (NULL if it has none). */
struct btf *trace_kernel_btf(void);
/* Does the running kernel's BTF (vmlinux or a module's) have this function? */
bool trace_kernel_has(const char *func);

/*
 * Make r->dir, failing (with the reason reported) if the tracer is
 * already pinned there; then pin maps and links into it.
 */
int trace_pin_begin(struct trace_run *r);
int trace_pin_map(struct trace_run *r, struct bpf_map *map);
int trace_pin_link(struct trace_run *r, struct bpf_link *link,
		   const char *name);
/* Remove r->dir and what is pinned in it (--pin not given). */
void trace_unpin(struct trace_run *r);
/*
 * Keep links attached after the process exits when --pin was given,
 * otherwise remove the pins; then destroy the link.
 */
void trace_link_release(struct trace_run *r, struct bpf_link *link);

/*
 * Start (fentry, then kprobes if that fails and --attach is auto), pin,
 * wait, report, unpin unless --pin, release. Returns the exit status.
 */
int trace_run_tracer(struct trace_run *r, const struct trace_ops *ops,
		     void *ctx);
/* Record why a start failed, in r->failed; returns err. */
int trace_failed(struct trace_run *r, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Wait for Ctrl-C/SIGTERM, --duration or the end of --pid. */
void trace_wait(struct trace_run *r);

/* The common first line(s) of the human summary, with the fallback. */
void trace_print_header(struct trace_run *r, const char *attach);
/* The common keys of the JSON summary, with the fallback. */
struct json_object *trace_json_root(struct trace_run *r, const char *attach);

int trace_faults(struct trace_run *r);
int trace_core(struct trace_run *r);
int trace_pagetables(struct trace_run *r);
int trace_pageref(struct trace_run *r);
int trace_pageref_args(int argc, char **argv);

#endif
