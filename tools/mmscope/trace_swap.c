// SPDX-License-Identifier: GPL-2.0
/*
 * mmscope trace swap [--pid PID]: swap-out writes and swap-in reads per
 * process, with the latency of the writes and of swap-in faults; swap
 * cache adds and deletes per folio order; readahead windows and whether
 * their pages were used (tools/bpf/swap.bpf.c). The kernel has no swap
 * tracepoints: the functions differ per kernel, and are picked from the
 * running kernel's BTF. See docs/tracing.md.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <linux/types.h>

#include "common.h"
#include "trace.h"
#include "trace_points.h"
#include "swap.h"
#include "swap.skel.h"

enum {
	SW_WRITE, SW_WRITE_END, SW_READ, SW_FAULT, SW_FAULT_RET, SW_ADD,
	SW_DEL, SW_RA_SWAPIN, SW_RA_CLUSTER, SW_RA_VMA, SW_RA_SWAPIN_RET,
	SW_RA_CLUSTER_RET, SW_RA_VMA_RET, SW_LOOKUP, SW_NR,
};

struct sw_run {
	struct swap_bpf *skel;
	struct trace_point pts[SW_NR];
};

static void sw_release(struct trace_run *r, void *ctx)
{
	struct sw_run *p = ctx;

	trace_points_release(r, p->pts, SW_NR);
	swap_bpf__destroy(p->skel);
	memset(p, 0, sizeof(*p));
}

/* The first of two names the running kernel has (the second otherwise). */
static const char *sw_pick(const char *newer, const char *older)
{
	return trace_kernel_has(newer) ? newer : older;
}

/* Which argument of func holds the folio (or 6.1's page): 0 or 1. */
static __u8 sw_folio_arg(const char *func)
{
	int i = trace_func_param(func, "folio");

	if (i < 0)
		i = trace_func_param(func, "page");
	return i == 1;
}

static void sw_point(struct sw_run *p, int i, const char *func,
		     struct bpf_program *fentry, struct bpf_program *kprobe,
		     bool ret)
{
	p->pts[i] = (struct trace_point){
		.func = func, .fentry = fentry, .kprobe = kprobe, .ret = ret,
		.want = true,
	};
}

static int sw_start(struct trace_run *r, void *ctx)
{
	struct sw_run *p = ctx;
	struct swap_bpf *s;
	const char *write = "__swap_writepage";
	const char *read = sw_pick("swap_read_folio", "swap_readpage");
	/* 7.x: the add and delete that every path of the swap table ends in */
	const char *add = sw_pick("__swap_cache_do_add_folio",
				  sw_pick("__swap_cache_add_folio",
					  "add_to_swap_cache"));
	const char *del = sw_pick("__swap_cache_do_del_folio",
				  sw_pick("__swap_cache_del_folio",
					  "__delete_from_swap_cache"));
	/* 7.x counts swap_ra_hit apart from the lookup, where this looks */
	bool hit_apart = trace_kernel_has("swap_update_readahead");
	int err;

	p->skel = s = swap_bpf__open();
	if (!s)
		return trace_failed(r, -errno, "cannot open the BPF object: %s",
				    errno_str(errno));
	s->rodata->target_tgid = r->pid;
	s->rodata->folio_arg[SWAP_P_WRITE] = sw_folio_arg(write);
	s->rodata->folio_arg[SWAP_P_READ] = sw_folio_arg(read);
	s->rodata->folio_arg[SWAP_P_ADD] = sw_folio_arg(add);
	s->rodata->folio_arg[SWAP_P_DEL] = sw_folio_arg(del);
	/* the fentry program that takes the folio where the function has it */
	bpf_program__set_autoload(s->rodata->folio_arg[SWAP_P_WRITE] ?
				  s->progs.fentry_write0 :
				  s->progs.fentry_write1, false);
	bpf_program__set_autoload(s->rodata->folio_arg[SWAP_P_READ] ?
				  s->progs.fentry_read0 :
				  s->progs.fentry_read1, false);
	sw_point(p, SW_WRITE, write, s->rodata->folio_arg[SWAP_P_WRITE] ?
		 s->progs.fentry_write1 : s->progs.fentry_write0,
		 s->progs.kprobe_write, false);
	sw_point(p, SW_WRITE_END, "end_swap_bio_write",
		 s->progs.fentry_write_end, s->progs.kprobe_write_end, false);
	sw_point(p, SW_READ, read, s->rodata->folio_arg[SWAP_P_READ] ?
		 s->progs.fentry_read1 : s->progs.fentry_read0,
		 s->progs.kprobe_read, false);
	sw_point(p, SW_FAULT, "do_swap_page", s->progs.fentry_fault,
		 s->progs.kprobe_fault, false);
	sw_point(p, SW_FAULT_RET, "do_swap_page", s->progs.fexit_fault,
		 s->progs.kretprobe_fault, true);
	sw_point(p, SW_ADD, add, NULL, s->progs.kprobe_add, false);
	sw_point(p, SW_DEL, del, NULL, s->progs.kprobe_del, false);
	sw_point(p, SW_RA_SWAPIN, "swapin_readahead", NULL,
		 s->progs.kprobe_ra_swapin, false);
	sw_point(p, SW_RA_CLUSTER, "swap_cluster_readahead", NULL,
		 s->progs.kprobe_ra_cluster, false);
	sw_point(p, SW_RA_VMA, "swap_vma_readahead", NULL,
		 s->progs.kprobe_ra_vma, false);
	sw_point(p, SW_RA_SWAPIN_RET, "swapin_readahead", NULL,
		 s->progs.kretprobe_ra_swapin, true);
	sw_point(p, SW_RA_CLUSTER_RET, "swap_cluster_readahead", NULL,
		 s->progs.kretprobe_ra_cluster, true);
	sw_point(p, SW_RA_VMA_RET, "swap_vma_readahead", NULL,
		 s->progs.kretprobe_ra_vma, true);
	if (hit_apart)
		sw_point(p, SW_LOOKUP, "swap_update_readahead",
			 s->progs.fentry_ra_hit, s->progs.kprobe_ra_hit, false);
	else
		sw_point(p, SW_LOOKUP, "swap_cache_get_folio", NULL,
			 s->progs.kretprobe_lookup, true);
	bpf_program__set_autoload(hit_apart ? s->progs.kretprobe_lookup :
				  s->progs.fentry_ra_hit, false);
	if (!hit_apart)
		bpf_program__set_autoload(s->progs.kprobe_ra_hit, false);
	trace_points_prepare(r, p->pts, SW_NR);
	err = swap_bpf__load(s);
	if (err)
		return trace_failed(r, err, "load: %s", errno_str(-err));
	return trace_points_attach(r, p->pts, SW_NR);
}

