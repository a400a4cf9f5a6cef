// SPDX-License-Identifier: GPL-2.0
/*
 * A query of many pages reads a large folio's folio-wide facts once and
 * takes an order-0 page's record from the page before it when the two are
 * made of the same words. Each record of such a query must still be what
 * a query of that one page says (a pass that starts at it reads it all
 * afresh), and what /proc/kpagecount and /proc/kpageflags say: for
 * order-0 pages of mixed states next to each other, and for the pages of
 * a THP mapped by its PMD, then by PTEs with map counts that differ from
 * page to page.
 */
#include <stdlib.h>
#include <sys/wait.h>

#include "kselftest_harness.h"
#include "pageref_util.h"

MMSCOPE_REQUIRE(PAGEREF_CTL)

#define HPAGE (2UL << 20)

FIXTURE(batch)
{
	int fd;
	long psize;
};

FIXTURE_SETUP(batch)
{
	self->psize = getpagesize();
	self->fd = pageref_open();
	ASSERT_LE(0, self->fd) TH_LOG("%s: %s", PAGEREF_CTL, strerror(errno));
}

FIXTURE_TEARDOWN(batch)
{
	close(self->fd);
}

/* Record a (of a batch) and b (of a one-page query) must agree. */
static void same_record(struct __test_metadata *_metadata, size_t i,
			const struct mmscope_pageref_page *a,
			const struct mmscope_pageref_page *b)
{
	EXPECT_EQ(a->va, b->va) TH_LOG("page %zu", i);
	EXPECT_EQ(a->state, b->state) TH_LOG("page %zu", i);
	EXPECT_EQ(a->pfn, b->pfn) TH_LOG("page %zu", i);
	EXPECT_EQ(a->head_pfn, b->head_pfn) TH_LOG("page %zu", i);
	EXPECT_EQ(a->order, b->order) TH_LOG("page %zu", i);
	EXPECT_EQ(a->pgflags, b->pgflags) TH_LOG("page %zu", i);
	EXPECT_EQ(a->mapping, b->mapping) TH_LOG("page %zu", i);
	EXPECT_EQ(a->mapping_ino, b->mapping_ino) TH_LOG("page %zu", i);
	EXPECT_EQ(a->index, b->index) TH_LOG("page %zu", i);
	EXPECT_EQ(a->memcg_ino, b->memcg_ino) TH_LOG("page %zu", i);
	EXPECT_EQ(a->refcount, b->refcount) TH_LOG("page %zu", i);
	EXPECT_EQ(a->expected_refcount, b->expected_refcount)
		TH_LOG("page %zu", i);
	EXPECT_EQ(a->mapcount, b->mapcount) TH_LOG("page %zu", i);
	EXPECT_EQ(a->entire_mapcount, b->entire_mapcount) TH_LOG("page %zu", i);
	EXPECT_EQ(a->total_mapcount, b->total_mapcount) TH_LOG("page %zu", i);
	EXPECT_EQ(a->pincount, b->pincount) TH_LOG("page %zu", i);
	EXPECT_EQ(a->lru, b->lru) TH_LOG("page %zu", i);
	EXPECT_EQ(a->lru_gen, b->lru_gen) TH_LOG("page %zu", i);
	EXPECT_EQ(a->info & ~MMSCOPE_PAGEREF_CHANGED,
		  b->info & ~MMSCOPE_PAGEREF_CHANGED) TH_LOG("page %zu", i);
}

/* Every nth record of a batch against a one-page query of its page. */
static void batch_matches_single(struct __test_metadata *_metadata, int fd,
				 unsigned long start, size_t n, size_t step,
				 const struct mmscope_pageref_page *r)
{
	struct mmscope_pageref_page one;
	long psize = getpagesize();
	size_t i;

	for (i = 0; i < n; i += step) {
		ASSERT_EQ(0, pageref_query(fd, getpid(), start + i * psize, 1,
					   &one));
		same_record(_metadata, i, &r[i], &one);
	}
}

/*
 * A child that changes its copy of the address space, says so and stays
 * until let go, so that the parent sees the shared state: fork with
 * child_fork() (0 in the child, which then calls child_stay()), wait for
 * it with child_ready(), end it with child_release().
 */
struct child {
	pid_t pid;
	int up[2], down[2];
};

static pid_t child_fork(struct child *k)
{
	if (pipe(k->up))
		return -1;
	if (pipe(k->down)) {
		close(k->up[0]);
		close(k->up[1]);
		return -1;
	}
	k->pid = fork();
	return k->pid;
}

