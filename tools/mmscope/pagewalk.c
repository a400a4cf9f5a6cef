// SPDX-License-Identifier: GPL-2.0
/*
 * mmscope pagewalk: the page-table entries that map a range of a process
 * (or of the kernel), through mmscope_pagewalk's MMSCOPE_PAGEWALK_IOC_WALK.
 *
 *   mmscope pagewalk [--pid PID | --kernel] ADDR [LEN] [--path] [--json]
 *
 * This file reads the arguments and runs the walk; the records go to
 * pagewalk_text.c or pagewalk_json.c.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "out.h"
#include "pagewalk_cmd.h"

#define PW_LEVEL "mmscope pagewalk"
/* Records per ioctl: a populated 1 GiB of 4K pages is 4 calls. */
#define PW_BATCH 65536
/* VMA table rows per ioctl (compact format); a fuller table ends a call. */
#define PW_VMAS 1024

bool pw_arm64;

/* The JSON contract's order, then the extras. */
const unsigned char pw_linux_order[15] = { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10,
					    14, 11, 12, 13 };

struct pw_args {
	int pid;
	bool kernel;
	bool path;
	bool all;
	bool summary;
	bool jsonl;
	bool explain;
	const char *region;	/* --linear-map, --vmalloc: its name in layout */
	uint64_t start;
	uint64_t len;
};

static int pagewalk_help(void)
{
	print_help(
		"Usage: mmscope pagewalk [--pid PID | --kernel] ADDR [LEN] [--path] [--json]\n"
		"       mmscope pagewalk --pid PID { --all | --vma NAME|ADDR } [--path] [--json]\n"
		"       mmscope pagewalk --kernel { --linear-map | --vmalloc } [--summary]\n"
		"       mmscope pagewalk ... --summary | --jsonl | --explain\n"
		"\n"
		"Walk the page tables that map [ADDR, ADDR+LEN) of process PID, or of\n"
		"the kernel with --kernel, and print one line per leaf entry (page,\n"
		"PMD or PUD block) or run of empty entries: its level, state (present,\n"
		"none, swap, migration, device, hwpoison, marker, protnone), raw value,\n"
		"PFN, the Linux view and the arch's bits. LEN defaults to 4096.\n"
		HELP_NUMBERS
		"\n"
		"  --pid PID    process to walk\n"
		"  --kernel     walk the kernel's page tables (ADDR is a kernel address)\n"
		"  --vma NAME|ADDR  the mapping of PID that holds ADDR, or the span of\n"
		"               the mappings named NAME: '[heap]', '[stack]', or the\n"
		"               start of a file name ('libc')\n"
		"  --all        the whole user address space of PID (holes are one\n"
		"               line each); a range that ends at the top of the user\n"
		"               half (0x800000000000 on x86_64) ends where it does\n"
		"  --path       print every level of the walk: index, raw entry, the\n"
		"               physical address of the entry and of the next table\n"
		"  --linear-map with --kernel: the linear (direct) map of RAM, as the\n"
		"               kernel has it (its base to high_memory)\n"
		"  --vmalloc    with --kernel: the vmalloc area\n"
		"  --jsonl      the entries as JSON Lines, an object per line, as the\n"
		"               walk goes: any range, in flat memory\n"
		"  --explain    each present entry as a bit diagram: the raw value's\n"
		"               64 bits, then a row per field of the arch's format\n"
		"               (bit positions, name, value, meaning)\n"
		"  --summary    instead of the entries: a line per kind (level, size\n"
		"               an entry maps, state) with entries, bytes and runs\n"
		"               of consecutive entries\n"
		"\n"
		"JSON: {\"arch\", \"page_size\", \"levels\", \"va_bits\", ..., \"entries\": [{\"va\",\n"
		"       \"size\", \"level\", \"state\", \"raw\", \"pfn\", \"swap\", \"linux\", \"hw\",\n"
		"       \"vma\", \"path\"}]} (docs/pagewalk.md)\n");
	return EXIT_OK;
}

struct pw_parse {
	struct pw_args *a;
	struct mmscope_target_args *t;
};

