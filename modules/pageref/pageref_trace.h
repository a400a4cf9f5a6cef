/* SPDX-License-Identifier: GPL-2.0 */
/* Trace events of mmscope_pageref, in the suite's `mmscope` trace system. */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM mmscope

#if !defined(_MMSCOPE_PAGEREF_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define _MMSCOPE_PAGEREF_TRACE_H

#include <linux/string.h>
#include <linux/tracepoint.h>
#include <linux/types.h>

/*
 * A watched page's folio reference count or the page's map count changed;
 * @site is the probed function that returned first after the change.
 */
TRACE_EVENT(pageref_change,
	    TP_PROTO(unsigned long pfn, const char *site, int old_ref,
		     int new_ref, int old_map, int new_map),
	    TP_ARGS(pfn, site, old_ref, new_ref, old_map, new_map),
	    TP_STRUCT__entry(__field(unsigned long, pfn)
			     __array(char, site, 32)
			     __field(int, old_ref)
			     __field(int, new_ref)
			     __field(int, old_map)
			     __field(int, new_map)),
	    TP_fast_assign(__entry->pfn = pfn;
			   strscpy(__entry->site, site, sizeof(__entry->site));
			   __entry->old_ref = old_ref;
			   __entry->new_ref = new_ref;
			   __entry->old_map = old_map;
			   __entry->new_map = new_map;),
	    TP_printk("pfn=0x%lx site=%s refcount=%d->%d mapcount=%d->%d",
		      __entry->pfn, __entry->site, __entry->old_ref,
		      __entry->new_ref, __entry->old_map, __entry->new_map)
);

/* A hold was taken (pages > 0) or released (pages < 0) through ctl. */
TRACE_EVENT(pageref_hold,
	    TP_PROTO(const char *kind, pid_t pid, unsigned long start,
		     long pages),
	    TP_ARGS(kind, pid, start, pages),
	    TP_STRUCT__entry(__array(char, kind, 16)
			     __field(pid_t, pid)
			     __field(unsigned long, start)
			     __field(long, pages)),
	    TP_fast_assign(strscpy(__entry->kind, kind, sizeof(__entry->kind));
			   __entry->pid = pid;
			   __entry->start = start;
			   __entry->pages = pages;),
	    TP_printk("kind=%s pid=%d start=0x%lx pages=%ld", __entry->kind,
		      __entry->pid, __entry->start, __entry->pages)
);

#endif /* _MMSCOPE_PAGEREF_TRACE_H */

#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE pageref_trace
#include <trace/define_trace.h>
