// SPDX-License-Identifier: GPL-2.0
/*
 * mmscope trace thp [--pid PID]: anonymous THP faults (a huge page, the
 * huge zero page, or a fallback and why), collapses by khugepaged and
 * MADV_COLLAPSE with the kernel's SCAN_* result and latency, the results
 * of the PMD scans before them, splits and deferred splits
 * (tools/bpf/thp.bpf.c). The functions differ between kernels: each is
 * looked up in the running kernel's BTF.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/types.h>

#include "common.h"
#include "trace.h"
#include "../bpf/thp.h"
#include "thp.skel.h"

#define THP_SYSFS	"/sys/kernel/mm/transparent_hugepage"
#define THP_NR_PROBES	12

static const char *const fault_names[THP_FAULT_NR] = {
	"huge", "zero_page", "fallback_vma_range", "fallback_alloc", "error",
};

static const char *const by_names[THP_BY_NR] = { "khugepaged", "madvise" };

/* Newest first: the first one this kernel has is used. */
static const char *const split_funcs[] = {
	"__folio_split", "split_huge_page_to_list_to_order",
	"split_huge_page_to_list", NULL,
};
static const char *const deferred_funcs[] = {
	"deferred_split_folio", "deferred_split_huge_page", NULL,
};

struct thp_probe {
	const char *func;	/* a function, or a tracepoint (tp) */
	struct bpf_program *prog;
	bool ret, tp;
	struct bpf_link *link;
};

struct thp_run {
	struct thp_bpf *skel;
	struct thp_probe probes[THP_NR_PROBES];
	unsigned int nprobes;
	const char *split_func, *deferred_func;
};

static void thp_release(struct trace_run *r, void *ctx)
{
	struct thp_run *t = ctx;
	unsigned int i;

	for (i = t->nprobes; i-- > 0;)
		trace_link_release(r, t->probes[i].link);
	thp_bpf__destroy(t->skel);
	t->skel = NULL;
	t->nprobes = 0;
}

static const char *first_present(const char *const *funcs)
{
	for (; *funcs; funcs++)
		if (trace_kernel_has(*funcs))
			return *funcs;
	return NULL;
}

static unsigned long long sysfs_ull(const char *name, unsigned long long def)
{
	unsigned long long v = def;
	char path[128];
	FILE *f;

	snprintf(path, sizeof(path), THP_SYSFS "/%s", name);
	f = fopen(path, "r");
	if (!f)
		return def;
	if (fscanf(f, "%llu", &v) != 1)
		v = def;
	fclose(f);
	return v;
}

static void thp_add(struct thp_run *t, const char *func,
		    struct bpf_program *prog, bool ret, bool tp)
{
	t->probes[t->nprobes++] = (struct thp_probe){
		.func = func, .prog = prog, .ret = ret, .tp = tp,
	};
}

/* Which programs load, and where they go, for r->attach. */
static void thp_plan(struct trace_run *r, struct thp_run *t)
{
	struct thp_bpf *s = t->skel;
	bool fentry = r->attach == TRACE_FENTRY;
	struct bpf_program *p;

	bpf_object__for_each_program(p, s->obj)
		bpf_program__set_autoload(p, false);
	if (fentry) {
		thp_add(t, "do_huge_pmd_anonymous_page", s->progs.fexit_fault, true, false);
		thp_add(t, "collapse_huge_page", s->progs.fentry_collapse, false, false);
		thp_add(t, t->split_func, s->progs.fentry_split, false, false);
		thp_add(t, t->split_func, s->progs.fexit_split, true, false);
		thp_add(t, t->deferred_func, s->progs.fentry_deferred, false, false);
	} else {
		thp_add(t, "do_huge_pmd_anonymous_page", s->progs.kprobe_fault, false, false);
		thp_add(t, "do_huge_pmd_anonymous_page", s->progs.kretprobe_fault, true, false);
		thp_add(t, "collapse_huge_page", s->progs.kprobe_collapse, false, false);
		thp_add(t, t->split_func, s->progs.kprobe_split, false, false);
		thp_add(t, t->split_func, s->progs.kretprobe_split, true, false);
		thp_add(t, t->deferred_func, s->progs.kprobe_deferred, false, false);
	}
	thp_add(t, "mm_collapse_huge_page", s->progs.tp_collapse, false, true);
	thp_add(t, "mm_khugepaged_scan_pmd", s->progs.tp_scan_pmd, false, true);
}

