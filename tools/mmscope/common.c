// SPDX-License-Identifier: GPL-2.0
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

#include "common.h"

#define DEBUGFS_MAGIC 0x64626720	/* statfs f_type of debugfs */

bool is_help(const char *arg)
{
	return !strcmp(arg, "help") || !strcmp(arg, "-h") ||
	       !strcmp(arg, "--help");
}

int cmd_select(const struct cmd *cmds, int argc, char **argv,
	       const char *level)
{
	const struct cmd *found = NULL;
	size_t len;
	int i;

	if (argc < 1)
		return cmds[0].func(0, argv);
	if (is_help(argv[0]))
		argv[0] = "help";
	len = strlen(argv[0]);
	for (i = 0; cmds[i].name; i++) {
		if (!strcmp(cmds[i].name, argv[0])) {
			found = &cmds[i];
			break;
		}
		if (len && !strncmp(cmds[i].name, argv[0], len)) {
			if (found)
				return usage_err(level, "ambiguous command '%s' (%s, %s, ...)",
						 argv[0], found->name, cmds[i].name);
			found = &cmds[i];
		}
	}
	if (!found)
		return usage_err(level, "unknown command '%s'", argv[0]);
	return found->func(argc - 1, argv + 1);
}

static void vreport(const char *prefix, const char *fmt, va_list ap)
{
	char msg[1024];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	fprintf(stderr, "mmscope: %s%s\n", prefix, msg);
	if (json_output && !*prefix) {
		struct json_object *err = jw_object();

		jw_set_str(err, "error", msg);
		jw_emit(err);
	}
}

void p_err(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport("", fmt, ap);
	va_end(ap);
}

void p_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport("warning: ", fmt, ap);
	va_end(ap);
}

int usage_err(const char *level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport("", fmt, ap);
	va_end(ap);
	fprintf(stderr, "Try '%s help'.\n", level);
	return EXIT_USAGE;
}

void print_help(const char *text)
{
	if (json_output)
		jw_emit(NULL);	/* like bpftool: stdout stays JSON */
	else
		fputs(text, stdout);
}

const char *errno_str(int err)
{
	static char buf[128];

	snprintf(buf, sizeof(buf), "%s", strerror(err));
	buf[0] = tolower((unsigned char)buf[0]);
	return buf;
}

/* $MMSCOPE_DEBUGFS lets the host tests feed the parsers recorded files. */
static const char *debugfs_root(void)
{
	const char *root = getenv("MMSCOPE_DEBUGFS");

	return root && *root ? root : MMSCOPE_DEBUGFS;
}

static void module_path(char *buf, size_t size, const char *module,
			const char *file)
{
	if (module)
		snprintf(buf, size, "%s/%s/%s", debugfs_root(), module, file);
	else
		snprintf(buf, size, "%s/%s", debugfs_root(), file);
}

/* Say why a file of the kernel side could not be opened. */
static void report_open_error(const char *module, const char *path, int err)
{
	struct statfs sfs;
	char dir[PATH_MAX];

	if (err == EACCES || err == EPERM) {
		p_err("%s: permission denied (mmscope needs root)", path);
		return;
	}
	if (err != ENOENT) {
		p_err("%s: %s", path, errno_str(err));
		return;
	}
	if (!strcmp(debugfs_root(), MMSCOPE_DEBUGFS) &&
	    (statfs("/sys/kernel/debug", &sfs) ||
	     sfs.f_type != DEBUGFS_MAGIC)) {
		p_err("debugfs is not mounted on /sys/kernel/debug (mount -t debugfs none /sys/kernel/debug)");
		return;
	}
	if (access(debugfs_root(), F_OK)) {
		p_err("kernel module mmscope_core is not loaded (no %s)",
		      debugfs_root());
		return;
	}
	module_path(dir, sizeof(dir), module, "");
	if (module && access(dir, F_OK)) {
		p_err("kernel module mmscope_%s is not loaded (no %s)",
		      module, dir);
		return;
	}
	p_err("%s: no such file (the loaded module is older than this tool?)",
	      path);
}

int ctl_open(const char *module)
{
	char path[PATH_MAX];
	int fd;

	module_path(path, sizeof(path), module, "ctl");
	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		report_open_error(module, path, errno);
	return fd;
}

int ctl_ioctl(int fd, unsigned long req, void *arg, const char *what, ...)
{
	char msg[512];
	va_list ap;
	int err;

	if (ioctl(fd, req, arg) == 0)
		return 0;
	err = errno;
	va_start(ap, what);
	vsnprintf(msg, sizeof(msg), what, ap);
	va_end(ap);
	if (err == ENOTTY)
		p_err("%s: not supported by the loaded kernel module (older than this tool?)",
		      msg);
	else if (err == EPERM)
		p_err("%s: operation not permitted (needs CAP_SYS_ADMIN)", msg);
	else
		p_err("%s: %s", msg, errno_str(err));
	return -err;
}

char *debugfs_read(const char *module, const char *file)
{
	char path[PATH_MAX];
	size_t len = 0, size = 4096;
	char *buf, *bigger;
	ssize_t n;
	int fd;

	module_path(path, sizeof(path), module, file);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		report_open_error(module, path, errno);
		return NULL;
	}
	buf = malloc(size);
	if (!buf)
		goto nomem;
	/* debugfs files report no size: read until EOF. */
	while ((n = read(fd, buf + len, size - len - 1)) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			p_err("%s: %s", path, errno_str(errno));
			goto fail;
		}
		len += n;
		if (size - len > 1)
			continue;
		size *= 2;
		bigger = realloc(buf, size);
		if (!bigger)
			goto nomem;
		buf = bigger;
	}
	buf[len] = '\0';
	close(fd);
	return buf;
nomem:
	p_err("%s: out of memory", path);
fail:
	free(buf);
	close(fd);
	return NULL;
}

int parse_u64(const char *arg, uint64_t *val, const char *what)
{
	unsigned long long v;
	char *end;

	errno = 0;
	v = strtoull(arg, &end, 0);
	if (!*arg || *end || errno || arg[strspn(arg, " \t")] == '-') {
		p_err("%s: invalid number '%s'", what, arg);
		return EXIT_USAGE;
	}
	*val = v;
	return EXIT_OK;
}
