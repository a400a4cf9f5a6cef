// SPDX-License-Identifier: GPL-2.0
/*
 * The whole suite unloaded and loaded again and again under a memory
 * workload (a process that maps, fills, forks and unmaps without pause),
 * with what outlives a file made in between: each cycle pins pages with a
 * detached hold (the module's until unload), takes a hold of the file,
 * watches a page, attaches an MMU notifier to the workload and allocates
 * blocks, each where its module is loaded, every registered ctl is
 * opened, and one of the `mmscope trace` BPF tracers (each in turn) is
 * attached, counts that activity and is detached again: it must exit 0
 * and leave nothing pinned under /sys/fs/bpf/mmscope. Every unload must
 * succeed, and after the last cycle the FOLL_PIN pins released equal those
 * acquired and the kernel log has no splat. MMSCOPE_CYCLES=N cycles
 * (default: one per tracer; `make stress` runs 100).
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <mmscope/compaction.h>
#include <mmscope/core.h>
#include <mmscope/mmu_notifier.h>
#include <mmscope/pageref.h>

#include "kselftest_harness.h"
#include "mmscope_test.h"
#include "../trace/tracer.h"

MMSCOPE_REQUIRE(MMSCOPE_DEBUGFS "/ctl")

#define WORK_MB		32
#define HOLD_PAGES	16
#define MAX_IOCTLS	256

/* Map, fill, fork a child that writes and exits, unmap; until killed. */
static void workload(void)
{
	size_t len = WORK_MB << 20;

	for (;;) {
		char *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		pid_t c;

		if (p == MAP_FAILED)
			continue;
		memset(p, 0x3c, len);
		c = fork();
		if (!c) {
			memset(p, 0x4d, len / 4);
			_exit(0);
		}
		if (c > 0)
			waitpid(c, NULL, 0);
		munmap(p, len);
	}
}

static int ctl(const char *module)
{
	int fd = mmscope_registry_ctl_open(module, O_RDWR);

	return fd < 0 ? -1 : fd;
}

/* What outlives a file, made with each module that is loaded: how many. */
static int make_things(char *region, pid_t work)
{
	struct mmscope_pageref_hold h = { .size = sizeof(h) };
	struct mmscope_pageref_watch w = { .size = sizeof(w) };
	struct mmscope_mmu_notifier_attach a = { .size = sizeof(a) };
	struct mmscope_compaction_alloc c = { .size = sizeof(c) };
	int fd, made = 0;

	fd = ctl("pageref");
	if (fd >= 0) {
		h.pid = getpid();
		h.start = (uintptr_t)region;
		h.len = HOLD_PAGES * getpagesize();
		h.flags = MMSCOPE_PAGEREF_HOLD_DETACH;
		made += !ioctl(fd, MMSCOPE_PAGEREF_IOC_PIN, &h);
		h.flags = 0;
		made += !ioctl(fd, MMSCOPE_PAGEREF_IOC_GET, &h);
		w.flags = MMSCOPE_PAGEREF_WATCH_ADD;
		w.pid = getpid();
		w.start = (uintptr_t)region;
		w.len = getpagesize();
		made += !ioctl(fd, MMSCOPE_PAGEREF_IOC_WATCH, &w);
		close(fd);
	}
	fd = ctl("mmu_notifier");
	if (fd >= 0) {
		a.pid = work;
		made += !ioctl(fd, MMSCOPE_MMU_NOTIFIER_IOC_ATTACH, &a);
		close(fd);
	}
	fd = ctl("compaction");
	if (fd >= 0) {
		c.order = 2;
		c.count = 64;
		made += !ioctl(fd, MMSCOPE_COMPACTION_IOC_ALLOC, &c);
		close(fd);
	}
	return made;
}

/* The tracers, each with what it needs and the map it pins last. */
struct cycle_tracer {
	const char *name, *opt, *ready;
	bool pid, addr;		/* --pid PID, then the region's address */
};

static const struct cycle_tracer tracers[] = {
	{ .name = "faults", .ready = "handlers" },
	{ .name = "core", .ready = "lookups" },
	{ .name = "pageref", .opt = "--pid", .ready = "sites", .pid = true,
	  .addr = true },
	{ .name = "compaction", .ready = "kinds" },
	{ .name = "thp", .ready = "collapses" },
	{ .name = "notifier", .opt = "--pid", .ready = "counts", .pid = true },
	{ .name = "swap", .ready = "procs" },
};

static char tracer_out[1 << 16], tracer_err[1 << 12];

/*
 * Attach tracer @t, run @during, detach it: 0, or a message in
 * mmscope_error. @pid and @addr for the tracers that take them.
 */
