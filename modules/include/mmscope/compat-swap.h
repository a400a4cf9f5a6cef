/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Swap differences between the suite's kernels.
 *
 * 6.1 and 6.12 (MMSCOPE_SWAP_MAP): a slot's count is swap_map[offset] with
 * SWAP_HAS_CACHE and COUNT_CONTINUED bits; the swap cache is an array of
 * address spaces per device (swapper_spaces, not resolvable on 6.1 arm64),
 * 64 MiB of slots each. The module reaches a slot's space through the
 * exported folio_mapping(), which answers swap_address_space() of the
 * entry for a swap cache folio, given a folio of the module's own that
 * only carries the swap cache flags and the entry; it looks the folio up
 * there with __filemap_get_folio() (no flags: no side effect).
 * (swapcache_mapping() is no help: it gives the swap file's own mapping.)
 * The space's index is the absolute offset on 6.1 and the offset within
 * the space from 6.10 on.
 *
 * 7.x (MMSCOPE_SWAP_TABLE): no swap_map, no SWAP_HAS_CACHE; each cluster of
 * 512 slots has a table of atomic_long entries: 0 free, bit 0 set a
 * shadow (swapped out), low bits 0b10 a cached folio's PFN above them, all
 * ones from bit 3 a bad slot; the count is in the top four bits (its
 * largest value says: the rest is in the cluster's extend_table). struct
 * swap_cluster_info is private to mm/: its layout below is 7.x's (from the
 * kernel's BTF).
 */
#ifndef _MMSCOPE_COMPAT_SWAP_H
#define _MMSCOPE_COMPAT_SWAP_H

#include <linux/atomic.h>
#include <linux/pagemap.h>
#include <linux/percpu-refcount.h>
#include <linux/rcupdate.h>
#include <linux/spinlock.h>
#include <linux/swap.h>
#include <linux/swapops.h>

#ifdef SWAP_HAS_CACHE
#define MMSCOPE_SWAP_MAP 1
/* The resolver's function that gives a type's swap_info_struct. */
#define MMSCOPE_SWAP_INFO_SYMBOL "swp_swap_info"
#define MMSCOPE_SWAP_INFO_FEATURE "swapcache-swap-map"
#else
#define MMSCOPE_SWAP_TABLE 1
/* 7.x: the swap_info[] array itself (a data symbol). */
#define MMSCOPE_SWAP_INFO_SYMBOL "swap_info"
#define MMSCOPE_SWAP_INFO_FEATURE "swapcache-swap-table"
#endif

/*
 * Functions the statistics probe: a folio enters the swap cache, leaves
 * it, and a lookup on the fault and readahead paths. FOLIO_ARG is the
 * position of the folio argument (the entry follows it). 6.1 and 6.12's
 * add returns an errno; 7.x's cannot fail.
 */
#ifdef MMSCOPE_SWAP_MAP
#define MMSCOPE_SWAP_ADD_FN		"add_to_swap_cache"
#define MMSCOPE_SWAP_DEL_FN		"__delete_from_swap_cache"
#define MMSCOPE_SWAP_FOLIO_ARG		0
#define MMSCOPE_SWAP_ADD_RETURNS_ERR	1
#else
/* the common part of reclaim's and swap-in's add, and of every delete */
#define MMSCOPE_SWAP_ADD_FN		"__swap_cache_do_add_folio"
#define MMSCOPE_SWAP_DEL_FN		"__swap_cache_do_del_folio"
#define MMSCOPE_SWAP_FOLIO_ARG		1
#define MMSCOPE_SWAP_ADD_RETURNS_ERR	0
#endif
#define MMSCOPE_SWAP_FIND_FN		"swap_cache_get_folio"

/* Slots per swap cache address space (6.1, 6.12). */
#define MMSCOPE_SWAP_SPACE_SHIFT	14
/* Slots per cluster. */
#define MMSCOPE_SWAP_CLUSTER		512

/* si->inuse_pages: unsigned int up to 6.12, atomic_long_t in 7.x. */
#ifdef MMSCOPE_SWAP_MAP
#define mmscope_swap_inuse(si) READ_ONCE((si)->inuse_pages)
#else
#define mmscope_swap_inuse(si) atomic_long_read(&(si)->inuse_pages)
#endif

/* SWP_* flags some kernels lack: 0 there. */
#ifdef MMSCOPE_SWAP_MAP
#define MMSCOPE_SWP_FS_OPS	SWP_FS_OPS
#define MMSCOPE_SWP_CONTINUED	SWP_CONTINUED
#else
#define MMSCOPE_SWP_FS_OPS	0
#define MMSCOPE_SWP_CONTINUED	0
#endif

/*
 * The swap_info_struct of @type, or NULL; @sym is what the resolver gave
 * for MMSCOPE_SWAP_INFO_SYMBOL. The caller takes si->users before it
 * reads anything behind it.
 */
static inline struct swap_info_struct *mmscope_swap_type_info(void *sym,
							      unsigned int type)
{
	if (!sym || type >= MAX_SWAPFILES)
		return NULL;
#ifdef MMSCOPE_SWAP_MAP
	return ((struct swap_info_struct *(*)(swp_entry_t))sym)(swp_entry(type, 0));
#else
	return READ_ONCE(((struct swap_info_struct **)sym)[type]);
#endif
}

/* One slot as the kernel keeps it. */
struct mmscope_swap_slot {
	unsigned int count;
	bool has_cache;
	bool bad;
	bool continued;
	bool shmem;
	unsigned long cache_pfn;	/* 7.x: the cached page's PFN, or 0 */
	unsigned long word;		/* equal for slots read alike */
};

#ifdef MMSCOPE_SWAP_MAP

#ifndef SWAP_MAP_SHMEM
#define SWAP_MAP_SHMEM 0
#endif

/*
 * Slot @offset of @si as one word: slots with equal words read alike
 * (count and bits); @pfn the cached page's frame where the slot keeps it
 * (7.x), else 0.
 */
static inline unsigned long mmscope_swap_slot_word(struct swap_info_struct *si,
						   unsigned long offset,
						   unsigned long *pfn)
{
	*pfn = 0;
	return READ_ONCE(si->swap_map[offset]);
}

/* Read slot @offset of @si (held, offset < si->max) into @s. */
static inline void mmscope_swap_slot_read(struct swap_info_struct *si,
					  unsigned long offset,
					  struct mmscope_swap_slot *s)
{
	unsigned char map = READ_ONCE(si->swap_map[offset]);

	memset(s, 0, sizeof(*s));
	s->word = map;
	if (map == SWAP_MAP_BAD) {
		s->bad = true;
		return;
	}
	s->has_cache = map & SWAP_HAS_CACHE;
	/* 6.1: a slot of shmem has one owner, the file, and this count */
	if (SWAP_MAP_SHMEM && (map & ~SWAP_HAS_CACHE) == SWAP_MAP_SHMEM) {
		s->count = 1;
		s->shmem = true;
		return;
	}
	s->continued = map & COUNT_CONTINUED;
	s->count = map & ~(SWAP_HAS_CACHE | COUNT_CONTINUED);
}

/*
 * A folio that stands for @entry to folio_mapping(): the swap cache flags
 * and the entry, nothing else. One per caller (not shared).
 */
static inline void mmscope_swap_probe_set(struct folio *probe, swp_entry_t entry)
{
	probe->flags = BIT(PG_swapbacked) | BIT(PG_swapcache);
	set_page_private(&probe->page, entry.val);
}

/*
 * A reader's place in the swap cache: consecutive slots of one address
 * space are found by stepping the xarray cursor instead of a lookup from
 * the root each. Valid while the caller stays in one RCU read section;
 * mmscope_swap_cursor_reset() when it leaves it.
 */
struct mmscope_swap_cursor {
	struct folio *probe;
	struct xa_state xas;
	unsigned long key;	/* 1 + the space's type and number; 0: none */
};

static inline void mmscope_swap_cursor_reset(struct mmscope_swap_cursor *cur)
{
	cur->key = 0;
}

/* mmscope_swap_slot_word() for a reader that steps along slots. */
static inline unsigned long mmscope_swap_slot_word_at(struct swap_info_struct *si,
						      struct mmscope_swap_cursor *cur,
						      unsigned long offset,
						      unsigned long *pfn)
{
	return mmscope_swap_slot_word(si, offset, pfn);
}

/*
 * The folio in the swap cache for @entry, or NULL; no reference taken:
 * the caller holds rcu_read_lock() and checks the folio's entry after
 * reading it (struct folio memory stays; a freed one reads as changed).
 */
static inline struct folio *mmscope_swap_cache_folio(struct swap_info_struct *si,
						     struct mmscope_swap_cursor *cur,
						     swp_entry_t entry,
						     const struct mmscope_swap_slot *s)
{
	unsigned long index = swp_offset(entry);
	unsigned long key = 1 + ((unsigned long)swp_type(entry) << 32 |
				 index >> MMSCOPE_SWAP_SPACE_SHIFT);
	struct address_space *space;
	void *xe;

#ifdef SWAP_NR_ORDERS
	/* the space's index is relative since multi-order swap (6.10) */
	index &= BIT(MMSCOPE_SWAP_SPACE_SHIFT) - 1;
#endif
	if (cur->key == key && xas_valid(&cur->xas) &&
	    cur->xas.xa_index + 1 == index) {
		xe = xas_next(&cur->xas);
	} else if (cur->key == key) {
		xas_set(&cur->xas, index);
		xe = xas_load(&cur->xas);
	} else {
		mmscope_swap_probe_set(cur->probe, entry);
		space = folio_mapping(cur->probe);
		if (!space)
			return NULL;
		cur->xas = (struct xa_state)__XA_STATE(&space->i_pages, index, 0, 0);
		cur->key = key;
		xe = xas_load(&cur->xas);
	}
	if (xas_retry(&cur->xas, xe)) {
		xas_reset(&cur->xas);
		xe = xas_load(&cur->xas);
	}
	return !xe || xa_is_value(xe) || xa_is_internal(xe) ? NULL : xe;
}

/*
 * The swap cache's xarray slots for up to @n slots of the device from
 * @entry on, as many as lie in one node of the tree: *slots points to the
 * first, the count is returned (0: not in a node, look them up one by
 * one). For a reader under rcu_read_lock() that steps along a run.
 */
static inline unsigned int mmscope_swap_cache_slots(struct swap_info_struct *si,
						    struct mmscope_swap_cursor *cur,
						    swp_entry_t entry,
						    unsigned int n,
						    void __rcu ***slots)
{
	unsigned long index = swp_offset(entry);
	unsigned long key = 1 + ((unsigned long)swp_type(entry) << 32 |
				 index >> MMSCOPE_SWAP_SPACE_SHIFT);
	struct xa_node *node;
	unsigned int off;

#ifdef SWAP_NR_ORDERS
	index &= BIT(MMSCOPE_SWAP_SPACE_SHIFT) - 1;
#endif
	/* places the cursor on the entry's slot */
	mmscope_swap_cache_folio(si, cur, entry, NULL);
	node = cur->xas.xa_node;
	if (cur->key != key || cur->xas.xa_index != index ||
	    !xas_valid(&cur->xas) || !node || node->shift)
		return 0;
	off = cur->xas.xa_offset;
	*slots = &node->slots[off];
	return min_t(unsigned int, n, XA_CHUNK_SIZE - off);
}

/* The folio an xarray slot of the swap cache holds, or NULL. */
static inline struct folio *mmscope_swap_cache_slot_folio(void __rcu **slot)
{
	void *xe = rcu_dereference(*slot);

	return !xe || xa_is_value(xe) || xa_is_internal(xe) ? NULL : xe;
}

/* The address space of slots [n << shift, (n + 1) << shift) of @type. */
static inline struct address_space *
mmscope_swap_space(struct folio *probe, unsigned int type, unsigned long n)
{
	mmscope_swap_probe_set(probe, swp_entry(type, n << MMSCOPE_SWAP_SPACE_SHIFT));
	return folio_mapping(probe);
}

/* Folios and pages in the swap cache of @type, whose device is held. */
static inline void mmscope_swap_cache_count(struct swap_info_struct *si,
					    unsigned int type,
					    struct folio *probe,
					    u64 *folios, u64 *pages)
{
	unsigned long n, nr = DIV_ROUND_UP(si->max, BIT(MMSCOPE_SWAP_SPACE_SHIFT));
	struct address_space *space;
	void *entry, *last;

	*folios = *pages = 0;
	for (n = 0; n < nr; n++) {
		XA_STATE(xas, NULL, 0);

		space = mmscope_swap_space(probe, type, n);
		xas.xa = &space->i_pages;
		last = NULL;
		rcu_read_lock();
		xas_for_each(&xas, entry, ULONG_MAX) {
			if (xas_retry(&xas, entry) || xa_is_value(entry))
				continue;
			(*pages)++;
			*folios += entry != last;
			last = entry;
			if (need_resched()) {
				xas_pause(&xas);
				rcu_read_unlock();
				cond_resched();
				rcu_read_lock();
			}
		}
		rcu_read_unlock();
	}
}

#else /* MMSCOPE_SWAP_TABLE */

/* 7.x's struct swap_cluster_info (mm/swap.h), as its BTF describes it. */
struct mmscope_swap_cluster_info {
	spinlock_t lock;		/* the cluster's: not taken here */
	u16 count;
	u8 flags;
	u8 order;
	atomic_long_t __rcu *table;
	unsigned int *extend_table;
	void *memcg_table;
	struct list_head list;
};

#define MMSCOPE_SWP_TB_COUNT_BITS	4
#define MMSCOPE_SWP_TB_FLAGS_BITS	5
#define MMSCOPE_SWP_TB_COUNT_MAX	((1U << MMSCOPE_SWP_TB_COUNT_BITS) - 1)
#define MMSCOPE_SWP_TB_BAD		(~0UL << 3)

static inline unsigned long mmscope_swap_table_entry(struct swap_info_struct *si,
						     unsigned long offset)
{
	struct mmscope_swap_cluster_info *ci;
	atomic_long_t *table;
	unsigned long tb = 0;

	ci = (struct mmscope_swap_cluster_info *)si->cluster_info;
	if (!ci)
		return 0;
	ci += offset / MMSCOPE_SWAP_CLUSTER;
	rcu_read_lock();
	table = rcu_dereference(ci->table);
	if (table)
		tb = atomic_long_read(&table[offset % MMSCOPE_SWAP_CLUSTER]);
	rcu_read_unlock();
	return tb;
}

#define MMSCOPE_SWP_TB_PFN_MASK	((~0UL >> MMSCOPE_SWP_TB_FLAGS_BITS) & ~3UL)

/* The table entry without its PFN or shadow: alike slots, equal words. */
static inline unsigned long mmscope_swap_tb_word(unsigned long tb,
						 unsigned long *pfn)
{
	*pfn = 0;
	if (tb == MMSCOPE_SWP_TB_BAD)
		return tb;
	if ((tb & 3) == 2)
		*pfn = (tb & MMSCOPE_SWP_TB_PFN_MASK) >> 2;
	/* a shadow's bits above bit 0 are its own */
	if (tb & 1)
		return tb & ~(MMSCOPE_SWP_TB_PFN_MASK | 2UL);
	return tb & ~MMSCOPE_SWP_TB_PFN_MASK;
}

static inline unsigned long mmscope_swap_slot_word(struct swap_info_struct *si,
						   unsigned long offset,
						   unsigned long *pfn)
{
	return mmscope_swap_tb_word(mmscope_swap_table_entry(si, offset), pfn);
}

static inline void mmscope_swap_slot_read(struct swap_info_struct *si,
					  unsigned long offset,
					  struct mmscope_swap_slot *s)
{
	unsigned long tb = mmscope_swap_table_entry(si, offset);
	unsigned long pfn;

	memset(s, 0, sizeof(*s));
	s->word = mmscope_swap_tb_word(tb, &pfn);
	if (!tb)
		return;
	if (tb == MMSCOPE_SWP_TB_BAD) {
		s->bad = true;
		return;
	}
	s->count = tb >> (BITS_PER_LONG - MMSCOPE_SWP_TB_COUNT_BITS);
	s->continued = s->count == MMSCOPE_SWP_TB_COUNT_MAX;
	if ((tb & 3) == 2) {
		s->has_cache = true;
		s->cache_pfn = (tb & (~0UL >> MMSCOPE_SWP_TB_FLAGS_BITS)) >> 2;
	}
}

/*
 * A reader's place: the table of the cluster it read last, kept while the
 * caller stays in one RCU read section (a cluster's table is freed after
 * a grace period); mmscope_swap_cursor_reset() when it leaves it.
 */
struct mmscope_swap_cursor {
	struct folio *probe;	/* unused: the table gives the PFN */
	struct swap_info_struct *si;
	unsigned long cluster;	/* the cluster's number + 1; 0: none */
	atomic_long_t *table;
	unsigned long valid;	/* a block of frames pfn_valid() said + 1 */
};

static inline void mmscope_swap_cursor_reset(struct mmscope_swap_cursor *cur)
{
	cur->cluster = 0;
	cur->valid = 0;
}

/*
 * pfn_valid(@pfn), asked once per block of frames that is valid or not
 * as a whole (a subsection of the memory map), while the reader stays in
 * one RCU read section.
 */
static inline bool mmscope_swap_pfn_valid(struct mmscope_swap_cursor *cur,
					  unsigned long pfn)
{
#ifdef PFN_SUBSECTION_SHIFT
	unsigned long block = (pfn >> PFN_SUBSECTION_SHIFT) + 1;

	if (cur->valid == block)
		return true;
	if (!pfn_valid(pfn))
		return false;
	cur->valid = block;
	return true;
#else
	return pfn_valid(pfn);
#endif
}

/*
 * mmscope_swap_slot_word() for a reader that steps along slots under
 * rcu_read_lock(): the cluster's table is looked up once per cluster.
 */
static inline unsigned long mmscope_swap_slot_word_at(struct swap_info_struct *si,
						      struct mmscope_swap_cursor *cur,
						      unsigned long offset,
						      unsigned long *pfn)
{
	struct mmscope_swap_cluster_info *ci;
	unsigned long n = offset / MMSCOPE_SWAP_CLUSTER;

	if (cur->cluster != n + 1 || cur->si != si) {
		ci = (struct mmscope_swap_cluster_info *)si->cluster_info;
		cur->table = ci ? rcu_dereference(ci[n].table) : NULL;
		cur->si = si;
		cur->cluster = n + 1;
	}
	if (!cur->table) {
		*pfn = 0;
		return 0;
	}
	return mmscope_swap_tb_word(atomic_long_read(&cur->table[offset %
							MMSCOPE_SWAP_CLUSTER]),
				    pfn);
}

/* 7.x: the cached folio is the one at the table's PFN (no reference). */
static inline struct folio *mmscope_swap_cache_folio(struct swap_info_struct *si,
						     struct mmscope_swap_cursor *cur,
						     swp_entry_t entry,
						     const struct mmscope_swap_slot *s)
{
	if (!s->cache_pfn || !mmscope_swap_pfn_valid(cur, s->cache_pfn))
		return NULL;
	return page_folio(pfn_to_page(s->cache_pfn));
}

/* 7.x: the cache is the swap table itself, read slot by slot. */
static inline unsigned int mmscope_swap_cache_slots(struct swap_info_struct *si,
						    struct mmscope_swap_cursor *cur,
						    swp_entry_t entry,
						    unsigned int n,
						    void __rcu ***slots)
{
	return 0;
}

static inline struct folio *mmscope_swap_cache_slot_folio(void __rcu **slot)
{
	return NULL;
}

static inline void mmscope_swap_cache_count(struct swap_info_struct *si,
					    unsigned int type,
					    struct folio *probe,
					    u64 *folios, u64 *pages)
{
	struct mmscope_swap_cluster_info *ci;
	unsigned long n, i, tb, pfn;
	atomic_long_t *table;

	*folios = *pages = 0;
	ci = (struct mmscope_swap_cluster_info *)si->cluster_info;
	if (!ci)
		return;
	for (n = 0; n < DIV_ROUND_UP(si->max, MMSCOPE_SWAP_CLUSTER); n++) {
		rcu_read_lock();
		table = rcu_dereference(ci[n].table);
		for (i = 0; table && i < MMSCOPE_SWAP_CLUSTER; i++) {
			tb = atomic_long_read(&table[i]);
			if ((tb & 3) != 2)
				continue;
			(*pages)++;
			pfn = (tb & (~0UL >> MMSCOPE_SWP_TB_FLAGS_BITS)) >> 2;
			/* a folio counts once, at its first page */
			if (pfn_valid(pfn) &&
			    folio_pfn(page_folio(pfn_to_page(pfn))) == pfn)
				(*folios)++;
		}
		rcu_read_unlock();
		cond_resched();
	}
}

#endif /* MMSCOPE_SWAP_MAP */

/*
 * Cluster lists of a device (list_heads since multi-order swap, 6.10).
 * 6.1 and 6.12 give only solid-state devices clusters (a rotating disk
 * is scanned slot by slot: no cluster_info, @none); 7.x gives every
 * device clusters.
 */
struct mmscope_swap_clusters {
	bool valid;
	bool none;
	unsigned int nr, free, nonfull, full, frag;
};

#ifdef SWAP_NR_ORDERS
static inline unsigned int mmscope_list_len(struct list_head *head)
{
	struct list_head *p;
	unsigned int n = 0;

	list_for_each(p, head)
		n++;
	return n;
}

static inline void mmscope_swap_clusters(struct swap_info_struct *si,
					 struct mmscope_swap_clusters *c)
{
	unsigned int o;

	memset(c, 0, sizeof(*c));
	c->none = !si->cluster_info;
	if (c->none)
		return;
	c->valid = true;
	c->nr = DIV_ROUND_UP(si->max, MMSCOPE_SWAP_CLUSTER);
	spin_lock(&si->lock);
	c->free = mmscope_list_len(&si->free_clusters);
	c->full = mmscope_list_len(&si->full_clusters);
	for (o = 0; o < SWAP_NR_ORDERS; o++) {
		c->nonfull += mmscope_list_len(&si->nonfull_clusters[o]);
		c->frag += mmscope_list_len(&si->frag_clusters[o]);
	}
	spin_unlock(&si->lock);
}
#else
/* 6.1: the free list is an index chain in cluster_info; not read. */
static inline void mmscope_swap_clusters(struct swap_info_struct *si,
					 struct mmscope_swap_clusters *c)
{
	memset(c, 0, sizeof(*c));
	c->none = !si->cluster_info;
}
#endif

/*
 * Per-CPU state behind a device. 6.1 and 6.12 keep a per-CPU cache of
 * allocated slots (swp_slots: slots handed out in batches of up to 64,
 * with SWAP_HAS_CACHE set, and freed slots waiting to be returned), a
 * static per-CPU variable reached through the resolver where kallsyms
 * has data symbols (not 6.1 arm64). 7.x has no slot cache. Per-CPU
 * clusters: 6.12 keeps each CPU's next offset per order in
 * si->percpu_cluster (solid-state devices only); 7.x keeps one per-CPU
 * percpu_swap_cluster for all devices (device and next offset per order,
 * used for solid-state devices; rotating ones share a global cluster),
 * private to mm/swapfile.c: its layout below is 7.x's (from BTF). 6.1's
 * per-CPU cluster is not read.
 */
/*
 * @cpu's copy of per-CPU variable @sym (an address kallsyms gave): what
 * per_cpu_ptr() computes, without a cast into the per-CPU address space
 * (a named address space on 7.x x86_64, which a plain pointer cannot be
 * cast to).
 */
static inline void *mmscope_percpu_sym(void *sym, unsigned int cpu)
{
	return (void *)((unsigned long)sym + per_cpu_offset(cpu));
}

#ifdef MMSCOPE_SWAP_MAP
#include <linux/swap_slots.h>

#if IS_ENABLED(CONFIG_KALLSYMS_ALL)
#define MMSCOPE_SWAP_SLOTS_SYMBOL	"swp_slots"
#endif

/* Slots of @type in every CPU's allocation and freed-slot caches. */
static inline void mmscope_swap_slot_caches(void *sym, unsigned int type,
					    u32 *alloc, u32 *freed)
{
	struct swap_slots_cache *sc;
	unsigned int cpu;
	int i;

	*alloc = *freed = 0;
	for_each_possible_cpu(cpu) {
		sc = mmscope_percpu_sym(sym, cpu);
		if (!READ_ONCE(sc->lock_initialized))
			continue;
		mutex_lock(&sc->alloc_lock);
		for (i = 0; sc->slots && i < sc->nr; i++)
			*alloc += swp_type(sc->slots[sc->cur + i]) == type;
		mutex_unlock(&sc->alloc_lock);
		spin_lock_irq(&sc->free_lock);
		for (i = 0; sc->slots_ret && i < sc->n_ret; i++)
			*freed += swp_type(sc->slots_ret[i]) == type;
		spin_unlock_irq(&sc->free_lock);
	}
}

#ifdef SWAP_NR_ORDERS
/* 6.12: whether @si has per-CPU clusters; @cpu's order-0 next offset. */
static inline bool mmscope_swap_pcp_next(void *sym, struct swap_info_struct *si,
					 unsigned int cpu, u64 *next)
{
	if (!si->percpu_cluster)
		return false;
	*next = READ_ONCE(per_cpu_ptr(si->percpu_cluster, cpu)->next[0]);
	if (*next == SWAP_NEXT_INVALID)
		*next = ~0ULL;
	return true;
}
#endif

#else /* MMSCOPE_SWAP_TABLE */

#if IS_ENABLED(CONFIG_KALLSYMS_ALL)
#define MMSCOPE_SWAP_PCP_SYMBOL		"percpu_swap_cluster"
#endif

struct mmscope_percpu_swap_cluster {
	struct swap_info_struct *si[SWAP_NR_ORDERS];
	unsigned long offset[SWAP_NR_ORDERS];
	local_lock_t lock;
};

/* 7.x: @cpu's order-0 next offset when its cluster is on @si. */
static inline bool mmscope_swap_pcp_next(void *sym, struct swap_info_struct *si,
					 unsigned int cpu, u64 *next)
{
	struct mmscope_percpu_swap_cluster *pc;

	if (!sym || !(READ_ONCE(si->flags) & SWP_SOLIDSTATE))
		return false;
	pc = mmscope_percpu_sym(sym, cpu);
	*next = READ_ONCE(pc->si[0]) == si ? READ_ONCE(pc->offset[0]) : ~0ULL;
	return true;
}
#endif

#endif /* _MMSCOPE_COMPAT_SWAP_H */
