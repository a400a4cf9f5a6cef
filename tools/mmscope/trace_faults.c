// SPDX-License-Identifier: GPL-2.0
/*
 * mmscope trace faults: page faults from the kernel's software perf
 * events (minor-faults, major-faults), per CPU mode, exact, read from
 * the events; with --latency also page-faults (or x86's exceptions
 * tracepoints) and the latency from the exception to the accounting,
 * a program at every fault; with --handlers,
 * counted by the handler that served them (tools/bpf/faults.bpf.c
 * explains how), by VM_FAULT_* result, with a latency histogram per
 * handler.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <linux/perf_event.h>
#include <linux/types.h>

#include <bpf/btf.h>

#include "common.h"
#include "trace.h"
#include "faults.h"
#include "faults.skel.h"

static const char *const handler_names[FAULTS_NR_HANDLERS] = {
	[FAULTS_NONE]		= "none",
	[FAULTS_ANON]		= "do_anonymous_page",
	[FAULTS_WP_COPY]	= "do_wp_page:copy",
	[FAULTS_WP_REUSE]	= "do_wp_page:reuse",
	[FAULTS_WP_SHARED]	= "do_wp_page:shared",
	[FAULTS_SWAP]		= "do_swap_page",
	[FAULTS_READ]		= "do_fault:read",
	[FAULTS_COW]		= "do_fault:cow",
	[FAULTS_SHARED]		= "do_fault:shared",
	[FAULTS_HUGE_ANON]	= "do_huge_pmd_anonymous_page",
	[FAULTS_HUGE_WP]	= "do_huge_pmd_wp_page",
	[FAULTS_HUGE_NUMA]	= "do_huge_pmd_numa_page",
	[FAULTS_HUGETLB]	= "hugetlb_fault",
};

/* A function a fault passes through, with the names kernels give it. */
struct mark_point {
	const char *funcs[2];
	struct bpf_program *fentry, *kprobe;
	const char *func;		/* the one this kernel has */
	struct bpf_link *link;
};

#define MARK(f1, f2, name) { { f1, f2 }, s->progs.fentry_##name,	\
			     s->progs.kprobe_##name, NULL, NULL }

/* The software events of the default mode, each on every CPU. */
enum { EV_MINOR, EV_MAJOR, EV_FAULTS, NR_EVENTS };

static const struct {
	const char *name;	/* perf's name; pinned as link_NAME_CPU */
	unsigned long long config;
} events[NR_EVENTS] = {
	[EV_MINOR] = { "minor-faults", PERF_COUNT_SW_PAGE_FAULTS_MIN },
	[EV_MAJOR] = { "major-faults", PERF_COUNT_SW_PAGE_FAULTS_MAJ },
	[EV_FAULTS] = { "page-faults", PERF_COUNT_SW_PAGE_FAULTS },
};

/*
 * The default mode's events: minor and major faults, each split by the
 * CPU mode (exclude_kernel or exclude_user), opened on every CPU, or
 * with --pid on every thread of the process (inherited by the threads
 * and processes it creates afterwards).
 */
enum { CE_MINOR_USER, CE_MINOR_KERNEL, CE_MAJOR_USER, CE_MAJOR_KERNEL,
       NR_CEVENTS };

static const struct {
	const char *name;	/* perf's name; pinned as link_PIN_CPU */
	const char *pin;
	unsigned long long config;
	__u32 mode;
	bool major;
} cevents[NR_CEVENTS] = {
	[CE_MINOR_USER] = { "minor-faults:u", "minor-faults_user",
			    PERF_COUNT_SW_PAGE_FAULTS_MIN, FAULTS_MODE_USER },
	[CE_MINOR_KERNEL] = { "minor-faults:k", "minor-faults_kernel",
			      PERF_COUNT_SW_PAGE_FAULTS_MIN, FAULTS_MODE_KERNEL },
	[CE_MAJOR_USER] = { "major-faults:u", "major-faults_user",
			    PERF_COUNT_SW_PAGE_FAULTS_MAJ, FAULTS_MODE_USER,
			    true },
	[CE_MAJOR_KERNEL] = { "major-faults:k", "major-faults_kernel",
			      PERF_COUNT_SW_PAGE_FAULTS_MAJ, FAULTS_MODE_KERNEL,
			      true },
};

/* One opened event: on a CPU (tid 0), or on a thread (cpu -1). */
struct cevent {
	int fd;
	int kind;		/* CE_* */
	int cpu;
	pid_t tid;
	struct bpf_link *link;
};

static const char *const mode_names[FAULTS_NR_MODES] = {
	[FAULTS_MODE_USER]	= "user",
	[FAULTS_MODE_KERNEL]	= "kernel",
};

struct faults_run {
	struct faults_bpf *skel;
	struct bpf_link *entry, *exit, *tp;
	struct mark_point marks[FAULTS_NR_MARKS];
	struct faults_stats stats[FAULTS_NR_HANDLERS];
	/* default mode: links[cpu * NR_EVENTS + event], NULL if offline */
	struct bpf_link **links;
	int ncpus, nevents;
	struct bpf_link *tp_user, *tp_kernel;	/* exceptions tracepoints */
	struct faults_counts counts[FAULTS_NR_MODES];
	/* default mode: the events, with their fds */
	struct cevent *cev;
	int ncev;
	unsigned int period;	/* of minor faults */
};

