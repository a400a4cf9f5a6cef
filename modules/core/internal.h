/* SPDX-License-Identifier: GPL-2.0 */
/* What the files of mmscope_core.ko share among themselves. */
#ifndef _MMSCOPE_CORE_INTERNAL_H
#define _MMSCOPE_CORE_INTERNAL_H

#include <linux/fs.h>
#include <linux/init.h>
#include <linux/types.h>

struct seq_file;
struct mmscope_feature;

/* resolver.c */
void __init mmscope_resolver_init(void);
unsigned int mmscope_resolver_total(void);
unsigned int mmscope_resolver_resolved(void);
void mmscope_resolver_show(struct seq_file *m);
void mmscope_resolver_entry(unsigned int i, struct mmscope_feature *out);

/* ctl.c */
extern const struct file_operations mmscope_ctl_fops;

#endif /* _MMSCOPE_CORE_INTERNAL_H */
