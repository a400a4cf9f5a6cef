// SPDX-License-Identifier: GPL-2.0
/*
 * swap: swap-outs and swap-ins per process, with latency histograms,
 * swap cache adds and deletes per folio order, readahead windows and
 * whether their pages were used. The kernel has no swap tracepoints:
 * these are its non-inlined swap functions, which differ per kernel (the
 * CLI picks them from the running kernel's BTF and tells each program
 * which argument holds the folio):
 *
 *   write      __swap_writepage(page|folio) (7.x: (ctx, folio))
 *   write end  end_swap_bio_write(bio)
 *   read       swap_readpage(page) 6.1, swap_read_folio(folio) 6.12,
 *              swap_read_folio(ctx, folio) 7.x
 *   fault      do_swap_page(vmf), entry and return
 *   cache add  add_to_swap_cache(folio, entry) 6.1/6.12,
 *              __swap_cache_do_add_folio(ci, folio, entry) 7.x
 *   cache del  __delete_from_swap_cache(folio, entry) 6.1/6.12,
 *              __swap_cache_do_del_folio(ci, folio, entry) 7.x
 *   readahead  swapin_readahead(), swap_cluster_readahead(),
 *              swap_vma_readahead() (not 6.1/6.12: inlined), nested: the
 *              outermost call is the window; the folios added inside it
 *              but the one returned (the faulting page) are read ahead
 *   lookup     swap_cache_get_folio() return (7.x: swap_update_readahead(),
 *              called after a hit): a read-ahead folio found there was used
 *
 * Functions taking a swp_entry_t by value cannot take fentry: those
 * always get kprobes. Counted per thread group in "procs" (pinned last),
 * per order in "cache", window sizes in "ra_sizes".
 */
#include "common.bpf.h"
#include "swap.h"

/* Set by the CLI: the argument (0 or 1) holding the folio, per point. */
const volatile __u8 folio_arg[SWAP_NR_POINTS];

__u64 hits[SWAP_NR_POINTS];	/* calls seen per point, for the report */

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, __u32);		/* tgid */
	__type(value, struct swap_proc);
} procs SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, SWAP_ORDERS);
	__type(key, __u32);
	__type(value, struct swap_order);
} cache SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, SWAP_RA_MAX);
	__type(key, __u32);		/* pages read ahead by one window */
	__type(value, __u64);		/* windows */
} ra_sizes SEC(".maps");

/* Writes in flight: folio -> (submitted ns, tgid). */
struct inflight {
	__u64 ns;
	__u32 tgid;
	__u32 pad;
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 16384);
	__type(key, __u64);
	__type(value, struct inflight);
} writes SEC(".maps");

/* Folios read ahead and not yet looked up or deleted. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 16384);
	__type(key, __u64);
	__type(value, __u32);
} ra_pending SEC(".maps");

/* Per thread: the readahead window in progress, the fault's start. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, __u64);
	__type(value, struct swap_ra_window);
} windows SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, __u64);
	__type(value, __u64);
} fault_start SEC(".maps");

/* A zeroed struct swap_proc: too big for the stack. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct swap_proc);
} proc_init SEC(".maps");

/* 6.1 keeps a large folio's order in _folio_order, later in _flags_1. */
struct folio___order {
	unsigned char _folio_order;
} __attribute__((preserve_access_index));

static __always_inline __u32 folio_order(struct folio *folio)
{
	struct folio___order *fo = (void *)folio;
	int pg_head = bpf_core_enum_value(enum pageflags, PG_head);
	unsigned long flags;

	if (!folio)
		return 0;
	flags = page_flags((struct page *)folio);
	if (!(flags & (1UL << (pg_head & 63))))
		return 0;
	if (bpf_core_field_exists(fo->_folio_order))
		return BPF_CORE_READ(fo, _folio_order);
	return BPF_CORE_READ(folio, _flags_1) & 0xff;
}

static __always_inline __u32 log2_slot(__u64 v)
{
	return mmscope_log2_slot(v, SWAP_HIST);
}

static __always_inline struct swap_proc *proc_of(__u32 tgid)
{
	struct swap_proc *p = bpf_map_lookup_elem(&procs, &tgid), *init;
	__u32 zero = 0;

	if (p)
		return p;
	init = bpf_map_lookup_elem(&proc_init, &zero);
	if (!init)
		return NULL;
	bpf_get_current_comm(init->comm, sizeof(init->comm));
	bpf_map_update_elem(&procs, &tgid, init, BPF_NOEXIST);
	return bpf_map_lookup_elem(&procs, &tgid);
}

/* The current process's counters, or NULL when it is not traced. */
static __always_inline struct swap_proc *hit(enum swap_point pt)
{
	__u64 id = bpf_get_current_pid_tgid();

	if (!mmscope_traced(id))
		return NULL;
	if (pt < SWAP_NR_POINTS)
		__sync_fetch_and_add(&hits[pt], 1);
	return proc_of(id >> 32);
}

