// SPDX-License-Identifier: GPL-2.0
/*
 * mmscope pageref: reference count, map counts, pin count and flags of
 * the pages of a process or of a pfn range (mmscope_pageref), and
 * references held on demand (get, pin, pin-longterm).
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <mmscope/pageref.h>

#include "common.h"
#include "pageref_cmd.h"
#include "out.h"

/* records per query: as many as one query returns, as mmscope-bench asks */
#define BATCH MMSCOPE_PAGEREF_QUERY_MAX
#define JSON_MAX_PAGES 65536

/* --jsonl: a JSON object per page, a line each, as they come (no cap) */
static bool jsonl;

int pageref_help(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	print_help(
		"Usage: mmscope pageref [show] TARGET\n"
		"       mmscope pageref { get | pin | pin-longterm } --pid PID ADDR [LEN]\n"
		"                       [--write] [--hold SECONDS]\n"
		"       mmscope pageref held\n"
		"       mmscope pageref watch { show | add TARGET | events [--clear] | clear }\n"
		"TARGET := " HELP_TARGET " (not --kernel;\n"
		"          with --pfn: PFN [COUNT])\n"
		"          | --pid PID --vma NAME|ADDR (a mapping: the one holding\n"
		"          ADDR, or those named NAME: '[heap]', or a file name's\n"
		"          start, 'libc')\n"
		"\n"
		"show: per page, the folio's reference count (without the probe's own\n"
		"reference), the page's map count, the folio's entire (PMD) and total\n"
		"map counts, its pin count where the kernel keeps one, AnonExclusive,\n"
		"the mapping, the LRU list, the PG_ flags, and extra_refs: references\n"
		"beyond what khugepaged's is_refcount_suitable() expects (one per\n"
		"mapping, one per page in the page or swap cache, one for PG_private).\n"
		"ADDR and LEN are bytes (LEN default one page); COUNT pages (default 1).\n"
		HELP_NUMBERS
		"\n"
		"get, pin, pin-longterm: take a reference (FOLL_GET), a pin (FOLL_PIN)\n"
		"or a long-term pin (FOLL_PIN|FOLL_LONGTERM) on every page of the range,\n"
		"show the pages while holding them, and hold until SECONDS pass\n"
		"(default: until interrupted). --write faults for write first (breaks\n"
		"COW). held: the references held now.\n"
		"\n"
		"watch add TARGET: watch those pages\n"
		"(64 at most); watch events: every change of a watched page's refcount\n"
		"or mapcount, with the kernel function that returned first after it\n"
		"and the task (also trace events mmscope:pageref_change).\n"
		"\n"
		"--jsonl: one JSON object per page and line, written as the pages\n"
		"are read, for any number of pages (absent pages: {\"va\", \"state\"}).\n"
		"\n"
		"JSON: {\"pages\": [{\"va\", \"pfn\", \"head_pfn\", \"order\", \"refcount\",\n"
		"  \"mapcount\", \"entire_mapcount\", \"total_mapcount\", \"pincount\",\n"
		"  \"maybe_dma_pinned\", \"anon_exclusive\", \"extra_refs\", \"mapping\",\n"
		"  \"flags\", ...}], \"absent\": [{\"va\", \"state\"}]}\n");
	return EXIT_OK;
}

/* --write and --hold SECONDS, for the hold verbs */
static int hold_option(int argc, char **argv, int *i, void *ctx)
{
	struct range_args *a = ctx;
	uint64_t v;
	int ret;

	if (!strcmp(argv[*i], "--jsonl")) {
		jsonl = true;
		return EXIT_OK;
	}
	if (a && !strcmp(argv[*i], "--write")) {
		a->write = true;
		return EXIT_OK;
	}
	if (a && !strcmp(argv[*i], "--hold") && *i + 1 < argc) {
		ret = parse_u64(argv[++*i], &v, "hold");
		a->hold = (long)v;
		return ret;
	}
	return usage_err(LEVEL, "unknown option '%s'", argv[*i]);
}

