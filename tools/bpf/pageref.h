/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The pageref tracer's records, shared by pageref.bpf.c and the CLI
 * (tools/mmscope/trace_pageref.c): a change of the watched page's folio
 * reference count or page map count, seen when a site returned.
 */
#ifndef MMSCOPE_BPF_PAGEREF_H
#define MMSCOPE_BPF_PAGEREF_H

#define PAGEREF_STACK_DEPTH	24	/* kernel frames kept per event */

/*
 * The sites (include/uapi/mmscope/pageref_sites.h), in its order: the
 * key of "sites" (a hash map, so that bpftool prints the names).
 */
enum pageref_site {
#define MMSCOPE_PAGEREF_SITE(id, func, kernels, what) PAGEREF_SITE_##id,
#include "mmscope/pageref_sites.h"
	PAGEREF_NR_SITES,
};

/* One record in the "events" ring buffer. */
struct pageref_trace_event {
	__u64 ns;		/* bpf_ktime_get_ns() */
	__u64 pfn;		/* the watched pfn */
	__u32 site;		/* enum pageref_site */
	__u32 pid;		/* thread */
	__u32 tgid;
	__s32 stack_id;		/* in "stacks"; negative: none */
	__s32 old_ref, new_ref;	/* folio refcount, last seen -> now */
	__s32 old_map, new_map;	/* page mapcount, last seen -> now */
	char comm[16];
	/*
	 * The kernel stack, copied into the event: "stacks" is a hash table
	 * that refuses a stack whose bucket holds another one (-EEXIST), so
	 * an id may be missing there for no fault of the event.
	 */
	__u32 nr_frames;
	__u8 old_excl, new_excl;	/* PG_anon_exclusive, last seen -> now */
	__u16 pad;
	__u64 stack[PAGEREF_STACK_DEPTH];
};

#endif
