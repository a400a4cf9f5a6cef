// SPDX-License-Identifier: GPL-2.0
/*
 * What every tracer's run shares: the attach method and its fallback,
 * the kernel's BTF, pinning under /sys/fs/bpf/mmscope/TRACER/, the wait
 * for the end, and the common head of the summary.
 */
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <time.h>
#include <unistd.h>

#include <bpf/btf.h>

#include "common.h"
#include "trace.h"

#define BPF_FS_MAGIC	0xcafe4a11	/* statfs f_type of bpffs */
#define ENOTSUPP	524		/* the kernel's internal "not supported" */

bool trace_verbose;
static volatile sig_atomic_t stop;

void trace_stop(void)
{
	stop = 1;
}

const char *trace_method_name(enum trace_method m)
{
	switch (m) {
	case TRACE_FENTRY:
		return "fentry";
	case TRACE_KPROBE:
		return "kprobe";
	case TRACE_PERF:
		return "perf_event";
	case TRACE_TP:
		return "tp_btf";
	default:
		return "auto";
	}
}

const char *trace_attach_error(int err)
{
	static char buf[160];

	if (err == -ENOTSUPP)
		return "error 524 (ENOTSUPP): this kernel has no BPF trampolines for fentry/fexit on this arch";
	snprintf(buf, sizeof(buf), "%s", errno_str(-err));
	return buf;
}

struct btf *trace_kernel_btf(void)
{
	static struct btf *btf;
	static bool tried;

	if (!tried) {
		tried = true;
		btf = btf__load_vmlinux_btf();
		if (!btf)
			p_warn("no kernel BTF (/sys/kernel/btf/vmlinux): %s",
			       errno_str(errno));
	}
	return btf;
}

/* A module's split BTF on top of the kernel's. */
static bool module_has(const char *func)
{
	struct btf *base = trace_kernel_btf(), *btf;
	struct dirent *de;
	bool found = false;
	char path[PATH_MAX];
	DIR *d;

	d = opendir("/sys/kernel/btf");
	if (!d || !base)
		goto out;
	while (!found && (de = readdir(d))) {
		if (de->d_name[0] == '.' || !strcmp(de->d_name, "vmlinux"))
			continue;
		snprintf(path, sizeof(path), "/sys/kernel/btf/%s", de->d_name);
		btf = btf__parse_split(path, base);
		if (!btf)
			continue;
		found = btf__find_by_name_kind(btf, func, BTF_KIND_FUNC) > 0;
		btf__free(btf);
	}
out:
	if (d)
		closedir(d);
	return found;
}

bool trace_kernel_has(const char *func)
{
	struct btf *btf = trace_kernel_btf();

	if (btf && btf__find_by_name_kind(btf, func, BTF_KIND_FUNC) > 0)
		return true;
	return module_has(func);
}

int trace_kernel_tp_args(const char *tp, bool *first_is_ptr)
{
	struct btf *btf = trace_kernel_btf();
	const struct btf_type *t, *proto;
	char name[128];
	int id;

	snprintf(name, sizeof(name), "btf_trace_%s", tp);
	id = btf ? btf__find_by_name_kind(btf, name, BTF_KIND_TYPEDEF) : -1;
	if (id <= 0)
		return -1;
	t = btf__type_by_id(btf, btf__type_by_id(btf, id)->type);
	proto = t && btf_is_ptr(t) ? btf__type_by_id(btf, t->type) : NULL;
	if (!proto || !btf_is_func_proto(proto) || btf_vlen(proto) < 1)
		return -1;
	if (first_is_ptr) {
		t = btf_vlen(proto) > 1 ?
			btf__type_by_id(btf, btf_params(proto)[1].type) : NULL;
		while (t && (btf_is_typedef(t) || btf_is_mod(t)))
			t = btf__type_by_id(btf, t->type);
		*first_is_ptr = t && btf_is_ptr(t);
	}
	return btf_vlen(proto) - 1;	/* the first is the tracepoint's data */
}