int parse_range(int argc, char **argv, struct range_args *a, bool hold_verb)
{
	struct mmscope_target_args t;
	int ret;

	memset(a, 0, sizeof(*a));
	a->hold = -1;
	ret = parse_target(argc, argv, &t, MMSCOPE_TARGETS_PID |
			   MMSCOPE_TARGETS_VMA |
			   (hold_verb ? 0 : MMSCOPE_TARGETS_PFN),
			   (uint64_t)getpagesize(), LEVEL, hold_option,
			   hold_verb ? a : NULL);
	if (ret)
		return ret;
	a->by_pfn = t.kind == MMSCOPE_TARGET_PFN;
	a->pid = t.pid;
	a->start = t.start;
	a->len = t.len;
	return EXIT_OK;
}

void say_query_error(const struct range_args *a, int err)
{
	if (a->by_pfn && err == ERANGE)
		p_err("pfn 0x%llx: beyond the end of the memory map",
		      (unsigned long long)a->start);
	else if (a->by_pfn && err == ENXIO)
		p_err("pfn 0x%llx: not in online memory (a hole, or offline)",
		      (unsigned long long)a->start);
	else if (a->by_pfn)
		p_err("pfn 0x%llx: %s", (unsigned long long)a->start,
		      errno_str(err));
	else if (err == ENOENT)
		p_err("pid %d: 0x%llx+0x%llx: nothing mapped there", a->pid,
		      (unsigned long long)a->start, (unsigned long long)a->len);
	else if (err == EFAULT)
		p_err("pid %d: 0x%llx: not a user address", a->pid,
		      (unsigned long long)a->start);
	else if (err == EOVERFLOW)
		p_err("pid %d: 0x%llx+0x%llx: range overflows the address space",
		      a->pid, (unsigned long long)a->start,
		      (unsigned long long)a->len);
	else if (err == ETOOMANYREFS)
		p_err("pid %d: 0x%llx+0x%llx: a page would have more than %d references",
		      a->pid, (unsigned long long)a->start,
		      (unsigned long long)a->len, MMSCOPE_PAGEREF_PAGE_REFS_MAX);
	else if (err == ENOSPC)
		p_err("pid %d: holds are full (%d pages per file, %d for the module)",
		      a->pid, MMSCOPE_PAGEREF_FILE_PAGES_MAX,
		      MMSCOPE_PAGEREF_MODULE_PAGES_MAX);
	else if (err == EINVAL && !a->by_pfn)
		p_err("pid %d: 0x%llx+0x%llx: length must be non-zero",
		      a->pid, (unsigned long long)a->start,
		      (unsigned long long)a->len);
	else
		p_err("pid %d: %s", a->pid, errno_str(err));
}

static void page_json(struct json_object *list,
		      const struct mmscope_pageref_page *p)
{
	struct json_object *o = jw_push_object(list), *flags;
	unsigned int i;

	if (p->va == ~0ULL)
		jw_set_null(o, "va");
	else
		jw_set_hex(o, "va", p->va);
	jw_set_uint(o, "pfn", p->pfn);
	jw_set_uint(o, "head_pfn", p->head_pfn);
	jw_set_uint(o, "order", p->order);
	jw_set_int(o, "refcount", p->refcount);
	jw_set_int(o, "mapcount", p->mapcount);
	jw_set_int(o, "entire_mapcount", p->entire_mapcount);
	jw_set_int(o, "total_mapcount", p->total_mapcount);
	if (p->info & MMSCOPE_PAGEREF_HAS_PINCOUNT)
		jw_set_int(o, "pincount", p->pincount);
	else
		jw_set_null(o, "pincount");
	jw_set_bool(o, "maybe_dma_pinned",
		    p->info & MMSCOPE_PAGEREF_MAYBE_DMA_PINNED);
	jw_set_bool(o, "anon_exclusive",
		    p->info & MMSCOPE_PAGEREF_ANON_EXCLUSIVE);
	jw_set_int(o, "expected_refcount", p->expected_refcount);
	jw_set_int(o, "extra_refs", p->refcount - p->expected_refcount);
	jw_set_str(o, "mapping", mmscope_pageref_mapping_name(p->mapping));
	if (p->mapping == MMSCOPE_PAGEREF_MAP_FILE) {
		jw_set_uint(o, "inode", p->mapping_ino);
		jw_set_uint(o, "index", p->index);
	} else if (p->mapping == MMSCOPE_PAGEREF_MAP_SWAPCACHE) {
		jw_set_hex(o, "swap_entry", p->index);
	}
	jw_set_str(o, "lru", mmscope_pageref_lru_name(p->lru));
	if (p->lru_gen)
		jw_set_uint(o, "lru_gen", p->lru_gen - 1);
	jw_set_uint(o, "memcg_ino", p->memcg_ino);
	jw_set_bool(o, "zero_page", p->info & MMSCOPE_PAGEREF_ZERO_PAGE);
	jw_set_bool(o, "pmd_mapped", p->info & MMSCOPE_PAGEREF_PMD_MAPPED);
	if (p->info & MMSCOPE_PAGEREF_CHANGED)
		jw_set_bool(o, "changed", true);
	flags = jw_set_array(o, "flags");
	for (i = 0; i < MMSCOPE_PGF_COUNT; i++)
		if (p->pgflags & (1ULL << i))
			jw_push_str(flags, mmscope_pageref_pgflag_name(i));
}

