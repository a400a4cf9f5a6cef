// SPDX-License-Identifier: GPL-2.0
/*
 * notifier: the calls of the kernel's __mmu_notifier_*() functions, the
 * ones that run the notifiers registered on an mm (KVM, HMM and GPU
 * drivers, IOMMU SVA, mmscope_mmu_notifier): each invalidation with its
 * op, event, range, blockable flag, task and kernel stack, into the
 * "events" ring buffer; calls per op and event in "counts" (pinned last);
 * and, per mm, the list of its subscriptions' ops, read from
 * mm->notifier_subscriptions at each call, in "subs" (and the list's
 * state in "mms"). The CLI names the ops from /proc/kallsyms.
 *
 * The kernel calls these functions only for an mm with a notifier
 * registered (mm_has_notifiers()): an mm without one shows nothing.
 */
#include "common.bpf.h"
#include "notifier.h"

#define RANGE_BLOCKABLE	(1U << 0)	/* MMU_NOTIFIER_RANGE_BLOCKABLE */

__u64 lost;		/* events the ring buffer had no room for */
/* Set by the CLI: range_end's second argument is 6.1's only_end. */
const volatile bool end_has_only_end;
const volatile __u64 page_size = 4096;	/* set by the CLI */

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1024 * 1024);
} events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 256);
	__type(key, struct notifier_count_key);
	__type(value, __u64);
} counts SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, __u64);		/* struct mm_struct * */
	__type(value, struct notifier_mm);
} mms SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, struct notifier_sub_key);
	__type(value, struct notifier_sub);
} subs SEC(".maps");

/* 6.6+: the op for secondary TLBs; 6.1's vmlinux.h lacks it. */
struct mmu_notifier_ops___tlbs {
	void *arch_invalidate_secondary_tlbs;
} __attribute__((preserve_access_index));

/* One callback of ops, the first set of those most subscriptions have. */
static __always_inline __u64 ops_callback(const struct mmu_notifier_ops *ops)
{
	struct mmu_notifier_ops___tlbs *t = (void *)ops;
	__u64 cb;

	if (!ops)
		return 0;
	cb = (__u64)BPF_CORE_READ(ops, invalidate_range_start);
	if (!cb)
		cb = (__u64)BPF_CORE_READ(ops, release);
	if (!cb && bpf_core_field_exists(t->arch_invalidate_secondary_tlbs))
		cb = (__u64)BPF_CORE_READ(t, arch_invalidate_secondary_tlbs);
	if (!cb && bpf_core_field_exists(ops->invalidate_range))
		cb = (__u64)BPF_CORE_READ(ops, invalidate_range);
	if (!cb)
		cb = (__u64)BPF_CORE_READ(ops, free_notifier);
	return cb;
}

/* The thread group of the mm's owner (CONFIG_MEMCG keeps one), or 0. */
static __always_inline __u32 mm_owner_tgid(struct mm_struct *mm)
{
	struct task_struct *owner;

	if (!bpf_core_field_exists(mm->owner))
		return 0;
	owner = BPF_CORE_READ(mm, owner);
	return owner ? BPF_CORE_READ(owner, tgid) : 0;
}

/* The subscriptions on mm, into "subs"; the list's state into "mms". */
static __always_inline void read_subscriptions(struct mm_struct *mm,
					       __u32 tgid)
{
	struct mmu_notifier_subscriptions *list;
	struct notifier_sub_key sk = { .mm = (__u64)mm };
	struct hlist_node *node = NULL;
	struct rb_node *left = NULL;
	struct notifier_mm init = {}, *m;
	struct notifier_sub sv;
	__u64 key = (__u64)mm;
	__u32 i, n = 0;

	bpf_get_current_comm(init.comm, sizeof(init.comm));
	m = mmscope_lookup_or_init(&mms, &key, &init);
	if (!m)
		return;
	__sync_fetch_and_add(&m->calls, 1);
	m->tgid = tgid;
	list = BPF_CORE_READ(mm, notifier_subscriptions);
	if (list) {
		node = BPF_CORE_READ(list, list.first);
		left = BPF_CORE_READ(list, itree.rb_leftmost);
	}
	for (i = 0; i < NOTIFIER_MAX_SUBS && node; i++) {
		struct mmu_notifier *sub = (void *)node -
			bpf_core_field_offset(struct mmu_notifier, hlist);
		const struct mmu_notifier_ops *ops = BPF_CORE_READ(sub, ops);

		sk.ops = (__u64)ops;
		if (!bpf_map_lookup_elem(&subs, &sk)) {
			sv.callback = ops_callback(ops);
			bpf_map_update_elem(&subs, &sk, &sv, BPF_NOEXIST);
		}
		n++;
		node = BPF_CORE_READ(node, next);
	}
	m->now = n;
	if (node)
		m->more = 1;
	if (left) {
		struct mmu_interval_notifier *in = (void *)left -
			bpf_core_field_offset(struct mmu_interval_notifier,
					      interval_tree.rb);

		m->intervals = 1;
		m->interval_ops = (__u64)BPF_CORE_READ(in, ops);
	}
}

static __always_inline void record(void *ctx, __u32 op, struct mm_struct *mm,
				   __u64 start, __u64 end, __s32 event,
				   __u32 flags)
{
	struct notifier_count_key ck = { .op = op, .event = event };
	__u64 id = bpf_get_current_pid_tgid(), zero = 0, *n;
	struct notifier_event *e;
	__u32 owner = mm_owner_tgid(mm);
	long bytes;

	if (!mmscope_traced(id) && !(target_tgid && owner == target_tgid))
		return;
	n = mmscope_lookup_or_init(&counts, &ck, &zero);
	if (n)
		__sync_fetch_and_add(n, 1);
	read_subscriptions(mm, owner ? owner : id >> 32);
	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e) {
		__sync_fetch_and_add(&lost, 1);
		return;
	}
	e->ns = bpf_ktime_get_ns();
	e->mm = (__u64)mm;
	e->start = start;
	e->end = end;
	e->op = op;
	e->event = event;
	e->flags = flags;
	e->pid = (__u32)id;
	e->tgid = id >> 32;
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	bytes = bpf_get_stack(ctx, e->stack, sizeof(e->stack), 0);
	e->nr_frames = bytes > 0 ? bytes / sizeof(e->stack[0]) : 0;
	bpf_ringbuf_submit(e, 0);
}