static int thp_start(struct trace_run *r, void *ctx)
{
	struct thp_run *t = ctx;
	struct thp_probe *pr;
	struct thp_bpf *s;
	unsigned long long pmd;
	unsigned int i;
	int err, n;

	t->split_func = first_present(split_funcs);
	t->deferred_func = first_present(deferred_funcs);
	if (!t->split_func || !t->deferred_func ||
	    !trace_kernel_has("do_huge_pmd_anonymous_page"))
		return trace_failed(r, -ENOENT,
				    "this kernel's BTF has no THP fault, split or deferred split function (no THP?)");
	t->skel = s = thp_bpf__open();
	if (!s) {
		err = -errno;
		return trace_failed(r, err, "cannot open the BPF object: %s",
				    errno_str(-err));
	}
	s->rodata->target_tgid = r->pid;
	pmd = sysfs_ull("hpage_pmd_size", 2UL << 20);
	s->rodata->pmd_size = pmd;
	for (s->rodata->pmd_order = 0; ((unsigned long long)getpagesize() << s->rodata->pmd_order) < pmd;)
		s->rodata->pmd_order++;
	s->rodata->use_zero_page = sysfs_ull("use_zero_page", 1);
	s->rodata->split_counts_any_order = !strcmp(t->split_func,
						    "split_huge_page_to_list");
	s->rodata->deferred_has_partial = !strcmp(t->deferred_func,
						  "deferred_split_folio");
	n = trace_kernel_tp_args("mm_khugepaged_scan_pmd", NULL);
	s->rodata->scan_status_arg = n > 2 ? n - 2 : 5;
	thp_plan(r, t);
	for (i = 0; i < t->nprobes; i++) {
		pr = &t->probes[i];
		if (pr->tp && trace_kernel_tp_args(pr->func, NULL) < 0)
			continue;
		bpf_program__set_autoload(pr->prog, true);
		if (r->attach == TRACE_FENTRY && !pr->tp)
			bpf_program__set_attach_target(pr->prog, 0, pr->func);
	}
	err = thp_bpf__load(s);
	if (err)
		return trace_failed(r, err, "%s: load: %s",
				    trace_method_name(r->attach), errno_str(-err));
	for (i = 0; i < t->nprobes; i++) {
		pr = &t->probes[i];
		if (!bpf_program__autoload(pr->prog))
			continue;
		if (r->attach == TRACE_KPROBE && !pr->tp)
			pr->link = bpf_program__attach_kprobe(pr->prog, pr->ret,
							      pr->func);
		else
			pr->link = bpf_program__attach(pr->prog);
		if (!pr->link) {
			err = -errno;
			return trace_failed(r, err, "%s on %s: %s",
					    pr->tp ? "tp_btf" :
					    r->attach == TRACE_FENTRY ?
					    (pr->ret ? "fexit" : "fentry") :
					    (pr->ret ? "kretprobe" : "kprobe"),
					    pr->func, trace_attach_error(err));
		}
	}
	return 0;
}

static int thp_pin(struct trace_run *r, void *ctx)
{
	struct thp_run *t = ctx;
	char name[80];
	unsigned int i;
	int err;

	err = trace_pin_map(r, t->skel->maps.counts);
	if (!err)
		err = trace_pin_map(r, t->skel->maps.scans);
	for (i = 0; !err && i < t->nprobes; i++) {
		if (!t->probes[i].link)
			continue;
		snprintf(name, sizeof(name), "%s%s", t->probes[i].func,
			 t->probes[i].ret ? "_exit" : "");
		err = trace_pin_link(r, t->probes[i].link, name);
	}
	if (!err)	/* last: the tracer is counting */
		err = trace_pin_map(r, t->skel->maps.collapses);
	return err;
}

static const char *scan_name(__s32 result, char *buf, size_t size)
{
	return trace_kernel_enum_name("scan_result", result, "", buf, size);
}

/* The collapses (with stats) or the scans (st NULL) per who and result. */
static void thp_results(struct bpf_map *map, bool with_stats,
			struct json_object *arr, __u64 *allocated, __u64 *total)
{
	struct thp_collapse_key key, next, *prev = NULL;
	struct thp_collapse_stats st;
	struct json_object *o;
	char name[48];
	__u64 count;