static void absent_json(struct json_object *list,
			const struct mmscope_pageref_page *p)
{
	struct json_object *o = jw_push_object(list);

	jw_set_hex(o, "va", p->va);
	jw_set_str(o, "state", mmscope_pageref_state_name(p->state));
	if (p->state == MMSCOPE_PAGEREF_SWAP)
		jw_set_hex(o, "swap_entry", p->index);
	if (p->state == MMSCOPE_PAGEREF_NO_STRUCT_PAGE)
		jw_set_uint(o, "pfn", p->pfn);
}

/*
 * Room for a line of either kind: the fixed text, the numbers, and every
 * flag's name (a few dozen of a few letters each).
 */
#define LINE_ROOM 4096

/* ,"key": before a member (key a string literal) */
#define JL_KEY(o, key) FMT_LIT(o, ",\"" key "\":")

static char *jl_hex(char *o, uint64_t val)
{
	o = FMT_LIT(o, "\"0x");
	o = fmt_hex(o, val, 0);
	*o++ = '"';
	return o;
}

static char *jl_bool(char *o, bool val)
{
	return val ? FMT_LIT(o, "true") : FMT_LIT(o, "false");
}

/*
 * A name of the UAPI's tables, with its length and blanks after it, so
 * that one fixed-size copy writes it (NAME_ROOM bytes at o); a name too
 * long for that is copied as a string each time.
 */
#define NAME_ROOM 24
struct cached_name {
	char text[NAME_ROOM];
	unsigned char len;	/* 0: not cached yet */
};

static char *put_name(char *o, struct cached_name *c, const char *name)
{
	size_t n;

	if (!c->len) {
		n = strlen(name);
		if (!n || n >= NAME_ROOM)
			return stpcpy(o, name);
		memset(c->text, ' ', NAME_ROOM);
		memcpy(c->text, name, n);
		c->len = n;
	}
	memcpy(o, c->text, NAME_ROOM);
	return o + c->len;
}

static struct cached_name flag_names[MMSCOPE_PGF_COUNT];
static struct cached_name mapping_names[16];	/* more than the UAPI names */

static char *jl_str(char *o, const char *val)
{
	*o++ = '"';
	o = stpcpy(o, val);
	*o++ = '"';
	return o;
}

/* The flags' names, a comma before each (but the first, if first). */
static char *put_flags(char *o, uint64_t pgflags, bool quoted, bool first)
{
	unsigned int i;

	/* lowest set bit first, as far as the names go */
	for (; pgflags; pgflags &= pgflags - 1) {
		i = __builtin_ctzll(pgflags);
		if (i >= MMSCOPE_PGF_COUNT)
			break;
		if (!first)
			*o++ = ',';
		if (quoted)
			*o++ = '"';
		o = put_name(o, &flag_names[i],
			     mmscope_pageref_pgflag_name(i));
		if (quoted)
			*o++ = '"';
		first = false;
	}
	return o;
}

static char *put_mapping_name(char *o, unsigned int mapping)
{
	if (mapping >= sizeof(mapping_names) / sizeof(mapping_names[0]))
		return stpcpy(o, mmscope_pageref_mapping_name(mapping));
	return put_name(o, &mapping_names[mapping],
			mmscope_pageref_mapping_name(mapping));
}

/* The mapping's name, left-aligned in 9 columns. */
static char *put_mapping(char *o, unsigned int mapping)
{
	char *start = o;

	o = put_mapping_name(o, mapping);
	for (; o < start + 9; o++)
		*o = ' ';
	return o;
}

