// SPDX-License-Identifier: GPL-2.0
/*
 * mmscope trace notifier [--pid PID]: the invalidations the kernel hands
 * to an mm's MMU notifiers, seen where it calls them
 * (__mmu_notifier_invalidate_range_start/_end and the others, per kernel),
 * with their event, range, blockable flag, task and kernel stack; and
 * which subscriptions each mm has (KVM, HMM/GPU drivers, IOMMU SVA,
 * mmscope_mmu_notifier), named from /proc/kallsyms
 * (tools/bpf/notifier.bpf.c). See docs/tracing.md.
 */
#include <ctype.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/types.h>

#include <bpf/btf.h>

#include <mmscope/mmu_notifier.h>

#include "common.h"
#include "trace.h"
#include "trace_points.h"
#include "notifier.h"
#include "notifier.skel.h"

_Static_assert((int)NOTIFIER_OP_TEST_YOUNG == (int)MMSCOPE_MMU_NOTIFIER_OP_TEST_YOUNG &&
	       (int)NOTIFIER_OP_ARCH_INVALIDATE_SECONDARY_TLBS ==
	       (int)MMSCOPE_MMU_NOTIFIER_OP_ARCH_INVALIDATE_SECONDARY_TLBS,
	       "ops numbered as the module's");

#define NT_MAX_EVENTS	(1 << 18)	/* kept for the report */

struct nt_run {
	struct notifier_bpf *skel;
	struct trace_point pts[NOTIFIER_NR_OPS];
	struct ring_buffer *rb;
	pthread_t poller;
	bool polling;
	volatile bool poll_stop;
	struct notifier_event *ev;
	size_t nev, cap, not_kept;
	struct trace_ksyms ksyms;
	char events[16][32];		/* enum mmu_notifier_event names */
};

static void nt_stop_polling(struct nt_run *p)
{
	if (!p->polling)
		return;
	p->poll_stop = true;
	pthread_join(p->poller, NULL);
	p->polling = false;
}

static void nt_release(struct trace_run *r, void *ctx)
{
	struct nt_run *p = ctx;

	nt_stop_polling(p);
	ring_buffer__free(p->rb);
	trace_points_release(r, p->pts, NOTIFIER_NR_OPS);
	notifier_bpf__destroy(p->skel);
	free(p->ev);
	trace_ksyms_free(&p->ksyms);
	memset(p, 0, sizeof(*p));
}

static void nt_point(struct nt_run *p, enum notifier_op op, const char *func,
		     struct bpf_program *fentry, struct bpf_program *kprobe)
{
	p->pts[op] = (struct trace_point){
		.func = func, .fentry = fentry, .kprobe = kprobe, .want = true,
	};
}

static const char *nt_event_name(struct nt_run *p, __s32 ev)
{
	if (ev == NOTIFIER_NO_EVENT)
		return NULL;
	if (ev >= 0 && ev < 16 && p->events[ev][0])
		return p->events[ev];
	return "unknown";
}

/* enum mmu_notifier_event of the running kernel: MMU_NOTIFY_UNMAP -> "unmap". */
static void nt_load_event_names(struct nt_run *p)
{
	struct btf *btf = trace_kernel_btf();
	const struct btf_enum *e;
	const struct btf_type *t;
	const char *name;
	__s32 id;
	int i, j;

	id = btf ? btf__find_by_name_kind(btf, "mmu_notifier_event",
					  BTF_KIND_ENUM) : -1;
	if (id <= 0)
		return;
	t = btf__type_by_id(btf, id);
	e = btf_enum(t);
	for (i = 0; i < btf_vlen(t); i++) {
		if (e[i].val < 0 || e[i].val >= 16)
			continue;
		name = btf__name_by_offset(btf, e[i].name_off);
		if (!strncmp(name, "MMU_NOTIFY_", 11))
			name += 11;
		for (j = 0; name[j] && j < 31; j++)
			p->events[e[i].val][j] = tolower((unsigned char)name[j]);
		p->events[e[i].val][j] = '\0';
	}
}

