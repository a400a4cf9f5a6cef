// SPDX-License-Identifier: GPL-2.0
/*
 * mmscope trace compaction: every compaction run of a zone (direct,
 * kcompactd, proactive, manual) with its zone, order, the scanners'
 * start and end PFNs, pages scanned, isolated, migrated and failed, the
 * result and the latency; the allocator's side (try_to_compact_pages()
 * calls, deferrals, kcompactd wake-ups, fallback allocations). BPF on the
 * compaction:*, migrate:mm_migrate_pages and kmem:mm_page_alloc_extfrag
 * tracepoints (tools/bpf/compaction.bpf.c), the same on every kernel.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <linux/types.h>

#include "common.h"
#include "trace.h"
#include "../bpf/compaction.h"
#include "compaction.skel.h"

#define CP_NR_PROGS	12

static const char *const kind_names[COMPACTION_NR_KINDS] = {
	"direct", "kcompactd", "proactive", "manual",
};

struct cp_run {
	struct compaction_bpf *skel;
	struct compaction_alloc alloc;	/* read at the end */
	struct compaction_other other;
	struct bpf_link *links[CP_NR_PROGS];
	const char *tps[CP_NR_PROGS];
	unsigned int nlinks;
};

static void cp_release(struct trace_run *r, void *ctx)
{
	struct cp_run *c = ctx;
	unsigned int i;

	for (i = c->nlinks; i-- > 0;)
		trace_link_release(r, c->links[i]);
	compaction_bpf__destroy(c->skel);
	memset(c, 0, sizeof(*c));
}

/* The tracepoint a program attaches to: its section after "tp_btf/". */
static const char *prog_tp(struct bpf_program *p)
{
	const char *sec = bpf_program__section_name(p), *slash = strchr(sec, '/');

	return slash ? slash + 1 : sec;
}

static int cp_start(struct trace_run *r, void *ctx)
{
	struct cp_run *c = ctx;
	struct compaction_bpf *s;
	struct bpf_program *p;
	bool has_cc = false;
	int err, n;

	r->attach = TRACE_TP;
	c->skel = s = compaction_bpf__open();
	if (!s) {
		err = -errno;
		return trace_failed(r, err, "cannot open the BPF object: %s",
				    errno_str(-err));
	}
	s->rodata->target_tgid = r->pid;
	if (trace_kernel_tp_args("mm_compaction_migratepages", &has_cc) < 0)
		return trace_failed(r, -ENOENT,
				    "no compaction tracepoints in this kernel's BTF (CONFIG_COMPACTION?)");
	s->rodata->migratepages_has_cc = has_cc;
	n = trace_kernel_tp_args("mm_migrate_pages", NULL);
	s->rodata->migrate_pages_nargs = n > 0 ? n : 7;
	bpf_object__for_each_program(p, s->obj)
		if (trace_kernel_tp_args(prog_tp(p), NULL) < 0)
			bpf_program__set_autoload(p, false);
	err = compaction_bpf__load(s);
	if (err)
		return trace_failed(r, err, "load: %s", errno_str(-err));
	bpf_object__for_each_program(p, s->obj) {
		if (!bpf_program__autoload(p) || c->nlinks == CP_NR_PROGS)
			continue;
		c->tps[c->nlinks] = prog_tp(p);
		c->links[c->nlinks] = bpf_program__attach(p);
		if (!c->links[c->nlinks]) {
			err = -errno;
			return trace_failed(r, err, "tp_btf on %s: %s",
					    prog_tp(p), trace_attach_error(err));
		}
		c->nlinks++;
	}
	return 0;
}

static int cp_pin(struct trace_run *r, void *ctx)
{
	struct cp_run *c = ctx;
	unsigned int i;
	int err;

	err = trace_pin_map(r, c->skel->maps.runs);
	if (!err)
		err = trace_pin_map(r, c->skel->maps.running);
	if (!err)
		err = trace_pin_map(r, c->skel->maps.bss);
	if (!err)
		err = trace_pin_map(r, c->skel->maps.allocator);
	if (!err)
		err = trace_pin_map(r, c->skel->maps.outside);
	for (i = 0; !err && i < c->nlinks; i++)
		err = trace_pin_link(r, c->links[i], c->tps[i]);
	if (!err)	/* last: the tracer is counting */
		err = trace_pin_map(r, c->skel->maps.kinds);
	return err;
}

