// SPDX-License-Identifier: GPL-2.0
/*
 * mmscope trace faults against a workload with a known fault mix: fresh
 * anonymous pages, copy-on-write after fork (copied while the child
 * lives, reused after it exits), private file reads one fault-around
 * window apart, private and shared file writes, pages read back from
 * swap. In every mode (by class and handler by default, perf's software
 * events with --count, with --latency) the accounted totals are checked
 * against the process's own minflt/majflt in /proc/PID/stat (with its
 * children's, cminflt/cmajflt, where the mode follows them), which must
 * match exactly, and the counts against the workload's; the map a
 * bpftool reader sees, against the same; nothing may stay pinned unless
 * --pin is given.
 */
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/bpf.h>
#include <linux/types.h>

#include "kselftest_harness.h"
#include "mmscope_test.h"
#include "tracer.h"
#include "../../tools/bpf/faults.h"

MMSCOPE_REQUIRE("/sys/fs/bpf")

#define ANON_PAGES	64	/* fresh anonymous pages written */
#define COPY_PAGES	32	/* written while a forked child maps them */
#define REUSE_PAGES	16	/* written after the child has exited */
#define READ_FAULTS	16	/* private file reads, a window apart */
#define COW_PAGES	8	/* private file pages written */
#define SHARED_PAGES	8	/* shared file pages written */
#define SWAP_PAGES	16	/* paged out, read back (when swap is on) */
#define THREAD_PAGES	16	/* fresh anonymous pages, by each of two threads */
/*
 * The workload's own text, stack and data after fork fault too (file
 * read faults on first-run code, copy-on-write of its stack); a handful
 * at most on any kernel.
 */
#define SLACK		8
/* A thread's start (its stack, its TLS), its stack after a fork: a handful. */
#define THREAD_SLACK	8

static long page;

/* Pages mapped by one fault-around: one read fault per window. */
static long fault_around_pages(void)
{
	char buf[32];
	long bytes = 65536;

	if (mmscope_read_file("/sys/kernel/debug/fault_around_bytes", buf,
			      sizeof(buf)) > 0)
		bytes = strtol(buf, NULL, 0);
	return bytes > page ? bytes / page : 1;
}