static int nt_event(void *ctx, void *data, size_t size)
{
	struct nt_run *p = ctx;
	void *n;

	if (size < sizeof(*p->ev))
		return 0;
	if (p->nev == NT_MAX_EVENTS) {
		p->not_kept++;
		return 0;
	}
	if (p->nev == p->cap) {
		p->cap = p->cap ? p->cap * 2 : 1024;
		n = realloc(p->ev, p->cap * sizeof(*p->ev));
		if (!n)
			return -ENOMEM;
		p->ev = n;
	}
	memcpy(&p->ev[p->nev++], data, sizeof(*p->ev));
	if (trace_verbose) {
		const struct notifier_event *e = data;
		const char *ev = nt_event_name(p, e->event);

		fprintf(stderr, "mmscope: notifier: %s %s 0x%llx-0x%llx pid %u %s\n",
			mmscope_mmu_notifier_op_name(e->op), ev ? ev : "-",
			(unsigned long long)e->start,
			(unsigned long long)e->end, e->pid, e->comm);
	}
	return 0;
}

/* The ring buffer is read while the tracer runs: a burst may not fit it. */
static void *nt_poll(void *arg)
{
	struct nt_run *p = arg;

	while (!p->poll_stop)
		ring_buffer__poll(p->rb, 100);
	return NULL;
}

static int nt_start(struct trace_run *r, void *ctx)
{
	struct nt_run *p = ctx;
	struct notifier_bpf *s;
	bool only_end;
	int err;

	p->skel = s = notifier_bpf__open();
	if (!s)
		return trace_failed(r, -errno, "cannot open the BPF object: %s",
				    errno_str(errno));
	s->rodata->target_tgid = r->pid;
	s->rodata->page_size = sysconf(_SC_PAGESIZE);
	only_end = trace_func_param("__mmu_notifier_invalidate_range_end",
				    "only_end") == 1;
	s->rodata->end_has_only_end = only_end;
	bpf_program__set_autoload(only_end ? s->progs.fentry_range_end :
				  s->progs.fentry_range_end_only, false);
	nt_point(p, NOTIFIER_OP_RELEASE, "__mmu_notifier_release",
		 s->progs.fentry_release, s->progs.kprobe_release);
	nt_point(p, NOTIFIER_OP_INVALIDATE_RANGE_START,
		 "__mmu_notifier_invalidate_range_start",
		 s->progs.fentry_range_start, s->progs.kprobe_range_start);
	nt_point(p, NOTIFIER_OP_INVALIDATE_RANGE_END,
		 "__mmu_notifier_invalidate_range_end",
		 only_end ? s->progs.fentry_range_end_only :
		 s->progs.fentry_range_end, s->progs.kprobe_range_end);
	nt_point(p, NOTIFIER_OP_INVALIDATE_RANGE,
		 "__mmu_notifier_invalidate_range",
		 s->progs.fentry_invalidate_range,
		 s->progs.kprobe_invalidate_range);
	nt_point(p, NOTIFIER_OP_CHANGE_PTE, "__mmu_notifier_change_pte", NULL,
		 s->progs.kprobe_change_pte);
	nt_point(p, NOTIFIER_OP_ARCH_INVALIDATE_SECONDARY_TLBS,
		 "__mmu_notifier_arch_invalidate_secondary_tlbs",
		 s->progs.fentry_secondary_tlbs, s->progs.kprobe_secondary_tlbs);
	nt_point(p, NOTIFIER_OP_CLEAR_FLUSH_YOUNG,
		 "__mmu_notifier_clear_flush_young",
		 s->progs.fentry_clear_flush_young,
		 s->progs.kprobe_clear_flush_young);
	nt_point(p, NOTIFIER_OP_CLEAR_YOUNG, "__mmu_notifier_clear_young",
		 s->progs.fentry_clear_young, s->progs.kprobe_clear_young);
	nt_point(p, NOTIFIER_OP_TEST_YOUNG, "__mmu_notifier_test_young",
		 s->progs.fentry_test_young, s->progs.kprobe_test_young);
	trace_points_prepare(r, p->pts, NOTIFIER_NR_OPS);
	err = notifier_bpf__load(s);
	if (err)
		return trace_failed(r, err, "load: %s", errno_str(-err));
	err = trace_points_attach(r, p->pts, NOTIFIER_NR_OPS);
	if (err)
		return err;
	p->rb = ring_buffer__new(bpf_map__fd(s->maps.events), nt_event, p,
				 NULL);
	if (!p->rb)
		return trace_failed(r, -errno, "ring buffer: %s",
				    errno_str(errno));
	nt_load_event_names(p);
	return 0;
}

