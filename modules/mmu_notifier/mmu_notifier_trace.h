/* SPDX-License-Identifier: GPL-2.0 */
/* Trace events of mmscope_mmu_notifier, in the suite's `mmscope` system. */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM mmscope

#if !defined(_MMSCOPE_MMU_NOTIFIER_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define _MMSCOPE_MMU_NOTIFIER_TRACE_H

#include <linux/string.h>
#include <linux/tracepoint.h>
#include <linux/types.h>

/* One callback to attachment @id, its record number @seq. */
TRACE_EVENT(mmu_notifier_callback,
	    TP_PROTO(u32 id, u64 seq, const char *op, const char *event,
		     u64 start, u64 end, u32 flags),
	    TP_ARGS(id, seq, op, event, start, end, flags),
	    TP_STRUCT__entry(__field(u32, id)
			     __field(u64, seq)
			     __array(char, op, 32)
			     __array(char, event, 16)
			     __field(u64, start)
			     __field(u64, end)
			     __field(u32, flags)),
	    TP_fast_assign(__entry->id = id;
			   __entry->seq = seq;
			   strscpy(__entry->op, op, sizeof(__entry->op));
			   strscpy(__entry->event, event, sizeof(__entry->event));
			   __entry->start = start;
			   __entry->end = end;
			   __entry->flags = flags;),
	    TP_printk("id=%u seq=%llu op=%s event=%s start=0x%llx end=0x%llx flags=0x%x",
		      __entry->id, __entry->seq, __entry->op, __entry->event,
		      __entry->start, __entry->end, __entry->flags)
);

/* Attachment @id made: the whole mm of @pid, or [start, end) of it. */
TRACE_EVENT(mmu_notifier_attach,
	    TP_PROTO(u32 id, pid_t pid, u64 start, u64 end, bool interval),
	    TP_ARGS(id, pid, start, end, interval),
	    TP_STRUCT__entry(__field(u32, id)
			     __field(pid_t, pid)
			     __field(u64, start)
			     __field(u64, end)
			     __field(bool, interval)),
	    TP_fast_assign(__entry->id = id;
			   __entry->pid = pid;
			   __entry->start = start;
			   __entry->end = end;
			   __entry->interval = interval;),
	    TP_printk("id=%u pid=%d interval=%d start=0x%llx end=0x%llx",
		      __entry->id, __entry->pid, __entry->interval,
		      __entry->start, __entry->end)
);

/* Attachment @id taken off its mm after @records callbacks. */
TRACE_EVENT(mmu_notifier_detach,
	    TP_PROTO(u32 id, u64 records, u64 dropped),
	    TP_ARGS(id, records, dropped),
	    TP_STRUCT__entry(__field(u32, id)
			     __field(u64, records)
			     __field(u64, dropped)),
	    TP_fast_assign(__entry->id = id;
			   __entry->records = records;
			   __entry->dropped = dropped;),
	    TP_printk("id=%u records=%llu dropped=%llu", __entry->id,
		      __entry->records, __entry->dropped)
);

#endif /* _MMSCOPE_MMU_NOTIFIER_TRACE_H */

#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE mmu_notifier_trace
#include <trace/define_trace.h>
