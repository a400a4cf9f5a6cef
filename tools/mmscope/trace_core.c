// SPDX-License-Identifier: GPL-2.0
/*
 * mmscope trace core: calls of mmscope_core's mmscope_target_get() (the
 * pid -> mm lookup behind every module's ioctls), per looked-up pid. It
 * is the suite's check that BPF reaches the modules' own functions:
 * fexit attaches through the module's BTF, kprobes by symbol name.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <linux/types.h>

#include "common.h"
#include "trace.h"
#include "core.h"
#include "core.skel.h"

#define CORE_FUNC	"mmscope_target_get"

struct core_run {
	struct core_bpf *skel;
	struct bpf_link *entry, *exit;
};

static void core_release(struct trace_run *r, void *ctx)
{
	struct core_run *c = ctx;

	trace_link_release(r, c->exit);
	trace_link_release(r, c->entry);
	core_bpf__destroy(c->skel);
	c->skel = NULL;
	c->entry = c->exit = NULL;
}

static int core_start(struct trace_run *r, void *ctx)
{
	bool fentry = r->attach == TRACE_FENTRY;
	struct core_run *c = ctx;
	struct core_bpf *s;
	int err;

	c->skel = s = core_bpf__open();
	if (!s) {
		err = -errno;
		return trace_failed(r, err, "cannot open the BPF object: %s",
				    errno_str(-err));
	}
	if (fentry && !trace_kernel_has(CORE_FUNC))
		return trace_failed(r, -ENOENT,
				    "fentry: no BTF has %s: is mmscope_core loaded, with /sys/kernel/btf/mmscope_core?",
				    CORE_FUNC);
	bpf_program__set_autoload(s->progs.fexit_target_get, fentry);
	bpf_program__set_autoload(s->progs.kprobe_target_get, !fentry);
	bpf_program__set_autoload(s->progs.kretprobe_target_get, !fentry);
	s->rodata->target_tgid = r->pid;
	err = core_bpf__load(s);
	if (err)
		return trace_failed(r, err, "%s: load: %s",
				    trace_method_name(r->attach),
				    errno_str(-err));
	if (fentry) {
		c->exit = bpf_program__attach_trace(s->progs.fexit_target_get);
	} else {
		c->entry = bpf_program__attach_kprobe(s->progs.kprobe_target_get,
						      false, CORE_FUNC);
		if (c->entry)
			c->exit = bpf_program__attach_kprobe(s->progs.kretprobe_target_get,
							     true, CORE_FUNC);
	}
	if (!c->exit) {
		err = -errno;
		return trace_failed(r, err, "%s on %s: %s",
				    fentry ? "fexit" : "kprobe", CORE_FUNC,
				    trace_attach_error(err));
	}
	return 0;
}

static int core_pin(struct trace_run *r, void *ctx)
{
	struct core_run *c = ctx;
	int err = trace_pin_map(r, c->skel->maps.pending);

	if (!err && c->entry)
		err = trace_pin_link(r, c->entry, CORE_FUNC);
	if (!err)
		err = trace_pin_link(r, c->exit, CORE_FUNC "_exit");
	if (!err)	/* last, as for faults: the tracer is counting */
		err = trace_pin_map(r, c->skel->maps.lookups);
	return err;
}

static void core_report(struct trace_run *r, void *ctx)
{
	const char *attach = r->attach == TRACE_FENTRY ? "fexit" : "kprobe";
	struct json_object *root = NULL, *arr = NULL, *obj;
	struct core_run *c = ctx;
	struct bpf_map *map = c->skel->maps.lookups;
	struct core_lookups l, tot = { 0 };
	__s32 key, next, *prev = NULL;

	if (json_output) {
		root = trace_json_root(r, attach);
		jw_set_str(root, "function", CORE_FUNC);
		jw_set_str(root, "module", "mmscope_core");
		arr = jw_set_array(root, "lookups");
	} else {
		trace_print_header(r, attach);
		printf("%-10s %8s %8s %8s\n", "pid", "calls", "found", "failed");
	}
	while (!bpf_map__get_next_key(map, prev, &next, sizeof(next))) {
		key = next;
		prev = &key;
		if (bpf_map__lookup_elem(map, &key, sizeof(key), &l, sizeof(l), 0))
			continue;
		tot.calls += l.calls;
		tot.found += l.found;
		tot.failed += l.failed;
		if (!json_output) {
			printf("%-10d %8llu %8llu %8llu\n", key,
			       (unsigned long long)l.calls,
			       (unsigned long long)l.found,
			       (unsigned long long)l.failed);
			continue;
		}
		obj = jw_push_object(arr);
		jw_set_int(obj, "pid", key);
		jw_set_uint(obj, "calls", l.calls);
		jw_set_uint(obj, "found", l.found);
		jw_set_uint(obj, "failed", l.failed);
	}
	if (!json_output) {
		printf("%-10s %8llu %8llu %8llu\n", "total",
		       (unsigned long long)tot.calls,
		       (unsigned long long)tot.found,
		       (unsigned long long)tot.failed);
		return;
	}
	obj = jw_set_object(root, "total");
	jw_set_uint(obj, "calls", tot.calls);
	jw_set_uint(obj, "found", tot.found);
	jw_set_uint(obj, "failed", tot.failed);
	jw_emit(root);
}

static const struct tracer core_tracer = {
	.name = "core",
	.summary = "the core's pid -> mm lookups (a module function: fexit or kretprobe)",
	.order = 2,
	.ctx_size = sizeof(struct core_run),
	.ops = {
		.start = core_start,
		.pin = core_pin,
		.report = core_report,
		.release = core_release,
	},
};
TRACE_REGISTER(core_tracer);