const char *trace_kernel_enum_name(const char *enum_name, long long value,
				   const char *prefix, char *buf, size_t size)
{
	struct btf *btf = trace_kernel_btf();
	const struct btf_type *t;
	const struct btf_enum *e;
	const char *n;
	size_t plen = strlen(prefix);
	int id, i;

	snprintf(buf, size, "?%lld", value);
	id = btf ? btf__find_by_name_kind(btf, enum_name, BTF_KIND_ENUM) : -1;
	t = id > 0 ? btf__type_by_id(btf, id) : NULL;
	for (i = 0, e = t ? btf_enum(t) : NULL; t && i < btf_vlen(t); i++, e++) {
		if (e->val != value)
			continue;
		n = btf__name_by_offset(btf, e->name_off);
		snprintf(buf, size, "%s", strncmp(n, prefix, plen) ? n : n + plen);
		break;
	}
	return buf;
}

int trace_pin_begin(struct trace_run *r)
{
	struct statfs fs;
	DIR *d;

	if (statfs("/sys/fs/bpf", &fs) || fs.f_type != BPF_FS_MAGIC) {
		p_err("/sys/fs/bpf: not a bpf filesystem (mount -t bpf bpf /sys/fs/bpf)");
		return -ENOENT;
	}
	snprintf(r->dir, sizeof(r->dir), TRACE_PIN_ROOT "/%s", r->name);
	if (mkdir(TRACE_PIN_ROOT, 0700) && errno != EEXIST) {
		p_err("%s: %s", TRACE_PIN_ROOT, errno_str(errno));
		return -errno;
	}
	/* root's alone, like the module's files, whatever made it first */
	if (chmod(TRACE_PIN_ROOT, 0700)) {
		p_err("%s: %s", TRACE_PIN_ROOT, errno_str(errno));
		return -errno;
	}
	if (!mkdir(r->dir, 0700))
		return 0;
	if (errno != EEXIST) {
		p_err("%s: %s", r->dir, errno_str(errno));
		return -errno;
	}
	/* An empty directory is left over; anything in it is in use. */
	d = opendir(r->dir);
	if (d) {
		struct dirent *de;
		bool empty = true;

		while ((de = readdir(d)))
			if (de->d_name[0] != '.')
				empty = false;
		closedir(d);
		if (empty)
			return 0;
	}
	p_err("%s: tracer '%s' is already pinned (running, or left by --pin): 'mmscope trace unpin %s' removes it",
	      r->dir, r->name, r->name);
	r->dir[0] = '\0';
	return -EEXIST;
}

int trace_pin_map(struct trace_run *r, struct bpf_map *map)
{
	const char *name = bpf_map__name(map), *dot = strrchr(name, '.');
	char path[PATH_MAX];
	int err;

	/* Internal maps ("faults_b.bss") are pinned as "bss". */
	snprintf(path, sizeof(path), "%s/%s", r->dir, dot ? dot + 1 : name);
	err = bpf_map__pin(map, path);
	if (!err && chmod(path, 0600))
		err = -errno;
	if (err)
		p_err("pin %s: %s", path, errno_str(-err));
	return err;
}

int trace_pin_link(struct trace_run *r, struct bpf_link *link,
		   const char *name)
{
	char path[PATH_MAX];
	int err;

	snprintf(path, sizeof(path), "%s/link_%s", r->dir, name);
	err = bpf_link__pin(link, path);
	if (!err && chmod(path, 0600))
		err = -errno;
	if (err)
		p_err("pin %s: %s", path, errno_str(-err));
	return err;
}

int trace_unpin_dir(const char *dir)
{
	char path[PATH_MAX];
	struct dirent *de;
	DIR *d;

	d = opendir(dir);
	if (!d)
		return -errno;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		unlink(path);
	}
	closedir(d);
	if (rmdir(dir))
		return -errno;
	rmdir(TRACE_PIN_ROOT);	/* fails while another tracer is pinned */
	return 0;
}

void trace_unpin(struct trace_run *r)
{
	if (r->dir[0] && !r->pin)
		trace_unpin_dir(r->dir);
}

