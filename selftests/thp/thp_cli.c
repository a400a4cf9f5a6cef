// SPDX-License-Identifier: GPL-2.0
/*
 * mmscope thp map -j: the cells of a 6 MiB VMA holding a PMD-mapped THP,
 * a THP half unmapped (PTE-mapped) and a split one (small pages) equal
 * what the folio list and smaps say; mmscope thp vmas -j names the
 * verdict smaps gives.
 */
#include <stdint.h>

#include <mmscope/pageref.h>

#include "kselftest_harness.h"
#include "thp_util.h"

MMSCOPE_REQUIRE(THP_CTL)

#define PAGEREF_CTL	MMSCOPE_DEBUGFS "/pageref/ctl"

static char out[1 << 20];

/* Pin the page at addr through the pageref module, until pfd is closed. */
static int pin_page(int pfd, const char *addr)
{
	struct mmscope_pageref_hold h = {
		.size = sizeof(h), .pid = getpid(), .len = 4096,
		.start = (uintptr_t)addr,
	};

	return ioctl(pfd, MMSCOPE_PAGEREF_IOC_PIN, &h);
}

/* The "cells" string of the VMA starting at start in map -j's output. */
static int cells_of(const char *json, uintptr_t start, char *cells, size_t size)
{
	char key[64];
	const char *p, *q;

	snprintf(key, sizeof(key), "\"start\":\"0x%lx\"", (unsigned long)start);
	p = strstr(json, key);
	if (!p || !(p = strstr(p, "\"cells\":\"")))
		return -1;
	p += strlen("\"cells\":\"");
	q = strchr(p, '"');
	if (!q || (size_t)(q - p) >= size)
		return -1;
	memcpy(cells, p, q - p);
	cells[q - p] = '\0';
	return 0;
}

TEST(map_cells_equal_folios_and_smaps)
{
	struct mmscope_thp_folio f[THP_MAX_FOLIOS];
	const char *args[] = { "-j", "thp", "map", "--pid", NULL, NULL };
	char pid[16], cells[16];
	struct mmscope_thp_op op;
	char *map, *p;
	int fd, pfd, n, i, pmd = 0, pte = 0;

	pfd = open(PAGEREF_CTL, O_RDWR);
	if (pfd < 0)
		SKIP(return, "mmscope_pageref is not loaded");
	ASSERT_EQ(0, mmscope_thp_push());
	ASSERT_EQ(0, mmscope_thp_set("enabled", "madvise"));
	fd = thp_open();
	ASSERT_LE(0, fd);
	map = mmap(NULL, 4 * THP_SIZE, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, map);
	/* keep exactly three aligned 2 MiB ranges: one VMA of 6 MiB */
	p = (char *)(((uintptr_t)map + THP_SIZE - 1) & ~(THP_SIZE - 1));
	if (p > map)
		munmap(map, p - map);
	munmap(p + 3 * THP_SIZE, map + 4 * THP_SIZE - (p + 3 * THP_SIZE));
	ASSERT_EQ(0, madvise(p, 3 * THP_SIZE, MADV_HUGEPAGE));
	for (i = 0; i < 3; i++) {
		thp_fill(p + i * THP_SIZE);
		if (!(thp_kflags(thp_pfn_of(p + i * THP_SIZE)) & KPF_BIT(KPF_THP)))
			SKIP(goto out, "no 2 MiB block free: the fault fell back");
	}
	/*
	 * khugepaged may not collapse the second and third ranges again
	 * behind the test: a pinned page there fails its reference check
	 * (MADV_NOHUGEPAGE would make the third cell "not eligible").
	 */
	ASSERT_EQ(0, pin_page(pfd, p + THP_SIZE));
	ASSERT_EQ(0, madvise(p + THP_SIZE + THP_SIZE / 2, THP_SIZE / 2,
			     MADV_DONTNEED));
	ASSERT_EQ(0, thp_op(fd, MMSCOPE_THP_IOC_SPLIT, getpid(),
			    p + 2 * THP_SIZE, 0, 0, &op));
	ASSERT_EQ(MMSCOPE_THP_OK, op.result);
	ASSERT_EQ(0, pin_page(pfd, p + 2 * THP_SIZE));

	snprintf(pid, sizeof(pid), "%d", getpid());
	args[4] = pid;
	ASSERT_EQ(0, mmscope_run_cli(args, out, sizeof(out)));
	ASSERT_EQ(0, cells_of(out, (uintptr_t)p, cells, sizeof(cells)))
		TH_LOG("%s", out);
	EXPECT_STREQ("HPs", cells);

	n = thp_folios(fd, getpid(), p, 3 * THP_SIZE, f);
	ASSERT_LE(0, n);
	for (i = 0; i < n; i++) {
		pmd += f[i].mapped == MMSCOPE_THP_MAPPED_PMD;
		pte += f[i].mapped == MMSCOPE_THP_MAPPED_PTE && f[i].order == 9;
	}
	EXPECT_EQ(1, pmd);
	EXPECT_EQ(1, pte);
	EXPECT_EQ(2048 * pmd, thp_smaps(p, "AnonHugePages"));
out:
	close(pfd);	/* drops the pins */
	munmap(p, 3 * THP_SIZE);
	close(fd);
	mmscope_thp_pop();
}

TEST(vmas_json_names_the_verdict)
{
	const char *args[] = { "-j", "thp", "vmas", "--pid", NULL, NULL };
	const char *want = "\"reasons\":[\"vm_nohugepage\"]";
	char pid[16], key[96];
	char *map;
	const char *q;

	map = mmap(NULL, 2 * THP_SIZE, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, map);
	ASSERT_EQ(0, madvise(map, 2 * THP_SIZE, MADV_NOHUGEPAGE));
	snprintf(pid, sizeof(pid), "%d", getpid());
	args[4] = pid;
	ASSERT_EQ(0, mmscope_run_cli(args, out, sizeof(out)));
	snprintf(key, sizeof(key), "\"start\":\"0x%lx\"", (unsigned long)map);
	q = strstr(out, key);
	ASSERT_NE(NULL, q) TH_LOG("%s", out);
	EXPECT_EQ(0, thp_smaps(map, "THPeligible"));
	EXPECT_EQ(0, strncmp(strstr(q, "\"eligible\":"), "\"eligible\":false", 16));
	EXPECT_EQ(0, strncmp(strstr(q, "\"reasons\":"), want, strlen(want)));
	EXPECT_NE(NULL, strstr(out, "\"settings\":{\"enabled\":"));
	munmap(map, 2 * THP_SIZE);
}

TEST_HARNESS_MAIN
