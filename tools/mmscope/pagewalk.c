// SPDX-License-Identifier: GPL-2.0
/*
 * mmscope pagewalk: the page-table entries that map a range of a process
 * (or of the kernel), through mmscope_pagewalk's MMSCOPE_PAGEWALK_IOC_WALK.
 *
 *   mmscope pagewalk [--pid PID | --kernel] ADDR [LEN] [--path] [--json]
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <mmscope/pagewalk.h>

#include "common.h"

#define LEVEL "mmscope pagewalk"
/* Records per ioctl: a populated 1 GiB of 4K pages is 4 calls. */
#define PW_BATCH 65536
/* VMA table rows per ioctl (compact format); a fuller table ends a call. */
#define PW_VMAS 1024

static const char *const level_names[] = {
	"pgd", "p4d", "pud", "pmd", "pte",
};

static const char *const state_names[] = {
	[MMSCOPE_PAGEWALK_NONE] = "none", [MMSCOPE_PAGEWALK_PRESENT] = "present",
	[MMSCOPE_PAGEWALK_SWAP] = "swap", [MMSCOPE_PAGEWALK_MIGRATION] = "migration",
	[MMSCOPE_PAGEWALK_DEVICE] = "device", [MMSCOPE_PAGEWALK_HWPOISON] = "hwpoison",
	[MMSCOPE_PAGEWALK_MARKER] = "marker", [MMSCOPE_PAGEWALK_PROTNONE] = "protnone",
	[MMSCOPE_PAGEWALK_BAD] = "bad",
};

static const char *const vma_kinds[] = {
	[MMSCOPE_PAGEWALK_VMA_NONE] = "none", [MMSCOPE_PAGEWALK_VMA_ANON] = "anon",
	[MMSCOPE_PAGEWALK_VMA_FILE] = "file", [MMSCOPE_PAGEWALK_VMA_SHMEM] = "shmem",
	[MMSCOPE_PAGEWALK_VMA_SPECIAL] = "special",
	[MMSCOPE_PAGEWALK_VMA_HUGETLB] = "hugetlb",
};

static const char *const desc_names[] = {
	[MMSCOPE_PAGEWALK_DESC_INVALID] = "invalid", [MMSCOPE_PAGEWALK_DESC_BLOCK] = "block",
	[2] = "invalid", [MMSCOPE_PAGEWALK_DESC_TABLE] = "table",
	[MMSCOPE_PAGEWALK_DESC_PAGE] = "page",
};

/* The Linux view, in the JSON contract's order then the extras. */
static const struct {
	uint32_t bit;
	const char *name;
} linux_bits[] = {
	{ MMSCOPE_PAGEWALK_L_PRESENT, "present" }, { MMSCOPE_PAGEWALK_L_WRITE, "write" },
	{ MMSCOPE_PAGEWALK_L_DIRTY, "dirty" }, { MMSCOPE_PAGEWALK_L_YOUNG, "young" },
	{ MMSCOPE_PAGEWALK_L_HUGE, "huge" }, { MMSCOPE_PAGEWALK_L_SPECIAL, "special" },
	{ MMSCOPE_PAGEWALK_L_PROTNONE, "protnone" },
	{ MMSCOPE_PAGEWALK_L_SOFT_DIRTY, "soft_dirty" },
	{ MMSCOPE_PAGEWALK_L_UFFD_WP, "uffd_wp" },
	{ MMSCOPE_PAGEWALK_L_EXCLUSIVE, "exclusive" }, { MMSCOPE_PAGEWALK_L_ZERO, "zero" },
	{ MMSCOPE_PAGEWALK_L_ANON, "anon" }, { MMSCOPE_PAGEWALK_L_DEVMAP, "devmap" },
	{ MMSCOPE_PAGEWALK_L_INVALID, "invalid" },
	{ MMSCOPE_PAGEWALK_L_WRITE_MIG, "write_migration" },
};

static const char *const x86_bits[] = MMSCOPE_PAGEWALK_X86_NAMES;
static const char *const arm64_bits[] = MMSCOPE_PAGEWALK_ARM64_NAMES;

struct pw_args {
	int pid;
	bool kernel;
	bool path;
	uint64_t start;
	uint64_t len;
};

static bool is_arm64;

static int pagewalk_help(void)
{
	print_help(
		"Usage: mmscope pagewalk [--pid PID | --kernel] ADDR [LEN] [--path] [--json]\n"
		"\n"
		"Walk the page tables that map [ADDR, ADDR+LEN) of process PID, or of\n"
		"the kernel with --kernel, and print one line per leaf entry (page,\n"
		"PMD or PUD block) or run of empty entries: its level, state (present,\n"
		"none, swap, migration, device, hwpoison, marker, protnone), raw value,\n"
		"PFN, the Linux view and the arch's bits. LEN (default 4096) may end in\n"
		"K, M or G.\n"
		"\n"
		"  --pid PID    process to walk\n"
		"  --kernel     walk the kernel's page tables (ADDR is a kernel address)\n"
		"  --path       print every level of the walk: index, raw entry, the\n"
		"               physical address of the entry and of the next table\n"
		"\n"
		"JSON: {\"arch\", \"page_size\", \"levels\", \"va_bits\", ..., \"entries\": [{\"va\",\n"
		"       \"size\", \"level\", \"state\", \"raw\", \"pfn\", \"swap\", \"linux\", \"hw\",\n"
		"       \"vma\", \"path\"}]} (docs/pagewalk.md)\n");
	return EXIT_OK;
}

