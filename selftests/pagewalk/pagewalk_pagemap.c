// SPDX-License-Identifier: GPL-2.0
/*
 * For every page of a range of each kind (written anon, read-only anon on
 * the zero page, private and shared file mappings, shmem, a THP,
 * PROT_NONE, an unmapped gap, a hugetlb page; made by
 * selftests/lib/region.c), the walk's state and PFN equal
 * /proc/self/pagemap's and its residency equals mincore()'s; then what
 * each kind implies.
 */
#include <stdio.h>
#include <sys/mman.h>

#include "kselftest_harness.h"
#include "pagewalk_util.h"
#include "region.h"

MMSCOPE_REQUIRE(PW_CTL)

#define NPAGES		16
#define THP_SIZE	MMSCOPE_HUGE_SIZE

/* What the test expects of each page. */
enum region_case {
	ANON_WRITTEN, ANON_READ, FILE_PRIVATE, FILE_SHARED, THP,
	PROT_NONE_EMPTY, PROT_NONE_POPULATED, GAP, HUGETLB,
};

FIXTURE(region)
{
	int fd;
	struct mmscope_region r;
	char *start;
	size_t npages;
	struct mmscope_pagewalk_record recs[4096];
	struct pw_page pages[1024];
	uint64_t pagemap[1024];
	unsigned char vec[1024];
};

FIXTURE_VARIANT(region)
{
	enum region_case kase;
	enum mmscope_region_kind kind;
	unsigned int flags;
};

FIXTURE_VARIANT_ADD(region, anon_written) {
	.kase = ANON_WRITTEN, .kind = MMSCOPE_REGION_ANON,
};
FIXTURE_VARIANT_ADD(region, anon_read_zero_page) {
	.kase = ANON_READ, .kind = MMSCOPE_REGION_ZERO,
};
FIXTURE_VARIANT_ADD(region, file_private) {
	.kase = FILE_PRIVATE, .kind = MMSCOPE_REGION_FILE,
	.flags = MMSCOPE_REGION_PRIVATE | MMSCOPE_REGION_READ,
};
FIXTURE_VARIANT_ADD(region, file_shared) {
	.kase = FILE_SHARED, .kind = MMSCOPE_REGION_FILE,
};
FIXTURE_VARIANT_ADD(region, shmem) {
	.kase = FILE_SHARED, .kind = MMSCOPE_REGION_SHMEM,
};
FIXTURE_VARIANT_ADD(region, thp_pmd) {
	.kase = THP, .kind = MMSCOPE_REGION_THP,
};
FIXTURE_VARIANT_ADD(region, prot_none_empty) {
	.kase = PROT_NONE_EMPTY, .kind = MMSCOPE_REGION_PROT_NONE,
	.flags = MMSCOPE_REGION_EMPTY,
};
FIXTURE_VARIANT_ADD(region, prot_none_populated) {
	.kase = PROT_NONE_POPULATED, .kind = MMSCOPE_REGION_PROT_NONE,
};
FIXTURE_VARIANT_ADD(region, unmapped_gap) {
	.kase = GAP, .kind = MMSCOPE_REGION_ANON,
};
FIXTURE_VARIANT_ADD(region, hugetlb_pmd) {
	.kase = HUGETLB, .kind = MMSCOPE_REGION_HUGETLB,
};

FIXTURE_SETUP(region)
{
	int ret;

	self->fd = pw_open();
	ASSERT_LE(0, self->fd);
	ret = mmscope_region_make(&self->r, variant->kind, NPAGES,
				  variant->flags);
	if (ret == -EOPNOTSUPP) {
		/* no teardown after a skipped setup */
		close(self->fd);
		SKIP(return, "%s", mmscope_error);
	}
	ASSERT_EQ(0, ret) TH_LOG("%s", mmscope_error);
	self->start = self->r.start;
	self->npages = self->r.npages;
	if (variant->kase == GAP)
		ASSERT_EQ(0, munmap(self->start + 4 * PW_PAGE, 4 * PW_PAGE));
}

