// SPDX-License-Identifier: GPL-2.0
/*
 * Latency histograms (MMSCOPE_MMU_NOTIFIER_LATENCY): one sample per
 * callback the attachment got; and counting attachments
 * (MMSCOPE_MMU_NOTIFIER_COUNT), one count per callback. The target is a child that runs a known
 * workload and exits; after its release no callback can come, so the
 * records read, the attachment's STATS, the LATENCY ioctl, the debugfs
 * `latency` file and `mmscope notifier latency` must all agree exactly.
 */
#include <stdio.h>
#include <stdlib.h>

#include "kselftest_harness.h"
#include "mn_util.h"

MMSCOPE_REQUIRE(MN_CTL)

#define ROUNDS	16
#define PAGES	4
#define NB	MMSCOPE_MMU_NOTIFIER_LAT_BUCKETS
#define NOPS	MMSCOPE_MMU_NOTIFIER_OP_COUNT

static struct mmscope_mmu_notifier_record recs[MN_MAX];

/*
 * A child that maps PAGES pages (their address written to @addr_fd),
 * waits for a byte on @go_fd, then ROUNDS times writes them, write-
 * protects them, drops them (MADV_DONTNEED) and makes them writable
 * again, and exits. @interval: the same mapping each round (an interval
 * attachment's range); else a new one each round, unmapped after it.
 */
