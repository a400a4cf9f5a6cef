// SPDX-License-Identifier: GPL-2.0
/*
 * References held on demand: GET (FOLL_GET), PIN (FOLL_PIN) and
 * PIN_LONGTERM (FOLL_PIN | FOLL_LONGTERM) on a range of a process, taken
 * through the exported remote GUP calls. Each hold belongs to the ctl file
 * that took it (or, with HOLD_DETACH, to the module) and is dropped by
 * PUT/UNPIN, on close, or on unload. Holds keep page pointers, never the
 * process: a hold outlives the process it was taken from.
 *
 * What may be held is bounded (include/uapi/mmscope/pageref.h): pages per
 * hold, per open file and for the whole module, and references per page:
 * a hold after which one of its pages would have more than
 * MMSCOPE_PAGEREF_PAGE_REFS_MAX references is undone (ETOOMANYREFS), far
 * below where the kernel's own guard sees the count wrap.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/list.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/sched/mm.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include <mmscope/compat.h>
#include <mmscope/core.h>

#include "internal.h"

enum pageref_kind {
	PAGEREF_GET = MMSCOPE_PAGEREF_KIND_GET,
	PAGEREF_PIN = MMSCOPE_PAGEREF_KIND_PIN,
	PAGEREF_PIN_LONGTERM = MMSCOPE_PAGEREF_KIND_PIN_LONGTERM,
};

static const char *const pageref_kind_names[] = MMSCOPE_PAGEREF_KIND_NAMES;

struct pageref_held {
	struct list_head node;
	u64 id;
	struct file *owner;	/* NULL: detached, the module's */
	enum pageref_kind kind;
	pid_t pid;
	unsigned long start;
	unsigned long nr;
	struct page **pages;
};

static DEFINE_MUTEX(pageref_held_lock);
static LIST_HEAD(pageref_held_list);
static u64 pageref_next_id = 1;

/* Pages held by the whole module, holds being taken included. */
static atomic_long_t pageref_module_pages = ATOMIC_LONG_INIT(0);

/* Pages one GUP call takes before their counts are checked. */
#define PAGEREF_GUP_BATCH 512

/*
 * What an open ctl file owns: the pages of its holds (not detached ones),
 * holds being taken included.
 */
struct pageref_file {
	atomic_long_t pages;
};

int pageref_file_open(struct file *file, void **priv)
{
	struct pageref_file *pf = kzalloc(sizeof(*pf), GFP_KERNEL);

	if (!pf)
		return -ENOMEM;
	atomic_long_set(&pf->pages, 0);
	*priv = pf;
	return 0;
}

/*
 * Count @nr pages against the module's bound and, for a hold the file
 * owns (@pf not NULL), the file's: -ENOSPC past either, nothing counted.
 */
static int pageref_charge(struct pageref_file *pf, unsigned long nr)
{
	if (atomic_long_add_return(nr, &pageref_module_pages) >
	    MMSCOPE_PAGEREF_MODULE_PAGES_MAX) {
		atomic_long_sub(nr, &pageref_module_pages);
		return -ENOSPC;
	}
	if (pf && atomic_long_add_return(nr, &pf->pages) >
		  MMSCOPE_PAGEREF_FILE_PAGES_MAX) {
		atomic_long_sub(nr, &pf->pages);
		atomic_long_sub(nr, &pageref_module_pages);
		return -ENOSPC;
	}
	return 0;
}

static void pageref_uncharge(struct pageref_file *pf, unsigned long nr)
{
	if (pf)
		atomic_long_sub(nr, &pf->pages);
	atomic_long_sub(nr, &pageref_module_pages);
}

static void pageref_drop_pages(enum pageref_kind kind, struct page **pages,
			       unsigned long nr)
{
	unsigned long i;

	for (i = 0; i < nr; i++) {
		if (kind == PAGEREF_GET)
			put_page(pages[i]);
		else
			unpin_user_page(pages[i]);
	}
}

/* Drop a hold's references and free it; @pf: its file's (NULL: none). */
static void pageref_held_free(struct pageref_held *h, struct pageref_file *pf)
{
	pageref_drop_pages(h->kind, h->pages, h->nr);
	pageref_uncharge(h->owner ? pf : NULL, h->nr);
	kvfree(h->pages);
	kfree(h);
}

