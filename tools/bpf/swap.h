/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The swap tracer's counters, shared by swap.bpf.c and the CLI
 * (tools/mmscope/trace_swap.c).
 */
#ifndef MMSCOPE_BPF_SWAP_H
#define MMSCOPE_BPF_SWAP_H

#define SWAP_HIST	32	/* log2 slots of ns: [2^i, 2^(i+1)) */
#define SWAP_ORDERS	16	/* folio orders counted */
#define SWAP_RA_MAX	64	/* readahead window sizes counted (pages) */

/* The points, in the CLI's order: the key of the per-point hit counts. */
enum swap_point {
	SWAP_P_WRITE,		/* __swap_writepage(): a swap-out write */
	SWAP_P_WRITE_END,	/* end_swap_bio_write(): it completed */
	SWAP_P_READ,		/* swap_readpage() / swap_read_folio(): a swap-in read */
	SWAP_P_FAULT,		/* do_swap_page() entry */
	SWAP_P_FAULT_RET,	/* do_swap_page() return */
	SWAP_P_ADD,		/* add_to_swap_cache() / __swap_cache_add_folio() */
	SWAP_P_DEL,		/* __delete_from_swap_cache() / __swap_cache_del_folio() */
	SWAP_P_RA_IN,		/* swapin_readahead(), swap_cluster_readahead(), */
	SWAP_P_RA_OUT,		/* swap_vma_readahead(): entry and return */
	SWAP_P_LOOKUP,		/* swap_cache_get_folio() return */
	SWAP_NR_POINTS,
};

/* "procs": per thread group (the task that ran the kernel code). */
struct swap_proc {
	__u64 out_writes;	/* __swap_writepage() calls */
	__u64 out_pages;	/* pages they wrote */
	__u64 in_reads;		/* swap-in reads */
	__u64 in_pages;
	__u64 faults;		/* do_swap_page() calls */
	__u64 major;		/* of which VM_FAULT_MAJOR */
	__u64 adds, add_pages;	/* swap cache adds */
	__u64 dels, del_pages;	/* swap cache deletes */
	__u64 ra_windows;	/* readahead calls (outermost) */
	__u64 ra_pages;		/* pages read ahead, the faulting one not counted */
	__u64 ra_used;		/* read-ahead pages later found by a lookup */
	__u64 ra_unused;	/* read-ahead pages deleted from the cache unused */
	__u64 out_ns[SWAP_HIST];	/* write submitted -> completed */
	__u64 fault_ns[SWAP_HIST];	/* do_swap_page() duration */
	char comm[16];
};

/* "cache": swap cache adds and deletes per folio order (an array). */
struct swap_order {
	__u64 adds;
	__u64 dels;
};

/* "bss" */
struct swap_ra_window {
	__u32 depth;		/* readahead functions nested */
	__u32 adds;		/* folios added to the cache inside */
};

#endif
