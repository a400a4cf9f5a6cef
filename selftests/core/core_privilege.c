// SPDX-License-Identifier: GPL-2.0
/*
 * Who may use the suite: every file under /sys/kernel/debug/mmscope (every
 * module's, found by walking the tree) is root's alone, and what a file
 * gives (a read, a write, an ioctl of the core's registry) needs
 * CAP_SYS_ADMIN in the credentials it was opened with, as pagemap's PFNs
 * do: uid 65534 cannot open anything (EACCES); uid 0 without the
 * capability cannot open a text file (EPERM) and gets EPERM from every
 * ioctl of its ctl; a file opened with the capability keeps it after its
 * process dropped privileges. Each test drops privileges in its own
 * process: the harness forks one per test.
 */
#include <errno.h>
#include <fcntl.h>
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
#define MAX_IOCTLS	256
#define ARG_SIZE	4096

MMSCOPE_REQUIRE(MMSCOPE_DEBUGFS "/ctl")

FIXTURE(priv)
{
	int n;			/* files */
	int nio;		/* registered ioctls */
	struct mmscope_ioctl_info io[MAX_IOCTLS];
	unsigned char arg[ARG_SIZE];
};

static char paths[MAX_FILES][PATH_MAX];

FIXTURE_SETUP(priv)
{
	self->n = mmscope_find_files(MMSCOPE_DEBUGFS, NULL, paths, MAX_FILES);
	ASSERT_LE(3, self->n) TH_LOG("%s", mmscope_error);
	ASSERT_GT(MAX_FILES, self->n) TH_LOG("more files than room");
	self->nio = mmscope_registry(self->io, MAX_IOCTLS);
	ASSERT_LE(1, self->nio) TH_LOG("%s", mmscope_error);
}

FIXTURE_TEARDOWN(priv)
{
}

static int become_nobody(void)
{
	if (setgroups(0, NULL) || setgid(MMSCOPE_NOBODY) ||
	    setuid(MMSCOPE_NOBODY))
		return -errno;
	return 0;
}

static bool is_ctl(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash && !strcmp(slash + 1, "ctl");
}

/* The module a ctl path belongs to, as the registry names it. */
static void ctl_module(const char *path, char *module, size_t size)
{
	const char *rel = path + strlen(MMSCOPE_DEBUGFS) + 1;
	const char *slash = strchr(rel, '/');

	if (slash)
		snprintf(module, size, "%.*s", (int)(slash - rel), rel);
	else
		snprintf(module, size, "core");
}

/*
 * Every ioctl of @module's registry entries on @fd, the struct zeroed but
 * for its size: the result of each is EPERM (@denied) or anything else.
 * Returns how many were tried.
 */
static int ioctls_of(struct __test_metadata *_metadata,
		     FIXTURE_DATA(priv) *self, const char *module, int fd,
		     bool denied)
{
	int i, ret, tried = 0;

	for (i = 0; i < self->nio; i++) {
		if (strcmp(self->io[i].module, module))
			continue;
		memset(self->arg, 0, sizeof(self->arg));
		*(uint32_t *)self->arg = self->io[i].kernel_size;
		ret = ioctl(fd, self->io[i].cmd, self->arg) ? errno : 0;
		if (denied) {
			EXPECT_EQ(EPERM, ret)
				TH_LOG("%s nr 0x%x: %s", module, self->io[i].nr,
				       strerror(ret));
		} else {
			EXPECT_NE(EPERM, ret)
				TH_LOG("%s nr 0x%x denied", module,
				       self->io[i].nr);
		}
		tried++;
	}
	return tried;
}

TEST_F(priv, every_file_is_root_only)
{
	struct stat st;
	int i;

	for (i = 0; i < self->n; i++) {
		ASSERT_EQ(0, stat(paths[i], &st));
		EXPECT_EQ(0, st.st_uid)
			TH_LOG("%s: owner %u", paths[i], st.st_uid);
		EXPECT_EQ(0, st.st_mode & 0077)
			TH_LOG("%s: mode %o", paths[i], st.st_mode & 07777);
	}
}

