// SPDX-License-Identifier: GPL-2.0
/*
 * Unloading and loading the suite's modules with the system calls
 * themselves (finit_module, delete_module): one call per module, which
 * matters on slow emulated guests.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "mmscope_test.h"

int mmscope_suite_modules(char names[][MMSCOPE_MODULE_NAME_LEN], int max)
{
	char text[2048], *line, *save = NULL;
	ssize_t len;
	int n = 0;

	len = mmscope_read_file(MMSCOPE_MODULE_DIR "/load-order", text,
				sizeof(text));
	if (len < 0) {
		snprintf(mmscope_error, sizeof(mmscope_error),
			 MMSCOPE_MODULE_DIR "/load-order: %s", strerror(-len));
		return len;
	}
	for (line = strtok_r(text, " \t\n", &save); line && n < max;
	     line = strtok_r(NULL, " \t\n", &save))
		snprintf(names[n++], MMSCOPE_MODULE_NAME_LEN, "%s", line);
	return n;
}

/* A module that was just used may still be held for a moment: retry. */
static int suite_delete_module(const char *name)
{
	const struct timespec pause = { .tv_nsec = 20 * 1000 * 1000 };
	int tries;

	for (tries = 0; tries < 100; tries++) {
		if (!syscall(SYS_delete_module, name, O_NONBLOCK) ||
		    errno == ENOENT)
			return 0;
		if (errno != EAGAIN && errno != EBUSY)
			break;
		nanosleep(&pause, NULL);
	}
	snprintf(mmscope_error, sizeof(mmscope_error),
		 "delete_module(%s): %s", name, strerror(errno));
	return -errno;
}

int mmscope_suite_unload(void)
{
	char names[MMSCOPE_MAX_MODULES][MMSCOPE_MODULE_NAME_LEN];
	int n, ret;

	n = mmscope_suite_modules(names, MMSCOPE_MAX_MODULES);
	if (n < 0)
		return n;
	while (n--) {
		ret = suite_delete_module(names[n]);
		if (ret)
			return ret;
	}
	return 0;
}

/* Load one module of the suite; loaded already is fine. */
static int suite_load_module(const char *name)
{
	char path[256];
	int fd, ret;

	snprintf(path, sizeof(path), MMSCOPE_MODULE_DIR "/%.*s.ko",
		 MMSCOPE_MODULE_NAME_LEN, name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		ret = -errno;
		snprintf(mmscope_error, sizeof(mmscope_error), "%s: %s",
			 path, strerror(errno));
		return ret;
	}
	ret = syscall(SYS_finit_module, fd, "", 0) ? -errno : 0;
	close(fd);
	if (ret && ret != -EEXIST) {
		snprintf(mmscope_error, sizeof(mmscope_error),
			 "finit_module(%s): %s", path, strerror(-ret));
		return ret;
	}
	return 0;
}

int mmscope_suite_load(void)
{
	char names[MMSCOPE_MAX_MODULES][MMSCOPE_MODULE_NAME_LEN];
	int i, n, ret;

	n = mmscope_suite_modules(names, MMSCOPE_MAX_MODULES);
	if (n < 0)
		return n;
	for (i = 0; i < n; i++) {
		ret = suite_load_module(names[i]);
		if (ret)
			return ret;
	}
	return 0;
}

int mmscope_module_reload(const char *name)
{
	int ret = suite_delete_module(name);

	return ret ? ret : suite_load_module(name);
}
