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
#include <unistd.h>

#include "common.h"

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

int ctl_open(const char *module)
{
	int fd = mmscope_ctl_open(module);

	if (fd < 0) {
		p_err("%s", mmscope_last_error());
		return -1;
	}
	return fd;
}

int ctl_ioctl(int fd, unsigned long req, void *arg, const char *what, ...)
{
	char msg[512];
	va_list ap;
	int err;

	err = mmscope_ioctl(fd, req, arg, *(uint32_t *)arg);
	if (!err)
		return 0;
	va_start(ap, what);
	vsnprintf(msg, sizeof(msg), what, ap);
	va_end(ap);
	p_err("%s: %s", msg, mmscope_last_error());
	return err;
}

int parse_u64(const char *arg, uint64_t *val, const char *what)
{
	if (mmscope_parse_size(arg, val)) {
		p_err("%s: %s", what, mmscope_last_error());
		return EXIT_USAGE;
	}
	return EXIT_OK;
}

int target_arg(struct mmscope_target_args *t, int argc, char **argv, int *i,
	       const char *level)
{
	int ret = mmscope_target_arg(t, argc, argv, i);

	if (ret < 0)
		return -usage_err(level, "%s", mmscope_last_error());
	return ret;
}

int target_done(struct mmscope_target_args *t, unsigned int kinds,
		uint64_t default_len, const char *level)
{
	if (mmscope_target_done(t, kinds, default_len))
		return usage_err(level, "%s", mmscope_last_error());
	return EXIT_OK;
}

int parse_target(int argc, char **argv, struct mmscope_target_args *t,
		 unsigned int kinds, uint64_t default_len, const char *level,
		 int (*option)(int argc, char **argv, int *i, void *ctx),
		 void *ctx)
{
	int i = 0, ret;

	memset(t, 0, sizeof(*t));
	while (i < argc) {
		ret = target_arg(t, argc, argv, &i, level);
		if (ret < 0)
			return -ret;
		if (ret)
			continue;
		ret = option(argc, argv, &i, ctx);
		if (ret)
			return ret;
		i++;
	}
	ret = target_done(t, kinds, default_len, level);
	if (!ret && t->vma && mmscope_target_vma(t)) {
		p_err("%s", mmscope_last_error());
		return EXIT_FAILED;
	}
	return ret;
}
