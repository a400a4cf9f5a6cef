/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * mmscope UAPI: mmscope_pagewalk.ko, a walk of real page tables.
 *
 * Issued on /sys/kernel/debug/mmscope/pagewalk/ctl (framing rules in
 * <mmscope/core.h>). MMSCOPE_PAGEWALK_IOC_WALK fills a caller-allocated array
 * of records, one per leaf entry or run of empty entries, and says where
 * it stopped, so a large range is walked in a few calls.
 */
#ifndef _UAPI_MMSCOPE_PAGEWALK_H
#define _UAPI_MMSCOPE_PAGEWALK_H

#include <linux/ioctl.h>
#include <linux/types.h>

#include <mmscope/core.h>

/* Page-table levels, root first (mmscope_pagewalk_record.level, step.level). */
enum mmscope_pagewalk_level {
	MMSCOPE_PAGEWALK_PGD = 0,
	MMSCOPE_PAGEWALK_P4D = 1,
	MMSCOPE_PAGEWALK_PUD = 2,
	MMSCOPE_PAGEWALK_PMD = 3,
	MMSCOPE_PAGEWALK_PTE = 4,
	MMSCOPE_PAGEWALK_NR_LEVELS = 5,
};

/*
 * Name tables: what the module's text files and the CLI call each value,
 * array initializers indexed by the enum or bit above them, e.g.
 *	static const char *const names[] = MMSCOPE_PAGEWALK_LEVEL_NAMES;
 */
#define MMSCOPE_PAGEWALK_LEVEL_NAMES {					\
	[MMSCOPE_PAGEWALK_PGD] = "pgd", [MMSCOPE_PAGEWALK_P4D] = "p4d",	\
	[MMSCOPE_PAGEWALK_PUD] = "pud", [MMSCOPE_PAGEWALK_PMD] = "pmd",	\
	[MMSCOPE_PAGEWALK_PTE] = "pte",					\
}

/* What a leaf entry holds (mmscope_pagewalk_record.state). */
enum mmscope_pagewalk_state {
	MMSCOPE_PAGEWALK_NONE = 0,		/* empty: nothing mapped, no table */
	MMSCOPE_PAGEWALK_PRESENT = 1,		/* maps a page (or block) */
	MMSCOPE_PAGEWALK_SWAP = 2,		/* swap entry: type and offset */
	MMSCOPE_PAGEWALK_MIGRATION = 3,	/* migration entry, page being moved */
	MMSCOPE_PAGEWALK_DEVICE = 4,		/* device-private or device-exclusive */
	MMSCOPE_PAGEWALK_HWPOISON = 5,	/* poisoned page */
	MMSCOPE_PAGEWALK_MARKER = 6,		/* PTE marker (uffd-wp, guard, ...) */
	MMSCOPE_PAGEWALK_PROTNONE = 7,	/* present to Linux, not to the MMU */
	MMSCOPE_PAGEWALK_BAD = 8,		/* an entry Linux would call bad */
};

#define MMSCOPE_PAGEWALK_STATE_NAMES {					\
	[MMSCOPE_PAGEWALK_NONE] = "none",				\
	[MMSCOPE_PAGEWALK_PRESENT] = "present",				\
	[MMSCOPE_PAGEWALK_SWAP] = "swap",				\
	[MMSCOPE_PAGEWALK_MIGRATION] = "migration",			\
	[MMSCOPE_PAGEWALK_DEVICE] = "device",				\
	[MMSCOPE_PAGEWALK_HWPOISON] = "hwpoison",			\
	[MMSCOPE_PAGEWALK_MARKER] = "marker",				\
	[MMSCOPE_PAGEWALK_PROTNONE] = "protnone",			\
	[MMSCOPE_PAGEWALK_BAD] = "bad",					\
}

