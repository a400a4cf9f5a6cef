// SPDX-License-Identifier: GPL-2.0
/*
 * mmscope_mmu_notifier: attach an MMU notifier to any process and record
 * every callback the kernel makes to it, under
 * /sys/kernel/debug/mmscope/mmu_notifier/:
 *   ctl          the ioctls of include/uapi/mmscope/mmu_notifier.h; each
 *                open file owns at most one attachment
 *   attachments  one line per attachment
 *   events       the records not read yet, per attachment
 *   stats        callbacks per op and per event since load
 *   latency      the latency histograms of the attachments that keep one
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/jiffies.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include <mmscope/compat.h>
#include <mmscope/core.h>

#include "internal.h"

/* Records copied out per pass of READ. */
#define MN_READ_BATCH 64

/* What an open ctl file owns. */
struct mn_file {
	struct mutex lock;	/* @att */
	struct mn_att *att;
};

static struct dentry *mn_dir;

/* The file's attachment with a reference, or NULL. */
static struct mn_att *mn_file_att(struct file *file)
{
	struct mn_file *f = mmscope_ctl_priv(file);
	struct mn_att *att;

	mutex_lock(&f->lock);
	att = f->att;
	if (att)
		kref_get(&att->ref);
	mutex_unlock(&f->lock);
	return att;
}

static long mn_ioc_attach(struct file *file, unsigned int cmd, void *arg)
{
	struct mmscope_mmu_notifier_attach *a = arg;
	struct mn_file *f = mmscope_ctl_priv(file);
	struct mn_att *att;
	long ret;

	BUILD_BUG_ON(sizeof(*a) != MMSCOPE_MMU_NOTIFIER_ATTACH_SIZE_VER0);
	mutex_lock(&f->lock);
	if (f->att)
		ret = -EBUSY;
	else
		ret = mn_attach(a, &att);
	if (!ret)
		f->att = att;
	mutex_unlock(&f->lock);
	return ret;
}

static long mn_copy_records(struct mn_att *att,
			    struct mmscope_mmu_notifier_read *rd)
{
	struct mmscope_mmu_notifier_record *buf;
	char __user *out = u64_to_user_ptr(rd->records);
	size_t rsize = min_t(size_t, rd->record_size, sizeof(*buf));
	unsigned int done = 0, n, i;
	long ret = 0;

