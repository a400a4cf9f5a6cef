// SPDX-License-Identifier: GPL-2.0
/*
 * mmscope trace faults --latency: a program at every fault, on the
 * minor-faults and major-faults events of every CPU, and where a fault
 * begins (x86's exceptions tracepoints, elsewhere the page-faults event):
 * faults begun, faults not accounted, and the time from the exception to
 * the accounting for a sample of them.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/syscall.h>
#include <linux/perf_event.h>

#include <bpf/btf.h>

#include "common.h"
#include "trace_faults.h"
#include "faults.skel.h"

/* The software events of --latency, each on every CPU. */
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
 * --latency: a BPF program on minor-faults and major-faults on
 * every CPU (sample_period 1: it runs at every fault; such events are
 * never throttled); with --latency also where a fault begins, from the
 * exceptions tracepoints (x86) or page-faults. Offline CPUs are left out.
 */
static int latency_start(struct trace_run *r, void *ctx)
{
	struct faults_run *f = ctx;
	struct faults_bpf *s = f->skel;
	struct bpf_program *progs[NR_EVENTS] = {
		s->progs.perf_minor, s->progs.perf_major, s->progs.perf_fault,
	};
	bool tps = f->latency && has_fault_tps();
	struct bpf_program *prog;
	int cpu, e, fd, err, n = 0;

	r->attach = TRACE_PERF;
	f->nevents = f->latency && !tps ? NR_EVENTS : EV_FAULTS;
	bpf_object__for_each_program(prog, s->obj)
		bpf_program__set_autoload(prog, false);
	for (e = 0; e < f->nevents; e++)
		bpf_program__set_autoload(progs[e], true);
	bpf_program__set_autoload(s->progs.tp_fault_user, tps);
	bpf_program__set_autoload(s->progs.tp_fault_kernel, tps);
	s->rodata->target_tgid = r->pid;
	s->rodata->latency = f->latency;
	err = faults_load_perf(r, f);
	if (err)
		return err;
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

static int latency_pin(struct trace_run *r, void *ctx)
{
	struct faults_run *f = ctx;
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

static void latency_report(struct trace_run *r, void *ctx)
{
	struct faults_run *f = ctx;
	struct faults_modes_summary s = { 0 };
	int i;

	read_counts(f);
	for (i = 0; i < f->nevents; i++)
		s.events[s.nevents++] = events[i].name;
	if (f->tp_user) {
		s.events[s.nevents++] = "exceptions:page_fault_user";
		s.events[s.nevents++] = "exceptions:page_fault_kernel";
	}
	s.begun = f->tp_user || f->nevents > EV_FAULTS;
	faults_report_modes(r, f, &s);
}

static void latency_release(struct trace_run *r, void *ctx)
{
	struct faults_run *f = ctx;
	int i;

	for (i = 0; f->links && i < f->ncpus * NR_EVENTS; i++)
		trace_link_release(r, f->links[i]);
	free(f->links);
	f->links = NULL;
	trace_link_release(r, f->tp_user);
	trace_link_release(r, f->tp_kernel);
	f->tp_user = f->tp_kernel = NULL;
}

const struct trace_ops faults_latency_ops = {
	.start = latency_start,
	.pin = latency_pin,
	.report = latency_report,
	.release = latency_release,
};
