// SPDX-License-Identifier: GPL-2.0
/*
 * The core's symbol resolver as reported by /sys/kernel/debug/mmscope/
 * features and MMSCOPE_CORE_IOC_FEATURES: well formed, consistent with each
 * other and with the kernel's own symbol table, /proc/kallsyms. Which
 * symbols are listed is not UAPI: the tests read the list from the file.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <mmscope/core.h>

#include "kselftest_harness.h"
#include "mmscope_test.h"

#define FEATURES_FILE	MMSCOPE_DEBUGFS "/features"
#define MAX_SYMBOLS	64

MMSCOPE_REQUIRE(FEATURES_FILE)

struct symbol_line {
	char name[64];
	char feature[48];	/* named on "missing" lines only */
	int resolved;
	int in_kallsyms;
};

FIXTURE(features)
{
	char text[8192];
	struct symbol_line lines[MAX_SYMBOLS];
	int count;		/* lines */
	int malformed;		/* index + 1 of the first bad line */
	int fd;			/* ctl */
};

/* "<symbol> resolved" or "<symbol> missing: <feature> disabled" */
static int parse_line(const char *line, struct symbol_line *s)
{
	char word[16], tail[16], extra[2];
	int n;

	memset(s, 0, sizeof(*s));
	n = sscanf(line, "%63s %15s %47s %15s %1s", s->name, word, s->feature,
		   tail, extra);
	if (n == 2 && !strcmp(word, "resolved")) {
		s->resolved = 1;
		return 0;
	}
	if (n == 4 && !strcmp(word, "missing:") && !strcmp(tail, "disabled"))
		return 0;
	return -1;
}

