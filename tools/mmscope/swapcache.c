// SPDX-License-Identifier: GPL-2.0
/*
 * mmscope swapcache: swap entries, swap counts and swap cache membership
 * per page, per slot and per device, and swap cache statistics, from
 * mmscope_swapcache.ko.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#include "common.h"

#define LEVEL "mmscope swapcache"

#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif
#ifndef SYS_process_madvise
#define SYS_process_madvise 440
#endif
#ifndef MADV_PAGEOUT
#define MADV_PAGEOUT 21
#endif
#define SC_BATCH 4096

/*
 * A run of alike records: merged in the output with a page count. The
 * module merges runs itself (MMSCOPE_SWAPCACHE_ENTRIES_RUNS); runs are
 * joined again here across its batches (and, without a folio, mappings).
 */
struct sc_run {
	struct mmscope_swapcache_entry e;
	uint64_t pages;
};

static bool sc_has_folio(const struct mmscope_swapcache_entry *e)
{
	return e->info & MMSCOPE_SWAPCACHE_E_FOLIO;
}

/* @e continues @r: same state and slot state, no folio, next page/slot. */
static bool sc_alike(const struct sc_run *r,
		     const struct mmscope_swapcache_entry *e)
{
	const struct mmscope_swapcache_entry *f = &r->e;

	if (!r->pages || sc_has_folio(f) || sc_has_folio(e) ||
	    f->state != e->state || f->info != e->info)
		return false;
	if (f->va != ~0ULL && e->va != f->va + r->pages * getpagesize())
		return false;
	if (!(f->info & MMSCOPE_SWAPCACHE_E_SWAP))
		return true;
	return e->type == f->type && e->offset == f->offset + r->pages &&
	       e->count == f->count;
}

/*
 * @e continues @r, a run of folios, across the module's batches: what the
 * module compares alike, and the next page, slot and frame. A run of one
 * order-0 page takes @e's step. Text only: JSON gives each page with a
 * folio its own object.
 */
static bool sc_alike_folio(struct sc_run *r,
			   const struct mmscope_swapcache_entry *e)
{
	const struct mmscope_swapcache_entry *f = &r->e;
	int64_t step = f->pfn_step;

	if (json_output || !r->pages || !sc_has_folio(f) || !sc_has_folio(e) ||
	    f->state != e->state || f->info != e->info ||
	    f->order != e->order || f->refcount != e->refcount ||
	    f->mapcount != e->mapcount || f->pgflags != e->pgflags ||
	    f->va == ~0ULL || e->va != f->va + r->pages * getpagesize())
		return false;
	if ((f->info & MMSCOPE_SWAPCACHE_E_SWAP) &&
	    (e->type != f->type || e->offset != f->offset + r->pages ||
	     e->count != f->count))
		return false;
	if (r->pages == 1 && !f->order)
		step = (int64_t)(e->pfn - f->pfn);
	if (!step || e->pfn != f->pfn + r->pages * step ||
	    (e->pages > 1 && e->pfn_step != step))
		return false;
	r->e.pfn_step = step;
	return true;
}

static void sc_entry_json(struct json_object *arr, const struct sc_run *r)
{
	const struct mmscope_swapcache_entry *e = &r->e;
	struct json_object *o = jw_push_object(arr), *s, *f, *fl;
	unsigned int i;

	if (e->va != ~0ULL)
		jw_set_hex(o, "va", e->va);
	jw_set_str(o, "state", mmscope_swapcache_state_name(e->state));
	if (e->info & MMSCOPE_SWAPCACHE_E_SWAP) {
		s = jw_set_object(o, "swap");
		jw_set_uint(s, "type", e->type);
		jw_set_uint(s, "offset", e->offset);
		jw_set_uint(s, "count", e->count);
		jw_set_bool(s, "has_cache", e->info & MMSCOPE_SWAPCACHE_E_HAS_CACHE);
		if (e->info & MMSCOPE_SWAPCACHE_E_CONTINUED)
			jw_set_bool(s, "continued", true);
		if (e->info & MMSCOPE_SWAPCACHE_E_BAD)
			jw_set_bool(s, "bad", true);
		if (e->info & MMSCOPE_SWAPCACHE_E_NODEV)
			jw_set_bool(s, "no_device", true);
		if (e->info & MMSCOPE_SWAPCACHE_E_SHMEM)
			jw_set_bool(s, "shmem", true);
	} else {
		jw_set_null(o, "swap");
	}
	jw_set_bool(o, "swapcache", e->info & MMSCOPE_SWAPCACHE_E_SWAPCACHE);
	if (sc_has_folio(e)) {
		f = jw_set_object(o, "folio");
		jw_set_uint(f, "pfn", e->pfn);
		jw_set_uint(f, "order", e->order);
		jw_set_uint(f, "refcount", e->refcount);
		jw_set_int(f, "mapcount", e->mapcount);
		fl = jw_set_array(f, "flags");
		for (i = 0; i < 64; i++)
			if (e->pgflags & (1ULL << i) &&
			    mmscope_pageref_pgflag_name(i))
				jw_push_str(fl, mmscope_pageref_pgflag_name(i));
	} else {
		jw_set_null(o, "folio");
	}
	if (e->info & MMSCOPE_SWAPCACHE_E_CHANGED)
		jw_set_bool(o, "changed", true);
	if (r->pages > 1)
		jw_set_uint(o, "pages", r->pages);
}