static int sw_pin(struct trace_run *r, void *ctx)
{
	struct sw_run *p = ctx;
	int err;

	err = trace_pin_map(r, p->skel->maps.cache);
	if (!err)
		err = trace_pin_map(r, p->skel->maps.ra_sizes);
	if (!err)
		err = trace_pin_map(r, p->skel->maps.bss);
	if (!err)
		err = trace_points_pin(r, p->pts, SW_NR);
	if (!err)	/* last: the tracer is counting */
		err = trace_pin_map(r, p->skel->maps.procs);
	return err;
}

static void sw_sum(struct swap_proc *t, const struct swap_proc *s)
{
	const __u64 *from = (const __u64 *)s;
	__u64 *to = (__u64 *)t;
	size_t i;

	/* every field before comm is a __u64 counter */
	for (i = 0; i < offsetof(struct swap_proc, comm) / sizeof(__u64); i++)
		to[i] += from[i];
}

static void sw_proc_json(struct json_object *o, const struct swap_proc *s,
			 bool hist)
{
	struct json_object *x;

	x = jw_set_object(o, "swap_out");
	jw_set_uint(x, "writes", s->out_writes);
	jw_set_uint(x, "pages", s->out_pages);
	if (hist)
		trace_hist_json(x, "latency_ns", s->out_ns, SWAP_HIST);
	x = jw_set_object(o, "swap_in");
	jw_set_uint(x, "reads", s->in_reads);
	jw_set_uint(x, "pages", s->in_pages);
	jw_set_uint(x, "faults", s->faults);
	jw_set_uint(x, "major", s->major);
	if (hist)
		trace_hist_json(x, "fault_latency_ns", s->fault_ns, SWAP_HIST);
	x = jw_set_object(o, "cache");
	jw_set_uint(x, "adds", s->adds);
	jw_set_uint(x, "add_pages", s->add_pages);
	jw_set_uint(x, "deletes", s->dels);
	jw_set_uint(x, "delete_pages", s->del_pages);
	x = jw_set_object(o, "readahead");
	jw_set_uint(x, "windows", s->ra_windows);
	jw_set_uint(x, "pages", s->ra_pages);
	jw_set_uint(x, "used", s->ra_used);
	jw_set_uint(x, "unused", s->ra_unused);
}

static void sw_p50(char *buf, size_t size, const __u64 *h)
{
	double us = trace_hist_p50_us(h, SWAP_HIST);

	if (us)
		snprintf(buf, size, "%.0fus", us);
	else
		snprintf(buf, size, "-");
}

