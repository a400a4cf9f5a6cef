// SPDX-License-Identifier: GPL-2.0
/*
 * The device list against /proc/swaps (path, size, used, priority), the
 * CLI's JSON contract for devices, stats and entries, and slots read by
 * type and offset against the same slots read through a process.
 */
#include "kselftest_harness.h"
#include "sc_util.h"

MMSCOPE_REQUIRE(SC_CTL)

struct proc_swap {
	char path[256];
	long long size_kb, used_kb, prio;
};

static int proc_swaps(struct proc_swap *s, int max)
{
	char line[512], type[32];
	FILE *f = fopen("/proc/swaps", "r");
	int n = 0;

	if (!f)
		return -1;
	if (!fgets(line, sizeof(line), f)) {
		fclose(f);
		return -1;
	}
	while (n < max && fgets(line, sizeof(line), f))
		if (sscanf(line, "%255s %31s %lld %lld %lld", s[n].path, type,
			   &s[n].size_kb, &s[n].used_kb, &s[n].prio) == 5)
			n++;
	fclose(f);
	return n;
}

TEST(devices_equal_proc_swaps)
{
	struct mmscope_swapcache_device *d;
	struct proc_swap ps[8];
	long kb = sc_psize() / 1024;
	int fd = sc_open(), n, i, j, tries;
	long m;

	ASSERT_LE(0, fd);
	n = proc_swaps(ps, 8);
	ASSERT_LE(0, n);
	if (!n)
		SKIP(return, "no swap device (run with --swap)");
	/* used pages move while the system runs: compare a calm moment */
	for (tries = 0; tries < SC_TRIES; tries++) {
		m = mmscope_swapcache_devices(fd, &d);
		ASSERT_LE(0, m);
		n = proc_swaps(ps, 8);
		ASSERT_EQ(n, m);
		for (i = 0; i < n; i++)
			if ((long long)d[i].inuse * kb != ps[i].used_kb)
				break;
		if (i == n)
			break;
		free(d);
		d = NULL;
	}
	ASSERT_NE(NULL, d);
	for (i = 0; i < n; i++) {
		for (j = 0; j < n; j++)
			if (!strcmp(d[j].path, ps[i].path))
				break;
		ASSERT_LT(j, n) TH_LOG("%s not in the module's list", ps[i].path);
		EXPECT_EQ(ps[i].size_kb, (long long)d[j].pages * kb);
		EXPECT_EQ(ps[i].used_kb, (long long)d[j].inuse * kb);
		EXPECT_EQ(ps[i].prio, d[j].prio);
		EXPECT_TRUE(d[j].flags & (1U << MMSCOPE_SWAPCACHE_DEV_WRITEOK));
		EXPECT_LE(d[j].pages, d[j].max);
		EXPECT_LE(d[j].cache_folios, d[j].cache_pages);
	}
	free(d);
	close(fd);
}

/*
 * The two reads of a slot agree only if nothing changes it in between.
 * What can: a page still in another CPU's LRU batch is not paged out
 * (pinned to one CPU, MADV_PAGEOUT drains that CPU's batches); a written
 * copy left in the swap cache may be reclaimed, clearing the cache bit
 * (every copy is dropped first, through the test's own memory cgroup);
 * a fault's swap readahead brings neighbouring slots into the cache
 * (page-cluster 0 while the test runs: no readahead). Then only a fault
 * changes a slot, and the test makes the only one: a read of page 3,
 * whose mapped copy reclaim cannot drop without memory pressure.
 */
FIXTURE(slots)
{
	int fd;
	char cgroup[128];
	char cluster[16];	/* page-cluster before the test, or "" */
	char *p;
};

#define PAGE_CLUSTER "/proc/sys/vm/page-cluster"

FIXTURE_SETUP(slots)
{
	FILE *f;
	int ret;

	self->cluster[0] = '\0';
	self->fd = sc_open();
	ASSERT_LE(0, self->fd);
	ret = sc_cgroup_enter(self->cgroup, sizeof(self->cgroup));
	if (ret)
		SKIP(return, "no memory cgroup of our own: %s", strerror(-ret));
	f = fopen(PAGE_CLUSTER, "r");
	ASSERT_NE(NULL, f);
	ASSERT_NE(NULL, fgets(self->cluster, sizeof(self->cluster), f));
	fclose(f);
	ASSERT_EQ(0, sc_write(PAGE_CLUSTER, "0"));
	ASSERT_EQ(0, sc_pin_cpu0());
	self->p = sc_buffer(16, 0);
	ASSERT_NE(NULL, self->p);
}

