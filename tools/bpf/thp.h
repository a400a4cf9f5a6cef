/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The THP tracer's counters, shared by thp.bpf.c and the CLI
 * (tools/mmscope/trace_thp.c).
 */
#ifndef MMSCOPE_BPF_THP_H
#define MMSCOPE_BPF_THP_H

/* How a THP fault (do_huge_pmd_anonymous_page()) ended. */
enum thp_fault_kind {
	THP_FAULT_HUGE,		/* a huge page mapped: thp_fault_alloc */
	THP_FAULT_ZERO,		/* a read: the huge zero page mapped */
	THP_FAULT_FALLBACK_RANGE, /* the 2 MiB around it leave the VMA */
	THP_FAULT_FALLBACK_ALLOC, /* no huge page, or not charged: thp_fault_fallback */
	THP_FAULT_ERROR,	/* OOM, SIGBUS, retry (userfaultfd) */
	THP_FAULT_NR,
};

/* Who collapsed (the key of "collapses" and "scans"). */
enum thp_collapse_by {
	THP_BY_KHUGEPAGED,
	THP_BY_MADVISE,		/* MADV_COLLAPSE, in the caller's thread */
	THP_BY_NR,
};

struct thp_collapse_key {
	__u32 by;		/* enum thp_collapse_by */
	__s32 result;		/* the kernel's enum scan_result */
};

struct thp_collapse_stats {
	__u64 count;
	__u64 timed;		/* of those, with a start seen */
	__u64 ns;		/* total latency of the timed ones */
	__u64 max_ns;
};

/* Everything else: the one value of "counts". */
struct thp_counts {
	__u64 faults[THP_FAULT_NR];
	__u64 splits;		/* split calls that succeeded */
	__u64 split_failed;
	__u64 split_pmd;	/* of the successes, of order-9 folios: thp_split_page */
	__u64 split_pmd_failed;
	__u64 split_ns;		/* time in the split calls */
	__u64 deferred_calls;	/* deferred_split_folio()/_huge_page() calls */
	__u64 deferred_queued;	/* those that queue a THP: thp_deferred_split_page */
};

#endif
