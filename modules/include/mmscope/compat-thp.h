/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Transparent huge page differences: the kernel's verdict on a VMA, the
 * split and collapse entry points, the prctl and khugepaged mm flags,
 * DoubleMap, the deferred split queue and the khugepaged tracepoints.
 * Part of the suite's compat layer (<mmscope/compat.h> includes every
 * part): Debian's 6.1 (bookworm), 6.12 (trixie) and 7.x
 * (trixie-backports), x86_64 and arm64. docs/kernels.md lists them.
 *
 *  - verdict: 6.1 hugepage_vma_check(vma, vm_flags, smaps, in_pf,
 *    enforce_sysfs) -> bool; 6.12 __thp_vma_allowable_orders(vma,
 *    vm_flags, TVA_SMAPS | TVA_ENFORCE_SYSFS, orders) with the per-size
 *    anon masks applied by an inline wrapper over data symbols; 7.x the
 *    same with an enum tva_type (TVA_SMAPS). None is exported.
 *  - split: 6.1 split_huge_page_to_list(page, list); 6.12
 *    split_huge_page_to_list_to_order(page, list, order); 7.x
 *    __split_huge_page_to_list_to_order(page, list, order).
 *  - collapse: madvise_collapse(vma, &prev, start, end) up to 6.12,
 *    madvise_collapse(vma, start, end, &lock_dropped) on 7.x; both return
 *    with the mmap lock held for read.
 *  - prctl(PR_SET_THP_DISABLE): MMF_DISABLE_THP in mm->flags up to 6.12;
 *    7.x splits it in _COMPLETELY and _EXCEPT_ADVISED and mm->flags is an
 *    mm_flags_t read through mm_flags_test().
 *  - 6.1 has PG_double_map and the deferred list in the third page;
 *    6.12 and 7.x keep folio->_deferred_list and PG_partially_mapped.
 *  - tracepoint mm_khugepaged_scan_pmd passes a page on 6.1 and 6.12, a
 *    pfn on 7.x; mm_collapse_huge_page gains an order on 7.x.
 */
#ifndef _MMSCOPE_COMPAT_THP_H
#define _MMSCOPE_COMPAT_THP_H

#include <linux/mm.h>
#include <linux/huge_mm.h>
#include <linux/mm_types.h>
#include <linux/sched/coredump.h>

/*
 * Header feature tests instead of version numbers: THP_ORDERS_ALL comes
 * with multi-size THP (6.8), TVA_ENFORCE_SYSFS is a 6.8-6.17 flag that
 * 7.x turned into enum tva_type. DoubleMap went in 6.2, before mTHP
 * came, and has no macro of its own; among the kernels the suite
 * supports, "no THP_ORDERS_ALL" is exactly the kernels with DoubleMap.
 */
#ifndef THP_ORDERS_ALL
/* 6.1: one THP size, the PMD's. */
#define MMSCOPE_THP_ORDERS_ALL		BIT(HPAGE_PMD_ORDER)
#define MMSCOPE_THP_MTHP		0
#else
#define MMSCOPE_THP_ORDERS_ALL		THP_ORDERS_ALL
#define MMSCOPE_THP_MTHP		1
#endif

/* The names the core's resolver gives out for each entry point. */
#if !MMSCOPE_THP_MTHP
#define MMSCOPE_THP_VERDICT_SYM		"hugepage_vma_check"
#define MMSCOPE_THP_SPLIT_SYM		"split_huge_page_to_list"
#define MMSCOPE_THP_HAS_ORDERS		0
#elif defined(TVA_ENFORCE_SYSFS)
#define MMSCOPE_THP_VERDICT_SYM		"__thp_vma_allowable_orders"
#define MMSCOPE_THP_SPLIT_SYM		"split_huge_page_to_list_to_order"
#define MMSCOPE_THP_HAS_ORDERS		1
#else
#define MMSCOPE_THP_VERDICT_SYM		"__thp_vma_allowable_orders"
#define MMSCOPE_THP_SPLIT_SYM		"__split_huge_page_to_list_to_order"
#define MMSCOPE_THP_HAS_ORDERS		1
#endif

/*
 * Resolved addresses the helpers below call through; the module fills
 * them at load. A NULL disables the feature that needs it.
 */
struct mmscope_thp_syms {
	void *verdict;
	void *split;
	void *collapse;
	unsigned long *thp_flags;	/* transparent_hugepage_flags */
	unsigned long *orders_always;	/* huge_anon_orders_* (6.12+) */
	unsigned long *orders_madvise;
	unsigned long *orders_inherit;
};

