// SPDX-License-Identifier: GPL-2.0
/*
 * mmscope trace TRACER [...] -- COMMAND ARGS: the workload is forked
 * first, held on a pipe, and traced as --pid; it execs once the tracer is
 * attached and pinned, and the trace ends when it exits.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common.h"
#include "trace.h"

int trace_cmd_spawn(struct trace_run *r)
{
	int go[2];
	char c;

	if (pipe2(go, O_CLOEXEC)) {
		p_err("pipe: %s", errno_str(errno));
		return EXIT_FAILED;
	}
	fflush(NULL);
	r->child = fork();
	if (r->child < 0) {
		p_err("fork: %s", errno_str(errno));
		r->child = 0;
		close(go[0]);
		close(go[1]);
		return EXIT_FAILED;
	}
	if (!r->child) {
		close(go[1]);
		/* end of file: the tracer did not start; do not run */
		if (read(go[0], &c, 1) != 1)
			_exit(127);
		execvp(r->cmd[0], r->cmd);
		fprintf(stderr, "mmscope: %s: %s\n", r->cmd[0], strerror(errno));
		_exit(127);
	}
	close(go[0]);
	r->go = go[1];
	r->pid = r->child;
	return EXIT_OK;
}

void trace_cmd_go(struct trace_run *r)
{
	char c = 'g';

	if (!r->child || r->go < 0)
		return;
	if (write(r->go, &c, 1) != 1)
		p_warn("%s: could not start: %s", r->cmd[0], errno_str(errno));
	close(r->go);
	r->go = -1;
}

bool trace_cmd_exited(struct trace_run *r)
{
	if (!r->child)
		return false;
	if (waitpid(r->child, &r->child_status, WNOHANG) != r->child)
		return false;
	r->child = 0;
	return true;
}

void trace_cmd_end(struct trace_run *r)
{
	if (!r->child)
		return;
	if (r->go >= 0) {	/* never started: it exits on end of file */
		close(r->go);
		r->go = -1;
	}
	waitpid(r->child, &r->child_status, 0);
	r->child = 0;
}
