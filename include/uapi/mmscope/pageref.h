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

/*
 * Name tables: what the module's text files and the CLI call each value.
 * Each is an array initializer indexed by the enum above it, e.g.
 *	static const char *const names[] = MMSCOPE_PAGEREF_STATE_NAMES;
 */
#define MMSCOPE_PAGEREF_STATE_NAMES {					\
	[MMSCOPE_PAGEREF_PRESENT] = "present",				\
	[MMSCOPE_PAGEREF_NO_VMA] = "unmapped",				\
	[MMSCOPE_PAGEREF_NONE] = "not-faulted",				\
	[MMSCOPE_PAGEREF_SWAP] = "swap",				\
	[MMSCOPE_PAGEREF_NONPAGE] = "non-present",			\
	[MMSCOPE_PAGEREF_NO_STRUCT_PAGE] = "pfnmap",			\
	[MMSCOPE_PAGEREF_FREE] = "free",				\
}

/* struct mmscope_pageref_page.mapping: what folio->mapping says. */
enum mmscope_pageref_mapping {
	MMSCOPE_PAGEREF_MAP_NONE = 0,
	MMSCOPE_PAGEREF_MAP_ANON = 1,
	MMSCOPE_PAGEREF_MAP_KSM = 2,
	MMSCOPE_PAGEREF_MAP_FILE = 3,
	MMSCOPE_PAGEREF_MAP_SWAPCACHE = 4,
	MMSCOPE_PAGEREF_MAP_MOVABLE = 5,
};

#define MMSCOPE_PAGEREF_MAPPING_NAMES {					\
	[MMSCOPE_PAGEREF_MAP_NONE] = "none",				\
	[MMSCOPE_PAGEREF_MAP_ANON] = "anon",				\
	[MMSCOPE_PAGEREF_MAP_KSM] = "ksm",				\
	[MMSCOPE_PAGEREF_MAP_FILE] = "file",				\
	[MMSCOPE_PAGEREF_MAP_SWAPCACHE] = "swapcache",			\
	[MMSCOPE_PAGEREF_MAP_MOVABLE] = "movable",			\
}

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

#define MMSCOPE_PAGEREF_LRU_NAMES {					\
	[MMSCOPE_PAGEREF_LRU_NONE] = "none",				\
	[MMSCOPE_PAGEREF_LRU_INACTIVE_ANON] = "inactive_anon",		\
	[MMSCOPE_PAGEREF_LRU_ACTIVE_ANON] = "active_anon",		\
	[MMSCOPE_PAGEREF_LRU_INACTIVE_FILE] = "inactive_file",		\
	[MMSCOPE_PAGEREF_LRU_ACTIVE_FILE] = "active_file",		\
	[MMSCOPE_PAGEREF_LRU_UNEVICTABLE] = "unevictable",		\
	[MMSCOPE_PAGEREF_LRU_GEN_ANON] = "gen_anon",			\
	[MMSCOPE_PAGEREF_LRU_GEN_FILE] = "gen_file",			\
}

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

#define MMSCOPE_PGF_NAMES {						\
	[MMSCOPE_PGF_LOCKED] = "locked",				\
	[MMSCOPE_PGF_REFERENCED] = "referenced",			\
	[MMSCOPE_PGF_UPTODATE] = "uptodate",				\
	[MMSCOPE_PGF_DIRTY] = "dirty",					\
	[MMSCOPE_PGF_LRU] = "lru",					\
	[MMSCOPE_PGF_ACTIVE] = "active",				\
	[MMSCOPE_PGF_WORKINGSET] = "workingset",			\
	[MMSCOPE_PGF_WAITERS] = "waiters",				\
	[MMSCOPE_PGF_ERROR] = "error",					\
	[MMSCOPE_PGF_SLAB] = "slab",					\
	[MMSCOPE_PGF_OWNER_PRIV_1] = "owner_priv_1",			\
	[MMSCOPE_PGF_ARCH_1] = "arch_1",				\
	[MMSCOPE_PGF_RESERVED] = "reserved",				\
	[MMSCOPE_PGF_PRIVATE] = "private",				\
	[MMSCOPE_PGF_PRIVATE_2] = "private_2",				\
	[MMSCOPE_PGF_WRITEBACK] = "writeback",				\
	[MMSCOPE_PGF_HEAD] = "head",					\
	[MMSCOPE_PGF_TAIL] = "tail",					\
	[MMSCOPE_PGF_MAPPEDTODISK] = "mappedtodisk",			\
	[MMSCOPE_PGF_RECLAIM] = "reclaim",				\
	[MMSCOPE_PGF_SWAPBACKED] = "swapbacked",			\
	[MMSCOPE_PGF_UNEVICTABLE] = "unevictable",			\
	[MMSCOPE_PGF_MLOCKED] = "mlocked",				\
	[MMSCOPE_PGF_HWPOISON] = "hwpoison",				\
	[MMSCOPE_PGF_YOUNG] = "young",					\
	[MMSCOPE_PGF_IDLE] = "idle",					\
	[MMSCOPE_PGF_SWAPCACHE] = "swapcache",				\
	[MMSCOPE_PGF_ANON_EXCLUSIVE] = "anon_exclusive",		\
}

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

