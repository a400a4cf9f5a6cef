// SPDX-License-Identifier: GPL-2.0
/*
 * mmscope pagewalk --explain: the raw entry of each leaf as a labelled
 * bit diagram, the 64 bits in groups of four, then a row per field of
 * the architecture's descriptor format (x86_64 4-level/5-level entries,
 * arm64 stage-1 4K-granule page and block descriptors): its bit
 * positions, its name and its value, taken from the raw value printed.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "pagewalk_cmd.h"

/* the levels a row is for */
#define F_PTE	(1U << 0)
#define F_PMD	(1U << 1)
#define F_PUD	(1U << 2)
#define F_HUGE	(F_PMD | F_PUD)
#define F_ALL	(F_PTE | F_HUGE)

struct field {
	unsigned char lo, hi;
	unsigned char levels;
	const char *name;
	const char *what;
};

/*
 * x86_64: one table for the three leaf formats, a row per field and the
 * levels it is in, in bit order. A PMD/PUD leaf has PS at 7, PAT at 12
 * and its address above bit 21 (PMD) or 30 (PUD).
 */
static const struct field x86_desc[] = {
	{ 0, 0, F_ALL, "P", "present" },
	{ 1, 1, F_ALL, "R/W", "writable" },
	{ 2, 2, F_ALL, "U/S", "user accessible" },
	{ 3, 3, F_ALL, "PWT", "write-through" },
	{ 4, 4, F_ALL, "PCD", "cache disabled" },
	{ 5, 5, F_ALL, "A", "accessed" },
	{ 6, 6, F_ALL, "D", "dirty" },
	{ 7, 7, F_PTE, "PAT", "PAT index bit 2" },
	{ 7, 7, F_HUGE, "PS", "page size: a leaf at this level" },
	{ 8, 8, F_ALL, "G", "global" },
	{ 9, 11, F_ALL, "SW", "software (Linux: special, uffd-wp, soft-dirty...)" },
	{ 12, 51, F_PTE, "PFN", "page frame number" },
	{ 12, 12, F_HUGE, "PAT", "PAT index bit 2" },
	{ 13, 20, F_PMD, "RES0", "reserved, 0" },
	{ 21, 51, F_PMD, "ADDR", "physical address bits 21-51" },
	{ 13, 29, F_PUD, "RES0", "reserved, 0" },
	{ 30, 51, F_PUD, "ADDR", "physical address bits 30-51" },
	{ 52, 58, F_ALL, "SW", "software (Linux: devmap, saved-dirty...)" },
	{ 59, 62, F_ALL, "PKEY", "protection key" },
	{ 63, 63, F_ALL, "NX", "no execute" },
};

/* arm64: stage-1 page (level 3) or block descriptor, 4K granule */
static const struct field arm64_desc[] = {
	{ 0, 0, F_ALL, "Valid", "valid descriptor" },
	{ 1, 1, F_ALL, "Type", "1: page (level 3) or table; 0: block" },
	{ 2, 4, F_ALL, "AttrIndx", "MAIR_EL1 attribute index" },
	{ 5, 5, F_ALL, "NS", "non-secure" },
	{ 6, 6, F_ALL, "AP[1]", "EL0 (user) accessible" },
	{ 7, 7, F_ALL, "AP[2]", "read-only" },
	{ 8, 9, F_ALL, "SH", "shareability" },
	{ 10, 10, F_ALL, "AF", "access flag" },
	{ 11, 11, F_ALL, "nG", "not global (ASID tagged)" },
	{ 12, 47, F_ALL, "OA", "output address bits 12-47 (the PFN)" },
	{ 48, 49, F_ALL, "RES0", "reserved (52-bit OA formats use them)" },
	{ 50, 50, F_ALL, "GP", "guarded page (BTI)" },
	{ 51, 51, F_ALL, "DBM", "dirty bit modifier (hardware dirty)" },
	{ 52, 52, F_ALL, "Cont", "contiguous hint" },
	{ 53, 53, F_ALL, "PXN", "privileged execute never" },
	{ 54, 54, F_ALL, "UXN", "user execute never" },
	{ 55, 58, F_ALL, "SW", "software (Linux: dirty, special, devmap, prot-none)" },
	{ 59, 62, F_ALL, "PBHA", "page-based hardware attributes" },
	{ 63, 63, F_ALL, "IGN", "ignored" },
};

static uint64_t field_value(uint64_t raw, const struct field *f)
{
	unsigned int w = f->hi - f->lo + 1;

	return (raw >> f->lo) & (w == 64 ? ~0ULL : (1ULL << w) - 1);
}

static void explain_one(const struct mmscope_pagewalk_record *r)
{
	const struct field *t = pw_arm64 ? arm64_desc : x86_desc;
	size_t n = pw_arm64 ? sizeof(arm64_desc) / sizeof(arm64_desc[0]) :
			      sizeof(x86_desc) / sizeof(x86_desc[0]);
	unsigned int level = r->level == MMSCOPE_PAGEWALK_PTE ? F_PTE :
			     r->level == MMSCOPE_PAGEWALK_PUD ? F_PUD : F_PMD;
	size_t i;
	int b;

	printf("%s 0x%016" PRIx64 " maps 0x%" PRIx64 " (%" PRIu64 "K, %s)\n",
	       mmscope_pagewalk_level_name(r->level), (uint64_t)r->raw,
	       (uint64_t)r->va, (uint64_t)r->size >> 10,
	       mmscope_pagewalk_state_name(r->state));
	printf("  bit  63   59   55   51   47   43   39   35   31   27   23   19   15   11    7    3  0\n");
	printf("       ");
	for (b = 63; b >= 0; b--)
		printf("%c%s", (r->raw >> b) & 1 ? '1' : '0',
		       b && !(b % 4) ? " " : "");
	printf("\n");
	if (r->state != MMSCOPE_PAGEWALK_PRESENT && r->state != MMSCOPE_PAGEWALK_PROTNONE)
		printf("  (not a present entry: the hardware ignores the bits below; Linux keeps its own encoding in them)\n");
	printf("  %-6s %-9s %-18s %s\n", "bits", "field", "value", "meaning");
	for (i = n; i-- > 0;) {
		char pos[8], val[24];
		uint64_t v = field_value(r->raw, &t[i]);

		if (!(t[i].levels & level))
			continue;
		if (t[i].lo == t[i].hi)
			snprintf(pos, sizeof(pos), "%u", t[i].lo);
		else
			snprintf(pos, sizeof(pos), "%u-%u", t[i].hi, t[i].lo);
		if (t[i].lo == t[i].hi)
			snprintf(val, sizeof(val), "%" PRIu64, v);
		else
			snprintf(val, sizeof(val), "0x%" PRIx64, v);
		printf("  %-6s %-9s %-18s %s\n", pos, t[i].name, val, t[i].what);
	}
	if (r->pfn != MMSCOPE_PAGEWALK_NO_PFN)
		printf("  pfn 0x%" PRIx64 " (the module's decoding)\n",
		       (uint64_t)r->pfn);
	printf("\n");
}

void pw_explain_record(const struct mmscope_pagewalk_record *r)
{
	if (r->state == MMSCOPE_PAGEWALK_NONE)
		return;
	explain_one(r);
}
