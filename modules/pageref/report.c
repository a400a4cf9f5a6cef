// SPDX-License-Identifier: GPL-2.0
/*
 * The human side: write a range to `target` ("PID ADDR [LEN]" or
 * "pfn PFN [COUNT]"), read `pages` for one line per page, flags as
 * page-types style letters with a legend.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/fs.h>
#include <linux/kernel.h>
#include <linux/mutex.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include <mmscope/core.h>

#include "internal.h"

/* Lines `pages` prints at most. */
#define PAGEREF_REPORT_MAX 1024

static DEFINE_MUTEX(pageref_target_lock);
static struct pageref_range pageref_target;
static bool pageref_target_set;

static const char *const pageref_flag_names[] = MMSCOPE_PGF_NAMES;
static const char *const pageref_mapping_names[] = MMSCOPE_PAGEREF_MAPPING_NAMES;
static const char *const pageref_state_names[] = MMSCOPE_PAGEREF_STATE_NAMES;

/* page-types style letters of the flags, in MMSCOPE_PGF_* order */
static const char pageref_flag_letters[] = "LRUDlAwWESO1rPpBHTdIbuMXyisx";

static_assert(ARRAY_SIZE(pageref_flag_names) == MMSCOPE_PGF_COUNT);
static_assert(sizeof(pageref_flag_letters) == MMSCOPE_PGF_COUNT + 1);

const char *pageref_flag_name(unsigned int bit)
{
	return bit < MMSCOPE_PGF_COUNT ? pageref_flag_names[bit] : "?";
}

int pageref_parse_range(const char *buf, struct pageref_range *r)
{
	struct mmscope_target_spec t;
	int ret;

	memset(r, 0, sizeof(*r));
	ret = mmscope_target_parse(buf, &t);
	if (ret)
		return ret;
	switch (t.kind) {
	case MMSCOPE_TARGET_PFN:
		r->flags = MMSCOPE_PAGEREF_BY_PFN;
		r->len = t.has_len ? t.len : 1;
		break;
	case MMSCOPE_TARGET_PID:
		r->pid = t.pid;
		r->len = t.has_len ? t.len : PAGE_SIZE;
		break;
	default:
		return -EINVAL;
	}
	r->start = t.start;
	return pageref_check_range(r);
}

static ssize_t pageref_target_write(struct file *file, const char __user *ubuf,
				    size_t count, loff_t *ppos)
{
	struct pageref_range r;
	char buf[96];
	int ret;

	if (count >= sizeof(buf))
		return -EINVAL;
	if (copy_from_user(buf, ubuf, count))
		return -EFAULT;
	buf[count] = '\0';
	ret = pageref_parse_range(buf, &r);
	if (ret)
		return ret;
	mutex_lock(&pageref_target_lock);
	pageref_target = r;
	pageref_target_set = true;
	mutex_unlock(&pageref_target_lock);
	return count;
}

static int pageref_target_show(struct seq_file *m, void *unused)
{
	mutex_lock(&pageref_target_lock);
	if (!pageref_target_set)
		seq_puts(m, "none\n");
	else if (pageref_target.flags & MMSCOPE_PAGEREF_BY_PFN)
		seq_printf(m, "pfn 0x%llx %llu\n", pageref_target.start,
			   pageref_target.len);
	else
		seq_printf(m, "%d 0x%llx 0x%llx\n", pageref_target.pid,
			   pageref_target.start, pageref_target.len);
	mutex_unlock(&pageref_target_lock);
	return 0;
}

static int pageref_target_open(struct inode *inode, struct file *file)
{
	return single_open(file, pageref_target_show, NULL);
}

const struct file_operations pageref_target_fops = {
	.owner = THIS_MODULE,
	.open = pageref_target_open,
	.read = seq_read,
	.write = pageref_target_write,
	.llseek = seq_lseek,
	.release = single_release,
};

static void pageref_report_line(struct seq_file *m,
				const struct mmscope_pageref_page *p)
{
	char flags[MMSCOPE_PGF_COUNT + 1];
	unsigned int i, n = 0;

	if (p->va != ~0ULL)
		seq_printf(m, "%016llx ", p->va);
	if (p->state != MMSCOPE_PAGEREF_PRESENT) {
		seq_printf(m, "%s", pageref_state_names[p->state]);
		if (p->state == MMSCOPE_PAGEREF_SWAP)
			seq_printf(m, " entry 0x%llx", p->index);
		else if (p->state == MMSCOPE_PAGEREF_FREE)
			seq_printf(m, " pfn 0x%llx", p->pfn);
		seq_putc(m, '\n');
		return;
	}
	for (i = 0; i < MMSCOPE_PGF_COUNT; i++)
		if (p->pgflags & BIT_ULL(i))
			flags[n++] = pageref_flag_letters[i];
	flags[n] = '\0';
	seq_printf(m, "%9llx %9llx %2u %6lld %5lld %4d %4d %4d %4d %c%c %-9s %s%s\n",
		   p->pfn, p->head_pfn, p->order, p->refcount,
		   p->refcount - p->expected_refcount, p->mapcount,
		   p->entire_mapcount, p->total_mapcount, p->pincount,
		   p->info & MMSCOPE_PAGEREF_MAYBE_DMA_PINNED ? 'p' : '-',
		   p->info & MMSCOPE_PAGEREF_ZERO_PAGE ? 'z' : '-',
		   pageref_mapping_names[p->mapping], n ? flags : "-",
		   p->info & MMSCOPE_PAGEREF_CHANGED ? " (changed)" : "");
}

static int pageref_pages_show(struct seq_file *m, void *unused)
{
	struct mmscope_pageref_page *buf;
	struct pageref_range r;
	unsigned int shown = 0, i;
	u64 next;
	long n;

	mutex_lock(&pageref_target_lock);
	r = pageref_target;
	n = pageref_target_set;
	mutex_unlock(&pageref_target_lock);
	if (!n) {
		seq_puts(m, "no target: write \"PID ADDR [LEN]\" or \"pfn PFN [COUNT]\" to target\n");
		return 0;
	}
	buf = kmalloc_array(64, sizeof(*buf), GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	if (!(r.flags & MMSCOPE_PAGEREF_BY_PFN))
		seq_puts(m, "va               ");
	seq_puts(m, "      pfn      head or    ref extra  map  ent  tot  pin pz mapping   flags\n");
	while (r.len && shown < PAGEREF_REPORT_MAX) {
		n = pageref_snapshot(&r, buf, 64, &next);
		if (n <= 0) {
			if (n < 0)
				seq_printf(m, "error %ld\n", n);
			break;
		}
		for (i = 0; i < n; i++)
			pageref_report_line(m, &buf[i]);
		shown += n;
		r.len -= next - r.start;
		r.start = next;
	}
	kfree(buf);
	seq_puts(m, "flags:");
	for (i = 0; i < MMSCOPE_PGF_COUNT; i++)
		seq_printf(m, " %c:%s", pageref_flag_letters[i],
			   pageref_flag_names[i]);
	seq_puts(m, "\npz: p maybe_dma_pinned, z zero page; extra: refcount - expected\n");
	return 0;
}

static int pageref_pages_open(struct inode *inode, struct file *file)
{
	return single_open(file, pageref_pages_show, NULL);
}

const struct file_operations pageref_pages_fops = {
	.owner = THIS_MODULE,
	.open = pageref_pages_open,
	.read = seq_read,
	.llseek = seq_lseek,
	.release = single_release,
};
