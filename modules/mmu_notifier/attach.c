// SPDX-License-Identifier: GPL-2.0
/*
 * Attachments: an mmu_notifier (or two, see compat-mmu_notifier.h) or an
 * mmu_interval_notifier on a process's mm, whose callbacks are recorded in
 * a ring of the attachment's own.
 *
 * Lifetime. Registration grabs the mm_struct (mmgrab), never its users:
 * the process's memory goes at its exit as if nobody watched. The owner
 * (an open ctl file) detaches with mmu_notifier_put(), which frees a
 * subscription from an SRCU callback (->free_notifier); an interval is
 * removed synchronously. When the target exits, ->release (or the
 * interval's RELEASE event) queues a work that detaches the same way.
 * Unload waits until every subscription was freed (mn_outstanding), then
 * for SRCU (mmu_notifier_synchronize()).
 *
 * Callbacks may run in atomic context (under page table locks, from the
 * OOM reaper): they take a spinlock, write one 72-byte record (and the
 * stack, when asked; and the time they took, when asked) and never
 * allocate. What a callback costs is in docs/mmu_notifier.md.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/mm.h>
#include <linux/mmu_notifier.h>
#include <linux/percpu.h>
#include <linux/pid.h>
#include <linux/sched/mm.h>
#include <linux/sched/task.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/stacktrace.h>
#include <linux/timekeeping.h>
#include <linux/vmalloc.h>

#include <mmscope/core.h>

#include "internal.h"

#define CREATE_TRACE_POINTS
#include "mmu_notifier_trace.h"

LIST_HEAD(mn_atts);
DEFINE_MUTEX(mn_atts_lock);	/* mn_atts, mn_natts, mn_next_id */
static unsigned int mn_natts;
static u32 mn_next_id;

/* Subscriptions registered and not yet freed; unload waits for 0. */
static atomic_t mn_outstanding = ATOMIC_INIT(0);
static DECLARE_WAIT_QUEUE_HEAD(mn_freed_wq);

/* The module's counters since load. */
static DEFINE_PER_CPU(struct mn_counts, mn_totals_pcpu);

static u32 mn_event(enum mmu_notifier_event ev)
{
	switch (ev) {
	case MMU_NOTIFY_UNMAP:
		return MMSCOPE_MMU_NOTIFIER_EV_UNMAP;
	case MMU_NOTIFY_CLEAR:
		return MMSCOPE_MMU_NOTIFIER_EV_CLEAR;
	case MMU_NOTIFY_PROTECTION_VMA:
		return MMSCOPE_MMU_NOTIFIER_EV_PROTECTION_VMA;
	case MMU_NOTIFY_PROTECTION_PAGE:
		return MMSCOPE_MMU_NOTIFIER_EV_PROTECTION_PAGE;
	case MMU_NOTIFY_SOFT_DIRTY:
		return MMSCOPE_MMU_NOTIFIER_EV_SOFT_DIRTY;
	case MMU_NOTIFY_RELEASE:
		return MMSCOPE_MMU_NOTIFIER_EV_RELEASE;
	case MMU_NOTIFY_MIGRATE:
		return MMSCOPE_MMU_NOTIFIER_EV_MIGRATE;
	case MMU_NOTIFY_EXCLUSIVE:
		return MMSCOPE_MMU_NOTIFIER_EV_EXCLUSIVE;
	}
	return MMSCOPE_MMU_NOTIFIER_EV_NONE;
}

struct mn_cb {
	u32 op;
	u32 event;
	u32 flags;
	u64 start;
	u64 end;
	u64 seq_before;
	u64 seq_after;
};

/* Module frames the stack may start with (callback, recording). */
#define MN_STACK_SKIP	4

/* The kernel stack from the callback's caller on; frames stored. */
static unsigned int mn_stack_save(unsigned long *out)
{
	unsigned long buf[MMSCOPE_MMU_NOTIFIER_STACK_DEPTH + MN_STACK_SKIP];
	unsigned int n, i = 0;

	n = stack_trace_save(buf, ARRAY_SIZE(buf), 0);
	while (i < n && within_module(buf[i], THIS_MODULE))
		i++;
	n = min_t(unsigned int, n - i, MMSCOPE_MMU_NOTIFIER_STACK_DEPTH);
	memcpy(out, buf + i, n * sizeof(*out));
	return n;
}