static void child_run(int addr_fd, int go_fd, bool interval)
{
	size_t len = PAGES * getpagesize();
	char *p = NULL, c;
	int i;

	if (interval) {
		p = mmap(NULL, len, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED)
			_exit(2);
	}
	if (write(addr_fd, &p, sizeof(p)) != sizeof(p) ||
	    read(go_fd, &c, 1) != 1)
		_exit(3);
	for (i = 0; i < ROUNDS; i++) {
		if (!interval) {
			p = mmap(NULL, len, PROT_READ | PROT_WRITE,
				 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
			if (p == MAP_FAILED)
				_exit(4);
		}
		memset(p, 1, len);
		if (mprotect(p, len, PROT_READ) ||
		    madvise(p, len, MADV_DONTNEED) ||
		    mprotect(p, len, PROT_READ | PROT_WRITE))
			_exit(5);
		if (!interval && munmap(p, len))
			_exit(6);
	}
	_exit(0);
}

struct target {
	pid_t pid;
	char *addr;
	int go;
};

static int target_start(struct target *t, bool interval)
{
	int a[2], g[2];

	if (pipe(a) || pipe(g))
		return -1;
	t->pid = fork();
	if (t->pid < 0)
		return -1;
	if (!t->pid) {
		close(a[0]);
		close(g[1]);
		child_run(a[1], g[0], interval);
	}
	close(a[1]);
	close(g[0]);
	t->go = g[1];
	if (read(a[0], &t->addr, sizeof(t->addr)) != sizeof(t->addr))
		return -1;
	close(a[0]);
	return 0;
}

/* Let the child run to its exit; its status, or -1. */
static int target_finish(struct target *t)
{
	int status;

	if (write(t->go, "g", 1) != 1 || waitpid(t->pid, &status, 0) != t->pid)
		return -1;
	close(t->go);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* Every record, once the target was released; how many, or -errno. */
static int read_all_released(int fd)
{
	struct mmscope_mmu_notifier_read rd;
	int n = 0, k, tries;

	for (tries = 0; tries < 100; tries++) {
		k = mn_read(fd, recs + n, MN_MAX - n, 100, &rd);
		if (k < 0)
			return k;
		n += k;
		if (rd.dropped)
			return -ENOSPC;
		if (!k && rd.state != MMSCOPE_MMU_NOTIFIER_ATTACHED)
			return n;
	}
	return -ETIMEDOUT;
}

static int latency_get(int fd, uint32_t id,
		       struct mmscope_mmu_notifier_lat_op *h, uint32_t nr)
{
	struct mmscope_mmu_notifier_latency lt = {
		.size = sizeof(lt), .id = id, .nr_ops = nr,
		.ops = (uintptr_t)h,
	};

	memset(h, 0xff, nr * sizeof(*h));
	if (ioctl(fd, MMSCOPE_MMU_NOTIFIER_IOC_LATENCY, &lt))
		return errno;
	return lt.nr_ops == (nr < NOPS ? nr : NOPS) ? 0 : -1;
}

/* The bucket a duration falls in, as the UAPI defines them. */
static unsigned int bucket_of(uint64_t ns)
{
	unsigned int b = 0;

	while (b < NB - 1 && ns >> (b + 1))
		b++;
	return b;
}

/*
 * The histogram against the records: per op, as many samples as records,
 * buckets summing to the count, the maximum in the last non-empty bucket.
 */
static void check_hist(struct __test_metadata *_metadata,
		       const struct mmscope_mmu_notifier_lat_op *h, int n)
{
	uint64_t per_op[NOPS] = { 0 }, sum;
	unsigned int op, b, last;
	int i;

	for (i = 0; i < n; i++) {
		ASSERT_GT(NOPS, recs[i].op);
		per_op[recs[i].op]++;
	}
	for (op = 0; op < NOPS; op++) {
		EXPECT_EQ(per_op[op], h[op].count) {
			TH_LOG("op %s: %llu records, histogram count %llu",
			       mmscope_mmu_notifier_op_name(op),
			       (unsigned long long)per_op[op],
			       (unsigned long long)h[op].count);
		}
		for (sum = 0, last = 0, b = 0; b < NB; b++) {
			sum += h[op].buckets[b];
			if (h[op].buckets[b])
				last = b;
		}
		EXPECT_EQ(h[op].count, sum);
		if (!h[op].count) {
			EXPECT_EQ(0, h[op].sum_ns);
			EXPECT_EQ(0, h[op].max_ns);
			continue;
		}
		EXPECT_EQ(last, bucket_of(h[op].max_ns));
		EXPECT_LE(h[op].max_ns, h[op].sum_ns);
		EXPECT_GE(h[op].count * h[op].max_ns, h[op].sum_ns);
	}
}

/* The debugfs line of (id, op): its count and bucket sum must match. */
static void check_debugfs(struct __test_metadata *_metadata, uint32_t id,
			  const struct mmscope_mmu_notifier_lat_op *h)
{
	unsigned long long count, sum_ns, max_ns, bc, bsum;
	char line[1024], name[64], *tok;
	unsigned int lid, op, seen = 0, b;
	FILE *f = fopen(MN_DIR "/latency", "re");

	ASSERT_NE(NULL, f);
	while (fgets(line, sizeof(line), f)) {
		if (line[0] == '#' ||
		    sscanf(line, "%u %63s %llu %llu %llu", &lid, name, &count,
			   &sum_ns, &max_ns) != 5 || lid != id)
			continue;
		for (op = 0; op < NOPS; op++)
			if (!strcmp(name, mmscope_mmu_notifier_op_name(op)))
				break;
		ASSERT_GT(NOPS, op);
		EXPECT_EQ(h[op].count, count);
		EXPECT_EQ(h[op].sum_ns, sum_ns);
		EXPECT_EQ(h[op].max_ns, max_ns);
		bsum = 0;
		for (tok = strtok(line, " \n"); tok; tok = strtok(NULL, " \n"))
			if (sscanf(tok, "%u:%llu", &b, &bc) == 2) {
				EXPECT_EQ(h[op].buckets[b], bc);
				bsum += bc;
			}
		EXPECT_EQ(count, bsum);
		seen++;
	}
	fclose(f);
	for (op = 0; op < NOPS; op++)
		seen -= !!h[op].count;
	EXPECT_EQ(0, seen);
}

/* `mmscope notifier latency --id N` prints each op's count as the ioctl. */
static void check_cli(struct __test_metadata *_metadata, uint32_t id,
		      const struct mmscope_mmu_notifier_lat_op *h)
{
	char cmd[64], line[256], want[128];
	unsigned int op, found = 0, ops = 0;
	FILE *f;

	snprintf(cmd, sizeof(cmd), "mmscope notifier latency --id %u", id);
	f = popen(cmd, "r");
	ASSERT_NE(NULL, f);
	while (fgets(line, sizeof(line), f))
		for (op = 0; op < NOPS; op++) {
			snprintf(want, sizeof(want), "%u %s: %llu callbacks,", id,
				 mmscope_mmu_notifier_op_name(op),
				 (unsigned long long)h[op].count);
			found += !strncmp(line, want, strlen(want));
		}
	EXPECT_EQ(0, pclose(f));
	for (op = 0; op < NOPS; op++)
		ops += !!h[op].count;
	EXPECT_EQ(ops, found);
}

TEST(mm_counts_match_records)
{
	struct mmscope_mmu_notifier_lat_op h[NOPS];
	struct mmscope_mmu_notifier_stats st = { .size = sizeof(st) };
	struct mmscope_mmu_notifier_attach a;
	struct target t;
	int fd = mn_open(), n, op, i, k;

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, target_start(&t, false));
	ASSERT_EQ(0, mn_attach(fd, t.pid, 0, 0, MMSCOPE_MMU_NOTIFIER_LATENCY,
			       &a));
	ASSERT_EQ(0, target_finish(&t));
	n = read_all_released(fd);
	ASSERT_LT(0, n);
	ASSERT_EQ(0, latency_get(fd, 0, h, NOPS));
	check_hist(_metadata, h, n);
	/* the workload's own: mprotect, DONTNEED, munmap at least a round */
	EXPECT_LE(3 * ROUNDS, h[OP(INVALIDATE_RANGE_START)].count);
	EXPECT_EQ(h[OP(INVALIDATE_RANGE_START)].count,
		  h[OP(INVALIDATE_RANGE_END)].count);
	EXPECT_EQ(1, h[OP(RELEASE)].count);
	for (i = 0, k = 0; i < n; i++)
		k += recs[i].op == OP(INVALIDATE_RANGE_START) &&
		     recs[i].event == EV(PROTECTION_VMA);
	EXPECT_LE(ROUNDS, k);
	/* the same numbers by id, from STATS and from a file without one */
	st.id = a.id;
	ASSERT_EQ(0, ioctl(fd, MMSCOPE_MMU_NOTIFIER_IOC_STATS, &st));
	for (op = 0; op < NOPS; op++)
		EXPECT_EQ(st.ops[op], h[op].count);
	{
		struct mmscope_mmu_notifier_lat_op h2[NOPS];
		int fd2 = mn_open();

		ASSERT_LE(0, fd2);
		ASSERT_EQ(0, latency_get(fd2, a.id, h2, NOPS));
		EXPECT_EQ(0, memcmp(h, h2, sizeof(h)));
		close(fd2);
	}
	check_debugfs(_metadata, a.id, h);
	check_cli(_metadata, a.id, h);
	close(fd);
}

TEST(interval_counts_match_records)
{
	struct mmscope_mmu_notifier_lat_op h[NOPS];
	struct target t;
	int fd = mn_open(), n, op;

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, target_start(&t, true));
	ASSERT_EQ(0, mn_attach(fd, t.pid, (uintptr_t)t.addr,
			       PAGES * getpagesize(),
			       MMSCOPE_MMU_NOTIFIER_INTERVAL |
			       MMSCOPE_MMU_NOTIFIER_LATENCY, NULL));
	ASSERT_EQ(0, target_finish(&t));
	n = read_all_released(fd);
	ASSERT_LT(0, n);
	ASSERT_EQ(0, latency_get(fd, 0, h, NOPS));
	check_hist(_metadata, h, n);
	/* an interval has one callback; a round's mprotect and DONTNEED */
	for (op = 0; op < NOPS; op++)
		if (op != OP(INVALIDATE))
			EXPECT_EQ(0, h[op].count);
	EXPECT_LE(2 * ROUNDS, h[OP(INVALIDATE)].count);
	close(fd);
}

