// SPDX-License-Identifier: GPL-2.0
/*
 * `mmscope trace TRACER -- COMMAND` and `mmscope notifier attach --
 * COMMAND`: the command starts once the tracer is pinned (it looks), its
 * and its children's faults are counted (at least the pages a grandchild
 * touched), the trace ends when it exits; the notifier sees the command's
 * own munmap of a page it names, and its address space's release.
 * COMMAND is this program again, run as the workload (TRACE_WORKLOAD).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "mmscope_test.h"
#include "tracer.h"

#define TOUCH		256
#define PIN_DIR		"/sys/fs/bpf/mmscope/faults"

static char out[1 << 20];
static char self_exe[256];

static void touch_pages(size_t n)
{
	size_t len = n * getpagesize();
	char *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		_exit(2);
	madvise(p, len, MADV_NOHUGEPAGE);
	for (size_t i = 0; i < len; i += getpagesize())
		p[i] = 1;
	munmap(p, len);
}

/* The workload: run before the harness when TRACE_WORKLOAD is set. */
static void __attribute__((constructor)) workload(void)
{
	const char *what = getenv("TRACE_WORKLOAD");
	struct stat st;
	pid_t pid;
	char *p;

	if (!what)
		return;
	if (!strcmp(what, "faults")) {
		printf("pinned=%d\n", !stat(PIN_DIR, &st));
		fflush(stdout);
		/* the faults are a child's: inherited counting */
		pid = fork();
		if (!pid) {
			touch_pages(TOUCH);
			_exit(0);
		}
		waitpid(pid, NULL, 0);
		_exit(0);
	}
	/* notifier: one page, written, unmapped */
	p = mmap(NULL, getpagesize(), PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		_exit(2);
	p[0] = 1;
	printf("page=%p\n", p);
	fflush(stdout);
	munmap(p, getpagesize());
	_exit(0);
}

FIXTURE(cmd) {
	int dummy;
};

FIXTURE_SETUP(cmd)
{
	ssize_t n = readlink("/proc/self/exe", self_exe, sizeof(self_exe) - 1);

	ASSERT_LT(0, n);
	self_exe[n] = '\0';
}

FIXTURE_TEARDOWN(cmd)
{
	unsetenv("TRACE_WORKLOAD");
}

TEST_F(cmd, trace_runs_the_command_once_attached_and_counts_its_children)
{
	const char *args[] = { "-j", "trace", "faults", "--", self_exe, NULL };
	const char *count[] = { "-j", "trace", "faults", "--count", "--",
				self_exe, NULL };
	unsigned long long minor = 0, anon = 0;
	const char *doc;
	struct stat st;

	setenv("TRACE_WORKLOAD", "faults", 1);
	ASSERT_EQ(0, mmscope_run_cli(args, out, sizeof(out))) TH_LOG("%s", out);
	EXPECT_NE(NULL, strstr(out, "pinned=1\n")) TH_LOG("%s", out);
	doc = strstr(out, "{\"tracer\"");
	ASSERT_NE(NULL, doc) TH_LOG("%s", out);
	ASSERT_EQ(0, json_field_u64(doc, "total", "{", "minor", &minor))
		TH_LOG("%s", out);
	EXPECT_LE(TOUCH, minor) TH_LOG("%s", out);
	/* the child's fresh pages, by class */
	ASSERT_EQ(0, json_field_u64(doc, "class", "\"anon\"", "minor", &anon))
		TH_LOG("%s", out);
	EXPECT_LE(TOUCH, anon) TH_LOG("%s", out);
	/* nothing left behind once it ended */
	EXPECT_NE(0, stat(PIN_DIR, &st));

	/* --count: perf's events, inherited by the child */
	ASSERT_EQ(0, mmscope_run_cli(count, out, sizeof(out))) TH_LOG("%s", out);
	doc = strstr(out, "{\"tracer\"");
	ASSERT_NE(NULL, doc) TH_LOG("%s", out);
	EXPECT_NE(NULL, strstr(doc, "\"attach\":\"perf_event\""));
	ASSERT_EQ(0, json_field_u64(doc, "total", "{", "minor", &minor))
		TH_LOG("%s", out);
	EXPECT_LE(TOUCH, minor) TH_LOG("%s", out);
	EXPECT_NE(0, stat(PIN_DIR, &st));
}

TEST_F(cmd, trace_refuses_pid_with_a_command)
{
	const char *args[] = { "trace", "faults", "--pid", "1", "--", "true", NULL };
	const char *none[] = { "trace", "faults", "--", NULL };

	EXPECT_EQ(2, mmscope_run_cli_all(args, out, sizeof(out)));
	EXPECT_NE(NULL, strstr(out, "not both")) TH_LOG("%s", out);
	EXPECT_EQ(2, mmscope_run_cli_all(none, out, sizeof(out)));
	EXPECT_NE(NULL, strstr(out, "-- needs a COMMAND")) TH_LOG("%s", out);
}

TEST_F(cmd, notifier_attach_sees_the_commands_munmap_and_release)
{
	const char *args[] = { "-j", "notifier", "attach", "--", self_exe, NULL };
	char want[128];
	void *page = NULL;
	const char *p;

	if (mmscope_unmet(MMSCOPE_DEBUGFS "/mmu_notifier/ctl"))
		SKIP(return, "%s", mmscope_unmet(MMSCOPE_DEBUGFS "/mmu_notifier/ctl"));
	setenv("TRACE_WORKLOAD", "notifier", 1);
	ASSERT_EQ(0, mmscope_run_cli(args, out, sizeof(out))) TH_LOG("%s", out);
	p = strstr(out, "page=");
	ASSERT_NE(NULL, p) TH_LOG("%s", out);
	sscanf(p, "page=%p", &page);
	snprintf(want, sizeof(want), "\"op\":\"invalidate_range_start\",\"event\":\"unmap\",\"start\":\"%p\"",
		 page);
	EXPECT_NE(NULL, strstr(out, want)) TH_LOG("want %s in %s", want, out);
	EXPECT_NE(NULL, strstr(out, "\"op\":\"release\"")) TH_LOG("%s", out);
}

TEST_HARNESS_MAIN
