/* SPDX-License-Identifier: GPL-2.0 */
/* Pieces of mmscope_pagewalk.ko shared between its files. */
#ifndef _MMSCOPE_PAGEWALK_INTERNAL_H
#define _MMSCOPE_PAGEWALK_INTERNAL_H

#include <linux/mm.h>
#include <linux/page-flags.h>
#include <linux/pgtable.h>
#include <linux/seq_file.h>
#include <linux/types.h>

#include <mmscope/walk.h>
#include <uapi/mmscope/pagewalk.h>

struct mm_struct;

/*
 * What a walk fills: @max records (and paths, when @paths is set), or with
 * @ents set @max compact entries and up to @vma_max rows of a VMA table
 * (when @vmas is set). @last is the table's last row, kept from one walk
 * to the next of the same ioctl so a VMA is not repeated.
 */
struct pw_out {
	struct mmscope_pagewalk_record *recs;
	struct mmscope_pagewalk_path *paths;
	struct mmscope_pagewalk_entry *ents;
	struct mmscope_pagewalk_vma *vmas;
	unsigned int n;
	unsigned int max;
	unsigned int nvma;
	unsigned int vma_max;
	struct mmscope_pagewalk_vma last;
	bool have_last;
	bool runs;	/* MMSCOPE_PAGEWALK_RUNS: merge runs of alike PTEs */
};

/*
 * Walk [*addr, end) of @mm (NULL: the kernel's tables) into @out until it
 * is full; *addr is left where the walk stopped. 0 when the range is done,
 * -ENOSPC when @out filled first, or a negative errno. The core's walker
 * in its locked mode takes and drops mmap_read_lock; for a user walk,
 * @end <= mm->task_size.
 */
int pw_walk(struct mm_struct *mm, unsigned long *addr, unsigned long end,
	    struct pw_out *out);

/*
 * The compact format's last present PTE decoded: a PTE whose raw value
 * differs from @raw exactly by its PFN's distance from @pfn (in pages)
 * has the same bits but for the address, so decodes the same but for
 * what depends on the page (the zero page, anon, exclusive).
 */
struct pw_memo {
	u64 raw;
	unsigned long pfn;
	u32 linux_flags;		/* without ZERO, ANON, EXCLUSIVE */
	bool valid;
	struct mmscope_pagewalk_entry tmpl;	/* hw, level, state, arch fields */
};

/* A walk in progress: the core's walk and what the encoders keep. */
struct pw_walker {
	struct mmscope_walk walk;	/* .mm NULL: kernel walk */
	unsigned long valid_sub;	/* last valid subsection + 1, or 0 */
	unsigned int vma_kind;		/* of walk.vma */
	bool vma_noted;			/* compact: walk.vma is in the table */
	bool run_ok;	/* compact runs: last entry is a PTE run in walk.vma */
	struct pw_memo memo;
	struct pw_out *out;
	struct mmscope_pagewalk_record hole;	/* open run of empty entries */
	struct mmscope_walk_step hole_steps[MMSCOPE_WALK_NR_LEVELS];
	unsigned int hole_depth;
	bool hole_open;
	unsigned long stop;		/* first address not written out */
};

/*
 * pfn_valid() gives one answer for every page of a memory subsection
 * (sparsemem), and a subsection a mapped page lies in stays valid while
 * the page is mapped: a walk notes the last one it found valid.
 */
#ifdef PFN_SUBSECTION_SHIFT
#define PW_VALID_SHIFT	PFN_SUBSECTION_SHIFT
#else
#define PW_VALID_SHIFT	0
#endif

/*
 * ANON and EXCLUSIVE of the page at @pfn, for an entry whose other Linux
 * flags are @l. The entry's lock is held, so the page it maps cannot be
 * freed while its flags are read.
 */
static inline u32 pw_page_flags(struct pw_walker *w, u32 l, unsigned long pfn)
{
	unsigned long sub = (pfn >> PW_VALID_SHIFT) + 1;
	struct page *page;
	u32 f = 0;

	if (!w->walk.mm ||
	    (l & (MMSCOPE_PAGEWALK_L_SPECIAL | MMSCOPE_PAGEWALK_L_DEVMAP)))
		return 0;
	if (sub != w->valid_sub) {
		if (!pfn_valid(pfn))
			return 0;
		w->valid_sub = sub;
	}
	page = pfn_to_page(pfn);
	if (PageAnon(page)) {
		f |= MMSCOPE_PAGEWALK_L_ANON;
		if (PageAnonExclusive(page))
			f |= MMSCOPE_PAGEWALK_L_EXCLUSIVE;
	}
	return f;
}

/* walk.c: entries the core hands over, decoded into records. */
int __pw_flush_hole(struct pw_walker *w);

/* Write out the open run of empty entries, if any. */
static inline int pw_flush_hole(struct pw_walker *w)
{
	return w->hole_open ? __pw_flush_hole(w) : 0;
}

int pw_hole(struct pw_walker *w, unsigned int depth, unsigned long addr,
	    unsigned long end, unsigned int level, u64 raw);
int pw_leaf(struct pw_walker *w, unsigned int depth, unsigned long va,
	    unsigned long size, unsigned int level, u64 raw, bool present,
	    unsigned long pfn);
u32 pw_present_flags(u64 raw, u64 hw, unsigned int level, u8 *state);

/* encode.c: records (and their paths), compact entries, runs. */
int pw_append(struct pw_walker *w, const struct mmscope_pagewalk_record *r,
	      const struct mmscope_walk_step *steps, unsigned int depth);
bool pw_extend_run(struct pw_walker *w, unsigned long va, u64 raw,
		   unsigned long pfn);
int pw_pte_run_compact(struct mmscope_walk *walk, pte_t *start,
		       unsigned long addr, unsigned long end);

/* arch.c: decode an entry the arch's way. */
struct pw_hw {
	u64 hw;
	u8 desc_type;
	u8 attr;
	u8 mair;
	u8 sh;
	u8 pkey;
};

void pw_arch_init(void);
void pw_arch_decode(u64 raw, unsigned int level, bool leaf, struct pw_hw *out);
void pw_arch_context(struct mm_struct *mm, struct mmscope_pagewalk_context *ctx);
/* Root of the kernel's page tables, or NULL where it cannot be found. */
pgd_t *pw_kernel_pgd(void);
const char *pw_hw_bit_name(unsigned int bit);

/* report.c: the human report of the `walk` file. */
const char *pw_level_name(unsigned int level);
const char *pw_state_name(unsigned int state);
void pw_report_record(struct seq_file *m, const struct mmscope_pagewalk_record *r,
		      const struct mmscope_pagewalk_path *p);
void pw_report_context(struct seq_file *m, const struct mmscope_pagewalk_context *c);

#endif
