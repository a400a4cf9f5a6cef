// SPDX-License-Identifier: GPL-2.0
/*
 * thp: transparent huge pages as the kernel hands them out and takes
 * them apart:
 *
 *  - anonymous THP faults, at the return of do_huge_pmd_anonymous_page():
 *    a huge page mapped (what thp_fault_alloc counts), the huge zero page
 *    (a read), or a fallback to small pages with its reason;
 *  - collapses, khugepaged's and MADV_COLLAPSE's, with the kernel's
 *    enum scan_result and the time from collapse_huge_page()'s entry to
 *    the huge_memory:mm_collapse_huge_page tracepoint at its end; and the
 *    results of the PMD scans that precede them
 *    (huge_memory:mm_khugepaged_scan_pmd);
 *  - splits of large folios (split_huge_page_to_list() on 6.1,
 *    split_huge_page_to_list_to_order() on 6.12, __folio_split() on 7.x)
 *    with their result and time, and deferred splits
 *    (deferred_split_huge_page() on 6.1, deferred_split_folio() after).
 *
 * Functions are probed with fentry/fexit or kprobes (the CLI picks the
 * function each kernel has and the method: Debian's 6.1 arm64 has no
 * BPF trampolines); tracepoints with tp_btf. "counts" holds the totals,
 * "scans" and "collapses" (pinned last) the results.
 */
#include "common.bpf.h"
#include "thp.h"

#define PF_KTHREAD	0x00200000	/* include/linux/sched.h, every kernel */

const volatile __u64 pmd_size = 2UL << 20;
const volatile __u32 pmd_order = 9;
const volatile bool use_zero_page = true;	/* transparent_hugepage/use_zero_page */
const volatile bool split_counts_any_order;	/* 6.1: thp_split_page for any order */
const volatile bool deferred_has_partial;	/* deferred_split_folio(folio, partially_mapped) */
const volatile __u32 scan_status_arg = 5;	/* mm_khugepaged_scan_pmd's status */

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct thp_counts);
} counts SEC(".maps");

/* The one value of "counts" (an array, so that bpftool prints its fields). */
static __always_inline struct thp_counts *totals(void)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(&counts, &zero);
}

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 256);
	__type(key, struct thp_collapse_key);
	__type(value, struct thp_collapse_stats);
} collapses SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 256);
	__type(key, struct thp_collapse_key);
	__type(value, __u64);
} scans SEC(".maps");

/* Per thread: what an entry left for the exit (time, order, argument). */
struct thp_start {
	__u64 ns;
	__u64 arg;
	__u32 order;
	__u32 pad;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, __u64);
	__type(value, struct thp_start);
} faulting SEC(".maps"), collapsing SEC(".maps"), splitting SEC(".maps");

/* 6.12 and later: the second page's flag of a partly unmapped THP. */
enum pageflags___thp {
	PG_partially_mapped = 1,
};

static __always_inline bool is_kthread(void)
{
	struct task_struct *t = (void *)bpf_get_current_task();

	return BPF_CORE_READ(t, flags) & PF_KTHREAD;
}

/* The process an mm belongs to (mm->owner, with memcg), else 0. */
static __always_inline __u32 mm_tgid(struct mm_struct *mm)
{
	struct task_struct *owner = NULL;

	if (bpf_core_field_exists(mm->owner))
		owner = BPF_CORE_READ(mm, owner);
	return owner ? BPF_CORE_READ(owner, tgid) : 0;
}

/* The order of the folio of page (0 for a small page). */
static __always_inline __u32 folio_order_of(struct page *page)
{
	struct page *head = page_head(page);
	struct folio *f = (void *)head;

	if (!(page_flags(head) & (1UL << bpf_core_enum_value(enum pageflags, PG_head))))
		return 0;
	if (bpf_core_field_exists(f->_folio_order))
		return BPF_CORE_READ(f, _folio_order);
	return BPF_CORE_READ(f, _flags_1) & 0xff;
}

/*
 * An fentry argument as a plain number: fentry types its pointer
 * arguments (BTF), and the verifier refuses the masking page_head() does
 * on 7.x with a typed pointer.
 */
static __always_inline __u64 arg_value(__u64 *ctx, int i)
{
	__u64 v = 0;

	bpf_probe_read_kernel(&v, sizeof(v), &ctx[i]);
	return v;
}

/* --- faults ------------------------------------------------------------ */

