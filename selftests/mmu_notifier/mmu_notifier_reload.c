// SPDX-License-Identifier: GPL-2.0
/*
 * Unloading while attachments are open is refused (each open file holds
 * the module): EWOULDBLOCK, and the attachments keep recording.
 * Unloading right after attachments were closed: the module waits until
 * the kernel freed every subscription (->free_notifier, from SRCU), and
 * leaves no attachment, no splat and a clean reload behind. The
 * attachments: the whole mm of a live process, an interval, and one whose
 * target exited before it was closed.
 */
#include <sys/syscall.h>

#include "kselftest_harness.h"
#include "mn_util.h"

MMSCOPE_REQUIRE(MN_CTL)

TEST(unload_after_close_waits_for_every_subscription)
{
	struct mmscope_mmu_notifier_stats s = { .size = sizeof(s) };
	int fds[3], kmsg, status, i;
	char text[4096];
	pid_t child;

	child = fork();
	ASSERT_LE(0, child);
	if (!child)
		_exit(0);
	for (i = 0; i < 3; i++) {
		fds[i] = mn_open();
		ASSERT_LE(0, fds[i]);
	}
	ASSERT_EQ(0, mn_attach(fds[0], getpid(), 0, 0, 0, NULL));
	ASSERT_EQ(0, mn_attach(fds[1], getpid(), 0x100000, 1 << 20,
			       MMSCOPE_MMU_NOTIFIER_INTERVAL, NULL));
	/* may lose the race with the exit: then ESRCH, also fine */
	mn_attach(fds[2], child, 0, 0, 0, NULL);
	ASSERT_EQ(child, waitpid(child, &status, 0));
	munmap(mn_pages(1), getpagesize());

	kmsg = mmscope_kmsg_open();
	errno = 0;
	EXPECT_EQ(-1, syscall(SYS_delete_module, "mmscope_mmu_notifier",
			      O_NONBLOCK));
	EXPECT_EQ(EWOULDBLOCK, errno);
	ASSERT_EQ(0, ioctl(fds[0], MMSCOPE_MMU_NOTIFIER_IOC_STATS, &s));
	EXPECT_LE(2, s.attachments);
	for (i = 0; i < 3; i++)
		close(fds[i]);
	ASSERT_EQ(0, mmscope_module_reload("mmscope_mmu_notifier"))
		TH_LOG("%s", mmscope_error);
	fds[0] = mn_open();
	ASSERT_LE(0, fds[0]);
	ASSERT_EQ(0, ioctl(fds[0], MMSCOPE_MMU_NOTIFIER_IOC_STATS, &s));
	EXPECT_EQ(0, s.attachments);
	/* and it works after the reload */
	ASSERT_EQ(0, mn_attach_self(fds[0]));
	close(fds[0]);
	if (kmsg >= 0) {
		EXPECT_EQ(0, mmscope_kmsg_splats(kmsg, text, sizeof(text)))
			TH_LOG("%s", text);
		close(kmsg);
	}
}

TEST_HARNESS_MAIN
