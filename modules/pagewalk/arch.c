// SPDX-License-Identifier: GPL-2.0
/*
 * The arch's view of a page-table entry and of the MMU's configuration:
 * x86_64 entry bits, arm64 descriptors. Decoded with the kernel's own
 * masks, so software bits follow whatever this kernel uses them for.
 */
#include <linux/bits.h>
#include <linux/mm.h>
#include <linux/pgtable.h>
#include <linux/sched.h>

#include <mmscope/compat.h>
#include <mmscope/core.h>

#include "internal.h"

#if defined(CONFIG_X86_64)
static const char *const pw_hw_names[] = MMSCOPE_PAGEWALK_X86_NAMES;
static_assert(ARRAY_SIZE(pw_hw_names) == MMSCOPE_PAGEWALK_X86_NR_BITS);
#else
static const char *const pw_hw_names[] = MMSCOPE_PAGEWALK_ARM64_NAMES;
static_assert(ARRAY_SIZE(pw_hw_names) == MMSCOPE_PAGEWALK_ARM64_NR_BITS);
#endif

const char *pw_hw_bit_name(unsigned int bit)
{
	return bit < ARRAY_SIZE(pw_hw_names) ? pw_hw_names[bit] : NULL;
}

#define PW_SET(out, cond, bit)			\
	do {					\
		if (cond)			\
			(out)->hw |= BIT_ULL(bit);	\
	} while (0)

#if defined(CONFIG_X86_64)
void pw_arch_decode(u64 raw, unsigned int level, bool leaf, struct pw_hw *out)
{
	bool large = level != MMSCOPE_PAGEWALK_PTE;
	bool present = raw & _PAGE_PRESENT;
	u64 pat;

	memset(out, 0, sizeof(*out));
	PW_SET(out, present, MMSCOPE_PAGEWALK_X86_P);
	PW_SET(out, raw & _PAGE_RW, MMSCOPE_PAGEWALK_X86_RW);
	PW_SET(out, raw & _PAGE_USER, MMSCOPE_PAGEWALK_X86_US);
	PW_SET(out, raw & _PAGE_PWT, MMSCOPE_PAGEWALK_X86_PWT);
	PW_SET(out, raw & _PAGE_PCD, MMSCOPE_PAGEWALK_X86_PCD);
	PW_SET(out, raw & _PAGE_ACCESSED, MMSCOPE_PAGEWALK_X86_A);
	PW_SET(out, raw & _PAGE_DIRTY, MMSCOPE_PAGEWALK_X86_D);
	PW_SET(out, raw & _PAGE_NX, MMSCOPE_PAGEWALK_X86_NX);
	/* bit 7 is PS above the last level, PAT in a 4K PTE */
	if (large) {
		PW_SET(out, raw & _PAGE_PSE, MMSCOPE_PAGEWALK_X86_PS);
		pat = (raw & _PAGE_PSE) ? raw & _PAGE_PAT_LARGE : 0;
	} else {
		pat = raw & _PAGE_PAT;
	}
	PW_SET(out, pat, MMSCOPE_PAGEWALK_X86_PAT);
	/* bit 8 is G when present, PROTNONE when not */
	PW_SET(out, present && (raw & _PAGE_GLOBAL), MMSCOPE_PAGEWALK_X86_G);
	PW_SET(out, !present && (raw & _PAGE_PROTNONE),
	       MMSCOPE_PAGEWALK_X86_SW_PROTNONE);
	if (leaf) {
		PW_SET(out, raw & _PAGE_SPECIAL, MMSCOPE_PAGEWALK_X86_SW_SPECIAL);
		PW_SET(out, raw & MMSCOPE_X86_UFFD, MMSCOPE_PAGEWALK_X86_SW_UFFD_WP);
		PW_SET(out, raw & _PAGE_SOFT_DIRTY,
		       MMSCOPE_PAGEWALK_X86_SW_SOFT_DIRTY);
		PW_SET(out, raw & MMSCOPE_X86_DEVMAP, MMSCOPE_PAGEWALK_X86_SW_DEVMAP);
		PW_SET(out, raw & MMSCOPE_X86_SAVED_DIRTY,
		       MMSCOPE_PAGEWALK_X86_SW_SAVED_DIRTY);
	}
	out->attr = (pat ? 4 : 0) | (raw & _PAGE_PCD ? 2 : 0) |
		    (raw & _PAGE_PWT ? 1 : 0);
	out->pkey = (raw >> _PAGE_BIT_PKEY_BIT0) & 0xf;
}

void pw_arch_init(void)
{
}

pgd_t *pw_kernel_pgd(void)
{
	return current->active_mm->pgd;
}

void pw_arch_context(struct mm_struct *mm, struct mmscope_pagewalk_context *ctx)
{
	if (boot_cpu_has(X86_FEATURE_PTI))
		ctx->hw_flags |= MMSCOPE_PAGEWALK_CTX_PTI;
}

#elif defined(CONFIG_ARM64)
#include <asm/mmu.h>
#include <asm/mmu_context.h>
#include <asm/sysreg.h>

#define PW_ARM64_NS		BIT_ULL(5)
#define PW_ARM64_APTABLE	GENMASK_ULL(62, 61)
#define PW_ARM64_NSTABLE	BIT_ULL(63)
/* Descriptor bit 1: table (levels 0-2) or page (level 3) when valid. */
#define PW_ARM64_DESC_BIT1	BIT_ULL(1)

/* MAIR_EL1 is set once at boot, the same on every CPU. */
static u64 pw_mair;