static __always_inline void fault_done(struct vm_fault *vmf, vm_fault_t ret)
{
	struct vm_area_struct *vma = BPF_CORE_READ(vmf, vma);
	unsigned long haddr = BPF_CORE_READ(vmf, address) & ~(pmd_size - 1);
	unsigned int flags = BPF_CORE_READ(vmf, flags);
	bool write = flags & bpf_core_enum_value(enum fault_flag, FAULT_FLAG_WRITE);
	bool fits = haddr >= BPF_CORE_READ(vma, vm_start) &&
		    haddr + pmd_size <= BPF_CORE_READ(vma, vm_end);
	struct thp_counts *c = totals();
	__u32 kind;

	if (!c)
		return;
	if (!ret)
		kind = write || !use_zero_page ? THP_FAULT_HUGE : THP_FAULT_ZERO;
	else if (ret & bpf_core_enum_value(enum vm_fault_reason, VM_FAULT_FALLBACK))
		kind = fits ? THP_FAULT_FALLBACK_ALLOC : THP_FAULT_FALLBACK_RANGE;
	else
		kind = THP_FAULT_ERROR;
	__sync_fetch_and_add(&c->faults[kind % THP_FAULT_NR], 1);
}

SEC("fexit/do_huge_pmd_anonymous_page")
int BPF_PROG(fexit_fault, struct vm_fault *vmf, vm_fault_t ret)
{
	if (mmscope_traced(bpf_get_current_pid_tgid()))
		fault_done(vmf, ret);
	return 0;
}

SEC("kprobe/do_huge_pmd_anonymous_page")
int BPF_KPROBE(kprobe_fault, struct vm_fault *vmf)
{
	__u64 id = bpf_get_current_pid_tgid();
	struct thp_start s = { .arg = (unsigned long)vmf };

	if (mmscope_traced(id))
		bpf_map_update_elem(&faulting, &id, &s, BPF_ANY);
	return 0;
}

SEC("kretprobe/do_huge_pmd_anonymous_page")
int BPF_KRETPROBE(kretprobe_fault, vm_fault_t ret)
{
	__u64 id = bpf_get_current_pid_tgid();
	struct thp_start *s = bpf_map_lookup_elem(&faulting, &id);

	if (!s)
		return 0;
	fault_done((struct vm_fault *)s->arg, ret);
	bpf_map_delete_elem(&faulting, &id);
	return 0;
}

/* --- collapses --------------------------------------------------------- */

static __always_inline void collapse_start(struct mm_struct *mm)
{
	__u64 id = bpf_get_current_pid_tgid();
	struct thp_start s = { .ns = bpf_ktime_get_ns() };

	if (mmscope_traced_tgid(mm_tgid(mm)))
		bpf_map_update_elem(&collapsing, &id, &s, BPF_ANY);
}

SEC("fentry/collapse_huge_page")
int BPF_PROG(fentry_collapse, struct mm_struct *mm)
{
	collapse_start(mm);
	return 0;
}

SEC("kprobe/collapse_huge_page")
int BPF_KPROBE(kprobe_collapse, struct mm_struct *mm)
{
	collapse_start(mm);
	return 0;
}

/* (mm, isolated, status[, order]) */
SEC("tp_btf/mm_collapse_huge_page")
int tp_collapse(__u64 *ctx)
{
	__u64 id = bpf_get_current_pid_tgid(), ns;
	struct thp_collapse_key key = {
		.by = is_kthread() ? THP_BY_KHUGEPAGED : THP_BY_MADVISE,
		.result = (int)ctx[2],
	};
	struct thp_collapse_stats zero = {}, *st;
	struct thp_start *s;

	if (!mmscope_traced_tgid(mm_tgid((struct mm_struct *)ctx[0])))
		return 0;
	st = mmscope_lookup_or_init(&collapses, &key, &zero);
	s = bpf_map_lookup_elem(&collapsing, &id);
	if (!st)
		return 0;
	__sync_fetch_and_add(&st->count, 1);
	if (!s)
		return 0;
	ns = bpf_ktime_get_ns() - s->ns;
	__sync_fetch_and_add(&st->timed, 1);
	__sync_fetch_and_add(&st->ns, ns);
	if (ns > st->max_ns)
		st->max_ns = ns;
	bpf_map_delete_elem(&collapsing, &id);
	return 0;
}