static __always_inline void range_op(void *ctx, __u32 op,
				     struct mmu_notifier_range *range,
				     __u32 extra)
{
	__u32 flags = extra;

	if (BPF_CORE_READ(range, flags) & RANGE_BLOCKABLE)
		flags |= NOTIFIER_F_BLOCKABLE;
	record(ctx, op, BPF_CORE_READ(range, mm), BPF_CORE_READ(range, start),
	       BPF_CORE_READ(range, end), BPF_CORE_READ(range, event), flags);
}

static __always_inline void range_end(void *ctx,
				      struct mmu_notifier_range *range,
				      bool only_end)
{
	/* the subscriptions' invalidate_range(mm, start, end): no event */
	if (end_has_only_end && !only_end)
		record(ctx, NOTIFIER_OP_INVALIDATE_RANGE,
		       BPF_CORE_READ(range, mm), BPF_CORE_READ(range, start),
		       BPF_CORE_READ(range, end), NOTIFIER_NO_EVENT,
		       NOTIFIER_F_FROM_END);
	range_op(ctx, NOTIFIER_OP_INVALIDATE_RANGE_END, range, 0);
}

static __always_inline void addr_op(void *ctx, __u32 op, struct mm_struct *mm,
				    __u64 start, __u64 end)
{
	record(ctx, op, mm, start, end, NOTIFIER_NO_EVENT, 0);
}

/*
 * Each function has an fentry program and a kprobe twin; the CLI loads
 * one of them (kprobes where the kernel has no trampolines, and for
 * change_pte, whose pte_t comes by value).
 */
SEC("fentry")
int BPF_PROG(fentry_range_start, struct mmu_notifier_range *range)
{
	range_op(ctx, NOTIFIER_OP_INVALIDATE_RANGE_START, range, 0);
	return 0;
}

SEC("kprobe")
int BPF_KPROBE(kprobe_range_start, struct mmu_notifier_range *range)
{
	range_op(ctx, NOTIFIER_OP_INVALIDATE_RANGE_START, range, 0);
	return 0;
}

/* 6.12+: __mmu_notifier_invalidate_range_end(range) */
SEC("fentry")
int BPF_PROG(fentry_range_end, struct mmu_notifier_range *range)
{
	range_end(ctx, range, true);
	return 0;
}

/* 6.1: __mmu_notifier_invalidate_range_end(range, only_end) */
SEC("fentry")
int BPF_PROG(fentry_range_end_only, struct mmu_notifier_range *range,
	     bool only_end)
{
	range_end(ctx, range, only_end);
	return 0;
}

SEC("kprobe")
int BPF_KPROBE(kprobe_range_end, struct mmu_notifier_range *range,
	       bool only_end)
{
	range_end(ctx, range, only_end);
	return 0;
}

#define ADDR_OP(name, op)						\
SEC("fentry")								\
int BPF_PROG(fentry_##name, struct mm_struct *mm, unsigned long start,	\
	     unsigned long end)						\
{									\
	addr_op(ctx, op, mm, start, end);				\
	return 0;							\
}									\
SEC("kprobe")								\
int BPF_KPROBE(kprobe_##name, struct mm_struct *mm, unsigned long start,\
	       unsigned long end)					\
{									\
	addr_op(ctx, op, mm, start, end);				\
	return 0;							\
}

ADDR_OP(invalidate_range, NOTIFIER_OP_INVALIDATE_RANGE)
ADDR_OP(secondary_tlbs, NOTIFIER_OP_ARCH_INVALIDATE_SECONDARY_TLBS)
ADDR_OP(clear_flush_young, NOTIFIER_OP_CLEAR_FLUSH_YOUNG)
ADDR_OP(clear_young, NOTIFIER_OP_CLEAR_YOUNG)

/* One address: [address, address + 1 page) */
SEC("fentry")
int BPF_PROG(fentry_test_young, struct mm_struct *mm, unsigned long addr)
{
	addr_op(ctx, NOTIFIER_OP_TEST_YOUNG, mm, addr, addr + page_size);
	return 0;
}

SEC("kprobe")
int BPF_KPROBE(kprobe_test_young, struct mm_struct *mm, unsigned long addr)
{
	addr_op(ctx, NOTIFIER_OP_TEST_YOUNG, mm, addr, addr + page_size);
	return 0;
}

/* 6.1: its pte_t comes by value, which fentry cannot take: kprobe only. */
SEC("kprobe")
int BPF_KPROBE(kprobe_change_pte, struct mm_struct *mm, unsigned long addr)
{
	addr_op(ctx, NOTIFIER_OP_CHANGE_PTE, mm, addr, addr + page_size);
	return 0;
}

/* The mm's exit: no range (0, 0). */
SEC("fentry")
int BPF_PROG(fentry_release, struct mm_struct *mm)
{
	addr_op(ctx, NOTIFIER_OP_RELEASE, mm, 0, 0);
	return 0;
}

SEC("kprobe")
int BPF_KPROBE(kprobe_release, struct mm_struct *mm)
{
	addr_op(ctx, NOTIFIER_OP_RELEASE, mm, 0, 0);
	return 0;
}
