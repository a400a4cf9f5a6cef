// SPDX-License-Identifier: GPL-2.0
/*
 * mmscope thp: why a VMA gets transparent huge pages or not, the large
 * folios of a range and how they are mapped and counted, collapse and
 * split on demand, and khugepaged's results, from mmscope_thp.ko.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common.h"
#include "thp.h"

#define PMD_SIZE_2M	(2ULL << 20)

int thp_parse(int argc, char **argv, struct thp_args *a, unsigned int max,
	      bool order, const char *level)
{
	uint64_t v;
	int i;

	memset(a, 0, sizeof(*a));
	a->order = -1;
	for (i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "--pid") && i + 1 < argc) {
			if (parse_u64(argv[++i], &v, "PID"))
				return EXIT_USAGE;
			if (!v || v > INT32_MAX)
				return usage_err(level, "bad PID '%s'", argv[i]);
			a->pid = v;
		} else if (order && !strcmp(argv[i], "--order") && i + 1 < argc) {
			if (parse_u64(argv[++i], &v, "--order"))
				return EXIT_USAGE;
			if (v > 31)
				return usage_err(level, "bad order '%s'", argv[i]);
			a->order = v;
		} else if (argv[i][0] != '-' && a->npos < max) {
			if (parse_u64(argv[i], &a->pos[a->npos++], "ADDR/LEN"))
				return EXIT_USAGE;
		} else {
			return usage_err(level, "unexpected argument '%s'", argv[i]);
		}
	}
	return EXIT_OK;
}

static void thp_folio_json(struct json_object *o,
			   const struct mmscope_thp_folio *f)
{
	struct json_object *h;
	char key[8];
	unsigned int i;

	jw_set_hex(o, "va", f->va);
	jw_set_uint(o, "head_pfn", f->head_pfn);
	jw_set_uint(o, "order", f->order);
	jw_set_str(o, "mapped", mmscope_thp_mapped_name(f->mapped));
	jw_set_uint(o, "ptes_mapped", f->ptes_mapped);
	jw_set_int(o, "entire_mapcount", f->entire_mapcount);
	jw_set_int(o, "total_mapcount", f->total_mapcount);
	h = jw_set_object(o, "mapcount_histogram");
	for (i = 0; i < MMSCOPE_THP_HIST; i++) {
		if (!f->hist[i])
			continue;
		snprintf(key, sizeof(key), "%u", i);
		jw_set_uint(h, key, f->hist[i]);
	}
	if (f->info & MMSCOPE_THP_F_HAS_DOUBLE_MAP)
		jw_set_bool(o, "double_map", f->info & MMSCOPE_THP_F_DOUBLE_MAP);
	else
		jw_set_null(o, "double_map");
	jw_set_bool(o, "deferred_split", f->info & MMSCOPE_THP_F_DEFERRED_SPLIT);
	jw_set_bool(o, "partially_mapped",
		    f->info & MMSCOPE_THP_F_PARTIALLY_MAPPED);
	jw_set_bool(o, "huge_zero", f->info & MMSCOPE_THP_F_HUGE_ZERO);
	jw_set_int(o, "pincount", f->pincount);
	jw_set_bool(o, "maybe_dma_pinned",
		    f->info & MMSCOPE_THP_F_MAYBE_DMA_PINNED);
	jw_set_str(o, "kind", mmscope_thp_kind_name(f->kind));
	jw_set_int(o, "refcount", f->refcount);
	jw_set_int(o, "expected_refcount", f->expected_refcount);
}

static void thp_folio_text(const struct mmscope_thp_folio *f)
{
	unsigned int i;

	printf("0x%012llx pfn 0x%llx order %u %s", (unsigned long long)f->va,
	       (unsigned long long)f->head_pfn, f->order,
	       mmscope_thp_mapped_name(f->mapped));
	if (f->mapped == MMSCOPE_THP_MAPPED_PTE)
		printf(" (%u PTEs)", f->ptes_mapped);
	printf(" %s entire %d total %d pin %d ref %d/%d",
	       mmscope_thp_kind_name(f->kind), f->entire_mapcount,
	       f->total_mapcount, f->pincount, f->refcount,
	       f->expected_refcount);
	if (f->info & MMSCOPE_THP_F_HUGE_ZERO)
		printf(" huge-zero");
	if (f->info & MMSCOPE_THP_F_DOUBLE_MAP)
		printf(" doublemap");
	if (f->info & MMSCOPE_THP_F_DEFERRED_SPLIT)
		printf(" deferred-split");
	if (f->info & MMSCOPE_THP_F_PARTIALLY_MAPPED)
		printf(" partially-mapped");
	if (f->info & MMSCOPE_THP_F_MAYBE_DMA_PINNED)
		printf(" dma-pinned");
	printf(" mapcounts");
	for (i = 0; i < MMSCOPE_THP_HIST; i++)
		if (f->hist[i])
			printf(" %u%s:%u", i, i == MMSCOPE_THP_HIST - 1 ? "+" : "",
			       f->hist[i]);
	printf("\n");
}

static int thp_open(void)
{
	return ctl_open("thp");
}

static int cmd_vmas(int argc, char **argv)
{
	struct mmscope_thp_settings s;
	struct json_object *root, *js, *sz, *arr, *o, *a;
	struct mmscope_thp_vma *v = NULL;
	struct thp_args args;
	char key[32];
	size_t n, i;
	unsigned int b;
	uint64_t r;
	int fd, ret;

	if (thp_parse(argc, argv, &args, 0, false, THP_LEVEL " vmas"))
		return EXIT_USAGE;
	if (!args.pid)
		return usage_err(THP_LEVEL " vmas", "missing --pid PID");
	if (mmscope_thp_settings_read(&s)) {
		p_err("%s", mmscope_last_error());
		return EXIT_FAILED;
	}
	fd = thp_open();
	if (fd < 0)
		return EXIT_FAILED;
	ret = mmscope_thp_vmas(fd, args.pid, &v, &n);
	close(fd);
	if (ret) {
		p_err("pid %d: %s", args.pid, mmscope_last_error());
		return EXIT_FAILED;
	}
	if (json_output) {
		root = jw_object();
		js = jw_set_object(root, "settings");
		jw_set_str(js, "enabled", s.enabled);
		jw_set_str(js, "defrag", s.defrag);
		jw_set_str(js, "shmem_enabled", s.shmem_enabled);
		sz = jw_set_object(js, "sizes");
		for (i = 0; i < s.nr_sizes; i++) {
			snprintf(key, sizeof(key), "%ukB", s.sizes[i].kb);
			jw_set_str(sz, key, s.sizes[i].enabled);
		}
		arr = jw_set_array(root, "vmas");
		for (i = 0; i < n; i++) {
			o = jw_push_object(arr);
			jw_set_hex(o, "start", v[i].start);
			jw_set_hex(o, "end", v[i].end);
			jw_set_str(o, "kind", mmscope_thp_kind_name(v[i].kind));
			jw_set_bool(o, "eligible",
				    v[i].flags & MMSCOPE_THP_VMA_ELIGIBLE);
			a = jw_set_array(o, "orders");
			for (b = 0; b < 64; b++)
				if (v[i].orders & (1ULL << b))
					jw_push_uint(a, b);
			a = jw_set_array(o, "reasons");
			r = mmscope_thp_vma_reasons(&v[i], &s);
			for (b = 0; b < MMSCOPE_THP_NR_REASONS; b++)
				if (r & (1ULL << b))
					jw_push_str(a, mmscope_thp_reason_name(b));
			jw_set_bool(o, "khugepaged",
				    v[i].flags & MMSCOPE_THP_VMA_KHUGEPAGED);
			jw_set_bool(o, "vm_hugepage",
				    v[i].flags & MMSCOPE_THP_VMA_HUGEPAGE);
			jw_set_bool(o, "vm_nohugepage",
				    v[i].flags & MMSCOPE_THP_VMA_NOHUGEPAGE);
		}
		jw_emit(root);
	} else {
		printf("THP enabled [%s] defrag [%s] shmem_enabled [%s]",
		       s.enabled, s.defrag, s.shmem_enabled);
		for (i = 0; i < s.nr_sizes; i++)
			if (strcmp(s.sizes[i].enabled, "never"))
				printf(" %ukB [%s]", s.sizes[i].kb,
				       s.sizes[i].enabled);
		printf("\n%-14s %-14s %-7s %-8s %-6s %s\n", "START", "END",
		       "KIND", "ELIGIBLE", "ORDERS", "REASONS");
		for (i = 0; i < n; i++) {
			printf("%014llx %014llx %-7s %-8s",
			       (unsigned long long)v[i].start,
			       (unsigned long long)v[i].end,
			       mmscope_thp_kind_name(v[i].kind),
			       v[i].flags & MMSCOPE_THP_VMA_ELIGIBLE ? "yes" : "no");
			printf(" 0x%-4llx", (unsigned long long)v[i].orders);
			r = mmscope_thp_vma_reasons(&v[i], &s);
			for (b = 0; b < MMSCOPE_THP_NR_REASONS; b++)
				if (r & (1ULL << b))
					printf(" %s", mmscope_thp_reason_name(b));
			if (v[i].flags & MMSCOPE_THP_VMA_HUGEPAGE)
				printf(" (MADV_HUGEPAGE)");
			printf("\n");
		}
	}
	free(v);
	return EXIT_OK;
}

/* The folios of [start, start + len) of pid; *n < 0 on failure. */
static struct mmscope_thp_folio *thp_get_folios(int fd, int pid,
						uint64_t start, uint64_t len,
						size_t *n, const char *what)
{
	struct mmscope_thp_folio *f = NULL;

	if (mmscope_thp_folios(fd, pid, start, len, &f, n)) {
		p_err("%s: pid %d 0x%llx+0x%llx: %s", what, pid,
		      (unsigned long long)start, (unsigned long long)len,
		      mmscope_last_error());
		return NULL;
	}
	return f;
}

