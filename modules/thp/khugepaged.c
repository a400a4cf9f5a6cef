// SPDX-License-Identifier: GPL-2.0
/*
 * khugepaged's results, recorded from the kernel's own tracepoints while
 * the module is loaded: huge_memory:mm_khugepaged_scan_pmd (one per PMD
 * scanned: where it stopped and why) and mm_collapse_huge_page (the
 * collapse that followed a good scan). MADV_COLLAPSE fires them too; a
 * collapse asked for through ctl takes its reason from them.
 *
 * Records go to a ring of THP_RING entries tagged with the mm; a reader
 * with a pid keeps those of that process's mm. An mm freed and another
 * allocated at its address would inherit its old records: the ring is
 * short-lived, and a record names its sequence number.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/sched.h>
#include <linux/sched/mm.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/string.h>

#include <mmscope/core.h>

#include "internal.h"
#include "thp_trace.h"

static const char *const thp_scan_names[] = MMSCOPE_THP_SCAN_NAMES;
static const char *const thp_event_names[] = MMSCOPE_THP_EVENT_NAMES;

#define THP_RING	256

struct thp_record {
	const struct mm_struct *mm;	/* compared, never followed */
	struct mmscope_thp_scan scan;
};

static DEFINE_SPINLOCK(thp_ring_lock);
static struct thp_record *thp_ring;
static u64 thp_ring_seq;

/* The collapse ctl runs now: its task, and where its reason goes. */
static DEFINE_MUTEX(thp_watch_lock);
static struct task_struct *thp_watch_task;
static char *thp_watch_name;
static size_t thp_watch_len;

static const char *thp_scan_name(int status)
{
	if (status < 0 || status >= ARRAY_SIZE(thp_scan_names))
		return "unknown";
	return thp_scan_names[status];
}

static void thp_record(const struct mm_struct *mm, unsigned int event,
		       unsigned long pfn, int status, int referenced,
		       int none_or_zero, int unmapped)
{
	const char *name = thp_scan_name(status);
	struct mmscope_thp_scan *s;
	unsigned long flags;

	if (READ_ONCE(thp_watch_task) == current)
		strscpy(thp_watch_name, name, thp_watch_len);
	trace_thp_scan(thp_event_names[event], pfn, status, name);
	spin_lock_irqsave(&thp_ring_lock, flags);
	s = &thp_ring[thp_ring_seq % THP_RING].scan;
	thp_ring[thp_ring_seq % THP_RING].mm = mm;
	memset(s, 0, sizeof(*s));
	s->seq = thp_ring_seq++;
	s->pfn = pfn;
	s->event = event;
	s->status = status;
	strscpy(s->name, name, sizeof(s->name));
	s->referenced = referenced;
	s->none_or_zero = none_or_zero;
	s->unmapped = unmapped;
	s->khugepaged = !!(current->flags & PF_KTHREAD);
	spin_unlock_irqrestore(&thp_ring_lock, flags);
}

static void thp_on_scan(struct mm_struct *mm, unsigned long pfn,
			int referenced, int none_or_zero, int status,
			int unmapped)
{
	thp_record(mm, MMSCOPE_THP_EV_SCAN_PMD, pfn, status, referenced,
		   none_or_zero, unmapped);
}

static void thp_on_collapse(struct mm_struct *mm, int status)
{
	thp_record(mm, MMSCOPE_THP_EV_COLLAPSE, -1UL, status, 0, 0, 0);
}

MMSCOPE_THP_SCAN_PROBE(thp_probe_scan_pmd, thp_on_scan)
MMSCOPE_THP_COLLAPSE_PROBE(thp_probe_collapse, thp_on_collapse)

static struct mmscope_tp thp_tps[] = {
	{ .name = "mm_khugepaged_scan_pmd", .probe = thp_probe_scan_pmd },
	{ .name = "mm_collapse_huge_page", .probe = thp_probe_collapse },
};

static bool thp_tps_attached;

void thp_collapse_watch_begin(char *name, size_t len)
{
	mutex_lock(&thp_watch_lock);
	thp_watch_name = name;
	thp_watch_len = len;
	WRITE_ONCE(thp_watch_task, current);
}

void thp_collapse_watch_end(void)
{
	WRITE_ONCE(thp_watch_task, NULL);
	/* a probe still running on another CPU looks at another task */
	mutex_unlock(&thp_watch_lock);
}

/*
 * Up to max records of mm (every mm when NULL), oldest first, into out;
 * returns how many and the total recorded in *total.
 */
