/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * mmscope_thp UAPI: why a VMA gets transparent huge pages or not, each
 * large folio mapped in a range and how it is mapped and counted, collapse
 * and split on demand, and khugepaged's results for a process.
 *
 * Ioctls on /sys/kernel/debug/mmscope/thp/ctl, framed as every ioctl of the
 * suite (include/uapi/mmscope/core.h). Command numbers 0x80-0x8f. Output
 * arrays are the caller's: a pointer, the room in entries and the size of
 * one entry the caller knows (the module writes min(caller's, its own)
 * bytes of each).
 */
#ifndef _UAPI_MMSCOPE_THP_H
#define _UAPI_MMSCOPE_THP_H

#include <linux/ioctl.h>
#include <linux/types.h>

#include <mmscope/core.h>

/* What backs a VMA (struct mmscope_thp_vma.kind). */
enum mmscope_thp_kind {
	MMSCOPE_THP_KIND_ANON = 0,
	MMSCOPE_THP_KIND_SHMEM = 1,
	MMSCOPE_THP_KIND_FILE = 2,
	MMSCOPE_THP_KIND_SPECIAL = 3,	/* pfnmap, mixedmap, io, vdso... */
	MMSCOPE_THP_KIND_HUGETLB = 4,
	MMSCOPE_THP_NR_KINDS = 5,
};

#define MMSCOPE_THP_KIND_NAMES {					\
	"anon", "shmem", "file", "special", "hugetlb" }

/*
 * Why a VMA gets no THP, or only some orders (bits of
 * struct mmscope_thp_vma.reasons). The module names the ones it sees in
 * the VMA and its mm; the sysfs ones (SYSFS_*) are named by libmmscope
 * from the settings it reads with the verdict.
 */
enum mmscope_thp_reason {
	MMSCOPE_THP_R_VM_NOHUGEPAGE = 0,	/* MADV_NOHUGEPAGE */
	MMSCOPE_THP_R_PRCTL_DISABLE = 1,	/* PR_SET_THP_DISABLE */
	MMSCOPE_THP_R_SYSFS_NEVER = 2,		/* enabled (or the size) never */
	MMSCOPE_THP_R_SYSFS_MADVISE = 3,	/* madvise, and no MADV_HUGEPAGE */
	MMSCOPE_THP_R_TOO_SMALL = 4,		/* shorter than one PMD */
	MMSCOPE_THP_R_UNALIGNED = 5,		/* no aligned PMD range inside */
	MMSCOPE_THP_R_FILE = 6,			/* file THP not supported */
	MMSCOPE_THP_R_SHMEM = 7,		/* shmem_enabled / huge= say no */
	MMSCOPE_THP_R_SPECIAL = 8,		/* pfnmap, io, mixedmap, vdso */
	MMSCOPE_THP_R_HUGETLB = 9,		/* hugetlbfs has its own pages */
	MMSCOPE_THP_R_STACK = 10,		/* a stack that may grow (VM_GROWS*) */
	MMSCOPE_THP_R_KERNEL = 11,		/* the kernel said no, for none of these */
	MMSCOPE_THP_NR_REASONS = 12,
};

#define MMSCOPE_THP_REASON_NAMES {					\
	"vm_nohugepage", "prctl_disable", "sysfs_never",		\
	"sysfs_madvise_no_vm_hugepage", "too_small", "unaligned",	\
	"file_not_supported", "shmem_not_enabled", "special", "hugetlb", \
	"stack", "kernel_other" }

/* struct mmscope_thp_vma.flags */
#define MMSCOPE_THP_VMA_ELIGIBLE	(1U << 0)	/* smaps THPeligible */
#define MMSCOPE_THP_VMA_HUGEPAGE	(1U << 1)	/* VM_HUGEPAGE */
#define MMSCOPE_THP_VMA_NOHUGEPAGE	(1U << 2)	/* VM_NOHUGEPAGE */
#define MMSCOPE_THP_VMA_KHUGEPAGED	(1U << 3)	/* the mm is khugepaged's */
#define MMSCOPE_THP_VMA_PRCTL		(1U << 4)	/* THP disabled by prctl */
#define MMSCOPE_THP_VMA_ORDERS_KNOWN	(1U << 5)	/* @orders is the kernel's */

/**
 * struct mmscope_thp_vma - one VMA and the kernel's THP verdict on it
 * @start: first byte
 * @end: one past the last byte
 * @orders: bit N set: the kernel allows folios of order N here (6.1:
 *          the PMD order when eligible)
 * @reasons: bits of enum mmscope_thp_reason
 * @kind: enum mmscope_thp_kind
 * @flags: MMSCOPE_THP_VMA_*
 */
struct mmscope_thp_vma {
	__u64 start;
	__u64 end;
	__u64 orders;
	__u64 reasons;
	__u32 kind;
	__u32 flags;
};

