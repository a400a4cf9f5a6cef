// SPDX-License-Identifier: GPL-2.0
/*
 * mmscope thp map: the address space of a process in 2 MiB cells, one
 * letter per cell, from the module's VMA verdicts and folio list and the
 * process's pagemap (which pages are present at all).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common.h"
#include "thp.h"

#define CELL		(2ULL << 20)
#define CELL_PAGES	512
#define ROW		64

enum thp_cell {
	CELL_PMD, CELL_PTE, CELL_MTHP, CELL_ZERO, CELL_SMALL, CELL_PARTIAL,
	CELL_EMPTY, CELL_NOT_ELIGIBLE, NR_CELLS,
};

static const char cell_letter[NR_CELLS] = "HPmzsp.x";
static const char *const cell_name[NR_CELLS] = {
	"pmd", "pte", "mthp", "huge_zero", "small", "partial", "empty",
	"not_eligible",
};
static const char *const cell_legend[NR_CELLS] = {
	"PMD-mapped THP", "PTE-mapped THP", "mTHP (order < PMD)",
	"huge zero page", "small pages only", "small pages, partly populated",
	"not populated", "not eligible, no large folio",
};

/* What the large folios say of [lo, hi): a cell kind, or NR_CELLS. */
static int cell_from_folios(const struct mmscope_thp_folio *f, size_t n,
			    size_t *cur, uint64_t lo, uint64_t hi,
			    unsigned int pmd_order)
{
	int kind = NR_CELLS;
	size_t i;

	while (*cur < n && f[*cur].va + ((uint64_t)f[*cur].ptes_mapped << 12) <= lo &&
	       f[*cur].va < lo)
		(*cur)++;
	for (i = *cur; i < n && f[i].va < hi; i++) {
		if (f[i].info & MMSCOPE_THP_F_HUGE_ZERO)
			return CELL_ZERO;
		if (f[i].mapped == MMSCOPE_THP_MAPPED_PMD)
			return CELL_PMD;
		if (f[i].order == pmd_order)
			kind = CELL_PTE;
		else if (kind == NR_CELLS)
			kind = CELL_MTHP;
	}
	return kind;
}

/* Present pages of [lo, hi) from pagemap. */
static long cell_present(int pid, uint64_t lo, uint64_t hi, uint64_t *pm)
{
	size_t n = (hi - lo) >> 12, i;
	long present = 0;

	if (mmscope_pagemap_read(pid, lo, n, pm))
		return -1;
	for (i = 0; i < n; i++)
		present += !!(pm[i] & PM_PRESENT);
	return present;
}

int thp_map(int argc, char **argv)
{
	struct mmscope_thp_folio *f = NULL;
	struct mmscope_thp_vma *v = NULL;
	struct json_object *root, *arr, *o, *cnt;
	unsigned long counts[NR_CELLS] = {};
	size_t nv = 0, nf = 0, i, cur = 0;
	uint64_t start, len, lo, hi, base, pm[CELL_PAGES];
	char *cells = NULL;
	struct thp_args a;
	unsigned int c, col;
	long present;
	int fd, kind;

	if (thp_parse(argc, argv, &a, 0, false, THP_LEVEL " map"))
		return EXIT_USAGE;
	if (!a.pid)
		return usage_err(THP_LEVEL " map", "missing --pid PID");
	fd = ctl_open("thp");
	if (fd < 0)
		return EXIT_FAILED;
	if (mmscope_thp_vmas(fd, a.pid, &v, &nv) || !nv ||
	    (start = v[0].start, len = v[nv - 1].end - start,
	     mmscope_thp_folios(fd, a.pid, start, len, &f, &nf))) {
		p_err("pid %d: %s", a.pid, nv ? mmscope_last_error() : "no VMA");
		close(fd);
		free(v);
		return EXIT_FAILED;
	}
	close(fd);
	root = json_output ? jw_object() : NULL;
	arr = root ? jw_set_array(root, "vmas") : NULL;
	for (i = 0; i < nv; i++) {
		base = v[i].start & ~(CELL - 1);
		c = (((v[i].end + CELL - 1) & ~(CELL - 1)) - base) / CELL;
		free(cells);
		cells = calloc(c + 1, 1);
		if (!cells)
			break;
		for (col = 0; col < c; col++) {
			lo = base + col * CELL;
			hi = lo + CELL;
			lo = lo < v[i].start ? v[i].start : lo;
			hi = hi > v[i].end ? v[i].end : hi;
			kind = cell_from_folios(f, nf, &cur, lo, hi, 9);
			if (kind == NR_CELLS) {
				present = v[i].kind == MMSCOPE_THP_KIND_SPECIAL ? 0 :
					  cell_present(a.pid, lo, hi, pm);
				if (!(v[i].flags & MMSCOPE_THP_VMA_ELIGIBLE))
					kind = CELL_NOT_ELIGIBLE;
				else if (present <= 0)
					kind = CELL_EMPTY;
				else if ((uint64_t)present == (hi - lo) >> 12)
					kind = CELL_SMALL;
				else
					kind = CELL_PARTIAL;
			}
			cells[col] = cell_letter[kind];
			counts[kind]++;
		}
		if (root) {
			o = jw_push_object(arr);
			jw_set_hex(o, "start", v[i].start);
			jw_set_hex(o, "end", v[i].end);
			jw_set_str(o, "kind", mmscope_thp_kind_name(v[i].kind));
			jw_set_str(o, "cells", cells);
			continue;
		}
		printf("%012llx-%012llx %-7s ", (unsigned long long)v[i].start,
		       (unsigned long long)v[i].end,
		       mmscope_thp_kind_name(v[i].kind));
		for (col = 0; col < c; col += ROW)
			printf("%s%.*s\n", col ? "                                     " : "",
			       ROW, cells + col);
	}
	free(cells);
	if (root) {
		cnt = jw_set_object(root, "counts");
		for (kind = 0; kind < NR_CELLS; kind++)
			jw_set_uint(cnt, cell_name[kind], counts[kind]);
		jw_emit(root);
	} else {
		printf("\nlegend:");
		for (kind = 0; kind < NR_CELLS; kind++)
			printf("%s %c %s", kind == 4 ? "\n       " : (kind ? "," : ""),
			       cell_letter[kind], cell_legend[kind]);
		printf("\ncells:");
		for (kind = 0; kind < NR_CELLS; kind++)
			printf(" %s %lu", cell_name[kind], counts[kind]);
		printf("\n");
	}
	free(f);
	free(v);
	return EXIT_OK;
}