static int parse_len(const char *arg, uint64_t *val)
{
	char buf[64];
	size_t n = strlen(arg);
	unsigned int shift = 0;

	if (n && n < sizeof(buf) && strchr("kKmMgG", arg[n - 1])) {
		shift = strchr("kK", arg[n - 1]) ? 10 :
			strchr("mM", arg[n - 1]) ? 20 : 30;
		memcpy(buf, arg, n - 1);
		buf[n - 1] = '\0';
		arg = buf;
	}
	if (parse_u64(arg, val, "LEN"))
		return usage_err(LEVEL, "bad length");
	if (shift && *val > (UINT64_MAX >> shift))
		return usage_err(LEVEL, "length too large");
	*val <<= shift;
	return EXIT_OK;
}

static int parse_args(int argc, char **argv, struct pw_args *a)
{
	static const struct option options[] = {
		{ "pid",	required_argument,	NULL,	'P' },
		{ "kernel",	no_argument,		NULL,	'k' },
		{ "path",	no_argument,		NULL,	'a' },
		{ NULL }
	};
	uint64_t pid;
	int opt, ret;

	memset(a, 0, sizeof(*a));
	a->len = 4096;
	optind = 0;
	opterr = 0;
	/* options may follow ADDR and LEN; argv[0] is skipped by getopt */
	while ((opt = getopt_long(argc, argv, "", options, NULL)) >= 0) {
		switch (opt) {
		case 'P':
			if (parse_u64(optarg, &pid, "--pid") || !pid ||
			    pid > INT32_MAX)
				return usage_err(LEVEL, "bad pid '%s'", optarg);
			a->pid = (int)pid;
			break;
		case 'k':
			a->kernel = true;
			break;
		case 'a':
			a->path = true;
			break;
		default:
			return usage_err(LEVEL, "unknown option '%s'",
					 argv[optind - 1]);
		}
	}
	if (a->kernel == !!a->pid)
		return usage_err(LEVEL, "give either --pid PID or --kernel");
	if (optind >= argc)
		return usage_err(LEVEL, "missing ADDR");
	if (parse_u64(argv[optind], &a->start, "ADDR"))
		return EXIT_USAGE;
	if (++optind < argc) {
		ret = parse_len(argv[optind], &a->len);
		if (ret)
			return ret;
		optind++;
	}
	if (optind < argc)
		return usage_err(LEVEL, "unexpected argument '%s'", argv[optind]);
	return EXIT_OK;
}

/* The file a VMA maps, from /proc/PID/maps (the kernel gives ranges only). */
struct maps_line {
	uint64_t start;
	char path[256];
};

static struct maps_line *read_maps(int pid, size_t *n)
{
	struct maps_line *v = NULL, *nv;
	char fname[64], line[512];
	size_t cap = 0;
	FILE *f;

	*n = 0;
	snprintf(fname, sizeof(fname), "/proc/%d/maps", pid);
	f = fopen(fname, "re");
	if (!f)
		return NULL;
	while (fgets(line, sizeof(line), f)) {
		unsigned long long s;
		int off = 0;

		if (sscanf(line, "%llx-%*x %*s %*x %*s %*u %n", &s, &off) < 1 ||
		    !off)
			continue;
		if (*n == cap) {
			cap = cap ? 2 * cap : 64;
			nv = realloc(v, cap * sizeof(*v));
			if (!nv)
				break;
			v = nv;
		}
		v[*n].start = s;
		snprintf(v[*n].path, sizeof(v[*n].path), "%s", line + off);
		v[*n].path[strcspn(v[*n].path, "\n")] = '\0';
		(*n)++;
	}
	fclose(f);
	return v;
}

static const char *maps_file(const struct maps_line *m, size_t n,
			     uint64_t start)
{
	static const struct maps_line *last;
	size_t i;

	if (last && last >= m && last < m + n && last->start == start)
		return last->path[0] ? last->path : NULL;
	for (i = 0; i < n; i++) {
		if (m[i].start == start) {
			last = &m[i];
			return m[i].path[0] ? m[i].path : NULL;
		}
	}
	return NULL;
}

static const char *hw_name(unsigned int bit)
{
	if (is_arm64)
		return bit < MMSCOPE_PAGEWALK_ARM64_NR_BITS ? arm64_bits[bit] : NULL;
	return bit < MMSCOPE_PAGEWALK_X86_NR_BITS ? x86_bits[bit] : NULL;
}