TEST(short_buffer)
{
	struct mmscope_mmu_notifier_lat_op h[NOPS + 2], one;
	struct target t;
	int fd = mn_open();

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, target_start(&t, false));
	ASSERT_EQ(0, mn_attach(fd, t.pid, 0, 0, MMSCOPE_MMU_NOTIFIER_LATENCY,
			       NULL));
	ASSERT_EQ(0, target_finish(&t));
	ASSERT_LT(0, read_all_released(fd));
	/* room for more ops than there are: NOPS written, the rest untouched */
	ASSERT_EQ(0, latency_get(fd, 0, h, NOPS + 2));
	EXPECT_EQ(~0ULL, h[NOPS].count);
	/* room for one: release's alone */
	ASSERT_EQ(0, latency_get(fd, 0, &one, 1));
	EXPECT_EQ(h[OP(RELEASE)].count, one.count);
	EXPECT_EQ(1, one.count);
	close(fd);
}

/* The attachments there are now (LIST's total), or -1. */
static int attachments(int fd)
{
	struct mmscope_mmu_notifier_list l = { .size = sizeof(l) };

	return ioctl(fd, MMSCOPE_MMU_NOTIFIER_IOC_LIST, &l) ? -1 : (int)l.total;
}

/* The number after "name": in a JSON object, or -1. */
static long long json_num(const char *json, const char *name)
{
	char pat[64];
	const char *f;

	snprintf(pat, sizeof(pat), "\"%s\":", name);
	f = strstr(json, pat);
	return f ? strtoll(f + strlen(pat), NULL, 10) : -1;
}

