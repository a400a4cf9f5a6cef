// SPDX-License-Identifier: GPL-2.0
/*
 * What the query reports for written anon, file, shared anon, zero and
 * THP pages (selftests/lib/region.c), against the kernel's own views: the pfn from pagemap, the
 * map count from /proc/kpagecount, the flags from /proc/kpageflags. And
 * the reference count story of a fresh page and of fork and COW.
 */
#include <signal.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "kselftest_harness.h"
#include "pageref_util.h"
#include "region.h"

MMSCOPE_REQUIRE(PAGEREF_CTL)

FIXTURE(counts)
{
	int fd;
	long psize;
};

FIXTURE_SETUP(counts)
{
	self->psize = getpagesize();
	self->fd = pageref_open();
	ASSERT_LE(0, self->fd) TH_LOG("%s: %s", PAGEREF_CTL, strerror(errno));
}

FIXTURE_TEARDOWN(counts)
{
	close(self->fd);
}

/* A kpageflags bit and a pageref flag must agree. */
#define EXPECT_FLAG(rec, kflags, kpf, pgf)				\
	EXPECT_EQ(!!((kflags) & KPF_BIT(kpf)), !!((rec).pgflags & (pgf))) \
		TH_LOG("pfn 0x%llx: kpageflags 0x%llx, " #pgf " differs", \
		       (unsigned long long)(rec).pfn,			\
		       (unsigned long long)(kflags))

/*
 * Every figure of one present page that an oracle can check. @kf_before
 * is kpageflags read just before the query, or 0 when the page's LRU
 * state cannot change meanwhile: a fresh page waits in a per-CPU batch
 * and becomes LRU when any CPU drains it, which can happen between the
 * query and the read of /proc/kpageflags after it. The query then must
 * agree with one of the two reads around it.
 */
static void check_against_proc_between(struct __test_metadata *_metadata,
				       pid_t pid, unsigned long addr,
				       const struct mmscope_pageref_page *r,
				       uint64_t kf_before)
{
	uint64_t kf;

	ASSERT_EQ(MMSCOPE_PAGEREF_PRESENT, r->state);
	ASSERT_EQ(pagemap_pfn(pid, addr), r->pfn);
	EXPECT_EQ(kpagecount_of(r->pfn), (uint64_t)r->mapcount);
	kf = kpageflags_of(r->pfn);
	if (r->mapping != MMSCOPE_PAGEREF_MAP_SWAPCACHE) {
		EXPECT_EQ(!!(kf & KPF_BIT(KPF_ANON)),
			  r->mapping == MMSCOPE_PAGEREF_MAP_ANON ||
			  r->mapping == MMSCOPE_PAGEREF_MAP_KSM);
	}
	EXPECT_EQ(!!(kf & KPF_BIT(KPF_MMAP)), r->mapcount > 0);
	EXPECT_FLAG(*r, kf, KPF_COMPOUND_HEAD, PGF(HEAD));
	EXPECT_FLAG(*r, kf, KPF_COMPOUND_TAIL, PGF(TAIL));
	if (!r->order) {
		EXPECT_FALSE(kf & KPF_BIT(KPF_THP));
	} else if (r->mapping == MMSCOPE_PAGEREF_MAP_ANON) {
		EXPECT_TRUE(kf & KPF_BIT(KPF_THP));
	}
	/*
	 * 6.1 reports a tail page's own flag bits here, 6.12 its folio's:
	 * compare the folio-wide flags on heads and order-0 pages only.
	 */
	if (!(r->pgflags & PGF(TAIL))) {
		if (kf_before && (kf ^ kf_before) & KPF_BIT(KPF_LRU))
			TH_LOG("LRU changed during the query: kpageflags %s it",
			       kf & KPF_BIT(KPF_LRU) ? "gained" : "lost");
		else
			EXPECT_FLAG(*r, kf, KPF_LRU, PGF(LRU));
		EXPECT_FLAG(*r, kf, KPF_ACTIVE, PGF(ACTIVE));
		EXPECT_FLAG(*r, kf, KPF_SWAPBACKED, PGF(SWAPBACKED));
		EXPECT_FLAG(*r, kf, KPF_UNEVICTABLE, PGF(UNEVICTABLE));
	}
	EXPECT_EQ(!!(kf & KPF_BIT(KPF_ZERO_PAGE)),
		  !!(r->info & MMSCOPE_PAGEREF_ZERO_PAGE));
}

static void check_against_proc(struct __test_metadata *_metadata, pid_t pid,
			       unsigned long addr,
			       const struct mmscope_pageref_page *r)
{
	check_against_proc_between(_metadata, pid, addr, r, 0);
}

/*
 * One page of each kind, against /proc; then what the kind implies:
 * FIXTURE_VARIANT over the kinds of selftests/lib/region.c.
 */
