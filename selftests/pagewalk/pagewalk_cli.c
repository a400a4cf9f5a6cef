// SPDX-License-Identifier: GPL-2.0
/*
 * `mmscope pagewalk` as a user runs it: a bad range is bad usage (exit 2)
 * with a message that says what was wrong, before any table header; and
 * a whole address space (--all, or 0 to the top of the user half) walks
 * in one contiguous run of lines from 0 to the end of user space, a hole
 * a line, with this process's own page where pagemap has it.
 */
#include <stdio.h>
#include <sys/utsname.h>

#include "kselftest_harness.h"
#include "pagewalk_util.h"

MMSCOPE_REQUIRE(PW_CTL)

static char out[1 << 20];

FIXTURE(cli) {
	char pid[16];
	bool arm64;
	uint64_t user_end, top;
	char *page;
};

FIXTURE_SETUP(cli)
{
	struct mmscope_pagewalk_context c;
	struct utsname u;
	int fd = pw_open();

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, pw_context(fd, getpid(), &c));
	close(fd);
	ASSERT_EQ(0, uname(&u));
	self->arm64 = !strcmp(u.machine, "aarch64");
	/* x86_64: the lower half less a guard page; arm64: all of TTBR0 */
	self->top = self->arm64 ? 1ULL << c.va_bits : 1ULL << (c.va_bits - 1);
	self->user_end = self->arm64 ? self->top : self->top - PW_PAGE;
	snprintf(self->pid, sizeof(self->pid), "%d", getpid());
	self->page = mmap(NULL, PW_PAGE, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, self->page);
	self->page[0] = 1;
}

FIXTURE_TEARDOWN(cli)
{
	munmap(self->page, PW_PAGE);
}

static void expect_usage(struct __test_metadata *_metadata,
			 const char *const *args, const char *msg)
{
	EXPECT_EQ(2, mmscope_run_cli_all(args, out, sizeof(out)))
		TH_LOG("%s", out);
	/* the message comes first: no header was printed before it */
	EXPECT_EQ(0, strncmp(out, "mmscope: ", 9)) TH_LOG("%s", out);
	EXPECT_NE(NULL, strstr(out, msg)) TH_LOG("want '%s' in: %s", msg, out);
}

TEST_F(cli, bad_ranges_are_usage_errors_before_the_header)
{
	char addr[32];
	const char *kernel_low[] = { "pagewalk", "--kernel", "0x1000", NULL };
	const char *kernel_pid[] = { "pagewalk", "--pid", self->pid,
				     "0xffffffffffff0000", NULL };
	const char *zero[] = { "pagewalk", "--pid", self->pid, addr, "0", NULL };
	const char *past[] = { "pagewalk", "--pid", self->pid, "0x7fff00000000",
			       "0x1000000000000000", NULL };

	snprintf(addr, sizeof(addr), "%p", self->page);
	expect_usage(_metadata, kernel_low, "not a kernel address");
	expect_usage(_metadata, kernel_pid, "not a user address");
	expect_usage(_metadata, zero, "LEN must not be 0");
	expect_usage(_metadata, past, "runs past the end of user space");
}

/*
 * The text lines of a walk: contiguous from 0 to end; the line of addr
 * gives its pfn (0 if none). Returns the number of lines, -1 if not
 * contiguous.
 */
static long walk_lines(const char *text, uint64_t end, uint64_t addr,
		       uint64_t *pfn)
{
	unsigned long long va, size, p;
	uint64_t next = 0;
	const char *line;
	char unit;
	long n = 0;

	*pfn = 0;
	for (line = text; line && *line; line = strchr(line, '\n'),
	     line = line ? line + 1 : NULL) {
		if (strncmp(line, "0x", 2))
			continue;
		if (sscanf(line, "%llx %llu%c", &va, &size, &unit) != 3 ||
		    va != next)
			return -1;
		size <<= unit == 'G' ? 30 : unit == 'M' ? 20 : 10;
		next = va + size;
		if (va <= addr && addr < next) {
			const char *f = strstr(line, " pfn 0x");

			if (f && f < strchrnul(line, '\n') &&
			    sscanf(f, " pfn 0x%llx", &p) == 1)
				*pfn = p;
		}
		n++;
	}
	return next == end ? n : -1;
}

