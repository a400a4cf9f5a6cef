// SPDX-License-Identifier: GPL-2.0
/*
 * mmscope trace TRACER [--pid PID] [--duration S] [--pin] [--attach M]:
 * load a BPF tracer, attach it, pin its maps and links under
 * /sys/fs/bpf/mmscope/TRACER/ while it runs, print a summary at the end.
 */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
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

static const struct tracer tracers[] = {
	{ "faults", "page faults: minor/major, by CPU mode, latency (--handlers: by handler and result)", trace_faults },
	{ "core", "the core's pid -> mm lookups (fentry on a module function)",
	  trace_core },
	{ "pagetables", "page-table pages allocated, copied at fork, freed; PMD splits", trace_pagetables },
	{ "pageref", "one page's refcount/mapcount changes, by function, with stacks (--pfn PFN | --pid PID ADDR)", trace_pageref },
	{ NULL }
};

bool trace_verbose;
static volatile sig_atomic_t stop;

static int libbpf_print(enum libbpf_print_level level, const char *fmt,
			va_list ap)
{
	if (!trace_verbose || level == LIBBPF_DEBUG)
		return 0;
	return vfprintf(stderr, fmt, ap);
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
	if (err)
		p_err("pin %s: %s", path, errno_str(-err));
	return err;
}

