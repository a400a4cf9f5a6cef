// SPDX-License-Identifier: GPL-2.0
/*
 * The core's page-table walker against a target that changes its page
 * tables under it: both modes (the locked one through pagewalk's WALK,
 * full records with paths and compact entries; the lockless one through
 * pageref's QUERY) walk a target process in a loop while it maps anon and
 * shmem memory, collapses it into THPs (MADV_COLLAPSE: PTE tables freed,
 * on 6.5+ without the mmap write lock), zaps it (MADV_DONTNEED: empty PTE
 * tables freed under the read lock with CONFIG_PT_RECLAIM), unmaps it and
 * exits. Every walk returns records that are consistent, or ESRCH once
 * the target is gone, or (pageref) ENOENT while it has nothing mapped in
 * the range; the guest runner fails on any kernel splat.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <mmscope/pageref.h>
#include <mmscope/pagewalk.h>

#include "kselftest_harness.h"
#include "mmscope_test.h"

#define PW_CTL		MMSCOPE_DEBUGFS "/pagewalk/ctl"
#define PR_CTL		MMSCOPE_DEBUGFS "/pageref/ctl"

MMSCOPE_REQUIRE(PW_CTL)

#ifndef MADV_COLLAPSE
#define MADV_COLLAPSE	25
#endif

#define HUGE		(2UL << 20)
#define AREA		(4 * HUGE)	/* 2 anon + 2 shmem THP-sized blocks */
#define MAX_RECS	(AREA / 4096 + 64)	/* a record a page, and the gaps */
#define RACE_MS		1500		/* per test: TCG arm64 is slow */
#define RACE_TIMEOUT	3600		/* the harness's limit per test, s */
#define TARGET_MS	250		/* then the target exits by itself */

FIXTURE(race)
{
	int pw, pr;
	unsigned long page;
	char *area;		/* reserved here, reused by each target */
	pid_t target;
	int *rounds;		/* shared: rounds the targets did */
	int huge_seen;		/* walks that met a PMD leaf */
	struct mmscope_pagewalk_record recs[MAX_RECS];
	struct mmscope_pagewalk_path paths[MAX_RECS];
	struct mmscope_pagewalk_entry ents[MAX_RECS];
	struct mmscope_pageref_page pages[MAX_RECS];
};

static void touch(char *p, size_t len, size_t step)
{
	size_t i;

	for (i = 0; i < len; i += step)
		p[i] = 1;
}

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * The target: rounds of mapping, filling, collapsing, zapping and
 * unmapping [area, area + AREA) for TARGET_MS, then exit. Few system
 * calls a round.
 */
static void __attribute__((noreturn)) target_run(char *area, unsigned long page,
						int *rounds)
{
	int fd = syscall(SYS_memfd_create, "walk-race", 0);
	char *anon = area, *shm = area + 2 * HUGE;
	long until = now_ms() + TARGET_MS;
	int round;

	if (fd < 0 || ftruncate(fd, 2 * HUGE))
		_exit(1);
	for (round = 0; !round || now_ms() < until; round++) {
		if (mmap(anon, 2 * HUGE, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) != anon ||
		    mmap(shm, 2 * HUGE, PROT_READ | PROT_WRITE,
			 MAP_SHARED | MAP_FIXED, fd, 0) != shm)
			_exit(1);
		madvise(anon, 2 * HUGE, MADV_NOHUGEPAGE);
		touch(anon, 2 * HUGE, 8 * page);
		touch(shm, 2 * HUGE, 8 * page);
		madvise(anon, 2 * HUGE, MADV_HUGEPAGE);
		/* errors ignored: a kernel may refuse, the walk goes on */
		madvise(anon, HUGE, MADV_COLLAPSE);
		madvise(shm, HUGE, MADV_COLLAPSE);
		madvise(anon + HUGE, HUGE, MADV_DONTNEED);
		madvise(shm + HUGE, HUGE, MADV_DONTNEED);
		touch(anon + HUGE, HUGE, 32 * page);
		madvise(anon, 2 * HUGE, MADV_DONTNEED);
		munmap(area, AREA);
		__atomic_add_fetch(rounds, 1, __ATOMIC_RELAXED);
	}
	_exit(0);
}

