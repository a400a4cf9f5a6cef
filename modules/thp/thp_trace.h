/* SPDX-License-Identifier: GPL-2.0 */
/* Trace events of mmscope_thp, in the suite's `mmscope` trace system. */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM mmscope

#if !defined(_MMSCOPE_THP_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define _MMSCOPE_THP_TRACE_H

#include <linux/string.h>
#include <linux/tracepoint.h>
#include <linux/types.h>

/* A collapse asked for through ctl: the errno and the kernel's reason. */
TRACE_EVENT(thp_collapse,
	    TP_PROTO(pid_t pid, unsigned long start, unsigned long end,
		     int err, const char *scan),
	    TP_ARGS(pid, start, end, err, scan),
	    TP_STRUCT__entry(__field(pid_t, pid)
			     __field(unsigned long, start)
			     __field(unsigned long, end)
			     __field(int, err)
			     __array(char, scan, 32)),
	    TP_fast_assign(__entry->pid = pid;
			   __entry->start = start;
			   __entry->end = end;
			   __entry->err = err;
			   strscpy(__entry->scan, scan, sizeof(__entry->scan));),
	    TP_printk("pid=%d start=0x%lx end=0x%lx err=%d scan=%s",
		      __entry->pid, __entry->start, __entry->end,
		      __entry->err, __entry->scan)
);

/* A split asked for through ctl. */
TRACE_EVENT(thp_split,
	    TP_PROTO(pid_t pid, unsigned long va, unsigned long pfn,
		     unsigned int order, int err),
	    TP_ARGS(pid, va, pfn, order, err),
	    TP_STRUCT__entry(__field(pid_t, pid)
			     __field(unsigned long, va)
			     __field(unsigned long, pfn)
			     __field(unsigned int, order)
			     __field(int, err)),
	    TP_fast_assign(__entry->pid = pid;
			   __entry->va = va;
			   __entry->pfn = pfn;
			   __entry->order = order;
			   __entry->err = err;),
	    TP_printk("pid=%d va=0x%lx pfn=0x%lx order=%u err=%d",
		      __entry->pid, __entry->va, __entry->pfn,
		      __entry->order, __entry->err)
);

/* A khugepaged result the module recorded (scan of a PMD, or collapse). */
TRACE_EVENT(thp_scan,
	    TP_PROTO(const char *event, unsigned long pfn, int status,
		     const char *name),
	    TP_ARGS(event, pfn, status, name),
	    TP_STRUCT__entry(__array(char, event, 16)
			     __field(unsigned long, pfn)
			     __field(int, status)
			     __array(char, name, 32)),
	    TP_fast_assign(strscpy(__entry->event, event,
				   sizeof(__entry->event));
			   __entry->pfn = pfn;
			   __entry->status = status;
			   strscpy(__entry->name, name, sizeof(__entry->name));),
	    TP_printk("event=%s pfn=0x%lx status=%d %s", __entry->event,
		      __entry->pfn, __entry->status, __entry->name)
);

#endif /* _MMSCOPE_THP_TRACE_H */

#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE thp_trace
#include <trace/define_trace.h>