/* Caller holds att->lock: the time since @t0 into the op's histogram. */
static void mn_lat_add(struct mn_lat *l, u32 op, u64 t0)
{
	u64 ns = ktime_get_mono_fast_ns() - t0;
	unsigned int b = ns ? min_t(unsigned int, ilog2(ns),
				    MMSCOPE_MMU_NOTIFIER_LAT_BUCKETS - 1) : 0;

	l->buckets[op][b]++;
	l->sum_ns[op] += ns;
	if (ns > l->max_ns[op])
		l->max_ns[op] = ns;
}

/* Caller holds att->lock. */
static void mn_record_locked(struct mn_att *att, const struct mn_cb *cb,
			     const unsigned long *stack, unsigned int nr_stack)
{
	struct mn_rec *r;
	u64 seq = ++att->made;

	att->ops[cb->op]++;
	att->events[cb->event]++;
	this_cpu_inc(mn_totals_pcpu.ops[cb->op]);
	this_cpu_inc(mn_totals_pcpu.events[cb->event]);
	if (trace_mmu_notifier_callback_enabled())
		trace_mmu_notifier_callback(att->id, seq,
					    mmscope_mmu_notifier_op_name(cb->op),
					    mmscope_mmu_notifier_event_name(cb->event),
					    cb->start, cb->end, cb->flags);
	if (att->wr - att->rd >= att->ring_size) {
		att->dropped++;
		this_cpu_inc(mn_totals_pcpu.dropped);
		return;
	}
	if (att->stacks) {
		struct mn_stack *s = &att->stacks[att->wpos];

		s->nr = nr_stack;
		memcpy(s->ips, stack, nr_stack * sizeof(*stack));
	}
	/* @wpos is @wr modulo the ring size: no division per record */
	r = &att->ring[att->wpos];
	if (++att->wpos == att->ring_size)
		att->wpos = 0;
	att->wr++;
	r->seq = seq;
	/*
	 * CLOCK_MONOTONIC without the seqcount retry loop of ktime_get_ns();
	 * under the lock, so that it grows with @seq
	 */
	r->ns = ktime_get_mono_fast_ns();
	r->start = cb->start;
	r->end = cb->end;
	r->seq_before = cb->seq_before;
	r->seq_after = cb->seq_after;
	r->op = cb->op;
	r->event = cb->event;
	r->flags = cb->flags;
	if (nr_stack)
		r->flags |= MMSCOPE_MMU_NOTIFIER_REC_STACK;
	r->pid = current->pid;
	/* no task_lock(): the caller may hold it (exit) */
	memcpy(r->comm, current->comm, sizeof(r->comm));
	r->comm[sizeof(r->comm) - 1] = '\0';
}

/* A counting attachment's callback: two per-CPU increments (and the module's). */
static void mn_count(struct mn_att *att, const struct mn_cb *cb)
{
	this_cpu_inc(att->counts->ops[cb->op]);
	this_cpu_inc(att->counts->events[cb->event]);
	this_cpu_inc(mn_totals_pcpu.ops[cb->op]);
	this_cpu_inc(mn_totals_pcpu.events[cb->event]);
	if (trace_mmu_notifier_callback_enabled())
		trace_mmu_notifier_callback(att->id, 0,
					    mmscope_mmu_notifier_op_name(cb->op),
					    mmscope_mmu_notifier_event_name(cb->event),
					    cb->start, cb->end, cb->flags);
}

