// SPDX-License-Identifier: GPL-2.0
/*
 * The text files of mmscope_mmu_notifier: attachments, events, stats,
 * latency.
 */
#include <linux/debugfs.h>
#include <linux/mm.h>
#include <linux/seq_file.h>
#include <linux/slab.h>

#include <mmscope/compat-debugfs.h>
#include <mmscope/core.h>

#include "internal.h"

static const char *const mn_state_names[] = {
	[MMSCOPE_MMU_NOTIFIER_ATTACHED] = "attached",
	[MMSCOPE_MMU_NOTIFIER_RELEASED] = "released",
	[MMSCOPE_MMU_NOTIFIER_DETACHED] = "detached",
};

static const char *mn_state_name(u32 state)
{
	return state < ARRAY_SIZE(mn_state_names) ? mn_state_names[state] :
						    "unknown";
}

static int mn_attachments_show(struct seq_file *m, void *unused)
{
	struct mmscope_mmu_notifier_info i;
	struct mn_att *att;

	seq_puts(m, "# id pid comm kind start end state records dropped interval_seq\n");
	mutex_lock(&mn_atts_lock);
	list_for_each_entry(att, &mn_atts, node) {
		mn_att_info(att, &i);
		if (i.flags & MMSCOPE_MMU_NOTIFIER_INTERVAL)
			seq_printf(m, "%u %d %s interval 0x%llx 0x%llx %s %llu %llu %llu\n",
				   i.id, i.pid, i.comm, i.start, i.end,
				   mn_state_name(i.state), i.records,
				   i.dropped, i.interval_seq);
		else
			seq_printf(m, "%u %d %s mm - - %s %llu %llu -\n", i.id,
				   i.pid, i.comm, mn_state_name(i.state),
				   i.records, i.dropped);
	}
	mutex_unlock(&mn_atts_lock);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(mn_attachments);

static int mn_events_one(struct seq_file *m, struct mn_att *att)
{
	struct mmscope_mmu_notifier_record *buf, *r;
	unsigned int n, i;

	buf = kvmalloc_array(att->ring_size, sizeof(*buf), GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	n = mn_ring_peek(att, buf, att->ring_size);
	for (i = 0; i < n; i++) {
		r = &buf[i];
		seq_printf(m, "%u %llu %llu %d %s %s %s 0x%llx 0x%llx %d",
			   att->id, r->seq, r->ns, r->pid, r->comm,
			   mmscope_mmu_notifier_op_name(r->op),
			   mmscope_mmu_notifier_event_name(r->event),
			   r->start, r->end,
			   !!(r->flags & MMSCOPE_MMU_NOTIFIER_REC_BLOCKABLE));
		if (r->flags & MMSCOPE_MMU_NOTIFIER_REC_INTERVAL)
			seq_printf(m, " %llu->%llu\n", r->interval_seq_before,
				   r->interval_seq_after);
		else
			seq_puts(m, " -\n");
	}
	kvfree(buf);
	return 0;
}

static int mn_events_show(struct seq_file *m, void *unused)
{
	struct mn_att *att;
	int ret = 0;

	seq_puts(m, "# id seq ns pid comm op event start end blockable interval_seq\n");
	mutex_lock(&mn_atts_lock);
	list_for_each_entry(att, &mn_atts, node) {
		ret = mn_events_one(m, att);
		if (ret)
			break;
	}
	mutex_unlock(&mn_atts_lock);
	return ret;
}
DEFINE_SHOW_ATTRIBUTE(mn_events);

static int mn_stats_show(struct seq_file *m, void *unused)
{
	struct mmscope_mmu_notifier_stats s = { };
	unsigned int i;

	mn_totals(&s);
	seq_printf(m, "attachments %u\ndropped %llu\n", s.attachments,
		   s.dropped);
	for (i = 0; i < MMSCOPE_MMU_NOTIFIER_OP_COUNT; i++)
		seq_printf(m, "op %s %llu\n", mmscope_mmu_notifier_op_name(i),
			   s.ops[i]);
	for (i = 0; i < MMSCOPE_MMU_NOTIFIER_EV_COUNT; i++)
		seq_printf(m, "event %s %llu\n",
			   mmscope_mmu_notifier_event_name(i), s.events[i]);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(mn_stats);

/* One line per op that was timed: count, sum, max, the non-empty buckets. */
static void mn_latency_one(struct seq_file *m, struct mn_att *att,
			   const struct mn_lat *l)
{
	unsigned int op, b;
	u64 n;

	for (op = 0; op < MMSCOPE_MMU_NOTIFIER_OP_COUNT; op++) {
		for (n = 0, b = 0; b < MMSCOPE_MMU_NOTIFIER_LAT_BUCKETS; b++)
			n += l->buckets[op][b];
		if (!n)
			continue;
		seq_printf(m, "%u %s %llu %llu %llu", att->id,
			   mmscope_mmu_notifier_op_name(op), n, l->sum_ns[op],
			   l->max_ns[op]);
		for (b = 0; b < MMSCOPE_MMU_NOTIFIER_LAT_BUCKETS; b++)
			if (l->buckets[op][b])
				seq_printf(m, " %u:%llu", b, l->buckets[op][b]);
		seq_putc(m, '\n');
	}
}

static int mn_latency_show(struct seq_file *m, void *unused)
{
	struct mn_att *att;
	struct mn_lat *l;

	l = kmalloc(sizeof(*l), GFP_KERNEL);
	if (!l)
		return -ENOMEM;
	seq_puts(m, "# id op count sum_ns max_ns bucket:count... (bucket b: [2^b, 2^(b+1)) ns)\n");
	mutex_lock(&mn_atts_lock);
	list_for_each_entry(att, &mn_atts, node)
		if (!mn_att_latency(att, l))
			mn_latency_one(m, att, l);
	mutex_unlock(&mn_atts_lock);
	kfree(l);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(mn_latency);

void mn_report_init(struct dentry *dir)
{
	debugfs_create_file("attachments", 0400, dir, NULL,
			    &mn_attachments_fops);
	debugfs_create_file("events", 0400, dir, NULL, &mn_events_fops);
	debugfs_create_file("stats", 0400, dir, NULL, &mn_stats_fops);
	debugfs_create_file("latency", 0400, dir, NULL, &mn_latency_fops);
}