FIXTURE(kind)
{
	int fd;
	struct mmscope_region r;
	pid_t child;		/* shmem: maps the page too */
	int sync[2];
};

FIXTURE_VARIANT(kind)
{
	enum mmscope_region_kind kind;
	unsigned int flags;
};

/* A fresh page, twice: once with the LRU batches as they are, once drained. */
FIXTURE_VARIANT_ADD(kind, fresh_anon_page) { .kind = MMSCOPE_REGION_ANON };
FIXTURE_VARIANT_ADD(kind, zero_page) { .kind = MMSCOPE_REGION_ZERO };
FIXTURE_VARIANT_ADD(kind, file_page) {
	.kind = MMSCOPE_REGION_FILE, .flags = MMSCOPE_REGION_RDONLY,
};
FIXTURE_VARIANT_ADD(kind, shared_anon_page) { .kind = MMSCOPE_REGION_SHMEM };
FIXTURE_VARIANT_ADD(kind, thp_pages) { .kind = MMSCOPE_REGION_THP };

FIXTURE_SETUP(kind)
{
	volatile char *p;
	int ret;
	char c;

	self->child = 0;
	self->fd = pageref_open();
	ASSERT_LE(0, self->fd) TH_LOG("%s: %s", PAGEREF_CTL, strerror(errno));
	ret = mmscope_region_make(&self->r, variant->kind, 1, variant->flags);
	if (ret == -EOPNOTSUPP || (!ret && variant->kind == MMSCOPE_REGION_THP &&
				   !mmscope_region_is_thp(&self->r))) {
		/* no teardown after a skipped setup */
		if (!ret)
			mmscope_region_free(&self->r);
		close(self->fd);
		SKIP(return, "no %s here (%s)",
		     mmscope_region_kind_name(variant->kind),
		     ret ? mmscope_error : "THP disabled?");
	}
	ASSERT_EQ(0, ret) TH_LOG("%s", mmscope_error);
	if (variant->kind != MMSCOPE_REGION_SHMEM)
		return;
	p = self->r.start;
	ASSERT_EQ(0, pipe(self->sync));
	self->child = fork();
	ASSERT_LE(0, self->child);
	if (!self->child) {
		c = p[0];	/* map it in the child too */
		if (write(self->sync[1], &c, 1) != 1)
			_exit(1);
		pause();
		_exit(0);
	}
	ASSERT_EQ(1, read(self->sync[0], &c, 1));
}

FIXTURE_TEARDOWN(kind)
{
	if (self->child > 0) {
		kill(self->child, SIGKILL);
		waitpid(self->child, NULL, 0);
		close(self->sync[0]);
		close(self->sync[1]);
	}
	mmscope_region_free(&self->r);
	close(self->fd);
}

static void check_fresh_anon(struct __test_metadata *_metadata, int fd,
			     unsigned long p)
{
	struct mmscope_pageref_page r;
	uint64_t kf_before;

	kf_before = kpageflags_of(pagemap_pfn(0, p));
	ASSERT_EQ(0, pageref_query(fd, getpid(), p, 1, &r));
	check_against_proc_between(_metadata, 0, p, &r, kf_before);
	EXPECT_EQ(1, r.mapcount);
	EXPECT_EQ(1, r.total_mapcount);
	EXPECT_EQ(0, r.order);
	EXPECT_EQ(MMSCOPE_PAGEREF_MAP_ANON, r.mapping);
	EXPECT_TRUE(r.info & MMSCOPE_PAGEREF_ANON_EXCLUSIVE);
	EXPECT_FALSE(r.info & MMSCOPE_PAGEREF_HAS_PINCOUNT);
	EXPECT_FALSE(r.info & MMSCOPE_PAGEREF_MAYBE_DMA_PINNED);
	/* 0, or 1 while the page waits in a per-CPU LRU batch */
	EXPECT_LE(0, r.refcount - r.mapcount);
	EXPECT_GE(1, r.refcount - r.mapcount);

	ASSERT_EQ(0, pageref_query_settled(fd, getpid(), p, &r));
	check_against_proc(_metadata, 0, p, &r);
	EXPECT_EQ(1, r.refcount);
	EXPECT_EQ(0, r.refcount - r.expected_refcount);
	EXPECT_TRUE(r.pgflags & PGF(LRU));
	EXPECT_TRUE(r.pgflags & PGF(SWAPBACKED));
}

static void check_zero(struct __test_metadata *_metadata, int fd,
		       unsigned long p)
{
	struct mmscope_pageref_page r;

	/* a read fault maps the shared zero page */
	ASSERT_EQ(0, *(volatile char *)p);
	ASSERT_EQ(0, pageref_query(fd, getpid(), p, 1, &r));
	check_against_proc(_metadata, 0, p, &r);
	EXPECT_TRUE(r.info & MMSCOPE_PAGEREF_ZERO_PAGE);
	EXPECT_EQ(0, r.mapcount);
}

