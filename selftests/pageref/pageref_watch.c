// SPDX-License-Identifier: GPL-2.0
/*
 * The watch list: a watched page's fork, pin and unpin show up in the
 * events ring with the function that made them and the exact counts.
 */
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>

#include "kselftest_harness.h"
#include "pageref_util.h"

MMSCOPE_REQUIRE(PAGEREF_DIR "/watch")

struct event {
	char site[40];
	unsigned long long pfn;
	int old_ref, new_ref, old_map, new_map;
};

static char text[1 << 16];

static int write_str(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = write(fd, s, strlen(s));
	close(fd);
	return n == (ssize_t)strlen(s) ? 0 : -errno;
}

/* The events of pfn, oldest first; returns how many. */
static int read_events(uint64_t pfn, struct event *ev, int max)
{
	char *line, *save = NULL;
	struct event e;
	int n = 0;

	if (mmscope_read_file(PAGEREF_DIR "/events", text, sizeof(text)) < 0)
		return -1;
	for (line = strtok_r(text, "\n", &save); line && n < max;
	     line = strtok_r(NULL, "\n", &save)) {
		if (line[0] == '#')
			continue;
		if (sscanf(line, "%*u %*d %*s %39s %llx %d->%d %d->%d", e.site,
			   &e.pfn, &e.old_ref, &e.new_ref, &e.old_map,
			   &e.new_map) != 6 || e.pfn != pfn)
			continue;
		ev[n++] = e;
	}
	return n;
}

static const struct event *find(const struct event *ev, int n,
				const char *site1, const char *site2,
				int dref, int dmap)
{
	int i;

	for (i = 0; i < n; i++)
		if ((!strcmp(ev[i].site, site1) ||
		     (site2 && !strcmp(ev[i].site, site2))) &&
		    ev[i].new_ref - ev[i].old_ref == dref &&
		    ev[i].new_map - ev[i].old_map == dmap)
			return &ev[i];
	return NULL;
}

TEST(fork_pin_unpin_are_recorded)
{
	struct mmscope_pageref_page r;
	static struct event ev[512];
	char cmd[96];
	int fd, n;
	char *p = anon_pages(1);

	ASSERT_NE(NULL, p);
	fd = pageref_open();
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, pageref_query_settled(fd, getpid(), (unsigned long)p, &r));
	ASSERT_EQ(0, write_str(PAGEREF_DIR "/watch", "clear"));
	ASSERT_EQ(0, write_str(PAGEREF_DIR "/events", "clear"));
	snprintf(cmd, sizeof(cmd), "%d 0x%lx", getpid(), (unsigned long)p);
	ASSERT_EQ(0, write_str(PAGEREF_DIR "/watch", cmd));

	/* fork, the child exits, then the page (ours alone again) is pinned */
	ASSERT_EQ(0, pageref_fork_pin_unpin(fd, p));

	n = read_events(r.pfn, ev, 512);
	ASSERT_LT(0, n) TH_LOG("no events for pfn 0x%llx",
			       (unsigned long long)r.pfn);
	mmscope_read_file(PAGEREF_DIR "/events", text, sizeof(text));
	EXPECT_NE(NULL, find(ev, n, "copy_page_range", NULL, 1, 1))
		TH_LOG("no fork event:\n%s", text);
	EXPECT_NE(NULL, find(ev, n, "try_grab_page", "try_grab_folio",
			     GUP_PIN_COUNTING_BIAS, 0))
		TH_LOG("no pin event:\n%s", text);
	EXPECT_NE(NULL, find(ev, n, "unpin_user_page", NULL,
			     -GUP_PIN_COUNTING_BIAS, 0))
		TH_LOG("no unpin event:\n%s", text);
	EXPECT_EQ(0, write_str(PAGEREF_DIR "/watch", "clear"));
	close(fd);
	munmap(p, getpagesize());
}

TEST(bad_watch_input_is_rejected)
{
	EXPECT_EQ(-EINVAL, write_str(PAGEREF_DIR "/watch", "nonsense"));
	EXPECT_EQ(-ESRCH, write_str(PAGEREF_DIR "/watch", "999999 0x10000"));
	EXPECT_EQ(-ERANGE, write_str(PAGEREF_DIR "/watch", "pfn 0x7fffffffff"));
}

TEST_HARNESS_MAIN
