/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mmscope trace: the frame every BPF tracer runs in (tools/mmscope/
 * trace_<name>.c with tools/bpf/<name>.bpf.c). A tracer is a struct
 * tracer registered with TRACE_REGISTER(): its options, their parsing,
 * the size of its state and the ops that start, pin, report and release
 * it. trace.c builds the command line, the help and 'trace list' from the
 * registrations; trace_run.c does the choice of attach method, pinning
 * under /sys/fs/bpf/mmscope/<name>/, and the wait for Ctrl-C, --duration
 * or the end of --pid.
 */
#ifndef MMSCOPE_TRACE_H
#define MMSCOPE_TRACE_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
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
	TRACE_TP,	/* tp_btf: BPF on tracepoints, with BTF (any kernel, arch) */
};

/* What every tracer gets from the command line, and how its run went. */
struct trace_run {
	const char *name;		/* the tracer */
	pid_t pid;			/* --pid; 0 for every process */
	unsigned int duration_ms;	/* --duration; 0 until Ctrl-C */
	bool pin;			/* --pin: leave maps and links pinned */
	enum trace_method method;	/* --attach */
	unsigned int elapsed_ms;	/* how long it traced */
	char dir[128];			/* TRACE_PIN_ROOT/<name> */
	enum trace_method attach;	/* the method being started/used */
	char failed[200];		/* why the last start failed */
	char fallback[200];		/* --attach auto: why not fentry */
	char **cmd;			/* -- COMMAND ARGS, or NULL */
	pid_t child;			/* COMMAND's pid until reaped, or 0 */
	int go;				/* its start pipe (with child) */
	int child_status;		/* its waitpid() status */
};

/*
 * The parts of a tracer that trace_run_tracer() drives; ctx is the
 * tracer's own state (ctx_size bytes, zeroed, kept for the whole run).
 */
struct trace_ops {
	/*
	 * Open, load and attach with r->attach (a tracer that needs no
	 * fentry sets it to TRACE_KPROBE or TRACE_PERF); on failure a
	 * negative errno, with the reason left in r->failed (trace_failed()).
	 */
	int (*start)(struct trace_run *r, void *ctx);
	/* Pin maps and links with trace_pin_map()/trace_pin_link(). */
	int (*pin)(struct trace_run *r, void *ctx);
	/* Read the maps and print the summary. */
	void (*report)(struct trace_run *r, void *ctx);
	/*
	 * Release links (trace_link_release()) and the skeleton; also after
	 * a failed start, before a second one. Options parsed into ctx stay.
	 */
	void (*release)(struct trace_run *r, void *ctx);
};

/* An option of one tracer, --name [ARG]. */
struct trace_option {
	const char *name;
	const char *arg;	/* its argument in the help; NULL: a flag */
	const char *help;	/* "\n" starts a line of the help's second column */
};

/* parse()'s opt for an argument that is not an option. */
#define TRACE_ARG	(-1)

struct tracer {
	const char *name;
	const char *summary;		/* one line, for 'trace list' */
	int order;			/* place in 'trace list' and the help */
	const char *usage;		/* extra usage line of the help, or NULL */
	const struct trace_option *options;	/* ends with { NULL } */
	/*
	 * options[opt] with its argument (NULL for a flag), or TRACE_ARG and
	 * a plain argument; returns 0 or EXIT_USAGE after usage_err(). NULL:
	 * the tracer takes neither.
	 */
	int (*parse)(struct trace_run *r, void *ctx, int opt, const char *arg);
	/*
	 * After parsing, before starting: checks between options, targets;
	 * returns EXIT_OK or the exit status (reported). May be NULL.
	 */
	int (*check)(struct trace_run *r, void *ctx);
	size_t ctx_size;
	const char *banner;		/* stderr while tracing; NULL: the default */
	struct trace_ops ops;
	/*
	 * How it attaches whatever the kernel (TRACE_PERF, TRACE_KPROBE), for
	 * 'trace list'; TRACE_AUTO (0): fentry where the kernel can, kprobes
	 * elsewhere.
	 */
	enum trace_method attach;
};

/*
 * Register a tracer: a pointer to it in the "mmscope_tracers" section,
 * which trace.c walks from __start_mmscope_tracers to
 * __stop_mmscope_tracers.
 */
#define TRACE_REGISTER(t)						\
	static const struct tracer *const trace_registration_##t	\
	__attribute__((used, section("mmscope_tracers"),		\
		       aligned(sizeof(void *)))) = &(t)

extern bool trace_verbose;	/* --verbose */

const char *trace_method_name(enum trace_method m);
/* Why an attach failed, in words; err is a negative errno. */
const char *trace_attach_error(int err);
/* The running kernel's BTF, loaded once (NULL if it has none). */
struct btf *trace_kernel_btf(void);
/* Does the running kernel's BTF (vmlinux or a module's) have this function? */
bool trace_kernel_has(const char *func);

/*
 * The arguments of a tracepoint in the running kernel's BTF (its
 * btf_trace_<name> prototype, without the leading void *), or -1 where
 * the kernel has no such tracepoint; *first_is_ptr: the first is a pointer.
 */
int trace_kernel_tp_args(const char *tp, bool *first_is_ptr);
/*
 * The name of value in the running kernel's enum, without prefix
 * ("scan_result", 3, "SCAN_" -> "PMD_NULL"), in buf; "?N" if unknown.
 */
const char *trace_kernel_enum_name(const char *enum_name, long long value,
				   const char *prefix, char *buf, size_t size);

/*
 * Make r->dir, failing (with the reason reported) if the tracer is
 * already pinned there; then pin maps and links into it.
 */
int trace_pin_begin(struct trace_run *r);
int trace_pin_map(struct trace_run *r, struct bpf_map *map);
int trace_pin_link(struct trace_run *r, struct bpf_link *link,
		   const char *name);
/* Remove dir and what is pinned in it; 0 or -errno. */
int trace_unpin_dir(const char *dir);
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
int trace_run_tracer(struct trace_run *r, const struct tracer *t, void *ctx);
/* Record why a start failed, in r->failed; returns err. */
int trace_failed(struct trace_run *r, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/*
 * Can this kernel attach fentry programs (trace_probe.c)? 0, or a
 * negative errno with the reason in why.
 */
int trace_fentry_probe(char *why, size_t size);
/* 'mmscope trace list': each tracer with the method it gets here. */
int trace_list_report(const struct tracer *const *tracers, unsigned int n);

/*
 * -- COMMAND (trace_cmd.c): fork it held (r->pid becomes its pid), let
 * it exec once the tracer is ready, see whether it exited, reap it (or
 * drop it unstarted).
 */
int trace_cmd_spawn(struct trace_run *r);
void trace_cmd_go(struct trace_run *r);
bool trace_cmd_exited(struct trace_run *r);
void trace_cmd_end(struct trace_run *r);

/* Stop the wait of trace_run_tracer() (from a signal handler). */
void trace_stop(void);

/* The common first line(s) of the human summary, with the fallback. */
void trace_print_header(struct trace_run *r, const char *attach);
/* The common keys of the JSON summary, with the fallback. */
struct json_object *trace_json_root(struct trace_run *r, const char *attach);

#endif
