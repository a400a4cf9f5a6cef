// SPDX-License-Identifier: GPL-2.0
/*
 * Kernel walks: pages the module owns (linear map, vmalloc, its own text)
 * walk to leaves whose PFN is the physical address the module reports
 * (virt_to_phys, vmalloc_to_page), in full records and compact entries;
 * and what is refused.
 */
#include <stdio.h>

#include "kselftest_harness.h"
#include "pagewalk_util.h"

MMSCOPE_REQUIRE(PW_DIR "/kaddr")

FIXTURE(kernel)
{
	int fd;
	char text[1024];
	struct mmscope_pagewalk_record recs[64];
	struct mmscope_pagewalk_path paths[64];
};

FIXTURE_SETUP(kernel)
{
	self->fd = pw_open();
	ASSERT_LE(0, self->fd);
	ASSERT_LT(0, mmscope_read_file(PW_DIR "/kaddr", self->text,
				       sizeof(self->text)));
}

FIXTURE_TEARDOWN(kernel)
{
	close(self->fd);
}

static int kaddr(const char *text, const char *what, uint64_t *va,
		 uint64_t *pa)
{
	char val[128];
	unsigned long long v, p;

	if (mmscope_text_field(text, what, ' ', val, sizeof(val)) ||
	    sscanf(val, "%llx %llx", &v, &p) != 2)
		return -1;
	*va = v;
	*pa = p;
	return 0;
}

FIXTURE_VARIANT(kernel)
{
	const char *what;
};

FIXTURE_VARIANT_ADD(kernel, linear_map) { .what = "linear" };
FIXTURE_VARIANT_ADD(kernel, vmalloc) { .what = "vmalloc" };
FIXTURE_VARIANT_ADD(kernel, module_text) { .what = "module" };

TEST_F(kernel, leaf_pfn_is_physical_address)
{
	struct mmscope_pagewalk_context ctx;
	const struct mmscope_pagewalk_record *r;
	const struct mmscope_pagewalk_path *p;
	uint64_t va, pa, next;
	uint32_t n = ARRAY_SIZE(self->recs), i;

	ASSERT_EQ(0, pw_context(self->fd, 0, &ctx));
	if (!(ctx.hw_flags & MMSCOPE_PAGEWALK_CTX_KERNEL))
		SKIP(return, "kernel walks unsupported here");
	ASSERT_EQ(0, kaddr(self->text, variant->what, &va, &pa))
		TH_LOG("kaddr: %s", self->text);
	ASSERT_EQ(0, pw_walk_once(self->fd, 0, MMSCOPE_PAGEWALK_KERNEL, va, 1,
				  self->recs, &n, self->paths, &next));
	ASSERT_EQ(1, n);
	r = &self->recs[0];
	p = &self->paths[0];
	ASSERT_EQ(MMSCOPE_PAGEWALK_PRESENT, r->state);
	ASSERT_LE(r->va, va);
	ASSERT_GT(r->va + r->size, va);
	ASSERT_EQ(pa / PW_PAGE, r->pfn + (va - r->va) / PW_PAGE)
		TH_LOG("va 0x%llx: leaf at 0x%llx size 0x%llx pfn 0x%llx",
		       (unsigned long long)va, (unsigned long long)r->va,
		       (unsigned long long)r->size,
		       (unsigned long long)r->pfn);
	/* kernel mappings are not user accessible */
	if (pw_is_arm64()) {
		ASSERT_FALSE(PW_HW(r, ARM64, USER));
	} else {
		ASSERT_FALSE(PW_HW(r, X86, US));
	}
	/* the path: root to leaf, each table where the entry above says */
	ASSERT_EQ(ctx.levels - (MMSCOPE_PAGEWALK_PTE - r->level), p->count);
	ASSERT_EQ(ctx.kernel_pgd_pa, p->step[0].entry_pa & ~(PW_PAGE - 1));
	for (i = 0; i + 1 < p->count; i++)
		ASSERT_EQ(p->step[i].next_pa,
			  p->step[i + 1].entry_pa -
			  p->step[i + 1].index * sizeof(uint64_t));
	ASSERT_EQ(r->raw, p->step[p->count - 1].raw);
	ASSERT_EQ(r->level, p->step[p->count - 1].level);
}

/*
 * The compact format walks kernel tables too: the same leaf as the full
 * record (all but the VMA, which a kernel walk has none of), the same
 * PFN, and no row in the VMA table.
 */
TEST_F(kernel, compact_entry_equals_full_record)
{
	struct mmscope_pagewalk_entry e[4];
	struct mmscope_pagewalk_vma vma;
	struct mmscope_pagewalk_context ctx;
	const struct mmscope_pagewalk_record *r = &self->recs[0];
	uint32_t n = ARRAY_SIZE(self->recs), ne = ARRAY_SIZE(e), nvma = 1;
	uint64_t va, pa, next;

	ASSERT_EQ(0, pw_context(self->fd, 0, &ctx));
	if (!(ctx.hw_flags & MMSCOPE_PAGEWALK_CTX_KERNEL))
		SKIP(return, "kernel walks unsupported here");
	ASSERT_EQ(0, kaddr(self->text, variant->what, &va, &pa));
	ASSERT_EQ(0, pw_walk_once(self->fd, 0, MMSCOPE_PAGEWALK_KERNEL, va, 1,
				  self->recs, &n, NULL, &next));
	ASSERT_EQ(0, pw_walk_compact(self->fd, 0, MMSCOPE_PAGEWALK_KERNEL, va, 1,
				     e, &ne, &vma, &nvma, &next));
	ASSERT_EQ(1, n);
	ASSERT_EQ(1, ne);
	ASSERT_EQ(0, nvma);
	ASSERT_EQ(r->va, e[0].va);
	ASSERT_EQ(r->size, (uint64_t)e[0].pages * PW_PAGE);
	ASSERT_EQ(r->raw, e[0].raw);
	ASSERT_EQ(r->pfn, e[0].pfn);
	ASSERT_EQ(r->hw, e[0].hw);
	ASSERT_EQ(r->linux_flags, e[0].linux_flags);
	ASSERT_EQ(r->level, e[0].level);
	ASSERT_EQ(r->state, e[0].state);
	ASSERT_EQ(pa / PW_PAGE, e[0].pfn + (va - e[0].va) / PW_PAGE);
}

/* The range contract: an address on the wrong side is EFAULT. */
TEST_F(kernel, refused_on_the_wrong_side_or_with_pid)
{
	uint64_t va, pa;
	uint32_t n = 1;

	ASSERT_EQ(0, kaddr(self->text, "linear", &va, &pa));
	/* a kernel address with a pid */
	ASSERT_EQ(EFAULT, pw_walk_once(self->fd, getpid(), 0, va, PW_PAGE,
				       self->recs, &n, NULL, NULL));
	/* a kernel walk takes no pid */
	n = 1;
	ASSERT_EQ(EINVAL, pw_walk_once(self->fd, getpid(), MMSCOPE_PAGEWALK_KERNEL,
				       va, PW_PAGE, self->recs, &n, NULL,
				       NULL));
	/* a user address in a kernel walk */
	n = 1;
	ASSERT_EQ(EFAULT, pw_walk_once(self->fd, 0, MMSCOPE_PAGEWALK_KERNEL,
				       (uintptr_t)self, PW_PAGE, self->recs,
				       &n, NULL, NULL));
}

TEST_HARNESS_MAIN
