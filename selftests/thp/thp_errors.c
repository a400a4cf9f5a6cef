// SPDX-License-Identifier: GPL-2.0
/*
 * Bad input to the THP ioctls gets a clear errno and no splat: a dead
 * pid, a kernel address, nothing mapped, a range too small to collapse,
 * a split where there is no THP (a small page, the zero page) or in a
 * hugetlb mapping, unknown flags.
 */
#include <sys/wait.h>

#include "kselftest_harness.h"
#include "thp_util.h"

MMSCOPE_REQUIRE(THP_CTL)

FIXTURE(errors)
{
	int fd;
	char *map, *p;
};

FIXTURE_SETUP(errors)
{
	self->fd = thp_open();
	ASSERT_LE(0, self->fd);
	self->p = thp_map_aligned(&self->map);
	ASSERT_NE(NULL, self->p);
}

FIXTURE_TEARDOWN(errors)
{
	munmap(self->map, 2 * THP_SIZE);
	close(self->fd);
}

TEST_F(errors, dead_pid_is_esrch)
{
	struct mmscope_thp_folio f[THP_MAX_FOLIOS];
	struct mmscope_thp_op op;
	pid_t pid = fork();

	ASSERT_LE(0, pid);
	if (!pid)
		_exit(0);
	ASSERT_EQ(pid, waitpid(pid, NULL, 0));
	EXPECT_EQ(-ESRCH, thp_folios(self->fd, pid, self->p, THP_SIZE, f));
	EXPECT_EQ(-ESRCH, thp_op(self->fd, MMSCOPE_THP_IOC_COLLAPSE, pid,
				 self->p, THP_SIZE, 0, &op));
	EXPECT_EQ(-ESRCH, thp_op(self->fd, MMSCOPE_THP_IOC_SPLIT, pid,
				 self->p, 0, 0, &op));
}

TEST_F(errors, kernel_address_is_efault)
{
	struct mmscope_thp_folio f[THP_MAX_FOLIOS];
	struct mmscope_thp_op op;

	EXPECT_EQ(-EFAULT, thp_folios(self->fd, getpid(),
				      (void *)0xffff800000000000ULL, THP_SIZE, f));
	EXPECT_EQ(-EFAULT, thp_op(self->fd, MMSCOPE_THP_IOC_SPLIT, getpid(),
				  (void *)0xffff800000000000ULL, 0, 0, &op));
}

TEST_F(errors, nothing_there)
{
	struct mmscope_thp_folio f[THP_MAX_FOLIOS];
	struct mmscope_thp_op op;

	/* mapped, not faulted: no THP, no page to split */
	EXPECT_EQ(0, thp_folios(self->fd, getpid(), self->p, THP_SIZE, f));
	EXPECT_EQ(-ENOENT, thp_op(self->fd, MMSCOPE_THP_IOC_SPLIT, getpid(),
				  self->p, 0, 0, &op));
	/* unmapped */
	EXPECT_EQ(-ENOENT, thp_folios(self->fd, getpid(), (void *)4096, 4096, f));
}

TEST_F(errors, split_of_a_small_page_is_einval)
{
	struct mmscope_thp_op op;

	ASSERT_EQ(0, madvise(self->p, THP_SIZE, MADV_NOHUGEPAGE));
	self->p[0] = 1;
	EXPECT_EQ(-EINVAL, thp_op(self->fd, MMSCOPE_THP_IOC_SPLIT, getpid(),
				  self->p, 0, 0, &op));
}

TEST_F(errors, split_of_hugetlb_is_einval)
{
	struct mmscope_region r = { .fd = -1 };
	struct mmscope_thp_op op;
	int ret = mmscope_region_make(&r, MMSCOPE_REGION_HUGETLB, 512, 0);

	if (ret == -EOPNOTSUPP)
		SKIP(return, "no huge page to reserve: %s", mmscope_error);
	ASSERT_EQ(0, ret);
	EXPECT_EQ(-EINVAL, thp_op(self->fd, MMSCOPE_THP_IOC_SPLIT, getpid(),
				  r.start, 0, 0, &op));
	EXPECT_EQ(-EINVAL, thp_op(self->fd, MMSCOPE_THP_IOC_COLLAPSE, getpid(),
				  r.start, THP_SIZE, 0, &op));
	mmscope_region_free(&r);
}

TEST_F(errors, collapse_of_less_than_a_pmd_is_einval)
{
	struct mmscope_thp_op op;

	self->p[0] = 1;
	EXPECT_EQ(-EINVAL, thp_op(self->fd, MMSCOPE_THP_IOC_COLLAPSE, getpid(),
				  self->p + 4096, THP_SIZE - 8192, 0, &op));
}

TEST_F(errors, unknown_flags_are_einval)
{
	struct mmscope_thp_op op = { .size = sizeof(op), .flags = 1,
				     .pid = getpid(), .start = (uintptr_t)self->p };

	EXPECT_EQ(-1, ioctl(self->fd, MMSCOPE_THP_IOC_SPLIT, &op));
	EXPECT_EQ(EINVAL, errno);
}

TEST_HARNESS_MAIN