/* Linux's view of an entry (mmscope_pagewalk_record.linux_flags), pte_*() helpers. */
#define MMSCOPE_PAGEWALK_L_PRESENT	(1U << 0)	/* pte_present() */
#define MMSCOPE_PAGEWALK_L_WRITE	(1U << 1)
#define MMSCOPE_PAGEWALK_L_DIRTY	(1U << 2)
#define MMSCOPE_PAGEWALK_L_YOUNG	(1U << 3)
#define MMSCOPE_PAGEWALK_L_HUGE	(1U << 4)	/* PMD/PUD leaf */
#define MMSCOPE_PAGEWALK_L_SPECIAL	(1U << 5)	/* pte_special(): no struct page use */
#define MMSCOPE_PAGEWALK_L_PROTNONE	(1U << 6)
#define MMSCOPE_PAGEWALK_L_SOFT_DIRTY	(1U << 7)	/* arches with soft-dirty only */
#define MMSCOPE_PAGEWALK_L_UFFD_WP	(1U << 8)
#define MMSCOPE_PAGEWALK_L_EXCLUSIVE	(1U << 9)	/* anon exclusive (page or swap) */
#define MMSCOPE_PAGEWALK_L_ZERO	(1U << 10)	/* maps the shared zero page */
#define MMSCOPE_PAGEWALK_L_DEVMAP	(1U << 11)
#define MMSCOPE_PAGEWALK_L_INVALID	(1U << 12)	/* present but MMU-invalid (THP split) */
#define MMSCOPE_PAGEWALK_L_WRITE_MIG	(1U << 13)	/* writable migration entry */
#define MMSCOPE_PAGEWALK_L_ANON	(1U << 14)	/* maps an anonymous page */
#define MMSCOPE_PAGEWALK_L_CHANGED	(1U << 15)	/* changed while read: retry */

/* Names of the MMSCOPE_PAGEWALK_L_* bits, in bit order. */
#define MMSCOPE_PAGEWALK_L_NAMES {					\
	"present", "write", "dirty", "young", "huge", "special",	\
	"protnone", "soft_dirty", "uffd_wp", "exclusive", "zero",	\
	"devmap", "invalid", "write_migration", "anon", "changed"	\
}

#define MMSCOPE_PAGEWALK_L_NR_BITS 16

/*
 * Hardware view (mmscope_pagewalk_record.hw): bit (1ULL << MMSCOPE_PAGEWALK_<ARCH>_*)
 * per name below; MMSCOPE_PAGEWALK_<ARCH>_NAMES spells them in bit order, so
 * the kernel's `walk` file and the CLI print the same names.
 *
 * x86_64: the entry's bits; PS at PMD/PUD level, PAT at bit 7 of a PTE or
 * bit 12 of a large page; SW_* are the kernel's software bits.
 */
enum mmscope_pagewalk_x86_bit {
	MMSCOPE_PAGEWALK_X86_P, MMSCOPE_PAGEWALK_X86_RW, MMSCOPE_PAGEWALK_X86_US,
	MMSCOPE_PAGEWALK_X86_PWT, MMSCOPE_PAGEWALK_X86_PCD, MMSCOPE_PAGEWALK_X86_A,
	MMSCOPE_PAGEWALK_X86_D, MMSCOPE_PAGEWALK_X86_PS, MMSCOPE_PAGEWALK_X86_G,
	MMSCOPE_PAGEWALK_X86_PAT, MMSCOPE_PAGEWALK_X86_NX, MMSCOPE_PAGEWALK_X86_SW_SPECIAL,
	MMSCOPE_PAGEWALK_X86_SW_UFFD_WP, MMSCOPE_PAGEWALK_X86_SW_SOFT_DIRTY,
	MMSCOPE_PAGEWALK_X86_SW_DEVMAP, MMSCOPE_PAGEWALK_X86_SW_SAVED_DIRTY,
	MMSCOPE_PAGEWALK_X86_SW_PROTNONE, MMSCOPE_PAGEWALK_X86_NR_BITS,
};

#define MMSCOPE_PAGEWALK_X86_NAMES {						\
	"P", "RW", "US", "PWT", "PCD", "A", "D", "PS", "G", "PAT", "NX",	\
	"SW_SPECIAL", "SW_UFFD_WP", "SW_SOFT_DIRTY", "SW_DEVMAP",	\
	"SW_SAVED_DIRTY", "SW_PROTNONE"					\
}

/*
 * arm64: VALID and TABLE_PAGE (bit 1: table above the last level, page at
 * the last; clear = block), AP[1] USER, AP[2] RDONLY, AF, nG, DBM, CONT,
 * PXN, UXN, GP; SW_* the kernel's software bits; for table descriptors
 * PXN_TABLE, UXN_TABLE, AP_TABLE (2 bits, nonzero), NS_TABLE. Bit 59 is
 * PXNTable in a table descriptor and a software or PBHA bit in a leaf.
 */
