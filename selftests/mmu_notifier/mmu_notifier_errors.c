// SPDX-License-Identifier: GPL-2.0
/*
 * Bad input gets a clear errno and changes nothing: a dead pid, a kernel
 * thread, empty and overlapping intervals, a second attachment on one
 * file, too many attachments, reading or detaching without one, and a
 * ring read by two readers at once.
 */
#include <pthread.h>

#include "kselftest_harness.h"
#include "mn_util.h"

MMSCOPE_REQUIRE(MN_CTL)

TEST(dead_pid_is_esrch)
{
	int fd = mn_open(), status;
	pid_t child = fork();

	ASSERT_LE(0, fd);
	ASSERT_LE(0, child);
	if (!child)
		_exit(0);
	ASSERT_EQ(child, waitpid(child, &status, 0));
	EXPECT_EQ(ESRCH, mn_attach(fd, child, 0, 0, 0, NULL));
	EXPECT_EQ(ESRCH, mn_attach(fd, child, 0x100000, 4096,
				   MMSCOPE_MMU_NOTIFIER_INTERVAL, NULL));
	close(fd);
}

TEST(kernel_thread_and_bad_pid_are_einval)
{
	int fd = mn_open();

	ASSERT_LE(0, fd);
	/* pid 2 is kthreadd: no mm */
	EXPECT_EQ(EINVAL, mn_attach(fd, 2, 0, 0, 0, NULL));
	EXPECT_EQ(EINVAL, mn_attach(fd, 0, 0, 0, 0, NULL));
	EXPECT_EQ(EINVAL, mn_attach(fd, -1, 0, 0, 0, NULL));
	close(fd);
}

TEST(bad_flags_and_ring_are_einval)
{
	struct mmscope_mmu_notifier_attach a = {
		.size = sizeof(a), .pid = getpid(),
		.ring = MMSCOPE_MMU_NOTIFIER_RING_MAX + 1,
	};
	int fd = mn_open();

	ASSERT_LE(0, fd);
	EXPECT_EQ(EINVAL, mn_attach(fd, getpid(), 0, 0, 1U << 7, NULL));
	EXPECT_EQ(-1, ioctl(fd, MMSCOPE_MMU_NOTIFIER_IOC_ATTACH, &a));
	EXPECT_EQ(EINVAL, errno);
	close(fd);
}

TEST(empty_and_overlapping_intervals)
{
	long ps = getpagesize();
	int fd = mn_open(), fd2 = mn_open();

	ASSERT_LE(0, fd);
	ASSERT_LE(0, fd2);
	EXPECT_EQ(EINVAL, mn_attach(fd, getpid(), 0x100000, 0,
				    MMSCOPE_MMU_NOTIFIER_INTERVAL, NULL));
	ASSERT_EQ(0, mn_attach(fd, getpid(), 0x100000, 4 * ps,
			       MMSCOPE_MMU_NOTIFIER_INTERVAL, NULL));
	EXPECT_EQ(EEXIST, mn_attach(fd2, getpid(), 0x100000 + 3 * ps, 4 * ps,
				    MMSCOPE_MMU_NOTIFIER_INTERVAL, NULL));
	EXPECT_EQ(EEXIST, mn_attach(fd2, getpid(), 0x100000 - ps, 2 * ps,
				    MMSCOPE_MMU_NOTIFIER_INTERVAL, NULL));
	/* next to it is fine, and so is the whole mm */
	ASSERT_EQ(0, mn_attach(fd2, getpid(), 0x100000 + 4 * ps, ps,
			       MMSCOPE_MMU_NOTIFIER_INTERVAL, NULL));
	close(fd2);
	fd2 = mn_open();
	ASSERT_EQ(0, mn_attach(fd2, getpid(), 0, 0, 0, NULL));
	close(fd2);
	close(fd);
}

TEST(one_attachment_per_file)
{
	int fd = mn_open();

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, mn_attach_self(fd));
	EXPECT_EQ(EBUSY, mn_attach_self(fd));
	close(fd);
}

TEST(too_many_attachments_is_enospc)
{
	int fds[MMSCOPE_MMU_NOTIFIER_MAX_ATTACH + 1], i, ret = 0;

	for (i = 0; i <= MMSCOPE_MMU_NOTIFIER_MAX_ATTACH; i++) {
		fds[i] = mn_open();
		ASSERT_LE(0, fds[i]);
		ret = mn_attach_self(fds[i]);
		if (ret)
			break;
	}
	/* other attachments of the system count too: fail at the limit */
	EXPECT_EQ(ENOSPC, ret);
	EXPECT_GE(MMSCOPE_MMU_NOTIFIER_MAX_ATTACH, i);
	for (; i >= 0; i--)
		close(fds[i]);
	/* room again */
	fds[0] = mn_open();
	EXPECT_EQ(0, mn_attach_self(fds[0]));
	close(fds[0]);
}

TEST(read_and_detach_without_attachment_are_enoent)
{
	struct mmscope_mmu_notifier_record r;
	struct mmscope_mmu_notifier_detach d = { .size = sizeof(d) };
	int fd = mn_open();

	ASSERT_LE(0, fd);
	EXPECT_EQ(-ENOENT, mn_read(fd, &r, 1, 0, NULL));
	EXPECT_EQ(-1, ioctl(fd, MMSCOPE_MMU_NOTIFIER_IOC_DETACH, &d));
	EXPECT_EQ(ENOENT, errno);
	ASSERT_EQ(0, mn_attach_self(fd));
	ASSERT_EQ(0, ioctl(fd, MMSCOPE_MMU_NOTIFIER_IOC_DETACH, &d));
	EXPECT_EQ(-ENOENT, mn_read(fd, &r, 1, 0, NULL));
	/* the file may attach again */
	EXPECT_EQ(0, mn_attach_self(fd));
	close(fd);
}

static void *slow_reader(void *arg)
{
	static struct mmscope_mmu_notifier_record r;

	return (void *)(long)mn_read(*(int *)arg, &r, 1, 3000, NULL);
}

/*
 * The first reader waits on an interval nothing touches (unmapped), so it
 * sits in the ioctl for its whole timeout; the second is refused at some
 * point while it does.
 */
TEST(second_reader_is_ebusy)
{
	struct mmscope_mmu_notifier_record r;
	int fd = mn_open(), i, ret = 0;
	pthread_t t;
	void *rret;

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, mn_attach(fd, getpid(), 1UL << 40, getpagesize(),
			       MMSCOPE_MMU_NOTIFIER_INTERVAL, NULL));
	ASSERT_EQ(0, pthread_create(&t, NULL, slow_reader, &fd));
	for (i = 0; i < 25 && ret != -EBUSY; i++) {
		usleep(100000);
		ret = mn_read(fd, &r, 1, 0, NULL);
	}
	EXPECT_EQ(-EBUSY, ret);
	ASSERT_EQ(0, pthread_join(t, &rret));
	EXPECT_EQ(0, (long)rret);
	close(fd);
}

TEST_HARNESS_MAIN