static void mn_record(struct mn_att *att, const struct mn_cb *cb)
{
	/* the callback's entry, when it is timed */
	u64 t0 = att->lat ? ktime_get_mono_fast_ns() : 0;
	unsigned long stack[MMSCOPE_MMU_NOTIFIER_STACK_DEPTH];
	unsigned int nr_stack = 0;

	if (att->counts) {
		mn_count(att, cb);
		return;
	}
	if (att->flags & MMSCOPE_MMU_NOTIFIER_STACK)
		nr_stack = mn_stack_save(stack);
	spin_lock(&att->lock);
	mn_record_locked(att, cb, stack, nr_stack);
	if (att->lat)
		mn_lat_add(att->lat, cb->op, t0);
	spin_unlock(&att->lock);
	/* a reader waits rarely: no wait queue lock per record without one */
	if (wq_has_sleeper(&att->wq))
		wake_up_interruptible(&att->wq);
}

static void mn_range_record(struct mn_att *att, u32 op,
			    const struct mmu_notifier_range *range)
{
	struct mn_cb cb = {
		.op = op,
		.event = mn_event(range->event),
		.start = range->start,
		.end = range->end,
	};

	if (mmu_notifier_range_blockable(range))
		cb.flags |= MMSCOPE_MMU_NOTIFIER_REC_BLOCKABLE;
	if (range->owner)
		cb.flags |= MMSCOPE_MMU_NOTIFIER_REC_OWNER;
	mn_record(att, &cb);
}

static void mn_addr_record(struct mn_att *att, u32 op, unsigned long start,
			   unsigned long end)
{
	struct mn_cb cb = { .op = op, .event = MMSCOPE_MMU_NOTIFIER_EV_NONE,
			    .start = start, .end = end };

	mn_record(att, &cb);
}

/* An age callback: recorded with the answer the attachment gives. */
static bool mn_age_record(struct mn_att *att, u32 op, unsigned long start,
			  unsigned long end)
{
	bool young = att->flags & MMSCOPE_MMU_NOTIFIER_ANSWER_YOUNG;
	struct mn_cb cb = { .op = op, .event = MMSCOPE_MMU_NOTIFIER_EV_NONE,
			    .start = start, .end = end };

	if (young)
		cb.flags = MMSCOPE_MMU_NOTIFIER_REC_YOUNG;
	mn_record(att, &cb);
	return young;
}

/* The target is gone: detach from a work (a callback cannot unregister). */
static void mn_released(struct mn_att *att)
{
	bool queue = false;

	spin_lock(&att->lock);
	if (!att->closing && att->state == MMSCOPE_MMU_NOTIFIER_ATTACHED) {
		att->state = MMSCOPE_MMU_NOTIFIER_RELEASED;
		kref_get(&att->ref);
		queue = true;
	}
	spin_unlock(&att->lock);
	if (queue)
		schedule_work(&att->release_work);
	wake_up_interruptible(&att->wq);
}

static struct mn_att *mn_of(struct mmu_notifier *mn)
{
	return container_of(mn, struct mn_att, mn);
}

static void mn_release(struct mmu_notifier *mn, struct mm_struct *mm)
{
	mn_addr_record(mn_of(mn), MMSCOPE_MMU_NOTIFIER_OP_RELEASE, 0, 0);
	mn_released(mn_of(mn));
}

static int mn_invalidate_range_start(struct mmu_notifier *mn,
				     const struct mmu_notifier_range *range)
{
	mn_range_record(mn_of(mn), MMSCOPE_MMU_NOTIFIER_OP_INVALIDATE_RANGE_START,
			range);
	return 0;
}

static void mn_invalidate_range_end(struct mmu_notifier *mn,
				    const struct mmu_notifier_range *range)
{
	mn_range_record(mn_of(mn), MMSCOPE_MMU_NOTIFIER_OP_INVALIDATE_RANGE_END,
			range);
}

static mmscope_mn_young_t mn_clear_flush_young(struct mmu_notifier *mn,
					       struct mm_struct *mm,
					       unsigned long start,
					       unsigned long end)
{
	return mn_age_record(mn_of(mn), MMSCOPE_MMU_NOTIFIER_OP_CLEAR_FLUSH_YOUNG,
			     start, end);
}