enum mmscope_pagewalk_arm64_bit {
	MMSCOPE_PAGEWALK_ARM64_VALID, MMSCOPE_PAGEWALK_ARM64_TABLE_PAGE,
	MMSCOPE_PAGEWALK_ARM64_USER, MMSCOPE_PAGEWALK_ARM64_RDONLY, MMSCOPE_PAGEWALK_ARM64_AF,
	MMSCOPE_PAGEWALK_ARM64_NG, MMSCOPE_PAGEWALK_ARM64_DBM, MMSCOPE_PAGEWALK_ARM64_CONT,
	MMSCOPE_PAGEWALK_ARM64_PXN, MMSCOPE_PAGEWALK_ARM64_UXN, MMSCOPE_PAGEWALK_ARM64_GP,
	MMSCOPE_PAGEWALK_ARM64_NS, MMSCOPE_PAGEWALK_ARM64_SW_DIRTY,
	MMSCOPE_PAGEWALK_ARM64_SW_SPECIAL, MMSCOPE_PAGEWALK_ARM64_SW_DEVMAP,
	MMSCOPE_PAGEWALK_ARM64_SW_PROT_NONE, MMSCOPE_PAGEWALK_ARM64_SW_PRESENT_INVALID,
	MMSCOPE_PAGEWALK_ARM64_PXN_TABLE, MMSCOPE_PAGEWALK_ARM64_UXN_TABLE,
	MMSCOPE_PAGEWALK_ARM64_AP_TABLE, MMSCOPE_PAGEWALK_ARM64_NS_TABLE,
	MMSCOPE_PAGEWALK_ARM64_NR_BITS,
};

#define MMSCOPE_PAGEWALK_ARM64_NAMES {					\
	"VALID", "TABLE_PAGE", "USER", "RDONLY", "AF", "NG", "DBM",	\
	"CONT", "PXN", "UXN", "GP", "NS", "SW_DIRTY", "SW_SPECIAL",	\
	"SW_DEVMAP", "SW_PROT_NONE", "SW_PRESENT_INVALID", "PXN_TABLE",	\
	"UXN_TABLE", "AP_TABLE", "NS_TABLE"				\
}

/* arm64 descriptor types (mmscope_pagewalk_record.desc_type). */
enum mmscope_pagewalk_desc {
	MMSCOPE_PAGEWALK_DESC_INVALID = 0,	/* bits[1:0] = x0 */
	MMSCOPE_PAGEWALK_DESC_BLOCK = 1,	/* 01 above the last level */
	MMSCOPE_PAGEWALK_DESC_TABLE = 3,	/* 11 above the last level */
	MMSCOPE_PAGEWALK_DESC_PAGE = 4,	/* 11 at the last level */
};

#define MMSCOPE_PAGEWALK_DESC_NAMES {					\
	[MMSCOPE_PAGEWALK_DESC_INVALID] = "invalid",			\
	[MMSCOPE_PAGEWALK_DESC_BLOCK] = "block", [2] = "invalid",	\
	[MMSCOPE_PAGEWALK_DESC_TABLE] = "table",			\
	[MMSCOPE_PAGEWALK_DESC_PAGE] = "page",				\
}

/* What the VMA holding a record maps (mmscope_pagewalk_record.vma_kind). */
enum mmscope_pagewalk_vma_kind {
	MMSCOPE_PAGEWALK_VMA_NONE = 0,	/* no VMA (gap, or a kernel walk) */
	MMSCOPE_PAGEWALK_VMA_ANON = 1,
	MMSCOPE_PAGEWALK_VMA_FILE = 2,
	MMSCOPE_PAGEWALK_VMA_SHMEM = 3,
	MMSCOPE_PAGEWALK_VMA_SPECIAL = 4,	/* VM_PFNMAP/IO/MIXEDMAP, vdso: no file */
	MMSCOPE_PAGEWALK_VMA_HUGETLB = 5,
};

