/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Folio and page differences: map, pin and reference counts, flags,
 * swap entries of swap-cache folios, GUP.
 * Part of the suite's one compat layer (<mmscope/compat.h> includes every
 * part): Debian's 6.1 (bookworm), 6.12 (trixie) and 7.x (trixie-backports),
 * x86_64 and arm64. Entries are keyed on what the kernel's headers define,
 * not on version numbers, except where no definition marks the change (said
 * at the entry). docs/kernels.md lists the differences.
 */
#ifndef _MMSCOPE_COMPAT_FOLIO_H
#define _MMSCOPE_COMPAT_FOLIO_H

#include <linux/version.h>
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
 * 6.1 keeps the entire mapcount and the pin count in the first tail page
 * and has PG_double_map; 6.3 moved both into struct folio. Nothing the
 * headers define marks that layout (6.12 said it with a folio_has_pincount()
 * macro, 7.x made that an inline function), so this group keys on the
 * version. 6.1 differs from 6.12 and 7.x in every entry of the group.
 */
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 3, 0)
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

/*
 * PG_young and PG_idle are page flags only with these; else page_ext. The
 * kernel's own tests are used: folio->flags is memdesc_flags_t in 7.x, not
 * an unsigned long.
 */
#if defined(CONFIG_PAGE_IDLE_FLAG) && defined(CONFIG_64BIT)
#include <linux/page_idle.h>

static inline bool mmscope_folio_test_young(struct folio *folio)
{
	return folio_test_young(folio);
}

static inline bool mmscope_folio_test_idle(struct folio *folio)
{
	return folio_test_idle(folio);
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
 * folio->flags as one word: an unsigned long up to 6.12, memdesc_flags_t
 * (a struct around one unsigned long) in 7.x. Read once, without tearing.
 */
static inline unsigned long mmscope_folio_flags(const struct folio *folio)
{
	BUILD_BUG_ON(sizeof(folio->flags) != sizeof(unsigned long));
	return READ_ONCE(*(const unsigned long *)&folio->flags);
}

/*
 * Pages with movable_ops (balloon, zsmalloc): 6.1 and 6.12 mark them with
 * PAGE_MAPPING_MOVABLE in ->mapping; 7.x keeps a page type for them and
 * asks page_has_movable_ops().
 */
#ifdef PAGE_MAPPING_MOVABLE
#define mmscope_folio_has_movable_ops(folio) __folio_test_movable(folio)
#else
#define mmscope_folio_has_movable_ops(folio) page_has_movable_ops(&(folio)->page)
#endif

#endif /* _MMSCOPE_COMPAT_FOLIO_H */