/* Has any of @nr pages more references than the bound? */
static bool pageref_too_many_refs(struct page **pages, unsigned long nr)
{
	unsigned long i;

	for (i = 0; i < nr; i++)
		if (folio_ref_count(page_folio(pages[i])) >
		    MMSCOPE_PAGEREF_PAGE_REFS_MAX)
			return true;
	return false;
}

/*
 * Take @nr pages from @start; all or nothing. A batch at most takes
 * PAGEREF_GUP_BATCH * GUP_PIN_COUNTING_BIAS references of one page before
 * the counts are looked at, so a count stays far from wrapping on its way
 * to the refusal. Whatever fails, the pages taken so far (pages[0, done))
 * are dropped once, here, and nothing else drops them.
 */
static long pageref_gup(struct mm_struct *mm, enum pageref_kind kind,
			unsigned int gup_flags, unsigned long start,
			unsigned long nr, struct page **pages)
{
	unsigned long done = 0;
	long got, ret = 0;

	if (kind == PAGEREF_PIN_LONGTERM)
		gup_flags |= FOLL_LONGTERM;
	while (done < nr) {
		unsigned long addr = start + done * PAGE_SIZE;
		unsigned long want = min_t(unsigned long, nr - done,
					   PAGEREF_GUP_BATCH);

		if (kind == PAGEREF_GET)
			got = mmscope_get_user_pages_remote(mm, addr, want,
							    gup_flags,
							    pages + done);
		else
			got = mmscope_pin_user_pages_remote(mm, addr, want,
							    gup_flags,
							    pages + done);
		if (got <= 0) {
			ret = got ? got : -EFAULT;
			break;
		}
		/* never more than asked for, whatever the kernel says */
		got = min_t(long, got, want);
		done += got;
		if (pageref_too_many_refs(pages + done - got, got)) {
			ret = -ETOOMANYREFS;
			break;
		}
		if (fatal_signal_pending(current)) {
			ret = -EINTR;
			break;
		}
	}
	if (ret) {
		pageref_drop_pages(kind, pages, done);
		return ret;
	}
	return done;
}

static int pageref_cmd_kind(unsigned int cmd, enum pageref_kind *kind)
{
	switch (cmd) {
	case MMSCOPE_IOC_NOSIZE(MMSCOPE_PAGEREF_IOC_GET):
		*kind = PAGEREF_GET;
		return 0;
	case MMSCOPE_IOC_NOSIZE(MMSCOPE_PAGEREF_IOC_PIN):
		*kind = PAGEREF_PIN;
		return 0;
	case MMSCOPE_IOC_NOSIZE(MMSCOPE_PAGEREF_IOC_PIN_LONGTERM):
		*kind = PAGEREF_PIN_LONGTERM;
		return 0;
	default:
		return -ENOTTY;
	}
}

long pageref_hold(struct file *owner, unsigned int cmd,
		  struct mmscope_pageref_hold *h)
{
	struct pageref_file *pf = NULL;
	unsigned int gup_flags = 0;
	struct pageref_held *held;
	struct mmscope_range r;
	enum pageref_kind kind;
	unsigned long nr;
	long ret;

	ret = pageref_cmd_kind(cmd, &kind);
	if (ret)
		return ret;
	if (h->flags & ~(MMSCOPE_PAGEREF_HOLD_WRITE |
			 MMSCOPE_PAGEREF_HOLD_DETACH) || h->reserved)
		return -EINVAL;
	/* numbers first: a hold too large fails before the lookup */
	ret = mmscope_range_get(h->pid, h->start, h->len, 0, &r);
	if (ret)
		return ret;
	nr = (r.end - r.start) >> PAGE_SHIFT;
	if (nr > MMSCOPE_PAGEREF_HOLD_MAX)
		return -E2BIG;
	if (h->flags & MMSCOPE_PAGEREF_HOLD_WRITE)
		gup_flags |= FOLL_WRITE;
	/* the bounds before anything is allocated or taken */
	if (!(h->flags & MMSCOPE_PAGEREF_HOLD_DETACH))
		pf = mmscope_ctl_priv(owner);
	ret = pageref_charge(pf, nr);
	if (ret)
		return ret;