static void json_hw(struct json_object *o, uint64_t hw)
{
	unsigned int b;

	for (b = 0; b < 64; b++)
		if (hw_name(b))
			jw_set_bool(o, hw_name(b), hw & (1ULL << b));
}

static const char *state_name(unsigned int state)
{
	return state < 9 ? state_names[state] : "?";
}

static void json_swap(struct json_object *e, const struct mmscope_pagewalk_record *r)
{
	struct json_object *o;

	if (r->state == MMSCOPE_PAGEWALK_SWAP) {
		o = jw_set_object(e, "swap");
		jw_set_uint(o, "type", r->swap_type);
		jw_set_uint(o, "offset", r->swap_offset);
	} else {
		jw_set_null(e, "swap");
	}
}

static void json_linux(struct json_object *e, const struct mmscope_pagewalk_record *r)
{
	struct json_object *o = jw_set_object(e, "linux");
	unsigned int i;

	for (i = 0; i < sizeof(linux_bits) / sizeof(linux_bits[0]); i++)
		jw_set_bool(o, linux_bits[i].name,
			    r->linux_flags & linux_bits[i].bit);
}

static void json_hw_fields(struct json_object *e,
			   const struct mmscope_pagewalk_record *r)
{
	struct json_object *o = jw_set_object(e, "hw");

	if (r->state != MMSCOPE_PAGEWALK_NONE) {
		json_hw(o, r->hw);
		if (is_arm64) {
			jw_set_str(o, "desc_type",
				   desc_names[r->desc_type % 5]);
			jw_set_uint(o, "attr_indx", r->attr);
			jw_set_hex(o, "mair_attr", r->mair);
			if (r->sh == MMSCOPE_PAGEWALK_SH_TCR)
				jw_set_null(o, "sh");
			else
				jw_set_uint(o, "sh", r->sh);
		} else {
			jw_set_uint(o, "pat_index", r->attr);
			jw_set_uint(o, "pkey", r->pkey);
		}
	}
}

static void json_vma(struct json_object *e, const struct mmscope_pagewalk_record *r,
		     const struct maps_line *maps, size_t nmaps)
{
	struct json_object *o;
	const char *file;

	if (r->vma_end) {
		o = jw_set_object(e, "vma");
		jw_set_hex(o, "start", r->vma_start);
		jw_set_hex(o, "end", r->vma_end);
		jw_set_hex(o, "flags", r->vma_flags);
		jw_set_str(o, "kind", vma_kinds[r->vma_kind % 6]);
		file = maps_file(maps, nmaps, r->vma_start);
		if (file)
			jw_set_str(o, "file", file);
		else
			jw_set_null(o, "file");
		if (r->vma_kind == MMSCOPE_PAGEWALK_VMA_FILE ||
		    r->vma_kind == MMSCOPE_PAGEWALK_VMA_SHMEM)
			jw_set_hex(o, "offset", r->vma_pgoff * 4096ULL);
		else
			jw_set_null(o, "offset");
	} else {
		jw_set_null(e, "vma");
	}
}

static void json_record(struct json_object *arr,
			const struct mmscope_pagewalk_record *r,
			const struct mmscope_pagewalk_path *p,
			const struct maps_line *maps, size_t nmaps)
{
	struct json_object *e, *o, *pa, *bits;
	unsigned int i, b;

	e = jw_push_object(arr);
	jw_set_hex(e, "va", r->va);
	jw_set_uint(e, "size", r->size);
	jw_set_str(e, "level", level_names[r->level % MMSCOPE_PAGEWALK_NR_LEVELS]);
	jw_set_str(e, "state", state_name(r->state));
	jw_set_hex(e, "raw", r->raw);
	if (r->pfn == MMSCOPE_PAGEWALK_NO_PFN) {
		jw_set_null(e, "pfn");
	} else {
		jw_set_uint(e, "pfn", r->pfn);
	}
	json_swap(e, r);
	json_linux(e, r);
	json_hw_fields(e, r);
	json_vma(e, r, maps, nmaps);
	if (!p)
		return;
	pa = jw_set_array(e, "path");
	for (i = 0; i < p->count && i < MMSCOPE_PAGEWALK_NR_LEVELS; i++) {
		const struct mmscope_pagewalk_step *s = &p->step[i];

		o = jw_push_object(pa);
		jw_set_str(o, "level", level_names[s->level % 5]);
		jw_set_uint(o, "index", s->index);
		jw_set_hex(o, "raw", s->raw);
		jw_set_hex(o, "entry_pa", s->entry_pa);
		if (s->next_pa)
			jw_set_hex(o, "next_pa", s->next_pa);
		else
			jw_set_null(o, "next_pa");
		if (is_arm64)
			jw_set_str(o, "desc_type", desc_names[s->desc_type % 5]);
		bits = jw_set_array(o, "bits");
		for (b = 0; b < 64; b++)
			if ((s->hw & (1ULL << b)) && hw_name(b))
				jw_push_str(bits, hw_name(b));
	}
}