#define MMSCOPE_PAGEWALK_VMA_KIND_NAMES {				\
	[MMSCOPE_PAGEWALK_VMA_NONE] = "none",				\
	[MMSCOPE_PAGEWALK_VMA_ANON] = "anon",				\
	[MMSCOPE_PAGEWALK_VMA_FILE] = "file",				\
	[MMSCOPE_PAGEWALK_VMA_SHMEM] = "shmem",				\
	[MMSCOPE_PAGEWALK_VMA_SPECIAL] = "special",			\
	[MMSCOPE_PAGEWALK_VMA_HUGETLB] = "hugetlb",			\
}

#define MMSCOPE_PAGEWALK_NO_PFN	(~0ULL)
#define MMSCOPE_PAGEWALK_SH_TCR	0xff

/**
 * struct mmscope_pagewalk_record - one leaf entry, or a run of empty ones
 * @va: first virtual address the record covers
 * @size: bytes it covers (page, block, or the whole run of holes)
 * @raw: the entry as it sits in the table (0 for holes above a leaf level)
 * @pfn: first page frame it maps or points at; MMSCOPE_PAGEWALK_NO_PFN if none
 * @swap_offset: offset of a swap entry (or the PFN field of a migration,
 *               device or hwpoison entry, see @pfn)
 * @hw: MMSCOPE_PAGEWALK_X86_* or MMSCOPE_PAGEWALK_ARM64_* bits, as (1ULL << bit)
 * @vma_start, @vma_end: the VMA holding @va, 0 when none
 * @vma_flags: its vm_flags
 * @vma_pgoff: its file offset in pages (vm_pgoff)
 * @linux_flags: MMSCOPE_PAGEWALK_L_* bits
 * @swap_type: type (swap device index) of a swap entry
 * @level: MMSCOPE_PAGEWALK_* level of the entry
 * @state: MMSCOPE_PAGEWALK_* state
 * @vma_kind: MMSCOPE_PAGEWALK_VMA_*
 * @desc_type: arm64: MMSCOPE_PAGEWALK_DESC_*; x86_64: 0
 * @attr: arm64: AttrIndx (0-7); x86_64: PAT index (PAT:PCD:PWT, 0-7)
 * @mair: arm64: the MAIR_EL1 byte AttrIndx selects; x86_64: 0
 * @sh: arm64: SH[1:0], or MMSCOPE_PAGEWALK_SH_TCR where the descriptor has no
 *      SH field (LPA2: bits [9:8] are address bits); x86_64: 0
 * @pkey: x86_64: protection key; arm64: 0
 */
struct mmscope_pagewalk_record {
	__u64 va;
	__u64 size;
	__u64 raw;
	__u64 pfn;
	__u64 swap_offset;
	__u64 hw;
	__u64 vma_start;
	__u64 vma_end;
	__u64 vma_flags;
	__u64 vma_pgoff;
	__u32 linux_flags;
	__u32 swap_type;
	__u8 level;
	__u8 state;
	__u8 vma_kind;
	__u8 desc_type;
	__u8 attr;
	__u8 mair;
	__u8 sh;
	__u8 pkey;
};

/**
 * struct mmscope_pagewalk_step - one level of the path to a record's entry
 * @raw: entry at this level
 * @entry_pa: physical address of the entry
 * @next_pa: physical address of the table it points to; 0 for the leaf
 * @hw: the entry's bits, as mmscope_pagewalk_record.hw
 * @index: index of the entry in its table
 * @level: MMSCOPE_PAGEWALK_* level
 * @desc_type: arm64 MMSCOPE_PAGEWALK_DESC_*
 * @reserved: zero
 */
struct mmscope_pagewalk_step {
	__u64 raw;
	__u64 entry_pa;
	__u64 next_pa;
	__u64 hw;
	__u32 index;
	__u8 level;
	__u8 desc_type;
	__u8 reserved[2];
};

/**
 * struct mmscope_pagewalk_path - every level walked to a record's entry
 * @count: steps filled in (folded levels are left out)
 * @reserved: zero
 * @step: root first
 */
struct mmscope_pagewalk_path {
	__u32 count;
	__u32 reserved;
	struct mmscope_pagewalk_step step[MMSCOPE_PAGEWALK_NR_LEVELS];
};