static mmscope_mn_young_t mn_clear_young(struct mmu_notifier *mn,
					 struct mm_struct *mm,
					 unsigned long start, unsigned long end)
{
	return mn_age_record(mn_of(mn), MMSCOPE_MMU_NOTIFIER_OP_CLEAR_YOUNG,
			     start, end);
}

static mmscope_mn_young_t mn_test_young(struct mmu_notifier *mn,
					struct mm_struct *mm,
					unsigned long address)
{
	return mn_age_record(mn_of(mn), MMSCOPE_MMU_NOTIFIER_OP_TEST_YOUNG,
			     address, address + 1);
}

#if MMSCOPE_MN_HAS_CHANGE_PTE
static void mn_change_pte(struct mmu_notifier *mn, struct mm_struct *mm,
			  unsigned long address, pte_t pte)
{
	mn_addr_record(mn_of(mn), MMSCOPE_MMU_NOTIFIER_OP_CHANGE_PTE, address,
		       address + PAGE_SIZE);
}
#endif

#if MMSCOPE_MN_HAS_INVALIDATE_RANGE
static void mn_invalidate_range(struct mmu_notifier *mn, struct mm_struct *mm,
				unsigned long start, unsigned long end)
{
	mn_addr_record(mn_of(mn), MMSCOPE_MMU_NOTIFIER_OP_INVALIDATE_RANGE,
		       start, end);
}
#endif

static void mn_subscription_freed(struct mn_att *att)
{
	mn_att_put(att);
	if (atomic_dec_and_test(&mn_outstanding))
		wake_up(&mn_freed_wq);
}

static void mn_free_notifier(struct mmu_notifier *mn)
{
	mn_subscription_freed(mn_of(mn));
}

static const struct mmu_notifier_ops mn_ops = {
	.release = mn_release,
	.clear_flush_young = mn_clear_flush_young,
	.clear_young = mn_clear_young,
	.test_young = mn_test_young,
	.invalidate_range_start = mn_invalidate_range_start,
	.invalidate_range_end = mn_invalidate_range_end,
#if MMSCOPE_MN_HAS_CHANGE_PTE
	.change_pte = mn_change_pte,
#endif
#if MMSCOPE_MN_HAS_INVALIDATE_RANGE
	.invalidate_range = mn_invalidate_range,
#endif
	.free_notifier = mn_free_notifier,
};

#if MMSCOPE_MN_HAS_SECONDARY_TLBS
static void mn_secondary_tlbs(struct mmu_notifier *mn, struct mm_struct *mm,
			      unsigned long start, unsigned long end)
{
	struct mn_att *att = container_of(mn, struct mn_att, tlb);

	mn_addr_record(att, MMSCOPE_MMU_NOTIFIER_OP_ARCH_INVALIDATE_SECONDARY_TLBS,
		       start, end);
}

static void mn_tlb_free_notifier(struct mmu_notifier *mn)
{
	mn_subscription_freed(container_of(mn, struct mn_att, tlb));
}

static const struct mmu_notifier_ops mn_tlb_ops = {
	.arch_invalidate_secondary_tlbs = mn_secondary_tlbs,
	.free_notifier = mn_tlb_free_notifier,
};
#endif