static int path_option(int argc, char **argv, int *i, void *ctx)
{
	struct pw_parse *p = ctx;
	struct pw_args *a = p->a;

	(void)argc;
	if (!strcmp(argv[*i], "--path")) {
		a->path = true;
	} else if (!strcmp(argv[*i], "--summary")) {
		a->summary = true;
	} else if (!strcmp(argv[*i], "--jsonl")) {
		a->jsonl = true;
	} else if (!strcmp(argv[*i], "--explain")) {
		a->explain = true;
	} else if (!strcmp(argv[*i], "--linear-map") ||
		   !strcmp(argv[*i], "--vmalloc")) {
		/* a range of its own, in place of ADDR [LEN] */
		a->region = argv[*i][2] == 'l' ? "linear_map" : "vmalloc";
		p->t->all = true;
	} else {
		return usage_err(PW_LEVEL, "unknown option '%s'", argv[*i]);
	}
	return EXIT_OK;
}

static int parse_args(int argc, char **argv, struct pw_args *a)
{
	struct mmscope_target_args t;
	struct pw_parse p = { a, &t };
	int ret;

	memset(a, 0, sizeof(*a));
	ret = parse_target(argc, argv, &t,
			   MMSCOPE_TARGETS_PID | MMSCOPE_TARGETS_KERNEL |
			   MMSCOPE_TARGETS_ALL | MMSCOPE_TARGETS_VMA, 4096,
			   PW_LEVEL, path_option, &p);
	if (ret)
		return ret;
	if (a->region && t.has_start)
		return usage_err(PW_LEVEL, "give ADDR [LEN] or --%s, not both",
				 a->region[0] == 'l' ? "linear-map" : "vmalloc");
	if (a->region && t.kind != MMSCOPE_TARGET_KERNEL)
		return usage_err(PW_LEVEL, "--linear-map and --vmalloc are kernel ranges: give --kernel");
	if (t.all && t.kind == MMSCOPE_TARGET_KERNEL && !a->region)
		return usage_err(PW_LEVEL, "--kernel takes ADDR [LEN], --linear-map or --vmalloc, not --all");
	if (a->summary && a->path)
		return usage_err(PW_LEVEL, "--summary counts entries: no --path with it");
	if (a->jsonl && (a->summary || a->path || json_output))
		return usage_err(PW_LEVEL, "--jsonl prints the entries alone: no --summary, --path or -j with it");
	if (a->explain && (a->summary || a->path || a->jsonl || json_output))
		return usage_err(PW_LEVEL, "--explain draws the entries' bits as text: no --summary, --path, --jsonl or -j with it");
	a->kernel = t.kind == MMSCOPE_TARGET_KERNEL;
	a->all = t.all;
	a->pid = t.pid;
	a->start = t.start;
	a->len = t.len;
	return EXIT_OK;
}

static struct mmscope_map *pw_maps;
static size_t pw_nmaps;

const char *pw_vma_file(uint64_t vma_start)
{
	const struct mmscope_map *m;

	m = mmscope_maps_find(pw_maps, pw_nmaps, vma_start);
	return m && m->path[0] ? m->path : NULL;
}

/* Where the records of a walk go: text, the JSON tree, or a stream. */
struct sink {
	struct json_object *entries;	/* tree */
	struct pw_stream *st;		/* stream */
	/* text: the header, printed with the first record (not before an error) */
	const struct mmscope_pagewalk_context *ctx;
	struct pw_summary *sum;		/* --summary */
	bool explain;			/* --explain */
};

static void sink_header(struct sink *k)
{
	if (k->ctx)
		pw_text_context(k->ctx);
	k->ctx = NULL;
}

static void sink_record(struct sink *k, const struct mmscope_pagewalk_record *r,
			const struct mmscope_pagewalk_path *p)
{
	if (k->sum) {
		pw_summary_record(k->sum, r);
		return;
	}
	if (k->explain) {
		pw_explain_record(r);
		return;
	}
	sink_header(k);
	if (k->st)
		pw_stream_record(k->st, r);
	else if (k->entries)
		pw_json_record(k->entries, r, p);
	else
		pw_text_record(r, p);
}

/* The end of the user address space the walk may cover. */
static uint64_t pw_user_end;

/*
 * What was wrong, in words: the range errors (docs/pagewalk.md) are bad
 * usage (exit 2), the rest failures (exit 1).
 */
