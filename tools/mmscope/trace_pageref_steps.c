// SPDX-License-Identifier: GPL-2.0
/*
 * The step of the kernel behind each change the pageref tracer saw: fork
 * copy, COW copy or reuse, GUP pin, unpin, LRU batch... A change is made
 * by inline code and seen when the next site returns, so the site alone
 * names the wrong step (a child's COW takes its reference on the old page
 * in do_wp_page, and the first site to return is the rmap call for the
 * new page). The step comes from the kernel stack of that return instead:
 * the innermost frame that belongs to a known step, the site itself first
 * (a kretprobe's stack starts in the caller).
 */
#include <stdio.h>
#include <string.h>

#include "common.h"
#include "trace_pageref.h"

static const char *const step_names[PR_NR_STEPS] = {
	[PR_STEP_OTHER] = "other",
	[PR_STEP_FAULT_ANON] = "anon fault",
	[PR_STEP_FAULT_FILE] = "file fault",
	[PR_STEP_FORK] = "fork copy",
	[PR_STEP_COW_COPY] = "COW copy",
	[PR_STEP_COW_REUSE] = "COW reuse",
	[PR_STEP_SWAP_IN] = "swap-in",
	[PR_STEP_GUP_PIN] = "GUP pin",
	[PR_STEP_GUP_GET] = "GUP get",
	[PR_STEP_UNPIN] = "unpin",
	[PR_STEP_LRU] = "LRU batch",
	[PR_STEP_SWAP_ADD] = "swap cache add",
	[PR_STEP_SWAP_DEL] = "swap cache delete",
	[PR_STEP_RECLAIM] = "reclaim",
	[PR_STEP_MIGRATE] = "migration",
	[PR_STEP_THP] = "THP collapse/split",
	[PR_STEP_UNMAP] = "unmap",
	[PR_STEP_EXIT] = "exit",
	[PR_STEP_FREE] = "free",
};

/* Kernel functions (as kallsyms names them) and the step they are part of. */
static const struct {
	const char *func;
	enum pr_step step;
} step_funcs[] = {
	{ "do_anonymous_page", PR_STEP_FAULT_ANON },
	{ "do_read_fault", PR_STEP_FAULT_FILE },
	{ "do_cow_fault", PR_STEP_FAULT_FILE },
	{ "do_shared_fault", PR_STEP_FAULT_FILE },
	{ "__do_fault", PR_STEP_FAULT_FILE },
	{ "filemap_map_pages", PR_STEP_FAULT_FILE },
	{ "copy_page_range", PR_STEP_FORK },
	{ "copy_pte_range", PR_STEP_FORK },
	{ "copy_present_pte", PR_STEP_FORK },
	{ "copy_huge_pmd", PR_STEP_FORK },
	{ "dup_mmap", PR_STEP_FORK },
	{ "wp_page_copy", PR_STEP_COW_COPY },
	{ "wp_page_reuse", PR_STEP_COW_REUSE },
	{ "do_wp_page", PR_STEP_COW_COPY },		/* refined below */
	{ "do_huge_pmd_wp_page", PR_STEP_COW_COPY },	/* refined below */
	{ "do_swap_page", PR_STEP_SWAP_IN },
	{ "swapin_readahead", PR_STEP_SWAP_IN },
	{ "unpin_user_page", PR_STEP_UNPIN },
	{ "unpin_user_pages", PR_STEP_UNPIN },
	{ "unpin_user_pages_dirty_lock", PR_STEP_UNPIN },
	{ "unpin_user_page_range_dirty_lock", PR_STEP_UNPIN },
	{ "unpin_folio", PR_STEP_UNPIN },
	{ "try_grab_folio", PR_STEP_GUP_GET },		/* pin or get: below */
	{ "try_grab_page", PR_STEP_GUP_GET },
	{ "try_grab_folio_fast", PR_STEP_GUP_GET },
	{ "follow_page_pte", PR_STEP_GUP_GET },
	{ "follow_page_mask", PR_STEP_GUP_GET },
	{ "__get_user_pages", PR_STEP_GUP_GET },
	{ "add_to_swap", PR_STEP_SWAP_ADD },
	{ "add_to_swap_cache", PR_STEP_SWAP_ADD },
	{ "folio_alloc_swap", PR_STEP_SWAP_ADD },
	{ "__swap_cache_add_folio", PR_STEP_SWAP_ADD },
	{ "__delete_from_swap_cache", PR_STEP_SWAP_DEL },
	{ "delete_from_swap_cache", PR_STEP_SWAP_DEL },
	{ "__swap_cache_del_folio", PR_STEP_SWAP_DEL },
	{ "swap_cache_del_folio", PR_STEP_SWAP_DEL },
	{ "free_swap_cache", PR_STEP_SWAP_DEL },
	{ "folio_free_swap", PR_STEP_SWAP_DEL },
	{ "folio_batch_move_lru", PR_STEP_LRU },
	{ "lru_add_drain_cpu", PR_STEP_LRU },
	{ "lru_add_drain", PR_STEP_LRU },
	{ "__lru_add_drain_all", PR_STEP_LRU },
	{ "lru_add_drain_per_cpu", PR_STEP_LRU },
	{ "folio_add_lru", PR_STEP_LRU },
	{ "folio_add_lru_vma", PR_STEP_LRU },
	{ "lru_cache_add_inactive_or_unevictable", PR_STEP_LRU },
	{ "__pagevec_lru_add", PR_STEP_LRU },
	{ "folio_activate", PR_STEP_LRU },
	{ "shrink_folio_list", PR_STEP_RECLAIM },
	{ "shrink_page_list", PR_STEP_RECLAIM },
	{ "reclaim_pages", PR_STEP_RECLAIM },
	{ "reclaim_folio_list", PR_STEP_RECLAIM },
	{ "migrate_pages", PR_STEP_MIGRATE },
	{ "migrate_pages_batch", PR_STEP_MIGRATE },
	{ "move_to_new_folio", PR_STEP_MIGRATE },
	{ "collapse_huge_page", PR_STEP_THP },
	{ "hpage_collapse_scan_pmd", PR_STEP_THP },
	{ "split_huge_page_to_list", PR_STEP_THP },
	{ "split_huge_page_to_list_to_order", PR_STEP_THP },
	{ "__split_huge_page", PR_STEP_THP },
	{ "exit_mmap", PR_STEP_EXIT },
	{ "zap_pte_range", PR_STEP_UNMAP },
	{ "zap_pmd_range", PR_STEP_UNMAP },
	{ "unmap_page_range", PR_STEP_UNMAP },
	{ "unmap_vmas", PR_STEP_UNMAP },
	{ "tlb_flush_mmu", PR_STEP_UNMAP },
	{ "tlb_finish_mmu", PR_STEP_UNMAP },
	{ "__folio_put", PR_STEP_FREE },
};

