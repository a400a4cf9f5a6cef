// SPDX-License-Identifier: GPL-2.0
/*
 * Swap cache statistics the kernel no longer keeps (adds, deletes, finds,
 * hits), counted by probes on the functions that add a folio to the cache,
 * delete it, and look the cache up on the fault and readahead paths, for
 * as long as the module is loaded. The kernel has no swap cache
 * tracepoints; the probes also fire the mmscope:swapcache_* events.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/kprobes.h>
#include <linux/mm.h>
#include <linux/ptrace.h>
#include <linux/seq_file.h>
#include <linux/swap.h>
#include <linux/uaccess.h>
#include <linux/vmstat.h>

#include <mmscope/compat.h>
#include <mmscope/compat-swap.h>
#include <mmscope/core.h>

#include "internal.h"

#define CREATE_TRACE_POINTS
#include "swapcache_trace.h"

enum { SC_ADD, SC_ADD_PAGES, SC_DEL, SC_DEL_PAGES, SC_FIND, SC_HIT, SC_NR };

static atomic64_t sc_count[SC_NR];
static u32 sc_probes;

struct sc_add_data {
	struct folio *folio;
	unsigned long entry;
};

static void sc_folio_event(struct folio *folio, unsigned long val, bool add)
{
	swp_entry_t entry = { .val = val };
	unsigned int order = folio_order(folio);

	atomic64_inc(&sc_count[add ? SC_ADD : SC_DEL]);
	atomic64_add(1UL << order, &sc_count[add ? SC_ADD_PAGES : SC_DEL_PAGES]);
	if (add)
		trace_mmscope_swapcache_add(swp_type(entry), swp_offset(entry),
					    folio_pfn(folio), order);
	else
		trace_mmscope_swapcache_delete(swp_type(entry),
					       swp_offset(entry),
					       folio_pfn(folio), order);
}

static int sc_add_entry(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct sc_add_data *d = (struct sc_add_data *)ri->data;

	d->folio = (struct folio *)
		regs_get_kernel_argument(regs, MMSCOPE_SWAP_FOLIO_ARG);
	d->entry = regs_get_kernel_argument(regs, MMSCOPE_SWAP_FOLIO_ARG + 1);
	return 0;
}

static int sc_add_ret(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct sc_add_data *d = (struct sc_add_data *)ri->data;

	if (MMSCOPE_SWAP_ADD_RETURNS_ERR && regs_return_value(regs))
		return 0;
	sc_folio_event(d->folio, d->entry, true);
	return 0;
}

static int sc_del_pre(struct kprobe *kp, struct pt_regs *regs)
{
	unsigned long folio, entry;

	folio = regs_get_kernel_argument(regs, MMSCOPE_SWAP_FOLIO_ARG);
	entry = regs_get_kernel_argument(regs, MMSCOPE_SWAP_FOLIO_ARG + 1);
	sc_folio_event((struct folio *)folio, entry, false);
	return 0;
}

static int sc_find_ret(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct folio *folio = (struct folio *)regs_return_value(regs);

	atomic64_inc(&sc_count[SC_FIND]);
	if (folio)
		atomic64_inc(&sc_count[SC_HIT]);
	trace_mmscope_swapcache_lookup(folio ? folio_pfn(folio) : 0, folio);
	return 0;
}

static struct kretprobe sc_add_probe = {
	.kp.symbol_name = MMSCOPE_SWAP_ADD_FN,
	.entry_handler = sc_add_entry,
	.handler = sc_add_ret,
	.data_size = sizeof(struct sc_add_data),
	.maxactive = 64,
};

static struct kprobe sc_del_probe = {
	.symbol_name = MMSCOPE_SWAP_DEL_FN,
	.pre_handler = sc_del_pre,
};

static struct kretprobe sc_find_probe = {
	.kp.symbol_name = MMSCOPE_SWAP_FIND_FN,
	.handler = sc_find_ret,
	.maxactive = 64,
};

int sc_stats_init(void)
{
	int ret;

	ret = register_kretprobe(&sc_add_probe);
	if (!ret)
		sc_probes |= MMSCOPE_SWAPCACHE_PROBE_ADD;
	else
		pr_notice("no probe on %s (%d): adds not counted\n",
			  MMSCOPE_SWAP_ADD_FN, ret);
	ret = register_kprobe(&sc_del_probe);
	if (!ret)
		sc_probes |= MMSCOPE_SWAPCACHE_PROBE_DELETE;
	else
		pr_notice("no probe on %s (%d): deletes not counted\n",
			  MMSCOPE_SWAP_DEL_FN, ret);
	ret = register_kretprobe(&sc_find_probe);
	if (!ret)
		sc_probes |= MMSCOPE_SWAPCACHE_PROBE_FIND;
	else
		pr_notice("no probe on %s (%d): lookups not counted\n",
			  MMSCOPE_SWAP_FIND_FN, ret);
	return 0;
}

void sc_stats_exit(void)
{
	if (sc_probes & MMSCOPE_SWAPCACHE_PROBE_ADD)
		unregister_kretprobe(&sc_add_probe);
	if (sc_probes & MMSCOPE_SWAPCACHE_PROBE_DELETE)
		unregister_kprobe(&sc_del_probe);
	if (sc_probes & MMSCOPE_SWAPCACHE_PROBE_FIND)
		unregister_kretprobe(&sc_find_probe);
	sc_probes = 0;
}

void sc_stats_read(struct mmscope_swapcache_stats *st, bool reset)
{
	u64 v[SC_NR];
	int i;

	for (i = 0; i < SC_NR; i++)
		v[i] = reset ? atomic64_xchg(&sc_count[i], 0) :
			       atomic64_read(&sc_count[i]);
	st->add = v[SC_ADD];
	st->add_pages = v[SC_ADD_PAGES];
	st->delete = v[SC_DEL];
	st->delete_pages = v[SC_DEL_PAGES];
	st->find = v[SC_FIND];
	st->hit = v[SC_HIT];
	st->probes = sc_probes;
}

long sc_ioc_stats(struct file *file, unsigned int cmd, void *arg)
{
	struct mmscope_swapcache_stats *st = arg;

	BUILD_BUG_ON(sizeof(*st) != MMSCOPE_SWAPCACHE_STATS_SIZE_VER0);
	if (st->flags & ~MMSCOPE_SWAPCACHE_STATS_RESET || st->pad)
		return -EINVAL;
	sc_stats_read(st, st->flags & MMSCOPE_SWAPCACHE_STATS_RESET);
	return 0;
}

int sc_stats_show(struct seq_file *m, void *unused)
{
	struct mmscope_swapcache_stats st = {};

	sc_stats_read(&st, false);
	seq_printf(m, "add %llu\nadd_pages %llu\ndelete %llu\ndelete_pages %llu\nfind %llu\nhit %llu\n",
		   st.add, st.add_pages, st.delete, st.delete_pages, st.find,
		   st.hit);
	seq_printf(m, "probes%s%s%s\n",
		   st.probes & MMSCOPE_SWAPCACHE_PROBE_ADD ? " add" : "",
		   st.probes & MMSCOPE_SWAPCACHE_PROBE_DELETE ? " delete" : "",
		   st.probes & MMSCOPE_SWAPCACHE_PROBE_FIND ? " find" : "");
	return 0;
}
