// SPDX-License-Identifier: GPL-2.0
/*
 * The kernel's own per-page views: /proc/PID/pagemap, /proc/kpageflags and
 * /proc/kpagecount, read a range at a time (one pread() per range or per
 * run of consecutive PFNs, never one per page: arm64 under TCG pays dearly
 * for every system call).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "libmmscope.h"

int mmscope_read_words(int fd, uint64_t idx, size_t n, uint64_t *out)
{
	size_t want = n * sizeof(*out), done = 0;
	ssize_t r;

	while (done < want) {
		r = pread(fd, (char *)out + done, want - done,
			  idx * sizeof(*out) + done);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			int err = r ? errno : EIO;

			return mmscope_fail(err, "word %llu: %s",
					    (unsigned long long)idx +
					    done / sizeof(*out),
					    mmscope_strerror(err));
		}
		done += r;
	}
	return 0;
}

static int open_ro(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return mmscope_fail(errno, "%s: %s", path,
				    mmscope_strerror(errno));
	return fd;
}

int mmscope_pagemap_open(pid_t pid)
{
	char path[64];

	if (pid > 0)
		snprintf(path, sizeof(path), "/proc/%d/pagemap", (int)pid);
	else
		snprintf(path, sizeof(path), "/proc/self/pagemap");
	return open_ro(path);
}

/* n words at idx of the file at path (opened for this call only). */
static int read_file_words(const char *path, int fd, uint64_t idx, size_t n,
			   uint64_t *out)
{
	int ret;

	if (fd < 0)
		return fd;
	ret = mmscope_read_words(fd, idx, n, out);
	close(fd);
	if (ret)
		mmscope_fail(-ret, "%s: %s", path, mmscope_last_error());
	return ret;
}

int mmscope_pagemap_read(pid_t pid, unsigned long start, size_t npages,
			 uint64_t *out)
{
	return read_file_words("pagemap", mmscope_pagemap_open(pid),
			       start / (unsigned long)getpagesize(), npages,
			       out);
}

int mmscope_kpageflags_read(uint64_t pfn, size_t n, uint64_t *out)
{
	return read_file_words("/proc/kpageflags", open_ro("/proc/kpageflags"),
			       pfn, n, out);
}

int mmscope_kpagecount_read(uint64_t pfn, size_t n, uint64_t *out)
{
	return read_file_words("/proc/kpagecount", open_ro("/proc/kpagecount"),
			       pfn, n, out);
}

/* Entries from i on that map consecutive PFNs (0 if pm[i] is absent). */
static size_t run_length(const uint64_t *pm, size_t i, size_t n)
{
	uint64_t first = PM_PFN(pm[i]);
	size_t j;

	if (!(pm[i] & PM_PRESENT))
		return 0;
	for (j = i + 1; j < n; j++)
		if (!(pm[j] & PM_PRESENT) || PM_PFN(pm[j]) != first + (j - i))
			break;
	return j - i;
}

size_t mmscope_pagemap_runs(const uint64_t *pm, size_t n)
{
	size_t i = 0, runs = 0, len;

	while (i < n) {
		len = run_length(pm, i, n);
		runs += len != 0;
		i += len ? len : 1;
	}
	return runs;
}

long mmscope_kpage_read_runs(int fd, const uint64_t *pm, size_t n,
			     uint64_t *out)
{
	size_t i = 0, len;
	long calls = 0;
	int ret;

	while (i < n) {
		len = run_length(pm, i, n);
		if (!len) {
			out[i++] = 0;
			continue;
		}
		ret = mmscope_read_words(fd, PM_PFN(pm[i]), len, out + i);
		if (ret)
			return ret;
		calls++;
		i += len;
	}
	return calls;
}