FIXTURE_TEARDOWN(slots)
{
	if (self->cluster[0])
		sc_write(PAGE_CLUSTER, self->cluster);
	if (self->p)
		munmap(self->p, 16 * sc_psize());
	sc_cgroup_leave(self->cgroup);
	close(self->fd);
}

TEST_F(slots, slots_by_offset_equal_entries_by_address)
{
	struct mmscope_swapcache_entry e[16], s[16];
	int fd = self->fd, i;
	volatile char c;

	ASSERT_EQ(0, sc_pageout_evict(fd, self->cgroup, self->p, 16, e));
	c = self->p[3 * sc_psize()];
	ASSERT_EQ(4, c);
	ASSERT_EQ(0, sc_entries(fd, getpid(), self->p, 16, e));
	for (i = 0; i < 16; i++) {
		ASSERT_EQ(i == 3 ? MMSCOPE_SWAPCACHE_PRESENT :
			  MMSCOPE_SWAPCACHE_SWAP, e[i].state) TH_LOG("page %d", i);
		ASSERT_TRUE(e[i].info & MMSCOPE_SWAPCACHE_E_SWAP)
			TH_LOG("page %d", i);
		ASSERT_EQ(1, sc_slots(fd, e[i].type, e[i].offset, 1, &s[i]));
		EXPECT_EQ(~0ULL, s[i].va);
		EXPECT_EQ(e[i].type, s[i].type);
		EXPECT_EQ(e[i].offset, s[i].offset);
		EXPECT_EQ(e[i].count, s[i].count) TH_LOG("page %d", i);
		EXPECT_EQ(i == 3, !!(s[i].info & MMSCOPE_SWAPCACHE_E_HAS_CACHE))
			TH_LOG("page %d", i);
		EXPECT_EQ(e[i].info & MMSCOPE_SWAPCACHE_E_HAS_CACHE,
			  s[i].info & MMSCOPE_SWAPCACHE_E_HAS_CACHE)
			TH_LOG("page %d", i);
	}
	/* the cached copy is the page mapped at 3, found from either side */
	EXPECT_EQ(0, e[3].count);
	EXPECT_TRUE(s[3].info & MMSCOPE_SWAPCACHE_E_SWAPCACHE);
	EXPECT_EQ(e[3].pfn, s[3].pfn);
}

/* Whether /proc/kallsyms names @sym (a data symbol kallsyms may lack). */
static bool in_kallsyms(const char *sym)
{
	FILE *f = fopen("/proc/kallsyms", "r");
	char line[256], name[128];
	bool found = false;

	if (!f)
		return false;
	while (!found && fgets(line, sizeof(line), f))
		found = sscanf(line, "%*s %*s %127s", name) == 1 &&
			!strcmp(name, sym);
	fclose(f);
	return found;
}

/* /sys/block/NAME/queue/rotational of /dev/NAME: 1, 0, or -1 (no such). */
static int rotational(const char *path)
{
	char sys[300];
	FILE *f;
	int rot = -1;

	if (strncmp(path, "/dev/", 5))
		return -1;
	snprintf(sys, sizeof(sys), "/sys/block/%s/queue/rotational", path + 5);
	f = fopen(sys, "r");
	if (!f)
		return -1;
	if (fscanf(f, "%d", &rot) != 1)
		rot = -1;
	fclose(f);
	return rot;
}

/*
 * Clusters: 7.x gives every device clusters; 6.1 and 6.12 only devices
 * that are not rotational (the block queue's own flag), and say so
 * rather than "not read".
 */