static unsigned int thp_records_get(const struct mm_struct *mm,
				    struct mmscope_thp_scan *out,
				    unsigned int max, u64 *total)
{
	unsigned int n = 0, skip = 0;
	unsigned long flags;
	u64 first, i;

	spin_lock_irqsave(&thp_ring_lock, flags);
	first = thp_ring_seq > THP_RING ? thp_ring_seq - THP_RING : 0;
	/* the newest max of them */
	for (i = first; i < thp_ring_seq; i++)
		if (!mm || thp_ring[i % THP_RING].mm == mm)
			n++;
	if (n > max)
		skip = n - max;
	n = 0;
	for (i = first; i < thp_ring_seq; i++) {
		if (mm && thp_ring[i % THP_RING].mm != mm)
			continue;
		if (skip) {
			skip--;
			continue;
		}
		out[n++] = thp_ring[i % THP_RING].scan;
	}
	*total = thp_ring_seq;
	spin_unlock_irqrestore(&thp_ring_lock, flags);
	return n;
}

long thp_ioc_khugepaged(struct file *file, unsigned int cmd, void *arg)
{
	struct mmscope_thp_khugepaged *a = arg;
	struct mm_struct *mm = NULL;
	struct mmscope_thp_scan *out;
	unsigned int n;
	int ret;

	BUILD_BUG_ON(sizeof(*a) != MMSCOPE_THP_KHUGEPAGED_SIZE_VER0);
	if (a->flags || a->pid < 0)
		return -EINVAL;
	if (a->count && (!a->records || !a->record_size))
		return -EINVAL;
	if (!thp_tps_attached)
		return -EOPNOTSUPP;
	if (a->pid) {
		mm = mmscope_target_get(a->pid);
		if (IS_ERR(mm))
			return PTR_ERR(mm);
	}
	out = kmalloc_array(THP_RING, sizeof(*out), GFP_KERNEL);
	if (!out) {
		ret = -ENOMEM;
		goto put;
	}
	n = thp_records_get(mm, out, min_t(u32, a->count, THP_RING),
			    &a->total);
	ret = mmscope_copy_array(a->records, out, n, sizeof(*out),
				 a->record_size);
	kfree(out);
	if (!ret) {
		a->count = n;
		a->registered = mm ? mmscope_thp_mm_registered(mm) : 0;
	}
put:
	if (mm)
		mmscope_target_put(mm);
	return ret;
}

int thp_khugepaged_show_pid(struct seq_file *m, pid_t pid)
{
	struct mmscope_thp_scan *out;
	struct mm_struct *mm = NULL;
	unsigned int n, i;
	u64 total;

	if (!thp_tps_attached) {
		seq_puts(m, "the khugepaged tracepoints are not attached\n");
		return 0;
	}
	if (pid > 0) {
		mm = mmscope_target_get(pid);
		if (IS_ERR(mm))
			return PTR_ERR(mm);
		seq_printf(m, "pid %d registered %d\n", pid,
			   mmscope_thp_mm_registered(mm));
	}
	out = kmalloc_array(THP_RING, sizeof(*out), GFP_KERNEL);
	if (!out) {
		if (mm)
			mmscope_target_put(mm);
		return -ENOMEM;
	}
	n = thp_records_get(mm, out, THP_RING, &total);
	seq_printf(m, "# %llu recorded: seq event pfn result referenced none_or_zero unmapped by\n",
		   total);
	for (i = 0; i < n; i++)
		seq_printf(m, "%llu %s %llx %s %d %d %d %s\n", out[i].seq,
			   thp_event_names[out[i].event], out[i].pfn,
			   out[i].name, out[i].referenced,
			   out[i].none_or_zero, out[i].unmapped,
			   out[i].khugepaged ? "khugepaged" : "madvise");
	kfree(out);
	if (mm)
		mmscope_target_put(mm);
	return 0;
}

int thp_khugepaged_init(void)
{
	int ret;

	thp_ring = kcalloc(THP_RING, sizeof(*thp_ring), GFP_KERNEL);
	if (!thp_ring)
		return -ENOMEM;
	ret = mmscope_tracepoints_attach(thp_tps, ARRAY_SIZE(thp_tps));
	if (ret)
		pr_notice("khugepaged results not recorded (%d)\n", ret);
	thp_tps_attached = !ret;
	return 0;
}

void thp_khugepaged_exit(void)
{
	if (thp_tps_attached)
		mmscope_tracepoints_detach(thp_tps, ARRAY_SIZE(thp_tps));
	kfree(thp_ring);
}
