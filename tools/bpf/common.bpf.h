/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What every BPF program of the suite shares (tools/bpf/<name>.bpf.c):
 * the headers, the process filter, CO-RE helpers for what differs between
 * the kernels (enum values, a page's head and flags), the per-key
 * counters, the license.
 *
 * CO-RE: programs are compiled once per arch against one kernel's
 * vmlinux.h and run on every kernel of the arch. A field or enum value
 * that exists on some kernels only is read through a ___flavour type or
 * checked with bpf_core_*_exists() first, never assumed.
 *
 * Pinning (done by the CLI, tools/mmscope/trace_run.c): every map a
 * tracer reports from is pinned as /sys/fs/bpf/mmscope/<tracer>/<map>
 * (internal maps by their section: "bss"), every link as link_<function>
 * (link_<function>_exit for a return probe). The map pinned last tells
 * a watcher that the tracer is counting: declare it in the tracer's
 * header comment.
 */
#ifndef MMSCOPE_COMMON_BPF_H
#define MMSCOPE_COMMON_BPF_H

#include "vmlinux.h"
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "GPL";

/* Set by the CLI before loading (--pid): 0 traces every process. */
const volatile __u32 target_tgid;

static __always_inline bool mmscope_traced_tgid(__u32 tgid)
{
	return !target_tgid || tgid == target_tgid;
}

/* Is the current task, bpf_get_current_pid_tgid()'s id, traced? */
static __always_inline bool mmscope_traced(__u64 id)
{
	return mmscope_traced_tgid(id >> 32);
}

/*
 * An enum value of the running kernel, or 0 where its enum lacks it
 * (a flag that older kernels do not have: nothing matches it there).
 */
#define MMSCOPE_ENUM_OR_ZERO(type, name)				\
	(bpf_core_enum_value_exists(type, name) ?			\
	 bpf_core_enum_value(type, name) : 0)

/*
 * The value of key in a hash map, created from init the first time
 * (another CPU may create it first: then that one is returned). NULL
 * only when the map is full.
 */
static __always_inline void *mmscope_lookup_or_init(void *map, const void *key,
						    const void *init)
{
	void *v = bpf_map_lookup_elem(map, key);

	if (v)
		return v;
	bpf_map_update_elem(map, key, init, BPF_NOEXIST);
	return bpf_map_lookup_elem(map, key);
}

/*
 * A tail page's link to its head: compound_head (head | 1) up to 6.x;
 * compound_info in 7.x, which holds head | 1 or, with the HugeTLB vmemmap
 * optimisation and a struct page whose size is a power of 2, a mask | 1
 * that turns the tail page's address into its head's (all ones from bit
 * order + log2(sizeof(struct page)) up). The two cannot be confused: a
 * mask is the negation of a power of two no larger than the largest folio
 * (bounded here by 1 GiB), a struct page pointer is nowhere near the top
 * of the address space. (The kernel decides from its config, which a BPF
 * program reads only where /proc/config.gz or /boot/config-* exists.)
 */
struct page___info {
	unsigned long compound_info;
} __attribute__((preserve_access_index));

static __always_inline struct page *page_head(struct page *page)
{
	struct page___info *pi = (void *)page;
	unsigned long info, span;

	if (!bpf_core_field_exists(pi->compound_info)) {
		info = BPF_CORE_READ(page, compound_head);
		return info & 1 ? (struct page *)(info - 1) : page;
	}
	info = BPF_CORE_READ(pi, compound_info);
	if (!(info & 1))
		return page;
	span = -(info - 1);
	if (span && !(span & (span - 1)) && span <= (1UL << 30))
		return (struct page *)((unsigned long)page & info);
	return (struct page *)(info - 1);
}

/* page->flags: an unsigned long up to 6.x, 7.x's memdesc_flags_t around one. */
struct page___memdesc {
	struct {
		unsigned long f;
	} flags;
} __attribute__((preserve_access_index));

static __always_inline unsigned long page_flags(struct page *page)
{
	struct page___memdesc *pm = (void *)page;

	if (bpf_core_field_exists(pm->flags.f))
		return BPF_CORE_READ(pm, flags.f);
	return BPF_CORE_READ(page, flags);
}

/* floor(log2(v)) (0 for 0 and 1), capped at slots - 1: a histogram slot. */
static __always_inline __u32 mmscope_log2_slot(__u64 v, __u32 slots)
{
	__u32 slot = 0;

	if (v >> 32) {
		v >>= 32;
		slot += 32;
	}
	if (v >> 16) {
		v >>= 16;
		slot += 16;
	}
	if (v >> 8) {
		v >>= 8;
		slot += 8;
	}
	if (v >> 4) {
		v >>= 4;
		slot += 4;
	}
	if (v >> 2) {
		v >>= 2;
		slot += 2;
	}
	if (v >> 1)
		slot += 1;
	return slot < slots ? slot : slots - 1;
}

#endif
