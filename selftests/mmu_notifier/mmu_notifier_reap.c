// SPDX-License-Identifier: GPL-2.0
/*
 * The non-blockable path: process_mrelease() reaps a killed process's
 * memory the way the OOM reaper does (__oom_reap_task_mm()), with
 * invalidations that may not sleep. An interval sees them as not
 * blockable, from the reaping task (unmap on 6.1 and 6.12, clear on 7.3); an interval that refuses them
 * (MMSCOPE_MMU_NOTIFIER_REFUSE_NONBLOCK) makes the kernel answer EAGAIN,
 * as it promises, and the memory still goes at the exit: the interval
 * gets its RELEASE event.
 */
#include <sched.h>
#include <signal.h>
#include <sys/syscall.h>

#include "kselftest_harness.h"
#include "mn_util.h"

MMSCOPE_REQUIRE(MN_CTL)

#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif
#ifndef SYS_process_mrelease
#define SYS_process_mrelease 448
#endif

#define NPAGES 256

static struct mmscope_mmu_notifier_record recs[MN_MAX];

/* Records of invalidations that could not sleep. */
static int nonblocking(int n)
{
	int i, c = 0;

	for (i = 0; i < n; i++)
		c += recs[i].op == OP(INVALIDATE) &&
		     !(recs[i].flags & MMSCOPE_MMU_NOTIFIER_REC_BLOCKABLE);
	return c;
}

/*
 * A child writes NPAGES pages at p and waits; an interval over them is
 * attached with flags, the child killed and reaped. Returns the errno of
 * process_mrelease() (0 on success), or -1 when the child was gone before
 * the reap could start; *n gets the records.
 */
static int reap_child(char *p, uint32_t flags, int *n)
{
	long ps = getpagesize();
	struct sched_param rt = { .sched_priority = 1 }, other = { 0 };
	int fd = mn_open(), sync[2], pidfd, err, status;
	cpu_set_t cpus;
	pid_t child;
	char c = 0;

	if (fd < 0 || pipe(sync))
		return -2;
	child = fork();
	if (!child) {
		memset(p, 2, NPAGES * ps);
		if (write(sync[1], &c, 1) != 1)
			_exit(1);
		pause();
		_exit(0);
	}
	if (child < 0 || read(sync[0], &c, 1) != 1)
		return -2;
	close(sync[0]);
	close(sync[1]);
	if (mn_attach(fd, child, (uintptr_t)p, NPAGES * ps,
		      MMSCOPE_MMU_NOTIFIER_INTERVAL | flags, NULL))
		return -2;
	pidfd = syscall(SYS_pidfd_open, child, 0);
	if (pidfd < 0)
		return -2;
	/*
	 * The killed child must not run its own exit before the reap: both
	 * on CPU 0, this process real-time there until it waits.
	 */
	CPU_ZERO(&cpus);
	CPU_SET(0, &cpus);
	sched_setaffinity(child, sizeof(cpus), &cpus);
	sched_setaffinity(0, sizeof(cpus), &cpus);
	sched_setscheduler(0, SCHED_FIFO, &rt);
	kill(child, SIGKILL);
	err = syscall(SYS_process_mrelease, pidfd, 0) ? errno : 0;
	sched_setscheduler(0, SCHED_OTHER, &other);
	close(pidfd);
	waitpid(child, &status, 0);
	*n = mn_read(fd, recs, MN_MAX, 0, NULL);
	close(fd);
	/* the child's exit came first (nothing reaped): try again */
	if (err == ESRCH || err == EINVAL || (!err && !nonblocking(*n)))
		return -1;
	return err;
}

/*
 * The reap's records: not blockable, made by this process; the event is
 * unmap on 6.1 and 6.12, clear on 7.3 (__oom_reap_task_mm()'s own).
 */
static int count_reap_records(int n, bool refused)
{
	uint32_t ev = mn_kernel_before(7, 0) ? EV(UNMAP) : EV(CLEAR);
	int i, c = 0;

	for (i = 0; i < n; i++)
		if (recs[i].op == OP(INVALIDATE) &&
		    !(recs[i].flags & MMSCOPE_MMU_NOTIFIER_REC_BLOCKABLE) &&
		    recs[i].event == ev && recs[i].pid == getpid() &&
		    !!(recs[i].flags & MMSCOPE_MMU_NOTIFIER_REC_REFUSED) == refused)
			c++;
	return c;
}

TEST(process_mrelease_invalidates_without_blocking)
{
	char *p = mn_pages(NPAGES);
	int n = 0, ret = -1, tries;

	ASSERT_NE(NULL, p);
	for (tries = 0; tries < 5 && ret == -1; tries++)
		ret = reap_child(p, 0, &n);
	if (ret == ENOSYS)
		SKIP(return, "no process_mrelease()");
	if (ret == -1)
		SKIP(return, "the child always exited before the reap");
	ASSERT_EQ(0, ret);
	EXPECT_LE(1, count_reap_records(n, false)) TH_LOG("%d records", n);
	EXPECT_LE(0, mn_find(recs, n, 0, OP(INVALIDATE), EV(RELEASE), 0, 0));
	munmap(p, NPAGES * getpagesize());
}

TEST(refused_nonblocking_invalidation_is_eagain_and_exit_still_frees)
{
	char *p = mn_pages(NPAGES);
	int n = 0, ret = -1, tries;

	ASSERT_NE(NULL, p);
	for (tries = 0; tries < 5 && ret == -1; tries++)
		ret = reap_child(p, MMSCOPE_MMU_NOTIFIER_REFUSE_NONBLOCK, &n);
	if (ret == ENOSYS)
		SKIP(return, "no process_mrelease()");
	if (ret == -1)
		SKIP(return, "the child always exited before the reap");
	EXPECT_EQ(EAGAIN, ret);
	EXPECT_LE(1, count_reap_records(n, true)) TH_LOG("%d records", n);
	/* the exit's own invalidations may sleep: none is refused */
	EXPECT_LE(0, mn_find(recs, n, 0, OP(INVALIDATE), EV(RELEASE), 0, 0));
	munmap(p, NPAGES * getpagesize());
}

TEST(refuse_needs_an_interval)
{
	int fd = mn_open();

	ASSERT_LE(0, fd);
	EXPECT_EQ(EINVAL, mn_attach(fd, getpid(), 0, 0,
				    MMSCOPE_MMU_NOTIFIER_REFUSE_NONBLOCK,
				    NULL));
	close(fd);
}

TEST_HARNESS_MAIN
