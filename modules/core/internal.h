/* SPDX-License-Identifier: GPL-2.0 */
/* What the files of mmscope_core.ko share among themselves. */
#ifndef _MMSCOPE_CORE_INTERNAL_H
#define _MMSCOPE_CORE_INTERNAL_H

#include <linux/fs.h>
#include <linux/init.h>
#include <linux/compiler.h>
#include <linux/types.h>

struct seq_file;
struct mmscope_feature;

/* resolver.c */
void __init mmscope_resolver_init(void);
unsigned int mmscope_resolver_total(void);
unsigned int mmscope_resolver_resolved(void);
void mmscope_resolver_show(struct seq_file *m);
void mmscope_resolver_entry(unsigned int i, struct mmscope_feature *out);

/* ctl.c: the registry of every module's ioctl table */
struct mmscope_ioctl_info;
long mmscope_ctl_registry_copy(struct mmscope_ioctl_info __user *out,
			       u32 count, u32 *total);
void mmscope_ctl_registry_show(struct seq_file *m);

/* core_ctl.c: the core's own ctl file */
struct dentry;
int __init mmscope_core_ctl_init(struct dentry *root);
void mmscope_core_ctl_exit(void);

#endif /* _MMSCOPE_CORE_INTERNAL_H */
