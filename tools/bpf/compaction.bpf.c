// SPDX-License-Identifier: GPL-2.0
/*
 * compaction: every compaction run of a zone, from mm_compaction_begin
 * to mm_compaction_end (both given the run's struct compact_control), with
 * what the scanners did in between on the same thread: the
 * isolate_{migrate,free}pages tracepoints (pages scanned and taken per
 * pageblock, with no compact_control of their own), migratepages (moved
 * and failed) and migrate:mm_migrate_pages. The ended run goes into
 * "runs" (the last COMPACTION_MAX_RUNS) and is summed per kind of run in
 * "kinds", the map pinned last. Tracepoints only (tp_btf): they exist,
 * and attach, on every kernel of the suite.
 *
 * Where the kernels differ: mm_compaction_migratepages passes the
 * compact_control up to 6.1 and (nr_migratepages, nr_succeeded) from
 * 6.12 on; mm_migrate_pages gained large_folio_split in 6.12 (8
 * arguments, 7 before); mm_compaction_fast_isolate_freepages exists from
 * 6.12 on (6.1 isolates free pages there without a tracepoint). The CLI
 * reads the running kernel's prototypes and sets the constants below.
 */
#include "common.bpf.h"
#include "compaction.h"

const volatile bool migratepages_has_cc;	/* 6.1: (cc, nr_succeeded) */
const volatile __u32 migrate_pages_nargs = 7;	/* 8 from 6.12 */
const volatile __u32 pageblock_order = 9;

__u64 nr_runs;					/* ended runs seen */

/* One value each (arrays, so that bpftool prints their fields). */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct compaction_alloc);
} allocator SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct compaction_other);
} outside SEC(".maps");

static __always_inline struct compaction_alloc *alloc_counts(void)
{
	return bpf_map_lookup_elem(&allocator, &(__u32){ 0 });
}

static __always_inline struct compaction_other *other_counts(void)
{
	return bpf_map_lookup_elem(&outside, &(__u32){ 0 });
}

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, COMPACTION_MAX_RUNS);
	__type(key, __u32);			/* nr_runs % COMPACTION_MAX_RUNS */
	__type(value, struct compaction_run);
} runs SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, COMPACTION_NR_KINDS);
	__type(key, __u32);			/* enum compaction_kind */
	__type(value, struct compaction_counts);
} kinds SEC(".maps");

/* The run in progress on a thread. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, __u64);			/* bpf_get_current_pid_tgid() */
	__type(value, struct compaction_run);
} running SEC(".maps");