/* (mm, page or pfn, [writable,] referenced, none_or_zero, status, unmapped) */
SEC("tp_btf/mm_khugepaged_scan_pmd")
int tp_scan_pmd(__u64 *ctx)
{
	struct thp_collapse_key key = {
		.by = is_kthread() ? THP_BY_KHUGEPAGED : THP_BY_MADVISE,
	};
	/* both are arguments on every kernel (6 or 7): read as they are */
	int arg4 = ctx[4], arg5 = ctx[5];
	__u64 zero = 0, *n;

	if (!mmscope_traced_tgid(mm_tgid((struct mm_struct *)ctx[0])))
		return 0;
	key.result = scan_status_arg == 4 ? arg4 : arg5;
	n = mmscope_lookup_or_init(&scans, &key, &zero);
	if (n)
		__sync_fetch_and_add(n, 1);
	return 0;
}

/* --- splits ------------------------------------------------------------ */

/* The first argument is the folio (7.x) or a page of it (6.x). */
static __always_inline void split_start(struct page *page)
{
	__u64 id = bpf_get_current_pid_tgid();
	struct thp_start s = { .ns = bpf_ktime_get_ns() };

	if (!mmscope_traced(id))
		return;
	s.order = folio_order_of(page);
	bpf_map_update_elem(&splitting, &id, &s, BPF_ANY);
}

static __always_inline void split_done(int ret)
{
	__u64 id = bpf_get_current_pid_tgid();
	struct thp_start *s = bpf_map_lookup_elem(&splitting, &id);
	struct thp_counts *c = totals();
	bool pmd;

	if (!s || !c)
		return;
	pmd = split_counts_any_order || s->order == pmd_order;
	__sync_fetch_and_add(&c->split_ns, bpf_ktime_get_ns() - s->ns);
	if (ret) {
		__sync_fetch_and_add(&c->split_failed, 1);
		if (pmd)
			__sync_fetch_and_add(&c->split_pmd_failed, 1);
	} else {
		__sync_fetch_and_add(&c->splits, 1);
		if (pmd)
			__sync_fetch_and_add(&c->split_pmd, 1);
	}
	bpf_map_delete_elem(&splitting, &id);
}

/* Attached to the kernel's split function by the CLI. */
SEC("fentry")
int fentry_split(__u64 *ctx)
{
	split_start((struct page *)arg_value(ctx, 0));
	return 0;
}

SEC("fexit")
int fexit_split(__u64 *ctx)
{
	__u64 ret = 0;

	bpf_get_func_ret(ctx, &ret);
	split_done((int)ret);
	return 0;
}

SEC("kprobe")
int BPF_KPROBE(kprobe_split, struct page *page)
{
	split_start(page);
	return 0;
}

SEC("kretprobe")
int BPF_KRETPROBE(kretprobe_split, int ret)
{
	split_done(ret);
	return 0;
}

/*
 * Does this call queue the THP and count thp_deferred_split_page? 6.1:
 * when its deferred list (page[2].deferred_list) is empty; 6.12 on: when
 * it is partly unmapped now (partially_mapped) and was not before.
 * (Both skip a folio in the swap cache, which a partial unmap does not
 * meet; that is not checked here.)
 */
static __always_inline void deferred(struct page *page, bool partial)
{
	struct page *head = page_head(page);
	struct page *p1 = (void *)head + bpf_core_type_size(struct page);
	struct page *p2 = (void *)p1 + bpf_core_type_size(struct page);
	__u32 order = folio_order_of(head);
	struct thp_counts *c = totals();
	bool queued;

	if (!c || !mmscope_traced(bpf_get_current_pid_tgid()))
		return;
	__sync_fetch_and_add(&c->deferred_calls, 1);
	if (deferred_has_partial) {
		queued = partial && order >= pmd_order &&
			 !(page_flags(p1) & (1UL << bpf_core_enum_value(enum pageflags___thp,
									 PG_partially_mapped)));
	} else {
		queued = bpf_core_field_exists(p2->deferred_list) &&
			 (void *)BPF_CORE_READ(p2, deferred_list.next) ==
			 (void *)&p2->deferred_list;
	}
	if (queued)
		__sync_fetch_and_add(&c->deferred_queued, 1);
}

SEC("fentry")
int fentry_deferred(__u64 *ctx)
{
	deferred((struct page *)arg_value(ctx, 0),
		 deferred_has_partial ? ctx[1] & 1 : false);
	return 0;
}

SEC("kprobe")
int BPF_KPROBE(kprobe_deferred, struct page *page, bool partial)
{
	deferred(page, deferred_has_partial && partial);
	return 0;
}
