// SPDX-License-Identifier: GPL-2.0
/*
 * Bad input gets a clear errno: a type with no device, offsets past the
 * end, counts of zero and too large, a range over a dead process, flags;
 * and swapoff while slots and devices are being read leaves no splat (the
 * module holds a device the way the kernel's own readers do).
 */
#include <pthread.h>
#include <sys/swap.h>
#include <sys/wait.h>

#include "kselftest_harness.h"
#include "sc_util.h"

MMSCOPE_REQUIRE(SC_CTL)

/* The first active device's path and type, from the module. */
static int first_device(int fd, struct mmscope_swapcache_device *out)
{
	struct mmscope_swapcache_device *d;
	long n = mmscope_swapcache_devices(fd, &d);

	if (n <= 0)
		return -1;
	*out = d[0];
	free(d);
	return 0;
}

TEST(bad_input)
{
	struct mmscope_swapcache_entries a = { .size = sizeof(a) };
	struct mmscope_swapcache_entry e[4];
	struct mmscope_swapcache_device dev;
	int fd = sc_open(), status;
	pid_t dead;

	ASSERT_LE(0, fd);
	if (first_device(fd, &dev))
		SKIP(return, "no swap device (run with --swap)");
	/* MAX_SWAPFILES is at most 32: type 31 is never a swapped-on disk */
	EXPECT_EQ(-ENODEV, sc_slots(fd, 31, 0, 1, e));
	EXPECT_EQ(-ENODEV, sc_slots(fd, 1000, 0, 1, e));
	EXPECT_EQ(-ERANGE, sc_slots(fd, dev.type, dev.max, 1, e));
	EXPECT_EQ(-ERANGE, sc_slots(fd, dev.type, ~0ULL, 1, e));
	EXPECT_EQ(-EINVAL, sc_slots(fd, dev.type, 0, 0, e));
	EXPECT_EQ(-EINVAL, sc_slots(fd, dev.type, 0, ~0U, e));
	/* a count past the end is cut at the end */
	EXPECT_EQ(1, sc_slots(fd, dev.type, dev.max - 1, 4, e));
	/* a buffer the caller cannot write */
	EXPECT_EQ(-EFAULT, sc_slots(fd, dev.type, 0, 1, (void *)8));

	dead = fork();
	ASSERT_LE(0, dead);
	if (!dead)
		_exit(0);
	ASSERT_EQ(dead, waitpid(dead, &status, 0));
	EXPECT_EQ(-ESRCH, sc_entries(fd, dead, (void *)0x400000, 4, e));
	EXPECT_EQ(-EINVAL, sc_entries(fd, 0, (void *)0x400000, 4, e));

	a.pid = getpid();
	a.start = (uintptr_t)e;
	a.len = sc_psize();
	a.count = 1;
	a.entries = (uintptr_t)e;
	a.entry_size = sizeof(e[0]);
	a.flags = 1U << 31;	/* no such flag */
	EXPECT_EQ(-1, ioctl(fd, MMSCOPE_SWAPCACHE_IOC_ENTRIES, &a));
	EXPECT_EQ(EINVAL, errno);
	a.flags = 0;
	a.entries = 0;
	EXPECT_EQ(-1, ioctl(fd, MMSCOPE_SWAPCACHE_IOC_ENTRIES, &a));
	EXPECT_EQ(EINVAL, errno);
	a.entries = (uintptr_t)e;
	a.len = 0;
	EXPECT_EQ(-1, ioctl(fd, MMSCOPE_SWAPCACHE_IOC_ENTRIES, &a));
	EXPECT_EQ(EINVAL, errno);
	close(fd);
}

struct reader {
	int fd;
	unsigned int type;
	volatile int stop;
	int bad;		/* an errno the module should not give */
	long calls;
};

static void *read_slots(void *arg)
{
	struct mmscope_swapcache_entry e[64];
	struct mmscope_swapcache_device *d;
	struct reader *r = arg;
	long n;
	int ret;

	while (!r->stop) {
		ret = sc_slots(r->fd, r->type, 0, 64, e);
		if (ret < 0 && ret != -ENODEV)
			r->bad = -ret;
		n = mmscope_swapcache_devices(r->fd, &d);
		if (n < 0)
			r->bad = -n;
		else
			free(d);
		r->calls++;
	}
	return NULL;
}

