// SPDX-License-Identifier: GPL-2.0
/*
 * mmscope_thp: the large folios of the THP region (MMSCOPE_THP_IOC_FOLIOS)
 * against pagemap; the THP verdict of 1,000 VMAs (half MADV_HUGEPAGE,
 * half MADV_NOHUGEPAGE) through MMSCOPE_THP_IOC_VMAS against reading
 * /proc/self/smaps for the same verdicts (THPeligible).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "bench.h"

#define THP_VMAS	1000
#define THP_CHUNK	(2UL << 20)

static int thp_fd = -1;
static char *thp_vma_map;

static int thp_fd_get(void)
{
	if (thp_fd < 0)
		thp_fd = open_ctl("thp");
	return thp_fd;
}

static int bench_thp_folios(const struct region *r, unsigned long long *calls)
{
	struct mmscope_thp_folio *f = NULL;
	uint64_t sum = 0;
	size_t n = 0, i;
	int ret;

	ret = mmscope_thp_folios(thp_fd_get(), getpid(), (uintptr_t)r->map,
				 r->len, &f, &n);
	for (i = 0; i < n; i++)
		sum += f[i].head_pfn + f[i].total_mapcount;
	free(f);
	sink = sum;
	*calls = 1 + n / 256;
	if (ret) {
		errno = -ret;
		return -1;
	}
	return 0;
}

/* The 1,000 VMAs: 2 MiB each, not populated, the advice alternating. */
static int thp_vmas_check(const struct region *r)
{
	unsigned int i;

	(void)r;
	if (thp_vma_map)
		return 0;
	thp_vma_map = mmap(NULL, THP_VMAS * THP_CHUNK, PROT_READ | PROT_WRITE,
			   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (thp_vma_map == MAP_FAILED)
		die("mmap");
	for (i = 0; i < THP_VMAS; i++)
		if (madvise(thp_vma_map + i * THP_CHUNK, THP_CHUNK,
			    i & 1 ? MADV_NOHUGEPAGE : MADV_HUGEPAGE))
			die("madvise");
	return 0;
}

static size_t thp_vmas_pages(const struct region *r)
{
	(void)r;
	return THP_VMAS;
}

static int bench_thp_vmas(const struct region *r, unsigned long long *calls)
{
	struct mmscope_thp_vma *v = NULL;
	uint64_t sum = 0;
	size_t n = 0, i;
	int ret;

	(void)r;
	ret = mmscope_thp_vmas(thp_fd_get(), getpid(), &v, &n);
	for (i = 0; i < n; i++)
		sum += v[i].flags & MMSCOPE_THP_VMA_ELIGIBLE;
	free(v);
	sink = sum;
	*calls = 1 + n / 256;
	if (ret) {
		errno = -ret;
		return -1;
	}
	return 0;
}

/* The same verdicts from /proc/self/smaps: every THPeligible line. */
static int bench_smaps_vmas(const struct region *r, unsigned long long *calls)
{
	static char *buf;
	static size_t room;
	const char *key = "THPeligible:";
	size_t len = 0;
	uint64_t sum = 0;
	ssize_t got;
	char *p;
	int fd;

	(void)r;
	fd = open("/proc/self/smaps", O_RDONLY);
	if (fd < 0)
		return -1;
	*calls = 2;
	do {
		if (room - len < 65536) {
			room = room ? 2 * room : 1 << 20;
			buf = realloc(buf, room);
			if (!buf)
				die("realloc");
		}
		got = read(fd, buf + len, room - len - 1);
		if (got > 0)
			len += got;
		(*calls)++;
	} while (got > 0);
	close(fd);
	buf[len] = '\0';
	for (p = buf; (p = strstr(p, key)); p += strlen(key))
		sum += strtoul(p + strlen(key), NULL, 10);
	sink = sum;
	return got < 0 ? -1 : 0;
}

const struct bench_item bench_thp_items[] = {
	{ .name = "thp_folios_ioctl",
	  .regions = BENCH_THP,
	  .run = bench_thp_folios },
	{ .name = "thp_vmas",
	  .regions = BENCH_4K,
	  .run = bench_thp_vmas,
	  .check = thp_vmas_check,
	  .pages = thp_vmas_pages },
	{ .name = "smaps_thp_vmas",
	  .regions = BENCH_4K,
	  .run = bench_smaps_vmas,
	  .check = thp_vmas_check,
	  .pages = thp_vmas_pages },
	{ }
};
