// SPDX-License-Identifier: GPL-2.0
/*
 * mmscope trace TRACER [--pid PID] [--duration S] [--pin] [--attach M]:
 * load a BPF tracer, attach it, pin its maps and links under
 * /sys/fs/bpf/mmscope/TRACER/ while it runs, print a summary at the end.
 *
 * The tracers register themselves (TRACE_REGISTER() in trace.h); the
 * command line, the help and 'trace list' are made from what they
 * declare.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "common.h"
#include "trace.h"

#define LEVEL	"mmscope trace"

extern const struct tracer *const __start_mmscope_tracers[];
extern const struct tracer *const __stop_mmscope_tracers[];

/* The options every tracer has. */
enum { OPT_PID, OPT_DURATION, OPT_PIN, OPT_ATTACH, OPT_VERBOSE, NR_COMMON };

static const struct trace_option common_options[NR_COMMON + 1] = {
	[OPT_PID] = { "pid", "PID",
		"only this process (thread group; faults, not with\n"
		"--latency: and the processes it starts)" },
	[OPT_DURATION] = { "duration", "S",
		"stop after S seconds (decimals allowed)" },
	[OPT_PIN] = { "pin", NULL,
		"leave it pinned and attached after exit" },
	[OPT_ATTACH] = { "attach", "M",
		"fentry (fentry/fexit), kprobe (kprobe/kretprobe),\n"
		"auto (default: fentry, kprobe where it cannot attach)" },
	[OPT_VERBOSE] = { "verbose", NULL, "libbpf's messages on stderr" },
	{ NULL }
};

static const struct tracer **tracers;
static unsigned int ntracers;

static int by_order(const void *a, const void *b)
{
	const struct tracer *x = *(const struct tracer *const *)a;
	const struct tracer *y = *(const struct tracer *const *)b;

	return x->order - y->order;
}

/* The registered tracers, in their order, into tracers[]. */
static void find_tracers(void)
{
	size_t n = __stop_mmscope_tracers - __start_mmscope_tracers;

	if (tracers || !n)
		return;
	tracers = malloc(n * sizeof(*tracers));
	if (!tracers)
		return;
	memcpy(tracers, __start_mmscope_tracers, n * sizeof(*tracers));
	qsort(tracers, n, sizeof(*tracers), by_order);
	ntracers = n;
}

static const struct tracer *find_tracer(const char *name)
{
	unsigned int i;

	find_tracers();
	for (i = 0; i < ntracers; i++)
		if (!strcmp(tracers[i]->name, name))
			return tracers[i];
	return NULL;
}

static unsigned int count_options(const struct trace_option *o)
{
	unsigned int n = 0;

	while (o && o[n].name)
		n++;
	return n;
}

static void help_options(FILE *f, const struct trace_option *o)
{
	char label[64];
	const char *line, *nl;

	for (; o && o->name; o++) {
		snprintf(label, sizeof(label), "--%s%s%s", o->name,
			 o->arg ? " " : "", o->arg ? o->arg : "");
		fprintf(f, strlen(label) > 15 ? "  %s  " : "  %-15s ", label);
		for (line = o->help; line; line = nl ? nl + 1 : NULL) {
			nl = strchr(line, '\n');
			fprintf(f, "%s%.*s\n", line == o->help ? "" : "                  ",
				nl ? (int)(nl - line) : (int)strlen(line), line);
		}
	}
}

