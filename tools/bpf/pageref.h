/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The pageref tracer's records, shared by pageref.bpf.c and the CLI
 * (tools/mmscope/trace_pageref.c): a change of the watched page's folio
 * reference count or page map count, seen when a site returned.
 */
#ifndef MMSCOPE_BPF_PAGEREF_H
#define MMSCOPE_BPF_PAGEREF_H

#define PAGEREF_TRACE_SITES	28	/* programs per attach method */
#define PAGEREF_STACK_DEPTH	24	/* kernel frames kept per event */

/*
 * The sites, in the CLI's table order; the key of "sites" (a hash map,
 * so that bpftool prints the names).
 */
enum pageref_site {
	PAGEREF_SITE_COPY_PAGE_RANGE,
	PAGEREF_SITE_TRY_GRAB_FOLIO,
	PAGEREF_SITE_TRY_GRAB_PAGE,
	PAGEREF_SITE_TRY_GRAB_FOLIO_FAST,
	PAGEREF_SITE_UNPIN_USER_PAGE,
	PAGEREF_SITE_UNPIN_USER_PAGES,
	PAGEREF_SITE_FOLIO_PUT,
	PAGEREF_SITE_RELEASE_PAGES,
	PAGEREF_SITE_PAGE_ADD_ANON_RMAP,
	PAGEREF_SITE_PAGE_ADD_NEW_ANON_RMAP,
	PAGEREF_SITE_FOLIO_ADD_NEW_ANON_RMAP,
	PAGEREF_SITE_FOLIO_ADD_ANON_RMAP_PTES,
	PAGEREF_SITE_FOLIO_ADD_ANON_RMAP_PMD,
	PAGEREF_SITE_PAGE_REMOVE_RMAP,
	PAGEREF_SITE_FOLIO_REMOVE_RMAP_PTES,
	PAGEREF_SITE_FOLIO_REMOVE_RMAP_PMD,
	PAGEREF_SITE_DO_WP_PAGE,
	PAGEREF_SITE_DO_SWAP_PAGE,
	PAGEREF_SITE_ADD_TO_SWAP,
	PAGEREF_SITE_ADD_TO_SWAP_CACHE,
	PAGEREF_SITE_DELETE_FROM_SWAP_CACHE,
	PAGEREF_SITE_FOLIO_ALLOC_SWAP,
	PAGEREF_SITE_SWAP_CACHE_ADD_FOLIO_LOCKED,
	PAGEREF_SITE_SWAP_CACHE_DEL_FOLIO_LOCKED,
	PAGEREF_SITE_SWAP_CACHE_DEL_FOLIO,
	PAGEREF_NR_SITES,
};

/* One record in the "events" ring buffer. */
struct pageref_trace_event {
	__u64 ns;		/* bpf_ktime_get_ns() */
	__u64 pfn;		/* the watched pfn */
	__u32 site;		/* index in the CLI's site table */
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
	__u32 pad;
	__u64 stack[PAGEREF_STACK_DEPTH];
};

#endif