/**
 * struct mmscope_thp_vmas - MMSCOPE_THP_IOC_VMAS
 * @size: framing
 * @flags: 0
 * @pid: the process
 * @count: in, room in @records; out, records written
 * @start: in, the first VMA ending above this address is the first
 *         reported (0: from the start)
 * @records: user pointer to struct mmscope_thp_vma[@count]
 * @record_size: the caller's sizeof(struct mmscope_thp_vma)
 * @pmd_order: out, the PMD order of this kernel
 * @next: out, where to go on (the end of the last VMA written), or 0
 *        when the last VMA of the mm was written
 */
struct mmscope_thp_vmas {
	__u32 size;
	__u32 flags;
	__s32 pid;
	__u32 count;
	__u64 start;
	__u64 records;
	__u32 record_size;
	__u32 pmd_order;
	__u64 next;
};

#define MMSCOPE_THP_VMAS_SIZE_VER0	48

/* How a folio is mapped in the mm (struct mmscope_thp_folio.mapped). */
enum mmscope_thp_mapped {
	MMSCOPE_THP_MAPPED_PMD = 0,
	MMSCOPE_THP_MAPPED_PTE = 1,
};

#define MMSCOPE_THP_MAPPED_NAMES { "pmd", "pte" }

/* struct mmscope_thp_folio.info */
#define MMSCOPE_THP_F_DOUBLE_MAP	(1U << 0)	/* 6.1 PG_double_map */
#define MMSCOPE_THP_F_HAS_DOUBLE_MAP	(1U << 1)	/* the kernel has DoubleMap */
#define MMSCOPE_THP_F_DEFERRED_SPLIT	(1U << 2)	/* on the deferred split queue */
#define MMSCOPE_THP_F_PARTIALLY_MAPPED	(1U << 3)
#define MMSCOPE_THP_F_HUGE_ZERO		(1U << 4)	/* the huge zero page */
#define MMSCOPE_THP_F_MAYBE_DMA_PINNED	(1U << 5)
#define MMSCOPE_THP_F_SWAPCACHE		(1U << 6)

/* Buckets of the per-page map count histogram: 0 .. 6 and "7 or more". */
#define MMSCOPE_THP_HIST	8

/**
 * struct mmscope_thp_folio - one large folio mapped in the range
 * @va: where its first page mapped in the range is
 * @head_pfn: PFN of its first page
 * @order: its order (the PMD order, or an mTHP order)
 * @mapped: enum mmscope_thp_mapped: by a PMD, or by PTEs here
 * @ptes_mapped: PTEs of this mm that map its pages, in this run (0 for PMD)
 * @entire_mapcount: PMD mappings (6.1: the compound mapcount)
 * @total_mapcount: mappings of any page: 6.1 total mapcount, 6.12 and
 *                  later the large mapcount
 * @pincount: its pin count (FOLL_PIN)
 * @refcount: its reference count as read
 * @expected_refcount: what khugepaged and split expect with no extra
 *                     reference: the map count, plus the swap cache's
 *                     (anon), or plus the page cache's (file)
 * @kind: enum mmscope_thp_kind (anon, shmem or file)
 * @info: MMSCOPE_THP_F_*
 * @hist: pages of the folio per map count (/proc/kpagecount's), the last
 *        bucket for 7 and more
 */
struct mmscope_thp_folio {
	__u64 va;
	__u64 head_pfn;
	__u32 order;
	__u32 mapped;
	__u32 ptes_mapped;
	__s32 entire_mapcount;
	__s32 total_mapcount;
	__s32 pincount;
	__s32 refcount;
	__s32 expected_refcount;
	__u32 kind;
	__u32 info;
	__u32 hist[MMSCOPE_THP_HIST];
};

/**
 * struct mmscope_thp_folios - MMSCOPE_THP_IOC_FOLIOS
 * @size: framing
 * @flags: 0
 * @pid: the process
 * @count: in, room in @records; out, records written
 * @start: the range (the range contract; ENOENT without a VMA in it)
 * @len: its length
 * @records: user pointer to struct mmscope_thp_folio[@count]
 * @record_size: the caller's sizeof(struct mmscope_thp_folio)
 * @pad: 0
 * @next: out, where to go on: the end of the range when it was done
 */
struct mmscope_thp_folios {
	__u32 size;
	__u32 flags;
	__s32 pid;
	__u32 count;
	__u64 start;
	__u64 len;
	__u64 records;
	__u32 record_size;
	__u32 pad;
	__u64 next;
};

#define MMSCOPE_THP_FOLIOS_SIZE_VER0	56

/* A khugepaged scan result name, as the kernel's trace events print it. */
#define MMSCOPE_THP_SCAN_NAME_LEN	32

/* struct mmscope_thp_op.result */
enum mmscope_thp_result {
	MMSCOPE_THP_OK = 0,
	MMSCOPE_THP_FAILED = 1,
};

