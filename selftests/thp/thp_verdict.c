// SPDX-License-Identifier: GPL-2.0
/*
 * The kernel's THP verdict on a VMA, as the module reports it, equals
 * smaps' THPeligible for each case, and the reason for a no is named:
 * default, MADV_HUGEPAGE, MADV_NOHUGEPAGE, PR_SET_THP_DISABLE, a 1 MiB
 * mapping, each sysfs `enabled` mode (saved and restored), shmem and a
 * file.
 */
#include <sys/prctl.h>

#include "kselftest_harness.h"
#include "thp_util.h"

MMSCOPE_REQUIRE(THP_CTL)

enum vcase { V_DEFAULT, V_HUGEPAGE, V_NOHUGEPAGE, V_PRCTL, V_SMALL, V_SHMEM,
	     V_FILE };

FIXTURE(verdict)
{
	int fd;
};

FIXTURE_VARIANT(verdict)
{
	const char *enabled;
	enum vcase c;
	int eligible;		/* -1: whatever smaps says */
	int reason;		/* -1: none expected */
};

#define V(name, en, cs, el, r) \
	FIXTURE_VARIANT_ADD(verdict, name) { .enabled = en, .c = cs, \
		.eligible = el, .reason = r }

V(always_default, "always", V_DEFAULT, 1, -1);
V(madvise_default, "madvise", V_DEFAULT, 0, MMSCOPE_THP_R_SYSFS_MADVISE);
V(madvise_hugepage, "madvise", V_HUGEPAGE, 1, -1);
V(never_hugepage, "never", V_HUGEPAGE, 0, MMSCOPE_THP_R_SYSFS_NEVER);
V(always_nohugepage, "always", V_NOHUGEPAGE, 0, MMSCOPE_THP_R_VM_NOHUGEPAGE);
V(always_prctl, "always", V_PRCTL, 0, MMSCOPE_THP_R_PRCTL_DISABLE);
V(always_1mib, "always", V_SMALL, 0, MMSCOPE_THP_R_TOO_SMALL);
V(always_shmem, "always", V_SHMEM, -1, MMSCOPE_THP_R_SHMEM);
V(always_file, "always", V_FILE, -1, MMSCOPE_THP_R_FILE);

FIXTURE_SETUP(verdict)
{
	self->fd = thp_open();
	ASSERT_LE(0, self->fd);
	ASSERT_EQ(0, mmscope_thp_push());
	ASSERT_EQ(0, mmscope_thp_set("enabled", variant->enabled));
}

FIXTURE_TEARDOWN(verdict)
{
	prctl(PR_SET_THP_DISABLE, 0, 0, 0, 0);
	mmscope_thp_pop();
	close(self->fd);
}

TEST_F(verdict, equals_smaps_thpeligible)
{
	struct mmscope_thp_settings s;
	struct mmscope_region r = { .fd = -1 };
	struct mmscope_thp_vma v;
	size_t len = 2 * THP_SIZE;
	char *map = NULL, *p;
	uint64_t reasons;
	long smaps;
	int want;

	switch (variant->c) {
	case V_SHMEM:
		map = mmap(NULL, len, PROT_READ | PROT_WRITE,
			   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
		break;
	case V_FILE:
		ASSERT_EQ(0, mmscope_region_make(&r, MMSCOPE_REGION_FILE, 1024,
						 MMSCOPE_REGION_EMPTY));
		break;
	case V_SMALL:
		len = THP_SIZE / 2;
		/* fall through */
	default:
		map = mmap(NULL, len, PROT_READ | PROT_WRITE,
			   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	}
	ASSERT_NE(MAP_FAILED, map);
	p = map ? map : r.start;
	if (variant->c == V_HUGEPAGE)
		ASSERT_EQ(0, madvise(p, len, MADV_HUGEPAGE));
	if (variant->c == V_NOHUGEPAGE)
		ASSERT_EQ(0, madvise(p, len, MADV_NOHUGEPAGE));
	if (variant->c == V_PRCTL)
		ASSERT_EQ(0, prctl(PR_SET_THP_DISABLE, 1, 0, 0, 0));
	ASSERT_EQ(0, mmscope_thp_settings_read(&s));
	ASSERT_EQ(0, thp_vma_of(self->fd, p, &v));
	smaps = thp_smaps(p, "THPeligible");
	reasons = mmscope_thp_vma_reasons(&v, &s);
	ASSERT_LE(0, smaps);
	EXPECT_EQ(smaps, !!(v.flags & MMSCOPE_THP_VMA_ELIGIBLE));
	if (variant->eligible >= 0)
		EXPECT_EQ(variant->eligible, smaps);
	want = variant->reason;
	/* the guest's files may be on tmpfs: shmem, with shmem's reason */
	if (variant->c == V_FILE && v.kind == MMSCOPE_THP_KIND_SHMEM)
		want = MMSCOPE_THP_R_SHMEM;
	if (!smaps && want >= 0)
		EXPECT_TRUE(reasons & (1ULL << want))
			TH_LOG("reasons 0x%llx on %s", (unsigned long long)reasons,
			       variant->c == V_FILE ? r.fs : "");
	if (smaps)
		EXPECT_EQ(0u, reasons);
	if (variant->c == V_SMALL)
		EXPECT_EQ(MMSCOPE_THP_KIND_ANON, v.kind);
	if (variant->c == V_SHMEM)
		EXPECT_EQ(MMSCOPE_THP_KIND_SHMEM, v.kind);
	if (variant->c == V_FILE)
		EXPECT_NE(MMSCOPE_THP_KIND_ANON, v.kind);
	if (map)
		munmap(map, len);
	else
		mmscope_region_free(&r);
}

TEST_HARNESS_MAIN
