/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mmscope compaction: what its files share (compaction.c, compaction_map.c,
 * compaction_drive.c).
 */
#ifndef MMSCOPE_COMPACTION_CLI_H
#define MMSCOPE_COMPACTION_CLI_H

#include <stdint.h>

#include <mmscope/compaction.h>

struct cz_snap {
	struct mmscope_compaction_zones hdr;
	struct mmscope_compaction_zone *zones;
	struct mmscope_compaction_pcp *pcp;
	unsigned int n;
};

extern const char *const cz_mt_names[MMSCOPE_COMPACTION_NR_MT];

/* Every populated zone, one snapshot each; EXIT_OK or EXIT_FAILED. */
int cz_fetch(int fd, struct cz_snap *s);
void cz_free(struct cz_snap *s);
/* The migratetype's name, "none" for a hole. */
const char *cz_mt_name(unsigned int mt);

/* The pageblocks of [start, end) into *recs (malloc'ed); count or -1. */
long cb_fetch(int fd, uint64_t start, uint64_t end,
	      struct mmscope_compaction_block **recs, unsigned int *order);

/* --node N / --zone NAME: the zone of s they select, or -1 (reported). */
int cz_select(const struct cz_snap *s, long node, const char *name,
	      const char *level);

int compaction_map(int argc, char **argv);
/* compaction_drive.c */
int compaction_compact(int argc, char **argv);
int compaction_fragment(int argc, char **argv);
int compaction_alloc_run(struct mmscope_compaction_alloc *a, uint64_t hold,
			 const char *what);

#endif
