// SPDX-License-Identifier: GPL-2.0
/*
 * What holds may take: one page of a memfd mapped MAP_SHARED|MAP_FIXED
 * 65536 times (vm.max_map_count raised for the test, then restored), and
 * holds over that range again and again. Each PIN of the whole range
 * would add 65536 * GUP_PIN_COUNTING_BIAS references to the one page, so
 * 32 of them would wrap its count; the module refuses the hold that would
 * pass MMSCOPE_PAGEREF_PAGE_REFS_MAX with ETOOMANYREFS, and the file's and
 * the module's page bounds with ENOSPC. Every refusal holds nothing, no
 * refusal logs a splat, and closing the file brings the page's reference
 * and map counts (the module's query, /proc/kpagecount) back to where they
 * were.
 */
#include <stdlib.h>
#include <sys/stat.h>

#include "kselftest_harness.h"
#include "pageref_util.h"

MMSCOPE_REQUIRE(PAGEREF_CTL)

#define NMAPS		MMSCOPE_PAGEREF_HOLD_MAX
#define MAX_MAP_COUNT	"/proc/sys/vm/max_map_count"
/* the pins one PIN of a slice of SLICE mappings adds to the page */
#define SLICE		4096
/* per test, s: GUP of a million pages and 65536 mmap() calls under TCG */
#define BOUNDS_TIMEOUT	600

FIXTURE(bounds)
{
	int fd, kmsg;
	long psize;
	char *p;
	long old_max_map_count;
	uint64_t pfn, mapcount;
	uint32_t refcount;
};

static int write_long(const char *path, long v)
{
	char text[32];

	snprintf(text, sizeof(text), "%ld\n", v);
	return mmscope_write_str(path, text);
}

/* The page's reference count, the per-CPU batches drained first. */
static int refcount_now(FIXTURE_DATA(bounds) *self, uint32_t *refcount)
{
	struct mmscope_pageref_page r;
	int ret = pageref_drain();

	if (!ret)
		ret = pageref_query(self->fd, getpid(), (unsigned long)self->p,
				    1, &r);
	*refcount = r.refcount;
	return ret;
}

FIXTURE_SETUP(bounds)
{
	int mfd, i;

	self->psize = getpagesize();
	self->old_max_map_count = mmscope_read_long(MAX_MAP_COUNT);
	ASSERT_LT(0, self->old_max_map_count);
	if (self->old_max_map_count < NMAPS + 1024)
		ASSERT_EQ(0, write_long(MAX_MAP_COUNT, NMAPS + 1024));
	self->kmsg = mmscope_kmsg_open();
	ASSERT_LE(0, self->kmsg);
	self->fd = pageref_open();
	ASSERT_LE(0, self->fd) TH_LOG("%s: %s", PAGEREF_CTL, strerror(errno));

	mfd = memfd_create("pageref_bounds", 0);
	ASSERT_LE(0, mfd);
	ASSERT_EQ(0, ftruncate(mfd, self->psize));
	self->p = mmap(NULL, (size_t)NMAPS * self->psize, PROT_NONE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, self->p);
	for (i = 0; i < NMAPS; i++)
		ASSERT_NE(MAP_FAILED, mmap(self->p + (size_t)i * self->psize,
					   self->psize, PROT_READ | PROT_WRITE,
					   MAP_SHARED | MAP_FIXED | MAP_POPULATE,
					   mfd, 0))
			TH_LOG("mapping %d: %s", i, strerror(errno));
	close(mfd);

	self->pfn = pagemap_pfn(0, (unsigned long)self->p);
	ASSERT_NE(0, self->pfn);
	ASSERT_EQ(0, refcount_now(self, &self->refcount));
	self->mapcount = kpagecount_of(self->pfn);
}

FIXTURE_TEARDOWN(bounds)
{
	char first[256] = "";

	if (self->fd >= 0)
		close(self->fd);
	munmap(self->p, (size_t)NMAPS * self->psize);
	if (self->old_max_map_count > 0 &&
	    self->old_max_map_count < NMAPS + 1024)
		write_long(MAX_MAP_COUNT, self->old_max_map_count);
	EXPECT_EQ(self->old_max_map_count, mmscope_read_long(MAX_MAP_COUNT));
	EXPECT_EQ(0, mmscope_kmsg_splats(self->kmsg, first, sizeof(first)))
		TH_LOG("kernel log: %s", first);
	close(self->kmsg);
}

static int hold(FIXTURE_DATA(bounds) *self, int fd, unsigned long cmd,
		size_t maps, uint32_t flags, struct mmscope_pageref_hold *h)
{
	return pageref_hold(fd, cmd, getpid(), (unsigned long)self->p,
			    maps * self->psize, flags, h);
}