static void faults_marks(struct faults_run *f)
{
	struct faults_bpf *s = f->skel;
	const struct mark_point marks[FAULTS_NR_MARKS] = {
		[FAULTS_MARK_ANON] = MARK("do_anonymous_page", NULL, anon),
		[FAULTS_MARK_NEW_ANON] = MARK("folio_add_new_anon_rmap",
					      "page_add_new_anon_rmap", new_anon),
		[FAULTS_MARK_WP] = MARK("do_wp_page", NULL, wp),
		[FAULTS_MARK_WP_COPY] = MARK("wp_page_copy", NULL, wp_copy),
		[FAULTS_MARK_SWAP] = MARK("do_swap_page", NULL, swap),
		[FAULTS_MARK_FILE] = MARK("__do_fault", NULL, file),
		[FAULTS_MARK_AROUND] = MARK("filemap_map_pages", NULL, around),
		[FAULTS_MARK_FINISH] = MARK("finish_fault", NULL, finish),
		[FAULTS_MARK_HUGE_ANON] = MARK("do_huge_pmd_anonymous_page",
					       NULL, huge_anon),
		[FAULTS_MARK_HUGE_WP] = MARK("do_huge_pmd_wp_page", NULL,
					     huge_wp),
		[FAULTS_MARK_HUGE_NUMA] = MARK("do_huge_pmd_numa_page", NULL,
					       huge_numa),
	};

	memcpy(f->marks, marks, sizeof(marks));
}

static bool has_user_fault_tp(void)
{
	return !access("/sys/kernel/tracing/events/exceptions/page_fault_user", F_OK) ||
	       !access("/sys/kernel/debug/tracing/events/exceptions/page_fault_user", F_OK);
}

static void faults_release(struct trace_run *r, void *ctx)
{
	struct faults_run *f = ctx;
	int i;

	for (i = 0; f->links && i < f->ncpus * NR_EVENTS; i++)
		trace_link_release(r, f->links[i]);
	free(f->links);
	f->links = NULL;
	/* A link closes its event's fd when destroyed, unless pinned. */
	for (i = 0; i < f->ncev; i++)
		if (f->cev[i].link)
			trace_link_release(r, f->cev[i].link);
		else
			close(f->cev[i].fd);
	free(f->cev);
	f->cev = NULL;
	f->ncev = 0;
	trace_link_release(r, f->tp_user);
	trace_link_release(r, f->tp_kernel);
	f->tp_user = f->tp_kernel = NULL;
	for (i = 0; i < FAULTS_NR_MARKS; i++)
		trace_link_release(r, f->marks[i].link);
	trace_link_release(r, f->tp);
	trace_link_release(r, f->exit);
	trace_link_release(r, f->entry);
	faults_bpf__destroy(f->skel);
	memset(f->marks, 0, sizeof(f->marks));
	f->skel = NULL;
	f->entry = f->exit = f->tp = NULL;
}

static struct bpf_link *attach(struct bpf_program *prog,
			       enum trace_method m, const char *func,
			       bool ret, int *err)
{
	struct bpf_link *link;

	if (m == TRACE_FENTRY)
		link = bpf_program__attach_trace(prog);
	else
		link = bpf_program__attach_kprobe(prog, ret, func);
	*err = link ? 0 : -errno;
	return link;
}

/*
 * x86: exceptions:page_fault_user and page_fault_kernel, found in the
 * kernel's BTF (a raw tracepoint needs no tracefs).
 */
static bool has_fault_tps(void)
{
	struct btf *btf = trace_kernel_btf();

	return btf &&
	       btf__find_by_name_kind(btf, "btf_trace_page_fault_user",
				      BTF_KIND_TYPEDEF) > 0 &&
	       btf__find_by_name_kind(btf, "btf_trace_page_fault_kernel",
				      BTF_KIND_TYPEDEF) > 0;
}

/*
 * The default mode: a BPF program on minor-faults and major-faults on
 * every CPU (sample_period 1: it runs at every fault; such events are
 * never throttled); with --latency also where a fault begins, from the
 * exceptions tracepoints (x86) or page-faults. Offline CPUs are left out.
 */
