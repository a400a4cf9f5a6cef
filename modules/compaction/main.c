// SPDX-License-Identifier: GPL-2.0
/*
 * mmscope_compaction.ko: /sys/kernel/debug/mmscope/compaction/
 *   zones       every populated zone: sizes, watermarks, free blocks per
 *               order and migratetype, compaction state, scores
 *   pageblocks  pageblocks per migratetype and skip hints, per zone
 *   pfn         write a PFN; read why that page can or cannot move
 *   ctl         MMSCOPE_COMPACTION_IOC_ZONES, _PAGEBLOCKS, _PFN; _ALLOC,
 *               _CONTIG and _RELEASE: memory owned by the open file;
 *               _COMPACT: compaction of one node
 * Trace events mmscope:compaction_alloc, _contig, _release, _compact.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include <mmscope/compat.h>
#include <mmscope/compat-debugfs.h>
#include <mmscope/core.h>

#include "internal.h"

/* Records per pass of the pageblocks file and of the ioctl. */
#define CP_FILE_CHUNK	64
#define CP_IOC_CHUNK	64

static struct dentry *cp_dir;

static DEFINE_MUTEX(cp_pfn_lock);
static unsigned long cp_pfn_value;

static const char *cp_mt_name(u8 mt)
{
	return mt < MMSCOPE_COMPACTION_NR_MT ? cp_mt_names[mt] : "none";
}

#define cp_copy_array mmscope_copy_array	/* the core's */

static int cp_zone_out(struct zone *zone, struct mmscope_compaction_zones *a,
		       unsigned int i, unsigned int *pcp_done,
		       struct mmscope_compaction_zone *z,
		       struct mmscope_compaction_pcp *pcp)
{
	unsigned int npcp, room;
	int ret;

	memset(z, 0, sizeof(*z));
	cp_zone_snapshot(zone, z);
	z->node = zone_to_nid(zone);
	z->zone_idx = zone_idx(zone);
	npcp = cp_zone_pcp(zone, pcp, nr_cpu_ids);
	z->nr_pcp = npcp;
	z->pcp_first = *pcp_done;
	room = a->pcp ? a->pcp_count : 0;
	if (*pcp_done < room) {
		unsigned int n = min(npcp, room - *pcp_done);

		ret = cp_copy_array(a->pcp + (u64)*pcp_done * a->pcp_size, pcp,
				    n, sizeof(*pcp), a->pcp_size);
		if (ret)
			return ret;
		*pcp_done += n;
	}
	return cp_copy_array(a->zones + (u64)i * a->zone_size, z, 1,
			     sizeof(*z), a->zone_size);
}

static long cp_ioc_zones(struct file *file, unsigned int cmd, void *arg)
{
	struct mmscope_compaction_zones *a = arg;
	struct mmscope_compaction_pcp *pcp = NULL;
	struct mmscope_compaction_zone *z = NULL;
	unsigned int nz, n, i, pcp_done = 0;
	struct zone **zones;
	long ret = -ENOMEM;

	BUILD_BUG_ON(sizeof(*a) != MMSCOPE_COMPACTION_ZONES_SIZE_VER0);
	if (a->flags)
		return -EINVAL;
	if ((a->count && (!a->zones || !a->zone_size)) ||
	    (a->pcp && a->pcp_count && !a->pcp_size))
		return -EINVAL;
	nz = cp_nr_zones();
	zones = kcalloc(nz, sizeof(*zones), GFP_KERNEL);
	z = kmalloc(sizeof(*z), GFP_KERNEL);
	pcp = kcalloc(nr_cpu_ids, sizeof(*pcp), GFP_KERNEL);
	if (!zones || !z || !pcp)
		goto out;
	nz = min(nz, cp_zones_get(zones, nz));
	n = min(nz, a->count);
	for (i = 0, ret = 0; i < n && !ret; i++)
		ret = cp_zone_out(zones[i], a, i, &pcp_done, z, pcp);
	if (ret)
		goto out;
	a->count = n;
	a->total = nz;
	a->pcp_count = pcp_done;
	a->pcp_total = nz * num_online_cpus();
	a->block_order = pageblock_order;
	a->nr_orders = MMSCOPE_NR_ORDERS;
	a->compaction_order = MMSCOPE_COMPACTION_ORDER;
	a->nr_kernel_mt = MIGRATE_TYPES;
out:
	kfree(pcp);
	kfree(z);
	kfree(zones);
	return ret;
}