/* From the first VMA's start to the last one's end. */
int thp_span(int fd, int pid, uint64_t *start, uint64_t *len)
{
	struct mmscope_thp_vma *v = NULL;
	size_t n = 0;

	if (mmscope_thp_vmas(fd, pid, &v, &n)) {
		p_err("pid %d: %s", pid, mmscope_last_error());
		return -1;
	}
	if (!n) {
		free(v);
		p_err("pid %d: no VMA", pid);
		return -1;
	}
	*start = v[0].start;
	*len = v[n - 1].end - v[0].start;
	free(v);
	return 0;
}

static int cmd_folios(int argc, char **argv)
{
	struct mmscope_thp_folio *f;
	struct json_object *root, *arr;
	struct thp_args a;
	uint64_t start = 0, len;
	size_t n, i;
	int fd;

	if (thp_parse(argc, argv, &a, 2, false, THP_LEVEL " folios"))
		return EXIT_USAGE;
	if (!a.pid)
		return usage_err(THP_LEVEL " folios", "missing --pid PID");
	if (a.npos == 1)
		return usage_err(THP_LEVEL " folios", "give ADDR and LEN, or neither");
	fd = thp_open();
	if (fd < 0)
		return EXIT_FAILED;
	if (a.npos == 2) {
		start = a.pos[0];
		len = a.pos[1];
	} else if (thp_span(fd, a.pid, &start, &len)) {
		close(fd);
		return EXIT_FAILED;
	}
	f = thp_get_folios(fd, a.pid, start, len, &n, "folios");
	close(fd);
	if (!f)
		return EXIT_FAILED;
	if (json_output) {
		root = jw_object();
		arr = jw_set_array(root, "folios");
		for (i = 0; i < n; i++)
			thp_folio_json(jw_push_object(arr), &f[i]);
		jw_emit(root);
	} else if (!n) {
		printf("no large folio is mapped there\n");
	} else {
		for (i = 0; i < n; i++)
			thp_folio_text(&f[i]);
	}
	free(f);
	return EXIT_OK;
}

