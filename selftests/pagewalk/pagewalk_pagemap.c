// SPDX-License-Identifier: GPL-2.0
/*
 * For every page of a range of each kind (written anon, read-only anon on
 * the zero page, private and shared file mappings, a THP, PROT_NONE, an
 * unmapped gap, a hugetlb page), the walk's state and PFN equal /proc/self/pagemap's and
 * its residency equals mincore()'s; then what each kind implies.
 */
#include <stdio.h>
#include <sys/mman.h>

#include "kselftest_harness.h"
#include "pagewalk_util.h"

MMSCOPE_REQUIRE(PW_CTL)

#define NPAGES		16
#define THP_SIZE	(2UL << 20)
#define THP_ENABLED	"/sys/kernel/mm/transparent_hugepage/enabled"

enum region_kind {
	ANON_WRITTEN, ANON_READ, FILE_PRIVATE, FILE_SHARED, THP,
	PROT_NONE_EMPTY, PROT_NONE_POPULATED, GAP, HUGETLB,
};

#define NR_HUGEPAGES	"/proc/sys/vm/nr_hugepages"

FIXTURE(region)
{
	int fd;
	char *map;
	size_t maplen;
	char *start;
	size_t npages;
	char thp_saved[64];
	char huge_saved[32];
	struct mmscope_pagewalk_record recs[4096];
	struct pw_page pages[1024];
	uint64_t pagemap[1024];
	unsigned char vec[1024];
};

FIXTURE_VARIANT(region)
{
	enum region_kind kind;
};

FIXTURE_VARIANT_ADD(region, anon_written) { .kind = ANON_WRITTEN };
FIXTURE_VARIANT_ADD(region, anon_read_zero_page) { .kind = ANON_READ };
FIXTURE_VARIANT_ADD(region, file_private) { .kind = FILE_PRIVATE };
FIXTURE_VARIANT_ADD(region, file_shared) { .kind = FILE_SHARED };
FIXTURE_VARIANT_ADD(region, thp_pmd) { .kind = THP };
FIXTURE_VARIANT_ADD(region, prot_none_empty) { .kind = PROT_NONE_EMPTY };
FIXTURE_VARIANT_ADD(region, prot_none_populated) { .kind = PROT_NONE_POPULATED };
FIXTURE_VARIANT_ADD(region, unmapped_gap) { .kind = GAP };
FIXTURE_VARIANT_ADD(region, hugetlb_pmd) { .kind = HUGETLB };

static int write_str(const char *path, const char *val)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = write(fd, val, strlen(val));
	close(fd);
	return n == (ssize_t)strlen(val) ? 0 : -1;
}

static int file_fd(size_t len)
{
	char path[] = "/tmp/pagewalkXXXXXX";
	char buf[4096];
	size_t off;
	int fd;

	fd = mkstemp(path);
	if (fd < 0)
		fd = memfd_create("pagewalk", MFD_CLOEXEC);
	else
		unlink(path);
	if (fd < 0)
		return -1;
	for (off = 0; off < len; off += sizeof(buf)) {
		memset(buf, (int)(off / sizeof(buf)) + 1, sizeof(buf));
		if (write(fd, buf, sizeof(buf)) != (ssize_t)sizeof(buf))
			return -1;
	}
	return fd;
}

static void touch(char *p, size_t npages, bool write)
{
	volatile char *v = p;
	size_t i;

	for (i = 0; i < npages; i++) {
		if (write)
			v[i * PW_PAGE] = (char)i + 1;
		else
			(void)v[i * PW_PAGE];
	}
}

