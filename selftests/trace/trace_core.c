// SPDX-License-Identifier: GPL-2.0
/*
 * BPF on the suite's own functions: mmscope trace core attaches to
 * mmscope_core's mmscope_target_get(), with fexit through the module's
 * BTF (/sys/kernel/btf/mmscope_core) and with kprobes, and must count
 * exactly the MMSCOPE_CORE_IOC_TARGET lookups this test makes. Where the
 * kernel has no BPF trampolines (arm64 before 6.4: Debian 6.1) fentry
 * must fail with the documented error 524 instead, and kprobes must work.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <mmscope/core.h>

#include "kselftest_harness.h"
#include "mmscope_test.h"
#include "tracer.h"

#define CTL_FILE	MMSCOPE_DEBUGFS "/ctl"
#define FOUND_CALLS	5
#define FAILED_CALLS	3
#define NO_SUCH_PID	0x3ffffff0	/* above any pid_max */
#define TRACE_TIMEOUT	300

MMSCOPE_REQUIRE(CTL_FILE)

/* BPF trampolines (fentry/fexit): x86_64 always, arm64 from 6.4 on. */
static bool has_trampolines(void)
{
	struct utsname u;
	int major = 0, minor = 0;

	if (uname(&u) || sscanf(u.release, "%d.%d", &major, &minor) != 2)
		return true;
	if (strcmp(mmscope_machine_arch(), "arm64"))
		return true;
	return major > 6 || (major == 6 && minor >= 4);
}

static int lookup(int fd, pid_t pid)
{
	struct mmscope_target t = { .size = sizeof(t), .pid = pid };

	return ioctl(fd, MMSCOPE_CORE_IOC_TARGET, &t) ? errno : 0;
}

FIXTURE(core) {
	int fd;
	char pid[16];
	char out[16384];
	char err[4096];
};

FIXTURE_SETUP(core)
{
	self->fd = mmscope_ctl_open(NULL);
	ASSERT_LE(0, self->fd) TH_LOG("%s", mmscope_last_error());
	snprintf(self->pid, sizeof(self->pid), "%d", getpid());
}

FIXTURE_TEARDOWN(core)
{
	if (self->fd >= 0)
		close(self->fd);
	if (!access(TRACER_PIN_ROOT "/core", F_OK))
		system("mmscope trace unpin core");
}

/* Trace our own lookups with method; check the counts per pid. */
static void count_lookups(struct __test_metadata *_metadata,
			  FIXTURE_DATA(core) *self, const char *method,
			  const char *attach)
{
	unsigned long long calls, found, failed;
	char key[32], want[32];
	const char *list;
	struct tracer t;
	int i, ret, status = 0;

	ret = tracer_start(&t, (const char *const[]){ "core", "--attach", method,
		"--pid", self->pid, NULL }, "lookups", &status);
	ASSERT_EQ(0, ret) TH_LOG("mmscope trace core --attach %s: %s (status %d)",
				 method, strerror(-ret), status);
	for (i = 0; i < FOUND_CALLS; i++)
		ASSERT_EQ(0, lookup(self->fd, getpid()));
	for (i = 0; i < FAILED_CALLS; i++)
		ASSERT_EQ(ESRCH, lookup(self->fd, NO_SUCH_PID));
	ret = tracer_stop(&t, self->out, sizeof(self->out), self->err,
			  sizeof(self->err));
	ASSERT_EQ(0, ret) TH_LOG("stderr: %s", self->err);
	TH_LOG("%s", self->out);

	snprintf(want, sizeof(want), "\"%s\"", attach);
	EXPECT_NE(NULL, strstr(self->out, want));
	list = strstr(self->out, "\"lookups\":");
	ASSERT_NE(NULL, list);
	snprintf(key, sizeof(key), "%d,", getpid());
	ASSERT_EQ(0, json_field_u64(list, "pid", key, "calls", &calls));
	ASSERT_EQ(0, json_field_u64(list, "pid", key, "found", &found));
	EXPECT_EQ(FOUND_CALLS, calls);
	EXPECT_EQ(FOUND_CALLS, found);
	snprintf(key, sizeof(key), "%d,", NO_SUCH_PID);
	ASSERT_EQ(0, json_field_u64(list, "pid", key, "calls", &calls));
	ASSERT_EQ(0, json_field_u64(list, "pid", key, "failed", &failed));
	EXPECT_EQ(FAILED_CALLS, calls);
	EXPECT_EQ(FAILED_CALLS, failed);
	EXPECT_NE(0, access(TRACER_PIN_ROOT "/core", F_OK));
}

TEST_F(core, module_has_btf)
{
	EXPECT_EQ(0, access("/sys/kernel/btf/mmscope_core", R_OK))
		TH_LOG("mmscope_core was built without module BTF");
}

TEST_F_TIMEOUT(core, fentry_through_module_btf, TRACE_TIMEOUT)
{
	struct tracer t;
	int ret, status = 0;

	if (has_trampolines()) {
		count_lookups(_metadata, self, "fentry", "fexit");
		return;
	}
	/* No trampolines: attaching must fail, with the reason given. */
	ret = tracer_start(&t, (const char *const[]){ "core", "--attach",
		"fentry", "--pid", self->pid, NULL }, "lookups", &status);
	if (!ret)
		tracer_stop(&t, self->out, sizeof(self->out), self->err,
			    sizeof(self->err));
	ASSERT_EQ(-ECHILD, ret) TH_LOG("fentry attached on %s arm64",
				       mmscope_machine_arch());
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(1, WEXITSTATUS(status));
	tracer_read_all(t.out, self->out, sizeof(self->out));
	tracer_read_all(t.err, self->err, sizeof(self->err));
	EXPECT_NE(NULL, strstr(self->err, "error 524")) TH_LOG("%s", self->err);
	EXPECT_NE(0, access(TRACER_PIN_ROOT "/core", F_OK));
}

TEST_F_TIMEOUT(core, kprobe_on_module_function, TRACE_TIMEOUT)
{
	count_lookups(_metadata, self, "kprobe", "kprobe");
}

TEST_HARNESS_MAIN
