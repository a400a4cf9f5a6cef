// SPDX-License-Identifier: GPL-2.0
/*
 * mmscope compaction: zones, free lists, pageblocks and why a page can
 * or cannot move, from mmscope_compaction.ko.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common.h"
#include "compaction.h"

#define LEVEL "mmscope compaction"

const char *const cz_mt_names[MMSCOPE_COMPACTION_NR_MT] =
	MMSCOPE_COMPACTION_MT_NAMES;
static const char *const reason_names[MMSCOPE_COMPACTION_NR_REASONS] =
	MMSCOPE_COMPACTION_REASON_NAMES;

const char *cz_mt_name(unsigned int mt)
{
	return mt < MMSCOPE_COMPACTION_NR_MT ? cz_mt_names[mt] : "none";
}

int cz_fetch(int fd, struct cz_snap *s)
{
	memset(s, 0, sizeof(*s));
	s->hdr.size = sizeof(s->hdr);
	if (ctl_ioctl(fd, MMSCOPE_COMPACTION_IOC_ZONES, &s->hdr, "zones") < 0)
		return EXIT_FAILED;
	s->zones = calloc(s->hdr.total + 1, sizeof(*s->zones));
	s->pcp = calloc(s->hdr.pcp_total + 1, sizeof(*s->pcp));
	if (!s->zones || !s->pcp) {
		p_err("out of memory");
		return EXIT_FAILED;
	}
	s->hdr.count = s->hdr.total;
	s->hdr.zone_size = sizeof(*s->zones);
	s->hdr.zones = (uintptr_t)s->zones;
	s->hdr.pcp_count = s->hdr.pcp_total;
	s->hdr.pcp_size = sizeof(*s->pcp);
	s->hdr.pcp = (uintptr_t)s->pcp;
	if (ctl_ioctl(fd, MMSCOPE_COMPACTION_IOC_ZONES, &s->hdr, "zones") < 0)
		return EXIT_FAILED;
	s->n = s->hdr.count;
	return EXIT_OK;
}

void cz_free(struct cz_snap *s)
{
	free(s->zones);
	free(s->pcp);
}

long cb_fetch(int fd, uint64_t start, uint64_t end,
	      struct mmscope_compaction_block **recs, unsigned int *order)
{
	struct mmscope_compaction_blocks b;
	size_t n = 0, room = 1024;
	uint64_t pfn = start;

	*recs = malloc(room * sizeof(**recs));
	while (*recs && pfn < end) {
		if (n == room) {
			void *p = realloc(*recs, 2 * room * sizeof(**recs));

			if (!p)
				break;
			*recs = p;
			room *= 2;
		}
		memset(&b, 0, sizeof(b));
		b.size = sizeof(b);
		b.start_pfn = pfn;
		b.end_pfn = end;
		b.records = (uintptr_t)(*recs + n);
		b.count = room - n;
		b.record_size = sizeof(**recs);
		if (ctl_ioctl(fd, MMSCOPE_COMPACTION_IOC_PAGEBLOCKS, &b,
			      "pageblocks %llu-%llu", (unsigned long long)pfn,
			      (unsigned long long)end) < 0)
			return -1;
		n += b.count;
		pfn = b.next_pfn;
		*order = b.block_order;
	}
	if (!*recs) {
		p_err("out of memory");
		return -1;
	}
	return n;
}

int cz_select(const struct cz_snap *s, long node, const char *name,
	      const char *level)
{
	unsigned int i;

	for (i = 0; i < s->n; i++) {
		if (node >= 0 && s->zones[i].node != node)
			continue;
		if (name && strcasecmp(s->zones[i].name, name))
			continue;
		/* without --zone: the largest zone of the node */
		if (!name) {
			unsigned int j, best = i;

			for (j = i; j < s->n; j++)
				if ((node < 0 || s->zones[j].node == node) &&
				    s->zones[j].spanned > s->zones[best].spanned)
					best = j;
			return best;
		}
		return i;
	}
	p_err("%s: no populated zone %s on node %ld", level, name ? name : "",
	      node < 0 ? 0 : node);
	return -1;
}

