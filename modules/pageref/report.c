// SPDX-License-Identifier: GPL-2.0
/*
 * The human side: write a range to `target` ("PID ADDR [LEN]" or
 * "pfn PFN [COUNT]"), read `pages` for one line per page, flags as
 * page-types style letters with a legend.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/kernel.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/string.h>

#include <mmscope/core.h>

#include "internal.h"

/* Lines `pages` prints at most. */
#define PAGEREF_REPORT_MAX 1024

static int pageref_target_check(const struct mmscope_target_spec *t);

/* "PID ADDR [LEN]" (one page by default) or "pfn PFN [COUNT]" (one pfn). */
static struct mmscope_target_file pageref_target = {
	.accepts = MMSCOPE_TARGET_ACCEPTS(PID) | MMSCOPE_TARGET_ACCEPTS(PFN),
	.default_len = PAGE_SIZE,
	.default_count = 1,
	.check = pageref_target_check,
};

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

int pageref_range_get(u32 flags, pid_t pid, u64 start, u64 len,
		      unsigned int rflags, struct pageref_range *r)
{
	struct mmscope_range mr;
	int ret;

	*r = (struct pageref_range){ .flags = flags, .pid = pid,
				     .start = start, .len = len };
	if (flags & MMSCOPE_PAGEREF_BY_PFN)
		return mmscope_pfn_range_check(start, len);
	ret = mmscope_range_get(pid, start, len, rflags, &mr);
	if (ret)
		return ret;
	r->start = mr.start;
	r->len = mr.end - mr.start;
	mmscope_range_put(&mr);
	return 0;
}

static int pageref_spec_range(const struct mmscope_target_spec *t,
			      struct pageref_range *r)
{
	if (t->kind == MMSCOPE_TARGET_PFN)
		return pageref_range_get(MMSCOPE_PAGEREF_BY_PFN, 0, t->start,
					 t->len, 0, r);
	return pageref_range_get(0, t->pid, t->start, t->len, 0, r);
}

static int pageref_target_check(const struct mmscope_target_spec *t)
{
	struct pageref_range r;

	return pageref_spec_range(t, &r);
}

int pageref_parse_range(const char *buf, struct pageref_range *r)
{
	struct mmscope_target_spec t;
	int ret;

	ret = mmscope_target_parse(buf, &t);
	if (ret)
		return ret;
	if (t.kind == MMSCOPE_TARGET_KERNEL)
		return -EINVAL;
	if (!t.has_len)
		t.len = t.kind == MMSCOPE_TARGET_PFN ? 1 : PAGE_SIZE;
	return pageref_spec_range(&t, r);
}

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
	/* the CLI's columns, in its order; pin "-" where none is kept */
	seq_printf(m, "%9llx %9llx %2u %6lld %4d %4d %4d ", p->pfn, p->head_pfn,
		   p->order, p->refcount, p->mapcount, p->entire_mapcount,
		   p->total_mapcount);
	if (p->info & MMSCOPE_PAGEREF_HAS_PINCOUNT)
		seq_printf(m, "%4d ", p->pincount);
	else
		seq_printf(m, "%4s ", "-");
	seq_printf(m, "%5lld %c%c %-9s %s%s\n",
		   p->refcount - p->expected_refcount,
		   p->info & MMSCOPE_PAGEREF_MAYBE_DMA_PINNED ? 'p' : '-',
		   p->info & MMSCOPE_PAGEREF_ZERO_PAGE ? 'z' : '-',
		   pageref_mapping_names[p->mapping], n ? flags : "-",
		   p->info & MMSCOPE_PAGEREF_CHANGED ? " (changed)" : "");
}

static int pageref_pages_show(struct seq_file *m, void *unused)
{
	struct mmscope_pageref_page *buf;
	struct mmscope_target_spec t;
	struct pageref_range r;
	unsigned int shown = 0, i;
	u64 next;
	long n;

	if (!mmscope_target_file_get(&pageref_target, &t)) {
		seq_puts(m, "no target: write \"PID ADDR [LEN]\" or \"pfn PFN [COUNT]\" to target\n");
		return 0;
	}
	n = pageref_spec_range(&t, &r);
	if (n)
		return n;
	buf = kmalloc_array(64, sizeof(*buf), GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	if (!(r.flags & MMSCOPE_PAGEREF_BY_PFN))
		seq_puts(m, "va               ");
	seq_puts(m, "      pfn      head or    ref  map  ent  tot  pin extra pz mapping   flags\n");
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

DEFINE_SHOW_ATTRIBUTE(pageref_pages);

int pageref_report_init(struct dentry *dir)
{
	debugfs_create_file("pages", 0400, dir, NULL, &pageref_pages_fops);
	return mmscope_target_file_create(dir, &pageref_target);
}

void pageref_report_exit(void)
{
	mmscope_target_file_remove(&pageref_target);
}
