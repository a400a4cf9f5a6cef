// SPDX-License-Identifier: GPL-2.0
/*
 * `mmscope pageref held` and `mmscope pageref watch` in JSON, against the
 * holds and watched pages the test made itself and pagemap's PFNs: what
 * the CLI prints through MMSCOPE_PAGEREF_IOC_HELD, _WATCH and _EVENTS.
 */
#include <stdlib.h>

#include "kselftest_harness.h"
#include "pageref_util.h"

MMSCOPE_REQUIRE(PAGEREF_CTL)

static char out[1 << 16];

FIXTURE(cli) {
	int fd;
	char *p;
	uint64_t pfn;
	char pid[16], addr[32];
};

FIXTURE_SETUP(cli)
{
	self->p = anon_pages(1);
	ASSERT_NE(NULL, self->p);
	self->fd = pageref_open();
	ASSERT_LE(0, self->fd) TH_LOG("%s", mmscope_last_error());
	self->pfn = pagemap_pfn(0, (unsigned long)self->p);
	ASSERT_NE(0, self->pfn);
	snprintf(self->pid, sizeof(self->pid), "%d", getpid());
	snprintf(self->addr, sizeof(self->addr), "%#lx",
		 (unsigned long)self->p);
}

FIXTURE_TEARDOWN(cli)
{
	const char *clear[] = { "pageref", "watch", "clear", NULL };

	mmscope_run_cli(clear, out, sizeof(out));
	close(self->fd);
	munmap(self->p, getpagesize());
}

/* The hold's JSON object, as json-c writes it. */
static void held_object(char *buf, size_t size, uint64_t id,
			const char *owner, const char *kind, const char *pid,
			const void *p, uint64_t pfn)
{
	snprintf(buf, size,
		 "{\"id\":%llu,\"owner\":\"%s\",\"kind\":\"%s\",\"pid\":%s,\"start\":\"%#lx\",\"pages\":1,\"pfns\":[%llu]}",
		 (unsigned long long)id, owner, kind, pid, (unsigned long)p,
		 (unsigned long long)pfn);
}

TEST_F(cli, held_lists_a_pin_of_this_file)
{
	const char *args[] = { "-j", "pageref", "held", NULL };
	struct mmscope_pageref_hold h;
	char want[256];

	ASSERT_EQ(0, pageref_hold(self->fd, MMSCOPE_PAGEREF_IOC_PIN, getpid(),
				  (unsigned long)self->p, getpagesize(), 0, &h));
	ASSERT_EQ(0, mmscope_run_cli(args, out, sizeof(out)));
	held_object(want, sizeof(want), h.id, "file", "pin", self->pid,
		    self->p, self->pfn);
	EXPECT_NE(NULL, strstr(out, want)) TH_LOG("want %s in %s", want, out);
	ASSERT_EQ(0, pageref_hold(self->fd, MMSCOPE_PAGEREF_IOC_UNPIN,
				  getpid(), (unsigned long)self->p,
				  getpagesize(), 0, &h));
	ASSERT_EQ(0, mmscope_run_cli(args, out, sizeof(out)));
	EXPECT_EQ(NULL, strstr(out, want)) TH_LOG("still held: %s", out);
}

TEST_F(cli, held_lists_a_detached_get_as_the_modules)
{
	const char *args[] = { "-j", "pageref", "held", NULL };
	struct mmscope_pageref_hold h;
	char want[256];

	ASSERT_EQ(0, pageref_hold(self->fd, MMSCOPE_PAGEREF_IOC_GET, getpid(),
				  (unsigned long)self->p, getpagesize(),
				  MMSCOPE_PAGEREF_HOLD_DETACH, &h));
	ASSERT_EQ(0, mmscope_run_cli(args, out, sizeof(out)));
	held_object(want, sizeof(want), h.id, "module", "get", self->pid,
		    self->p, self->pfn);
	EXPECT_NE(NULL, strstr(out, want)) TH_LOG("want %s in %s", want, out);
	ASSERT_EQ(0, pageref_hold(self->fd, MMSCOPE_PAGEREF_IOC_PUT, getpid(),
				  (unsigned long)self->p, getpagesize(), 0, &h));
}