/* Threads in try_to_compact_pages(): 1 once a zone ran for the call. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 1024);
	__type(key, __u64);
	__type(value, __u32);
} trying SEC(".maps");

static __always_inline struct compaction_run *current_run(void)
{
	return bpf_map_lookup_elem(&running, &(__u64){ bpf_get_current_pid_tgid() });
}

static __always_inline __u32 run_kind(struct compact_control *cc)
{
	if (bpf_core_field_exists(cc->proactive_compaction) &&
	    BPF_CORE_READ_BITFIELD_PROBED(cc, proactive_compaction))
		return COMPACTION_PROACTIVE;
	if (BPF_CORE_READ_BITFIELD_PROBED(cc, direct_compaction))
		return COMPACTION_DIRECT;
	if (BPF_CORE_READ(cc, order) < 0)
		return COMPACTION_MANUAL;
	return COMPACTION_KCOMPACTD;
}

SEC("tp_btf/mm_compaction_begin")
int BPF_PROG(compaction_begin, struct compact_control *cc,
	     unsigned long zone_start, unsigned long zone_end, bool sync)
{
	__u64 id = bpf_get_current_pid_tgid();
	struct compaction_run run = {};
	struct zone *zone = BPF_CORE_READ(cc, zone);
	struct compaction_alloc *a;
	__u32 *tried;

	if (!mmscope_traced(id))
		return 0;
	run.begin_ns = bpf_ktime_get_ns();
	run.kind = run_kind(cc);
	run.order = BPF_CORE_READ(cc, order);
	run.pid = (__u32)id;
	run.sync = sync;
	run.node = BPF_CORE_READ(zone, zone_pgdat, node_id);
	bpf_probe_read_kernel_str(run.zone, sizeof(run.zone),
				  BPF_CORE_READ(zone, name));
	bpf_get_current_comm(run.comm, sizeof(run.comm));
	run.zone_start = zone_start;
	run.zone_end = zone_end;
	run.migrate_start = BPF_CORE_READ(cc, migrate_pfn);
	run.free_start = BPF_CORE_READ(cc, free_pfn);
	bpf_map_update_elem(&running, &id, &run, BPF_ANY);
	if (run.kind != COMPACTION_DIRECT)
		return 0;
	tried = bpf_map_lookup_elem(&trying, &id);
	a = alloc_counts();
	if (tried && !*tried && a) {
		*tried = 1;
		__sync_fetch_and_add(&a->try_with_run, 1);
	}
	return 0;
}

static __always_inline void add_counts(struct compaction_counts *t,
				       const struct compaction_counts *c)
{
	__sync_fetch_and_add(&t->runs, c->runs);
	__sync_fetch_and_add(&t->migrate_scanned, c->migrate_scanned);
	__sync_fetch_and_add(&t->free_scanned, c->free_scanned);
	__sync_fetch_and_add(&t->isolated_migrate, c->isolated_migrate);
	__sync_fetch_and_add(&t->isolated_free, c->isolated_free);
	__sync_fetch_and_add(&t->migrated, c->migrated);
	__sync_fetch_and_add(&t->migrate_failed, c->migrate_failed);
	__sync_fetch_and_add(&t->pgmigrate_success, c->pgmigrate_success);
	__sync_fetch_and_add(&t->pgmigrate_fail, c->pgmigrate_fail);
	__sync_fetch_and_add(&t->ns, c->ns);
}

SEC("tp_btf/mm_compaction_end")
int BPF_PROG(compaction_end, struct compact_control *cc,
	     unsigned long zone_start, unsigned long zone_end, bool sync,
	     int status)
{
	__u64 id = bpf_get_current_pid_tgid();
	struct compaction_run *run = bpf_map_lookup_elem(&running, &id);
	struct compaction_counts *k;
	__u32 slot, kind;

	if (!run)
		return 0;
	run->end_ns = bpf_ktime_get_ns();
	run->status = status;
	run->migrate_end = BPF_CORE_READ(cc, migrate_pfn);
	run->free_end = BPF_CORE_READ(cc, free_pfn);
	/* what the kernel adds to compact_{migrate,free}_scanned just before */
	run->c.migrate_scanned = BPF_CORE_READ(cc, total_migrate_scanned);
	run->c.free_scanned = BPF_CORE_READ(cc, total_free_scanned);
	run->c.runs = 1;
	run->c.ns = run->end_ns - run->begin_ns;
	kind = run->kind;
	k = bpf_map_lookup_elem(&kinds, &kind);
	if (k)
		add_counts(k, &run->c);
	slot = __sync_fetch_and_add(&nr_runs, 1) % COMPACTION_MAX_RUNS;
	bpf_map_update_elem(&runs, &slot, run, BPF_ANY);
	bpf_map_delete_elem(&running, &id);
	return 0;
}

static __always_inline void isolated(unsigned long taken, bool free)
{
	struct compaction_run *run = current_run();
	struct compaction_other *o;

	if (run) {
		if (free)
			run->c.isolated_free += taken;
		else
			run->c.isolated_migrate += taken;
	} else if (mmscope_traced(bpf_get_current_pid_tgid()) &&
		   (o = other_counts())) {
		__sync_fetch_and_add(free ? &o->isolated_free :
				     &o->isolated_migrate, taken);
	}
}

SEC("tp_btf/mm_compaction_isolate_migratepages")
int BPF_PROG(isolate_migratepages, unsigned long start_pfn,
	     unsigned long end_pfn, unsigned long nr_scanned,
	     unsigned long nr_taken)
{
	isolated(nr_taken, false);
	return 0;
}

