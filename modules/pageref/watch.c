// SPDX-License-Identifier: GPL-2.0
/*
 * Watching pages: a short list of pfns whose folio reference count and
 * page map count are compared with what was last seen each time one of
 * the kernel's reference and mapping functions returns (kretprobes on the
 * non-inlined sites this kernel has). A difference is recorded in a
 * bounded ring (`events`) and as an mmscope:pageref_change trace event,
 * with the function that returned and the task it ran for.
 *
 * Debian's kernels have no page_ref tracepoints (CONFIG_DEBUG_PAGE_REF is
 * off) and most reference changes happen in inline code, so the site is
 * the first probed function to return after the change: the caller that
 * made it, or the one that ran next on any CPU.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/debugfs.h>
#include <linux/kprobes.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/sched.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/timekeeping.h>
#include <linux/uaccess.h>

#include <mmscope/compat.h>
#include <mmscope/compat-debugfs.h>
#include <mmscope/core.h>

#include "internal.h"

#define CREATE_TRACE_POINTS
#include "pageref_trace.h"

#define PAGEREF_WATCH_MAX 64
#define PAGEREF_EVENTS 512

/* @owner: the ctl file that added it, NULL for the module's (detached) */
struct pageref_watched {
	unsigned long pfn;
	const struct file *owner;
	int ref;
	int map;
};

struct pageref_event {
	u64 ns;
	const char *site;
	unsigned long pfn;
	pid_t pid;
	int old_ref, new_ref, old_map, new_map;
	char comm[TASK_COMM_LEN];
};

/* Functions that take, drop or move references and mappings. */
static const char *const pageref_sites[] = {
#define MMSCOPE_PAGEREF_SITE(id, func, kernels, what) func,
#include <mmscope/pageref_sites.h>
};

static struct kretprobe pageref_probes[ARRAY_SIZE(pageref_sites)];
static bool pageref_probe_on[ARRAY_SIZE(pageref_sites)];
static bool pageref_probe_absent[ARRAY_SIZE(pageref_sites)];
static bool pageref_probes_registered;
static DEFINE_MUTEX(pageref_watch_mutex);	/* probes and list changes */

static DEFINE_SPINLOCK(pageref_watch_lock);	/* list, counts, ring */
static struct pageref_watched pageref_watch[PAGEREF_WATCH_MAX];
static unsigned int pageref_nwatch;
static struct pageref_event pageref_ring[PAGEREF_EVENTS];
static unsigned long pageref_ring_next;	/* events recorded, ever */

/* No reference taken: two atomic reads of memory that always exists. */
static void pageref_read(unsigned long pfn, int *ref, int *map)
{
	struct page *page = pfn_to_page(pfn);

	*ref = folio_ref_count(page_folio(page));
	*map = mmscope_page_is_typed(page) ? 0 : mmscope_page_mapcount(page);
}

static void pageref_record(struct pageref_watched *w, const char *site,
			   int ref, int map)
{
	struct pageref_event *e;

	e = &pageref_ring[pageref_ring_next++ % PAGEREF_EVENTS];
	e->ns = ktime_get_ns();
	e->site = site;
	e->pfn = w->pfn;
	e->pid = current->pid;
	/* no task_lock() here: the probed function may hold it */
	memcpy(e->comm, current->comm, sizeof(e->comm));
	e->old_ref = w->ref;
	e->new_ref = ref;
	e->old_map = w->map;
	e->new_map = map;
	trace_pageref_change(w->pfn, site, w->ref, ref, w->map, map);
	w->ref = ref;
	w->map = map;
}

static int pageref_site_ret(struct kretprobe_instance *ri,
			    struct pt_regs *regs)
{
	const char *site = get_kretprobe(ri)->kp.symbol_name;
	struct pageref_watched *w;
	unsigned long flags;
	unsigned int i;
	int ref, map;

	if (!READ_ONCE(pageref_nwatch))
		return 0;
	spin_lock_irqsave(&pageref_watch_lock, flags);
	for (i = 0; i < pageref_nwatch; i++) {
		w = &pageref_watch[i];
		pageref_read(w->pfn, &ref, &map);
		if (ref != w->ref || map != w->map)
			pageref_record(w, site, ref, map);
	}
	spin_unlock_irqrestore(&pageref_watch_lock, flags);
	return 0;
}

