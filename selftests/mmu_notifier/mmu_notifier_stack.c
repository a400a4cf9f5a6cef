// SPDX-License-Identifier: GPL-2.0
/*
 * Kernel stacks in records (MMSCOPE_MMU_NOTIFIER_STACK), named from
 * /proc/kallsyms: off by default; on, an munmap's invalidate_range_start
 * carries frames from the notifier chain of the kernel (the module's own
 * left out) down to the unmap path.
 */
#include <stdio.h>

#include "kselftest_harness.h"
#include "mn_util.h"

MMSCOPE_REQUIRE(MN_CTL)

static struct mmscope_mmu_notifier_record recs[MN_MAX];

/*
 * The text symbol at or below each of the n addresses (one pass over
 * /proc/kallsyms); 0 or -errno. names[i] is "" when none covers it.
 */
static int ksym_names(const uint64_t *addr, unsigned int n,
		      char names[][128])
{
	unsigned long long a, best[MMSCOPE_MMU_NOTIFIER_STACK_DEPTH] = { 0 };
	char line[512], name[128], type;
	unsigned int i;
	FILE *f;

	if (n > MMSCOPE_MMU_NOTIFIER_STACK_DEPTH)
		return -EINVAL;
	for (i = 0; i < n; i++)
		names[i][0] = '\0';
	f = fopen("/proc/kallsyms", "re");
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%llx %c %127s", &a, &type, name) != 3 ||
		    (type != 't' && type != 'T'))
			continue;
		for (i = 0; i < n; i++)
			if (a <= addr[i] && a > best[i]) {
				best[i] = a;
				snprintf(names[i], sizeof(names[i]), "%s", name);
			}
	}
	fclose(f);
	return 0;
}

TEST(off_by_default)
{
	int fd = mn_open(), n, i;
	char *p = mn_pages(2);

	ASSERT_LE(0, fd);
	ASSERT_NE(NULL, p);
	ASSERT_EQ(0, mn_attach_self(fd));
	ASSERT_EQ(0, munmap(p, 2 * getpagesize()));
	n = mn_read(fd, recs, MN_MAX, 0, NULL);
	ASSERT_LT(0, n);
	for (i = 0; i < n; i++) {
		EXPECT_EQ(0, recs[i].nr_stack);
		EXPECT_FALSE(recs[i].flags & MMSCOPE_MMU_NOTIFIER_REC_STACK);
	}
	close(fd);
}

TEST(munmap_stack)
{
	char names[MMSCOPE_MMU_NOTIFIER_STACK_DEPTH][128];
	long ps = getpagesize();
	char *p = mn_pages(2);
	int fd = mn_open(), n, i;
	unsigned int k, unmap = 0;
	uint64_t s, e;

	ASSERT_LE(0, fd);
	ASSERT_NE(NULL, p);
	s = (uintptr_t)p;
	e = s + 2 * ps;
	ASSERT_EQ(0, mn_attach(fd, getpid(), 0, 0,
			       MMSCOPE_MMU_NOTIFIER_STACK, NULL));
	ASSERT_EQ(0, munmap(p, 2 * ps));
	n = mn_read(fd, recs, MN_MAX, 0, NULL);
	ASSERT_LT(0, n);
	i = mn_find(recs, n, 0, OP(INVALIDATE_RANGE_START), EV(UNMAP), s, e);
	ASSERT_LE(0, i);
	ASSERT_TRUE(recs[i].flags & MMSCOPE_MMU_NOTIFIER_REC_STACK);
	ASSERT_LT(0, recs[i].nr_stack);
	ASSERT_GE(MMSCOPE_MMU_NOTIFIER_STACK_DEPTH, recs[i].nr_stack);
	ASSERT_EQ(0, ksym_names((const uint64_t *)recs[i].stack,
				 recs[i].nr_stack, names));
	if (!names[0][0])
		SKIP(return, "/proc/kallsyms hides addresses here");
	for (k = 0; k < recs[i].nr_stack; k++) {
		TH_LOG("frame %u: %s", k, names[k]);
		EXPECT_EQ(NULL, strstr(names[k], "mmscope"));
		unmap += !!strstr(names[k], "unmap");
	}
	/* the kernel's caller of the callback: its notifier chain */
	EXPECT_NE(NULL, strstr(names[0], "notifier")) TH_LOG("%s", names[0]);
	EXPECT_LT(0, unmap);
	close(fd);
}

TEST(bad_flags)
{
	int fd = mn_open();

	ASSERT_LE(0, fd);
	/* the first bit past the last flag, and the top one */
	EXPECT_EQ(EINVAL, mn_attach(fd, getpid(), 0, 0,
				    MMSCOPE_MMU_NOTIFIER_COUNT << 1, NULL));
	EXPECT_EQ(EINVAL, mn_attach(fd, getpid(), 0, 0, 1U << 31, NULL));
	close(fd);
}

TEST_HARNESS_MAIN