TEST_F(priv, unprivileged_open_of_every_file_is_denied)
{
	int i, fd, how;

	ASSERT_EQ(0, become_nobody());
	for (i = 0; i < self->n; i++) {
		for (how = O_RDONLY; how <= O_RDWR; how++) {
			fd = open(paths[i], how);
			EXPECT_EQ(-1, fd) TH_LOG("%s opened by uid %d",
						 paths[i], MMSCOPE_NOBODY);
			if (fd >= 0)
				close(fd);
			else
				EXPECT_TRUE(errno == EACCES || errno == EPERM)
					TH_LOG("%s: %s", paths[i],
					       strerror(errno));
		}
	}
}

/*
 * uid 0 without CAP_SYS_ADMIN: a text file does not open, for reading or
 * writing (EPERM); a ctl opens (its mode lets root in) and every ioctl
 * the registry lists for its module is EPERM.
 */
TEST_F(priv, root_without_cap_sys_admin_is_denied_everything)
{
	int i, fd, how, tried = 0, denied = 0;
	char module[64];
	struct stat st;

	ASSERT_EQ(0, mmscope_drop_cap_sys_admin());
	for (i = 0; i < self->n; i++) {
		ASSERT_EQ(0, stat(paths[i], &st));
		if (is_ctl(paths[i])) {
			fd = open(paths[i], O_RDWR);
			ASSERT_LE(0, fd) TH_LOG("%s: %s", paths[i],
						strerror(errno));
			ctl_module(paths[i], module, sizeof(module));
			how = ioctls_of(_metadata, self, module, fd, true);
			EXPECT_LT(0, how) TH_LOG("%s: no ioctl in the registry",
						 paths[i]);
			denied += how;
			close(fd);
			continue;
		}
		for (how = O_RDONLY; how <= O_WRONLY; how++) {
			if (how == O_WRONLY && !(st.st_mode & 0200))
				continue;
			fd = open(paths[i], how);
			EXPECT_EQ(-1, fd) TH_LOG("%s opened (%s)", paths[i],
						 how ? "write" : "read");
			if (fd >= 0)
				close(fd);
			else
				EXPECT_EQ(EPERM, errno)
					TH_LOG("%s: %s", paths[i],
					       strerror(errno));
			tried++;
		}
	}
	EXPECT_LE(3, tried);
	EXPECT_EQ(self->nio, denied);
	TH_LOG("denied: %d opens (read, write) of text files, %d ioctls",
	       tried, denied);
}

/*
 * Opened with the capability, then privileges dropped (@drop): the file
 * keeps what its opener had, like pagemap: reads give text, no ioctl is
 * EPERM.
 */
static void opened_before_drop(struct __test_metadata *_metadata,
			       FIXTURE_DATA(priv) *self, int (*drop)(void))
{
	static int fds[MAX_FILES];
	char module[64], buf[256];
	int i, tried = 0, nctl = 0;

	for (i = 0; i < self->n; i++) {
		fds[i] = open(paths[i], is_ctl(paths[i]) ? O_RDWR : O_RDONLY);
		ASSERT_LE(0, fds[i]) TH_LOG("%s: %s", paths[i],
					    strerror(errno));
	}
	ASSERT_EQ(0, drop());
	for (i = 0; i < self->n; i++) {
		if (is_ctl(paths[i])) {
			ctl_module(paths[i], module, sizeof(module));
			tried += ioctls_of(_metadata, self, module, fds[i],
					   false);
			nctl++;
		} else {
			EXPECT_LE(0, read(fds[i], buf, sizeof(buf)))
				TH_LOG("%s: %s", paths[i], strerror(errno));
		}
		close(fds[i]);
	}
	EXPECT_EQ(self->nio, tried);
	TH_LOG("allowed: %d files read, %d ioctls", self->n - nctl, tried);
}

TEST_F(priv, file_opened_as_root_keeps_it_after_setuid)
{
	opened_before_drop(_metadata, self, become_nobody);
}

TEST_F(priv, file_opened_as_root_keeps_it_after_capability_drop)
{
	opened_before_drop(_metadata, self, mmscope_drop_cap_sys_admin);
}

TEST_HARNESS_MAIN
