// SPDX-License-Identifier: GPL-2.0
/*
 * mmscope pageref: reference count, map counts, pin count and flags of
 * the pages of a process or of a pfn range (mmscope_pageref), and
 * references held on demand (get, pin, pin-longterm).
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include <mmscope/pageref.h>

#include "common.h"

#define LEVEL "mmscope pageref"
/* records per query: as many as one query returns, as mmscope-bench asks */
#define BATCH MMSCOPE_PAGEREF_QUERY_MAX
#define JSON_MAX_PAGES 65536

static const char *const flag_names[MMSCOPE_PGF_COUNT] = {
	[MMSCOPE_PGF_LOCKED] = "locked",
	[MMSCOPE_PGF_REFERENCED] = "referenced",
	[MMSCOPE_PGF_UPTODATE] = "uptodate",
	[MMSCOPE_PGF_DIRTY] = "dirty",
	[MMSCOPE_PGF_LRU] = "lru",
	[MMSCOPE_PGF_ACTIVE] = "active",
	[MMSCOPE_PGF_WORKINGSET] = "workingset",
	[MMSCOPE_PGF_WAITERS] = "waiters",
	[MMSCOPE_PGF_ERROR] = "error",
	[MMSCOPE_PGF_SLAB] = "slab",
	[MMSCOPE_PGF_OWNER_PRIV_1] = "owner_priv_1",
	[MMSCOPE_PGF_ARCH_1] = "arch_1",
	[MMSCOPE_PGF_RESERVED] = "reserved",
	[MMSCOPE_PGF_PRIVATE] = "private",
	[MMSCOPE_PGF_PRIVATE_2] = "private_2",
	[MMSCOPE_PGF_WRITEBACK] = "writeback",
	[MMSCOPE_PGF_HEAD] = "head",
	[MMSCOPE_PGF_TAIL] = "tail",
	[MMSCOPE_PGF_MAPPEDTODISK] = "mappedtodisk",
	[MMSCOPE_PGF_RECLAIM] = "reclaim",
	[MMSCOPE_PGF_SWAPBACKED] = "swapbacked",
	[MMSCOPE_PGF_UNEVICTABLE] = "unevictable",
	[MMSCOPE_PGF_MLOCKED] = "mlocked",
	[MMSCOPE_PGF_HWPOISON] = "hwpoison",
	[MMSCOPE_PGF_YOUNG] = "young",
	[MMSCOPE_PGF_IDLE] = "idle",
	[MMSCOPE_PGF_SWAPCACHE] = "swapcache",
	[MMSCOPE_PGF_ANON_EXCLUSIVE] = "anon_exclusive",
};

static const char *const mapping_names[] = {
	[MMSCOPE_PAGEREF_MAP_NONE] = "none",
	[MMSCOPE_PAGEREF_MAP_ANON] = "anon",
	[MMSCOPE_PAGEREF_MAP_KSM] = "ksm",
	[MMSCOPE_PAGEREF_MAP_FILE] = "file",
	[MMSCOPE_PAGEREF_MAP_SWAPCACHE] = "swapcache",
	[MMSCOPE_PAGEREF_MAP_MOVABLE] = "movable",
};

static const char *const state_names[] = {
	[MMSCOPE_PAGEREF_PRESENT] = "present",
	[MMSCOPE_PAGEREF_NO_VMA] = "unmapped",
	[MMSCOPE_PAGEREF_NONE] = "not-faulted",
	[MMSCOPE_PAGEREF_SWAP] = "swap",
	[MMSCOPE_PAGEREF_NONPAGE] = "non-present",
	[MMSCOPE_PAGEREF_NO_STRUCT_PAGE] = "pfnmap",
	[MMSCOPE_PAGEREF_FREE] = "free",
};

static const char *const lru_names[] = {
	[MMSCOPE_PAGEREF_LRU_NONE] = "none",
	[MMSCOPE_PAGEREF_LRU_INACTIVE_ANON] = "inactive_anon",
	[MMSCOPE_PAGEREF_LRU_ACTIVE_ANON] = "active_anon",
	[MMSCOPE_PAGEREF_LRU_INACTIVE_FILE] = "inactive_file",
	[MMSCOPE_PAGEREF_LRU_ACTIVE_FILE] = "active_file",
	[MMSCOPE_PAGEREF_LRU_UNEVICTABLE] = "unevictable",
	[MMSCOPE_PAGEREF_LRU_GEN_ANON] = "gen_anon",
	[MMSCOPE_PAGEREF_LRU_GEN_FILE] = "gen_file",
};

