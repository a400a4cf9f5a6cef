// SPDX-License-Identifier: GPL-2.0
/*
 * Every selftest's stdout is a pipe in the guest, so stdio would buffer it
 * fully; a test that forks then inherits whatever was not written yet, and
 * a child that leaves through exit() writes it a second time, duplicating
 * KTAP lines. Line buffering leaves nothing behind at a fork.
 */
#include <stdio.h>

__attribute__((constructor)) static void mmscope_stdout_line_buffered(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
}