FIXTURE_TEARDOWN(region)
{
	mmscope_region_free(&self->r);
	close(self->fd);
}

static bool rec_present(const struct mmscope_pagewalk_record *r)
{
	return r->state == MMSCOPE_PAGEWALK_PRESENT ||
	       r->state == MMSCOPE_PAGEWALK_PROTNONE;
}

TEST_F(region, matches_pagemap_and_mincore)
{
	unsigned long start = (unsigned long)self->start;
	bool arm64 = pw_is_arm64();
	bool mincore_ok;
	size_t i;
	int ret;

	ret = pw_walk_pages(self->fd, getpid(), start, self->npages,
			    self->recs, ARRAY_SIZE(self->recs), self->pages);
	ASSERT_EQ(0, ret) TH_LOG("walk: %s", ret > 0 ? strerror(ret) :
				 "records do not cover the range");
	ASSERT_EQ(0, mmscope_pagemap_read(0, start, self->npages,
					  self->pagemap))
		TH_LOG("%s", mmscope_last_error());
	mincore_ok = !mincore(self->start, self->npages * PW_PAGE, self->vec);
	ASSERT_EQ(variant->kase != GAP, mincore_ok);

	for (i = 0; i < self->npages; i++) {
		const struct mmscope_pagewalk_record *r = self->pages[i].rec;
		uint64_t pm = self->pagemap[i];
		bool present = rec_present(r);

		ASSERT_EQ(!!(pm & PM_PRESENT), present)
			TH_LOG("page %zu: pagemap 0x%llx, walk state %u", i,
			       (unsigned long long)pm, r->state);
		if (present) {
			ASSERT_EQ(PM_PFN(pm), self->pages[i].pfn)
				TH_LOG("page %zu", i);
		}
		ASSERT_EQ(!!(pm & PM_SWAP), r->state == MMSCOPE_PAGEWALK_SWAP);
		if (r->state == MMSCOPE_PAGEWALK_SWAP) {
			ASSERT_EQ(PM_SWAP_TYPE(pm), r->swap_type);
			ASSERT_EQ(PM_SWAP_OFFSET(pm), r->swap_offset);
		}
		if (!mincore_ok)
			continue;
		/* file pages may be cached without being mapped */
		if (r->vma_kind == MMSCOPE_PAGEWALK_VMA_ANON) {
			ASSERT_EQ(self->vec[i] & 1, present)
				TH_LOG("page %zu", i);
		} else if (present) {
			ASSERT_EQ(1, self->vec[i] & 1) TH_LOG("page %zu", i);
		}
	}

	for (i = 0; i < self->npages; i++) {
		const struct mmscope_pagewalk_record *r = self->pages[i].rec;

		switch (variant->kase) {
		case ANON_WRITTEN:
			ASSERT_EQ(MMSCOPE_PAGEWALK_PRESENT, r->state);
			ASSERT_EQ(MMSCOPE_PAGEWALK_PTE, r->level);
			ASSERT_EQ(MMSCOPE_PAGEWALK_VMA_ANON, r->vma_kind);
			ASSERT_TRUE(r->linux_flags & MMSCOPE_PAGEWALK_L_WRITE);
			ASSERT_TRUE(r->linux_flags & MMSCOPE_PAGEWALK_L_DIRTY);
			ASSERT_TRUE(r->linux_flags & MMSCOPE_PAGEWALK_L_ANON);
			ASSERT_TRUE(r->linux_flags & MMSCOPE_PAGEWALK_L_EXCLUSIVE);
			break;
		case ANON_READ:
			ASSERT_EQ(MMSCOPE_PAGEWALK_PRESENT, r->state);
			ASSERT_TRUE(r->linux_flags & MMSCOPE_PAGEWALK_L_ZERO);
			ASSERT_TRUE(r->linux_flags & MMSCOPE_PAGEWALK_L_SPECIAL);
			ASSERT_FALSE(r->linux_flags & MMSCOPE_PAGEWALK_L_WRITE);
			ASSERT_EQ(self->pages[0].pfn, self->pages[i].pfn);
			break;
		case FILE_PRIVATE:
		case FILE_SHARED:
			ASSERT_EQ(MMSCOPE_PAGEWALK_PRESENT, r->state);
			ASSERT_FALSE(r->linux_flags & MMSCOPE_PAGEWALK_L_ANON);
			ASSERT_EQ(variant->kase == FILE_SHARED,
				  !!(r->linux_flags & MMSCOPE_PAGEWALK_L_WRITE));
			ASSERT_NE(MMSCOPE_PAGEWALK_VMA_ANON, r->vma_kind);
			ASSERT_NE(0, r->vma_end);
			break;
		case THP:
			if (r->level != MMSCOPE_PAGEWALK_PMD) {
				uint64_t kpf = 0;

				mmscope_kpageflags_read(self->pages[i].pfn, 1,
							&kpf);
				ASSERT_FALSE(kpf & KPF_BIT(KPF_THP))
					TH_LOG("kpageflags says THP, walk says %u",
					       r->level);
				SKIP(return, "no THP was allocated");
			}
			ASSERT_EQ(THP_SIZE, r->size);
			ASSERT_EQ(start, r->va);
			ASSERT_TRUE(r->linux_flags & MMSCOPE_PAGEWALK_L_HUGE);
			if (arm64) {
				ASSERT_EQ(MMSCOPE_PAGEWALK_DESC_BLOCK, r->desc_type);
			} else {
				ASSERT_TRUE(PW_HW(r, X86, PS));
			}
			break;
		case PROT_NONE_EMPTY:
			ASSERT_EQ(MMSCOPE_PAGEWALK_NONE, r->state);
			break;
		case PROT_NONE_POPULATED:
			ASSERT_EQ(MMSCOPE_PAGEWALK_PROTNONE, r->state);
			ASSERT_TRUE(r->linux_flags & MMSCOPE_PAGEWALK_L_PROTNONE);
			if (arm64) {
				ASSERT_FALSE(PW_HW(r, ARM64, VALID));
			} else {
				ASSERT_FALSE(PW_HW(r, X86, P));
			}
			break;
		case HUGETLB:
			ASSERT_EQ(MMSCOPE_PAGEWALK_PMD, r->level);
			ASSERT_EQ(MMSCOPE_PAGEWALK_VMA_HUGETLB, r->vma_kind);
			ASSERT_EQ(THP_SIZE, r->size);
			ASSERT_EQ(MMSCOPE_PAGEWALK_PRESENT, r->state);
			ASSERT_TRUE(r->linux_flags & MMSCOPE_PAGEWALK_L_HUGE);
			ASSERT_TRUE(r->linux_flags & MMSCOPE_PAGEWALK_L_WRITE);
			if (arm64) {
				ASSERT_EQ(MMSCOPE_PAGEWALK_DESC_BLOCK, r->desc_type);
			} else {
				ASSERT_TRUE(PW_HW(r, X86, PS));
			}
			break;
		case GAP:
			if (i >= 4 && i < 8) {
				ASSERT_EQ(MMSCOPE_PAGEWALK_NONE, r->state);
				ASSERT_EQ(MMSCOPE_PAGEWALK_VMA_NONE, r->vma_kind);
				ASSERT_EQ(0, r->vma_end);
				ASSERT_EQ(start + 4 * PW_PAGE, r->va);
				ASSERT_EQ(4 * PW_PAGE, r->size);
			} else {
				ASSERT_EQ(MMSCOPE_PAGEWALK_PRESENT, r->state);
			}
			break;
		}
	}
}

TEST_HARNESS_MAIN