#define NAME(table, i) ((i) < sizeof(table) / sizeof(table[0]) && \
			table[i] ? table[i] : "unknown")

static int pageref_help(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	print_help(
		"Usage: mmscope pageref [show] --pid PID ADDR [LEN]\n"
		"       mmscope pageref [show] --pfn PFN [COUNT]\n"
		"       mmscope pageref { get | pin | pin-longterm } --pid PID ADDR [LEN]\n"
		"                       [--write] [--hold SECONDS]\n"
		"       mmscope pageref held\n"
		"       mmscope pageref watch { show | add ... | events [--clear] | clear }\n"
		"\n"
		"show: per page, the folio's reference count (without the probe's own\n"
		"reference), the page's map count, the folio's entire (PMD) and total\n"
		"map counts, its pin count where the kernel keeps one, AnonExclusive,\n"
		"the mapping, the LRU list, the PG_ flags, and extra_refs: references\n"
		"beyond what khugepaged's is_refcount_suitable() expects (one per\n"
		"mapping, one per page in the page or swap cache, one for PG_private).\n"
		"ADDR and LEN are bytes (LEN default one page); COUNT pages (default 1).\n"
		"\n"
		"get, pin, pin-longterm: take a reference (FOLL_GET), a pin (FOLL_PIN)\n"
		"or a long-term pin (FOLL_PIN|FOLL_LONGTERM) on every page of the range,\n"
		"show the pages while holding them, and hold until SECONDS pass\n"
		"(default: until interrupted). --write faults for write first (breaks\n"
		"COW). held: the references held now.\n"
		"\n"
		"watch add --pid PID ADDR [LEN] | --pfn PFN [COUNT]: watch those pages\n"
		"(64 at most); watch events: every change of a watched page's refcount\n"
		"or mapcount, with the kernel function that returned first after it\n"
		"and the task (also trace events mmscope:pageref_change).\n"
		"\n"
		"JSON: {\"pages\": [{\"va\", \"pfn\", \"head_pfn\", \"order\", \"refcount\",\n"
		"  \"mapcount\", \"entire_mapcount\", \"total_mapcount\", \"pincount\",\n"
		"  \"maybe_dma_pinned\", \"anon_exclusive\", \"extra_refs\", \"mapping\",\n"
		"  \"flags\", ...}], \"absent\": [{\"va\", \"state\"}]}\n");
	return EXIT_OK;
}

struct range_args {
	int pid;
	bool by_pfn;
	bool have_pid;
	bool write;
	long hold;		/* seconds, -1: until interrupted */
	uint64_t start;
	uint64_t len;
};

static int parse_range(int argc, char **argv, struct range_args *a,
		       bool hold_verb)
{
	uint64_t v;
	int i, pos = 0, ret;

	memset(a, 0, sizeof(*a));
	a->hold = -1;
	for (i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "--pid") && i + 1 < argc) {
			ret = parse_u64(argv[++i], &v, "pid");
			if (ret)
				return ret;
			if (!v || v > 0x7fffffff)
				return usage_err(LEVEL, "pid: invalid pid '%s'", argv[i]);
			a->pid = (int)v;
			a->have_pid = true;
		} else if (!strcmp(argv[i], "--pfn") && !hold_verb) {
			a->by_pfn = true;
		} else if (!strcmp(argv[i], "--write") && hold_verb) {
			a->write = true;
		} else if (!strcmp(argv[i], "--hold") && hold_verb && i + 1 < argc) {
			ret = parse_u64(argv[++i], &v, "hold");
			if (ret)
				return ret;
			a->hold = (long)v;
		} else if (argv[i][0] == '-' && argv[i][1]) {
			return usage_err(LEVEL, "unknown option '%s'", argv[i]);
		} else if (pos < 2) {
			ret = parse_u64(argv[i], pos ? &a->len : &a->start,
					pos ? (a->by_pfn ? "COUNT" : "LEN") :
					      (a->by_pfn ? "PFN" : "ADDR"));
			if (ret)
				return ret;
			pos++;
		} else {
			return usage_err(LEVEL, "unexpected argument '%s'", argv[i]);
		}
	}
	if (!pos)
		return usage_err(LEVEL, "missing %s", a->by_pfn ? "PFN" : "ADDR");
	if (!a->by_pfn && !a->have_pid)
		return usage_err(LEVEL, "ADDR needs --pid PID");
	if (a->by_pfn && a->have_pid)
		return usage_err(LEVEL, "--pfn and --pid exclude each other");
	if (pos < 2)
		a->len = a->by_pfn ? 1 : (uint64_t)getpagesize();
	return EXIT_OK;
}

