/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Trace events of mmscope_core in the `mmscope` trace system, which the
 * other modules of the suite share with their own headers.
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM mmscope

#if !defined(_MMSCOPE_CORE_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define _MMSCOPE_CORE_TRACE_H

#include <linux/tracepoint.h>
#include <linux/types.h>

/* One per mmscope_target_get(): err is 0 or the negative errno returned. */
TRACE_EVENT(mmscope_target_lookup,
	    TP_PROTO(pid_t pid, int err),
	    TP_ARGS(pid, err),
	    TP_STRUCT__entry(__field(pid_t, pid)
			     __field(int, err)),
	    TP_fast_assign(__entry->pid = pid;
			   __entry->err = err;),
	    TP_printk("pid=%d err=%d", __entry->pid, __entry->err)
);

#endif /* _MMSCOPE_CORE_TRACE_H */

#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE core_trace
#include <trace/define_trace.h>
