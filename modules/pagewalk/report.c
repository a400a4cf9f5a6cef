// SPDX-License-Identifier: GPL-2.0
/* The human report of /sys/kernel/debug/mmscope/pagewalk/walk. */
#include <linux/bits.h>
#include <linux/kernel.h>
#include <linux/seq_file.h>
#include <linux/sizes.h>

#include "internal.h"

static const char *const pw_level_names[] = MMSCOPE_PAGEWALK_LEVEL_NAMES;
static const char *const pw_state_names[] = MMSCOPE_PAGEWALK_STATE_NAMES;
static const char *const pw_linux_names[] = MMSCOPE_PAGEWALK_L_NAMES;
static const char *const pw_vma_kinds[] = MMSCOPE_PAGEWALK_VMA_KIND_NAMES;

static_assert(ARRAY_SIZE(pw_linux_names) == MMSCOPE_PAGEWALK_L_NR_BITS);

const char *pw_level_name(unsigned int level)
{
	return level < ARRAY_SIZE(pw_level_names) ? pw_level_names[level] : "?";
}

const char *pw_state_name(unsigned int state)
{
	return state < ARRAY_SIZE(pw_state_names) ? pw_state_names[state] : "?";
}

static void pw_report_hw(struct seq_file *m, u64 hw)
{
	const char *name;
	unsigned int bit;

	for (bit = 0; bit < 64; bit++) {
		name = pw_hw_bit_name(bit);
		if ((hw & BIT_ULL(bit)) && name)
			seq_printf(m, " %s", name);
	}
}

static void pw_report_size(struct seq_file *m, u64 size)
{
	if (size >= SZ_1G && !(size % SZ_1G))
		seq_printf(m, "%5lluG", size / SZ_1G);
	else if (size >= SZ_1M && !(size % SZ_1M))
		seq_printf(m, "%5lluM", size / SZ_1M);
	else
		seq_printf(m, "%5lluK", size / SZ_1K);
}

void pw_report_record(struct seq_file *m, const struct mmscope_pagewalk_record *r,
		      const struct mmscope_pagewalk_path *p)
{
	unsigned int i;

	seq_printf(m, "0x%016llx ", r->va);
	pw_report_size(m, r->size);
	seq_printf(m, " %s %-9s", pw_level_name(r->level),
		   pw_state_name(r->state));
	if (r->state == MMSCOPE_PAGEWALK_NONE) {
		seq_printf(m, " vma %s\n", pw_vma_kinds[r->vma_kind]);
		return;
	}
	seq_printf(m, " raw 0x%016llx", r->raw);
	if (r->pfn != MMSCOPE_PAGEWALK_NO_PFN)
		seq_printf(m, " pfn 0x%llx", r->pfn);
	if (r->state == MMSCOPE_PAGEWALK_SWAP)
		seq_printf(m, " swap %u:0x%llx", r->swap_type, r->swap_offset);
	seq_puts(m, "\n    linux:");
	for (i = 0; i < ARRAY_SIZE(pw_linux_names); i++)
		if (r->linux_flags & BIT(i))
			seq_printf(m, " %s", pw_linux_names[i]);
	seq_puts(m, "\n    hw:");
	pw_report_hw(m, r->hw);
#ifdef CONFIG_ARM64
	seq_printf(m, " AttrIndx=%u (MAIR 0x%02x) SH=%u", r->attr, r->mair,
		   r->sh);
#else
	seq_printf(m, " PAT-index=%u pkey=%u", r->attr, r->pkey);
#endif
	seq_printf(m, "\n    vma: %s", pw_vma_kinds[r->vma_kind]);
	if (r->vma_end)
		seq_printf(m, " 0x%llx-0x%llx flags 0x%llx pgoff 0x%llx",
			   r->vma_start, r->vma_end, r->vma_flags,
			   r->vma_pgoff);
	seq_putc(m, '\n');
	for (i = 0; p && i < p->count; i++) {
		const struct mmscope_pagewalk_step *s = &p->step[i];

		seq_printf(m, "    %s[%3u] 0x%016llx at pa 0x%llx",
			   pw_level_name(s->level), s->index, s->raw,
			   s->entry_pa);
		if (s->next_pa)
			seq_printf(m, " -> table pa 0x%llx", s->next_pa);
		seq_putc(m, '\n');
	}
}

void pw_report_context(struct seq_file *m, const struct mmscope_pagewalk_context *c)
{
	unsigned int l;

	seq_printf(m, "arch %s, page size %u, %u levels (folded:", c->arch,
		   c->page_size, c->levels);
	for (l = 0; l < MMSCOPE_PAGEWALK_NR_LEVELS; l++)
		if (c->folded & BIT(l))
			seq_printf(m, " %s", pw_level_name(l));
	seq_printf(m, "), %u VA bits, PTI %s", c->va_bits,
		   c->hw_flags & MMSCOPE_PAGEWALK_CTX_PTI ? "on" : "off");
#ifdef CONFIG_ARM64
	seq_printf(m, ", hardware AF %s, DBM %s",
		   c->hw_flags & MMSCOPE_PAGEWALK_CTX_HW_AF ? "on" : "off",
		   c->hw_flags & MMSCOPE_PAGEWALK_CTX_HW_DBM ? "on" : "off");
#endif
	seq_putc(m, '\n');
	if (c->pgd_pa)
		seq_printf(m, "pgd at pa 0x%llx", c->pgd_pa);
	if (c->hw_flags & MMSCOPE_PAGEWALK_CTX_ASID)
		seq_printf(m, ", ASID %llu", c->asid);
	if (c->pgd_pa)
		seq_putc(m, '\n');
	seq_printf(m, "kernel root table at pa 0x%llx\n", c->kernel_pgd_pa);
}