TEST_F(cli, watch_add_shows_the_page_with_kpagecount)
{
	const char *add[] = { "pageref", "watch", "add", "--pid", self->pid,
			      self->addr, NULL };
	const char *show[] = { "-j", "pageref", "watch", NULL };
	const char *clear[] = { "pageref", "watch", "clear", NULL };
	char want[128];

	ASSERT_EQ(0, mmscope_run_cli(clear, out, sizeof(out)));
	ASSERT_EQ(0, mmscope_run_cli(add, out, sizeof(out)));
	ASSERT_EQ(0, mmscope_run_cli(show, out, sizeof(out)));
	snprintf(want, sizeof(want), "{\"watch\":[{\"pfn\":%llu,\"refcount\":",
		 (unsigned long long)self->pfn);
	EXPECT_EQ(0, strncmp(out, want, strlen(want))) TH_LOG("got %s", out);
	snprintf(want, sizeof(want), ",\"mapcount\":%llu}]}",
		 (unsigned long long)kpagecount_of(self->pfn));
	EXPECT_NE(NULL, strstr(out, want)) TH_LOG("want %s in %s", want, out);
	ASSERT_EQ(0, mmscope_run_cli(clear, out, sizeof(out)));
	ASSERT_EQ(0, mmscope_run_cli(show, out, sizeof(out)));
	EXPECT_STREQ("{\"watch\":[]}\n", out);
}

TEST_F(cli, events_show_the_pin_and_clear_empties_them)
{
	const char *add[] = { "pageref", "watch", "add", "--pid", self->pid,
			      self->addr, NULL };
	const char *events[] = { "-j", "pageref", "watch", "events", NULL };
	const char *clear[] = { "pageref", "watch", "events", "--clear", NULL };
	const char *unwatch[] = { "pageref", "watch", "clear", NULL };
	char want[160];

	ASSERT_EQ(0, mmscope_run_cli(unwatch, out, sizeof(out)));
	ASSERT_EQ(0, mmscope_run_cli(clear, out, sizeof(out)));
	ASSERT_EQ(0, mmscope_run_cli(add, out, sizeof(out)));
	ASSERT_EQ(0, pageref_fork_pin_unpin(self->fd, self->p));
	ASSERT_EQ(0, mmscope_run_cli(unwatch, out, sizeof(out)));
	ASSERT_EQ(0, mmscope_run_cli(events, out, sizeof(out)));
	/* the pin: GUP_PIN_COUNTING_BIAS more references, by this task */
	snprintf(want, sizeof(want), "\"pfn\":%llu,\"refcount_before\":",
		 (unsigned long long)self->pfn);
	EXPECT_NE(NULL, strstr(out, want)) TH_LOG("want %s in %s", want, out);
	EXPECT_NE(NULL, strstr(out, "\"site\":\"copy_page_range\""))
		TH_LOG("no fork event: %s", out);
	EXPECT_NE(NULL, strstr(out, "\"site\":\"unpin_user_page\""))
		TH_LOG("no unpin event: %s", out);
	ASSERT_EQ(0, mmscope_run_cli(clear, out, sizeof(out)));
	ASSERT_EQ(0, mmscope_run_cli(events, out, sizeof(out)));
	EXPECT_STREQ("{\"events\":[]}\n", out);
}

TEST_F(cli, watch_add_of_an_unmapped_range_fails_with_1)
{
	const char *add[] = { "pageref", "watch", "add", "--pid", self->pid,
			      "0x1000", NULL };

	EXPECT_EQ(1, mmscope_run_cli(add, out, sizeof(out)));
}

TEST_HARNESS_MAIN