static void print_size(uint64_t size)
{
	if (size >= (1ULL << 30) && !(size & ((1ULL << 30) - 1)))
		printf("%6" PRIu64 "G", size >> 30);
	else if (size >= (1ULL << 20) && !(size & ((1ULL << 20) - 1)))
		printf("%6" PRIu64 "M", size >> 20);
	else
		printf("%6" PRIu64 "K", size >> 10);
}

/* The Linux view and the hw bits of a record that is not a hole. */
static void text_bits(FILE *f, const struct mmscope_pagewalk_record *r)
{
	unsigned int i;

	fputs(" [", f);
	for (i = 0; i < sizeof(linux_bits) / sizeof(linux_bits[0]); i++)
		if (r->linux_flags & linux_bits[i].bit)
			fprintf(f, " %s", linux_bits[i].name);
	fputs(" ] hw:", f);
	if (is_arm64)
		fprintf(f, " %s", desc_names[r->desc_type % 5]);
	for (i = 0; i < 64; i++)
		if ((r->hw & (1ULL << i)) && hw_name(i))
			fprintf(f, " %s", hw_name(i));
	if (is_arm64 && r->sh == MMSCOPE_PAGEWALK_SH_TCR)
		fprintf(f, " AttrIndx=%u(0x%02x)", r->attr, r->mair);
	else if (is_arm64)
		fprintf(f, " AttrIndx=%u(0x%02x) SH=%u", r->attr, r->mair,
			r->sh);
	else if (r->attr || r->pkey)
		fprintf(f, " PAT=%u pkey=%u", r->attr, r->pkey);
}

static void text_vma(FILE *f, const struct mmscope_pagewalk_record *r,
		     const struct maps_line *maps, size_t nmaps)
{
	const char *file;

	if (r->vma_end) {
		fprintf(f, "  %s", vma_kinds[r->vma_kind % 6]);
		file = maps_file(maps, nmaps, r->vma_start);
		if (file && (r->vma_kind == MMSCOPE_PAGEWALK_VMA_FILE ||
			     r->vma_kind == MMSCOPE_PAGEWALK_VMA_SHMEM))
			fprintf(f, " %s+0x%" PRIx64, file,
				(uint64_t)r->vma_pgoff * 4096);
		else if (file)
			fprintf(f, " %s", file);
	} else if (r->state == MMSCOPE_PAGEWALK_NONE && !r->vma_start) {
		fputs("  (no vma)", f);
	}
}

/*
 * The text of the last record's bits and VMA, made again only when they
 * change: most records of a range share them.
 */
static struct {
	char *bits, *vma;
	bool bits_ok, vma_ok;
	struct mmscope_pagewalk_record key;
} text_cache;

static char *text_render(const struct mmscope_pagewalk_record *r,
			 const struct maps_line *maps, size_t nmaps, bool vma)
{
	size_t n = 0;
	char *t = NULL;
	FILE *f = open_memstream(&t, &n);

	if (!f)
		return NULL;
	if (vma)
		text_vma(f, r, maps, nmaps);
	else
		text_bits(f, r);
	if (fclose(f)) {
		free(t);
		return NULL;
	}
	return t;
}

static void text_record(const struct mmscope_pagewalk_record *r,
			const struct mmscope_pagewalk_path *p,
			const struct maps_line *maps, size_t nmaps)
{
	struct mmscope_pagewalk_record *k = &text_cache.key;
	unsigned int i, b;

	printf("0x%016" PRIx64 " ", (uint64_t)r->va);
	print_size(r->size);
	printf(" %s %-9s", level_names[r->level % 5],
	       r->state < 9 ? state_names[r->state] : "?");
	if (r->linux_flags != k->linux_flags || r->hw != k->hw ||
	    r->desc_type != k->desc_type || r->attr != k->attr ||
	    r->mair != k->mair || r->sh != k->sh || r->pkey != k->pkey)
		text_cache.bits_ok = false;
	if (r->vma_start != k->vma_start || r->vma_end != k->vma_end ||
	    r->vma_kind != k->vma_kind || r->vma_pgoff != k->vma_pgoff ||
	    (r->state == MMSCOPE_PAGEWALK_NONE) != (k->state == MMSCOPE_PAGEWALK_NONE))
		text_cache.vma_ok = false;
	*k = *r;
	if (r->state != MMSCOPE_PAGEWALK_NONE) {
		printf(" 0x%016" PRIx64, (uint64_t)r->raw);
		if (r->pfn != MMSCOPE_PAGEWALK_NO_PFN)
			printf(" pfn 0x%" PRIx64, (uint64_t)r->pfn);
		if (r->state == MMSCOPE_PAGEWALK_SWAP)
			printf(" swap %u:0x%" PRIx64, r->swap_type,
			       (uint64_t)r->swap_offset);
		if (!text_cache.bits_ok) {
			free(text_cache.bits);
			text_cache.bits = text_render(r, maps, nmaps, false);
			text_cache.bits_ok = text_cache.bits != NULL;
		}
		if (text_cache.bits_ok)
			fputs(text_cache.bits, stdout);
		else
			text_bits(stdout, r);
	}
	if (!text_cache.vma_ok) {
		free(text_cache.vma);
		text_cache.vma = text_render(r, maps, nmaps, true);
		text_cache.vma_ok = text_cache.vma != NULL;
	}
	if (text_cache.vma_ok)
		fputs(text_cache.vma, stdout);
	else
		text_vma(stdout, r, maps, nmaps);
	putchar('\n');
	for (i = 0; p && i < p->count && i < MMSCOPE_PAGEWALK_NR_LEVELS; i++) {
		const struct mmscope_pagewalk_step *s = &p->step[i];

		printf("    %s[%3u] 0x%016" PRIx64 " at pa 0x%" PRIx64,
		       level_names[s->level % 5], s->index, (uint64_t)s->raw,
		       (uint64_t)s->entry_pa);
		if (s->next_pa)
			printf(" -> table at pa 0x%" PRIx64,
			       (uint64_t)s->next_pa);
		if (s->next_pa) {
			printf("  ");
			for (b = 0; b < 64; b++)
				if ((s->hw & (1ULL << b)) && hw_name(b))
					printf(" %s", hw_name(b));
		}
		printf("\n");
	}
}