/*
 * A counting attachment (MMSCOPE_MMU_NOTIFIER_COUNT) keeps no record and
 * counts every callback: beside a recording attachment on the same
 * process, its counts per op and event are the records' own, and
 * `mmscope -j notifier attach --count --pid PID` on it prints the same.
 */
TEST(count_only_matches_a_recording_attachment)
{
	struct mmscope_mmu_notifier_stats st = { .size = sizeof(st) };
	struct mmscope_mmu_notifier_detach d = { .size = sizeof(d) };
	struct mmscope_mmu_notifier_read rd;
	struct mmscope_mmu_notifier_attach a;
	unsigned long long ops[NOPS] = { 0 };
	unsigned long long evs[MMSCOPE_MMU_NOTIFIER_EV_COUNT] = { 0 };
	int fd = mn_open(), fc = mn_open(), n, i, base;
	static char out[8192];
	char cmd[96];
	struct target t;
	size_t len;
	FILE *cli;

	ASSERT_LE(0, fd);
	ASSERT_LE(0, fc);
	base = attachments(fd);
	ASSERT_LE(0, base);
	ASSERT_EQ(0, target_start(&t, false));
	ASSERT_EQ(0, mn_attach(fd, t.pid, 0, 0, 0, NULL));
	ASSERT_EQ(0, mn_attach(fc, t.pid, 0, 0, MMSCOPE_MMU_NOTIFIER_COUNT, &a));
	snprintf(cmd, sizeof(cmd), "mmscope -j notifier attach --count --pid %d",
		 t.pid);
	cli = popen(cmd, "r");
	ASSERT_NE(NULL, cli);
	for (i = 0; i < 600 && attachments(fd) < base + 3; i++)
		usleep(50000);
	ASSERT_EQ(base + 3, attachments(fd));
	ASSERT_EQ(0, target_finish(&t));
	n = read_all_released(fd);
	ASSERT_LT(0, n);
	len = fread(out, 1, sizeof(out) - 1, cli);
	out[len] = '\0';
	EXPECT_EQ(0, pclose(cli));
	for (i = 0; i < n; i++) {
		ops[recs[i].op]++;
		evs[recs[i].event]++;
	}
	/* the counting attachment's own view */
	st.id = a.id;
	ASSERT_EQ(0, ioctl(fc, MMSCOPE_MMU_NOTIFIER_IOC_STATS, &st));
	for (i = 0; i < NOPS; i++)
		EXPECT_EQ(ops[i], st.ops[i]) TH_LOG("op %s",
						    mmscope_mmu_notifier_op_name(i));
	for (i = 0; i < MMSCOPE_MMU_NOTIFIER_EV_COUNT; i++)
		EXPECT_EQ(evs[i], st.events[i]) TH_LOG("event %s",
						       mmscope_mmu_notifier_event_name(i));
	EXPECT_EQ(0, st.dropped);
	EXPECT_LE(3 * ROUNDS, st.ops[OP(INVALIDATE_RANGE_START)]);
	EXPECT_EQ(1, st.ops[OP(RELEASE)]);
	/* no record to read, none dropped, released like any other */
	EXPECT_EQ(0, mn_read(fc, recs, MN_MAX, 0, &rd));
	EXPECT_EQ(0, rd.dropped);
	EXPECT_EQ(MMSCOPE_MMU_NOTIFIER_RELEASED, rd.state);
	ASSERT_EQ(0, ioctl(fc, MMSCOPE_MMU_NOTIFIER_IOC_DETACH, &d));
	EXPECT_EQ((unsigned long long)n, d.records);
	EXPECT_EQ(0, d.dropped);
	/* the CLI's counting attachment saw the same callbacks */
	for (i = 0; i < NOPS; i++) {
		char name[40];

		snprintf(name, sizeof(name), "%s", mmscope_mmu_notifier_op_name(i));
		EXPECT_EQ((long long)ops[i], json_num(out, name))
			TH_LOG("cli op %s: %s", name, out);
	}
	EXPECT_EQ((long long)evs[EV(UNMAP)], json_num(out, "unmap"));
	EXPECT_EQ((long long)evs[EV(PROTECTION_VMA)],
		  json_num(out, "protection_vma"));
	EXPECT_EQ(0, json_num(out, "dropped"));
	close(fc);
	close(fd);
}

