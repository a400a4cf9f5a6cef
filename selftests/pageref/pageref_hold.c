// SPDX-License-Identifier: GPL-2.0
/*
 * References held on demand: what a GUP pin and a plain reference do to
 * the counts (GUP_PIN_COUNTING_BIAS on an order-0 page, the pin count of
 * a THP), what they change at fork and COW and under reclaim, and that
 * every one goes away on UNPIN, PUT and close.
 */
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>

#include "kselftest_harness.h"
#include "pageref_util.h"

MMSCOPE_REQUIRE(PAGEREF_CTL)

FIXTURE(hold)
{
	int fd;
	long psize;
	char *p;
};

FIXTURE_SETUP(hold)
{
	self->psize = getpagesize();
	self->fd = pageref_open();
	ASSERT_LE(0, self->fd) TH_LOG("%s: %s", PAGEREF_CTL, strerror(errno));
	self->p = anon_pages(1);
	ASSERT_NE(NULL, self->p);
	ASSERT_EQ(0, pageref_drain());
}

FIXTURE_TEARDOWN(hold)
{
	close(self->fd);
	munmap(self->p, self->psize);
}

/*
 * Drained first: GUP marks a page accessed, which may park it in a
 * per-CPU batch with a reference of its own for a while.
 */
static int query(FIXTURE_DATA(hold) *self, struct mmscope_pageref_page *r)
{
	int ret = pageref_drain();

	if (ret)
		return -ret;
	return pageref_query(self->fd, getpid(), (unsigned long)self->p, 1, r);
}

TEST_F(hold, pin_order0_adds_bias_unpin_restores)
{
	struct mmscope_pageref_page before, pinned, after;
	struct mmscope_pageref_hold h;

	ASSERT_EQ(0, query(self, &before));
	EXPECT_EQ(1, before.refcount);
	ASSERT_EQ(0, pageref_hold(self->fd, MMSCOPE_PAGEREF_IOC_PIN, getpid(),
				  (unsigned long)self->p, self->psize, 0, &h));
	EXPECT_EQ(1, h.pages);
	EXPECT_NE(0, h.id);
	ASSERT_EQ(0, query(self, &pinned));
	EXPECT_EQ(before.pfn, pinned.pfn);
	EXPECT_EQ(before.refcount + GUP_PIN_COUNTING_BIAS, pinned.refcount);
	EXPECT_EQ(GUP_PIN_COUNTING_BIAS,
		  pinned.refcount - pinned.expected_refcount);
	EXPECT_TRUE(pinned.info & MMSCOPE_PAGEREF_MAYBE_DMA_PINNED);
	EXPECT_FALSE(pinned.info & MMSCOPE_PAGEREF_HAS_PINCOUNT);
	EXPECT_EQ(before.mapcount, pinned.mapcount);
	EXPECT_EQ(kpagecount_of(pinned.pfn), (uint64_t)pinned.mapcount);

	ASSERT_EQ(0, pageref_hold(self->fd, MMSCOPE_PAGEREF_IOC_UNPIN, getpid(),
				  (unsigned long)self->p, self->psize, 0, &h));
	EXPECT_EQ(1, h.pages);
	ASSERT_EQ(0, query(self, &after));
	EXPECT_EQ(before.pfn, after.pfn);
	EXPECT_EQ(before.refcount, after.refcount);
	/* GUP marks the page accessed: referenced, maybe active */
	EXPECT_EQ(before.pgflags & ~(PGF(REFERENCED) | PGF(ACTIVE)),
		  after.pgflags & ~(PGF(REFERENCED) | PGF(ACTIVE)));
	EXPECT_FALSE(after.info & MMSCOPE_PAGEREF_MAYBE_DMA_PINNED);
}

