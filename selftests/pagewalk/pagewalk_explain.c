// SPDX-License-Identifier: GPL-2.0
/*
 * `mmscope pagewalk --explain` of a page this test wrote: the diagram's
 * 64 digits are the raw entry the ioctl returns, bit for bit; the field
 * rows cover bits 63 to 0 once each, every row's value is those bits of
 * the raw entry, the frame-number row is the PFN pagemap gives, and the
 * present and user bits of the arch's format are set.
 */
#include <stdio.h>
#include <stdlib.h>

#include "kselftest_harness.h"
#include "pagewalk_util.h"

MMSCOPE_REQUIRE(PW_CTL)

static char out[1 << 16];

TEST(explain_rows_are_the_raw_entry)
{
	char pid[16], addr[32], *line, *save, bits[65] = "";
	const char *args[] = { "pagewalk", "--pid", pid, addr, "--explain", NULL };
	struct mmscope_pagewalk_record r;
	uint64_t covered = 0, pm, want_pfn;
	bool arm64 = pw_is_arm64(), pfn_row = false, present = false,
	     user = false;
	uint32_t count = 1;
	int fd, b, rows = 0;
	char *p;

	p = mmap(NULL, PW_PAGE, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, p);
	p[0] = 1;
	ASSERT_EQ(0, mmscope_pagemap_read(0, (unsigned long)p, 1, &pm));
	ASSERT_TRUE(pm >> 63) TH_LOG("pagemap: not present");
	want_pfn = pm & ((1ULL << 55) - 1);
	snprintf(pid, sizeof(pid), "%d", getpid());
	snprintf(addr, sizeof(addr), "%p", p);
	ASSERT_EQ(0, mmscope_run_cli(args, out, sizeof(out)));
	/*
	 * The entry as the CLI saw it: after the fork that ran it, which
	 * write-protected the page for copy-on-write (R/W 0 on x86_64,
	 * AP[2] 1 on arm64) until this process writes it again.
	 */
	fd = pw_open();
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, pw_walk_once(fd, getpid(), 0, (unsigned long)p, PW_PAGE,
				  &r, &count, NULL, NULL));
	close(fd);
	ASSERT_EQ(1, count);
	ASSERT_EQ(MMSCOPE_PAGEWALK_PRESENT, r.state);

	for (line = strtok_r(out, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		unsigned int hi, lo, w;
		char name[16], val[32], *e;
		uint64_t v, want;
		size_t n = 0;
		const char *c;

		if (!strncmp(line, "       ", 7) && !bits[0]) {
			for (c = line; *c && n < 64; c++)
				if (*c == '0' || *c == '1')
					bits[n++] = *c;
			bits[n] = '\0';
			continue;
		}
		if (sscanf(line, " %u-%u %15s %31s", &hi, &lo, name, val) != 4) {
			if (sscanf(line, " %u %15s %31s", &hi, name, val) != 3)
				continue;
			lo = hi;
		}
		if (hi > 63 || lo > hi)
			continue;
		rows++;
		w = hi - lo + 1;
		v = strtoull(val, &e, 0);
		want = (r.raw >> lo) & (w == 64 ? ~0ULL : (1ULL << w) - 1);
		EXPECT_EQ(want, v) TH_LOG("%s (bits %u-%u): %s", name, hi, lo, line);
		/* each bit in one row */
		EXPECT_EQ(0, covered & (((w == 64 ? ~0ULL : (1ULL << w) - 1)) << lo));
		covered |= (w == 64 ? ~0ULL : (1ULL << w) - 1) << lo;
		if (!strcmp(name, arm64 ? "OA" : "PFN")) {
			EXPECT_EQ(want_pfn, v);
			pfn_row = true;
		}
		if (!strcmp(name, arm64 ? "Valid" : "P"))
			present = v == 1;
		if (!strcmp(name, arm64 ? "AP[1]" : "U/S"))
			user = v == 1;
	}
	EXPECT_EQ(64, strlen(bits)) TH_LOG("no 64-digit diagram line");
	for (b = 0; b < 64 && strlen(bits) == 64; b++) {
		EXPECT_EQ((r.raw >> (63 - b)) & 1, (uint64_t)(bits[b] - '0'))
			TH_LOG("bit %d", 63 - b);
	}
	EXPECT_EQ(~0ULL, covered) TH_LOG("%d rows", rows);
	EXPECT_TRUE(pfn_row);
	EXPECT_TRUE(present);
	EXPECT_TRUE(user);
	munmap(p, PW_PAGE);
}

TEST_HARNESS_MAIN