static char *map_anon(long pages)
{
	char *p = mmap(NULL, pages * page, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		_exit(10);
	/* Base pages only: a THP would be one do_huge_pmd_anonymous_page. */
	madvise(p, pages * page, MADV_NOHUGEPAGE);
	return p;
}

static void write_pages(char *p, long pages)
{
	long i;

	for (i = 0; i < pages; i++)
		((volatile char *)p)[i * page] = 1;
}

/* Pages of p[pages] that /proc/self/pagemap shows swapped out. */
static int count_swapped(char *p, long pages)
{
	uint64_t e[SWAP_PAGES];
	int n = 0;
	long i;

	if (mmscope_pagemap_read(0, (uintptr_t)p, pages, e))
		_exit(7);
	for (i = 0; i < pages; i++)
		n += !!(e[i] & PM_SWAP);
	return n;
}

/* A thread of the workload: fault THREAD_PAGES when told (arg: a fd). */
static void *thread_faults(void *arg)
{
	char b;

	if (arg && read((int)(intptr_t)arg, &b, 1) != 1)
		return NULL;
	write_pages(map_anon(THREAD_PAGES), THREAD_PAGES);
	return NULL;
}

/*
 * The traced process: wait for go, fault, report done, wait for the end.
 * Two threads fault too: one that exists before the tracer starts (found
 * in /proc/PID/task), one started after (inherits its creator's events).
 */
static void workload(int go, int done, int fd, long around)
{
	volatile char sink;
	int c[2], t[2], swapped;
	pthread_t before, after;
	pid_t child;
	char *p, *f, b;
	long i;

	if (pipe(t) || pthread_create(&before, NULL, thread_faults,
				      (void *)(intptr_t)t[0]))
		_exit(8);
	if (read(go, &b, 1) != 1)
		_exit(1);

	if (write(t[1], "g", 1) != 1 || pthread_join(before, NULL) ||
	    pthread_create(&after, NULL, thread_faults, NULL) ||
	    pthread_join(after, NULL))
		_exit(9);

	p = map_anon(ANON_PAGES);
	write_pages(p, ANON_PAGES);

	p = map_anon(COPY_PAGES);
	write_pages(p, COPY_PAGES);
	if (pipe(c))
		_exit(2);
	child = fork();
	if (!child) {
		close(c[1]);
		read(c[0], &b, 1);	/* hold the pages until told */
		_exit(0);
	}
	write_pages(p, COPY_PAGES);
	close(c[1]);
	waitpid(child, NULL, 0);

	p = map_anon(REUSE_PAGES);
	write_pages(p, REUSE_PAGES);
	child = fork();
	if (!child)
		_exit(0);
	waitpid(child, NULL, 0);
	write_pages(p, REUSE_PAGES);

	f = mmap(NULL, READ_FAULTS * around * page, PROT_READ, MAP_PRIVATE,
		 fd, 0);
	if (f == MAP_FAILED)
		_exit(3);
	for (i = 0; i < READ_FAULTS; i++)
		sink = f[i * around * page];

	f = mmap(NULL, COW_PAGES * page, PROT_READ | PROT_WRITE, MAP_PRIVATE,
		 fd, 0);
	if (f == MAP_FAILED)
		_exit(4);
	write_pages(f, COW_PAGES);

	f = mmap(NULL, SHARED_PAGES * page, PROT_READ | PROT_WRITE, MAP_SHARED,
		 fd, COW_PAGES * page);
	if (f == MAP_FAILED)
		_exit(5);
	write_pages(f, SHARED_PAGES);

	/* Page out; pagemap says how many went to swap. */
	p = map_anon(SWAP_PAGES);
	write_pages(p, SWAP_PAGES);
	madvise(p, SWAP_PAGES * page, MADV_PAGEOUT);
	swapped = count_swapped(p, SWAP_PAGES);
	for (i = 0; i < SWAP_PAGES; i++)
		sink = p[i * page];
	(void)sink;

	if (write(done, &swapped, sizeof(swapped)) != sizeof(swapped))
		_exit(6);
	read(go, &b, 1);	/* hold still until the test is done */
	_exit(0);
}

/*
 * minflt, cminflt, majflt, cmajflt of pid: fields 10 to 13 of
 * /proc/PID/stat (c: of its children, once waited for).
 */
static int proc_faults(pid_t pid, unsigned long long flt[4])
{
	char path[64], buf[1024], *p;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	if (mmscope_read_file(path, buf, sizeof(buf)) <= 0)
		return -1;
	p = strrchr(buf, ')');
	if (!p || sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %llu %llu %llu %llu",
			 &flt[0], &flt[1], &flt[2], &flt[3]) != 4)
		return -1;
	return 0;
}

/* Possible CPUs: how many values a per-CPU map has per key. */
static int possible_cpus(void)
{
	char buf[64], *dash;

	if (mmscope_read_file("/sys/devices/system/cpu/possible", buf,
			      sizeof(buf)) <= 0)
		return -1;
	dash = strchr(buf, '-');
	return dash ? atoi(dash + 1) + 1 : 1;
}

/*
 * The pinned counts map, as a bpftool reader sees it: per mode, minor
 * and major of every CPU (v[mode * ncpus + cpu]) and summed (sum[mode]).
 */
static int pinned_counts(struct faults_counts *v, int ncpus,
			 struct faults_counts sum[FAULTS_NR_MODES])
{
	union bpf_attr a;
	__u32 m;
	int fd, i, ret = 0;

