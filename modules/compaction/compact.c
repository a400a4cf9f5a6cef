// SPDX-License-Identifier: GPL-2.0
/*
 * COMPACT: compact every zone of one node, synchronously. The kernel
 * exports no compaction entry point; the node's sysfs file runs the
 * kernel's whole-node compaction (each populated zone, fully, the way
 * compact_memory does), so the module writes that file and measures the
 * run around it.
 */
#include <linux/fs.h>
#include <linux/ktime.h>
#include <linux/mm.h>
#include <linux/mmzone.h>
#include <linux/nodemask.h>
#include <linux/slab.h>
#include <linux/vmstat.h>

#include "compaction_trace.h"
#include "internal.h"

#define CP_NODE_COMPACT	"/sys/devices/system/node/node%u/compact"

/* The node's fragmentation score: its zones' weighted scores summed. */
static u32 cp_node_score(int nid, struct mmscope_compaction_zone *z)
{
	pg_data_t *pgdat = NODE_DATA(nid);
	u32 score = 0;
	int i;

	for (i = 0; i < MAX_NR_ZONES; i++) {
		struct zone *zone = &pgdat->node_zones[i];

		if (!populated_zone(zone))
			continue;
		memset(z, 0, sizeof(*z));
		cp_zone_snapshot(zone, z);
		score += z->frag_score_weighted;
	}
	return score;
}

static void cp_compact_events(unsigned long *ev, u64 out[3])
{
	all_vm_events(ev);
	out[0] = ev[COMPACTMIGRATE_SCANNED];
	out[1] = ev[COMPACTFREE_SCANNED];
	out[2] = ev[COMPACTISOLATED];
}

static int cp_compact_write(u32 node)
{
	char path[64];
	struct file *f;
	loff_t pos = 0;
	ssize_t n;

	snprintf(path, sizeof(path), CP_NODE_COMPACT, node);
	f = filp_open(path, O_WRONLY, 0);
	if (IS_ERR(f))
		return PTR_ERR(f);
	n = kernel_write(f, "1", 1, &pos);
	filp_close(f, NULL);
	return n < 0 ? n : 0;
}

long cp_ioc_compact(struct file *file, unsigned int cmd, void *arg)
{
	struct mmscope_compaction_compact *c = arg;
	struct mmscope_compaction_zone *z;
	u64 before[3], after[3];
	unsigned long *ev;
	ktime_t t0;

	BUILD_BUG_ON(sizeof(*c) != MMSCOPE_COMPACTION_COMPACT_SIZE_VER0);
	if (c->flags)
		return -EINVAL;
	if (c->node >= nr_node_ids || !node_online(c->node))
		return -ENODEV;
	ev = kcalloc(NR_VM_EVENT_ITEMS, sizeof(*ev), GFP_KERNEL);
	z = kmalloc(sizeof(*z), GFP_KERNEL);
	if (!ev || !z) {
		kfree(ev);
		kfree(z);
		return -ENOMEM;
	}
	c->score_before = cp_node_score(c->node, z);
	cp_compact_events(ev, before);
	t0 = ktime_get();
	c->result = cp_compact_write(c->node);
	c->elapsed_ns = ktime_to_ns(ktime_sub(ktime_get(), t0));
	cp_compact_events(ev, after);
	c->score_after = cp_node_score(c->node, z);
	c->migrate_scanned = after[0] - before[0];
	c->free_scanned = after[1] - before[1];
	c->isolated = after[2] - before[2];
	trace_compaction_compact(c->node, c->result, c->elapsed_ns,
				 c->migrate_scanned, c->free_scanned,
				 c->isolated, c->score_before, c->score_after);
	kfree(z);
	kfree(ev);
	return 0;
}
