// SPDX-License-Identifier: GPL-2.0
/*
 * pageref: changes of one page's folio reference count and page map
 * count, checked each time one of the kernel's reference and mapping
 * functions ("sites") returns, as mmscope_pageref's watch does. Most
 * reference changes happen in inline code (fork copies PTEs inside
 * copy_page_range()), so the site is the first probed function to return
 * after the change. PG_anon_exclusive of the page is part of the state
 * (fork clears it, a COW reuse sets it). Each change goes to the "events"
 * ring buffer with the kernel stack of the return, and is counted per
 * site in "sites"; the CLI names the step from that stack.
 *
 * The struct page of the watched pfn comes from the CLI, which finds the
 * vmemmap base with kprobe_calibrate: the page the kernel maps for a
 * known address of the CLI's own process, whose pfn pagemap gives.
 */
#include "common.bpf.h"
#include "pageref.h"

/* 6.12 keeps a large folio's PMD mappings in the folio (6.1: page[1]). */
struct folio___entire {
	atomic_t _entire_mapcount;
} __attribute__((preserve_access_index));

struct page___compound {
	atomic_t compound_mapcount;
} __attribute__((preserve_access_index));

__u64 watch_page;	/* struct page * of the watched pfn; 0: none */
__u64 watch_pfn;
__u64 last;		/* (refcount << 32) | mapcount last seen */
__u32 have_last;
__u32 last_excl;	/* PG_anon_exclusive of the page, last seen */
__u64 first;		/* the first state seen: a snapshot, not a change */
__u32 first_excl;
__u64 first_ns;		/* when it was taken (bpf_ktime_get_ns) */
__u64 lost;		/* events the ring buffer had no room for */

/* Calibration: the page mapped at calib_addr in process calib_tgid. */
__u32 calib_tgid;
__u64 calib_addr;
__u64 calib_page;

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 256 * 1024);
} events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_STACK_TRACE);
	__uint(max_entries, 1024);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, PAGEREF_STACK_DEPTH * sizeof(__u64));
} stacks SEC(".maps");

/* Changes seen per site. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, PAGEREF_NR_SITES);
	__type(key, enum pageref_site);
	__type(value, __u64);
} sites SEC(".maps");

/*
 * PG_anon_exclusive of the page itself (each page of a large folio has
 * its own), meaningful on an anonymous folio that is not KSM: the bit is
 * PG_mappedtodisk on a file page. 6.12 moved it (PG_owner_2): CO-RE.
 */
static __always_inline __u32 read_excl(struct page *page, struct page *head)
{
	int bit = bpf_core_enum_value(enum pageflags, PG_anon_exclusive);
	unsigned long mapping = (unsigned long)BPF_CORE_READ(head, mapping);

	if ((mapping & 3) != 1)		/* not anon, or KSM */
		return 0;
	return (page_flags(page) >> (bit & 63)) & 1;
}

static __always_inline void read_state(__s32 *ref, __s32 *map, __u32 *excl)
{
	struct page *page = (struct page *)watch_page, *head;
	unsigned long flags;
	int pg_head = bpf_core_enum_value(enum pageflags, PG_head);
	__s32 m;

	head = page_head(page);
	*excl = read_excl(page, head);
	*ref = BPF_CORE_READ(head, _refcount.counter);
	m = BPF_CORE_READ(page, _mapcount.counter) + 1;
	if (m < 0)	/* a page type, not a map count */
		m = 0;
	flags = page_flags(head);
	if (head != page || (flags & (1UL << (pg_head & 63)))) {
		struct folio___entire *f = (void *)head;
		struct page___compound *p1 = (void *)(head + 1);

		if (bpf_core_field_exists(f->_entire_mapcount))
			m += BPF_CORE_READ(f, _entire_mapcount.counter) + 1;
		else if (bpf_core_field_exists(p1->compound_mapcount))
			m += BPF_CORE_READ(p1, compound_mapcount.counter) + 1;
	}
	*map = m;
}

static __always_inline int site_ret(void *ctx, __u32 site)
{
	struct pageref_trace_event *e;
	enum pageref_site key;
	__u64 id, now, old, zero = 0;
	__u32 excl, old_excl;
	__s32 ref, map;
	long n_bytes;
	__u64 *n;

	if (!watch_page)
		return 0;
	read_state(&ref, &map, &excl);
	now = ((__u64)(__u32)ref << 32) | (__u32)map;
	old = last;
	old_excl = last_excl;
	if (!have_last) {
		first = now;
		first_excl = excl;
		first_ns = bpf_ktime_get_ns();
		last = now;
		last_excl = excl;
		have_last = 1;
		return 0;
	}
	if (old == now && old_excl == excl)
		return 0;
	last = now;
	last_excl = excl;
	key = site;
	n = mmscope_lookup_or_init(&sites, &key, &zero);
	if (n)
		__sync_fetch_and_add(n, 1);
	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e) {
		__sync_fetch_and_add(&lost, 1);
		return 0;
	}
	id = bpf_get_current_pid_tgid();
	e->ns = bpf_ktime_get_ns();
	e->pfn = watch_pfn;
	e->site = site;
	e->pid = (__u32)id;
	e->tgid = id >> 32;
	e->stack_id = bpf_get_stackid(ctx, &stacks, 0);
	n_bytes = bpf_get_stack(ctx, e->stack, sizeof(e->stack), 0);
	e->nr_frames = n_bytes > 0 ? n_bytes / sizeof(e->stack[0]) : 0;
	e->old_ref = old >> 32;
	e->old_map = (__s32)old;
	e->new_ref = ref;
	e->new_map = map;
	e->old_excl = old_excl;
	e->new_excl = excl;
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	bpf_ringbuf_submit(e, 0);
	return 0;
}

/*
 * One fexit and one kretprobe program per site, fexit_<ID> and
 * kretprobe_<ID>; the CLI sets the targets it finds in the running kernel
 * and loads only one set.
 */
#define MMSCOPE_PAGEREF_SITE(id, func, kernels, what)		\
SEC("fexit")							\
int BPF_PROG(fexit_##id)					\
{								\
	return site_ret(ctx, PAGEREF_SITE_##id);		\
}								\
SEC("kretprobe")						\
int BPF_KRETPROBE(kretprobe_##id)				\
{								\
	return site_ret(ctx, PAGEREF_SITE_##id);		\
}
#include "mmscope/pageref_sites.h"

/* page_add_new_anon_rmap(page, vma, address) on 6.1, folio_... on 6.12 */
SEC("kprobe")
int BPF_KPROBE(kprobe_calibrate, void *page, void *vma, unsigned long address)
{
	if ((bpf_get_current_pid_tgid() >> 32) == calib_tgid &&
	    address == calib_addr)
		calib_page = (__u64)page;
	return 0;
}
