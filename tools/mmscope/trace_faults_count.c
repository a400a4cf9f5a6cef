// SPDX-License-Identifier: GPL-2.0
/*
 * mmscope trace faults, the default mode: minor and major faults, by the
 * CPU mode they were taken in, counted exactly by the kernel's software
 * perf events (per CPU, or per thread of --pid, inherited); a program
 * runs once every sample period only to publish the counts in a map
 * (tools/bpf/faults.bpf.c).
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

#include "common.h"
#include "trace_faults.h"
#include "faults.skel.h"

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
static int count_start(struct trace_run *r, void *ctx)
{
	struct faults_run *f = ctx;
	struct faults_bpf *s = f->skel;
	struct bpf_program *prog;
	int cpu, k, i, n, err, nt = 0, online = 0;
	pid_t *tids = NULL;
	struct rlimit rl;

	r->attach = TRACE_PERF;
	f->period = f->sample_period ?: FAULTS_MINOR_PERIOD;
	bpf_object__for_each_program(prog, s->obj)
		bpf_program__set_autoload(prog, false);
	for (k = 0; k < NR_CEVENTS; k++)
		bpf_program__set_autoload(cevent_prog(s, k), true);
	s->rodata->inherited = r->pid != 0;
	err = faults_load_perf(r, f);
	if (err)
		return err;
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

static int count_pin(struct trace_run *r, void *ctx)
{
	struct faults_run *f = ctx;
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

static void count_report(struct trace_run *r, void *ctx)
{
	struct faults_run *f = ctx;
	struct faults_modes_summary s = { .counting = true };
	int i;

	read_events(r, f);
	for (i = 0; i < NR_CEVENTS; i++)
		s.events[s.nevents++] = cevents[i].name;
	s.threads = f->ncev / NR_CEVENTS;
	faults_report_modes(r, f, &s);
}

static void count_release(struct trace_run *r, void *ctx)
{
	struct faults_run *f = ctx;
	int i;

	/* A link closes its event's fd when destroyed, unless pinned. */
	for (i = 0; i < f->ncev; i++)
		if (f->cev[i].link)
			trace_link_release(r, f->cev[i].link);
		else
			close(f->cev[i].fd);
	free(f->cev);
	f->cev = NULL;
	f->ncev = 0;
}

const struct trace_ops faults_count_ops = {
	.start = count_start,
	.pin = count_pin,
	.report = count_report,
	.release = count_release,
};
