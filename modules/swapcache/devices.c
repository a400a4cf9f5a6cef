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
	mmscope_swap_cache_count(si, type, probe, &d->cache_folios,
				 &d->cache_pages);
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
		else
			seq_puts(m, "\n  clusters not read on this kernel\n");
	}
	kfree(probe);
	kfree(d);
	return 0;
}