static void cp_add(struct compaction_counts *t, const struct compaction_counts *c)
{
	t->runs += c->runs;
	t->migrate_scanned += c->migrate_scanned;
	t->free_scanned += c->free_scanned;
	t->isolated_migrate += c->isolated_migrate;
	t->isolated_free += c->isolated_free;
	t->migrated += c->migrated;
	t->migrate_failed += c->migrate_failed;
	t->pgmigrate_success += c->pgmigrate_success;
	t->pgmigrate_fail += c->pgmigrate_fail;
	t->ns += c->ns;
}

static void cp_counts_json(struct json_object *o, const struct compaction_counts *c)
{
	jw_set_uint(o, "runs", c->runs);
	jw_set_uint(o, "migrate_scanned", c->migrate_scanned);
	jw_set_uint(o, "free_scanned", c->free_scanned);
	jw_set_uint(o, "isolated_migrate", c->isolated_migrate);
	jw_set_uint(o, "isolated_free", c->isolated_free);
	jw_set_uint(o, "migrated", c->migrated);
	jw_set_uint(o, "migrate_failed", c->migrate_failed);
	jw_set_uint(o, "pgmigrate_success", c->pgmigrate_success);
	jw_set_uint(o, "pgmigrate_fail", c->pgmigrate_fail);
	jw_set_uint(o, "ns", c->ns);
}

static void cp_counts_line(const char *who, const struct compaction_counts *c)
{
	printf("%-10s %6llu %10llu %10llu %8llu %8llu %8llu %6llu %9llu %9.3f\n",
	       who, (unsigned long long)c->runs,
	       (unsigned long long)c->migrate_scanned,
	       (unsigned long long)c->free_scanned,
	       (unsigned long long)c->isolated_migrate,
	       (unsigned long long)c->isolated_free,
	       (unsigned long long)c->migrated,
	       (unsigned long long)c->migrate_failed,
	       (unsigned long long)c->pgmigrate_success,
	       c->runs ? c->ns / 1e6 / c->runs : 0.0);
}

/* The result's name, from the running kernel's enum compact_result. */
static const char *cp_result(int status, char *buf, size_t size)
{
	char *p;

	trace_kernel_enum_name("compact_result", status, "COMPACT_", buf, size);
	for (p = buf; *p; p++)
		*p = *p >= 'A' && *p <= 'Z' ? *p - 'A' + 'a' : *p;
	return buf;
}

/* A run's object, with what is known from its begin on: who, where, when. */
static struct json_object *cp_run_head(struct json_object *arr,
				       const struct compaction_run *x)
{
	struct json_object *o = jw_push_object(arr);

	jw_set_str(o, "kind", x->kind < COMPACTION_NR_KINDS ? kind_names[x->kind] : "?");
	jw_set_uint(o, "pid", x->pid);
	jw_set_str(o, "comm", x->comm);
	jw_set_uint(o, "node", x->node);
	jw_set_str(o, "zone", x->zone);
	jw_set_int(o, "order", x->order);
	jw_set_bool(o, "sync", x->sync);
	jw_set_uint(o, "begin_ns", x->begin_ns);
	return o;
}

static void cp_run_json(struct json_object *arr, const struct compaction_run *x)
{
	struct json_object *o = cp_run_head(arr, x), *m;
	char res[40];

	jw_set_uint(o, "end_ns", x->end_ns);
	jw_set_uint(o, "latency_ns", x->end_ns - x->begin_ns);
	jw_set_uint(o, "zone_start_pfn", x->zone_start);
	jw_set_uint(o, "zone_end_pfn", x->zone_end);
	m = jw_set_object(o, "migrate_pfn");
	jw_set_uint(m, "start", x->migrate_start);
	jw_set_uint(m, "end", x->migrate_end);
	m = jw_set_object(o, "free_pfn");
	jw_set_uint(m, "start", x->free_start);
	jw_set_uint(m, "end", x->free_end);
	cp_counts_json(o, &x->c);
	jw_set_str(o, "result", cp_result(x->status, res, sizeof(res)));
}

