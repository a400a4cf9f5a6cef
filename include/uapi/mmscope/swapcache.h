/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * mmscope_swapcache UAPI: swap entries, their swap counts and swap cache
 * membership per page, per slot and per device, and swap cache statistics.
 *
 * Ioctls on /sys/kernel/debug/mmscope/swapcache/ctl, framed as every ioctl
 * of the suite (include/uapi/mmscope/core.h). Command numbers 0x90-0xaf.
 * Output arrays are the caller's: a pointer, the room in entries and the
 * size of one entry the caller knows (entries only grow at the end; the
 * module writes min(caller's, its own) bytes of each).
 *
 * The same records on every kernel: 6.1 and 6.12 keep a slot's count in
 * swap_map[] with the SWAP_HAS_CACHE bit; 7.x keeps it in the top bits of
 * the cluster's swap table entry, which holds the cached folio's PFN. On
 * 7.x has_cache is set exactly when a folio is in the cache.
 */
#ifndef _UAPI_MMSCOPE_SWAPCACHE_H
#define _UAPI_MMSCOPE_SWAPCACHE_H

#include <linux/ioctl.h>
#include <linux/types.h>

#include <mmscope/core.h>

/* What maps the page: struct mmscope_swapcache_entry.state */
enum mmscope_swapcache_state {
	MMSCOPE_SWAPCACHE_NONE = 0,	/* nothing mapped, nothing swapped */
	MMSCOPE_SWAPCACHE_PRESENT = 1,	/* a present page */
	MMSCOPE_SWAPCACHE_SWAP = 2,	/* a swap entry (PTE or shmem mapping) */
	MMSCOPE_SWAPCACHE_OTHER = 3,	/* migration, device, marker... */
	MMSCOPE_SWAPCACHE_NR_STATES = 4,
};

#define MMSCOPE_SWAPCACHE_STATE_NAMES { "none", "present", "swap", "other" }

/* struct mmscope_swapcache_entry.info */
#define MMSCOPE_SWAPCACHE_E_SWAP	(1U << 0) /* type, offset, count valid */
#define MMSCOPE_SWAPCACHE_E_HAS_CACHE	(1U << 1) /* the slot says: cached */
#define MMSCOPE_SWAPCACHE_E_SWAPCACHE	(1U << 2) /* a folio is in the cache */
#define MMSCOPE_SWAPCACHE_E_FOLIO	(1U << 3) /* pfn..mapcount valid */
#define MMSCOPE_SWAPCACHE_E_SHMEM	(1U << 4) /* found through a shmem mapping */
#define MMSCOPE_SWAPCACHE_E_CONTINUED	(1U << 5) /* count above the slot's field */
#define MMSCOPE_SWAPCACHE_E_BAD		(1U << 6) /* a bad slot */
#define MMSCOPE_SWAPCACHE_E_NODEV	(1U << 7) /* the entry's device is gone */
#define MMSCOPE_SWAPCACHE_E_CHANGED	(1U << 8) /* moved while read */
#define MMSCOPE_SWAPCACHE_E_PMD		(1U << 9) /* mapped by a PMD leaf */

/**
 * struct mmscope_swapcache_entry - one page or one swap slot
 * @va: user address (entries) or ~0 (slots)
 * @offset: swap offset (with MMSCOPE_SWAPCACHE_E_SWAP)
 * @pfn: the page's frame: the present page, or the cached folio's page
 *	 for this slot (with MMSCOPE_SWAPCACHE_E_FOLIO)
 * @pgflags: 1 << MMSCOPE_PGF_* (uapi pageref.h) of the folio
 * @type: swap type (device index)
 * @count: references to the slot from page tables and shmem (swap_map
 *	   without SWAP_HAS_CACHE; 7.x: the table's count)
 * @state: enum mmscope_swapcache_state
 * @info: MMSCOPE_SWAPCACHE_E_*
 * @refcount: the folio's reference count, the module's own not counted
 * @mapcount: the folio's mapcount (all its pages)
 * @order: the folio's order
 * @pages: pages this record stands for: 1, or with
 *	   MMSCOPE_SWAPCACHE_ENTRIES_RUNS a run of alike pages (every field
 *	   the same except va and offset, which step by one page each, and
 *	   pfn, which steps by @pfn_step)
 * @pfn_step: with MMSCOPE_SWAPCACHE_E_FOLIO, page k of the record has
 *	   frame pfn + k * pfn_step: 1, or in a run of order-0 folios the
 *	   distance between neighbouring pages' frames (the page allocator
 *	   often hands out frames in descending order). Only a caller whose
 *	   entry_size covers this field gets runs that step other than by 1.
 */
struct mmscope_swapcache_entry {
	__u64 va;
	__u64 offset;
	__u64 pfn;
	__u64 pgflags;
	__u32 type;
	__u32 count;
	__u32 state;
	__u32 info;
	__u32 refcount;
	__s32 mapcount;
	__u32 order;
	__u32 pages;
	__s64 pfn_step;
};

/* struct mmscope_swapcache_entry up to @pages, and with @pfn_step */
#define MMSCOPE_SWAPCACHE_ENTRY_SIZE_VER0	64
#define MMSCOPE_SWAPCACHE_ENTRY_SIZE_VER1	72

/**
 * struct mmscope_swapcache_entries - MMSCOPE_SWAPCACHE_IOC_ENTRIES
 * @size: framing
 * @flags: 0 or MMSCOPE_SWAPCACHE_ENTRIES_RUNS (merge runs of alike pages)
 * @pid: the process
 * @count: in, room in @entries; out, records written (one per page, or
 *	   per run with MMSCOPE_SWAPCACHE_ENTRIES_RUNS)
 * @start: first address (rounded down to a page)
 * @len: bytes
 * @entries: user pointer to struct mmscope_swapcache_entry[@count]
 * @entry_size: the caller's sizeof(struct mmscope_swapcache_entry)
 * @pad: zero
 * @next: out, the address to go on from (start + len when done)
 *
 * Errors: the range contract (docs/kernel-interfaces.md), EINVAL for
 * flags or a missing buffer.
 */
struct mmscope_swapcache_entries {
	__u32 size;
	__u32 flags;
	__s32 pid;
	__u32 count;
	__u64 start;
	__u64 len;
	__u64 entries;
	__u32 entry_size;
	__u32 pad;
	__u64 next;
};

#define MMSCOPE_SWAPCACHE_ENTRIES_SIZE_VER0	56

/* struct mmscope_swapcache_entries.flags */
#define MMSCOPE_SWAPCACHE_ENTRIES_RUNS	(1U << 0)

/**
 * struct mmscope_swapcache_slots - MMSCOPE_SWAPCACHE_IOC_SLOTS
 * @size: framing
 * @flags: zero
 * @type: swap type
 * @count: in, slots asked for and room in @entries; out, records written
 * @offset: first slot
 * @entries: user pointer to struct mmscope_swapcache_entry[@count]
 * @entry_size: the caller's sizeof(struct mmscope_swapcache_entry)
 * @max: out, the device's number of slots
 *
 * Which processes reference a slot is not reported: finding them means
 * walking every process's page tables.
 * Errors: ENODEV (no active device of @type), ERANGE (@offset at or past
 * the end: slots past the end are cut off otherwise), EINVAL (flags, a
 * missing buffer, @count 0 or above MMSCOPE_SWAPCACHE_SLOTS_MAX).
 */
struct mmscope_swapcache_slots {
	__u32 size;
	__u32 flags;
	__u32 type;
	__u32 count;
	__u64 offset;
	__u64 entries;
	__u32 entry_size;
	__u32 max;
};

#define MMSCOPE_SWAPCACHE_SLOTS_SIZE_VER0	40
#define MMSCOPE_SWAPCACHE_SLOTS_MAX		(1U << 20)

/* struct mmscope_swapcache_device.flags: the kernel's SWP_* by name */
enum mmscope_swapcache_devflag {
	MMSCOPE_SWAPCACHE_DEV_USED,
	MMSCOPE_SWAPCACHE_DEV_WRITEOK,
	MMSCOPE_SWAPCACHE_DEV_DISCARDABLE,
	MMSCOPE_SWAPCACHE_DEV_SOLIDSTATE,
	MMSCOPE_SWAPCACHE_DEV_BLKDEV,
	MMSCOPE_SWAPCACHE_DEV_ACTIVATED,
	MMSCOPE_SWAPCACHE_DEV_FS_OPS,
	MMSCOPE_SWAPCACHE_DEV_SYNCHRONOUS_IO,
	MMSCOPE_SWAPCACHE_DEV_STABLE_WRITES,
	MMSCOPE_SWAPCACHE_DEV_AREA_DISCARD,
	MMSCOPE_SWAPCACHE_DEV_PAGE_DISCARD,
	MMSCOPE_SWAPCACHE_DEV_CONTINUED,
	MMSCOPE_SWAPCACHE_NR_DEVFLAGS,
};

#define MMSCOPE_SWAPCACHE_DEVFLAG_NAMES {				\
	"used", "writeok", "discardable", "solidstate", "blkdev",	\
	"activated", "fs_ops", "synchronous_io", "stable_writes",	\
	"area_discard", "page_discard", "continued" }

/* struct mmscope_swapcache_device.info */
#define MMSCOPE_SWAPCACHE_DEV_CLUSTERS	(1U << 0) /* the cluster counts are valid */
#define MMSCOPE_SWAPCACHE_DEV_SLOT_CACHE (1U << 1) /* slot_cache* are valid */
#define MMSCOPE_SWAPCACHE_DEV_NO_SLOT_CACHE (1U << 2) /* the kernel has none (7.x) */
#define MMSCOPE_SWAPCACHE_DEV_PCP	(1U << 3) /* pcp_next is valid */
#define MMSCOPE_SWAPCACHE_DEV_NO_PCP	(1U << 4) /* the device has no per-CPU clusters */
#define MMSCOPE_SWAPCACHE_DEV_NO_CLUSTERS (1U << 5) /* the device has no clusters */

/* CPUs whose per-CPU cluster a device record carries (the first ones). */
#define MMSCOPE_SWAPCACHE_PCP_CPUS	8

/**
 * struct mmscope_swapcache_device - one active swap device or file
 * @type: swap type
 * @prio: priority
 * @flags: 1 << MMSCOPE_SWAPCACHE_DEV_*
 * @info: MMSCOPE_SWAPCACHE_DEV_CLUSTERS
 * @pages: usable slots (the size /proc/swaps shows, in pages)
 * @inuse: slots in use
 * @max: slots including the header and bad ones
 * @cache_folios: folios in the swap cache for this device
 * @cache_pages: pages of those folios
 * @clusters: clusters of the device (0 without cluster info)
 * @free_clusters: clusters on the free list
 * @nonfull_clusters: on the nonfull lists (all orders; 6.12 and 7.x)
 * @full_clusters: on the full list (6.12 and 7.x)
 * @frag_clusters: on the fragmented lists (all orders; 6.12 and 7.x)
 * @path: the device or file, NUL-terminated
 * @slot_cache: slots of this device in the CPUs' swap slot caches (6.1,
 *		6.12: allocated, SWAP_HAS_CACHE set, no page yet)
 * @slot_cache_freed: slots of this device in the CPUs' freed-slot caches
 * @pcp_cpus: CPUs in @pcp_next (possible CPUs, at most
 *	      MMSCOPE_SWAPCACHE_PCP_CPUS)
 * @pcp_next: per CPU, the next order-0 offset of its cluster on this
 *	      device, or ~0 for none (6.12 and 7.x, solid-state devices)
 */
struct mmscope_swapcache_device {
	__u32 type;
	__s32 prio;
	__u32 flags;
	__u32 info;
	__u64 pages;
	__u64 inuse;
	__u64 max;
	__u64 cache_folios;
	__u64 cache_pages;
	__u32 clusters;
	__u32 free_clusters;
	__u32 nonfull_clusters;
	__u32 full_clusters;
	__u32 frag_clusters;
	__u32 pad;
	char path[256];
	__u32 slot_cache;
	__u32 slot_cache_freed;
	__u32 pcp_cpus;
	__u32 pad2;
	__u64 pcp_next[MMSCOPE_SWAPCACHE_PCP_CPUS];
};

/**
 * struct mmscope_swapcache_devices - MMSCOPE_SWAPCACHE_IOC_DEVICES
 * @size: framing
 * @flags: zero
 * @count: in, room in @devices; out, records written
 * @total: out, active devices
 * @devices: user pointer to struct mmscope_swapcache_device[@count]
 * @device_size: the caller's sizeof(struct mmscope_swapcache_device)
 * @pad: zero
 */
struct mmscope_swapcache_devices {
	__u32 size;
	__u32 flags;
	__u32 count;
	__u32 total;
	__u64 devices;
	__u32 device_size;
	__u32 pad;
};

#define MMSCOPE_SWAPCACHE_DEVICES_SIZE_VER0	32

/* struct mmscope_swapcache_stats.probes: probes attached */
#define MMSCOPE_SWAPCACHE_PROBE_ADD	(1U << 0)
#define MMSCOPE_SWAPCACHE_PROBE_DELETE	(1U << 1)
#define MMSCOPE_SWAPCACHE_PROBE_FIND	(1U << 2)

/* struct mmscope_swapcache_stats.flags */
#define MMSCOPE_SWAPCACHE_STATS_RESET	(1U << 0) /* zero after reading */

/**
 * struct mmscope_swapcache_stats - MMSCOPE_SWAPCACHE_IOC_STATS
 * @size: framing
 * @flags: in, MMSCOPE_SWAPCACHE_STATS_RESET or 0
 * @add: folios added to the swap cache since load (or the last reset)
 * @add_pages: their pages
 * @delete: folios deleted from it
 * @delete_pages: their pages
 * @find: lookups of the swap cache on the fault and readahead paths
 * @hit: lookups that found a folio
 * @probes: MMSCOPE_SWAPCACHE_PROBE_*: which counters are live
 * @pad: zero
 */
struct mmscope_swapcache_stats {
	__u32 size;
	__u32 flags;
	__u64 add;
	__u64 add_pages;
	__u64 delete;
	__u64 delete_pages;
	__u64 find;
	__u64 hit;
	__u32 probes;
	__u32 pad;
};

#define MMSCOPE_SWAPCACHE_STATS_SIZE_VER0	64

#define MMSCOPE_SWAPCACHE_IOC_ENTRIES \
	_IOWR(MMSCOPE_IOC_MAGIC, 0x90, struct mmscope_swapcache_entries)
#define MMSCOPE_SWAPCACHE_IOC_SLOTS \
	_IOWR(MMSCOPE_IOC_MAGIC, 0x91, struct mmscope_swapcache_slots)
#define MMSCOPE_SWAPCACHE_IOC_DEVICES \
	_IOWR(MMSCOPE_IOC_MAGIC, 0x92, struct mmscope_swapcache_devices)
#define MMSCOPE_SWAPCACHE_IOC_STATS \
	_IOWR(MMSCOPE_IOC_MAGIC, 0x93, struct mmscope_swapcache_stats)

#endif /* _UAPI_MMSCOPE_SWAPCACHE_H */