static void page_text(const struct mmscope_pageref_page *p, bool by_pfn)
{
	char *o = out_room(LINE_ROOM);

	if (!by_pfn) {
		o = fmt_hex_w(o, p->va, 14);
		*o++ = ' ';
	}
	if (p->state != MMSCOPE_PAGEREF_PRESENT) {
		o = stpcpy(o, mmscope_pageref_state_name(p->state));
		if (p->state == MMSCOPE_PAGEREF_SWAP) {
			o = FMT_LIT(o, " (swap entry 0x");
			o = fmt_hex(o, p->index, 0);
			*o++ = ')';
		}
		if (p->state == MMSCOPE_PAGEREF_FREE) {
			o = p->pfn ? FMT_LIT(o, " pfn 0x") : FMT_LIT(o, " pfn ");
			o = fmt_hex(o, p->pfn, 0);
			o = FMT_LIT(o, " (refcount 0)");
		}
		*o++ = '\n';
		out_commit(o);
		return;
	}
	o = fmt_hex_w(o, p->pfn, 9);
	*o++ = ' ';
	o = fmt_hex_w(o, p->head_pfn, 9);
	*o++ = ' ';
	o = fmt_u64_w(o, p->order, 2);
	*o++ = ' ';
	o = fmt_i64_w(o, p->refcount, 6);
	*o++ = ' ';
	o = fmt_i64_w(o, p->mapcount, 4);
	*o++ = ' ';
	o = fmt_i64_w(o, p->entire_mapcount, 4);
	*o++ = ' ';
	o = fmt_i64_w(o, p->total_mapcount, 4);
	*o++ = ' ';
	if (p->info & MMSCOPE_PAGEREF_HAS_PINCOUNT)
		o = fmt_i64_w(o, p->pincount, 4);
	else
		o = FMT_LIT(o, "   -");
	*o++ = ' ';
	o = fmt_i64_w(o, p->refcount - p->expected_refcount, 5);
	if (p->info & MMSCOPE_PAGEREF_MAYBE_DMA_PINNED)
		o = FMT_LIT(o, " yes  ");
	else
		o = FMT_LIT(o, " no   ");
	o = put_mapping(o, p->mapping);
	*o++ = ' ';
	if (p->info & MMSCOPE_PAGEREF_ZERO_PAGE)
		o = FMT_LIT(o, "zero_page");
	o = put_flags(o, p->pgflags, false,
		      !(p->info & MMSCOPE_PAGEREF_ZERO_PAGE));
	if (p->info & MMSCOPE_PAGEREF_CHANGED)
		o = FMT_LIT(o, " (changed)");
	*o++ = '\n';
	out_commit(o);
}

static void print_header(bool by_pfn)
{
	if (!by_pfn)
		printf("%14s ", "VA");
	printf("%9s %9s %2s %6s %4s %4s %4s %4s %5s %-4s %-9s %s\n",
	       "PFN", "HEAD", "OR", "REF", "MAP", "ENT", "TOT", "PIN", "EXTRA",
	       "DMA", "MAPPING", "FLAGS");
}

/*
 * One record as a line of JSON, written by hand: the bytes json-c gives
 * for the same object in page_json() and absent_json() (a test compares
 * the two).
 */
