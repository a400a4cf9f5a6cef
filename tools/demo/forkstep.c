// SPDX-License-Identifier: GPL-2.0
/*
 * mmscope-forkstep: one private anonymous page through fork and
 * copy-on-write, one step per cue, for a reader to look at between steps.
 *
 *   mmscope-forkstep
 *
 * Each line read on stdin is a cue for the next step; after each step one
 * line on stdout says what was done, as shell assignments:
 *
 *   step=start parent=PID child=0 addr=0xADDR     the page is written
 *   step=fork parent=PID child=PID addr=0xADDR    fork(): both map it
 *   step=child-write ...                          the child writes it
 *   step=parent-write ...                         the parent writes it
 *   step=end ...                                  the child has exited
 *
 * Before each line the per-CPU LRU batches are drained, so the page's
 * counts are the ones its state explains. End of input ends the program
 * early (the child is reaped first).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile char *page;
static pid_t child;
static int to_child[2], from_child[2];

/*
 * move_pages(2) disables the per-CPU LRU batches while it runs, which
 * drains every CPU's (lru_cache_disable()); asked to move a page to the
 * node it is already on, it moves nothing.
 */
static void drain(void)
{
	void *pages[1] = { (void *)page };
	int node = -1, status;

	if (syscall(SYS_move_pages, 0, 1UL, pages, NULL, &node, 0) || node < 0)
		return;
	syscall(SYS_move_pages, 0, 1UL, pages, &node, &status, 0);
}

static void report(const char *step)
{
	drain();
	printf("step=%s parent=%d child=%d addr=%#lx\n", step, (int)getpid(),
	       (int)child, (unsigned long)page);
	fflush(stdout);
}

/* wait for the next cue; false at end of input */
static int cue(void)
{
	char line[64];

	return fgets(line, sizeof(line), stdin) != NULL;
}

/* The child writes the page on 'w', and leaves on 'q' or end of input. */
static void child_loop(void)
{
	char c;

	close(to_child[1]);
	close(from_child[0]);
	while (read(to_child[0], &c, 1) == 1 && c != 'q') {
		if (c == 'w')
			page[0] = 'c';
		if (write(from_child[1], &c, 1) != 1)
			break;
	}
	_exit(0);
}

static int tell_child(char c)
{
	if (write(to_child[1], &c, 1) != 1)
		return -1;
	return read(from_child[0], &c, 1) == 1 ? 0 : -1;
}

static int end_child(void)
{
	if (child <= 0)
		return 0;
	close(to_child[1]);
	close(from_child[0]);
	return waitpid(child, NULL, 0) == child ? 0 : -1;
}

static int fail(const char *what)
{
	fprintf(stderr, "mmscope-forkstep: %s: %s\n", what, strerror(errno));
	end_child();
	return 1;
}

int main(int argc, char **argv)
{
	long psize = sysconf(_SC_PAGESIZE);
	void *p;

	(void)argv;
	if (argc > 1) {
		fprintf(stderr, "usage: mmscope-forkstep (cues on stdin, one step per line)\n");
		return 2;
	}
	p = mmap(NULL, psize, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return fail("mmap");
	page = p;
	page[0] = 'p';
	report("start");

	if (!cue())
		return end_child();
	if (pipe(to_child) || pipe(from_child))
		return fail("pipe");
	child = fork();
	if (child < 0)
		return fail("fork");
	if (!child)
		child_loop();
	close(to_child[0]);
	close(from_child[1]);
	if (tell_child('r'))
		return fail("child");
	report("fork");

	if (!cue())
		return end_child();
	if (tell_child('w'))
		return fail("child write");
	report("child-write");

	if (!cue())
		return end_child();
	page[0] = 'P';
	report("parent-write");

	if (!cue())
		return end_child();
	if (end_child())
		return fail("waitpid");
	report("end");
	return 0;
}
