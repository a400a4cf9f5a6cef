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

struct field {
	unsigned char lo, hi;
	const char *name;
	const char *what;
};

/* x86_64, a PTE; a PMD/PUD leaf has PS at 7 and PAT at 12 */
static const struct field x86_pte[] = {
	{ 0, 0, "P", "present" },
	{ 1, 1, "R/W", "writable" },
	{ 2, 2, "U/S", "user accessible" },
	{ 3, 3, "PWT", "write-through" },
	{ 4, 4, "PCD", "cache disabled" },
	{ 5, 5, "A", "accessed" },
	{ 6, 6, "D", "dirty" },
	{ 7, 7, "PAT", "PAT index bit 2" },
	{ 8, 8, "G", "global" },
	{ 9, 11, "SW", "software (Linux: special, uffd-wp, soft-dirty...)" },
	{ 12, 51, "PFN", "page frame number" },
	{ 52, 58, "SW", "software (Linux: devmap, saved-dirty...)" },
	{ 59, 62, "PKEY", "protection key" },
	{ 63, 63, "NX", "no execute" },
};

static const struct field x86_huge[] = {
	{ 0, 0, "P", "present" },
	{ 1, 1, "R/W", "writable" },
	{ 2, 2, "U/S", "user accessible" },
	{ 3, 3, "PWT", "write-through" },
	{ 4, 4, "PCD", "cache disabled" },
	{ 5, 5, "A", "accessed" },
	{ 6, 6, "D", "dirty" },
	{ 7, 7, "PS", "page size: a leaf at this level" },
	{ 8, 8, "G", "global" },
	{ 9, 11, "SW", "software" },
	{ 12, 12, "PAT", "PAT index bit 2" },
	{ 13, 20, "RES0", "reserved, 0" },	/* 13-29 in a PUD leaf */
	{ 21, 51, "ADDR", "physical address bits 21-51" },	/* or 30-51 */
	{ 52, 58, "SW", "software" },
	{ 59, 62, "PKEY", "protection key" },
	{ 63, 63, "NX", "no execute" },
};

/* arm64: stage-1 page (level 3) or block descriptor, 4K granule */
static const struct field arm64_desc[] = {
	{ 0, 0, "Valid", "valid descriptor" },
	{ 1, 1, "Type", "1: page (level 3) or table; 0: block" },
	{ 2, 4, "AttrIndx", "MAIR_EL1 attribute index" },
	{ 5, 5, "NS", "non-secure" },
	{ 6, 6, "AP[1]", "EL0 (user) accessible" },
	{ 7, 7, "AP[2]", "read-only" },
	{ 8, 9, "SH", "shareability" },
	{ 10, 10, "AF", "access flag" },
	{ 11, 11, "nG", "not global (ASID tagged)" },
	{ 12, 47, "OA", "output address bits 12-47 (the PFN)" },
	{ 48, 49, "RES0", "reserved (52-bit OA formats use them)" },
	{ 50, 50, "GP", "guarded page (BTI)" },
	{ 51, 51, "DBM", "dirty bit modifier (hardware dirty)" },
	{ 52, 52, "Cont", "contiguous hint" },
	{ 53, 53, "PXN", "privileged execute never" },
	{ 54, 54, "UXN", "user execute never" },
	{ 55, 58, "SW", "software (Linux: dirty, special, devmap, prot-none)" },
	{ 59, 62, "PBHA", "page-based hardware attributes" },
	{ 63, 63, "IGN", "ignored" },
};

static uint64_t field_value(uint64_t raw, const struct field *f)
{
	unsigned int w = f->hi - f->lo + 1;

	return (raw >> f->lo) & (w == 64 ? ~0ULL : (1ULL << w) - 1);
}

static void explain_one(const struct mmscope_pagewalk_record *r)
{
	struct field huge[sizeof(x86_huge) / sizeof(x86_huge[0])];
	const struct field *t;
	size_t n, i;
	int b;

	if (pw_arm64) {
		t = arm64_desc;
		n = sizeof(arm64_desc) / sizeof(arm64_desc[0]);
	} else if (r->level == MMSCOPE_PAGEWALK_PTE) {
		t = x86_pte;
		n = sizeof(x86_pte) / sizeof(x86_pte[0]);
	} else {
		memcpy(huge, x86_huge, sizeof(huge));
		n = sizeof(x86_huge) / sizeof(x86_huge[0]);
		for (i = 0; i < n && r->level == MMSCOPE_PAGEWALK_PUD; i++) {
			if (!strcmp(huge[i].name, "RES0"))
				huge[i].hi = 29;
			if (!strcmp(huge[i].name, "ADDR")) {
				huge[i].lo = 30;
				huge[i].what = "physical address bits 30-51";
			}
		}
		t = huge;
	}
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
