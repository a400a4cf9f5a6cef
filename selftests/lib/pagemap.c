// SPDX-License-Identifier: GPL-2.0
/*
 * The kernel's own per-page views, the oracles most selftests compare
 * against: /proc/PID/pagemap, /proc/kpageflags and /proc/kpagecount.
 * Each helper reads a whole range with one pread(), since arm64 under TCG
 * pays dearly for every syscall.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "mmscope_test.h"

/* pread() exactly n 64-bit words at word index idx of path. */
static int read_words(const char *path, uint64_t idx, size_t n, uint64_t *out)
{
	size_t want = n * sizeof(*out), done = 0;
	ssize_t r;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		snprintf(mmscope_error, sizeof(mmscope_error), "%s: %s", path,
			 strerror(errno));
		return -errno;
	}
	while (done < want) {
		r = pread(fd, (char *)out + done, want - done,
			  idx * sizeof(*out) + done);
		if (r <= 0) {
			r = r ? -errno : -EIO;
			snprintf(mmscope_error, sizeof(mmscope_error),
				 "%s: word %llu: %s", path,
				 (unsigned long long)idx + done / sizeof(*out),
				 strerror((int)-r));
			close(fd);
			return (int)r;
		}
		done += r;
	}
	close(fd);
	return 0;
}

int mmscope_pagemap_read(pid_t pid, unsigned long start, size_t npages,
			 uint64_t *out)
{
	char path[64];

	if (pid > 0)
		snprintf(path, sizeof(path), "/proc/%d/pagemap", (int)pid);
	else
		snprintf(path, sizeof(path), "/proc/self/pagemap");
	return read_words(path, start / (unsigned long)getpagesize(), npages,
			  out);
}

int mmscope_kpageflags_read(uint64_t pfn, size_t n, uint64_t *out)
{
	return read_words("/proc/kpageflags", pfn, n, out);
}

int mmscope_kpagecount_read(uint64_t pfn, size_t n, uint64_t *out)
{
	return read_words("/proc/kpagecount", pfn, n, out);
}