FIXTURE_SETUP(features)
{
	char *line, *save = NULL;
	ssize_t n;

	self->fd = -1;
	n = mmscope_read_file(FEATURES_FILE, self->text, sizeof(self->text));
	ASSERT_LE(0, n) TH_LOG("%s: %s", FEATURES_FILE, strerror(-n));
	ASSERT_GT(sizeof(self->text) - 1, (size_t)n) TH_LOG("file too long");
	for (line = strtok_r(self->text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		ASSERT_GT(MAX_SYMBOLS, self->count);
		if (parse_line(line, &self->lines[self->count]) &&
		    !self->malformed) {
			self->malformed = self->count + 1;
			TH_LOG("malformed line %d: '%s'", self->count + 1, line);
		}
		self->count++;
	}
	self->fd = mmscope_ctl_open(NULL);
	ASSERT_LE(0, self->fd) TH_LOG("%s", mmscope_last_error());
}

FIXTURE_TEARDOWN(features)
{
	if (self->fd >= 0)
		close(self->fd);
}

/* Mark the listed symbols /proc/kallsyms has, outside modules. */
static int find_in_kallsyms(FIXTURE_DATA(features) *self)
{
	char *line = NULL, name[256], module[256];
	size_t cap = 0;
	FILE *f;
	int i;

	f = fopen("/proc/kallsyms", "re");
	if (!f)
		return -errno;
	/* "<address> <type> <name>[\t[module]]" */
	while (getline(&line, &cap, f) > 0) {
		if (sscanf(line, "%*s %*s %255s %255s", name, module) != 1)
			continue;
		for (i = 0; i < self->count; i++)
			if (!strcmp(name, self->lines[i].name))
				self->lines[i].in_kallsyms = 1;
	}
	free(line);
	fclose(f);
	return 0;
}

TEST_F(features, lines_are_well_formed)
{
	EXPECT_LT(0, self->count) TH_LOG("%s is empty", FEATURES_FILE);
	EXPECT_EQ(0, self->malformed);
}

TEST_F(features, resolved_exactly_when_in_kallsyms)
{
	int i;

	ASSERT_EQ(0, find_in_kallsyms(self));
	for (i = 0; i < self->count; i++)
		EXPECT_EQ(self->lines[i].in_kallsyms, self->lines[i].resolved)
			TH_LOG("%s: %s, but %sin /proc/kallsyms",
			       self->lines[i].name,
			       self->lines[i].resolved ? "resolved" : "missing",
			       self->lines[i].in_kallsyms ? "" : "not ");
}

TEST_F(features, every_symbol_resolved)
{
	char absent[512] = "";
	int i, missing = 0;

	ASSERT_LT(0, self->count);
	ASSERT_EQ(0, find_in_kallsyms(self));
	for (i = 0; i < self->count; i++) {
		if (self->lines[i].resolved)
			continue;
		/* one the core could have found is a failure */
		EXPECT_FALSE(self->lines[i].in_kallsyms)
			TH_LOG("%s missing, yet in /proc/kallsyms",
			       self->lines[i].name);
		missing++;
		snprintf(absent + strlen(absent), sizeof(absent) - strlen(absent),
			 " %s (%s)", self->lines[i].name,
			 self->lines[i].feature);
	}
	if (missing && _metadata->passed)
		SKIP(return, "not in this kernel's kallsyms:%s", absent);
}

TEST_F(features, ioctl_lists_the_file)
{
	struct mmscope_feature e[MAX_SYMBOLS];
	struct mmscope_features f = {
		.size = sizeof(f),
		.count = MAX_SYMBOLS,
		.entries = (unsigned long)e,
	};
	unsigned int i;

	memset(e, 0xff, sizeof(e));
	ASSERT_EQ(0, ioctl(self->fd, MMSCOPE_CORE_IOC_FEATURES, &f))
		TH_LOG("MMSCOPE_CORE_IOC_FEATURES: %s", strerror(errno));
	ASSERT_EQ(self->count, f.total);
	ASSERT_EQ(f.total, f.count);
	for (i = 0; i < f.count; i++) {
		EXPECT_STREQ(self->lines[i].name, e[i].name);
		EXPECT_EQ(self->lines[i].resolved,
			  !!(e[i].flags & MMSCOPE_FEATURE_RESOLVED))
			TH_LOG("%s", e[i].name);
		if (!self->lines[i].resolved)
			EXPECT_STREQ(self->lines[i].feature, e[i].feature);
	}
	/* entries past the count are left alone */
	if (f.count < MAX_SYMBOLS)
		EXPECT_EQ(0xff, ((unsigned char *)&e[f.count])[0]);
}

TEST_F(features, ioctl_count_zero_gives_total_only)
{
	struct mmscope_features f = { .size = sizeof(f), .entries = 8 };

	ASSERT_EQ(0, ioctl(self->fd, MMSCOPE_CORE_IOC_FEATURES, &f))
		TH_LOG("MMSCOPE_CORE_IOC_FEATURES: %s", strerror(errno));
	EXPECT_EQ(0, f.count);
	EXPECT_EQ(self->count, f.total);
}

TEST_F(features, ioctl_short_buffer_is_filled_and_total_given)
{
	struct mmscope_feature e[2];
	struct mmscope_features f = {
		.size = sizeof(f),
		.count = 1,
		.entries = (unsigned long)e,
	};

	memset(e, 0xff, sizeof(e));
	ASSERT_EQ(0, ioctl(self->fd, MMSCOPE_CORE_IOC_FEATURES, &f))
		TH_LOG("MMSCOPE_CORE_IOC_FEATURES: %s", strerror(errno));
	EXPECT_EQ(1, f.count);
	EXPECT_EQ(self->count, f.total);
	EXPECT_STREQ(self->lines[0].name, e[0].name);
	EXPECT_EQ(0xff, ((unsigned char *)&e[1])[0]);
}

TEST_F(features, ioctl_nonzero_flags_is_einval)
{
	struct mmscope_features f = { .size = sizeof(f), .flags = 1 };

	EXPECT_EQ(-1, ioctl(self->fd, MMSCOPE_CORE_IOC_FEATURES, &f));
	EXPECT_EQ(EINVAL, errno);
}

TEST_F(features, version_ioctl_counts_the_lines)
{
	struct mmscope_version v = { .size = sizeof(v) };
	int i, resolved = 0;

	for (i = 0; i < self->count; i++)
		resolved += self->lines[i].resolved;
	ASSERT_EQ(0, ioctl(self->fd, MMSCOPE_CORE_IOC_VERSION, &v))
		TH_LOG("MMSCOPE_CORE_IOC_VERSION: %s", strerror(errno));
	EXPECT_EQ(self->count, v.symbols_total);
	EXPECT_EQ(resolved, v.symbols_resolved);
}

TEST_HARNESS_MAIN
