// SPDX-License-Identifier: GPL-2.0
/*
 * What the query reports for written anon, file, shared anon, zero and
 * THP pages, against the kernel's own views: the pfn from pagemap, the
 * map count from /proc/kpagecount, the flags from /proc/kpageflags. And
 * the reference count story of a fresh page and of fork and COW.
 */
#include <signal.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "kselftest_harness.h"
#include "pageref_util.h"

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

/* A fresh page, twice: once with the LRU batches as they are, once drained. */
TEST_F(counts, fresh_anon_page)
{
	struct mmscope_pageref_page r;
	char *p = anon_pages(1);
	uint64_t kf_before;

	ASSERT_NE(NULL, p);
	kf_before = kpageflags_of(pagemap_pfn(0, (unsigned long)p));
	ASSERT_EQ(0, pageref_query(self->fd, getpid(), (unsigned long)p, 1, &r));
	check_against_proc_between(_metadata, 0, (unsigned long)p, &r,
				   kf_before);
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

	ASSERT_EQ(0, pageref_query_settled(self->fd, getpid(), (unsigned long)p, &r));
	check_against_proc(_metadata, 0, (unsigned long)p, &r);
	EXPECT_EQ(1, r.refcount);
	EXPECT_EQ(0, r.refcount - r.expected_refcount);
	EXPECT_TRUE(r.pgflags & PGF(LRU));
	EXPECT_TRUE(r.pgflags & PGF(SWAPBACKED));
	munmap(p, self->psize);
}

TEST_F(counts, zero_page)
{
	struct mmscope_pageref_page r;
	volatile char *p = mmap(NULL, self->psize, PROT_READ | PROT_WRITE,
				MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	ASSERT_NE(MAP_FAILED, p);
	ASSERT_EQ(0, p[0]);	/* a read fault maps the shared zero page */
	ASSERT_EQ(0, pageref_query(self->fd, getpid(), (unsigned long)p, 1, &r));
	check_against_proc(_metadata, 0, (unsigned long)p, &r);
	EXPECT_TRUE(r.info & MMSCOPE_PAGEREF_ZERO_PAGE);
	EXPECT_EQ(0, r.mapcount);
	munmap((void *)p, self->psize);
}

TEST_F(counts, file_page)
{
	char path[] = "/tmp/pageref-file-XXXXXX", buf[4096];
	struct mmscope_pageref_page r;
	struct stat st;
	volatile char *p;
	int f;

	f = mkstemp(path);
	ASSERT_LE(0, f);
	unlink(path);
	memset(buf, 0x33, sizeof(buf));
	ASSERT_EQ((ssize_t)sizeof(buf), write(f, buf, sizeof(buf)));
	ASSERT_EQ(0, fstat(f, &st));
	p = mmap(NULL, self->psize, PROT_READ, MAP_SHARED, f, 0);
	ASSERT_NE(MAP_FAILED, p);
	ASSERT_EQ(0x33, p[0]);
	ASSERT_EQ(0, pageref_query_settled(self->fd, getpid(), (unsigned long)p, &r));
	check_against_proc(_metadata, 0, (unsigned long)p, &r);
	EXPECT_EQ(MMSCOPE_PAGEREF_MAP_FILE, r.mapping);
	EXPECT_EQ((uint64_t)st.st_ino, r.mapping_ino);
	EXPECT_EQ(0, r.index);
	EXPECT_EQ(1, r.mapcount);
	/* one for the mapping, one for the page cache */
	EXPECT_EQ(2, r.expected_refcount);
	EXPECT_EQ(0, r.refcount - r.expected_refcount);
	munmap((void *)p, self->psize);
	close(f);
}

TEST_F(counts, shared_anon_page)
{
	struct mmscope_pageref_page r;
	int sync[2];
	char *p = mmap(NULL, self->psize, PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	pid_t child;
	char c;

	ASSERT_NE(MAP_FAILED, p);
	p[0] = 1;
	ASSERT_EQ(0, pipe(sync));
	child = fork();
	ASSERT_LE(0, child);
	if (!child) {
		c = p[0];	/* map it in the child too */
		if (write(sync[1], &c, 1) != 1)
			_exit(1);
		pause();
		_exit(0);
	}
	ASSERT_EQ(1, read(sync[0], &c, 1));
	ASSERT_EQ(0, pageref_query_settled(self->fd, getpid(), (unsigned long)p, &r));
	check_against_proc(_metadata, 0, (unsigned long)p, &r);
	/* shmem: a file page, swap-backed */
	EXPECT_EQ(MMSCOPE_PAGEREF_MAP_FILE, r.mapping);
	EXPECT_TRUE(r.pgflags & PGF(SWAPBACKED));
	EXPECT_EQ(2, r.mapcount);
	EXPECT_EQ(0, r.refcount - r.expected_refcount);
	kill(child, SIGKILL);
	waitpid(child, NULL, 0);
	munmap(p, self->psize);
	close(sync[0]);
	close(sync[1]);
}

TEST_F(counts, thp_pages)
{
	struct mmscope_pageref_page *r;
	size_t n = (2UL << 20) / self->psize, i;
	long raw;
	char *p = thp_region(&raw);

	if (!p)
		SKIP(return, "no anonymous THP here (THP disabled?)");
	r = calloc(n, sizeof(*r));
	ASSERT_NE(NULL, r);
	ASSERT_EQ(0, pageref_query(self->fd, getpid(), (unsigned long)p, n, r));
	for (i = 0; i < n; i += n / 4 - 1) {
		check_against_proc(_metadata, 0, (unsigned long)p + i * self->psize,
				   &r[i]);
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
	munmap((void *)raw, 4UL << 20);
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
