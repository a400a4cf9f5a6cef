// SPDX-License-Identifier: GPL-2.0
/*
 * Active swap devices: what /proc/swaps shows, the device's flags and
 * cluster lists, and how much of the swap cache belongs to it.
 */
#include <linux/fs.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include <mmscope/compat.h>
#include <mmscope/compat-swap.h>
#include <mmscope/core.h>

#include "internal.h"

static const unsigned long sc_swp_flags[MMSCOPE_SWAPCACHE_NR_DEVFLAGS] = {
	[MMSCOPE_SWAPCACHE_DEV_USED] = SWP_USED,
	[MMSCOPE_SWAPCACHE_DEV_WRITEOK] = SWP_WRITEOK,
	[MMSCOPE_SWAPCACHE_DEV_DISCARDABLE] = SWP_DISCARDABLE,
	[MMSCOPE_SWAPCACHE_DEV_SOLIDSTATE] = SWP_SOLIDSTATE,
	[MMSCOPE_SWAPCACHE_DEV_BLKDEV] = SWP_BLKDEV,
	[MMSCOPE_SWAPCACHE_DEV_ACTIVATED] = SWP_ACTIVATED,
	[MMSCOPE_SWAPCACHE_DEV_FS_OPS] = MMSCOPE_SWP_FS_OPS,
	[MMSCOPE_SWAPCACHE_DEV_SYNCHRONOUS_IO] = SWP_SYNCHRONOUS_IO,
	[MMSCOPE_SWAPCACHE_DEV_STABLE_WRITES] = SWP_STABLE_WRITES,
	[MMSCOPE_SWAPCACHE_DEV_AREA_DISCARD] = SWP_AREA_DISCARD,
	[MMSCOPE_SWAPCACHE_DEV_PAGE_DISCARD] = SWP_PAGE_DISCARD,
	[MMSCOPE_SWAPCACHE_DEV_CONTINUED] = MMSCOPE_SWP_CONTINUED,
};

/* The per-CPU slot caches and clusters of held device @si into @d. */
static void sc_device_pcp(struct swap_info_struct *si, unsigned int type,
			  struct mmscope_swapcache_device *d)
{
#if defined(MMSCOPE_SWAP_TABLE) || defined(SWAP_NR_ORDERS)
	unsigned int cpu, n = 0;
#endif

#ifdef MMSCOPE_SWAP_TABLE
	d->info |= MMSCOPE_SWAPCACHE_DEV_NO_SLOT_CACHE;
#else
	if (sc_slots_sym) {
		mmscope_swap_slot_caches(sc_slots_sym, type, &d->slot_cache,
					 &d->slot_cache_freed);
		d->info |= MMSCOPE_SWAPCACHE_DEV_SLOT_CACHE;
	}
#endif
#if defined(MMSCOPE_SWAP_TABLE) || defined(SWAP_NR_ORDERS)
	for_each_possible_cpu(cpu) {
		if (n == MMSCOPE_SWAPCACHE_PCP_CPUS)
			break;
		if (!mmscope_swap_pcp_next(sc_pcp_sym, si, cpu, &d->pcp_next[n])) {
#ifdef MMSCOPE_SWAP_TABLE
			/* without the symbol: not known */
			if (!sc_pcp_sym)
				return;
#endif
			d->info |= MMSCOPE_SWAPCACHE_DEV_NO_PCP;
			return;
		}
		n++;
	}
	d->pcp_cpus = n;
	d->info |= MMSCOPE_SWAPCACHE_DEV_PCP;
#endif
}

/* Device @type into @d if it is swapped on; false otherwise. */
static bool sc_device(unsigned int type, struct mmscope_swapcache_device *d,
		      struct folio *probe)
{
	struct mmscope_swap_clusters cl;
	struct swap_info_struct *si;
	unsigned long flags;
	unsigned int i;
	char *path;

	si = sc_get_device(type);
	if (!si)
		return false;
	flags = READ_ONCE(si->flags);
	if (!(flags & SWP_WRITEOK)) {
		sc_put_device(si);
		return false;
	}
	memset(d, 0, sizeof(*d));
	d->type = type;
	d->prio = si->prio;
	for (i = 0; i < MMSCOPE_SWAPCACHE_NR_DEVFLAGS; i++)
		if (flags & sc_swp_flags[i])
			d->flags |= BIT(i);
	d->pages = si->pages;
	d->inuse = mmscope_swap_inuse(si);
	d->max = si->max;
	path = file_path(si->swap_file, d->path, sizeof(d->path));
	if (IS_ERR(path))
		strscpy(d->path, "?", sizeof(d->path));
	else
		memmove(d->path, path, strlen(path) + 1);
	mmscope_swap_clusters(si, &cl);
	if (cl.valid) {
		d->info |= MMSCOPE_SWAPCACHE_DEV_CLUSTERS;
		d->clusters = cl.nr;
		d->free_clusters = cl.free;
		d->nonfull_clusters = cl.nonfull;
		d->full_clusters = cl.full;
		d->frag_clusters = cl.frag;
	}
	if (cl.none)
		d->info |= MMSCOPE_SWAPCACHE_DEV_NO_CLUSTERS;
	mmscope_swap_cache_count(si, type, probe, &d->cache_folios,
				 &d->cache_pages);
	sc_device_pcp(si, type, d);
	sc_put_device(si);
	return true;
}