static void sc_entry_text(const struct sc_run *r)
{
	const struct mmscope_swapcache_entry *e = &r->e;
	const char *sep = " ";
	unsigned int i;

	if (e->va != ~0ULL)
		printf("0x%012llx ", (unsigned long long)e->va);
	printf("%-7s", mmscope_swapcache_state_name(e->state));
	if (e->info & MMSCOPE_SWAPCACHE_E_SWAP)
		printf(" swap %u:%-8llu count %u%s%s%s", e->type,
		       (unsigned long long)e->offset, e->count,
		       e->info & MMSCOPE_SWAPCACHE_E_HAS_CACHE ? " has_cache" : "",
		       e->info & MMSCOPE_SWAPCACHE_E_SHMEM ? " shmem" : "",
		       e->info & MMSCOPE_SWAPCACHE_E_NODEV ? " no-device" : "");
	if (e->info & MMSCOPE_SWAPCACHE_E_SWAPCACHE)
		printf(" in-swapcache");
	if (sc_has_folio(e)) {
		printf(" pfn %llu", (unsigned long long)e->pfn);
		/* a run of folios: its pages' frames, first to last */
		if (r->pages > 1)
			printf("..%llu", (unsigned long long)(e->pfn +
			       (r->pages - 1) * e->pfn_step));
		printf(" order %u ref %u map %d", e->order, e->refcount,
		       e->mapcount);
		for (i = 0; i < 64; i++) {
			if (!(e->pgflags & (1ULL << i)) ||
			    !mmscope_pageref_pgflag_name(i))
				continue;
			printf("%s%s", sep, mmscope_pageref_pgflag_name(i));
			sep = ",";
		}
	}
	if (r->pages > 1)
		printf(" (%llu pages)", (unsigned long long)r->pages);
	printf("\n");
}

struct sc_out {
	struct json_object *arr;
	struct sc_run run;
};

static void sc_flush(struct sc_out *o)
{
	if (!o->run.pages)
		return;
	if (json_output)
		sc_entry_json(o->arr, &o->run);
	else
		sc_entry_text(&o->run);
	o->run.pages = 0;
}

static void sc_put(struct sc_out *o, const struct mmscope_swapcache_entry *e)
{
	uint64_t pages = e->pages ? e->pages : 1;

	if (sc_alike(&o->run, e) || sc_alike_folio(&o->run, e)) {
		o->run.pages += pages;
		return;
	}
	sc_flush(o);
	o->run.e = *e;
	o->run.pages = pages;
}

/*
 * A record of the module, maybe a run. JSON keeps one object per page
 * that has a folio (each its own pfn): such a run is given page by page.
 */
static void sc_put_run(struct sc_out *o, const struct mmscope_swapcache_entry *e)
{
	struct mmscope_swapcache_entry p;
	uint64_t k;

	if (!json_output || !sc_has_folio(e) || e->pages <= 1) {
		sc_put(o, e);
		return;
	}
	for (k = 0; k < e->pages; k++) {
		p = *e;
		p.pages = 1;
		p.va += k * getpagesize();
		if (p.info & MMSCOPE_SWAPCACHE_E_SWAP)
			p.offset += k;
		p.pfn += k * e->pfn_step;
		sc_put(o, &p);
	}
}