static long cp_ioc_blocks(struct file *file, unsigned int cmd, void *arg)
{
	struct mmscope_compaction_blocks *a = arg;
	struct mmscope_compaction_block *recs;
	unsigned int max, n, got;
	unsigned long next;
	long ret;

	BUILD_BUG_ON(sizeof(*a) != MMSCOPE_COMPACTION_BLOCKS_SIZE_VER0);
	if (a->flags || a->pad || a->start_pfn >= a->end_pfn)
		return -EINVAL;
	if (a->end_pfn > cp_end_pfn())
		return -ERANGE;
	if (a->count && (!a->records || !a->record_size))
		return -EINVAL;
	a->block_order = pageblock_order;
	max = min_t(u32, a->count, MMSCOPE_COMPACTION_BLOCKS_MAX);
	if (!max) {
		a->next_pfn = a->start_pfn;
		return 0;
	}
	/*
	 * A small buffer, copied out chunk by chunk: a large one would take
	 * a high-order block from the free lists the walk is counting.
	 */
	recs = kmalloc_array(CP_IOC_CHUNK, sizeof(*recs), GFP_KERNEL);
	if (!recs)
		return -ENOMEM;
	next = a->start_pfn;
	for (n = 0, ret = 0; n < max && next < a->end_pfn && !ret; n += got) {
		got = cp_blocks(next, a->end_pfn, recs,
				min_t(u32, max - n, CP_IOC_CHUNK), &next);
		ret = cp_copy_array(a->records + (u64)n * a->record_size, recs,
				    got, sizeof(*recs), a->record_size);
	}
	kfree(recs);
	if (ret)
		return ret;
	a->count = n;
	a->next_pfn = next;
	return 0;
}

static long cp_ioc_pfn(struct file *file, unsigned int cmd, void *arg)
{
	struct mmscope_compaction_pfn *p = arg;
	u64 pfn = p->pfn;

	BUILD_BUG_ON(sizeof(*p) != MMSCOPE_COMPACTION_PFN_SIZE_VER0);
	if (p->flags)
		return -EINVAL;
	if (pfn >= cp_end_pfn())
		return -ERANGE;
	memset(p, 0, sizeof(*p));
	p->size = MMSCOPE_COMPACTION_PFN_SIZE_VER0;
	p->pfn = pfn;
	cp_pfn_reason(pfn, p);
	return 0;
}

static const struct mmscope_ioctl cp_ioctls[] = {
	MMSCOPE_IOCTL(MMSCOPE_COMPACTION_IOC_ZONES,
		      MMSCOPE_COMPACTION_ZONES_SIZE_VER0,
		      struct mmscope_compaction_zones, cp_ioc_zones),
	MMSCOPE_IOCTL(MMSCOPE_COMPACTION_IOC_PAGEBLOCKS,
		      MMSCOPE_COMPACTION_BLOCKS_SIZE_VER0,
		      struct mmscope_compaction_blocks, cp_ioc_blocks),
	MMSCOPE_IOCTL(MMSCOPE_COMPACTION_IOC_PFN,
		      MMSCOPE_COMPACTION_PFN_SIZE_VER0,
		      struct mmscope_compaction_pfn, cp_ioc_pfn),
	MMSCOPE_IOCTL(MMSCOPE_COMPACTION_IOC_ALLOC,
		      MMSCOPE_COMPACTION_ALLOC_SIZE_VER0,
		      struct mmscope_compaction_alloc, cp_ioc_alloc),
	MMSCOPE_IOCTL(MMSCOPE_COMPACTION_IOC_RELEASE,
		      MMSCOPE_COMPACTION_RELEASE_SIZE_VER0,
		      struct mmscope_compaction_release, cp_ioc_release),
	MMSCOPE_IOCTL(MMSCOPE_COMPACTION_IOC_CONTIG,
		      MMSCOPE_COMPACTION_CONTIG_SIZE_VER0,
		      struct mmscope_compaction_contig, cp_ioc_contig),
	MMSCOPE_IOCTL(MMSCOPE_COMPACTION_IOC_COMPACT,
		      MMSCOPE_COMPACTION_COMPACT_SIZE_VER0,
		      struct mmscope_compaction_compact, cp_ioc_compact),
};

