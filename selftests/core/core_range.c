// SPDX-License-Identifier: GPL-2.0
/*
 * The range contract (docs/kernel-interfaces.md, "Ranges"): every command
 * of every module that takes (pid, start, len) answers the same mistake
 * with the same errno. One test per row of the table, each run on every
 * such command of the loaded modules.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <mmscope/core.h>
#include <mmscope/mmu_notifier.h>
#include <mmscope/pageref.h>
#include <mmscope/pagewalk.h>
#include <mmscope/thp.h>

#include "kselftest_harness.h"
#include "mmscope_test.h"

MMSCOPE_REQUIRE(MMSCOPE_DEBUGFS "/ctl")

#define NPAGES	4

/*
 * One command taking a range: 0 or the errno; on 0, *va is the address of
 * the first page it reported or took.
 */
struct range_cmd {
	const char *name;
	const char *ctl;
	bool needs_mapping;	/* nothing mapped: ENOENT, not a hole record */
	int (*call)(int fd, pid_t pid, uint64_t start, uint64_t len,
		    uint64_t *va);
};

static int pageref_query_cmd(int fd, pid_t pid, uint64_t start, uint64_t len,
			     uint64_t *va)
{
	struct mmscope_pageref_page r[1];
	struct mmscope_pageref_query q = {
		.size = sizeof(q), .pid = pid, .record_size = sizeof(r[0]),
		.start = start, .len = len, .records = (uintptr_t)r,
		.count = 1,
	};

	if (ioctl(fd, MMSCOPE_PAGEREF_IOC_QUERY, &q))
		return errno;
	*va = r[0].va;
	return 0;
}

static int pageref_get_cmd(int fd, pid_t pid, uint64_t start, uint64_t len,
			   uint64_t *va)
{
	struct mmscope_pageref_hold h = {
		.size = sizeof(h), .pid = pid, .start = start, .len = len,
	};
	struct mmscope_pageref_hold put = { .size = sizeof(put) };

	if (ioctl(fd, MMSCOPE_PAGEREF_IOC_GET, &h))
		return errno;
	put.id = h.id;
	if (ioctl(fd, MMSCOPE_PAGEREF_IOC_PUT, &put))
		return errno;
	/* the pages taken: from the page start is in, to the one len ends in */
	*va = put.pages == h.pages ? start & ~((uint64_t)getpagesize() - 1) :
				     ~0ULL;
	return 0;
}

static int pagewalk_walk_cmd(int fd, pid_t pid, uint64_t start, uint64_t len,
			     uint64_t *va)
{
	struct mmscope_pagewalk_record r[NPAGES];
	struct mmscope_pagewalk_walk w = {
		.size = sizeof(w), .pid = pid, .count = NPAGES,
		.start = start, .len = len, .records = (uintptr_t)r,
	};

	if (ioctl(fd, MMSCOPE_PAGEWALK_IOC_WALK, &w))
		return errno;
	*va = w.count ? r[0].va : ~0ULL;
	return 0;
}

/* An interval attachment, detached again; *va is the interval's start. */
static int mmu_notifier_attach_cmd(int fd, pid_t pid, uint64_t start,
				   uint64_t len, uint64_t *va)
{
	struct mmscope_mmu_notifier_attach a = {
		.size = sizeof(a), .flags = MMSCOPE_MMU_NOTIFIER_INTERVAL,
		.pid = pid, .start = start, .len = len,
	};
	struct mmscope_mmu_notifier_detach d = { .size = sizeof(d) };

	if (ioctl(fd, MMSCOPE_MMU_NOTIFIER_IOC_ATTACH, &a))
		return errno;
	if (ioctl(fd, MMSCOPE_MMU_NOTIFIER_IOC_DETACH, &d))
		return errno;
	*va = a.start;
	return 0;
}

static const struct range_cmd cmds[] = {
	{ "pageref QUERY", MMSCOPE_DEBUGFS "/pageref/ctl", true,
	  pageref_query_cmd },
	{ "pageref GET", MMSCOPE_DEBUGFS "/pageref/ctl", true,
	  pageref_get_cmd },
	/* kernel_ranges takes the last entry for pagewalk */
	{ "mmu_notifier ATTACH", MMSCOPE_DEBUGFS "/mmu_notifier/ctl", false,
	  mmu_notifier_attach_cmd },
	{ "pagewalk WALK", MMSCOPE_DEBUGFS "/pagewalk/ctl", false,
	  pagewalk_walk_cmd },
};

