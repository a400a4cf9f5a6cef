// SPDX-License-Identifier: GPL-2.0
/*
 * `mmscope features` in JSON against MMSCOPE_CORE_IOC_VERSION's counts of
 * the resolver's entries, and `mmscope version` against the ioctl.
 */
#include <string.h>
#include <sys/ioctl.h>

#include "kselftest_harness.h"
#include "mmscope_test.h"

MMSCOPE_REQUIRE(MMSCOPE_DEBUGFS "/ctl")

static char out[1 << 16];

static unsigned int count(const char *text, const char *what)
{
	unsigned int n = 0;

	for (; (text = strstr(text, what)); text++)
		n++;
	return n;
}

static void version(struct __test_metadata *_metadata,
		    struct mmscope_version *v)
{
	int fd = mmscope_ctl_open(NULL);

	ASSERT_LE(0, fd) TH_LOG("%s", mmscope_last_error());
	memset(v, 0, sizeof(*v));
	ASSERT_EQ(0, MMSCOPE_IOCTL(fd, MMSCOPE_CORE_IOC_VERSION, v))
		TH_LOG("%s", mmscope_last_error());
	close(fd);
}

TEST(features_lists_every_resolver_entry)
{
	const char *args[] = { "-j", "features", NULL };
	struct mmscope_version v;

	version(_metadata, &v);
	ASSERT_EQ(0, mmscope_run_cli(args, out, sizeof(out)));
	EXPECT_EQ(v.symbols_total, count(out, "{\"name\":"));
	EXPECT_EQ(v.symbols_resolved, count(out, "\"status\":\"resolved\""));
	EXPECT_EQ(v.symbols_total - v.symbols_resolved,
		  count(out, "\"status\":\"missing\""));
}

TEST(version_shows_the_modules_release)
{
	const char *args[] = { "-j", "version", NULL };
	struct mmscope_version v;
	char want[128];

	version(_metadata, &v);
	ASSERT_EQ(0, mmscope_run_cli(args, out, sizeof(out)));
	snprintf(want, sizeof(want), "\"release\":\"%s\"", v.release);
	EXPECT_NE(NULL, strstr(out, want)) TH_LOG("want %s in %s", want, out);
}

TEST_HARNESS_MAIN
