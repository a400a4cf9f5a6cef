/* SPDX-License-Identifier: GPL-2.0 */
/* Trace events of mmscope_compaction, in the suite's `mmscope` system. */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM mmscope

#if !defined(_MMSCOPE_COMPACTION_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define _MMSCOPE_COMPACTION_TRACE_H

#include <linux/tracepoint.h>
#include <linux/types.h>

/* An ALLOC driver run: @allocated of @count blocks of @order kept. */
TRACE_EVENT(compaction_alloc,
	    TP_PROTO(u32 order, u32 count, u32 allocated, u32 failed,
		     u32 flags, u64 elapsed_ns),
	    TP_ARGS(order, count, allocated, failed, flags, elapsed_ns),
	    TP_STRUCT__entry(__field(u32, order)
			     __field(u32, count)
			     __field(u32, allocated)
			     __field(u32, failed)
			     __field(u32, flags)
			     __field(u64, elapsed_ns)),
	    TP_fast_assign(__entry->order = order;
			   __entry->count = count;
			   __entry->allocated = allocated;
			   __entry->failed = failed;
			   __entry->flags = flags;
			   __entry->elapsed_ns = elapsed_ns;),
	    TP_printk("order=%u count=%u allocated=%u failed=%u flags=0x%x elapsed_ns=%llu",
		      __entry->order, __entry->count, __entry->allocated,
		      __entry->failed, __entry->flags, __entry->elapsed_ns)
);

/* A CONTIG run: @result 0 or -errno; @blocker_pfn when @has_blocker. */
TRACE_EVENT(compaction_contig,
	    TP_PROTO(u64 start_pfn, u64 nr_pages, int result, bool has_blocker,
		     u64 blocker_pfn, u32 reason),
	    TP_ARGS(start_pfn, nr_pages, result, has_blocker, blocker_pfn,
		    reason),
	    TP_STRUCT__entry(__field(u64, start_pfn)
			     __field(u64, nr_pages)
			     __field(int, result)
			     __field(bool, has_blocker)
			     __field(u64, blocker_pfn)
			     __field(u32, reason)),
	    TP_fast_assign(__entry->start_pfn = start_pfn;
			   __entry->nr_pages = nr_pages;
			   __entry->result = result;
			   __entry->has_blocker = has_blocker;
			   __entry->blocker_pfn = blocker_pfn;
			   __entry->reason = reason;),
	    TP_printk("start_pfn=%llu nr_pages=%llu result=%d blocker=%lld reason=%u",
		      __entry->start_pfn, __entry->nr_pages, __entry->result,
		      __entry->has_blocker ? (s64)__entry->blocker_pfn : -1LL,
		      __entry->reason)
);

/* A RELEASE, or the close of a file that held @pages. */
TRACE_EVENT(compaction_release,
	    TP_PROTO(u64 pages, bool close),
	    TP_ARGS(pages, close),
	    TP_STRUCT__entry(__field(u64, pages)
			     __field(bool, close)),
	    TP_fast_assign(__entry->pages = pages;
			   __entry->close = close;),
	    TP_printk("pages=%llu close=%d", __entry->pages, __entry->close)
);

/* A COMPACT run of node @node; the counters are the system's deltas. */
TRACE_EVENT(compaction_compact,
	    TP_PROTO(u32 node, int result, u64 elapsed_ns, u64 migrate_scanned,
		     u64 free_scanned, u64 isolated, u32 score_before,
		     u32 score_after),
	    TP_ARGS(node, result, elapsed_ns, migrate_scanned, free_scanned,
		    isolated, score_before, score_after),
	    TP_STRUCT__entry(__field(u32, node)
			     __field(int, result)
			     __field(u64, elapsed_ns)
			     __field(u64, migrate_scanned)
			     __field(u64, free_scanned)
			     __field(u64, isolated)
			     __field(u32, score_before)
			     __field(u32, score_after)),
	    TP_fast_assign(__entry->node = node;
			   __entry->result = result;
			   __entry->elapsed_ns = elapsed_ns;
			   __entry->migrate_scanned = migrate_scanned;
			   __entry->free_scanned = free_scanned;
			   __entry->isolated = isolated;
			   __entry->score_before = score_before;
			   __entry->score_after = score_after;),
	    TP_printk("node=%u result=%d elapsed_ns=%llu migrate_scanned=%llu free_scanned=%llu isolated=%llu score=%u->%u",
		      __entry->node, __entry->result, __entry->elapsed_ns,
		      __entry->migrate_scanned, __entry->free_scanned,
		      __entry->isolated, __entry->score_before,
		      __entry->score_after)
);

#endif /* _MMSCOPE_COMPACTION_TRACE_H */

#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE compaction_trace
#include <trace/define_trace.h>