long sc_ioc_devices(struct file *file, unsigned int cmd, void *arg)
{
	struct mmscope_swapcache_devices *a = arg;
	struct mmscope_swapcache_device *d;
	unsigned int type, n = 0, total = 0;
	struct folio *probe;
	long ret = 0;

	BUILD_BUG_ON(sizeof(*a) != MMSCOPE_SWAPCACHE_DEVICES_SIZE_VER0);
	if (a->flags || a->pad || (a->count && (!a->devices || !a->device_size)))
		return -EINVAL;
	d = kmalloc(sizeof(*d), GFP_KERNEL);
	probe = kzalloc(sizeof(*probe), GFP_KERNEL);
	if (!d || !probe) {
		ret = -ENOMEM;
		goto out;
	}
	for (type = 0; type < MAX_SWAPFILES; type++) {
		if (!sc_device(type, d, probe))
			continue;
		total++;
		if (n >= a->count)
			continue;
		if (copy_to_user(u64_to_user_ptr(a->devices + (u64)n * a->device_size),
				 d, sc_copy_size(a->device_size, sizeof(*d)))) {
			ret = -EFAULT;
			goto out;
		}
		n++;
	}
	a->count = n;
	a->total = total;
out:
	kfree(probe);
	kfree(d);
	return ret;
}

static void sc_device_pcp_show(struct seq_file *m,
			       const struct mmscope_swapcache_device *d)
{
	unsigned int i;

	if (d->info & MMSCOPE_SWAPCACHE_DEV_SLOT_CACHE)
		seq_printf(m, "  slot caches %u allocated %u freed\n",
			   d->slot_cache, d->slot_cache_freed);
	else
		seq_printf(m, "  slot caches: %s\n",
			   d->info & MMSCOPE_SWAPCACHE_DEV_NO_SLOT_CACHE ?
			   "none on this kernel" : "not readable here");
	if (d->info & MMSCOPE_SWAPCACHE_DEV_PCP) {
		seq_puts(m, "  per-cpu clusters, next offset:");
		for (i = 0; i < d->pcp_cpus; i++)
			if (d->pcp_next[i] == ~0ULL)
				seq_printf(m, " cpu%u -", i);
			else
				seq_printf(m, " cpu%u %llu", i, d->pcp_next[i]);
		seq_putc(m, '\n');
	} else {
		seq_printf(m, "  per-cpu clusters: %s\n",
			   d->info & MMSCOPE_SWAPCACHE_DEV_NO_PCP ?
			   "none on this device" : "not read on this kernel");
	}
}

int sc_devices_show(struct seq_file *m, void *unused)
{
	struct mmscope_swapcache_device *d;
	struct folio *probe;
	unsigned int type, i;

	d = kmalloc(sizeof(*d), GFP_KERNEL);
	probe = kzalloc(sizeof(*probe), GFP_KERNEL);
	if (!d || !probe) {
		kfree(probe);
		kfree(d);
		return -ENOMEM;
	}
	for (type = 0; type < MAX_SWAPFILES; type++) {
		if (!sc_device(type, d, probe))
			continue;
		seq_printf(m, "type %u %s prio %d pages %llu inuse %llu max %llu cache_folios %llu cache_pages %llu\n  flags",
			   d->type, d->path, d->prio, d->pages, d->inuse, d->max,
			   d->cache_folios, d->cache_pages);
		for (i = 0; i < MMSCOPE_SWAPCACHE_NR_DEVFLAGS; i++)
			if (d->flags & BIT(i))
				seq_printf(m, " %s", sc_devflag_names[i]);
		if (d->info & MMSCOPE_SWAPCACHE_DEV_CLUSTERS)
			seq_printf(m, "\n  clusters %u free %u nonfull %u full %u frag %u\n",
				   d->clusters, d->free_clusters,
				   d->nonfull_clusters, d->full_clusters,
				   d->frag_clusters);
		else if (d->info & MMSCOPE_SWAPCACHE_DEV_NO_CLUSTERS)
			seq_puts(m, "\n  clusters: none on this device\n");
		else
			seq_puts(m, "\n  clusters not read on this kernel\n");
		sc_device_pcp_show(m, d);
	}
	kfree(probe);
	kfree(d);
	return 0;
}
