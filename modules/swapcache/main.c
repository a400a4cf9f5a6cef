// SPDX-License-Identifier: GPL-2.0
/*
 * mmscope_swapcache.ko: /sys/kernel/debug/mmscope/swapcache/
 *   target   "PID ADDR [LEN]": what `entries` reports
 *   entries  one line per page of the target that maps or swaps something:
 *            swap type, offset, count, cache bit, cached folio
 *   devices  every active swap device: size, use, flags, clusters, cache
 *   stats    swap cache adds, deletes, lookups and hits since load, with
 *            the kernel's own swap counters
 *   ctl      MMSCOPE_SWAPCACHE_IOC_ENTRIES, _SLOTS, _DEVICES, _STATS
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/debugfs.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/percpu-refcount.h>
#include <linux/seq_file.h>

#include <mmscope/compat.h>
#include <mmscope/compat-debugfs.h>
#include <mmscope/compat-swap.h>
#include <mmscope/core.h>

#include "internal.h"

const char *const sc_state_names[MMSCOPE_SWAPCACHE_NR_STATES] =
	MMSCOPE_SWAPCACHE_STATE_NAMES;
const char *const sc_devflag_names[MMSCOPE_SWAPCACHE_NR_DEVFLAGS] =
	MMSCOPE_SWAPCACHE_DEVFLAG_NAMES;

static struct dentry *sc_dir;
static void *sc_swap_info_sym;
void *sc_slots_sym, *sc_pcp_sym;

static struct mmscope_target_file sc_target = {
	.accepts = MMSCOPE_TARGET_ACCEPTS(PID),
	.default_len = PAGE_SIZE,
};

/*
 * A swap device with its users reference held (what get_swap_device()
 * takes): swap_map and the cluster tables stay while it is held; swapoff
 * waits for it. NULL for no device of @type, or one going away.
 */
struct swap_info_struct *sc_get_device(unsigned int type)
{
	struct swap_info_struct *si;

	si = mmscope_swap_type_info(sc_swap_info_sym, type);
	if (!si || !(READ_ONCE(si->flags) & SWP_USED) ||
	    !percpu_ref_tryget_live(&si->users))
		return NULL;
	/* swapon publishes swap_map before it makes the reference live */
	smp_rmb();
	return si;
}

void sc_put_device(struct swap_info_struct *si)
{
	percpu_ref_put(&si->users);
}

u32 sc_copy_size(u32 usize, size_t ksize)
{
	return min_t(size_t, usize, ksize);
}

static int sc_entries_show(struct seq_file *m, void *unused)
{
	struct mmscope_target_spec t;

	if (!mmscope_target_file_get(&sc_target, &t)) {
		seq_puts(m, "no target: write \"PID ADDR [LEN]\" to target\n");
		return 0;
	}
	return sc_entries_show_range(m, t.pid, t.start, t.len);
}
DEFINE_SHOW_ATTRIBUTE(sc_entries);
DEFINE_SHOW_ATTRIBUTE(sc_devices);
DEFINE_SHOW_ATTRIBUTE(sc_stats);

static const struct mmscope_ioctl sc_ioctls[] = {
	MMSCOPE_IOCTL(MMSCOPE_SWAPCACHE_IOC_ENTRIES,
		      MMSCOPE_SWAPCACHE_ENTRIES_SIZE_VER0,
		      struct mmscope_swapcache_entries, sc_ioc_entries),
	MMSCOPE_IOCTL(MMSCOPE_SWAPCACHE_IOC_SLOTS,
		      MMSCOPE_SWAPCACHE_SLOTS_SIZE_VER0,
		      struct mmscope_swapcache_slots, sc_ioc_slots),
	MMSCOPE_IOCTL(MMSCOPE_SWAPCACHE_IOC_DEVICES,
		      MMSCOPE_SWAPCACHE_DEVICES_SIZE_VER0,
		      struct mmscope_swapcache_devices, sc_ioc_devices),
	MMSCOPE_IOCTL(MMSCOPE_SWAPCACHE_IOC_STATS,
		      MMSCOPE_SWAPCACHE_STATS_SIZE_VER0,
		      struct mmscope_swapcache_stats, sc_ioc_stats),
};

static struct mmscope_ctl sc_ctl = {
	.module = "swapcache",
	.ioctls = sc_ioctls,
	.n_ioctls = ARRAY_SIZE(sc_ioctls),
	.nr_first = 0x90,
	.nr_last = 0xaf,
};

static int __init mmscope_swapcache_init(void)
{
	int ret;

	sc_swap_info_sym = mmscope_symbol(MMSCOPE_SWAP_INFO_SYMBOL);
	if (!sc_swap_info_sym)
		pr_notice("%s missing: slot counts and the swap cache cannot be read\n",
			  MMSCOPE_SWAP_INFO_SYMBOL);
#ifdef MMSCOPE_SWAP_SLOTS_SYMBOL
	sc_slots_sym = mmscope_symbol(MMSCOPE_SWAP_SLOTS_SYMBOL);
#endif
#ifdef MMSCOPE_SWAP_PCP_SYMBOL
	sc_pcp_sym = mmscope_symbol(MMSCOPE_SWAP_PCP_SYMBOL);
#endif
	sc_dir = mmscope_debugfs_create_dir("swapcache");
	if (IS_ERR(sc_dir))
		return PTR_ERR(sc_dir);
	ret = sc_stats_init();
	if (ret)
		goto out_dir;
	ret = mmscope_target_file_create(sc_dir, &sc_target);
	if (ret)
		goto out_stats;
	debugfs_create_file("entries", 0400, sc_dir, NULL, &sc_entries_fops);
	debugfs_create_file("devices", 0400, sc_dir, NULL, &sc_devices_fops);
	debugfs_create_file("stats", 0400, sc_dir, NULL, &sc_stats_fops);
	ret = mmscope_ctl_create(sc_dir, &sc_ctl);
	if (!ret)
		return 0;
	pr_err("cannot create the ctl file: %d\n", ret);
	mmscope_target_file_remove(&sc_target);
out_stats:
	sc_stats_exit();
out_dir:
	mmscope_debugfs_remove_dir(sc_dir);
	return ret;
}

static void __exit mmscope_swapcache_exit(void)
{
	mmscope_ctl_remove(&sc_ctl);
	mmscope_target_file_remove(&sc_target);
	mmscope_debugfs_remove_dir(sc_dir);
	sc_stats_exit();
}

module_init(mmscope_swapcache_init);
module_exit(mmscope_swapcache_exit);

MODULE_DESCRIPTION("mmscope swapcache: swap entries, swap counts and swap cache membership per page, slot and device");
MODULE_LICENSE("GPL");
MODULE_VERSION(MMSCOPE_VERSION);