static void sw_proc_text(const char *who, const char *comm,
			 const struct swap_proc *s)
{
	char wl[16], fl[16];

	sw_p50(wl, sizeof(wl), s->out_ns);
	sw_p50(fl, sizeof(fl), s->fault_ns);
	printf("%-8s %-15.15s %6llu %7s %6llu %6llu/%-6llu %7s %5llu %5llu %4llu/%-4llu %4llu/%-4llu\n",
	       who, comm, (unsigned long long)s->out_pages, wl,
	       (unsigned long long)s->in_pages,
	       (unsigned long long)s->faults, (unsigned long long)s->major, fl,
	       (unsigned long long)s->add_pages,
	       (unsigned long long)s->del_pages,
	       (unsigned long long)s->ra_windows,
	       (unsigned long long)s->ra_pages,
	       (unsigned long long)s->ra_used,
	       (unsigned long long)s->ra_unused);
}

static void sw_report(struct trace_run *r, void *ctx)
{
	struct sw_run *p = ctx;
	const char *attach = r->attach == TRACE_FENTRY ? "fentry" : "kprobe";
	struct bpf_map *map = p->skel->maps.procs;
	struct json_object *root = NULL, *arr = NULL, *o;
	struct swap_proc s, tot = { 0 };
	struct swap_order ord;
	__u32 key, next, *prev = NULL, i;
	char who[16];
	__u64 n;

	if (json_output) {
		root = trace_json_root(r, attach);
		trace_points_json(root, p->pts, SW_NR);
		arr = jw_set_array(root, "processes");
	} else {
		trace_print_header(r, attach);
		trace_points_text(p->pts, SW_NR);
		printf("%-8s %-15s %6s %7s %6s %13s %7s %5s %5s %9s %9s\n",
		       "pid", "comm", "out", "out p50", "in", "faults/major",
		       "flt p50", "added", "freed", "ra win/pg", "used/drop");
	}
	while (!bpf_map__get_next_key(map, prev, &next, sizeof(next))) {
		key = next;
		prev = &key;
		if (bpf_map__lookup_elem(map, &key, sizeof(key), &s, sizeof(s), 0))
			continue;
		sw_sum(&tot, &s);
		if (json_output) {
			o = jw_push_object(arr);
			jw_set_int(o, "pid", key);
			jw_set_str(o, "comm", s.comm);
			sw_proc_json(o, &s, true);
		} else {
			snprintf(who, sizeof(who), "%u", key);
			sw_proc_text(who, s.comm, &s);
		}
	}
	if (json_output) {
		sw_proc_json(jw_set_object(root, "total"), &tot, true);
		arr = jw_set_array(root, "cache_orders");
	} else {
		sw_proc_text("total", "", &tot);
		printf("(pages; out: written to swap, in: read from swap; faults: do_swap_page;\n"
		       " added/freed: swap cache; ra: readahead windows/pages read ahead,\n"
		       " used: found by a later lookup, drop: left the cache unused)\n");
		printf("swap cache by folio order:");
	}
	for (i = 0; i < SWAP_ORDERS; i++) {
		if (bpf_map__lookup_elem(p->skel->maps.cache, &i, sizeof(i), &ord,
					 sizeof(ord), 0) || (!ord.adds && !ord.dels))
			continue;
		if (json_output) {
			o = jw_push_object(arr);
			jw_set_uint(o, "order", i);
			jw_set_uint(o, "adds", ord.adds);
			jw_set_uint(o, "deletes", ord.dels);
		} else {
			printf(" order %u: +%llu -%llu", i,
			       (unsigned long long)ord.adds,
			       (unsigned long long)ord.dels);
		}
	}
	if (json_output)
		arr = jw_set_array(root, "readahead_windows");
	else
		printf("\nreadahead windows by pages read ahead:");
	for (i = 0; i < SWAP_RA_MAX; i++) {
		if (bpf_map__lookup_elem(p->skel->maps.ra_sizes, &i, sizeof(i),
					 &n, sizeof(n), 0) || !n)
			continue;
		if (json_output) {
			o = jw_push_object(arr);
			jw_set_uint(o, "pages", i);
			jw_set_uint(o, "count", n);
		} else {
			printf(" %u%s: %llu", i, i == SWAP_RA_MAX - 1 ? "+" : "",
			       (unsigned long long)n);
		}
	}
	if (!json_output) {
		printf("\n");
		return;
	}
	jw_emit(root);
}

static const struct tracer swap_tracer = {
	.name = "swap",
	.summary = "swap-outs, swap-ins with latency, swap cache adds/deletes by order, readahead use",
	.order = 6,
	.ctx_size = sizeof(struct sw_run),
	.ops = {
		.start = sw_start,
		.pin = sw_pin,
		.report = sw_report,
		.release = sw_release,
	},
};
TRACE_REGISTER(swap_tracer);