static int walk_failed(const struct pw_args *a, int err, uint64_t addr)
{
	const uint64_t s = a->start, l = a->len;

	if (err == EFAULT && a->kernel)
		return usage_err(PW_LEVEL, "--kernel 0x%" PRIx64 ": not a kernel address (a process's address needs --pid PID)",
				 s);
	if (err == EFAULT)
		return usage_err(PW_LEVEL, "pid %d: 0x%" PRIx64 ": not a user address (user space ends at 0x%" PRIx64 "; a kernel address needs --kernel)",
				 a->pid, s, pw_user_end);
	if (err == EOVERFLOW)
		return usage_err(PW_LEVEL, "pid %d: 0x%" PRIx64 "+0x%" PRIx64 " runs past the end of user space at 0x%" PRIx64 " (--all walks all of it)",
				 a->pid, s, l, pw_user_end);
	if (err == EINVAL && a->kernel && a->pid)
		return usage_err(PW_LEVEL, "give --pid PID or --kernel, not both");
	if (err == ESRCH) {
		p_err("pid %d: no such process", a->pid);
		return EXIT_FAILED;
	}
	p_err("%s 0x%" PRIx64 ": %s", a->kernel ? "kernel" : "walk", addr,
	      mmscope_last_error());
	return EXIT_FAILED;
}

/* --linear-map, --vmalloc: the range from the module's layout file */
static int pw_region(struct pw_args *a)
{
	char path[256], name[32];
	unsigned long long s, e;
	int ret = EXIT_FAILED;
	FILE *f;

	mmscope_debugfs_path(path, sizeof(path), "pagewalk", "layout");
	f = fopen(path, "r");
	if (!f) {
		p_err("%s: %s (a mmscope_pagewalk without it: give ADDR LEN)",
		      path, errno_str(errno));
		return EXIT_FAILED;
	}
	while (fscanf(f, "%31s %llx %llx", name, &s, &e) == 3) {
		if (strcmp(name, a->region) || e <= s)
			continue;
		a->start = s;
		a->len = e - s;
		ret = EXIT_OK;
	}
	fclose(f);
	if (ret)
		p_err("%s: no %s range", path, a->region);
	return ret;
}

/*
 * x86_64: the user half is 2^(va_bits - 1) bytes, less a guard page;
 * arm64: TTBR0 maps 2^va_bits bytes.
 */
static void pw_user_range(struct pw_args *a,
			  const struct mmscope_pagewalk_context *ctx)
{
	uint64_t top = pw_arm64 ? 1ULL << ctx->va_bits :
				  1ULL << (ctx->va_bits - 1);

	pw_user_end = pw_arm64 ? top : top - ctx->page_size;
	if (a->kernel)
		return;
	if (a->all) {
		a->start = 0;
		a->len = pw_user_end;
	}
	/* "0 0x800000000000": all of it, the guard page aside */
	if (a->start < pw_user_end && a->len <= top - a->start &&
	    a->start + a->len > pw_user_end)
		a->len = pw_user_end - a->start;
}

/*
 * The walk in the compact format (what mmscope-bench times as
 * pagewalk_ioctl): entries and a VMA table per call. 0, EINVAL from the
 * first call (a module without the format: the caller falls back), or
 * EXIT_FAILED after an error message.
 */
static int walk_compact(int fd, const struct pw_args *a,
			const struct mmscope_pagewalk_context *ctx, struct sink *k)
{
	struct mmscope_pagewalk_record r, prev;
	uint32_t flags = MMSCOPE_PAGEWALK_COMPACT |
			 (a->kernel ? MMSCOPE_PAGEWALK_KERNEL : 0);
	struct mmscope_walk w;
	bool have = false;
	uint32_t i, vi;
	int ret;

	if (mmscope_walk_init(&w, fd, a->pid, flags, a->start, a->len,
			      PW_BATCH, PW_VMAS, false)) {
		p_err("%s", mmscope_last_error());
		return EXIT_FAILED;
	}
	while ((ret = mmscope_walk_next(&w)) > 0) {
		for (i = 0, vi = 0; i < w.count; i++) {
			mmscope_walk_entry_record(&w.ents[i],
				mmscope_walk_vma_of(&w, w.ents[i].va, &vi),
				ctx, &r);
			/*
			 * An entry covers 2^32 - 1 pages at most: join what
			 * the module cut, the one record a full walk gives.
			 */
			if (have && prev.state == MMSCOPE_PAGEWALK_NONE &&
			    r.state == MMSCOPE_PAGEWALK_NONE &&
			    prev.va + prev.size == r.va &&
			    prev.vma_start == r.vma_start &&
			    prev.vma_end == r.vma_end) {
				prev.size += r.size;
				continue;
			}
			if (have)
				sink_record(k, &prev, NULL);
			prev = r;
			have = true;
		}
	}
	if (ret == -EINVAL && !w.calls)
		ret = EINVAL;
	else if (ret < 0)
		ret = walk_failed(a, -ret, w.next);
	else if (have)
		sink_record(k, &prev, NULL);
	mmscope_walk_free(&w);
	return ret;
}

