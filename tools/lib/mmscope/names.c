// SPDX-License-Identifier: GPL-2.0
/* The names of the UAPI's values, from the tables of its headers. */
#include "libmmscope.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))
#define NAME_OR(table, i, other) \
	((i) < ARRAY_LEN(table) && (table)[i] ? (table)[i] : (other))

static const char *const pageref_states[] = MMSCOPE_PAGEREF_STATE_NAMES;
static const char *const pageref_mappings[] = MMSCOPE_PAGEREF_MAPPING_NAMES;
static const char *const pageref_lrus[] = MMSCOPE_PAGEREF_LRU_NAMES;
static const char *const pageref_pgflags[] = MMSCOPE_PGF_NAMES;
static const char *const pageref_kinds[] = MMSCOPE_PAGEREF_KIND_NAMES;
static const char *const pagewalk_levels[] = MMSCOPE_PAGEWALK_LEVEL_NAMES;
static const char *const pagewalk_states[] = MMSCOPE_PAGEWALK_STATE_NAMES;
static const char *const pagewalk_linux[] = MMSCOPE_PAGEWALK_L_NAMES;
static const char *const pagewalk_vma_kinds[] = MMSCOPE_PAGEWALK_VMA_KIND_NAMES;
static const char *const pagewalk_descs[] = MMSCOPE_PAGEWALK_DESC_NAMES;
static const char *const pagewalk_x86[] = MMSCOPE_PAGEWALK_X86_NAMES;
static const char *const pagewalk_arm64[] = MMSCOPE_PAGEWALK_ARM64_NAMES;

_Static_assert(ARRAY_LEN(pageref_pgflags) == MMSCOPE_PGF_COUNT, "pgflags");
_Static_assert(ARRAY_LEN(pagewalk_linux) == MMSCOPE_PAGEWALK_L_NR_BITS, "L_");
_Static_assert(ARRAY_LEN(pagewalk_x86) == MMSCOPE_PAGEWALK_X86_NR_BITS, "x86");
_Static_assert(ARRAY_LEN(pagewalk_arm64) == MMSCOPE_PAGEWALK_ARM64_NR_BITS,
	       "arm64");

const char *mmscope_pageref_state_name(unsigned int state)
{
	return NAME_OR(pageref_states, state, "unknown");
}

const char *mmscope_pageref_mapping_name(unsigned int mapping)
{
	return NAME_OR(pageref_mappings, mapping, "unknown");
}

const char *mmscope_pageref_lru_name(unsigned int lru)
{
	return NAME_OR(pageref_lrus, lru, "unknown");
}

const char *mmscope_pageref_pgflag_name(unsigned int bit)
{
	return NAME_OR(pageref_pgflags, bit, NULL);
}

const char *mmscope_pageref_kind_name(unsigned int kind)
{
	return NAME_OR(pageref_kinds, kind, "unknown");
}

const char *mmscope_pagewalk_level_name(unsigned int level)
{
	return NAME_OR(pagewalk_levels, level, "unknown");
}

const char *mmscope_pagewalk_state_name(unsigned int state)
{
	return NAME_OR(pagewalk_states, state, "unknown");
}

const char *mmscope_pagewalk_linux_name(unsigned int bit)
{
	return NAME_OR(pagewalk_linux, bit, NULL);
}

const char *mmscope_pagewalk_vma_kind_name(unsigned int kind)
{
	return NAME_OR(pagewalk_vma_kinds, kind, "unknown");
}

const char *mmscope_pagewalk_desc_name(unsigned int desc)
{
	return NAME_OR(pagewalk_descs, desc, "unknown");
}

const char *mmscope_pagewalk_hw_name(bool arm64, unsigned int bit)
{
	if (arm64)
		return NAME_OR(pagewalk_arm64, bit, NULL);
	return NAME_OR(pagewalk_x86, bit, NULL);
}