	held = kzalloc(sizeof(*held), GFP_KERNEL);
	if (!held) {
		ret = -ENOMEM;
		goto err_uncharge;
	}
	held->pages = kvmalloc_array(nr, sizeof(*held->pages), GFP_KERNEL);
	if (!held->pages) {
		ret = -ENOMEM;
		goto err_free;
	}

	ret = mmscope_range_get(h->pid, h->start, h->len,
				MMSCOPE_RANGE_MM | MMSCOPE_RANGE_MAPPED, &r);
	if (ret)
		goto err_free;
	ret = mmap_read_lock_killable(r.mm);
	if (!ret) {
		ret = pageref_gup(r.mm, kind, gup_flags, r.start, nr,
				  held->pages);
		mmap_read_unlock(r.mm);
	}
	mmscope_range_put(&r);
	/* a page of the range that nothing maps: the range contract's ENOENT */
	if (ret == -EFAULT)
		ret = -ENOENT;
	if (ret < 0)
		goto err_free;

	held->kind = kind;
	held->pid = h->pid;
	held->start = r.start;
	held->nr = nr;
	held->owner = (h->flags & MMSCOPE_PAGEREF_HOLD_DETACH) ? NULL : owner;
	mutex_lock(&pageref_held_lock);
	held->id = pageref_next_id++;
	list_add_tail(&held->node, &pageref_held_list);
	mutex_unlock(&pageref_held_lock);

	h->pages = nr;
	h->id = held->id;
	pageref_trace_hold(pageref_kind_names[kind], h->pid, r.start, nr);
	return 0;

err_free:
	kvfree(held->pages);
	kfree(held);
err_uncharge:
	pageref_uncharge(pf, nr);
	return ret;
}

static bool pageref_held_matches(const struct pageref_held *held,
				 struct file *owner, bool put,
				 const struct mmscope_pageref_hold *h,
				 const struct mmscope_range *r)
{
	if (held->kind == PAGEREF_GET ? !put : put)
		return false;
	if (held->owner && held->owner != owner)
		return false;
	if (h->id)
		return held->id == h->id;
	if (h->flags & MMSCOPE_PAGEREF_HOLD_ALL)
		return held->owner == owner;
	return held->pid == h->pid && held->start >= r->start &&
	       held->start + held->nr * PAGE_SIZE <= r->end;
}

long pageref_release(struct file *owner, unsigned int cmd,
		     struct mmscope_pageref_hold *h)
{
	bool put = MMSCOPE_IOC_NOSIZE(cmd) ==
		   MMSCOPE_IOC_NOSIZE(MMSCOPE_PAGEREF_IOC_PUT);
	struct mmscope_range r = { };
	struct pageref_held *held, *tmp;
	LIST_HEAD(drop);
	u64 pages = 0;

	if (h->flags & ~MMSCOPE_PAGEREF_HOLD_ALL || h->reserved)
		return -EINVAL;
	if (!h->id && !(h->flags & MMSCOPE_PAGEREF_HOLD_ALL)) {
		/* numbers only: a hold outlives its process */
		long ret = mmscope_range_get(h->pid, h->start, h->len, 0, &r);

		if (ret)
			return ret;
	}

	mutex_lock(&pageref_held_lock);
	list_for_each_entry_safe(held, tmp, &pageref_held_list, node) {
		if (pageref_held_matches(held, owner, put, h, &r))
			list_move_tail(&held->node, &drop);
	}
	mutex_unlock(&pageref_held_lock);

	list_for_each_entry_safe(held, tmp, &drop, node) {
		pages += held->nr;
		pageref_trace_hold(pageref_kind_names[held->kind], held->pid,
				   held->start, -(long)held->nr);
		/* a hold with an owner matched only if it is @owner */
		pageref_held_free(held, mmscope_ctl_priv(owner));
	}
	h->pages = pages;
	return pages ? 0 : -ENOENT;
}

