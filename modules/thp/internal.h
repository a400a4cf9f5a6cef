/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _MMSCOPE_THP_INTERNAL_H
#define _MMSCOPE_THP_INTERNAL_H

#include <linux/fs.h>
#include <linux/seq_file.h>
#include <linux/types.h>

#include <mmscope/compat.h>
#include <uapi/mmscope/thp.h>

/* The resolved entry points (main.c); NULL members disable a feature. */
extern struct mmscope_thp_syms thp_syms;

extern const char *const thp_kind_names[MMSCOPE_THP_NR_KINDS];
extern const char *const thp_reason_names[MMSCOPE_THP_NR_REASONS];

/* vmas.c */
long thp_ioc_vmas(struct file *file, unsigned int cmd, void *arg);
int thp_vmas_show_pid(struct seq_file *m, pid_t pid);
const char *thp_vma_refusal(struct vm_area_struct *vma);

/* folios.c */
/*
 * Up to max large folios mapped in [start, end) of mm into recs; returns
 * how many (or -errno) and stores where to go on in *next.
 */
int thp_folios_get(struct mm_struct *mm, unsigned long start,
		   unsigned long end, struct mmscope_thp_folio *recs,
		   unsigned int max, unsigned long *next);
long thp_ioc_folios(struct file *file, unsigned int cmd, void *arg);
int thp_folios_show_range(struct seq_file *m, pid_t pid, u64 start, u64 len);

/* ops.c */
long thp_ioc_collapse(struct file *file, unsigned int cmd, void *arg);
long thp_ioc_split(struct file *file, unsigned int cmd, void *arg);

/* khugepaged.c */
int thp_khugepaged_init(void);
void thp_khugepaged_exit(void);
long thp_ioc_khugepaged(struct file *file, unsigned int cmd, void *arg);
int thp_khugepaged_show_pid(struct seq_file *m, pid_t pid);
/* Collapses by this task note the kernel's last scan result in name. */
void thp_collapse_watch_begin(char *name, size_t len);
void thp_collapse_watch_end(void);

#endif