/* The first large folio of [start, start + len) into *out; false if none. */
static bool thp_first_folio(int fd, int pid, uint64_t start, uint64_t len,
			    struct mmscope_thp_folio *out)
{
	struct mmscope_thp_folio *f = NULL;
	size_t n = 0;
	bool found;

	if (mmscope_thp_folios(fd, pid, start, len, &f, &n))
		return false;
	found = n > 0;
	if (found)
		*out = f[0];
	free(f);
	return found;
}

static void thp_side(struct json_object *root, const char *key, bool have,
		     const struct mmscope_thp_folio *f)
{
	if (have)
		thp_folio_json(jw_set_object(root, key), f);
	else
		jw_set_null(root, key);
}

/* What an errno of collapse or split means, in words. */
static const char *thp_op_error(bool split, int err)
{
	if (err == EINVAL && split)
		return "no transparent huge page there (a small page, the huge zero page or hugetlb), or a bad order";
	if (err == EINVAL)
		return "no aligned 2 MiB range in it, or its VMA takes no THP (MADV_NOHUGEPAGE, hugetlb, pfnmap)";
	if (err == ENOENT)
		return "nothing is mapped there";
	if (err == EOPNOTSUPP)
		return "the kernel function is not resolved here (see mmscope features)";
	return errno_str(err);
}