/* The last close of @owner: its holds go, then what counted them. */
void pageref_release_file(struct file *owner, void *priv)
{
	struct pageref_held *held, *tmp;
	LIST_HEAD(drop);

	mutex_lock(&pageref_held_lock);
	list_for_each_entry_safe(held, tmp, &pageref_held_list, node) {
		if (held->owner == owner)
			list_move_tail(&held->node, &drop);
	}
	mutex_unlock(&pageref_held_lock);
	list_for_each_entry_safe(held, tmp, &drop, node)
		pageref_held_free(held, priv);
	kfree(priv);
}

void pageref_release_all(void)
{
	struct pageref_held *held, *tmp;
	unsigned long pages = 0;

	list_for_each_entry_safe(held, tmp, &pageref_held_list, node) {
		list_del(&held->node);
		pages += held->nr;
		/* no file is open: only detached holds are left */
		pageref_held_free(held, NULL);
	}
	if (pages)
		pr_info("unload: dropped %lu held page references\n", pages);
}

void pageref_held_list_show(struct seq_file *m)
{
	struct pageref_held *held;
	unsigned long i;

	seq_puts(m, "id owner kind pid start pages pfns\n");
	mutex_lock(&pageref_held_lock);
	list_for_each_entry(held, &pageref_held_list, node) {
		seq_printf(m, "%llu %s %s %d 0x%lx %lu", held->id,
			   held->owner ? "file" : "module",
			   pageref_kind_names[held->kind], held->pid,
			   held->start, held->nr);
		for (i = 0; i < held->nr && i < 8; i++)
			seq_printf(m, "%c0x%lx", i ? ',' : ' ',
				   page_to_pfn(held->pages[i]));
		seq_puts(m, held->nr > 8 ? ",...\n" : "\n");
	}
	mutex_unlock(&pageref_held_lock);
}

static void pageref_held_entry(struct mmscope_pageref_held *e,
			       const struct pageref_held *held)
{
	unsigned long i;

	memset(e, 0, sizeof(*e));
	e->id = held->id;
	e->start = held->start;
	e->pages = held->nr;
	e->pid = held->pid;
	e->kind = held->kind;
	e->flags = held->owner ? 0 : MMSCOPE_PAGEREF_HELD_DETACHED;
	for (i = 0; i < held->nr && i < MMSCOPE_PAGEREF_HELD_PFNS; i++)
		e->pfns[i] = page_to_pfn(held->pages[i]);
}

/* Up to @max holds into @out, oldest first; returns how many there are. */
static u32 pageref_held_fill(struct mmscope_pageref_held *out, u32 max)
{
	struct pageref_held *held;
	u32 total = 0;

	mutex_lock(&pageref_held_lock);
	list_for_each_entry(held, &pageref_held_list, node) {
		if (total < max)
			pageref_held_entry(&out[total], held);
		total++;
	}
	mutex_unlock(&pageref_held_lock);
	return total;
}

long pageref_ioc_held(struct file *file, unsigned int cmd, void *arg)
{
	struct mmscope_pageref_held_list *l = arg;
	struct mmscope_pageref_held *buf;
	char __user *out;
	size_t esize;
	u32 n, i;

	BUILD_BUG_ON(sizeof(*l) != MMSCOPE_PAGEREF_HELD_LIST_SIZE_VER0);
	BUILD_BUG_ON(sizeof(*buf) != MMSCOPE_PAGEREF_HELD_ENTRY_SIZE_VER0);
	if (l->flags || l->reserved)
		return -EINVAL;
	if (l->count && (l->entry_size < MMSCOPE_PAGEREF_HELD_ENTRY_SIZE_VER0 ||
			 l->entry_size > MMSCOPE_IOC_SIZE_MAX))
		return -EINVAL;
	l->count = min_t(u32, l->count, MMSCOPE_PAGEREF_HOLD_MAX);
	buf = kvcalloc(max_t(u32, l->count, 1), sizeof(*buf), GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	l->total = pageref_held_fill(buf, l->count);
	n = min(l->count, l->total);
	out = u64_to_user_ptr(l->entries);
	esize = min_t(size_t, l->entry_size, sizeof(*buf));
	for (i = 0; i < n; i++) {
		if (copy_to_user(out + (size_t)i * l->entry_size, &buf[i],
				 esize)) {
			kvfree(buf);
			return -EFAULT;
		}
	}
	kvfree(buf);
	l->count = n;
	l->entry_size = sizeof(*buf);
	return 0;
}
