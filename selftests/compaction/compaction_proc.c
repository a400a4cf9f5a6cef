// SPDX-License-Identifier: GPL-2.0
/*
 * The zone snapshot against the kernel's own text files, read before and
 * after it and compared only when they did not change in between (the
 * guest is quiet, so a few tries suffice): free blocks per order
 * (/proc/buddyinfo), per migratetype (/proc/pagetypeinfo), pageblocks per
 * migratetype (its table), sizes, watermarks and protection
 * (/proc/zoneinfo), the extfrag index (debugfs extfrag/extfrag_index) and
 * the fragmentation score recomputed from /proc/buddyinfo.
 */
#include "kselftest_harness.h"
#include "compaction_util.h"

MMSCOPE_REQUIRE(CP_CTL)

FIXTURE(proc)
{
	int fd;
	struct cp_snap s;
	char before[CP_PROC_SIZE], after[CP_PROC_SIZE];
};

FIXTURE_SETUP(proc)
{
	self->fd = cp_open();
	ASSERT_LE(0, self->fd);
}

FIXTURE_TEARDOWN(proc)
{
	close(self->fd);
}

/* Read path, snapshot, read again until both reads agree: 0 or -1. */
static int stable(FIXTURE_DATA(proc) *self, const char *path)
{
	int i;

	for (i = 0; i < CP_TRIES; i++) {
		if (cp_read(path, self->before) || cp_zones(self->fd, &self->s) ||
		    cp_read(path, self->after))
			return -1;
		if (!strcmp(self->before, self->after))
			return 0;
		usleep(20000);
	}
	return -1;
}

/* "Node N, zone NAME" at p: node and name, and where the rest starts. */
static char *zone_head(char *p, unsigned int *node, char *name)
{
	int len = 0;

	if (sscanf(p, "Node %u, zone %15s%n", node, name, &len) < 2)
		return NULL;
	len = strlen(name);
	p = strstr(p, name) + len;
	if (name[len - 1] == ',')
		name[len - 1] = '\0';
	return p;
}