FIXTURE_SETUP(region)
{
	size_t len = NPAGES * PW_PAGE;
	int ffd = -1;

	self->fd = pw_open();
	ASSERT_LE(0, self->fd);
	self->npages = NPAGES;
	self->maplen = len;
	self->thp_saved[0] = '\0';
	self->huge_saved[0] = '\0';

	switch (variant->kind) {
	case ANON_WRITTEN:
	case ANON_READ:
	case GAP:
	case PROT_NONE_POPULATED:
		self->map = mmap(NULL, len, PROT_READ | PROT_WRITE,
				 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		ASSERT_NE(MAP_FAILED, self->map);
		madvise(self->map, len, MADV_NOHUGEPAGE);
		self->start = self->map;
		touch(self->start, NPAGES, variant->kind != ANON_READ);
		if (variant->kind == PROT_NONE_POPULATED)
			ASSERT_EQ(0, mprotect(self->map, len, PROT_NONE));
		if (variant->kind == GAP)
			ASSERT_EQ(0, munmap(self->start + 4 * PW_PAGE,
					    4 * PW_PAGE));
		break;
	case FILE_PRIVATE:
	case FILE_SHARED:
		ffd = file_fd(len);
		ASSERT_LE(0, ffd);
		self->map = mmap(NULL, len, PROT_READ | PROT_WRITE,
				 variant->kind == FILE_SHARED ? MAP_SHARED :
				 MAP_PRIVATE, ffd, 0);
		close(ffd);
		ASSERT_NE(MAP_FAILED, self->map);
		self->start = self->map;
		touch(self->start, NPAGES, variant->kind == FILE_SHARED);
		break;
	case THP:
		if (mmscope_read_file(THP_ENABLED, self->thp_saved,
				      sizeof(self->thp_saved)) > 0 &&
		    strstr(self->thp_saved, "[never]")) {
			int t = open(THP_ENABLED, O_WRONLY);

			ASSERT_LE(0, t);
			ASSERT_EQ(7, write(t, "madvise", 7));
			close(t);
		} else {
			self->thp_saved[0] = '\0';
		}
		self->maplen = 2 * THP_SIZE;
		self->map = mmap(NULL, self->maplen, PROT_READ | PROT_WRITE,
				 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		ASSERT_NE(MAP_FAILED, self->map);
		self->start = (char *)(((uintptr_t)self->map + THP_SIZE - 1) &
				       ~(THP_SIZE - 1));
		self->npages = THP_SIZE / PW_PAGE;
		ASSERT_EQ(0, madvise(self->start, THP_SIZE, MADV_HUGEPAGE));
		touch(self->start, self->npages, true);
		break;
	case HUGETLB:
		self->map = NULL;
		ASSERT_LT(0, mmscope_read_file(NR_HUGEPAGES, self->huge_saved,
					       sizeof(self->huge_saved)));
		self->huge_saved[strcspn(self->huge_saved, "\n")] = '\0';
		if (write_str(NR_HUGEPAGES, "1"))
			SKIP(return, "cannot reserve a huge page");
		self->maplen = THP_SIZE;
		self->map = mmap(NULL, THP_SIZE, PROT_READ | PROT_WRITE,
				 MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB,
				 -1, 0);
		if (self->map == MAP_FAILED) {
			/* no teardown after a skipped setup */
			write_str(NR_HUGEPAGES, self->huge_saved);
			SKIP(return, "no huge page: %s", strerror(errno));
		}
		self->start = self->map;
		self->npages = THP_SIZE / PW_PAGE;
		touch(self->start, self->npages, true);
		break;
	case PROT_NONE_EMPTY:
		self->map = mmap(NULL, len, PROT_NONE,
				 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		ASSERT_NE(MAP_FAILED, self->map);
		self->start = self->map;
		break;
	}
}

FIXTURE_TEARDOWN(region)
{
	char *mode;
	int t;

	if (self->map && self->map != MAP_FAILED)
		munmap(self->map, self->maplen);
	if (self->huge_saved[0] && write_str(NR_HUGEPAGES, self->huge_saved))
		perror(NR_HUGEPAGES);
	if (self->thp_saved[0]) {
		/* "always [madvise] never" -> the word in brackets */
		mode = strchr(self->thp_saved, '[');
		t = open(THP_ENABLED, O_WRONLY);
		if (mode && t >= 0) {
			mode++;
			mode[strcspn(mode, "]")] = '\0';
			if (write(t, mode, strlen(mode)) < 0)
				perror(THP_ENABLED);
		}
		if (t >= 0)
			close(t);
	}
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
	ASSERT_EQ(variant->kind != GAP, mincore_ok);

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

		switch (variant->kind) {
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
			ASSERT_EQ(variant->kind == FILE_SHARED,
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