static int faults_start_perf(struct trace_run *r, struct faults_run *f)
{
	struct faults_bpf *s = f->skel;
	struct bpf_program *progs[NR_EVENTS] = {
		s->progs.perf_minor, s->progs.perf_major, s->progs.perf_fault,
	};
	bool tps = r->latency && has_fault_tps();
	struct bpf_program *prog;
	int cpu, e, fd, err, n = 0;

	r->attach = TRACE_PERF;
	f->nevents = r->latency && !tps ? NR_EVENTS : EV_FAULTS;
	bpf_object__for_each_program(prog, s->obj)
		bpf_program__set_autoload(prog, false);
	for (e = 0; e < f->nevents; e++)
		bpf_program__set_autoload(progs[e], true);
	bpf_program__set_autoload(s->progs.tp_fault_user, tps);
	bpf_program__set_autoload(s->progs.tp_fault_kernel, tps);
	s->rodata->target_tgid = r->pid;
	s->rodata->latency = r->latency;
	err = faults_bpf__load(s);
	if (err)
		return trace_failed(r, err, "perf_event: load: %s",
				    errno_str(-err));
	f->ncpus = libbpf_num_possible_cpus();
	if (f->ncpus <= 0)
		return trace_failed(r, f->ncpus ?: -EINVAL, "possible CPUs: %s",
				    errno_str(f->ncpus ? -f->ncpus : EINVAL));
	f->links = calloc(f->ncpus * NR_EVENTS, sizeof(*f->links));
	if (!f->links)
		return trace_failed(r, -ENOMEM, "%s", errno_str(ENOMEM));
	for (cpu = 0; cpu < f->ncpus; cpu++) {
		for (e = 0; e < f->nevents; e++) {
			struct perf_event_attr a = {
				.type = PERF_TYPE_SOFTWARE,
				.size = sizeof(a),
				.config = events[e].config,
				.sample_period = 1,
			};

			fd = syscall(__NR_perf_event_open, &a, -1, cpu, -1,
				     PERF_FLAG_FD_CLOEXEC);
			if (fd < 0 && errno == ENODEV)
				break;	/* offline */
			if (fd < 0) {
				err = -errno;
				return trace_failed(r, err, "perf_event_open %s on CPU %d: %s",
						    events[e].name, cpu,
						    errno_str(-err));
			}
			f->links[cpu * NR_EVENTS + e] =
				bpf_program__attach_perf_event(progs[e], fd);
			if (!f->links[cpu * NR_EVENTS + e]) {
				err = -errno;
				close(fd);
				return trace_failed(r, err, "attach to %s on CPU %d: %s",
						    events[e].name, cpu,
						    errno_str(-err));
			}
		}
		n += e == f->nevents;
	}
	if (!n)
		return trace_failed(r, -ENODEV, "no online CPU to attach to");
	if (!tps)
		return 0;
	f->tp_user = bpf_program__attach(s->progs.tp_fault_user);
	if (f->tp_user)
		f->tp_kernel = bpf_program__attach(s->progs.tp_fault_kernel);
	if (!f->tp_kernel) {
		err = -errno;
		return trace_failed(r, err, "exceptions tracepoints: %s",
				    errno_str(-err));
	}
	return 0;
}

static struct bpf_program *cevent_prog(struct faults_bpf *s, int kind)
{
	switch (kind) {
	case CE_MINOR_USER:
		return s->progs.count_minor_user;
	case CE_MINOR_KERNEL:
		return s->progs.count_minor_kernel;
	case CE_MAJOR_USER:
		return s->progs.count_major_user;
	default:
		return s->progs.count_major_kernel;
	}
}

/*
 * Open one event on cpu (pid -1) or on thread tid (cpu -1, inherited)
 * and attach its program. Opened disabled: libbpf enables it once the
 * program is attached, so the count starts with the first published
 * period. Returns 0, -ENODEV (offline CPU) / -ESRCH (thread gone), or
 * another error with the reason in r->failed.
 */
static int cevent_open(struct trace_run *r, struct faults_run *f, int kind,
		       int cpu, pid_t tid)
{
	struct perf_event_attr a = {
		.type = PERF_TYPE_SOFTWARE,
		.size = sizeof(a),
		.config = cevents[kind].config,
		.sample_period = cevents[kind].major ? 1 : f->period,
		.disabled = 1,
		.inherit = tid != 0,
		.exclude_kernel = cevents[kind].mode == FAULTS_MODE_USER,
		.exclude_user = cevents[kind].mode == FAULTS_MODE_KERNEL,
		.exclude_hv = 1,
	};
	struct cevent *e = &f->cev[f->ncev];
	int fd, err;

	fd = syscall(__NR_perf_event_open, &a, tid ? tid : -1,
		     tid ? -1 : cpu, -1, PERF_FLAG_FD_CLOEXEC);
	if (fd < 0 && (errno == ENODEV || errno == ESRCH))
		return -errno;
	if (fd < 0) {
		err = -errno;
		return trace_failed(r, err, "perf_event_open %s on %s %d: %s",
				    cevents[kind].name, tid ? "thread" : "CPU",
				    tid ? tid : cpu, errno_str(-err));
	}
	e->fd = fd;
	e->kind = kind;
	e->cpu = tid ? -1 : cpu;
	e->tid = tid;
	e->link = NULL;
	f->ncev++;
	e->link = bpf_program__attach_perf_event(cevent_prog(f->skel, kind),
						 fd);
	if (!e->link) {
		err = -errno;
		return trace_failed(r, err, "attach to %s on %s %d: %s",
				    cevents[kind].name, tid ? "thread" : "CPU",
				    tid ? tid : cpu, errno_str(-err));
	}
	return 0;
}

