// SPDX-License-Identifier: GPL-2.0
/* A module's ctl file, framed ioctls, and errors in words. */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "libmmscope.h"

#define DEBUGFS_MAGIC 0x64626720	/* statfs f_type of debugfs */

static char last_error[512];

const char *mmscope_last_error(void)
{
	return last_error;
}

int mmscope_fail(int err, const char *fmt, ...)
{
	char msg[sizeof(last_error)];
	va_list ap;

	/* the arguments may include the last message itself */
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	memcpy(last_error, msg, sizeof(msg));
	return -err;
}

const char *mmscope_strerror(int err)
{
	static char buf[128];

	snprintf(buf, sizeof(buf), "%s", strerror(err < 0 ? -err : err));
	buf[0] = tolower((unsigned char)buf[0]);
	return buf;
}

/* $MMSCOPE_DEBUGFS lets tests point the suite at another directory. */
const char *mmscope_debugfs_root(void)
{
	const char *root = getenv("MMSCOPE_DEBUGFS");

	return root && *root ? root : MMSCOPE_DEBUGFS;
}

void mmscope_debugfs_path(char *buf, size_t size, const char *module,
			  const char *file)
{
	if (module)
		snprintf(buf, size, "%s/%s/%s", mmscope_debugfs_root(), module,
			 file);
	else
		snprintf(buf, size, "%s/%s", mmscope_debugfs_root(), file);
}

void mmscope_explain_open(const char *module, const char *path, int err)
{
	const char *root = mmscope_debugfs_root();
	struct statfs sfs;
	char dir[PATH_MAX];

	if (err == EACCES || err == EPERM) {
		mmscope_fail(err, "%s: permission denied (mmscope needs root)",
			     path);
		return;
	}
	if (err != ENOENT) {
		mmscope_fail(err, "%s: %s", path, mmscope_strerror(err));
		return;
	}
	if (!strcmp(root, MMSCOPE_DEBUGFS) &&
	    (statfs("/sys/kernel/debug", &sfs) ||
	     sfs.f_type != DEBUGFS_MAGIC)) {
		mmscope_fail(err, "debugfs is not mounted on /sys/kernel/debug (mount -t debugfs none /sys/kernel/debug)");
		return;
	}
	if (access(root, F_OK)) {
		mmscope_fail(err, "kernel module mmscope_core is not loaded (no %s)",
			     root);
		return;
	}
	mmscope_debugfs_path(dir, sizeof(dir), module, "");
	if (module && access(dir, F_OK)) {
		mmscope_fail(err, "kernel module mmscope_%s is not loaded (no %s)",
			     module, dir);
		return;
	}
	mmscope_fail(err, "%s: no such file (the loaded module is older than this tool?)",
		     path);
}

int mmscope_ctl_open(const char *module)
{
	char path[PATH_MAX];
	int fd;

	mmscope_debugfs_path(path, sizeof(path), module, "ctl");
	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		fd = -errno;
		mmscope_explain_open(module, path, -fd);
	}
	return fd;
}

int mmscope_ioctl(int fd, unsigned long req, void *arg, uint32_t size)
{
	int err;

	*(uint32_t *)arg = size;
	if (ioctl(fd, req, arg) == 0)
		return 0;
	err = errno;
	if (err == ENOTTY)
		return mmscope_fail(err, "not supported by the loaded kernel module (older than this tool?)");
	if (err == EPERM)
		return mmscope_fail(err, "operation not permitted (needs CAP_SYS_ADMIN)");
	return mmscope_fail(err, "%s", mmscope_strerror(err));
}
