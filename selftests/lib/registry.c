// SPDX-License-Identifier: GPL-2.0
/*
 * The core's registry of every loaded module's ioctls
 * (MMSCOPE_CORE_IOC_IOCTLS), for the tests that go over all of them.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <mmscope/core.h>

#include "mmscope_test.h"

int mmscope_registry(struct mmscope_ioctl_info *io, int max)
{
	struct mmscope_ioctls r = {
		.size = sizeof(r), .count = max,
		.entries = (uintptr_t)io,
	};
	char path[PATH_MAX];
	int fd, ret = 0;

	mmscope_debugfs_path(path, sizeof(path), NULL, "ctl");
	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		ret = -errno;
		snprintf(mmscope_error, sizeof(mmscope_error), "%.300s: %s", path,
			 strerror(errno));
		return ret;
	}
	if (ioctl(fd, MMSCOPE_CORE_IOC_IOCTLS, &r)) {
		ret = -errno;
		snprintf(mmscope_error, sizeof(mmscope_error),
			 "MMSCOPE_CORE_IOC_IOCTLS: %s", strerror(errno));
	} else if (r.total > r.count) {
		ret = -ENOSPC;
		snprintf(mmscope_error, sizeof(mmscope_error),
			 "%u ioctls registered, room for %d", r.total, max);
	}
	close(fd);
	return ret ? ret : (int)r.count;
}

int mmscope_registry_ctl_open(const char *module, int flags)
{
	char path[PATH_MAX];
	int fd;

	mmscope_debugfs_path(path, sizeof(path),
			     strcmp(module, "core") ? module : NULL, "ctl");
	fd = open(path, flags | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}