/* The threads of pid, from /proc/PID/task; *n of them. */
static pid_t *threads_of(pid_t pid, int *n)
{
	char path[64];
	struct dirent *de;
	pid_t *tids = NULL, *t;
	int cap = 0;
	DIR *d;

	*n = 0;
	snprintf(path, sizeof(path), "/proc/%d/task", pid);
	d = opendir(path);
	if (!d)
		return NULL;
	while ((de = readdir(d))) {
		if (de->d_name[0] < '1' || de->d_name[0] > '9')
			continue;
		if (*n == cap) {
			cap = cap ? cap * 2 : 16;
			t = realloc(tids, cap * sizeof(*tids));
			if (!t)
				break;
			tids = t;
		}
		tids[(*n)++] = atoi(de->d_name);
	}
	closedir(d);
	return tids;
}

/*
 * The default mode: minor and major faults x user and kernel mode, on
 * every CPU, or with --pid on every thread of the process (inherit: the
 * threads and processes it creates later are counted with their
 * creator). A program runs every f->period minor faults and at every
 * major fault, only to publish the counts in the map; the totals
 * reported are read from the events themselves: exact.
 */
static int faults_start_counting(struct trace_run *r, struct faults_run *f)
{
	struct faults_bpf *s = f->skel;
	struct bpf_program *prog;
	int cpu, k, i, n, err, nt = 0, online = 0;
	pid_t *tids = NULL;
	struct rlimit rl;

	r->attach = TRACE_PERF;
	f->period = r->sample_period ?: FAULTS_MINOR_PERIOD;
	bpf_object__for_each_program(prog, s->obj)
		bpf_program__set_autoload(prog, false);
	for (k = 0; k < NR_CEVENTS; k++)
		bpf_program__set_autoload(cevent_prog(s, k), true);
	s->rodata->inherited = r->pid != 0;
	err = faults_bpf__load(s);
	if (err)
		return trace_failed(r, err, "perf_event: load: %s",
				    errno_str(-err));
	f->ncpus = libbpf_num_possible_cpus();
	if (f->ncpus <= 0)
		return trace_failed(r, f->ncpus ?: -EINVAL, "possible CPUs: %s",
				    errno_str(f->ncpus ? -f->ncpus : EINVAL));
	if (r->pid) {
		tids = threads_of(r->pid, &nt);
		if (!nt) {
			free(tids);
			return trace_failed(r, -ESRCH, "pid %d: no threads",
					    r->pid);
		}
	}
	n = r->pid ? nt : f->ncpus;
	/* Four fds per thread: as many as the hard limit allows. */
	if (r->pid && !getrlimit(RLIMIT_NOFILE, &rl) &&
	    rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	f->cev = calloc(n * NR_CEVENTS, sizeof(*f->cev));
	if (!f->cev) {
		free(tids);
		return trace_failed(r, -ENOMEM, "%s", errno_str(ENOMEM));
	}
	for (i = 0; i < n; i++) {
		cpu = r->pid ? -1 : i;
		for (k = 0; k < NR_CEVENTS; k++) {
			err = cevent_open(r, f, k, cpu, r->pid ? tids[i] : 0);
			if (err == -ENODEV || err == -ESRCH)
				break;	/* offline CPU, or thread gone */
			if (err) {
				free(tids);
				return err;
			}
		}
		online += k == NR_CEVENTS;
	}
	free(tids);
	if (!online)
		return trace_failed(r, -ENODEV, r->pid ? "pid %d: no thread to attach to" :
				    "no online CPU to attach to", r->pid);
	return 0;
}

static int faults_start(struct trace_run *r, void *ctx)
{
	struct faults_run *f = ctx;
	enum trace_method m = r->attach;
	bool fentry = m == TRACE_FENTRY;
	struct bpf_program *prog;
	struct faults_bpf *s;
	int i, j, err;

	f->skel = s = faults_bpf__open();
	if (!s) {
		err = -errno;
		return trace_failed(r, err, "cannot open the BPF object: %s",
				    errno_str(-err));
	}
	if (!r->handlers && !r->latency)
		return faults_start_counting(r, f);
	if (!r->handlers)
		return faults_start_perf(r, f);
	faults_marks(f);
	bpf_object__for_each_program(prog, s->obj)
		bpf_program__set_autoload(prog, false);
	bpf_program__set_autoload(fentry ? s->progs.fentry_fault :
				  s->progs.kprobe_fault, true);
	bpf_program__set_autoload(fentry ? s->progs.fexit_fault :
				  s->progs.kretprobe_fault, true);
	bpf_program__set_autoload(s->progs.tp_user_fault, has_user_fault_tp());
	for (i = 0; i < FAULTS_NR_MARKS; i++) {
		struct mark_point *p = &f->marks[i];

		for (j = 0; j < 2 && !p->func; j++)
			if (p->funcs[j] && trace_kernel_has(p->funcs[j]))
				p->func = p->funcs[j];
		if (!p->func)
			continue;
		prog = fentry ? p->fentry : p->kprobe;
		bpf_program__set_autoload(prog, true);
		if (fentry)
			bpf_program__set_attach_target(prog, 0, p->func);
	}
	s->rodata->target_tgid = r->pid;

	err = faults_bpf__load(s);
	if (err)
		return trace_failed(r, err, "%s: load: %s",
				    trace_method_name(m), errno_str(-err));
	f->entry = attach(fentry ? s->progs.fentry_fault : s->progs.kprobe_fault,
			  m, "handle_mm_fault", false, &err);
	if (!err)
		f->exit = attach(fentry ? s->progs.fexit_fault :
				 s->progs.kretprobe_fault,
				 m, "handle_mm_fault", true, &err);
	if (err)
		return trace_failed(r, err, "%s on handle_mm_fault: %s",
				    trace_method_name(m),
				    trace_attach_error(err));
	for (i = 0; i < FAULTS_NR_MARKS; i++) {
		struct mark_point *p = &f->marks[i];

		if (!p->func)
			continue;
		p->link = attach(fentry ? p->fentry : p->kprobe, m, p->func,
				 false, &err);
		if (p->link)
			s->bss->marks_attached |= 1U << i;
		else if (trace_verbose)
			p_warn("faults: %s on %s: %s", trace_method_name(m),
			       p->func, trace_attach_error(err));
	}
	if (bpf_program__autoload(s->progs.tp_user_fault)) {
		f->tp = bpf_program__attach(s->progs.tp_user_fault);
		if (!f->tp)
			p_warn("faults: exceptions:page_fault_user: %s",
			       errno_str(errno));
	}
	return 0;
}

static int faults_pin_perf(struct trace_run *r, struct faults_run *f)
{
	char name[64];
	int i, err;

	err = 0;
	if (f->tp_user)
		err = trace_pin_link(r, f->tp_user, "page_fault_user");
	if (!err && f->tp_kernel)
		err = trace_pin_link(r, f->tp_kernel, "page_fault_kernel");
	for (i = 0; !err && i < f->ncpus * NR_EVENTS; i++) {
		if (!f->links[i])
			continue;
		snprintf(name, sizeof(name), "%s_%d",
			 events[i % NR_EVENTS].name, i / NR_EVENTS);
		err = trace_pin_link(r, f->links[i], name);
	}
	/* Last: its presence tells a watcher the tracer is counting. */
	if (!err)
		err = trace_pin_map(r, f->skel->maps.counts);
	return err;
}

static int faults_pin_counting(struct trace_run *r, struct faults_run *f)
{
	char name[64];
	int i, err = 0;

	for (i = 0; !err && i < f->ncev; i++) {
		struct cevent *e = &f->cev[i];

		if (e->tid)
			snprintf(name, sizeof(name), "%s_tid%d",
				 cevents[e->kind].pin, e->tid);
		else
			snprintf(name, sizeof(name), "%s_%d",
				 cevents[e->kind].pin, e->cpu);
		err = trace_pin_link(r, e->link, name);
	}
	/* Last: its presence tells a watcher the tracer is counting. */
	if (!err)
		err = trace_pin_map(r, f->skel->maps.counts);
	return err;
}

static int faults_pin(struct trace_run *r, void *ctx)
{
	struct faults_run *f = ctx;
	struct faults_bpf *s = f->skel;
	int i, err;

	if (!r->handlers && f->cev)
		return faults_pin_counting(r, f);
	if (!r->handlers)
		return faults_pin_perf(r, f);

	err = trace_pin_map(r, s->maps.tasks);
	if (!err)
		err = trace_pin_map(r, s->maps.bss);
	if (!err)
		err = trace_pin_link(r, f->entry, "handle_mm_fault");
	if (!err)
		err = trace_pin_link(r, f->exit, "handle_mm_fault_exit");
	for (i = 0; !err && i < FAULTS_NR_MARKS; i++)
		if (f->marks[i].link)
			err = trace_pin_link(r, f->marks[i].link,
					     f->marks[i].func);
	if (!err && f->tp)
		err = trace_pin_link(r, f->tp, "page_fault_user");
	/* Last: its presence tells a watcher the tracer is counting. */
	if (!err)
		err = trace_pin_map(r, s->maps.handlers);
	return err;
}

/* The names of VM_FAULT_* bits, from the kernel's own enum. */
static void result_names(const char *names[FAULTS_RESULT_BITS])
{
	struct btf *btf = trace_kernel_btf();
	const struct btf_enum *e;
	const struct btf_type *t;
	int id, i, n;

	memset(names, 0, sizeof(*names) * FAULTS_RESULT_BITS);
	if (!btf)
		return;
	id = btf__find_by_name_kind(btf, "vm_fault_reason", BTF_KIND_ENUM);
	t = id > 0 ? btf__type_by_id(btf, id) : NULL;
	n = t ? btf_vlen(t) : 0;
	for (i = 0, e = t ? btf_enum(t) : NULL; i < n; i++, e++) {
		unsigned int v = e->val;

		/* Single bits only: the HINDEX mask and aliases are not. */
		if (v && !(v & (v - 1)) && v < 1U << FAULTS_RESULT_BITS)
			names[__builtin_ctz(v)] = btf__name_by_offset(btf, e->name_off);
	}
}

static void sum(struct faults_stats *t, const struct faults_stats *s)
{
	t->count += s->count;
	t->minor += s->minor;
	t->major += s->major;
	t->retry += s->retry;
	t->error += s->error;
	t->vma_lock += s->vma_lock;
}

static const char *skip_prefix(const char *name)
{
	return name && !strncmp(name, "VM_FAULT_", 9) ? name + 9 : name;
}

/* The slot holding the median of a histogram. */
static int median_slot(const struct faults_stats *s)
{
	__u64 seen = 0, total = 0;
	int i;

	for (i = 0; i < FAULTS_HIST_SLOTS; i++)
		total += s->latency[i];
	for (i = 0; i < FAULTS_HIST_SLOTS; i++) {
		seen += s->latency[i];
		if (total && seen * 2 >= total)
			return i;
	}
	return 0;
}

static void print_human(struct trace_run *r, struct faults_run *f,
			struct faults_stats *st, const char **rn)
{
	struct faults_stats tot = { 0 };
	char results[256];
	int h, i, n, m;

	trace_print_header(r, trace_method_name(r->attach));
	printf("%-27s %8s %8s %6s %6s %6s %7s  %s\n", "handler", "count",
	       "minor", "major", "retry", "error", "p50<", "results");
	for (h = 0; h < FAULTS_NR_HANDLERS; h++) {
		struct faults_stats *s = &st[h];

		if (!s->count)
			continue;
		sum(&tot, s);
		n = 0;
		results[0] = '\0';
		for (i = 0; i < FAULTS_RESULT_BITS; i++)
			if (s->results[i] && n < (int)sizeof(results) - 40)
				n += snprintf(results + n, sizeof(results) - n,
					      "%s%s:%llu", n ? " " : "",
					      rn[i] ? skip_prefix(rn[i]) : "?",
					      (unsigned long long)s->results[i]);
		m = median_slot(s);
		printf("%-27s %8llu %8llu %6llu %6llu %6llu %5lluus  %s\n",
		       handler_names[h], (unsigned long long)s->count,
		       (unsigned long long)s->minor,
		       (unsigned long long)s->major,
		       (unsigned long long)s->retry,
		       (unsigned long long)s->error,
		       (unsigned long long)((2ULL << m) / 1000), results);
	}
	printf("%-27s %8llu %8llu %6llu %6llu %6llu\n", "total",
	       (unsigned long long)tot.count, (unsigned long long)tot.minor,
	       (unsigned long long)tot.major, (unsigned long long)tot.retry,
	       (unsigned long long)tot.error);
	if (f->tp)
		printf("exceptions:page_fault_user: %llu\n",
		       (unsigned long long)f->skel->bss->user_faults);
}

static void print_json(struct trace_run *r, struct faults_run *f,
		       struct faults_stats *st, const char **rn)
{
	struct json_object *root, *arr, *obj, *res, *lat, *b;
	struct faults_stats tot = { 0 };
	int h, i;

	root = trace_json_root(r, trace_method_name(r->attach));
	arr = jw_set_array(root, "points");
	obj = jw_push_object(arr);
	jw_set_str(obj, "function", "handle_mm_fault");
	jw_set_bool(obj, "present", true);
	jw_set_bool(obj, "attached", true);
	for (i = 0; i < FAULTS_NR_MARKS; i++) {
		struct mark_point *p = &f->marks[i];

		obj = jw_push_object(arr);
		jw_set_str(obj, "function", p->func ? p->func : p->funcs[0]);
		jw_set_bool(obj, "present", p->func != NULL);
		jw_set_bool(obj, "attached", p->link != NULL);
	}
	arr = jw_set_array(root, "handlers");
	for (h = 0; h < FAULTS_NR_HANDLERS; h++) {
		struct faults_stats *s = &st[h];

		if (!s->count)
			continue;
		sum(&tot, s);
		obj = jw_push_object(arr);
		jw_set_str(obj, "handler", handler_names[h]);
		jw_set_uint(obj, "count", s->count);
		jw_set_uint(obj, "minor", s->minor);
		jw_set_uint(obj, "major", s->major);
		jw_set_uint(obj, "retry", s->retry);
		jw_set_uint(obj, "error", s->error);
		jw_set_uint(obj, "vma_lock", s->vma_lock);
		res = jw_set_object(obj, "results");
		for (i = 0; i < FAULTS_RESULT_BITS; i++) {
			char bit[16];

			if (!s->results[i])
				continue;
			snprintf(bit, sizeof(bit), "bit%d", i);
			jw_set_uint(res, rn[i] ? skip_prefix(rn[i]) : bit,
				    s->results[i]);
		}
		lat = jw_set_array(obj, "latency_ns");
		for (i = 0; i < FAULTS_HIST_SLOTS; i++) {
			if (!s->latency[i])
				continue;
			b = jw_push_object(lat);
			jw_set_uint(b, "from", i ? 1ULL << i : 0);
			jw_set_uint(b, "to", (2ULL << i) - 1);
			jw_set_uint(b, "count", s->latency[i]);
		}
	}
	obj = jw_set_object(root, "total");
	jw_set_uint(obj, "count", tot.count);
	jw_set_uint(obj, "minor", tot.minor);
	jw_set_uint(obj, "major", tot.major);
	jw_set_uint(obj, "retry", tot.retry);
	jw_set_uint(obj, "error", tot.error);
	jw_set_uint(obj, "vma_lock", tot.vma_lock);
	if (f->tp)
		jw_set_uint(root, "page_fault_user", f->skel->bss->user_faults);
	jw_emit(root);
}

static void hist_json(struct json_object *obj, const char *key,
		      const __u64 *h)
{
	struct json_object *arr = jw_set_array(obj, key), *b;
	int i;

	for (i = 0; i < FAULTS_HIST_SLOTS; i++) {
		if (!h[i])
			continue;
		b = jw_push_object(arr);
		jw_set_uint(b, "from", i ? 1ULL << i : 0);
		jw_set_uint(b, "to", (2ULL << i) - 1);
		jw_set_uint(b, "count", h[i]);
	}
}

/* The upper bound, in us, of the slot holding a histogram's median. */
static double hist_p50_us(const __u64 *h)
{
	__u64 seen = 0, total = 0;
	int i;

	for (i = 0; i < FAULTS_HIST_SLOTS; i++)
		total += h[i];
	for (i = 0; total && i < FAULTS_HIST_SLOTS; i++) {
		seen += h[i];
		if (seen * 2 >= total)
			return (2ULL << i) / 1000.0;
	}
	return 0;
}

/* page-faults that were not accounted: failed, spurious, not ended yet. */
static __u64 unaccounted(const struct faults_counts *c)
{
	return c->count > c->minor + c->major ?
	       c->count - c->minor - c->major : 0;
}

static void report_perf(struct trace_run *r, struct faults_run *f)
{
	struct faults_counts tot = { 0 };
	struct json_object *root, *arr, *obj;
	bool begun = f->tp_user || f->nevents > EV_FAULTS;
	struct faults_counts *c;
	char p50[2][16];
	int m, i, k;

	for (m = 0; m < FAULTS_NR_MODES; m++) {
		c = &f->counts[m];
		tot.count += c->count;
		tot.minor += c->minor;
		tot.major += c->major;
		tot.sampled += c->sampled;
		tot.timed += c->timed;
		for (i = 0; i < FAULTS_HIST_SLOTS; i++) {
			tot.latency[i] += c->latency[i];
			tot.major_latency[i] += c->major_latency[i];
		}
	}
	if (json_output) {
		root = trace_json_root(r, trace_method_name(r->attach));
		arr = jw_set_array(root, "events");
		for (i = 0; i < f->nevents; i++)
			jw_push_str(arr, events[i].name);
		for (i = 0; f->cev && i < NR_CEVENTS; i++)
			jw_push_str(arr, cevents[i].name);
		if (f->cev) {
			jw_set_uint(root, "sample_period", f->period);
			if (r->pid)
				jw_set_uint(root, "threads",
					    f->ncev / NR_CEVENTS);
		}
		if (f->tp_user) {
			jw_push_str(arr, "exceptions:page_fault_user");
			jw_push_str(arr, "exceptions:page_fault_kernel");
		}
		arr = jw_set_array(root, "modes");
		for (m = 0; m <= FAULTS_NR_MODES; m++) {
			c = m < FAULTS_NR_MODES ? &f->counts[m] : &tot;
			obj = m < FAULTS_NR_MODES ? jw_push_object(arr) :
			      jw_set_object(root, "total");
			if (m < FAULTS_NR_MODES)
				jw_set_str(obj, "mode", mode_names[m]);
			jw_set_uint(obj, "minor", c->minor);
			jw_set_uint(obj, "major", c->major);
			if (!begun)
				continue;	/* where faults begin: not seen */
			jw_set_uint(obj, "count", c->count);
			jw_set_uint(obj, "unaccounted", unaccounted(c));
			jw_set_uint(obj, "sampled", c->sampled);
			jw_set_uint(obj, "timed", c->timed);
			hist_json(obj, "latency_ns", c->latency);
			hist_json(obj, "major_latency_ns", c->major_latency);
		}
		jw_emit(root);
		return;
	}
	trace_print_header(r, trace_method_name(r->attach));
	if (!begun) {
		printf("%-8s %10s %8s\n", "mode", "minor", "major");
		for (m = 0; m <= FAULTS_NR_MODES; m++) {
			c = m < FAULTS_NR_MODES ? &f->counts[m] : &tot;
			printf("%-8s %10llu %8llu\n",
			       m < FAULTS_NR_MODES ? mode_names[m] : "total",
			       (unsigned long long)c->minor,
			       (unsigned long long)c->major);
		}
		return;
	}
	printf("%-8s %10s %10s %8s %11s %10s %10s\n", "mode", "faults",
	       "minor", "major", "unaccounted", "minor p50<", "major p50<");
	for (m = 0; m <= FAULTS_NR_MODES; m++) {
		c = m < FAULTS_NR_MODES ? &f->counts[m] : &tot;
		for (k = 0; k < 2; k++) {
			const __u64 *h = k ? c->major_latency : c->latency;
			double us = hist_p50_us(h);

			if (us)
				snprintf(p50[k], sizeof(p50[k]), "%.0fus", us);
			else
				snprintf(p50[k], sizeof(p50[k]), "-");
		}
		printf("%-8s %10llu %10llu %8llu %11llu %10s %10s\n",
		       m < FAULTS_NR_MODES ? mode_names[m] : "total",
		       (unsigned long long)c->count,
		       (unsigned long long)c->minor,
		       (unsigned long long)c->major,
		       (unsigned long long)unaccounted(c), p50[0], p50[1]);
	}
}

/* counts[] summed over the CPUs. */
static void read_counts(struct faults_run *f)
{
	int n = libbpf_num_possible_cpus(), cpu, i;
	struct faults_counts *v;
	__u32 m;

	memset(f->counts, 0, sizeof(f->counts));
	v = n > 0 ? calloc(n, sizeof(*v)) : NULL;
	for (m = 0; v && m < FAULTS_NR_MODES; m++) {
		struct faults_counts *c = &f->counts[m];

		if (bpf_map__lookup_elem(f->skel->maps.counts, &m, sizeof(m),
					 v, n * sizeof(*v), 0))
			continue;
		for (cpu = 0; cpu < n; cpu++) {
			c->count += v[cpu].count;
			c->minor += v[cpu].minor;
			c->major += v[cpu].major;
			c->sampled += v[cpu].sampled;
			c->timed += v[cpu].timed;
			for (i = 0; i < FAULTS_HIST_SLOTS; i++) {
				c->latency[i] += v[cpu].latency[i];
				c->major_latency[i] += v[cpu].major_latency[i];
			}
		}
	}
	free(v);
}

/*
 * The default mode's totals, read from the events: exact. With per-CPU
 * events, each CPU's exact counts are also written into the map, so that
 * a pinned map is exact when the CLI leaves it (the programs, still
 * running with --pin, only ever store a later count). Inherited events'
 * programs add periods: writing the exact count there would let the next
 * period overshoot, so the map is left as it is (behind by less than a
 * period per thread and event).
 */
static void read_events(struct trace_run *r, struct faults_run *f)
{
	int n = libbpf_num_possible_cpus(), i;
	struct faults_counts *v;
	__u64 val;
	__u32 m;

	memset(f->counts, 0, sizeof(f->counts));
	v = !r->pid && n > 0 ? calloc(n * FAULTS_NR_MODES, sizeof(*v)) : NULL;
	for (i = 0; i < f->ncev; i++) {
		struct cevent *e = &f->cev[i];
		struct faults_counts *c = &f->counts[cevents[e->kind].mode];

		if (read(e->fd, &val, sizeof(val)) != sizeof(val)) {
			p_warn("faults: read %s: %s", cevents[e->kind].name,
			       errno_str(errno));
			continue;
		}
		if (cevents[e->kind].major)
			c->major += val;
		else
			c->minor += val;
		if (!v || e->cpu < 0 || e->cpu >= n)
			continue;
		c = &v[cevents[e->kind].mode * n + e->cpu];
		if (cevents[e->kind].major)
			c->major = val;
		else
			c->minor = val;
	}
	for (m = 0; v && m < FAULTS_NR_MODES; m++)
		if (bpf_map__update_elem(f->skel->maps.counts, &m, sizeof(m),
					 &v[m * n], n * sizeof(*v), BPF_ANY))
			p_warn("faults: exact counts into the map: %s",
			       errno_str(errno));
	free(v);
}

static void faults_report(struct trace_run *r, void *ctx)
{
	struct faults_run *f = ctx;
	const char *rn[FAULTS_RESULT_BITS];
	__u32 h;

	if (!r->handlers && f->cev) {
		read_events(r, f);
		report_perf(r, f);
		return;
	}
	if (!r->handlers) {
		read_counts(f);
		report_perf(r, f);
		return;
	}
	for (h = 0; h < FAULTS_NR_HANDLERS; h++)
		if (bpf_map__lookup_elem(f->skel->maps.handlers, &h, sizeof(h),
					 &f->stats[h], sizeof(f->stats[h]), 0))
			memset(&f->stats[h], 0, sizeof(f->stats[h]));
	result_names(rn);
	if (json_output)
		print_json(r, f, f->stats, rn);
	else
		print_human(r, f, f->stats, rn);
}

int trace_faults(struct trace_run *r)
{
	static const struct trace_ops ops = {
		.start = faults_start,
		.pin = faults_pin,
		.report = faults_report,
		.release = faults_release,
	};
	static struct faults_run f;

	return trace_run_tracer(r, &ops, &f);
}
