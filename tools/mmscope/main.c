// SPDX-License-Identifier: GPL-2.0
/*
 * mmscope: look at the memory-management state of a running kernel
 * through the mmscope kernel modules.
 *
 *   mmscope [OPTIONS] COMMAND [ARGS...]
 *
 * One binary, one subcommand per module, help at every level, and -j for
 * machine-readable output. Each subcommand is a do_<name>() in its own
 * file; list it in cmds[] and in the help below.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "common.h"

static int do_help(int argc, char **argv);
int do_compaction(int argc, char **argv);
int do_swapcache(int argc, char **argv);
int do_thp(int argc, char **argv);

static const struct cmd cmds[] = {
	{ "help",	do_help },
	{ "version",	do_version },
	{ "features",	do_features },
	{ "trace",	do_trace },
	{ "pageref",	do_pageref },
	{ "pagewalk",	do_pagewalk },
	{ "compaction",	do_compaction },
	{ "notifier",	do_notifier },
	{ "swapcache",	do_swapcache },
	{ "thp",		do_thp },
	{ NULL }
};

static int do_help(int argc, char **argv)
{
	char *sub[] = { NULL, "help" };

	/* "mmscope help COMMAND" is "mmscope COMMAND help". */
	if (argc > 0 && !is_help(argv[0])) {
		sub[0] = argv[0];
		return cmd_select(cmds, 2, sub, "mmscope");
	}
	print_help(
		"Usage: mmscope [OPTIONS] COMMAND [ARGS...]\n"
		"       mmscope COMMAND help\n"
		"\n"
		"COMMAND := { version | features | pageref | pagewalk | compaction | notifier | swapcache | thp | trace | help }\n"
		"  version    versions of this tool and of the loaded kernel modules\n"
		"  features   kernel symbols the modules use, and what a missing one disables\n"
		"  trace      BPF tracers: page faults by handler, the suite's own functions\n"
		"  pageref    reference, map and pin counts of pages; hold references\n"
		"  pagewalk   page-table entries that map a range, level by level\n"
		"  compaction zones, free lists, pageblocks; why a page cannot move\n"
		"  notifier   MMU notifier callbacks of a process: invalidations and why\n"
		"  swapcache  swap entries, swap counts and the swap cache per page, slot, device\n"
		"  thp        transparent huge pages: VMA verdicts, folios, collapse, split\n"
		"\n"
		"OPTIONS := { -j|--json | -p|--pretty | -h|--help | -V|--version }\n"
		"  -j, --json     print JSON on stdout (errors too, as {\"error\": ...})\n"
		"  -p, --pretty   indented JSON (implies --json)\n"
		"  -V, --version  print the tool's version and exit\n"
		"\n"
		"-j and -p may also follow the command. Exit status: 0 success,\n"
		"1 the probe failed, 2 bad usage.\n");
	trace_help_names();
	return EXIT_OK;
}

static bool take_global_option(const char *arg)
{
	if (!strcmp(arg, "-j") || !strcmp(arg, "--json")) {
		json_output = true;
		return true;
	}
	if (!strcmp(arg, "-p") || !strcmp(arg, "--pretty")) {
		json_output = pretty_output = true;
		return true;
	}
	return false;
}

/*
 * -j and -p are accepted after the command too ("mmscope features -j");
 * every other option after the command belongs to the command.
 */
static int strip_global_options(int argc, char **argv)
{
	int i, n = 0;

	for (i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "--")) {
			while (i < argc)
				argv[n++] = argv[i++];
			break;
		}
		if (!take_global_option(argv[i]))
			argv[n++] = argv[i];
	}
	argv[n] = NULL;
	return n;
}

int main(int argc, char **argv)
{
	static const struct option options[] = {
		{ "json",	no_argument,	NULL,	'j' },
		{ "pretty",	no_argument,	NULL,	'p' },
		{ "help",	no_argument,	NULL,	'h' },
		{ "version",	no_argument,	NULL,	'V' },
		{ NULL }
	};
	int opt;

	opterr = 0;
	/* "+": stop at the command, its options are its own. */
	while ((opt = getopt_long(argc, argv, "+jphV", options, NULL)) >= 0) {
		switch (opt) {
		case 'j':
			json_output = true;
			break;
		case 'p':
			json_output = pretty_output = true;
			break;
		case 'h':
			return do_help(0, NULL);
		case 'V':
			return show_tool_version();
		default:
			if (optopt)
				return usage_err("mmscope", "unknown option '-%c'",
						 optopt);
			return usage_err("mmscope", "unknown option '%s'",
					 argv[optind - 1]);
		}
	}
	argc -= optind;
	argv += optind;
	argc = strip_global_options(argc, argv);
	if (argc < 1)
		return usage_err("mmscope", "missing command");
	return cmd_select(cmds, argc, argv, "mmscope");
}