/* mmscope_pagewalk_walk.flags */
#define MMSCOPE_PAGEWALK_KERNEL	(1U << 0)	/* walk kernel page tables, pid 0 */
/*
 * One record per run of present PTEs that map consecutive pages with
 * entries alike but for the address (raw and pfn step by one page) and the
 * same Linux view: @size is the run's length, @raw and @pfn its first
 * entry's, the path (if asked for) its first entry's. Nothing is lost:
 * page i of a run has pfn + i and raw + i * page size. A run may be cut
 * in two where the module's batches meet (every 512 records, and at the
 * end of each call).
 */
#define MMSCOPE_PAGEWALK_RUNS		(1U << 1)

/*
 * The compact format: with MMSCOPE_PAGEWALK_COMPACT, @records is an array of
 * struct mmscope_pagewalk_entry (40 bytes where a record is 96) and the VMAs
 * the entries lie in come once each in a table at @vmas, in address order:
 * every entry inside a VMA has that VMA in the table of the same call. An
 * entry's VMA is the table's first row whose @end is above the entry's va
 * if that row's @start is at or below it, else none (a gap). A VMA that
 * changed between two of the module's batches may come twice; the later
 * row describes the entries after it. Not combined with paths.
 */
#define MMSCOPE_PAGEWALK_COMPACT	(1U << 2)

/**
 * struct mmscope_pagewalk_entry - a record in the compact format (version 0)
 * @va: first virtual address the entry covers
 * @raw: the entry as it sits in the table, as mmscope_pagewalk_record.raw
 * @pfn: first page frame, MMSCOPE_PAGEWALK_NO_PFN if none; for a swap entry
 *       (@state MMSCOPE_PAGEWALK_SWAP) the swap offset, its type in @swap_type
 * @pages: base pages it covers (a run of empty entries is cut every
 *         2^32 - 1 pages)
 * @hw: as mmscope_pagewalk_record.hw (every bit defined is below bit 32)
 * @linux_flags: MMSCOPE_PAGEWALK_L_* bits (every bit defined is below bit 16)
 * @level: MMSCOPE_PAGEWALK_* level
 * @state: MMSCOPE_PAGEWALK_* state
 * @swap_type: type of a swap entry
 * @attr: as mmscope_pagewalk_record.attr (its MAIR byte is in the context's
 *        @mair on arm64)
 * @sh: as mmscope_pagewalk_record.sh
 * @desc_pkey: arm64: the descriptor type, MMSCOPE_PAGEWALK_DESC_*; x86_64: the
 *             protection key
 */
struct mmscope_pagewalk_entry {
	__u64 va;
	__u64 raw;
	__u64 pfn;
	__u32 pages;
	__u32 hw;
	__u16 linux_flags;
	__u8 level;
	__u8 state;
	__u8 swap_type;
	__u8 attr;
	__u8 sh;
	__u8 desc_pkey;
};

#define MMSCOPE_PAGEWALK_ENTRY_SIZE_VER0 40

/**
 * struct mmscope_pagewalk_vma - a row of the compact format's VMA table
 * @start, @end: the VMA's range
 * @flags: its vm_flags
 * @pgoff: its file offset in pages (vm_pgoff)
 * @kind: MMSCOPE_PAGEWALK_VMA_*
 * @reserved: zero
 */
struct mmscope_pagewalk_vma {
	__u64 start;
	__u64 end;
	__u64 flags;
	__u64 pgoff;
	__u32 kind;
	__u32 reserved;
};

#define MMSCOPE_PAGEWALK_VMA_SIZE_VER0 40