FIXTURE(range)
{
	int fd[ARRAY_SIZE(cmds)];
	unsigned int loaded;
	long psize;
	char *map;		/* NPAGES pages, every one touched */
	uint64_t va;
};

FIXTURE_SETUP(range)
{
	unsigned int i;

	self->psize = getpagesize();
	for (i = 0; i < ARRAY_SIZE(cmds); i++) {
		self->fd[i] = open(cmds[i].ctl, O_RDWR | O_CLOEXEC);
		self->loaded += self->fd[i] >= 0;
	}
	if (!self->loaded)
		SKIP(return, "no module that takes a range is loaded");
	self->map = mmap(NULL, NPAGES * self->psize, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, self->map);
	memset(self->map, 1, NPAGES * self->psize);
}

FIXTURE_TEARDOWN(range)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cmds); i++)
		if (self->fd[i] >= 0)
			close(self->fd[i]);
	if (self->map)
		munmap(self->map, NPAGES * self->psize);
}

/* Every loaded command gives want for (pid, start, len). */
#define EXPECT_ALL(want, pid, start, len)				\
	do {								\
		unsigned int __i;					\
									\
		for (__i = 0; __i < ARRAY_SIZE(cmds); __i++) {		\
			if (self->fd[__i] < 0)				\
				continue;				\
			EXPECT_EQ(want, cmds[__i].call(self->fd[__i], pid, \
						       start, len,	\
						       &self->va))	\
				TH_LOG("%s", cmds[__i].name);		\
		}							\
	} while (0)

TEST_F(range, zero_length_is_einval)
{
	EXPECT_ALL(EINVAL, getpid(), (uintptr_t)self->map, 0);
}

TEST_F(range, wrapping_range_is_eoverflow)
{
	EXPECT_ALL(EOVERFLOW, getpid(), (uintptr_t)self->map,
		   -(uint64_t)(uintptr_t)self->map);
	EXPECT_ALL(EOVERFLOW, getpid(), -(uint64_t)self->psize,
		   2 * self->psize);
	EXPECT_ALL(EOVERFLOW, getpid(), (uintptr_t)self->map, ~0ULL);
}

TEST_F(range, range_past_the_user_limit_is_eoverflow)
{
	EXPECT_ALL(EOVERFLOW, getpid(), (uintptr_t)self->map, 1ULL << 60);
}

TEST_F(range, kernel_address_with_a_pid_is_efault)
{
	EXPECT_ALL(EFAULT, getpid(), ~0ULL << 48, self->psize);
}

TEST_F(range, bad_pid_is_einval)
{
	EXPECT_ALL(EINVAL, -1, (uintptr_t)self->map, self->psize);
	EXPECT_ALL(EINVAL, 0, (uintptr_t)self->map, self->psize);
}

TEST_F(range, dead_pid_is_esrch)
{
	pid_t child = fork();

	ASSERT_LE(0, child);
	if (!child)
		_exit(0);
	ASSERT_EQ(child, waitpid(child, NULL, 0));
	EXPECT_ALL(ESRCH, child, (uintptr_t)self->map, self->psize);
}

TEST_F(range, nothing_mapped_is_enoent_or_a_hole)
{
	uint64_t gap = (uintptr_t)self->map + self->psize;
	unsigned int i;

	ASSERT_EQ(0, munmap(self->map + self->psize, self->psize));
	for (i = 0; i < ARRAY_SIZE(cmds); i++) {
		if (self->fd[i] < 0)
			continue;
		EXPECT_EQ(cmds[i].needs_mapping ? ENOENT : 0,
			  cmds[i].call(self->fd[i], getpid(), gap,
				       self->psize, &self->va))
			TH_LOG("%s", cmds[i].name);
	}
}