/* Most pages one hold takes (E2BIG past it). */
#define MMSCOPE_PAGEREF_HOLD_MAX 65536
/* Most pages the holds of one open file take together (ENOSPC past it). */
#define MMSCOPE_PAGEREF_FILE_PAGES_MAX (4 * MMSCOPE_PAGEREF_HOLD_MAX)
/* Most pages all holds of the module take, detached ones too (ENOSPC). */
#define MMSCOPE_PAGEREF_MODULE_PAGES_MAX (8 * MMSCOPE_PAGEREF_HOLD_MAX)
/*
 * Most references a page may have after a hold took its own (ETOOMANYREFS
 * past it, nothing held): 2^24, far below the 2^31 where the kernel's
 * guard sees the count wrap. A pin of an order-0 page counts 1024.
 */
#define MMSCOPE_PAGEREF_PAGE_REFS_MAX (1 << 24)

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
 * PUT/UNPIN fail with ENOENT when nothing matched. A hold past the bounds
 * above fails with E2BIG (one hold), ENOSPC (the file's or the module's
 * pages) or ETOOMANYREFS (a page's references), and holds nothing.
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

/* What a hold is (struct mmscope_pageref_held.kind). */
enum mmscope_pageref_hold_kind {
	MMSCOPE_PAGEREF_KIND_GET = 0,		/* FOLL_GET */
	MMSCOPE_PAGEREF_KIND_PIN = 1,		/* FOLL_PIN */
	MMSCOPE_PAGEREF_KIND_PIN_LONGTERM = 2,	/* FOLL_PIN | FOLL_LONGTERM */
};

#define MMSCOPE_PAGEREF_KIND_NAMES {					\
	[MMSCOPE_PAGEREF_KIND_GET] = "get",				\
	[MMSCOPE_PAGEREF_KIND_PIN] = "pin",				\
	[MMSCOPE_PAGEREF_KIND_PIN_LONGTERM] = "pin-longterm",		\
}

/* struct mmscope_pageref_held.flags: owned by the module, not a file */
#define MMSCOPE_PAGEREF_HELD_DETACHED	(1U << 0)
/* First pfns of a hold that MMSCOPE_PAGEREF_IOC_HELD reports. */
#define MMSCOPE_PAGEREF_HELD_PFNS	8

/**
 * struct mmscope_pageref_held - one hold, as the `held` file lists it
 * @id: the hold's id
 * @start: first user address held
 * @pages: pages held
 * @pfns: pfns of the first min(@pages, MMSCOPE_PAGEREF_HELD_PFNS) pages
 * @pid: the process the pages were taken from
 * @kind: enum mmscope_pageref_hold_kind
 * @flags: MMSCOPE_PAGEREF_HELD_*
 * @reserved: zero
 */
struct mmscope_pageref_held {
	__u64 id;
	__u64 start;
	__u64 pages;
	__u64 pfns[MMSCOPE_PAGEREF_HELD_PFNS];
	__s32 pid;
	__u32 kind;
	__u32 flags;
	__u32 reserved;
};

#define MMSCOPE_PAGEREF_HELD_ENTRY_SIZE_VER0 104

/**
 * struct mmscope_pageref_held_list - MMSCOPE_PAGEREF_IOC_HELD
 * @size: caller's sizeof(); on return, bytes written
 * @flags: zero
 * @count: in, room in @entries; out, entries written (oldest hold first)
 * @total: out, holds there are (call again with more room if > @count)
 * @entry_size: in, caller's sizeof(struct mmscope_pageref_held)
 * @reserved: zero
 * @entries: in, user pointer to @count entries of @entry_size bytes
 */
struct mmscope_pageref_held_list {
	__u32 size;
	__u32 flags;
	__u32 count;
	__u32 total;
	__u32 entry_size;
	__u32 reserved;
	__u64 entries;
};

#define MMSCOPE_PAGEREF_HELD_LIST_SIZE_VER0 32

/* Most pages watched at once. */
#define MMSCOPE_PAGEREF_WATCH_MAX	64