static void zone_json(struct json_object *arr, const struct cz_snap *s,
		      const struct mmscope_compaction_zone *z)
{
	struct json_object *o = jw_push_object(arr), *w, *a, *f, *c;
	unsigned int i, mt;

	jw_set_uint(o, "node", z->node);
	jw_set_str(o, "zone", z->name);
	jw_set_uint(o, "start_pfn", z->start_pfn);
	jw_set_uint(o, "spanned", z->spanned);
	jw_set_uint(o, "present", z->present);
	jw_set_uint(o, "managed", z->managed);
	jw_set_uint(o, "cma", z->cma);
	jw_set_uint(o, "nr_free_pages", z->nr_free_pages);
	w = jw_set_object(o, "watermarks");
	jw_set_uint(w, "min", z->wmark_min);
	jw_set_uint(w, "low", z->wmark_low);
	jw_set_uint(w, "high", z->wmark_high);
	jw_set_uint(w, "promo", z->wmark_promo);
	jw_set_uint(w, "boost", z->boost);
	a = jw_set_array(o, "lowmem_reserve");
	for (i = 0; i < z->nr_lowmem_reserve && i < MMSCOPE_COMPACTION_NR_ZONES; i++)
		json_object_array_add(a, json_object_new_int64(z->lowmem_reserve[i]));
	a = jw_set_array(o, "nr_free");
	for (i = 0; i < z->nr_orders; i++)
		jw_push_uint(a, z->nr_free[i]);
	f = jw_set_object(o, "free");
	for (mt = 0; mt < MMSCOPE_COMPACTION_NR_MT; mt++) {
		a = jw_set_array(f, cz_mt_names[mt]);
		for (i = 0; i < z->nr_orders; i++)
			jw_push_uint(a, z->free[mt][i]);
	}
	jw_set_bool(o, "free_truncated",
		    z->flags & MMSCOPE_COMPACTION_ZONE_FREE_TRUNCATED);
	a = jw_set_array(o, "pcp");
	for (i = 0; i < z->nr_pcp && z->pcp_first + i < s->hdr.pcp_count; i++) {
		const struct mmscope_compaction_pcp *p = &s->pcp[z->pcp_first + i];
		struct json_object *po = jw_push_object(a);

		jw_set_uint(po, "cpu", p->cpu);
		jw_set_uint(po, "count", p->count);
		jw_set_uint(po, "high", p->high);
		jw_set_uint(po, "batch", p->batch);
	}
	c = jw_set_object(o, "compaction");
	jw_set_uint(c, "migrate_pfn", z->migrate_pfn_async);
	jw_set_uint(c, "migrate_pfn_sync", z->migrate_pfn_sync);
	jw_set_uint(c, "free_pfn", z->free_pfn);
	jw_set_uint(c, "considered", z->considered);
	jw_set_uint(c, "defer_shift", z->defer_shift);
	jw_set_int(c, "order_failed", z->order_failed);
	jw_set_bool(c, "blockskip_flush",
		    z->flags & MMSCOPE_COMPACTION_ZONE_BLOCKSKIP_FLUSH);
	jw_set_int(c, "kcompactd_max_order", z->kcompactd_max_order);
	jw_set_uint(c, "kcompactd_zone_idx", z->kcompactd_zone_idx);
	jw_set_uint(o, "fragmentation_score", z->frag_score);
	jw_set_uint(o, "fragmentation_score_weighted", z->frag_score_weighted);
	a = jw_set_array(o, "extfrag_index");
	for (i = 0; i < z->nr_orders; i++) {
		if (z->extfrag_index[i] == MMSCOPE_COMPACTION_EXTFRAG_NA)
			json_object_array_add(a, NULL);
		else
			json_object_array_add(a, json_object_new_double(
				z->extfrag_index[i] / 1000.0));
	}
}

static void zone_text(const struct mmscope_compaction_zone *z)
{
	unsigned int i, mt;

	printf("node %u zone %s: pfn %llu spanned %llu present %llu managed %llu cma %llu\n",
	       z->node, z->name, (unsigned long long)z->start_pfn,
	       (unsigned long long)z->spanned, (unsigned long long)z->present,
	       (unsigned long long)z->managed, (unsigned long long)z->cma);
	printf("  watermarks: min %llu low %llu high %llu boost %llu; free %llu\n",
	       (unsigned long long)z->wmark_min, (unsigned long long)z->wmark_low,
	       (unsigned long long)z->wmark_high, (unsigned long long)z->boost,
	       (unsigned long long)z->nr_free_pages);
	printf("  free blocks by order:%*s", 4, "");
	for (i = 0; i < z->nr_orders; i++)
		printf(" %6u", i);
	printf("\n");
	for (mt = 0; mt < MMSCOPE_COMPACTION_NR_MT; mt++) {
		printf("    %-22s", cz_mt_names[mt]);
		for (i = 0; i < z->nr_orders; i++)
			printf(" %6llu", (unsigned long long)z->free[mt][i]);
		printf("\n");
	}
	printf("  compaction: migrate scanner %llu, free scanner %llu, considered %u, defer_shift %u, order_failed %d\n",
	       (unsigned long long)z->migrate_pfn_async,
	       (unsigned long long)z->free_pfn, z->considered, z->defer_shift,
	       z->order_failed);
	printf("  kcompactd: order %d zone %u; fragmentation score %u\n",
	       z->kcompactd_max_order, z->kcompactd_zone_idx, z->frag_score);
	printf("  extfrag index:");
	for (i = 0; i < z->nr_orders; i++) {
		if (z->extfrag_index[i] == MMSCOPE_COMPACTION_EXTFRAG_NA)
			printf("     -");
		else
			printf(" %5.3f", z->extfrag_index[i] / 1000.0);
	}
	printf("\n");
}