static bool mn_interval_invalidate(struct mmu_interval_notifier *ivl,
				   const struct mmu_notifier_range *range,
				   unsigned long cur_seq)
{
	struct mn_att *att = container_of(ivl, struct mn_att, ivl);
	struct mn_cb cb = {
		.op = MMSCOPE_MMU_NOTIFIER_OP_INVALIDATE,
		.event = mn_event(range->event),
		.flags = MMSCOPE_MMU_NOTIFIER_REC_INTERVAL,
		.start = range->start,
		.end = range->end,
		.seq_after = cur_seq,
	};
	bool refuse = !mmu_notifier_range_blockable(range) &&
		      (att->flags & MMSCOPE_MMU_NOTIFIER_REFUSE_NONBLOCK);
	u64 t0 = att->lat ? ktime_get_mono_fast_ns() : 0;
	unsigned long stack[MMSCOPE_MMU_NOTIFIER_STACK_DEPTH];
	unsigned int nr_stack = 0;

	if (att->flags & MMSCOPE_MMU_NOTIFIER_STACK)
		nr_stack = mn_stack_save(stack);
	if (mmu_notifier_range_blockable(range))
		cb.flags |= MMSCOPE_MMU_NOTIFIER_REC_BLOCKABLE;
	if (range->owner)
		cb.flags |= MMSCOPE_MMU_NOTIFIER_REC_OWNER;
	if (refuse)
		cb.flags |= MMSCOPE_MMU_NOTIFIER_REC_REFUSED;
	spin_lock(&att->lock);
	cb.seq_before = ivl->invalidate_seq;
	mmu_interval_set_seq(ivl, cur_seq);
	if (att->counts)
		mn_count(att, &cb);
	else
		mn_record_locked(att, &cb, stack, nr_stack);
	if (att->lat)
		mn_lat_add(att->lat, cb.op, t0);
	spin_unlock(&att->lock);
	if (wq_has_sleeper(&att->wq))
		wake_up_interruptible(&att->wq);
	if (range->event == MMU_NOTIFY_RELEASE)
		mn_released(att);
	/* false: "would block", only ever for a range that may not sleep */
	return !refuse;
}

static const struct mmu_interval_notifier_ops mn_interval_ops = {
	.invalidate = mn_interval_invalidate,
};

static void mn_att_free(struct kref *ref)
{
	struct mn_att *att = container_of(ref, struct mn_att, ref);

	/* may run from an SRCU callback: vfree() defers itself there */
	free_percpu(att->counts);
	kfree(att->lat);
	kvfree(att->stacks);
	kvfree(att->ring);
	kfree(att);
}

void mn_att_put(struct mn_att *att)
{
	kref_put(&att->ref, mn_att_free);
}

/* Take the notifiers off the mm, once. */
static void mn_detach(struct mn_att *att)
{
	u64 records, dropped;
	bool was_live;

	mutex_lock(&att->detach_lock);
	was_live = att->live;
	att->live = false;
	if (was_live && (att->flags & MMSCOPE_MMU_NOTIFIER_INTERVAL)) {
		mmu_interval_notifier_remove(&att->ivl);
	} else if (was_live) {
		mmu_notifier_put(&att->mn);
#if MMSCOPE_MN_HAS_SECONDARY_TLBS
		mmu_notifier_put(&att->tlb);
#endif
	}
	mutex_unlock(&att->detach_lock);
	if (!was_live)
		return;
	records = mn_att_counts(att, NULL, NULL);
	spin_lock(&att->lock);
	dropped = att->dropped;
	spin_unlock(&att->lock);
	trace_mmu_notifier_detach(att->id, records, dropped);
}

static void mn_release_work(struct work_struct *work)
{
	struct mn_att *att = container_of(work, struct mn_att, release_work);

	mn_detach(att);
	mn_att_put(att);
}

void mn_close(struct mn_att *att, u32 state)
{
	spin_lock(&att->lock);
	att->closing = true;
	if (att->state == MMSCOPE_MMU_NOTIFIER_ATTACHED)
		att->state = state;
	spin_unlock(&att->lock);
	wake_up_interruptible(&att->wq);
	if (cancel_work_sync(&att->release_work))
		mn_att_put(att);
	mn_detach(att);
	mutex_lock(&mn_atts_lock);
	list_del(&att->node);
	mn_natts--;
	mutex_unlock(&mn_atts_lock);
	mn_att_put(att);
}

/* Caller holds mn_atts_lock. */
static int mn_attach_check(struct mm_struct *mm, u32 flags, u64 start,
			   u64 end)
{
	struct mn_att *o;

	if (mn_natts >= MMSCOPE_MMU_NOTIFIER_MAX_ATTACH)
		return -ENOSPC;
	if (!(flags & MMSCOPE_MMU_NOTIFIER_INTERVAL))
		return 0;
	list_for_each_entry(o, &mn_atts, node)
		if (o->live && o->mm == mm &&
		    (o->flags & MMSCOPE_MMU_NOTIFIER_INTERVAL) &&
		    o->start < end && start < o->end)
			return -EEXIST;
	return 0;
}

