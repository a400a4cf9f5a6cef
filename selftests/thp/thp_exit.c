// SPDX-License-Identifier: GPL-2.0
/*
 * A target that is killed while the module collapses and splits its
 * memory: every call answers with a result or ESRCH/ENOENT (the range
 * contract's errnos for a process gone and for nothing mapped), the
 * kernel log stays clean (the runner checks it), and nothing is left
 * behind: the module's reference count, the mm_struct slab (shrunk
 * before each count, so that free objects held per CPU are not counted
 * as in use) and the anon pages of /proc/vmstat (per-CPU deltas folded
 * by vm/stat_refresh) are back where they started. The kill comes at a
 * different delay each round, from before the first call to well after
 * a collapse takes.
 */
#include <signal.h>
#include <sys/wait.h>
#include <time.h>

#include "kselftest_harness.h"
#include "thp_util.h"

MMSCOPE_REQUIRE(THP_CTL)

#define REFCNT		"/sys/module/mmscope_thp/refcnt"
#define MAX_CALLS	20000

static const unsigned int delays_us[] = {
	0, 50, 200, 500, 1000, 3000, 10000, 30000,
};

/*
 * Active mm_struct objects, or -1. An idle CPU keeps a reference on the
 * last mm it ran (lazy TLB): the count visits each CPU first, so that it
 * is ours, not a dead child's.
 */
static long mm_structs(void)
{
	return mmscope_slab_active("mm_struct");
}

/* Anon pages in use (THPs counted in pages), per-CPU deltas folded. */
static long anon_pages(void)
{
	mmscope_write_str("/proc/sys/vm/stat_refresh", "1");
	return thp_vmstat("nr_anon_pages") +
	       THP_PAGES * thp_vmstat("nr_anon_transparent_hugepages");
}

/* A child with a region of 512 small pages; *addr is where. */
static pid_t spawn_target(uintptr_t *addr)
{
	int pfd[2];
	char *map, *p;
	pid_t pid;

	if (pipe(pfd))
		return -1;
	pid = fork();
	if (!pid) {
		close(pfd[0]);
		p = thp_map_aligned(&map);
		if (!p)
			_exit(1);
		thp_fill(p);
		if (write(pfd[1], &p, sizeof(p)) != sizeof(p))
			_exit(1);
		for (;;)
			pause();
	}
	close(pfd[1]);
	if (pid > 0 && read(pfd[0], addr, sizeof(*addr)) != sizeof(*addr)) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		pid = -1;
	}
	close(pfd[0]);
	return pid;
}

/* A process of its own that kills pid after us microseconds. */
static pid_t spawn_killer(pid_t pid, unsigned int us)
{
	pid_t k = fork();

	if (!k) {
		if (us)
			usleep(us);
		kill(pid, SIGKILL);
		_exit(0);
	}
	return k;
}

FIXTURE(exit)
{
	int fd;
};

FIXTURE_SETUP(exit)
{
	self->fd = thp_open();
	ASSERT_LE(0, self->fd);
	ASSERT_EQ(0, mmscope_thp_push());
	/* the child's region: small pages at fault, collapsible on demand */
	ASSERT_EQ(0, mmscope_thp_set("enabled", "madvise"));
}

FIXTURE_TEARDOWN(exit)
{
	mmscope_thp_pop();
	close(self->fd);
}

TEST_F(exit, target_killed_mid_collapse_and_split)
{
	long refcnt = mmscope_read_long(REFCNT);
	long mms = mm_structs(), anon = anon_pages();
	unsigned int r, calls, ok = 0, gone = 0;
	struct mmscope_thp_op op;
	uintptr_t addr;
	pid_t t, k;
	int ret;

	ASSERT_LT(0, refcnt);
	for (r = 0; r < sizeof(delays_us) / sizeof(delays_us[0]); r++) {
		t = spawn_target(&addr);
		ASSERT_LT(0, t);
		k = spawn_killer(t, delays_us[r]);
		ASSERT_LT(0, k);
		for (calls = 0; calls < MAX_CALLS; calls++) {
			ret = thp_op(self->fd, MMSCOPE_THP_IOC_COLLAPSE, t,
				     (void *)addr, THP_SIZE, 0, &op);
			if (!ret && op.result == MMSCOPE_THP_OK)
				ret = thp_op(self->fd, MMSCOPE_THP_IOC_SPLIT,
					     t, (void *)addr, 0, 0, &op);
			/* a split of what is no THP any more: EINVAL */
			if (ret == -EINVAL)
				ret = 0;
			if (ret)
				break;
			ok++;
		}
		/* the target is gone, or its mm is being torn down */
		EXPECT_TRUE(ret == -ESRCH || ret == -ENOENT)
			TH_LOG("round %u: %s", r, strerror(-ret));
		gone += ret == -ESRCH;
		ASSERT_EQ(k, waitpid(k, NULL, 0));
		ASSERT_EQ(t, waitpid(t, NULL, 0));
	}
	TH_LOG("%u calls answered before the kill, %u rounds ended in ESRCH",
	       ok, gone);
	EXPECT_EQ(refcnt, mmscope_read_long(REFCNT));
	if (mms >= 0)
		EXPECT_LE(mm_structs(), mms);
	/* a target mm left alive would keep at least its 512 pages */
	EXPECT_LT(anon_pages() - anon, THP_PAGES);
}

TEST_HARNESS_MAIN
