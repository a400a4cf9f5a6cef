/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shared pieces of the mmscope CLI: the subcommand table, error
 * reporting, and access to the kernel side (debugfs files and ctl ioctls).
 *
 * A module's subcommand lives in tools/mmscope/<module>.c and exports one
 * do_<module>(argc, argv), listed in the table in main.c.
 */
#ifndef MMSCOPE_COMMON_H
#define MMSCOPE_COMMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <libmmscope.h>

#include "json.h"

/* Exit status of the tool, and return value of every do_*() function. */
enum {
	EXIT_OK = 0,		/* success */
	EXIT_FAILED = 1,	/* the probe failed, or the kernel said no */
	EXIT_USAGE = 2,		/* bad command line */
};

struct cmd {
	const char *name;
	int (*func)(int argc, char **argv);
};

/*
 * Run the entry of cmds named by argv[0] (a unique prefix is enough) with
 * the remaining arguments. No argument runs the first entry; an unknown
 * one is a usage error naming the level ("mmscope version").
 */
int cmd_select(const struct cmd *cmds, int argc, char **argv,
	       const char *level);
bool is_help(const char *arg);

void p_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void p_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* p_err() the message, point at the help, and return EXIT_USAGE. */
int usage_err(const char *level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* The help of a level: text on stdout, or null in JSON mode. */
void print_help(const char *text);

/* errno in words, for "mmscope: pid 123: no such process". */
#define errno_str(err) mmscope_strerror(err)

/*
 * Open the ctl file of a module (NULL for the core's own ctl). On failure
 * report why (module not loaded, debugfs not mounted, not root) and
 * return -1.
 */
int ctl_open(const char *module);
/*
 * ioctl() on a struct whose size field the caller has set; reports
 * "<what>: <errno in words>" on failure and returns -errno.
 */
int ctl_ioctl(int fd, unsigned long req, void *arg, const char *what, ...)
	__attribute__((format(printf, 4, 5)));

/* Parse an unsigned number (decimal or 0x hex, K/M/G); usage error if bad. */
int parse_u64(const char *arg, uint64_t *val, const char *what);

/*
 * The target of a command: --pid PID | --pfn PFN | --kernel, then
 * ADDR [LEN], as libmmscope parses it. target_arg() takes argv[*i] if it
 * is part of the target (1), leaves another option (0), or reports a bad
 * one (EXIT_USAGE, as a negative number); target_done() checks the kind
 * against kinds (MMSCOPE_TARGETS_*) and sets the default LEN.
 */
int target_arg(struct mmscope_target_args *t, int argc, char **argv, int *i,
	       const char *level);
int target_done(struct mmscope_target_args *t, unsigned int kinds,
		uint64_t default_len, const char *level);
/*
 * A command line of a target and the command's own options: option()
 * takes argv[*i] (and its value: *i then points at the last argument it
 * took) and returns EXIT_OK, or EXIT_USAGE after reporting; an argument
 * it does not know is "unknown option". EXIT_*.
 */
int parse_target(int argc, char **argv, struct mmscope_target_args *t,
		 unsigned int kinds, uint64_t default_len, const char *level,
		 int (*option)(int argc, char **argv, int *i, void *ctx),
		 void *ctx);
/* The help line of a target, the same in every command's help. */
#define HELP_TARGET MMSCOPE_HELP_TARGET
#define HELP_NUMBERS MMSCOPE_HELP_NUMBERS

int do_version(int argc, char **argv);
int do_features(int argc, char **argv);
int do_trace(int argc, char **argv);
/* The top-level help's list of the registered tracers (trace.c). */
void trace_help_names(void);
int do_pageref(int argc, char **argv);
int do_pagewalk(int argc, char **argv);
int do_notifier(int argc, char **argv);
int show_tool_version(void);

/*
 * spawn.c: run cmd stopped right after its exec (its pid, or -1 after a
 * message); let it go; end it (kill_it: SIGKILL first) and return its
 * exit status (128 + signal if killed).
 */
pid_t spawn_stopped(char **cmd);
void spawn_resume(pid_t pid);
int spawn_end(pid_t pid, bool kill_it);

#endif
