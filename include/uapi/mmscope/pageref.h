/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * mmscope_pageref UAPI: reference counts, map counts, pin counts and flags
 * of real pages, and references held on demand.
 *
 * Ioctls on /sys/kernel/debug/mmscope/pageref/ctl, framed as every ioctl
 * of the suite (include/uapi/mmscope/core.h). Command numbers 0x10-0x2f.
 */
#ifndef _UAPI_MMSCOPE_PAGEREF_H
#define _UAPI_MMSCOPE_PAGEREF_H

#include <linux/ioctl.h>
#include <linux/types.h>

#include <mmscope/core.h>

/* struct mmscope_pageref_page.state: what stands at that address. */
enum mmscope_pageref_state {
	MMSCOPE_PAGEREF_PRESENT = 0,	/* a page is mapped there (or the pfn is a page) */
	MMSCOPE_PAGEREF_NO_VMA = 1,	/* no mapping covers the address */
	MMSCOPE_PAGEREF_NONE = 2,	/* mapped, never touched (no table entry) */
	MMSCOPE_PAGEREF_SWAP = 3,	/* the entry is a swap entry */
	MMSCOPE_PAGEREF_NONPAGE = 4,	/* another non-present entry (migration, ...) */
	MMSCOPE_PAGEREF_NO_STRUCT_PAGE = 5, /* present, but no struct page (PFN map) */
	/* pfn query: refcount 0 (free, or inside a non-compound allocation) */
	MMSCOPE_PAGEREF_FREE = 6,
};

/* struct mmscope_pageref_page.mapping: what folio->mapping says. */
enum mmscope_pageref_mapping {
	MMSCOPE_PAGEREF_MAP_NONE = 0,
	MMSCOPE_PAGEREF_MAP_ANON = 1,
	MMSCOPE_PAGEREF_MAP_KSM = 2,
	MMSCOPE_PAGEREF_MAP_FILE = 3,
	MMSCOPE_PAGEREF_MAP_SWAPCACHE = 4,
	MMSCOPE_PAGEREF_MAP_MOVABLE = 5,
};

/* struct mmscope_pageref_page.lru: the LRU list the folio is on. */
enum mmscope_pageref_lru {
	MMSCOPE_PAGEREF_LRU_NONE = 0,
	MMSCOPE_PAGEREF_LRU_INACTIVE_ANON = 1,
	MMSCOPE_PAGEREF_LRU_ACTIVE_ANON = 2,
	MMSCOPE_PAGEREF_LRU_INACTIVE_FILE = 3,
	MMSCOPE_PAGEREF_LRU_ACTIVE_FILE = 4,
	MMSCOPE_PAGEREF_LRU_UNEVICTABLE = 5,
	/* On the multi-gen LRU: generation in lru_gen, anon/file by swapbacked. */
	MMSCOPE_PAGEREF_LRU_GEN_ANON = 6,
	MMSCOPE_PAGEREF_LRU_GEN_FILE = 7,
};

/*
 * struct mmscope_pageref_page.pgflags: the kernel's PG_* flags by name,
 * in a numbering of the suite's own (the kernel's bit numbers differ
 * between versions and configurations). Folio-wide flags are the head's;
 * HEAD and TAIL are of the page itself. The CLI prints each as the PG_
 * name without the prefix.
 */
enum mmscope_pageref_pgflag {
	MMSCOPE_PGF_LOCKED,
	MMSCOPE_PGF_REFERENCED,
	MMSCOPE_PGF_UPTODATE,
	MMSCOPE_PGF_DIRTY,
	MMSCOPE_PGF_LRU,
	MMSCOPE_PGF_ACTIVE,
	MMSCOPE_PGF_WORKINGSET,
	MMSCOPE_PGF_WAITERS,
	MMSCOPE_PGF_ERROR,
	MMSCOPE_PGF_SLAB,
	MMSCOPE_PGF_OWNER_PRIV_1,
	MMSCOPE_PGF_ARCH_1,
	MMSCOPE_PGF_RESERVED,
	MMSCOPE_PGF_PRIVATE,
	MMSCOPE_PGF_PRIVATE_2,
	MMSCOPE_PGF_WRITEBACK,
	MMSCOPE_PGF_HEAD,
	MMSCOPE_PGF_TAIL,	/* not a PG_ bit: the page is a tail of its folio */
	MMSCOPE_PGF_MAPPEDTODISK,
	MMSCOPE_PGF_RECLAIM,
	MMSCOPE_PGF_SWAPBACKED,
	MMSCOPE_PGF_UNEVICTABLE,
	MMSCOPE_PGF_MLOCKED,
	MMSCOPE_PGF_HWPOISON,
	MMSCOPE_PGF_YOUNG,
	MMSCOPE_PGF_IDLE,
	MMSCOPE_PGF_SWAPCACHE,	/* PG_swapcache (owner_priv_1 on a swap-backed folio) */
	MMSCOPE_PGF_ANON_EXCLUSIVE,
	MMSCOPE_PGF_COUNT
};

