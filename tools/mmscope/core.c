// SPDX-License-Identifier: GPL-2.0
/*
 * mmscope version, mmscope features: what the core module (mmscope_core)
 * reports about itself and about the kernel it runs on.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <mmscope/core.h>

#include "common.h"

static int version_help(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	print_help(
		"Usage: mmscope version\n"
		"\n"
		"Print the version and UAPI version of this tool and of the loaded\n"
		"kernel module mmscope_core, with the kernel release and arch it\n"
		"runs on. Fails (exit 1) when the module is not loaded.\n"
		"\n"
		"JSON: {\"tool\": {\"version\", \"uapi\"},\n"
		"       \"kernel\": {\"version\", \"uapi\", \"release\", \"arch\"}}\n");
	return EXIT_OK;
}

int show_tool_version(void)
{
	struct json_object *root, *tool;

	if (!json_output) {
		printf("mmscope %s (tool), uapi %u\n", MMSCOPE_VERSION,
		       MMSCOPE_UAPI_VERSION);
		return EXIT_OK;
	}
	root = jw_object();
	tool = jw_set_object(root, "tool");
	jw_set_str(tool, "version", MMSCOPE_VERSION);
	jw_set_uint(tool, "uapi", MMSCOPE_UAPI_VERSION);
	jw_emit(root);
	return EXIT_OK;
}

static int version_show(int argc, char **argv)
{
	struct mmscope_version kv = { .size = sizeof(kv) };
	struct json_object *root, *obj;
	int fd, err;

	if (argc > 0)
		return usage_err("mmscope version", "unexpected argument '%s'",
				 argv[0]);
	/* The tool's line comes first: it is useful even without the module. */
	if (!json_output) {
		show_tool_version();
		fflush(stdout);
	}
	fd = ctl_open(NULL);
	if (fd < 0)
		return EXIT_FAILED;
	err = ctl_ioctl(fd, MMSCOPE_CORE_IOC_VERSION, &kv, "version");
	close(fd);
	if (err)
		return EXIT_FAILED;
	kv.suite[sizeof(kv.suite) - 1] = '\0';
	kv.release[sizeof(kv.release) - 1] = '\0';
	kv.arch[sizeof(kv.arch) - 1] = '\0';
	if (kv.uapi_version != MMSCOPE_UAPI_VERSION)
		p_warn("kernel module uapi %u, tool uapi %u: some commands may be refused",
		       kv.uapi_version, MMSCOPE_UAPI_VERSION);

	if (!json_output) {
		printf("kernel module: mmscope %s, uapi %u, kernel %s, arch %s\n",
		       kv.suite, kv.uapi_version, kv.release, kv.arch);
		return EXIT_OK;
	}
	root = jw_object();
	obj = jw_set_object(root, "tool");
	jw_set_str(obj, "version", MMSCOPE_VERSION);
	jw_set_uint(obj, "uapi", MMSCOPE_UAPI_VERSION);
	obj = jw_set_object(root, "kernel");
	jw_set_str(obj, "version", kv.suite);
	jw_set_uint(obj, "uapi", kv.uapi_version);
	jw_set_str(obj, "release", kv.release);
	jw_set_str(obj, "arch", kv.arch);
	jw_emit(root);
	return EXIT_OK;
}

int do_version(int argc, char **argv)
{
	static const struct cmd cmds[] = {
		{ "show",	version_show },
		{ "help",	version_help },
		{ NULL }
	};

	return cmd_select(cmds, argc, argv, "mmscope version");
}

static int features_help(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	print_help(
		"Usage: mmscope features\n"
		"\n"
		"List the kernel symbols the suite resolves at load time. A missing\n"
		"symbol disables one feature, named here, never a whole module.\n"
		"\n"
		"JSON: {\"features\": [{\"name\", \"status\": \"resolved\"|\"missing\",\n"
		"                       \"feature\" (when missing)}]}\n");
	return EXIT_OK;
}

/* The resolver's entries, through MMSCOPE_CORE_IOC_FEATURES; n or -1. */
static int features_read(struct mmscope_feature **out)
{
	struct mmscope_features f = { .size = sizeof(f) };
	struct mmscope_feature *v = NULL;
	int fd, ret = -1;

	fd = ctl_open(NULL);
	if (fd < 0)
		return -1;
	/* count 0 gives the total; a second call fills the array */
	if (ctl_ioctl(fd, MMSCOPE_CORE_IOC_FEATURES, &f, "features"))
		goto out;
	v = calloc(f.total ? f.total : 1, sizeof(*v));
	if (!v) {
		p_err("out of memory");
		goto out;
	}
	f.size = sizeof(f);
	f.count = f.total;
	f.entries = (uintptr_t)v;
	if (ctl_ioctl(fd, MMSCOPE_CORE_IOC_FEATURES, &f, "features")) {
		free(v);
		goto out;
	}
	*out = v;
	ret = f.count;
out:
	close(fd);
	return ret;
}

static int features_show(int argc, char **argv)
{
	struct json_object *root = NULL, *list = NULL, *obj;
	struct mmscope_feature *v;
	const char *status;
	int i, n;

	if (argc > 0)
		return usage_err("mmscope features", "unexpected argument '%s'",
				 argv[0]);
	n = features_read(&v);
	if (n < 0)
		return EXIT_FAILED;
	if (json_output) {
		root = jw_object();
		list = jw_set_array(root, "features");
	} else {
		printf("%-32s %-9s %s\n", "SYMBOL", "STATUS", "DISABLED FEATURE");
	}
	for (i = 0; i < n; i++) {
		bool ok = v[i].flags & MMSCOPE_FEATURE_RESOLVED;

		v[i].name[sizeof(v[i].name) - 1] = '\0';
		v[i].feature[sizeof(v[i].feature) - 1] = '\0';
		status = ok ? "resolved" : "missing";
		if (!json_output) {
			printf("%-32s %-9s %s\n", v[i].name, status,
			       ok ? "-" : v[i].feature);
			continue;
		}
		obj = jw_push_object(list);
		jw_set_str(obj, "name", v[i].name);
		jw_set_str(obj, "status", status);
		if (!ok && v[i].feature[0])
			jw_set_str(obj, "feature", v[i].feature);
	}
	if (root)
		jw_emit(root);
	free(v);
	return EXIT_OK;
}

int do_features(int argc, char **argv)
{
	static const struct cmd cmds[] = {
		{ "show",	features_show },
		{ "help",	features_help },
		{ NULL }
	};

	return cmd_select(cmds, argc, argv, "mmscope features");
}
