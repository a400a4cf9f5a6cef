// SPDX-License-Identifier: GPL-2.0
/*
 * Allocations owned by an open ctl file: blocks of a given order, or a
 * fragmentation pattern (every other block kept), freed on request, at
 * close and (each open file holding a module reference) before unload.
 */
#include <linux/gfp.h>
#include <linux/ktime.h>
#include <linux/list.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>

#include <mmscope/compat.h>
#include <mmscope/core.h>

#include "internal.h"

#define CREATE_TRACE_POINTS
#include "compaction_trace.h"

struct cp_file {
	struct mutex lock;		/* the three below */
	struct list_head blocks;	/* page->lru of each block's first page */
	struct list_head ranges;	/* struct cp_range */
	unsigned long held;		/* pages */
};

/* A PFN range alloc_contig_range() gave the file. */
struct cp_range {
	struct list_head node;
	unsigned long pfn;
	unsigned long nr;
};

int cp_file_open(struct file *file, void **priv)
{
	struct cp_file *f = kzalloc(sizeof(*f), GFP_KERNEL);

	if (!f)
		return -ENOMEM;
	mutex_init(&f->lock);
	INIT_LIST_HEAD(&f->blocks);
	INIT_LIST_HEAD(&f->ranges);
	*priv = f;
	return 0;
}

/* Free every block the file holds; returns the pages freed. */
static unsigned long cp_file_free(struct cp_file *f)
{
	unsigned long freed = 0;
	struct cp_range *r, *rtmp;
	struct page *page, *tmp;

	list_for_each_entry_safe(r, rtmp, &f->ranges, node) {
		list_del(&r->node);
		free_contig_range(r->pfn, r->nr);
		freed += r->nr;
		kfree(r);
	}
	list_for_each_entry_safe(page, tmp, &f->blocks, lru) {
		unsigned int order = page_private(page);

		list_del(&page->lru);
		set_page_private(page, 0);
		__free_pages(page, order);
		freed += 1UL << order;
		cond_resched();
	}
	f->held = 0;
	return freed;
}

void cp_file_release(struct file *file, void *priv)
{
	struct cp_file *f = priv;

	unsigned long freed;

	if (!f)
		return;
	freed = cp_file_free(f);
	if (freed)
		trace_compaction_release(freed, true);
	kfree(f);
}

static struct page *cp_alloc_one(unsigned int order, bool kernel)
{
	gfp_t gfp = (kernel ? GFP_KERNEL : GFP_HIGHUSER_MOVABLE) |
		    __GFP_NORETRY | __GFP_NOWARN;

	return alloc_pages(gfp, order);
}

long cp_ioc_alloc(struct file *file, unsigned int cmd, void *arg)
{
	struct mmscope_compaction_alloc *a = arg;
	struct cp_file *f = mmscope_ctl_priv(file);
	bool fragment = a->flags & MMSCOPE_COMPACTION_ALLOC_FRAGMENT;
	unsigned long limit = totalram_pages() / 4;
	struct page *page, *tmp;
	LIST_HEAD(fresh);
	ktime_t t0;
	u32 i;

	BUILD_BUG_ON(sizeof(*a) != MMSCOPE_COMPACTION_ALLOC_SIZE_VER0);
	if (a->flags & ~(MMSCOPE_COMPACTION_ALLOC_KERNEL |
			 MMSCOPE_COMPACTION_ALLOC_FRAGMENT))
		return -EINVAL;
	if (a->order >= MMSCOPE_NR_ORDERS || !a->count ||
	    a->count > MMSCOPE_COMPACTION_ALLOC_MAX)
		return -EINVAL;
	if (!f)
		return -EBADF;
	mutex_lock(&f->lock);
	/* all of it is held for a moment, also with FRAGMENT */
	if (f->held + ((unsigned long)a->count << a->order) > limit) {
		mutex_unlock(&f->lock);
		return -ENOSPC;
	}
	a->allocated = 0;
	a->failed = 0;
	t0 = ktime_get();
	for (i = 0; i < a->count; i++) {
		page = cp_alloc_one(a->order,
				    a->flags & MMSCOPE_COMPACTION_ALLOC_KERNEL);
		if (!page) {
			a->failed++;
		} else {
			set_page_private(page, a->order);
			list_add_tail(&page->lru, &fresh);
		}
		if (fatal_signal_pending(current))
			break;
		cond_resched();
	}
	/* all allocated first: a block freed at once would be the next one */
	i = 0;
	list_for_each_entry_safe(page, tmp, &fresh, lru) {
		if (fragment && (i++ & 1)) {
			list_del(&page->lru);
			set_page_private(page, 0);
			__free_pages(page, a->order);
			continue;
		}
		f->held += 1UL << a->order;
		a->allocated++;
	}
	list_splice_tail(&fresh, &f->blocks);
	a->elapsed_ns = ktime_to_ns(ktime_sub(ktime_get(), t0));
	a->held_pages = f->held;
	mutex_unlock(&f->lock);
	trace_compaction_alloc(a->order, a->count, a->allocated, a->failed,
			       a->flags, a->elapsed_ns);
	return 0;
}