	memset(&a, 0, sizeof(a));
	a.pathname = (uintptr_t)TRACER_PIN_ROOT "/faults/counts";
	fd = syscall(__NR_bpf, BPF_OBJ_GET, &a, sizeof(a));
	if (fd < 0)
		return -errno;
	memset(sum, 0, sizeof(*sum) * FAULTS_NR_MODES);
	for (m = 0; m < FAULTS_NR_MODES && !ret; m++) {
		memset(&a, 0, sizeof(a));
		a.map_fd = fd;
		a.key = (uintptr_t)&m;
		a.value = (uintptr_t)&v[m * ncpus];
		if (syscall(__NR_bpf, BPF_MAP_LOOKUP_ELEM, &a, sizeof(a))) {
			ret = -errno;
			break;
		}
		for (i = 0; i < ncpus; i++) {
			sum[m].minor += v[m * ncpus + i].minor;
			sum[m].major += v[m * ncpus + i].major;
		}
	}
	close(fd);
	return ret;
}

/* The system's faults so far: pgfault of /proc/vmstat. */
static unsigned long long vmstat_pgfault(void)
{
	static char buf[16384];
	char *p;

	if (mmscope_read_file("/proc/vmstat", buf, sizeof(buf)) <= 0)
		return 0;
	p = strstr(buf, "\npgfault ");
	return p ? strtoull(p + 9, NULL, 10) : 0;
}

/*
 * Wait until pid sleeps: the workload only sleeps in read(go), so from
 * then on it takes no fault and its counters hold still.
 */
static int wait_sleeping(pid_t pid)
{
	char path[64], buf[1024], *p;
	int i;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	for (i = 0; i < 6000; i++) {
		if (mmscope_read_file(path, buf, sizeof(buf)) <= 0)
			return -1;
		p = strrchr(buf, ')');
		if (p && p[1] == ' ' && p[2] == 'S')
			return 0;
		tracer_sleep_ms(10);
	}
	return -1;
}

/* A file in page cache, READ_FAULTS windows long. */
static int make_file(long around)
{
	char path[] = "/tmp/mmscope-faults-XXXXXX";
	size_t size = READ_FAULTS * around * page;
	char *buf;
	int fd;

	fd = mkstemp(path);
	if (fd < 0)
		return -1;
	unlink(path);
	buf = malloc(size);
	if (!buf)
		return -1;
	memset(buf, 'x', size);
	if (write(fd, buf, size) != (ssize_t)size)
		fd = -1;
	free(buf);
	return fd;
}

/* Loading and attaching take seconds under emulation. */
#define TRACE_TIMEOUT	300

FIXTURE(faults) {};
FIXTURE_SETUP(faults) {}
FIXTURE_TEARDOWN(faults)
{
	/* A failed test must not leave the tracer pinned for the next. */
	if (!access(TRACER_PIN_ROOT "/faults", F_OK))
		system("mmscope trace unpin faults");
}

/*
 * Run the workload traced by "mmscope -j trace faults --pid W ARGS...":
 * its JSON summary in out, the deltas of /proc/W/stat's minflt, cminflt,
 * majflt, cmajflt over the workload (flt[]), and how many pages went to
 * swap. If seen is not NULL, the pinned map's sums per mode, read once
 * the workload is done, while the tracer still runs.
 */