static void page_jsonl(const struct mmscope_pageref_page *p)
{
	bool absent = p->state != MMSCOPE_PAGEREF_PRESENT &&
		      p->state != MMSCOPE_PAGEREF_FREE;
	char *o = out_room(LINE_ROOM);

	if (p->va == ~0ULL && !absent) {
		o = FMT_LIT(o, "{\"va\":null");
	} else {
		o = FMT_LIT(o, "{\"va\":");
		o = jl_hex(o, p->va);
	}
	if (absent) {
		o = JL_KEY(o, "state");
		o = jl_str(o, mmscope_pageref_state_name(p->state));
		if (p->state == MMSCOPE_PAGEREF_SWAP)
			o = jl_hex(JL_KEY(o, "swap_entry"), p->index);
		if (p->state == MMSCOPE_PAGEREF_NO_STRUCT_PAGE)
			o = fmt_i64(JL_KEY(o, "pfn"), p->pfn);
		out_commit(FMT_LIT(o, "}\n"));
		return;
	}
	o = fmt_i64(JL_KEY(o, "pfn"), p->pfn);
	o = fmt_i64(JL_KEY(o, "head_pfn"), p->head_pfn);
	o = fmt_i64(JL_KEY(o, "order"), p->order);
	o = fmt_i64(JL_KEY(o, "refcount"), p->refcount);
	o = fmt_i64(JL_KEY(o, "mapcount"), p->mapcount);
	o = fmt_i64(JL_KEY(o, "entire_mapcount"), p->entire_mapcount);
	o = fmt_i64(JL_KEY(o, "total_mapcount"), p->total_mapcount);
	if (p->info & MMSCOPE_PAGEREF_HAS_PINCOUNT)
		o = fmt_i64(JL_KEY(o, "pincount"), p->pincount);
	else
		o = FMT_LIT(o, ",\"pincount\":null");
	o = jl_bool(JL_KEY(o, "maybe_dma_pinned"),
		    p->info & MMSCOPE_PAGEREF_MAYBE_DMA_PINNED);
	o = jl_bool(JL_KEY(o, "anon_exclusive"),
		    p->info & MMSCOPE_PAGEREF_ANON_EXCLUSIVE);
	o = fmt_i64(JL_KEY(o, "expected_refcount"), p->expected_refcount);
	o = fmt_i64(JL_KEY(o, "extra_refs"),
		    p->refcount - p->expected_refcount);
	o = JL_KEY(o, "mapping");
	*o++ = '"';
	o = put_mapping_name(o, p->mapping);
	*o++ = '"';
	if (p->mapping == MMSCOPE_PAGEREF_MAP_FILE) {
		o = fmt_i64(JL_KEY(o, "inode"), p->mapping_ino);
		o = fmt_i64(JL_KEY(o, "index"), p->index);
	} else if (p->mapping == MMSCOPE_PAGEREF_MAP_SWAPCACHE) {
		o = jl_hex(JL_KEY(o, "swap_entry"), p->index);
	}
	o = jl_str(JL_KEY(o, "lru"), mmscope_pageref_lru_name(p->lru));
	if (p->lru_gen)
		o = fmt_i64(JL_KEY(o, "lru_gen"), p->lru_gen - 1);
	o = fmt_i64(JL_KEY(o, "memcg_ino"), p->memcg_ino);
	o = jl_bool(JL_KEY(o, "zero_page"), p->info & MMSCOPE_PAGEREF_ZERO_PAGE);
	o = jl_bool(JL_KEY(o, "pmd_mapped"),
		    p->info & MMSCOPE_PAGEREF_PMD_MAPPED);
	if (p->info & MMSCOPE_PAGEREF_CHANGED)
		o = FMT_LIT(o, ",\"changed\":true");
	o = FMT_LIT(o, ",\"flags\":[");
	o = put_flags(o, p->pgflags, true, true);
	out_commit(FMT_LIT(o, "]}\n"));
}

/* Query the range and print it; EXIT_* */
static int pageref_query(int fd, const struct range_args *a)
{
	struct json_object *root = NULL, *pages = NULL, *absent = NULL;
	const struct mmscope_pageref_page *p;
	struct mmscope_query q;
	unsigned int i;
	int ret;

	if (mmscope_query_init(&q, fd, a->pid,
			       a->by_pfn ? MMSCOPE_PAGEREF_BY_PFN : 0,
			       a->start, a->len, BATCH)) {
		p_err("%s", mmscope_last_error());
		return EXIT_FAILED;
	}
	if (json_output && !jsonl) {
		root = jw_object();
		pages = jw_set_array(root, "pages");
		absent = jw_set_array(root, "absent");
	}
	while ((ret = mmscope_query_next(&q)) > 0) {
		if (!json_output && !jsonl && q.calls == 1)
			print_header(a->by_pfn);
		for (i = 0; i < q.count; i++) {
			p = &q.recs[i];
			if (jsonl)
				page_jsonl(p);
			else if (!json_output)
				page_text(p, a->by_pfn);
			else if (p->state == MMSCOPE_PAGEREF_PRESENT ||
				 p->state == MMSCOPE_PAGEREF_FREE)
				page_json(pages, p);
			else
				absent_json(absent, p);
		}
	}
	mmscope_query_free(&q);
	if (out_flush() && ret >= 0) {
		json_object_put(root);
		return EXIT_FAILED;
	}
	if (ret < 0) {
		say_query_error(a, -ret);
		json_object_put(root);
		return EXIT_FAILED;
	}
	if (root)
		jw_emit(root);
	return EXIT_OK;
}

