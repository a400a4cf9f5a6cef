// SPDX-License-Identifier: GPL-2.0
/*
 * The walk's three output formats: the full record, the path of tables
 * that led to it, and the compact entry with its table of VMAs; with
 * MMSCOPE_PAGEWALK_RUNS, alike PTEs merged into one record or entry.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/mm.h>
#include <linux/pgtable.h>

#include <mmscope/walk.h>

#include "internal.h"

static void pw_fill_path(struct mmscope_pagewalk_path *p,
			 const struct mmscope_walk_step *steps,
			 unsigned int depth)
{
	struct mmscope_pagewalk_step *s;
	struct pw_hw hw;
	phys_addr_t pa;
	unsigned int i;

	memset(p, 0, sizeof(*p));
	p->count = depth;
	for (i = 0; i < depth; i++) {
		s = &p->step[i];
		pa = __pa(steps[i].entry);
		s->raw = steps[i].raw;
		s->entry_pa = pa;
		s->index = offset_in_page(pa) / sizeof(u64);
		s->level = steps[i].level;
		pw_arch_decode(s->raw, s->level, false, &hw);
		s->hw = hw.hw;
		s->desc_type = hw.desc_type;
		if (i)
			p->step[i - 1].next_pa = pa - s->index * sizeof(u64);
	}
}

/*
 * Compact format: make sure the VMA [start, end) is the table's last row
 * before an entry inside it is written. -ENOSPC when the table is full.
 */
static int pw_note_vma(struct pw_out *out, u64 start, u64 end, u64 flags,
		       u64 pgoff, unsigned int kind)
{
	struct mmscope_pagewalk_vma *v = &out->last;

	if (!out->vmas || !end)
		return 0;
	if (out->have_last && v->start == start && v->end == end &&
	    v->flags == flags && v->pgoff == pgoff && v->kind == kind)
		return 0;
	if (out->nvma == out->vma_max)
		return -ENOSPC;
	memset(v, 0, sizeof(*v));
	v->start = start;
	v->end = end;
	v->flags = flags;
	v->pgoff = pgoff;
	v->kind = kind;
	out->have_last = true;
	out->vmas[out->nvma++] = *v;
	return 0;
}

static int pw_note_walker_vma(struct pw_walker *w)
{
	struct vm_area_struct *vma = w->walk.vma;
	int ret;

	if (!vma || w->vma_noted)
		return 0;
	ret = pw_note_vma(w->out, vma->vm_start, vma->vm_end, vma->vm_flags,
			  vma->vm_pgoff, w->vma_kind);
	if (!ret)
		w->vma_noted = true;
	return ret;
}

static void pw_entry_from_record(struct mmscope_pagewalk_entry *e,
				 const struct mmscope_pagewalk_record *r)
{
	memset(e, 0, sizeof(*e));
	e->va = r->va;
	e->raw = r->raw;
	e->pfn = r->state == MMSCOPE_PAGEWALK_SWAP ? r->swap_offset : r->pfn;
	e->pages = r->size >> PAGE_SHIFT;
	e->hw = r->hw;
	e->linux_flags = r->linux_flags;
	e->level = r->level;
	e->state = r->state;
	e->swap_type = r->swap_type;
	e->attr = r->attr;
	e->sh = r->sh;
	e->desc_pkey = IS_ENABLED(CONFIG_ARM64) ? r->desc_type : r->pkey;
}

/* Write @r (with the path @steps) in the format asked for. */
int pw_append(struct pw_walker *w, const struct mmscope_pagewalk_record *r,
	      const struct mmscope_walk_step *steps, unsigned int depth)
{
	struct pw_out *out = w->out;

	if (out->n == out->max)
		goto full;
	if (out->ents) {
		if (pw_note_vma(out, r->vma_start, r->vma_end, r->vma_flags,
				r->vma_pgoff, r->vma_kind))
			goto full;
		pw_entry_from_record(&out->ents[out->n++], r);
		w->run_ok = false;
		return 0;
	}
	out->recs[out->n] = *r;
	if (out->paths)
		pw_fill_path(&out->paths[out->n], steps, depth);
	out->n++;
	return 0;
full:
	w->stop = r->va;
	return -ENOSPC;
}

/*
 * Another present PTE at @va: with MMSCOPE_PAGEWALK_RUNS, fold it into the last
 * record written when that is a PTE run it continues (next address, raw
 * and pfn one page on, so every bit but the address is the same) and the
 * page it maps looks the same to Linux. The caller holds the PTE lock.
 */