TEST_F(hold, pin_thp_counts_in_pincount)
{
	struct mmscope_pageref_page before, pinned, after;
	struct mmscope_pageref_hold h;
	size_t hsize = 2UL << 20;
	char *raw, *t;

	raw = mmap(NULL, 2 * hsize, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, raw);
	t = (char *)(((uintptr_t)raw + hsize - 1) & ~(hsize - 1));
	madvise(t, hsize, MADV_HUGEPAGE);
	t[0] = 1;
	if (!(kpageflags_of(pagemap_pfn(0, (unsigned long)t)) &
	      KPF_BIT(KPF_THP))) {
		munmap(raw, 2 * hsize);
		SKIP(return, "no anonymous THP here (THP disabled?)");
	}
	ASSERT_EQ(0, pageref_query(self->fd, getpid(), (unsigned long)t, 1,
				   &before));
	ASSERT_TRUE(before.info & MMSCOPE_PAGEREF_HAS_PINCOUNT);
	EXPECT_EQ(0, before.pincount);
	ASSERT_EQ(0, pageref_hold(self->fd, MMSCOPE_PAGEREF_IOC_PIN, getpid(),
				  (unsigned long)t, self->psize, 0, &h));
	ASSERT_EQ(0, pageref_drain());
	ASSERT_EQ(0, pageref_query(self->fd, getpid(), (unsigned long)t, 1,
				   &pinned));
	EXPECT_EQ(before.refcount + 1, pinned.refcount);
	EXPECT_EQ(1, pinned.pincount);
	EXPECT_TRUE(pinned.info & MMSCOPE_PAGEREF_MAYBE_DMA_PINNED);
	ASSERT_EQ(0, pageref_hold(self->fd, MMSCOPE_PAGEREF_IOC_UNPIN, getpid(),
				  (unsigned long)t, self->psize, 0, &h));
	ASSERT_EQ(0, pageref_drain());
	ASSERT_EQ(0, pageref_query(self->fd, getpid(), (unsigned long)t, 1,
				   &after));
	EXPECT_EQ(before.refcount, after.refcount);
	EXPECT_EQ(0, after.pincount);
	EXPECT_FALSE(after.info & MMSCOPE_PAGEREF_MAYBE_DMA_PINNED);
	munmap(raw, 2 * hsize);
}

TEST_F(hold, get_adds_one_put_restores)
{
	struct mmscope_pageref_page before, held, after;
	struct mmscope_pageref_hold h;

	ASSERT_EQ(0, query(self, &before));
	ASSERT_EQ(0, pageref_hold(self->fd, MMSCOPE_PAGEREF_IOC_GET, getpid(),
				  (unsigned long)self->p, self->psize, 0, &h));
	ASSERT_EQ(0, query(self, &held));
	EXPECT_EQ(before.refcount + 1, held.refcount);
	EXPECT_EQ(1, held.refcount - held.expected_refcount);
	EXPECT_FALSE(held.info & MMSCOPE_PAGEREF_MAYBE_DMA_PINNED);
	/* a plain reference is not a pin: UNPIN finds nothing */
	EXPECT_EQ(ENOENT, pageref_hold(self->fd, MMSCOPE_PAGEREF_IOC_UNPIN,
				       getpid(), (unsigned long)self->p,
				       self->psize, 0, &h));
	ASSERT_EQ(0, pageref_hold(self->fd, MMSCOPE_PAGEREF_IOC_PUT, getpid(),
				  (unsigned long)self->p, self->psize, 0, &h));
	ASSERT_EQ(0, query(self, &after));
	EXPECT_EQ(before.refcount, after.refcount);
}

/* The child's pfn of p, looked up in the child itself through pagemap. */
static pid_t fork_and_wait(int sync[2], volatile char *p)
{
	pid_t child;
	char c = 0;

	if (pipe(sync))
		return -1;
	child = fork();
	if (!child) {
		c = p[0];	/* read only: no COW fault */
		if (write(sync[1], &c, 1) != 1)
			_exit(1);
		pause();
		_exit(0);
	}
	if (child > 0 && read(sync[0], &c, 1) != 1)
		return -1;
	return child;
}

/* A pinned anon page may not be shared: fork gives the child a copy. */
TEST_F(hold, pinned_page_copied_at_fork)
{
	struct mmscope_pageref_page pr, cr;
	struct mmscope_pageref_hold h;
	int sync[2];
	pid_t child;

	ASSERT_EQ(0, pageref_hold(self->fd, MMSCOPE_PAGEREF_IOC_PIN, getpid(),
				  (unsigned long)self->p, self->psize, 0, &h));
	child = fork_and_wait(sync, self->p);
	ASSERT_LT(0, child);
	ASSERT_EQ(0, query(self, &pr));
	ASSERT_EQ(0, pageref_query(self->fd, child, (unsigned long)self->p, 1,
				   &cr));
	EXPECT_NE(pr.pfn, cr.pfn);
	EXPECT_EQ(pagemap_pfn(child, (unsigned long)self->p), cr.pfn);
	EXPECT_EQ(1, pr.mapcount);
	EXPECT_EQ(1, cr.mapcount);
	EXPECT_TRUE(pr.info & MMSCOPE_PAGEREF_ANON_EXCLUSIVE);
	EXPECT_TRUE(cr.info & MMSCOPE_PAGEREF_ANON_EXCLUSIVE);
	kill(child, SIGKILL);
	waitpid(child, NULL, 0);
	close(sync[0]);
	close(sync[1]);
}