static int unpin_dir(const char *dir)
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
		unpin_dir(r->dir);
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

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static unsigned int now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void trace_wait(struct trace_run *r)
{
	struct timespec tick = { 0, 50 * 1000000 };
	unsigned int start = now_ms();

	while (!stop) {
		if (r->duration_ms && now_ms() - start >= r->duration_ms)
			break;
		if (r->pid && kill(r->pid, 0) && errno == ESRCH)
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

int trace_run_tracer(struct trace_run *r, const struct trace_ops *ops,
		     void *ctx)
{
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
		p_err("%s: %s", r->name, r->failed);
		goto out;
	}
	if (trace_pin_begin(r) || ops->pin(r, ctx))
		goto out;
	if (!json_output)
		fprintf(stderr, "mmscope: tracing %s with %s, Ctrl-C to stop\n",
			r->name, trace_method_name(r->attach));
	trace_wait(r);
	ops->report(r, ctx);
	ret = EXIT_OK;
out:
	trace_unpin(r);
	ops->release(r, ctx);
	return ret;
}

static int trace_help(void)
{
	char text[4096];
	int i, n;

	n = snprintf(text, sizeof(text),
		"Usage: mmscope trace TRACER [--pid PID] [--duration S] [--pin]\n"
		"                     [--attach auto|fentry|kprobe] [--verbose]\n"
		"       mmscope trace faults [--latency | --handlers | --sample-period N] [options]\n"
		"       mmscope trace list\n"
		"       mmscope trace unpin TRACER\n"
		"\n"
		"Load a BPF tracer, attach it, and print what it counted when\n"
		"stopped (Ctrl-C, SIGTERM, --duration, or the end of --pid).\n"
		"While it runs its maps and links are pinned in\n"
		"/sys/fs/bpf/mmscope/TRACER/ for bpftool; they are removed at\n"
		"the end unless --pin is given, which leaves the tracer attached\n"
		"and counting until 'mmscope trace unpin TRACER'.\n"
		"\n"
		"TRACER:\n");
	for (i = 0; tracers[i].name && n < (int)sizeof(text); i++)
		n += snprintf(text + n, sizeof(text) - n, "  %-11s %s\n",
			      tracers[i].name, tracers[i].summary);
	if (n < (int)sizeof(text))
		snprintf(text + n, sizeof(text) - n,
			"\n"
			"  --pid PID       only this process (thread group; faults by default:\n"
			"                  and the processes it forks after the start)\n"
			"  --pfn PFN, ADDR pageref: the page frame, or the page at ADDR of --pid PID\n"
			"  --duration S    stop after S seconds (decimals allowed)\n"
			"  --pin           leave it pinned and attached after exit\n"
			"  --attach M      fentry (fentry/fexit), kprobe (kprobe/kretprobe),\n"
			"                  auto (default: fentry, kprobe where it cannot attach)\n"
			"  --latency       faults: also the page-faults event where a fault\n"
			"                  begins (x86 has cheaper tracepoints for it): faults\n"
			"                  not accounted, sampled latency; a second event per fault\n"
			"  --sample-period N  faults: run the default mode's program once every\n"
			"                  N minor faults (default 64; counts stay exact)\n"
			"  --handlers      faults: by handler, VM_FAULT_* result and latency,\n"
			"                  from handle_mm_fault() (slower: see docs/tracing.md)\n"
			"  --verbose       libbpf's messages on stderr\n"
			"\n"
			"See docs/tracing.md for the JSON fields and how each fault handler\n"
			"is recognised on each kernel.\n");
	print_help(text);
	return EXIT_OK;
}

static int trace_list(void)
{
	struct json_object *arr, *obj;
	int i;

	if (!json_output) {
		for (i = 0; tracers[i].name; i++)
			printf("%-8s %s\n", tracers[i].name, tracers[i].summary);
		return EXIT_OK;
	}
	arr = jw_array();
	for (i = 0; tracers[i].name; i++) {
		obj = jw_push_object(arr);
		jw_set_str(obj, "name", tracers[i].name);
		jw_set_str(obj, "summary", tracers[i].summary);
	}
	jw_emit(arr);
	return EXIT_OK;
}

static const struct tracer *find_tracer(const char *name)
{
	int i;

	for (i = 0; tracers[i].name; i++)
		if (!strcmp(tracers[i].name, name))
			return &tracers[i];
	return NULL;
}

static int trace_unpin_cmd(int argc, char **argv)
{
	char dir[128];

	if (argc != 1)
		return usage_err("mmscope trace", "unpin takes one TRACER");
	if (!find_tracer(argv[0]))
		return usage_err("mmscope trace", "unknown tracer '%s'", argv[0]);
	snprintf(dir, sizeof(dir), TRACE_PIN_ROOT "/%s", argv[0]);
	if (unpin_dir(dir)) {
		p_err("%s: %s", dir, errno_str(errno));
		return EXIT_FAILED;
	}
	if (json_output)
		jw_emit(NULL);
	return EXIT_OK;
}

static int parse_duration(const char *arg, unsigned int *ms)
{
	char *end;
	double s;

	errno = 0;
	s = strtod(arg, &end);
	if (errno || end == arg || *end || s <= 0 || s > 86400)
		return usage_err("mmscope trace", "bad duration '%s' (seconds)",
				 arg);
	*ms = s * 1000 + 0.5;
	return 0;
}

int do_trace(int argc, char **argv)
{
	static const struct option options[] = {
		{ "pid",	required_argument,	NULL,	'P' },
		{ "duration",	required_argument,	NULL,	'd' },
		{ "pin",	no_argument,		NULL,	'n' },
		{ "attach",	required_argument,	NULL,	'a' },
		{ "verbose",	no_argument,		NULL,	'v' },
		{ "handlers",	no_argument,		NULL,	'H' },
		{ "latency",	no_argument,		NULL,	'L' },
		{ "sample-period", required_argument,	NULL,	'S' },
		{ NULL }
	};
	struct sigaction sa = { .sa_handler = on_signal };
	struct trace_run r = { 0 };
	const struct tracer *t;
	uint64_t pid, period;
	int opt;

	if (argc < 1 || is_help(argv[0]))
		return trace_help();
	if (!strcmp(argv[0], "list"))
		return trace_list();
	if (!strcmp(argv[0], "unpin"))
		return trace_unpin_cmd(argc - 1, argv + 1);
	t = find_tracer(argv[0]);
	if (!t)
		return usage_err("mmscope trace", "unknown tracer '%s'", argv[0]);
	r.name = t->name;
	if (t->run == trace_pageref && (argc = trace_pageref_args(argc, argv)) < 0)
		return EXIT_USAGE;	/* its --pfn PFN and ADDR */

	optind = 0;	/* glibc: start over, argv[0] is the tracer */
	opterr = 0;
	while ((opt = getopt_long(argc, argv, "+", options, NULL)) >= 0) {
		switch (opt) {
		case 'P':
			if (parse_u64(optarg, &pid, "pid"))
				return EXIT_USAGE;
			if (!pid || pid > INT_MAX)
				return usage_err("mmscope trace", "bad pid '%s'",
						 optarg);
			r.pid = pid;
			break;
		case 'd':
			if (parse_duration(optarg, &r.duration_ms))
				return EXIT_USAGE;
			break;
		case 'n':
			r.pin = true;
			break;
		case 'a':
			if (!strcmp(optarg, "fentry"))
				r.method = TRACE_FENTRY;
			else if (!strcmp(optarg, "kprobe"))
				r.method = TRACE_KPROBE;
			else if (!strcmp(optarg, "auto"))
				r.method = TRACE_AUTO;
			else
				return usage_err("mmscope trace",
						 "--attach: fentry, kprobe or auto, not '%s'",
						 optarg);
			break;
		case 'v':
			trace_verbose = true;
			break;
		case 'H':
			if (t->run != trace_faults)
				return usage_err("mmscope trace",
						 "--handlers is an option of faults");
			r.handlers = true;
			break;
		case 'L':
			if (t->run != trace_faults)
				return usage_err("mmscope trace",
						 "--latency is an option of faults");
			r.latency = true;
			break;
		case 'S':
			if (t->run != trace_faults)
				return usage_err("mmscope trace",
						 "--sample-period is an option of faults");
			if (parse_u64(optarg, &period, "sample period"))
				return EXIT_USAGE;
			if (!period || period > 1U << 20)
				return usage_err("mmscope trace",
						 "bad sample period '%s' (1..1048576)",
						 optarg);
			r.sample_period = period;
			break;
		default:
			return usage_err("mmscope trace", "unknown option '%s'",
					 argv[optind - 1]);
		}
	}
	if (optind < argc)
		return usage_err("mmscope trace", "unexpected argument '%s'",
				 argv[optind]);
	if (r.latency && r.handlers)
		return usage_err("mmscope trace",
				 "faults: --handlers has its own latency; --latency is for the default mode");
	if (r.sample_period && (r.latency || r.handlers))
		return usage_err("mmscope trace",
				 "faults: --sample-period is for the default mode (--latency and --handlers run at every fault)");
	if (t->run == trace_faults && r.method != TRACE_AUTO && !r.handlers)
		return usage_err("mmscope trace",
				 "faults: --attach chooses how --handlers attaches; without it faults uses perf events");
	if (r.pid && kill(r.pid, 0) && errno == ESRCH) {
		p_err("pid %d: %s", r.pid, errno_str(ESRCH));
		return EXIT_FAILED;
	}
	/*
	 * From here on Ctrl-C only stops the wait (at once if it came
	 * while loading), so that the pins are always removed.
	 */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	libbpf_set_print(libbpf_print);
	return t->run(&r);
}