static void traced_workload(struct __test_metadata *_metadata,
			    const char *extra, const char *ready, char *out,
			    size_t size, unsigned long long flt[4],
			    int *swapped, struct faults_counts *seen)
{
	static char err[4096];
	static struct faults_counts v[FAULTS_NR_MODES * 64];
	unsigned long long flt0[4], flt1[4];
	int go[2], done[2], fd, status = 0, ret, i;
	long around;
	struct tracer t;
	char pidstr[16];
	pid_t w;

	page = sysconf(_SC_PAGESIZE);
	around = fault_around_pages();
	fd = make_file(around);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, pipe(go));
	ASSERT_EQ(0, pipe(done));
	w = fork();
	ASSERT_LE(0, w);
	if (!w) {
		close(go[1]);
		close(done[0]);
		workload(go[0], done[1], fd, around);
	}
	close(go[0]);
	close(done[1]);

	snprintf(pidstr, sizeof(pidstr), "%d", w);
	ret = tracer_start(&t, (const char *const[]){ "faults", "--pid", pidstr,
		extra, NULL }, ready, &status);
	ASSERT_EQ(0, ret) TH_LOG("mmscope trace faults did not start: %s (status %d)",
				 strerror(-ret), status);
	/* w is blocked in read(go): it takes no fault until told. */
	ASSERT_EQ(0, wait_sleeping(w));
	ASSERT_EQ(0, proc_faults(w, flt0));
	ASSERT_EQ(1, write(go[1], "g", 1));
	ASSERT_EQ(sizeof(*swapped), read(done[0], swapped, sizeof(*swapped)));
	/* It may still fault on its way back into read(go). */
	ASSERT_EQ(0, wait_sleeping(w));
	ASSERT_EQ(0, proc_faults(w, flt1));
	if (seen) {
		ret = possible_cpus();
		ASSERT_LT(0, ret);
		ASSERT_GE(64, ret);
		ASSERT_EQ(0, pinned_counts(v, ret, seen));
	}
	ret = tracer_stop(&t, out, size, err, sizeof(err));
	close(go[1]);
	waitpid(w, &status, 0);
	ASSERT_EQ(0, ret) TH_LOG("stderr: %s", err);
	ASSERT_TRUE(WIFEXITED(status) && !WEXITSTATUS(status));
	TH_LOG("%s", out);
	for (i = 0; i < 4; i++)
		flt[i] = flt1[i] - flt0[i];
	close(fd);
}

/* The workload's own faults, each one exception in user mode. */
#define WORKLOAD_FAULTS	(ANON_PAGES + 2 * COPY_PAGES + 2 * REUSE_PAGES + \
			 READ_FAULTS + COW_PAGES + SHARED_PAGES + 2 * THREAD_PAGES)

/*
 * The workload's event instances: its two threads at the start (events
 * of their own), the thread and the two children it starts afterwards
 * (inherited).
 */
#define WORKLOAD_TASKS	5

/*
 * --count (perf's software events, per thread and inherited
 * with --pid: the children are counted too): the accounted faults are
 * the kernel's, exactly, and the workload's are seen in user mode. The
 * map a bpftool reader sees while the tracer runs is behind by less than
 * a sample period per task and event, never ahead; major faults are
 * published at once. With --latency (every fault, the process only) the
 * tracer sees faults begin (x86's exceptions tracepoints, elsewhere the
 * page-faults event): each accounted fault began once, and the sampled
 * latency adds up.
 */
