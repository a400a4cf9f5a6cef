// SPDX-License-Identifier: GPL-2.0
/*
 * What the walk shows when the kernel changes entries: mprotect() write
 * protection, copy-on-write after fork(), swap entries after
 * MADV_PAGEOUT, and pages mapped old by fault-around where the CPU
 * manages the access flag. Checked against /proc/PID/pagemap.
 */
#include <signal.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/wait.h>

#include "kselftest_harness.h"
#include "pagewalk_util.h"

MMSCOPE_REQUIRE(PW_CTL)

#define NPAGES		16
#ifndef MADV_PAGEOUT
#define MADV_PAGEOUT	21
#endif

FIXTURE(bits)
{
	int fd;
	char *map;
	size_t len;
	struct mmscope_pagewalk_record recs[256];
	struct pw_page pages[NPAGES];
	uint64_t pagemap[NPAGES];
};

FIXTURE_SETUP(bits)
{
	size_t i;

	self->fd = pw_open();
	ASSERT_LE(0, self->fd);
	self->len = NPAGES * PW_PAGE;
	self->map = mmap(NULL, self->len, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, self->map);
	madvise(self->map, self->len, MADV_NOHUGEPAGE);
	for (i = 0; i < NPAGES; i++)
		memset(self->map + i * PW_PAGE, (int)i + 1, PW_PAGE);
}

FIXTURE_TEARDOWN(bits)
{
	munmap(self->map, self->len);
	close(self->fd);
}

static int walk_self(FIXTURE_DATA(bits) *self, pid_t pid)
{
	return pw_walk_pages(self->fd, pid, (unsigned long)self->map, NPAGES,
			     self->recs, ARRAY_SIZE(self->recs), self->pages);
}

/* The entry allows writes, in Linux's view and in the hardware's. */
static bool hw_writable(const struct mmscope_pagewalk_record *r)
{
	if (pw_is_arm64())
		return !PW_HW(r, ARM64, RDONLY) || PW_HW(r, ARM64, DBM);
	return PW_HW(r, X86, RW);
}

TEST_F(bits, mprotect_read_clears_write_and_restore_sets_it)
{
	size_t i;

	ASSERT_EQ(0, mprotect(self->map, self->len, PROT_READ));
	ASSERT_EQ(0, walk_self(self, getpid()));
	for (i = 0; i < NPAGES; i++) {
		const struct mmscope_pagewalk_record *r = self->pages[i].rec;

		ASSERT_EQ(MMSCOPE_PAGEWALK_PRESENT, r->state);
		ASSERT_FALSE(r->linux_flags & MMSCOPE_PAGEWALK_L_WRITE);
		ASSERT_FALSE(hw_writable(r)) TH_LOG("page %zu raw 0x%llx", i,
						    (unsigned long long)r->raw);
		if (pw_is_arm64()) {
			ASSERT_TRUE(PW_HW(r, ARM64, RDONLY));
			ASSERT_FALSE(PW_HW(r, ARM64, DBM));
		}
	}

	ASSERT_EQ(0, mprotect(self->map, self->len, PROT_READ | PROT_WRITE));
	for (i = 0; i < NPAGES; i++)
		self->map[i * PW_PAGE] = 0x5a;
	ASSERT_EQ(0, walk_self(self, getpid()));
	for (i = 0; i < NPAGES; i++) {
		const struct mmscope_pagewalk_record *r = self->pages[i].rec;

		ASSERT_TRUE(r->linux_flags & MMSCOPE_PAGEWALK_L_WRITE);
		ASSERT_TRUE(r->linux_flags & MMSCOPE_PAGEWALK_L_DIRTY);
		ASSERT_TRUE(hw_writable(r)) TH_LOG("page %zu raw 0x%llx", i,
						   (unsigned long long)r->raw);
	}
}

TEST_F(bits, fork_write_protects_and_write_gets_new_pfn)
{
	uint64_t before[NPAGES], child_pm;
	int pipefd[2];
	pid_t child;
	char c;
	size_t i;

	ASSERT_EQ(0, mmscope_pagemap_read(0, (unsigned long)self->map, NPAGES,
					  before));
	ASSERT_EQ(0, pipe(pipefd));
	child = fork();
	ASSERT_LE(0, child);
	if (!child) {
		close(pipefd[1]);
		/* hold the pages until the parent is done */
		if (read(pipefd[0], &c, 1) < 0)
			_exit(1);
		_exit(0);
	}
	close(pipefd[0]);

	ASSERT_EQ(0, walk_self(self, getpid()));
	for (i = 0; i < NPAGES; i++) {
		const struct mmscope_pagewalk_record *r = self->pages[i].rec;

		ASSERT_EQ(MMSCOPE_PAGEWALK_PRESENT, r->state);
		ASSERT_FALSE(r->linux_flags & MMSCOPE_PAGEWALK_L_WRITE);
		ASSERT_FALSE(hw_writable(r));
		ASSERT_FALSE(r->linux_flags & MMSCOPE_PAGEWALK_L_EXCLUSIVE);
		ASSERT_EQ(PM_PFN(before[i]), self->pages[i].pfn);
	}

	self->map[0] = 0x77;
	ASSERT_EQ(0, walk_self(self, getpid()));
	ASSERT_EQ(0, mmscope_pagemap_read(0, (unsigned long)self->map, NPAGES,
					  self->pagemap));
	ASSERT_NE(PM_PFN(before[0]), self->pages[0].pfn);
	ASSERT_EQ(PM_PFN(self->pagemap[0]), self->pages[0].pfn);
	ASSERT_TRUE(self->pages[0].rec->linux_flags & MMSCOPE_PAGEWALK_L_WRITE);
	ASSERT_TRUE(self->pages[0].rec->linux_flags & MMSCOPE_PAGEWALK_L_EXCLUSIVE);
	ASSERT_EQ(PM_PFN(before[1]), self->pages[1].pfn);

	/* the child keeps the old page */
	ASSERT_EQ(0, walk_self(self, child));
	ASSERT_EQ(0, mmscope_pagemap_read(child, (unsigned long)self->map, 1,
					  &child_pm));
	ASSERT_EQ(PM_PFN(before[0]), self->pages[0].pfn);
	ASSERT_EQ(PM_PFN(child_pm), self->pages[0].pfn);

	close(pipefd[1]);
	ASSERT_EQ(child, waitpid(child, NULL, 0));
}