static void say_query_error(const struct range_args *a, int err)
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
	jw_set_str(o, "mapping", NAME(mapping_names, p->mapping));
	if (p->mapping == MMSCOPE_PAGEREF_MAP_FILE) {
		jw_set_uint(o, "inode", p->mapping_ino);
		jw_set_uint(o, "index", p->index);
	} else if (p->mapping == MMSCOPE_PAGEREF_MAP_SWAPCACHE) {
		jw_set_hex(o, "swap_entry", p->index);
	}
	jw_set_str(o, "lru", NAME(lru_names, p->lru));
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
			jw_push_str(flags, flag_names[i]);
}

static void absent_json(struct json_object *list,
			const struct mmscope_pageref_page *p)
{
	struct json_object *o = jw_push_object(list);

	jw_set_hex(o, "va", p->va);
	jw_set_str(o, "state", NAME(state_names, p->state));
	if (p->state == MMSCOPE_PAGEREF_SWAP)
		jw_set_hex(o, "swap_entry", p->index);
	if (p->state == MMSCOPE_PAGEREF_NO_STRUCT_PAGE)
		jw_set_uint(o, "pfn", p->pfn);
}

static void page_text(const struct mmscope_pageref_page *p, bool by_pfn)
{
	unsigned int i;
	const char *sep = "";

	if (!by_pfn)
		printf("%14llx ", (unsigned long long)p->va);
	if (p->state != MMSCOPE_PAGEREF_PRESENT) {
		printf("%s", NAME(state_names, p->state));
		if (p->state == MMSCOPE_PAGEREF_SWAP)
			printf(" (swap entry 0x%llx)", (unsigned long long)p->index);
		if (p->state == MMSCOPE_PAGEREF_FREE)
			printf(" pfn %#llx (refcount 0)", (unsigned long long)p->pfn);
		printf("\n");
		return;
	}
	printf("%9llx %9llx %2u %6lld %4d %4d %4d ", (unsigned long long)p->pfn,
	       (unsigned long long)p->head_pfn, p->order,
	       (long long)p->refcount, p->mapcount, p->entire_mapcount,
	       p->total_mapcount);
	if (p->info & MMSCOPE_PAGEREF_HAS_PINCOUNT)
		printf("%4d ", p->pincount);
	else
		printf("%4s ", "-");
	printf("%5lld %-4s %-9s ",
	       (long long)(p->refcount - p->expected_refcount),
	       p->info & MMSCOPE_PAGEREF_MAYBE_DMA_PINNED ? "yes" : "no",
	       NAME(mapping_names, p->mapping));
	if (p->info & MMSCOPE_PAGEREF_ZERO_PAGE) {
		printf("zero_page");
		sep = ",";
	}
	for (i = 0; i < MMSCOPE_PGF_COUNT; i++) {
		if (p->pgflags & (1ULL << i)) {
			printf("%s%s", sep, flag_names[i]);
			sep = ",";
		}
	}
	printf("%s\n", p->info & MMSCOPE_PAGEREF_CHANGED ? " (changed)" : "");
}

static int ioctl_query(int fd, struct mmscope_pageref_query *q)
{
	return ioctl(fd, MMSCOPE_PAGEREF_IOC_QUERY, q);
}

/* Query the range and print it; EXIT_* */
static int pageref_query(int fd, const struct range_args *a)
{
	struct mmscope_pageref_page *buf;
	struct mmscope_pageref_query q;
	struct json_object *root = NULL, *pages = NULL, *absent = NULL;
	uint64_t start = a->start, left = a->len;
	unsigned int i;
	int ret = EXIT_OK;

	buf = calloc(BATCH, sizeof(*buf));
	if (!buf) {
		p_err("out of memory");
		return EXIT_FAILED;
	}
	if (json_output) {
		root = jw_object();
		pages = jw_set_array(root, "pages");
		absent = jw_set_array(root, "absent");
	}
	while (left) {
		memset(&q, 0, sizeof(q));
		q.size = sizeof(q);
		q.flags = a->by_pfn ? MMSCOPE_PAGEREF_BY_PFN : 0;
		q.pid = a->pid;
		q.record_size = sizeof(*buf);
		q.start = start;
		q.len = left;
		q.records = (uintptr_t)buf;
		q.count = BATCH;
		if (ioctl_query(fd, &q)) {
			say_query_error(a, errno);
			ret = EXIT_FAILED;
			break;
		}
		if (!json_output && start == a->start) {
			if (!a->by_pfn)
				printf("%14s ", "VA");
			printf("%9s %9s %2s %6s %4s %4s %4s %4s %5s %-4s %-9s %s\n",
			       "PFN", "HEAD", "OR", "REF", "MAP", "ENT", "TOT",
			       "PIN", "EXTRA", "DMA", "MAPPING", "FLAGS");
		}
		for (i = 0; i < q.count; i++) {
			if (!json_output)
				page_text(&buf[i], a->by_pfn);
			else if (buf[i].state == MMSCOPE_PAGEREF_PRESENT ||
				 buf[i].state == MMSCOPE_PAGEREF_FREE)
				page_json(pages, &buf[i]);
			else
				absent_json(absent, &buf[i]);
		}
		if (!q.count || q.next <= start || q.next - start >= left)
			break;
		left -= q.next - start;
		start = q.next;
	}
	free(buf);
	if (root) {
		if (ret == EXIT_OK)
			jw_emit(root);
		else
			json_object_put(root);
	}
	return ret;
}