static int cmd_zones(int argc, char **argv)
{
	struct json_object *root = NULL, *arr = NULL;
	struct cz_snap s;
	unsigned int i;
	int fd, ret;

	if (argc > 0)
		return usage_err(LEVEL " zones", "unexpected argument '%s'", argv[0]);
	fd = ctl_open("compaction");
	if (fd < 0)
		return EXIT_FAILED;
	ret = cz_fetch(fd, &s);
	close(fd);
	if (ret)
		goto out;
	if (json_output) {
		root = jw_object();
		jw_set_uint(root, "pageblock_order", s.hdr.block_order);
		jw_set_uint(root, "compaction_order", s.hdr.compaction_order);
		arr = jw_set_array(root, "zones");
	}
	for (i = 0; i < s.n; i++) {
		if (json_output)
			zone_json(arr, &s, &s.zones[i]);
		else
			zone_text(&s.zones[i]);
	}
	if (root)
		jw_emit(root);
out:
	cz_free(&s);
	return ret;
}

static int cmd_pageblocks(int argc, char **argv)
{
	struct mmscope_compaction_block *recs = NULL;
	struct json_object *root = NULL, *arr = NULL;
	uint64_t start = 0, end = 0;
	unsigned int order = 0, i, z;
	struct cz_snap s;
	int fd, ret = EXIT_OK;
	long n;

	if (argc == 2) {
		if (parse_u64(argv[0], &start, "START") ||
		    parse_u64(argv[1], &end, "END"))
			return EXIT_USAGE;
	} else if (argc) {
		return usage_err(LEVEL " pageblocks", "give START END or nothing");
	}
	fd = ctl_open("compaction");
	if (fd < 0)
		return EXIT_FAILED;
	if (cz_fetch(fd, &s)) {
		ret = EXIT_FAILED;
		goto out;
	}
	if (json_output) {
		root = jw_object();
		arr = jw_array();
	}
	for (z = 0; z < (argc ? 1 : s.n); z++) {
		uint64_t zs = argc ? start : s.zones[z].start_pfn;
		uint64_t ze = argc ? end : zs + s.zones[z].spanned;

		free(recs);
		recs = NULL;
		n = cb_fetch(fd, zs, ze, &recs, &order);
		if (n < 0) {
			ret = EXIT_FAILED;
			break;
		}
		for (i = 0; i < n; i++) {
			const struct mmscope_compaction_block *b = &recs[i];
			struct json_object *o;

			if (!json_output) {
				printf("%10llu %-11s %-4s free %3u lru %3u unmovable %3u reserved %3u\n",
				       (unsigned long long)b->pfn,
				       cz_mt_name(b->migratetype),
				       b->flags & MMSCOPE_COMPACTION_BLOCK_SKIP ? "skip" : "",
				       b->free, b->lru, b->unmovable, b->reserved);
				continue;
			}
			o = jw_push_object(arr);
			jw_set_uint(o, "pfn", b->pfn);
			jw_set_uint(o, "nr_pages", b->nr_pages);
			if (b->flags & MMSCOPE_COMPACTION_BLOCK_HOLE)
				jw_set_null(o, "migratetype");
			else
				jw_set_str(o, "migratetype", cz_mt_name(b->migratetype));
			jw_set_bool(o, "skip", b->flags & MMSCOPE_COMPACTION_BLOCK_SKIP);
			jw_set_uint(o, "node", b->node);
			jw_set_uint(o, "zone_idx", b->zone_idx);
			jw_set_uint(o, "free", b->free);
			jw_set_uint(o, "lru", b->lru);
			jw_set_uint(o, "unmovable", b->unmovable);
			jw_set_uint(o, "reserved", b->reserved);
			jw_set_uint(o, "other_zone", b->other_zone);
		}
	}
	if (root) {
		jw_set_uint(root, "pageblock_order", order ? order : s.hdr.block_order);
		json_object_object_add(root, "blocks", arr);
		if (ret == EXIT_OK)
			jw_emit(root);
		else
			json_object_put(root);
	}
out:
	free(recs);
	cz_free(&s);
	close(fd);
	return ret;
}

