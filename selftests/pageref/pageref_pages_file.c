// SPDX-License-Identifier: GPL-2.0
/*
 * The debugfs pages file, for cat: its columns are the CLI's, in the
 * CLI's order (pfn head or ref map ent tot pin extra), with "-" for a pin
 * count the kernel does not keep; checked against pagemap, kpagecount
 * and the CLI's own table of the same pages.
 */
#include <stdlib.h>

#include "kselftest_harness.h"
#include "pageref_util.h"

MMSCOPE_REQUIRE(PAGEREF_CTL)

#define PAGES	PAGEREF_DIR "/pages"
#define TARGET	PAGEREF_DIR "/target"

TEST(pages_file_has_the_clis_columns)
{
	char buf[8192], cli[8192], spec[64], saddr[32], spid[16], pin[16], *line;
	const char *args[] = { "pageref", "--pid", spid, saddr, NULL };
	unsigned long long va, pfn, head, cpfn;
	long long ref, extra, cref;
	int map, ent, tot, cmap, fd;
	unsigned int order;
	char *p = anon_pages(1);

	ASSERT_NE(NULL, p);
	ASSERT_EQ(0, pageref_drain());
	snprintf(spid, sizeof(spid), "%d", getpid());
	snprintf(saddr, sizeof(saddr), "%#lx", (unsigned long)p);
	snprintf(spec, sizeof(spec), "%d %#lx\n", getpid(), (unsigned long)p);
	fd = open(TARGET, O_WRONLY);
	ASSERT_LE(0, fd);
	ASSERT_EQ((ssize_t)strlen(spec), write(fd, spec, strlen(spec)));
	close(fd);
	ASSERT_LT(0, mmscope_read_file(PAGES, buf, sizeof(buf)));
	ASSERT_EQ(0, strncmp(buf, "va                     pfn      head or    ref  map  ent  tot  pin extra",
			     71)) TH_LOG("%s", buf);
	line = strchr(buf, '\n');
	ASSERT_NE(NULL, line);
	ASSERT_EQ(10, sscanf(line + 1, "%llx %llx %llx %u %lld %d %d %d %15s %lld",
			     &va, &pfn, &head, &order, &ref, &map, &ent, &tot,
			     pin, &extra)) TH_LOG("%s", buf);
	EXPECT_EQ((unsigned long)p, va);
	EXPECT_EQ(pagemap_pfn(0, (unsigned long)p), pfn);
	EXPECT_EQ(kpagecount_of(pfn), (uint64_t)map);
	EXPECT_EQ(0, order);
	/* an order-0 page keeps no pin count: the CLI's "-", not -1 */
	EXPECT_STREQ("-", pin);

	/* the CLI prints the same numbers in the same columns */
	ASSERT_EQ(0, mmscope_run_cli(args, cli, sizeof(cli)));
	line = strchr(cli, '\n');
	ASSERT_NE(NULL, line);
	ASSERT_EQ(3, sscanf(line + 1, "%*x %llx %*x %*u %lld %d", &cpfn, &cref,
			    &cmap)) TH_LOG("%s", cli);
	EXPECT_EQ(pfn, cpfn);
	EXPECT_EQ(map, cmap);
	munmap(p, getpagesize());
}

TEST_HARNESS_MAIN