static int pageref_show(int argc, char **argv)
{
	struct range_args a;
	int fd, ret;

	ret = parse_range(argc, argv, &a, false);
	if (ret)
		return ret;
	/* The JSON document is built whole: keep it to a sane size. */
	if (json_output && (a.by_pfn ? a.len : a.len / getpagesize()) >
			   JSON_MAX_PAGES)
		return usage_err(LEVEL, "--json reports %d pages at most per run",
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
	if (ioctl(fd, req, &h)) {
		say_query_error(&a, errno);
		close(fd);
		return EXIT_FAILED;
	}
	if (!json_output)
		printf("%s: holding %llu page%s of pid %d from 0x%llx (hold %llu)\n",
		       verb, (unsigned long long)h.pages, h.pages == 1 ? "" : "s",
		       a.pid, (unsigned long long)a.start,
		       (unsigned long long)h.id);
	ret = pageref_query(fd, &a);
	fflush(stdout);
	if (ret == EXIT_OK)
		wait_hold(a.hold);
	/* Closing the file drops the references. */
	close(fd);
	if (!json_output && ret == EXIT_OK)
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

/* The held file: a header line, then "id owner kind pid start pages pfns". */
static int pageref_held(int argc, char **argv)
{
	struct json_object *root = NULL, *list = NULL, *o, *pfns;
	char *text, *line, *next, *tok, *save;
	char owner[16], kind[16], pfnlist[256];
	unsigned long long id, start, npages;
	int pid;

	if (argc > 0)
		return usage_err(LEVEL, "unexpected argument '%s'", argv[0]);
	text = debugfs_read("pageref", "held");
	if (!text)
		return EXIT_FAILED;
	if (!json_output) {
		fputs(text, stdout);
		free(text);
		return EXIT_OK;
	}
	root = jw_object();
	list = jw_set_array(root, "held");
	next = strchr(text, '\n');	/* skip the header */
	while (next && (line = strsep(&next, "\n"))) {
		pfnlist[0] = '\0';
		if (sscanf(line, "%llu %15s %15s %d %llx %llu %255s", &id, owner,
			   kind, &pid, &start, &npages, pfnlist) < 6)
			continue;
		o = jw_push_object(list);
		jw_set_uint(o, "id", id);
		jw_set_str(o, "owner", owner);
		jw_set_str(o, "kind", kind);
		jw_set_int(o, "pid", pid);
		jw_set_hex(o, "start", start);
		jw_set_uint(o, "pages", npages);
		pfns = jw_set_array(o, "pfns");
		for (tok = strtok_r(pfnlist, ",", &save); tok;
		     tok = strtok_r(NULL, ",", &save))
			if (strcmp(tok, "..."))
				jw_push_uint(pfns, strtoull(tok, NULL, 0));
	}
	jw_emit(root);
	free(text);
	return EXIT_OK;
}

/* Write one command to a pageref debugfs file; EXIT_* after reporting. */
static int pageref_write(const char *file, const char *text, const char *what)
{
	char path[256];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "%s/pageref/%s",
		 getenv("MMSCOPE_DEBUGFS") ? getenv("MMSCOPE_DEBUGFS") :
					      MMSCOPE_DEBUGFS, file);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0) {
		free(debugfs_read("pageref", file));	/* says why */
		return EXIT_FAILED;
	}
	n = write(fd, text, strlen(text));
	if (n < 0) {
		int err = errno;

		close(fd);
		if (err == ERANGE)
			p_err("%s: pfn beyond the end of the memory map", what);
		else if (err == ENXIO)
			p_err("%s: pfn not in online memory", what);
		else if (err == ENOENT)
			p_err("%s: no page present there", what);
		else if (err == ESRCH)
			p_err("%s: no such process", what);
		else
			p_err("%s: %s", what, errno_str(err));
		return EXIT_FAILED;
	}
	close(fd);
	return EXIT_OK;
}

