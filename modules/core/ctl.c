// SPDX-License-Identifier: GPL-2.0
/*
 * Every module's `ctl` file: the opener's capability check, the size framing of
 * include/uapi/mmscope/core.h, copy in and out, and the dispatch through
 * the module's table (<mmscope/ctl.h>); and the registry of those tables,
 * which userspace reads to know every command of the loaded suite.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/debugfs.h>
#include <linux/err.h>
#include <linux/fs.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include <mmscope/core.h>

#include "internal.h"

static DEFINE_MUTEX(mmscope_ctl_lock);
static LIST_HEAD(mmscope_ctls);

/* What an open ctl file keeps: its table and the module's per-open data. */
struct mmscope_ctl_file {
	const struct mmscope_ctl *ctl;
	void *priv;
};

void *mmscope_ctl_priv(struct file *file)
{
	struct mmscope_ctl_file *cf = file->private_data;

	return cf->priv;
}
EXPORT_SYMBOL_GPL(mmscope_ctl_priv);

static const struct mmscope_ioctl *mmscope_ctl_find(const struct mmscope_ctl *ctl,
						    unsigned int cmd)
{
	unsigned int i;

	for (i = 0; i < ctl->n_ioctls; i++)
		if (MMSCOPE_IOC_NOSIZE(ctl->ioctls[i].cmd) == cmd)
			return &ctl->ioctls[i];
	return NULL;
}

/*
 * Read the caller's struct into @karg (@io->ksize bytes) and write the
 * bytes read back unchanged: a struct the caller cannot write fails here,
 * before the handler acts. Returns the caller's size or a negative errno.
 */
static long mmscope_ctl_copy_in(const struct mmscope_ioctl *io, void *karg,
				void __user *uarg)
{
	u32 usize;
	int ret;

	if (get_user(usize, (u32 __user *)uarg))
		return -EFAULT;
	if (usize < io->min_size)
		return -EINVAL;
	if (usize > MMSCOPE_IOC_SIZE_MAX)
		return -E2BIG;
	ret = copy_struct_from_user(karg, io->ksize, uarg, usize);
	if (ret)
		return ret;
	/* Keep the size that was checked, whatever memory says now. */
	*(u32 *)karg = usize;
	if (copy_to_user(uarg, karg, min_t(u32, usize, io->ksize)))
		return -EFAULT;
	return usize;
}

long mmscope_ctl_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	struct mmscope_ctl_file *cf = file->private_data;
	u64 karg[MMSCOPE_CTL_KSIZE_MAX / sizeof(u64)];
	void __user *uarg = (void __user *)arg;
	const struct mmscope_ioctl *io;
	long ret;
	u32 n;

	ret = mmscope_file_check(file);
	if (ret)
		return ret;
	cmd = MMSCOPE_IOC_NOSIZE(cmd);
	io = mmscope_ctl_find(cf->ctl, cmd);
	if (!io)
		return -ENOTTY;
	ret = mmscope_ctl_copy_in(io, karg, uarg);
	if (ret < 0)
		return ret;
	n = min_t(u32, ret, io->ksize);
	ret = io->handler(file, cmd, karg);
	if (ret)
		return ret;
	*(u32 *)karg = n;
	if (copy_to_user(uarg, karg, n))
		return -EFAULT;
	return 0;
}
EXPORT_SYMBOL_GPL(mmscope_ctl_ioctl);

int mmscope_copy_array(u64 uptr, const void *kbuf, unsigned int n,
		       size_t ksize, size_t usize)
{
	size_t len = min(ksize, usize);
	unsigned int i;

	if (len == ksize && len == usize)
		return copy_to_user(u64_to_user_ptr(uptr), kbuf, n * len) ?
		       -EFAULT : 0;
	for (i = 0; i < n; i++)
		if (copy_to_user(u64_to_user_ptr(uptr + (u64)i * usize),
				 kbuf + i * ksize, len))
			return -EFAULT;
	return 0;
}
EXPORT_SYMBOL_GPL(mmscope_copy_array);

int mmscope_ctl_open(struct inode *inode, struct file *file)
{
	const struct mmscope_ctl *ctl = inode->i_private;
	struct mmscope_ctl_file *cf;
	int ret;

	cf = kzalloc(sizeof(*cf), GFP_KERNEL);
	if (!cf)
		return -ENOMEM;
	cf->ctl = ctl;
	if (ctl->open) {
		ret = ctl->open(file, &cf->priv);
		if (ret) {
			kfree(cf);
			return ret;
		}
	}
	file->private_data = cf;
	return nonseekable_open(inode, file);
}
EXPORT_SYMBOL_GPL(mmscope_ctl_open);

