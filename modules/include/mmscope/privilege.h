/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Who may use the suite (docs/kernel-interfaces.md, "Privilege"): an
 * opener with CAP_SYS_ADMIN in the initial user namespace, judged by the
 * credentials the file was opened with (file->f_cred), as /proc/PID/pagemap
 * judges who sees PFNs. A file opened with the capability keeps it after
 * its process drops privileges or passes it on; one opened without it is
 * refused however its holder's privileges change later.
 *
 * Every text file a module makes with DEFINE_SHOW_ATTRIBUTE() or
 * DEFINE_SHOW_STORE_ATTRIBUTE() after including <mmscope/core.h> gets the
 * check at open (so reads and writes have it), from the definitions
 * below; the core checks it on every ctl ioctl and `target` write.
 */
#ifndef _MMSCOPE_PRIVILEGE_H
#define _MMSCOPE_PRIVILEGE_H

#include <linux/fs.h>
#include <linux/module.h>
#include <linux/seq_file.h>

/* Did the opener of @file have CAP_SYS_ADMIN (init user namespace)? */
bool mmscope_file_capable(const struct file *file);

/* 0, or -EPERM when the opener of @file lacked CAP_SYS_ADMIN. */
static inline int mmscope_file_check(const struct file *file)
{
	return mmscope_file_capable(file) ? 0 : -EPERM;
}

#define MMSCOPE_SHOW_OPEN(__name)					\
static int __name ## _open(struct inode *inode, struct file *file)	\
{									\
	int ret = mmscope_file_check(file);				\
									\
	if (ret)							\
		return ret;						\
	return single_open(file, __name ## _show, inode->i_private);	\
}

/* A read-only seq_file text file, name_fops over name_show(). */
#define MMSCOPE_DEFINE_SHOW_ATTRIBUTE(__name)				\
MMSCOPE_SHOW_OPEN(__name)						\
									\
static const struct file_operations __name ## _fops = {		\
	.owner		= THIS_MODULE,					\
	.open		= __name ## _open,				\
	.read		= seq_read,					\
	.llseek		= seq_lseek,					\
	.release	= single_release,				\
}

/* The same, taking writes with name_write(). */
#define MMSCOPE_DEFINE_SHOW_STORE_ATTRIBUTE(__name)			\
MMSCOPE_SHOW_OPEN(__name)						\
									\
static const struct file_operations __name ## _fops = {		\
	.owner		= THIS_MODULE,					\
	.open		= __name ## _open,				\
	.read		= seq_read,					\
	.write		= __name ## _write,				\
	.llseek		= seq_lseek,					\
	.release	= single_release,				\
}

/* A module's text files are the suite's: the kernel's names, checked. */
#undef DEFINE_SHOW_ATTRIBUTE
#define DEFINE_SHOW_ATTRIBUTE(__name) MMSCOPE_DEFINE_SHOW_ATTRIBUTE(__name)
#undef DEFINE_SHOW_STORE_ATTRIBUTE
#define DEFINE_SHOW_STORE_ATTRIBUTE(__name) \
	MMSCOPE_DEFINE_SHOW_STORE_ATTRIBUTE(__name)

#endif /* _MMSCOPE_PRIVILEGE_H */