/* After the file's holds went: the counts the setup found. */
static void expect_baseline(struct __test_metadata *_metadata,
			    FIXTURE_DATA(bounds) *self)
{
	uint32_t refcount;
	int fd = self->fd;

	self->fd = pageref_open();
	ASSERT_LE(0, self->fd);
	if (fd >= 0)
		close(fd);
	ASSERT_EQ(0, refcount_now(self, &refcount));
	EXPECT_EQ(self->refcount, refcount);
	self->pfn = pagemap_pfn(0, (unsigned long)self->p);	/* migrated? */
	EXPECT_EQ(self->mapcount, kpagecount_of(self->pfn));
	EXPECT_EQ((uint64_t)NMAPS, self->mapcount);
}

/*
 * The recipe: PIN of the whole range, again and again. Its first
 * 65536 * 1024 references already pass the bound: refused, nothing held.
 */
TEST_F_TIMEOUT(bounds, pin_of_every_mapping_again_and_again_is_refused,
	       BOUNDS_TIMEOUT)
{
	struct mmscope_pageref_hold h;
	uint32_t refcount;
	int i, refused = 0;

	ASSERT_LT((uint64_t)MMSCOPE_PAGEREF_PAGE_REFS_MAX,
		  (uint64_t)NMAPS * GUP_PIN_COUNTING_BIAS);
	for (i = 0; i < 32; i++) {
		int ret = hold(self, self->fd, MMSCOPE_PAGEREF_IOC_PIN, NMAPS,
			       0, &h);

		EXPECT_EQ(ETOOMANYREFS, ret) TH_LOG("PIN %d: %s", i,
						    strerror(ret));
		if (ret == ETOOMANYREFS)
			refused++;
		if (i == 0 || i == 31) {
			ASSERT_EQ(0, refcount_now(self, &refcount));
			EXPECT_EQ(self->refcount, refcount)
				TH_LOG("PIN %d left references behind", i);
		}
	}
	EXPECT_EQ(32, refused);
	expect_baseline(_metadata, self);
}

/*
 * PINs of a slice add SLICE * 1024 each: as many as fit under the bound
 * succeed, the next is refused once one of its batches passes the bound
 * (the batches before were taken, then dropped: the count is exactly the
 * successful ones').
 */
TEST_F_TIMEOUT(bounds, pins_stop_at_the_bound_and_close_drops_them,
	       BOUNDS_TIMEOUT)
{
	uint64_t step = (uint64_t)SLICE * GUP_PIN_COUNTING_BIAS;
	uint64_t fit = (MMSCOPE_PAGEREF_PAGE_REFS_MAX - self->refcount) / step;
	struct mmscope_pageref_hold h;
	uint32_t refcount;
	uint64_t i;

	ASSERT_LE(1, fit);
	for (i = 0; i < fit; i++)
		ASSERT_EQ(0, hold(self, self->fd, MMSCOPE_PAGEREF_IOC_PIN,
				  SLICE, 0, &h)) TH_LOG("PIN %llu",
							(unsigned long long)i);
	ASSERT_EQ(0, refcount_now(self, &refcount));
	EXPECT_EQ(self->refcount + fit * step, refcount);
	EXPECT_EQ(ETOOMANYREFS, hold(self, self->fd, MMSCOPE_PAGEREF_IOC_PIN,
				     SLICE, 0, &h));
	EXPECT_EQ(ETOOMANYREFS, hold(self, self->fd, MMSCOPE_PAGEREF_IOC_PIN,
				     SLICE, MMSCOPE_PAGEREF_HOLD_DETACH, &h));
	ASSERT_EQ(0, refcount_now(self, &refcount));
	EXPECT_EQ(self->refcount + fit * step, refcount);
	self->pfn = pagemap_pfn(0, (unsigned long)self->p);	/* migrated? */
	EXPECT_EQ(self->mapcount, kpagecount_of(self->pfn));
	expect_baseline(_metadata, self);
}

/*
 * A page of the range that cannot be taken (unmapped, PROT_NONE) fails
 * the hold after the pages before it were: they are dropped, once.
 */