static void cp_run_line(const struct compaction_run *x, __u64 t0)
{
	char res[40], order[8];

	snprintf(order, sizeof(order), "%d", x->order);
	printf("%9.3f %7u %-15s %-9s %u/%-7s %5s %-5s %8llx->%-8llx %8llx->%-8llx %7llu/%-7llu %5llu/%-5llu %5llu %5llu %8.3f %s\n",
	       (x->begin_ns - t0) / 1e6, x->pid, x->comm,
	       x->kind < COMPACTION_NR_KINDS ? kind_names[x->kind] : "?",
	       x->node, x->zone, x->order < 0 ? "all" : order,
	       x->sync ? "sync" : "async",
	       (unsigned long long)x->migrate_start,
	       (unsigned long long)x->migrate_end,
	       (unsigned long long)x->free_start,
	       (unsigned long long)x->free_end,
	       (unsigned long long)x->c.migrate_scanned,
	       (unsigned long long)x->c.free_scanned,
	       (unsigned long long)x->c.isolated_migrate,
	       (unsigned long long)x->c.isolated_free,
	       (unsigned long long)x->c.migrated,
	       (unsigned long long)x->c.migrate_failed,
	       (x->end_ns - x->begin_ns) / 1e6, cp_result(x->status, res, sizeof(res)));
}

/* The kept runs, oldest first, into a malloc'ed array; how many. */
static unsigned int cp_read_runs(struct cp_run *c, struct compaction_run **out)
{
	__u64 seen = c->skel->bss->nr_runs;
	unsigned int n = seen < COMPACTION_MAX_RUNS ? seen : COMPACTION_MAX_RUNS;
	unsigned int i, k = 0;
	__u32 slot;

	*out = calloc(n ? n : 1, sizeof(**out));
	if (!*out)
		return 0;
	for (i = 0; i < n; i++) {
		slot = (seen - n + i) % COMPACTION_MAX_RUNS;
		if (!bpf_map__lookup_elem(c->skel->maps.runs, &slot, sizeof(slot),
					  &(*out)[k], sizeof(**out), 0))
			k++;
	}
	return k;
}

/* bpf_ktime_get_ns()'s clock */
static __u64 cp_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

/*
 * The runs still going on as the trace ends (begun while traced, not
 * ended yet), into a malloc'ed array; how many. Read before the ended
 * runs: a run that ends in between is in both, never in neither.
 */
static unsigned int cp_read_running(struct cp_run *c, struct compaction_run **out)
{
	struct bpf_map *m = c->skel->maps.running;
	unsigned int n = 0, max = bpf_map__max_entries(m);
	__u64 key, next, *prev = NULL;

	*out = calloc(max, sizeof(**out));
	if (!*out)
		return 0;
	while (n < max && !bpf_map__get_next_key(m, prev, &next, sizeof(next))) {
		key = next;
		prev = &key;
		if (!bpf_map__lookup_elem(m, &key, sizeof(key), &(*out)[n],
					  sizeof(**out), 0))
			n++;
	}
	return n;
}

/*
 * A run in progress: what it did so far. Its scanned counts are known
 * at its end only (so are its end and result); what it isolated and
 * moved so far is already in /proc/vmstat.
 */
static void cp_running_json(struct json_object *arr, const struct compaction_run *x)
{
	struct json_object *o = cp_run_head(arr, x);

	jw_set_uint(o, "isolated_migrate", x->c.isolated_migrate);
	jw_set_uint(o, "isolated_free", x->c.isolated_free);
	jw_set_uint(o, "migrated", x->c.migrated);
	jw_set_uint(o, "migrate_failed", x->c.migrate_failed);
	jw_set_uint(o, "pgmigrate_success", x->c.pgmigrate_success);
	jw_set_uint(o, "pgmigrate_fail", x->c.pgmigrate_fail);
}