/* Attach to every site this kernel has; caller holds the mutex. */
static void pageref_probes_register(void)
{
	struct kretprobe *rp;
	unsigned int i, n = 0;
	int ret;

	if (pageref_probes_registered)
		return;
	for (i = 0; i < ARRAY_SIZE(pageref_sites); i++) {
		rp = &pageref_probes[i];
		memset(rp, 0, sizeof(*rp));
		rp->kp.symbol_name = pageref_sites[i];
		rp->handler = pageref_site_ret;
		ret = register_kretprobe(rp);
		pageref_probe_on[i] = !ret;
		/* not on this kernel (or inlined): listed, not an error */
		pageref_probe_absent[i] = ret == -ENOENT || ret == -EINVAL;
		n += !ret;
		if (ret && !pageref_probe_absent[i])
			pr_notice("watch: no probe on %s (%d)\n",
				  pageref_sites[i], ret);
	}
	pageref_probes_registered = true;
	pr_info("watch: %u of %zu sites probed\n", n,
		ARRAY_SIZE(pageref_sites));
}

static void pageref_probes_unregister(void)
{
	unsigned int i;

	if (!pageref_probes_registered)
		return;
	for (i = 0; i < ARRAY_SIZE(pageref_sites); i++) {
		if (pageref_probe_on[i])
			unregister_kretprobe(&pageref_probes[i]);
		pageref_probe_on[i] = false;
	}
	pageref_probes_registered = false;
}

/*
 * Add @pfn for @owner to the list; -ENOSPC when full. Caller holds the
 * mutex.
 */
static int pageref_watch_pfn(unsigned long pfn, const struct file *owner)
{
	struct pageref_watched *w;
	unsigned long flags;
	unsigned int i;
	int ret = 0;

	spin_lock_irqsave(&pageref_watch_lock, flags);
	for (i = 0; i < pageref_nwatch; i++)
		if (pageref_watch[i].pfn == pfn &&
		    pageref_watch[i].owner == owner)
			goto out;
	if (pageref_nwatch == PAGEREF_WATCH_MAX) {
		ret = -ENOSPC;
		goto out;
	}
	w = &pageref_watch[pageref_nwatch];
	w->pfn = pfn;
	w->owner = owner;
	pageref_read(pfn, &w->ref, &w->map);
	WRITE_ONCE(pageref_nwatch, pageref_nwatch + 1);
out:
	spin_unlock_irqrestore(&pageref_watch_lock, flags);
	return ret;
}