static int watch_add(int argc, char **argv)
{
	struct range_args a;
	char cmd[128], what[96];
	int ret;

	ret = parse_range(argc, argv, &a, false);
	if (ret)
		return ret;
	if (a.by_pfn) {
		snprintf(cmd, sizeof(cmd), "pfn 0x%llx %llu",
			 (unsigned long long)a.start, (unsigned long long)a.len);
		snprintf(what, sizeof(what), "pfn 0x%llx",
			 (unsigned long long)a.start);
	} else {
		snprintf(cmd, sizeof(cmd), "%d 0x%llx 0x%llx", a.pid,
			 (unsigned long long)a.start, (unsigned long long)a.len);
		snprintf(what, sizeof(what), "pid %d: 0x%llx", a.pid,
			 (unsigned long long)a.start);
	}
	return pageref_write("watch", cmd, what);
}

static int watch_clear(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return pageref_write("watch", "clear", "watch");
}

static int watch_show(int argc, char **argv)
{
	struct json_object *root, *list, *o;
	char *text, *line, *next;
	unsigned long long pfn;
	int ref, map;

	if (argc > 0)
		return usage_err(LEVEL, "unexpected argument '%s'", argv[0]);
	text = debugfs_read("pageref", "watch");
	if (!text)
		return EXIT_FAILED;
	if (!json_output) {
		fputs(text, stdout);
		free(text);
		return EXIT_OK;
	}
	root = jw_object();
	list = jw_set_array(root, "watch");
	for (next = text; (line = strsep(&next, "\n"));) {
		if (line[0] == '#' ||
		    sscanf(line, "%llx %d %d", &pfn, &ref, &map) != 3)
			continue;
		o = jw_push_object(list);
		jw_set_uint(o, "pfn", pfn);
		jw_set_int(o, "refcount", ref);
		jw_set_int(o, "mapcount", map);
	}
	jw_emit(root);
	free(text);
	return EXIT_OK;
}

static int watch_events(int argc, char **argv)
{
	struct json_object *root, *list, *o;
	char *text, *line, *next;
	char comm[32], site[64];
	unsigned long long ns, pfn;
	int pid, r0, r1, m0, m1;

	if (argc > 0 && !strcmp(argv[0], "--clear"))
		return pageref_write("events", "clear", "events");
	if (argc > 0)
		return usage_err(LEVEL, "unexpected argument '%s'", argv[0]);
	text = debugfs_read("pageref", "events");
	if (!text)
		return EXIT_FAILED;
	if (!json_output) {
		fputs(text, stdout);
		free(text);
		return EXIT_OK;
	}
	root = jw_object();
	list = jw_set_array(root, "events");
	for (next = text; (line = strsep(&next, "\n"));) {
		if (line[0] == '#' ||
		    sscanf(line, "%llu %d %31s %63s %llx %d->%d %d->%d", &ns,
			   &pid, comm, site, &pfn, &r0, &r1, &m0, &m1) != 9)
			continue;
		o = jw_push_object(list);
		jw_set_uint(o, "ns", ns);
		jw_set_int(o, "pid", pid);
		jw_set_str(o, "comm", comm);
		jw_set_str(o, "site", site);
		jw_set_uint(o, "pfn", pfn);
		jw_set_int(o, "refcount_before", r0);
		jw_set_int(o, "refcount_after", r1);
		jw_set_int(o, "mapcount_before", m0);
		jw_set_int(o, "mapcount_after", m1);
	}
	jw_emit(root);
	free(text);
	return EXIT_OK;
}

static int pageref_watch(int argc, char **argv)
{
	static const struct cmd cmds[] = {
		{ "show",	watch_show },
		{ "add",	watch_add },
		{ "events",	watch_events },
		{ "clear",	watch_clear },
		{ "help",	pageref_help },
		{ NULL }
	};

	return cmd_select(cmds, argc, argv, LEVEL " watch");
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
	if (argc < 1)
		return pageref_help(0, argv);
	return cmd_select(cmds, argc, argv, LEVEL);
}