static int tracer_cycle(const struct cycle_tracer *t, pid_t pid, void *addr,
			int (*during)(void))
{
	char p[16], a[32], dir[128];
	const char *argv[6] = { t->name };
	struct tracer tr = { .out = -1, .err = -1 };
	int n = 1, ret, status = 0;

	snprintf(p, sizeof(p), "%d", pid);
	snprintf(a, sizeof(a), "%p", addr);
	if (t->pid) {
		argv[n++] = t->opt;
		argv[n++] = p;
	}
	if (t->addr)
		argv[n++] = a;
	ret = tracer_start(&tr, argv, t->ready, &status);
	if (ret) {
		tracer_stop(&tr, tracer_out, sizeof(tracer_out), tracer_err,
			    sizeof(tracer_err));
		snprintf(mmscope_error, sizeof(mmscope_error),
			 "mmscope trace %s did not start: %s (status %d): %.200s",
			 t->name, strerror(-ret), status, tracer_err);
		return -1;
	}
	during();
	ret = tracer_stop(&tr, tracer_out, sizeof(tracer_out), tracer_err,
			  sizeof(tracer_err));
	if (ret) {
		snprintf(mmscope_error, sizeof(mmscope_error),
			 "mmscope trace %s exited %d: %.200s", t->name, ret,
			 tracer_err);
		return -1;
	}
	snprintf(dir, sizeof(dir), TRACER_PIN_ROOT "/%s", t->name);
	if (!access(dir, F_OK)) {
		snprintf(mmscope_error, sizeof(mmscope_error),
			 "%s is left pinned after the tracer exited", dir);
		return -1;
	}
	return 0;
}

/* Every registered ctl opened and closed again. */
static int open_every_ctl(void)
{
	static struct mmscope_ioctl_info io[MAX_IOCTLS];
	int i, n, fd, opened = 0;

	n = mmscope_registry(io, MAX_IOCTLS);
	for (i = 0; i < n; i++) {
		fd = mmscope_registry_ctl_open(io[i].module, O_RDWR);
		if (fd >= 0) {
			opened++;
			close(fd);
		}
	}
	return n < 0 ? n : opened;
}

FIXTURE(cycles) {
};

FIXTURE_SETUP(cycles)
{
}

FIXTURE_TEARDOWN(cycles)
{
}

TEST_F_TIMEOUT(cycles, suite_unloads_and_loads_under_load, 7200)
{
	const char *env = getenv("MMSCOPE_CYCLES");
	int ntracers = ARRAY_SIZE(tracers), traced = 0;
	int cycles = env ? atoi(env) : ntracers, i, made = 0, status;
	char first[256] = "", *region;
	long pins_before;
	pid_t work;
	int kmsg;

	region = mmap(NULL, HOLD_PAGES * getpagesize(), PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, region);
	memset(region, 0x11, HOLD_PAGES * getpagesize());
	pins_before = mmscope_foll_pins_outstanding();
	kmsg = mmscope_kmsg_open();
	ASSERT_LE(0, kmsg);
	work = fork();
	ASSERT_LE(0, work);
	if (!work)
		workload();

	for (i = 0; i < cycles; i++) {
		ASSERT_EQ(0, mmscope_suite_load())
			TH_LOG("cycle %d: %s", i, mmscope_error);
		EXPECT_LT(0, open_every_ctl()) TH_LOG("cycle %d", i);
		made += make_things(region, work);
		EXPECT_EQ(0, tracer_cycle(&tracers[i % ntracers], getpid(),
					  region, open_every_ctl))
			TH_LOG("cycle %d: %s", i, mmscope_error);
		traced++;
		ASSERT_EQ(0, mmscope_suite_unload())
			TH_LOG("cycle %d: %s", i, mmscope_error);
		EXPECT_EQ(pins_before, mmscope_foll_pins_outstanding())
			TH_LOG("cycle %d", i);
	}
	kill(work, SIGKILL);
	waitpid(work, &status, 0);
	ASSERT_EQ(0, mmscope_suite_load()) TH_LOG("%s", mmscope_error);
	ksft_print_msg("cycles: %d load/unload cycles, %d holds, watches, attachments and allocations made in between\n",
		       cycles, made);
	EXPECT_LE(cycles, made);
	ksft_print_msg("tracers: %d attached and detached, %d kinds\n", traced,
		       cycles < ntracers ? cycles : ntracers);
	ksft_print_msg("leak: FOLL_PIN pins not released: %ld\n",
		       mmscope_foll_pins_outstanding() - pins_before);
	EXPECT_EQ(pins_before, mmscope_foll_pins_outstanding());
	EXPECT_EQ(0, mmscope_kmsg_splats(kmsg, first, sizeof(first)))
		TH_LOG("kernel log: %s", first);
	close(kmsg);
}

TEST_HARNESS_MAIN
