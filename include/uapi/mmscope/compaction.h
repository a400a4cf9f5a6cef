/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * mmscope_compaction UAPI: zones, free lists, pageblocks and watermarks,
 * the compaction machinery's state, and why a page can or cannot move.
 *
 * Ioctls on /sys/kernel/debug/mmscope/compaction/ctl, framed as every ioctl
 * of the suite (include/uapi/mmscope/core.h). Command numbers 0x70-0x8f.
 * Output arrays are the caller's: a pointer, the room in entries and the
 * size of one entry the caller knows (entries only grow at the end; the
 * module writes min(caller's, its own) bytes of each).
 */
#ifndef _UAPI_MMSCOPE_COMPACTION_H
#define _UAPI_MMSCOPE_COMPACTION_H

#include <linux/ioctl.h>
#include <linux/types.h>

#include <mmscope/core.h>

/* Orders of the buddy allocator the structs have room for (0..10). */
#define MMSCOPE_COMPACTION_NR_ORDERS	11
/* lowmem_reserve[] entries the structs have room for. */
#define MMSCOPE_COMPACTION_NR_ZONES	8

/*
 * Migratetypes in a numbering of the suite's own (the kernel's enum
 * depends on CONFIG_CMA and CONFIG_MEMORY_ISOLATION). Names as
 * /proc/pagetypeinfo prints them.
 */
enum mmscope_compaction_mt {
	MMSCOPE_COMPACTION_MT_UNMOVABLE = 0,
	MMSCOPE_COMPACTION_MT_MOVABLE = 1,
	MMSCOPE_COMPACTION_MT_RECLAIMABLE = 2,
	MMSCOPE_COMPACTION_MT_HIGHATOMIC = 3,
	MMSCOPE_COMPACTION_MT_CMA = 4,
	MMSCOPE_COMPACTION_MT_ISOLATE = 5,
	MMSCOPE_COMPACTION_NR_MT = 6,
	/* pageblock records: no online page at the block's first PFN */
	MMSCOPE_COMPACTION_MT_NONE = 0xff,
};

#define MMSCOPE_COMPACTION_MT_NAMES {					\
	"Unmovable", "Movable", "Reclaimable", "HighAtomic", "CMA",	\
	"Isolate" }

/* Why a page can or cannot be moved (struct mmscope_compaction_pfn). */
enum mmscope_compaction_reason {
	MMSCOPE_COMPACTION_R_FREE = 0,		/* in the buddy free lists */
	MMSCOPE_COMPACTION_R_PCP = 1,		/* refcount 0, not buddy: a per-CPU list */
	MMSCOPE_COMPACTION_R_LRU = 2,		/* on an LRU list, migratable */
	MMSCOPE_COMPACTION_R_PINNED = 3,	/* LRU, more references than maps + expected */
	MMSCOPE_COMPACTION_R_SLAB = 4,
	MMSCOPE_COMPACTION_R_PAGETABLE = 5,
	MMSCOPE_COMPACTION_R_RESERVED = 6,	/* PG_reserved */
	MMSCOPE_COMPACTION_R_MOVABLE_OPS = 7,	/* non-LRU movable (zsmalloc, balloon) */
	MMSCOPE_COMPACTION_R_ISOLATED = 8,	/* its pageblock is isolated */
	MMSCOPE_COMPACTION_R_OFFLINE = 9,	/* no online struct page, or PageOffline */
	MMSCOPE_COMPACTION_R_HUGETLB = 10,	/* a hugetlb folio */
	MMSCOPE_COMPACTION_R_KERNEL = 11,	/* any other in-use page: unmovable */
	/*
	 * a user page (anonymous or of a file) off the LRU lists right now:
	 * in a per-CPU LRU batch, or taken off by another migration; page
	 * isolation counts it as unmovable until it is back
	 */
	MMSCOPE_COMPACTION_R_OFF_LRU = 12,
	MMSCOPE_COMPACTION_NR_REASONS = 13,
};

#define MMSCOPE_COMPACTION_REASON_NAMES {				\
	"free", "pcp", "lru", "pinned", "slab", "pagetable", "reserved", \
	"movable_ops", "isolated", "offline", "hugetlb", "kernel", "off_lru" }