static int thp_op(int argc, char **argv, bool split)
{
	const char *level = split ? THP_LEVEL " split" : THP_LEVEL " collapse";
	struct mmscope_thp_op op = { .size = sizeof(op) };
	struct mmscope_thp_folio before, after;
	uint64_t qstart, qlen;
	bool hb, ha;
	struct thp_args a;
	struct json_object *root;
	int fd, ret;

	if (thp_parse(argc, argv, &a, split ? 1 : 2, split, level))
		return EXIT_USAGE;
	if (!a.pid)
		return usage_err(level, "missing --pid PID");
	if (a.npos != (split ? 1u : 2u))
		return usage_err(level, split ? "give ADDR" : "give ADDR and LEN");
	op.pid = a.pid;
	op.start = a.pos[0];
	op.len = split ? 0 : a.pos[1];
	op.order = a.order < 0 ? 0 : a.order;
	qstart = split ? op.start & ~(PMD_SIZE_2M - 1) : op.start;
	qlen = split ? PMD_SIZE_2M : op.len;
	fd = thp_open();
	if (fd < 0)
		return EXIT_FAILED;
	hb = thp_first_folio(fd, a.pid, qstart, qlen, &before);
	ret = mmscope_ioctl(fd, split ? MMSCOPE_THP_IOC_SPLIT :
			    MMSCOPE_THP_IOC_COLLAPSE, &op, sizeof(op));
	if (ret) {
		p_err("%s: pid %d 0x%llx: %s", split ? "split" : "collapse",
		      a.pid, (unsigned long long)op.start,
		      thp_op_error(split, -ret));
		close(fd);
		return EXIT_FAILED;
	}
	ha = thp_first_folio(fd, a.pid, qstart, qlen, &after);
	close(fd);
	if (json_output) {
		root = jw_object();
		jw_set_str(root, "result", op.result == MMSCOPE_THP_OK ? "ok" : "failed");
		if (op.result == MMSCOPE_THP_OK)
			jw_set_null(root, "reason");
		else if (op.scan[0])
			jw_set_str(root, "reason", op.scan);
		else
			jw_set_str(root, "reason", errno_str(op.err));
		jw_set_int(root, "errno", op.err);
		thp_side(root, "before", hb, &before);
		thp_side(root, "after", ha, &after);
		jw_emit(root);
	} else {
		if (op.result == MMSCOPE_THP_OK)
			printf("%s: ok\n", split ? "split" : "collapse");
		else
			printf("%s: failed: %s%s%s\n", split ? "split" : "collapse",
			       errno_str(op.err), op.scan[0] ? ", kernel's reason " : "",
			       op.scan);
		printf("before: ");
		if (hb)
			thp_folio_text(&before);
		else
			printf("no large folio\n");
		printf("after:  ");
		if (ha)
			thp_folio_text(&after);
		else
			printf("no large folio\n");
	}
	return op.result == MMSCOPE_THP_OK ? EXIT_OK : EXIT_FAILED;
}

static int cmd_collapse(int argc, char **argv)
{
	return thp_op(argc, argv, false);
}

static int cmd_split(int argc, char **argv)
{
	return thp_op(argc, argv, true);
}

