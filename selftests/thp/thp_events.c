// SPDX-License-Identifier: GPL-2.0
/*
 * The module's mmscope:thp_collapse and mmscope:thp_split trace events,
 * enabled in a trace instance of the test's own and read back from
 * tracefs after a collapse and a split: one line each, with the pid, the
 * range or address, the head PFN (from pagemap) and the result.
 */
#include <sys/stat.h>

#include "kselftest_harness.h"
#include "thp_util.h"

MMSCOPE_REQUIRE(THP_CTL)

FIXTURE(events)
{
	int fd;
	char *map, *p;
	char dir[128];
};

static void enable(FIXTURE_DATA(events) *self, const char *event,
		   const char *on)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/events/mmscope/%s/enable", self->dir,
		 event);
	mmscope_write_str(path, on);
}

FIXTURE_SETUP(events)
{
	const char *root = "/sys/kernel/tracing";

	if (access("/sys/kernel/tracing/events", F_OK))
		root = "/sys/kernel/debug/tracing";
	self->dir[0] = '\0';
	self->fd = thp_open();
	ASSERT_LE(0, self->fd);
	ASSERT_EQ(0, mmscope_thp_push());
	ASSERT_EQ(0, mmscope_thp_set("enabled", "madvise"));
	self->p = thp_map_aligned(&self->map);
	ASSERT_NE(NULL, self->p);
	snprintf(self->dir, sizeof(self->dir), "%s/instances/mmscope-thp-%d",
		 root, getpid());
	ASSERT_EQ(0, mkdir(self->dir, 0700)) TH_LOG("%s: %s", self->dir,
						    strerror(errno));
	enable(self, "thp_collapse", "1");
	enable(self, "thp_split", "1");
}

FIXTURE_TEARDOWN(events)
{
	if (self->dir[0]) {
		enable(self, "thp_collapse", "0");
		enable(self, "thp_split", "0");
		rmdir(self->dir);
	}
	munmap(self->map, 2 * THP_SIZE);
	mmscope_thp_pop();
	close(self->fd);
}

TEST_F(events, collapse_then_split)
{
	static char text[65536];
	char path[256], want[160];
	struct mmscope_thp_op op;
	uint64_t head;

	/* "madvise" and no MADV_HUGEPAGE: 512 small pages to collapse */
	thp_fill(self->p);
	ASSERT_EQ(0, thp_op(self->fd, MMSCOPE_THP_IOC_COLLAPSE, getpid(),
			    self->p, THP_SIZE, 0, &op));
	if (op.result != MMSCOPE_THP_OK && op.err == ENOMEM)
		SKIP(return, "no 2 MiB block free for the collapse");
	ASSERT_EQ(MMSCOPE_THP_OK, op.result) TH_LOG("err %u scan %s", op.err,
						    op.scan);
	head = thp_pfn_of(self->p);
	ASSERT_TRUE(thp_kflags(head) & KPF_BIT(KPF_THP));
	ASSERT_EQ(0, thp_op(self->fd, MMSCOPE_THP_IOC_SPLIT, getpid(),
			    self->p + 4096, 0, 0, &op));
	ASSERT_EQ(MMSCOPE_THP_OK, op.result) TH_LOG("err %u", op.err);

	snprintf(path, sizeof(path), "%s/trace", self->dir);
	ASSERT_LT(0, mmscope_read_file(path, text, sizeof(text)));
	snprintf(want, sizeof(want),
		 "thp_collapse: pid=%d start=%p end=%p err=0 ", getpid(),
		 self->p, self->p + THP_SIZE);
	EXPECT_NE(NULL, strstr(text, want)) TH_LOG("no '%s' in:\n%s", want,
						   text);
	snprintf(want, sizeof(want),
		 "thp_split: pid=%d va=%p pfn=0x%llx order=0 err=0\n",
		 getpid(), self->p + 4096, (unsigned long long)head);
	EXPECT_NE(NULL, strstr(text, want)) TH_LOG("no '%s' in:\n%s", want,
						   text);
}

TEST_HARNESS_MAIN
