// SPDX-License-Identifier: GPL-2.0
/*
 * mmscope trace faults (the default, or --handlers): faults by class,
 * counted by the handler that served them, by VM_FAULT_* result, with a
 * latency histogram per handler, from handle_mm_fault() and the
 * attachable functions a fault passes through ("marks";
 * tools/bpf/faults.bpf.c explains how). With a pid or a command, its
 * descendants' faults count too.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <bpf/btf.h>

#include "common.h"
#include "trace_faults.h"
#include "faults.skel.h"

/* Each handler, and the class of fault a reader knows it by. */
static const struct {
	const char *handler, *class;
} names[FAULTS_NR_HANDLERS] = {
	[FAULTS_NONE]		= { "none", "none" },
	[FAULTS_ANON]		= { "do_anonymous_page", "anon" },
	[FAULTS_WP_COPY]	= { "do_wp_page:copy", "COW copy" },
	[FAULTS_WP_REUSE]	= { "do_wp_page:reuse", "COW reuse" },
	[FAULTS_WP_SHARED]	= { "do_wp_page:shared", "shared write" },
	[FAULTS_SWAP]		= { "do_swap_page", "swap-in" },
	[FAULTS_READ]		= { "do_fault:read", "file read" },
	[FAULTS_COW]		= { "do_fault:cow", "file COW copy" },
	[FAULTS_SHARED]		= { "do_fault:shared", "shared write" },
	[FAULTS_HUGE_ANON]	= { "do_huge_pmd_anonymous_page", "anon THP" },
	[FAULTS_HUGE_WP]	= { "do_huge_pmd_wp_page", "THP write-protect" },
	[FAULTS_HUGE_NUMA]	= { "do_huge_pmd_numa_page", "THP NUMA hint" },
	[FAULTS_HUGETLB]	= { "hugetlb_fault", "hugetlb" },
};

#define MARK(f1, f2, name) { { f1, f2 }, s->progs.fentry_##name,	\
			     s->progs.kprobe_##name, NULL, NULL }

/* The marks, with the names each has on the suite's kernels. */
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

static int handlers_start(struct trace_run *r, void *ctx)
{
	struct faults_run *f = ctx;
	struct faults_bpf *s = f->skel;
	enum trace_method m = r->attach;
	bool fentry = m == TRACE_FENTRY;
	struct bpf_program *prog;
	int i, j, err;

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

static int handlers_pin(struct trace_run *r, void *ctx)
{
	struct faults_run *f = ctx;
	struct faults_bpf *s = f->skel;
	int i, err;

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
	printf("%-17s %-26s %8s %8s %6s %6s %6s %7s  %s\n", "class",
	       "handler", "count", "minor", "major", "retry", "error", "p50<",
	       "results");
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
		printf("%-17s %-26s %8llu %8llu %6llu %6llu %6llu %5lluus  %s\n",
		       names[h].class, names[h].handler,
		       (unsigned long long)s->count,
		       (unsigned long long)s->minor,
		       (unsigned long long)s->major,
		       (unsigned long long)s->retry,
		       (unsigned long long)s->error,
		       (unsigned long long)((2ULL << m) / 1000), results);
	}
	printf("%-44s %8llu %8llu %6llu %6llu %6llu\n", "total",
	       (unsigned long long)tot.count, (unsigned long long)tot.minor,
	       (unsigned long long)tot.major, (unsigned long long)tot.retry,
	       (unsigned long long)tot.error);
	if (st[FAULTS_SWAP].minor)
		printf("note: %llu swap-in faults found the page still in the swap cache: no read, so minor\n",
		       (unsigned long long)st[FAULTS_SWAP].minor);
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
		jw_set_str(obj, "class", names[h].class);
		jw_set_str(obj, "handler", names[h].handler);
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

static void handlers_report(struct trace_run *r, void *ctx)
{
	struct faults_run *f = ctx;
	const char *rn[FAULTS_RESULT_BITS];
	__u32 h;

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

static void handlers_release(struct trace_run *r, void *ctx)
{
	struct faults_run *f = ctx;
	int i;

	for (i = 0; i < FAULTS_NR_MARKS; i++)
		trace_link_release(r, f->marks[i].link);
	trace_link_release(r, f->tp);
	trace_link_release(r, f->exit);
	trace_link_release(r, f->entry);
	memset(f->marks, 0, sizeof(f->marks));
	f->entry = f->exit = f->tp = NULL;
}

const struct trace_ops faults_handlers_ops = {
	.start = handlers_start,
	.pin = handlers_pin,
	.report = handlers_report,
	.release = handlers_release,
};
