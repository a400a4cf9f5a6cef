/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _MMSCOPE_COMPACTION_INTERNAL_H
#define _MMSCOPE_COMPACTION_INTERNAL_H

#include <linux/fs.h>
#include <linux/mmzone.h>
#include <linux/types.h>

#include <uapi/mmscope/compaction.h>

/* zones.c */
unsigned int cp_nr_zones(void);
/* Up to max populated zones, in node then zone order. */
unsigned int cp_zones_get(struct zone **zones, unsigned int max);
/* One snapshot of zone (everything but pcp, node and index fields). */
void cp_zone_snapshot(struct zone *zone, struct mmscope_compaction_zone *z);
/* The zone's per-CPU lists into pcp[max]; returns the number filled. */
unsigned int cp_zone_pcp(struct zone *zone, struct mmscope_compaction_pcp *pcp,
			 unsigned int max);
/* End of the last node's PFN span. */
unsigned long cp_end_pfn(void);

/* blocks.c */
/* The kernel's MIGRATE_* as enum mmscope_compaction_mt. */
u8 cp_mt(int mt);
/*
 * Fill at most max records for the pageblocks of [start, end); returns how
 * many and stores in *next where to go on (end when done).
 */
unsigned int cp_blocks(unsigned long start, unsigned long end,
		       struct mmscope_compaction_block *recs, unsigned int max,
		       unsigned long *next);
void cp_pfn_reason(unsigned long pfn, struct mmscope_compaction_pfn *p);

/* alloc.c: blocks owned by an open ctl file */
int cp_file_open(struct file *file, void **priv);
void cp_file_release(struct file *file, void *priv);
long cp_ioc_alloc(struct file *file, unsigned int cmd, void *arg);
long cp_ioc_release(struct file *file, unsigned int cmd, void *arg);
long cp_ioc_contig(struct file *file, unsigned int cmd, void *arg);

/* compact.c: compaction of one node */
long cp_ioc_compact(struct file *file, unsigned int cmd, void *arg);

extern const char * const cp_mt_names[MMSCOPE_COMPACTION_NR_MT];
extern const char * const cp_reason_names[MMSCOPE_COMPACTION_NR_REASONS];

#endif