static void check_events(struct __test_metadata *_metadata, const char *extra,
			 bool begun)
{
	static char out[1 << 16];
	unsigned long long flt[4], minflt, majflt, minor, major, count, unacc;
	unsigned long long umin, umaj, sampled, timed, period, v[2][2];
	struct faults_counts seen[FAULTS_NR_MODES];
	int swapped, m;

	traced_workload(_metadata, extra, "counts", out, sizeof(out), flt,
			&swapped, begun ? NULL : seen);
	ASSERT_EQ(0, json_field_u64(out, "total", "{", "minor", &minor));
	ASSERT_EQ(0, json_field_u64(out, "total", "{", "major", &major));
	ASSERT_EQ(0, json_field_u64(out, "mode", "\"user\"", "minor", &umin));
	ASSERT_EQ(0, json_field_u64(out, "mode", "\"user\"", "major", &umaj));
	/* The children's faults, once waited for (the default mode). */
	minflt = flt[0] + (begun ? 0 : flt[1]);
	majflt = flt[2] + (begun ? 0 : flt[3]);
	TH_LOG("minflt %llu cminflt %llu majflt %llu cmajflt %llu",
	       flt[0], flt[1], flt[2], flt[3]);

	/* Exact: the tracer's accounted faults are the kernel's. */
	EXPECT_EQ(minflt, minor);
	EXPECT_EQ(majflt, major);
	/* Swapped-out pages come back as one fault each, minor or major. */
	TH_LOG("%d of %d pages swapped out", swapped, SWAP_PAGES);
	EXPECT_LE(WORKLOAD_FAULTS + SWAP_PAGES + swapped, umin + umaj);
	EXPECT_GE(WORKLOAD_FAULTS + SWAP_PAGES + swapped + SLACK + THREAD_SLACK +
		  minflt - flt[0] + majflt - flt[2], umin + umaj);

	if (!begun) {
		/*
		 * The workload sleeps: the exact counts (the summary's)
		 * are what the map saw, less what each task had not
		 * published yet, a partial sample period per event.
		 */
		ASSERT_NE(NULL, strstr(out, "\"sample_period\":"));
		period = strtoull(strstr(out, "\"sample_period\":") + 16,
				  NULL, 10);
		EXPECT_EQ(FAULTS_MINOR_PERIOD, period);
		/* The main thread and the one waiting for go. */
		EXPECT_NE(NULL, strstr(out, "\"threads\":2,"));
		for (m = 0; m < FAULTS_NR_MODES; m++) {
			const char *mode = m == FAULTS_MODE_USER ? "\"user\"" :
				"\"kernel\"";

			ASSERT_EQ(0, json_field_u64(out, "mode", mode, "minor",
						    &v[m][0]));
			ASSERT_EQ(0, json_field_u64(out, "mode", mode, "major",
						    &v[m][1]));
			TH_LOG("%s: minor %llu, map %llu; major %llu, map %llu",
			       mode, v[m][0], (unsigned long long)seen[m].minor,
			       v[m][1], (unsigned long long)seen[m].major);
			EXPECT_LE(seen[m].minor, v[m][0]);
			EXPECT_GE(seen[m].minor + WORKLOAD_TASKS * (period - 1),
				  v[m][0]);
			EXPECT_EQ(0, seen[m].minor % period);
			EXPECT_EQ(seen[m].major, v[m][1]);
		}
	}

	if (json_field_u64(out, "total", "{", "count", &count)) {
		EXPECT_FALSE(begun) TH_LOG("no \"count\": where faults begin is not traced");
		EXPECT_EQ(NULL, strstr(out, "latency_ns"));
		return;
	}
	ASSERT_EQ(0, json_field_u64(out, "total", "{", "unaccounted", &unacc));
	ASSERT_EQ(0, json_field_u64(out, "total", "{", "sampled", &sampled));
	ASSERT_EQ(0, json_field_u64(out, "total", "{", "timed", &timed));
	/* Every fault began after the tracer started: one exception each. */
	EXPECT_LE(minor + major, count);
	EXPECT_EQ(count - minor - major, unacc);
	/* One fault in FAULTS_SAMPLE (16) per CPU and mode is timed. */
	EXPECT_LE(count / 16, sampled);
	EXPECT_GE(count / 16 + 2 * sysconf(_SC_NPROCESSORS_CONF), sampled);
	EXPECT_LE(1, timed);
	EXPECT_GE(sampled, timed);
	EXPECT_NE(NULL, strstr(out, "\"latency_ns\":[{\"from\":"));

	/* Without --pin nothing is left behind. */
	EXPECT_NE(0, access(TRACER_PIN_ROOT "/faults", F_OK));
}

TEST_F_TIMEOUT(faults, events_match_workload_and_proc_stat, TRACE_TIMEOUT)
{
	check_events(_metadata, "--count", false);
}

TEST_F_TIMEOUT(faults, latency_events_match_workload_and_proc_stat,
	       TRACE_TIMEOUT)
{
	check_events(_metadata, "--latency", true);
}

/*
 * The class of a handler in the JSON report: each handler's object
 * names both, class first.
 */
static bool has_class(const char *out, const char *class, const char *handler)
{
	char want[128];

	snprintf(want, sizeof(want), "{\"class\":\"%s\",\"handler\":\"%s\",",
		 class, handler);
	return strstr(out, want) != NULL;
}

/*
 * The default: by class and handler, from handle_mm_fault(), against the
 * workload; its children (the two it forks and waits for) are followed,
 * so /proc's cminflt/cmajflt count too. Each child takes a few faults
 * of its own (its stack, libc's data, exit): CHILD_SLACK each.
 */
#define CHILD_SLACK	8