/* Watch the present pages of @r (by pfn: valid online pfns only). */
static int pageref_watch_range(struct pageref_range *r,
			       const struct file *owner)
{
	struct mmscope_pageref_page *buf;
	unsigned int added = 0;
	long n, i;
	u64 next;
	int ret;

	buf = kmalloc_array(PAGEREF_WATCH_MAX, sizeof(*buf), GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	n = pageref_snapshot(r, buf, PAGEREF_WATCH_MAX, &next);
	mutex_lock(&pageref_watch_mutex);
	for (i = 0; i < n; i++) {
		if (buf[i].state != MMSCOPE_PAGEREF_PRESENT &&
		    buf[i].state != MMSCOPE_PAGEREF_FREE)
			continue;
		ret = pageref_watch_pfn(buf[i].pfn, owner);
		if (ret)
			break;
		added++;
	}
	if (added)
		pageref_probes_register();
	mutex_unlock(&pageref_watch_mutex);
	kfree(buf);
	if (n < 0)
		return n;
	return added ? 0 : (ret ? ret : -ENOENT);
}

/*
 * End the watches of @owner, and the module's too if @detached (every
 * watch if @all); the probes go with the last watch.
 */
static void pageref_watch_drop(const struct file *owner, bool detached,
			       bool all)
{
	struct pageref_watched *w;
	unsigned long flags;
	unsigned int i, n;

	mutex_lock(&pageref_watch_mutex);
	spin_lock_irqsave(&pageref_watch_lock, flags);
	for (i = 0, n = 0; i < pageref_nwatch; i++) {
		w = &pageref_watch[i];
		if (all || (owner && w->owner == owner) ||
		    (detached && !w->owner))
			continue;
		pageref_watch[n++] = *w;
	}
	WRITE_ONCE(pageref_nwatch, n);
	spin_unlock_irqrestore(&pageref_watch_lock, flags);
	if (!n)
		pageref_probes_unregister();
	mutex_unlock(&pageref_watch_mutex);
}

/* The ctl file's release hook: its watches end with it. */
void pageref_watch_release(struct file *owner)
{
	pageref_watch_drop(owner, false, false);
}

static ssize_t pageref_watch_write(struct file *file, const char __user *ubuf,
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
	if (sysfs_streq(buf, "clear")) {
		pageref_watch_drop(NULL, true, false);
		return count;
	}
	ret = pageref_parse_range(buf, &r);
	if (!ret)
		ret = pageref_watch_range(&r, NULL);
	return ret ? ret : count;
}

/* Copy the watch list into @w; returns its length, *sites the probes on. */
static unsigned int pageref_watch_list(struct pageref_watched *w,
				       unsigned int *sites)
{
	unsigned long flags;
	unsigned int i, n;

	mutex_lock(&pageref_watch_mutex);
	for (i = 0, *sites = 0; i < ARRAY_SIZE(pageref_sites); i++)
		*sites += pageref_probe_on[i];
	spin_lock_irqsave(&pageref_watch_lock, flags);
	n = pageref_nwatch;
	memcpy(w, pageref_watch, n * sizeof(w[0]));
	spin_unlock_irqrestore(&pageref_watch_lock, flags);
	mutex_unlock(&pageref_watch_mutex);
	return n;
}

static int pageref_watch_show(struct seq_file *m, void *unused)
{
	struct pageref_watched *w;
	unsigned int i, n, sites;
	int ref, map;

	w = kmalloc_array(PAGEREF_WATCH_MAX, sizeof(*w), GFP_KERNEL);
	if (!w)
		return -ENOMEM;
	seq_puts(m, "# sites:");
	mutex_lock(&pageref_watch_mutex);
	for (i = 0; i < ARRAY_SIZE(pageref_sites); i++)
		if (pageref_probe_on[i])
			seq_printf(m, " %s", pageref_sites[i]);
	if (pageref_probes_registered) {
		seq_puts(m, "\n# absent:");
		for (i = 0; i < ARRAY_SIZE(pageref_sites); i++)
			if (pageref_probe_absent[i])
				seq_printf(m, " %s", pageref_sites[i]);
	}
	mutex_unlock(&pageref_watch_mutex);
	seq_puts(m, "\n# pfn refcount mapcount\n");
	n = pageref_watch_list(w, &sites);
	for (i = 0; i < n; i++) {
		pageref_read(w[i].pfn, &ref, &map);
		seq_printf(m, "0x%lx %d %d\n", w[i].pfn, ref, map);
	}
	kfree(w);
	return 0;
}

long pageref_ioc_watch(struct file *file, unsigned int cmd, void *arg)
{
	struct mmscope_pageref_watched __user *out;
	struct mmscope_pageref_watched e;
	struct mmscope_pageref_watch *q = arg;
	struct pageref_watched *w;
	struct pageref_range r;
	unsigned int i, n;
	long ret;

	BUILD_BUG_ON(sizeof(*q) != MMSCOPE_PAGEREF_WATCH_SIZE_VER0);
	BUILD_BUG_ON(PAGEREF_WATCH_MAX != MMSCOPE_PAGEREF_WATCH_MAX);
	if (q->flags & ~(MMSCOPE_PAGEREF_BY_PFN | MMSCOPE_PAGEREF_WATCH_CLEAR |
			 MMSCOPE_PAGEREF_WATCH_ADD | MMSCOPE_PAGEREF_WATCH_DETACH))
		return -EINVAL;
	/* the range contract, as for a query, before anything changes */
	if (q->flags & MMSCOPE_PAGEREF_WATCH_ADD) {
		ret = pageref_range_get(q->flags & MMSCOPE_PAGEREF_BY_PFN,
					q->pid, q->start, q->len,
					MMSCOPE_RANGE_MM | MMSCOPE_RANGE_MAPPED,
					&r);
		if (ret)
			return ret;
	}
	if (q->flags & MMSCOPE_PAGEREF_WATCH_CLEAR)
		pageref_watch_drop(file, true, false);
	if (q->flags & MMSCOPE_PAGEREF_WATCH_ADD) {
		ret = pageref_watch_range(&r, q->flags &
					  MMSCOPE_PAGEREF_WATCH_DETACH ?
					  NULL : file);
		if (ret)
			return ret;
	}
	w = kmalloc_array(PAGEREF_WATCH_MAX, sizeof(*w), GFP_KERNEL);
	if (!w)
		return -ENOMEM;
	n = pageref_watch_list(w, &q->sites);
	out = u64_to_user_ptr(q->pages);
	for (i = 0; i < n && i < q->count; i++) {
		e.pfn = w[i].pfn;
		pageref_read(w[i].pfn, &e.refcount, &e.mapcount);
		if (copy_to_user(&out[i], &e, sizeof(e))) {
			kfree(w);
			return -EFAULT;
		}
	}
	kfree(w);
	q->count = i;
	q->total = n;
	return 0;
}

DEFINE_SHOW_STORE_ATTRIBUTE(pageref_watch);

/*
 * Copy the ring into @ev (PAGEREF_EVENTS entries), emptying it if @clear;
 * returns the count of events recorded, *first the oldest still held.
 */
static unsigned long pageref_ring_copy(struct pageref_event *ev, bool clear,
				       unsigned long *first)
{
	unsigned long flags, last;

	spin_lock_irqsave(&pageref_watch_lock, flags);
	last = pageref_ring_next;
	if (ev)
		memcpy(ev, pageref_ring, sizeof(pageref_ring));
	if (clear)
		pageref_ring_next = 0;
	spin_unlock_irqrestore(&pageref_watch_lock, flags);
	*first = last > PAGEREF_EVENTS ? last - PAGEREF_EVENTS : 0;
	return last;
}

static ssize_t pageref_events_write(struct file *file, const char __user *ubuf,
				    size_t count, loff_t *ppos)
{
	unsigned long first;

	pageref_ring_copy(NULL, true, &first);
	return count;
}

static int pageref_events_show(struct seq_file *m, void *unused)
{
	struct pageref_event *ev;
	unsigned long first, last, i;

	ev = kvmalloc_array(PAGEREF_EVENTS, sizeof(*ev), GFP_KERNEL);
	if (!ev)
		return -ENOMEM;
	last = pageref_ring_copy(ev, false, &first);
	seq_printf(m, "# ns pid comm site pfn refcount mapcount (%lu lost)\n",
		   first);
	for (i = first; i < last; i++) {
		struct pageref_event *e = &ev[i % PAGEREF_EVENTS];

		seq_printf(m, "%llu %d %s %s 0x%lx %d->%d %d->%d\n", e->ns,
			   e->pid, e->comm, e->site, e->pfn, e->old_ref,
			   e->new_ref, e->old_map, e->new_map);
	}
	kvfree(ev);
	return 0;
}

static void pageref_event_uapi(struct mmscope_pageref_event *u,
			       const struct pageref_event *e)
{
	memset(u, 0, sizeof(*u));
	u->ns = e->ns;
	u->pfn = e->pfn;
	u->pid = e->pid;
	u->refcount_before = e->old_ref;
	u->refcount_after = e->new_ref;
	u->mapcount_before = e->old_map;
	u->mapcount_after = e->new_map;
	strscpy(u->comm, e->comm, sizeof(u->comm));
	strscpy(u->site, e->site, sizeof(u->site));
}

long pageref_ioc_events(struct file *file, unsigned int cmd, void *arg)
{
	struct mmscope_pageref_events *q = arg;
	struct mmscope_pageref_event u;
	unsigned long first, last, i;
	struct pageref_event *ev;
	char __user *out;
	size_t usize;
	u32 n = 0;

	BUILD_BUG_ON(sizeof(*q) != MMSCOPE_PAGEREF_EVENTS_SIZE_VER0);
	BUILD_BUG_ON(sizeof(u) != MMSCOPE_PAGEREF_EVENT_SIZE_VER0);
	BUILD_BUG_ON(PAGEREF_EVENTS != MMSCOPE_PAGEREF_EVENTS_MAX);
	if (q->flags & ~MMSCOPE_PAGEREF_EVENTS_CLEAR)
		return -EINVAL;
	if (q->count && (q->event_size < MMSCOPE_PAGEREF_EVENT_SIZE_VER0 ||
			 q->event_size > MMSCOPE_IOC_SIZE_MAX))
		return -EINVAL;
	ev = kvmalloc_array(PAGEREF_EVENTS, sizeof(*ev), GFP_KERNEL);
	if (!ev)
		return -ENOMEM;
	last = pageref_ring_copy(ev, q->flags & MMSCOPE_PAGEREF_EVENTS_CLEAR,
				 &first);
	out = u64_to_user_ptr(q->events);
	usize = min_t(size_t, q->event_size, sizeof(u));
	for (i = first; i < last && n < q->count; i++, n++) {
		pageref_event_uapi(&u, &ev[i % PAGEREF_EVENTS]);
		if (copy_to_user(out + (size_t)n * q->event_size, &u, usize)) {
			kvfree(ev);
			return -EFAULT;
		}
	}
	kvfree(ev);
	q->count = n;
	q->lost = first;
	q->event_size = sizeof(u);
	return 0;
}

DEFINE_SHOW_STORE_ATTRIBUTE(pageref_events);

int pageref_watch_init(struct dentry *dir)
{
	debugfs_create_file("watch", 0600, dir, NULL, &pageref_watch_fops);
	debugfs_create_file("events", 0600, dir, NULL, &pageref_events_fops);
	return 0;
}

void pageref_watch_exit(void)
{
	pageref_watch_drop(NULL, true, true);
}

void pageref_trace_hold(const char *kind, pid_t pid, unsigned long start,
			long pages)
{
	trace_pageref_hold(kind, pid, start, pages);
}
