/* SPDX-License-Identifier: GPL-2.0 */
/* What the files of mmscope_mmu_notifier.ko share among themselves. */
#ifndef _MMSCOPE_MMU_NOTIFIER_INTERNAL_H
#define _MMSCOPE_MMU_NOTIFIER_INTERNAL_H

#include <linux/kref.h>
#include <linux/list.h>
#include <linux/mmu_notifier.h>
#include <linux/mutex.h>
#include <linux/sched.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/wait.h>
#include <linux/workqueue.h>

#include <mmscope/compat.h>
#include <uapi/mmscope/mmu_notifier.h>

struct seq_file;

/*
 * A record as the ring keeps it: the callback's fields without the
 * stack, half the size of the record READ hands out, so that a callback
 * writes little more than one cache line. Stacks, when the attachment
 * asked for them, are in a ring of their own (@stacks, same index).
 */
struct mn_rec {
	u64 seq;
	u64 ns;
	u64 start;
	u64 end;
	u64 seq_before;
	u64 seq_after;
	u8 op;
	u8 event;
	u16 flags;
	s32 pid;
	char comm[TASK_COMM_LEN];
};

struct mn_stack {
	u32 nr;
	unsigned long ips[MMSCOPE_MMU_NOTIFIER_STACK_DEPTH];
};

/* Callbacks counted per op and event, per CPU: no atomic in a callback. */
struct mn_counts {
	u64 ops[MMSCOPE_MMU_NOTIFIER_OP_COUNT];
	u64 events[MMSCOPE_MMU_NOTIFIER_EV_COUNT];
	u64 dropped;
};

/* The latency histogram of an attachment (MMSCOPE_MMU_NOTIFIER_LATENCY). */
struct mn_lat {
	u64 buckets[MMSCOPE_MMU_NOTIFIER_OP_COUNT][MMSCOPE_MMU_NOTIFIER_LAT_BUCKETS];
	u64 sum_ns[MMSCOPE_MMU_NOTIFIER_OP_COUNT];
	u64 max_ns[MMSCOPE_MMU_NOTIFIER_OP_COUNT];
};

/**
 * struct mn_att - one attachment to a process's mm
 * @mn: the subscription of the whole address space (not for an interval)
 * @tlb: the second subscription, for ->arch_invalidate_secondary_tlbs
 * @ivl: the interval notifier (MMSCOPE_MMU_NOTIFIER_INTERVAL)
 * @ref: the owning file's reference, one per live subscription (dropped
 *       in ->free_notifier), one for a queued @release_work
 * @node: in mn_atts, under mn_atts_lock
 * @detach_lock: serialises taking the notifiers off the mm
 * @read_lock: one READ at a time
 * @release_work: detaches after the target exited
 * @wq: readers waiting for a record
 * @lock: the ring, the counters, @lat, @state, @closing; never taken in
 *        interrupt context (every callback runs in a task: the faulting or
 *        syscalling one, reclaim, the OOM reaper, khugepaged, ...), so
 *        without disabling interrupts
 * @mm: the target's mm, compared only (the notifiers hold it while live)
 * @live: the notifiers are on the mm
 * @closing: the owner is detaching: a release queues no work
 * @counts: MMSCOPE_MMU_NOTIFIER_COUNT: the only thing a callback writes
 *          (@ring, @ops, @events and @made stay empty)
 * @made: callbacks recorded (the last record's seq)
 * @wr: records written into the ring
 * @rd: records read from it
 * @wpos: where the next record goes (@wr modulo @ring_size)
 */
struct mn_att {
	struct mmu_notifier mn;
#if MMSCOPE_MN_HAS_SECONDARY_TLBS
	struct mmu_notifier tlb;
#endif
	struct mmu_interval_notifier ivl;
	struct kref ref;
	struct list_head node;
	struct mutex detach_lock;	/* @live */
	struct mutex read_lock;		/* one reader */
	struct work_struct release_work;
	wait_queue_head_t wq;
	spinlock_t lock;	/* ring, counters, @lat, @state, @closing */
	struct mm_struct *mm;
	u32 id;
	pid_t pid;
	u32 flags;
	u32 state;
	bool live;
	bool closing;
	char comm[TASK_COMM_LEN];
	u64 start;
	u64 end;
	u32 ring_size;
	struct mn_rec *ring;
	struct mn_stack *stacks;	/* MMSCOPE_MMU_NOTIFIER_STACK only */
	struct mn_lat *lat;		/* MMSCOPE_MMU_NOTIFIER_LATENCY only */
	struct mn_counts __percpu *counts; /* MMSCOPE_MMU_NOTIFIER_COUNT only */
	u64 made;
	u64 wr;
	u64 rd;
	u32 wpos;
	u64 dropped;
	u64 ops[MMSCOPE_MMU_NOTIFIER_OP_COUNT];
	u64 events[MMSCOPE_MMU_NOTIFIER_EV_COUNT];
};

/* attach.c: attachments, the callbacks, the rings. */
extern struct list_head mn_atts;
extern struct mutex mn_atts_lock;

int mn_attach(struct mmscope_mmu_notifier_attach *a, struct mn_att **out);
/* Take the notifiers off, drop the owner's reference. */
void mn_close(struct mn_att *att, u32 state);
void mn_att_put(struct mn_att *att);
/* Move up to @max unread records into @out; returns how many. */
unsigned int mn_ring_take(struct mn_att *att,
			  struct mmscope_mmu_notifier_record *out,
			  unsigned int max);
/* Copy up to @max unread records without taking them. */
unsigned int mn_ring_peek(struct mn_att *att,
			  struct mmscope_mmu_notifier_record *out,
			  unsigned int max);
u64 mn_interval_seq(struct mn_att *att);
/* Callbacks per op and event, and how many in all (the records made). */
u64 mn_att_counts(struct mn_att *att, u64 *ops, u64 *events);
void mn_att_info(struct mn_att *att, struct mmscope_mmu_notifier_info *i);
/* The histogram into @l: 0, or -ENODATA without one. */
int mn_att_latency(struct mn_att *att, struct mn_lat *l);
/* Module-wide counters since load. */
void mn_totals(struct mmscope_mmu_notifier_stats *s);
/* Wait until every subscription was freed; at unload. */
void mn_wait_all_freed(void);

/* report.c: the text files. */
void mn_report_init(struct dentry *dir);

#endif /* _MMSCOPE_MMU_NOTIFIER_INTERNAL_H */
