// SPDX-License-Identifier: GPL-2.0
/*
 * mmscope pagewalk: the JSON output. With -p or --path the document is
 * a json-c tree; plain -j streams the entries (json.h), the parts that
 * repeat from one entry to the next (its Linux view, its hw bits, its
 * VMA) made by the same functions as the tree's, once per distinct value.
 * --jsonl writes the same entry objects, one per line, with no document.
 */
#include <stdlib.h>
#include <string.h>

#include "out.h"
#include "pagewalk_cmd.h"

static void json_hw(struct json_object *o, uint64_t hw)
{
	const char *name;
	unsigned int b;

	for (b = 0; b < 64; b++) {
		name = mmscope_pagewalk_hw_name(pw_arm64, b);
		if (name)
			jw_set_bool(o, name, hw & (1ULL << b));
	}
}

static void json_swap(struct json_object *e,
		      const struct mmscope_pagewalk_record *r)
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

static void json_linux(struct json_object *e,
		       const struct mmscope_pagewalk_record *r)
{
	struct json_object *o = jw_set_object(e, "linux");
	unsigned int i, bit;

	for (i = 0; i < sizeof(pw_linux_order); i++) {
		bit = pw_linux_order[i];
		jw_set_bool(o, mmscope_pagewalk_linux_name(bit),
			    r->linux_flags & (1U << bit));
	}
}

