// SPDX-License-Identifier: GPL-2.0
/*
 * Zone snapshots: sizes, watermarks, free lists per order and migratetype,
 * the compaction state and the scores the kernel derives from the free
 * lists, all read under the zone's lock at one moment.
 */
#include <linux/cpumask.h>
#include <linux/list.h>
#include <linux/math64.h>
#include <linux/mm.h>
#include <linux/mmzone.h>
#include <linux/nodemask.h>
#include <linux/percpu.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/vmstat.h>

#include <mmscope/compat.h>

#include "internal.h"

/*
 * List entries one snapshot walks at most, with interrupts off: a free
 * list has no counter per migratetype, only the walk tells. Past the cap
 * the zone is flagged FREE_TRUNCATED.
 */
#define CP_WALK_MAX	262144U

unsigned int cp_zones_get(struct zone **zones, unsigned int max)
{
	unsigned int n = 0;
	int nid, i;

	for_each_online_node(nid) {
		pg_data_t *pgdat = NODE_DATA(nid);

		for (i = 0; i < MAX_NR_ZONES; i++) {
			struct zone *zone = &pgdat->node_zones[i];

			if (!populated_zone(zone))
				continue;
			if (zones && n < max)
				zones[n] = zone;
			n++;
		}
	}
	return n;
}

unsigned int cp_nr_zones(void)
{
	return cp_zones_get(NULL, 0);
}

unsigned long cp_end_pfn(void)
{
	unsigned long end = 0;
	int nid;

	for_each_online_node(nid)
		end = max(end, pgdat_end_pfn(NODE_DATA(nid)));
	return end;
}

/* Free pages of order >= order, in blocks of that order. */
static u64 cp_suitable(const u64 *nr_free, unsigned int order)
{
	u64 n = 0;
	unsigned int o;

	for (o = order; o < MMSCOPE_NR_ORDERS; o++)
		n += nr_free[o] << (o - order);
	return n;
}

/*
 * The extfrag index of an order in thousandths, from the free block
 * counts alone: 0 without free memory, "not applicable" when a block of
 * the order is free, else how much of the failure to find one is due to
 * fragmentation rather than a lack of memory.
 */
static s32 cp_extfrag(const u64 *nr_free, unsigned int order)
{
	u64 blocks = 0, pages = 0;
	unsigned int o;

	for (o = 0; o < MMSCOPE_NR_ORDERS; o++) {
		blocks += nr_free[o];
		pages += nr_free[o] << o;
	}
	if (!blocks)
		return 0;
	if (cp_suitable(nr_free, order))
		return MMSCOPE_COMPACTION_EXTFRAG_NA;
	return 1000 - (s32)div64_u64(1000 + div64_u64(pages * 1000, 1ULL << order),
				     blocks);
}

/* Percent of free memory not in blocks of the compaction order. */
static u32 cp_frag_score(const u64 *nr_free)
{
	u64 pages = 0;
	unsigned int o;

	for (o = 0; o < MMSCOPE_NR_ORDERS; o++)
		pages += nr_free[o] << o;
	if (!pages)
		return 0;
	return div64_u64((pages - (cp_suitable(nr_free, MMSCOPE_COMPACTION_ORDER) <<
				   MMSCOPE_COMPACTION_ORDER)) * 100, pages);
}

/* Count the free lists; false when the cap cut the walk short. */
static bool cp_walk_free(struct zone *zone, struct mmscope_compaction_zone *z)
{
	unsigned int walked = 0, o;
	struct list_head *pos;
	int mt;

	for (o = 0; o < MMSCOPE_NR_ORDERS; o++) {
		struct free_area *area = &zone->free_area[o];

		z->nr_free[o] = area->nr_free;
		for (mt = 0; mt < MIGRATE_TYPES; mt++) {
			u8 smt = cp_mt(mt);
			u64 n = 0;

			list_for_each(pos, &area->free_list[mt]) {
				if (++walked > CP_WALK_MAX)
					return false;
				n++;
			}
			if (smt < MMSCOPE_COMPACTION_NR_MT)
				z->free[smt][o] = n;
			z->nr_free_walked += n;
		}
	}
	return true;
}

void cp_zone_snapshot(struct zone *zone, struct mmscope_compaction_zone *z)
{
	pg_data_t *pgdat = zone->zone_pgdat;
	unsigned long flags;
	unsigned int i;

	strscpy(z->name, zone->name, sizeof(z->name));
	z->nr_orders = MMSCOPE_NR_ORDERS;
	z->flags |= MMSCOPE_COMPACTION_ZONE_HAS_PROMO;

	spin_lock_irqsave(&zone->lock, flags);
	if (!cp_walk_free(zone, z))
		z->flags |= MMSCOPE_COMPACTION_ZONE_FREE_TRUNCATED;
	z->start_pfn = zone->zone_start_pfn;
	z->spanned = zone->spanned_pages;
	z->present = zone->present_pages;
	z->managed = zone_managed_pages(zone);
	z->cma = zone_cma_pages(zone);
	z->nr_free_pages = zone_page_state(zone, NR_FREE_PAGES);
	z->boost = zone->watermark_boost;
	z->wmark_min = zone->_watermark[WMARK_MIN] + z->boost;
	z->wmark_low = zone->_watermark[WMARK_LOW] + z->boost;
	z->wmark_high = zone->_watermark[WMARK_HIGH] + z->boost;
	z->wmark_promo = zone->_watermark[WMARK_PROMO] + z->boost;
	z->nr_lowmem_reserve = min(MAX_NR_ZONES, MMSCOPE_COMPACTION_NR_ZONES);
	for (i = 0; i < z->nr_lowmem_reserve; i++)
		z->lowmem_reserve[i] = zone->lowmem_reserve[i];
	z->migrate_pfn_async = zone->compact_cached_migrate_pfn[0];
	z->migrate_pfn_sync = zone->compact_cached_migrate_pfn[1];
	z->free_pfn = zone->compact_cached_free_pfn;
	z->considered = zone->compact_considered;
	z->defer_shift = zone->compact_defer_shift;
	z->order_failed = zone->compact_order_failed;
	if (zone->compact_blockskip_flush)
		z->flags |= MMSCOPE_COMPACTION_ZONE_BLOCKSKIP_FLUSH;
	spin_unlock_irqrestore(&zone->lock, flags);

	z->kcompactd_max_order = READ_ONCE(pgdat->kcompactd_max_order);
	z->kcompactd_zone_idx = READ_ONCE(pgdat->kcompactd_highest_zoneidx);
	z->frag_score = cp_frag_score(z->nr_free);
	z->frag_score_weighted = div64_u64((u64)z->present * z->frag_score,
					   pgdat->node_present_pages + 1);
	for (i = 0; i < MMSCOPE_NR_ORDERS; i++)
		z->extfrag_index[i] = cp_extfrag(z->nr_free, i);
}

unsigned int cp_zone_pcp(struct zone *zone, struct mmscope_compaction_pcp *pcp,
			 unsigned int max)
{
	unsigned int n = 0;
	int cpu;

	for_each_online_cpu(cpu) {
		struct per_cpu_pages *p = per_cpu_ptr(zone->per_cpu_pageset, cpu);

		if (n >= max)
			break;
		pcp[n].cpu = cpu;
		pcp[n].count = READ_ONCE(p->count);
		pcp[n].high = READ_ONCE(p->high);
		pcp[n].batch = READ_ONCE(p->batch);
		n++;
	}
	return n;
}