TEST_F(proc, buddyinfo)
{
	char name[16], *line, *save = NULL, *p;
	unsigned int node, o, rows = 0;

	ASSERT_EQ(0, stable(self, "/proc/buddyinfo"));
	for (line = strtok_r(self->before, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		struct mmscope_compaction_zone *z;

		p = zone_head(line, &node, name);
		ASSERT_NE(NULL, p);
		z = cp_find(&self->s, node, name);
		ASSERT_NE(NULL, z) TH_LOG("zone %s not in the snapshot", name);
		for (o = 0; o < z->nr_orders; o++) {
			unsigned long long v = strtoull(p, &p, 10);
			unsigned long long sum = 0;
			int mt;

			ASSERT_EQ(v, z->nr_free[o]) TH_LOG("%s order %u", name, o);
			for (mt = 0; mt < MMSCOPE_COMPACTION_NR_MT; mt++)
				sum += z->free[mt][o];
			ASSERT_EQ(v, sum) TH_LOG("%s order %u: lists", name, o);
		}
		rows++;
	}
	ASSERT_EQ(self->s.n, rows);
}

TEST_F(proc, pagetypeinfo)
{
	char name[16], type[32], *line, *save = NULL, *p;
	unsigned int node, o, free_rows = 0, block_rows = 0;
	int cols[MMSCOPE_COMPACTION_NR_MT + 1], ncols = 0;

	ASSERT_EQ(0, stable(self, "/proc/pagetypeinfo"));
	for (line = strtok_r(self->before, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		struct mmscope_compaction_zone *z;
		int mt, len;

		if (!strncmp(line, "Number of blocks type", 21)) {
			for (p = line + 21; sscanf(p, "%31s%n", type, &len) == 1;
			     p += len) {
				ASSERT_GT(MMSCOPE_COMPACTION_NR_MT + 1, ncols);
				cols[ncols++] = cp_mt_index(type);
			}
			continue;
		}
		p = zone_head(line, &node, name);
		if (!p)
			continue;
		z = cp_find(&self->s, node, name);
		ASSERT_NE(NULL, z) TH_LOG("zone %s", name);
		p += strspn(p, ", ");
		if (sscanf(p, "type %31s%n", type, &len) == 1) {
			mt = cp_mt_index(type);
			ASSERT_LE(0, mt) TH_LOG("type %s", type);
			p += len;
			for (o = 0; o < z->nr_orders; o++) {
				while (*p == ' ')
					p++;
				if (*p == '>')	/* the kernel stopped counting */
					break;
				ASSERT_EQ(strtoull(p, &p, 10), z->free[mt][o])
					TH_LOG("%s %s order %u", name, type, o);
			}
			free_rows++;
			continue;
		}
		/* a row of the blocks table: count this zone's blocks */
		{
			struct mmscope_compaction_block *b;
			struct mmscope_compaction_blocks req = { .size = sizeof(req) };
			unsigned long long count[MMSCOPE_COMPACTION_NR_MT] = { 0 };
			unsigned int i, nb;
			int c;

			nb = (z->spanned >> 9) + 2;
			b = calloc(nb, sizeof(*b));
			ASSERT_NE(NULL, b);
			req.start_pfn = z->start_pfn;
			req.end_pfn = z->start_pfn + z->spanned;
			req.records = (uintptr_t)b;
			req.count = nb;
			req.record_size = sizeof(*b);
			ASSERT_EQ(0, ioctl(self->fd, MMSCOPE_COMPACTION_IOC_PAGEBLOCKS, &req));
			ASSERT_EQ(req.end_pfn, req.next_pfn);
			for (i = 0; i < req.count; i++)
				if (!(b[i].flags & MMSCOPE_COMPACTION_BLOCK_HOLE) &&
				    b[i].node == z->node && b[i].zone_idx == z->zone_idx &&
				    b[i].migratetype < MMSCOPE_COMPACTION_NR_MT)
					count[b[i].migratetype]++;
			free(b);
			for (c = 0; c < ncols; c++) {
				unsigned long long v = strtoull(p, &p, 10);

				ASSERT_LE(0, cols[c]);
				EXPECT_EQ(v, count[cols[c]])
					TH_LOG("%s blocks of %s", name, cp_mt_names[cols[c]]);
			}
			block_rows++;
		}
	}
	ASSERT_LT(0, ncols);
	ASSERT_EQ(self->s.n, block_rows);
	ASSERT_LE(self->s.n * 4, free_rows);
}

/* The value after "key" in a zoneinfo section: "  key  N". */
static unsigned long long zi_value(const char *sec, const char *key)
{
	char pat[40];
	const char *p;

	snprintf(pat, sizeof(pat), "\n        %s ", key);
	p = strstr(sec, pat);
	if (!p) {
		snprintf(pat, sizeof(pat), "\n  %s ", key);
		p = strstr(sec, pat);
	}
	if (!p)
		return ~0ULL;
	p += strlen(pat);
	while (*p == ' ' || *p == ':')
		p++;
	return strtoull(p, NULL, 10);
}

TEST_F(proc, zoneinfo)
{
	unsigned int i, j, checked = 0;

	ASSERT_EQ(0, stable(self, "/proc/zoneinfo"));
	for (i = 0; i < self->s.n; i++) {
		struct mmscope_compaction_zone *z = &self->s.z[i];
		char head[64], *sec, *end, *p;

		snprintf(head, sizeof(head), "Node %u, zone %8s\n", z->node, z->name);
		sec = strstr(self->before, head);
		ASSERT_NE(NULL, sec) TH_LOG("%s", head);
		end = strstr(sec + 1, "\nNode ");
		if (end)
			*end = '\0';
		EXPECT_EQ(z->wmark_min, zi_value(sec, "min"));
		EXPECT_EQ(z->wmark_low, zi_value(sec, "low"));
		EXPECT_EQ(z->wmark_high, zi_value(sec, "high"));
		EXPECT_EQ(z->boost, zi_value(sec, "boost"));
		EXPECT_EQ(z->spanned, zi_value(sec, "spanned"));
		EXPECT_EQ(z->present, zi_value(sec, "present"));
		EXPECT_EQ(z->managed, zi_value(sec, "managed"));
		EXPECT_EQ(z->start_pfn, zi_value(sec, "start_pfn:"));
		p = strstr(sec, "protection: (");
		ASSERT_NE(NULL, p);
		p += strlen("protection: (");
		for (j = 0; j < z->nr_lowmem_reserve; j++) {
			EXPECT_EQ(z->lowmem_reserve[j], strtoll(p, &p, 10))
				TH_LOG("%s protection %u", z->name, j);
			p += strspn(p, ", ");
		}
		EXPECT_EQ(')', *p);
		if (end)
			*end = '\n';
		checked++;
	}
	ASSERT_LT(0, checked);
}

/* The score and index as the kernel defines them, from free blocks per order. */
static void expected_scores(const unsigned long long *nr, unsigned int n,
			    unsigned int corder, unsigned int *score, int *index)
{
	unsigned long long blocks = 0, pages = 0, suit;
	unsigned int o, k;

	for (o = 0; o < n; o++) {
		blocks += nr[o];
		pages += nr[o] << o;
	}
	for (o = 0; o < n; o++) {
		for (suit = 0, k = o; k < n; k++)
			suit += nr[k] << (k - o);
		if (!blocks)
			index[o] = 0;
		else if (suit)
			index[o] = MMSCOPE_COMPACTION_EXTFRAG_NA;
		else
			index[o] = 1000 - (int)((1000 + pages * 1000 / (1ULL << o)) / blocks);
		if (o == corder)
			*score = pages ? (pages - (suit << o)) * 100 / pages : 0;
	}
}

TEST_F(proc, fragmentation)
{
	char name[16], *line, *save = NULL, *p;
	unsigned int node, o, rows = 0;

	ASSERT_EQ(0, stable(self, "/proc/buddyinfo"));
	for (line = strtok_r(self->before, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		unsigned long long nr[MMSCOPE_COMPACTION_NR_ORDERS];
		int index[MMSCOPE_COMPACTION_NR_ORDERS];
		struct mmscope_compaction_zone *z;
		unsigned int score = 0;

		p = zone_head(line, &node, name);
		ASSERT_NE(NULL, p);
		z = cp_find(&self->s, node, name);
		ASSERT_NE(NULL, z);
		for (o = 0; o < z->nr_orders; o++)
			nr[o] = strtoull(p, &p, 10);
		expected_scores(nr, z->nr_orders, self->s.hdr.compaction_order,
				&score, index);
		EXPECT_EQ(score, z->frag_score) TH_LOG("%s", name);
		for (o = 0; o < z->nr_orders; o++)
			EXPECT_EQ(index[o], z->extfrag_index[o])
				TH_LOG("%s order %u", name, o);
		rows++;
	}
	ASSERT_EQ(self->s.n, rows);
}

TEST_F(proc, extfrag_index)
{
	char name[16], *line, *save = NULL, *p;
	unsigned int node, o, rows = 0;

	if (access("/sys/kernel/debug/extfrag/extfrag_index", R_OK))
		SKIP(return, "no debugfs extfrag_index");
	ASSERT_EQ(0, stable(self, "/sys/kernel/debug/extfrag/extfrag_index"));
	for (line = strtok_r(self->before, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		struct mmscope_compaction_zone *z;

		p = zone_head(line, &node, name);
		ASSERT_NE(NULL, p);
		z = cp_find(&self->s, node, name);
		ASSERT_NE(NULL, z);
		for (o = 0; o < z->nr_orders; o++) {
			int whole = 0, frac = 0, len = 0, neg;
			char tok[16];

			ASSERT_EQ(1, sscanf(p, " %15s%n", tok, &len));
			p += len;
			neg = tok[0] == '-';
			ASSERT_EQ(2, sscanf(tok + neg, "%d.%d", &whole, &frac));
			EXPECT_EQ((neg ? -1 : 1) * (whole * 1000 + frac),
				  z->extfrag_index[o])
				TH_LOG("%s order %u", name, o);
		}
		rows++;
	}
	ASSERT_EQ(self->s.n, rows);
}

/* Free pages of the zone's pageblocks, as the pageblocks ioctl counts them. */
static long long block_free(int fd, const struct mmscope_compaction_zone *z)
{
	struct mmscope_compaction_blocks req = { .size = sizeof(req) };
	struct mmscope_compaction_block *b;
	unsigned int nb = (z->spanned >> 9) + 2, i;
	long long sum = 0;

	b = malloc(nb * sizeof(*b));
	if (!b)
		return -1;
	/* touched now: no page fault takes a free page during the walk */
	memset(b, 0xff, nb * sizeof(*b));
	req.start_pfn = z->start_pfn;
	req.end_pfn = z->start_pfn + z->spanned;
	req.records = (uintptr_t)b;
	req.count = nb;
	req.record_size = sizeof(*b);
	if (ioctl(fd, MMSCOPE_COMPACTION_IOC_PAGEBLOCKS, &req) ||
	    req.next_pfn != req.end_pfn)
		sum = -1;
	for (i = 0; sum >= 0 && i < req.count; i++)
		sum += b[i].free;
	free(b);
	return sum;
}

/*
 * Free pages per zone: the pageblocks' counts against /proc/buddyinfo.
 * The pageblock walk reads pages without the zone lock and takes about a
 * second under TCG: an allocation freed again within it leaves
 * /proc/buddyinfo as it was but is seen by the walk. So a mismatch is
 * tried again; the counts must agree in one of the quiet windows.
 */
static int free_mismatch(FIXTURE_DATA(proc) *self, long long *pages,
			 long long *sums)
{
	unsigned int i, o;
	int bad = -1;

	if (cp_read("/proc/buddyinfo", self->before) ||
	    cp_zones(self->fd, &self->s))
		return -2;
	for (i = 0; i < self->s.n; i++) {
		sums[i] = block_free(self->fd, &self->s.z[i]);
		if (sums[i] < 0)
			return -2;
	}
	if (cp_read("/proc/buddyinfo", self->after) ||
	    strcmp(self->before, self->after))
		return -3;	/* moved: no oracle */
	for (i = 0; i < self->s.n; i++) {
		pages[i] = 0;
		for (o = 0; o < self->s.z[i].nr_orders; o++)
			pages[i] += self->s.z[i].nr_free[o] << o;
		if (pages[i] != sums[i] && bad < 0)
			bad = i;
	}
	return bad;
}

TEST_F(proc, pageblock_free)
{
	long long pages[CP_MAX_ZONES], sums[CP_MAX_ZONES];
	unsigned int try;
	int bad = -3;

	for (try = 0; try < CP_TRIES; try++) {
		bad = free_mismatch(self, pages, sums);
		ASSERT_NE(-2, bad);
		if (bad == -1)
			break;
		if (bad >= 0)
			TH_LOG("zone %s: buddyinfo %lld free pages, pageblocks %lld",
			       self->s.z[bad].name, pages[bad], sums[bad]);
		usleep(100000);
	}
	ASSERT_EQ(-1, bad);
}

TEST_HARNESS_MAIN