/* struct mmscope_compaction_zone.flags */
#define MMSCOPE_COMPACTION_ZONE_FREE_TRUNCATED	(1U << 0) /* list walk hit its cap */
#define MMSCOPE_COMPACTION_ZONE_HAS_PROMO	(1U << 1) /* wmark_promo is the kernel's */
#define MMSCOPE_COMPACTION_ZONE_BLOCKSKIP_FLUSH	(1U << 2) /* skip hints reset pending */

/* Value of extfrag_index[] where the kernel prints -1.000: not applicable. */
#define MMSCOPE_COMPACTION_EXTFRAG_NA	(-1000)

/**
 * struct mmscope_compaction_zone - one populated zone, one snapshot
 *
 * Everything below up to @frag_score is read under the zone's lock, at
 * one moment. Watermarks are as /proc/zoneinfo prints them: the boost
 * included.
 * @node: NUMA node
 * @zone_idx: index of the zone in its node (ZONE_DMA = 0, ...)
 * @name: "DMA", "DMA32", "Normal", "Movable", NUL-terminated
 * @flags: MMSCOPE_COMPACTION_ZONE_*
 * @nr_orders: orders of this kernel's buddy allocator
 * @nr_pcp: pcp entries of this zone, from @pcp_first on in the pcp array
 * @pcp_first: index of this zone's first entry in the pcp array
 * @start_pfn: zone_start_pfn
 * @spanned: spanned_pages
 * @present: present_pages
 * @managed: managed pages
 * @cma: CMA pages (0 without CONFIG_CMA)
 * @nr_free_pages: NR_FREE_PAGES, the vmstat counter
 * @wmark_min: min watermark
 * @wmark_low: low watermark
 * @wmark_high: high watermark
 * @wmark_promo: promo watermark (flag HAS_PROMO; 6.1 has it too)
 * @boost: watermark_boost
 * @lowmem_reserve: the zone's protection against each zone's allocations
 * @nr_free: free_area[order].nr_free: free blocks per order
 * @free: free blocks per suite migratetype and order, counted on the lists
 * @migrate_pfn_async: compact_cached_migrate_pfn[0]
 * @migrate_pfn_sync: compact_cached_migrate_pfn[1]
 * @free_pfn: compact_cached_free_pfn
 * @considered: compact_considered
 * @defer_shift: compact_defer_shift
 * @order_failed: compact_order_failed
 * @kcompactd_max_order: the node's kcompactd_max_order
 * @kcompactd_zone_idx: the node's kcompactd_highest_zoneidx
 * @frag_score: the zone's fragmentation score (percent of free memory
 *              not in blocks of the compaction order), from @nr_free
 * @frag_score_weighted: the same scaled by present / (node present + 1),
 *                       the zone's share of the node's score
 * @extfrag_index: extfrag index per order in thousandths, as debugfs
 *                 extfrag/extfrag_index; MMSCOPE_COMPACTION_EXTFRAG_NA
 *                 where it prints -1.000
 * @nr_free_walked: free blocks seen by the list walk (sum of @free)
 * @nr_lowmem_reserve: entries of @lowmem_reserve the kernel has
 *                     (MAX_NR_ZONES)
 * @pad: zero
 */
struct mmscope_compaction_zone {
	__u32 node;
	__u32 zone_idx;
	char name[16];
	__u32 flags;
	__u32 nr_orders;
	__u32 nr_pcp;
	__u32 pcp_first;
	__u64 start_pfn;
	__u64 spanned;
	__u64 present;
	__u64 managed;
	__u64 cma;
	__u64 nr_free_pages;
	__u64 wmark_min;
	__u64 wmark_low;
	__u64 wmark_high;
	__u64 wmark_promo;
	__u64 boost;
	__s64 lowmem_reserve[MMSCOPE_COMPACTION_NR_ZONES];
	__u64 nr_free[MMSCOPE_COMPACTION_NR_ORDERS];
	__u64 free[MMSCOPE_COMPACTION_NR_MT][MMSCOPE_COMPACTION_NR_ORDERS];
	__u64 migrate_pfn_async;
	__u64 migrate_pfn_sync;
	__u64 free_pfn;
	__u32 considered;
	__u32 defer_shift;
	__s32 order_failed;
	__s32 kcompactd_max_order;
	__u32 kcompactd_zone_idx;
	__u32 frag_score;
	__u32 frag_score_weighted;
	__s32 extfrag_index[MMSCOPE_COMPACTION_NR_ORDERS];
	__u64 nr_free_walked;
	__u32 nr_lowmem_reserve;
	__u32 pad;
};

