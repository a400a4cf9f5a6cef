/* SPDX-License-Identifier: GPL-2.0 */
/*
 * seq_file and debugfs helpers some supported kernels lack.
 *
 * DEFINE_SHOW_STORE_ATTRIBUTE(name) (the kernel has it from 6.2; the
 * suite takes the core's, checked at open, on every kernel): name_fops for
 * a file that shows with name_show(struct seq_file *, void *) and takes
 * writes with name_write(file, buf, count, ppos); the show function's
 * private data is the inode's (debugfs_create_file()'s @data).
 */
#ifndef _MMSCOPE_COMPAT_DEBUGFS_H
#define _MMSCOPE_COMPAT_DEBUGFS_H

#include <linux/fs.h>
#include <linux/module.h>
#include <linux/seq_file.h>

/* The core's definitions (checked at open) serve every kernel. */
#include <mmscope/privilege.h>

#endif /* _MMSCOPE_COMPAT_DEBUGFS_H */