static int trace_help(void)
{
	unsigned int i;
	size_t size = 0;
	char *text = NULL;
	FILE *f;

	find_tracers();
	f = open_memstream(&text, &size);
	if (!f)
		return EXIT_FAILED;
	fprintf(f, "Usage: mmscope trace TRACER [--pid PID] [--duration S] [--pin]\n"
		   "                     [--attach auto|fentry|kprobe] [--verbose]\n"
		   "       mmscope trace TRACER [options] -- COMMAND [ARGS...]\n");
	for (i = 0; i < ntracers; i++)
		if (tracers[i]->usage)
			fprintf(f, "       mmscope trace %s %s\n",
				tracers[i]->name, tracers[i]->usage);
	fprintf(f, "       mmscope trace list\n"
		   "       mmscope trace unpin TRACER\n"
		   "\n"
		   "Load a BPF tracer, attach it, and print what it counted when\n"
		   "stopped (Ctrl-C, SIGTERM, --duration, or the end of --pid).\n"
		   "While it runs its maps and links are pinned in\n"
		   "/sys/fs/bpf/mmscope/TRACER/ for bpftool; they are removed at\n"
		   "the end unless --pin is given, which leaves the tracer attached\n"
		   "and counting until 'mmscope trace unpin TRACER'.\n"
		   "With -- COMMAND the tracer attaches first, then runs COMMAND,\n"
		   "traces it as --pid (faults: its children too) and stops when it\n"
		   "exits.\n"
		   "\n"
		   "TRACER:\n");
	for (i = 0; i < ntracers; i++)
		fprintf(f, "  %-11s %s\n", tracers[i]->name, tracers[i]->summary);
	fprintf(f, "\nEvery tracer:\n");
	help_options(f, common_options);
	for (i = 0; i < ntracers; i++) {
		if (!count_options(tracers[i]->options))
			continue;
		fprintf(f, "\n%s:\n", tracers[i]->name);
		help_options(f, tracers[i]->options);
	}
	fprintf(f, "\nSee docs/tracing.md for the JSON fields and how each fault handler\n"
		   "is recognised on each kernel.\n");
	fclose(f);
	print_help(text);
	free(text);
	return EXIT_OK;
}

void trace_help_names(void)
{
	unsigned int i;

	find_tracers();
	if (json_output || !ntracers)
		return;
	printf("\nTRACER := {");
	for (i = 0; i < ntracers; i++)
		printf(" %s%s", tracers[i]->name, i + 1 < ntracers ? " |" : " }");
	printf("\n  mmscope trace TRACER [--pid PID] [--duration S]; each\n"
	       "  one's help: mmscope trace TRACER help; how each attaches here:\n"
	       "  mmscope trace list\n");
}

static int trace_list(void)
{
	find_tracers();
	return trace_list_report(tracers, ntracers);
}

/* "mmscope trace TRACER help": its usage, what it does, its options. */
static int tracer_help(const struct tracer *t)
{
	size_t size = 0;
	char *text = NULL;
	FILE *f;

	f = open_memstream(&text, &size);
	if (!f)
		return EXIT_FAILED;
	fprintf(f, "Usage: mmscope trace %s [--pid PID] [--duration S] [--pin]\n"
		   "       %*s [--attach auto|fentry|kprobe] [--verbose]\n",
		t->name, (int)strlen(t->name) + 13, "");
	if (t->usage)
		fprintf(f, "       mmscope trace %s %s\n", t->name, t->usage);
	fprintf(f, "\n%s: %s\n\nEvery tracer:\n", t->name, t->summary);
	help_options(f, common_options);
	if (count_options(t->options)) {
		fprintf(f, "\n%s:\n", t->name);
		help_options(f, t->options);
	}
	fprintf(f, "\n'mmscope trace list' says how each tracer attaches on this kernel;\n"
		   "docs/tracing.md has the JSON fields.\n");
	fclose(f);
	print_help(text);
	free(text);
	return EXIT_OK;
}

/* A help word among a tracer's arguments (before any "--"). */
static bool asks_help(int argc, char **argv)
{
	int i;

	for (i = 1; i < argc && strcmp(argv[i], "--"); i++)
		if (is_help(argv[i]))
			return true;
	return false;
}