TEST_F(cli, all_walks_the_whole_address_space_a_hole_a_line)
{
	char top[32];
	const char *all[] = { "pagewalk", "--pid", self->pid, "--all", NULL };
	const char *whole[] = { "pagewalk", "--pid", self->pid, "0", top, NULL };
	uint64_t want = 0, pfn, e;
	long n;

	if (!mmscope_pagemap_read(0, (unsigned long)self->page, 1, &e) &&
	    (e & PM_PRESENT))
		want = PM_PFN(e);
	snprintf(top, sizeof(top), "%#llx", (unsigned long long)self->top);
	ASSERT_NE(0, want);
	ASSERT_EQ(0, mmscope_run_cli(all, out, sizeof(out))) TH_LOG("%s", out);
	n = walk_lines(out, self->user_end, (unsigned long)self->page, &pfn);
	ASSERT_LT(0, n) TH_LOG("not one run from 0 to %#llx: %s",
			       (unsigned long long)self->user_end, out);
	EXPECT_EQ(want, pfn);
	/* holes are one line each: a few lines per mapping, not per page */
	EXPECT_GT(4096, n);

	ASSERT_EQ(0, mmscope_run_cli(whole, out, sizeof(out))) TH_LOG("%s", out);
	EXPECT_LT(0, walk_lines(out, self->user_end, (unsigned long)self->page,
				&pfn));
	EXPECT_EQ(want, pfn);
}

/* [start, end) of this program's own mappings, from /proc/self/maps */
static int own_span(const char *exe, unsigned long *start, unsigned long *end)
{
	char line[512];
	unsigned long s, e;
	FILE *f = fopen("/proc/self/maps", "r");

	*start = *end = 0;
	while (f && fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		if (sscanf(line, "%lx-%lx", &s, &e) != 2 ||
		    strcmp(strrchr(line, ' ') + 1, exe))
			continue;
		if (!*end)
			*start = s;
		*end = e;
	}
	if (f)
		fclose(f);
	return *end ? 0 : -1;
}

/* where the last line of a walk's text ends */
static unsigned long last_end(const char *text)
{
	const char *line = text, *p;
	unsigned long long va, size;
	char unit;

	while ((p = strstr(line, "\n0x")))
		line = p + 1;
	if (sscanf(line, "%llx %llu%c", &va, &size, &unit) != 3)
		return 0;
	return va + (size << (unit == 'G' ? 30 : unit == 'M' ? 20 : 10));
}

TEST_F(cli, vma_addresses_a_mapping_by_address_or_name)
{
	char addr[32], exe[256], first[32], last[64];
	const char *by_addr[] = { "pagewalk", "--pid", self->pid, "--vma", addr, NULL };
	const char *by_name[] = { "pagewalk", "--pid", self->pid, "--vma",
				  "pagewalk_cli", NULL };
	const char *pageref[] = { "-j", "pageref", "--pid", self->pid, "--vma",
				  addr, NULL };
	const char *none[] = { "pagewalk", "--pid", self->pid, "--vma",
			       "no-such-mapping", NULL };
	unsigned long s, e;
	ssize_t n;

	snprintf(addr, sizeof(addr), "%p", self->page);
	ASSERT_EQ(0, mmscope_run_cli(by_addr, out, sizeof(out))) TH_LOG("%s", out);
	snprintf(first, sizeof(first), "\n0x%016lx ", (unsigned long)self->page);
	EXPECT_NE(NULL, strstr(out, first)) TH_LOG("%s", out);
	/* the one page of the mapping: one line */
	EXPECT_EQ(NULL, strstr(strstr(out, first) + 1, "\n0x")) TH_LOG("%s", out);

	ASSERT_EQ(0, mmscope_run_cli(pageref, out, sizeof(out))) TH_LOG("%s", out);
	snprintf(last, sizeof(last), "\"va\":\"%p\"", self->page);
	EXPECT_NE(NULL, strstr(out, last)) TH_LOG("%s", out);

	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	ASSERT_LT(0, n);
	exe[n] = '\0';
	ASSERT_EQ(0, own_span(exe, &s, &e));
	ASSERT_EQ(0, mmscope_run_cli(by_name, out, sizeof(out))) TH_LOG("%s", out);
	snprintf(first, sizeof(first), "\n0x%016lx ", s);
	EXPECT_NE(NULL, strstr(out, first)) TH_LOG("from %#lx: %s", s, out);
	EXPECT_EQ(e, last_end(out)) TH_LOG("to %#lx: %s", e, out);

	EXPECT_EQ(1, mmscope_run_cli_all(none, out, sizeof(out)));
	EXPECT_NE(NULL, strstr(out, "no mapping named no-such-mapping")) TH_LOG("%s", out);
}

TEST_HARNESS_MAIN