TEST_F(range, unaligned_start_is_rounded_down)
{
	uint64_t start = (uintptr_t)self->map + self->psize + 1;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cmds); i++) {
		if (self->fd[i] < 0)
			continue;
		self->va = 0;
		EXPECT_EQ(0, cmds[i].call(self->fd[i], getpid(), start,
					  self->psize, &self->va))
			TH_LOG("%s", cmds[i].name);
		EXPECT_EQ((uintptr_t)self->map + self->psize, self->va)
			TH_LOG("%s", cmds[i].name);
	}
}

/* Kernel ranges (pagewalk): no pid, and only the kernel half. */
TEST_F(range, kernel_ranges)
{
	struct mmscope_pagewalk_record r[1];
	struct mmscope_pagewalk_walk w = {
		.size = sizeof(w), .flags = MMSCOPE_PAGEWALK_KERNEL,
		.count = 1, .records = (uintptr_t)r, .len = self->psize,
	};
	int fd = self->fd[ARRAY_SIZE(cmds) - 1];

	if (fd < 0)
		SKIP(return, "pagewalk is not loaded");
	w.pid = getpid();
	w.start = ~0ULL << 48;
	EXPECT_EQ(-1, ioctl(fd, MMSCOPE_PAGEWALK_IOC_WALK, &w));
	EXPECT_EQ(EINVAL, errno);
	w.pid = 0;
	w.start = (uintptr_t)self->map;
	EXPECT_EQ(-1, ioctl(fd, MMSCOPE_PAGEWALK_IOC_WALK, &w));
	EXPECT_EQ(EFAULT, errno);
	w.start = -(uint64_t)self->psize;
	w.len = 2 * self->psize;
	EXPECT_EQ(-1, ioctl(fd, MMSCOPE_PAGEWALK_IOC_WALK, &w));
	EXPECT_EQ(EOVERFLOW, errno);
}

/*
 * THP's own rules (docs/thp.md, "Ranges"): the range contract's errnos
 * for a bad pid, a kernel address, a range past the user limit and a
 * short struct, but no rounding to a page and no hole records. FOLIOS
 * needs a mapping (ENOENT); COLLAPSE works on the 2 MiB-aligned part of
 * the range inside one VMA (none: EINVAL); SPLIT takes an address, any
 * byte of a folio, and len 0.
 */
#define THP_PMD		(2UL << 20)

FIXTURE(thp_range)
{
	int fd;
	char *map, *p;		/* p: 2 MiB-aligned, 2 MiB, one THP */
};

FIXTURE_SETUP(thp_range)
{
	self->fd = open(MMSCOPE_DEBUGFS "/thp/ctl", O_RDWR | O_CLOEXEC);
	if (self->fd < 0)
		SKIP(return, "mmscope_thp is not loaded");
	self->map = mmap(NULL, 3 * THP_PMD, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, self->map);
	self->p = (char *)(((uintptr_t)self->map + THP_PMD - 1) & ~(THP_PMD - 1));
	/* a THP where the kernel can give one, else small pages */
	madvise(self->p, THP_PMD, MADV_HUGEPAGE);
	memset(self->p, 1, THP_PMD);
}

FIXTURE_TEARDOWN(thp_range)
{
	if (self->fd >= 0)
		close(self->fd);
	if (self->map)
		munmap(self->map, 3 * THP_PMD);
}

static int thp_folios_cmd(int fd, pid_t pid, uint64_t start, uint64_t len,
			  uint32_t size)
{
	struct mmscope_thp_folio r[4];
	struct mmscope_thp_folios a = {
		.size = size, .pid = pid, .count = 4, .start = start,
		.len = len, .records = (uintptr_t)r, .record_size = sizeof(r[0]),
	};

	return ioctl(fd, MMSCOPE_THP_IOC_FOLIOS, &a) ? errno : 0;
}

static int thp_op_cmd(int fd, unsigned long cmd, pid_t pid, uint64_t start,
		      uint64_t len, uint32_t size)
{
	struct mmscope_thp_op a = {
		.size = size, .pid = pid, .start = start, .len = len,
	};

	return ioctl(fd, cmd, &a) ? errno : 0;
}