static void context_json(struct json_object *root,
			 const struct mmscope_pagewalk_context *c)
{
	struct json_object *f;
	unsigned int l;

	jw_set_str(root, "arch", c->arch);
	jw_set_uint(root, "page_size", c->page_size);
	jw_set_uint(root, "levels", c->levels);
	jw_set_uint(root, "va_bits", c->va_bits);
	f = jw_set_array(root, "folded");
	for (l = 0; l < MMSCOPE_PAGEWALK_NR_LEVELS; l++)
		if (c->folded & (1U << l))
			jw_push_str(f, level_names[l]);
	if (c->pgd_pa)
		jw_set_hex(root, "pgd_pa", c->pgd_pa);
	if (c->hw_flags & MMSCOPE_PAGEWALK_CTX_KERNEL)
		jw_set_hex(root, "kernel_pgd_pa", c->kernel_pgd_pa);
	if (c->hw_flags & MMSCOPE_PAGEWALK_CTX_ASID)
		jw_set_uint(root, "asid", c->asid);
	jw_set_bool(root, "pti", c->hw_flags & MMSCOPE_PAGEWALK_CTX_PTI);
	if (is_arm64) {
		jw_set_bool(root, "hw_af", c->hw_flags & MMSCOPE_PAGEWALK_CTX_HW_AF);
		jw_set_bool(root, "hw_dbm", c->hw_flags & MMSCOPE_PAGEWALK_CTX_HW_DBM);
		jw_set_hex(root, "mair", c->mair);
	}
}

static void context_text(const struct mmscope_pagewalk_context *c)
{
	unsigned int l;

	printf("%s, %u-byte pages, %u levels (folded:", c->arch, c->page_size,
	       c->levels);
	for (l = 0; l < MMSCOPE_PAGEWALK_NR_LEVELS; l++)
		if (c->folded & (1U << l))
			printf(" %s", level_names[l]);
	printf("), %u VA bits, PTI %s", c->va_bits,
	       c->hw_flags & MMSCOPE_PAGEWALK_CTX_PTI ? "on" : "off");
	if (is_arm64)
		printf(", hardware AF %s, DBM %s",
		       c->hw_flags & MMSCOPE_PAGEWALK_CTX_HW_AF ? "on" : "off",
		       c->hw_flags & MMSCOPE_PAGEWALK_CTX_HW_DBM ? "on" : "off");
	printf("\n");
	if (c->pgd_pa)
		printf("pgd at pa 0x%" PRIx64 "%s", (uint64_t)c->pgd_pa,
		       c->hw_flags & MMSCOPE_PAGEWALK_CTX_ASID ? "" : "\n");
	if (c->pgd_pa && (c->hw_flags & MMSCOPE_PAGEWALK_CTX_ASID))
		printf(", ASID %" PRIu64 "\n", (uint64_t)c->asid);
}

/*
 * Plain JSON (-j without -p) is written as the document is walked, into
 * one buffer printed at the end (a failure half way prints only the error,
 * as jw_emit()), so the output has the same bytes as json-c's for the
 * whole tree. The parts of an entry that repeat (its Linux view, its hw
 * bits, its VMA) are made by json-c once per distinct value; the rest is
 * formatted here.
 */
struct sbuf {
	char *p;
	size_t len, cap;
	bool oom;
};