static void check_file(struct __test_metadata *_metadata, int fd,
		       const struct mmscope_region *reg)
{
	unsigned long p = (unsigned long)reg->start;
	struct mmscope_pageref_page r;
	struct stat st;

	ASSERT_EQ(0, fstat(reg->fd, &st));
	ASSERT_EQ(1, *(volatile char *)p);	/* what region.c wrote */
	ASSERT_EQ(0, pageref_query_settled(fd, getpid(), p, &r));
	check_against_proc(_metadata, 0, p, &r);
	EXPECT_EQ(MMSCOPE_PAGEREF_MAP_FILE, r.mapping);
	EXPECT_EQ((uint64_t)st.st_ino, r.mapping_ino);
	EXPECT_EQ(0, r.index);
	EXPECT_EQ(1, r.mapcount);
	/* one for the mapping, one for the page cache */
	EXPECT_EQ(2, r.expected_refcount);
	EXPECT_EQ(0, r.refcount - r.expected_refcount);
}

static void check_shmem(struct __test_metadata *_metadata, int fd,
			unsigned long p)
{
	struct mmscope_pageref_page r;

	ASSERT_EQ(0, pageref_query_settled(fd, getpid(), p, &r));
	check_against_proc(_metadata, 0, p, &r);
	/* shmem: a file page, swap-backed */
	EXPECT_EQ(MMSCOPE_PAGEREF_MAP_FILE, r.mapping);
	EXPECT_TRUE(r.pgflags & PGF(SWAPBACKED));
	EXPECT_EQ(2, r.mapcount);
	EXPECT_EQ(0, r.refcount - r.expected_refcount);
}

/* A PMD-mapped anonymous THP: a quarter of its pages checked. */
static void check_thp(struct __test_metadata *_metadata, int fd,
		      const struct mmscope_region *reg)
{
	unsigned long p = (unsigned long)reg->start;
	size_t n = reg->npages, i;
	struct mmscope_pageref_page *r = calloc(n, sizeof(*r));

	ASSERT_NE(NULL, r);
	ASSERT_EQ(0, pageref_query(fd, getpid(), p, n, r));
	for (i = 0; i < n; i += n / 4 - 1) {
		check_against_proc(_metadata, 0, p + i * getpagesize(), &r[i]);
		EXPECT_EQ(9, r[i].order);
		EXPECT_EQ(r[0].pfn, r[i].head_pfn);
		EXPECT_EQ(1, r[i].entire_mapcount);
		EXPECT_EQ(1, r[i].mapcount);
		EXPECT_EQ(1, r[i].total_mapcount);
		EXPECT_TRUE(r[i].info & MMSCOPE_PAGEREF_HAS_PINCOUNT);
		EXPECT_EQ(0, r[i].pincount);
		EXPECT_TRUE(r[i].info & MMSCOPE_PAGEREF_PMD_MAPPED);
		EXPECT_EQ(0, r[i].refcount - r[i].expected_refcount);
	}
	EXPECT_TRUE(r[0].pgflags & PGF(HEAD));
	EXPECT_TRUE(r[1].pgflags & PGF(TAIL));
	free(r);
}

TEST_F(kind, matches_proc)
{
	unsigned long p = (unsigned long)self->r.start;

	switch (variant->kind) {
	case MMSCOPE_REGION_ANON:
		check_fresh_anon(_metadata, self->fd, p);
		break;
	case MMSCOPE_REGION_ZERO:
		check_zero(_metadata, self->fd, p);
		break;
	case MMSCOPE_REGION_FILE:
		check_file(_metadata, self->fd, &self->r);
		break;
	case MMSCOPE_REGION_SHMEM:
		check_shmem(_metadata, self->fd, p);
		break;
	case MMSCOPE_REGION_THP:
		check_thp(_metadata, self->fd, &self->r);
		break;
	default:
		ASSERT_TRUE(0) TH_LOG("no check for %s",
				      mmscope_region_kind_name(variant->kind));
	}
}

struct forked {
	pid_t pid;
	int to_child[2];
	int from_child[2];
};

/* The child waits for a byte: 'w' writes the page, 'q' quits. */
static void child_loop(struct forked *f, volatile char *p)
{
	char c;

	close(f->to_child[1]);
	close(f->from_child[0]);
	while (read(f->to_child[0], &c, 1) == 1) {
		if (c == 'w')
			p[0] = 2;
		if (c == 'q')
			break;
		if (write(f->from_child[1], &c, 1) != 1)
			break;
	}
	_exit(0);
}

static int child_do(struct forked *f, char c)
{
	if (write(f->to_child[1], &c, 1) != 1)
		return -1;
	return read(f->from_child[0], &c, 1) == 1 ? 0 : -1;
}