SEC("tp_btf/mm_compaction_isolate_freepages")
int BPF_PROG(isolate_freepages, unsigned long start_pfn,
	     unsigned long end_pfn, unsigned long nr_scanned,
	     unsigned long nr_taken)
{
	isolated(nr_taken, true);
	return 0;
}

/* 6.12 and later; not loaded where the tracepoint is missing. */
SEC("tp_btf/mm_compaction_fast_isolate_freepages")
int BPF_PROG(fast_isolate_freepages, unsigned long start_pfn,
	     unsigned long end_pfn, unsigned long nr_scanned,
	     unsigned long nr_taken)
{
	isolated(nr_taken, true);
	return 0;
}

SEC("tp_btf/mm_compaction_migratepages")
int compaction_migratepages(__u64 *ctx)
{
	struct compaction_run *run = current_run();
	unsigned long nr, ok = ctx[1];

	if (!run)
		return 0;
	if (migratepages_has_cc)
		nr = BPF_CORE_READ((struct compact_control *)ctx[0], nr_migratepages);
	else
		nr = ctx[0];
	run->c.migrated += ok;
	run->c.migrate_failed += nr > ok ? nr - ok : 0;
	return 0;
}

/* (succeeded, failed, thp_succeeded, thp_failed, thp_split, [large_folio_split,] mode, reason) */
SEC("tp_btf/mm_migrate_pages")
int migrate_pages(__u64 *ctx)
{
	struct compaction_run *run = current_run();
	struct compaction_other *o;

	if (run) {
		run->c.pgmigrate_success += ctx[0];
		run->c.pgmigrate_fail += ctx[1];
	} else if (mmscope_traced(bpf_get_current_pid_tgid()) &&
		   (o = other_counts())) {
		__sync_fetch_and_add(&o->pgmigrate_success, ctx[0]);
		__sync_fetch_and_add(&o->pgmigrate_fail, ctx[1]);
		__sync_fetch_and_add(&o->migrate_calls, 1);
	}
	return 0;
}

SEC("tp_btf/mm_compaction_try_to_compact_pages")
int BPF_PROG(try_to_compact_pages, int order, gfp_t gfp_mask, int prio)
{
	__u64 id = bpf_get_current_pid_tgid();
	struct compaction_alloc *a = alloc_counts();
	__u32 zero = 0;

	if (!a || !mmscope_traced(id))
		return 0;
	__sync_fetch_and_add(&a->try_calls, 1);
	bpf_map_update_elem(&trying, &id, &zero, BPF_ANY);
	return 0;
}

SEC("tp_btf/mm_compaction_deferred")
int BPF_PROG(compaction_deferred, struct zone *zone, int order)
{
	struct compaction_alloc *a = alloc_counts();

	if (a && mmscope_traced(bpf_get_current_pid_tgid()))
		__sync_fetch_and_add(&a->deferred, 1);
	return 0;
}

SEC("tp_btf/mm_compaction_wakeup_kcompactd")
int BPF_PROG(wakeup_kcompactd, int nid, int order, enum zone_type zone_idx)
{
	struct compaction_alloc *a = alloc_counts();

	if (a)
		__sync_fetch_and_add(&a->kcompactd_wakeups, 1);
	return 0;
}

SEC("tp_btf/mm_compaction_kcompactd_wake")
int BPF_PROG(kcompactd_wake, int nid, int order, enum zone_type zone_idx)
{
	struct compaction_alloc *a = alloc_counts();

	if (a)
		__sync_fetch_and_add(&a->kcompactd_wakes, 1);
	return 0;
}

SEC("tp_btf/mm_page_alloc_extfrag")
int BPF_PROG(page_alloc_extfrag, struct page *page, int alloc_order,
	     int fallback_order, int alloc_migratetype,
	     int fallback_migratetype)
{
	struct compaction_alloc *a = alloc_counts();

	if (!a || !mmscope_traced(bpf_get_current_pid_tgid()))
		return 0;
	__sync_fetch_and_add(&a->extfrag, 1);
	if (fallback_order < (int)pageblock_order)
		__sync_fetch_and_add(&a->extfrag_fragmenting, 1);
	return 0;
}
