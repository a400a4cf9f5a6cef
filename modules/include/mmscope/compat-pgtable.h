/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Page-table differences: reaching and locking a PTE table (the core's
 * walker, modules/core/walk.c; the rules are in <mmscope/walk.h>), leaf
 * tests, entry bits and non-present entries.
 * Part of the suite's one compat layer (<mmscope/compat.h> includes every
 * part): Debian's 6.1 (bookworm), 6.12 (trixie) and 7.x (trixie-backports),
 * x86_64 and arm64. Entries are keyed on what the kernel's headers define,
 * not on version numbers, except where no definition marks the change (said
 * at the entry). docs/kernels.md lists the differences.
 */
#ifndef _MMSCOPE_COMPAT_PGTABLE_H
#define _MMSCOPE_COMPAT_PGTABLE_H

#include <linux/mm.h>
#include <linux/pgtable.h>
#include <linux/rcupdate.h>
#include <linux/spinlock.h>
#include <linux/swap.h>

/*
 * DAX "devmap" entries: 6.1 and 6.12 mark them with a software bit
 * (CONFIG_ARCH_HAS_PTE_DEVMAP); 7.x dropped the bit and its helpers.
 */
#ifdef CONFIG_ARCH_HAS_PTE_DEVMAP
#define mmscope_pte_devmap(pte)	pte_devmap(pte)
#define mmscope_pmd_devmap(pmd)	pmd_devmap(pmd)
#define mmscope_pud_devmap(pud)	pud_devmap(pud)
#else
#define mmscope_pte_devmap(pte)	0
#define mmscope_pmd_devmap(pmd)	0
#define mmscope_pud_devmap(pud)	0
#endif

/*
 * The userfaultfd bit of a PTE: 6.x names it for write protection
 * (_PAGE_UFFD_WP, PTE_UFFD_WP: pte_uffd_wp()); 7.x shares it between
 * write- and read-write protection and calls it pte_uffd().
 */
#if defined(_PAGE_UFFD) || defined(PTE_UFFD)
#define mmscope_pte_uffd_wp(pte)	pte_uffd(pte)
#define mmscope_pte_swp_uffd_wp(pte)	pte_swp_uffd(pte)
#else
#define mmscope_pte_uffd_wp(pte)	pte_uffd_wp(pte)
#define mmscope_pte_swp_uffd_wp(pte)	pte_swp_uffd_wp(pte)
#endif

/*
 * What a non-present, non-none PTE holds, decoded alike on every kernel.
 * 6.1 and 6.12 ask swapops.h's is_*_entry() of a swp_entry_t; 7.x calls
 * the same encoding a software leaf (softleaf_t, <linux/leafops.h>) and
 * asks softleaf_*().
 */
enum mmscope_softpte_kind {
	MMSCOPE_SOFTPTE_SWAP,
	MMSCOPE_SOFTPTE_MIGRATION,
	MMSCOPE_SOFTPTE_DEVICE,
	MMSCOPE_SOFTPTE_HWPOISON,
	MMSCOPE_SOFTPTE_MARKER,
	MMSCOPE_SOFTPTE_OTHER,
};

struct mmscope_softpte {
	enum mmscope_softpte_kind kind;
	bool migration_write;
	unsigned long val;	/* the swp_entry_t's value */
	unsigned int type;	/* swp_type() */
	unsigned long offset;	/* swp_offset() */
	unsigned long pfn;	/* migration, device and hwpoison entries */
};

/* Includes <linux/leafops.h> on the kernels that have it. */
#include <linux/mm_inline.h>

#ifdef _LINUX_LEAFOPS_H

static inline void mmscope_softpte_decode(pte_t pte, struct mmscope_softpte *s)
{
	softleaf_t ent = softleaf_from_pte(pte);

	s->val = ent.val;
	s->type = swp_type(ent);
	s->offset = swp_offset(ent);
	s->pfn = 0;
	s->migration_write = false;
	if (softleaf_is_marker(ent)) {
		s->kind = MMSCOPE_SOFTPTE_MARKER;
	} else if (softleaf_is_migration(ent)) {
		s->kind = MMSCOPE_SOFTPTE_MIGRATION;
		s->migration_write = softleaf_is_migration_write(ent);
	} else if (softleaf_is_device_private(ent) ||
		   softleaf_is_device_exclusive(ent)) {
		s->kind = MMSCOPE_SOFTPTE_DEVICE;
	} else if (softleaf_is_hwpoison(ent)) {
		s->kind = MMSCOPE_SOFTPTE_HWPOISON;
	} else if (softleaf_is_swap(ent)) {
		s->kind = MMSCOPE_SOFTPTE_SWAP;
	} else {
		s->kind = MMSCOPE_SOFTPTE_OTHER;
	}
	if (softleaf_has_pfn(ent))
		s->pfn = softleaf_to_pfn(ent);
}
#else
#include <linux/swapops.h>

static inline void mmscope_softpte_decode(pte_t pte, struct mmscope_softpte *s)
{
	swp_entry_t ent = pte_to_swp_entry(pte);

	s->val = ent.val;
	s->type = swp_type(ent);
	s->offset = swp_offset(ent);
	s->pfn = 0;
	s->migration_write = false;
	if (is_pte_marker_entry(ent)) {
		s->kind = MMSCOPE_SOFTPTE_MARKER;
	} else if (is_migration_entry(ent)) {
		s->kind = MMSCOPE_SOFTPTE_MIGRATION;
		s->migration_write = is_writable_migration_entry(ent);
		s->pfn = swp_offset_pfn(ent);
	} else if (is_device_private_entry(ent) ||
		   is_device_exclusive_entry(ent)) {
		s->kind = MMSCOPE_SOFTPTE_DEVICE;
		s->pfn = swp_offset_pfn(ent);
	} else if (is_hwpoison_entry(ent)) {
		s->kind = MMSCOPE_SOFTPTE_HWPOISON;
		s->pfn = swp_offset_pfn(ent);
	} else if (non_swap_entry(ent)) {
		s->kind = MMSCOPE_SOFTPTE_OTHER;
	} else {
		s->kind = MMSCOPE_SOFTPTE_SWAP;
	}
}
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