static bool swap_on(void)
{
	char buf[4096];

	/* a header line, then one line per active swap area */
	return mmscope_read_file("/proc/swaps", buf, sizeof(buf)) > 0 &&
	       strchr(buf, '\n') && strchr(buf, '\n')[1];
}

TEST_F(bits, pageout_gives_swap_entries_equal_to_pagemap)
{
	int swapped = 0;
	size_t i;

	if (!swap_on())
		SKIP(return, "no swap (mmscope-vm --swap)");
	if (madvise(self->map, self->len, MADV_PAGEOUT))
		SKIP(return, "MADV_PAGEOUT: %s", strerror(errno));
	ASSERT_EQ(0, walk_self(self, getpid()));
	ASSERT_EQ(0, mmscope_pagemap_read(0, (unsigned long)self->map, NPAGES,
					  self->pagemap));
	for (i = 0; i < NPAGES; i++) {
		const struct mmscope_pagewalk_record *r = self->pages[i].rec;
		uint64_t pm = self->pagemap[i];

		ASSERT_EQ(!!(pm & PM_SWAP), r->state == MMSCOPE_PAGEWALK_SWAP);
		ASSERT_EQ(!!(pm & PM_PRESENT), r->state == MMSCOPE_PAGEWALK_PRESENT);
		if (r->state != MMSCOPE_PAGEWALK_SWAP)
			continue;
		swapped++;
		ASSERT_EQ(PM_SWAP_TYPE(pm), r->swap_type);
		ASSERT_EQ(PM_SWAP_OFFSET(pm), r->swap_offset);
		ASSERT_EQ(MMSCOPE_PAGEWALK_NO_PFN, r->pfn);
		ASSERT_FALSE(r->linux_flags & MMSCOPE_PAGEWALK_L_PRESENT);
	}
	ASSERT_LT(0, swapped) TH_LOG("MADV_PAGEOUT swapped nothing out");
	/* and the data comes back */
	for (i = 0; i < NPAGES; i++)
		ASSERT_EQ((char)(i + 1), self->map[i * PW_PAGE + 1]);
}

/*
 * A read fault on a file maps its neighbours too (fault-around). Where
 * the CPU sets the access flag itself (arm64 with hardware AF) they are
 * mapped old, so reclaim can tell which were used; x86 maps them young.
 */
TEST_F(bits, fault_around_maps_neighbours_old_only_with_hw_af)
{
	struct mmscope_pagewalk_context ctx;
	char path[] = "/tmp/pagewalkXXXXXX";
	char buf[4096];
	int ffd, neighbours = 0;
	volatile char *m;
	bool old_expected;
	size_t i;

	ASSERT_EQ(0, pw_context(self->fd, 0, &ctx));
	old_expected = pw_is_arm64() && (ctx.hw_flags & MMSCOPE_PAGEWALK_CTX_HW_AF);
	if (pw_is_arm64() && !old_expected)
		SKIP(return, "this CPU does not update the access flag");
	ffd = mkstemp(path);
	ASSERT_LE(0, ffd);
	unlink(path);
	memset(buf, 'f', sizeof(buf));
	for (i = 0; i < NPAGES; i++)
		ASSERT_EQ((ssize_t)sizeof(buf), write(ffd, buf, sizeof(buf)));
	m = mmap(NULL, self->len, PROT_READ, MAP_PRIVATE, ffd, 0);
	close(ffd);
	ASSERT_NE(MAP_FAILED, m);
	(void)m[0];
	ASSERT_EQ(0, pw_walk_pages(self->fd, getpid(), (unsigned long)m,
				   NPAGES, self->recs, ARRAY_SIZE(self->recs),
				   self->pages));
	ASSERT_EQ(MMSCOPE_PAGEWALK_PRESENT, self->pages[0].rec->state);
	ASSERT_TRUE(self->pages[0].rec->linux_flags & MMSCOPE_PAGEWALK_L_YOUNG);
	for (i = 1; i < NPAGES; i++) {
		const struct mmscope_pagewalk_record *r = self->pages[i].rec;

		if (r->state != MMSCOPE_PAGEWALK_PRESENT)
			continue;
		neighbours++;
		ASSERT_EQ(!old_expected,
			  !!(r->linux_flags & MMSCOPE_PAGEWALK_L_YOUNG))
			TH_LOG("page %zu raw 0x%llx", i,
			       (unsigned long long)r->raw);
		if (pw_is_arm64()) {
			ASSERT_FALSE(PW_HW(r, ARM64, AF));
		} else {
			ASSERT_TRUE(PW_HW(r, X86, A));
		}
	}
	munmap((void *)m, self->len);
	if (!neighbours)
		SKIP(return, "fault-around mapped no neighbour");
}

TEST_HARNESS_MAIN