static bool sb_room(struct sbuf *b, size_t n)
{
	size_t cap;
	char *p;

	if (b->len + n <= b->cap)
		return true;
	if (b->oom)
		return false;
	cap = b->cap ? b->cap : 1 << 20;
	while (cap < b->len + n)
		cap *= 2;
	p = realloc(b->p, cap);
	if (!p) {
		b->oom = true;
		return false;
	}
	b->p = p;
	b->cap = cap;
	return true;
}

static void sb_put(struct sbuf *b, const char *s, size_t n)
{
	if (!sb_room(b, n))
		return;
	memcpy(b->p + b->len, s, n);
	b->len += n;
}

static void sb_str(struct sbuf *b, const char *s)
{
	sb_put(b, s, strlen(s));
}

static void sb_dec(struct sbuf *b, uint64_t v)
{
	char tmp[24];
	int i = sizeof(tmp);

	do {
		tmp[--i] = '0' + v % 10;
		v /= 10;
	} while (v);
	sb_put(b, tmp + i, sizeof(tmp) - i);
}

/* "0x..." as jw_set_hex() spells it */
static void sb_hex(struct sbuf *b, uint64_t v)
{
	static const char digits[] = "0123456789abcdef";
	char tmp[20];
	int i = sizeof(tmp);

	tmp[--i] = '"';
	do {
		tmp[--i] = digits[v & 15];
		v >>= 4;
	} while (v);
	tmp[--i] = 'x';
	tmp[--i] = '0';
	tmp[--i] = '"';
	sb_put(b, tmp + i, sizeof(tmp) - i);
}

static int json_flags(void)
{
	return JSON_C_TO_STRING_NOSLASHESCAPE | JSON_C_TO_STRING_PLAIN;
}

/* One member of an entry, cached as the text `"key":value`. */
struct part {
	char *text;
	size_t len;
	bool valid;
};

typedef void (*part_fn)(struct json_object *e,
			const struct mmscope_pagewalk_record *r);

static void part_make(struct part *pt, const struct mmscope_pagewalk_record *r,
		      part_fn fn)
{
	struct json_object *o = jw_object();
	const char *t;
	size_t n;

	fn(o, r);
	t = json_object_to_json_string_ext(o, json_flags());
	n = strlen(t);
	free(pt->text);
	/* {"key":value} -> "key":value */
	pt->text = n >= 2 ? strndup(t + 1, n - 2) : NULL;
	pt->len = pt->text ? n - 2 : 0;
	pt->valid = pt->text != NULL;
	json_object_put(o);
}

/* json_vma() needs the process's maps: they ride in these. */
static const struct maps_line *cur_maps;
static size_t cur_nmaps;

static void json_vma_part(struct json_object *e,
			  const struct mmscope_pagewalk_record *r)
{
	json_vma(e, r, cur_maps, cur_nmaps);
}

struct stream {
	struct sbuf buf;
	size_t entries;
	struct part lin, hw, vma, swap;
	struct mmscope_pagewalk_record lin_key, hw_key, vma_key;
};

static void stream_part(struct sbuf *b, struct part *pt,
			const struct mmscope_pagewalk_record *r, part_fn fn)
{
	if (!pt->valid)
		part_make(pt, r, fn);
	sb_put(b, ",", 1);
	sb_put(b, pt->text, pt->len);
}

static void stream_record(struct stream *st, const struct mmscope_pagewalk_record *r)
{
	struct mmscope_pagewalk_record *k;
	struct sbuf *b = &st->buf;

	if (st->entries++)
		sb_put(b, ",", 1);
	sb_str(b, "{\"va\":");
	sb_hex(b, r->va);
	sb_str(b, ",\"size\":");
	sb_dec(b, r->size);
	sb_str(b, ",\"level\":\"");
	sb_str(b, level_names[r->level % MMSCOPE_PAGEWALK_NR_LEVELS]);
	sb_str(b, "\",\"state\":\"");
	sb_str(b, state_name(r->state));
	sb_str(b, "\",\"raw\":");
	sb_hex(b, r->raw);
	sb_str(b, ",\"pfn\":");
	if (r->pfn == MMSCOPE_PAGEWALK_NO_PFN)
		sb_str(b, "null");
	else
		sb_dec(b, r->pfn);
	if (r->state == MMSCOPE_PAGEWALK_SWAP) {
		st->swap.valid = false;
		stream_part(b, &st->swap, r, json_swap);
	} else {
		sb_str(b, ",\"swap\":null");
	}
	k = &st->lin_key;
	if (k->linux_flags != r->linux_flags)
		st->lin.valid = false;
	k->linux_flags = r->linux_flags;
	stream_part(b, &st->lin, r, json_linux);
	k = &st->hw_key;
	if ((k->state != MMSCOPE_PAGEWALK_NONE) != (r->state != MMSCOPE_PAGEWALK_NONE) ||
	    k->hw != r->hw || k->desc_type != r->desc_type ||
	    k->attr != r->attr || k->mair != r->mair || k->sh != r->sh ||
	    k->pkey != r->pkey)
		st->hw.valid = false;
	*k = *r;
	stream_part(b, &st->hw, r, json_hw_fields);
	k = &st->vma_key;
	if (k->vma_start != r->vma_start || k->vma_end != r->vma_end ||
	    k->vma_flags != r->vma_flags || k->vma_kind != r->vma_kind ||
	    k->vma_pgoff != r->vma_pgoff)
		st->vma.valid = false;
	*k = *r;
	stream_part(b, &st->vma, r, json_vma_part);
	sb_put(b, "}", 1);
}

