// SPDX-License-Identifier: GPL-2.0
/*
 * Attachments to another process and to an interval: release exactly once
 * at the target's exit and nothing after it; an interval sees only
 * invalidations that meet it, and its sequence number moves exactly then;
 * the text files and LIST agree with what was attached; attach and detach
 * many times against a busy process, with the kernel's own counts of
 * kmalloc objects, free memory and module references back where they
 * were.
 */
#include <signal.h>
#include <stdlib.h>

#include "kselftest_harness.h"
#include "mn_util.h"

MMSCOPE_REQUIRE(MN_CTL)

static struct mmscope_mmu_notifier_record recs[MN_MAX];

/* A child that waits until its pipe is closed, then exits. */
static pid_t waiting_child(int *wfd)
{
	int sync[2];
	pid_t child;
	char c;

	if (pipe(sync))
		return -1;
	child = fork();
	if (!child) {
		close(sync[1]);
		if (read(sync[0], &c, 1) < 0)
			_exit(1);
		_exit(0);
	}
	close(sync[0]);
	*wfd = sync[1];
	return child;
}

TEST(exit_is_one_release_then_nothing)
{
	struct mmscope_mmu_notifier_read rd;
	int fd = mn_open(), wfd, n, i, releases = 0, status;
	pid_t child = waiting_child(&wfd);
	char text[4096];

	ASSERT_LE(0, fd);
	ASSERT_LT(0, child);
	ASSERT_EQ(0, mn_attach(fd, child, 0, 0, 0, NULL));
	close(wfd);
	ASSERT_EQ(child, waitpid(child, &status, 0));
	n = mn_read(fd, recs, MN_MAX, 0, &rd);
	ASSERT_LT(0, n);
	for (i = 0; i < n; i++)
		releases += recs[i].op == OP(RELEASE);
	EXPECT_EQ(1, releases);
	EXPECT_EQ(OP(RELEASE), recs[n - 1].op);
	EXPECT_EQ(child, recs[n - 1].pid);
	EXPECT_EQ(MMSCOPE_MMU_NOTIFIER_RELEASED, rd.state);
	/* detached (from a work) soon after: nothing more comes */
	ASSERT_EQ(0, mn_read(fd, recs, MN_MAX, 200, &rd));
	ASSERT_LT(0, mmscope_read_file(MN_DIR "/attachments", text,
				       sizeof(text)));
	EXPECT_NE(NULL, strstr(text, " released ")) TH_LOG("%s", text);
	close(fd);
}

TEST(interval_sees_only_its_range_and_its_seq_moves_then)
{
	struct mmscope_mmu_notifier_attach a;
	struct mmscope_mmu_notifier_read rd;
	long ps = getpagesize();
	char *p = mn_pages(12);
	uint64_t is = (uintptr_t)p + 4 * ps, ie = is + 4 * ps, seq;
	int fd = mn_open(), n, i;

	ASSERT_LE(0, fd);
	ASSERT_NE(NULL, p);
	ASSERT_EQ(0, mn_attach(fd, getpid(), is, 4 * ps,
			       MMSCOPE_MMU_NOTIFIER_INTERVAL, &a));
	EXPECT_EQ(is, a.start);
	seq = a.interval_seq;

	/* outside: below, above, and a neighbouring mapping */
	ASSERT_EQ(0, madvise(p, 4 * ps, MADV_DONTNEED));
	ASSERT_EQ(0, madvise(p + 8 * ps, 4 * ps, MADV_DONTNEED));
	ASSERT_EQ(0, mprotect(p, 4 * ps, PROT_READ));
	n = mn_read(fd, recs, MN_MAX, 0, &rd);
	EXPECT_EQ(0, n);
	EXPECT_EQ(seq, rd.interval_seq);

	/* inside: one page */
	ASSERT_EQ(0, madvise(p + 5 * ps, ps, MADV_DONTNEED));
	n = mn_read(fd, recs, MN_MAX, 0, &rd);
	ASSERT_EQ(1, n);
	EXPECT_EQ(OP(INVALIDATE), recs[0].op);
	EXPECT_EQ(EV(CLEAR), recs[0].event);
	EXPECT_EQ(is + ps, recs[0].start);
	EXPECT_EQ(is + 2 * ps, recs[0].end);
	EXPECT_TRUE(recs[0].flags & MMSCOPE_MMU_NOTIFIER_REC_INTERVAL);
	EXPECT_TRUE(recs[0].flags & MMSCOPE_MMU_NOTIFIER_REC_BLOCKABLE);
	EXPECT_EQ(seq, recs[0].interval_seq_before);
	EXPECT_NE(seq, recs[0].interval_seq_after);
	/* an invalidation in progress has an odd number */
	EXPECT_EQ(1, recs[0].interval_seq_after & 1);
	EXPECT_EQ(recs[0].interval_seq_after, rd.interval_seq);
	seq = rd.interval_seq;

	/*
	 * Across the interval's first edge: the mprotect above split the
	 * mapping at the interval's start, and MADV_DONTNEED zaps one VMA
	 * at a time, so the interval sees the part of the second VMA only.
	 */
	ASSERT_EQ(0, madvise(p + 2 * ps, 3 * ps, MADV_DONTNEED));
	n = mn_read(fd, recs, MN_MAX, 0, &rd);
	ASSERT_EQ(1, n);
	EXPECT_EQ(is, recs[0].start);
	EXPECT_EQ(is + ps, recs[0].end);
	EXPECT_EQ(seq, recs[0].interval_seq_before);
	EXPECT_NE(seq, rd.interval_seq);
	for (i = 0; i < n; i++)
		EXPECT_TRUE(recs[i].start < ie && recs[i].end > is);
	close(fd);
	munmap(p, 12 * ps);
}

