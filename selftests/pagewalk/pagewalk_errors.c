// SPDX-License-Identifier: GPL-2.0
/*
 * Bad input and hostile targets: dead pids, bad lengths and flags, a
 * record buffer too small (resumed where the walk stopped), callers
 * without CAP_SYS_ADMIN, and a target that maps, unmaps, moves memory and
 * exits while it is walked.
 */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>

#include "kselftest_harness.h"
#include "pagewalk_util.h"

MMSCOPE_REQUIRE(PW_CTL)

#define NPAGES		16
#define CHURN_SECONDS	3

FIXTURE(errors)
{
	int fd;
	char *map;
	struct mmscope_pagewalk_record recs[4096];
	struct mmscope_pagewalk_record all[NPAGES];
};

FIXTURE_SETUP(errors)
{
	size_t i;

	self->fd = pw_open();
	ASSERT_LE(0, self->fd);
	self->map = mmap(NULL, NPAGES * PW_PAGE, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, self->map);
	madvise(self->map, NPAGES * PW_PAGE, MADV_NOHUGEPAGE);
	/* every other page: records alternate present and none */
	for (i = 0; i < NPAGES; i += 2)
		self->map[i * PW_PAGE] = 1;
}

FIXTURE_TEARDOWN(errors)
{
	munmap(self->map, NPAGES * PW_PAGE);
	close(self->fd);
}

static int walk(FIXTURE_DATA(errors) *self, pid_t pid, uint32_t flags,
		uint64_t start, uint64_t len)
{
	uint32_t n = ARRAY_SIZE(self->recs);

	return pw_walk_once(self->fd, pid, flags, start, len, self->recs, &n,
			    NULL, NULL);
}

TEST_F(errors, dead_pid_is_esrch)
{
	pid_t child = fork();

	ASSERT_LE(0, child);
	if (!child)
		_exit(0);
	ASSERT_EQ(child, waitpid(child, NULL, 0));
	ASSERT_EQ(ESRCH, walk(self, child, 0, 0x400000, PW_PAGE));
}

/* The core's range contract (docs/kernel-interfaces.md, "Ranges"). */
TEST_F(errors, empty_range_and_bad_flags_are_einval)
{
	unsigned long a = (unsigned long)self->map;

	ASSERT_EQ(EINVAL, walk(self, getpid(), 0, a, 0));
	ASSERT_EQ(EINVAL, walk(self, getpid(), 0x80, a, PW_PAGE));
	/* a pid with the kernel flag, and no process */
	ASSERT_EQ(EINVAL, walk(self, getpid(), MMSCOPE_PAGEWALK_KERNEL, a, PW_PAGE));
	ASSERT_EQ(EINVAL, walk(self, -1, 0, a, PW_PAGE));
}

TEST_F(errors, overflowing_ranges_are_eoverflow)
{
	unsigned long a = (unsigned long)self->map;

	ASSERT_EQ(EOVERFLOW, walk(self, getpid(), 0, a, ~0ULL));
	ASSERT_EQ(EOVERFLOW, walk(self, getpid(), 0, a, -(uint64_t)a));
	/* from user space past its end */
	ASSERT_EQ(EOVERFLOW, walk(self, getpid(), 0, a, 1ULL << 60));
}

TEST_F(errors, kernel_address_with_pid_is_efault)
{
	ASSERT_EQ(EFAULT, walk(self, getpid(), 0, ~0ULL << 48, PW_PAGE));
}

/* An unaligned start is rounded down, the end up: the same records. */
TEST_F(errors, unaligned_range_covers_its_pages)
{
	unsigned long a = (unsigned long)self->map;
	uint32_t n = ARRAY_SIZE(self->recs), m;
	uint64_t next;

	ASSERT_EQ(0, pw_walk_once(self->fd, getpid(), 0, a, 2 * PW_PAGE,
				  self->recs, &n, NULL, &next));
	ASSERT_EQ(2, n);
	memcpy(self->all, self->recs, 2 * sizeof(self->recs[0]));
	m = ARRAY_SIZE(self->recs);
	ASSERT_EQ(0, pw_walk_once(self->fd, getpid(), 0, a + 1, PW_PAGE,
				  self->recs, &m, NULL, &next));
	ASSERT_EQ(2, m);
	ASSERT_EQ(a + 2 * PW_PAGE, next);
	ASSERT_EQ(0, memcmp(self->all, self->recs, 2 * sizeof(self->recs[0])));
}

