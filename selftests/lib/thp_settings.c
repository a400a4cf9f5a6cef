// SPDX-License-Identifier: GPL-2.0
/*
 * The global THP settings a test may change, saved and written back:
 * the top-level enabled and defrag, every writable file of khugepaged/
 * (found by listing it, so that a kernel's new knobs are kept too), and
 * each hugepages-<size>kB/enabled of kernels with per-size THP, and
 * shmem_enabled (and each size's, where the kernel has them). Saved
 * sets form a small stack, so that nested users each put back what they
 * found.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mmscope_test.h"
#include "region.h"

#define THP_DIR		"/sys/kernel/mm/transparent_hugepage"
#define MAX_KNOBS	48
#define MAX_DEPTH	4

struct knob {
	char name[64];		/* relative to THP_DIR */
	char value[64];
};

struct thp_settings {
	int n;
	struct knob knob[MAX_KNOBS];
};

static struct thp_settings stack[MAX_DEPTH];
static int depth;

static void set_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(mmscope_error, sizeof(mmscope_error), fmt, ap);
	va_end(ap);
}

/* "always [madvise] never" -> "madvise"; "511\n" -> "511". */
static void knob_value(const char *text, char *val, size_t size)
{
	const char *open = strchr(text, '['), *close;

	if (open && (close = strchr(open, ']'))) {
		snprintf(val, size, "%.*s", (int)(close - open - 1), open + 1);
		return;
	}
	snprintf(val, size, "%.*s", (int)strcspn(text, "\n"), text);
}

int mmscope_thp_get(const char *name, char *val, size_t size)
{
	char path[PATH_MAX], text[256];
	ssize_t n;

	snprintf(path, sizeof(path), THP_DIR "/%s", name);
	n = mmscope_read_file(path, text, sizeof(text));
	if (n < 0) {
		set_error("%s: %s", path, strerror((int)-n));
		return (int)n;
	}
	knob_value(text, val, size);
	return 0;
}

int mmscope_thp_set(const char *name, const char *value)
{
	char path[PATH_MAX];
	ssize_t n;
	int fd, err;

	snprintf(path, sizeof(path), THP_DIR "/%s", name);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0) {
		err = -errno;
		goto fail;
	}
	n = write(fd, value, strlen(value));
	err = n == (ssize_t)strlen(value) ? 0 : (n < 0 ? -errno : -EIO);
	close(fd);
	if (!err)
		return 0;
fail:
	set_error("%s <- %s: %s", path, value, strerror(-err));
	return err;
}

static int add_knob(struct thp_settings *s, const char *name)
{
	struct knob *k;

	if (s->n == MAX_KNOBS)
		return -ENOSPC;
	k = &s->knob[s->n];
	snprintf(k->name, sizeof(k->name), "%s", name);
	if (mmscope_thp_get(name, k->value, sizeof(k->value)))
		return 0;	/* not on this kernel */
	s->n++;
	return 0;
}

/* Every writable regular file of THP_DIR/sub (sub "" for the top). */
static int add_writable(struct thp_settings *s, const char *sub)
{
	char dir[PATH_MAX], path[PATH_MAX], name[64];
	struct dirent *de;
	struct stat st;
	int err = 0;
	DIR *d;

	snprintf(dir, sizeof(dir), THP_DIR "/%s", sub);
	d = opendir(dir);
	if (!d)
		return 0;
	while (!err && (de = readdir(d))) {
		if (snprintf(path, sizeof(path), "%s/%s", dir, de->d_name) >=
		    (int)sizeof(path) || stat(path, &st) || !S_ISREG(st.st_mode) ||
		    !(st.st_mode & S_IWUSR))
			continue;
		if (snprintf(name, sizeof(name), "%s/%s", sub, de->d_name) <
		    (int)sizeof(name))
			err = add_knob(s, name);
	}
	closedir(d);
	return err;
}

static int read_settings(struct thp_settings *s)
{
	struct dirent *de;
	char name[64];
	int err;
	DIR *d;

	s->n = 0;
	err = add_knob(s, "enabled");
	if (!err)
		err = add_knob(s, "defrag");
	if (!err)
		err = add_knob(s, "shmem_enabled");
	if (!err)
		err = add_writable(s, "khugepaged");
	d = opendir(THP_DIR);
	while (!err && d && (de = readdir(d))) {
		if (strncmp(de->d_name, "hugepages-", 10))
			continue;
		if (snprintf(name, sizeof(name), "%s/enabled", de->d_name) <
		    (int)sizeof(name))
			err = add_knob(s, name);
		if (!err && snprintf(name, sizeof(name), "%s/shmem_enabled",
				     de->d_name) < (int)sizeof(name))
			err = add_knob(s, name);
	}
	if (d)
		closedir(d);
	return err;
}

int mmscope_thp_push(void)
{
	int err;

	if (depth == MAX_DEPTH) {
		set_error("THP settings: more than %d saved", MAX_DEPTH);
		return -ENOSPC;
	}
	if (access(THP_DIR "/enabled", F_OK)) {
		set_error("%s: %s", THP_DIR, strerror(errno));
		return -EOPNOTSUPP;
	}
	err = read_settings(&stack[depth]);
	if (err)
		return err;
	depth++;
	return 0;
}

/*
 * Written back in the order read: the top-level enabled first, which
 * the per-size "inherit" follows, then the rest.
 */
int mmscope_thp_pop(void)
{
	struct thp_settings *s;
	char now[64];
	int i, err = 0;

	if (!depth)
		return -ENOENT;
	s = &stack[--depth];
	for (i = 0; i < s->n; i++) {
		if (!mmscope_thp_get(s->knob[i].name, now, sizeof(now)) &&
		    !strcmp(now, s->knob[i].value))
			continue;
		if (mmscope_thp_set(s->knob[i].name, s->knob[i].value) && !err)
			err = -EIO;
	}
	return err;
}

int mmscope_thp_split_range(const void *start, size_t len)
{
	char cmd[96];
	int fd, n, ok;

	fd = open("/sys/kernel/debug/split_huge_pages", O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = snprintf(cmd, sizeof(cmd), "%d,0x%lx,0x%lx", getpid(),
		     (unsigned long)start, (unsigned long)start + len);
	ok = write(fd, cmd, n) == n;
	close(fd);
	return ok ? 0 : -errno;
}