static int sc_range(int fd, int pid, uint64_t start, uint64_t len,
		    struct sc_out *o)
{
	struct mmscope_swapents q;
	unsigned int i;
	int ret;

	if (mmscope_swapents_init(&q, fd, pid, start, len, SC_BATCH)) {
		p_err("%s", mmscope_last_error());
		return EXIT_FAILED;
	}
	q.flags = MMSCOPE_SWAPCACHE_ENTRIES_RUNS;
	while ((ret = mmscope_swapents_next(&q)) > 0)
		for (i = 0; i < q.count; i++)
			sc_put_run(o, &q.recs[i]);
	mmscope_swapents_free(&q);
	if (ret < 0) {
		p_err("pid %d 0x%llx: %s", pid, (unsigned long long)start,
		      mmscope_last_error());
		return EXIT_FAILED;
	}
	return EXIT_OK;
}

/* entries --pid PID [ADDR LEN] */
static int cmd_entries(int argc, char **argv)
{
	struct sc_out o = { 0 };
	struct json_object *root = NULL;
	struct mmscope_map *maps = NULL;
	uint64_t pid = 0, addr = 0, len = 0;
	int fd, ret = EXIT_OK;
	long i, n;

	if ((argc != 2 && argc != 4) || strcmp(argv[0], "--pid"))
		return usage_err(LEVEL " entries", "give --pid PID [ADDR LEN]");
	if (parse_u64(argv[1], &pid, "PID") ||
	    (argc == 4 && (parse_u64(argv[2], &addr, "ADDR") ||
			   parse_u64(argv[3], &len, "LEN"))))
		return EXIT_USAGE;
	if (!pid || pid > 0x7fffffff)
		return usage_err(LEVEL " entries", "PID must be a positive number");
	if (argc == 4 && !len)
		return usage_err(LEVEL " entries", "LEN must not be 0");
	fd = ctl_open("swapcache");
	if (fd < 0)
		return EXIT_FAILED;
	if (json_output) {
		root = jw_object();
		o.arr = jw_set_array(root, "entries");
	}
	if (argc == 4) {
		ret = sc_range(fd, pid, addr, len, &o);
	} else {
		n = mmscope_maps_read(pid, &maps);
		if (n < 0) {
			p_err("pid %llu: %s", (unsigned long long)pid,
			      errno_str(-n));
			ret = EXIT_FAILED;
		}
		for (i = 0; i < n && ret == EXIT_OK; i++) {
			/* the vsyscall page is in no VMA */
			if (!strcmp(maps[i].path, "[vsyscall]"))
				continue;
			ret = sc_range(fd, pid, maps[i].start,
				       maps[i].end - maps[i].start, &o);
		}
		free(maps);
	}
	sc_flush(&o);
	close(fd);
	if (root && ret == EXIT_OK)
		jw_emit(root);
	else if (root)
		json_object_put(root);
	return ret;
}

/*
 * Why slots come without the processes that reference them: a swap PTE
 * has no reverse map (swapoff finds them by walking every process), and
 * a cached folio's anon_vma is read only through functions the kernel
 * does not export.
 */
#define SC_USERS_NOTE \
	"not found cheaply: a swap entry has no reverse map (only a walk of every process's page tables, as swapoff does, finds its users); count says how many references there are"

