/* SPDX-License-Identifier: GPL-2.0 */
/* What the files of `mmscope pageref` share. */
#ifndef MMSCOPE_PAGEREF_CMD_H
#define MMSCOPE_PAGEREF_CMD_H

#include <stdbool.h>
#include <stdint.h>

#define LEVEL "mmscope pageref"

struct range_args {
	int pid;
	bool by_pfn;
	bool write;
	long hold;		/* seconds, -1: until interrupted */
	uint64_t start;
	uint64_t len;
};

/* The target (and --write, --hold for the hold verbs); EXIT_*. */
int parse_range(int argc, char **argv, struct range_args *a, bool hold_verb);
/* p_err() what err means for a query or hold of a's range. */
void say_query_error(const struct range_args *a, int err);
int pageref_help(int argc, char **argv);

/* pageref_watch.c */
int pageref_held(int argc, char **argv);
int pageref_watch(int argc, char **argv);

#endif
