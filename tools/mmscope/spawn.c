// SPDX-License-Identifier: GPL-2.0
/*
 * A command to watch from its first instruction: forked under ptrace, it
 * stops right after its exec, when its new address space exists and has
 * run nothing yet (for 'mmscope notifier attach -- COMMAND', which must
 * attach to that address space, not to the one exec throws away).
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common.h"

pid_t spawn_stopped(char **cmd)
{
	int status;
	pid_t pid;

	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		p_err("fork: %s", errno_str(errno));
		return -1;
	}
	if (!pid) {
		if (ptrace(PTRACE_TRACEME, 0, NULL, NULL))
			_exit(127);
		execvp(cmd[0], cmd);
		fprintf(stderr, "mmscope: %s: %s\n", cmd[0], strerror(errno));
		_exit(127);
	}
	/* the exec stops it with SIGTRAP; a failed exec exits instead */
	if (waitpid(pid, &status, 0) != pid || !WIFSTOPPED(status)) {
		p_err("%s: did not start", cmd[0]);
		return -1;
	}
	return pid;
}

void spawn_resume(pid_t pid)
{
	ptrace(PTRACE_DETACH, pid, NULL, NULL);
}

int spawn_end(pid_t pid, bool kill_it)
{
	int status = 0;

	if (kill_it)
		kill(pid, SIGKILL);
	spawn_resume(pid);
	if (waitpid(pid, &status, 0) != pid)
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}
