// SPDX-License-Identifier: GPL-2.0
/*
 * Who owns a watch: one added through a ctl file ends when that file is
 * closed, and the probes go with the last watch (the kernel's own list of
 * kprobes, /sys/kernel/debug/kprobes/list, is the oracle); one added with
 * MMSCOPE_PAGEREF_WATCH_DETACH is the module's until a clear or unload.
 * A watch takes no reference: the pages' kpagecount and folio refcount
 * stay at their baseline throughout, and the next opener finds an empty
 * list.
 */
#include "kselftest_harness.h"
#include "pageref_util.h"

MMSCOPE_REQUIRE(PAGEREF_CTL)

#define NPAGES		4
#define KPROBES_LIST	"/sys/kernel/debug/kprobes/list"

static char text[1 << 18];

/* Return probes registered in the kernel now ("r" lines), or -1. */
static int kretprobes(void)
{
	char *line, *save = NULL;
	int n = 0;

	if (mmscope_read_file(KPROBES_LIST, text, sizeof(text)) < 0)
		return -1;
	for (line = strtok_r(text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save))
		n += !!strstr(line, "  r  ");
	return n;
}

/* WATCH with flags on fd (NPAGES from addr if adding); *total, *sites. */
static int watch(int fd, uint32_t flags, const char *addr, uint32_t *total,
		 uint32_t *sites)
{
	struct mmscope_pageref_watch w = {
		.size = sizeof(w), .flags = flags, .pid = getpid(),
		.start = (uintptr_t)addr, .len = NPAGES * getpagesize(),
	};

	if (ioctl(fd, MMSCOPE_PAGEREF_IOC_WATCH, &w))
		return errno;
	*total = w.total;
	*sites = w.sites;
	return 0;
}

FIXTURE(owner) {
	char *p;
	uint64_t count[NPAGES];	/* kpagecount at the start */
	int32_t ref[NPAGES];	/* folio refcount at the start */
	int probes;		/* return probes before any watch */
};

/* Every page's kpagecount and refcount still at the fixture's baseline. */
static void at_baseline(struct __test_metadata *_metadata,
			FIXTURE_DATA(owner) *self, const char *when)
{
	struct mmscope_pageref_page rec[NPAGES];
	int fd = pageref_open(), i;

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, pageref_query(fd, getpid(), (uintptr_t)self->p, NPAGES,
				   rec));
	close(fd);
	for (i = 0; i < NPAGES; i++) {
		uint64_t pfn = pagemap_pfn(getpid(),
					   (uintptr_t)self->p + i * getpagesize());

		EXPECT_EQ(self->count[i], kpagecount_of(pfn))
			TH_LOG("%s: page %d kpagecount", when, i);
		EXPECT_EQ(self->ref[i], rec[i].refcount)
			TH_LOG("%s: page %d refcount", when, i);
	}
}

FIXTURE_SETUP(owner)
{
	struct mmscope_pageref_page rec[NPAGES];
	uint32_t total, sites;
	int fd, i;

	self->p = anon_pages(NPAGES);
	ASSERT_NE(NULL, self->p);
	ASSERT_EQ(0, mlock(self->p, NPAGES * getpagesize()));
	/* nothing of the module's left from an earlier test */
	fd = pageref_open();
	ASSERT_LE(0, fd) TH_LOG("open: %s", strerror(errno));
	ASSERT_EQ(0, watch(fd, MMSCOPE_PAGEREF_WATCH_CLEAR, NULL, &total,
			   &sites));
	ASSERT_EQ(0, total) TH_LOG("watches of another open file");
	ASSERT_EQ(0, pageref_query(fd, getpid(), (uintptr_t)self->p, NPAGES,
				   rec));
	close(fd);
	for (i = 0; i < NPAGES; i++) {
		self->count[i] = kpagecount_of(pagemap_pfn(getpid(),
			(uintptr_t)self->p + i * getpagesize()));
		self->ref[i] = rec[i].refcount;
	}
	self->probes = kretprobes();
	ASSERT_LE(0, self->probes) TH_LOG("%s: %s", KPROBES_LIST,
					  strerror(errno));
}