/**
 * struct mmscope_compaction_pcp - one CPU's page list of a zone
 * @cpu: the CPU
 * @count: pages on its lists
 * @high: high mark
 * @batch: batch size
 */
struct mmscope_compaction_pcp {
	__u32 cpu;
	__u32 count;
	__u32 high;
	__u32 batch;
};

/**
 * struct mmscope_compaction_zones - MMSCOPE_COMPACTION_IOC_ZONES
 * @size: framing
 * @flags: 0
 * @count: in, room in @zones (0: totals only); out, entries written
 * @total: out, populated zones
 * @zone_size: sizeof(struct mmscope_compaction_zone) the caller knows
 * @pcp_count: in, room in @pcp; out, entries written
 * @pcp_total: out, pcp entries of all populated zones (online CPUs)
 * @pcp_size: sizeof(struct mmscope_compaction_pcp) the caller knows
 * @zones: pointer to the caller's array of zones
 * @pcp: pointer to the caller's array of pcp entries (may be 0)
 * @block_order: out, the kernel's pageblock_order
 * @nr_orders: out, the buddy allocator's orders
 * @compaction_order: out, the order the fragmentation score is for
 * @nr_kernel_mt: out, the kernel's MIGRATE_TYPES
 */
struct mmscope_compaction_zones {
	__u32 size;
	__u32 flags;
	__u32 count;
	__u32 total;
	__u32 zone_size;
	__u32 pcp_count;
	__u32 pcp_total;
	__u32 pcp_size;
	__u64 zones;
	__u64 pcp;
	__u32 block_order;
	__u32 nr_orders;
	__u32 compaction_order;
	__u32 nr_kernel_mt;
};

#define MMSCOPE_COMPACTION_ZONES_SIZE_VER0	64

/* struct mmscope_compaction_block.flags */
#define MMSCOPE_COMPACTION_BLOCK_SKIP	(1U << 0) /* compaction skip hint set */
#define MMSCOPE_COMPACTION_BLOCK_HOLE	(1U << 1) /* first PFN not online */

/**
 * struct mmscope_compaction_block - one pageblock (the part in the range)
 * @pfn: first PFN of the block inside the range
 * @nr_pages: PFNs of the block inside the range
 * @migratetype: enum mmscope_compaction_mt, of the block's flags
 * @flags: MMSCOPE_COMPACTION_BLOCK_*
 * @node: node of the page at @pfn
 * @zone_idx: zone of the page at @pfn
 * @free: pages in buddy free blocks
 * @lru: pages on an LRU list
 * @unmovable: pages in use that look unmovable (not LRU, not movable_ops,
 *             not reserved)
 * @reserved: PG_reserved pages
 * @other_zone: pages of another zone, or not online
 */
struct mmscope_compaction_block {
	__u64 pfn;
	__u32 nr_pages;
	__u8 migratetype;
	__u8 flags;
	__u8 node;
	__u8 zone_idx;
	__u32 free;
	__u32 lru;
	__u32 unmovable;
	__u32 reserved;
	__u32 other_zone;
	__u32 pad;
};

/* Records one call gives at most. */
#define MMSCOPE_COMPACTION_BLOCKS_MAX	16384

/**
 * struct mmscope_compaction_blocks - MMSCOPE_COMPACTION_IOC_PAGEBLOCKS
 * @size: framing
 * @flags: 0
 * @start_pfn: first PFN (need not be pageblock aligned)
 * @end_pfn: end of the range (exclusive), at most max_pfn
 * @records: pointer to the caller's array
 * @count: in, room in @records; out, records written (each call at most
 *         MMSCOPE_COMPACTION_BLOCKS_MAX)
 * @record_size: sizeof(struct mmscope_compaction_block) the caller knows
 * @next_pfn: out, where the next call continues (@end_pfn when done)
 * @block_order: out, the kernel's pageblock_order
 * @pad: zero
 */