static int cmd_khugepaged(int argc, char **argv)
{
	struct mmscope_thp_khugepaged k = { .size = sizeof(k) };
	struct mmscope_thp_scan recs[256];
	struct mmscope_thp_settings s;
	struct json_object *root, *js, *arr, *o;
	struct thp_args a;
	unsigned int i;
	int fd;

	if (thp_parse(argc, argv, &a, 0, false, THP_LEVEL " khugepaged"))
		return EXIT_USAGE;
	if (mmscope_thp_settings_read(&s)) {
		p_err("%s", mmscope_last_error());
		return EXIT_FAILED;
	}
	fd = thp_open();
	if (fd < 0)
		return EXIT_FAILED;
	k.pid = a.pid;
	k.count = 256;
	k.records = (uintptr_t)recs;
	k.record_size = sizeof(recs[0]);
	if (ctl_ioctl(fd, MMSCOPE_THP_IOC_KHUGEPAGED, &k, "khugepaged%s",
		      a.pid ? " (pid)" : "") < 0) {
		close(fd);
		return EXIT_FAILED;
	}
	close(fd);
	if (json_output) {
		root = jw_object();
		js = jw_set_object(root, "settings");
		jw_set_int(js, "pages_to_scan", s.pages_to_scan);
		jw_set_int(js, "scan_sleep_millisecs", s.scan_sleep_millisecs);
		jw_set_int(js, "alloc_sleep_millisecs", s.alloc_sleep_millisecs);
		jw_set_int(js, "max_ptes_none", s.max_ptes_none);
		jw_set_int(js, "max_ptes_swap", s.max_ptes_swap);
		jw_set_int(js, "max_ptes_shared", s.max_ptes_shared);
		jw_set_int(root, "full_scans", s.full_scans);
		jw_set_int(root, "pages_collapsed", s.pages_collapsed);
		if (a.pid)
			jw_set_bool(root, "registered", k.registered);
		else
			jw_set_null(root, "registered");
		jw_set_uint(root, "recorded", k.total);
		arr = jw_set_array(root, "results");
		for (i = 0; i < k.count; i++) {
			o = jw_push_object(arr);
			jw_set_uint(o, "seq", recs[i].seq);
			jw_set_str(o, "event", mmscope_thp_event_name(recs[i].event));
			if (recs[i].pfn == ~0ULL)
				jw_set_null(o, "pfn");
			else
				jw_set_uint(o, "pfn", recs[i].pfn);
			jw_set_str(o, "result", recs[i].name);
			jw_set_int(o, "status", recs[i].status);
			jw_set_int(o, "referenced", recs[i].referenced);
			jw_set_int(o, "none_or_zero", recs[i].none_or_zero);
			jw_set_int(o, "unmapped", recs[i].unmapped);
			jw_set_str(o, "by", recs[i].khugepaged ? "khugepaged" : "madvise");
		}
		jw_emit(root);
		return EXIT_OK;
	}
	printf("khugepaged: pages_to_scan %ld scan_sleep_millisecs %ld max_ptes_none %ld max_ptes_swap %ld max_ptes_shared %ld\n",
	       s.pages_to_scan, s.scan_sleep_millisecs, s.max_ptes_none,
	       s.max_ptes_swap, s.max_ptes_shared);
	printf("full_scans %ld pages_collapsed %ld", s.full_scans,
	       s.pages_collapsed);
	if (a.pid)
		printf("; pid %d %s khugepaged's list", a.pid,
		       k.registered ? "is on" : "is not on");
	printf("\n%u of %llu recorded results:\n", k.count,
	       (unsigned long long)k.total);
	for (i = 0; i < k.count; i++) {
		printf("  #%llu %-8s ", (unsigned long long)recs[i].seq,
		       mmscope_thp_event_name(recs[i].event));
		if (recs[i].pfn != ~0ULL)
			printf("pfn 0x%llx ", (unsigned long long)recs[i].pfn);
		printf("%s (none_or_zero %d referenced %d swap %d) by %s\n",
		       recs[i].name, recs[i].none_or_zero, recs[i].referenced,
		       recs[i].unmapped,
		       recs[i].khugepaged ? "khugepaged" : "madvise");
	}
	return EXIT_OK;
}

static int thp_help(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	print_help(
		"Usage: mmscope thp vmas --pid PID\n"
		"       mmscope thp folios --pid PID [ADDR LEN]\n"
		"       mmscope thp map --pid PID\n"
		"       mmscope thp collapse --pid PID ADDR LEN\n"
		"       mmscope thp split --pid PID ADDR [--order N]\n"
		"       mmscope thp khugepaged [--pid PID]\n"
		"\n"
		"  vmas        every VMA: the kernel's THP verdict (smaps THPeligible),\n"
		"              the orders it allows, and why not\n"
		"  folios      every large folio mapped: PMD or PTEs, map, pin and\n"
		"              reference counts, DoubleMap, deferred split, huge zero\n"
		"  map         a picture, one cell per 2 MiB of each VMA\n"
		"  collapse    MADV_COLLAPSE on the range now; the kernel's reason if not\n"
		"  split       split the THP at ADDR (to order 0, or --order N)\n"
		"  khugepaged  its settings, and the results recorded while loaded\n"
		"\n"
		"Needs mmscope_thp loaded. See docs/thp.md.\n");
	return EXIT_OK;
}

int do_thp(int argc, char **argv)
{
	static const struct cmd cmds[] = {
		{ "help",	thp_help },
		{ "vmas",	cmd_vmas },
		{ "folios",	cmd_folios },
		{ "map",	thp_map },
		{ "collapse",	cmd_collapse },
		{ "split",	cmd_split },
		{ "khugepaged",	cmd_khugepaged },
		{ NULL }
	};

	if (argc == 0)
		return thp_help(0, NULL);
	return cmd_select(cmds, argc, argv, THP_LEVEL);
}