bool pw_extend_run(struct pw_walker *w, unsigned long va, u64 raw,
		   unsigned long pfn)
{
	struct vm_area_struct *vma = w->walk.vma;
	struct pw_out *out = w->out;
	struct mmscope_pagewalk_record *r;
	unsigned long pages;
	u32 l;

	if (!out->runs || !out->n || w->hole_open)
		return false;
	r = &out->recs[out->n - 1];
	pages = r->size >> PAGE_SHIFT;
	if (r->level != MMSCOPE_PAGEWALK_PTE || r->state != MMSCOPE_PAGEWALK_PRESENT ||
	    r->va + r->size != va || r->raw + r->size != raw ||
	    r->pfn + pages != pfn || (r->linux_flags & MMSCOPE_PAGEWALK_L_ZERO) ||
	    r->vma_start != (vma ? vma->vm_start : 0))
		return false;
	l = r->linux_flags & ~(MMSCOPE_PAGEWALK_L_ANON | MMSCOPE_PAGEWALK_L_EXCLUSIVE);
	if ((l | pw_page_flags(w, l, pfn)) != r->linux_flags)
		return false;
	r->size += PAGE_SIZE;
	return true;
}

static void pw_memo_fill(struct pw_memo *m, u64 raw, unsigned long pfn)
{
	struct mmscope_pagewalk_entry *t = &m->tmpl;
	struct pw_hw hw;

	pw_arch_decode(raw, MMSCOPE_PAGEWALK_PTE, true, &hw);
	memset(t, 0, sizeof(*t));
	t->pages = 1;
	t->hw = hw.hw;
	t->level = MMSCOPE_PAGEWALK_PTE;
	t->attr = hw.attr;
	t->sh = hw.sh;
	t->desc_pkey = IS_ENABLED(CONFIG_ARM64) ? hw.desc_type : hw.pkey;
	m->linux_flags = pw_present_flags(raw, hw.hw, MMSCOPE_PAGEWALK_PTE,
					  &t->state);
	m->valid = true;
}

/*
 * A present PTE in the compact format without paths: decoded once per
 * kind of entry (pw_memo), written straight into the output, or merged
 * into the run before it with MMSCOPE_PAGEWALK_RUNS. The PTE lock is held.
 */
static int pw_pte_compact(struct pw_walker *w, unsigned long va, pte_t val)
{
	struct pw_memo *m = &w->memo;
	struct pw_out *out = w->out;
	unsigned long pfn = pte_pfn(val);
	u64 raw = pte_val(val);
	struct mmscope_pagewalk_entry *e;
	u32 l;
	int ret;

	if (!m->valid || raw - m->raw != (u64)(pfn - m->pfn) << PAGE_SHIFT)
		pw_memo_fill(m, raw, pfn);
	m->raw = raw;
	m->pfn = pfn;
	l = m->linux_flags;
	if (is_zero_pfn(pfn))
		l |= MMSCOPE_PAGEWALK_L_ZERO;
	l |= pw_page_flags(w, l, pfn);

	if (out->runs && w->run_ok && !w->hole_open) {
		e = &out->ents[out->n - 1];
		if (e->va + ((u64)e->pages << PAGE_SHIFT) == va &&
		    e->raw + ((u64)e->pages << PAGE_SHIFT) == raw &&
		    e->pfn + e->pages == pfn && e->linux_flags == l &&
		    !(l & MMSCOPE_PAGEWALK_L_ZERO) && e->pages < U32_MAX) {
			e->pages++;
			return 0;
		}
	}
	ret = pw_flush_hole(w);
	if (ret)
		return ret;
	if (out->n == out->max || pw_note_walker_vma(w)) {
		w->stop = va;
		return -ENOSPC;
	}
	e = &out->ents[out->n++];
	*e = m->tmpl;
	e->va = va;
	e->raw = raw;
	e->pfn = pfn;
	e->linux_flags = l;
	w->run_ok = m->tmpl.state == MMSCOPE_PAGEWALK_PRESENT;
	return 0;
}

/*
 * The core's ->pte_run() for the compact format without paths: the PTEs
 * of one table, locked; present ones are written straight out (compact
 * entries have no path: no step to note), the rest decoded as records.
 */
int pw_pte_run_compact(struct mmscope_walk *walk, pte_t *start,
		       unsigned long addr, unsigned long end)
{
	struct pw_walker *w = container_of(walk, struct pw_walker, walk);
	pte_t *pte;
	pte_t val;
	int ret = 0;

	for (pte = start; addr != end; pte++, addr += PAGE_SIZE) {
		val = ptep_get(pte);
		if (!pte_none(val) && pte_present(val)) {
			ret = pw_pte_compact(w, addr, val);
		} else {
			mmscope_walk_note_pte(walk, pte, val);
			if (pte_none(val))
				ret = pw_hole(w, walk->depth, addr,
					      addr + PAGE_SIZE,
					      MMSCOPE_PAGEWALK_PTE, pte_val(val));
			else
				ret = pw_leaf(w, walk->depth, addr, PAGE_SIZE,
					      MMSCOPE_PAGEWALK_PTE, pte_val(val),
					      false, 0);
		}
		if (ret)
			break;
	}
	return ret;
}
