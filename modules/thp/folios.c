// SPDX-License-Identifier: GPL-2.0
/*
 * The large folios mapped in a range of a process, one record per folio
 * and way it is mapped there (a PMD, or a run of PTEs), read on the
 * core's walker in its locked mode: a PMD leaf under the PMD lock, PTEs
 * under their table's lock, so a folio seen mapped can be neither split
 * nor freed while its counts are read.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/hugetlb.h>
#include <linux/mm.h>
#include <linux/sched/mm.h>
#include <linux/seq_file.h>
#include <linux/shmem_fs.h>
#include <linux/slab.h>

#include <mmscope/core.h>
#include <mmscope/walk.h>

#include "internal.h"

/* Records per pass of the walker. */
#define THP_FOLIOS_CHUNK	64

struct thp_folio_walk {
	struct mmscope_thp_folio *recs;
	unsigned int n, max;
	struct folio *cur;	/* the folio of the PTE run in recs[n - 1] */
	unsigned long cur_va;	/* where that run would go on */
	unsigned long next;	/* where a full buffer stopped the walk */
};

static bool thp_vma_walkable(struct vm_area_struct *vma)
{
	return vma && !is_vm_hugetlb_page(vma) &&
	       !(vma->vm_flags & (VM_PFNMAP | VM_MIXEDMAP | VM_IO));
}

static void thp_folio_fill(struct folio *folio, struct vm_area_struct *vma,
			   unsigned int mapped, struct mmscope_thp_folio *rec)
{
	struct address_space *mapping = folio_test_anon(folio) ? NULL :
					 READ_ONCE(folio->mapping);
	long i, nr = folio_nr_pages(folio);
	int mc;

	rec->head_pfn = folio_pfn(folio);
	rec->order = folio_order(folio);
	rec->mapped = mapped;
	rec->entire_mapcount = folio_entire_mapcount(folio);
	rec->pincount = mmscope_folio_pincount(folio);
	rec->refcount = folio_ref_count(folio);
	if (mmscope_thp_pmd_only(folio)) {
		/* no page mapped by a PTE: each counts the PMD mappings */
		rec->total_mapcount = rec->entire_mapcount;
		rec->hist[clamp(rec->entire_mapcount, 0, MMSCOPE_THP_HIST - 1)] = nr;
	} else {
		rec->total_mapcount = mmscope_folio_total_mapcount(folio);
		for (i = 0; i < nr; i++) {
			mc = mmscope_page_mapcount(folio_page(folio, i));
			rec->hist[clamp(mc, 0, MMSCOPE_THP_HIST - 1)]++;
		}
	}
	if (folio_test_anon(folio)) {
		rec->kind = MMSCOPE_THP_KIND_ANON;
		rec->expected_refcount = rec->total_mapcount +
			(folio_test_swapcache(folio) ? nr : 0);
	} else {
		rec->kind = mapping && shmem_mapping(mapping) ?
			    MMSCOPE_THP_KIND_SHMEM : MMSCOPE_THP_KIND_FILE;
		rec->expected_refcount = rec->total_mapcount +
			(mapping ? nr : 0) + !!folio_test_private(folio);
	}
	/* Not anon, no mapping, mapped by a PMD of an anon VMA: the zero THP. */
	if (mapped == MMSCOPE_THP_MAPPED_PMD && !folio_test_anon(folio) &&
	    !folio->mapping && vma_is_anonymous(vma)) {
		rec->info |= MMSCOPE_THP_F_HUGE_ZERO;
		rec->kind = MMSCOPE_THP_KIND_ANON;
		rec->expected_refcount = rec->refcount;
	}
	if (MMSCOPE_THP_HAS_DOUBLE_MAP)
		rec->info |= MMSCOPE_THP_F_HAS_DOUBLE_MAP;
	if (mmscope_thp_double_map(folio))
		rec->info |= MMSCOPE_THP_F_DOUBLE_MAP;
	if (mmscope_thp_deferred(folio))
		rec->info |= MMSCOPE_THP_F_DEFERRED_SPLIT;
	if (mmscope_thp_partially_mapped(folio))
		rec->info |= MMSCOPE_THP_F_PARTIALLY_MAPPED;
	if (folio_maybe_dma_pinned(folio))
		rec->info |= MMSCOPE_THP_F_MAYBE_DMA_PINNED;
	if (folio_test_swapcache(folio))
		rec->info |= MMSCOPE_THP_F_SWAPCACHE;
}

