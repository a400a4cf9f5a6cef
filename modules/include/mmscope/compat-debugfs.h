/* SPDX-License-Identifier: GPL-2.0 */
/*
 * seq_file and debugfs helpers some supported kernels lack.
 *
 * DEFINE_SHOW_STORE_ATTRIBUTE(name) (6.2+): file operations name_fops for
 * a file that shows with name_show(struct seq_file *, void *) and takes
 * writes with name_write(file, buf, count, ppos); the show function's
 * private data is the inode's (debugfs_create_file()'s @data).
 */
#ifndef _MMSCOPE_COMPAT_DEBUGFS_H
#define _MMSCOPE_COMPAT_DEBUGFS_H

#include <linux/fs.h>
#include <linux/module.h>
#include <linux/seq_file.h>

#ifndef DEFINE_SHOW_STORE_ATTRIBUTE
#define DEFINE_SHOW_STORE_ATTRIBUTE(__name)				\
static int __name ## _open(struct inode *inode, struct file *file)	\
{									\
	return single_open(file, __name ## _show, inode->i_private);	\
}									\
									\
static const struct file_operations __name ## _fops = {		\
	.owner		= THIS_MODULE,					\
	.open		= __name ## _open,				\
	.read		= seq_read,					\
	.write		= __name ## _write,				\
	.llseek		= seq_lseek,					\
	.release	= single_release,				\
}
#endif

#endif /* _MMSCOPE_COMPAT_DEBUGFS_H */