/* Print the document: context, then the entries streamed so far. */
static int stream_emit(struct stream *st, struct json_object *root)
{
	const char *t = json_object_to_json_string_ext(root, json_flags());
	size_t n = strlen(t);
	int ret = EXIT_OK;

	/* t ends in "entries":[]} */
	if (st->buf.oom || n < 3 || strcmp(t + n - 3, "[]}")) {
		p_err("out of memory");
		return EXIT_FAILED;
	}
	if (fwrite(t, 1, n - 2, stdout) != n - 2 ||
	    (st->buf.len &&
	     fwrite(st->buf.p, 1, st->buf.len, stdout) != st->buf.len) ||
	    fputs("]}\n", stdout) == EOF || fflush(stdout))
		ret = EXIT_FAILED;
	return ret;
}

static void stream_free(struct stream *st)
{
	free(st->buf.p);
	free(st->lin.text);
	free(st->hw.text);
	free(st->vma.text);
	free(st->swap.text);
}

/* Where the records of a walk go: text, the JSON tree (-p), or a stream. */
struct sink {
	struct json_object *entries;	/* tree */
	struct stream *st;		/* stream */
	const struct maps_line *maps;
	size_t nmaps;
};

static void sink_record(struct sink *k, const struct mmscope_pagewalk_record *r,
			const struct mmscope_pagewalk_path *p)
{
	if (k->st)
		stream_record(k->st, r);
	else if (k->entries)
		json_record(k->entries, r, p, k->maps, k->nmaps);
	else
		text_record(r, p, k->maps, k->nmaps);
}

/* A compact entry and its VMA (or NULL) as the full record says it. */
static void entry_record(const struct mmscope_pagewalk_entry *e,
			 const struct mmscope_pagewalk_vma *v,
			 const struct mmscope_pagewalk_context *ctx,
			 struct mmscope_pagewalk_record *r)
{
	memset(r, 0, sizeof(*r));
	r->va = e->va;
	r->size = (uint64_t)e->pages * ctx->page_size;
	r->raw = e->raw;
	r->pfn = e->pfn;
	if (e->state == MMSCOPE_PAGEWALK_SWAP) {
		r->pfn = MMSCOPE_PAGEWALK_NO_PFN;
		r->swap_offset = e->pfn;
		r->swap_type = e->swap_type;
	}
	r->hw = e->hw;
	r->linux_flags = e->linux_flags;
	r->level = e->level;
	r->state = e->state;
	r->attr = e->attr;
	r->sh = e->sh;
	if (is_arm64) {
		r->desc_type = e->desc_pkey;
		if (e->state != MMSCOPE_PAGEWALK_NONE)
			r->mair = (ctx->mair >> (8 * (e->attr & 7))) & 0xff;
	} else {
		r->pkey = e->desc_pkey;
	}
	if (v) {
		r->vma_start = v->start;
		r->vma_end = v->end;
		r->vma_flags = v->flags;
		r->vma_pgoff = v->pgoff;
		r->vma_kind = v->kind;
	}
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
	struct mmscope_pagewalk_entry *ents = calloc(PW_BATCH, sizeof(*ents));
	struct mmscope_pagewalk_vma *vmas = calloc(PW_VMAS, sizeof(*vmas));
	uint64_t addr = a->start, end = (a->start & ~4095ULL) + a->len;
	struct mmscope_pagewalk_record r, prev;
	struct mmscope_pagewalk_walk w;
	const struct mmscope_pagewalk_vma *v;
	uint32_t i, vi;
	bool first = true, have = false;
	int ret = EXIT_FAILED;