TEST_F_TIMEOUT(faults, classes_match_workload_and_proc_stat, TRACE_TIMEOUT)
{
	static char out[1 << 16];
	unsigned long long flt[4], minflt, majflt, minor, major;
	unsigned long long anon, copy, reuse, rd, cow, shared;
	int swapped;

	traced_workload(_metadata, NULL, "handlers", out, sizeof(out),
			flt, &swapped, NULL);
	minflt = flt[0] + flt[1];
	majflt = flt[2] + flt[3];
	TH_LOG("minflt %llu cminflt %llu majflt %llu cmajflt %llu",
	       flt[0], flt[1], flt[2], flt[3]);
	anon = faults_field(out, "do_anonymous_page", "minor");
	copy = faults_field(out, "do_wp_page:copy", "minor");
	reuse = faults_field(out, "do_wp_page:reuse", "minor");
	rd = faults_field(out, "do_fault:read", "minor");
	cow = faults_field(out, "do_fault:cow", "minor");
	shared = faults_field(out, "do_fault:shared", "minor");
	ASSERT_EQ(0, json_field_u64(out, "total", "{", "minor", &minor));
	ASSERT_EQ(0, json_field_u64(out, "total", "{", "major", &major));

	/* Exact: the tracer's accounted faults are the kernel's. */
	EXPECT_EQ(minflt, minor);
	EXPECT_EQ(majflt, major);
	/* The children's own faults were seen (followed, not just waited). */
	EXPECT_LT(0, flt[1]);

	/* Each handler under the class a reader looks for. */
	EXPECT_TRUE(has_class(out, "anon", "do_anonymous_page"));
	EXPECT_TRUE(has_class(out, "COW copy", "do_wp_page:copy"));
	EXPECT_TRUE(has_class(out, "COW reuse", "do_wp_page:reuse"));
	EXPECT_TRUE(has_class(out, "file read", "do_fault:read"));
	EXPECT_TRUE(has_class(out, "file COW copy", "do_fault:cow"));
	EXPECT_TRUE(has_class(out, "shared write", "do_fault:shared"));
	if (swapped)
		EXPECT_TRUE(has_class(out, "swap-in", "do_swap_page"));

	EXPECT_LE(ANON_PAGES + COPY_PAGES + REUSE_PAGES + SWAP_PAGES +
		  2 * THREAD_PAGES, anon);
	EXPECT_GE(ANON_PAGES + COPY_PAGES + REUSE_PAGES + SWAP_PAGES +
		  2 * THREAD_PAGES + SLACK + THREAD_SLACK + 2 * CHILD_SLACK,
		  anon);
	EXPECT_LE(COPY_PAGES, copy);
	EXPECT_LE(COPY_PAGES + REUSE_PAGES, copy + reuse);
	/*
	 * + the stack of the thread started before the forks: shared too;
	 * + the children's writes to what they share with the workload.
	 */
	EXPECT_GE(COPY_PAGES + REUSE_PAGES + SLACK + THREAD_SLACK +
		  2 * CHILD_SLACK, copy + reuse);
	EXPECT_LE(READ_FAULTS, rd);
	EXPECT_GE(READ_FAULTS + SLACK + 2 * CHILD_SLACK, rd);
	EXPECT_LE(COW_PAGES, cow);
	EXPECT_GE(COW_PAGES + SLACK + 2 * CHILD_SLACK, cow);
	EXPECT_EQ(SHARED_PAGES, shared);
	/*
	 * Each swapped-out page is one do_swap_page: major when read from
	 * the disk, minor when still in the swap cache (writeback).
	 */
	TH_LOG("%d of %d pages swapped out", swapped, SWAP_PAGES);
	EXPECT_EQ(swapped, faults_field(out, "do_swap_page", "count"));
	EXPECT_EQ(0, faults_field(out, "do_huge_pmd_anonymous_page", "count"));

	/* Without --pin nothing is left behind. */
	EXPECT_NE(0, access(TRACER_PIN_ROOT "/faults", F_OK));
}

/*
 * What --pin leaves is root's alone, like the modules' files: directories
 * 0700, objects 0600, and uid 65534 cannot reach them. Returns how many
 * objects it checked.
 */
