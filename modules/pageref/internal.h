/* SPDX-License-Identifier: GPL-2.0 */
/* What the files of mmscope_pageref.ko share among themselves. */
#ifndef _MMSCOPE_PAGEREF_INTERNAL_H
#define _MMSCOPE_PAGEREF_INTERNAL_H

#include <linux/fs.h>
#include <linux/types.h>

#include <uapi/mmscope/pageref.h>

struct dentry;
struct seq_file;

/* snapshot.c: records of a (pid, start, len) or (pfn, count) range. */
struct pageref_range {
	u32 flags;		/* MMSCOPE_PAGEREF_BY_PFN */
	pid_t pid;
	u64 start;
	u64 len;
};

/*
 * Fill up to @max records from @r->start on; returns how many, or a
 * negative errno. *next is the address or pfn after the last record.
 */
long pageref_snapshot(const struct pageref_range *r,
		      struct mmscope_pageref_page *out, unsigned int max,
		      u64 *next);

/*
 * hold.c: references owned by an open ctl file (or by the module).
 * pageref_file_open() is the ctl's open hook (what the file may hold),
 * pageref_release_file() its release hook.
 */
int pageref_file_open(struct file *file, void **priv);
long pageref_hold(struct file *owner, unsigned int cmd,
		  struct mmscope_pageref_hold *h);
long pageref_release(struct file *owner, unsigned int cmd,
		     struct mmscope_pageref_hold *h);
void pageref_release_file(struct file *owner, void *priv);
void pageref_release_all(void);
void pageref_held_list_show(struct seq_file *m);
long pageref_ioc_held(struct file *file, unsigned int cmd, void *arg);

/*
 * report.c: the human-readable `target`/`pages` pair, and ranges.
 * pageref_range_get(): (pid, start, len), or (pfn, count) with
 * MMSCOPE_PAGEREF_BY_PFN in @flags, checked by the core's range contract
 * (@rflags: MMSCOPE_RANGE_*, for a pid range); a pid range comes back
 * page aligned, and nothing stays held.
 */
int pageref_report_init(struct dentry *dir);
void pageref_report_exit(void);
int pageref_range_get(u32 flags, pid_t pid, u64 start, u64 len,
		      unsigned int rflags, struct pageref_range *r);
/* "PID ADDR [LEN]" or "pfn PFN [COUNT]", checked. */
int pageref_parse_range(const char *buf, struct pageref_range *r);

/* watch.c: watched pages, their events, the trace events. */
int pageref_watch_init(struct dentry *dir);
void pageref_watch_exit(void);
long pageref_ioc_watch(struct file *file, unsigned int cmd, void *arg);
void pageref_watch_release(struct file *owner);
long pageref_ioc_events(struct file *file, unsigned int cmd, void *arg);
void pageref_trace_hold(const char *kind, pid_t pid, unsigned long start,
			long pages);
const char *pageref_flag_name(unsigned int bit);

#endif /* _MMSCOPE_PAGEREF_INTERNAL_H */