static pid_t target_start(FIXTURE_DATA(race) *self)
{
	pid_t pid = fork();

	if (!pid)
		target_run(self->area, self->page, self->rounds);
	return pid;
}

FIXTURE_SETUP(race)
{
	char *p;

	self->page = getpagesize();
	self->pw = open(PW_CTL, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, self->pw);
	self->pr = open(PR_CTL, O_RDWR | O_CLOEXEC);
	if (self->pr < 0)
		SKIP(return, "pageref is not loaded");
	/* a THP-aligned range no one else uses, for each target */
	p = mmap(NULL, AREA + HUGE, PROT_NONE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	ASSERT_NE(MAP_FAILED, p);
	self->area = (char *)(((unsigned long)p + HUGE - 1) & ~(HUGE - 1));
	self->rounds = mmap(NULL, self->page, PROT_READ | PROT_WRITE,
			    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, self->rounds);
	self->target = target_start(self);
	ASSERT_LT(0, self->target);
}

FIXTURE_TEARDOWN(race)
{
	if (self->target > 0) {
		kill(self->target, SIGKILL);
		waitpid(self->target, NULL, 0);
	}
	if (self->pr >= 0)
		close(self->pr);
	close(self->pw);
}

/* Walk errors that mean the target exited: the next one is started. */
static bool target_gone(FIXTURE_DATA(race) *self, int err)
{
	if (err != ESRCH)
		return false;
	waitpid(self->target, NULL, 0);
	self->target = target_start(self);
	return true;
}

/*
 * Locked mode, full records with paths: they cover the range in order,
 * and a leaf's path ends at the entry the record shows.
 */
static int walk_records(FIXTURE_DATA(race) *self, const char **why)
{
	uint64_t start = (uintptr_t)self->area, end = start + AREA, va = start;
	struct mmscope_pagewalk_walk w = {
		.size = sizeof(w), .pid = self->target, .count = MAX_RECS,
		.start = start, .len = AREA, .records = (uintptr_t)self->recs,
		.paths = (uintptr_t)self->paths,
	};
	const struct mmscope_pagewalk_record *r;
	const struct mmscope_pagewalk_path *p;
	bool seen = false;
	uint32_t i;

	if (ioctl(self->pw, MMSCOPE_PAGEWALK_IOC_WALK, &w))
		return errno;
	*why = "records do not cover the range in order";
	for (i = 0; i < w.count; i++) {
		r = &self->recs[i];
		p = &self->paths[i];
		if (r->va > va || r->va + r->size <= va)
			return -1;
		va = r->va + r->size;
		*why = "bad level or state";
		if (r->level > MMSCOPE_PAGEWALK_PTE || r->state > MMSCOPE_PAGEWALK_BAD ||
		    p->count > MMSCOPE_PAGEWALK_NR_LEVELS)
			return -1;
		*why = "a leaf's path does not end at its entry";
		if (r->state != MMSCOPE_PAGEWALK_NONE &&
		    (!p->count || p->step[p->count - 1].raw != r->raw))
			return -1;
		*why = "records do not cover the range in order";
		seen |= r->level == MMSCOPE_PAGEWALK_PMD &&
			r->state == MMSCOPE_PAGEWALK_PRESENT;
	}
	self->huge_seen += seen;
	return va >= end && w.next == end ? 0 : -1;
}

/* Locked mode, compact entries (the PTE-run path): in order, no gaps. */
static int walk_compact(FIXTURE_DATA(race) *self, const char **why)
{
	uint64_t start = (uintptr_t)self->area, end = start + AREA, va = start;
	struct mmscope_pagewalk_walk w = {
		.size = sizeof(w), .pid = self->target,
		.flags = MMSCOPE_PAGEWALK_COMPACT, .count = MAX_RECS,
		.start = start, .len = AREA, .records = (uintptr_t)self->ents,
		.entry_size = sizeof(self->ents[0]),
	};
	const struct mmscope_pagewalk_entry *e;
	uint32_t i;

	if (ioctl(self->pw, MMSCOPE_PAGEWALK_IOC_WALK, &w))
		return errno;
	*why = "compact entries do not cover the range in order";
	for (i = 0; i < w.count; i++) {
		e = &self->ents[i];
		if (!e->pages || e->va > va ||
		    e->va + e->pages * self->page <= va ||
		    e->level > MMSCOPE_PAGEWALK_PTE || e->state > MMSCOPE_PAGEWALK_BAD)
			return -1;
		va = e->va + e->pages * self->page;
	}
	return va >= end && w.next == end ? 0 : -1;
}

/*
 * Lockless mode: one record per page, at its address, of a known state;
 * a page read without a change seen lies in the folio it names.
 */
static int walk_lockless(FIXTURE_DATA(race) *self, const char **why)
{
	uint64_t start = (uintptr_t)self->area;
	struct mmscope_pageref_query q = {
		.size = sizeof(q), .pid = self->target,
		.record_size = sizeof(self->pages[0]), .start = start,
		.len = AREA, .records = (uintptr_t)self->pages,
		.count = AREA / self->page,
	};
	const struct mmscope_pageref_page *r;
	uint32_t i;

	if (ioctl(self->pr, MMSCOPE_PAGEREF_IOC_QUERY, &q))
		return errno;
	/* a target gone between two passes ends the query early */
	*why = "not one record per page";
	if (!q.count || q.count > AREA / self->page ||
	    q.next != start + q.count * self->page)
		return -1;
	for (i = 0; i < q.count; i++) {
		r = &self->pages[i];
		*why = "a record at the wrong address or of an unknown state";
		if (r->va != start + i * self->page ||
		    r->state > MMSCOPE_PAGEREF_NO_STRUCT_PAGE)
			return -1;
		*why = "a page outside the folio it names";
		if (r->state == MMSCOPE_PAGEREF_PRESENT &&
		    !(r->info & MMSCOPE_PAGEREF_CHANGED) &&
		    (r->pfn < r->head_pfn ||
		     r->pfn - r->head_pfn >= 1ULL << r->order))
			return -1;
	}
	return 0;
}

typedef int (*walk_fn)(FIXTURE_DATA(race) *self, const char **why);

/*
 * Walk with @fn for RACE_MS, or MMSCOPE_RACE_SECONDS when set (the long
 * form `make stress` runs); returns how many walks found the target.
 * @empty is the errno the interface documents for a range with nothing
 * mapped in it (pageref: ENOENT, the range contract's), 0 if it has none.
 */
static int race(struct __test_metadata *_metadata, FIXTURE_DATA(race) *self,
		walk_fn fn, int empty, const char *name)
{
	const char *secs = getenv("MMSCOPE_RACE_SECONDS");
	long until = now_ms() + (secs ? atol(secs) * 1000 : RACE_MS);
	int walks = 0, gone = 0, unmapped = 0, ret;
	const char *why = "";

	while (now_ms() < until) {
		ret = fn(self, &why);
		if (target_gone(self, ret)) {
			gone++;
			continue;
		}
		if (empty && ret == empty) {
			unmapped++;
			continue;
		}
		ASSERT_NE(-1, ret) TH_LOG("%s: %s", name, why);
		ASSERT_EQ(0, ret) TH_LOG("%s: %s", name, strerror(ret));
		walks++;
		/*
		 * Back-to-back walks hold the target's mmap lock nearly all
		 * the time: under TCG its writers (mmap, munmap, collapse)
		 * then got one round done in seconds. A pause lets it churn.
		 */
		usleep(1000);
	}
	ksft_print_msg("%s: %d walks (%d met a THP), %d found nothing mapped, %d the target gone; %d target rounds\n",
		       name, walks, self->huge_seen, unmapped, gone,
		       __atomic_load_n(self->rounds, __ATOMIC_RELAXED));
	return walks;
}

TEST_F_TIMEOUT(race, locked_walks_records_and_paths, RACE_TIMEOUT)
{
	ASSERT_LT(0, race(_metadata, self, walk_records, 0, "records"));
}

TEST_F_TIMEOUT(race, locked_walks_compact_pte_runs, RACE_TIMEOUT)
{
	ASSERT_LT(0, race(_metadata, self, walk_compact, 0, "compact"));
}

TEST_F_TIMEOUT(race, lockless_walks_pageref, RACE_TIMEOUT)
{
	ASSERT_LT(0, race(_metadata, self, walk_lockless, ENOENT, "pageref"));
}

TEST_HARNESS_MAIN
