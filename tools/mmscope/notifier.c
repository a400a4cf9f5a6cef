// SPDX-License-Identifier: GPL-2.0
/*
 * mmscope notifier: attach an MMU notifier to a process (or an interval of
 * it) through mmscope_mmu_notifier and stream every callback the kernel
 * makes; the module's counters; the attachments there are.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include <mmscope/mmu_notifier.h>

#include "common.h"
#include "notifier_cmd.h"
#include "trace_points.h"

#define LEVEL "mmscope notifier"
#define MODULE "mmu_notifier"
#define BATCH 1024
#define WAIT_MS 250

static const char *const state_names[] = {
	[MMSCOPE_MMU_NOTIFIER_ATTACHED] = "attached",
	[MMSCOPE_MMU_NOTIFIER_RELEASED] = "released",
	[MMSCOPE_MMU_NOTIFIER_DETACHED] = "detached",
};

#define STATE(s) ((s) < sizeof(state_names) / sizeof(state_names[0]) ? \
		  state_names[s] : "unknown")

static int notifier_help(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	print_help(
		"Usage: mmscope notifier attach --pid PID [ADDR LEN] [--duration S] [--ring N]\n"
		"                               [--young | --refuse-nonblock]\n"
		"                               [--stack] [--latency] | [--count]\n"
		"       mmscope notifier attach [options] -- COMMAND [ARGS...]\n"
		"       mmscope notifier stats\n"
		"       mmscope notifier list\n"
		"       mmscope notifier latency [--id N]\n"
		"\n"
		"attach: register an MMU notifier on the address space of PID (with\n"
		"ADDR LEN, an interval notifier on [ADDR, ADDR+LEN) instead) and print\n"
		"every callback as it comes: the op (invalidate_range_start/end,\n"
		"release, the age callbacks, and the kernel's own: change_pte and\n"
		"invalidate_range on 6.1, arch_invalidate_secondary_tlbs from 6.6),\n"
		"the event (why), the range, whether the caller may sleep, the task\n"
		"it ran in, and for an interval its sequence number before and after.\n"
		"Runs until S seconds passed, the process exited, or interrupted.\n"
		"-- COMMAND: run COMMAND, attached to it from its first instruction\n"
		"(after its exec), until it exits.\n"
		"N: records the kernel keeps until read (default 4096). --young: the\n"
		"age callbacks answer \"young\" (the page was used through the notifier's\n"
		"mappings), as a secondary MMU would; reclaim then keeps those pages.\n"
		"--refuse-nonblock (interval): answer every invalidation that may not\n"
		"sleep (OOM reaper, process_mrelease) with -EAGAIN, as a driver that\n"
		"must sleep does. --stack: each record also gets the kernel stack that\n"
		"led to the callback (at most 8 frames, from the kernel's caller of the\n"
		"notifier on), printed under the record (JSON: \"stack\", a list).\n"
		"--latency: time each callback (its entry to its record written) into\n"
		"a log2 histogram per op, printed at the end (JSON: one more line,\n"
		"{\"latency\": {\"ops\": {OP: {\"count\", \"sum_ns\", \"max_ns\",\n"
		"\"buckets\": [{\"lo_ns\", \"hi_ns\", \"count\"}]}}}}).\n"
		"--count: keep no record, only count the callbacks per op and event\n"
		"(per-CPU counters: the cheapest attachment), printed at the end as\n"
		"stats prints them (JSON: {\"counts\": {...}}, the stats object).\n"
		"\n"
		"stats: callbacks per op and per event since the module was loaded.\n"
		"list: the attachments there are now (every user's).\n"
		"latency: the histograms of the attachments made with --latency (or\n"
		"of attachment N), while they last (JSON: {\"attachments\": [{\"id\",\n"
		"\"ops\"}]}).\n"
		"\n"
		"JSON (one object per line): {\"seq\", \"op\", \"event\", \"start\", \"end\",\n"
		"  \"blockable\", \"pid\", \"comm\", \"ns\", \"interval_seq\"[, \"stack\"]}\n"
		"stats: {\"attachments\", \"events\": {OP: N}, \"causes\": {EVENT: N},\n"
		"  \"dropped\"}\n");
	return EXIT_OK;
}

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

struct attach_args {
	int pid;
	long duration;		/* seconds, -1: until the end */
	uint32_t ring;
	bool young;
	bool refuse;
	bool stack;
	bool latency;
	bool count;
	int npos;
	uint64_t start;
	uint64_t len;
	char **cmd;		/* -- COMMAND ARGS: run it, attached from its start */
};