/* slots --type T OFFSET [COUNT] */
static int cmd_slots(int argc, char **argv)
{
	struct mmscope_swapcache_entry *recs;
	uint64_t type, offset, count = 1;
	struct sc_out o = { 0 };
	struct json_object *root = NULL;
	long n, i;
	int fd;

	if ((argc != 3 && argc != 4) || strcmp(argv[0], "--type"))
		return usage_err(LEVEL " slots", "give --type T OFFSET [COUNT]");
	if (parse_u64(argv[1], &type, "T") || parse_u64(argv[2], &offset, "OFFSET") ||
	    (argc == 4 && parse_u64(argv[3], &count, "COUNT")))
		return EXIT_USAGE;
	if (!count || count > MMSCOPE_SWAPCACHE_SLOTS_MAX || type > 0xffffffffULL)
		return usage_err(LEVEL " slots", "COUNT must be 1..%u",
				 MMSCOPE_SWAPCACHE_SLOTS_MAX);
	fd = ctl_open("swapcache");
	if (fd < 0)
		return EXIT_FAILED;
	recs = calloc(count, sizeof(*recs));
	if (!recs) {
		close(fd);
		p_err("out of memory");
		return EXIT_FAILED;
	}
	n = mmscope_swapcache_slots(fd, type, offset, count, recs);
	close(fd);
	if (n < 0) {
		p_err("type %llu offset %llu: %s", (unsigned long long)type,
		      (unsigned long long)offset,
		      n == -ENODEV ? "no active swap device of that type" :
		      n == -ERANGE ? "offset past the end of the device" :
		      mmscope_last_error());
		free(recs);
		return EXIT_FAILED;
	}
	if (json_output) {
		root = jw_object();
		o.arr = jw_set_array(root, "entries");
	}
	for (i = 0; i < n; i++)
		sc_put(&o, &recs[i]);
	sc_flush(&o);
	free(recs);
	/* said, not left out: the kernel keeps no way back from a slot */
	if (root) {
		jw_set_null(root, "users");
		jw_set_str(root, "users_note", SC_USERS_NOTE);
		jw_emit(root);
	} else {
		printf("users: not reported: %s\n", SC_USERS_NOTE);
	}
	return EXIT_OK;
}

static const char *sc_slot_cache_note(const struct mmscope_swapcache_device *d)
{
	return d->info & MMSCOPE_SWAPCACHE_DEV_NO_SLOT_CACHE ?
	       "this kernel has no per-CPU swap slot cache" :
	       "not readable: the per-CPU cache is a data symbol this kernel's kallsyms lacks";
}

static const char *sc_pcp_note(const struct mmscope_swapcache_device *d)
{
	return d->info & MMSCOPE_SWAPCACHE_DEV_NO_PCP ?
	       "this device has no per-CPU clusters (a rotating disk: one cluster or none)" :
	       "not read on this kernel";
}

/* Why a device's cluster counts are not given. */
static const char *sc_clusters_note(const struct mmscope_swapcache_device *d)
{
	return d->info & MMSCOPE_SWAPCACHE_DEV_NO_CLUSTERS ?
	       "this device has no clusters (a rotating disk before 7.x: its slots are scanned one by one)" :
	       "not read on this kernel";
}

static void sc_device_pcp_text(const struct mmscope_swapcache_device *d)
{
	unsigned int c;

	if (d->info & MMSCOPE_SWAPCACHE_DEV_SLOT_CACHE)
		printf("  slot caches: %u allocated, %u freed\n", d->slot_cache,
		       d->slot_cache_freed);
	else
		printf("  slot caches: %s\n", sc_slot_cache_note(d));
	if (!(d->info & MMSCOPE_SWAPCACHE_DEV_PCP)) {
		printf("  per-cpu clusters: %s\n", sc_pcp_note(d));
		return;
	}
	printf("  per-cpu clusters, next offset:");
	for (c = 0; c < d->pcp_cpus && c < MMSCOPE_SWAPCACHE_PCP_CPUS; c++)
		if (d->pcp_next[c] == ~0ULL)
			printf(" cpu%u -", c);
		else
			printf(" cpu%u %llu", c, (unsigned long long)d->pcp_next[c]);
	printf("\n");
}

/* "slot_cache" and "percpu_clusters": objects, or null with a note why. */
static void sc_device_pcp_json(struct json_object *o,
			       const struct mmscope_swapcache_device *d)
{
	struct json_object *sc, *arr, *c;
	unsigned int i;

	if (d->info & MMSCOPE_SWAPCACHE_DEV_SLOT_CACHE) {
		sc = jw_set_object(o, "slot_cache");
		jw_set_uint(sc, "allocated", d->slot_cache);
		jw_set_uint(sc, "freed", d->slot_cache_freed);
	} else {
		jw_set_null(o, "slot_cache");
		jw_set_str(o, "slot_cache_note", sc_slot_cache_note(d));
	}
	if (!(d->info & MMSCOPE_SWAPCACHE_DEV_PCP)) {
		jw_set_null(o, "percpu_clusters");
		jw_set_str(o, "percpu_clusters_note", sc_pcp_note(d));
		return;
	}
	arr = jw_set_array(o, "percpu_clusters");
	for (i = 0; i < d->pcp_cpus && i < MMSCOPE_SWAPCACHE_PCP_CPUS; i++) {
		c = jw_push_object(arr);
		jw_set_uint(c, "cpu", i);
		if (d->pcp_next[i] == ~0ULL)
			jw_set_null(c, "next");
		else
			jw_set_uint(c, "next", d->pcp_next[i]);
	}
}

