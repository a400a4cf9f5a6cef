// SPDX-License-Identifier: GPL-2.0
/* Running the mmscope CLI from a selftest and reading what it printed. */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "mmscope_test.h"

static int run_cli(const char *const *args, char *out, size_t size,
		   bool with_stderr)
{
	const char *argv[24] = { "mmscope" };
	size_t len = 0;
	int pipefd[2], status, i;
	ssize_t n;
	pid_t pid;

	for (i = 0; args[i] && i < 22; i++)
		argv[i + 1] = args[i];
	if (pipe2(pipefd, O_CLOEXEC))
		return -errno;
	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return -errno;
	if (!pid) {
		dup2(pipefd[1], 1);
		if (with_stderr)
			dup2(pipefd[1], 2);
		execvp("mmscope", (char *const *)argv);
		_exit(127);
	}
	close(pipefd[1]);
	while (len + 1 < size &&
	       (n = read(pipefd[0], out + len, size - 1 - len)) > 0)
		len += n;
	out[len] = '\0';
	close(pipefd[0]);
	if (waitpid(pid, &status, 0) < 0)
		return -errno;
	if (!WIFEXITED(status)) {
		snprintf(mmscope_error, sizeof(mmscope_error),
			 "mmscope %s: killed by signal %d", args[0],
			 WTERMSIG(status));
		return -EINTR;
	}
	return WEXITSTATUS(status);
}

int mmscope_run_cli(const char *const *args, char *out, size_t size)
{
	return run_cli(args, out, size, false);
}

int mmscope_run_cli_all(const char *const *args, char *out, size_t size)
{
	return run_cli(args, out, size, true);
}