struct mmscope_compaction_blocks {
	__u32 size;
	__u32 flags;
	__u64 start_pfn;
	__u64 end_pfn;
	__u64 records;
	__u32 count;
	__u32 record_size;
	__u64 next_pfn;
	__u32 block_order;
	__u32 pad;
};

#define MMSCOPE_COMPACTION_BLOCKS_SIZE_VER0	56

/**
 * struct mmscope_compaction_pfn - MMSCOPE_COMPACTION_IOC_PFN
 * @size: framing
 * @flags: 0
 * @pfn: in, the PFN (below max_pfn: ERANGE otherwise)
 * @reason: out, enum mmscope_compaction_reason
 * @movable: out, 1 when compaction or alloc_contig could free it
 * @order: out, buddy order (free), or the folio's order
 * @migratetype: out, enum mmscope_compaction_mt of its pageblock
 * @refcount: out, the folio's reference count
 * @mapcount: out, the folio's map count (LRU folios)
 * @expected: out, references a migration expects (maps + cache + private)
 * @anon: out, 1 for an anonymous folio
 * @head_pfn: out, first PFN of the buddy block or folio
 * @node: out
 * @zone_idx: out
 */
struct mmscope_compaction_pfn {
	__u32 size;
	__u32 flags;
	__u64 pfn;
	__u32 reason;
	__u32 movable;
	__u32 order;
	__u32 migratetype;
	__u32 refcount;
	__s32 mapcount;
	__u32 expected;
	__u32 anon;
	__u64 head_pfn;
	__u32 node;
	__u32 zone_idx;
};

#define MMSCOPE_COMPACTION_PFN_SIZE_VER0	64

/* struct mmscope_compaction_alloc.flags */
#define MMSCOPE_COMPACTION_ALLOC_KERNEL	  (1U << 0) /* GFP_KERNEL, not movable user memory */
#define MMSCOPE_COMPACTION_ALLOC_FRAGMENT (1U << 1) /* keep every other block, free the rest */

/* Blocks one call allocates at most. */
#define MMSCOPE_COMPACTION_ALLOC_MAX	65536

/**
 * struct mmscope_compaction_alloc - MMSCOPE_COMPACTION_IOC_ALLOC
 *
 * Allocates @count blocks of 2^@order pages, one at a time, each trying
 * once (no retries, no OOM kill: direct reclaim and compaction as the
 * kernel's __GFP_NORETRY allows). The blocks belong to the open ctl file:
 * freed by MMSCOPE_COMPACTION_IOC_RELEASE, at close and at unload. An open
 * file holds at most a quarter of the machine's RAM (ENOSPC past it,
 * counting all @count blocks: FRAGMENT allocates them all, then frees every
 * other one).
 * @size: framing
 * @flags: MMSCOPE_COMPACTION_ALLOC_*
 * @order: 0 .. the buddy allocator's largest order (EINVAL above)
 * @count: blocks to allocate, 1 .. MMSCOPE_COMPACTION_ALLOC_MAX
 * @allocated: out, blocks allocated (and, with FRAGMENT, kept: half)
 * @failed: out, allocations that failed
 * @elapsed_ns: out, time the allocations took
 * @held_pages: out, pages the open file holds now
 */
struct mmscope_compaction_alloc {
	__u32 size;
	__u32 flags;
	__u32 order;
	__u32 count;
	__u32 allocated;
	__u32 failed;
	__u64 elapsed_ns;
	__u64 held_pages;
};

#define MMSCOPE_COMPACTION_ALLOC_SIZE_VER0	40

/**
 * struct mmscope_compaction_release - MMSCOPE_COMPACTION_IOC_RELEASE
 * @size: framing
 * @flags: 0
 * @released_pages: out, pages freed
 */
struct mmscope_compaction_release {
	__u32 size;
	__u32 flags;
	__u64 released_pages;
};

#define MMSCOPE_COMPACTION_RELEASE_SIZE_VER0	16

/* Pages one CONTIG call asks for at most (8 MiB of 4 KiB pages). */
#define MMSCOPE_COMPACTION_CONTIG_MAX	2048