static int pageref_show(int argc, char **argv)
{
	struct range_args a;
	int fd, ret;

	ret = parse_range(argc, argv, &a, false);
	if (ret)
		return ret;
	/* The JSON document is built whole: keep it to a sane size. */
	if (json_output && !jsonl &&
	    (a.by_pfn ? a.len : a.len / getpagesize()) > JSON_MAX_PAGES)
		return usage_err(LEVEL, "--json reports %d pages at most per run (--jsonl: any number)",
				 JSON_MAX_PAGES);
	fd = ctl_open("pageref");
	if (fd < 0)
		return EXIT_FAILED;
	ret = pageref_query(fd, &a);
	close(fd);
	return ret;
}

static volatile sig_atomic_t interrupted;

static void pause_or_sleep(long seconds)
{
	if (seconds > 0)
		sleep((unsigned int)seconds);
}

static void on_signal(int sig)
{
	(void)sig;
	interrupted = 1;
}

static void wait_hold(long seconds)
{
	struct sigaction sa = { .sa_handler = on_signal };
	time_t end = time(NULL) + seconds;

	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	while (!interrupted && (seconds < 0 || time(NULL) < end))
		pause_or_sleep(seconds < 0 ? 60 : end - time(NULL));
}

static int pageref_hold_verb(int argc, char **argv, unsigned long req,
			     const char *verb)
{
	struct mmscope_pageref_hold h = { .size = sizeof(h) };
	struct range_args a;
	int fd, ret;

	ret = parse_range(argc, argv, &a, true);
	if (ret)
		return ret;
	fd = ctl_open("pageref");
	if (fd < 0)
		return EXIT_FAILED;
	h.pid = a.pid;
	h.start = a.start;
	h.len = a.len;
	h.flags = a.write ? MMSCOPE_PAGEREF_HOLD_WRITE : 0;
	ret = mmscope_ioctl(fd, req, &h, sizeof(h));
	if (ret) {
		say_query_error(&a, -ret);
		close(fd);
		return EXIT_FAILED;
	}
	if (!json_output && !jsonl)
		printf("%s: holding %llu page%s of pid %d from 0x%llx (hold id %llu)\n",
		       verb, (unsigned long long)h.pages, h.pages == 1 ? "" : "s",
		       a.pid, (unsigned long long)a.start,
		       (unsigned long long)h.id);
	ret = pageref_query(fd, &a);
	fflush(stdout);
	if (ret == EXIT_OK)
		wait_hold(a.hold);
	/* Closing the file drops the references. */
	close(fd);
	if (!json_output && !jsonl && ret == EXIT_OK)
		printf("%s: released\n", verb);
	return ret;
}

static int pageref_get(int argc, char **argv)
{
	return pageref_hold_verb(argc, argv, MMSCOPE_PAGEREF_IOC_GET, "get");
}

static int pageref_pin(int argc, char **argv)
{
	return pageref_hold_verb(argc, argv, MMSCOPE_PAGEREF_IOC_PIN, "pin");
}

static int pageref_pin_longterm(int argc, char **argv)
{
	return pageref_hold_verb(argc, argv, MMSCOPE_PAGEREF_IOC_PIN_LONGTERM,
				 "pin-longterm");
}

int do_pageref(int argc, char **argv)
{
	static const struct cmd cmds[] = {
		{ "show",		pageref_show },
		{ "get",		pageref_get },
		{ "pin",		pageref_pin },
		{ "pin-longterm",	pageref_pin_longterm },
		{ "held",		pageref_held },
		{ "watch",		pageref_watch },
		{ "help",		pageref_help },
		{ NULL }
	};

	/* "mmscope pageref --pid 1 ADDR" is "mmscope pageref show ...". */
	if (argc > 0 && argv[0][0] == '-' && !is_help(argv[0]))
		return pageref_show(argc, argv);
	/* "mmscope pageref pin help": the verb's help is the command's */
	if (argc < 1 || (argc > 1 && is_help(argv[1])))
		return pageref_help(0, argv);
	return cmd_select(cmds, argc, argv, LEVEL);
}