static struct mn_att *mn_att_alloc(u32 ring, u32 flags)
{
	bool stacks = flags & MMSCOPE_MMU_NOTIFIER_STACK;
	struct mn_att *att = kzalloc(sizeof(*att), GFP_KERNEL);

	if (!att)
		return NULL;
	if (flags & MMSCOPE_MMU_NOTIFIER_COUNT) {
		att->counts = alloc_percpu(struct mn_counts);
		if (!att->counts) {
			kfree(att);
			return NULL;
		}
		/* no ring: a record never goes anywhere */
		ring = 1;
	}
	/*
	 * From the linear map when it can be (kvzalloc): a callback that
	 * follows a TLB flush then does not walk vmalloc's 4K page tables
	 */
	att->ring = kvzalloc(array_size(ring, sizeof(*att->ring)), GFP_KERNEL);
	if (stacks && att->ring)
		att->stacks = kvzalloc(array_size(ring, sizeof(*att->stacks)),
				       GFP_KERNEL);
	if (att->ring && (flags & MMSCOPE_MMU_NOTIFIER_LATENCY))
		att->lat = kzalloc(sizeof(*att->lat), GFP_KERNEL);
	if (!att->ring || (stacks && !att->stacks) ||
	    ((flags & MMSCOPE_MMU_NOTIFIER_LATENCY) && !att->lat)) {
		kvfree(att->stacks);
		kvfree(att->ring);
		free_percpu(att->counts);
		kfree(att);
		return NULL;
	}
	att->ring_size = ring;
	kref_init(&att->ref);
	INIT_LIST_HEAD(&att->node);
	mutex_init(&att->detach_lock);
	mutex_init(&att->read_lock);
	INIT_WORK(&att->release_work, mn_release_work);
	init_waitqueue_head(&att->wq);
	spin_lock_init(&att->lock);
	return att;
}

/* One subscription, counted for unload and holding a reference. */
static int mn_register(struct mn_att *att, struct mmu_notifier *mn,
		       const struct mmu_notifier_ops *ops, struct mm_struct *mm)
{
	int ret;

	mn->ops = ops;
	kref_get(&att->ref);
	atomic_inc(&mn_outstanding);
	ret = mmu_notifier_register(mn, mm);
	if (ret) {
		atomic_dec(&mn_outstanding);
		kref_put(&att->ref, mn_att_free);
	}
	return ret;
}

static int mn_subscribe(struct mn_att *att, struct mm_struct *mm)
{
	int ret;

	if (att->flags & MMSCOPE_MMU_NOTIFIER_INTERVAL)
		return mmu_interval_notifier_insert(&att->ivl, mm, att->start,
						    att->end - att->start,
						    &mn_interval_ops);
	ret = mn_register(att, &att->mn, &mn_ops, mm);
#if MMSCOPE_MN_HAS_SECONDARY_TLBS
	if (!ret) {
		ret = mn_register(att, &att->tlb, &mn_tlb_ops, mm);
		if (ret)
			mmu_notifier_put(&att->mn);
	}
#endif
	return ret;
}

static void mn_target_comm(pid_t nr, struct mn_att *att)
{
	struct pid *pid = find_get_pid(nr);
	struct task_struct *task = get_pid_task(pid, PIDTYPE_PID);

	put_pid(pid);
	if (!task)
		return;
	get_task_comm(att->comm, task);
	put_task_struct(task);
}

