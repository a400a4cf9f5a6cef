// SPDX-License-Identifier: GPL-2.0
/*
 * The guest's greeting (/etc/mmscope/greeting, shown by the interactive
 * shell): it names three commands, and each of them runs and prints
 * something in this guest; dmesg, which it points to, reads the kernel
 * log (a line this test writes to /dev/kmsg).
 */
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>

#include "kselftest_harness.h"
#include "mmscope_test.h"

MMSCOPE_REQUIRE("/etc/mmscope/greeting")

/* Run cmd with sh -c; its exit status, and the bytes it printed. */
static int shell(const char *cmd, size_t *bytes, const char *want, bool *seen)
{
	char line[4096];
	FILE *f = popen(cmd, "r");
	int st;

	*bytes = 0;
	if (seen)
		*seen = false;
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		*bytes += strlen(line);
		if (want && strstr(line, want))
			*seen = true;
	}
	st = pclose(f);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

TEST(greeting_names_three_commands_that_work)
{
	char text[4096], *line, *save;
	int commands = 0;
	size_t bytes;

	ASSERT_LT(0, mmscope_read_file("/etc/mmscope/greeting", text,
				       sizeof(text)));
	for (line = strtok_r(text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		if (strncmp(line, "  mmscope ", 10))
			continue;
		commands++;
		EXPECT_EQ(0, shell(line + 2, &bytes, NULL, NULL))
			TH_LOG("'%s' failed", line + 2);
		EXPECT_LT(0, bytes) TH_LOG("'%s' printed nothing", line + 2);
	}
	EXPECT_EQ(3, commands);
}

TEST(dmesg_reads_the_kernel_log)
{
	char mark[64], line[80];
	size_t bytes;
	bool seen;

	snprintf(mark, sizeof(mark), "core_greeting mark %d", getpid());
	/* a whole line: one without a newline may wait for the next */
	snprintf(line, sizeof(line), "%s\n", mark);
	ASSERT_EQ(0, mmscope_write_str("/dev/kmsg", line));
	EXPECT_EQ(0, shell("dmesg", &bytes, mark, &seen));
	EXPECT_TRUE(seen) TH_LOG("dmesg has no '%s' (%zu bytes)", mark, bytes);
}

TEST_HARNESS_MAIN