static int fork_child(struct forked *f, volatile char *p)
{
	if (pipe(f->to_child) || pipe(f->from_child))
		return -1;
	f->pid = fork();
	if (f->pid < 0)
		return -1;
	if (!f->pid)
		child_loop(f, p);
	close(f->to_child[0]);
	close(f->from_child[1]);
	return child_do(f, 'r');
}

static void end_child(struct forked *f)
{
	child_do(f, 'q');
	close(f->to_child[1]);
	close(f->from_child[0]);
	waitpid(f->pid, NULL, 0);
}

/*
 * fork shares the page (two mappings, two references, exclusive in
 * neither); the child's write copies; the parent's write then reuses the
 * page, since it holds the only reference, and it is exclusive again.
 */
TEST_F(counts, fork_then_cow)
{
	struct mmscope_pageref_page pr, cr;
	struct forked f;
	char *p = anon_pages(1);
	uint64_t pfn;

	ASSERT_NE(NULL, p);
	ASSERT_EQ(0, fork_child(&f, p));
	ASSERT_EQ(0, pageref_query_settled(self->fd, getpid(), (unsigned long)p,
					   &pr));
	ASSERT_EQ(0, pageref_query(self->fd, f.pid, (unsigned long)p, 1, &cr));
	check_against_proc(_metadata, 0, (unsigned long)p, &pr);
	EXPECT_EQ(pr.pfn, cr.pfn);
	EXPECT_EQ(2, pr.mapcount);
	EXPECT_EQ(2, pr.refcount);
	EXPECT_FALSE(pr.info & MMSCOPE_PAGEREF_ANON_EXCLUSIVE);
	EXPECT_FALSE(cr.info & MMSCOPE_PAGEREF_ANON_EXCLUSIVE);
	pfn = pr.pfn;

	ASSERT_EQ(0, child_do(&f, 'w'));
	ASSERT_EQ(0, pageref_query(self->fd, f.pid, (unsigned long)p, 1, &cr));
	EXPECT_NE(pfn, cr.pfn);
	EXPECT_TRUE(cr.info & MMSCOPE_PAGEREF_ANON_EXCLUSIVE);
	ASSERT_EQ(0, pageref_query(self->fd, getpid(), (unsigned long)p, 1, &pr));
	EXPECT_EQ(pfn, pr.pfn);
	EXPECT_EQ(1, pr.mapcount);
	EXPECT_FALSE(pr.info & MMSCOPE_PAGEREF_ANON_EXCLUSIVE);

	p[0] = 3;
	ASSERT_EQ(0, pageref_query(self->fd, getpid(), (unsigned long)p, 1, &pr));
	EXPECT_EQ(pfn, pr.pfn);
	EXPECT_EQ(pfn, pagemap_pfn(0, (unsigned long)p));
	EXPECT_TRUE(pr.info & MMSCOPE_PAGEREF_ANON_EXCLUSIVE);
	end_child(&f);
	munmap(p, self->psize);
}

TEST_F(counts, mlocked_page)
{
	struct mmscope_pageref_page r;
	char *p = anon_pages(1);

	ASSERT_NE(NULL, p);
	ASSERT_EQ(0, mlock(p, self->psize));
	ASSERT_EQ(0, pageref_query_settled(self->fd, getpid(), (unsigned long)p, &r));
	check_against_proc(_metadata, 0, (unsigned long)p, &r);
	EXPECT_TRUE(r.pgflags & PGF(MLOCKED));
	EXPECT_TRUE(r.pgflags & PGF(UNEVICTABLE));
	EXPECT_EQ(MMSCOPE_PAGEREF_LRU_UNEVICTABLE, r.lru);
	/* mlock holds no reference of its own */
	EXPECT_EQ(1, r.refcount);
	EXPECT_EQ(0, r.refcount - r.expected_refcount);
	ASSERT_EQ(0, munlock(p, self->psize));
	munmap(p, self->psize);
}

TEST_F(counts, pfn_query_matches_va_query)
{
	struct mmscope_pageref_page a, b;
	char *p = anon_pages(1);

	ASSERT_NE(NULL, p);
	ASSERT_EQ(0, pageref_drain());
	ASSERT_EQ(0, pageref_query(self->fd, getpid(), (unsigned long)p, 1, &a));
	ASSERT_EQ(0, pageref_query_pfn(self->fd, a.pfn, 1, &b));
	EXPECT_EQ(~0ULL, b.va);
	EXPECT_EQ(a.pfn, b.pfn);
	EXPECT_EQ(a.refcount, b.refcount);
	EXPECT_EQ(a.mapcount, b.mapcount);
	EXPECT_EQ(a.pgflags, b.pgflags);
	EXPECT_EQ(a.mapping, b.mapping);
	munmap(p, self->psize);
}

TEST_HARNESS_MAIN
