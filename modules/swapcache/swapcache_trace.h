/* SPDX-License-Identifier: GPL-2.0 */
/* Trace events of mmscope_swapcache, in the suite's `mmscope` system. */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM mmscope

#if !defined(_MMSCOPE_SWAPCACHE_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define _MMSCOPE_SWAPCACHE_TRACE_H

#include <linux/tracepoint.h>
#include <linux/types.h>

DECLARE_EVENT_CLASS(mmscope_swapcache_folio,
		    TP_PROTO(unsigned int type, unsigned long offset,
			     unsigned long pfn, unsigned int order),
		    TP_ARGS(type, offset, pfn, order),
		    TP_STRUCT__entry(__field(unsigned int, type)
				     __field(unsigned long, offset)
				     __field(unsigned long, pfn)
				     __field(unsigned int, order)),
		    TP_fast_assign(__entry->type = type;
				   __entry->offset = offset;
				   __entry->pfn = pfn;
				   __entry->order = order;),
		    TP_printk("type=%u offset=%lu pfn=%lu order=%u",
			      __entry->type, __entry->offset, __entry->pfn,
			      __entry->order)
);

/* A folio of 2^order pages entered the swap cache at type/offset. */
DEFINE_EVENT(mmscope_swapcache_folio, mmscope_swapcache_add,
	     TP_PROTO(unsigned int type, unsigned long offset,
		      unsigned long pfn, unsigned int order),
	     TP_ARGS(type, offset, pfn, order));

/* A folio left the swap cache. */
DEFINE_EVENT(mmscope_swapcache_folio, mmscope_swapcache_delete,
	     TP_PROTO(unsigned int type, unsigned long offset,
		      unsigned long pfn, unsigned int order),
	     TP_ARGS(type, offset, pfn, order));

/* A swap cache lookup on the fault or readahead path; hit: found. */
TRACE_EVENT(mmscope_swapcache_lookup,
	    TP_PROTO(unsigned long pfn, bool hit),
	    TP_ARGS(pfn, hit),
	    TP_STRUCT__entry(__field(unsigned long, pfn)
			     __field(bool, hit)),
	    TP_fast_assign(__entry->pfn = pfn;
			   __entry->hit = hit;),
	    TP_printk("pfn=%lu hit=%d", __entry->pfn, __entry->hit)
);

#endif /* _MMSCOPE_SWAPCACHE_TRACE_H */

#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE swapcache_trace
#include <trace/define_trace.h>
