/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * The page reference "sites": kernel functions that take, drop or move
 * folio references and page mappings, where mmscope_pageref's watch
 * (kretprobes) and the pageref BPF tracer (fexit or kretprobes) compare a
 * watched page's counts with what they saw last. Most reference changes
 * happen in inline code, so a site is the first probed function to
 * return after a change.
 *
 * One line per site, in a fixed order (the index is the site's number in
 * the tracer's records and maps):
 *
 *   MMSCOPE_PAGEREF_SITE(ID, "function", "kernels", "what it means")
 *
 * "kernels" says where the function exists as a probe-able symbol; a site
 * the running kernel lacks (absent, renamed or inlined) is skipped and
 * listed as such, never an error. Adding a site is one line here.
 *
 * No include guard: define MMSCOPE_PAGEREF_SITE(id, func, kernels, what),
 * then include this file; it undefines the macro at the end.
 */
MMSCOPE_PAGEREF_SITE(COPY_PAGE_RANGE, "copy_page_range", "all",
		     "fork: the child's mappings and references")
MMSCOPE_PAGEREF_SITE(TRY_GRAB_FOLIO, "try_grab_folio", "all",
		     "GUP takes a reference or a pin")
MMSCOPE_PAGEREF_SITE(TRY_GRAB_PAGE, "try_grab_page", "6.1",
		     "GUP takes a reference or a pin on one page")
MMSCOPE_PAGEREF_SITE(TRY_GRAB_FOLIO_FAST, "try_grab_folio_fast", "6.12+",
		     "GUP-fast takes a reference or a pin")
MMSCOPE_PAGEREF_SITE(UNPIN_USER_PAGE, "unpin_user_page", "all",
		     "a pin is dropped")
MMSCOPE_PAGEREF_SITE(UNPIN_USER_PAGES, "unpin_user_pages", "all",
		     "pins are dropped")
MMSCOPE_PAGEREF_SITE(FOLIO_PUT, "__folio_put", "all",
		     "the last reference is dropped: the folio is freed")
MMSCOPE_PAGEREF_SITE(RELEASE_PAGES, "release_pages", "all",
		     "a batch of references is dropped (unmap, TLB flush)")
MMSCOPE_PAGEREF_SITE(PAGE_ADD_ANON_RMAP, "page_add_anon_rmap", "6.1",
		     "an anonymous page is mapped again")
MMSCOPE_PAGEREF_SITE(PAGE_ADD_NEW_ANON_RMAP, "page_add_new_anon_rmap", "6.1",
		     "a new anonymous page is mapped")
MMSCOPE_PAGEREF_SITE(FOLIO_ADD_NEW_ANON_RMAP, "folio_add_new_anon_rmap",
		     "6.12+", "a new anonymous folio is mapped")
MMSCOPE_PAGEREF_SITE(FOLIO_ADD_ANON_RMAP_PTES, "folio_add_anon_rmap_ptes",
		     "6.12+", "anonymous pages are mapped again by PTEs")
MMSCOPE_PAGEREF_SITE(FOLIO_ADD_ANON_RMAP_PMD, "folio_add_anon_rmap_pmd",
		     "6.12+", "an anonymous folio is mapped again by a PMD")
MMSCOPE_PAGEREF_SITE(PAGE_REMOVE_RMAP, "page_remove_rmap", "6.1",
		     "a mapping of a page goes")
MMSCOPE_PAGEREF_SITE(FOLIO_REMOVE_RMAP_PTES, "folio_remove_rmap_ptes",
		     "6.12+", "PTE mappings of a folio go")
MMSCOPE_PAGEREF_SITE(FOLIO_REMOVE_RMAP_PMD, "folio_remove_rmap_pmd", "6.12+",
		     "the PMD mapping of a folio goes")
MMSCOPE_PAGEREF_SITE(DO_WP_PAGE, "do_wp_page", "all",
		     "copy on write: the page is copied or reused")
MMSCOPE_PAGEREF_SITE(DO_SWAP_PAGE, "do_swap_page", "all",
		     "swap-in: the page is mapped from the swap cache")
MMSCOPE_PAGEREF_SITE(ADD_TO_SWAP, "add_to_swap", "6.1 6.12",
		     "reclaim gives an anonymous folio a swap entry")
MMSCOPE_PAGEREF_SITE(ADD_TO_SWAP_CACHE, "add_to_swap_cache", "6.1 6.12",
		     "the swap cache takes its references")
MMSCOPE_PAGEREF_SITE(DELETE_FROM_SWAP_CACHE, "__delete_from_swap_cache",
		     "6.1 6.12", "the swap cache drops its references")
MMSCOPE_PAGEREF_SITE(FOLIO_ALLOC_SWAP, "folio_alloc_swap", "all",
		     "a swap entry for a folio (7.x: and the swap cache)")
MMSCOPE_PAGEREF_SITE(SWAP_CACHE_ADD_FOLIO, "__swap_cache_add_folio", "7.x",
		     "the swap cache (the swap table) takes its references")
MMSCOPE_PAGEREF_SITE(SWAP_CACHE_DEL_FOLIO_LOCKED, "__swap_cache_del_folio",
		     "7.x", "the swap cache drops its references")
MMSCOPE_PAGEREF_SITE(SWAP_CACHE_DEL_FOLIO, "swap_cache_del_folio", "7.x",
		     "the swap cache drops its references (and unlocks)")

#undef MMSCOPE_PAGEREF_SITE