/* An interval counts its callbacks, and its sequence number still moves. */
TEST(count_only_interval)
{
	struct mmscope_mmu_notifier_stats st = { .size = sizeof(st) };
	struct mmscope_mmu_notifier_attach a;
	struct mmscope_mmu_notifier_read rd;
	unsigned long long sum = 0;
	struct target t;
	int fd = mn_open(), i;

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, target_start(&t, true));
	ASSERT_EQ(0, mn_attach(fd, t.pid, (uintptr_t)t.addr,
			       PAGES * getpagesize(),
			       MMSCOPE_MMU_NOTIFIER_INTERVAL |
			       MMSCOPE_MMU_NOTIFIER_COUNT, &a));
	ASSERT_EQ(0, target_finish(&t));
	EXPECT_EQ(0, read_all_released(fd));
	st.id = a.id;
	ASSERT_EQ(0, ioctl(fd, MMSCOPE_MMU_NOTIFIER_IOC_STATS, &st));
	/* a round's mprotect (twice) and DONTNEED, and the release */
	EXPECT_LE(3 * ROUNDS + 1, st.ops[OP(INVALIDATE)]);
	EXPECT_LE(ROUNDS, st.events[EV(PROTECTION_VMA)]);
	EXPECT_LE(ROUNDS, st.events[EV(CLEAR)]);
	EXPECT_EQ(1, st.events[EV(RELEASE)]);
	/* every interval callback has an event */
	for (i = 0; i < EV(NONE); i++)
		sum += st.events[i];
	EXPECT_EQ(st.ops[OP(INVALIDATE)], sum);
	EXPECT_EQ(0, st.events[EV(NONE)]);
	EXPECT_EQ(0, mn_read(fd, recs, MN_MAX, 0, &rd));
	/* the callbacks still moved the interval's sequence number */
	EXPECT_LT(a.interval_seq, rd.interval_seq);
	close(fd);
}

TEST(errors)
{
	struct mmscope_mmu_notifier_lat_op h[NOPS];
	struct mmscope_mmu_notifier_latency lt = {
		.size = sizeof(lt), .nr_ops = NOPS, .ops = (uintptr_t)h,
	};
	int fd = mn_open();

	ASSERT_LE(0, fd);
	/* no attachment on this file, and no attachment with that id */
	EXPECT_EQ(ENOENT, latency_get(fd, 0, h, NOPS));
	EXPECT_EQ(ENOENT, latency_get(fd, 0xfffffff0, h, NOPS));
	/* COUNT keeps no record: no stack, no histogram */
	EXPECT_EQ(EINVAL, mn_attach(fd, getpid(), 0, 0,
				    MMSCOPE_MMU_NOTIFIER_COUNT |
				    MMSCOPE_MMU_NOTIFIER_STACK, NULL));
	EXPECT_EQ(EINVAL, mn_attach(fd, getpid(), 0, 0,
				    MMSCOPE_MMU_NOTIFIER_COUNT |
				    MMSCOPE_MMU_NOTIFIER_LATENCY, NULL));
	ASSERT_EQ(0, mn_attach_self(fd));
	/* attached without LATENCY: no histogram */
	EXPECT_EQ(ENODATA, latency_get(fd, 0, h, NOPS));
	lt.flags = 1;
	EXPECT_EQ(-1, ioctl(fd, MMSCOPE_MMU_NOTIFIER_IOC_LATENCY, &lt));
	EXPECT_EQ(EINVAL, errno);
	lt.flags = 0;
	lt.nr_ops = 0;
	EXPECT_EQ(-1, ioctl(fd, MMSCOPE_MMU_NOTIFIER_IOC_LATENCY, &lt));
	EXPECT_EQ(EINVAL, errno);
	lt.nr_ops = NOPS;
	lt.ops = 0;
	EXPECT_EQ(-1, ioctl(fd, MMSCOPE_MMU_NOTIFIER_IOC_LATENCY, &lt));
	EXPECT_EQ(EINVAL, errno);
	close(fd);
	/* a bad buffer: EFAULT, nothing else */
	fd = mn_open();
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, mn_attach(fd, getpid(), 0, 0,
			       MMSCOPE_MMU_NOTIFIER_LATENCY, NULL));
	lt.ops = 8;
	EXPECT_EQ(-1, ioctl(fd, MMSCOPE_MMU_NOTIFIER_IOC_LATENCY, &lt));
	EXPECT_EQ(EFAULT, errno);
	close(fd);
}

TEST_HARNESS_MAIN
