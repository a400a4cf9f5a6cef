// SPDX-License-Identifier: GPL-2.0
/*
 * Random and malformed ioctls on every module's ctl, the commands taken
 * from the core's registry (MMSCOPE_CORE_IOC_IOCTLS): a module loaded
 * later is fuzzed with no change here. Each call mixes a registered or a
 * random command number, a size field (0, tiny, the first published, the
 * kernel's, huge, random), a struct pointer (good, NULL, unmapped, kernel,
 * misaligned, read-only) and struct words drawn from pids (self, 1, 0, -1,
 * a child that just exited, 2^31-1), addresses and ranges (of a region
 * another thread keeps changing, unmapped, kernel, wrapping, zero, huge),
 * counts and flags, while that thread churns mmap, munmap, mprotect, fork
 * and exit. What the calls take (holds, allocations, attachments) is
 * bounded by the modules' own limits and goes with the file, which is
 * closed and opened again every FILE_CALLS calls; the suite is reloaded at
 * the end, which drops module-wide state and shows nothing keeps a module
 * busy. After: no splat in the kernel log, and as many FOLL_PIN pins
 * released as acquired.
 *
 * MMSCOPE_FUZZ_SEED=N replays a run's calls (the seed is printed first);
 * MMSCOPE_FUZZ_CALLS=N is the number of calls per module.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <mmscope/core.h>

#include "kselftest_harness.h"
#include "mmscope_test.h"

MMSCOPE_REQUIRE(MMSCOPE_DEBUGFS "/ctl")

#define MAX_IOCTLS	256
#define MAX_MODULES	32
#define DEFAULT_CALLS	600
#define FILE_CALLS	64	/* calls between closing and opening a ctl */
#define ARENA_PAGES	16	/* scratch the kernel may write, guard after */
#define CHURN_PAGES	64	/* the window the churn thread changes */

static uint64_t rng;

static uint64_t rnd(void)
{
	/* xorshift64* */
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return rng * 0x2545F4914F6CDD1DULL;
}

static uint64_t below(uint64_t n)
{
	return n ? rnd() % n : 0;
}

static struct {
	long psize;
	unsigned char *arena;	/* ARENA_PAGES, then a PROT_NONE page */
	unsigned char *ro;	/* one read-only page */
	unsigned char *churn;	/* CHURN_PAGES the churn thread changes */
	unsigned long unmapped;	/* an address nothing maps */
	atomic_int dead_pid;	/* a child that has exited */
	atomic_bool stop;
	atomic_ulong churns;
} f;

