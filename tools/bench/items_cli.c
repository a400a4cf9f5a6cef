// SPDX-License-Identifier: GPL-2.0
/* The mmscope CLI: what a user waits for, output included. */
#include <stdio.h>
#include <unistd.h>

#include "bench.h"

/* `mmscope pagewalk --pid SELF ADDR LEN --json > /dev/null`, LEN cli_len */
static int bench_cli_json(const struct region *r, unsigned long long *calls)
{
	char pid[16], addr[32], len[32];
	char *argv[] = { MMSCOPE, "pagewalk", "--pid", pid, addr, len,
			 "--json", NULL };

	snprintf(pid, sizeof(pid), "%d", getpid());
	snprintf(addr, sizeof(addr), "%#lx", (unsigned long)(uintptr_t)r->map);
	snprintf(len, sizeof(len), "%zu", cli_len < r->len ? cli_len : r->len);
	*calls = 0;
	return run(argv);
}

/* `mmscope CMD --pid SELF ADDR LEN [OPT] > /dev/null`, LEN cli_len */
static int bench_cli(const struct region *r, const char *cmd, const char *opt)
{
	char pid[16], addr[32], len[32];
	char *argv[] = { MMSCOPE, (char *)cmd, "--pid", pid, addr, len,
			 (char *)opt, NULL };

	snprintf(pid, sizeof(pid), "%d", getpid());
	snprintf(addr, sizeof(addr), "%#lx", (unsigned long)(uintptr_t)r->map);
	snprintf(len, sizeof(len), "%zu", cli_len < r->len ? cli_len : r->len);
	return run(argv);
}

static int bench_pagewalk_text(const struct region *r, unsigned long long *calls)
{
	*calls = 0;
	return bench_cli(r, "pagewalk", NULL);
}

static int bench_pageref_text(const struct region *r, unsigned long long *calls)
{
	*calls = 0;
	return bench_cli(r, "pageref", NULL);
}

static int bench_pageref_jsonl(const struct region *r, unsigned long long *calls)
{
	*calls = 0;
	return bench_cli(r, "pageref", "--jsonl");
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
	  .run = bench_cli_json, .check = cli_check, .pages = cli_pages },
	{ .name = "pagewalk_cli_text",
	  .regions = BENCH_4K,
	  .run = bench_pagewalk_text, .check = cli_check, .pages = cli_pages },
	{ .name = "pageref_cli_text",
	  .regions = BENCH_4K,
	  .run = bench_pageref_text, .check = cli_check, .pages = cli_pages },
	{ .name = "pageref_cli_jsonl",
	  .regions = BENCH_4K,
	  .run = bench_pageref_jsonl, .check = cli_check, .pages = cli_pages },
	{ }
};
