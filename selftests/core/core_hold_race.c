// SPDX-License-Identifier: GPL-2.0
/*
 * Page references taken and dropped through mmscope_pageref (GET, PIN
 * and PIN_LONGTERM holds, PUT and UNPIN, watches, queries) on ranges of a
 * target that changes them meanwhile: it maps and writes them, write-
 * protects them, moves them away and back (mremap), forks a child that
 * writes them (COW) and exits, pages them out (with swap), zaps and
 * unmaps them, exits by itself after a short while or is killed in the
 * middle of a call. The test also holds pages of its own, whose reference
 * counts it knows. Every call succeeds or fails with an errno the
 * interface documents for it; the files are closed and opened again now
 * and then (the holds and watches go with them).
 *
 * After the race, with every file closed and every target gone: the
 * FOLL_PIN pins the kernel acquired equal those it released (vmstat),
 * the test's own pages have exactly the references they had before, a
 * new file lists no hold and no watch, the slabs hold the mm_structs,
 * task_structs and kmalloc objects they held before (check_slabs), and
 * the kernel log has no splat (the guest runner's scan). The seed of the
 * calls' choices is printed; MMSCOPE_RACE_SEED replays them (not the
 * timing: the target runs on its own clock).
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <sys/prctl.h>
#include <stdlib.h>
#include <time.h>

#include "kselftest_harness.h"
#include "../pageref/pageref_util.h"

MMSCOPE_REQUIRE(PAGEREF_CTL)

#ifndef MADV_PAGEOUT
#define MADV_PAGEOUT	21
#endif

#define PAGES		32		/* the target's range */
#define OWN		8		/* the test's own pages */
#define RACE_MS		1500		/* per test: TCG arm64 is slow */
#define RACE_TIMEOUT	3600		/* the harness's limit per test, s */
#define TARGET_MS	200		/* then the target exits by itself */
#define REOPEN		64		/* calls between two opens of the file */
#define KMALLOC_SLACK	192		/* the rest of the guest, in objects */

enum { MM, TASK, KMALLOC, SLABS };
static const char *const slabs[SLABS] = { "mm_struct", "task_struct",
					  "kmalloc" };

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void __attribute__((noreturn)) target_run(char *area, size_t page,
						 int fd)
{
	size_t len = PAGES * page;
	char *away = area + len;
	long until = now_ms() + TARGET_MS;
	pid_t child;
	int round;

	/*
	 * The test's file is not the target's: a copy kept here, or in a
	 * child still running when the test counts, would keep the file's
	 * holds past the test's close.
	 */
	close(fd);
	for (round = 0; !round || now_ms() < until; round++) {
		if (mmap(area, len, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) != area)
			_exit(1);
		memset(area, round, len);
		/* errors ignored: the calls race with the holds, that is all */
		mprotect(area, len, PROT_READ);
		mprotect(area, len, PROT_READ | PROT_WRITE);
		if (mremap(area, len, len, MREMAP_MAYMOVE | MREMAP_FIXED,
			   away) == away)
			mremap(away, len, len, MREMAP_MAYMOVE | MREMAP_FIXED,
			       area);
		child = fork();
		if (!child) {
			area[0] = 1;
			area[len / 2] = 1;
			_exit(0);
		}
		if (child > 0)
			waitpid(child, NULL, 0);
		madvise(area, len, MADV_PAGEOUT);
		madvise(area, len / 2, MADV_DONTNEED);
		area[len - 1] = 2;
		munmap(area, len);
	}
	_exit(0);
}

FIXTURE(race)
{
	size_t page;
	char *area;		/* the target's range, reserved here */
	char *own;		/* the test's own pages */
	uint32_t own_refs[OWN];
	pid_t target;
	int fd;
	int calls, kills, targets, reopens;
	int errs[256];		/* calls that failed, by errno */
	long slabs0[SLABS];	/* objects in use before the race */
	long threads0;		/* and the guest's threads then */
	struct mmscope_pageref_page recs[PAGES];
};

static void target_start(FIXTURE_DATA(race) *self)
{
	self->target = fork();
	if (!self->target)
		target_run(self->area, self->page, self->fd);
	self->targets++;
}

/* The target is gone (or going): reap it and start the next one. */
static void target_next(FIXTURE_DATA(race) *self)
{
	if (waitpid(self->target, NULL, WNOHANG) == self->target)
		target_start(self);
}

/*
 * Tasks alive (or not yet reaped) in the whole guest: the threads /proc
 * lists. The kernel starts and stops workers of its own meanwhile, so the
 * task_struct count is held against this.
 */
