// SPDX-License-Identifier: GPL-2.0
/*
 * The mmscope CLI: what a user waits for, output included. Each item
 * runs `mmscope CMD --pid SELF ADDR LEN [OPT] > FILE` over cli_len bytes
 * of the 4K region (1 GiB, 262,144 pages, by default), the output
 * written to a file, and logs how many bytes it wrote. (The CLI's memory
 * is checked by selftests/pagewalk/pagewalk_jsonl: a child of this
 * process starts with the region's RSS, so its peak says nothing here.)
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bench.h"

#define CLI_OUT "/tmp/mmscope-bench-cli.out"

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

const struct bench_item bench_cli_items[] = {
	{ .name = "pagewalk_cli_json",
	  .regions = BENCH_4K,
	  .run = bench_pagewalk_json, .check = cli_check, .pages = cli_pages },
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
