/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The notifier tracer's records, shared by notifier.bpf.c and the CLI
 * (tools/mmscope/trace_notifier.c): one call of the kernel's
 * __mmu_notifier_*() functions, which run an mm's registered notifiers,
 * and the notifiers registered on each mm seen.
 */
#ifndef MMSCOPE_BPF_NOTIFIER_H
#define MMSCOPE_BPF_NOTIFIER_H

#define NOTIFIER_STACK_DEPTH	16	/* kernel frames kept per event */
#define NOTIFIER_MAX_SUBS	16	/* subscriptions listed per mm */

/* The ops, numbered as mmscope_mmu_notifier's records number them. */
enum notifier_op {
	NOTIFIER_OP_RELEASE = 0,
	NOTIFIER_OP_INVALIDATE_RANGE_START = 1,
	NOTIFIER_OP_INVALIDATE_RANGE_END = 2,
	NOTIFIER_OP_INVALIDATE_RANGE = 3,
	NOTIFIER_OP_CHANGE_PTE = 4,
	NOTIFIER_OP_ARCH_INVALIDATE_SECONDARY_TLBS = 5,
	NOTIFIER_OP_CLEAR_FLUSH_YOUNG = 6,
	NOTIFIER_OP_CLEAR_YOUNG = 7,
	NOTIFIER_OP_TEST_YOUNG = 8,
	NOTIFIER_NR_OPS = 9,
};

#define NOTIFIER_NO_EVENT	(-1)	/* an op without a range's event */

/* struct notifier_event.flags */
#define NOTIFIER_F_BLOCKABLE	(1U << 0)	/* MMU_NOTIFIER_RANGE_BLOCKABLE */
/*
 * 6.1: invalidate_range_end(range, only_end = false) calls each
 * subscription's invalidate_range first: recorded as an invalidate_range
 * event of its own, with this flag.
 */
#define NOTIFIER_F_FROM_END	(1U << 1)

/* One record in the "events" ring buffer. */
struct notifier_event {
	__u64 ns;		/* bpf_ktime_get_ns() */
	__u64 mm;		/* struct mm_struct * */
	__u64 start, end;	/* the range; [address, address + 1 page) */
	__u32 op;		/* enum notifier_op */
	__s32 event;		/* enum mmu_notifier_event, NOTIFIER_NO_EVENT */
	__u32 flags;		/* NOTIFIER_F_* */
	__u32 pid;		/* thread */
	__u32 tgid;
	__u32 nr_frames;
	char comm[16];
	__u64 stack[NOTIFIER_STACK_DEPTH];
};

/* "counts": calls per op and event. */
struct notifier_count_key {
	__u32 op;		/* enum notifier_op */
	__s32 event;
};

/*
 * "mms": per mm, what its subscriptions list looked like. The
 * subscriptions themselves are in "subs": every one seen in the list over
 * the run (one may go before the mm does: a detach leaves the list empty,
 * and the kernel calls the functions until the mm goes).
 */
struct notifier_mm {
	__u32 tgid;		/* the mm's owner (CONFIG_MEMCG), else the caller */
	__u32 now;		/* in the list at the last call */
	__u32 more;		/* the list was longer than NOTIFIER_MAX_SUBS */
	__u32 intervals;	/* interval notifiers registered (the tree is not empty) */
	__u64 calls;		/* events seen on this mm */
	__u64 interval_ops;	/* the leftmost interval notifier's ops */
	char comm[16];
};

/* "subs": a subscription seen on an mm. */
struct notifier_sub_key {
	__u64 mm;
	__u64 ops;		/* its struct mmu_notifier_ops * */
};

/*
 * Its value: one of its callbacks, a function, named in /proc/kallsyms
 * where the ops, data, are not (no CONFIG_KALLSYMS_ALL: 6.1 arm64).
 */
struct notifier_sub {
	__u64 callback;
};

#endif