/*
 * A plain reference does not stop fork from sharing the page, but after
 * the child is gone the parent's write still copies: with mapcount 1,
 * the refcount of 2 says somebody else may use the page.
 */
TEST_F(hold, get_then_fork_cow_by_refcount)
{
	struct mmscope_pageref_page r;
	struct mmscope_pageref_hold h;
	int sync[2];
	uint64_t pfn;
	pid_t child;

	ASSERT_EQ(0, pageref_hold(self->fd, MMSCOPE_PAGEREF_IOC_GET, getpid(),
				  (unsigned long)self->p, self->psize, 0, &h));
	ASSERT_EQ(0, query(self, &r));
	pfn = r.pfn;
	child = fork_and_wait(sync, self->p);
	ASSERT_LT(0, child);
	ASSERT_EQ(0, query(self, &r));
	EXPECT_EQ(pfn, r.pfn);
	EXPECT_EQ(2, r.mapcount);
	kill(child, SIGKILL);
	waitpid(child, NULL, 0);
	close(sync[0]);
	close(sync[1]);

	ASSERT_EQ(0, query(self, &r));
	EXPECT_EQ(pfn, r.pfn);
	EXPECT_EQ(1, r.mapcount);
	EXPECT_EQ(2, r.refcount);
	EXPECT_FALSE(r.info & MMSCOPE_PAGEREF_ANON_EXCLUSIVE);
	self->p[0] = 7;
	ASSERT_EQ(0, query(self, &r));
	EXPECT_NE(pfn, r.pfn);
	EXPECT_EQ(pagemap_pfn(0, (unsigned long)self->p), r.pfn);
	EXPECT_TRUE(r.info & MMSCOPE_PAGEREF_ANON_EXCLUSIVE);
}

/* Reclaim with a reference held: unmapped maybe, but not freed. */
TEST_F(hold, get_keeps_page_across_pageout)
{
	struct mmscope_pageref_page r;
	struct mmscope_pageref_hold h;
	volatile char *v = self->p;
	uint64_t pfn, e;

	if (!swap_is_on())
		SKIP(return, "no swap (run with --swap)");
	ASSERT_EQ(0, pageref_hold(self->fd, MMSCOPE_PAGEREF_IOC_GET, getpid(),
				  (unsigned long)self->p, self->psize, 0, &h));
	ASSERT_EQ(0, query(self, &r));
	pfn = r.pfn;
	if (madvise(self->p, self->psize, MADV_PAGEOUT))
		SKIP(return, "MADV_PAGEOUT: %s", strerror(errno));
	ASSERT_EQ(0, mmscope_pagemap_read(0, (unsigned long)self->p, 1, &e));
	TH_LOG("after MADV_PAGEOUT: %s", e & PM_PRESENT ? "present" :
	       e & PM_SWAP ? "swap entry" : "none");
	EXPECT_TRUE(e & (PM_PRESENT | PM_SWAP));
	ASSERT_EQ(0x5a, v[0]);
	EXPECT_EQ(pfn, pagemap_pfn(0, (unsigned long)self->p));
}

TEST_F(hold, pin_keeps_pte_across_pageout)
{
	struct mmscope_pageref_page r;
	struct mmscope_pageref_hold h;
	uint64_t e;

	if (!swap_is_on())
		SKIP(return, "no swap (run with --swap)");
	ASSERT_EQ(0, pageref_hold(self->fd, MMSCOPE_PAGEREF_IOC_PIN, getpid(),
				  (unsigned long)self->p, self->psize, 0, &h));
	ASSERT_EQ(0, query(self, &r));
	if (madvise(self->p, self->psize, MADV_PAGEOUT))
		SKIP(return, "MADV_PAGEOUT: %s", strerror(errno));
	ASSERT_EQ(0, mmscope_pagemap_read(0, (unsigned long)self->p, 1, &e));
	EXPECT_TRUE(e & PM_PRESENT);
	EXPECT_EQ(r.pfn, PM_PFN(e));
}

/* Without a reference, the same MADV_PAGEOUT does swap the page out. */
TEST_F(hold, unheld_page_is_swapped_out)
{
	struct mmscope_pageref_page r;
	uint64_t e;

	if (!swap_is_on())
		SKIP(return, "no swap (run with --swap)");
	if (madvise(self->p, self->psize, MADV_PAGEOUT))
		SKIP(return, "MADV_PAGEOUT: %s", strerror(errno));
	ASSERT_EQ(0, mmscope_pagemap_read(0, (unsigned long)self->p, 1, &e));
	EXPECT_TRUE(e & PM_SWAP);
	ASSERT_EQ(0, query(self, &r));
	EXPECT_EQ(MMSCOPE_PAGEREF_SWAP, r.state);
}