static int cmd_pfn(int argc, char **argv)
{
	struct mmscope_compaction_pfn p = { .size = sizeof(p) };
	struct json_object *o;
	uint64_t pfn;
	int fd, ret;

	if (argc != 1)
		return usage_err(LEVEL " pfn", "give one PFN");
	if (parse_u64(argv[0], &pfn, "PFN"))
		return EXIT_USAGE;
	p.pfn = pfn;
	fd = ctl_open("compaction");
	if (fd < 0)
		return EXIT_FAILED;
	ret = ctl_ioctl(fd, MMSCOPE_COMPACTION_IOC_PFN, &p, "pfn %s", argv[0]);
	close(fd);
	if (ret < 0)
		return EXIT_FAILED;
	if (p.reason >= MMSCOPE_COMPACTION_NR_REASONS)
		p.reason = MMSCOPE_COMPACTION_R_KERNEL;
	if (!json_output) {
		printf("pfn %llu: %s, %s (order %u, pageblock %s, refcount %u",
		       (unsigned long long)p.pfn, reason_names[p.reason],
		       p.movable ? "movable" : "cannot move", p.order,
		       cz_mt_name(p.migratetype), p.refcount);
		if (p.reason == MMSCOPE_COMPACTION_R_LRU ||
		    p.reason == MMSCOPE_COMPACTION_R_PINNED)
			printf(", %s, mapcount %d, expected %u", p.anon ? "anon" : "file",
			       p.mapcount, p.expected);
		printf(")\n");
		return EXIT_OK;
	}
	o = jw_object();
	jw_set_uint(o, "pfn", p.pfn);
	jw_set_bool(o, "movable", p.movable);
	jw_set_str(o, "reason", reason_names[p.reason]);
	jw_set_uint(o, "order", p.order);
	jw_set_uint(o, "head_pfn", p.head_pfn);
	if (p.migratetype < MMSCOPE_COMPACTION_NR_MT)
		jw_set_str(o, "migratetype", cz_mt_name(p.migratetype));
	else
		jw_set_null(o, "migratetype");
	jw_set_uint(o, "refcount", p.refcount);
	jw_set_int(o, "mapcount", p.mapcount);
	jw_set_uint(o, "expected", p.expected);
	jw_set_bool(o, "anon", p.anon);
	jw_set_uint(o, "node", p.node);
	jw_set_uint(o, "zone_idx", p.zone_idx);
	jw_emit(o);
	return EXIT_OK;
}

/* alloc ORDER COUNT [--fragment] [--kernel] [--hold SECONDS] */
static int cmd_alloc(int argc, char **argv)
{
	struct mmscope_compaction_alloc a = { .size = sizeof(a) };
	uint64_t order, count, hold = 0;
	int i;

	if (argc < 2)
		return usage_err(LEVEL " alloc", "give ORDER and COUNT");
	if (parse_u64(argv[0], &order, "ORDER") || parse_u64(argv[1], &count, "COUNT"))
		return EXIT_USAGE;
	if (order > 63 || count > UINT32_MAX)
		return usage_err(LEVEL " alloc", "ORDER or COUNT too large");
	for (i = 2; i < argc; i++) {
		if (!strcmp(argv[i], "--fragment"))
			a.flags |= MMSCOPE_COMPACTION_ALLOC_FRAGMENT;
		else if (!strcmp(argv[i], "--kernel"))
			a.flags |= MMSCOPE_COMPACTION_ALLOC_KERNEL;
		else if (!strcmp(argv[i], "--hold") && i + 1 < argc &&
			 !parse_u64(argv[i + 1], &hold, "--hold"))
			i++;
		else
			return usage_err(LEVEL " alloc", "unexpected argument '%s'", argv[i]);
	}
	a.order = order;
	a.count = count;
	return compaction_alloc_run(&a, hold, "alloc");
}