	while (!bpf_map__get_next_key(map, prev, &next, sizeof(next))) {
		key = next;
		prev = &key;
		memset(&st, 0, sizeof(st));
		if (bpf_map__lookup_elem(map, &key, sizeof(key),
					 with_stats ? (void *)&st : (void *)&count,
					 with_stats ? sizeof(st) : sizeof(count), 0))
			continue;
		if (with_stats)
			count = st.count;
		scan_name(key.result, name, sizeof(name));
		if (total)
			*total += count;
		/* the kernel counts thp_collapse_alloc once it has the page */
		if (allocated && strcmp(name, "SCAN_ALLOC_HUGE_PAGE_FAIL"))
			*allocated += count;
		if (!json_output) {
			printf("  %-10s %-28s %8llu", key.by < THP_BY_NR ?
			       by_names[key.by] : "?", name,
			       (unsigned long long)count);
			if (with_stats && st.timed)
				printf(" %10.3f %10.3f", st.ns / 1e6 / st.timed,
				       st.max_ns / 1e6);
			printf("\n");
			continue;
		}
		o = jw_push_object(arr);
		jw_set_str(o, "by", key.by < THP_BY_NR ? by_names[key.by] : "?");
		jw_set_str(o, "result", name);
		jw_set_uint(o, "count", count);
		if (!with_stats)
			continue;
		jw_set_uint(o, "timed", st.timed);
		jw_set_uint(o, "latency_ns", st.ns);
		jw_set_uint(o, "max_latency_ns", st.max_ns);
	}
}

static const char *thp_attach_name(struct trace_run *r)
{
	return r->attach == TRACE_FENTRY ? "fentry" : "kprobe";
}

static void thp_report(struct trace_run *r, void *ctx)
{
	struct thp_run *t = ctx;
	struct json_object *root = NULL, *o = NULL, *arr = NULL;
	struct thp_counts tc = { 0 }, *c = &tc;
	__u64 allocated = 0, total = 0;
	unsigned int i;
	__u32 zero = 0;

	bpf_map__lookup_elem(t->skel->maps.counts, &zero, sizeof(zero), c,
			     sizeof(*c), 0);
	if (json_output) {
		root = trace_json_root(r, thp_attach_name(r));
		o = jw_set_object(root, "functions");
		jw_set_str(o, "split", t->split_func);
		jw_set_str(o, "deferred_split", t->deferred_func);
		o = jw_set_object(root, "faults");
		for (i = 0; i < THP_FAULT_NR; i++)
			jw_set_uint(o, fault_names[i], c->faults[i]);
		arr = jw_set_array(root, "collapses");
	} else {
		trace_print_header(r, thp_attach_name(r));
		printf("faults:");
		for (i = 0; i < THP_FAULT_NR; i++)
			printf(" %s %llu", fault_names[i],
			       (unsigned long long)c->faults[i]);
		printf("\ncollapses (by, result, count, avg-ms, max-ms):\n");
	}
	thp_results(t->skel->maps.collapses, true, arr, &allocated, &total);
	if (json_output) {
		o = jw_set_object(root, "collapse_total");
		jw_set_uint(o, "count", total);
		jw_set_uint(o, "allocated", allocated);
		arr = jw_set_array(root, "scans");
	} else {
		printf("  %llu collapses, %llu with a huge page allocated\nPMD scans (by, result, count):\n",
		       (unsigned long long)total, (unsigned long long)allocated);
	}
	thp_results(t->skel->maps.scans, false, arr, NULL, NULL);
	if (!json_output) {
		printf("splits (%s): %llu done, %llu failed (order %u: %llu done, %llu failed), %.3f ms in all\n",
		       t->split_func, (unsigned long long)c->splits,
		       (unsigned long long)c->split_failed,
		       t->skel->rodata->pmd_order,
		       (unsigned long long)c->split_pmd,
		       (unsigned long long)c->split_pmd_failed, c->split_ns / 1e6);
		printf("deferred splits (%s): %llu calls, %llu THPs queued\n",
		       t->deferred_func, (unsigned long long)c->deferred_calls,
		       (unsigned long long)c->deferred_queued);
		return;
	}
	o = jw_set_object(root, "splits");
	jw_set_uint(o, "done", c->splits);
	jw_set_uint(o, "failed", c->split_failed);
	jw_set_uint(o, "pmd_done", c->split_pmd);
	jw_set_uint(o, "pmd_failed", c->split_pmd_failed);
	jw_set_uint(o, "ns", c->split_ns);
	o = jw_set_object(root, "deferred_splits");
	jw_set_uint(o, "calls", c->deferred_calls);
	jw_set_uint(o, "queued", c->deferred_queued);
	jw_emit(root);
}

static const struct tracer thp_tracer = {
	.name = "thp",
	.summary = "THP faults and fallbacks, collapses with SCAN_* results, splits",
	.order = 7,
	.ctx_size = sizeof(struct thp_run),
	.ops = {
		.start = thp_start,
		.pin = thp_pin,
		.report = thp_report,
		.release = thp_release,
	},
};
TRACE_REGISTER(thp_tracer);
