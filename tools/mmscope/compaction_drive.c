// SPDX-License-Identifier: GPL-2.0
/*
 * mmscope compaction compact|fragment: compaction of one node, and a
 * fragmentation pattern held for a while.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common.h"
#include "compaction.h"
#include "json.h"

#define LEVEL "mmscope compaction"

/* compact [--node N] */
int compaction_compact(int argc, char **argv)
{
	struct mmscope_compaction_compact c = { .size = sizeof(c) };
	struct json_object *o, *s;
	uint64_t node = 0;
	int fd;

	if (argc == 2 && !strcmp(argv[0], "--node")) {
		if (parse_u64(argv[1], &node, "--node"))
			return EXIT_USAGE;
	} else if (argc) {
		return usage_err(LEVEL " compact", "give [--node N]");
	}
	if (node > UINT32_MAX)
		return usage_err(LEVEL " compact", "--node too large");
	c.node = node;
	fd = ctl_open("compaction");
	if (fd < 0)
		return EXIT_FAILED;
	if (ctl_ioctl(fd, MMSCOPE_COMPACTION_IOC_COMPACT, &c, "compact node %llu",
		      (unsigned long long)node) < 0) {
		close(fd);
		return EXIT_FAILED;
	}
	close(fd);
	if (json_output) {
		o = jw_object();
		jw_set_uint(o, "node", node);
		jw_set_str(o, "result", c.result ? "failed" : "ok");
		jw_set_int(o, "errno", -c.result);
		jw_set_uint(o, "elapsed_ns", c.elapsed_ns);
		jw_set_uint(o, "migrate_scanned", c.migrate_scanned);
		jw_set_uint(o, "free_scanned", c.free_scanned);
		jw_set_uint(o, "isolated", c.isolated);
		s = jw_set_object(o, "fragmentation_score");
		jw_set_uint(s, "before", c.score_before);
		jw_set_uint(s, "after", c.score_after);
		jw_emit(o);
	} else if (c.result) {
		p_err("compact node %llu: %s", (unsigned long long)node,
		      errno_str(-c.result));
	} else {
		printf("node %llu compacted in %.3f ms: %llu pages scanned to migrate, %llu free pages scanned, %llu isolated; fragmentation score %u -> %u\n",
		       (unsigned long long)node, c.elapsed_ns / 1e6,
		       (unsigned long long)c.migrate_scanned,
		       (unsigned long long)c.free_scanned,
		       (unsigned long long)c.isolated, c.score_before,
		       c.score_after);
	}
	return c.result ? EXIT_FAILED : EXIT_OK;
}

/* fragment COUNT [--order N] [--kernel] [--hold SECONDS] */
int compaction_fragment(int argc, char **argv)
{
	struct mmscope_compaction_alloc a = { .size = sizeof(a) };
	uint64_t count, order = 0, hold = 0;
	int i;

	a.flags = MMSCOPE_COMPACTION_ALLOC_FRAGMENT;
	if (argc < 1)
		return usage_err(LEVEL " fragment", "give COUNT");
	if (parse_u64(argv[0], &count, "COUNT"))
		return EXIT_USAGE;
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--kernel"))
			a.flags |= MMSCOPE_COMPACTION_ALLOC_KERNEL;
		else if (!strcmp(argv[i], "--order") && i + 1 < argc &&
			 !parse_u64(argv[i + 1], &order, "--order"))
			i++;
		else if (!strcmp(argv[i], "--hold") && i + 1 < argc &&
			 !parse_u64(argv[i + 1], &hold, "--hold"))
			i++;
		else
			return usage_err(LEVEL " fragment", "unexpected argument '%s'", argv[i]);
	}
	if (order > 63 || count > UINT32_MAX)
		return usage_err(LEVEL " fragment", "--order or COUNT too large");
	a.order = order;
	a.count = count;
	return compaction_alloc_run(&a, hold, "fragment");
}

/*
 * compaction_alloc_run: the ALLOC ioctl of `alloc` and `fragment`, its
 * report, then --hold: the blocks stay held while the file is open.
 */
int compaction_alloc_run(struct mmscope_compaction_alloc *a, uint64_t hold,
			 const char *what)
{
	int fragment = !strcmp(what, "fragment");
	struct json_object *o;
	int fd;

	fd = ctl_open("compaction");
	if (fd < 0)
		return EXIT_FAILED;
	if (ctl_ioctl(fd, MMSCOPE_COMPACTION_IOC_ALLOC, a, what) < 0) {
		close(fd);
		return EXIT_FAILED;
	}
	if (json_output) {
		o = jw_object();
		jw_set_uint(o, "order", a->order);
		jw_set_uint(o, "requested", a->count);
		jw_set_uint(o, fragment ? "kept" : "allocated", a->allocated);
		jw_set_uint(o, "failed", a->failed);
		jw_set_uint(o, "elapsed_ns", a->elapsed_ns);
		jw_set_uint(o, "held_pages", a->held_pages);
		jw_emit(o);
	} else if (fragment) {
		printf("order %u: %u of %u blocks kept (every other one), %u failed, in %.3f ms; %llu pages held%s\n",
		       (unsigned int)a->order, a->allocated,
		       (unsigned int)a->count, a->failed, a->elapsed_ns / 1e6,
		       (unsigned long long)a->held_pages,
		       hold ? "" : ", freed now");
	} else {
		printf("order %u: %u allocated, %u failed in %.3f ms; %llu pages held%s\n",
		       (unsigned int)a->order, a->allocated, a->failed,
		       a->elapsed_ns / 1e6, (unsigned long long)a->held_pages,
		       hold ? "" : ", freed now");
	}
	fflush(stdout);
	if (hold)
		sleep(hold);
	close(fd);	/* frees what the file holds */
	return EXIT_OK;
}