TEST(interval_gets_the_release_event_at_exit)
{
	long ps = getpagesize();
	int fd = mn_open(), wfd, n, status;
	pid_t child;
	char *p = mn_pages(2);

	ASSERT_LE(0, fd);
	ASSERT_NE(NULL, p);
	child = waiting_child(&wfd);
	ASSERT_LT(0, child);
	/* the child has the same mapping at the same address */
	ASSERT_EQ(0, mn_attach(fd, child, (uintptr_t)p, 2 * ps,
			       MMSCOPE_MMU_NOTIFIER_INTERVAL, NULL));
	close(wfd);
	ASSERT_EQ(child, waitpid(child, &status, 0));
	n = mn_read(fd, recs, MN_MAX, 0, NULL);
	ASSERT_LT(0, n);
	EXPECT_LE(0, mn_find(recs, n, 0, OP(INVALIDATE), EV(RELEASE), 0, 0));
	close(fd);
	munmap(p, 2 * ps);
}

TEST(list_and_files_show_the_attachments)
{
	struct mmscope_mmu_notifier_info info[MMSCOPE_MMU_NOTIFIER_MAX_ATTACH];
	struct mmscope_mmu_notifier_list l = {
		.size = sizeof(l), .count = MMSCOPE_MMU_NOTIFIER_MAX_ATTACH,
		.entries = (uintptr_t)info,
	};
	struct mmscope_mmu_notifier_stats s = { .size = sizeof(s) };
	struct mmscope_mmu_notifier_attach a;
	char text[8192], line[64];
	int fd = mn_open(), i, found = -1;

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, mn_attach(fd, getpid(), 0, 0, 0, &a));
	ASSERT_EQ(0, ioctl(fd, MMSCOPE_MMU_NOTIFIER_IOC_LIST, &l));
	for (i = 0; i < (int)l.count; i++)
		if (info[i].id == a.id)
			found = i;
	ASSERT_LE(0, found);
	EXPECT_EQ(getpid(), info[found].pid);
	EXPECT_EQ(MMSCOPE_MMU_NOTIFIER_ATTACHED, info[found].state);
	EXPECT_EQ(l.total, l.count);
	ASSERT_LT(0, mmscope_read_file(MN_DIR "/attachments", text,
				       sizeof(text)));
	snprintf(line, sizeof(line), "\n%u %d ", a.id, getpid());
	EXPECT_NE(NULL, strstr(text, line)) TH_LOG("%s", text);

	/* one munmap: the per-attachment counters see its start and end */
	munmap(mn_pages(1), getpagesize());
	s.id = a.id;
	ASSERT_EQ(0, ioctl(fd, MMSCOPE_MMU_NOTIFIER_IOC_STATS, &s));
	EXPECT_LE(1, s.ops[OP(INVALIDATE_RANGE_START)]);
	EXPECT_EQ(s.ops[OP(INVALIDATE_RANGE_START)],
		  s.ops[OP(INVALIDATE_RANGE_END)]);
	EXPECT_LE(1, s.events[EV(UNMAP)]);
	ASSERT_LT(0, mmscope_read_file(MN_DIR "/stats", text, sizeof(text)));
	EXPECT_NE(NULL, strstr(text, "op invalidate_range_start "));
	ASSERT_LT(0, mmscope_read_file(MN_DIR "/events", text, sizeof(text)));
	EXPECT_NE(NULL, strstr(text, " invalidate_range_start unmap "))
		TH_LOG("%s", text);
	close(fd);
}

