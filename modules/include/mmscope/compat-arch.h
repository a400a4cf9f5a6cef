/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Architecture differences: names, the kernel's root table, VA sizes,
 * descriptor bits, and calling a function found through a kprobe.
 * Part of the suite's one compat layer (<mmscope/compat.h> includes every
 * part): Debian's 6.1 (bookworm), 6.12 (trixie) and 7.x (trixie-backports),
 * x86_64 and arm64. Entries are keyed on what the kernel's headers define,
 * not on version numbers, except where no definition marks the change (said
 * at the entry). docs/kernels.md lists the differences.
 */
#ifndef _MMSCOPE_COMPAT_ARCH_H
#define _MMSCOPE_COMPAT_ARCH_H

#include <linux/compiler.h>
#include <linux/kprobes.h>
#include <linux/types.h>
#include <linux/uaccess.h>

#ifdef CONFIG_X86_KERNEL_IBT
#include <asm/cpufeature.h>
#endif

/* Architecture name as the build and the guests spell it (not uname -m). */
#if defined(CONFIG_X86_64)
#define MMSCOPE_ARCH "x86_64"
#elif defined(CONFIG_ARM64)
#define MMSCOPE_ARCH "arm64"
#else
#error "mmscope supports x86_64 and arm64"
#endif

#ifdef CONFIG_X86_KERNEL_IBT
/* ENDBR64 (f3 0f 1e fa) and what sealing writes over it (66 0f 1f 00). */
#define MMSCOPE_X86_ENDBR64 0xfa1e0ff3U
#define MMSCOPE_X86_ENDBR_SEALED 0x001f0f66U

/*
 * Address to call a function at, given a kprobe registered on its name.
 * On x86 kernels built with IBT (6.12) a function starts with ENDBR64 and
 * the kprobe sits right after it: step back, an indirect call must land
 * there. The kernel seals functions whose address it never takes, writing
 * a NOP over their ENDBR64 at boot: such a function can be called only
 * while the CPU does not enforce IBT (return 0 when it does).
 */
static inline unsigned long mmscope_kprobe_call_addr(const struct kprobe *kp)
{
	unsigned long addr = (unsigned long)kp->addr;
	u32 insn;

	if (get_kernel_nofault(insn, (u32 *)(addr - sizeof(insn))))
		return 0;
	if (insn == MMSCOPE_X86_ENDBR64)
		return addr - sizeof(insn);
	if (cpu_feature_enabled(X86_FEATURE_IBT))
		return 0;
	if (insn == MMSCOPE_X86_ENDBR_SEALED)
		return addr - sizeof(insn);
	return addr;
}
#else
static inline unsigned long mmscope_kprobe_call_addr(const struct kprobe *kp)
{
	return (unsigned long)kp->addr;
}
#endif

#if defined(CONFIG_ARM64)
#include <asm/memory.h>
#include <asm/sysreg.h>
/*
 * arm64: the kernel's root table is in TTBR1_EL1 (swapper_pg_dir while
 * the kernel runs, KPTI or not); init_mm is data, not resolvable where
 * CONFIG_KALLSYMS_ALL is off (Debian 6.1). Bits [63:48] are the ASID and
 * bit 0 CnP. With 52-bit physical addresses (trixie: CONFIG_ARM64_PA_BITS_52)
 * BADDR bits [5:2] hold PA bits [51:48].
 */
static inline phys_addr_t mmscope_kernel_pgd_pa(void)
{
	u64 ttbr = read_sysreg(ttbr1_el1);

#ifdef CONFIG_ARM64_PA_BITS_52
	return (ttbr & GENMASK_ULL(47, 6)) | ((ttbr & GENMASK_ULL(5, 2)) << 46);
#else
	return ttbr & GENMASK_ULL(47, 1);
#endif
}

/*
 * VA bits in use: 6.12 built for 52 bits (trixie) falls back to 48 at
 * boot on CPUs without LPA2, so vabits_actual (TCR_EL1.T1SZ there, a
 * constant on 6.1) rather than VA_BITS; the kernel half starts at
 * -2^vabits_actual.
 */
#define MMSCOPE_KERNEL_VA_MIN	((unsigned long)_PAGE_OFFSET(vabits_actual))
#define MMSCOPE_USER_VA_BITS	((unsigned int)vabits_actual)

/*
 * With LPA2 (6.9+, trixie on CPUs that have it) descriptor bits [9:8]
 * are output address bits, and shareability comes from TCR_EL1; the
 * kernels that know LPA2 define PTE_MAYBE_SHARED.
 */
#ifdef PTE_MAYBE_SHARED
#define mmscope_arm64_lpa2()	lpa2_is_enabled()
#else
#define mmscope_arm64_lpa2()	false
#endif

/*
 * Software bits of a non-valid entry that Linux treats as present:
 * 6.1 marks PROT_NONE PTEs with bit 58 and a PMD invalidated during a
 * THP split with bit 59; 6.10+ reuses nG (bit 11) for both.
 */
#ifdef PTE_PRESENT_INVALID
#define MMSCOPE_ARM64_PROT_NONE		0ULL
#define MMSCOPE_ARM64_PRESENT_INVALID	((u64)PTE_PRESENT_INVALID)
#else
#define MMSCOPE_ARM64_PROT_NONE		((u64)PTE_PROT_NONE)
#define MMSCOPE_ARM64_PRESENT_INVALID	((u64)PMD_PRESENT_INVALID)
#endif

/* The devmap software bit (bit 57) is gone in 7.x. */
#ifdef PTE_DEVMAP
#define MMSCOPE_ARM64_DEVMAP		((u64)PTE_DEVMAP)
#else
#define MMSCOPE_ARM64_DEVMAP		0ULL
#endif

#elif defined(CONFIG_X86_64)
#include <asm/pgtable.h>
/*
 * x86_64: every mm's pgd maps the kernel half with the same entries as
 * init_mm (copied at pgd_alloc, kept in sync for 5-level), so the
 * caller's own mm serves as the kernel's root.
 */
static inline phys_addr_t mmscope_kernel_pgd_pa(void)
{
	return __pa(current->active_mm->pgd);
}

#define MMSCOPE_KERNEL_VA_MIN	(~0UL << __VIRTUAL_MASK_SHIFT)
#define MMSCOPE_USER_VA_BITS	(__VIRTUAL_MASK_SHIFT + 1)

/*
 * The userfaultfd bit: _PAGE_UFFD_WP in 6.x, _PAGE_UFFD in 7.x (shared by
 * write- and read-write protection). The devmap bit is gone in 7.x.
 */
#ifdef _PAGE_UFFD
#define MMSCOPE_X86_UFFD		((u64)_PAGE_UFFD)
#else
#define MMSCOPE_X86_UFFD		((u64)_PAGE_UFFD_WP)
#endif
#ifdef _PAGE_DEVMAP
#define MMSCOPE_X86_DEVMAP		((u64)_PAGE_DEVMAP)
#else
#define MMSCOPE_X86_DEVMAP		0ULL
#endif

/* 6.6+ keeps the dirty bit of a write-protected entry in SoftW5. */
#ifdef _PAGE_SAVED_DIRTY
#define MMSCOPE_X86_SAVED_DIRTY		((u64)_PAGE_SAVED_DIRTY)
#else
#define MMSCOPE_X86_SAVED_DIRTY		0ULL
#endif
#endif

#endif /* _MMSCOPE_COMPAT_ARCH_H */