static struct mmscope_ctl cp_ctl = {
	.module = "compaction",
	.ioctls = cp_ioctls,
	.n_ioctls = ARRAY_SIZE(cp_ioctls),
	.nr_first = 0x70,
	.nr_last = 0x7f,
	.open = cp_file_open,
	.release = cp_file_release,
};

static void cp_zone_show(struct seq_file *m, struct zone *zone,
			 struct mmscope_compaction_zone *z)
{
	unsigned int mt, o;

	memset(z, 0, sizeof(*z));
	cp_zone_snapshot(zone, z);
	seq_printf(m, "node %d zone %s\n", zone_to_nid(zone), z->name);
	seq_printf(m, "  pfn %llu spanned %llu present %llu managed %llu cma %llu\n",
		   z->start_pfn, z->spanned, z->present, z->managed, z->cma);
	seq_printf(m, "  watermarks min %llu low %llu high %llu promo %llu boost %llu\n",
		   z->wmark_min, z->wmark_low, z->wmark_high, z->wmark_promo,
		   z->boost);
	seq_puts(m, "  lowmem_reserve");
	for (o = 0; o < z->nr_lowmem_reserve; o++)
		seq_printf(m, " %lld", z->lowmem_reserve[o]);
	seq_puts(m, "\n  free");
	for (o = 0; o < z->nr_orders; o++)
		seq_printf(m, " %llu", z->nr_free[o]);
	seq_puts(m, "\n");
	for (mt = 0; mt < MMSCOPE_COMPACTION_NR_MT; mt++) {
		seq_printf(m, "  %-12s", cp_mt_names[mt]);
		for (o = 0; o < z->nr_orders; o++)
			seq_printf(m, " %llu", z->free[mt][o]);
		seq_puts(m, "\n");
	}
	seq_printf(m, "  compaction migrate_pfn %llu/%llu free_pfn %llu considered %u defer_shift %u order_failed %d%s\n",
		   z->migrate_pfn_async, z->migrate_pfn_sync, z->free_pfn,
		   z->considered, z->defer_shift, z->order_failed,
		   z->flags & MMSCOPE_COMPACTION_ZONE_FREE_TRUNCATED ?
		   " (free lists truncated)" : "");
	seq_printf(m, "  kcompactd order %d zone %u\n", z->kcompactd_max_order,
		   z->kcompactd_zone_idx);
	seq_printf(m, "  fragmentation_score %u (weighted %u)\n  extfrag_index",
		   z->frag_score, z->frag_score_weighted);
	for (o = 0; o < z->nr_orders; o++)
		seq_printf(m, " %d", z->extfrag_index[o]);
	seq_puts(m, "\n");
}

static int cp_zones_one(struct seq_file *m, struct zone *zone)
{
	struct mmscope_compaction_zone *z = kmalloc(sizeof(*z), GFP_KERNEL);

	if (!z)
		return -ENOMEM;
	cp_zone_show(m, zone, z);
	kfree(z);
	return 0;
}

static int cp_blocks_one(struct seq_file *m, struct zone *zone)
{
	unsigned long pfn = zone->zone_start_pfn, end = zone_end_pfn(zone);
	unsigned long count[MMSCOPE_COMPACTION_NR_MT] = {}, skip = 0;
	struct mmscope_compaction_block *recs;
	unsigned int n, i;

	recs = kmalloc_array(CP_FILE_CHUNK, sizeof(*recs), GFP_KERNEL);
	if (!recs)
		return -ENOMEM;
	while (pfn < end) {
		n = cp_blocks(pfn, end, recs, CP_FILE_CHUNK, &pfn);
		for (i = 0; i < n; i++) {
			if (recs[i].migratetype < MMSCOPE_COMPACTION_NR_MT &&
			    recs[i].node == zone_to_nid(zone) &&
			    recs[i].zone_idx == zone_idx(zone))
				count[recs[i].migratetype]++;
			skip += !!(recs[i].flags & MMSCOPE_COMPACTION_BLOCK_SKIP);
		}
	}
	kfree(recs);
	seq_printf(m, "node %d zone %s order %u", zone_to_nid(zone),
		   zone->name, pageblock_order);
	for (i = 0; i < MMSCOPE_COMPACTION_NR_MT; i++)
		seq_printf(m, " %s %lu", cp_mt_name(i), count[i]);
	seq_printf(m, " skip %lu\n", skip);
	return 0;
}