TEST_F(errors, short_buffer_returns_what_fits_and_resumes)
{
	unsigned long start = (unsigned long)self->map;
	unsigned long end = start + NPAGES * PW_PAGE;
	uint64_t addr = start, next = 0;
	uint32_t n, total = 0, calls = 0, full;

	full = ARRAY_SIZE(self->recs);
	ASSERT_EQ(0, pw_walk_once(self->fd, getpid(), 0, start, end - start,
				  self->recs, &full, NULL, &next));
	ASSERT_EQ(end, next);
	ASSERT_EQ(NPAGES, full);
	memcpy(self->all, self->recs, sizeof(self->all));

	while (addr < end) {
		n = 3;
		ASSERT_EQ(0, pw_walk_once(self->fd, getpid(), 0, addr,
					  end - addr, self->recs, &n, NULL,
					  &next));
		ASSERT_LE(n, 3);
		ASSERT_LT(addr, next);
		ASSERT_EQ(next == end ? (NPAGES - total) : 3, n);
		ASSERT_EQ(0, memcmp(&self->all[total], self->recs,
				    n * sizeof(self->recs[0])));
		if (next != end)
			ASSERT_EQ(self->all[total + n].va, next);
		total += n;
		addr = next;
		calls++;
	}
	ASSERT_EQ(NPAGES, total);
	ASSERT_EQ((NPAGES + 2) / 3, calls);

	/* no room at all: nothing written, nothing skipped */
	n = 0;
	ASSERT_EQ(0, pw_walk_once(self->fd, getpid(), 0, start, PW_PAGE,
				  self->recs, &n, NULL, &next));
	ASSERT_EQ(0, n);
	ASSERT_EQ(start, next);
}

TEST_F(errors, unprivileged_cannot_open_ctl)
{
	pid_t child = fork();
	int status;

	ASSERT_LE(0, child);
	if (!child) {
		if (setresuid(MMSCOPE_NOBODY, MMSCOPE_NOBODY, MMSCOPE_NOBODY))
			_exit(3);
		/* a ctl opened by uid 0 keeps its rights: open it again */
		close(self->fd);
		self->fd = open(PW_CTL, O_RDWR);
		if (self->fd >= 0)
			_exit(4);
		_exit(errno == EACCES ? 0 : 1);
	}
	ASSERT_EQ(child, waitpid(child, &status, 0));
	ASSERT_EQ(0, WEXITSTATUS(status));
}

/* The target: maps, moves, unmaps in a loop, and forks short-lived children. */
static void *churn(void *arg)
{
	volatile bool *stop = arg;
	char *a, *b;

	while (!*stop) {
		a = mmap(NULL, 64 * 4096, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (a == MAP_FAILED)
			continue;
		memset(a, 1, 64 * 4096);
		b = mremap(a, 64 * 4096, 128 * 4096, MREMAP_MAYMOVE);
		if (b == MAP_FAILED)
			b = a;
		munmap(b + 4096, 4096);
		munmap(b, 128 * 4096);
	}
	return NULL;
}

static void churn_process(int seconds)
{
	volatile bool stop = false;
	pthread_t t[2];
	int i;

	for (i = 0; i < 2; i++)
		pthread_create(&t[i], NULL, churn, (void *)&stop);
	sleep(seconds);
	stop = true;
	for (i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
	_exit(0);
}

/* Records ascend without overlap and cover [start, next). */
static bool records_consistent(const struct mmscope_pagewalk_record *r, uint32_t n,
			       uint64_t start, uint64_t next)
{
	uint64_t va = start;
	uint32_t i;

	for (i = 0; i < n; i++) {
		/* a block leaf may start before the range */
		if (r[i].va > va || r[i].va + r[i].size <= va)
			return false;
		va = r[i].va + r[i].size;
	}
	return va >= next || !n;
}

TEST_F_TIMEOUT(errors, walk_while_target_unmaps_moves_and_exits, 120)
{
	uint64_t lo = 0x10000, hi = 0x7ff000000000ULL, next;
	int kmsg = mmscope_kmsg_open();
	char first[256] = "";
	time_t until = time(NULL) + CHURN_SECONDS;
	int walks = 0, gone = 0, ret;
	uint32_t n;
	pid_t child;

	ASSERT_LE(0, kmsg) TH_LOG("%s", mmscope_error);
	if (pw_is_arm64())
		hi = 0xfffffffff000ULL;
	while (time(NULL) < until) {
		child = fork();
		ASSERT_LE(0, child);
		if (!child)
			churn_process(1);
		while (1) {
			n = ARRAY_SIZE(self->recs);
			ret = pw_walk_once(self->fd, child, 0, lo, hi - lo,
					   self->recs, &n, NULL, &next);
			if (ret == ESRCH) {
				gone++;
				break;
			}
			ASSERT_EQ(0, ret) TH_LOG("walk: %s", strerror(ret));
			ASSERT_TRUE(records_consistent(self->recs, n, lo, next));
			walks++;
			if (waitpid(child, NULL, WNOHANG) == child) {
				child = 0;
				break;
			}
		}
		if (child)
			waitpid(child, NULL, 0);
	}
	ksft_print_msg("%d walks, %d found the target gone\n", walks, gone);
	fflush(stdout);
	ASSERT_LT(0, walks);
	ASSERT_EQ(0, mmscope_kmsg_splats(kmsg, first, sizeof(first)))
		TH_LOG("kernel log: %s", first);
	close(kmsg);
}

TEST_HARNESS_MAIN
