// SPDX-License-Identifier: GPL-2.0
/* mmscope pagewalk: the text output, a line per record. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "out.h"
#include "pagewalk_cmd.h"

/* size in whole G, M or K, in 6 columns and the unit */
static char *fmt_size(char *p, uint64_t size)
{
	if (size >= (1ULL << 30) && !(size & ((1ULL << 30) - 1))) {
		p = fmt_u64_w(p, size >> 30, 6);
		*p++ = 'G';
	} else if (size >= (1ULL << 20) && !(size & ((1ULL << 20) - 1))) {
		p = fmt_u64_w(p, size >> 20, 6);
		*p++ = 'M';
	} else {
		p = fmt_u64_w(p, size >> 10, 6);
		*p++ = 'K';
	}
	return p;
}

static void print_hw_bits(FILE *f, uint64_t hw)
{
	const char *name;
	unsigned int b;

	for (b = 0; b < 64; b++) {
		name = mmscope_pagewalk_hw_name(pw_arm64, b);
		if ((hw & (1ULL << b)) && name)
			fprintf(f, " %s", name);
	}
}

/* The Linux view and the hw bits of a record that is not a hole. */
static void text_bits(FILE *f, const struct mmscope_pagewalk_record *r)
{
	unsigned int i, bit;

	fputs(" [", f);
	for (i = 0; i < sizeof(pw_linux_order); i++) {
		bit = pw_linux_order[i];
		if (r->linux_flags & (1U << bit))
			fprintf(f, " %s", mmscope_pagewalk_linux_name(bit));
	}
	fputs(" ] hw:", f);
	if (pw_arm64)
		fprintf(f, " %s", mmscope_pagewalk_desc_name(r->desc_type));
	print_hw_bits(f, r->hw);
	if (pw_arm64 && r->sh == MMSCOPE_PAGEWALK_SH_TCR)
		fprintf(f, " AttrIndx=%u(0x%02x)", r->attr, r->mair);
	else if (pw_arm64)
		fprintf(f, " AttrIndx=%u(0x%02x) SH=%u", r->attr, r->mair,
			r->sh);
	else if (r->attr || r->pkey)
		fprintf(f, " PAT=%u pkey=%u", r->attr, r->pkey);
}

static void text_vma(FILE *f, const struct mmscope_pagewalk_record *r)
{
	const char *file;

	if (r->vma_end) {
		fprintf(f, "  vma %s", mmscope_pagewalk_vma_kind_name(r->vma_kind));
		file = pw_vma_file(r->vma_start);
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
struct cached_text {
	char *text;
	size_t len;
	bool ok;
	void (*render)(FILE *f, const struct mmscope_pagewalk_record *r);
};

static struct cached_text bits_text = { .render = text_bits };
static struct cached_text vma_text = { .render = text_vma };
static struct mmscope_pagewalk_record text_key;

static void put_cached(struct cached_text *c,
		       const struct mmscope_pagewalk_record *r)
{
	size_t n = 0;
	FILE *f;

	if (!c->ok) {
		free(c->text);
		c->text = NULL;
		f = open_memstream(&c->text, &n);
		if (f) {
			c->render(f, r);
			c->ok = !fclose(f);
			c->len = n;
		}
	}
	if (c->ok) {
		out_raw(c->text, c->len);
	} else {
		out_flush();
		c->render(stdout, r);
		fflush(stdout);
	}
}

static void text_path(const struct mmscope_pagewalk_path *p)
{
	unsigned int i;

	if (!p || !p->count)
		return;
	out_flush();
	for (i = 0; p && i < p->count && i < MMSCOPE_PAGEWALK_NR_LEVELS; i++) {
		const struct mmscope_pagewalk_step *s = &p->step[i];

		printf("    %s[%3u] 0x%016" PRIx64 " at pa 0x%" PRIx64,
		       mmscope_pagewalk_level_name(s->level), s->index,
		       (uint64_t)s->raw, (uint64_t)s->entry_pa);
		if (s->next_pa) {
			printf(" -> table at pa 0x%" PRIx64 "  ",
			       (uint64_t)s->next_pa);
			print_hw_bits(stdout, s->hw);
		}
		printf("\n");
	}
	fflush(stdout);
}

/* Room for a line but its cached parts: the longest swap entry's. */
#define LINE_ROOM 160

/* " <size> <level> <state>", the same for most records of a range */
static char head_text[64];
static size_t head_len;

static char *fmt_name(char *p, const char *name, int width)
{
	size_t n = strlen(name);

	memcpy(p, name, n);
	for (p += n; width > (int)n; width--)
		*p++ = ' ';
	return p;
}

static void make_head(const struct mmscope_pagewalk_record *r)
{
	char *p = head_text;

	/* 18 columns of size at most, and names of a few letters */
	*p++ = ' ';
	p = fmt_size(p, r->size);
	*p++ = ' ';
	p = fmt_name(p, mmscope_pagewalk_level_name(r->level), 0);
	*p++ = ' ';
	p = fmt_name(p, mmscope_pagewalk_state_name(r->state), 9);
	head_len = p - head_text;
}

void pw_text_record(const struct mmscope_pagewalk_record *r,
		    const struct mmscope_pagewalk_path *p)
{
	struct mmscope_pagewalk_record *k = &text_key;
	char *o;

	if (!head_len || r->size != k->size || r->level != k->level ||
	    r->state != k->state)
		make_head(r);
	if (r->linux_flags != k->linux_flags || r->hw != k->hw ||
	    r->desc_type != k->desc_type || r->attr != k->attr ||
	    r->mair != k->mair || r->sh != k->sh || r->pkey != k->pkey)
		bits_text.ok = false;
	if (r->vma_start != k->vma_start || r->vma_end != k->vma_end ||
	    r->vma_kind != k->vma_kind || r->vma_pgoff != k->vma_pgoff ||
	    (r->state == MMSCOPE_PAGEWALK_NONE) != (k->state == MMSCOPE_PAGEWALK_NONE))
		vma_text.ok = false;
	*k = *r;
	o = out_room(LINE_ROOM);
	o = FMT_LIT(o, "0x");
	o = fmt_hex(o, r->va, 16);
	memcpy(o, head_text, head_len);
	o += head_len;
	if (r->state != MMSCOPE_PAGEWALK_NONE) {
		o = FMT_LIT(o, " 0x");
		o = fmt_hex(o, r->raw, 16);
		if (r->pfn != MMSCOPE_PAGEWALK_NO_PFN) {
			o = FMT_LIT(o, " pfn 0x");
			o = fmt_hex(o, r->pfn, 0);
		}
		if (r->state == MMSCOPE_PAGEWALK_SWAP) {
			o = FMT_LIT(o, " swap ");
			o = fmt_u64(o, r->swap_type);
			o = FMT_LIT(o, ":0x");
			o = fmt_hex(o, r->swap_offset, 0);
		}
		out_commit(o);
		put_cached(&bits_text, r);
	} else {
		out_commit(o);
	}
	put_cached(&vma_text, r);
	out_char('\n');
	text_path(p);
}

void pw_text_context(const struct mmscope_pagewalk_context *c)
{
	unsigned int l;

	printf("%s, %u-byte pages, %u levels (folded:", c->arch, c->page_size,
	       c->levels);
	for (l = 0; l < MMSCOPE_PAGEWALK_NR_LEVELS; l++)
		if (c->folded & (1U << l))
			printf(" %s", mmscope_pagewalk_level_name(l));
	printf("), %u VA bits, PTI %s", c->va_bits,
	       c->hw_flags & MMSCOPE_PAGEWALK_CTX_PTI ? "on" : "off");
	if (pw_arm64)
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
