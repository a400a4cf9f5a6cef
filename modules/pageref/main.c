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
				 struct pageref_range r,
				 struct mmscope_pageref_page *buf)
{
	char __user *out = u64_to_user_ptr(q->records);
	size_t rsize = min_t(size_t, q->record_size, sizeof(*buf));
	unsigned int done = 0, want = min_t(u32, q->count,
					    MMSCOPE_PAGEREF_QUERY_MAX);
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
	q->next = next;
	return done;
}

static long pageref_ioc_query(struct file *file, unsigned int cmd, void *arg)
{
	struct mmscope_pageref_query *q = arg;
	struct mmscope_pageref_page *buf;
	struct pageref_range r;
	long ret;

	BUILD_BUG_ON(sizeof(*q) != MMSCOPE_PAGEREF_QUERY_SIZE_VER0);
	BUILD_BUG_ON(sizeof(*buf) != MMSCOPE_PAGEREF_PAGE_SIZE_VER0);
	if (q->flags & ~MMSCOPE_PAGEREF_BY_PFN)
		return -EINVAL;
	ret = pageref_range_get(q->flags, q->pid, q->start, q->len,
				MMSCOPE_RANGE_MM | MMSCOPE_RANGE_MAPPED, &r);
	if (ret)
		return ret;
	if (q->reserved || q->record_size < MMSCOPE_PAGEREF_PAGE_SIZE_VER0 ||
	    q->record_size > MMSCOPE_IOC_SIZE_MAX || !q->count)
		return -EINVAL;

	buf = kvmalloc_array(PAGEREF_BATCH, sizeof(*buf), GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	ret = pageref_copy_records(q, r, buf);
	kvfree(buf);
	if (ret < 0)
		return ret;
	q->count = ret;
	q->record_size = sizeof(*buf);
	return 0;
}

static long pageref_ioc_hold(struct file *file, unsigned int cmd, void *arg)
{
	struct mmscope_pageref_hold *h = arg;

	BUILD_BUG_ON(sizeof(*h) != MMSCOPE_PAGEREF_HOLD_SIZE_VER0);
	switch (cmd) {
	case MMSCOPE_IOC_NOSIZE(MMSCOPE_PAGEREF_IOC_PUT):
	case MMSCOPE_IOC_NOSIZE(MMSCOPE_PAGEREF_IOC_UNPIN):
		return pageref_release(file, cmd, h);
	default:
		h->id = 0;
		return pageref_hold(file, cmd, h);
	}
}

static void pageref_ctl_release(struct file *file, void *priv)
{
	pageref_release_file(file, priv);
	pageref_watch_release(file);
}

#define PAGEREF_IOCTL_HOLD(cmd) \
	MMSCOPE_IOCTL(cmd, MMSCOPE_PAGEREF_HOLD_SIZE_VER0, \
		      struct mmscope_pageref_hold, pageref_ioc_hold)

static const struct mmscope_ioctl pageref_ioctls[] = {
	MMSCOPE_IOCTL(MMSCOPE_PAGEREF_IOC_QUERY, MMSCOPE_PAGEREF_QUERY_SIZE_VER0,
		      struct mmscope_pageref_query, pageref_ioc_query),
	PAGEREF_IOCTL_HOLD(MMSCOPE_PAGEREF_IOC_GET),
	PAGEREF_IOCTL_HOLD(MMSCOPE_PAGEREF_IOC_PIN),
	PAGEREF_IOCTL_HOLD(MMSCOPE_PAGEREF_IOC_PIN_LONGTERM),
	PAGEREF_IOCTL_HOLD(MMSCOPE_PAGEREF_IOC_PUT),
	PAGEREF_IOCTL_HOLD(MMSCOPE_PAGEREF_IOC_UNPIN),
	MMSCOPE_IOCTL(MMSCOPE_PAGEREF_IOC_HELD, MMSCOPE_PAGEREF_HELD_LIST_SIZE_VER0,
		      struct mmscope_pageref_held_list, pageref_ioc_held),
	MMSCOPE_IOCTL(MMSCOPE_PAGEREF_IOC_WATCH, MMSCOPE_PAGEREF_WATCH_SIZE_VER0,
		      struct mmscope_pageref_watch, pageref_ioc_watch),
	MMSCOPE_IOCTL(MMSCOPE_PAGEREF_IOC_EVENTS, MMSCOPE_PAGEREF_EVENTS_SIZE_VER0,
		      struct mmscope_pageref_events, pageref_ioc_events),
};

static struct mmscope_ctl pageref_ctl = {
	.module = "pageref",
	.ioctls = pageref_ioctls,
	.n_ioctls = ARRAY_SIZE(pageref_ioctls),
	.nr_first = 0x10,
	.nr_last = 0x2f,
	.open = pageref_file_open,
	.release = pageref_ctl_release,
};

static int pageref_held_show(struct seq_file *m, void *unused)
{
	pageref_held_list_show(m);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(pageref_held);

static int __init mmscope_pageref_init(void)
{
	int ret;

	pageref_dir = mmscope_debugfs_create_dir("pageref");
	if (IS_ERR(pageref_dir))
		return PTR_ERR(pageref_dir);
	debugfs_create_file("held", 0400, pageref_dir, NULL,
			    &pageref_held_fops);
	ret = pageref_report_init(pageref_dir);
	if (!ret)
		ret = pageref_watch_init(pageref_dir);
	if (!ret)
		ret = mmscope_ctl_create(pageref_dir, &pageref_ctl);
	if (ret) {
		pr_err("cannot create the debugfs files: %d\n", ret);
		pageref_report_exit();
		mmscope_debugfs_remove_dir(pageref_dir);
	}
	return ret;
}

static void __exit mmscope_pageref_exit(void)
{
	/* No ctl file is open any more: each holds a module reference. */
	mmscope_ctl_remove(&pageref_ctl);
	pageref_report_exit();
	mmscope_debugfs_remove_dir(pageref_dir);
	pageref_watch_exit();
	pageref_release_all();
}

module_init(mmscope_pageref_init);
module_exit(mmscope_pageref_exit);

MODULE_DESCRIPTION("mmscope pageref: page reference, map and pin counts, references held on demand");
MODULE_LICENSE("GPL");
MODULE_VERSION(MMSCOPE_VERSION);