static __always_inline void on_write(struct folio *folio)
{
	struct swap_proc *p = hit(SWAP_P_WRITE);
	struct inflight in = { .ns = bpf_ktime_get_ns() };
	__u64 key = (__u64)folio;

	if (!p)
		return;
	__sync_fetch_and_add(&p->out_writes, 1);
	__sync_fetch_and_add(&p->out_pages, 1ULL << folio_order(folio));
	in.tgid = bpf_get_current_pid_tgid() >> 32;
	bpf_map_update_elem(&writes, &key, &in, BPF_ANY);
}

/* Completion runs in interrupt context: no process filter here. */
static __always_inline void on_write_end(struct bio *bio)
{
	struct bio_vec *vec = BPF_CORE_READ(bio, bi_io_vec);
	__u64 key = (__u64)BPF_CORE_READ(vec, bv_page);
	struct inflight *in = bpf_map_lookup_elem(&writes, &key);
	struct swap_proc *p;

	if (!in)
		return;
	__sync_fetch_and_add(&hits[SWAP_P_WRITE_END], 1);
	p = bpf_map_lookup_elem(&procs, &in->tgid);
	if (p)
		__sync_fetch_and_add(&p->out_ns[log2_slot(bpf_ktime_get_ns() -
							   in->ns)], 1);
	bpf_map_delete_elem(&writes, &key);
}

static __always_inline void on_read(struct folio *folio)
{
	struct swap_proc *p = hit(SWAP_P_READ);

	if (!p)
		return;
	__sync_fetch_and_add(&p->in_reads, 1);
	__sync_fetch_and_add(&p->in_pages, 1ULL << folio_order(folio));
}

static __always_inline void on_fault(void)
{
	__u64 id = bpf_get_current_pid_tgid(), now;

	if (!hit(SWAP_P_FAULT))
		return;
	now = bpf_ktime_get_ns();
	bpf_map_update_elem(&fault_start, &id, &now, BPF_ANY);
}

static __always_inline void on_fault_ret(unsigned int ret)
{
	__u64 id = bpf_get_current_pid_tgid(), *start;
	struct swap_proc *p;

	start = bpf_map_lookup_elem(&fault_start, &id);
	if (!start)
		return;
	p = hit(SWAP_P_FAULT_RET);
	if (p) {
		__sync_fetch_and_add(&p->faults, 1);
		if (ret & bpf_core_enum_value(enum vm_fault_reason,
					      VM_FAULT_MAJOR))
			__sync_fetch_and_add(&p->major, 1);
		__sync_fetch_and_add(&p->fault_ns[log2_slot(bpf_ktime_get_ns() -
							     *start)], 1);
	}
	bpf_map_delete_elem(&fault_start, &id);
}

static __always_inline void on_add(struct folio *folio)
{
	struct swap_proc *p = hit(SWAP_P_ADD);
	__u64 id = bpf_get_current_pid_tgid(), key = (__u64)folio;
	__u32 order = folio_order(folio), one = 1;
	struct swap_ra_window *w;
	struct swap_order *o;

	if (!p)
		return;
	__sync_fetch_and_add(&p->adds, 1);
	__sync_fetch_and_add(&p->add_pages, 1ULL << order);
	o = bpf_map_lookup_elem(&cache, &order);
	if (o)
		__sync_fetch_and_add(&o->adds, 1);
	w = bpf_map_lookup_elem(&windows, &id);
	if (w && w->depth) {
		w->adds++;
		bpf_map_update_elem(&ra_pending, &key, &one, BPF_ANY);
	}
}

static __always_inline void on_del(struct folio *folio)
{
	struct swap_proc *p = hit(SWAP_P_DEL);
	__u64 key = (__u64)folio;
	__u32 order = folio_order(folio);
	struct swap_order *o;

	if (!p)
		return;
	__sync_fetch_and_add(&p->dels, 1);
	__sync_fetch_and_add(&p->del_pages, 1ULL << order);
	o = bpf_map_lookup_elem(&cache, &order);
	if (o)
		__sync_fetch_and_add(&o->dels, 1);
	if (bpf_map_lookup_elem(&ra_pending, &key)) {
		__sync_fetch_and_add(&p->ra_unused, 1);
		bpf_map_delete_elem(&ra_pending, &key);
	}
}

static __always_inline void on_ra_in(void)
{
	struct swap_ra_window init = {}, *w;
	__u64 id = bpf_get_current_pid_tgid();

	if (!hit(SWAP_P_RA_IN))
		return;
	w = mmscope_lookup_or_init(&windows, &id, &init);
	if (w)
		w->depth++;
}