/* The walk in full records, with paths when asked for. */
static int walk_full(int fd, const struct pw_args *a, struct sink *k)
{
	uint32_t flags = a->kernel ? MMSCOPE_PAGEWALK_KERNEL : 0;
	struct mmscope_walk w;
	uint32_t i;
	int ret;

	if (mmscope_walk_init(&w, fd, a->pid, flags, a->start, a->len,
			      PW_BATCH, 0, a->path)) {
		p_err("%s", mmscope_last_error());
		return EXIT_FAILED;
	}
	while ((ret = mmscope_walk_next(&w)) > 0)
		for (i = 0; i < w.count; i++)
			sink_record(k, &w.recs[i], w.paths ? &w.paths[i] : NULL);
	if (ret < 0)
		ret = walk_failed(a, -ret, w.next);
	mmscope_walk_free(&w);
	return ret;
}

static int pagewalk_run(struct pw_args *a)
{
	struct mmscope_pagewalk_context ctx = { .size = sizeof(ctx) };
	struct json_object *root = NULL;
	struct sink k = { };
	int ret = EXIT_FAILED, fd;
	long n;

	fd = ctl_open("pagewalk");
	if (fd < 0)
		return EXIT_FAILED;
	ctx.pid = a->pid;
	if (ctl_ioctl(fd, MMSCOPE_PAGEWALK_IOC_CONTEXT, &ctx, a->kernel ? "context" :
		      "pid %d", a->pid))
		goto out;
	ctx.arch[sizeof(ctx.arch) - 1] = '\0';
	pw_arm64 = !strcmp(ctx.arch, "arm64");
	pw_user_range(a, &ctx);
	if (a->region && pw_region(a))
		goto out;
	if (!a->kernel) {
		n = mmscope_maps_read(a->pid, &pw_maps);
		pw_nmaps = n > 0 ? n : 0;
	}
	if (a->summary) {
		k.sum = pw_summary_new(a->region ? (a->region[0] == 'l' ?
				       "linear map" : "vmalloc") :
				       a->kernel ? "kernel" : "range",
				       a->start, a->start + a->len);
	} else if (a->explain) {
		k.explain = true;
	} else if (a->jsonl) {
		k.st = pw_stream_new(NULL, true);
	} else if (json_output) {
		root = jw_object();
		pw_json_context(root, &ctx);
		k.entries = jw_set_array(root, "entries");
		/* the stream has no paths */
		if (!pretty_output && !a->path)
			k.st = pw_stream_new(root, false);
	} else {
		k.ctx = &ctx;
	}
	/* paths come with full records only */
	ret = a->path ? EINVAL : walk_compact(fd, a, &ctx, &k);
	if (ret == EINVAL)
		ret = walk_full(fd, a, &k);
	if (!ret && k.sum)
		pw_summary_print(k.sum);
	else if (!ret)
		sink_header(&k);
	if (out_flush() && !ret)
		ret = EXIT_FAILED;
	if (ret)
		json_object_put(root);
	else if (k.st)
		ret = pw_stream_emit(k.st, root);
	else if (json_output && root)
		jw_emit(root);
	pw_stream_free(k.st);
out:
	free(pw_maps);
	close(fd);
	return ret;
}

int do_pagewalk(int argc, char **argv)
{
	struct pw_args a;
	int ret;

	if (argc > 0 && is_help(argv[0]))
		return pagewalk_help();
	ret = parse_args(argc, argv, &a);
	if (ret)
		return ret;
	return pagewalk_run(&a);
}