static void __attribute__((noreturn)) child_stay(struct child *k)
{
	char c = 0;

	close(k->up[0]);
	close(k->down[1]);
	if (write(k->up[1], &c, 1) != 1 || read(k->down[0], &c, 1) != 1)
		_exit(1);
	_exit(0);
}

static bool child_ready(struct child *k)
{
	char c;

	return read(k->up[0], &c, 1) == 1;
}

static void child_release(struct child *k)
{
	char c = 0;

	if (write(k->down[1], &c, 1) != 1)
		kill(k->pid, SIGKILL);
	waitpid(k->pid, NULL, 0);
	close(k->up[0]);
	close(k->up[1]);
	close(k->down[0]);
	close(k->down[1]);
}

/*
 * Order-0 pages side by side, in runs of alike pages: never touched, the
 * zero page, written (one of them also held by a GET: one more
 * reference), written and mlocked; then the first pages shared with a
 * child (map count 2), up to the middle of a run.
 */
TEST_F(batch, mixed_order0_pages)
{
	size_t n = 48, split = 27, held = 11, i;
	struct mmscope_pageref_page *r = calloc(n, sizeof(*r));
	struct mmscope_pageref_hold h;
	struct child child;
	volatile char *p;

	ASSERT_NE(NULL, r);
	p = mmap(NULL, n * self->psize, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, p);
	madvise((void *)p, n * self->psize, MADV_NOHUGEPAGE);
	for (i = 0; i < n; i++) {
		if (i % 8 == 1)
			(void)p[i * self->psize];	/* the zero page */
		if (i % 8 >= 2)
			p[i * self->psize] = 1;
		if (i % 8 >= 5)
			ASSERT_EQ(0, mlock((void *)(p + i * self->psize),
					   self->psize));
	}
	ASSERT_EQ(0, pageref_hold(self->fd, MMSCOPE_PAGEREF_IOC_GET, getpid(),
				  (unsigned long)p + held * self->psize,
				  self->psize, 0, &h));
	ASSERT_EQ(0, pageref_drain());
	ASSERT_EQ(0, pageref_query(self->fd, getpid(), (unsigned long)p, n, r));
	for (i = 0; i < n; i++) {
		if (i % 8 == 0) {
			EXPECT_EQ(MMSCOPE_PAGEREF_NONE, r[i].state);
			continue;
		}
		ASSERT_EQ(MMSCOPE_PAGEREF_PRESENT, r[i].state);
		EXPECT_EQ(pagemap_pfn(0, (unsigned long)p + i * self->psize),
			  r[i].pfn);
		EXPECT_EQ(i % 8 == 1, !!(r[i].info & MMSCOPE_PAGEREF_ZERO_PAGE));
		EXPECT_EQ(i % 8 >= 5, !!(r[i].pgflags & PGF(MLOCKED)))
			TH_LOG("page %zu", i);
		EXPECT_EQ(kpagecount_of(r[i].pfn), (uint64_t)r[i].mapcount);
		EXPECT_EQ(!!(kpageflags_of(r[i].pfn) & KPF_BIT(KPF_UNEVICTABLE)),
			  !!(r[i].pgflags & PGF(UNEVICTABLE)));
		if (i % 8 >= 2)
			EXPECT_EQ(i == held ? 2 : 1, r[i].refcount)
				TH_LOG("page %zu", i);
	}
	batch_matches_single(_metadata, self->fd, (unsigned long)p, n, 1, r);

	/* a child shares the pages before split: map count 2 there */
	ASSERT_LE(0, child_fork(&child));
	if (!child.pid) {
		munmap((void *)(p + split * self->psize),
		       (n - split) * self->psize);
		child_stay(&child);
	}
	ASSERT_TRUE(child_ready(&child));
	ASSERT_EQ(0, pageref_drain());
	ASSERT_EQ(0, pageref_query(self->fd, getpid(), (unsigned long)p, n, r));
	for (i = 0; i < n; i++) {
		if (i % 8 < 2)
			continue;
		EXPECT_EQ(i < split ? 2 : 1, r[i].mapcount) TH_LOG("page %zu", i);
		EXPECT_EQ(kpagecount_of(r[i].pfn), (uint64_t)r[i].mapcount);
	}
	batch_matches_single(_metadata, self->fd, (unsigned long)p, n, 1, r);
	child_release(&child);
	EXPECT_EQ(0, pageref_hold(self->fd, MMSCOPE_PAGEREF_IOC_PUT, getpid(),
				  0, 0, MMSCOPE_PAGEREF_HOLD_ALL, &h));
	munlock((void *)p, n * self->psize);
	munmap((void *)p, n * self->psize);
	free(r);
}