static int nt_pin(struct trace_run *r, void *ctx)
{
	struct nt_run *p = ctx;
	int err;

	err = trace_pin_map(r, p->skel->maps.events);
	if (!err)
		err = trace_pin_map(r, p->skel->maps.mms);
	if (!err)
		err = trace_pin_map(r, p->skel->maps.subs);
	if (!err)
		err = trace_pin_map(r, p->skel->maps.bss);
	if (!err)
		err = trace_points_pin(r, p->pts, NOTIFIER_NR_OPS);
	if (!err)	/* last: the tracer is counting */
		err = trace_pin_map(r, p->skel->maps.counts);
	if (!err)
		p->polling = !pthread_create(&p->poller, NULL, nt_poll, p);
	return err;
}

/* Who registers a subscription with these ops, from the symbol's name. */
static const char *nt_subsystem(const char *sym)
{
	static const struct {
		const char *needle, *who;
	} known[] = {
		{ "[kvm", "KVM" },
		{ "[mmscope_mmu_notifier]", "mmscope" },
		{ "[amdgpu]", "GPU (amdgpu)" },
		{ "[nouveau]", "GPU (nouveau)" },
		{ "[i915]", "GPU (i915)" },
		{ "[xe]", "GPU (xe)" },
		{ "[radeon]", "GPU (radeon)" },
		{ "hmm", "HMM" },
		{ "[ib_", "RDMA" },
		{ "[mlx5_ib]", "RDMA" },
		{ "iommu", "IOMMU" },
		{ "sva", "IOMMU" },
		{ "[xen", "Xen" },
		{ "[vhost", "vhost" },
	};
	size_t i;

	if (!sym)
		return "unknown";
	for (i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		if (strstr(sym, known[i].needle))
			return known[i].who;
	return strchr(sym, '[') ? "module" : "kernel";
}

/*
 * The symbol of a subscription's ops, or where /proc/kallsyms has no data
 * symbols (no CONFIG_KALLSYMS_ALL), NULL; and the one of its callback.
 */
static void nt_ops_names(struct nt_run *p, __u64 ops, __u64 cb,
			 const char **sym, char *cbname, size_t size)
{
	const struct trace_ksyms *k = &p->ksyms;

	*sym = trace_ksyms_exact(k, ops);
	cbname[0] = '\0';
	if (cb && trace_ksyms_exact(k, cb))
		snprintf(cbname, size, "%s", trace_ksyms_exact(k, cb));
}

static void nt_ops_json(struct nt_run *p, struct json_object *o, __u64 ops,
			__u64 cb)
{
	char cbname[160];
	const char *sym;

	nt_ops_names(p, ops, cb, &sym, cbname, sizeof(cbname));
	jw_set_hex(o, "ops", ops);
	if (sym)
		jw_set_str(o, "symbol", sym);
	else
		jw_set_null(o, "symbol");
	if (cbname[0])
		jw_set_str(o, "callback", cbname);
	else
		jw_set_null(o, "callback");
	jw_set_str(o, "subsystem", nt_subsystem(sym ? sym :
						 cbname[0] ? cbname : NULL));
}

static void nt_ops_text(struct nt_run *p, __u64 ops, __u64 cb,
			const char *what)
{
	char cbname[160];
	const char *sym;

	nt_ops_names(p, ops, cb, &sym, cbname, sizeof(cbname));
	printf("    %-10s %s%s%s%s%s\n",
	       nt_subsystem(sym ? sym : cbname[0] ? cbname : NULL),
	       sym ? sym : "ops ?", cbname[0] ? " (" : "", cbname,
	       cbname[0] ? ")" : "", what);
}

/*
 * The subscriptions seen on mm, from "subs": into arr (JSON) or printed;
 * returns how many.
 */
static unsigned int nt_subs(struct nt_run *p, __u64 mm, struct json_object *arr)
{
	struct bpf_map *map = p->skel->maps.subs;
	struct notifier_sub_key key, next, *prev = NULL;
	struct notifier_sub v;
	unsigned int n = 0;

	while (!bpf_map__get_next_key(map, prev, &next, sizeof(next))) {
		key = next;
		prev = &key;
		if (key.mm != mm ||
		    bpf_map__lookup_elem(map, &key, sizeof(key), &v, sizeof(v), 0))
			continue;
		n++;
		if (arr)
			nt_ops_json(p, jw_push_object(arr), key.ops, v.callback);
		else
			nt_ops_text(p, key.ops, v.callback, "");
	}
	return n;
}

static void nt_mms_json(struct nt_run *p, struct json_object *root)
{
	struct bpf_map *map = p->skel->maps.mms;
	struct json_object *a = jw_set_array(root, "mms"), *o;
	__u64 key, next, *prev = NULL;
	struct notifier_mm m;

	while (!bpf_map__get_next_key(map, prev, &next, sizeof(next))) {
		key = next;
		prev = &key;
		if (bpf_map__lookup_elem(map, &key, sizeof(key), &m, sizeof(m), 0))
			continue;
		o = jw_push_object(a);
		jw_set_hex(o, "mm", key);
		jw_set_int(o, "pid", m.tgid);
		jw_set_str(o, "comm", m.comm);
		jw_set_uint(o, "calls", m.calls);
		nt_subs(p, key, jw_set_array(o, "subscriptions"));
		jw_set_bool(o, "more", m.more);
		jw_set_uint(o, "registered_at_last_call", m.now);
		if (m.intervals)
			nt_ops_json(p, jw_set_object(o, "interval"),
				    m.interval_ops, 0);
		else
			jw_set_null(o, "interval");
	}
}

static void nt_mms_text(struct nt_run *p)
{
	struct bpf_map *map = p->skel->maps.mms;
	__u64 key, next, *prev = NULL;
	struct notifier_mm m;

	while (!bpf_map__get_next_key(map, prev, &next, sizeof(next))) {
		key = next;
		prev = &key;
		if (bpf_map__lookup_elem(map, &key, sizeof(key), &m, sizeof(m), 0))
			continue;
		printf("mm 0x%llx (pid %u %s): %llu calls, %u in its list at the last%s; seen:\n",
		       (unsigned long long)key, m.tgid, m.comm,
		       (unsigned long long)m.calls, m.now,
		       m.more ? " (and more)" : "");
		nt_subs(p, key, NULL);
		if (m.intervals)
			nt_ops_text(p, m.interval_ops, 0,
				    " (interval notifiers: the first)");
	}
}

/* Calls per op (and, for ranges, per event) from "counts". */
static void nt_counts(struct nt_run *p, __u64 *ops, __u64 *causes)
{
	struct bpf_map *map = p->skel->maps.counts;
	struct notifier_count_key key, next, *prev = NULL;
	__u64 n;

	while (!bpf_map__get_next_key(map, prev, &next, sizeof(next))) {
		key = next;
		prev = &key;
		if (bpf_map__lookup_elem(map, &key, sizeof(key), &n, sizeof(n), 0) ||
		    key.op >= NOTIFIER_NR_OPS)
			continue;
		ops[key.op] += n;
		if (key.op == NOTIFIER_OP_INVALIDATE_RANGE_START &&
		    key.event >= 0 && key.event < 16)
			causes[key.event] += n;
	}
}

static void nt_report_json(struct trace_run *r, struct nt_run *p,
			   const char *attach)
{
	struct json_object *root = trace_json_root(r, attach), *o, *a, *st;
	char frames[NOTIFIER_STACK_DEPTH][160];
	__u64 ops[NOTIFIER_NR_OPS] = { 0 }, causes[16] = { 0 };
	unsigned int i, j, n;
	const char *ev;

	trace_points_json(root, p->pts, NOTIFIER_NR_OPS);
	nt_counts(p, ops, causes);
	o = jw_set_object(root, "ops");
	for (i = 0; i < NOTIFIER_NR_OPS; i++)
		if (ops[i])
			jw_set_uint(o, mmscope_mmu_notifier_op_name(i), ops[i]);
	o = jw_set_object(root, "causes");
	for (i = 0; i < 16; i++)
		if (causes[i])
			jw_set_uint(o, nt_event_name(p, i), causes[i]);
	nt_mms_json(p, root);
	a = jw_set_array(root, "events");
	for (i = 0; i < p->nev; i++) {
		const struct notifier_event *e = &p->ev[i];

		o = jw_push_object(a);
		jw_set_str(o, "op", mmscope_mmu_notifier_op_name(e->op));
		ev = nt_event_name(p, e->event);
		if (ev)
			jw_set_str(o, "event", ev);
		else
			jw_set_null(o, "event");
		jw_set_hex(o, "start", e->start);
		jw_set_hex(o, "end", e->end);
		jw_set_bool(o, "blockable", e->flags & NOTIFIER_F_BLOCKABLE);
		if (e->flags & NOTIFIER_F_FROM_END)
			jw_set_bool(o, "from_end", true);
		jw_set_int(o, "pid", e->pid);
		jw_set_int(o, "tgid", e->tgid);
		jw_set_str(o, "comm", e->comm);
		jw_set_uint(o, "ns", e->ns);
		jw_set_hex(o, "mm", e->mm);
		st = jw_set_array(o, "stack");
		n = trace_ksyms_stack(&p->ksyms, e->stack, e->nr_frames, frames,
				      NOTIFIER_STACK_DEPTH);
		for (j = 0; j < n; j++)
			jw_push_str(st, frames[j]);
	}
	jw_set_uint(root, "lost", p->skel->bss->lost + p->not_kept);
	jw_emit(root);
}

static void nt_report_text(struct trace_run *r, struct nt_run *p,
			   const char *attach)
{
	char frames[NOTIFIER_STACK_DEPTH][160];
	__u64 ops[NOTIFIER_NR_OPS] = { 0 }, causes[16] = { 0 };
	__u64 t0 = p->nev ? p->ev[0].ns : 0;
	unsigned int i, j, n;
	const char *ev;

	trace_print_header(r, attach);
	trace_points_text(p->pts, NOTIFIER_NR_OPS);
	nt_mms_text(p);
	nt_counts(p, ops, causes);
	printf("calls:");
	for (i = 0; i < NOTIFIER_NR_OPS; i++)
		if (ops[i])
			printf(" %s %llu", mmscope_mmu_notifier_op_name(i),
			       (unsigned long long)ops[i]);
	printf("\ncauses (invalidate_range_start):");
	for (i = 0; i < 16; i++)
		if (causes[i])
			printf(" %s %llu", nt_event_name(p, i),
			       (unsigned long long)causes[i]);
	printf("\n%10s %7s %-16s %-24s %-16s %-31s %s\n", "ms", "pid", "comm",
	       "op", "event", "range", "blockable");
	for (i = 0; i < p->nev; i++) {
		const struct notifier_event *e = &p->ev[i];
		char range[40];

		ev = nt_event_name(p, e->event);
		snprintf(range, sizeof(range), "%llx-%llx",
			 (unsigned long long)e->start, (unsigned long long)e->end);
		printf("%10.3f %7u %-16.16s %-24s %-16s %-31s %s\n",
		       (e->ns - t0) / 1e6, e->pid, e->comm,
		       mmscope_mmu_notifier_op_name(e->op), ev ? ev : "-",
		       range, e->flags & NOTIFIER_F_BLOCKABLE ? "yes" : "no");
		n = trace_ksyms_stack(&p->ksyms, e->stack, e->nr_frames, frames,
				      trace_verbose ? NOTIFIER_STACK_DEPTH : 3);
		for (j = 0; j < n; j++)
			printf("%10s   %s\n", "", frames[j]);
	}
	if (p->skel->bss->lost + p->not_kept)
		printf("(%llu events lost: the ring buffer was full)\n",
		       (unsigned long long)(p->skel->bss->lost + p->not_kept));
}

static void nt_report(struct trace_run *r, void *ctx)
{
	struct nt_run *p = ctx;
	const char *attach = r->attach == TRACE_FENTRY ? "fentry" : "kprobe";

	nt_stop_polling(p);
	ring_buffer__consume(p->rb);
	trace_ksyms_load(&p->ksyms, true);
	if (json_output)
		nt_report_json(r, p, attach);
	else
		nt_report_text(r, p, attach);
}

static const struct tracer notifier_tracer = {
	.name = "notifier",
	.summary = "MMU notifier invalidations (op, event, range, stack) and the notifiers registered on each mm",
	.order = 5,
	.ctx_size = sizeof(struct nt_run),
	.ops = {
		.start = nt_start,
		.pin = nt_pin,
		.report = nt_report,
		.release = nt_release,
	},
};
TRACE_REGISTER(notifier_tracer);
