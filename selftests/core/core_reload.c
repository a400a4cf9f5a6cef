// SPDX-License-Identifier: GPL-2.0
/*
 * Unloading and reloading the whole suite (every module of
 * /lib/modules/mmscope/load-order, the core last out and first in) leaves
 * nothing behind and brings everything back, again and again, without a
 * complaint in the kernel log. Every test leaves the suite loaded: the
 * runner runs *_reload programs after all others, but a user may not.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "mmscope_test.h"

#define CYCLES	20

MMSCOPE_REQUIRE(MMSCOPE_MODULE_DIR "/load-order")

FIXTURE(suite)
{
	char names[MMSCOPE_MAX_MODULES][MMSCOPE_MODULE_NAME_LEN];
	int count;
	char modules[16384];	/* /proc/modules */
};

FIXTURE_SETUP(suite)
{
	self->count = mmscope_suite_modules(self->names, MMSCOPE_MAX_MODULES);
	ASSERT_LE(1, self->count) TH_LOG("%s", mmscope_error);
}

FIXTURE_TEARDOWN(suite)
{
	/* whatever happened, the tests that follow need the suite */
	EXPECT_EQ(0, mmscope_suite_load()) TH_LOG("%s", mmscope_error);
}

/* Does a line of /proc/modules start with "name "? */
static int module_listed(const char *text, const char *name)
{
	size_t len = strlen(name);
	const char *line;

	for (line = text; line && *line; line = strchr(line, '\n')) {
		line += *line == '\n';
		if (!strncmp(line, name, len) && line[len] == ' ')
			return 1;
	}
	return 0;
}

/* How many of the suite's modules are loaded. */
static int suite_modules_loaded(FIXTURE_DATA(suite) *self)
{
	int i, n = 0;

	if (mmscope_read_file("/proc/modules", self->modules,
			      sizeof(self->modules)) < 0)
		return -1;
	for (i = 0; i < self->count; i++)
		n += module_listed(self->modules, self->names[i]);
	return n;
}

static int debugfs_present(void)
{
	struct stat st;

	return !stat(MMSCOPE_DEBUGFS "/version", &st);
}

TEST_F(suite, unload_removes_modules_and_debugfs)
{
	ASSERT_EQ(0, mmscope_suite_unload()) TH_LOG("%s", mmscope_error);
	EXPECT_EQ(0, suite_modules_loaded(self));
	EXPECT_EQ(-1, access(MMSCOPE_DEBUGFS, F_OK));
	EXPECT_EQ(ENOENT, errno);
}

TEST_F(suite, load_restores_modules_and_debugfs)
{
	ASSERT_EQ(0, mmscope_suite_unload()) TH_LOG("%s", mmscope_error);
	ASSERT_FALSE(debugfs_present());
	ASSERT_EQ(0, mmscope_suite_load()) TH_LOG("%s", mmscope_error);
	EXPECT_EQ(self->count, suite_modules_loaded(self));
	EXPECT_TRUE(debugfs_present());
}

TEST_F_TIMEOUT(suite, twenty_cycles_leave_the_log_clean, 900)
{
	char splat[512];
	int kmsg, i;

	kmsg = mmscope_kmsg_open();
	ASSERT_LE(0, kmsg) TH_LOG("%s", mmscope_error);
	for (i = 0; i < CYCLES; i++) {
		ASSERT_EQ(0, mmscope_suite_unload())
			TH_LOG("cycle %d: %s", i + 1, mmscope_error);
		ASSERT_FALSE(debugfs_present()) TH_LOG("cycle %d", i + 1);
		ASSERT_EQ(0, mmscope_suite_load())
			TH_LOG("cycle %d: %s", i + 1, mmscope_error);
		ASSERT_TRUE(debugfs_present()) TH_LOG("cycle %d", i + 1);
	}
	EXPECT_EQ(0, mmscope_kmsg_splats(kmsg, splat, sizeof(splat)))
		TH_LOG("kernel log: %s", splat);
	close(kmsg);
}

TEST_HARNESS_MAIN