static void json_hw_fields(struct json_object *e,
			   const struct mmscope_pagewalk_record *r)
{
	struct json_object *o = jw_set_object(e, "hw");

	if (r->state == MMSCOPE_PAGEWALK_NONE)
		return;
	json_hw(o, r->hw);
	if (pw_arm64) {
		jw_set_str(o, "desc_type",
			   mmscope_pagewalk_desc_name(r->desc_type));
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

static void json_vma(struct json_object *e,
		     const struct mmscope_pagewalk_record *r)
{
	struct json_object *o;
	const char *file;

	if (!r->vma_end) {
		jw_set_null(e, "vma");
		return;
	}
	o = jw_set_object(e, "vma");
	jw_set_hex(o, "start", r->vma_start);
	jw_set_hex(o, "end", r->vma_end);
	jw_set_hex(o, "flags", r->vma_flags);
	jw_set_str(o, "kind", mmscope_pagewalk_vma_kind_name(r->vma_kind));
	file = pw_vma_file(r->vma_start);
	if (file)
		jw_set_str(o, "file", file);
	else
		jw_set_null(o, "file");
	if (r->vma_kind == MMSCOPE_PAGEWALK_VMA_FILE ||
	    r->vma_kind == MMSCOPE_PAGEWALK_VMA_SHMEM)
		jw_set_hex(o, "offset", r->vma_pgoff * 4096ULL);
	else
		jw_set_null(o, "offset");
}

static void json_path(struct json_object *e,
		      const struct mmscope_pagewalk_path *p)
{
	struct json_object *pa = jw_set_array(e, "path"), *o, *bits;
	const char *name;
	unsigned int i, b;

	for (i = 0; i < p->count && i < MMSCOPE_PAGEWALK_NR_LEVELS; i++) {
		const struct mmscope_pagewalk_step *s = &p->step[i];

		o = jw_push_object(pa);
		jw_set_str(o, "level", mmscope_pagewalk_level_name(s->level));
		jw_set_uint(o, "index", s->index);
		jw_set_hex(o, "raw", s->raw);
		jw_set_hex(o, "entry_pa", s->entry_pa);
		if (s->next_pa)
			jw_set_hex(o, "next_pa", s->next_pa);
		else
			jw_set_null(o, "next_pa");
		if (pw_arm64)
			jw_set_str(o, "desc_type",
				   mmscope_pagewalk_desc_name(s->desc_type));
		bits = jw_set_array(o, "bits");
		for (b = 0; b < 64; b++) {
			name = mmscope_pagewalk_hw_name(pw_arm64, b);
			if ((s->hw & (1ULL << b)) && name)
				jw_push_str(bits, name);
		}
	}
}

void pw_json_record(struct json_object *arr,
		    const struct mmscope_pagewalk_record *r,
		    const struct mmscope_pagewalk_path *p)
{
	struct json_object *e = jw_push_object(arr);

	jw_set_hex(e, "va", r->va);
	jw_set_uint(e, "size", r->size);
	jw_set_str(e, "level", mmscope_pagewalk_level_name(r->level));
	jw_set_str(e, "state", mmscope_pagewalk_state_name(r->state));
	jw_set_hex(e, "raw", r->raw);
	if (r->pfn == MMSCOPE_PAGEWALK_NO_PFN)
		jw_set_null(e, "pfn");
	else
		jw_set_uint(e, "pfn", r->pfn);
	json_swap(e, r);
	json_linux(e, r);
	json_hw_fields(e, r);
	json_vma(e, r);
	if (p)
		json_path(e, p);
}

void pw_json_context(struct json_object *root,
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
			jw_push_str(f, mmscope_pagewalk_level_name(l));
	if (c->pgd_pa)
		jw_set_hex(root, "pgd_pa", c->pgd_pa);
	if (c->hw_flags & MMSCOPE_PAGEWALK_CTX_KERNEL)
		jw_set_hex(root, "kernel_pgd_pa", c->kernel_pgd_pa);
	if (c->hw_flags & MMSCOPE_PAGEWALK_CTX_ASID)
		jw_set_uint(root, "asid", c->asid);
	jw_set_bool(root, "pti", c->hw_flags & MMSCOPE_PAGEWALK_CTX_PTI);
	if (pw_arm64) {
		jw_set_bool(root, "hw_af", c->hw_flags & MMSCOPE_PAGEWALK_CTX_HW_AF);
		jw_set_bool(root, "hw_dbm", c->hw_flags & MMSCOPE_PAGEWALK_CTX_HW_DBM);
		jw_set_hex(root, "mair", c->mair);
	}
}

/* The stream, and the last value of each repeating part. */
struct pw_stream {
	struct jw_stream out;
	size_t entries;
	struct jw_part lin, hw, vma, swap;
	struct mmscope_pagewalk_record lin_key, hw_key, vma_key, head_key;
	/* an entry's text from its size to its raw value's digits */
	char head[96];
	size_t head_len;
};

struct pw_stream *pw_stream_new(struct json_object *root, bool lines)
{
	struct pw_stream *st = calloc(1, sizeof(struct pw_stream));

	if (st) {
		st->out.root = root;
		st->out.lines = lines;
	}
	return st;
}

typedef void (*part_fn)(struct json_object *e,
			const struct mmscope_pagewalk_record *r);

static void stream_part(struct pw_stream *st, struct jw_part *pt,
			const struct mmscope_pagewalk_record *r, part_fn fn)
{
	struct json_object *o;

	if (!pt->valid) {
		o = jw_object();
		fn(o, r);
		jw_part_make(pt, o);
	}
	js_part(&st->out, pt);
}

static bool hw_changed(const struct mmscope_pagewalk_record *k,
		       const struct mmscope_pagewalk_record *r)
{
	return (k->state != MMSCOPE_PAGEWALK_NONE) !=
	       (r->state != MMSCOPE_PAGEWALK_NONE) ||
	       k->hw != r->hw || k->desc_type != r->desc_type ||
	       k->attr != r->attr || k->mair != r->mair || k->sh != r->sh ||
	       k->pkey != r->pkey;
}

static bool vma_changed(const struct mmscope_pagewalk_record *k,
			const struct mmscope_pagewalk_record *r)
{
	return k->vma_start != r->vma_start || k->vma_end != r->vma_end ||
	       k->vma_flags != r->vma_flags || k->vma_kind != r->vma_kind ||
	       k->vma_pgoff != r->vma_pgoff;
}

/* ","size":N,"level":"L","state":"S","raw":"0x of r; its end */
static char *fmt_head(char *p, const struct mmscope_pagewalk_record *r)
{
	const char *level = mmscope_pagewalk_level_name(r->level);
	const char *state = mmscope_pagewalk_state_name(r->state);

	p = FMT_LIT(p, "\",\"size\":");
	p = fmt_u64(p, r->size);
	p = FMT_LIT(p, ",\"level\":\"");
	p = stpcpy(p, level);
	p = FMT_LIT(p, "\",\"state\":\"");
	p = stpcpy(p, state);
	return FMT_LIT(p, "\",\"raw\":\"0x");
}

/* the longest head, an entry's own numbers and its separators */
#define ENTRY_ROOM (sizeof(st->head) + 128)

void pw_stream_record(struct pw_stream *st,
		      const struct mmscope_pagewalk_record *r)
{
	struct jw_stream *s = &st->out;
	char *p;

	if (!st->head_len || st->head_key.size != r->size ||
	    st->head_key.level != r->level || st->head_key.state != r->state) {
		st->head_len = fmt_head(st->head, r) - st->head;
		st->head_key = *r;
	}
	p = js_room_at(s, ENTRY_ROOM);
	if (!p)
		return;
	if (st->entries++ && !s->lines)
		*p++ = ',';
	p = FMT_LIT(p, "{\"va\":\"0x");
	p = fmt_hex(p, r->va, 0);
	memcpy(p, st->head, st->head_len);
	p = fmt_hex(p + st->head_len, r->raw, 0);
	p = FMT_LIT(p, "\",\"pfn\":");
	if (r->pfn == MMSCOPE_PAGEWALK_NO_PFN)
		p = FMT_LIT(p, "null");
	else
		p = fmt_u64(p, r->pfn);
	if (r->state != MMSCOPE_PAGEWALK_SWAP)
		p = FMT_LIT(p, ",\"swap\":null");
	js_commit(s, p);
	if (r->state == MMSCOPE_PAGEWALK_SWAP) {
		st->swap.valid = false;
		stream_part(st, &st->swap, r, json_swap);
	}
	if (st->lin_key.linux_flags != r->linux_flags)
		st->lin.valid = false;
	st->lin_key.linux_flags = r->linux_flags;
	stream_part(st, &st->lin, r, json_linux);
	if (hw_changed(&st->hw_key, r))
		st->hw.valid = false;
	st->hw_key = *r;
	stream_part(st, &st->hw, r, json_hw_fields);
	if (vma_changed(&st->vma_key, r))
		st->vma.valid = false;
	st->vma_key = *r;
	stream_part(st, &st->vma, r, json_vma);
	if (s->lines)
		JS_LIT(s, "}\n");
	else
		JS_LIT(s, "}");
}

int pw_stream_emit(struct pw_stream *st, struct json_object *root)
{
	return jw_emit_stream(root, &st->out) ? EXIT_FAILED : EXIT_OK;
}

void pw_stream_free(struct pw_stream *st)
{
	if (!st)
		return;
	free(st->out.p);
	jw_part_free(&st->lin);
	jw_part_free(&st->hw);
	jw_part_free(&st->vma);
	jw_part_free(&st->swap);
	free(st);
}
