// SPDX-License-Identifier: GPL-2.0
/*
 * Target lookup, MMSCOPE_CORE_IOC_TARGET: the pid -> mm step every module
 * takes, checked against /proc/PID/maps and /proc/PID/status, and its
 * errors for processes that have no mm to give.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <mmscope/core.h>

#include "kselftest_harness.h"
#include "mmscope_test.h"

#define CTL_FILE	MMSCOPE_DEBUGFS "/ctl"

MMSCOPE_REQUIRE(CTL_FILE)

FIXTURE(target)
{
	int fd;
	char text[65536];
};

FIXTURE_SETUP(target)
{
	self->fd = mmscope_ctl_open(NULL);
	ASSERT_LE(0, self->fd) TH_LOG("%s", mmscope_last_error());
}

FIXTURE_TEARDOWN(target)
{
	if (self->fd >= 0)
		close(self->fd);
}

static int lookup(int fd, pid_t pid, struct mmscope_target *t)
{
	memset(t, 0, sizeof(*t));
	t->size = sizeof(*t);
	t->pid = pid;
	return ioctl(fd, MMSCOPE_CORE_IOC_TARGET, t) ? errno : 0;
}

/* VMAs of pid, from its maps; x86's [vsyscall] is a gate area, not a VMA. */
static long count_vmas(pid_t pid)
{
	struct mmscope_map *maps;
	long i, n, vmas = 0;

	n = mmscope_maps_read(pid, &maps);
	for (i = 0; i < n; i++)
		vmas += strcmp(maps[i].path, "[vsyscall]") != 0;
	free(maps);
	return n < 0 ? n : vmas;
}

/* Compare pid's lookup with its /proc files; pid must hold still. */
static void check_against_proc(struct __test_metadata *_metadata,
			       FIXTURE_DATA(target) *self, pid_t pid)
{
	struct mmscope_target t;
	char path[64], value[64];
	unsigned long vm_kb;
	ssize_t n;

	n = count_vmas(pid);
	ASSERT_LT(0, n) TH_LOG("%s", mmscope_last_error());
	ASSERT_EQ(0, lookup(self->fd, pid, &t));
	EXPECT_EQ(n, t.map_count);

	snprintf(path, sizeof(path), "/proc/%d/status", pid);
	ASSERT_LT(0, mmscope_read_file(path, self->text, sizeof(self->text)));
	ASSERT_EQ(0, mmscope_text_field(self->text, "VmSize", ':', value,
					sizeof(value)));
	vm_kb = strtoul(value, NULL, 10);
	EXPECT_EQ(vm_kb, t.total_vm * (sysconf(_SC_PAGESIZE) / 1024));
	EXPECT_EQ(sizeof(t), t.size);
}

TEST_F(target, self_matches_proc)
{
	check_against_proc(_metadata, self, getpid());
}

TEST_F(target, other_process_matches_proc)
{
	pid_t child = fork();

	ASSERT_LE(0, child);
	if (!child) {
		pause();
		_exit(0);
	}
	check_against_proc(_metadata, self, child);
	kill(child, SIGKILL);
	waitpid(child, NULL, 0);
}

TEST_F(target, zombie_is_esrch)
{
	struct mmscope_target t;
	siginfo_t info;
	pid_t child = fork();

	ASSERT_LE(0, child);
	if (!child)
		_exit(0);
	/* wait for the exit but leave the zombie in place */
	ASSERT_EQ(0, waitid(P_PID, child, &info, WEXITED | WNOWAIT));
	EXPECT_EQ(ESRCH, lookup(self->fd, child, &t));
	waitpid(child, NULL, 0);
}

TEST_F(target, reaped_pid_is_esrch)
{
	struct mmscope_target t;
	pid_t child = fork();

	ASSERT_LE(0, child);
	if (!child)
		_exit(0);
	ASSERT_EQ(child, waitpid(child, NULL, 0));
	EXPECT_EQ(ESRCH, lookup(self->fd, child, &t));
}

TEST_F(target, kernel_thread_is_einval)
{
	struct mmscope_target t;
	char comm[32];

	/* pid 2 is kthreadd, the parent of every kernel thread */
	ASSERT_LT(0, mmscope_read_file("/proc/2/comm", comm, sizeof(comm)));
	ASSERT_STREQ("kthreadd\n", comm);
	EXPECT_EQ(EINVAL, lookup(self->fd, 2, &t));
}

TEST_F(target, pid_zero_and_negative_are_einval)
{
	struct mmscope_target t;

	EXPECT_EQ(EINVAL, lookup(self->fd, 0, &t));
	EXPECT_EQ(EINVAL, lookup(self->fd, -1, &t));
}

TEST_F(target, nonzero_flags_is_einval)
{
	struct mmscope_target t = {
		.size = sizeof(t),
		.pid = getpid(),
		.flags = 1,
	};

	EXPECT_EQ(-1, ioctl(self->fd, MMSCOPE_CORE_IOC_TARGET, &t));
	EXPECT_EQ(EINVAL, errno);
}

TEST_HARNESS_MAIN