static int cmd_devices(int argc, char **argv)
{
	struct mmscope_swapcache_device *d;
	struct json_object *root, *arr, *o, *fl, *c;
	unsigned int b;
	long n, i;
	int fd;

	(void)argv;
	if (argc)
		return usage_err(LEVEL " devices", "takes no arguments");
	fd = ctl_open("swapcache");
	if (fd < 0)
		return EXIT_FAILED;
	n = mmscope_swapcache_devices(fd, &d);
	close(fd);
	if (n < 0) {
		p_err("devices: %s", mmscope_last_error());
		return EXIT_FAILED;
	}
	root = jw_object();
	arr = jw_set_array(root, "devices");
	for (i = 0; i < n; i++) {
		if (!json_output) {
			printf("type %u %s prio %d: %llu pages, %llu in use, %llu cached in %llu folios;",
			       d[i].type, d[i].path, d[i].prio,
			       (unsigned long long)d[i].pages,
			       (unsigned long long)d[i].inuse,
			       (unsigned long long)d[i].cache_pages,
			       (unsigned long long)d[i].cache_folios);
			for (b = 0; b < MMSCOPE_SWAPCACHE_NR_DEVFLAGS; b++)
				if (d[i].flags & (1U << b))
					printf(" %s", mmscope_swapcache_devflag_name(b));
			if (d[i].info & MMSCOPE_SWAPCACHE_DEV_CLUSTERS)
				printf("\n  clusters %u: free %u nonfull %u full %u frag %u",
				       d[i].clusters, d[i].free_clusters,
				       d[i].nonfull_clusters, d[i].full_clusters,
				       d[i].frag_clusters);
			else
				printf("\n  clusters: %s", sc_clusters_note(&d[i]));
			printf("\n");
			sc_device_pcp_text(&d[i]);
			continue;
		}
		o = jw_push_object(arr);
		jw_set_uint(o, "type", d[i].type);
		jw_set_str(o, "path", d[i].path);
		jw_set_int(o, "priority", d[i].prio);
		jw_set_uint(o, "pages", d[i].pages);
		jw_set_uint(o, "inuse", d[i].inuse);
		jw_set_uint(o, "max", d[i].max);
		fl = jw_set_array(o, "flags");
		for (b = 0; b < MMSCOPE_SWAPCACHE_NR_DEVFLAGS; b++)
			if (d[i].flags & (1U << b))
				jw_push_str(fl, mmscope_swapcache_devflag_name(b));
		jw_set_uint(o, "cache_folios", d[i].cache_folios);
		jw_set_uint(o, "cache_pages", d[i].cache_pages);
		c = jw_set_object(o, "clusters");
		if (d[i].info & MMSCOPE_SWAPCACHE_DEV_CLUSTERS) {
			jw_set_uint(c, "total", d[i].clusters);
			jw_set_uint(c, "free", d[i].free_clusters);
			jw_set_uint(c, "nonfull", d[i].nonfull_clusters);
			jw_set_uint(c, "full", d[i].full_clusters);
			jw_set_uint(c, "frag", d[i].frag_clusters);
		} else {
			jw_set_str(o, "clusters_note", sc_clusters_note(&d[i]));
		}
		sc_device_pcp_json(o, &d[i]);
	}
	free(d);
	if (json_output)
		jw_emit(root);
	else
		json_object_put(root);
	return EXIT_OK;
}

/* The kernel's own counters and readahead settings. */
struct sc_kstat {
	uint64_t ra, ra_hit, pswpin, pswpout;
	int64_t page_cluster, vma_ra;
};

static int64_t sc_read_num(const char *path)
{
	char buf[64];
	FILE *f = fopen(path, "r");
	long long v = -1;

	if (!f)
		return -1;
	if (fgets(buf, sizeof(buf), f)) {
		if (!strncmp(buf, "true", 4))
			v = 1;
		else if (!strncmp(buf, "false", 5))
			v = 0;
		else
			v = strtoll(buf, NULL, 10);
	}
	fclose(f);
	return v;
}