void pw_arch_init(void)
{
	pw_mair = read_sysreg(mair_el1);
}

void pw_arch_decode(u64 raw, unsigned int level, bool leaf, struct pw_hw *out)
{
	bool valid = raw & PTE_VALID;
	bool bit1 = raw & PW_ARM64_DESC_BIT1;
	bool table = valid && bit1 && level != MMSCOPE_PAGEWALK_PTE;

	memset(out, 0, sizeof(*out));
	if (!valid)
		out->desc_type = MMSCOPE_PAGEWALK_DESC_INVALID;
	else if (level == MMSCOPE_PAGEWALK_PTE)
		out->desc_type = bit1 ? MMSCOPE_PAGEWALK_DESC_PAGE :
					MMSCOPE_PAGEWALK_DESC_INVALID;
	else
		out->desc_type = bit1 ? MMSCOPE_PAGEWALK_DESC_TABLE :
					MMSCOPE_PAGEWALK_DESC_BLOCK;
	PW_SET(out, valid, MMSCOPE_PAGEWALK_ARM64_VALID);
	PW_SET(out, bit1, MMSCOPE_PAGEWALK_ARM64_TABLE_PAGE);
	if (table) {
		/* bits 59-63 of a table descriptor limit what it leads to */
		PW_SET(out, raw & PMD_TABLE_PXN, MMSCOPE_PAGEWALK_ARM64_PXN_TABLE);
		PW_SET(out, raw & PMD_TABLE_UXN, MMSCOPE_PAGEWALK_ARM64_UXN_TABLE);
		PW_SET(out, raw & PW_ARM64_APTABLE, MMSCOPE_PAGEWALK_ARM64_AP_TABLE);
		PW_SET(out, raw & PW_ARM64_NSTABLE, MMSCOPE_PAGEWALK_ARM64_NS_TABLE);
		return;
	}
	PW_SET(out, raw & PTE_USER, MMSCOPE_PAGEWALK_ARM64_USER);
	PW_SET(out, raw & PTE_RDONLY, MMSCOPE_PAGEWALK_ARM64_RDONLY);
	PW_SET(out, raw & PTE_AF, MMSCOPE_PAGEWALK_ARM64_AF);
	PW_SET(out, raw & PTE_DBM, MMSCOPE_PAGEWALK_ARM64_DBM);
	PW_SET(out, raw & PTE_CONT, MMSCOPE_PAGEWALK_ARM64_CONT);
	PW_SET(out, raw & PTE_PXN, MMSCOPE_PAGEWALK_ARM64_PXN);
	PW_SET(out, raw & PTE_UXN, MMSCOPE_PAGEWALK_ARM64_UXN);
	PW_SET(out, raw & PTE_GP, MMSCOPE_PAGEWALK_ARM64_GP);
	PW_SET(out, raw & PW_ARM64_NS, MMSCOPE_PAGEWALK_ARM64_NS);
	PW_SET(out, raw & PTE_DIRTY, MMSCOPE_PAGEWALK_ARM64_SW_DIRTY);
	PW_SET(out, raw & PTE_SPECIAL, MMSCOPE_PAGEWALK_ARM64_SW_SPECIAL);
	PW_SET(out, raw & MMSCOPE_ARM64_DEVMAP, MMSCOPE_PAGEWALK_ARM64_SW_DEVMAP);
	/*
	 * The MMU ignores an invalid entry: its nG is PRESENT_INVALID on
	 * 6.10+, and 6.1 uses bits 58 and 59 for the same purposes.
	 */
	if (valid) {
		PW_SET(out, raw & PTE_NG, MMSCOPE_PAGEWALK_ARM64_NG);
	} else {
		PW_SET(out, raw & MMSCOPE_ARM64_PROT_NONE,
		       MMSCOPE_PAGEWALK_ARM64_SW_PROT_NONE);
		PW_SET(out, raw & MMSCOPE_ARM64_PRESENT_INVALID,
		       MMSCOPE_PAGEWALK_ARM64_SW_PRESENT_INVALID);
	}
	out->attr = (raw & PTE_ATTRINDX_MASK) >> 2;
	out->mair = (pw_mair >> (8 * out->attr)) & 0xff;
	out->sh = mmscope_arm64_lpa2() ? MMSCOPE_PAGEWALK_SH_TCR : (raw >> 8) & 3;
}

pgd_t *pw_kernel_pgd(void)
{
	return (pgd_t *)__va(mmscope_kernel_pgd_pa());
}

/* TCR_EL1.HA (bit 39) and HD (bit 40): the CPU updates AF and dirty. */
#define PW_TCR_HA	BIT_ULL(39)
#define PW_TCR_HD	BIT_ULL(40)

void pw_arch_context(struct mm_struct *mm, struct mmscope_pagewalk_context *ctx)
{
	u64 tcr = read_sysreg(tcr_el1);

	if (arm64_kernel_unmapped_at_el0())
		ctx->hw_flags |= MMSCOPE_PAGEWALK_CTX_PTI;
	if (tcr & PW_TCR_HA)
		ctx->hw_flags |= MMSCOPE_PAGEWALK_CTX_HW_AF;
	if (tcr & PW_TCR_HD)
		ctx->hw_flags |= MMSCOPE_PAGEWALK_CTX_HW_DBM;
	ctx->mair = pw_mair;
	if (mm) {
		ctx->asid = atomic64_read(&mm->context.id) & 0xffff;
		ctx->hw_flags |= MMSCOPE_PAGEWALK_CTX_ASID;
	}
}
#endif