static int parse_attach(int argc, char **argv, struct attach_args *a)
{
	uint64_t v;
	int i, ret;

	memset(a, 0, sizeof(*a));
	a->duration = -1;
	for (i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "--")) {
			if (i + 1 == argc)
				return usage_err(LEVEL, "-- needs a COMMAND");
			a->cmd = argv + i + 1;
			break;
		} else if (!strcmp(argv[i], "--pid") && i + 1 < argc) {
			ret = parse_u64(argv[++i], &v, "pid");
			if (ret)
				return ret;
			if (!v || v > 0x7fffffff)
				return usage_err(LEVEL, "pid: invalid pid '%s'", argv[i]);
			a->pid = (int)v;
		} else if (!strcmp(argv[i], "--duration") && i + 1 < argc) {
			ret = parse_u64(argv[++i], &v, "duration");
			if (ret)
				return ret;
			a->duration = (long)v;
		} else if (!strcmp(argv[i], "--ring") && i + 1 < argc) {
			ret = parse_u64(argv[++i], &v, "ring");
			if (ret)
				return ret;
			a->ring = (uint32_t)v;
		} else if (!strcmp(argv[i], "--young")) {
			a->young = true;
		} else if (!strcmp(argv[i], "--refuse-nonblock")) {
			a->refuse = true;
		} else if (!strcmp(argv[i], "--stack")) {
			a->stack = true;
		} else if (!strcmp(argv[i], "--latency")) {
			a->latency = true;
		} else if (!strcmp(argv[i], "--count")) {
			a->count = true;
		} else if (argv[i][0] == '-' && argv[i][1]) {
			return usage_err(LEVEL, "unknown option '%s'", argv[i]);
		} else if (a->npos < 2) {
			ret = parse_u64(argv[i], a->npos ? &a->len : &a->start,
					a->npos ? "LEN" : "ADDR");
			if (ret)
				return ret;
			a->npos++;
		} else {
			return usage_err(LEVEL, "unexpected argument '%s'", argv[i]);
		}
	}
	if (a->pid && a->cmd)
		return usage_err(LEVEL, "give --pid PID or -- COMMAND, not both");
	if (!a->pid && !a->cmd)
		return usage_err(LEVEL, "missing --pid PID (or -- COMMAND)");
	if (a->npos == 1)
		return usage_err(LEVEL, "ADDR needs LEN");
	if (a->npos && a->young)
		return usage_err(LEVEL, "--young is for the whole address space, not an interval");
	if (!a->npos && a->refuse)
		return usage_err(LEVEL, "--refuse-nonblock needs an interval (ADDR LEN)");
	if (a->count && (a->stack || a->latency || a->ring))
		return usage_err(LEVEL, "--count keeps no record: not with --stack, --latency or --ring");
	return EXIT_OK;
}

static void say_attach_error(const struct attach_args *a, int err)
{
	if (err == ESRCH)
		p_err("pid %d: no such process", a->pid);
	else if (err == EINVAL && !a->npos)
		p_err("pid %d: not a user process (a kernel thread?)", a->pid);
	else if (err == ENOSPC)
		p_err("too many attachments (%d at most)",
		      MMSCOPE_MMU_NOTIFIER_MAX_ATTACH);
	else if (err == EEXIST)
		p_err("pid %d: 0x%llx+0x%llx overlaps another interval attachment",
		      a->pid, (unsigned long long)a->start,
		      (unsigned long long)a->len);
	else
		p_err("pid %d: attach: %s", a->pid, errno_str(err));
}

static struct trace_ksyms syms;	/* --stack */

static unsigned int record_frames(const struct mmscope_mmu_notifier_record *r)
{
	if (!(r->flags & MMSCOPE_MMU_NOTIFIER_REC_STACK))
		return 0;
	return r->nr_stack < MMSCOPE_MMU_NOTIFIER_STACK_DEPTH ?
	       r->nr_stack : MMSCOPE_MMU_NOTIFIER_STACK_DEPTH;
}