static void cp_report_json(struct trace_run *r, struct cp_run *c,
			   const struct compaction_counts *kc,
			   const struct compaction_run *runs, unsigned int n,
			   const struct compaction_run *going, unsigned int ngoing)
{
	struct compaction_alloc *a = &c->alloc;
	struct compaction_other *o = &c->other;
	struct json_object *root = trace_json_root(r, "tp_btf"), *arr, *obj;
	struct compaction_counts tot = { 0 };
	unsigned int i;

	arr = jw_set_array(root, "tracepoints");
	for (i = 0; i < c->nlinks; i++)
		jw_push_str(arr, c->tps[i]);
	jw_set_uint(root, "runs_seen", c->skel->bss->nr_runs);
	arr = jw_set_array(root, "runs");
	for (i = 0; i < n; i++)
		cp_run_json(arr, &runs[i]);
	arr = jw_set_array(root, "in_progress");
	for (i = 0; i < ngoing; i++)
		cp_running_json(arr, &going[i]);
	arr = jw_set_array(root, "kinds");
	for (i = 0; i < COMPACTION_NR_KINDS; i++) {
		obj = jw_push_object(arr);
		jw_set_str(obj, "kind", kind_names[i]);
		cp_counts_json(obj, &kc[i]);
		cp_add(&tot, &kc[i]);
	}
	cp_counts_json(jw_set_object(root, "total"), &tot);
	obj = jw_set_object(root, "allocator");
	jw_set_uint(obj, "try_to_compact_pages", a->try_calls);
	jw_set_uint(obj, "try_with_run", a->try_with_run);
	jw_set_uint(obj, "deferred", a->deferred);
	jw_set_uint(obj, "kcompactd_wakeups", a->kcompactd_wakeups);
	jw_set_uint(obj, "kcompactd_wakes", a->kcompactd_wakes);
	jw_set_uint(obj, "extfrag", a->extfrag);
	jw_set_uint(obj, "extfrag_fragmenting", a->extfrag_fragmenting);
	obj = jw_set_object(root, "outside_runs");
	jw_set_uint(obj, "isolated_migrate", o->isolated_migrate);
	jw_set_uint(obj, "isolated_free", o->isolated_free);
	jw_set_uint(obj, "migrate_calls", o->migrate_calls);
	jw_set_uint(obj, "pgmigrate_success", o->pgmigrate_success);
	jw_set_uint(obj, "pgmigrate_fail", o->pgmigrate_fail);
	jw_emit(root);
}