void trace_link_release(struct trace_run *r, struct bpf_link *link)
{
	if (!link)
		return;
	if (r->pin)
		bpf_link__disconnect(link);
	else
		bpf_link__unpin(link);
	bpf_link__destroy(link);
}

static unsigned int now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Wait for Ctrl-C/SIGTERM, --duration or the end of --pid. */
static void trace_wait(struct trace_run *r)
{
	struct timespec tick = { 0, 50 * 1000000 };
	unsigned int start = now_ms();

	while (!stop) {
		if (r->duration_ms && now_ms() - start >= r->duration_ms)
			break;
		if (r->pid && kill(r->pid, 0) && errno == ESRCH)
			break;
		if (trace_cmd_exited(r))
			break;
		nanosleep(&tick, NULL);
	}
	r->elapsed_ms = now_ms() - start;
}

void trace_print_header(struct trace_run *r, const char *attach)
{
	char who[32] = "all processes";

	if (r->pid)
		snprintf(who, sizeof(who), "pid %d", r->pid);
	printf("%s: %s, %u ms, attached with %s%s%s\n", r->name, who,
	       r->elapsed_ms, attach, r->pin ? ", pinned in " : "",
	       r->pin ? r->dir : "");
	if (r->fallback[0])
		printf("  (fentry not used: %s)\n", r->fallback);
}

struct json_object *trace_json_root(struct trace_run *r, const char *attach)
{
	struct json_object *root = jw_object();

	jw_set_str(root, "tracer", r->name);
	jw_set_str(root, "attach", attach);
	if (r->pid)
		jw_set_int(root, "pid", r->pid);
	else
		jw_set_null(root, "pid");
	jw_set_uint(root, "duration_ms", r->elapsed_ms);
	if (r->pin)
		jw_set_str(root, "pinned", r->dir);
	else
		jw_set_null(root, "pinned");
	if (r->fallback[0])
		jw_set_str(root, "fallback", r->fallback);
	return root;
}

int trace_failed(struct trace_run *r, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(r->failed, sizeof(r->failed), fmt, ap);
	va_end(ap);
	return err;
}

/* What to do about a failed start, when the cause is a common one. */
static const char *trace_hint(int err)
{
	if ((err == -EPERM || err == -EACCES) && geteuid())
		return " (tracing needs root: CAP_BPF and CAP_PERFMON, or CAP_SYS_ADMIN)";
	if (err == -EPERM || err == -EACCES)
		return " (refused even to root: kernel lockdown, see dmesg)";
	if ((err == -ENOENT || err == -ESRCH || err == -EINVAL) &&
	    access("/sys/module/mmscope_core", F_OK))
		return " (mmscope_core is not loaded: load it, modprobe mmscope_core)";
	return "";
}

int trace_run_tracer(struct trace_run *r, const struct tracer *t, void *ctx)
{
	const struct trace_ops *ops = &t->ops;
	int err, ret = EXIT_FAILED;

	r->attach = r->method == TRACE_KPROBE ? TRACE_KPROBE : TRACE_FENTRY;
	err = ops->start(r, ctx);
	if (err && r->method == TRACE_AUTO && r->attach == TRACE_FENTRY) {
		memcpy(r->fallback, r->failed, sizeof(r->fallback));
		ops->release(r, ctx);
		r->attach = TRACE_KPROBE;
		err = ops->start(r, ctx);
	}
	if (err) {
		p_err("%s: %s%s", r->name, r->failed, trace_hint(err));
		goto out;
	}
	if (trace_pin_begin(r) || ops->pin(r, ctx))
		goto out;
	if (!json_output && t->banner)
		fprintf(stderr, "mmscope: %s, Ctrl-C to stop\n", t->banner);
	else if (!json_output)
		fprintf(stderr, "mmscope: tracing %s with %s, Ctrl-C to stop\n",
			r->name, trace_method_name(r->attach));
	trace_cmd_go(r);
	trace_wait(r);
	ops->report(r, ctx);
	ret = EXIT_OK;
out:
	trace_unpin(r);
	ops->release(r, ctx);
	return ret;
}
