// SPDX-License-Identifier: GPL-2.0
/*
 * Proactive compaction's thresholds follow vm.compaction_proactiveness as
 * the kernel defines them: kcompactd compacts a node proactively while its
 * fragmentation score is above the high mark, min(low + 10, 100) with
 * low = max(100 - proactiveness, 5), checked every half second. With memory fragmented (the node's score from the module), the
 * setting is put where the high mark lies just above the score (no run:
 * compact_daemon_migrate_scanned [vmstat] stays) and then just below it
 * (a run within a few of kcompactd's half-second checks: the counter
 * rises). The setting is saved and put back.
 */
#include <time.h>

#include "kselftest_harness.h"
#include "compaction_util.h"

MMSCOPE_REQUIRE(CP_CTL)

#define PROACTIVENESS	"/proc/sys/vm/compaction_proactiveness"
#define DAEMON_SCANNED	"compact_migrate_scanned"
/* Score points between the score and a high mark, either side. */
#define MARGIN		3
/* Waits, in 100 ms steps: for quiet, and for a run. */
#define QUIET_STEPS	50
#define RUN_STEPS	50

static int write_setting(int value)
{
	char buf[16];
	int fd, n, ret = 0;

	fd = open(PROACTIVENESS, O_WRONLY);
	if (fd < 0)
		return -errno;
	n = snprintf(buf, sizeof(buf), "%d", value);
	if (write(fd, buf, n) != n)
		ret = -errno;
	close(fd);
	return ret;
}

/* The kernel's high mark for a proactiveness. */
static unsigned int high_mark(int p)
{
	unsigned int low = 100 - p > 5 ? 100 - p : 5;

	return low + 10 < 100 ? low + 10 : 100;
}

/* The proactiveness whose high mark is mark (11 .. 100). */
static int setting_for(unsigned int mark)
{
	return mark >= 100 ? 10 : 110 - (int)mark;
}

/* Node 0's score: its zones' weighted scores, as kcompactd sums them. */
static unsigned int node_score(int fd)
{
	unsigned int i, score = 0;
	struct cp_snap s;

	if (cp_zones(fd, &s))
		return 0;
	for (i = 0; i < s.n; i++)
		if (s.z[i].node == 0)
			score += s.z[i].frag_score_weighted;
	return score;
}

static void pause_100ms(void)
{
	struct timespec ts = { 0, 100 * 1000 * 1000 };

	nanosleep(&ts, NULL);
}

/* Wait until kcompactd's counter holds still for a second; its value. */
static unsigned long long quiet(void)
{
	unsigned long long v = cp_vmstat(DAEMON_SCANNED), w;
	int i, still = 0;

	for (i = 0; i < QUIET_STEPS && still < 10; i++) {
		pause_100ms();
		w = cp_vmstat(DAEMON_SCANNED);
		still = w == v ? still + 1 : 0;
		v = w;
	}
	return v;
}

FIXTURE(proactive)
{
	int saved;
	int frag[CP_FRAG_FILES];
	int nfrag;
};

FIXTURE_SETUP(proactive)
{
	char buf[32];

	self->nfrag = 0;
	self->saved = -1;
	ASSERT_LE(0, mmscope_read_file(PROACTIVENESS, buf, sizeof(buf)));
	self->saved = atoi(buf);
}

FIXTURE_TEARDOWN(proactive)
{
	cp_fragment_end(self->frag, self->nfrag);
	if (self->saved >= 0)
		write_setting(self->saved);
}

/* Fragmenting 2 GiB under TCG takes longer than the default 30 s. */
TEST_F_TIMEOUT(proactive, thresholds_follow_the_setting, 300)
{
	unsigned long long before;
	unsigned int score, i;
	int fd = cp_open(), p;

	ASSERT_LE(0, fd);
	/*
	 * No proactive run while memory is fragmented: a high mark of 100
	 * (0 would also stop kcompactd's periodic check, and not every
	 * kernel wakes it when the setting is written)
	 */
	ASSERT_EQ(0, write_setting(1));
	self->nfrag = cp_fragment(self->frag, CP_FRAG_FILES);
	ASSERT_LE(0, self->nfrag);
	score = node_score(fd);
	TH_LOG("node 0 fragmentation score %u after %d patterns", score,
	       self->nfrag);
	ASSERT_LE(11 + MARGIN, score);
	/* high mark above the score: kcompactd wakes and does nothing */
	p = setting_for(score + MARGIN);
	before = quiet();
	ASSERT_EQ(0, write_setting(p));
	for (i = 0; i < 10; i++)
		pause_100ms();
	TH_LOG("proactiveness %d (high mark %u): %s %llu -> %llu", p,
	       high_mark(p), DAEMON_SCANNED, before, cp_vmstat(DAEMON_SCANNED));
	EXPECT_EQ(before, cp_vmstat(DAEMON_SCANNED));
	/* high mark below the score: a proactive run */
	p = setting_for(score - MARGIN);
	before = quiet();
	ASSERT_EQ(0, write_setting(p));
	for (i = 0; i < RUN_STEPS && cp_vmstat(DAEMON_SCANNED) == before; i++)
		pause_100ms();
	TH_LOG("proactiveness %d (high mark %u): %s %llu -> %llu", p,
	       high_mark(p), DAEMON_SCANNED, before, cp_vmstat(DAEMON_SCANNED));
	EXPECT_LT(before, cp_vmstat(DAEMON_SCANNED));
	close(fd);
}

TEST_HARNESS_MAIN