/* FOLIOS, COLLAPSE and SPLIT (SPLIT with len 0) each give want. */
#define EXPECT_THP(want, pid, start, len)				\
	do {								\
		EXPECT_EQ(want, thp_folios_cmd(self->fd, pid, start,	\
					       len, sizeof(struct mmscope_thp_folios))); \
		EXPECT_EQ(want, thp_op_cmd(self->fd, MMSCOPE_THP_IOC_COLLAPSE, \
					   pid, start, len,		\
					   sizeof(struct mmscope_thp_op))); \
		EXPECT_EQ(want, thp_op_cmd(self->fd, MMSCOPE_THP_IOC_SPLIT, \
					   pid, start, 0,		\
					   sizeof(struct mmscope_thp_op))); \
	} while (0)

TEST_F(thp_range, bad_pid_is_einval_exited_is_esrch)
{
	pid_t child;

	EXPECT_THP(EINVAL, -1, (uintptr_t)self->p, THP_PMD);
	EXPECT_THP(EINVAL, 0, (uintptr_t)self->p, THP_PMD);
	child = fork();
	ASSERT_LE(0, child);
	if (!child)
		_exit(0);
	ASSERT_EQ(child, waitpid(child, NULL, 0));
	EXPECT_THP(ESRCH, child, (uintptr_t)self->p, THP_PMD);
}

TEST_F(thp_range, kernel_address_is_efault)
{
	EXPECT_THP(EFAULT, getpid(), ~0ULL << 48, THP_PMD);
}

TEST_F(thp_range, huge_range_is_eoverflow)
{
	EXPECT_EQ(EOVERFLOW, thp_folios_cmd(self->fd, getpid(),
					    (uintptr_t)self->p, 1ULL << 60,
					    sizeof(struct mmscope_thp_folios)));
	EXPECT_EQ(EOVERFLOW, thp_op_cmd(self->fd, MMSCOPE_THP_IOC_COLLAPSE,
					getpid(), (uintptr_t)self->p, ~0ULL,
					sizeof(struct mmscope_thp_op)));
	/* SPLIT takes no length: any is refused */
	EXPECT_EQ(EINVAL, thp_op_cmd(self->fd, MMSCOPE_THP_IOC_SPLIT, getpid(),
				     (uintptr_t)self->p, THP_PMD,
				     sizeof(struct mmscope_thp_op)));
}

TEST_F(thp_range, unmapped_is_enoent)
{
	uint64_t gap = (uintptr_t)self->p + THP_PMD;

	ASSERT_EQ(0, munmap((void *)(uintptr_t)gap, THP_PMD / 2));
	EXPECT_THP(ENOENT, getpid(), gap, THP_PMD / 2);
}

TEST_F(thp_range, unaligned_collapse_is_einval_unaligned_split_is_not)
{
	uint64_t in = (uintptr_t)self->p + 4096 + 1;

	/* no aligned 2 MiB inside [p + 4097, p + 2 MiB) */
	EXPECT_EQ(EINVAL, thp_op_cmd(self->fd, MMSCOPE_THP_IOC_COLLAPSE,
				     getpid(), in, THP_PMD - 4097,
				     sizeof(struct mmscope_thp_op)));
	/* FOLIOS of an unaligned range: the folios it meets */
	EXPECT_EQ(0, thp_folios_cmd(self->fd, getpid(), in, 1,
				    sizeof(struct mmscope_thp_folios)));
	/* SPLIT at any byte of a THP; a small page there is EINVAL */
	EXPECT_NE(ENOENT, thp_op_cmd(self->fd, MMSCOPE_THP_IOC_SPLIT, getpid(),
				     in, 0, sizeof(struct mmscope_thp_op)));
}

TEST_F(thp_range, truncated_struct_is_einval)
{
	EXPECT_EQ(EINVAL, thp_folios_cmd(self->fd, getpid(), (uintptr_t)self->p,
					 THP_PMD, MMSCOPE_THP_FOLIOS_SIZE_VER0 - 8));
	EXPECT_EQ(EINVAL, thp_op_cmd(self->fd, MMSCOPE_THP_IOC_COLLAPSE,
				     getpid(), (uintptr_t)self->p, THP_PMD,
				     MMSCOPE_THP_OP_SIZE_VER0 - 8));
	EXPECT_EQ(EINVAL, thp_op_cmd(self->fd, MMSCOPE_THP_IOC_SPLIT, getpid(),
				     (uintptr_t)self->p, 0,
				     MMSCOPE_THP_OP_SIZE_VER0 - 8));
}

TEST_HARNESS_MAIN