FIXTURE_TEARDOWN(owner)
{
	munmap(self->p, NPAGES * getpagesize());
}

/*
 * Watch the fixture's pages on a new file with @flags, then close it;
 * the kprobes list must have grown by the sites the watch reports.
 */
static void watch_and_close(struct __test_metadata *_metadata,
			    FIXTURE_DATA(owner) *self, uint32_t flags)
{
	uint32_t total, sites;
	int fd = pageref_open();

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, watch(fd, MMSCOPE_PAGEREF_WATCH_ADD | flags, self->p,
			   &total, &sites));
	EXPECT_EQ(NPAGES, total);
	ASSERT_LT(0, sites);
	EXPECT_EQ(self->probes + (int)sites, kretprobes());
	at_baseline(_metadata, self, "watched");
	close(fd);
}

/*
 * The next opener finds no watch, the return probes are back to those
 * before any watch, and the pages at their baseline.
 */
static void no_watch_left(struct __test_metadata *_metadata,
			  FIXTURE_DATA(owner) *self, const char *when)
{
	uint32_t total, sites;
	int fd = pageref_open();

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, watch(fd, 0, NULL, &total, &sites));
	EXPECT_EQ(0, total) TH_LOG("%s: watches outlived their owner", when);
	EXPECT_EQ(0, sites);
	close(fd);
	EXPECT_EQ(self->probes, kretprobes()) TH_LOG("%s: probes left", when);
	at_baseline(_metadata, self, when);
}

TEST_F(owner, watch_ends_with_its_file)
{
	watch_and_close(_metadata, self, 0);
	no_watch_left(_metadata, self, "after close");
}

TEST_F(owner, clear_leaves_other_files_watches)
{
	uint32_t total, sites;
	int a = pageref_open(), b = pageref_open();

	ASSERT_LE(0, a);
	ASSERT_LE(0, b);
	ASSERT_EQ(0, watch(a, MMSCOPE_PAGEREF_WATCH_ADD, self->p, &total,
			   &sites));
	ASSERT_EQ(0, watch(b, MMSCOPE_PAGEREF_WATCH_ADD, self->p, &total,
			   &sites));
	EXPECT_EQ(2 * NPAGES, total) TH_LOG("one entry per page and file");
	ASSERT_EQ(0, watch(a, MMSCOPE_PAGEREF_WATCH_CLEAR, NULL, &total,
			   &sites));
	EXPECT_EQ(NPAGES, total) TH_LOG("b's watches are b's");
	EXPECT_LT(0, sites);
	close(b);
	/* a is still open, with no watch of its own */
	no_watch_left(_metadata, self, "after b closed");
	close(a);
}

TEST_F(owner, detached_watch_is_the_modules_until_clear)
{
	uint32_t total, sites;
	int fd;

	watch_and_close(_metadata, self, MMSCOPE_PAGEREF_WATCH_DETACH);
	fd = pageref_open();
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, watch(fd, 0, NULL, &total, &sites));
	EXPECT_EQ(NPAGES, total) TH_LOG("a detached watch ended with its file");
	ASSERT_EQ(0, watch(fd, MMSCOPE_PAGEREF_WATCH_CLEAR, NULL, &total,
			   &sites));
	EXPECT_EQ(0, total);
	close(fd);
	no_watch_left(_metadata, self, "after clear");
}

TEST_F(owner, unload_ends_the_modules_watches)
{
	watch_and_close(_metadata, self, MMSCOPE_PAGEREF_WATCH_DETACH);
	ASSERT_EQ(0, mmscope_module_reload("mmscope_pageref"))
		TH_LOG("%s", mmscope_error);
	no_watch_left(_metadata, self, "after reload");
}

TEST_HARNESS_MAIN