#if !MMSCOPE_THP_HAS_ORDERS
typedef bool (*mmscope_thp_verdict_fn)(struct vm_area_struct *vma,
				       unsigned long vm_flags, bool smaps,
				       bool in_pf, bool enforce_sysfs);

/* The orders smaps' THPeligible says yes to (6.1: the PMD order or none). */
static inline unsigned long
mmscope_thp_vma_orders(const struct mmscope_thp_syms *s,
		       struct vm_area_struct *vma, bool *exact)
{
	mmscope_thp_verdict_fn fn = s->verdict;

	*exact = true;
	return fn(vma, vma->vm_flags, true, false, true) ?
	       BIT(HPAGE_PMD_ORDER) : 0;
}
#else
#ifdef TVA_ENFORCE_SYSFS
#define MMSCOPE_TVA_SMAPS	(TVA_SMAPS | TVA_ENFORCE_SYSFS)
typedef unsigned long (*mmscope_thp_verdict_fn)(struct vm_area_struct *vma,
						unsigned long vm_flags,
						unsigned long tva_flags,
						unsigned long orders);
#else
#define MMSCOPE_TVA_SMAPS	TVA_SMAPS
typedef unsigned long (*mmscope_thp_verdict_fn)(struct vm_area_struct *vma,
						vm_flags_t vm_flags,
						enum tva_type type,
						unsigned long orders);
#endif

/*
 * The kernel's smaps verdict: the anon per-size masks the inline
 * thp_vma_allowable_orders() applies (data symbols; without them the
 * orders are the kernel's before the masks: @exact false), then the
 * out-of-line check.
 */
static inline unsigned long
mmscope_thp_vma_orders(const struct mmscope_thp_syms *s,
		       struct vm_area_struct *vma, bool *exact)
{
	mmscope_thp_verdict_fn fn = s->verdict;
	unsigned long orders = MMSCOPE_THP_ORDERS_ALL, mask, flags;
	vm_flags_t vm_flags = vma->vm_flags;

	*exact = s->thp_flags && s->orders_always && s->orders_madvise &&
		 s->orders_inherit;
	if (*exact && vma_is_anonymous(vma)) {
		flags = READ_ONCE(*s->thp_flags);
		mask = READ_ONCE(*s->orders_always);
		if (vm_flags & VM_HUGEPAGE)
			mask |= READ_ONCE(*s->orders_madvise);
		if ((flags & BIT(TRANSPARENT_HUGEPAGE_FLAG)) ||
		    ((vm_flags & VM_HUGEPAGE) &&
		     (flags & BIT(TRANSPARENT_HUGEPAGE_REQ_MADV_FLAG))))
			mask |= READ_ONCE(*s->orders_inherit);
		orders &= mask;
		if (!orders)
			return 0;
	}
	return fn(vma, vm_flags, MMSCOPE_TVA_SMAPS, orders);
}
#endif

/*
 * The check MADV_COLLAPSE makes first on the VMA: the kernel's verdict
 * for a collapse (sysfs not enforced) on the PMD order.
 */
#if !MMSCOPE_THP_HAS_ORDERS
static inline bool mmscope_thp_collapse_allowed(const struct mmscope_thp_syms *s,
						struct vm_area_struct *vma)
{
	mmscope_thp_verdict_fn fn = s->verdict;

	return fn(vma, vma->vm_flags, false, false, false);
}
#else
#ifdef TVA_ENFORCE_SYSFS
#define MMSCOPE_TVA_COLLAPSE	0
#else
#define MMSCOPE_TVA_COLLAPSE	TVA_FORCED_COLLAPSE
#endif
static inline bool mmscope_thp_collapse_allowed(const struct mmscope_thp_syms *s,
						struct vm_area_struct *vma)
{
	mmscope_thp_verdict_fn fn = s->verdict;

	return fn(vma, vma->vm_flags, MMSCOPE_TVA_COLLAPSE,
		  BIT(HPAGE_PMD_ORDER)) != 0;
}
#endif

/* Split the locked folio (a reference held) to @order. */
#if !MMSCOPE_THP_HAS_ORDERS
typedef int (*mmscope_thp_split_fn)(struct page *page, struct list_head *list);

static inline int mmscope_thp_split(const struct mmscope_thp_syms *s,
				    struct folio *folio, unsigned int order)
{
	mmscope_thp_split_fn fn = s->split;

	if (order)
		return -EOPNOTSUPP;
	return fn(&folio->page, NULL);
}
#else
typedef int (*mmscope_thp_split_fn)(struct page *page, struct list_head *list,
				    unsigned int order);

