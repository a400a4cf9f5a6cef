// SPDX-License-Identifier: GPL-2.0
/*
 * mmscope_pageref: reference count, map counts, pin count and flags of
 * real pages, and references held on demand, under
 * /sys/kernel/debug/mmscope/pageref/:
 *   ctl     the ioctls of include/uapi/mmscope/pageref.h
 *   held    the references held now, by whom
 *   target  "PID ADDR [LEN]" or "pfn PFN [COUNT]": what `pages` reports
 *   pages   one line per page of the target, flags as letters
 *   watch   pages whose reference and map counts are watched
 *   events  what changed them, from where (a bounded ring)
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/capability.h>
#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include <mmscope/compat.h>
#include <mmscope/core.h>

#include "internal.h"

/*
 * Records gathered per pass (one hold of the target's mmap lock), then
 * copied out with no lock held.
 */
#define PAGEREF_BATCH 512

static struct dentry *pageref_dir;

static long pageref_copy_records(struct mmscope_pageref_query *q,
				 struct mmscope_pageref_page *buf)
{
	struct pageref_range r = { .flags = q->flags, .pid = q->pid,
				   .start = q->start, .len = q->len };
	char __user *out = u64_to_user_ptr(q->records);
	size_t rsize = min_t(size_t, q->record_size, sizeof(*buf));
	unsigned int done = 0, want = min_t(u32, q->count,
					    MMSCOPE_PAGEREF_QUERY_MAX);
	bool mapped = false;
	u64 next = r.start;
	long n, i;

	while (done < want) {
		n = pageref_snapshot(&r, buf, min(want - done, PAGEREF_BATCH),
				     &next);
		if (n < 0) {
			if (!done)
				return n;
			break;
		}
		for (i = 0; i < n; i++)
			mapped |= buf[i].state != MMSCOPE_PAGEREF_NO_VMA;
		if (q->record_size == sizeof(*buf)) {
			/* the caller's layout: one copy for the pass */
			if (copy_to_user(out + (size_t)done * sizeof(*buf),
					 buf, n * sizeof(*buf)))
				return -EFAULT;
		} else {
			for (i = 0; i < n; i++)
				if (copy_to_user(out + (size_t)(done + i) *
						 q->record_size, &buf[i], rsize))
					return -EFAULT;
		}
		done += n;
		r.len -= next - r.start;
		r.start = next;
		if (!n || !r.len)
			break;
	}
	if (done && !mapped)
		return -EFAULT;
	q->next = next;
	return done;
}