TEST(clusters_where_the_kernel_keeps_them)
{
	struct mmscope_swapcache_device *d;
	bool table = in_kallsyms("swap_info") && !in_kallsyms("swp_swap_info");
	int fd = sc_open(), rot;
	long n, i;

	ASSERT_LE(0, fd);
	n = mmscope_swapcache_devices(fd, &d);
	ASSERT_LE(0, n);
	if (!n)
		SKIP(return, "no swap device (run with --swap)");
	for (i = 0; i < n; i++) {
		rot = rotational(d[i].path);
		TH_LOG("%s: rotational %d, info 0x%x", d[i].path, rot, d[i].info);
		EXPECT_FALSE((d[i].info & MMSCOPE_SWAPCACHE_DEV_CLUSTERS) &&
			     (d[i].info & MMSCOPE_SWAPCACHE_DEV_NO_CLUSTERS));
		if (table) {
			EXPECT_TRUE(d[i].info & MMSCOPE_SWAPCACHE_DEV_CLUSTERS);
			continue;
		}
		if (rot < 0)
			continue;
		EXPECT_EQ(rot, !!(d[i].info & MMSCOPE_SWAPCACHE_DEV_NO_CLUSTERS));
		EXPECT_EQ(!rot, !!(d[i].flags & (1U << MMSCOPE_SWAPCACHE_DEV_SOLIDSTATE)));
	}
	free(d);
	close(fd);
}

/*
 * Per-CPU state: slots in the CPUs' slot caches are allocated slots, so
 * no more than /proc/swaps' used (at a calm moment, when the two agree);
 * the slot cache is read where kallsyms has it (6.1, 6.12) and said to be
 * absent where the kernel has none (no swp_slots: 7.x); per-CPU next
 * offsets lie on the device.
 */
TEST(percpu_state_is_bounded)
{
	struct mmscope_swapcache_device *d = NULL;
	long kb = sc_psize() / 1024;
	bool slots = in_kallsyms("swp_slots");
	bool table = in_kallsyms("swap_info") && !in_kallsyms("swp_swap_info");
	struct proc_swap ps[8];
	int fd = sc_open(), n, i, tries;
	unsigned int c;
	char *p = sc_buffer(8, 0);

	ASSERT_LE(0, fd);
	ASSERT_NE(NULL, p);
	if (proc_swaps(ps, 8) <= 0)
		SKIP(return, "no swap device (run with --swap)");
	ASSERT_EQ(0, madvise(p, 8 * sc_psize(), MADV_PAGEOUT));
	for (tries = 0; tries < SC_TRIES; tries++) {
		free(d);
		n = mmscope_swapcache_devices(fd, &d);
		ASSERT_LE(0, n);
		ASSERT_EQ(n, proc_swaps(ps, 8));
		for (i = 0; i < n; i++)
			if ((long long)d[i].inuse * kb != ps[i].used_kb)
				break;
		if (i == n)
			break;
	}
	for (i = 0; i < n; i++) {
		TH_LOG("%s: inuse %llu, slot caches %u + %u, info 0x%x", d[i].path,
		       (unsigned long long)d[i].inuse, d[i].slot_cache,
		       d[i].slot_cache_freed, d[i].info);
		if (slots) {
			ASSERT_TRUE(d[i].info & MMSCOPE_SWAPCACHE_DEV_SLOT_CACHE);
			EXPECT_GE(ps[i].used_kb / kb,
				  (long long)d[i].slot_cache + d[i].slot_cache_freed);
		} else {
			EXPECT_FALSE(d[i].info & MMSCOPE_SWAPCACHE_DEV_SLOT_CACHE);
		}
		EXPECT_EQ(table, !!(d[i].info & MMSCOPE_SWAPCACHE_DEV_NO_SLOT_CACHE));
		if (!(d[i].info & MMSCOPE_SWAPCACHE_DEV_PCP))
			continue;
		ASSERT_LE(1, d[i].pcp_cpus);
		ASSERT_GE(MMSCOPE_SWAPCACHE_PCP_CPUS, d[i].pcp_cpus);
		for (c = 0; c < d[i].pcp_cpus; c++) {
			if (d[i].pcp_next[c] != ~0ULL) {
				EXPECT_GT(d[i].max, d[i].pcp_next[c]);
			}
		}
	}
	free(d);
	munmap(p, 8 * sc_psize());
	close(fd);
}

