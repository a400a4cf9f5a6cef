// SPDX-License-Identifier: GPL-2.0
/*
 * pagetables: page-table pages allocated per level (__pte_alloc,
 * __pmd_alloc, __pud_alloc, __p4d_alloc), freed (free_pgtables), copied at
 * fork (copy_page_range, which skips a VMA whose page tables the child
 * can fault in again), and PMD splits and khugepaged collapses, counted
 * per process. Kprobes: these functions are the same on every kernel of
 * the suite, and collapse_huge_page() is static.
 */
#include "common.bpf.h"
#include "pagetables.h"

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, __u32);		/* tgid */
	__type(value, struct pagetables_stats);
} tables SEC(".maps");

/* Threads inside copy_page_range(), with the tables allocated so far. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, __u64);
	__type(value, __u64);
} in_fork SEC(".maps");

static __always_inline struct pagetables_stats *stats(__u32 tgid)
{
	struct pagetables_stats zero = {};

	if (!mmscope_traced_tgid(tgid))
		return NULL;
	return mmscope_lookup_or_init(&tables, &tgid, &zero);
}

static __always_inline int count_alloc(int level)
{
	__u64 id = bpf_get_current_pid_tgid();
	struct pagetables_stats *s = stats(id >> 32);
	__u64 *forking;

	if (!s)
		return 0;
	__sync_fetch_and_add(&s->alloc[level & 3], 1);
	forking = bpf_map_lookup_elem(&in_fork, &id);
	if (forking) {
		__sync_fetch_and_add(&s->fork_alloc[level & 3], 1);
		*forking += 1;
	}
	return 0;
}

SEC("kprobe/__pte_alloc")
int BPF_KPROBE(kprobe_pte_alloc)
{
	return count_alloc(PAGETABLES_PTE);
}

SEC("kprobe/__pmd_alloc")
int BPF_KPROBE(kprobe_pmd_alloc)
{
	return count_alloc(PAGETABLES_PMD);
}

SEC("kprobe/__pud_alloc")
int BPF_KPROBE(kprobe_pud_alloc)
{
	return count_alloc(PAGETABLES_PUD);
}

SEC("kprobe/__p4d_alloc")
int BPF_KPROBE(kprobe_p4d_alloc)
{
	return count_alloc(PAGETABLES_P4D);
}

SEC("kprobe/copy_page_range")
int BPF_KPROBE(kprobe_copy_page_range)
{
	__u64 id = bpf_get_current_pid_tgid(), zero = 0;
	struct pagetables_stats *s = stats(id >> 32);

	if (!s)
		return 0;
	__sync_fetch_and_add(&s->fork_vmas, 1);
	bpf_map_update_elem(&in_fork, &id, &zero, BPF_ANY);
	return 0;
}

SEC("kretprobe/copy_page_range")
int BPF_KRETPROBE(kretprobe_copy_page_range)
{
	__u64 id = bpf_get_current_pid_tgid();
	struct pagetables_stats *s;
	__u64 *n = bpf_map_lookup_elem(&in_fork, &id);

	if (!n)
		return 0;
	s = stats(id >> 32);
	if (s && *n)
		__sync_fetch_and_add(&s->fork_vmas_copied, 1);
	bpf_map_delete_elem(&in_fork, &id);
	return 0;
}

SEC("kprobe/free_pgtables")
int BPF_KPROBE(kprobe_free_pgtables)
{
	struct pagetables_stats *s = stats(bpf_get_current_pid_tgid() >> 32);

	if (s)
		__sync_fetch_and_add(&s->free_pgtables, 1);
	return 0;
}

SEC("kprobe/__split_huge_pmd")
int BPF_KPROBE(kprobe_split_huge_pmd)
{
	struct pagetables_stats *s = stats(bpf_get_current_pid_tgid() >> 32);

	if (s)
		__sync_fetch_and_add(&s->pmd_split, 1);
	return 0;
}

/* khugepaged does the work: count it for the process owning the mm. */
SEC("kprobe/collapse_huge_page")
int BPF_KPROBE(kprobe_collapse_huge_page, struct mm_struct *mm)
{
	struct task_struct *owner = NULL;
	struct pagetables_stats *s;
	__u32 tgid = 0;

	if (bpf_core_field_exists(mm->owner))
		owner = BPF_CORE_READ(mm, owner);
	if (owner)
		tgid = BPF_CORE_READ(owner, tgid);
	s = stats(tgid);
	if (s)
		__sync_fetch_and_add(&s->collapse, 1);
	return 0;
}