long cp_ioc_release(struct file *file, unsigned int cmd, void *arg)
{
	struct mmscope_compaction_release *r = arg;
	struct cp_file *f = mmscope_ctl_priv(file);

	BUILD_BUG_ON(sizeof(*r) != MMSCOPE_COMPACTION_RELEASE_SIZE_VER0);
	if (r->flags)
		return -EINVAL;
	if (!f)
		return -EBADF;
	mutex_lock(&f->lock);
	r->released_pages = cp_file_free(f);
	mutex_unlock(&f->lock);
	trace_compaction_release(r->released_pages, false);
	return 0;
}

/*
 * Whether the page at pfn stops the isolation of its pageblock: the check
 * lets free pages, pages on an LRU list (pinned or not: that fails only
 * their migration), movable_ops and hugetlb pages through.
 */
static bool cp_isolation_blocker(u64 pfn, struct mmscope_compaction_pfn *p)
{
	struct page *page;

	memset(p, 0, sizeof(*p));
	cp_pfn_reason(pfn, p);
	if (p->movable)
		return false;
	page = pfn_to_online_page(pfn);
	return !(p->reason == MMSCOPE_COMPACTION_R_PINNED && page &&
		 PageLRU(page));
}

/*
 * A page that would make the range fail, if one is found. The kernel
 * isolates every pageblock the range touches, and the isolation check
 * looks at all of their pages, also those outside the range; then it
 * migrates the range's pages only. So: a page of the range that stops
 * isolation, else one of the rest of its pageblocks (reported with its
 * own PFN, outside [start_pfn, start_pfn + nr_pages)), else a page of the
 * range that cannot be migrated (pinned). Returns whether one was found.
 */
static bool cp_contig_blocker(u64 start, u64 nr, u64 *bpfn, u32 *reason)
{
	u64 end = start + nr;
	u64 bstart = ALIGN_DOWN(start, pageblock_nr_pages);
	u64 bend = ALIGN(end, pageblock_nr_pages);
	struct mmscope_compaction_pfn p;
	u64 pfn;

	for (pfn = start; pfn < end; pfn++)
		if (cp_isolation_blocker(pfn, &p))
			goto found;
	for (pfn = bstart; pfn < bend; pfn++) {
		if (pfn == start)
			pfn = end;
		/* a hole in the block is not looked at */
		if (pfn < bend && pfn_to_online_page(pfn) &&
		    cp_isolation_blocker(pfn, &p))
			goto found;
	}
	for (pfn = start; pfn < end; pfn++) {
		memset(&p, 0, sizeof(p));
		cp_pfn_reason(pfn, &p);
		if (!p.movable)
			goto found;
	}
	return false;
found:
	*bpfn = pfn;
	*reason = p.reason;
	return true;
}

/* Both ends online and in one zone. */
static bool cp_contig_range_ok(u64 pfn, u64 nr)
{
	struct page *first = pfn_to_online_page(pfn);
	struct page *last = pfn_to_online_page(pfn + nr - 1);

	return first && last && page_zone(first) == page_zone(last);
}

long cp_ioc_contig(struct file *file, unsigned int cmd, void *arg)
{
	struct mmscope_compaction_contig *c = arg;
	struct cp_file *f = mmscope_ctl_priv(file);
	struct cp_range *r;
	bool before;
	u32 breason;
	u64 bpfn;
	int ret;

	BUILD_BUG_ON(sizeof(*c) != MMSCOPE_COMPACTION_CONTIG_SIZE_VER0);
	if (c->flags || c->pad || !c->nr_pages ||
	    c->nr_pages > MMSCOPE_COMPACTION_CONTIG_MAX)
		return -EINVAL;
	if (c->start_pfn >= cp_end_pfn() ||
	    c->start_pfn + c->nr_pages > cp_end_pfn())
		return -ERANGE;
	if (!cp_contig_range_ok(c->start_pfn, c->nr_pages))
		return -EINVAL;
	if (!f)
		return -EBADF;
	r = kzalloc(sizeof(*r), GFP_KERNEL);
	if (!r)
		return -ENOMEM;
	mutex_lock(&f->lock);
	if (f->held + c->nr_pages > totalram_pages() / 4) {
		mutex_unlock(&f->lock);
		kfree(r);
		return -ENOSPC;
	}
	c->has_blocker = 0;
	c->blocker_pfn = 0;
	c->blocker_reason = 0;
	/*
	 * Looked for before the attempt too: a failed attempt puts the pages
	 * it took off the LRU back through a per-CPU batch, where they look
	 * unmovable for a while (off_lru) without having been the cause.
	 */
	before = cp_contig_blocker(c->start_pfn, c->nr_pages, &bpfn, &breason);
	ret = alloc_contig_range(c->start_pfn, c->start_pfn + c->nr_pages,
				 MMSCOPE_CONTIG_ARG, GFP_KERNEL | __GFP_NOWARN);
	c->result = ret;
	if (!ret) {
		r->pfn = c->start_pfn;
		r->nr = c->nr_pages;
		list_add_tail(&r->node, &f->ranges);
		f->held += r->nr;
		r = NULL;
	} else if (before || cp_contig_blocker(c->start_pfn, c->nr_pages,
					       &bpfn, &breason)) {
		c->has_blocker = 1;
		c->blocker_pfn = bpfn;
		c->blocker_reason = breason;
	}
	c->held_pages = f->held;
	mutex_unlock(&f->lock);
	kfree(r);
	trace_compaction_contig(c->start_pfn, c->nr_pages, c->result,
				c->has_blocker, c->blocker_pfn,
				c->blocker_reason);
	return 0;
}
