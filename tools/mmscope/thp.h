/* SPDX-License-Identifier: GPL-2.0 */
#ifndef MMSCOPE_THP_CMD_H
#define MMSCOPE_THP_CMD_H

#include <stdint.h>

#include "common.h"

#define THP_LEVEL "mmscope thp"

/* --pid PID and up to max positional numbers; --order N if order. */
struct thp_args {
	int pid;
	unsigned int npos;
	uint64_t pos[2];
	int order;		/* -1: not given */
};

int thp_parse(int argc, char **argv, struct thp_args *a, unsigned int max,
	      bool order, const char *level);
int thp_map(int argc, char **argv);
/* The span of pid's VMAs; 0, or -1 with the error printed. */
int thp_span(int fd, int pid, uint64_t *start, uint64_t *len);

#endif