static __always_inline void on_ra_out(struct folio *target)
{
	__u64 id = bpf_get_current_pid_tgid(), key = (__u64)target, *n;
	struct swap_ra_window *w = bpf_map_lookup_elem(&windows, &id);
	struct swap_proc *p;
	__u32 pages;

	if (!w || !w->depth)
		return;
	if (--w->depth)
		return;
	pages = w->adds;
	bpf_map_delete_elem(&windows, &id);
	if (target && bpf_map_lookup_elem(&ra_pending, &key)) {
		bpf_map_delete_elem(&ra_pending, &key);
		pages--;
	}
	p = hit(SWAP_P_RA_OUT);
	if (!p)
		return;
	__sync_fetch_and_add(&p->ra_windows, 1);
	__sync_fetch_and_add(&p->ra_pages, pages);
	if (pages >= SWAP_RA_MAX)
		pages = SWAP_RA_MAX - 1;
	n = bpf_map_lookup_elem(&ra_sizes, &pages);
	if (n)
		__sync_fetch_and_add(n, 1);
}

static __always_inline void on_lookup(struct folio *folio)
{
	__u64 key = (__u64)folio;
	struct swap_proc *p;

	if (!folio || !bpf_map_lookup_elem(&ra_pending, &key))
		return;
	p = hit(SWAP_P_LOOKUP);
	if (!p)
		return;
	__sync_fetch_and_add(&p->ra_used, 1);
	bpf_map_delete_elem(&ra_pending, &key);
}

/*
 * The folio argument of a kprobe, 0 or 1: both are read, then one is
 * picked, so that the compiler cannot turn the choice into a variable
 * offset into the context, which the verifier refuses. fentry programs
 * come in two, one per argument: the verifier refuses reading an
 * argument it cannot type (6.12's swap_read_folio(folio, swap_iocb **)).
 */
static __always_inline struct folio *pick(enum swap_point pt, __u64 a0,
					  __u64 a1)
{
	barrier_var(a0);
	barrier_var(a1);
	return (struct folio *)(folio_arg[pt] ? a1 : a0);
}

#define FOLIO_KPROBE(pt)	pick(pt, PT_REGS_PARM1(ctx), PT_REGS_PARM2(ctx))

SEC("fentry")
int BPF_PROG(fentry_write0, struct folio *folio)
{
	on_write(folio);
	return 0;
}

SEC("fentry")
int BPF_PROG(fentry_write1, void *io, struct folio *folio)
{
	on_write(folio);
	return 0;
}

SEC("kprobe")
int kprobe_write(struct pt_regs *ctx)
{
	on_write(FOLIO_KPROBE(SWAP_P_WRITE));
	return 0;
}

SEC("fentry")
int BPF_PROG(fentry_write_end, struct bio *bio)
{
	on_write_end(bio);
	return 0;
}

SEC("kprobe")
int BPF_KPROBE(kprobe_write_end, struct bio *bio)
{
	on_write_end(bio);
	return 0;
}

SEC("fentry")
int BPF_PROG(fentry_read0, struct folio *folio)
{
	on_read(folio);
	return 0;
}

SEC("fentry")
int BPF_PROG(fentry_read1, void *io, struct folio *folio)
{
	on_read(folio);
	return 0;
}

SEC("kprobe")
int kprobe_read(struct pt_regs *ctx)
{
	on_read(FOLIO_KPROBE(SWAP_P_READ));
	return 0;
}

SEC("fentry")
int BPF_PROG(fentry_fault)
{
	on_fault();
	return 0;
}

SEC("kprobe")
int BPF_KPROBE(kprobe_fault)
{
	on_fault();
	return 0;
}

SEC("fexit")
int BPF_PROG(fexit_fault, struct vm_fault *vmf, unsigned int ret)
{
	on_fault_ret(ret);
	return 0;
}

SEC("kretprobe")
int BPF_KRETPROBE(kretprobe_fault, unsigned int ret)
{
	on_fault_ret(ret);
	return 0;
}

/* The cache functions take a swp_entry_t by value: kprobes only. */
SEC("kprobe")
int kprobe_add(struct pt_regs *ctx)
{
	on_add(FOLIO_KPROBE(SWAP_P_ADD));
	return 0;
}

SEC("kprobe")
int kprobe_del(struct pt_regs *ctx)
{
	on_del(FOLIO_KPROBE(SWAP_P_DEL));
	return 0;
}

/* One entry and one return program per readahead function. */
#define RA_PROGS(n)							\
SEC("kprobe")								\
int BPF_KPROBE(kprobe_ra_##n)						\
{									\
	on_ra_in();							\
	return 0;							\
}									\
SEC("kretprobe")							\
int BPF_KRETPROBE(kretprobe_ra_##n, struct folio *folio)		\
{									\
	on_ra_out(folio);						\
	return 0;							\
}

RA_PROGS(swapin)
RA_PROGS(cluster)
RA_PROGS(vma)

SEC("kretprobe")
int BPF_KRETPROBE(kretprobe_lookup, struct folio *folio)
{
	on_lookup(folio);
	return 0;
}

/* 7.x: swap_update_readahead(folio, vma, addr), after a cache hit */
SEC("fentry")
int BPF_PROG(fentry_ra_hit, struct folio *folio)
{
	on_lookup(folio);
	return 0;
}

SEC("kprobe")
int BPF_KPROBE(kprobe_ra_hit, struct folio *folio)
{
	on_lookup(folio);
	return 0;
}
