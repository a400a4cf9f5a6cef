// SPDX-License-Identifier: GPL-2.0
/*
 * The mmscope CLI: what a user waits for, output included. Each item
 * runs `mmscope CMD --pid SELF ADDR LEN [OPT] > FILE` over cli_len bytes
 * of the 4K region (1 GiB, 262,144 pages, by default), the output
 * written to a file, and logs how many bytes it wrote. (The CLI's memory
 * is checked by selftests/pagewalk/pagewalk_jsonl: a child of this
 * process starts with the region's RSS, so its peak says nothing here.)
 *
 * cli_write_floor writes as many bytes as pagewalk_cli_json just did to
 * the same file, 256 KiB a write, from a buffer already made: what the
 * output's size costs before a byte of it is formatted. Under TCG that
 * is a large part of the CLI's time (docs/benchmarks.md).
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bench.h"

#define CLI_OUT "/tmp/mmscope-bench-cli.out"
#define FLOOR_CHUNK (256 << 10)

/* bytes pagewalk_cli_json wrote, once it ran */
static off_t json_bytes;

/* argv with stdout on CLI_OUT; 0 if it exits 0 */
static int run_to_file(char *const argv[], const char *name)
{
	static const char *logged;
	struct stat st;

	if (run_to(argv, CLI_OUT))
		return -1;
	/* once per item: its output size */
	if (logged != name && !stat(CLI_OUT, &st)) {
		fprintf(stderr, "mmscope-bench: %s: %lld bytes written\n",
			name, (long long)st.st_size);
		logged = name;
		if (!strcmp(name, "pagewalk_cli_json"))
			json_bytes = st.st_size;
	}
	unlink(CLI_OUT);
	return 0;
}

static int bench_cli(const struct region *r, const char *cmd, const char *opt,
		     bool json, const char *name)
{
	char pid[16], addr[32], len[32];
	char *argv[] = { MMSCOPE, (char *)cmd, "--pid", pid, addr, len,
			 (char *)opt, NULL };
	char *jargv[] = { MMSCOPE, (char *)cmd, "--pid", pid, addr, len,
			  "--json", NULL };

	snprintf(pid, sizeof(pid), "%d", getpid());
	snprintf(addr, sizeof(addr), "%#lx", (unsigned long)(uintptr_t)r->map);
	snprintf(len, sizeof(len), "%zu", cli_len < r->len ? cli_len : r->len);
	return run_to_file(json ? jargv : argv, name);
}

static int bench_pagewalk_json(const struct region *r, unsigned long long *calls)
{
	*calls = 0;
	return bench_cli(r, "pagewalk", NULL, true, "pagewalk_cli_json");
}

static int bench_pagewalk_jsonl(const struct region *r, unsigned long long *calls)
{
	*calls = 0;
	return bench_cli(r, "pagewalk", "--jsonl", false, "pagewalk_cli_jsonl");
}

static int bench_pagewalk_text(const struct region *r, unsigned long long *calls)
{
	*calls = 0;
	return bench_cli(r, "pagewalk", NULL, false, "pagewalk_cli_text");
}

static int bench_pageref_text(const struct region *r, unsigned long long *calls)
{
	*calls = 0;
	return bench_cli(r, "pageref", NULL, false, "pageref_cli_text");
}

static int bench_pageref_jsonl(const struct region *r, unsigned long long *calls)
{
	*calls = 0;
	return bench_cli(r, "pageref", "--jsonl", false, "pageref_cli_jsonl");
}

static int bench_write_floor(const struct region *r, unsigned long long *calls)
{
	static char chunk[FLOOR_CHUNK];
	off_t left = json_bytes;
	ssize_t n;
	int fd;

	(void)r;
	if (!chunk[0])
		memset(chunk, 'x', sizeof(chunk));
	fd = open(CLI_OUT, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return -1;
	for (*calls = 0; left > 0; left -= n, ++*calls) {
		n = write(fd, chunk, left < FLOOR_CHUNK ? left : FLOOR_CHUNK);
		if (n <= 0)
			break;
	}
	close(fd);
	unlink(CLI_OUT);
	return left > 0 ? -1 : 0;
}

static size_t cli_pages(const struct region *r)
{
	return (cli_len < r->len ? cli_len : r->len) / page_size;
}

/* --no-cli leaves cli_len 0 */
static int cli_check(const struct region *r)
{
	(void)r;
	return !cli_len;
}

/* the floor needs the size of the JSON item's output */
static int floor_check(const struct region *r)
{
	if (cli_check(r))
		return 1;
	if (!json_bytes)
		fprintf(stderr, "mmscope-bench: cli_write_floor left out: it writes what pagewalk_cli_json wrote, which did not run\n");
	return !json_bytes;
}

const struct bench_item bench_cli_items[] = {
	{ .name = "pagewalk_cli_json",
	  .regions = BENCH_4K,
	  .run = bench_pagewalk_json, .check = cli_check, .pages = cli_pages },
	{ .name = "cli_write_floor",
	  .regions = BENCH_4K,
	  .run = bench_write_floor, .check = floor_check, .pages = cli_pages },
	{ .name = "pagewalk_cli_text",
	  .regions = BENCH_4K,
	  .run = bench_pagewalk_text, .check = cli_check, .pages = cli_pages },
	{ .name = "pageref_cli_text",
	  .regions = BENCH_4K,
	  .run = bench_pageref_text, .check = cli_check, .pages = cli_pages },
	{ .name = "pageref_cli_jsonl",
	  .regions = BENCH_4K,
	  .run = bench_pageref_jsonl, .check = cli_check, .pages = cli_pages },
	{ .name = "pagewalk_cli_jsonl",
	  .regions = BENCH_4K,
	  .run = bench_pagewalk_jsonl, .check = cli_check, .pages = cli_pages },
	{ }
};