static inline int mmscope_thp_split(const struct mmscope_thp_syms *s,
				    struct folio *folio, unsigned int order)
{
	mmscope_thp_split_fn fn = s->split;

	return fn(&folio->page, NULL, order);
}
#endif

/*
 * MADV_COLLAPSE on [start, end) of @vma (inside it), the mmap lock held
 * for read; returns with it held for read (it may have been dropped and
 * taken again: @vma is then stale).
 */
#if defined(TVA_ENFORCE_SYSFS) || !MMSCOPE_THP_MTHP
#define MMSCOPE_THP_COLLAPSE_PREV	1
#else
#define MMSCOPE_THP_COLLAPSE_PREV	0
#endif

#if MMSCOPE_THP_COLLAPSE_PREV
typedef int (*mmscope_thp_collapse_fn)(struct vm_area_struct *vma,
				       struct vm_area_struct **prev,
				       unsigned long start, unsigned long end);

static inline int mmscope_thp_collapse(const struct mmscope_thp_syms *s,
				       struct vm_area_struct *vma,
				       unsigned long start, unsigned long end)
{
	mmscope_thp_collapse_fn fn = s->collapse;
	struct vm_area_struct *prev;

	return fn(vma, &prev, start, end);
}
#else
typedef int (*mmscope_thp_collapse_fn)(struct vm_area_struct *vma,
				       unsigned long start, unsigned long end,
				       bool *lock_dropped);

static inline int mmscope_thp_collapse(const struct mmscope_thp_syms *s,
				       struct vm_area_struct *vma,
				       unsigned long start, unsigned long end)
{
	mmscope_thp_collapse_fn fn = s->collapse;
	bool dropped = false;

	return fn(vma, start, end, &dropped);
}
#endif

/* prctl(PR_SET_THP_DISABLE) keeps THP off this VMA; khugepaged has the mm. */
#ifdef MMF_DISABLE_THP_COMPLETELY
static inline bool mmscope_thp_prctl_disabled(struct vm_area_struct *vma)
{
	struct mm_struct *mm = vma->vm_mm;

	return mm_flags_test(MMF_DISABLE_THP_COMPLETELY, mm) ||
	       (mm_flags_test(MMF_DISABLE_THP_EXCEPT_ADVISED, mm) &&
		!(vma->vm_flags & VM_HUGEPAGE));
}

static inline bool mmscope_thp_mm_registered(struct mm_struct *mm)
{
	return mm_flags_test(MMF_VM_HUGEPAGE, mm);
}
#else
static inline bool mmscope_thp_prctl_disabled(struct vm_area_struct *vma)
{
	return test_bit(MMF_DISABLE_THP, &vma->vm_mm->flags);
}

static inline bool mmscope_thp_mm_registered(struct mm_struct *mm)
{
	return test_bit(MMF_VM_HUGEPAGE, &mm->flags);
}
#endif

/* DoubleMap (6.1 only), the deferred split queue, partial mapping. */
#if !MMSCOPE_THP_MTHP
#define MMSCOPE_THP_HAS_DOUBLE_MAP	1

static inline bool mmscope_thp_double_map(struct folio *folio)
{
	return PageDoubleMap(&folio->page);
}

static inline bool mmscope_thp_deferred(struct folio *folio)
{
	return folio_order(folio) > 1 &&
	       !list_empty_careful(page_deferred_list(&folio->page));
}

/*
 * Mapped by PMDs only: then every page's map count is the entire one. A
 * 6.1 anon THP mapped by a PMD and by PTEs at once has PG_double_map.
 */
static inline bool mmscope_thp_pmd_only(struct folio *folio)
{
	return folio_test_anon(folio) && !PageDoubleMap(&folio->page) &&
	       folio_entire_mapcount(folio) > 0;
}

/* 6.1 queues a THP only when part of it was unmapped. */
static inline bool mmscope_thp_partially_mapped(struct folio *folio)
{
	return mmscope_thp_deferred(folio);
}
#else
#define MMSCOPE_THP_HAS_DOUBLE_MAP	0

static inline bool mmscope_thp_double_map(struct folio *folio)
{
	return false;
}

static inline bool mmscope_thp_deferred(struct folio *folio)
{
	return folio_order(folio) > 1 &&
	       !list_empty_careful(&folio->_deferred_list);
}

static inline bool mmscope_thp_partially_mapped(struct folio *folio)
{
	return folio_order(folio) > 1 && folio_test_partially_mapped(folio);
}