TEST_F(hold, close_restores_every_refcount)
{
	struct mmscope_pageref_page before, after;
	struct mmscope_pageref_hold h;
	int fd2 = pageref_open();

	ASSERT_LE(0, fd2);
	ASSERT_EQ(0, query(self, &before));
	/*
	 * The long-term pin first: a page in CMA or ZONE_MOVABLE (arm64
	 * guests have a CMA area) is migrated out before it is pinned, and
	 * that migration fails (ENOMEM) while other references are held.
	 */
	ASSERT_EQ(0, pageref_hold(fd2, MMSCOPE_PAGEREF_IOC_PIN_LONGTERM,
				  getpid(), (unsigned long)self->p,
				  self->psize, 0, &h));
	ASSERT_EQ(0, pageref_hold(fd2, MMSCOPE_PAGEREF_IOC_GET, getpid(),
				  (unsigned long)self->p, self->psize, 0, &h));
	ASSERT_EQ(0, pageref_hold(fd2, MMSCOPE_PAGEREF_IOC_PIN, getpid(),
				  (unsigned long)self->p, self->psize, 0, &h));
	ASSERT_EQ(0, query(self, &after));
	EXPECT_EQ(before.refcount + 1 + 2 * GUP_PIN_COUNTING_BIAS,
		  after.refcount);
	close(fd2);
	ASSERT_EQ(0, query(self, &after));
	EXPECT_EQ(before.refcount, after.refcount);
	EXPECT_FALSE(after.info & MMSCOPE_PAGEREF_MAYBE_DMA_PINNED);
}

TEST_F(hold, held_file_lists_holds)
{
	char text[4096], want[128];
	struct mmscope_pageref_hold h;
	struct mmscope_pageref_page r;

	ASSERT_EQ(0, pageref_hold(self->fd, MMSCOPE_PAGEREF_IOC_PIN, getpid(),
				  (unsigned long)self->p, self->psize, 0, &h));
	ASSERT_EQ(0, query(self, &r));
	ASSERT_LT(0, mmscope_read_file(PAGEREF_DIR "/held", text, sizeof(text)));
	snprintf(want, sizeof(want), "%llu file pin %d 0x%lx 1 0x%llx\n",
		 (unsigned long long)h.id, getpid(), (unsigned long)self->p,
		 (unsigned long long)r.pfn);
	EXPECT_NE(NULL, strstr(text, want)) TH_LOG("want %sgot %s", want, text);
}

/* The hold outlives the process; the page loses its mapping only. */
TEST_F(hold, hold_survives_process_exit)
{
	struct mmscope_pageref_page r;
	struct mmscope_pageref_hold h;
	int sync[2];
	pid_t child;
	char *q = mmap(NULL, self->psize, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char c;

	ASSERT_NE(MAP_FAILED, q);
	ASSERT_EQ(0, pipe(sync));
	child = fork();
	ASSERT_LE(0, child);
	if (!child) {
		q[0] = 1;	/* the child's own page */
		if (write(sync[1], &c, 1) != 1)
			_exit(1);
		pause();
		_exit(0);
	}
	ASSERT_EQ(1, read(sync[0], &c, 1));
	ASSERT_EQ(0, pageref_hold(self->fd, MMSCOPE_PAGEREF_IOC_GET, child,
				  (unsigned long)q, self->psize, 0, &h));
	ASSERT_EQ(0, pageref_query(self->fd, child, (unsigned long)q, 1, &r));
	kill(child, SIGKILL);
	waitpid(child, NULL, 0);
	ASSERT_EQ(0, pageref_drain());
	{
		struct mmscope_pageref_page orphan;
		uint64_t id = h.id;

		ASSERT_EQ(0, pageref_query_pfn(self->fd, r.pfn, 1, &orphan));
		EXPECT_EQ(MMSCOPE_PAGEREF_PRESENT, orphan.state);
		EXPECT_EQ(0, orphan.mapcount);
		EXPECT_EQ(1, orphan.refcount);	/* ours alone */
		EXPECT_EQ(0, kpagecount_of(r.pfn));
		memset(&h, 0, sizeof(h));
		h.size = sizeof(h);
		h.id = id;
		EXPECT_EQ(0, ioctl(self->fd, MMSCOPE_PAGEREF_IOC_PUT, &h));
		EXPECT_EQ(1, h.pages);
	}
	close(sync[0]);
	close(sync[1]);
	munmap(q, self->psize);
}

TEST_HARNESS_MAIN