const char *pr_step_name(enum pr_step s)
{
	return s < PR_NR_STEPS ? step_names[s] : "?";
}

/* "func+0x8", "func.constprop.0+0x8", "func [mod]+0x8": is it func? */
static bool frame_is(const char *frame, const char *func)
{
	size_t n = strlen(func);

	return !strncmp(frame, func, n) &&
	       (frame[n] == '+' || frame[n] == '.' || frame[n] == ' ' ||
		!frame[n]);
}

static enum pr_step func_step(const char *frame, bool *known)
{
	unsigned int i;

	for (i = 0; i < sizeof(step_funcs) / sizeof(step_funcs[0]); i++)
		if (frame_is(frame, step_funcs[i].func)) {
			*known = true;
			return step_funcs[i].step;
		}
	*known = false;
	return PR_STEP_OTHER;
}

static bool any_frame(char frames[][160], unsigned int n, const char *prefix)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (!strncmp(frames[i], prefix, strlen(prefix)))
			return true;
	return false;
}

enum pr_step pr_step_of(const char *site, char frames[][160], unsigned int n,
			const struct pageref_trace_event *e)
{
	enum pr_step s = PR_STEP_OTHER;
	int dref = e->new_ref - e->old_ref;
	bool known = false;
	unsigned int i;

	s = func_step(site, &known);
	for (i = 0; !known && i < n; i++)
		s = func_step(frames[i], &known);
	/* a fault's COW ends in do_wp_page: which way it went */
	if (s == PR_STEP_COW_COPY && e->new_excl && !e->old_excl &&
	    dref >= 0 && e->new_map == e->old_map)
		s = PR_STEP_COW_REUSE;
	/* a pin adds GUP_PIN_COUNTING_BIAS to a small folio, 1 to a large */
	if (s == PR_STEP_GUP_GET &&
	    ((dref > 0 && dref % PR_GUP_PIN_BIAS == 0) ||
	     any_frame(frames, n, "pin_user_pages") ||
	     any_frame(frames, n, "__gup_longterm_locked")))
		s = PR_STEP_GUP_PIN;
	/* an unmap on the way out of the process */
	if (s == PR_STEP_UNMAP && any_frame(frames, n, "exit_mmap"))
		s = PR_STEP_EXIT;
	return s;
}

void pr_steps_add(struct pr_step_sum *sum, enum pr_step s,
		  const struct pageref_trace_event *e)
{
	struct pr_step_sum *t = &sum[s < PR_NR_STEPS ? s : PR_STEP_OTHER];

	t->events++;
	t->dref += e->new_ref - e->old_ref;
	t->dmap += e->new_map - e->old_map;
	if (e->new_excl && !e->old_excl)
		t->excl_set++;
	if (!e->new_excl && e->old_excl)
		t->excl_clear++;
}

void pr_steps_json(struct json_object *root, const struct pr_step_sum *sum)
{
	struct json_object *a = jw_set_array(root, "steps"), *o;
	unsigned int s;

	for (s = 0; s < PR_NR_STEPS; s++) {
		if (!sum[s].events)
			continue;
		o = jw_push_object(a);
		jw_set_str(o, "step", step_names[s]);
		jw_set_uint(o, "events", sum[s].events);
		jw_set_int(o, "refcount", sum[s].dref);
		jw_set_int(o, "mapcount", sum[s].dmap);
		jw_set_uint(o, "anon_exclusive_set", sum[s].excl_set);
		jw_set_uint(o, "anon_exclusive_cleared", sum[s].excl_clear);
	}
}

void pr_steps_text(const struct pr_step_sum *sum)
{
	unsigned int s, w = strlen("step");

	for (s = 0; s < PR_NR_STEPS; s++)
		if (sum[s].events && strlen(step_names[s]) > w)
			w = strlen(step_names[s]);
	printf("\nby step (the changes summed; AnonExclusive: set/cleared)\n");
	printf("%-*s %7s %9s %9s %15s\n", (int)w, "step", "events",
	       "refcount", "mapcount", "anon_exclusive");
	for (s = 0; s < PR_NR_STEPS; s++) {
		char ex[32];

		if (!sum[s].events)
			continue;
		snprintf(ex, sizeof(ex), "+%llu/-%llu",
			 (unsigned long long)sum[s].excl_set,
			 (unsigned long long)sum[s].excl_clear);
		printf("%-*s %7llu %+9lld %+9lld %15s\n", (int)w, step_names[s],
		       (unsigned long long)sum[s].events,
		       (long long)sum[s].dref, (long long)sum[s].dmap, ex);
	}
}