static int has(const char *out, const char *text)
{
	return strstr(out, text) != NULL;
}

TEST(cli_json_contract)
{
	static char out[1 << 16];
	char pid[16], addr[32];
	const char *devs[] = { "-j", "swapcache", "devices", NULL };
	const char *stats[] = { "-j", "swapcache", "stats", NULL };
	const char *ents[] = { "-j", "swapcache", "entries", "--pid",
			       pid, addr, "16K", NULL };
	char type[16], off[32];
	const char *slots[] = { "-j", "swapcache", "slots", "--type", type,
				off, NULL };
	struct mmscope_swapcache_entry e;
	char *p = sc_buffer(4, 0);
	int sc_fd_cli;

	ASSERT_NE(NULL, p);
	ASSERT_EQ(0, madvise(p, 2 * sc_psize(), MADV_PAGEOUT));
	snprintf(pid, sizeof(pid), "%d", getpid());
	snprintf(addr, sizeof(addr), "%p", p);
	ASSERT_EQ(0, mmscope_run_cli(devs, out, sizeof(out))) TH_LOG("%s", out);
	EXPECT_TRUE(has(out, "{\"devices\":[{\"type\":")) TH_LOG("%s", out);
	EXPECT_TRUE(has(out, "\"path\":\"") && has(out, "\"priority\":") &&
		    has(out, "\"pages\":") && has(out, "\"inuse\":") &&
		    has(out, "\"flags\":[") && has(out, "\"cache_folios\":") &&
		    has(out, "\"clusters\":{")) TH_LOG("%s", out);
	/* per-CPU state: an object, or null with a note saying why */
	EXPECT_TRUE(has(out, "\"slot_cache\":{\"allocated\":") ||
		    has(out, "\"slot_cache\":null,\"slot_cache_note\":\""))
		TH_LOG("%s", out);
	EXPECT_TRUE(has(out, "\"percpu_clusters\":[") ||
		    has(out, "\"percpu_clusters\":null,\"percpu_clusters_note\":\""))
		TH_LOG("%s", out);
	ASSERT_EQ(0, mmscope_run_cli(stats, out, sizeof(out))) TH_LOG("%s", out);
	EXPECT_TRUE(has(out, "{\"add\":") && has(out, "\"delete\":") &&
		    has(out, "\"find\":") && has(out, "\"hit\":") &&
		    has(out, "\"ra\":") && has(out, "\"ra_hit\":") &&
		    has(out, "\"pswpin\":") && has(out, "\"pswpout\":"))
		TH_LOG("%s", out);
	ASSERT_EQ(0, mmscope_run_cli(ents, out, sizeof(out))) TH_LOG("%s", out);
	EXPECT_TRUE(has(out, "{\"entries\":[{\"va\":\"0x")) TH_LOG("%s", out);
	/* two swapped pages, then two present ones */
	EXPECT_TRUE(has(out, "\"state\":\"swap\",\"swap\":{\"type\":"))
		TH_LOG("%s", out);
	EXPECT_TRUE(has(out, "\"state\":\"present\",\"swap\":null,\"swapcache\":false,\"folio\":{\"pfn\":"))
		TH_LOG("%s", out);
	EXPECT_TRUE(has(out, "\"has_cache\":") && has(out, "\"refcount\":") &&
		    has(out, "\"mapcount\":") && has(out, "\"order\":"))
		TH_LOG("%s", out);
	/* slots say that their users are not reported, and why */
	ASSERT_EQ(0, sc_entries(sc_fd_cli = sc_open(), getpid(), p, 1, &e));
	close(sc_fd_cli);
	ASSERT_EQ(MMSCOPE_SWAPCACHE_SWAP, e.state);
	snprintf(type, sizeof(type), "%u", e.type);
	snprintf(off, sizeof(off), "%llu", (unsigned long long)e.offset);
	ASSERT_EQ(0, mmscope_run_cli(slots, out, sizeof(out))) TH_LOG("%s", out);
	EXPECT_TRUE(has(out, "\"users\":null,\"users_note\":\"")) TH_LOG("%s", out);
	munmap(p, 4 * sc_psize());
}

TEST_HARNESS_MAIN
