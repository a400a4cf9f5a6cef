/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The one place for differences between the kernels and architectures the
 * suite builds for: Debian's 6.1 (bookworm) and 6.12 (trixie), x86_64 and
 * arm64. Modules use these helpers instead of testing kernel versions or
 * CONFIG_ options themselves. Every entry says which kernels it serves;
 * docs/kernel-interfaces.md lists the differences known so far.
 */
#ifndef _MMSCOPE_COMPAT_H
#define _MMSCOPE_COMPAT_H

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

/*
 * pageref: counts and fields of a folio. 6.1 keeps the entire (PMD) map
 * count and the pin count in the first tail page (compound_mapcount,
 * compound_pincount), 6.12 in struct folio (_entire_mapcount, _pincount,
 * plus _large_mapcount, the total). 6.1's folio_mapcount() is out of line
 * and not exported; page_mapcount() is gone in 6.12.
 */
#include <linux/mm.h>
#include <linux/page-flags.h>
#include <linux/swap.h>

/*
 * 6.12 keeps the pin count in struct folio and says so with the
 * folio_has_pincount() macro; 6.1 has neither. The same kernels differ in
 * every other entry of this group.
 */
#ifndef folio_has_pincount
/* Entries of one page (PTE and PMD), as /proc/kpagecount: 6.1 and 6.12. */
static inline int mmscope_page_mapcount(struct page *page)
{
	return page_mapcount(page);
}

/*
 * Mappings of any page of the folio. In 6.1 a PTE-mapped page of a file
 * THP counts the PMD mappings in its own _mapcount too, and an anon THP
 * mapped by PMD and PTEs at once (PG_double_map) has every page's
 * _mapcount raised by one.
 */
static inline int mmscope_folio_total_mapcount(struct folio *folio)
{
	long i, nr = folio_nr_pages(folio);
	int entire, sum = 0;

	if (!folio_test_large(folio))
		return atomic_read(&folio->_mapcount) + 1;
	entire = folio_entire_mapcount(folio);
	if (folio_test_hugetlb(folio))
		return entire;
	for (i = 0; i < nr; i++)
		sum += atomic_read(&folio_page(folio, i)->_mapcount) + 1;
	if (!folio_test_anon(folio))
		return entire + sum - entire * nr;
	if (PageDoubleMap(folio_page(folio, 0)))
		sum -= nr;
	return entire + sum;
}

static inline int mmscope_folio_pincount(struct folio *folio)
{
	return atomic_read(folio_pincount_ptr(folio));
}

static inline unsigned long mmscope_folio_swap_val(struct folio *folio)
{
	return folio_swap_entry(folio).val;
}

/* Pages whose _mapcount holds something else (buddy, page table, slab). */
static inline bool mmscope_page_is_typed(struct page *page)
{
	return page_has_type(page) || PageSlab(page);
}

static inline bool mmscope_folio_test_error(struct folio *folio)
{
	return folio_test_error(folio);
}

#define mmscope_get_user_pages_remote(mm, start, nr, flags, pages) \
	get_user_pages_remote(mm, start, nr, flags, pages, NULL, NULL)

/* 64-bit only: one load reads the whole entry. */
#define mmscope_pmdp_get_lockless(pmdp) READ_ONCE(*(pmdp))
#define mmscope_pin_user_pages_remote(mm, start, nr, flags, pages) \
	pin_user_pages_remote(mm, start, nr, flags, pages, NULL, NULL)
#else
static inline int mmscope_page_mapcount(struct page *page)
{
	struct folio *folio = page_folio(page);
	int n = atomic_read(&page->_mapcount) + 1;

	if (page_mapcount_is_type(n))
		n = 0;
	if (folio_test_large(folio))
		n += folio_entire_mapcount(folio);
	return n;
}

static inline int mmscope_folio_total_mapcount(struct folio *folio)
{
	return folio_mapcount(folio);
}

static inline int mmscope_folio_pincount(struct folio *folio)
{
	return atomic_read(&folio->_pincount);
}

static inline unsigned long mmscope_folio_swap_val(struct folio *folio)
{
	return folio->swap.val;
}

static inline bool mmscope_page_is_typed(struct page *page)
{
	return page_has_type(page);
}

