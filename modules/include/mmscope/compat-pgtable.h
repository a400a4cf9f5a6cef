/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Page-table differences the core's walker (modules/core/walk.c) lives
 * with, between Debian's 6.1 (bookworm) and 6.12 (trixie): how a PTE table
 * is reached and locked. The rules behind them are in <mmscope/walk.h>.
 */
#ifndef _MMSCOPE_COMPAT_PGTABLE_H
#define _MMSCOPE_COMPAT_PGTABLE_H

#include <linux/mm.h>
#include <linux/pgtable.h>
#include <linux/rcupdate.h>
#include <linux/spinlock.h>

/*
 * DAX (devmap) leaves have their own bit where the arch keeps one (x86_64
 * and arm64 on 6.1 and 6.12); kernels without the bit have no such test.
 */
#ifdef CONFIG_ARCH_HAS_PTE_DEVMAP
#define mmscope_pmd_devmap(pmd)	pmd_devmap(pmd)
#define mmscope_pud_devmap(pud)	pud_devmap(pud)
#else
#define mmscope_pmd_devmap(pmd)	false
#define mmscope_pud_devmap(pud)	false
#endif

/* A PMD entry that does not point to a PTE table Linux would follow. */
static inline bool mmscope_pmd_is_leaf(pmd_t pmd)
{
	return !pmd_present(pmd) || pmd_leaf(pmd) || pmd_trans_huge(pmd) ||
	       mmscope_pmd_devmap(pmd);
}

static inline bool mmscope_pud_is_leaf(pud_t pud)
{
	return !pud_present(pud) || pud_leaf(pud) || mmscope_pud_devmap(pud);
}

#ifdef pte_offset_map_lock
/*
 * 6.1, where pte_offset_map_lock() is a macro over inline code: a PTE
 * table is freed only under mmap_write_lock, so under mmap_read_lock a
 * PMD seen pointing to a table keeps doing so and this never fails.
 */
static inline pte_t *mmscope_pgtable_pte_lock(struct mm_struct *mm,
					      pmd_t *pmd, unsigned long addr,
					      spinlock_t **ptlp)
{
	return pte_offset_map_lock(mm, pmd, addr, ptlp);
}

static inline void mmscope_pgtable_pte_unlock(pte_t *pte, spinlock_t *ptl)
{
	pte_unmap_unlock(pte, ptl);
}
#else
/*
 * 6.5+, where pte_offset_map_lock() calls __pte_offset_map_lock(), which
 * is not exported: the same protocol in inline pieces. The table is
 * reached under rcu_read_lock() (a retracted or reclaimed table is freed
 * after a grace period), its lock taken, and the PMD compared again; NULL
 * when the PMD no longer points to that table (the caller reads it again).
 */
static inline pte_t *mmscope_pgtable_pte_lock(struct mm_struct *mm,
					      pmd_t *pmd, unsigned long addr,
					      spinlock_t **ptlp)
{
	spinlock_t *ptl;	/* the PTE table's split lock */
	pmd_t pmdval;

	rcu_read_lock();
	pmdval = READ_ONCE(*pmd);
	if (pmd_none(pmdval) || mmscope_pmd_is_leaf(pmdval) || pmd_bad(pmdval))
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

static inline void mmscope_pgtable_pte_unlock(pte_t *pte, spinlock_t *ptl)
{
	spin_unlock(ptl);
	rcu_read_unlock();
}
#endif

#endif /* _MMSCOPE_COMPAT_PGTABLE_H */
