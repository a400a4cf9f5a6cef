// SPDX-License-Identifier: GPL-2.0
/*
 * MMSCOPE_PAGEWALK_IOC_WALK over a range: one call per batch, each
 * resuming where the module said the last one stopped.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "libmmscope.h"

int mmscope_walk_init(struct mmscope_walk *w, int fd, int pid, uint32_t flags,
		      uint64_t start, uint64_t len, uint32_t batch,
		      uint32_t vma_rows, bool with_paths)
{
	memset(w, 0, sizeof(*w));
	w->fd = fd;
	w->pid = pid;
	w->flags = flags;
	mmscope_walk_reset(w, start, len);
	w->batch = batch;
	if (flags & MMSCOPE_PAGEWALK_COMPACT) {
		w->vma_rows = vma_rows;
		w->ents = calloc(batch, sizeof(*w->ents));
		w->vmas = calloc(vma_rows ? vma_rows : 1, sizeof(*w->vmas));
		if (!w->ents || !w->vmas)
			goto nomem;
	} else {
		w->recs = calloc(batch, sizeof(*w->recs));
		if (with_paths)
			w->paths = calloc(batch, sizeof(*w->paths));
		if (!w->recs || (with_paths && !w->paths))
			goto nomem;
	}
	return 0;
nomem:
	mmscope_walk_free(w);
	return mmscope_fail(ENOMEM, "out of memory");
}

void mmscope_walk_reset(struct mmscope_walk *w, uint64_t start, uint64_t len)
{
	uint64_t page = (uint64_t)getpagesize();

	w->start = start & ~(page - 1);
	w->end = w->start + len;
	w->next = w->start;
	w->count = w->vma_count = 0;
}

int mmscope_walk_next(struct mmscope_walk *w)
{
	struct mmscope_pagewalk_walk a = { 0 };
	uint32_t size = MMSCOPE_PAGEWALK_WALK_SIZE_VER0;
	int ret;

	w->count = w->vma_count = 0;
	if (w->next >= w->end)
		return 0;
	a.pid = w->pid;
	a.flags = w->flags;
	a.count = w->batch;
	a.start = w->next;
	a.len = w->end - w->next;
	if (w->ents) {
		size = sizeof(a);
		a.records = (uintptr_t)w->ents;
		a.entry_size = sizeof(*w->ents);
		a.vmas = (uintptr_t)w->vmas;
		a.vma_size = sizeof(*w->vmas);
		a.vma_count = w->vma_rows;
	} else {
		a.records = (uintptr_t)w->recs;
		a.paths = (uintptr_t)w->paths;
	}
	ret = mmscope_ioctl(w->fd, MMSCOPE_PAGEWALK_IOC_WALK, &a, size);
	if (ret)
		return ret;
	w->calls++;
	if (a.next <= w->next)
		return mmscope_fail(EPROTO, "walk at 0x%llx: the module made no progress",
				    (unsigned long long)w->next);
	w->count = a.count;
	w->vma_count = w->ents ? a.vma_count : 0;
	w->next = a.next;
	return 1;
}

void mmscope_walk_free(struct mmscope_walk *w)
{
	free(w->recs);
	free(w->paths);
	free(w->ents);
	free(w->vmas);
	w->recs = NULL;
	w->paths = NULL;
	w->ents = NULL;
	w->vmas = NULL;
}

const struct mmscope_pagewalk_vma *
mmscope_walk_vma_of(const struct mmscope_walk *w, uint64_t va,
		    uint32_t *cursor)
{
	while (*cursor < w->vma_count && w->vmas[*cursor].end <= va)
		(*cursor)++;
	if (*cursor < w->vma_count && w->vmas[*cursor].start <= va)
		return &w->vmas[*cursor];
	return NULL;
}

void mmscope_walk_entry_record(const struct mmscope_pagewalk_entry *e,
			       const struct mmscope_pagewalk_vma *v,
			       const struct mmscope_pagewalk_context *ctx,
			       struct mmscope_pagewalk_record *r)
{
	/* a fixed-size compare, not a call: this runs once per entry */
	bool arm64 = !memcmp(ctx->arch, "arm64", sizeof("arm64"));

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
	if (arm64) {
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
