/* SPDX-License-Identifier: GPL-2.0 */
/* Pieces of mmscope_pagewalk.ko shared between its files. */
#ifndef _MMSCOPE_PAGEWALK_INTERNAL_H
#define _MMSCOPE_PAGEWALK_INTERNAL_H

#include <linux/pgtable.h>
#include <linux/seq_file.h>
#include <linux/types.h>

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
 * -ENOSPC when @out filled first, or a negative errno. Takes and drops
 * mmap_read_lock itself; for a user walk, @end <= mm->task_size.
 */
int pw_walk(struct mm_struct *mm, unsigned long *addr, unsigned long end,
	    struct pw_out *out);

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