TEST(swapoff_while_reading)
{
	struct mmscope_swapcache_device dev;
	struct reader r = { 0 };
	pthread_t t;
	int kmsg, ret;
	char text[4096];

	r.fd = sc_open();
	ASSERT_LE(0, r.fd);
	if (first_device(r.fd, &dev))
		SKIP(return, "no swap device (run with --swap)");
	r.type = dev.type;
	kmsg = mmscope_kmsg_open();
	ASSERT_EQ(0, pthread_create(&t, NULL, read_slots, &r));
	usleep(50000);
	ret = swapoff(dev.path);
	usleep(50000);
	r.stop = 1;
	pthread_join(t, NULL);
	ASSERT_EQ(0, ret) TH_LOG("swapoff %s: %s", dev.path, strerror(errno));
	/* the device is gone for the module too */
	EXPECT_NE(0, sc_slots(r.fd, dev.type, 0, 1, (void *)text));
	ASSERT_EQ(0, swapon(dev.path, (dev.prio >= 0 ? SWAP_FLAG_PREFER |
			     (dev.prio & SWAP_FLAG_PRIO_MASK) : 0)))
		TH_LOG("swapon %s: %s", dev.path, strerror(errno));
	EXPECT_EQ(0, r.bad) TH_LOG("reader got %s", strerror(r.bad));
	EXPECT_LT(0, r.calls);
	if (kmsg >= 0) {
		EXPECT_EQ(0, mmscope_kmsg_splats(kmsg, text, sizeof(text)))
			TH_LOG("%s", text);
		close(kmsg);
	}
	close(r.fd);
}

/*
 * Runs over 64 TiB of this process's address space, mostly holes: each
 * call comes back soon (a hole is one record, and a call stops after
 * 2^20 pages looked at one by one), the records of a call cover exactly
 * [start, next), and the calls together cover the range, each record at
 * most 2^32 - 1 pages. It once merged a hole page by page for hours and
 * stalled RCU.
 */
TEST(runs_over_a_huge_range_come_back)
{
	struct mmscope_swapcache_entries a = { .size = sizeof(a) };
	struct mmscope_swapcache_entry e[64];
	uint64_t start = 0x10000, end = start + (1ULL << 46), covered = 0;
	int fd = sc_open(), calls = 0;
	unsigned int i;

	ASSERT_LE(0, fd);
	while (start < end && calls < 10000) {
		a = (struct mmscope_swapcache_entries){
			.size = sizeof(a), .pid = getpid(),
			.flags = MMSCOPE_SWAPCACHE_ENTRIES_RUNS,
			.start = start, .len = end - start,
			.count = 64, .entries = (uintptr_t)e,
			.entry_size = sizeof(e[0]),
		};
		ASSERT_EQ(0, ioctl(fd, MMSCOPE_SWAPCACHE_IOC_ENTRIES, &a))
			TH_LOG("at 0x%llx: %s", (unsigned long long)start,
			       strerror(errno));
		ASSERT_LT(0, a.count);
		ASSERT_LT(start, a.next);
		ASSERT_EQ(start, e[0].va);
		for (i = 0; i < a.count; i++) {
			ASSERT_LT(0, e[i].pages);
			covered += e[i].pages;
			if (i + 1 < a.count)
				ASSERT_EQ(e[i].va + (uint64_t)e[i].pages *
					  sc_psize(), e[i + 1].va);
		}
		ASSERT_EQ(a.next, e[a.count - 1].va +
			  (uint64_t)e[a.count - 1].pages * sc_psize());
		start = a.next;
		calls++;
	}
	EXPECT_EQ(end, start);
	EXPECT_EQ((1ULL << 46) / sc_psize(), covered);
	ksft_print_msg("64 TiB in %d calls\n", calls);
	close(fd);
}

TEST_HARNESS_MAIN
