// SPDX-License-Identifier: GPL-2.0
/*
 * Who may use the suite: every file under /sys/kernel/debug/mmscope (every
 * module's, not only the core's) is root's alone, and every ctl ioctl
 * needs CAP_SYS_ADMIN, even on a descriptor opened while it was held.
 * Each test drops privileges in its own process: the harness forks one per
 * test, so nothing is regained afterwards.
 */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <grp.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <mmscope/core.h>

#include "kselftest_harness.h"
#include "mmscope_test.h"

#define MAX_FILES	256

MMSCOPE_REQUIRE(MMSCOPE_DEBUGFS "/ctl")

static char paths[MAX_FILES][PATH_MAX];

/* Every regular file of the tree, into paths[]. */
static int all_files(void)
{
	return mmscope_find_files(MMSCOPE_DEBUGFS, NULL, paths, MAX_FILES);
}

static int all_ctl_files(void)
{
	return mmscope_find_files(MMSCOPE_DEBUGFS, "ctl", paths, MAX_FILES);
}

static int become_nobody(void)
{
	if (setgroups(0, NULL) || setgid(MMSCOPE_NOBODY) ||
	    setuid(MMSCOPE_NOBODY))
		return -errno;
	return 0;
}

TEST(every_file_is_root_only)
{
	struct stat st;
	int i, n;

	n = all_files();
	ASSERT_LE(3, n) TH_LOG("%s", mmscope_error);
	for (i = 0; i < n; i++) {
		ASSERT_EQ(0, stat(paths[i], &st));
		EXPECT_EQ(0, st.st_uid)
			TH_LOG("%s: owner %u", paths[i], st.st_uid);
		EXPECT_EQ(0, st.st_mode & 0077)
			TH_LOG("%s: mode %o", paths[i], st.st_mode & 07777);
	}
}

TEST(unprivileged_open_of_every_file_is_denied)
{
	int i, n, fd;

	n = all_files();
	ASSERT_LE(3, n) TH_LOG("%s", mmscope_error);
	ASSERT_EQ(0, become_nobody());
	for (i = 0; i < n; i++) {
		fd = open(paths[i], O_RDONLY);
		EXPECT_EQ(-1, fd) TH_LOG("%s opened by uid %d", paths[i],
					 MMSCOPE_NOBODY);
		if (fd >= 0)
			close(fd);
		else
			EXPECT_TRUE(errno == EACCES || errno == EPERM)
				TH_LOG("%s: %s", paths[i], strerror(errno));
	}
}

/* Every ctl checks the capability before it looks at the command. */
static void ioctl_each_ctl(struct __test_metadata *_metadata,
			   int (*drop)(void))
{
	struct mmscope_version v = { .size = sizeof(v) };
	int fds[MAX_FILES];
	int i, n;

	n = all_ctl_files();
	ASSERT_LE(1, n) TH_LOG("%s", mmscope_error);
	for (i = 0; i < n; i++) {
		fds[i] = open(paths[i], O_RDWR);
		ASSERT_LE(0, fds[i])
			TH_LOG("%s: %s", paths[i], strerror(errno));
	}
	ASSERT_EQ(0, drop());
	for (i = 0; i < n; i++) {
		EXPECT_EQ(-1, ioctl(fds[i], MMSCOPE_CORE_IOC_VERSION, &v))
			TH_LOG("%s: ioctl allowed", paths[i]);
		EXPECT_EQ(EPERM, errno) TH_LOG("%s: %s", paths[i],
					       strerror(errno));
		close(fds[i]);
	}
}

TEST(ioctl_on_fd_kept_after_setuid_is_eperm)
{
	ioctl_each_ctl(_metadata, become_nobody);
}

TEST(ioctl_as_root_without_cap_sys_admin_is_eperm)
{
	ioctl_each_ctl(_metadata, mmscope_drop_cap_sys_admin);
}

TEST_HARNESS_MAIN