/* struct mmscope_pageref_page.info */
#define MMSCOPE_PAGEREF_MAYBE_DMA_PINNED	(1U << 0)
#define MMSCOPE_PAGEREF_ANON_EXCLUSIVE		(1U << 1)
#define MMSCOPE_PAGEREF_ZERO_PAGE		(1U << 2)
#define MMSCOPE_PAGEREF_HAS_PINCOUNT		(1U << 3)	/* pincount is valid */
#define MMSCOPE_PAGEREF_CHANGED			(1U << 4)	/* moved while read: retry */
#define MMSCOPE_PAGEREF_PMD_MAPPED		(1U << 5)	/* found through a PMD leaf */
#define MMSCOPE_PAGEREF_HUGETLB			(1U << 6)
#define MMSCOPE_PAGEREF_WRITABLE		(1U << 7)	/* the table entry is writable */

/**
 * struct mmscope_pageref_page - one page, as the query reports it
 * @va: the user address (by-address query) or ~0 (by-pfn query)
 * @pfn: page frame number (valid when @state is PRESENT or FREE)
 * @head_pfn: pfn of the folio's first page
 * @pgflags: 1 << MMSCOPE_PGF_* for every flag set
 * @mapping_ino: inode number of the file (@mapping FILE or SWAPCACHE of shmem)
 * @index: page offset in the file (FILE), or the swap entry (SWAPCACHE, and
 *         @state SWAP: the raw swap entry of the table)
 * @memcg_ino: inode of the memory cgroup the folio is charged to, as
 *             /proc/kpagecgroup; 0 when none
 * @refcount: the folio's reference count, minus the probe's own reference
 * @expected_refcount: what a folio in this state holds with no extra user:
 *                     total map count, plus one per page when it is in the
 *                     page cache or swap cache, plus one for PG_private
 * @mapcount: how many page table entries map this page (PTE plus PMD),
 *            what /proc/kpagecount reports
 * @entire_mapcount: PMD (whole-folio) mappings of a large folio, else 0
 * @total_mapcount: mappings of any page of the folio
 * @pincount: FOLL_PIN pins, when the kernel keeps a count
 *            (MMSCOPE_PAGEREF_HAS_PINCOUNT: large folios); else -1
 * @order: folio order
 * @state: enum mmscope_pageref_state
 * @mapping: enum mmscope_pageref_mapping
 * @lru: enum mmscope_pageref_lru
 * @info: MMSCOPE_PAGEREF_* bits
 * @lru_gen: multi-gen LRU generation + 1, or 0
 * @reserved: zero
 */
struct mmscope_pageref_page {
	__u64 va;
	__u64 pfn;
	__u64 head_pfn;
	__u64 pgflags;
	__u64 mapping_ino;
	__u64 index;
	__u64 memcg_ino;
	__s64 refcount;
	__s64 expected_refcount;
	__s32 mapcount;
	__s32 entire_mapcount;
	__s32 total_mapcount;
	__s32 pincount;
	__u32 order;
	__u32 state;
	__u32 mapping;
	__u32 lru;
	__u32 info;
	__u32 lru_gen;
	__u32 reserved[2];
};

#define MMSCOPE_PAGEREF_PAGE_SIZE_VER0 120

/* struct mmscope_pageref_query.flags */
#define MMSCOPE_PAGEREF_BY_PFN	(1U << 0)	/* start/len are pfn/count */

/* Most records one query returns; ask again from @next for more. */
#define MMSCOPE_PAGEREF_QUERY_MAX 4096

