/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The compaction tracer's records, shared by compaction.bpf.c and the CLI
 * (tools/mmscope/trace_compaction.c): one compaction run of one zone,
 * from mm_compaction_begin to mm_compaction_end, and the totals per kind
 * of run.
 */
#ifndef MMSCOPE_BPF_COMPACTION_H
#define MMSCOPE_BPF_COMPACTION_H

#define COMPACTION_MAX_RUNS	1024	/* the last runs kept in "runs" */

/* Who asked for the run (the key of "kinds"). */
enum compaction_kind {
	COMPACTION_DIRECT,	/* an allocation that could not be served */
	COMPACTION_KCOMPACTD,	/* kcompactd, woken for an order */
	COMPACTION_PROACTIVE,	/* kcompactd, fragmentation score too high */
	COMPACTION_MANUAL,	/* /proc/sys/vm/compact_memory, a node's compact */
	COMPACTION_NR_KINDS,
};

/* What a run did (a value of "runs"), or the sums of a kind ("kinds"). */
struct compaction_counts {
	__u64 runs;			/* ended runs (1 in a run's record) */
	__u64 migrate_scanned;		/* cc->total_migrate_scanned at the end */
	__u64 free_scanned;		/* cc->total_free_scanned at the end */
	__u64 isolated_migrate;		/* isolate_migratepages: taken */
	__u64 isolated_free;		/* isolate_freepages (+ fast_): taken */
	__u64 migrated;			/* mm_compaction_migratepages: succeeded */
	__u64 migrate_failed;		/* and failed */
	__u64 pgmigrate_success;	/* mm_migrate_pages: succeeded */
	__u64 pgmigrate_fail;		/* and failed */
	__u64 ns;			/* time from begin to end */
};

struct compaction_run {
	__u64 begin_ns, end_ns;		/* bpf_ktime_get_ns(): CLOCK_MONOTONIC */
	__u32 kind;			/* enum compaction_kind */
	__s32 order;			/* -1: the whole zone */
	__u32 pid;
	__s32 status;			/* enum compact_result of the end */
	__u32 node;
	__u32 sync;
	char zone[16];
	char comm[16];
	__u64 zone_start, zone_end;	/* PFNs */
	__u64 migrate_start, free_start; /* the scanners at the begin */
	__u64 migrate_end, free_end;	/* and at the end */
	struct compaction_counts c;
};

/* Outside any run ("outside"): alloc_contig_range(), NUMA, ... */
struct compaction_other {
	__u64 isolated_migrate;
	__u64 isolated_free;
	__u64 pgmigrate_success;
	__u64 pgmigrate_fail;
	__u64 migrate_calls;		/* mm_migrate_pages outside a run */
};

/* Direct compaction by the allocator, and fallbacks ("allocator"). */
struct compaction_alloc {
	__u64 try_calls;		/* try_to_compact_pages() */
	__u64 try_with_run;		/* of those, calls that ran in a zone */
	__u64 extfrag;			/* mm_page_alloc_extfrag */
	__u64 extfrag_fragmenting;	/* fallback block smaller than a pageblock */
	__u64 kcompactd_wakeups;	/* mm_compaction_wakeup_kcompactd */
	__u64 kcompactd_wakes;		/* mm_compaction_kcompactd_wake */
	__u64 deferred;			/* mm_compaction_deferred */
};

#endif