int mmscope_ctl_release(struct inode *inode, struct file *file)
{
	struct mmscope_ctl_file *cf = file->private_data;

	if (cf->ctl->release)
		cf->ctl->release(file, cf->priv);
	kfree(cf);
	return 0;
}
EXPORT_SYMBOL_GPL(mmscope_ctl_release);

/* A table the dispatcher can serve: sizes it can hold, numbers in range. */
static bool mmscope_ctl_valid(const struct mmscope_ctl *ctl)
{
	const struct mmscope_ioctl *io;
	unsigned int i, nr;

	if (!ctl->module || !ctl->n_ioctls || ctl->nr_first > ctl->nr_last)
		return false;
	for (i = 0; i < ctl->n_ioctls; i++) {
		io = &ctl->ioctls[i];
		nr = _IOC_NR(io->cmd);
		if (_IOC_TYPE(io->cmd) != MMSCOPE_IOC_MAGIC || !io->handler ||
		    io->ksize > MMSCOPE_CTL_KSIZE_MAX ||
		    io->ksize < sizeof(u32) || io->min_size < sizeof(u32) ||
		    io->min_size > io->ksize || nr < ctl->nr_first ||
		    nr > ctl->nr_last)
			return false;
	}
	return true;
}

int __mmscope_ctl_create(struct dentry *dir, struct mmscope_ctl *ctl,
			 const struct file_operations *fops)
{
	struct dentry *d;

	if (WARN_ON(!mmscope_ctl_valid(ctl)))
		return -EINVAL;
	d = debugfs_create_file("ctl", 0600, dir, ctl, fops);
	if (IS_ERR(d))
		return PTR_ERR(d);
	ctl->dentry = d;
	mutex_lock(&mmscope_ctl_lock);
	list_add_tail(&ctl->node, &mmscope_ctls);
	mutex_unlock(&mmscope_ctl_lock);
	return 0;
}
EXPORT_SYMBOL_GPL(__mmscope_ctl_create);

void mmscope_ctl_remove(struct mmscope_ctl *ctl)
{
	if (!ctl->dentry)
		return;
	mutex_lock(&mmscope_ctl_lock);
	list_del(&ctl->node);
	mutex_unlock(&mmscope_ctl_lock);
	debugfs_remove(ctl->dentry);
	ctl->dentry = NULL;
}
EXPORT_SYMBOL_GPL(mmscope_ctl_remove);

static void mmscope_ioctl_info(const struct mmscope_ctl *ctl,
			       const struct mmscope_ioctl *io,
			       struct mmscope_ioctl_info *e)
{
	memset(e, 0, sizeof(*e));
	strscpy(e->module, ctl->module, sizeof(e->module));
	e->cmd = io->cmd;
	e->nr = _IOC_NR(io->cmd);
	e->min_size = io->min_size;
	e->kernel_size = io->ksize;
	e->nr_first = ctl->nr_first;
	e->nr_last = ctl->nr_last;
}

/*
 * Copy up to @count entries of the registry to @out; returns how many
 * were copied and sets *@total to the number of registered ioctls.
 */
long mmscope_ctl_registry_copy(struct mmscope_ioctl_info __user *out,
			       u32 count, u32 *total)
{
	const struct mmscope_ctl *ctl;
	struct mmscope_ioctl_info e;
	unsigned int i;
	u32 n = 0, all = 0;
	long ret = 0;

	mutex_lock(&mmscope_ctl_lock);
	list_for_each_entry(ctl, &mmscope_ctls, node) {
		for (i = 0; i < ctl->n_ioctls; i++, all++) {
			if (n == count || ret)
				continue;
			mmscope_ioctl_info(ctl, &ctl->ioctls[i], &e);
			if (copy_to_user(&out[n], &e, sizeof(e)))
				ret = -EFAULT;
			else
				n++;
		}
	}
	mutex_unlock(&mmscope_ctl_lock);
	*total = all;
	return ret ? ret : n;
}

/* The `ioctls` file: one line per registered ioctl. */
void mmscope_ctl_registry_show(struct seq_file *m)
{
	const struct mmscope_ctl *ctl;
	const struct mmscope_ioctl *io;
	unsigned int i;

	seq_puts(m, "# module cmd nr min_size kernel_size\n");
	mutex_lock(&mmscope_ctl_lock);
	list_for_each_entry(ctl, &mmscope_ctls, node) {
		for (i = 0; i < ctl->n_ioctls; i++) {
			io = &ctl->ioctls[i];
			seq_printf(m, "%s 0x%08x 0x%02x %u %u\n", ctl->module,
				   io->cmd, _IOC_NR(io->cmd), io->min_size,
				   io->ksize);
		}
	}
	mutex_unlock(&mmscope_ctl_lock);
}
