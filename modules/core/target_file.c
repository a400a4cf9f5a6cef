// SPDX-License-Identifier: GPL-2.0
/*
 * A module's `target` file (<mmscope/target-file.h>): stored, parsed,
 * checked and shown here once for every module.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/debugfs.h>
#include <linux/err.h>
#include <linux/fs.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/seq_file.h>
#include <linux/uaccess.h>

#include <mmscope/core.h>

static int mmscope_target_file_show(struct seq_file *m, void *unused)
{
	struct mmscope_target_file *tf = m->private;
	struct mmscope_target_spec t;

	if (!mmscope_target_file_get(tf, &t))
		seq_puts(m, "none\n");
	else if (t.kind == MMSCOPE_TARGET_PFN)
		seq_printf(m, "pfn 0x%llx %llu\n", t.start, t.len);
	else if (t.kind == MMSCOPE_TARGET_KERNEL)
		seq_printf(m, "kernel 0x%llx 0x%llx\n", t.start, t.len);
	else
		seq_printf(m, "%d 0x%llx 0x%llx\n", t.pid, t.start, t.len);
	return 0;
}

int mmscope_target_file_open(struct inode *inode, struct file *file)
{
	int ret = mmscope_file_check(file);

	if (ret)
		return ret;
	return single_open(file, mmscope_target_file_show, inode->i_private);
}
EXPORT_SYMBOL_GPL(mmscope_target_file_open);

ssize_t mmscope_target_file_write(struct file *file, const char __user *ubuf,
				  size_t count, loff_t *ppos)
{
	struct mmscope_target_file *tf = file_inode(file)->i_private;
	struct mmscope_target_spec t;
	char buf[96];
	int ret;

	ret = mmscope_file_check(file);
	if (ret)
		return ret;
	if (count >= sizeof(buf))
		return -EINVAL;
	if (copy_from_user(buf, ubuf, count))
		return -EFAULT;
	buf[count] = '\0';
	ret = mmscope_target_parse(buf, &t);
	if (ret)
		return ret;
	if (!(tf->accepts & BIT(t.kind)))
		return -EINVAL;
	if (!t.has_len)
		t.len = t.kind == MMSCOPE_TARGET_PFN ? tf->default_count :
						       tf->default_len;
	ret = tf->check ? tf->check(&t) : 0;
	if (ret)
		return ret;
	mutex_lock(&tf->lock);
	tf->spec = t;
	tf->set = true;
	mutex_unlock(&tf->lock);
	return count;
}
EXPORT_SYMBOL_GPL(mmscope_target_file_write);

int __mmscope_target_file_create(struct dentry *dir,
				 struct mmscope_target_file *tf,
				 const struct file_operations *fops)
{
	struct dentry *d;

	mutex_init(&tf->lock);
	tf->set = false;
	d = debugfs_create_file("target", 0600, dir, tf, fops);
	if (IS_ERR(d))
		return PTR_ERR(d);
	tf->dentry = d;
	return 0;
}
EXPORT_SYMBOL_GPL(__mmscope_target_file_create);

void mmscope_target_file_remove(struct mmscope_target_file *tf)
{
	if (!tf->dentry)
		return;
	debugfs_remove(tf->dentry);
	tf->dentry = NULL;
}
EXPORT_SYMBOL_GPL(mmscope_target_file_remove);

bool mmscope_target_file_get(struct mmscope_target_file *tf,
			     struct mmscope_target_spec *t)
{
	bool set;

	mutex_lock(&tf->lock);
	set = tf->set;
	*t = tf->spec;
	mutex_unlock(&tf->lock);
	return set;
}
EXPORT_SYMBOL_GPL(mmscope_target_file_get);