/* struct mmscope_pageref_watch.flags (with MMSCOPE_PAGEREF_BY_PFN) */
#define MMSCOPE_PAGEREF_WATCH_CLEAR	(1U << 1)	/* stop this file's and detached watches */
#define MMSCOPE_PAGEREF_WATCH_ADD	(1U << 2)	/* then watch start/len */
#define MMSCOPE_PAGEREF_WATCH_DETACH	(1U << 3)	/* added watches are the module's */

/* struct mmscope_pageref_watched - a watched page and its counts now */
struct mmscope_pageref_watched {
	__u64 pfn;
	__s32 refcount;
	__s32 mapcount;
};

/**
 * struct mmscope_pageref_watch - MMSCOPE_PAGEREF_IOC_WATCH
 * @size: caller's sizeof(); on return, bytes written
 * @flags: in, MMSCOPE_PAGEREF_WATCH_CLEAR and/or MMSCOPE_PAGEREF_WATCH_ADD
 *         (with MMSCOPE_PAGEREF_BY_PFN for a pfn range), or 0 to list only
 * @pid: in, with WATCH_ADD by address: the process
 * @count: in, room in @pages; out, watched pages written
 * @start, @len: in, with WATCH_ADD: the range, as for a query
 * @pages: in, user pointer to @count struct mmscope_pageref_watched, or 0
 * @total: out, pages watched after the call
 * @sites: out, kernel functions probed (0 while nothing is watched)
 *
 * The `watch` file's commands as one call: clear, add the present pages
 * of a range (ENOENT: none, ENOSPC: the list is full), then list. Errors
 * of the range as MMSCOPE_PAGEREF_IOC_QUERY's.
 *
 * A watch added through a ctl file belongs to that file: it ends when the
 * file is closed, or on unload. With MMSCOPE_PAGEREF_WATCH_DETACH (and for
 * pages written to the `watch` file) it is the module's until a clear or
 * unload. WATCH_CLEAR ends this file's watches and the module's; other
 * open files keep theirs. The list shows every watch.
 */
struct mmscope_pageref_watch {
	__u32 size;
	__u32 flags;
	__s32 pid;
	__u32 count;
	__u64 start;
	__u64 len;
	__u64 pages;
	__u32 total;
	__u32 sites;
};

#define MMSCOPE_PAGEREF_WATCH_SIZE_VER0 48

/* Events the module keeps (the oldest are lost first). */
#define MMSCOPE_PAGEREF_EVENTS_MAX	512

/**
 * struct mmscope_pageref_event - a change of a watched page's counts
 * @ns: when (ktime_get_ns())
 * @pfn: the page
 * @pid: the task the probed function ran for
 * @refcount_before, @refcount_after: the folio's reference count
 * @mapcount_before, @mapcount_after: the page's map count
 * @reserved: zero
 * @comm: that task's name, NUL-terminated
 * @site: the probed kernel function that returned first after the change
 */
struct mmscope_pageref_event {
	__u64 ns;
	__u64 pfn;
	__s32 pid;
	__s32 refcount_before;
	__s32 refcount_after;
	__s32 mapcount_before;
	__s32 mapcount_after;
	__u32 reserved;
	char comm[16];
	char site[48];
};

#define MMSCOPE_PAGEREF_EVENT_SIZE_VER0 104

/* struct mmscope_pageref_events.flags */
#define MMSCOPE_PAGEREF_EVENTS_CLEAR	(1U << 0)	/* then empty the ring */

/**
 * struct mmscope_pageref_events - MMSCOPE_PAGEREF_IOC_EVENTS
 * @size: caller's sizeof(); on return, bytes written
 * @flags: in, MMSCOPE_PAGEREF_EVENTS_CLEAR or 0
 * @count: in, room in @events (0 with EVENTS_CLEAR: clear only); out,
 *         events written, oldest first
 * @event_size: in, caller's sizeof(struct mmscope_pageref_event)
 * @lost: out, events recorded since the last clear that the ring no
 *        longer holds
 * @events: in, user pointer to @count events of @event_size bytes
 */
struct mmscope_pageref_events {
	__u32 size;
	__u32 flags;
	__u32 count;
	__u32 event_size;
	__u64 lost;
	__u64 events;
};

#define MMSCOPE_PAGEREF_EVENTS_SIZE_VER0 32

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
#define MMSCOPE_PAGEREF_IOC_HELD \
	_IOWR(MMSCOPE_IOC_MAGIC, 0x16, struct mmscope_pageref_held_list)
#define MMSCOPE_PAGEREF_IOC_WATCH \
	_IOWR(MMSCOPE_IOC_MAGIC, 0x17, struct mmscope_pageref_watch)
#define MMSCOPE_PAGEREF_IOC_EVENTS \
	_IOWR(MMSCOPE_IOC_MAGIC, 0x18, struct mmscope_pageref_events)

#endif /* _UAPI_MMSCOPE_PAGEREF_H */