	buf = kmalloc_array(MN_READ_BATCH, sizeof(*buf), GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	while (done < rd->count) {
		n = mn_ring_take(att, buf, min(rd->count - done, MN_READ_BATCH));
		for (i = 0; i < n; i++) {
			if (copy_to_user(out + (size_t)(done + i) *
					 rd->record_size, &buf[i], rsize)) {
				ret = -EFAULT;
				break;
			}
		}
		done += n;
		if (ret || n < MN_READ_BATCH)
			break;
	}
	kfree(buf);
	return ret ? ret : done;
}

/* A record to read, or the attachment ended. */
static bool mn_readable(struct mn_att *att)
{
	return READ_ONCE(att->wr) != READ_ONCE(att->rd) ||
	       READ_ONCE(att->state) != MMSCOPE_MMU_NOTIFIER_ATTACHED;
}

static long mn_ioc_read(struct file *file, unsigned int cmd, void *arg)
{
	struct mmscope_mmu_notifier_read *rd = arg;
	struct mn_att *att;
	long ret;

	BUILD_BUG_ON(sizeof(*rd) != MMSCOPE_MMU_NOTIFIER_READ_SIZE_VER0);
	BUILD_BUG_ON(sizeof(struct mmscope_mmu_notifier_record) !=
		     MMSCOPE_MMU_NOTIFIER_RECORD_SIZE_VER1);
	if (rd->flags || !rd->count ||
	    rd->record_size < MMSCOPE_MMU_NOTIFIER_RECORD_SIZE_VER0 ||
	    rd->record_size > MMSCOPE_IOC_SIZE_MAX)
		return -EINVAL;
	att = mn_file_att(file);
	if (!att)
		return -ENOENT;
	if (!mutex_trylock(&att->read_lock)) {
		mn_att_put(att);
		return -EBUSY;
	}
	if (rd->timeout_ms)
		wait_event_interruptible_timeout(att->wq, mn_readable(att),
						 msecs_to_jiffies(rd->timeout_ms));
	ret = mn_copy_records(att, rd);
	mutex_unlock(&att->read_lock);
	if (ret >= 0) {
		rd->count = ret;
		rd->record_size = sizeof(struct mmscope_mmu_notifier_record);
		spin_lock(&att->lock);
		rd->state = att->state;
		rd->dropped = att->dropped;
		spin_unlock(&att->lock);
		rd->interval_seq = mn_interval_seq(att);
		ret = 0;
	}
	mn_att_put(att);
	return ret;
}

static long mn_ioc_detach(struct file *file, unsigned int cmd, void *arg)
{
	struct mmscope_mmu_notifier_detach *d = arg;
	struct mn_file *f = mmscope_ctl_priv(file);
	struct mn_att *att;

	BUILD_BUG_ON(sizeof(*d) != MMSCOPE_MMU_NOTIFIER_DETACH_SIZE_VER0);
	if (d->flags)
		return -EINVAL;
	mutex_lock(&f->lock);
	att = f->att;
	f->att = NULL;
	mutex_unlock(&f->lock);
	if (!att)
		return -ENOENT;
	kref_get(&att->ref);
	mn_close(att, MMSCOPE_MMU_NOTIFIER_DETACHED);
	d->records = mn_att_counts(att, NULL, NULL);
	spin_lock(&att->lock);
	d->dropped = att->dropped;
	spin_unlock(&att->lock);
	mn_att_put(att);
	return 0;
}

static long mn_ioc_stats(struct file *file, unsigned int cmd, void *arg)
{
	struct mmscope_mmu_notifier_stats *s = arg;
	struct mn_att *att;
	long ret = -ENOENT;

	BUILD_BUG_ON(sizeof(*s) != MMSCOPE_MMU_NOTIFIER_STATS_SIZE_VER0);
	BUILD_BUG_ON(ARRAY_SIZE(s->ops) < MMSCOPE_MMU_NOTIFIER_OP_COUNT);
	BUILD_BUG_ON(ARRAY_SIZE(s->events) < MMSCOPE_MMU_NOTIFIER_EV_COUNT);
	if (s->flags)
		return -EINVAL;
	if (!s->id) {
		mn_totals(s);
		return 0;
	}
	mutex_lock(&mn_atts_lock);
	list_for_each_entry(att, &mn_atts, node) {
		if (att->id != s->id)
			continue;
		mn_att_counts(att, s->ops, s->events);
		spin_lock(&att->lock);
		s->dropped = att->dropped;
		spin_unlock(&att->lock);
		s->attachments = 1;
		ret = 0;
		break;
	}
	mutex_unlock(&mn_atts_lock);
	return ret;
}

/* The attachment with this id (0: the file's own) with a reference. */
static struct mn_att *mn_att_by_id(struct file *file, u32 id)
{
	struct mn_att *att;

