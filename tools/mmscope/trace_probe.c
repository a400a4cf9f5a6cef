// SPDX-License-Identifier: GPL-2.0
/*
 * What attach method the tracers get on this kernel ('mmscope trace
 * list'): a BPF program of two instructions is loaded as fentry on a
 * kernel function and attached, then dropped at once. Where that fails
 * (no BPF trampolines on the arch, no BTF, not root) --attach auto uses
 * kprobes; the reason is reported.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <linux/bpf.h>

#include "common.h"
#include "trace.h"

/* a function every kernel has, called rarely */
#define PROBE_FUNC "vfs_fsync_range"

int trace_fentry_probe(char *why, size_t size)
{
	/* r0 = 0; exit */
	const struct bpf_insn insns[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	LIBBPF_OPTS(bpf_prog_load_opts, opts,
		    .expected_attach_type = BPF_TRACE_FENTRY);
	struct btf *btf = trace_kernel_btf();
	int id, prog, link;

	if (geteuid()) {
		snprintf(why, size, "not root: loading BPF needs root (CAP_BPF and CAP_PERFMON, or CAP_SYS_ADMIN)");
		return -EPERM;
	}
	id = btf ? btf__find_by_name_kind(btf, PROBE_FUNC, BTF_KIND_FUNC) : -1;
	if (id <= 0) {
		snprintf(why, size, "no kernel BTF for %s", PROBE_FUNC);
		return -ENOENT;
	}
	opts.attach_btf_id = id;
	prog = bpf_prog_load(BPF_PROG_TYPE_TRACING, "mmscope_probe", "GPL",
			     insns, 2, &opts);
	if (prog < 0) {
		snprintf(why, size, "fentry load: %s", trace_attach_error(-errno));
		return -errno;
	}
	link = bpf_link_create(prog, 0, BPF_TRACE_FENTRY, NULL);
	if (link < 0) {
		int err = -errno;

		snprintf(why, size, "fentry attach: %s", trace_attach_error(err));
		close(prog);
		return err;
	}
	close(link);
	close(prog);
	return 0;
}

/* The method tracer t starts with here, given what the probe said. */
static const char *method_here(const struct tracer *t, bool fentry)
{
	if (t->attach == TRACE_PERF || t->attach == TRACE_KPROBE)
		return trace_method_name(t->attach);
	return fentry ? "fentry" : "kprobe";
}

/* The column width that fits s too. */
static int max_len(int w, const char *s)
{
	int n = strlen(s);

	return n > w ? n : w;
}

int trace_list_report(const struct tracer *const *tracers, unsigned int n)
{
	struct json_object *root, *arr, *obj;
	char why[200] = "";
	int wn = strlen("TRACER"), wm = strlen("ATTACH");
	unsigned int i;
	bool fentry;

	fentry = !trace_fentry_probe(why, sizeof(why));
	if (!json_output) {
		if (fentry)
			printf("fentry on this kernel: yes\n");
		else
			printf("fentry on this kernel: no (%s); --attach auto uses kprobes\n",
			       why);
		for (i = 0; i < n; i++) {
			wn = max_len(wn, tracers[i]->name);
			wm = max_len(wm, method_here(tracers[i], fentry));
		}
		printf("%-*s %-*s %s\n", wn, "TRACER", wm, "ATTACH", "WHAT");
		for (i = 0; i < n; i++)
			printf("%-*s %-*s %s\n", wn, tracers[i]->name, wm,
			       method_here(tracers[i], fentry),
			       tracers[i]->summary);
		return EXIT_OK;
	}
	root = jw_object();
	jw_set_bool(root, "fentry", fentry);
	if (!fentry)
		jw_set_str(root, "fentry_error", why);
	arr = jw_set_array(root, "tracers");
	for (i = 0; i < n; i++) {
		obj = jw_push_object(arr);
		jw_set_str(obj, "name", tracers[i]->name);
		jw_set_str(obj, "attach", method_here(tracers[i], fentry));
		jw_set_str(obj, "summary", tracers[i]->summary);
	}
	jw_emit(root);
	return EXIT_OK;
}