/* mmap, mprotect, munmap inside the window; fork and exit; until stopped. */
static void *churn(void *arg)
{
	uint64_t s = (uintptr_t)arg | 1;

	while (!atomic_load(&f.stop)) {
		unsigned long i, n;
		unsigned char *p;
		pid_t child;

		s ^= s << 13;
		s ^= s >> 7;
		s ^= s << 17;
		n = 1 + s % 8;
		i = (s >> 8) % (CHURN_PAGES - n);
		p = f.churn + i * f.psize;
		switch ((s >> 20) % 5) {
		case 0:
			if (mmap(p, n * f.psize, PROT_READ | PROT_WRITE,
				 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1,
				 0) != MAP_FAILED)
				memset(p, 0x5a, n * f.psize);
			break;
		case 1:
			mprotect(p, n * f.psize, (s >> 24) & 1 ? PROT_READ :
				 PROT_NONE);
			break;
		case 2:
			/* gone, then held by a PROT_NONE mapping again */
			munmap(p, n * f.psize);
			mmap(p, n * f.psize, PROT_NONE,
			     MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
			break;
		case 3:
			madvise(p, n * f.psize, MADV_DONTNEED);
			break;
		default:
			child = fork();
			if (!child)
				_exit(0);
			if (child > 0) {
				waitpid(child, NULL, 0);
				atomic_store(&f.dead_pid, child);
			}
		}
		atomic_fetch_add(&f.churns, 1);
	}
	return NULL;
}

static uint64_t kernel_address(void)
{
	static const uint64_t k[] = {
		0xffffffff81000000ULL, 0xffff800008000000ULL,
		0xffff888000000000ULL, 0xffffffffff600000ULL,
	};

	return k[below(ARRAY_SIZE(k))];
}

static uint64_t pick_pid(void)
{
	switch (below(7)) {
	case 0: case 1: return getpid();
	case 2: return 1;
	case 3: return 0;
	case 4: return (uint32_t)-1;
	case 5: return atomic_load(&f.dead_pid);
	default: return 0x7fffffff;
	}
}

/* An address: mostly the churned window or the arena, else the odd ones. */
static uint64_t pick_address(void)
{
	switch (below(10)) {
	case 0: case 1: case 2:
		return (uintptr_t)f.churn + below(CHURN_PAGES) * f.psize;
	case 3: case 4:
		return (uintptr_t)f.arena + below(ARENA_PAGES) * f.psize;
	case 5: return 0;
	case 6: return f.unmapped;
	case 7: return kernel_address();
	case 8: return 0xfffffffffffff000ULL;	/* wraps */
	default: return (uintptr_t)f.churn + 1;	/* misaligned */
	}
}

static uint64_t pick_length(void)
{
	static const uint64_t l[] = {
		0, 1, 4096, 8192, 65536, 1 << 20, 1ULL << 40, ~0ULL,
		0xffffffffULL, 0x80000000ULL,
	};

	switch (below(4)) {
	case 0: return (1 + below(CHURN_PAGES)) * f.psize;
	case 1: return below(64);
	default: return l[below(ARRAY_SIZE(l))];
	}
}

static uint32_t pick_flags(void)
{
	switch (below(8)) {
	case 0: case 1: case 2: case 3: case 4: return 0;
	case 5: case 6: return 1U << below(8);
	default: return rnd();
	}
}

/* The struct after its size word: 8-byte slots of values that matter. */
static void fill(unsigned char *s, uint32_t len)
{
	uint32_t off;

	if (len >= 8)
		*(uint32_t *)(s + 4) = pick_flags();
	for (off = 8; off + 8 <= len; off += 8) {
		uint64_t v;

		switch (below(10)) {
		case 0: case 1: case 2: v = pick_address(); break;
		case 3: case 4: v = pick_length(); break;
		case 5: case 6: v = pick_pid() | (uint64_t)below(4) << 32; break;
		case 7: v = 0; break;
		case 8: v = below(1 << 20); break;	/* pfn, count */
		default: v = rnd();
		}
		memcpy(s + off, &v, 8);
	}
}

static uint32_t pick_size(const struct mmscope_ioctl_info *io)
{
	switch (below(10)) {
	case 0: return 0;
	case 1: return 1 + below(7);
	case 2: return io->min_size;
	case 3: return io->kernel_size + 8;
	case 4: return below(2) ? 4097 : 0xffffffffU;
	case 5: return below(MMSCOPE_IOC_SIZE_MAX + 1);
	default: return io->kernel_size;
	}
}

/* The command: mostly the registered one, else numbers around it. */
static unsigned long pick_cmd(const struct mmscope_ioctl_info *io)
{
	unsigned int nr;

	switch (below(10)) {
	case 0:
		nr = io->nr_first + below(io->nr_last - io->nr_first + 1);
		return (_IOWR(MMSCOPE_IOC_MAGIC, nr, char[8]) &
			~(_IOC_SIZEMASK << _IOC_SIZESHIFT)) |
		       (below(1 << 14) << _IOC_SIZESHIFT);
	case 1:
		return _IOC(below(4), MMSCOPE_IOC_MAGIC, below(256),
			    below(1 << 14));
	case 2:
		return (uint32_t)rnd();
	default:
		return io->cmd;
	}
}

/* Where the struct is: the arena mostly, else the bad places. */
static void *pick_arg(uint32_t size, bool *good)
{
	unsigned long room = ARENA_PAGES * f.psize - MMSCOPE_IOC_SIZE_MAX;

	*good = false;
	switch (below(12)) {
	case 0: return NULL;
	case 1: return (void *)f.unmapped;
	case 2: return (void *)(uintptr_t)kernel_address();
	case 3: return f.ro;
	case 4: return f.arena + ARENA_PAGES * f.psize - (size & 7);
	case 5: *good = true; return f.arena + 1 + below(7);
	default: *good = true; return f.arena + (below(room) & ~7UL);
	}
}

static int env_int(const char *name, long dflt)
{
	const char *v = getenv(name);

	return v && *v ? strtol(v, NULL, 0) : dflt;
}

FIXTURE(fuzz) {
};

FIXTURE_SETUP(fuzz)
{
}

FIXTURE_TEARDOWN(fuzz)
{
}

TEST_F_TIMEOUT(fuzz, every_registered_ctl_survives_random_calls, 7200)
{
	static struct mmscope_ioctl_info io[MAX_IOCTLS];
	char modules[MAX_MODULES][32], first[256] = "";
	int nio, nmod = 0, m, i, kmsg, calls;
	long pins_before, pins_after, total = 0;
	unsigned long long seed;
	pthread_t thread;

	seed = getenv("MMSCOPE_FUZZ_SEED") ?
	       strtoull(getenv("MMSCOPE_FUZZ_SEED"), NULL, 0) :
	       (unsigned long long)time(NULL) ^ getpid() << 16;
	calls = env_int("MMSCOPE_FUZZ_CALLS", DEFAULT_CALLS);
	ksft_print_msg("fuzz: seed %llu (MMSCOPE_FUZZ_SEED=%llu replays), %d calls per module\n",
		       seed, seed, calls);
	rng = seed | 1;

	nio = mmscope_registry(io, MAX_IOCTLS);
	ASSERT_LE(1, nio) TH_LOG("%s", mmscope_error);
	for (i = 0; i < nio; i++) {
		for (m = 0; m < nmod; m++)
			if (!strcmp(modules[m], io[i].module))
				break;
		if (m == nmod && nmod < MAX_MODULES)
			snprintf(modules[nmod++], sizeof(modules[0]), "%.31s",
				 io[i].module);
	}

	f.psize = getpagesize();
	f.arena = mmap(NULL, (ARENA_PAGES + 1) * f.psize,
		       PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
		       -1, 0);
	ASSERT_NE(MAP_FAILED, f.arena);
	ASSERT_EQ(0, mprotect(f.arena + ARENA_PAGES * f.psize, f.psize,
			      PROT_NONE));
	f.ro = mmap(NULL, f.psize, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS,
		    -1, 0);
	ASSERT_NE(MAP_FAILED, f.ro);
	f.churn = mmap(NULL, CHURN_PAGES * f.psize, PROT_NONE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, f.churn);
	/*
	 * Below mmap_min_addr: nothing maps it, and no later mapping (a
	 * thread's stack, say) can come to lie where the kernel may write.
	 */
	f.unmapped = 0x1000;
	atomic_store(&f.dead_pid, 0x7ffffffe);

	pins_before = mmscope_foll_pins_outstanding();
	kmsg = mmscope_kmsg_open();
	ASSERT_LE(0, kmsg);
	ASSERT_EQ(0, pthread_create(&thread, NULL, churn,
				    (void *)(uintptr_t)seed));

	for (m = 0; m < nmod; m++) {
		int n = 0, fd = -1, ok = 0, fault = 0, other = 0;
		int ids[MAX_IOCTLS];

		for (i = 0; i < nio; i++)
			if (!strcmp(io[i].module, modules[m]))
				ids[n++] = i;
		for (i = 0; i < calls; i++) {
			const struct mmscope_ioctl_info *e = &io[ids[below(n)]];
			uint32_t size = pick_size(e);
			unsigned long cmd = pick_cmd(e);
			void *arg;
			bool good;
			int ret;

			if (i % FILE_CALLS == 0) {
				if (fd >= 0)
					close(fd);
				fd = mmscope_registry_ctl_open(modules[m],
							       O_RDWR);
				ASSERT_LE(0, fd) TH_LOG("%s: %s", modules[m],
							strerror(-fd));
			}
			arg = pick_arg(size, &good);
			if (good) {
				memcpy(arg, &size, sizeof(size));
				fill(arg, size > MMSCOPE_IOC_SIZE_MAX ?
					  MMSCOPE_IOC_SIZE_MAX : size);
			}
			ret = ioctl(fd, cmd, arg) ? errno : 0;
			if (!ret)
				ok++;
			else if (ret == EFAULT)
				fault++;
			else
				other++;
		}
		if (fd >= 0)
			close(fd);
		total += calls;
		ksft_print_msg("fuzz: module %s: %d ioctls, %d calls: %d ok, %d EFAULT, %d other errors\n",
			       modules[m], n, calls, ok, fault, other);
	}
	atomic_store(&f.stop, true);
	pthread_join(thread, NULL);
	ksft_print_msg("fuzz: calls %ld modules %d churns %lu\n", total, nmod,
		       atomic_load(&f.churns));

	/* module-wide state goes with the modules; nothing may keep one busy */
	ASSERT_EQ(0, mmscope_suite_unload()) TH_LOG("%s", mmscope_error);
	ASSERT_EQ(0, mmscope_suite_load()) TH_LOG("%s", mmscope_error);
	pins_after = mmscope_foll_pins_outstanding();
	ksft_print_msg("leak: FOLL_PIN pins not released: %ld\n",
		       pins_after - pins_before);
	EXPECT_EQ(pins_before, pins_after)
		TH_LOG("FOLL_PIN pins acquired - released: %ld before, %ld after",
		       pins_before, pins_after);
	EXPECT_EQ(0, mmscope_kmsg_splats(kmsg, first, sizeof(first)))
		TH_LOG("kernel log: %s (seed %llu)", first, seed);
	close(kmsg);
}

TEST_HARNESS_MAIN
