// SPDX-License-Identifier: GPL-2.0
/*
 * mmscope trace pageref --pfn PFN | --pid PID ADDR: the changes of one
 * page's folio reference count and page map count, each with the kernel
 * function that returned after it and the kernel stack there
 * (tools/bpf/pageref.bpf.c): the events mmscope_pageref's watch records,
 * from BPF. See docs/pageref.md.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>
#include <linux/types.h>

#include <bpf/btf.h>

#include "common.h"
#include "trace.h"
#include "trace_points.h"
#include "pageref.h"
#include "pageref.skel.h"
#include "trace_pageref.h"

#define ENOTSUPP	524

/* The functions mmscope_pageref's watch probes too, and their programs. */
static const struct {
	const char *func, *fexit, *kretprobe;
} pr_sites[] = {
#define MMSCOPE_PAGEREF_SITE(id, func, kernels, what)			\
	[PAGEREF_SITE_##id] = { func, "fexit_" #id, "kretprobe_" #id },
#include "mmscope/pageref_sites.h"
};
#define PR_NSITES	(sizeof(pr_sites) / sizeof(pr_sites[0]))

_Static_assert(PR_NSITES == PAGEREF_NR_SITES, "site table");

/* What the command line asked for. */
struct pr_opts {
	bool have_pfn;
	uint64_t pfn;
	bool have_addr;
	uint64_t addr;
};

struct pr_run {
	struct pr_opts opts;		/* kept by pr_release() */
	struct pageref_bpf *skel;
	struct bpf_link *links[PR_NSITES];
	char why[PR_NSITES][80];	/* a site not attached: why */
	bool kret[PR_NSITES];		/* with a kretprobe: fexit cannot */
	struct ring_buffer *rb;
	pthread_t live;			/* --verbose: prints events as they come */
	bool live_on;
	volatile bool live_stop;
	void *calib;			/* the calibration page */
	uint64_t pfn;
	struct pageref_trace_event *ev;
	size_t nev, cap;
	struct trace_ksyms ksyms;
	uint64_t attached_ns;		/* CLOCK_MONOTONIC, every site attached */
	struct pr_step_sum steps[PR_NR_STEPS];
};

static long page_size(void)
{
	return sysconf(_SC_PAGESIZE);
}

/* The pfn mapped at addr in pid (0: this process), or a negative errno. */
static int64_t pagemap_pfn(pid_t pid, uint64_t addr)
{
	uint64_t e;
	int err;

	err = mmscope_pagemap_read(pid, addr, 1, &e);
	if (err)
		return err;
	if (!(e & PM_PRESENT))
		return -ENOENT;
	return PM_PFN(e);
}

static void pr_live_stop(struct pr_run *p)
{
	if (!p->live_on)
		return;
	p->live_stop = true;
	pthread_join(p->live, NULL);
	p->live_on = false;
}

static void pr_release(struct trace_run *r, void *ctx)
{
	struct pr_run *p = ctx;
	struct pr_opts opts;
	unsigned int i;

	pr_live_stop(p);
	ring_buffer__free(p->rb);
	for (i = PR_NSITES; i-- > 0;)
		trace_link_release(r, p->links[i]);
	pageref_bpf__destroy(p->skel);
	if (p->calib)
		munmap(p->calib, page_size());
	free(p->ev);
	trace_ksyms_free(&p->ksyms);
	opts = p->opts;
	memset(p, 0, sizeof(*p));
	p->opts = opts;
}

static struct bpf_program *pr_prog(struct pr_run *p, bool kret,
				   unsigned int i)
{
	return bpf_object__find_program_by_name(p->skel->obj,
						kret ? pr_sites[i].kretprobe :
						pr_sites[i].fexit);
}

/*
 * The vmemmap base: the struct page the kernel maps at a known address
 * of this process, minus its pfn times the size of struct page.
 */
static int pr_calibrate(struct trace_run *r, struct pr_run *p,
			uint64_t *vmemmap)
{
	const char *fn = trace_kernel_has("folio_add_new_anon_rmap") ?
			 "folio_add_new_anon_rmap" : "page_add_new_anon_rmap";
	struct btf *btf = trace_kernel_btf();
	struct bpf_link *l;
	long sz = -1;
	int64_t pfn;
	__s32 id;

	if (btf) {
		id = btf__find_by_name_kind(btf, "page", BTF_KIND_STRUCT);
		if (id > 0)
			sz = btf__resolve_size(btf, id);
	}
	if (sz <= 0)
		return trace_failed(r, -ENOENT, "no struct page in the kernel's BTF");
	p->calib = mmap(NULL, page_size(), PROT_READ | PROT_WRITE,
			MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p->calib == MAP_FAILED) {
		p->calib = NULL;
		return trace_failed(r, -errno, "mmap: %s", errno_str(errno));
	}
	p->skel->bss->calib_tgid = getpid();
	p->skel->bss->calib_addr = (uintptr_t)p->calib;
	l = bpf_program__attach_kprobe(p->skel->progs.kprobe_calibrate, false,
				       fn);
	if (!l)
		return trace_failed(r, -errno, "kprobe on %s: %s", fn,
				    trace_attach_error(-errno));
	*(volatile char *)p->calib = 1;
	bpf_link__destroy(l);
	pfn = pagemap_pfn(0, (uintptr_t)p->calib);
	if (pfn <= 0 || !p->skel->bss->calib_page)
		return trace_failed(r, -EIO, "cannot find where struct pages are (%s saw no page)",
				    fn);
	*vmemmap = p->skel->bss->calib_page - (uint64_t)pfn * sz;
	p->skel->bss->watch_page = *vmemmap + p->pfn * sz;
	p->skel->bss->watch_pfn = p->pfn;
	return 0;
}

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static int pr_event(void *ctx, void *data, size_t size)
{
	struct pr_run *p = ctx;
	void *n;

	if (size < sizeof(*p->ev))
		return 0;
	if (p->nev == p->cap) {
		p->cap = p->cap ? p->cap * 2 : 256;
		n = realloc(p->ev, p->cap * sizeof(*p->ev));
		if (!n)
			return -ENOMEM;
		p->ev = n;
	}
	memcpy(&p->ev[p->nev++], data, sizeof(*p->ev));
	if (p->live_on) {
		const struct pageref_trace_event *e = data;

		fprintf(stderr, "mmscope: pageref: %s pid %u %s refcount %d->%d mapcount %d->%d anon_exclusive %u->%u\n",
			e->site < PR_NSITES ? pr_sites[e->site].func : "?", e->pid,
			e->comm, e->old_ref, e->new_ref, e->old_map, e->new_map,
			e->old_excl, e->new_excl);
	}
	return 0;
}

static void *pr_live(void *arg)
{
	struct pr_run *p = arg;

	while (!p->live_stop)
		ring_buffer__poll(p->rb, 100);
	return NULL;
}

static int pr_start(struct trace_run *r, void *ctx)
{
	struct pr_run *p = ctx;
	bool fentry = r->attach == TRACE_FENTRY;
	struct bpf_program *fx, *kr;
	unsigned int i, n = 0;
	uint64_t vmemmap;
	int err;

	p->pfn = p->opts.pfn;
	p->skel = pageref_bpf__open();
	if (!p->skel)
		return trace_failed(r, -errno, "cannot open the BPF object: %s",
				    errno_str(errno));
	for (i = 0; i < PR_NSITES; i++) {
		const char *func = pr_sites[i].func;
		bool on = trace_kernel_has(func);
		bool kret = on && (!fentry || trace_fentry_cannot(func));

		fx = pr_prog(p, false, i);
		kr = pr_prog(p, true, i);
		p->kret[i] = kret;
		bpf_program__set_autoload(fx, on && !kret);
		bpf_program__set_autoload(kr, kret);
		if (on && !kret)
			bpf_program__set_attach_target(fx, 0, func);
		if (!on)
			snprintf(p->why[i], sizeof(p->why[i]),
				 "not in this kernel's BTF (absent or inlined)");
	}
	err = pageref_bpf__load(p->skel);
	if (err)
		return trace_failed(r, err, "load: %s", errno_str(-err));
	err = pr_calibrate(r, p, &vmemmap);
	if (err)
		return err;
	for (i = 0; i < PR_NSITES; i++) {
		if (p->why[i][0])
			continue;
		if (!p->kret[i])
			p->links[i] = bpf_program__attach(pr_prog(p, false, i));
		else
			p->links[i] = bpf_program__attach_kprobe(
				pr_prog(p, true, i), true, pr_sites[i].func);
		if (p->links[i]) {
			n++;
			continue;
		}
		err = -errno;
		if (err == -ENOTSUPP)
			return trace_failed(r, err, "%s on %s: %s",
					    p->kret[i] ? "kretprobe" : "fexit",
					    pr_sites[i].func, trace_attach_error(err));
		snprintf(p->why[i], sizeof(p->why[i]), "%s",
			 trace_attach_error(err));
	}
	if (!n)
		return trace_failed(r, -ENOENT, "no site could be attached");
	p->rb = ring_buffer__new(bpf_map__fd(p->skel->maps.events), pr_event,
				 p, NULL);
	if (!p->rb)
		return trace_failed(r, -errno, "ring buffer: %s",
				    errno_str(errno));
	/*
	 * bpf_ktime_get_ns() is CLOCK_MONOTONIC. Unmapping the calibration
	 * page returns from sites: the first state, a snapshot.
	 */
	p->attached_ns = mono_ns();
	munmap(p->calib, page_size());
	p->calib = NULL;
	return 0;
}

static int pr_pin(struct trace_run *r, void *ctx)
{
	struct pr_run *p = ctx;
	char name[64];
	unsigned int i;
	int err;

	err = trace_pin_map(r, p->skel->maps.events);
	if (!err)
		err = trace_pin_map(r, p->skel->maps.stacks);
	if (!err)
		err = trace_pin_map(r, p->skel->maps.bss);
	for (i = 0; !err && i < PR_NSITES; i++) {
		if (!p->links[i])
			continue;
		snprintf(name, sizeof(name), "%s", pr_sites[i].func);
		err = trace_pin_link(r, p->links[i], name);
	}
	if (!err)	/* last: the tracer is recording */
		err = trace_pin_map(r, p->skel->maps.sites);
	if (!err && trace_verbose)
		p->live_on = !pthread_create(&p->live, NULL, pr_live, p);
	return err;
}

/* The symbolised frames of an event, into frames[]; returns how many. */
static unsigned int pr_stack(struct pr_run *p,
			     const struct pageref_trace_event *e,
			     char frames[][160])
{
	return trace_ksyms_stack(&p->ksyms, e->stack, e->nr_frames, frames,
				 PAGEREF_STACK_DEPTH);
}

static const char *pr_site_name(__u32 site)
{
	return site < PR_NSITES ? pr_sites[site].func : "?";
}

static void pr_state_json(struct json_object *root, const char *key,
			  bool have, __u64 s, __u32 excl, __u64 ns)
{
	struct json_object *o;

	if (!have) {
		jw_set_null(root, key);
		return;
	}
	o = jw_set_object(root, key);
	jw_set_int(o, "refcount", (__s32)(s >> 32));
	jw_set_int(o, "mapcount", (__s32)s);
	jw_set_bool(o, "anon_exclusive", excl);
	if (ns)
		jw_set_uint(o, "ns", ns);
}

/* The step of every event, and the sums per step. */
static void pr_steps(struct pr_run *p, enum pr_step *step)
{
	char frames[PAGEREF_STACK_DEPTH][160];
	unsigned int n;
	size_t i;

	memset(p->steps, 0, sizeof(p->steps));
	for (i = 0; i < p->nev; i++) {
		n = pr_stack(p, &p->ev[i], frames);
		step[i] = pr_step_of(pr_site_name(p->ev[i].site), frames, n,
				     &p->ev[i]);
		pr_steps_add(p->steps, step[i], &p->ev[i]);
	}
}

static void pr_report_json(struct trace_run *r, struct pr_run *p,
			   const char *attach, const enum pr_step *step)
{
	struct json_object *root = trace_json_root(r, attach), *a, *o, *st;
	char frames[PAGEREF_STACK_DEPTH][160];
	bool have = p->skel->bss->have_last;
	unsigned int i, j, n;

	jw_set_uint(root, "pfn", p->pfn);
	if (p->opts.have_addr)
		jw_set_hex(root, "va", p->opts.addr);
	else
		jw_set_null(root, "va");
	jw_set_uint(root, "attached_ns", p->attached_ns);
	pr_state_json(root, "first", have, p->skel->bss->first,
		      p->skel->bss->first_excl, p->skel->bss->first_ns);
	pr_state_json(root, "last", have, p->skel->bss->last,
		      p->skel->bss->last_excl, 0);
	a = jw_set_array(root, "sites");
	for (i = 0; i < PR_NSITES; i++) {
		o = jw_push_object(a);
		jw_set_str(o, "site", pr_sites[i].func);
		jw_set_bool(o, "attached", p->links[i]);
		if (p->links[i])
			jw_set_str(o, "attach", p->kret[i] ? "kretprobe" : "fexit");
		else
			jw_set_str(o, "reason", p->why[i]);
	}
	a = jw_set_array(root, "events");
	for (i = 0; i < p->nev; i++) {
		const struct pageref_trace_event *e = &p->ev[i];

		o = jw_push_object(a);
		jw_set_str(o, "function", pr_site_name(e->site));
		jw_set_str(o, "step", pr_step_name(step[i]));
		jw_set_uint(o, "ns", e->ns);
		jw_set_int(o, "pid", e->pid);
		jw_set_int(o, "tgid", e->tgid);
		jw_set_str(o, "comm", e->comm);
		jw_set_uint(o, "pfn", e->pfn);
		jw_set_int(o, "old_refcount", e->old_ref);
		jw_set_int(o, "refcount", e->new_ref);
		jw_set_int(o, "old_mapcount", e->old_map);
		jw_set_int(o, "mapcount", e->new_map);
		jw_set_bool(o, "old_anon_exclusive", e->old_excl);
		jw_set_bool(o, "anon_exclusive", e->new_excl);
		st = jw_set_array(o, "stack");
		n = pr_stack(p, e, frames);
		for (j = 0; j < n; j++)
			jw_push_str(st, frames[j]);
	}
	pr_steps_json(root, p->steps);
	jw_set_uint(root, "lost", p->skel->bss->lost);
	jw_emit(root);
}

static const char *excl_word(__u32 excl)
{
	return excl ? " anon_exclusive" : "";
}

static void pr_report_text(struct trace_run *r, struct pr_run *p,
			   const char *attach, const enum pr_step *step)
{
	char frames[PAGEREF_STACK_DEPTH][160];
	unsigned int i, j, n, on = 0;
	__u64 first = p->skel->bss->first, last = p->skel->bss->last;
	__u64 t0 = p->attached_ns;

	trace_print_header(r, attach);
	printf("pfn 0x%llx", (unsigned long long)p->pfn);
	if (p->opts.have_addr)
		printf(" (pid %d at 0x%llx)", r->pid,
		       (unsigned long long)p->opts.addr);
	if (p->skel->bss->have_last)
		printf(": refcount %d -> %d, mapcount %d -> %d over the run",
		       (__s32)(first >> 32), (__s32)(last >> 32), (__s32)first,
		       (__s32)last);
	printf("\nattached at %.6f s (CLOCK_MONOTONIC); what happened to the page before is not seen\n",
	       t0 / 1e9);
	if (p->skel->bss->have_last)
		printf("state at %+.3f ms (a snapshot, not a change): refcount %d mapcount %d%s\n",
		       ((double)p->skel->bss->first_ns - (double)t0) / 1e6,
		       (__s32)(first >> 32), (__s32)first,
		       excl_word(p->skel->bss->first_excl));
	printf("sites:");
	for (i = 0; i < PR_NSITES; i++)
		if (p->links[i]) {
			printf(" %s%s", pr_sites[i].func,
			       p->kret[i] && r->attach == TRACE_FENTRY ?
			       " (kretprobe: struct by value)" : "");
			on++;
		}
	printf(" (%u of %zu; the others are absent or inlined here)\n", on, PR_NSITES);
	printf("%10s %7s %-16s %-18s %-26s %-12s %-9s %s\n", "ms", "pid",
	       "comm", "step", "seen at", "refcount", "mapcount",
	       "anon_exclusive");
	for (i = 0; i < p->nev; i++) {
		const struct pageref_trace_event *e = &p->ev[i];
		char ref[24], map[24], ex[8] = "";

		snprintf(ref, sizeof(ref), "%d->%d", e->old_ref, e->new_ref);
		snprintf(map, sizeof(map), "%d->%d", e->old_map, e->new_map);
		if (e->old_excl != e->new_excl)
			snprintf(ex, sizeof(ex), "%s", e->new_excl ? "set" :
				 "cleared");
		printf("%10.3f %7u %-16.16s %-18s %-26s %-12s %-9s %s\n",
		       ((double)e->ns - (double)t0) / 1e6, e->pid, e->comm,
		       pr_step_name(step[i]), pr_site_name(e->site), ref, map,
		       ex);
		n = pr_stack(p, e, frames);
		for (j = 0; j < n; j++)
			printf("%10s   %s\n", "", frames[j]);
	}
	if (p->nev)
		pr_steps_text(p->steps);
	if (p->skel->bss->lost)
		printf("(%llu events lost: the ring buffer was full)\n",
		       (unsigned long long)p->skel->bss->lost);
}

static void pr_report(struct trace_run *r, void *ctx)
{
	struct pr_run *p = ctx;
	const char *attach = r->attach == TRACE_FENTRY ? "fexit" : "kretprobe";
	enum pr_step *step;

	pr_live_stop(p);
	ring_buffer__consume(p->rb);
	trace_ksyms_load(&p->ksyms, false);
	step = calloc(p->nev + 1, sizeof(*step));
	if (!step) {
		p_err("pageref: out of memory");
		return;
	}
	pr_steps(p, step);
	if (json_output)
		pr_report_json(r, p, attach, step);
	else
		pr_report_text(r, p, attach, step);
	free(step);
}

/* Resolve --pid PID ADDR to a pfn; check that the pfn has a page. */
static int pr_check(struct trace_run *r, void *ctx)
{
	struct pr_run *p = ctx;
	int64_t pfn;
	uint64_t flags;
	int err;

	if (p->opts.have_pfn == p->opts.have_addr || (p->opts.have_addr && !r->pid))
		return usage_err("mmscope trace",
				 "give --pfn PFN, or --pid PID and ADDR");
	if (p->opts.have_addr) {
		pfn = pagemap_pfn(r->pid, p->opts.addr);
		if (pfn == -ENOENT) {
			p_err("pid %d: 0x%llx: no page present there", r->pid,
			      (unsigned long long)p->opts.addr);
			return EXIT_FAILED;
		}
		if (pfn <= 0) {
			p_err("pid %d: pagemap: %s", r->pid,
			      pfn ? errno_str(-pfn) : "pfn hidden (not root?)");
			return EXIT_FAILED;
		}
		p->opts.pfn = pfn;
	}
	err = mmscope_kpageflags_read(p->opts.pfn, 1, &flags);
	if (err == -EIO || (!err && (flags & KPF_BIT(KPF_NOPAGE)))) {
		p_err("pfn 0x%llx: no page there (beyond the end of memory or in a hole)",
		      (unsigned long long)p->opts.pfn);
		return EXIT_FAILED;
	}
	if (err) {
		p_err("/proc/kpageflags: %s", errno_str(-err));
		return EXIT_FAILED;
	}
	return EXIT_OK;
}

static const struct trace_option pr_options[] = {
	{ "pfn", "PFN", "the page frame to watch (or: --pid PID ADDR,\n"
			"the page at ADDR of process PID)" },
	{ NULL }
};

/* --pfn PFN, or the ADDR of --pid PID ADDR. */
static int pr_parse(struct trace_run *r, void *ctx, int opt, const char *arg)
{
	struct pr_opts *o = &((struct pr_run *)ctx)->opts;

	(void)r;
	if (opt != TRACE_ARG) {
		o->have_pfn = true;
		return parse_u64(arg, &o->pfn, "pfn");
	}
	if (o->have_addr)
		return usage_err("mmscope trace", "unexpected argument '%s'",
				 arg);
	o->have_addr = true;
	return parse_u64(arg, &o->addr, "address");
}

static const struct tracer pageref_tracer = {
	.name = "pageref",
	.summary = "one page's refcount/mapcount changes, by function, with stacks (--pfn PFN | --pid PID ADDR)",
	.order = 4,
	.usage = "--pfn PFN | --pid PID ADDR [options]",
	.options = pr_options,
	.parse = pr_parse,
	.check = pr_check,
	.ctx_size = sizeof(struct pr_run),
	.ops = {
		.start = pr_start,
		.pin = pr_pin,
		.report = pr_report,
		.release = pr_release,
	},
};
TRACE_REGISTER(pageref_tracer);