static int pinned_modes(struct __test_metadata *_metadata, const char *dir)
{
	static char paths[64][PATH_MAX];
	struct stat st;
	pid_t child;
	int i, n, status = 0;

	ASSERT_EQ(0, stat(TRACER_PIN_ROOT, &st));
	EXPECT_EQ(040700, st.st_mode & 0170777);
	ASSERT_EQ(0, stat(dir, &st));
	EXPECT_EQ(040700, st.st_mode & 0170777);
	n = mmscope_find_files(dir, NULL, paths, 64);
	for (i = 0; i < n; i++) {
		ASSERT_EQ(0, stat(paths[i], &st));
		EXPECT_EQ(0, st.st_uid) TH_LOG("%s", paths[i]);
		EXPECT_EQ(0600, st.st_mode & 0777)
			TH_LOG("%s: mode %o", paths[i], st.st_mode & 0777);
	}
	child = fork();
	if (!child) {
		if (setgid(MMSCOPE_NOBODY) || setuid(MMSCOPE_NOBODY))
			_exit(2);
		for (i = 0; i < n; i++)
			if (open(paths[i], O_RDONLY) >= 0 || errno != EACCES)
				_exit(1);
		_exit(0);
	}
	EXPECT_EQ(child, waitpid(child, &status, 0));
	EXPECT_EQ(0, status) TH_LOG("uid %d reached a pinned object",
				    MMSCOPE_NOBODY);
	return n;
}

/*
 * --pin leaves the counting maps for bpftool; unpin removes them. Every
 * process, per-CPU events: while the tracer runs, the map is behind the
 * exact counts (the summary's, a little later) by less than a sample
 * period per CPU and event, plus the faults taken meanwhile; when the
 * tool leaves, the map holds the exact counts it read, and only grows.
 */
#define PIN_PAGES	512

TEST_F_TIMEOUT(faults, pin_leaves_maps_for_bpftool, TRACE_TIMEOUT)
{
	static char out[1 << 16], err[4096];
	static struct faults_counts v[FAULTS_NR_MODES * 64];
	struct faults_counts seen[FAULTS_NR_MODES], left[FAULTS_NR_MODES];
	unsigned long long pg0, pg1, x[2], lag;
	int status = 0, ret, ncpus, m;
	char cmd[256];
	struct tracer t;
	FILE *p;
	size_t n;

	ncpus = possible_cpus();
	ASSERT_LT(0, ncpus);
	ASSERT_GE(64, ncpus);
	ret = tracer_start(&t, (const char *const[]){ "faults", "--count",
			   "--pin", NULL }, "counts", &status);
	ASSERT_EQ(0, ret) TH_LOG("mmscope trace faults --count --pin: %s",
				 strerror(-ret));
	/* Some periods' worth of faults to publish. */
	page = sysconf(_SC_PAGESIZE);
	write_pages(map_anon(PIN_PAGES), PIN_PAGES);
	pg0 = vmstat_pgfault();
	ASSERT_EQ(0, pinned_counts(v, ncpus, seen));
	ret = tracer_stop(&t, out, sizeof(out), err, sizeof(err));
	ASSERT_EQ(0, ret) TH_LOG("stderr: %s", err);
	ASSERT_EQ(0, access(TRACER_PIN_ROOT "/faults/counts", F_OK));
	EXPECT_LE(2, pinned_modes(_metadata, TRACER_PIN_ROOT "/faults"));
	ASSERT_EQ(0, pinned_counts(v, ncpus, left));
	pg1 = vmstat_pgfault();
	TH_LOG("%s", out);
	for (m = 0; m < FAULTS_NR_MODES; m++) {
		const char *mode = m == FAULTS_MODE_USER ? "\"user\"" :
			"\"kernel\"";

		ASSERT_EQ(0, json_field_u64(out, "mode", mode, "minor", &x[0]));
		ASSERT_EQ(0, json_field_u64(out, "mode", mode, "major", &x[1]));
		TH_LOG("%s: minor map %llu, exact %llu, left %llu; major %llu %llu %llu; pgfault +%llu",
		       mode, (unsigned long long)seen[m].minor, x[0],
		       (unsigned long long)left[m].minor,
		       (unsigned long long)seen[m].major, x[1],
		       (unsigned long long)left[m].major, pg1 - pg0);
		lag = ncpus * (FAULTS_MINOR_PERIOD - 1) + pg1 - pg0;
		EXPECT_LE(seen[m].minor, x[0]);
		EXPECT_GE(seen[m].minor + lag, x[0]);
		EXPECT_LE(seen[m].major, x[1]);
		EXPECT_GE(seen[m].major + pg1 - pg0, x[1]);
		/* Exact when the tool left, then only faults since. */
		EXPECT_LE(x[0], left[m].minor);
		EXPECT_GE(x[0] + pg1 - pg0, left[m].minor);
		EXPECT_LE(x[1], left[m].major);
		EXPECT_GE(x[1] + pg1 - pg0, left[m].major);
	}

	/* Still attached after the tool exited: faults keep counting. */
	snprintf(cmd, sizeof(cmd),
		 "bpftool -j map dump pinned %s/faults/counts 2>&1",
		 TRACER_PIN_ROOT);
	p = popen(cmd, "r");
	ASSERT_NE(NULL, p);
	n = fread(out, 1, sizeof(out) - 1, p);
	out[n] = '\0';
	EXPECT_EQ(0, pclose(p)) TH_LOG("%s", out);
	EXPECT_NE(NULL, strstr(out, "\"minor\":"));
	/* keyed by enum faults_mode, typed in the map's BTF: named keys */
	EXPECT_NE(NULL, strstr(out, "\"FAULTS_MODE_USER\"")) TH_LOG("%s", out);
	EXPECT_NE(NULL, strstr(out, "\"FAULTS_MODE_KERNEL\"")) TH_LOG("%s", out);

	EXPECT_EQ(0, system("mmscope trace unpin faults"));
	EXPECT_NE(0, access(TRACER_PIN_ROOT "/faults", F_OK));
}