/* The zones file (blocks false) or the pageblocks file, zone by zone. */
static int cp_show_zones(struct seq_file *m, bool blocks)
{
	unsigned int nz = cp_nr_zones(), i;
	struct zone **zones;
	int ret = 0;

	zones = kcalloc(nz, sizeof(*zones), GFP_KERNEL);
	if (!zones)
		return -ENOMEM;
	nz = min(nz, cp_zones_get(zones, nz));
	for (i = 0; i < nz && !ret; i++)
		ret = blocks ? cp_blocks_one(m, zones[i]) : cp_zones_one(m, zones[i]);
	kfree(zones);
	return ret;
}

static int cp_zones_show(struct seq_file *m, void *unused)
{
	return cp_show_zones(m, false);
}
DEFINE_SHOW_ATTRIBUTE(cp_zones);

static int cp_pageblocks_show(struct seq_file *m, void *unused)
{
	return cp_show_zones(m, true);
}
DEFINE_SHOW_ATTRIBUTE(cp_pageblocks);

static int cp_pfn_show(struct seq_file *m, void *unused)
{
	struct mmscope_compaction_pfn p = {};
	unsigned long pfn;

	mutex_lock(&cp_pfn_lock);
	pfn = cp_pfn_value;
	mutex_unlock(&cp_pfn_lock);
	if (pfn >= cp_end_pfn()) {
		seq_printf(m, "pfn %lu: beyond memory\n", pfn);
		return 0;
	}
	cp_pfn_reason(pfn, &p);
	seq_printf(m, "pfn %lu %s %s order %u block %s refcount %u mapcount %d expected %u\n",
		   pfn, cp_reason_names[p.reason],
		   p.movable ? "movable" : "unmovable", p.order,
		   cp_mt_name(p.migratetype), p.refcount, p.mapcount,
		   p.expected);
	return 0;
}

static ssize_t cp_pfn_write(struct file *file, const char __user *ubuf,
			    size_t count, loff_t *ppos)
{
	unsigned long pfn;
	int ret;

	ret = kstrtoul_from_user(ubuf, count, 0, &pfn);
	if (ret)
		return ret;
	mutex_lock(&cp_pfn_lock);
	cp_pfn_value = pfn;
	mutex_unlock(&cp_pfn_lock);
	return count;
}
DEFINE_SHOW_STORE_ATTRIBUTE(cp_pfn);

static int __init mmscope_compaction_init(void)
{
	int ret;

	cp_dir = mmscope_debugfs_create_dir("compaction");
	if (IS_ERR(cp_dir))
		return PTR_ERR(cp_dir);
	debugfs_create_file("zones", 0400, cp_dir, NULL, &cp_zones_fops);
	debugfs_create_file("pageblocks", 0400, cp_dir, NULL,
			    &cp_pageblocks_fops);
	debugfs_create_file("pfn", 0600, cp_dir, NULL, &cp_pfn_fops);
	ret = mmscope_ctl_create(cp_dir, &cp_ctl);
	if (ret) {
		pr_err("cannot create the ctl file: %d\n", ret);
		mmscope_debugfs_remove_dir(cp_dir);
	}
	return ret;
}

static void __exit mmscope_compaction_exit(void)
{
	mmscope_ctl_remove(&cp_ctl);
	mmscope_debugfs_remove_dir(cp_dir);
}

module_init(mmscope_compaction_init);
module_exit(mmscope_compaction_exit);

MODULE_DESCRIPTION("mmscope compaction: zones, free lists, pageblocks, compaction state and why a page cannot move");
MODULE_LICENSE("GPL");
MODULE_VERSION(MMSCOPE_VERSION);
