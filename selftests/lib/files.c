// SPDX-License-Identifier: GPL-2.0
/* Small text files: /proc and debugfs files, the guest's build record. */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "mmscope_test.h"

char mmscope_error[512];

ssize_t mmscope_read_file(const char *path, char *buf, size_t size)
{
	size_t len = 0;
	ssize_t n;
	int fd;

	if (!size)
		return -EINVAL;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	/* debugfs and seq_file hand out a page or so per read */
	while (len < size - 1) {
		n = read(fd, buf + len, size - 1 - len);
		if (n < 0) {
			n = -errno;
			close(fd);
			return n;
		}
		if (!n)
			break;
		len += n;
	}
	close(fd);
	buf[len] = '\0';
	return len;
}

int mmscope_text_field(const char *text, const char *key, char sep,
		       char *val, size_t size)
{
	size_t klen = strlen(key);
	const char *line, *end;
	size_t vlen;

	for (line = text; *line; line = end + (*end == '\n')) {
		end = strchrnul(line, '\n');
		if ((size_t)(end - line) <= klen || line[klen] != sep ||
		    strncmp(line, key, klen))
			continue;
		vlen = end - line - klen - 1;
		if (vlen >= size)
			return -ENAMETOOLONG;
		memcpy(val, line + klen + 1, vlen);
		val[vlen] = '\0';
		return 0;
	}
	return -ENOENT;
}

int mmscope_build_info(const char *key, char *val, size_t size)
{
	char text[4096];
	ssize_t n;
	int ret;

	n = mmscope_read_file(MMSCOPE_BUILD_INFO, text, sizeof(text));
	if (n < 0) {
		snprintf(mmscope_error, sizeof(mmscope_error), "%s: %s",
			 MMSCOPE_BUILD_INFO, strerror(-n));
		return n;
	}
	ret = mmscope_text_field(text, key, '=', val, size);
	if (ret)
		snprintf(mmscope_error, sizeof(mmscope_error),
			 "%s: no %s= line", MMSCOPE_BUILD_INFO, key);
	return ret;
}

const char *mmscope_unmet(const char *path)
{
	static char why[PATH_MAX + 64];

	if (geteuid())
		return "needs root";
	if (access(path, F_OK)) {
		snprintf(why, sizeof(why), "%s: %s (suite not loaded?)", path,
			 strerror(errno));
		return why;
	}
	return NULL;
}

const char *mmscope_machine_arch(void)
{
	static struct utsname u;

	if (uname(&u))
		return "unknown";
	if (!strcmp(u.machine, "aarch64"))
		return "arm64";
	return u.machine;
}

/* nftw() takes no cookie: the search in progress lives here. */
static struct {
	const char *name;
	char (*paths)[PATH_MAX];
	int max;
	int found;
} find_state;

static int find_one(const char *path, const struct stat *st, int type,
		    struct FTW *ftw)
{
	(void)st;
	if (type != FTW_F || (find_state.name &&
			      strcmp(path + ftw->base, find_state.name)))
		return 0;
	if (find_state.found == find_state.max)
		return 1;
	snprintf(find_state.paths[find_state.found++], PATH_MAX, "%s", path);
	return 0;
}

int mmscope_find_files(const char *dir, const char *name,
		       char paths[][PATH_MAX], int max)
{
	find_state.name = name;
	find_state.paths = paths;
	find_state.max = max;
	find_state.found = 0;
	if (nftw(dir, find_one, 16, FTW_PHYS) < 0) {
		snprintf(mmscope_error, sizeof(mmscope_error), "%s: %s", dir,
			 strerror(errno));
		return -errno;
	}
	return find_state.found;
}

int mmscope_vmstat_refresh(void)
{
	int fd = open("/proc/sys/vm/stat_refresh", O_WRONLY | O_CLOEXEC);
	int ret = 0;

	if (fd < 0)
		return -errno;
	if (write(fd, "1", 1) != 1)
		ret = -errno;
	close(fd);
	return ret;
}

long mmscope_foll_pins_outstanding(void)
{
	char text[16384], a[32], r[32];

	mmscope_vmstat_refresh();
	if (mmscope_read_file("/proc/vmstat", text, sizeof(text)) <= 0 ||
	    mmscope_text_field(text, "nr_foll_pin_acquired", ' ', a,
			       sizeof(a)) ||
	    mmscope_text_field(text, "nr_foll_pin_released", ' ', r,
			       sizeof(r)))
		return 0;
	return strtol(a, NULL, 10) - strtol(r, NULL, 10);
}

long mmscope_slab_active(const char *prefix)
{
	long active, sum = -1, cpu, ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	char line[512], name[128], path[PATH_MAX];
	size_t n = strlen(prefix);
	cpu_set_t all, one;
	FILE *f;

	/* each CPU gives up what it caches of the last task it ran */
	if (!sched_getaffinity(0, sizeof(all), &all)) {
		for (cpu = 0; cpu < ncpu; cpu++) {
			CPU_ZERO(&one);
			CPU_SET(cpu, &one);
			if (!sched_setaffinity(0, sizeof(one), &one))
				sched_yield();
		}
		sched_setaffinity(0, sizeof(all), &all);
	}
	for (int pass = 0; pass < 2; pass++) {
		f = fopen("/proc/slabinfo", "re");
		if (!f)
			return -1;
		while (fgets(line, sizeof(line), f)) {
			if (sscanf(line, "%127s %ld", name, &active) != 2 ||
			    strncmp(name, prefix, n))
				continue;
			if (!pass) {
				snprintf(path, sizeof(path),
					 "/sys/kernel/slab/%s/shrink", name);
				mmscope_write_str(path, "1");
			} else {
				sum = (sum < 0 ? 0 : sum) + active;
			}
		}
		fclose(f);
	}
	return sum;
}

int mmscope_write_str(const char *path, const char *val)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC), err = 0;

	if (fd < 0)
		return -errno;
	if (write(fd, val, strlen(val)) != (ssize_t)strlen(val))
		err = -errno ?: -EIO;
	close(fd);
	return err;
}

long mmscope_read_long(const char *path)
{
	char text[32];

	if (mmscope_read_file(path, text, sizeof(text)) <= 0)
		return -1;
	return strtol(text, NULL, 10);
}
