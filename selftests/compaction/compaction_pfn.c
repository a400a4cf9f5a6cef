// SPDX-License-Identifier: GPL-2.0
/*
 * Why a page can or cannot move, against /proc/kpageflags (pages whose
 * flags were the same before and after the query): free buddy pages,
 * LRU, slab, page-table and reserved pages; and a manual compaction
 * (/proc/sys/vm/compact_memory) seen in /proc/vmstat, with the data of a
 * fragmented test buffer intact.
 */
#include <sys/mman.h>

#include "kselftest_harness.h"
#include "compaction_util.h"

MMSCOPE_REQUIRE(CP_CTL)

/* PFNs looked at: the first 256 MiB of memory, in one read. */
#define SCAN_PFNS	65536
/* Pages checked per kind at most. */
#define PER_KIND	16

static uint64_t flags[SCAN_PFNS];

static int pfn_query(int fd, uint64_t pfn, struct mmscope_compaction_pfn *p)
{
	memset(p, 0, sizeof(*p));
	p->size = sizeof(*p);
	p->pfn = pfn;
	return ioctl(fd, MMSCOPE_COMPACTION_IOC_PFN, p) ? -errno : 0;
}

struct kind {
	int bit;
	unsigned int reason, alt;
	int movable;
};

static const struct kind kinds[] = {
	{ KPF_BUDDY, MMSCOPE_COMPACTION_R_FREE, MMSCOPE_COMPACTION_R_FREE, 1 },
	{ KPF_LRU, MMSCOPE_COMPACTION_R_LRU, MMSCOPE_COMPACTION_R_PINNED, -1 },
	{ KPF_SLAB, MMSCOPE_COMPACTION_R_SLAB, MMSCOPE_COMPACTION_R_SLAB, 0 },
	{ KPF_PGTABLE, MMSCOPE_COMPACTION_R_PAGETABLE, MMSCOPE_COMPACTION_R_PAGETABLE, 0 },
	{ 32 /* KPF_RESERVED */, MMSCOPE_COMPACTION_R_RESERVED,
	  MMSCOPE_COMPACTION_R_RESERVED, 0 },
};

TEST(kpageflags)
{
	struct cp_snap s;
	uint64_t start = ~0ULL, end = 0, n, pfn, again;
	unsigned int k, i;
	int fd = cp_open();

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, cp_zones(fd, &s));
	for (i = 0; i < s.n; i++) {
		if (s.z[i].start_pfn + s.z[i].spanned > end)
			end = s.z[i].start_pfn + s.z[i].spanned;
		if (s.z[i].start_pfn < start)
			start = s.z[i].start_pfn;
	}
	/* memory starts at 1 GiB on arm64's virt machine */
	n = end - start < SCAN_PFNS ? end - start : SCAN_PFNS;
	ASSERT_EQ(0, mmscope_kpageflags_read(start, n, flags)) TH_LOG("%s", mmscope_error);
	for (k = 0; k < ARRAY_SIZE(kinds); k++) {
		unsigned int checked = 0;

		for (i = 0; i < n && checked < PER_KIND; i++) {
			struct mmscope_compaction_pfn p;
			uint64_t bit = KPF_BIT(kinds[k].bit), f = flags[i];

			pfn = start + i;
			if (!(f & bit) || (f & KPF_BIT(KPF_COMPOUND_TAIL)) ||
			    (kinds[k].bit != 32 && (f & KPF_BIT(32))))
				continue;
			ASSERT_EQ(0, pfn_query(fd, pfn, &p));
			ASSERT_EQ(0, mmscope_kpageflags_read(pfn, 1, &again));
			if (again != f)
				continue;	/* it changed: no oracle */
			EXPECT_TRUE(p.reason == kinds[k].reason ||
				    p.reason == kinds[k].alt)
				TH_LOG("pfn %llu kpageflags %#llx: reason %u",
				       (unsigned long long)pfn,
				       (unsigned long long)f, p.reason);
			if (kinds[k].movable >= 0)
				EXPECT_EQ(kinds[k].movable, (int)p.movable);
			/* every page of a free block is BUDDY in kpageflags */
			if (kinds[k].bit == KPF_BUDDY) {
				EXPECT_LE(p.head_pfn, pfn);
				EXPECT_GT(p.head_pfn + (1ULL << p.order), pfn);
			}
			checked++;
		}
		TH_LOG("kpageflags bit %d: %u pages checked", kinds[k].bit, checked);
		if (kinds[k].bit == KPF_BUDDY || kinds[k].bit == 32)
			EXPECT_LT(0, checked);
	}
	close(fd);
}

#define BUF_PAGES	8192

TEST(compact_memory)
{
	unsigned long long scanned, isolated;
	size_t i, pg = getpagesize();
	char *buf;
	int fd;

	buf = mmap(NULL, BUF_PAGES * pg, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, buf);
	madvise(buf, BUF_PAGES * pg, MADV_NOHUGEPAGE);
	for (i = 0; i < BUF_PAGES; i++)
		buf[i * pg] = (char)i;
	/* free every other page: holes for compaction to close */
	for (i = 1; i < BUF_PAGES; i += 2)
		madvise(buf + i * pg, pg, MADV_DONTNEED);
	scanned = cp_vmstat("compact_migrate_scanned");
	isolated = cp_vmstat("compact_isolated");
	fd = open("/proc/sys/vm/compact_memory", O_WRONLY);
	ASSERT_LE(0, fd);
	ASSERT_EQ(1, write(fd, "1", 1));
	close(fd);
	EXPECT_LT(scanned, cp_vmstat("compact_migrate_scanned"));
	EXPECT_LT(isolated, cp_vmstat("compact_isolated"));
	for (i = 0; i < BUF_PAGES; i += 2)
		ASSERT_EQ((char)i, buf[i * pg]);
	munmap(buf, BUF_PAGES * pg);
}

TEST_HARNESS_MAIN
