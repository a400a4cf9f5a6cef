/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Running `mmscope trace TRACER ...` from a selftest: start it, wait until
 * it counts (its last pinned map appears), stop it with SIGINT and read
 * its JSON summary; and a few lookups in that summary. The tracer is the
 * product under test, so the tests drive the CLI rather than libbpf.
 */
#ifndef MMSCOPE_SELFTEST_TRACER_H
#define MMSCOPE_SELFTEST_TRACER_H

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "mmscope_test.h"

#define TRACER_PIN_ROOT		"/sys/fs/bpf/mmscope"
#define TRACER_READY_S		120	/* loading is slow under TCG */

struct tracer {
	pid_t pid;
	int out;		/* its stdout */
	int err;		/* its stderr */
	char ready[128];	/* pinned last: the tracer is counting */
};

static inline void tracer_sleep_ms(unsigned int ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

/*
 * Start "mmscope -j trace ARGS..." (argv NULL-terminated, argv[0] the
 * tracer). Returns 0 once ready_map is pinned, or -errno with the
 * tracer reaped (its exit status in *status) if it ended first.
 */
static inline int tracer_start(struct tracer *t, const char *const *argv,
			       const char *ready_map, int *status)
{
	const char *args[16] = { "mmscope", "-j", "trace" };
	posix_spawn_file_actions_t fa;
	int o[2], e[2], i, n = 3;
	struct stat st;

	for (i = 0; argv[i] && n < 15; i++)
		args[n++] = argv[i];
	args[n] = NULL;
	snprintf(t->ready, sizeof(t->ready), TRACER_PIN_ROOT "/%s/%s",
		 argv[0], ready_map);
	if (pipe2(o, O_CLOEXEC) || pipe2(e, O_CLOEXEC))
		return -errno;
	/*
	 * Spawned, not forked: a fork would share the test's private pages
	 * with the child until its exec (clearing their AnonExclusive and
	 * write-protecting them), and the tracer would start on pages the
	 * test no longer has in the state it set them up in.
	 */
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, o[1], 1);
	posix_spawn_file_actions_adddup2(&fa, e[1], 2);
	i = posix_spawnp(&t->pid, args[0], &fa, NULL, (char **)args, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (i) {
		close(o[0]);
		close(o[1]);
		close(e[0]);
		close(e[1]);
		t->pid = 0;
		t->out = t->err = -1;
		*status = 127 << 8;
		return -ECHILD;
	}
	close(o[1]);
	close(e[1]);
	t->out = o[0];
	t->err = e[0];
	for (i = 0; i < TRACER_READY_S * 20; i++) {
		if (!stat(t->ready, &st))
			return 0;
		if (waitpid(t->pid, status, WNOHANG) == t->pid) {
			t->pid = 0;
			return -ECHILD;
		}
		tracer_sleep_ms(50);
	}
	return -ETIMEDOUT;
}

static inline ssize_t tracer_read_all(int fd, char *buf, size_t size)
{
	size_t n = 0;
	ssize_t r;

	while (n + 1 < size && (r = read(fd, buf + n, size - 1 - n)) > 0)
		n += r;
	buf[n] = '\0';
	close(fd);
	return n;
}

/*
 * Stop the tracer (SIGINT unless it already ended), read its stdout and
 * stderr and return its exit status (or -1 if it did not exit normally).
 */
static inline int tracer_stop(struct tracer *t, char *out, size_t out_size,
			      char *err, size_t err_size)
{
	int status = 0;

	if (t->pid > 0)
		kill(t->pid, SIGINT);
	tracer_read_all(t->out, out, out_size);
	tracer_read_all(t->err, err, err_size);
	if (t->pid > 0 && waitpid(t->pid, &status, 0) != t->pid)
		return -1;
	t->pid = 0;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/*
 * The number after "field": in the first JSON object that holds
 * "key":value and has the field before the next "key": (so a top-level
 * "pid" does not hide the "pid" of a list entry). A value that is a
 * number must end there: 35 does not match 355. Returns 0 and *val, or
 * -ENOENT when no object has both (a handler that counted nothing is
 * left out of the summary).
 */
static inline int json_field_u64(const char *json, const char *key,
				 const char *value, const char *field,
				 unsigned long long *val)
{
	char pat[128], kpat[64], fpat[64];
	const char *start, *end, *f, *after;

	snprintf(pat, sizeof(pat), "\"%s\":%s", key, value);
	snprintf(kpat, sizeof(kpat), "\"%s\":", key);
	snprintf(fpat, sizeof(fpat), "\"%s\":", field);
	for (start = strstr(json, pat); start; start = strstr(start + 1, pat)) {
		after = start + strlen(pat);
		if (*after >= '0' && *after <= '9')
			continue;
		end = strstr(start + 1, kpat);
		if (!end)
			end = start + strlen(start);
		f = strstr(start, fpat);
		if (f && f < end) {
			*val = strtoull(f + strlen(fpat), NULL, 10);
			return 0;
		}
	}
	return -ENOENT;
}

/* The values of names[0..n) in /proc/vmstat, from one read: 0 or -1. */
static inline int tracer_vmstat(const char *const *names, int n,
				unsigned long long *v)
{
	static char buf[64 * 1024];
	char val[32];
	int i;

	if (mmscope_read_file("/proc/vmstat", buf, sizeof(buf)) < 0)
		return -1;
	for (i = 0; i < n; i++) {
		if (mmscope_text_field(buf, names[i], ' ', val, sizeof(val)))
			return -1;
		v[i] = strtoull(val, NULL, 10);
	}
	return 0;
}

/* A handler's field in a faults summary; 0 when the handler is absent. */
static inline unsigned long long faults_field(const char *json,
					      const char *handler,
					      const char *field)
{
	unsigned long long v = 0;
	char q[64];

	snprintf(q, sizeof(q), "\"%s\"", handler);
	json_field_u64(json, "handler", q, field, &v);
	return v;
}

#endif