/**
 * struct mmscope_pageref_query - MMSCOPE_PAGEREF_IOC_QUERY
 * @size: caller's sizeof(); on return, bytes written
 * @flags: in, MMSCOPE_PAGEREF_BY_PFN or 0
 * @pid: in, target process (by address)
 * @record_size: in, caller's sizeof(struct mmscope_pageref_page); out, the
 *               kernel's (records are written min of the two bytes each)
 * @start: in, first user address (page aligned) or first pfn
 * @len: in, bytes (by address, page aligned) or pages (by pfn)
 * @records: in, user pointer to an array of @count records
 * @count: in, room in @records; out, records written
 * @reserved: zero
 * @next: out, the address or pfn after the last record written
 *
 * Errors: ESRCH (no such process), EINVAL (bad flags, alignment, zero
 * length), EOVERFLOW (start + len wraps or leaves the user address space),
 * EFAULT (no mapping anywhere in the range), ERANGE (first pfn at or
 * beyond the end of the last memory node), ENXIO (first pfn in a hole
 * without a memory map, or in offline memory). A pfn range stops before
 * the first such pfn after the first.
 */
struct mmscope_pageref_query {
	__u32 size;
	__u32 flags;
	__s32 pid;
	__u32 record_size;
	__u64 start;
	__u64 len;
	__u64 records;
	__u32 count;
	__u32 reserved;
	__u64 next;
};

#define MMSCOPE_PAGEREF_QUERY_SIZE_VER0 56

/* struct mmscope_pageref_hold.flags */
#define MMSCOPE_PAGEREF_HOLD_WRITE	(1U << 0)	/* FOLL_WRITE (breaks COW first) */
#define MMSCOPE_PAGEREF_HOLD_DETACH	(1U << 1)	/* owned by the module, not the file */
#define MMSCOPE_PAGEREF_HOLD_ALL	(1U << 2)	/* PUT/UNPIN: every hold of the file */

/* Most pages one hold takes. */
#define MMSCOPE_PAGEREF_HOLD_MAX 65536

/**
 * struct mmscope_pageref_hold - GET, PIN, PIN_LONGTERM, PUT, UNPIN
 * @size: caller's sizeof(); on return, bytes written
 * @flags: in, MMSCOPE_PAGEREF_HOLD_*
 * @pid: in, target process
 * @reserved: zero
 * @start: in, first user address, page aligned
 * @len: in, bytes, page aligned
 * @pages: out, pages now held (GET/PIN) or released (PUT/UNPIN)
 * @id: out, the hold's id (GET/PIN), as in the `held` file; in, for
 *      PUT/UNPIN, one hold's id (0: every hold of @pid inside the range)
 *
 * GET takes a plain reference (get_user_pages_remote(), FOLL_GET), PIN a
 * FOLL_PIN pin (pin_user_pages_remote()), PIN_LONGTERM adds FOLL_LONGTERM
 * (pages in movable zones are migrated first). Every page of the range
 * must be faultable (EFAULT otherwise, nothing held). References belong to
 * the open file and are dropped by PUT (GET holds), UNPIN (PIN holds), on
 * close and on unload; HOLD_DETACH ones only by PUT/UNPIN or unload.
 * PUT/UNPIN fail with ENOENT when nothing matched.
 */
struct mmscope_pageref_hold {
	__u32 size;
	__u32 flags;
	__s32 pid;
	__u32 reserved;
	__u64 start;
	__u64 len;
	__u64 pages;
	__u64 id;
};

#define MMSCOPE_PAGEREF_HOLD_SIZE_VER0 48

#define MMSCOPE_PAGEREF_IOC_QUERY \
	_IOWR(MMSCOPE_IOC_MAGIC, 0x10, struct mmscope_pageref_query)
#define MMSCOPE_PAGEREF_IOC_GET \
	_IOWR(MMSCOPE_IOC_MAGIC, 0x11, struct mmscope_pageref_hold)
#define MMSCOPE_PAGEREF_IOC_PIN \
	_IOWR(MMSCOPE_IOC_MAGIC, 0x12, struct mmscope_pageref_hold)
#define MMSCOPE_PAGEREF_IOC_PIN_LONGTERM \
	_IOWR(MMSCOPE_IOC_MAGIC, 0x13, struct mmscope_pageref_hold)
#define MMSCOPE_PAGEREF_IOC_PUT \
	_IOWR(MMSCOPE_IOC_MAGIC, 0x14, struct mmscope_pageref_hold)
#define MMSCOPE_PAGEREF_IOC_UNPIN \
	_IOWR(MMSCOPE_IOC_MAGIC, 0x15, struct mmscope_pageref_hold)

#endif /* _UAPI_MMSCOPE_PAGEREF_H */