/* PG_error is gone since 6.12. */
static inline bool mmscope_folio_test_error(struct folio *folio)
{
	return false;
}

#define mmscope_get_user_pages_remote(mm, start, nr, flags, pages) \
	get_user_pages_remote(mm, start, nr, flags, pages, NULL)

#define mmscope_pmdp_get_lockless(pmdp) pmdp_get_lockless(pmdp)
#define mmscope_pin_user_pages_remote(mm, start, nr, flags, pages) \
	pin_user_pages_remote(mm, start, nr, flags, pages, NULL)
#endif

/* PG_young and PG_idle are page flags only with these; else page_ext. */
#if defined(CONFIG_PAGE_IDLE_FLAG) && defined(CONFIG_64BIT)
static inline bool mmscope_folio_test_young(struct folio *folio)
{
	return test_bit(PG_young, &folio->flags);
}

static inline bool mmscope_folio_test_idle(struct folio *folio)
{
	return test_bit(PG_idle, &folio->flags);
}
#else
static inline bool mmscope_folio_test_young(struct folio *folio)
{
	return false;
}

static inline bool mmscope_folio_test_idle(struct folio *folio)
{
	return false;
}
#endif

/*
 * pagewalk: mapping and locking a PTE table, the kernel's root table,
 * and the arch bits whose meaning moved between 6.1 and 6.12.
 */
#include <linux/mm.h>
#include <linux/pgtable.h>
#include <linux/rcupdate.h>
#include <linux/spinlock.h>

#ifdef pte_offset_map_lock
/*
 * 6.1 (bookworm), where pte_offset_map_lock() is a macro: PTE tables
 * are freed only under mmap_write_lock, so a PMD seen pointing to a table
 * keeps doing so under mmap_read_lock and pte_offset_map_lock() (all
 * inline) never fails.
 */
static inline pte_t *mmscope_pte_map_lock(struct mm_struct *mm, pmd_t *pmd,
					  unsigned long addr, spinlock_t **ptlp)
{
	return pte_offset_map_lock(mm, pmd, addr, ptlp);
}

static inline void mmscope_pte_unmap_unlock(pte_t *pte, spinlock_t *ptl)
{
	pte_unmap_unlock(pte, ptl);
}
#else
/*
 * 6.5+ (trixie), where it is a function: a PTE table may be freed under
 * mmap_read_lock (khugepaged retracts tables of file THPs and frees them
 * after an RCU grace period), so the table is reached under
 * rcu_read_lock() and the PMD checked again once its lock is held; NULL
 * when the PMD no longer points to a table (the caller reads it again).
 * pte_offset_map_lock() does this, but its out-of-line part
 * (__pte_offset_map_lock) is not exported to modules.
 */
static inline pte_t *mmscope_pte_map_lock(struct mm_struct *mm, pmd_t *pmd,
					  unsigned long addr, spinlock_t **ptlp)
{
	spinlock_t *ptl;	/* the PTE table's split lock */
	pmd_t pmdval;

	rcu_read_lock();
	pmdval = READ_ONCE(*pmd);
	if (pmd_none(pmdval) || !pmd_present(pmdval) || pmd_leaf(pmdval) ||
	    pmd_trans_huge(pmdval) || pmd_devmap(pmdval) || pmd_bad(pmdval))
		goto fail;
	ptl = pte_lockptr(mm, &pmdval);
	spin_lock(ptl);
	if (!pmd_same(pmdval, READ_ONCE(*pmd))) {
		spin_unlock(ptl);
		goto fail;
	}
	*ptlp = ptl;
	return pte_offset_kernel(&pmdval, addr);
fail:
	rcu_read_unlock();
	return NULL;
}

static inline void mmscope_pte_unmap_unlock(pte_t *pte, spinlock_t *ptl)
{
	spin_unlock(ptl);
	rcu_read_unlock();
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

/* 6.6+ keeps the dirty bit of a write-protected entry in SoftW5. */
#ifdef _PAGE_SAVED_DIRTY
#define MMSCOPE_X86_SAVED_DIRTY		((u64)_PAGE_SAVED_DIRTY)
#else
#define MMSCOPE_X86_SAVED_DIRTY		0ULL
#endif
#endif

#endif /* _MMSCOPE_COMPAT_H */