/**
 * struct mmscope_pagewalk_walk - walk [start, start + len) of a process or the kernel
 * @size: caller's sizeof(struct mmscope_pagewalk_walk); on return, bytes written
 * @pid: in, target process (caller's pid namespace); 0 with MMSCOPE_PAGEWALK_KERNEL
 * @flags: in, MMSCOPE_PAGEWALK_*
 * @count: in, records @records has room for; out, records written
 * @start: in, first address, rounded down to a page
 * @len: in, bytes (nonzero, start + len must not overflow)
 * @records: in, user pointer to @count struct mmscope_pagewalk_record
 * @paths: in, user pointer to @count struct mmscope_pagewalk_path, or 0
 * @next: out, where the walk stopped: start + len (page aligned) when
 *        the range is done, else the address to pass as @start next time
 * @entry_size: in, with MMSCOPE_PAGEWALK_COMPACT: sizeof(struct mmscope_pagewalk_entry)
 *              as the caller knows it (MMSCOPE_PAGEWALK_ENTRY_SIZE_VER0); @records
 *              then points to @count entries of that size
 * @vma_size: in, with @vmas: sizeof(struct mmscope_pagewalk_vma)
 * @vma_count: in, rows @vmas has room for; out, rows written. The walk
 *             stops early (see @next) when the table is full
 * @reserved: zero
 * @vmas: in, with MMSCOPE_PAGEWALK_COMPACT: user pointer to the VMA table, or 0
 *
 * @entry_size to @vmas are new in version 1 of the struct (80 bytes); a
 * version 0 caller (56 bytes) gets full records only.
 *
 * Errors: ESRCH dead pid, EINVAL bad flags/length/sizes (an unknown
 * @entry_size or @vma_size, paths with MMSCOPE_PAGEWALK_COMPACT) or an address
 * on the wrong side (a kernel address with a pid, or a user one with
 * MMSCOPE_PAGEWALK_KERNEL), EOPNOTSUPP kernel walks where the kernel's root
 * table cannot be found, EFAULT bad pointers, EINTR fatal signal.
 */
struct mmscope_pagewalk_walk {
	__u32 size;
	__s32 pid;
	__u32 flags;
	__u32 count;
	__u64 start;
	__u64 len;
	__u64 records;
	__u64 paths;
	__u64 next;
	__u32 entry_size;
	__u32 vma_size;
	__u32 vma_count;
	__u32 reserved;
	__u64 vmas;
};

#define MMSCOPE_PAGEWALK_WALK_SIZE_VER0 56
#define MMSCOPE_PAGEWALK_WALK_SIZE_VER1 80

/* mmscope_pagewalk_context.hw_flags */
#define MMSCOPE_PAGEWALK_CTX_PTI	(1U << 0)	/* x86 PTI / arm64 KPTI on */
#define MMSCOPE_PAGEWALK_CTX_HW_AF	(1U << 1)	/* arm64: CPU sets AF */
#define MMSCOPE_PAGEWALK_CTX_HW_DBM	(1U << 2)	/* arm64: CPU clears RDONLY on write */
#define MMSCOPE_PAGEWALK_CTX_ASID	(1U << 3)	/* @asid is valid */
#define MMSCOPE_PAGEWALK_CTX_KERNEL	(1U << 4)	/* kernel walks available */

/**
 * struct mmscope_pagewalk_context - how page tables look on this machine
 * @size: caller's sizeof(); on return, bytes written
 * @pid: in, process whose pgd and ASID/PCID to report; 0 for none
 * @page_size: base page size
 * @levels: page-table levels in use
 * @folded: bit per MMSCOPE_PAGEWALK_* level that is folded away
 * @va_bits: virtual address bits of user space
 * @hw_flags: MMSCOPE_PAGEWALK_CTX_*
 * @pgd_pa: physical address of @pid's pgd (0 without a pid)
 * @kernel_pgd_pa: physical address of the kernel's root table
 * @asid: arm64 ASID or x86 PCID of @pid's mm where readable
 * @mair: arm64 MAIR_EL1 (x86_64: the PAT MSR is not read, 0)
 * @arch: "x86_64" or "arm64"
 */
struct mmscope_pagewalk_context {
	__u32 size;
	__s32 pid;
	__u32 page_size;
	__u32 levels;
	__u32 folded;
	__u32 va_bits;
	__u32 hw_flags;
	__u32 reserved;
	__u64 pgd_pa;
	__u64 kernel_pgd_pa;
	__u64 asid;
	__u64 mair;
	char arch[16];
};

#define MMSCOPE_PAGEWALK_CONTEXT_SIZE_VER0 80

#define MMSCOPE_PAGEWALK_IOC_CONTEXT \
	_IOWR(MMSCOPE_IOC_MAGIC, 0x30, struct mmscope_pagewalk_context)
#define MMSCOPE_PAGEWALK_IOC_WALK \
	_IOWR(MMSCOPE_IOC_MAGIC, 0x31, struct mmscope_pagewalk_walk)

#endif /* _UAPI_MMSCOPE_PAGEWALK_H */