static void sc_kstat_read(struct sc_kstat *k)
{
	char key[64];
	unsigned long long v;
	FILE *f = fopen("/proc/vmstat", "r");

	memset(k, 0, sizeof(*k));
	while (f && fscanf(f, "%63s %llu", key, &v) == 2) {
		if (!strcmp(key, "swap_ra"))
			k->ra = v;
		else if (!strcmp(key, "swap_ra_hit"))
			k->ra_hit = v;
		else if (!strcmp(key, "pswpin"))
			k->pswpin = v;
		else if (!strcmp(key, "pswpout"))
			k->pswpout = v;
	}
	if (f)
		fclose(f);
	k->page_cluster = sc_read_num("/proc/sys/vm/page-cluster");
	k->vma_ra = sc_read_num("/sys/kernel/mm/swap/vma_ra_enabled");
}

static void sc_stats_print(const struct mmscope_swapcache_stats *st,
			   const struct sc_kstat *k)
{
	struct json_object *o;

	if (!json_output) {
		printf("swap cache: add %llu (%llu pages) delete %llu (%llu pages) find %llu hit %llu\n",
		       (unsigned long long)st->add, (unsigned long long)st->add_pages,
		       (unsigned long long)st->delete,
		       (unsigned long long)st->delete_pages,
		       (unsigned long long)st->find, (unsigned long long)st->hit);
		printf("kernel: swap_ra %llu swap_ra_hit %llu pswpin %llu pswpout %llu; page-cluster %lld vma readahead %s\n",
		       (unsigned long long)k->ra, (unsigned long long)k->ra_hit,
		       (unsigned long long)k->pswpin, (unsigned long long)k->pswpout,
		       (long long)k->page_cluster,
		       k->vma_ra < 0 ? "?" : k->vma_ra ? "on" : "off");
		fflush(stdout);
		return;
	}
	o = jw_object();
	jw_set_uint(o, "add", st->add);
	jw_set_uint(o, "delete", st->delete);
	jw_set_uint(o, "find", st->find);
	jw_set_uint(o, "hit", st->hit);
	jw_set_uint(o, "ra", k->ra);
	jw_set_uint(o, "ra_hit", k->ra_hit);
	jw_set_uint(o, "pswpin", k->pswpin);
	jw_set_uint(o, "pswpout", k->pswpout);
	jw_set_uint(o, "add_pages", st->add_pages);
	jw_set_uint(o, "delete_pages", st->delete_pages);
	jw_set_int(o, "page_cluster", k->page_cluster);
	if (k->vma_ra < 0)
		jw_set_null(o, "vma_ra_enabled");
	else
		jw_set_bool(o, "vma_ra_enabled", k->vma_ra);
	jw_emit(o);
	fflush(stdout);
}

/* stats [--interval S [--count N]]: totals, or what changed per interval */
static int cmd_stats(int argc, char **argv)
{
	struct mmscope_swapcache_stats st, prev = { 0 }, d;
	uint64_t interval = 0, count = 0, i;
	struct sc_kstat k, kprev = { 0 }, kd;
	int a, fd;

	for (a = 0; a < argc; a += 2) {
		if (a + 1 >= argc)
			return usage_err(LEVEL " stats", "%s needs a value", argv[a]);
		if (!strcmp(argv[a], "--interval")) {
			if (parse_u64(argv[a + 1], &interval, "--interval"))
				return EXIT_USAGE;
		} else if (!strcmp(argv[a], "--count")) {
			if (parse_u64(argv[a + 1], &count, "--count"))
				return EXIT_USAGE;
		} else {
			return usage_err(LEVEL " stats", "unknown option %s", argv[a]);
		}
	}
	if (count && !interval)
		return usage_err(LEVEL " stats", "--count needs --interval");
	fd = ctl_open("swapcache");
	if (fd < 0)
		return EXIT_FAILED;
	for (i = 0; !interval || !count || i <= count; i++) {
		if (mmscope_swapcache_stats(fd, false, &st)) {
			p_err("stats: %s", mmscope_last_error());
			close(fd);
			return EXIT_FAILED;
		}
		sc_kstat_read(&k);
		if (!interval) {
			sc_stats_print(&st, &k);
			break;
		}
		if (i) {
			d = st;
			d.add -= prev.add;
			d.add_pages -= prev.add_pages;
			d.delete -= prev.delete;
			d.delete_pages -= prev.delete_pages;
			d.find -= prev.find;
			d.hit -= prev.hit;
			kd = k;
			kd.ra -= kprev.ra;
			kd.ra_hit -= kprev.ra_hit;
			kd.pswpin -= kprev.pswpin;
			kd.pswpout -= kprev.pswpout;
			sc_stats_print(&d, &kd);
		}
		prev = st;
		kprev = k;
		if (count && i == count)
			break;
		sleep(interval);
	}
	close(fd);
	return EXIT_OK;
}