/* A PMD-mapped anonymous THP at an aligned address, or NULL. */
static char *thp_at(char **raw)
{
	char *p;

	*raw = mmap(NULL, 2 * HPAGE, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (*raw == MAP_FAILED)
		return NULL;
	p = (char *)(((uintptr_t)*raw + HPAGE - 1) & ~(HPAGE - 1));
	madvise(p, HPAGE, MADV_HUGEPAGE);
	memset(p, 1, HPAGE);
	if (!(kpageflags_of(pagemap_pfn(0, (unsigned long)p)) &
	      KPF_BIT(KPF_THP))) {
		munmap(*raw, 2 * HPAGE);
		return NULL;
	}
	return p;
}

/*
 * A THP by its PMD (every page alike), then by PTEs after an mprotect()
 * of one page splits the PMD, shared with a child that unmapped every
 * third page: each page's own map count, 1 or 2, the folio's total the
 * sum of them, all from one read of the folio's facts.
 */
TEST_F(batch, thp_pages_by_pmd_then_ptes)
{
	size_t n = HPAGE / self->psize, i;
	struct mmscope_pageref_page *r = calloc(n, sizeof(*r));
	uint64_t *count = calloc(n, sizeof(*count));
	int64_t sum = 0;
	struct child child;
	char *raw, *p = thp_at(&raw);

	ASSERT_NE(NULL, r);
	ASSERT_NE(NULL, count);
	if (!p)
		SKIP(return, "no anonymous THP here (THP disabled?)");
	ASSERT_EQ(0, pageref_query(self->fd, getpid(), (unsigned long)p, n, r));
	for (i = 0; i < n; i++) {
		EXPECT_EQ(r[0].pfn + i, r[i].pfn);
		EXPECT_EQ(r[0].pfn, r[i].head_pfn);
		EXPECT_EQ(9, r[i].order);
		EXPECT_EQ(1, r[i].mapcount);
		EXPECT_EQ(1, r[i].entire_mapcount);
		EXPECT_EQ(1, r[i].total_mapcount);
		EXPECT_EQ(i == 0, !!(r[i].pgflags & PGF(HEAD)));
		EXPECT_EQ(i != 0, !!(r[i].pgflags & PGF(TAIL)));
		EXPECT_TRUE(r[i].info & MMSCOPE_PAGEREF_PMD_MAPPED);
	}
	batch_matches_single(_metadata, self->fd, (unsigned long)p, n, 37, r);

	/* split the PMD: the folio stays whole, mapped by 512 PTEs */
	ASSERT_EQ(0, mprotect(p + 5 * self->psize, self->psize, PROT_READ));
	ASSERT_LE(0, child_fork(&child));
	if (!child.pid) {
		for (i = 0; i < n; i += 3)
			madvise(p + i * self->psize, self->psize,
				MADV_DONTNEED);
		child_stay(&child);
	}
	ASSERT_TRUE(child_ready(&child));
	ASSERT_EQ(0, pageref_query(self->fd, getpid(), (unsigned long)p, n, r));
	if (r[0].order != 9) {
		child_release(&child);
		SKIP(goto out, "the THP was split, not only its PMD");
	}
	ASSERT_EQ(0, mmscope_kpagecount_read(r[0].pfn, n, count));
	for (i = 0; i < n; i++) {
		EXPECT_EQ(r[0].pfn + i, r[i].pfn);
		EXPECT_EQ(r[0].pfn, r[i].head_pfn);
		EXPECT_EQ(9, r[i].order);
		EXPECT_FALSE(r[i].info & MMSCOPE_PAGEREF_PMD_MAPPED);
		EXPECT_EQ(0, r[i].entire_mapcount);
		EXPECT_EQ(i % 3 ? 2 : 1, r[i].mapcount) TH_LOG("page %zu", i);
		EXPECT_EQ(count[i], (uint64_t)r[i].mapcount) TH_LOG("page %zu", i);
		sum += r[i].mapcount;
	}
	for (i = 0; i < n; i++)
		EXPECT_EQ(sum, r[i].total_mapcount) TH_LOG("page %zu", i);
	batch_matches_single(_metadata, self->fd, (unsigned long)p, n, 37, r);
	child_release(&child);
out:
	munmap(raw, 2 * HPAGE);
	free(r);
	free(count);
}

TEST_HARNESS_MAIN
