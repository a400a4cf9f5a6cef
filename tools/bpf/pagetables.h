/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The pagetables tracer's map, shared by pagetables.bpf.c and the CLI
 * (tools/mmscope/trace_pagetables.c): page-table work per process.
 */
#ifndef MMSCOPE_BPF_PAGETABLES_H
#define MMSCOPE_BPF_PAGETABLES_H

/* Levels a table is allocated for: __pte_alloc() ... __p4d_alloc(). */
enum pagetables_level {
	PAGETABLES_PTE,
	PAGETABLES_PMD,
	PAGETABLES_PUD,
	PAGETABLES_P4D,
	PAGETABLES_NR_LEVELS,
};

/* The value of "tables", keyed by the tgid of the process doing the work. */
struct pagetables_stats {
	__u64 alloc[PAGETABLES_NR_LEVELS];	/* __<level>_alloc() calls */
	__u64 fork_alloc[PAGETABLES_NR_LEVELS];	/* of those, in copy_page_range() */
	__u64 fork_vmas;	/* copy_page_range() calls: one per VMA at fork */
	__u64 fork_vmas_copied;	/* ... that copied entries (allocated tables) */
	__u64 free_pgtables;	/* free_pgtables() calls (munmap, exit) */
	__u64 pmd_split;	/* __split_huge_pmd() calls */
	__u64 collapse;		/* collapse_huge_page() on this process's mm */
};

#endif