/*
 * The handlers map is keyed by the BPF program's enum, typed in the
 * map's BTF: bpftool prints each handler by its name, with the count the
 * CLI reported for it (the traced command has exited, so the pinned
 * programs count nothing more).
 */
TEST_F_TIMEOUT(faults, bpftool_names_handler_keys, TRACE_TIMEOUT)
{
	static const char *const names[][2] = {
		{ "FAULTS_ANON", "do_anonymous_page" },
		{ "FAULTS_READ", "do_fault:read" },
	};
	static char out[1 << 16], dump[1 << 16];
	unsigned long long cli, map;
	FILE *p;
	size_t n;
	int i;

	p = popen("mmscope -j trace faults --pin -- true 2>&1", "r");
	ASSERT_NE(NULL, p);
	n = fread(out, 1, sizeof(out) - 1, p);
	out[n] = '\0';
	ASSERT_EQ(0, pclose(p)) TH_LOG("%s", out);
	p = popen("bpftool -j map dump pinned " TRACER_PIN_ROOT
		  "/faults/handlers 2>&1", "r");
	ASSERT_NE(NULL, p);
	n = fread(dump, 1, sizeof(dump) - 1, p);
	dump[n] = '\0';
	EXPECT_EQ(0, pclose(p)) TH_LOG("%s", dump);
	EXPECT_EQ(0, system("mmscope trace unpin faults"));
	for (i = 0; i < 2; i++) {
		char q[64];

		/* exec and the loader: first touches and file reads */
		cli = faults_field(out, names[i][1], "count");
		EXPECT_LT(0, cli) TH_LOG("%s: %s", names[i][1], out);
		snprintf(q, sizeof(q), "\"%s\"", names[i][0]);
		ASSERT_EQ(0, json_field_u64(dump, "key", q, "count", &map))
			TH_LOG("no key %s in bpftool's dump", q);
		EXPECT_EQ(cli, map) TH_LOG("%s", names[i][0]);
	}
}

TEST_HARNESS_MAIN