/* MemFree in KiB, or -1. */
static long mem_free_kb(void)
{
	char text[8192], val[64];

	if (mmscope_read_file("/proc/meminfo", text, sizeof(text)) < 0 ||
	    mmscope_text_field(text, "MemFree", ':', val, sizeof(val)))
		return -1;
	return atol(val);
}

#define MN_REFCNT	"/sys/module/mmscope_mmu_notifier/refcnt"

/*
 * 1000 attach/detach cycles while the target maps and unmaps memory: every
 * DETACH succeeds, and afterwards no attachment is left. Nothing leaks:
 * each cycle allocates an attachment (kmalloc) and its ring (4096
 * records, about 300 KiB), so a leak of even a third of them would show
 * as hundreds of kmalloc objects and some 100 MiB of MemFree; the
 * bounds leave room for the rest of the guest. The subscriptions go from
 * an SRCU callback, so the counts are read again for a few seconds.
 */
TEST(attach_detach_cycles_against_a_busy_process)
{
	struct mmscope_mmu_notifier_detach d;
	struct mmscope_mmu_notifier_stats s = { .size = sizeof(s) };
	int fd = mn_open(), i, status;
	pid_t child;

	long objs0 = mmscope_slab_active("kmalloc"), objs;
	long free0 = mem_free_kb(), free_kb;
	long ref0 = mmscope_read_long(MN_REFCNT);

	ASSERT_LE(0, fd);
	ASSERT_LE(0, objs0);
	ASSERT_LT(0, free0);
	ASSERT_LT(0, ref0);
	child = fork();
	ASSERT_LE(0, child);
	if (!child) {
		for (;;)
			munmap(mn_pages(2), 2 * getpagesize());
	}
	/* odd cycles the whole mm, even ones an interval of 1 MiB */
	for (i = 0; i < 1000; i++) {
		ASSERT_EQ(0, mn_attach(fd, child, i & 1 ? 0 : 1UL << 30,
				       i & 1 ? 0 : 1UL << 20,
				       i & 1 ? 0 : MMSCOPE_MMU_NOTIFIER_INTERVAL,
				       NULL)) TH_LOG("cycle %d", i);
		memset(&d, 0, sizeof(d));
		d.size = sizeof(d);
		ASSERT_EQ(0, ioctl(fd, MMSCOPE_MMU_NOTIFIER_IOC_DETACH, &d));
	}
	kill(child, SIGKILL);
	ASSERT_EQ(child, waitpid(child, &status, 0));
	ASSERT_EQ(0, ioctl(fd, MMSCOPE_MMU_NOTIFIER_IOC_STATS, &s));
	EXPECT_EQ(0, s.attachments);
	close(fd);
	for (i = 0; i < 50; i++) {
		objs = mmscope_slab_active("kmalloc");
		free_kb = mem_free_kb();
		if (objs - objs0 < 300 && free0 - free_kb < 64 * 1024)
			break;
		usleep(100000);
	}
	EXPECT_GT(300, objs - objs0) TH_LOG("kmalloc objects %ld -> %ld",
					     objs0, objs);
	EXPECT_GT(64 * 1024, free0 - free_kb) TH_LOG("MemFree %ld -> %ld kB",
						     free0, free_kb);
	EXPECT_EQ(ref0 - 1, mmscope_read_long(MN_REFCNT));
}

TEST_HARNESS_MAIN