int mn_attach(struct mmscope_mmu_notifier_attach *a, struct mn_att **out)
{
	bool interval = a->flags & MMSCOPE_MMU_NOTIFIER_INTERVAL;
	struct mmscope_range r = { };
	struct mm_struct *mm;
	struct mn_att *att;
	u32 ring = a->ring ? a->ring : MMSCOPE_MMU_NOTIFIER_RING_DEFAULT;
	int ret;

	if (a->flags & ~(MMSCOPE_MMU_NOTIFIER_INTERVAL |
			 MMSCOPE_MMU_NOTIFIER_ANSWER_YOUNG |
			 MMSCOPE_MMU_NOTIFIER_REFUSE_NONBLOCK |
			 MMSCOPE_MMU_NOTIFIER_STACK |
			 MMSCOPE_MMU_NOTIFIER_LATENCY |
			 MMSCOPE_MMU_NOTIFIER_COUNT) ||
	    ((a->flags & MMSCOPE_MMU_NOTIFIER_COUNT) &&
	     (a->flags & (MMSCOPE_MMU_NOTIFIER_STACK |
			  MMSCOPE_MMU_NOTIFIER_LATENCY))) ||
	    (interval && (a->flags & MMSCOPE_MMU_NOTIFIER_ANSWER_YOUNG)) ||
	    (!interval && (a->flags & MMSCOPE_MMU_NOTIFIER_REFUSE_NONBLOCK)) ||
	    a->reserved || ring > MMSCOPE_MMU_NOTIFIER_RING_MAX)
		return -EINVAL;
	if (interval) {
		ret = mmscope_range_get(a->pid, a->start, a->len,
					MMSCOPE_RANGE_MM, &r);
		if (ret)
			return ret;
		mm = r.mm;
	} else {
		mm = mmscope_target_get(a->pid);
		if (IS_ERR(mm))
			return PTR_ERR(mm);
	}
	att = mn_att_alloc(ring, a->flags);
	if (!att) {
		ret = -ENOMEM;
		goto out_put;
	}
	att->pid = a->pid;
	att->flags = a->flags;
	att->start = r.start;
	att->end = r.end;
	att->mm = mm;
	mn_target_comm(a->pid, att);

	mutex_lock(&mn_atts_lock);
	ret = mn_attach_check(mm, a->flags, r.start, r.end);
	if (!ret)
		ret = mn_subscribe(att, mm);
	if (ret) {
		mutex_unlock(&mn_atts_lock);
		mn_att_put(att);
		goto out_put;
	}
	att->live = true;
	att->id = ++mn_next_id;
	list_add_tail(&att->node, &mn_atts);
	mn_natts++;
	mutex_unlock(&mn_atts_lock);

	a->id = att->id;
	a->ring = ring;
	if (interval) {
		a->start = r.start;
		a->len = r.end - r.start;
	}
	a->interval_seq = mn_interval_seq(att);
	trace_mmu_notifier_attach(att->id, att->pid, att->start, att->end,
				  interval);
	*out = att;
out_put:
	if (interval)
		mmscope_range_put(&r);
	else
		mmscope_target_put(mm);
	return ret;
}

unsigned int mn_ring_take(struct mn_att *att,
			  struct mmscope_mmu_notifier_record *out,
			  unsigned int max)
{
	unsigned int n = mn_ring_peek(att, out, max);

	spin_lock(&att->lock);
	att->rd += n;
	spin_unlock(&att->lock);
	return n;
}

/* The record READ hands out: every byte written (it goes to user space). */
static void mn_rec_out(const struct mn_att *att, u64 pos,
		       struct mmscope_mmu_notifier_record *o)
{
	u32 i = pos % att->ring_size;
	const struct mn_rec *r = &att->ring[i];

	memset(o, 0, sizeof(*o));
	o->seq = r->seq;
	o->ns = r->ns;
	o->start = r->start;
	o->end = r->end;
	o->interval_seq_before = r->seq_before;
	o->interval_seq_after = r->seq_after;
	o->op = r->op;
	o->event = r->event;
	o->flags = r->flags;
	o->pid = r->pid;
	memcpy(o->comm, r->comm, sizeof(o->comm));
	if (att->stacks && (r->flags & MMSCOPE_MMU_NOTIFIER_REC_STACK)) {
		const struct mn_stack *s = &att->stacks[i];
		unsigned int k;

		o->nr_stack = s->nr;
		for (k = 0; k < s->nr; k++)
			o->stack[k] = s->ips[k];
	}
}