static long pageref_ioc_query(void __user *uarg)
{
	struct mmscope_pageref_page *buf;
	struct mmscope_pageref_query q;
	struct pageref_range r;
	long ret;

	BUILD_BUG_ON(sizeof(q) != MMSCOPE_PAGEREF_QUERY_SIZE_VER0);
	BUILD_BUG_ON(sizeof(*buf) != MMSCOPE_PAGEREF_PAGE_SIZE_VER0);
	ret = mmscope_ioctl_copy_in(&q, sizeof(q),
				    MMSCOPE_PAGEREF_QUERY_SIZE_VER0, uarg);
	if (ret)
		return ret;
	r = (struct pageref_range){ .flags = q.flags, .pid = q.pid,
				    .start = q.start, .len = q.len };
	ret = pageref_check_range(&r);
	if (ret)
		return ret;
	if (q.reserved || q.record_size < MMSCOPE_PAGEREF_PAGE_SIZE_VER0 ||
	    q.record_size > MMSCOPE_IOC_SIZE_MAX || !q.count)
		return -EINVAL;

	buf = kvmalloc_array(PAGEREF_BATCH, sizeof(*buf), GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	ret = pageref_copy_records(&q, buf);
	kvfree(buf);
	if (ret < 0)
		return ret;
	q.count = ret;
	q.record_size = sizeof(*buf);
	return mmscope_ioctl_copy_out(uarg, &q, sizeof(q));
}

static long pageref_ioc_hold(struct file *file, unsigned int cmd,
			     void __user *uarg)
{
	struct mmscope_pageref_hold h;
	long ret;

	BUILD_BUG_ON(sizeof(h) != MMSCOPE_PAGEREF_HOLD_SIZE_VER0);
	ret = mmscope_ioctl_copy_in(&h, sizeof(h),
				    MMSCOPE_PAGEREF_HOLD_SIZE_VER0, uarg);
	if (ret)
		return ret;
	switch (cmd) {
	case MMSCOPE_IOC_NOSIZE(MMSCOPE_PAGEREF_IOC_PUT):
	case MMSCOPE_IOC_NOSIZE(MMSCOPE_PAGEREF_IOC_UNPIN):
		ret = pageref_release(file, cmd, &h);
		break;
	default:
		h.id = 0;
		ret = pageref_hold(file, cmd, &h);
		break;
	}
	if (ret)
		return ret;
	return mmscope_ioctl_copy_out(uarg, &h, sizeof(h));
}

static long pageref_ctl_ioctl(struct file *file, unsigned int cmd,
			      unsigned long arg)
{
	void __user *uarg = (void __user *)arg;

	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;

	cmd = MMSCOPE_IOC_NOSIZE(cmd);
	switch (cmd) {
	case MMSCOPE_IOC_NOSIZE(MMSCOPE_PAGEREF_IOC_QUERY):
		return pageref_ioc_query(uarg);
	case MMSCOPE_IOC_NOSIZE(MMSCOPE_PAGEREF_IOC_GET):
	case MMSCOPE_IOC_NOSIZE(MMSCOPE_PAGEREF_IOC_PIN):
	case MMSCOPE_IOC_NOSIZE(MMSCOPE_PAGEREF_IOC_PIN_LONGTERM):
	case MMSCOPE_IOC_NOSIZE(MMSCOPE_PAGEREF_IOC_PUT):
	case MMSCOPE_IOC_NOSIZE(MMSCOPE_PAGEREF_IOC_UNPIN):
		return pageref_ioc_hold(file, cmd, uarg);
	case MMSCOPE_IOC_NOSIZE(MMSCOPE_PAGEREF_IOC_HELD):
		return pageref_ioc_held(uarg);
	case MMSCOPE_IOC_NOSIZE(MMSCOPE_PAGEREF_IOC_WATCH):
		return pageref_ioc_watch(uarg);
	case MMSCOPE_IOC_NOSIZE(MMSCOPE_PAGEREF_IOC_EVENTS):
		return pageref_ioc_events(uarg);
	default:
		return -ENOTTY;
	}
}

static int pageref_ctl_release(struct inode *inode, struct file *file)
{
	pageref_release_file(file);
	return 0;
}

static const struct file_operations pageref_ctl_fops = {
	.owner = THIS_MODULE,
	.open = nonseekable_open,
	.release = pageref_ctl_release,
	.unlocked_ioctl = pageref_ctl_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
};

static int pageref_held_seq_show(struct seq_file *m, void *unused)
{
	pageref_held_show(m);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(pageref_held_seq);

static const struct {
	const char *name;
	umode_t mode;
	const struct file_operations *fops;
} pageref_files[] = {
	{ "ctl", 0600, &pageref_ctl_fops },
	{ "held", 0400, &pageref_held_seq_fops },
	{ "target", 0600, &pageref_target_fops },
	{ "pages", 0400, &pageref_pages_fops },
	{ "watch", 0600, &pageref_watch_fops },
	{ "events", 0600, &pageref_events_fops },
};

static int __init mmscope_pageref_init(void)
{
	struct dentry *d;
	unsigned int i;
	int ret;

	pageref_dir = mmscope_debugfs_create_dir("pageref");
	if (IS_ERR(pageref_dir))
		return PTR_ERR(pageref_dir);
	for (i = 0; i < ARRAY_SIZE(pageref_files); i++) {
		d = debugfs_create_file(pageref_files[i].name,
					pageref_files[i].mode, pageref_dir,
					NULL, pageref_files[i].fops);
		if (IS_ERR(d)) {
			ret = PTR_ERR(d);
			pr_err("cannot create debugfs file %s: %d\n",
			       pageref_files[i].name, ret);
			mmscope_debugfs_remove_dir(pageref_dir);
			return ret;
		}
	}
	return 0;
}

static void __exit mmscope_pageref_exit(void)
{
	/* No ctl file is open any more: each holds a module reference. */
	mmscope_debugfs_remove_dir(pageref_dir);
	pageref_watch_exit();
	pageref_release_all();
}

module_init(mmscope_pageref_init);
module_exit(mmscope_pageref_exit);

MODULE_DESCRIPTION("mmscope pageref: page reference, map and pin counts, references held on demand");
MODULE_LICENSE("GPL");
MODULE_VERSION(MMSCOPE_VERSION);