	if (!ents || !vmas) {
		p_err("out of memory");
		goto out;
	}
	do {
		memset(&w, 0, sizeof(w));
		w.size = sizeof(w);
		w.pid = a->pid;
		w.flags = MMSCOPE_PAGEWALK_COMPACT |
			  (a->kernel ? MMSCOPE_PAGEWALK_KERNEL : 0);
		w.count = PW_BATCH;
		w.start = addr;
		w.len = a->len - (addr - (a->start & ~4095ULL));
		w.records = (uintptr_t)ents;
		w.entry_size = sizeof(*ents);
		w.vmas = (uintptr_t)vmas;
		w.vma_size = sizeof(*vmas);
		w.vma_count = PW_VMAS;
		if (ioctl(fd, MMSCOPE_PAGEWALK_IOC_WALK, &w)) {
			if (first && errno == EINVAL) {
				ret = EINVAL;
				goto out;
			}
			/* again, for ctl_ioctl()'s message */
			if (ctl_ioctl(fd, MMSCOPE_PAGEWALK_IOC_WALK, &w,
				      "%s 0x%" PRIx64,
				      a->kernel ? "kernel" : "walk", addr))
				goto out;
		}
		first = false;
		for (i = 0, vi = 0; i < w.count; i++) {
			while (vi < w.vma_count && vmas[vi].end <= ents[i].va)
				vi++;
			v = vi < w.vma_count && vmas[vi].start <= ents[i].va ?
			    &vmas[vi] : NULL;
			entry_record(&ents[i], v, ctx, &r);
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
		if (w.next <= addr)
			break;
		addr = w.next;
	} while (addr < end);
	if (have)
		sink_record(k, &prev, NULL);
	ret = EXIT_OK;
out:
	free(vmas);
	free(ents);
	return ret;
}

/* The walk in full records, with paths when asked for. */
static int walk_full(int fd, const struct pw_args *a, struct sink *k)
{
	struct mmscope_pagewalk_record *recs = calloc(PW_BATCH, sizeof(*recs));
	struct mmscope_pagewalk_path *paths = NULL;
	uint64_t addr = a->start, end = (a->start & ~4095ULL) + a->len;
	struct mmscope_pagewalk_walk w;
	int ret = EXIT_FAILED;
	uint32_t i;

	if (a->path)
		paths = calloc(PW_BATCH, sizeof(*paths));
	if (!recs || (a->path && !paths)) {
		p_err("out of memory");
		goto out;
	}
	do {
		memset(&w, 0, sizeof(w));
		w.size = MMSCOPE_PAGEWALK_WALK_SIZE_VER0;
		w.pid = a->pid;
		w.flags = a->kernel ? MMSCOPE_PAGEWALK_KERNEL : 0;
		w.count = PW_BATCH;
		w.start = addr;
		w.len = a->len - (addr - (a->start & ~4095ULL));
		w.records = (uintptr_t)recs;
		w.paths = (uintptr_t)paths;
		if (ctl_ioctl(fd, MMSCOPE_PAGEWALK_IOC_WALK, &w, "%s 0x%" PRIx64,
			      a->kernel ? "kernel" : "walk", addr))
			goto out;
		for (i = 0; i < w.count; i++)
			sink_record(k, &recs[i], paths ? &paths[i] : NULL);
		if (w.next <= addr)
			break;
		addr = w.next;
	} while (addr < end);
	ret = EXIT_OK;
out:
	free(paths);
	free(recs);
	return ret;
}

static int pagewalk_run(const struct pw_args *a)
{
	struct mmscope_pagewalk_context ctx = { .size = sizeof(ctx) };
	struct json_object *root = NULL;
	struct stream st = { };
	struct sink k = { };
	struct maps_line *maps = NULL;
	int ret = EXIT_FAILED, fd;
	size_t nmaps = 0;

	fd = ctl_open("pagewalk");
	if (fd < 0)
		return EXIT_FAILED;
	ctx.pid = a->pid;
	if (ctl_ioctl(fd, MMSCOPE_PAGEWALK_IOC_CONTEXT, &ctx, a->kernel ? "context" :
		      "pid %d", a->pid))
		goto out;
	ctx.arch[sizeof(ctx.arch) - 1] = '\0';
	is_arm64 = !strcmp(ctx.arch, "arm64");
	if (!a->kernel)
		maps = read_maps(a->pid, &nmaps);
	k.maps = cur_maps = maps;
	k.nmaps = cur_nmaps = nmaps;
	if (json_output) {
		root = jw_object();
		context_json(root, &ctx);
		k.entries = jw_set_array(root, "entries");
		/* the stream has no paths */
		if (!pretty_output && !a->path)
			k.st = &st;
	} else {
		context_text(&ctx);
	}
	/* paths come with full records only */
	ret = a->path ? EINVAL : walk_compact(fd, a, &ctx, &k);
	if (ret == EINVAL)
		ret = walk_full(fd, a, &k);
	if (ret) {
		json_object_put(root);
		goto out;
	}
	if (k.st) {
		ret = stream_emit(&st, root);
		json_object_put(root);
	} else if (json_output) {
		jw_emit(root);
	}
out:
	stream_free(&st);
	free(maps);
	close(fd);
	return ret;
}

int do_pagewalk(int argc, char **argv)
{
	struct pw_args a;
	char **av;
	int ret;

	if (argc > 0 && is_help(argv[0]))
		return pagewalk_help();
	/* getopt wants a program name in front */
	av = calloc(argc + 2, sizeof(*av));
	if (!av) {
		p_err("out of memory");
		return EXIT_FAILED;
	}
	av[0] = "pagewalk";
	memcpy(av + 1, argv, argc * sizeof(*av));
	ret = parse_args(argc + 1, av, &a);
	free(av);
	if (ret)
		return ret;
	return pagewalk_run(&a);
}
