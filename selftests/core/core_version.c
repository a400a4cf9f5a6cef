// SPDX-License-Identifier: GPL-2.0
/*
 * What the core says it is (/sys/kernel/debug/mmscope/version and
 * MMSCOPE_CORE_IOC_VERSION) against what the build recorded in the guest
 * (/etc/mmscope/build-info) and what runs (uname), and the size framing
 * every mmscope ioctl shares, exercised on MMSCOPE_CORE_IOC_VERSION.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <mmscope/core.h>

#include "kselftest_harness.h"
#include "mmscope_test.h"

#define VERSION_FILE	MMSCOPE_DEBUGFS "/version"

MMSCOPE_REQUIRE(VERSION_FILE)

FIXTURE(version)
{
	char text[1024];	/* the version file */
	char built[128];	/* one build-info value */
	char shown[128];	/* one version file value */
};

FIXTURE_SETUP(version)
{
	ssize_t n = mmscope_read_file(VERSION_FILE, self->text,
				      sizeof(self->text));

	ASSERT_LE(0, n) TH_LOG("%s: %s", VERSION_FILE, strerror(-n));
}

FIXTURE_TEARDOWN(version)
{
}

/* Compare version-file KEY with build-info BUILD_KEY. */
static void check_field(struct __test_metadata *_metadata,
			FIXTURE_DATA(version) *self, const char *key,
			const char *build_key)
{
	ASSERT_EQ(0, mmscope_text_field(self->text, key, ' ', self->shown,
					sizeof(self->shown)))
		TH_LOG("no '%s' line in:\n%s", key, self->text);
	ASSERT_EQ(0, mmscope_build_info(build_key, self->built,
					sizeof(self->built)))
		TH_LOG("%s", mmscope_error);
	EXPECT_STREQ(self->built, self->shown);
}

TEST_F(version, suite_version_matches_build)
{
	check_field(_metadata, self, "mmscope", "MMSCOPE_VERSION");
}

TEST_F(version, uapi_matches_build_and_header)
{
	char want[16];

	check_field(_metadata, self, "uapi", "UAPI_VERSION");
	snprintf(want, sizeof(want), "%d", MMSCOPE_UAPI_VERSION);
	EXPECT_STREQ(want, self->shown);
}

TEST_F(version, kernel_matches_build_and_uname)
{
	struct utsname u;

	check_field(_metadata, self, "kernel", "KREL");
	ASSERT_EQ(0, uname(&u));
	EXPECT_STREQ(u.release, self->shown);
}

TEST_F(version, arch_matches_build_and_machine)
{
	check_field(_metadata, self, "arch", "ARCH");
	EXPECT_STREQ(mmscope_machine_arch(), self->shown);
}

TEST_F(version, has_exactly_four_lines)
{
	int lines = 0;
	char *p;

	for (p = self->text; *p; p++)
		lines += *p == '\n';
	EXPECT_EQ(4, lines) TH_LOG("version file:\n%s", self->text);
}

/* The version ioctl, and the framing on it. */
FIXTURE(ioc)
{
	int fd;
	char text[1024];
	/* room for a caller whose struct grew past the kernel's */
	union {
		struct mmscope_version v;
		unsigned char bytes[512];
	} arg;
};

FIXTURE_SETUP(ioc)
{
	self->fd = mmscope_ctl_open(NULL);
	ASSERT_LE(0, self->fd) TH_LOG("%s", mmscope_last_error());
	ASSERT_LE(0, mmscope_read_file(VERSION_FILE, self->text,
				       sizeof(self->text)));
	memset(&self->arg, 0, sizeof(self->arg));
}

FIXTURE_TEARDOWN(ioc)
{
	if (self->fd >= 0)
		close(self->fd);
}

TEST_F(ioc, version_matches_file)
{
	struct mmscope_version *v = &self->arg.v;
	char line[128];

	v->size = sizeof(*v);
	ASSERT_EQ(0, ioctl(self->fd, MMSCOPE_CORE_IOC_VERSION, v))
		TH_LOG("MMSCOPE_CORE_IOC_VERSION: %s", strerror(errno));
	EXPECT_EQ(sizeof(*v), v->size);
	EXPECT_EQ(MMSCOPE_UAPI_VERSION, v->uapi_version);
	snprintf(line, sizeof(line), "mmscope %s\n", v->suite);
	EXPECT_NE(NULL, strstr(self->text, line)) TH_LOG("no %s", line);
	snprintf(line, sizeof(line), "kernel %s\n", v->release);
	EXPECT_NE(NULL, strstr(self->text, line)) TH_LOG("no %s", line);
	snprintf(line, sizeof(line), "arch %s\n", v->arch);
	EXPECT_NE(NULL, strstr(self->text, line)) TH_LOG("no %s", line);
	EXPECT_LE(v->symbols_resolved, v->symbols_total);
}

TEST_F(ioc, size_below_v0_is_einval)
{
	self->arg.v.size = MMSCOPE_VERSION_SIZE_VER0 - 1;
	EXPECT_EQ(-1, ioctl(self->fd, MMSCOPE_CORE_IOC_VERSION, &self->arg));
	EXPECT_EQ(EINVAL, errno);
}

TEST_F(ioc, size_zero_is_einval)
{
	self->arg.v.size = 0;
	EXPECT_EQ(-1, ioctl(self->fd, MMSCOPE_CORE_IOC_VERSION, &self->arg));
	EXPECT_EQ(EINVAL, errno);
}

TEST_F(ioc, larger_struct_with_zero_tail_is_accepted)
{
	self->arg.v.size = sizeof(self->arg);
	ASSERT_EQ(0, ioctl(self->fd, MMSCOPE_CORE_IOC_VERSION, &self->arg))
		TH_LOG("MMSCOPE_CORE_IOC_VERSION: %s", strerror(errno));
	/* the kernel writes back what it knows and says how much */
	EXPECT_EQ(MMSCOPE_VERSION_SIZE_VER0, self->arg.v.size);
	EXPECT_EQ(0, self->arg.bytes[sizeof(self->arg) - 1]);
}

TEST_F(ioc, larger_struct_with_nonzero_tail_is_e2big)
{
	self->arg.v.size = sizeof(self->arg);
	self->arg.bytes[sizeof(self->arg) - 1] = 1;
	EXPECT_EQ(-1, ioctl(self->fd, MMSCOPE_CORE_IOC_VERSION, &self->arg));
	EXPECT_EQ(E2BIG, errno);
}

TEST_F(ioc, size_above_max_is_e2big)
{
	self->arg.v.size = MMSCOPE_IOC_SIZE_MAX + 1;
	EXPECT_EQ(-1, ioctl(self->fd, MMSCOPE_CORE_IOC_VERSION, &self->arg));
	EXPECT_EQ(E2BIG, errno);
}

TEST_F(ioc, bad_pointer_is_efault)
{
	EXPECT_EQ(-1, ioctl(self->fd, MMSCOPE_CORE_IOC_VERSION, 8UL));
	EXPECT_EQ(EFAULT, errno);
}

TEST_F(ioc, unknown_command_is_enotty)
{
	EXPECT_EQ(-1, ioctl(self->fd, _IOWR(MMSCOPE_IOC_MAGIC, 0x0f,
					    struct mmscope_version),
			    &self->arg));
	EXPECT_EQ(ENOTTY, errno);
}

TEST_HARNESS_MAIN
