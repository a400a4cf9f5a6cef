// SPDX-License-Identifier: GPL-2.0
/*
 * `mmscope trace` when it cannot run: as a user that is not root the
 * error says tracing needs root; `trace list` says so too, and is one
 * JSON object whose attach methods agree with what the probe found.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "mmscope_test.h"

static char out[1 << 16];

/* `mmscope ARGS...` as uid/gid MMSCOPE_NOBODY; stdout+stderr into out */
static int run_as_nobody(const char *const *args)
{
	const char *argv[16] = { "mmscope" };
	int p[2], status, i;
	size_t len = 0;
	ssize_t n;
	pid_t pid;

	for (i = 0; args[i] && i < 14; i++)
		argv[i + 1] = args[i];
	if (pipe2(p, O_CLOEXEC))
		return -errno;
	pid = fork();
	if (pid < 0)
		return -errno;
	if (!pid) {
		dup2(p[1], 1);
		dup2(p[1], 2);
		if (setgid(MMSCOPE_NOBODY) || setuid(MMSCOPE_NOBODY))
			_exit(126);
		execvp("mmscope", (char *const *)argv);
		_exit(127);
	}
	close(p[1]);
	while (len + 1 < sizeof(out) &&
	       (n = read(p[0], out + len, sizeof(out) - 1 - len)) > 0)
		len += n;
	out[len] = '\0';
	close(p[0]);
	if (waitpid(pid, &status, 0) < 0)
		return -errno;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -EINTR;
}

TEST(not_root_is_named_as_the_cause)
{
	const char *faults[] = { "trace", "faults", "--duration", "1", NULL };
	const char *core[] = { "trace", "core", "--duration", "1", NULL };
	const char *list[] = { "trace", "list", NULL };

	ASSERT_EQ(1, run_as_nobody(faults)) TH_LOG("%s", out);
	EXPECT_NE(NULL, strstr(out, "tracing needs root")) TH_LOG("%s", out);
	ASSERT_EQ(1, run_as_nobody(core)) TH_LOG("%s", out);
	EXPECT_NE(NULL, strstr(out, "tracing needs root")) TH_LOG("%s", out);
	ASSERT_EQ(0, run_as_nobody(list)) TH_LOG("%s", out);
	EXPECT_NE(NULL, strstr(out, "fentry on this kernel: no (not root"))
		TH_LOG("%s", out);
}

TEST(list_is_one_object_with_the_method_used_here)
{
	const char *list[] = { "-j", "trace", "list", NULL };
	const char *core[] = { "-j", "trace", "core", "--duration", "0.5", NULL };
	bool fentry;

	ASSERT_EQ(0, mmscope_run_cli(list, out, sizeof(out)));
	ASSERT_EQ('{', out[0]) TH_LOG("%s", out);
	fentry = strstr(out, "\"fentry\":true") != NULL;
	EXPECT_NE(fentry, strstr(out, "\"fentry\":false") != NULL) TH_LOG("%s", out);
	/* by class: fentry/fexit, or kprobes (--count: perf events) */
	EXPECT_NE(NULL, strstr(out, fentry ?
			       "{\"name\":\"faults\",\"attach\":\"fentry\"" :
			       "{\"name\":\"faults\",\"attach\":\"kprobe\""))
		TH_LOG("%s", out);
	EXPECT_NE(NULL, strstr(out, "{\"name\":\"pagetables\",\"attach\":\"kprobe\""));
	EXPECT_NE(NULL, strstr(out, fentry ?
			       "{\"name\":\"core\",\"attach\":\"fentry\"" :
			       "{\"name\":\"core\",\"attach\":\"kprobe\""))
		TH_LOG("%s", out);
	/* what a run of the core's tracer then says it attached with */
	ASSERT_EQ(0, mmscope_run_cli(core, out, sizeof(out))) TH_LOG("%s", out);
	EXPECT_NE(NULL, strstr(out, fentry ? "\"attach\":\"fexit\"" :
					     "\"attach\":\"kprobe\""))
		TH_LOG("list said fentry %d; the run: %s", fentry, out);
}

TEST_HARNESS_MAIN