unsigned int mn_ring_peek(struct mn_att *att,
			  struct mmscope_mmu_notifier_record *out,
			  unsigned int max)
{
	unsigned int n, i;

	spin_lock(&att->lock);
	n = min_t(u64, att->wr - att->rd, max);
	for (i = 0; i < n; i++)
		mn_rec_out(att, att->rd + i, &out[i]);
	spin_unlock(&att->lock);
	return n;
}

u64 mn_interval_seq(struct mn_att *att)
{
	if (!(att->flags & MMSCOPE_MMU_NOTIFIER_INTERVAL))
		return 0;
	return READ_ONCE(att->ivl.invalidate_seq);
}

void mn_att_info(struct mn_att *att, struct mmscope_mmu_notifier_info *i)
{
	memset(i, 0, sizeof(*i));
	i->id = att->id;
	i->pid = att->pid;
	i->flags = att->flags;
	i->start = att->start;
	i->end = att->end;
	memcpy(i->comm, att->comm, sizeof(i->comm));
	i->comm[sizeof(i->comm) - 1] = '\0';
	i->interval_seq = mn_interval_seq(att);
	i->records = mn_att_counts(att, NULL, NULL);
	spin_lock(&att->lock);
	i->state = att->state;
	i->dropped = att->dropped;
	spin_unlock(&att->lock);
}

/*
 * Per-CPU counters summed into @sum (zeroed first): every op, event and
 * drop counted. Returns the callbacks counted (the sum of the ops).
 */
static u64 mn_counts_sum(const struct mn_counts __percpu *pc,
			 struct mn_counts *sum)
{
	const struct mn_counts *c;
	unsigned int i;
	u64 made = 0;
	int cpu;

	memset(sum, 0, sizeof(*sum));
	for_each_possible_cpu(cpu) {
		c = per_cpu_ptr(pc, cpu);
		for (i = 0; i < MMSCOPE_MMU_NOTIFIER_OP_COUNT; i++)
			sum->ops[i] += READ_ONCE(c->ops[i]);
		for (i = 0; i < MMSCOPE_MMU_NOTIFIER_EV_COUNT; i++)
			sum->events[i] += READ_ONCE(c->events[i]);
		sum->dropped += READ_ONCE(c->dropped);
	}
	for (i = 0; i < MMSCOPE_MMU_NOTIFIER_OP_COUNT; i++)
		made += sum->ops[i];
	return made;
}

u64 mn_att_counts(struct mn_att *att, u64 *ops, u64 *events)
{
	struct mn_counts sum;
	u64 made;

	if (!att->counts) {
		spin_lock(&att->lock);
		if (ops)
			memcpy(ops, att->ops, sizeof(att->ops));
		if (events)
			memcpy(events, att->events, sizeof(att->events));
		made = att->made;
		spin_unlock(&att->lock);
		return made;
	}
	made = mn_counts_sum(att->counts, &sum);
	if (ops)
		memcpy(ops, sum.ops, sizeof(sum.ops));
	if (events)
		memcpy(events, sum.events, sizeof(sum.events));
	return made;
}

int mn_att_latency(struct mn_att *att, struct mn_lat *l)
{
	if (!att->lat)
		return -ENODATA;
	spin_lock(&att->lock);
	memcpy(l, att->lat, sizeof(*l));
	spin_unlock(&att->lock);
	return 0;
}

void mn_totals(struct mmscope_mmu_notifier_stats *s)
{
	struct mn_counts sum;

	mn_counts_sum(&mn_totals_pcpu, &sum);
	memset(s->ops, 0, sizeof(s->ops));
	memset(s->events, 0, sizeof(s->events));
	memcpy(s->ops, sum.ops, sizeof(sum.ops));
	memcpy(s->events, sum.events, sizeof(sum.events));
	s->dropped = sum.dropped;
	mutex_lock(&mn_atts_lock);
	s->attachments = mn_natts;
	mutex_unlock(&mn_atts_lock);
}

void mn_wait_all_freed(void)
{
	wait_event(mn_freed_wq, !atomic_read(&mn_outstanding));
	mmu_notifier_synchronize();
}