/* The large mapcount counts every mapping: no more than the PMD ones. */
static inline bool mmscope_thp_pmd_only(struct folio *folio)
{
	int entire = folio_entire_mapcount(folio);

	return entire > 0 && folio_mapcount(folio) == entire;
}
#endif

/*
 * The khugepaged tracepoints' probes: MMSCOPE_THP_SCAN_PROBE(name, fn)
 * defines a probe of mm_khugepaged_scan_pmd that calls fn(mm, pfn,
 * referenced, none_or_zero, status, unmapped) (pfn -1UL: no page),
 * MMSCOPE_THP_COLLAPSE_PROBE(name, fn) one of mm_collapse_huge_page that
 * calls fn(mm, status).
 *
 * MMSCOPE_THP_SCAN_NAMES: the kernel's names of its scan results in the
 * order of its enum scan_result (mm/khugepaged.c), as its trace events
 * print them (include/trace/events/huge_memory.h).
 */
#if !MMSCOPE_THP_MTHP || defined(TVA_ENFORCE_SYSFS)
static inline unsigned long mmscope_thp_page_pfn(struct page *page)
{
	return page ? page_to_pfn(page) : -1UL;
}

#define MMSCOPE_THP_SCAN_PROBE(name, fn)				\
static void name(void *data, struct mm_struct *mm, struct page *page,	\
		 bool writable, int referenced, int none_or_zero,	\
		 int status, int unmapped)				\
{									\
	fn(mm, mmscope_thp_page_pfn(page), referenced, none_or_zero,	\
	   status, unmapped);						\
}

#define MMSCOPE_THP_COLLAPSE_PROBE(name, fn)				\
static void name(void *data, struct mm_struct *mm, int isolated,	\
		 int status)						\
{									\
	fn(mm, status);							\
}

#define MMSCOPE_THP_SCAN_NAMES_COMMON					\
	"failed", "succeeded", "pmd_null", "pmd_none", "page_pmd_mapped", \
	"exceed_none_pte", "exceed_swap_pte", "exceed_shared_pte",	\
	"pte_non_present", "pte_uffd_wp", "pte_mapped_hugepage",	\
	"no_writable_page", "lack_referenced_page", "page_null",	\
	"scan_aborted", "not_suitable_page_count", "page_not_in_lru",	\
	"page_locked", "page_not_anon", "page_compound",		\
	"no_process_for_page", "vma_null", "vma_check_failed",		\
	"not_suitable_address_range", "could_not_delete_page_from_lru", \
	"alloc_huge_page_failed", "ccgroup_charge_failed", "truncated",	\
	"page_has_private", "store_failed"
#ifdef TVA_ENFORCE_SYSFS
#define MMSCOPE_THP_SCAN_NAMES { MMSCOPE_THP_SCAN_NAMES_COMMON,		\
	"copy_poisoned_page", "page_filled" }
#else
#define MMSCOPE_THP_SCAN_NAMES { MMSCOPE_THP_SCAN_NAMES_COMMON }
#endif
#else
#define MMSCOPE_THP_SCAN_PROBE(name, fn)				\
static void name(void *data, struct mm_struct *mm, unsigned long pfn,	\
		 int referenced, int none_or_zero, int status,		\
		 int unmapped)						\
{									\
	fn(mm, pfn, referenced, none_or_zero, status, unmapped);	\
}

#define MMSCOPE_THP_COLLAPSE_PROBE(name, fn)				\
static void name(void *data, struct mm_struct *mm, int isolated,	\
		 int status, unsigned int order)			\
{									\
	fn(mm, status);							\
}

#define MMSCOPE_THP_SCAN_NAMES {					\
	"failed", "succeeded", "no_pte_table", "page_pmd_mapped",	\
	"exceed_none_pte", "exceed_swap_pte", "exceed_shared_pte",	\
	"pte_non_present", "pte_uffd_wp", "pte_mapped_hugepage",	\
	"lack_referenced_page", "page_null", "scan_aborted",		\
	"not_suitable_page_count", "page_not_in_lru", "page_locked",	\
	"page_not_anon", "page_lazyfree", "page_compound",		\
	"no_process_for_page", "vma_null", "vma_check_failed",		\
	"not_suitable_address_range", "could_not_delete_page_from_lru", \
	"alloc_huge_page_failed", "ccgroup_charge_failed", "truncated",	\
	"page_has_private", "store_failed", "copy_poisoned_page",	\
	"page_filled", "page_dirty_or_writeback" }
#endif

#endif /* _MMSCOPE_COMPAT_THP_H */