static long threads(void)
{
	char path[300];
	struct dirent *d, *t;
	DIR *proc = opendir("/proc"), *task;
	long n = 0;

	if (!proc)
		return -1;
	while ((d = readdir(proc))) {
		if (d->d_name[0] < '1' || d->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/task", d->d_name);
		task = opendir(path);
		while (task && (t = readdir(task)))
			n += t->d_name[0] != '.';
		if (task)
			closedir(task);
	}
	closedir(proc);
	return n;
}

FIXTURE_SETUP(race)
{
	struct mmscope_pageref_page r;
	char *p;
	int i;

	self->page = getpagesize();
	/* a target's child that outlives it is ours to reap, not init's */
	ASSERT_EQ(0, prctl(PR_SET_CHILD_SUBREAPER, 1));
	self->fd = pageref_open();
	ASSERT_LE(0, self->fd);
	/* the target's range and room to move it to, no one else's */
	p = mmap(NULL, 2 * PAGES * self->page, PROT_NONE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	ASSERT_NE(MAP_FAILED, p);
	self->area = p;
	/* pages of the test's own, not shared with the targets it forks */
	self->own = anon_pages(OWN);
	ASSERT_NE(NULL, self->own);
	ASSERT_EQ(0, madvise(self->own, OWN * self->page, MADV_DONTFORK));
	for (i = 0; i < OWN; i++) {
		ASSERT_EQ(0, pageref_query_settled(self->fd, getpid(),
				(unsigned long)self->own + i * self->page, &r));
		self->own_refs[i] = r.refcount;
	}
	/* the slabs as they will be at the end: the file open, no target */
	for (i = 0; i < SLABS; i++) {
		self->slabs0[i] = mmscope_slab_active(slabs[i]);
		ASSERT_LE(0, self->slabs0[i]) TH_LOG("%s", slabs[i]);
	}
	self->threads0 = threads();
	ASSERT_LT(0, self->threads0);
	target_start(self);
	ASSERT_LT(0, self->target);
}

FIXTURE_TEARDOWN(race)
{
	if (self->target > 0) {
		kill(self->target, SIGKILL);
		waitpid(self->target, NULL, 0);
	}
	if (self->fd >= 0)
		close(self->fd);
}

/* A random subrange of @base's PAGES pages: its start, *len its length. */
static unsigned long subrange(FIXTURE_DATA(race) *self, char *base, int pages,
			      size_t *len)
{
	int first = rand() % pages, n = 1 + rand() % (pages - first);

	*len = n * self->page;
	return (unsigned long)base + first * self->page;
}

/* One call, on the target's range or the test's own pages; its errno. */
static int one_call(FIXTURE_DATA(race) *self)
{
	static const unsigned long holds[] = {
		MMSCOPE_PAGEREF_IOC_GET, MMSCOPE_PAGEREF_IOC_PIN,
		MMSCOPE_PAGEREF_IOC_PIN_LONGTERM, MMSCOPE_PAGEREF_IOC_PUT,
		MMSCOPE_PAGEREF_IOC_UNPIN,
	};
	struct mmscope_pageref_watch w = { .size = sizeof(w) };
	struct mmscope_pageref_hold h;
	bool own = !(rand() % 4);
	pid_t pid = own ? getpid() : self->target;
	unsigned long start;
	int op = rand() % 8;
	size_t len;

	start = subrange(self, own ? self->own : self->area, own ? OWN : PAGES,
			 &len);
	if (op < 5)
		return pageref_hold(self->fd, holds[op], pid, start, len,
				    op >= 3 ? 0 : rand() % 2 ?
				    MMSCOPE_PAGEREF_HOLD_WRITE : 0, &h);
	if (op == 5) {
		/* EIO: fewer records than pages, the range changed */
		op = pageref_query(self->fd, pid, start, len / self->page,
				   self->recs);
		return op == EIO ? 0 : op;
	}
	w.flags = MMSCOPE_PAGEREF_WATCH_ADD |
		  (rand() % 2 ? MMSCOPE_PAGEREF_WATCH_CLEAR : 0);
	w.pid = pid;
	w.start = start;
	w.len = len;
	if (op == 7)
		w.flags = MMSCOPE_PAGEREF_WATCH_CLEAR;
	return ioctl(self->fd, MMSCOPE_PAGEREF_IOC_WATCH, &w) ? errno : 0;
}

/*
 * The slabs back where they were before the race. A reference the module
 * kept on a target's mm or task would keep its mm_struct or task_struct:
 * those counts are exact (each CPU visited, each cache shrunk) and must
 * come back to the object, task_structs net of the threads the guest
 * gained or lost (the kernel's own workers come and go). The kmalloc
 * caches are shared with the rest of the guest, whose use moves by a
 * hundred objects or so from one reading to the next: their least
 * reading must not have grown by more
 * than KMALLOC_SLACK and a sixteenth of the calls that succeeded. A hold
 * that leaked its record leaves an object for each hold dropped (about a
 * third of the calls that succeed): 20 s races catch that, 1.5 s ones
 * only what grows faster. Objects freed after an RCU grace period get up
 * to five seconds.
 */
static void check_slabs(struct __test_metadata *_metadata,
			FIXTURE_DATA(race) *self)
{
	long now[SLABS], least = LONG_MAX, bound = KMALLOC_SLACK +
			self->errs[0] / 16, tasks;
	int i, tries;

	for (tries = 0; tries < 50; tries++) {
		/* the targets' children, orphaned to us when a target died */
		while (waitpid(-1, NULL, WNOHANG) > 0)
			;
		tasks = threads() - self->threads0;
		for (i = 0; i < SLABS; i++)
			now[i] = mmscope_slab_active(slabs[i]);
		/* kernel workers started or stopped meanwhile */
		now[TASK] -= tasks;
		if (now[KMALLOC] >= 0 && now[KMALLOC] < least)
			least = now[KMALLOC];
		if (now[MM] == self->slabs0[MM] &&
		    now[TASK] == self->slabs0[TASK] &&
		    least - self->slabs0[KMALLOC] <= bound)
			break;
		usleep(100000);
	}
	ksft_print_msg("leak: mm_struct %+ld, task_struct %+ld (threads %+ld), kmalloc %+ld (bound %ld) after %d ms\n",
		       now[MM] - self->slabs0[MM],
		       now[TASK] - self->slabs0[TASK], tasks,
		       least - self->slabs0[KMALLOC], bound, tries * 100);
	EXPECT_EQ(self->slabs0[MM], now[MM]);
	EXPECT_EQ(self->slabs0[TASK], now[TASK]);
	EXPECT_GE(bound, least - self->slabs0[KMALLOC]);
}

/* Holds and watches left in the module, seen from a new file. */
static void check_empty(struct __test_metadata *_metadata)
{
	struct mmscope_pageref_held_list l = { .size = sizeof(l) };
	struct mmscope_pageref_watch w = { .size = sizeof(w) };
	int fd = pageref_open();

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, ioctl(fd, MMSCOPE_PAGEREF_IOC_HELD, &l));
	EXPECT_EQ(0, l.total);
	ASSERT_EQ(0, ioctl(fd, MMSCOPE_PAGEREF_IOC_WATCH, &w));
	EXPECT_EQ(0, w.total);
	close(fd);
}

TEST_F_TIMEOUT(race, holds_watches_and_queries_against_a_changing_target,
	       RACE_TIMEOUT)
{
	const char *secs = getenv("MMSCOPE_RACE_SECONDS");
	long until = now_ms() + (secs ? atol(secs) * 1000 : RACE_MS);
	const char *seed_env = getenv("MMSCOPE_RACE_SEED");
	long pins = mmscope_foll_pins_outstanding(), left;
	struct mmscope_pageref_page r;
	unsigned int seed = seed_env ? strtoul(seed_env, NULL, 0) :
				   (unsigned int)time(NULL);
	int err, i;

	ksft_print_msg("seed %u (MMSCOPE_RACE_SEED=%u replays its choices)\n",
		       seed, seed);
	srand(seed);
	while (now_ms() < until) {
		if (!(rand() % 50)) {
			/* killed now, reaped when a call finds it gone */
			kill(self->target, SIGKILL);
			self->kills++;
		}
		err = one_call(self);
		self->calls++;
		switch (err) {
		case 0:
		case ENOENT:	/* nothing mapped there, or nothing to put */
		case EFAULT:	/* a page of the range that nothing maps */
		case ENOMEM:	/* GUP on a range the target just changed */
		case EAGAIN:
		case EBUSY:	/* PIN_LONGTERM: a page that would not move */
		case ENOSPC:	/* the watch list is full */
			break;
		case ESRCH:	/* the target is gone */
			target_next(self);
			break;
		default:
			ASSERT_EQ(0, err) TH_LOG("call %d: %s", self->calls,
						 strerror(err));
		}
		self->errs[err & 0xff]++;
		if (waitpid(self->target, NULL, WNOHANG) == self->target)
			target_start(self);
		if (!(self->calls % REOPEN)) {
			close(self->fd);
			self->fd = pageref_open();
			ASSERT_LE(0, self->fd);
			self->reopens++;
		}
	}
	ksft_print_msg("holds: %d calls (%d ok, %d ENOENT, %d EFAULT, %d ESRCH, %d ENOMEM/EAGAIN/EBUSY, %d ENOSPC), %d targets, %d killed, %d reopens\n",
		       self->calls, self->errs[0], self->errs[ENOENT],
		       self->errs[EFAULT], self->errs[ESRCH],
		       self->errs[ENOMEM] + self->errs[EAGAIN] +
		       self->errs[EBUSY], self->errs[ENOSPC], self->targets,
		       self->kills, self->reopens);
	ASSERT_LT(0, self->errs[0]);
	kill(self->target, SIGKILL);
	waitpid(self->target, NULL, 0);
	self->target = 0;
	/* and the targets' children, orphaned to us when a target died */
	while (wait(NULL) > 0)
		;
	close(self->fd);
	self->fd = -1;

	/* everything taken was given back */
	left = mmscope_foll_pins_outstanding() - pins;
	ksft_print_msg("leak: FOLL_PIN pins not released: %ld\n", left);
	EXPECT_EQ(0, left);
	check_empty(_metadata);
	self->fd = pageref_open();
	ASSERT_LE(0, self->fd);
	for (i = 0; i < OWN; i++) {
		ASSERT_EQ(0, pageref_query_settled(self->fd, getpid(),
				(unsigned long)self->own + i * self->page, &r));
		EXPECT_EQ(self->own_refs[i], r.refcount) TH_LOG("own page %d", i);
	}
	check_slabs(_metadata, self);
}

TEST_HARNESS_MAIN
