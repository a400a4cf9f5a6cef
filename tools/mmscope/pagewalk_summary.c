// SPDX-License-Identifier: GPL-2.0
/*
 * mmscope pagewalk --summary: a range's entries counted by kind (level,
 * size of what one entry maps, state), with their bytes and the runs of
 * consecutive entries of the kind: "is the linear map made of 2M blocks
 * or of 4K pages" in a line per kind. Memory does not grow with the range.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pagewalk_cmd.h"

#define PW_KINDS 64

struct pw_kind {
	uint8_t level, state;
	uint64_t size;		/* of one entry; 0 for a run of empty ones */
	uint64_t entries, bytes, runs;
};

struct pw_summary {
	struct pw_kind kind[PW_KINDS];
	unsigned int n;
	int last;		/* kind of the previous record, -1 */
	uint64_t next;		/* where the previous record ended */
	uint64_t start, end;
	const char *what;
};

static struct pw_summary summary;

struct pw_summary *pw_summary_new(const char *what, uint64_t start,
				  uint64_t end)
{
	memset(&summary, 0, sizeof(summary));
	summary.last = -1;
	summary.what = what;
	summary.start = start;
	summary.end = end;
	return &summary;
}

void pw_summary_record(struct pw_summary *s,
		       const struct mmscope_pagewalk_record *r)
{
	bool none = r->state == MMSCOPE_PAGEWALK_NONE;
	uint64_t size = none ? 0 : r->size;
	unsigned int i;

	for (i = 0; i < s->n; i++)
		if (s->kind[i].level == r->level &&
		    s->kind[i].state == r->state && s->kind[i].size == size)
			break;
	if (i == s->n) {
		if (s->n == PW_KINDS)
			return;	/* cannot happen: levels x states x sizes */
		s->kind[i] = (struct pw_kind){ .level = r->level,
					       .state = r->state,
					       .size = size };
		s->n++;
	}
	s->kind[i].entries += none ? 0 : 1;
	s->kind[i].bytes += r->size;
	if (s->last != (int)i || s->next != r->va)
		s->kind[i].runs++;
	s->last = i;
	s->next = r->va + r->size;
}

/* 4K, 1002M, 32T; 1.5G where a unit does not divide it */
static void print_bytes(uint64_t b)
{
	static const char units[] = "KMGTPE";
	unsigned int u = 0;
	char buf[32];

	while (u + 1 < sizeof(units) - 1 && b >= 1ULL << (10 * (u + 2)))
		u++;
	if (!(b & ((1ULL << (10 * (u + 1))) - 1)))
		snprintf(buf, sizeof(buf), "%" PRIu64 "%c", b >> (10 * (u + 1)),
			 units[u]);
	else
		snprintf(buf, sizeof(buf), "%.1f%c",
			 (double)b / (1ULL << (10 * (u + 1))), units[u]);
	printf(" %10s", buf);
}

static int by_level(const void *a, const void *b)
{
	const struct pw_kind *x = a, *y = b;

	if (x->level != y->level)
		return x->level - y->level;
	if (x->state != y->state)
		return x->state - y->state;
	return x->size < y->size ? -1 : x->size > y->size;
}

static void summary_json(struct pw_summary *s)
{
	struct json_object *root = jw_object(), *arr, *o;
	unsigned int i;

	jw_set_str(root, "range", s->what);
	jw_set_hex(root, "start", s->start);
	jw_set_hex(root, "end", s->end);
	arr = jw_set_array(root, "kinds");
	for (i = 0; i < s->n; i++) {
		const struct pw_kind *k = &s->kind[i];

		o = jw_push_object(arr);
		jw_set_str(o, "level", mmscope_pagewalk_level_name(k->level));
		jw_set_str(o, "state", mmscope_pagewalk_state_name(k->state));
		if (k->size)
			jw_set_uint(o, "page_size", k->size);
		else
			jw_set_null(o, "page_size");
		jw_set_uint(o, "entries", k->entries);
		jw_set_uint(o, "bytes", k->bytes);
		jw_set_uint(o, "runs", k->runs);
	}
	jw_emit(root);
}

void pw_summary_print(struct pw_summary *s)
{
	unsigned int i;

	qsort(s->kind, s->n, sizeof(s->kind[0]), by_level);
	if (json_output) {
		summary_json(s);
		return;
	}
	printf("%s 0x%" PRIx64 "-0x%" PRIx64 ":", s->what, s->start, s->end);
	print_bytes(s->end - s->start);
	printf("\n%-5s %-6s %-9s %10s %11s %8s\n", "LEVEL", "SIZE", "STATE",
	       "ENTRIES", "BYTES", "RUNS");
	for (i = 0; i < s->n; i++) {
		const struct pw_kind *k = &s->kind[i];

		char size[16] = "-";

		if (k->size >= 1ULL << 30)
			snprintf(size, sizeof(size), "%" PRIu64 "G", k->size >> 30);
		else if (k->size >= 1ULL << 20)
			snprintf(size, sizeof(size), "%" PRIu64 "M", k->size >> 20);
		else if (k->size)
			snprintf(size, sizeof(size), "%" PRIu64 "K", k->size >> 10);
		printf("%-5s %-6s", mmscope_pagewalk_level_name(k->level), size);
		printf(" %-9s %10" PRIu64, mmscope_pagewalk_state_name(k->state),
		       k->entries);
		print_bytes(k->bytes);
		printf(" %8" PRIu64 "\n", k->runs);
	}
}