TEST_F_TIMEOUT(bounds, hold_failing_half_way_drops_what_it_took, BOUNDS_TIMEOUT)
{
	struct mmscope_pageref_hold h;
	char *hole = self->p + (size_t)(SLICE - 3) * self->psize;
	uint32_t refcount;

	ASSERT_EQ(0, mprotect(hole, self->psize, PROT_NONE));
	EXPECT_NE(0, hold(self, self->fd, MMSCOPE_PAGEREF_IOC_PIN, SLICE, 0,
			  &h));
	EXPECT_NE(0, hold(self, self->fd, MMSCOPE_PAGEREF_IOC_GET, SLICE,
			  MMSCOPE_PAGEREF_HOLD_WRITE, &h));
	ASSERT_EQ(0, refcount_now(self, &refcount));
	EXPECT_EQ(self->refcount, refcount);
	ASSERT_EQ(0, munmap(hole, self->psize));
	EXPECT_EQ(ENOENT, hold(self, self->fd, MMSCOPE_PAGEREF_IOC_PIN, SLICE,
			       0, &h));
	EXPECT_EQ(ENOENT, hold(self, self->fd,
			       MMSCOPE_PAGEREF_IOC_PIN_LONGTERM, SLICE, 0,
			       &h));
	/* one mapping fewer: one reference and one map count less */
	ASSERT_EQ(0, refcount_now(self, &refcount));
	EXPECT_EQ(self->refcount - 1, refcount);
	/*
	 * Where the page is now: unpinned, it may have been migrated since
	 * the fixture looked (once on 7.3 arm64, the old frame read 0).
	 */
	self->pfn = pagemap_pfn(0, (unsigned long)self->p);
	EXPECT_EQ(self->mapcount - 1, kpagecount_of(self->pfn));
}

static uint32_t holds_in_module(int fd)
{
	struct mmscope_pageref_held_list l = {
		.size = sizeof(l),
	};

	if (ioctl(fd, MMSCOPE_PAGEREF_IOC_HELD, &l))
		return ~0U;
	return l.total;
}

/*
 * GETs of the whole range (65536 pages, one reference each): a file
 * holds MMSCOPE_PAGEREF_FILE_PAGES_MAX pages, the module
 * MMSCOPE_PAGEREF_MODULE_PAGES_MAX; past either ENOSPC. A detached hold
 * counts against the module only; a PUT makes room again.
 */
TEST_F_TIMEOUT(bounds, file_and_module_page_bounds, BOUNDS_TIMEOUT)
{
	int per_file = MMSCOPE_PAGEREF_FILE_PAGES_MAX / NMAPS;
	int files = MMSCOPE_PAGEREF_MODULE_PAGES_MAX /
		    MMSCOPE_PAGEREF_FILE_PAGES_MAX;
	struct mmscope_pageref_hold h;
	int fds[16], i, j;
	uint64_t detached;
	uint32_t refcount;

	if (holds_in_module(self->fd))
		SKIP(return, "the module holds pages already (another test's)");
	ASSERT_LE(files, (int)ARRAY_SIZE(fds));
	for (i = 0; i < files; i++) {
		fds[i] = i ? pageref_open() : self->fd;
		ASSERT_LE(0, fds[i]);
		for (j = 0; j < per_file; j++)
			ASSERT_EQ(0, hold(self, fds[i],
					  MMSCOPE_PAGEREF_IOC_GET, NMAPS, 0,
					  &h)) TH_LOG("file %d GET %d", i, j);
		EXPECT_EQ(ENOSPC, hold(self, fds[i], MMSCOPE_PAGEREF_IOC_GET,
				       1, 0, &h)) TH_LOG("file %d", i);
		if (!i) {
			/* a detached hold is the module's, not the file's */
			ASSERT_EQ(0, hold(self, fds[0],
					  MMSCOPE_PAGEREF_IOC_GET, 1,
					  MMSCOPE_PAGEREF_HOLD_DETACH, &h));
			detached = h.id;
			memset(&h, 0, sizeof(h));
			h.size = sizeof(h);
			h.id = detached;
			ASSERT_EQ(0, ioctl(fds[0], MMSCOPE_PAGEREF_IOC_PUT,
					   &h));
			EXPECT_EQ(1, h.pages);
		}
	}
	/* the module is full: a new file may hold nothing, detached neither */
	fds[files] = pageref_open();
	ASSERT_LE(0, fds[files]);
	EXPECT_EQ(ENOSPC, hold(self, fds[files], MMSCOPE_PAGEREF_IOC_GET, 1, 0,
			       &h));
	EXPECT_EQ(ENOSPC, hold(self, fds[files], MMSCOPE_PAGEREF_IOC_PIN, 1,
			       MMSCOPE_PAGEREF_HOLD_DETACH, &h));
	ASSERT_EQ(0, refcount_now(self, &refcount));
	EXPECT_EQ(self->refcount + (uint64_t)MMSCOPE_PAGEREF_MODULE_PAGES_MAX,
		  refcount);
	/* one PUT, then room for one more hold of that size */
	ASSERT_EQ(0, hold(self, fds[1], MMSCOPE_PAGEREF_IOC_PUT, NMAPS, 0, &h));
	EXPECT_EQ((uint64_t)per_file * NMAPS, h.pages);
	EXPECT_EQ(0, hold(self, fds[files], MMSCOPE_PAGEREF_IOC_GET, NMAPS, 0,
			  &h));
	for (i = 1; i <= files; i++)
		close(fds[i]);
	expect_baseline(_metadata, self);
}

TEST_HARNESS_MAIN