/**
 * struct mmscope_thp_op - MMSCOPE_THP_IOC_COLLAPSE and MMSCOPE_THP_IOC_SPLIT
 * @size: framing
 * @flags: 0
 * @pid: the process
 * @order: SPLIT: the order to split to (0; an mTHP order on 6.12 and later)
 * @start: COLLAPSE: the range (within one VMA; the rest is not done);
 *         SPLIT: the address of a page of the folio
 * @len: COLLAPSE: its length; SPLIT: 0
 * @result: out, enum mmscope_thp_result
 * @err: out, the kernel's errno when it failed (positive), else 0
 * @scan: out, COLLAPSE: the last khugepaged scan result the kernel
 *        reported for this collapse (the kernel's own name, e.g.
 *        "not_suitable_page_count"), "" when it reported none; when
 *        the kernel's verdict refuses the VMA itself (EINVAL before any
 *        scan), the reason for it as MMSCOPE_THP_REASON_NAMES names it
 *        (e.g. "file_not_supported"), or "vma_check_failed"
 * @done: out, COLLAPSE: the end of what was tried (the VMA may end first);
 *        SPLIT: the head PFN of the folio that was split
 */
struct mmscope_thp_op {
	__u32 size;
	__u32 flags;
	__s32 pid;
	__u32 order;
	__u64 start;
	__u64 len;
	__u32 result;
	__u32 err;
	char scan[MMSCOPE_THP_SCAN_NAME_LEN];
	__u64 done;
};

#define MMSCOPE_THP_OP_SIZE_VER0	80

/* What a khugepaged record is (struct mmscope_thp_scan.event). */
enum mmscope_thp_event {
	MMSCOPE_THP_EV_SCAN_PMD = 0,	/* huge_memory:mm_khugepaged_scan_pmd */
	MMSCOPE_THP_EV_COLLAPSE = 1,	/* huge_memory:mm_collapse_huge_page */
};

#define MMSCOPE_THP_EVENT_NAMES { "scan_pmd", "collapse" }

/**
 * struct mmscope_thp_scan - one khugepaged result recorded for the mm
 * @seq: its number among every record since the module loaded
 * @pfn: SCAN_PMD: the PFN the scan stopped at (-1 for none)
 * @event: enum mmscope_thp_event
 * @status: the kernel's scan result number (its enum differs per kernel)
 * @name: the kernel's name for it
 * @referenced: SCAN_PMD: young PTEs seen
 * @none_or_zero: SCAN_PMD: empty or zero-page PTEs seen
 * @unmapped: SCAN_PMD: swap PTEs seen
 * @khugepaged: 1 when khugepaged made it, 0 for MADV_COLLAPSE or another
 */
struct mmscope_thp_scan {
	__u64 seq;
	__u64 pfn;
	__u32 event;
	__s32 status;
	char name[MMSCOPE_THP_SCAN_NAME_LEN];
	__s32 referenced;
	__s32 none_or_zero;
	__s32 unmapped;
	__u32 khugepaged;
};

/**
 * struct mmscope_thp_khugepaged - MMSCOPE_THP_IOC_KHUGEPAGED
 * @size: framing
 * @flags: 0
 * @pid: the process, or 0 for the records of every mm
 * @count: in, room in @records; out, records written (newest last)
 * @records: user pointer to struct mmscope_thp_scan[@count]
 * @record_size: the caller's sizeof(struct mmscope_thp_scan)
 * @registered: out, 1 when the mm is on khugepaged's list (pid given)
 * @total: out, records kept (of every mm) since the module loaded
 */
struct mmscope_thp_khugepaged {
	__u32 size;
	__u32 flags;
	__s32 pid;
	__u32 count;
	__u64 records;
	__u32 record_size;
	__u32 registered;
	__u64 total;
};

#define MMSCOPE_THP_KHUGEPAGED_SIZE_VER0	40

#define MMSCOPE_THP_IOC_VMAS \
	_IOWR(MMSCOPE_IOC_MAGIC, 0x80, struct mmscope_thp_vmas)
#define MMSCOPE_THP_IOC_FOLIOS \
	_IOWR(MMSCOPE_IOC_MAGIC, 0x81, struct mmscope_thp_folios)
#define MMSCOPE_THP_IOC_COLLAPSE \
	_IOWR(MMSCOPE_IOC_MAGIC, 0x82, struct mmscope_thp_op)
#define MMSCOPE_THP_IOC_SPLIT \
	_IOWR(MMSCOPE_IOC_MAGIC, 0x83, struct mmscope_thp_op)
#define MMSCOPE_THP_IOC_KHUGEPAGED \
	_IOWR(MMSCOPE_IOC_MAGIC, 0x84, struct mmscope_thp_khugepaged)

#endif /* _UAPI_MMSCOPE_THP_H */
