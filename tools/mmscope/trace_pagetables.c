// SPDX-License-Identifier: GPL-2.0
/*
 * mmscope trace pagetables: page-table pages allocated per level, copied
 * at fork, freed, and PMDs split and collapsed, per process
 * (tools/bpf/pagetables.bpf.c). Shows when fork copies page tables (VMAs
 * with anonymous pages) and when it leaves them to be faulted in again.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <linux/types.h>

#include "common.h"
#include "trace.h"
#include "pagetables.h"
#include "pagetables.skel.h"

static const char *const level_names[PAGETABLES_NR_LEVELS] = {
	"pte", "pmd", "pud", "p4d",
};

/* A kernel function and the program counting its calls. */
struct pt_probe {
	const char *func;
	struct bpf_program *prog;
	bool ret;
	bool optional;		/* absent where the level is always folded */
	struct bpf_link *link;
};

struct pt_run {
	struct pagetables_bpf *skel;
	struct pt_probe probes[10];
	unsigned int nprobes;
};

static void pt_release(struct trace_run *r, void *ctx)
{
	struct pt_run *p = ctx;
	unsigned int i;

	for (i = p->nprobes; i-- > 0;)
		trace_link_release(r, p->probes[i].link);
	pagetables_bpf__destroy(p->skel);
	memset(p, 0, sizeof(*p));
}

static void pt_add(struct pt_run *p, const char *func,
		   struct bpf_program *prog, bool ret, bool optional)
{
	p->probes[p->nprobes++] = (struct pt_probe){
		.func = func, .prog = prog, .ret = ret, .optional = optional,
	};
}

static int pt_start(struct trace_run *r, void *ctx)
{
	struct pt_run *p = ctx;
	struct pagetables_bpf *s;
	struct pt_probe *pr;
	unsigned int i;
	int err;

	r->attach = TRACE_KPROBE;
	p->skel = s = pagetables_bpf__open();
	if (!s) {
		err = -errno;
		return trace_failed(r, err, "cannot open the BPF object: %s",
				    errno_str(-err));
	}
	s->rodata->target_tgid = r->pid;
	pt_add(p, "__pte_alloc", s->progs.kprobe_pte_alloc, false, false);
	pt_add(p, "__pmd_alloc", s->progs.kprobe_pmd_alloc, false, false);
	pt_add(p, "__pud_alloc", s->progs.kprobe_pud_alloc, false, false);
	pt_add(p, "__p4d_alloc", s->progs.kprobe_p4d_alloc, false, true);
	pt_add(p, "copy_page_range", s->progs.kprobe_copy_page_range, false,
	       false);
	pt_add(p, "copy_page_range", s->progs.kretprobe_copy_page_range, true,
	       false);
	pt_add(p, "free_pgtables", s->progs.kprobe_free_pgtables, false, false);
	pt_add(p, "__split_huge_pmd", s->progs.kprobe_split_huge_pmd, false,
	       true);
	pt_add(p, "collapse_huge_page", s->progs.kprobe_collapse_huge_page,
	       false, true);
	err = pagetables_bpf__load(s);
	if (err)
		return trace_failed(r, err, "load: %s", errno_str(-err));
	for (i = 0; i < p->nprobes; i++) {
		pr = &p->probes[i];
		pr->link = bpf_program__attach_kprobe(pr->prog, pr->ret,
						      pr->func);
		if (pr->link)
			continue;
		err = -errno;
		if (pr->optional) {
			if (trace_verbose)
				p_warn("pagetables: %s: %s", pr->func,
				       trace_attach_error(err));
			continue;
		}
		return trace_failed(r, err, "kprobe on %s: %s", pr->func,
				    trace_attach_error(err));
	}
	return 0;
}

static int pt_pin(struct trace_run *r, void *ctx)
{
	struct pt_run *p = ctx;
	char name[64];
	unsigned int i;
	int err;

	err = trace_pin_map(r, p->skel->maps.in_fork);
	for (i = 0; !err && i < p->nprobes; i++) {
		if (!p->probes[i].link)
			continue;
		snprintf(name, sizeof(name), "%s%s", p->probes[i].func,
			 p->probes[i].ret ? "_exit" : "");
		err = trace_pin_link(r, p->probes[i].link, name);
	}
	if (!err)	/* last: the tracer is counting */
		err = trace_pin_map(r, p->skel->maps.tables);
	return err;
}