/**
 * struct mmscope_compaction_contig - MMSCOPE_COMPACTION_IOC_CONTIG
 *
 * Asks the kernel for the PFN range [@start_pfn, @start_pfn + @nr_pages)
 * with alloc_contig_range(), which migrates what can move out of it. On
 * success the range belongs to the open ctl file (freed by RELEASE, at
 * close and at unload). On failure, the first page of the range that
 * cannot move (struct mmscope_compaction_pfn's reasons) is the blocker.
 * @size: framing
 * @flags: 0
 * @start_pfn: first PFN; the range must lie in one zone (EINVAL)
 * @nr_pages: 1 .. MMSCOPE_COMPACTION_CONTIG_MAX
 * @result: out, 0 or the negative errno of the allocation
 * @has_blocker: out, 1 when @blocker_pfn and @blocker_reason are set
 * @blocker_pfn: out, the first PFN that cannot move
 * @blocker_reason: out, its enum mmscope_compaction_reason
 * @pad: zero
 * @held_pages: out, pages the open file holds now
 */
struct mmscope_compaction_contig {
	__u32 size;
	__u32 flags;
	__u64 start_pfn;
	__u64 nr_pages;
	__s32 result;
	__u32 has_blocker;
	__u64 blocker_pfn;
	__u32 blocker_reason;
	__u32 pad;
	__u64 held_pages;
};

#define MMSCOPE_COMPACTION_CONTIG_SIZE_VER0	56

/**
 * struct mmscope_compaction_compact - MMSCOPE_COMPACTION_IOC_COMPACT
 *
 * Compacts every zone of node @node, synchronously, as a write to
 * /sys/devices/system/node/node<N>/compact does (the module makes that
 * write: the kernel exports no entry point that compacts one zone). The
 * kernel runs a full compaction of each populated zone of the node, its
 * migration scanner from the zone's start and its free scanner from the
 * end until they meet, moving every movable page it can. The counters are
 * the system's vmstat deltas over the call (another compaction running at
 * the same time adds to them).
 * @size: framing
 * @flags: 0
 * @node: in, an online node (ENODEV otherwise)
 * @result: out, 0 or the negative errno of the write
 * @elapsed_ns: out, time the compaction took
 * @migrate_scanned: out, compact_migrate_scanned delta
 * @free_scanned: out, compact_free_scanned delta
 * @isolated: out, compact_isolated delta
 * @score_before: out, the node's fragmentation score before (the sum of
 *                its zones' weighted scores, as proactive compaction
 *                computes it)
 * @score_after: out, the same after
 */
struct mmscope_compaction_compact {
	__u32 size;
	__u32 flags;
	__u32 node;
	__s32 result;
	__u64 elapsed_ns;
	__u64 migrate_scanned;
	__u64 free_scanned;
	__u64 isolated;
	__u32 score_before;
	__u32 score_after;
};

#define MMSCOPE_COMPACTION_COMPACT_SIZE_VER0	56

#define MMSCOPE_COMPACTION_IOC_ZONES \
	_IOWR(MMSCOPE_IOC_MAGIC, 0x70, struct mmscope_compaction_zones)
#define MMSCOPE_COMPACTION_IOC_PAGEBLOCKS \
	_IOWR(MMSCOPE_IOC_MAGIC, 0x71, struct mmscope_compaction_blocks)
#define MMSCOPE_COMPACTION_IOC_PFN \
	_IOWR(MMSCOPE_IOC_MAGIC, 0x72, struct mmscope_compaction_pfn)

#define MMSCOPE_COMPACTION_IOC_ALLOC \
	_IOWR(MMSCOPE_IOC_MAGIC, 0x73, struct mmscope_compaction_alloc)
#define MMSCOPE_COMPACTION_IOC_RELEASE \
	_IOWR(MMSCOPE_IOC_MAGIC, 0x74, struct mmscope_compaction_release)

#define MMSCOPE_COMPACTION_IOC_CONTIG \
	_IOWR(MMSCOPE_IOC_MAGIC, 0x75, struct mmscope_compaction_contig)
#define MMSCOPE_COMPACTION_IOC_COMPACT \
	_IOWR(MMSCOPE_IOC_MAGIC, 0x76, struct mmscope_compaction_compact)

#endif /* _UAPI_MMSCOPE_COMPACTION_H */