static void print_record(const struct mmscope_mmu_notifier_record *r,
			 bool stack)
{
	bool interval = r->flags & MMSCOPE_MMU_NOTIFIER_REC_INTERVAL;
	bool blockable = r->flags & MMSCOPE_MMU_NOTIFIER_REC_BLOCKABLE;
	unsigned int i, nf = record_frames(r);
	struct json_object *o, *arr;
	char frame[192];

	if (!json_output) {
		printf("%llu %llu.%09llu %d %s %s %s 0x%llx-0x%llx%s",
		       (unsigned long long)r->seq,
		       (unsigned long long)(r->ns / 1000000000ULL),
		       (unsigned long long)(r->ns % 1000000000ULL), r->pid,
		       r->comm, mmscope_mmu_notifier_op_name(r->op),
		       mmscope_mmu_notifier_event_name(r->event),
		       (unsigned long long)r->start, (unsigned long long)r->end,
		       blockable ? " blockable" : "");
		if (r->flags & MMSCOPE_MMU_NOTIFIER_REC_YOUNG)
			printf(" young");
		if (r->flags & MMSCOPE_MMU_NOTIFIER_REC_REFUSED)
			printf(" refused");
		if (interval)
			printf(" seq %llu->%llu",
			       (unsigned long long)r->interval_seq_before,
			       (unsigned long long)r->interval_seq_after);
		putchar('\n');
		for (i = 0; i < nf; i++) {
			trace_ksyms_name(&syms, r->stack[i], frame, sizeof(frame));
			printf("    %s\n", frame);
		}
		return;
	}
	o = jw_object();
	jw_set_uint(o, "seq", r->seq);
	jw_set_str(o, "op", mmscope_mmu_notifier_op_name(r->op));
	if (r->event == MMSCOPE_MMU_NOTIFIER_EV_NONE)
		jw_set_null(o, "event");
	else
		jw_set_str(o, "event", mmscope_mmu_notifier_event_name(r->event));
	jw_set_hex(o, "start", r->start);
	jw_set_hex(o, "end", r->end);
	jw_set_bool(o, "blockable", blockable);
	if (r->flags & MMSCOPE_MMU_NOTIFIER_REC_YOUNG)
		jw_set_bool(o, "young", true);
	if (r->flags & MMSCOPE_MMU_NOTIFIER_REC_REFUSED)
		jw_set_bool(o, "refused", true);
	jw_set_int(o, "pid", r->pid);
	jw_set_str(o, "comm", r->comm);
	jw_set_uint(o, "ns", r->ns);
	if (interval) {
		jw_set_uint(o, "interval_seq", r->interval_seq_after);
		jw_set_uint(o, "interval_seq_before", r->interval_seq_before);
	} else {
		jw_set_null(o, "interval_seq");
	}
	if (stack) {
		arr = jw_set_array(o, "stack");
		for (i = 0; i < nf; i++) {
			trace_ksyms_name(&syms, r->stack[i], frame, sizeof(frame));
			jw_push_str(arr, frame);
		}
	}
	jw_emit(o);
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Read and print until the end; 0 or -errno. */
static int stream(int fd, const struct attach_args *a,
		  struct mmscope_mmu_notifier_read *rd)
{
	static struct mmscope_mmu_notifier_record recs[BATCH];
	double end = a->duration >= 0 ? now_s() + a->duration : 0;
	unsigned int i;

	while (!stop) {
		memset(rd, 0, sizeof(*rd));
		rd->size = sizeof(*rd);
		rd->count = BATCH;
		rd->record_size = sizeof(recs[0]);
		rd->timeout_ms = WAIT_MS;
		rd->records = (uintptr_t)recs;
		if (ioctl(fd, MMSCOPE_MMU_NOTIFIER_IOC_READ, rd))
			return -errno;
		for (i = 0; i < rd->count; i++)
			print_record(&recs[i], a->stack);
		fflush(stdout);
		if (!rd->count && rd->state != MMSCOPE_MMU_NOTIFIER_ATTACHED)
			break;
		if (a->duration >= 0 && now_s() >= end && rd->count < BATCH)
			break;
	}
	return 0;
}

/* STATS as text, or as the JSON object @root (emitted by the caller). */
static void stats_out(const struct mmscope_mmu_notifier_stats *s,
		      struct json_object *root)
{
	struct json_object *ops, *causes;
	unsigned int i;

	if (!root) {
		printf("attachments %u\ndropped %llu\n", s->attachments,
		       (unsigned long long)s->dropped);
		for (i = 0; i < MMSCOPE_MMU_NOTIFIER_OP_COUNT; i++)
			printf("op %s %llu\n", mmscope_mmu_notifier_op_name(i),
			       (unsigned long long)s->ops[i]);
		for (i = 0; i < MMSCOPE_MMU_NOTIFIER_EV_NONE; i++)
			printf("event %s %llu\n",
			       mmscope_mmu_notifier_event_name(i),
			       (unsigned long long)s->events[i]);
		return;
	}
	jw_set_uint(root, "attachments", s->attachments);
	ops = jw_set_object(root, "events");
	for (i = 0; i < MMSCOPE_MMU_NOTIFIER_OP_COUNT; i++)
		jw_set_uint(ops, mmscope_mmu_notifier_op_name(i), s->ops[i]);
	causes = jw_set_object(root, "causes");
	for (i = 0; i < MMSCOPE_MMU_NOTIFIER_EV_NONE; i++)
		jw_set_uint(causes, mmscope_mmu_notifier_event_name(i),
			    s->events[i]);
	jw_set_uint(root, "dropped", s->dropped);
}

/* attach --count: the attachment's counts, at the end; 0 or -errno. */
static int print_counts(int fd, unsigned int id)
{
	struct mmscope_mmu_notifier_stats s = { .size = sizeof(s), .id = id };
	struct json_object *root;

	if (ioctl(fd, MMSCOPE_MMU_NOTIFIER_IOC_STATS, &s))
		return -errno;
	if (!json_output) {
		printf("# callbacks counted\n");
		stats_out(&s, NULL);
		return 0;
	}
	root = jw_object();
	stats_out(&s, jw_set_object(root, "counts"));
	jw_emit(root);
	return 0;
}

static int do_attach(int argc, char **argv)
{
	struct mmscope_mmu_notifier_attach at = { .size = sizeof(at) };
	struct mmscope_mmu_notifier_read rd = { 0 };
	struct sigaction sa = { .sa_handler = on_signal };
	struct attach_args a;
	int fd, ret;

	ret = parse_attach(argc, argv, &a);
	if (ret)
		return ret;
	fd = ctl_open(MODULE);
	if (fd < 0)
		return EXIT_FAILED;
	if (a.cmd) {
		a.pid = spawn_stopped(a.cmd);
		if (a.pid < 0) {
			close(fd);
			return EXIT_FAILED;
		}
	}
	at.pid = a.pid;
	at.ring = a.ring;
	if (a.young)
		at.flags |= MMSCOPE_MMU_NOTIFIER_ANSWER_YOUNG;
	if (a.refuse)
		at.flags |= MMSCOPE_MMU_NOTIFIER_REFUSE_NONBLOCK;
	if (a.stack) {
		at.flags |= MMSCOPE_MMU_NOTIFIER_STACK;
		trace_ksyms_load(&syms, false);
	}
	if (a.latency)
		at.flags |= MMSCOPE_MMU_NOTIFIER_LATENCY;
	if (a.count)
		at.flags |= MMSCOPE_MMU_NOTIFIER_COUNT;
	if (a.npos) {
		at.flags |= MMSCOPE_MMU_NOTIFIER_INTERVAL;
		at.start = a.start;
		at.len = a.len;
	}
	if (ioctl(fd, MMSCOPE_MMU_NOTIFIER_IOC_ATTACH, &at)) {
		say_attach_error(&a, errno);
		if (a.cmd)
			spawn_end(a.pid, true);
		close(fd);
		return EXIT_FAILED;
	}
	if (!json_output) {
		if (a.npos)
			printf("# attached %u: pid %d interval 0x%llx-0x%llx seq %llu\n",
			       at.id, a.pid, (unsigned long long)at.start,
			       (unsigned long long)(at.start + at.len),
			       (unsigned long long)at.interval_seq);
		else
			printf("# attached %u: pid %d\n", at.id, a.pid);
		if (a.count)
			printf("# counting callbacks, no records\n");
		else
			printf("# seq time pid comm op event range [blockable] [seq before->after]\n");
		fflush(stdout);
	}
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	if (a.cmd)
		spawn_resume(a.pid);
	ret = stream(fd, &a, &rd);
	if (!ret && a.latency) {
		if (!json_output)
			printf("# latency (ns) per op\n");
		ret = -notifier_latency_print(fd, at.id);
	}
	if (!ret && a.count)
		ret = print_counts(fd, at.id);
	close(fd);
	trace_ksyms_free(&syms);
	if (a.cmd && (ret = spawn_end(a.pid, false)) > 0)
		p_warn("%s exited with status %d", a.cmd[0], ret);
	ret = ret < 0 ? ret : 0;
	if (ret) {
		p_err("pid %d: read: %s", a.pid, errno_str(-ret));
		return EXIT_FAILED;
	}
	if (!json_output)
		printf("# %s, %llu records dropped\n", STATE(rd.state),
		       (unsigned long long)rd.dropped);
	else if (rd.dropped)
		p_warn("%llu records dropped", (unsigned long long)rd.dropped);
	return EXIT_OK;
}

static int do_stats(int argc, char **argv)
{
	struct mmscope_mmu_notifier_stats s = { .size = sizeof(s) };
	struct json_object *root;
	int fd;

	(void)argv;
	if (argc)
		return usage_err(LEVEL, "stats takes no arguments");
	fd = ctl_open(MODULE);
	if (fd < 0)
		return EXIT_FAILED;
	if (ctl_ioctl(fd, MMSCOPE_MMU_NOTIFIER_IOC_STATS, &s, "stats")) {
		close(fd);
		return EXIT_FAILED;
	}
	close(fd);
	if (!json_output) {
		stats_out(&s, NULL);
		return EXIT_OK;
	}
	root = jw_object();
	stats_out(&s, root);
	jw_emit(root);
	return EXIT_OK;
}

static int do_list(int argc, char **argv)
{
	static struct mmscope_mmu_notifier_info info[MMSCOPE_MMU_NOTIFIER_MAX_ATTACH];
	struct mmscope_mmu_notifier_list l = {
		.size = sizeof(l), .count = MMSCOPE_MMU_NOTIFIER_MAX_ATTACH,
		.entries = (uintptr_t)info,
	};
	struct json_object *root = NULL, *arr = NULL, *o;
	unsigned int i;
	int fd;

	(void)argv;
	if (argc)
		return usage_err(LEVEL, "list takes no arguments");
	fd = ctl_open(MODULE);
	if (fd < 0)
		return EXIT_FAILED;
	if (ctl_ioctl(fd, MMSCOPE_MMU_NOTIFIER_IOC_LIST, &l, "list")) {
		close(fd);
		return EXIT_FAILED;
	}
	close(fd);
	if (json_output) {
		root = jw_object();
		arr = jw_set_array(root, "attachments");
	} else {
		printf("%-4s %-7s %-16s %-8s %-31s %-9s %10s %8s\n", "id", "pid",
		       "comm", "kind", "interval", "state", "records",
		       "dropped");
	}
	for (i = 0; i < l.count; i++) {
		const struct mmscope_mmu_notifier_info *e = &info[i];
		bool ivl = e->flags & MMSCOPE_MMU_NOTIFIER_INTERVAL;
		char range[40] = "-";

		if (ivl)
			snprintf(range, sizeof(range), "0x%llx-0x%llx",
				 (unsigned long long)e->start,
				 (unsigned long long)e->end);
		if (!json_output) {
			printf("%-4u %-7d %-16s %-8s %-31s %-9s %10llu %8llu\n",
			       e->id, e->pid, e->comm, ivl ? "interval" : "mm",
			       range, STATE(e->state),
			       (unsigned long long)e->records,
			       (unsigned long long)e->dropped);
			continue;
		}
		o = jw_push_object(arr);
		jw_set_uint(o, "id", e->id);
		jw_set_int(o, "pid", e->pid);
		jw_set_str(o, "comm", e->comm);
		jw_set_str(o, "kind", ivl ? "interval" : "mm");
		if (ivl) {
			jw_set_hex(o, "start", e->start);
			jw_set_hex(o, "end", e->end);
			jw_set_uint(o, "interval_seq", e->interval_seq);
		}
		jw_set_str(o, "state", STATE(e->state));
		jw_set_uint(o, "records", e->records);
		jw_set_uint(o, "dropped", e->dropped);
	}
	if (root)
		jw_emit(root);
	return EXIT_OK;
}

int do_notifier(int argc, char **argv)
{
	static const struct cmd cmds[] = {
		{ "help",	notifier_help },
		{ "attach",	do_attach },
		{ "stats",	do_stats },
		{ "list",	do_list },
		{ "latency",	do_notifier_latency },
		{ NULL }
	};

	return cmd_select(cmds, argc, argv, LEVEL);
}