	if (!id)
		return mn_file_att(file);
	mutex_lock(&mn_atts_lock);
	list_for_each_entry(att, &mn_atts, node) {
		if (att->id == id) {
			kref_get(&att->ref);
			mutex_unlock(&mn_atts_lock);
			return att;
		}
	}
	mutex_unlock(&mn_atts_lock);
	return NULL;
}

static long mn_ioc_latency(struct file *file, unsigned int cmd, void *arg)
{
	struct mmscope_mmu_notifier_latency *lt = arg;
	struct mmscope_mmu_notifier_lat_op *o;
	unsigned int op, b, n;
	struct mn_att *att;
	struct mn_lat *l;
	long ret;

	BUILD_BUG_ON(sizeof(*lt) != MMSCOPE_MMU_NOTIFIER_LATENCY_SIZE_VER0);
	if (lt->flags || !lt->nr_ops || !lt->ops)
		return -EINVAL;
	att = mn_att_by_id(file, lt->id);
	if (!att)
		return -ENOENT;
	n = min_t(u32, lt->nr_ops, MMSCOPE_MMU_NOTIFIER_OP_COUNT);
	l = kmalloc(sizeof(*l), GFP_KERNEL);
	o = kcalloc(n, sizeof(*o), GFP_KERNEL);
	ret = l && o ? mn_att_latency(att, l) : -ENOMEM;
	mn_att_put(att);
	if (ret)
		goto out;
	for (op = 0; op < n; op++) {
		for (b = 0; b < MMSCOPE_MMU_NOTIFIER_LAT_BUCKETS; b++) {
			o[op].buckets[b] = l->buckets[op][b];
			o[op].count += l->buckets[op][b];
		}
		o[op].sum_ns = l->sum_ns[op];
		o[op].max_ns = l->max_ns[op];
	}
	if (copy_to_user(u64_to_user_ptr(lt->ops), o, n * sizeof(*o)))
		ret = -EFAULT;
	lt->nr_ops = n;
out:
	kfree(o);
	kfree(l);
	return ret;
}

static long mn_ioc_list(struct file *file, unsigned int cmd, void *arg)
{
	struct mmscope_mmu_notifier_list *l = arg;
	struct mmscope_mmu_notifier_info __user *out =
		u64_to_user_ptr(l->entries);
	struct mmscope_mmu_notifier_info *buf;
	unsigned int n = 0, total = 0;
	struct mn_att *att;

	BUILD_BUG_ON(sizeof(*l) != MMSCOPE_MMU_NOTIFIER_LIST_SIZE_VER0);
	if (l->flags)
		return -EINVAL;
	buf = kcalloc(MMSCOPE_MMU_NOTIFIER_MAX_ATTACH, sizeof(*buf),
		      GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	mutex_lock(&mn_atts_lock);
	list_for_each_entry(att, &mn_atts, node) {
		if (total < MMSCOPE_MMU_NOTIFIER_MAX_ATTACH && n < l->count)
			mn_att_info(att, &buf[n++]);
		total++;
	}
	mutex_unlock(&mn_atts_lock);
	if (n && copy_to_user(out, buf, n * sizeof(*buf))) {
		kfree(buf);
		return -EFAULT;
	}
	kfree(buf);
	l->count = n;
	l->total = total;
	return 0;
}

static int mn_ctl_open(struct file *file, void **priv)
{
	struct mn_file *f = kzalloc(sizeof(*f), GFP_KERNEL);

	if (!f)
		return -ENOMEM;
	mutex_init(&f->lock);
	*priv = f;
	return 0;
}

static void mn_ctl_release(struct file *file, void *priv)
{
	struct mn_file *f = priv;

	if (f->att)
		mn_close(f->att, MMSCOPE_MMU_NOTIFIER_DETACHED);
	kfree(f);
}

static const struct mmscope_ioctl mn_ioctls[] = {
	MMSCOPE_IOCTL(MMSCOPE_MMU_NOTIFIER_IOC_ATTACH,
		      MMSCOPE_MMU_NOTIFIER_ATTACH_SIZE_VER0,
		      struct mmscope_mmu_notifier_attach, mn_ioc_attach),
	MMSCOPE_IOCTL(MMSCOPE_MMU_NOTIFIER_IOC_READ,
		      MMSCOPE_MMU_NOTIFIER_READ_SIZE_VER0,
		      struct mmscope_mmu_notifier_read, mn_ioc_read),
	MMSCOPE_IOCTL(MMSCOPE_MMU_NOTIFIER_IOC_DETACH,
		      MMSCOPE_MMU_NOTIFIER_DETACH_SIZE_VER0,
		      struct mmscope_mmu_notifier_detach, mn_ioc_detach),
	MMSCOPE_IOCTL(MMSCOPE_MMU_NOTIFIER_IOC_STATS,
		      MMSCOPE_MMU_NOTIFIER_STATS_SIZE_VER0,
		      struct mmscope_mmu_notifier_stats, mn_ioc_stats),
	MMSCOPE_IOCTL(MMSCOPE_MMU_NOTIFIER_IOC_LIST,
		      MMSCOPE_MMU_NOTIFIER_LIST_SIZE_VER0,
		      struct mmscope_mmu_notifier_list, mn_ioc_list),
	MMSCOPE_IOCTL(MMSCOPE_MMU_NOTIFIER_IOC_LATENCY,
		      MMSCOPE_MMU_NOTIFIER_LATENCY_SIZE_VER0,
		      struct mmscope_mmu_notifier_latency, mn_ioc_latency),
};

static struct mmscope_ctl mn_ctl = {
	.module = "mmu_notifier",
	.ioctls = mn_ioctls,
	.n_ioctls = ARRAY_SIZE(mn_ioctls),
	.nr_first = 0xb0,
	.nr_last = 0xcf,
	.open = mn_ctl_open,
	.release = mn_ctl_release,
};

static int __init mmscope_mmu_notifier_init(void)
{
	int ret;

	mn_dir = mmscope_debugfs_create_dir("mmu_notifier");
	if (IS_ERR(mn_dir))
		return PTR_ERR(mn_dir);
	mn_report_init(mn_dir);
	ret = mmscope_ctl_create(mn_dir, &mn_ctl);
	if (ret) {
		pr_err("cannot create the ctl file: %d\n", ret);
		mmscope_debugfs_remove_dir(mn_dir);
	}
	return ret;
}

static void __exit mmscope_mmu_notifier_exit(void)
{
	/* No ctl file is open any more: each holds a module reference. */
	mmscope_ctl_remove(&mn_ctl);
	mmscope_debugfs_remove_dir(mn_dir);
	mn_wait_all_freed();
}

module_init(mmscope_mmu_notifier_init);
module_exit(mmscope_mmu_notifier_exit);

MODULE_DESCRIPTION("mmscope mmu_notifier: attach MMU notifiers to processes and record every callback");
MODULE_LICENSE("GPL");
MODULE_VERSION(MMSCOPE_VERSION);