/* A new record for folio at va, or 1 (stop) with the buffer full. */
static int thp_folio_add(struct thp_folio_walk *fw, struct folio *folio,
			 struct vm_area_struct *vma, unsigned int mapped,
			 unsigned long va)
{
	struct mmscope_thp_folio *rec;

	if (fw->n == fw->max) {
		fw->next = va;
		return 1;
	}
	rec = &fw->recs[fw->n++];
	memset(rec, 0, sizeof(*rec));
	rec->va = va;
	thp_folio_fill(folio, vma, mapped, rec);
	return 0;
}

static int thp_on_pmd(struct mmscope_walk *w, pmd_t *pmdp, pmd_t pmd,
		      unsigned long addr, unsigned long end)
{
	struct thp_folio_walk *fw = w->priv;
	unsigned long pfn = pmd_pfn(pmd);
	struct page *page;

	fw->cur = NULL;
	if (!thp_vma_walkable(w->vma) || !pmd_trans_huge(pmd) ||
	    !pfn_valid(pfn))
		return 0;
	page = pfn_to_page(pfn);
	return thp_folio_add(fw, page_folio(page), w->vma,
			     MMSCOPE_THP_MAPPED_PMD, addr & HPAGE_PMD_MASK);
}

static int thp_on_ptes(struct mmscope_walk *w, pte_t *ptep,
		       unsigned long addr, unsigned long end)
{
	struct thp_folio_walk *fw = w->priv;
	struct folio *folio;
	unsigned long pfn;
	pte_t pte;
	int ret;

	if (!thp_vma_walkable(w->vma)) {
		fw->cur = NULL;
		return 0;
	}
	for (; addr < end; addr += PAGE_SIZE, ptep++) {
		pte = ptep_get(ptep);
		pfn = pte_pfn(pte);
		if (!pte_present(pte) || pte_special(pte) || !pfn_valid(pfn)) {
			fw->cur = NULL;
			continue;
		}
		folio = page_folio(pfn_to_page(pfn));
		if (!folio_test_large(folio)) {
			fw->cur = NULL;
			continue;
		}
		if (folio == fw->cur && addr == fw->cur_va) {
			fw->recs[fw->n - 1].ptes_mapped++;
			fw->cur_va += PAGE_SIZE;
			continue;
		}
		ret = thp_folio_add(fw, folio, w->vma, MMSCOPE_THP_MAPPED_PTE,
				    addr);
		if (ret)
			return ret;
		fw->recs[fw->n - 1].ptes_mapped = 1;
		fw->cur = folio;
		fw->cur_va = addr + PAGE_SIZE;
	}
	return 0;
}

static int thp_on_hole(struct mmscope_walk *w, unsigned long addr,
		       unsigned long end, unsigned int level, u64 raw)
{
	struct thp_folio_walk *fw = w->priv;

	fw->cur = NULL;
	return 0;
}

static const struct mmscope_walk_ops thp_folio_ops = {
	.leaf_pmd = thp_on_pmd,
	.pte_run = thp_on_ptes,
	.hole = thp_on_hole,
};

int thp_folios_get(struct mm_struct *mm, unsigned long start,
		   unsigned long end, struct mmscope_thp_folio *recs,
		   unsigned int max, unsigned long *next)
{
	struct thp_folio_walk fw = { .recs = recs, .max = max };
	struct mmscope_walk w = {
		.ops = &thp_folio_ops, .priv = &fw,
		.mode = MMSCOPE_WALK_LOCKED, .mm = mm,
	};
	int ret;

	ret = mmscope_walk(&w, start, end);
	if (ret < 0)
		return ret;
	*next = ret ? fw.next : end;
	return fw.n;
}