static void cp_report_text(struct trace_run *r, struct cp_run *c,
			   const struct compaction_counts *kc,
			   const struct compaction_run *runs, unsigned int n,
			   const struct compaction_run *going, unsigned int ngoing)
{
	struct compaction_alloc *a = &c->alloc;
	struct compaction_other *o = &c->other;
	struct compaction_counts tot = { 0 };
	unsigned int i;

	trace_print_header(r, "tp_btf");
	printf("%-10s %6s %10s %10s %8s %8s %8s %6s %9s %9s\n", "kind", "runs",
	       "mig-scan", "free-scan", "iso-mig", "iso-free", "migrated",
	       "failed", "pgmigrate", "avg-ms");
	for (i = 0; i < COMPACTION_NR_KINDS; i++) {
		cp_counts_line(kind_names[i], &kc[i]);
		cp_add(&tot, &kc[i]);
	}
	cp_counts_line("total", &tot);
	printf("allocator: try_to_compact_pages %llu (ran in a zone: %llu), deferred %llu, kcompactd woken %llu/%llu, fallbacks %llu (%llu fragmenting)\n",
	       (unsigned long long)a->try_calls, (unsigned long long)a->try_with_run,
	       (unsigned long long)a->deferred,
	       (unsigned long long)a->kcompactd_wakeups,
	       (unsigned long long)a->kcompactd_wakes,
	       (unsigned long long)a->extfrag,
	       (unsigned long long)a->extfrag_fragmenting);
	if (o->isolated_migrate || o->isolated_free || o->migrate_calls)
		printf("outside runs: isolated %llu/%llu, mm_migrate_pages %llu (%llu moved, %llu failed)\n",
		       (unsigned long long)o->isolated_migrate,
		       (unsigned long long)o->isolated_free,
		       (unsigned long long)o->migrate_calls,
		       (unsigned long long)o->pgmigrate_success,
		       (unsigned long long)o->pgmigrate_fail);
	for (i = 0; i < ngoing; i++)
		printf("in progress at the end: %s run of %s (pid %u), %u/%s order %d, begun %.3f ms before the end; so far isolated %llu/%llu, moved %llu, failed %llu\n",
		       going[i].kind < COMPACTION_NR_KINDS ? kind_names[going[i].kind] : "?",
		       going[i].comm, going[i].pid, going[i].node, going[i].zone,
		       going[i].order,
		       (cp_now_ns() - going[i].begin_ns) / 1e6,
		       (unsigned long long)going[i].c.isolated_migrate,
		       (unsigned long long)going[i].c.isolated_free,
		       (unsigned long long)going[i].c.migrated,
		       (unsigned long long)going[i].c.migrate_failed);
	if (!n)
		return;
	printf("runs%s (ms from the first; pfns in hex; scanned and isolated: migrate/free):\n",
	       c->skel->bss->nr_runs > n ? " (the last ones)" : "");
	printf("%9s %7s %-15s %-9s %-9s %5s %-5s %-18s %-18s %-15s %-11s %5s %5s %8s %s\n",
	       "ms", "pid", "comm", "kind", "zone", "order", "mode",
	       "migrate pfn", "free pfn", "scanned", "isolated", "moved",
	       "fail", "lat-ms", "result");
	for (i = 0; i < n; i++)
		cp_run_line(&runs[i], runs[0].begin_ns);
}

static void cp_report(struct trace_run *r, void *ctx)
{
	struct compaction_counts kc[COMPACTION_NR_KINDS] = { 0 };
	struct cp_run *c = ctx;
	struct compaction_run *runs, *going;
	unsigned int n, ngoing;
	__u32 k;

	for (k = 0; k < COMPACTION_NR_KINDS; k++)
		bpf_map__lookup_elem(c->skel->maps.kinds, &k, sizeof(k), &kc[k],
				     sizeof(kc[k]), 0);
	k = 0;
	bpf_map__lookup_elem(c->skel->maps.allocator, &k, sizeof(k), &c->alloc,
			     sizeof(c->alloc), 0);
	bpf_map__lookup_elem(c->skel->maps.outside, &k, sizeof(k), &c->other,
			     sizeof(c->other), 0);
	ngoing = cp_read_running(c, &going);
	n = cp_read_runs(c, &runs);
	if (json_output)
		cp_report_json(r, c, kc, runs, n, going, ngoing);
	else
		cp_report_text(r, c, kc, runs, n, going, ngoing);
	free(runs);
	free(going);
}

static int cp_check(struct trace_run *r, void *ctx)
{
	(void)ctx;
	if (r->method != TRACE_AUTO) {
		p_err("compaction: attaches to tracepoints (tp_btf) only, not --attach %s",
		      trace_method_name(r->method));
		return EXIT_USAGE;
	}
	return EXIT_OK;
}

static const struct tracer compaction_tracer = {
	.name = "compaction",
	.summary = "compaction runs per zone: scanners, pages moved, result, latency",
	.order = 6,
	.check = cp_check,
	.ctx_size = sizeof(struct cp_run),
	.ops = {
		.start = cp_start,
		.pin = cp_pin,
		.report = cp_report,
		.release = cp_release,
	},
};
TRACE_REGISTER(compaction_tracer);
