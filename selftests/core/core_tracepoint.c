// SPDX-License-Identifier: GPL-2.0
/*
 * The suite's trace system, `mmscope`, as tracefs shows it, and the
 * core's event in it, mmscope_target_lookup, seen firing. The event is
 * enabled in a trace instance of the test's own, so the global tracing
 * state is never touched.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <mmscope/core.h>

#include "kselftest_harness.h"
#include "mmscope_test.h"

#define EVENT	"mmscope/mmscope_target_lookup"

MMSCOPE_REQUIRE(MMSCOPE_DEBUGFS "/ctl")

static const char *const tracefs_mounts[] = {
	"/sys/kernel/tracing", "/sys/kernel/debug/tracing",
};

/* The first tracefs mount with an events directory, or NULL. */
static const char *tracefs(void)
{
	char path[PATH_MAX];
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(tracefs_mounts); i++) {
		snprintf(path, sizeof(path), "%s/events", tracefs_mounts[i]);
		if (!access(path, F_OK))
			return tracefs_mounts[i];
	}
	return NULL;
}

TEST(trace_system_mmscope_exists)
{
	const char *root = tracefs();
	char path[PATH_MAX];
	struct stat st;

	ASSERT_NE(NULL, root) TH_LOG("no tracefs mounted");
	snprintf(path, sizeof(path), "%s/events/mmscope", root);
	ASSERT_EQ(0, stat(path, &st)) TH_LOG("%s: %s", path, strerror(errno));
	EXPECT_TRUE(S_ISDIR(st.st_mode));
}

TEST(target_lookup_event_has_pid_and_err)
{
	const char *root = tracefs();
	char path[PATH_MAX], text[4096];

	ASSERT_NE(NULL, root) TH_LOG("no tracefs mounted");
	snprintf(path, sizeof(path), "%s/events/" EVENT "/format", root);
	ASSERT_LT(0, mmscope_read_file(path, text, sizeof(text)))
		TH_LOG("%s: %s", path, strerror(errno));
	EXPECT_NE(NULL, strstr(text, "field:pid_t pid;")) TH_LOG("%s", text);
	EXPECT_NE(NULL, strstr(text, "field:int err;")) TH_LOG("%s", text);
}

FIXTURE(instance)
{
	char dir[128];		/* our trace instance */
	int ctl;
};

FIXTURE_SETUP(instance)
{
	const char *root = tracefs();

	self->dir[0] = '\0';
	self->ctl = -1;
	ASSERT_NE(NULL, root) TH_LOG("no tracefs mounted");
	snprintf(self->dir, sizeof(self->dir),
		 "%s/instances/mmscope-selftest-%d", root, getpid());
	ASSERT_EQ(0, mkdir(self->dir, 0700))
		TH_LOG("%s: %s", self->dir, strerror(errno));
	self->ctl = mmscope_ctl_open(NULL);
	ASSERT_LE(0, self->ctl) TH_LOG("%s", mmscope_last_error());
}

FIXTURE_TEARDOWN(instance)
{
	char path[PATH_MAX];

	if (self->ctl >= 0)
		close(self->ctl);
	if (!self->dir[0])
		return;
	snprintf(path, sizeof(path), "%s/events/" EVENT "/enable", self->dir);
	mmscope_write_str(path, "0");
	rmdir(self->dir);
}

/* Look pid up through the core with the event on; find its trace line. */
static void lookup_traced(struct __test_metadata *_metadata,
			  FIXTURE_DATA(instance) *self, pid_t pid, int err)
{
	struct mmscope_target t = { .size = sizeof(t), .pid = pid };
	char path[PATH_MAX], text[16384], want[64];
	int ret;

	snprintf(path, sizeof(path), "%s/events/" EVENT "/enable", self->dir);
	ASSERT_EQ(0, mmscope_write_str(path, "1")) TH_LOG("%s", path);
	ret = ioctl(self->ctl, MMSCOPE_CORE_IOC_TARGET, &t) ? -errno : 0;
	ASSERT_EQ(err, ret);
	ASSERT_EQ(0, mmscope_write_str(path, "0"));

	snprintf(path, sizeof(path), "%s/trace", self->dir);
	ASSERT_LT(0, mmscope_read_file(path, text, sizeof(text)));
	snprintf(want, sizeof(want), "mmscope_target_lookup: pid=%d err=%d\n",
		 pid, err);
	EXPECT_NE(NULL, strstr(text, want)) TH_LOG("no '%s' in:\n%s", want,
						   text);
}

TEST_F(instance, target_lookup_event_fires)
{
	lookup_traced(_metadata, self, getpid(), 0);
}

TEST_F(instance, target_lookup_event_reports_the_error)
{
	lookup_traced(_metadata, self, 0, -EINVAL);
}

TEST_HARNESS_MAIN