/* contig START NR [--hold SECONDS] */
static int cmd_contig(int argc, char **argv)
{
	struct mmscope_compaction_contig c = { .size = sizeof(c) };
	uint64_t start, nr, hold = 0;
	struct json_object *o, *b;
	int fd;

	if (argc != 2 && !(argc == 4 && !strcmp(argv[2], "--hold")))
		return usage_err(LEVEL " contig", "give START NR [--hold SECONDS]");
	if (parse_u64(argv[0], &start, "START") || parse_u64(argv[1], &nr, "NR") ||
	    (argc == 4 && parse_u64(argv[3], &hold, "--hold")))
		return EXIT_USAGE;
	c.start_pfn = start;
	c.nr_pages = nr;
	fd = ctl_open("compaction");
	if (fd < 0)
		return EXIT_FAILED;
	if (ctl_ioctl(fd, MMSCOPE_COMPACTION_IOC_CONTIG, &c, "contig %llu %llu",
		      (unsigned long long)start, (unsigned long long)nr) < 0) {
		close(fd);
		return EXIT_FAILED;
	}
	if (c.blocker_reason >= MMSCOPE_COMPACTION_NR_REASONS)
		c.blocker_reason = MMSCOPE_COMPACTION_R_KERNEL;
	if (json_output) {
		o = jw_object();
		jw_set_str(o, "result", c.result ? "failed" : "ok");
		jw_set_int(o, "errno", -c.result);
		jw_set_uint(o, "start_pfn", start);
		jw_set_uint(o, "nr_pages", nr);
		if (c.has_blocker) {
			b = jw_set_object(o, "blocker");
			jw_set_uint(b, "pfn", c.blocker_pfn);
			jw_set_str(b, "reason", reason_names[c.blocker_reason]);
		} else {
			jw_set_null(o, "blocker");
		}
		jw_emit(o);
	} else if (!c.result) {
		printf("PFN %llu-%llu obtained%s\n", (unsigned long long)start,
		       (unsigned long long)(start + nr), hold ? "" : ", freed now");
	} else {
		printf("PFN %llu-%llu: failed (%s)", (unsigned long long)start,
		       (unsigned long long)(start + nr), errno_str(-c.result));
		if (c.has_blocker)
			printf(", first page that cannot move: %llu (%s)",
			       (unsigned long long)c.blocker_pfn,
			       reason_names[c.blocker_reason]);
		printf("\n");
	}
	fflush(stdout);
	if (hold && !c.result)
		sleep(hold);
	close(fd);
	return c.result ? EXIT_FAILED : EXIT_OK;
}

static int compaction_help(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	print_help(
		"Usage: mmscope compaction zones\n"
		"       mmscope compaction pageblocks [START END]\n"
		"       mmscope compaction pfn PFN\n"
		"       mmscope compaction map [--node N] [--zone NAME] [--watch SECONDS]\n"
		"       mmscope compaction alloc ORDER COUNT [--fragment] [--kernel] [--hold SECONDS]\n"
		"       mmscope compaction contig START NR [--hold SECONDS]\n"
		"       mmscope compaction fragment COUNT [--order N] [--kernel] [--hold SECONDS]\n"
		"       mmscope compaction compact [--node N]\n"
		"\n"
		"  zones       every populated zone: sizes, watermarks, free blocks per\n"
		"              order and migratetype, per-CPU lists, compaction state,\n"
		"              fragmentation score and extfrag index (one snapshot each)\n"
		"  pageblocks  each pageblock of every zone (or of PFNs START..END):\n"
		"              migratetype, skip hint, free/LRU/unmovable/reserved pages\n"
		"  pfn         why the page at PFN can or cannot be moved\n"
		"  map         a picture of a zone's pageblocks (NO_COLOR: letters only)\n"
		"  alloc       allocate COUNT blocks of 2^ORDER pages (movable user memory,\n"
		"              or --kernel), keep every other one with --fragment, hold\n"
		"              them SECONDS, then free them\n"
		"  contig      obtain PFNs START..START+NR through alloc_contig_range();\n"
		"              on failure, the first page that cannot move\n"
		"  fragment    allocate COUNT blocks of 2^N pages (default 0), keep every\n"
		"              other one (a fragmentation pattern), hold them SECONDS\n"
		"  compact     compact every zone of node N (default 0) as its sysfs\n"
		"              compact file does; pages scanned, isolated, the score\n"
		"\n"
		"Needs mmscope_compaction loaded. See docs/compaction.md.\n");
	return EXIT_OK;
}

int do_compaction(int argc, char **argv)
{
	static const struct cmd cmds[] = {
		{ "help",	compaction_help },
		{ "zones",	cmd_zones },
		{ "pageblocks",	cmd_pageblocks },
		{ "pfn",	cmd_pfn },
		{ "map",	compaction_map },
		{ "alloc",	cmd_alloc },
		{ "contig",	cmd_contig },
		{ "fragment",	compaction_fragment },
		{ "compact",	compaction_compact },
		{ NULL }
	};

	if (argc == 0)
		return compaction_help(0, NULL);
	return cmd_select(cmds, argc, argv, LEVEL);
}