/* pageout --pid PID ADDR LEN: MADV_PAGEOUT of another process's range */
static int cmd_pageout(int argc, char **argv)
{
	uint64_t pid, addr, len;
	struct iovec iov;
	long done;
	int pidfd;

	if (argc != 4 || strcmp(argv[0], "--pid"))
		return usage_err(LEVEL " pageout", "give --pid PID ADDR LEN");
	if (parse_u64(argv[1], &pid, "PID") || parse_u64(argv[2], &addr, "ADDR") ||
	    parse_u64(argv[3], &len, "LEN"))
		return EXIT_USAGE;
	if (!pid || pid > 0x7fffffff || !len)
		return usage_err(LEVEL " pageout", "PID and LEN must be positive");
	pidfd = syscall(SYS_pidfd_open, (int)pid, 0);
	if (pidfd < 0) {
		p_err("pid %llu: %s", (unsigned long long)pid, errno_str(errno));
		return EXIT_FAILED;
	}
	iov.iov_base = (void *)(uintptr_t)addr;
	iov.iov_len = len;
	done = syscall(SYS_process_madvise, pidfd, &iov, 1UL, MADV_PAGEOUT, 0U);
	close(pidfd);
	if (done < 0) {
		p_err("pid %llu 0x%llx: MADV_PAGEOUT: %s", (unsigned long long)pid,
		      (unsigned long long)addr, errno_str(errno));
		return EXIT_FAILED;
	}
	if (json_output) {
		struct json_object *o = jw_object();

		jw_set_uint(o, "advised", done);
		jw_emit(o);
	} else {
		printf("pid %llu 0x%llx: %ld bytes advised MADV_PAGEOUT\n",
		       (unsigned long long)pid, (unsigned long long)addr, done);
	}
	return EXIT_OK;
}

static int swapcache_help(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	print_help(
		"Usage: mmscope swapcache entries --pid PID [ADDR LEN]\n"
		"       mmscope swapcache slots --type T OFFSET [COUNT]\n"
		"       mmscope swapcache devices\n"
		"       mmscope swapcache stats [--interval S [--count N]]\n"
		"       mmscope swapcache pageout --pid PID ADDR LEN\n"
		"\n"
		"  entries  each page of the range (or of every mapping): present,\n"
		"           swapped out or nothing; its swap slot (type, offset, count,\n"
		"           cache bit) and whether a folio of it is in the swap cache\n"
		"  slots    COUNT slots of swap device T from OFFSET: count, cache bit,\n"
		"           cached folio\n"
		"  devices  every active swap device: size, use, flags, clusters and\n"
		"           how many folios of the swap cache it holds\n"
		"  stats    swap cache adds, deletes, lookups and hits since the module\n"
		"           was loaded, next to the kernel's readahead and swap I/O\n"
		"           counters; with --interval, what changed every S seconds\n"
		"  pageout  ask the kernel to page the range of PID out now\n"
		"           (process_madvise MADV_PAGEOUT), to watch it happen\n"
		"\n"
		HELP_NUMBERS
		"Needs mmscope_swapcache loaded. See docs/swapcache.md.\n");
	return EXIT_OK;
}

int do_swapcache(int argc, char **argv)
{
	static const struct cmd cmds[] = {
		{ "help",	swapcache_help },
		{ "entries",	cmd_entries },
		{ "slots",	cmd_slots },
		{ "devices",	cmd_devices },
		{ "stats",	cmd_stats },
		{ "pageout",	cmd_pageout },
		{ NULL }
	};

	if (argc == 0)
		return swapcache_help(0, NULL);
	return cmd_select(cmds, argc, argv, LEVEL);
}