static int trace_unpin_cmd(int argc, char **argv)
{
	char dir[128];

	if (argc != 1)
		return usage_err(LEVEL, "unpin takes one TRACER");
	if (!find_tracer(argv[0]))
		return usage_err(LEVEL, "unknown tracer '%s'", argv[0]);
	snprintf(dir, sizeof(dir), TRACE_PIN_ROOT "/%s", argv[0]);
	if (trace_unpin_dir(dir)) {
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
		return usage_err(LEVEL, "bad duration '%s' (seconds)", arg);
	*ms = s * 1000 + 0.5;
	return 0;
}

static int parse_common(struct trace_run *r, int opt, const char *arg)
{
	uint64_t pid;

	switch (opt) {
	case OPT_PID:
		if (parse_u64(arg, &pid, "pid"))
			return EXIT_USAGE;
		if (!pid || pid > INT_MAX)
			return usage_err(LEVEL, "bad pid '%s'", arg);
		r->pid = pid;
		return 0;
	case OPT_DURATION:
		return parse_duration(arg, &r->duration_ms);
	case OPT_PIN:
		r->pin = true;
		return 0;
	case OPT_ATTACH:
		if (!strcmp(arg, "fentry"))
			r->method = TRACE_FENTRY;
		else if (!strcmp(arg, "kprobe"))
			r->method = TRACE_KPROBE;
		else if (!strcmp(arg, "auto"))
			r->method = TRACE_AUTO;
		else
			return usage_err(LEVEL, "--attach: fentry, kprobe or auto, not '%s'",
					 arg);
		return 0;
	default:
		trace_verbose = true;
		return 0;
	}
}

/* Where a long option of the table comes from. */
struct opt_owner {
	const struct tracer *tracer;	/* NULL: a common option */
	int index;
};

/*
 * getopt_long()'s table: the common options, then every tracer's, so
 * that another tracer's option is named as such; own[] says whose each
 * is. NULL when out of memory.
 */
static struct option *build_options(struct opt_owner **ownp)
{
	const struct trace_option *o;
	struct opt_owner *own;
	struct option *opts;
	unsigned int i, n = NR_COMMON;
	int k;

	for (i = 0; i < ntracers; i++)
		n += count_options(tracers[i]->options);
	opts = calloc(n + 1, sizeof(*opts));
	own = calloc(n, sizeof(*own));
	if (!opts || !own) {
		free(opts);
		free(own);
		return NULL;
	}
	for (n = 0, k = 0; k < NR_COMMON; k++, n++) {
		opts[n] = (struct option){ common_options[k].name,
			common_options[k].arg ? required_argument : no_argument,
			NULL, n + 256 };
		own[n] = (struct opt_owner){ NULL, k };
	}
	for (i = 0; i < ntracers; i++)
		for (o = tracers[i]->options, k = 0; o && o[k].name; k++, n++) {
			opts[n] = (struct option){ o[k].name,
				o[k].arg ? required_argument : no_argument,
				NULL, n + 256 };
			own[n] = (struct opt_owner){ tracers[i], k };
		}
	*ownp = own;
	return opts;
}

/* The option called name of tracer t, or -1. */
static int tracer_option(const struct tracer *t, const char *name)
{
	int k;

	for (k = 0; t->options && t->options[k].name; k++)
		if (!strcmp(t->options[k].name, name))
			return k;
	return -1;
}

/* The argument's name in the help of the long option "--name". */
static const char *arg_name(const struct option *opts,
			    const struct opt_owner *own, const char *opt)
{
	const struct trace_option *o;
	int i;

	for (i = 0; opts[i].name; i++) {
		if (strcmp(opts[i].name, opt + 2))
			continue;
		o = own[i].tracer ? own[i].tracer->options : common_options;
		return o[own[i].index].arg;
	}
	return "value";
}

static int parse_opts(const struct tracer *t, struct trace_run *r, void *ctx,
		      int argc, char **argv, const struct option *opts,
		      const struct opt_owner *own)
{
	int opt, idx, k, err;

	optind = 0;	/* glibc: start over, argv[0] is the tracer */
	opterr = 0;
	/* "-": plain arguments come in order, as 1; ":": missing argument */
	while ((opt = getopt_long(argc, argv, "-:", opts, NULL)) >= 0) {
		if (opt == 1) {
			if (!t->parse)
				return usage_err(LEVEL, "unexpected argument '%s'",
						 optarg);
			err = t->parse(r, ctx, TRACE_ARG, optarg);
		} else if (opt == ':') {
			return usage_err(LEVEL, "%s needs a %s", argv[optind - 1],
					 arg_name(opts, own, argv[optind - 1]));
		} else if (opt < 256) {
			return usage_err(LEVEL, "unknown option '%s'",
					 argv[optind - 1]);
		} else if (!own[opt - 256].tracer) {
			err = parse_common(r, own[opt - 256].index, optarg);
		} else {
			idx = opt - 256;
			k = tracer_option(t, opts[idx].name);
			if (k < 0)
				return usage_err(LEVEL, "--%s is an option of %s",
						 opts[idx].name,
						 own[idx].tracer->name);
			err = t->parse(r, ctx, k, optarg);
		}
		if (err)
			return EXIT_USAGE;
	}
	/* getopt stops at "--": the rest is the command to trace */
	if (optind > 0 && optind <= argc && !strcmp(argv[optind - 1], "--")) {
		if (optind == argc)
			return usage_err(LEVEL, "-- needs a COMMAND");
		r->cmd = argv + optind;
	}
	return EXIT_OK;
}

static int parse_args(const struct tracer *t, struct trace_run *r, void *ctx,
		      int argc, char **argv)
{
	struct opt_owner *own = NULL;
	struct option *opts = build_options(&own);
	int ret;

	if (!opts) {
		p_err("%s", errno_str(ENOMEM));
		return EXIT_FAILED;
	}
	ret = parse_opts(t, r, ctx, argc, argv, opts, own);
	free(opts);
	free(own);
	return ret;
}

static int libbpf_print(enum libbpf_print_level level, const char *fmt,
			va_list ap)
{
	if (!trace_verbose || level == LIBBPF_DEBUG)
		return 0;
	return vfprintf(stderr, fmt, ap);
}

static void on_signal(int sig)
{
	(void)sig;
	trace_stop();
}

static int run(const struct tracer *t, int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = on_signal };
	struct trace_run r = { .name = t->name };
	void *ctx = calloc(1, t->ctx_size ? t->ctx_size : 1);
	int ret;

	if (!ctx) {
		p_err("%s", errno_str(ENOMEM));
		return EXIT_FAILED;
	}
	ret = parse_args(t, &r, ctx, argc, argv);
	if (ret)
		goto out;
	if (r.cmd && r.pid)
		ret = usage_err(LEVEL, "give --pid PID or -- COMMAND, not both");
	else if (r.cmd)
		ret = trace_cmd_spawn(&r);
	if (ret)
		goto out;
	if (r.pid && kill(r.pid, 0) && errno == ESRCH) {
		p_err("pid %d: %s", r.pid, errno_str(ESRCH));
		ret = EXIT_FAILED;
		goto out;
	}
	if (t->check && (ret = t->check(&r, ctx)))
		goto out;
	/*
	 * From here on Ctrl-C only stops the wait (at once if it came
	 * while loading), so that the pins are always removed.
	 */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	libbpf_set_print(libbpf_print);
	ret = trace_run_tracer(&r, t, ctx);
out:
	trace_cmd_end(&r);
	if (r.cmd && WIFEXITED(r.child_status) && WEXITSTATUS(r.child_status))
		p_warn("%s exited with status %d", r.cmd[0],
		       WEXITSTATUS(r.child_status));
	free(ctx);
	return ret;
}

int do_trace(int argc, char **argv)
{
	const struct tracer *t;

	if (argc < 1 || is_help(argv[0]))
		return trace_help();
	if (!strcmp(argv[0], "list"))
		return trace_list();
	if (!strcmp(argv[0], "unpin"))
		return trace_unpin_cmd(argc - 1, argv + 1);
	t = find_tracer(argv[0]);
	if (!t)
		return usage_err(LEVEL, "unknown tracer '%s'", argv[0]);
	if (asks_help(argc, argv))
		return tracer_help(t);
	return run(t, argc, argv);
}