static void pt_sum(struct pagetables_stats *t, const struct pagetables_stats *s)
{
	unsigned int l;

	for (l = 0; l < PAGETABLES_NR_LEVELS; l++) {
		t->alloc[l] += s->alloc[l];
		t->fork_alloc[l] += s->fork_alloc[l];
	}
	t->fork_vmas += s->fork_vmas;
	t->fork_vmas_copied += s->fork_vmas_copied;
	t->free_pgtables += s->free_pgtables;
	t->pmd_split += s->pmd_split;
	t->collapse += s->collapse;
}

static void pt_json(struct json_object *o, const struct pagetables_stats *s)
{
	struct json_object *a, *f, *ft;
	unsigned int l;

	a = jw_set_object(o, "alloc");
	f = jw_set_object(o, "fork");
	jw_set_uint(f, "vmas", s->fork_vmas);
	jw_set_uint(f, "vmas_copied", s->fork_vmas_copied);
	ft = jw_set_object(f, "alloc");
	for (l = 0; l < PAGETABLES_NR_LEVELS; l++) {
		jw_set_uint(a, level_names[l], s->alloc[l]);
		jw_set_uint(ft, level_names[l], s->fork_alloc[l]);
	}
	jw_set_uint(o, "free_pgtables", s->free_pgtables);
	jw_set_uint(o, "pmd_splits", s->pmd_split);
	jw_set_uint(o, "collapses", s->collapse);
}

static void pt_line(const char *who, const struct pagetables_stats *s)
{
	printf("%-10s %6llu %6llu %6llu %6llu %9llu/%-6llu %6llu %6llu %6llu %6llu\n",
	       who, (unsigned long long)s->alloc[PAGETABLES_PTE],
	       (unsigned long long)s->alloc[PAGETABLES_PMD],
	       (unsigned long long)s->alloc[PAGETABLES_PUD],
	       (unsigned long long)s->alloc[PAGETABLES_P4D],
	       (unsigned long long)s->fork_vmas_copied,
	       (unsigned long long)s->fork_vmas,
	       (unsigned long long)(s->fork_alloc[PAGETABLES_PTE] +
				    s->fork_alloc[PAGETABLES_PMD] +
				    s->fork_alloc[PAGETABLES_PUD] +
				    s->fork_alloc[PAGETABLES_P4D]),
	       (unsigned long long)s->free_pgtables,
	       (unsigned long long)s->pmd_split,
	       (unsigned long long)s->collapse);
}

static void pt_report(struct trace_run *r, void *ctx)
{
	struct pt_run *p = ctx;
	struct bpf_map *map = p->skel->maps.tables;
	struct json_object *root = NULL, *arr = NULL, *obj;
	struct pagetables_stats s, tot = { 0 };
	__u32 key, next, *prev = NULL;
	char who[16];

	if (json_output) {
		root = trace_json_root(r, "kprobe");
		arr = jw_set_array(root, "processes");
	} else {
		trace_print_header(r, "kprobe");
		printf("%-10s %6s %6s %6s %6s %16s %6s %6s %6s %6s\n", "pid",
		       "pte", "pmd", "pud", "p4d", "fork-vmas copied",
		       "tables", "freed", "splits", "colls");
	}
	while (!bpf_map__get_next_key(map, prev, &next, sizeof(next))) {
		key = next;
		prev = &key;
		if (bpf_map__lookup_elem(map, &key, sizeof(key), &s, sizeof(s),
					 0))
			continue;
		pt_sum(&tot, &s);
		if (json_output) {
			obj = jw_push_object(arr);
			jw_set_int(obj, "pid", key);
			pt_json(obj, &s);
		} else {
			snprintf(who, sizeof(who), "%u", key);
			pt_line(who, &s);
		}
	}
	if (!json_output) {
		pt_line("total", &tot);
		printf("(alloc per level; fork: VMAs whose tables were copied / VMAs seen, tables\n"
		       " allocated doing it; freed: free_pgtables() calls; PMD splits; collapses)\n");
		return;
	}
	pt_json(jw_set_object(root, "total"), &tot);
	jw_emit(root);
}

static int pt_check(struct trace_run *r, void *ctx)
{
	(void)ctx;
	if (r->method == TRACE_FENTRY) {
		p_err("pagetables: attaches with kprobes only (collapse_huge_page is static)");
		return EXIT_USAGE;
	}
	return EXIT_OK;
}

static const struct tracer pagetables_tracer = {
	.name = "pagetables",
	.summary = "page-table pages allocated, copied at fork, freed; PMD splits",
	.order = 3,
	.check = pt_check,
	.ctx_size = sizeof(struct pt_run),
	.attach = TRACE_KPROBE,
	.banner = "tracing page-table allocation with kprobes",
	.ops = {
		.start = pt_start,
		.pin = pt_pin,
		.report = pt_report,
		.release = pt_release,
	},
};
TRACE_REGISTER(pagetables_tracer);