long thp_ioc_folios(struct file *file, unsigned int cmd, void *arg)
{
	struct mmscope_thp_folios *a = arg;
	struct mmscope_thp_folio *recs;
	unsigned int done = 0;
	struct mmscope_range r;
	unsigned long next;
	int n, ret;

	BUILD_BUG_ON(sizeof(*a) != MMSCOPE_THP_FOLIOS_SIZE_VER0);
	if (a->flags || a->pad)
		return -EINVAL;
	if (a->count && (!a->records || !a->record_size))
		return -EINVAL;
	ret = mmscope_range_get(a->pid, a->start, a->len,
				MMSCOPE_RANGE_MM | MMSCOPE_RANGE_MAPPED, &r);
	if (ret)
		return ret;
	recs = kmalloc_array(THP_FOLIOS_CHUNK, sizeof(*recs), GFP_KERNEL);
	if (!recs) {
		mmscope_range_put(&r);
		return -ENOMEM;
	}
	next = r.start;
	while (done < a->count && next < r.end) {
		n = thp_folios_get(r.mm, next, r.end, recs,
				   min_t(u32, a->count - done,
					 THP_FOLIOS_CHUNK), &next);
		if (n < 0) {
			ret = n;
			break;
		}
		ret = mmscope_copy_array(a->records +
					 (u64)done * a->record_size,
					 recs, n, sizeof(*recs),
					 a->record_size);
		if (ret)
			break;
		done += n;
	}
	kfree(recs);
	mmscope_range_put(&r);
	if (ret)
		return ret;
	a->count = done;
	a->next = next;
	return 0;
}

static void thp_folio_line(struct seq_file *m,
			   const struct mmscope_thp_folio *f)
{
	static const char *const mapped[] = MMSCOPE_THP_MAPPED_NAMES;
	unsigned int i;

	seq_printf(m, "%012llx pfn %llx order %u %s ptes %u entire %d total %d pin %d ref %d/%d %s%s%s%s%s%s hist",
		   f->va, f->head_pfn, f->order, mapped[f->mapped],
		   f->ptes_mapped, f->entire_mapcount, f->total_mapcount,
		   f->pincount, f->refcount, f->expected_refcount,
		   thp_kind_names[f->kind],
		   f->info & MMSCOPE_THP_F_DOUBLE_MAP ? " doublemap" : "",
		   f->info & MMSCOPE_THP_F_DEFERRED_SPLIT ? " deferred" : "",
		   f->info & MMSCOPE_THP_F_PARTIALLY_MAPPED ? " partial" : "",
		   f->info & MMSCOPE_THP_F_HUGE_ZERO ? " huge_zero" : "",
		   f->info & MMSCOPE_THP_F_MAYBE_DMA_PINNED ? " pinned" : "");
	for (i = 0; i < MMSCOPE_THP_HIST; i++)
		if (f->hist[i])
			seq_printf(m, " %u:%u", i, f->hist[i]);
	seq_putc(m, '\n');
}

int thp_folios_show_range(struct seq_file *m, pid_t pid, u64 start, u64 len)
{
	struct mmscope_thp_folio *recs;
	struct mmscope_range r;
	unsigned long next;
	int n, i, ret;

	ret = mmscope_range_get(pid, start, len,
				MMSCOPE_RANGE_MM | MMSCOPE_RANGE_MAPPED, &r);
	if (ret)
		return ret;
	recs = kmalloc_array(THP_FOLIOS_CHUNK, sizeof(*recs), GFP_KERNEL);
	if (!recs) {
		mmscope_range_put(&r);
		return -ENOMEM;
	}
	seq_printf(m, "# pid %d %llx-%llx: va pfn order mapped ptes entire total pin ref/expected kind flags hist\n",
		   pid, r.start, r.end);
	for (next = r.start; next < r.end;) {
		n = thp_folios_get(r.mm, next, r.end, recs, THP_FOLIOS_CHUNK,
				   &next);
		if (n < 0) {
			ret = n;
			break;
		}
		for (i = 0; i < n; i++)
			thp_folio_line(m, &recs[i]);
	}
	kfree(recs);
	mmscope_range_put(&r);
	return ret;
}
