// SPDX-License-Identifier: GPL-2.0
/*
 * Host unit tests of libmmscope's parsers and decoders: numbers and
 * targets of the command lines, /proc/PID/maps lines, pagemap runs and
 * the batched /proc/kpage* reader (on a file made here), compact walk
 * entries, and the name tables. Prints a line per check and
 * "libmmscope: N passed, N failed"; exits 1 on a failure.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libmmscope.h>

static int passed, failed;

#define CHECK(cond, ...) do {						\
	if (cond) {							\
		passed++;						\
	} else {							\
		failed++;						\
		printf("FAIL %s:%d: ", __func__, __LINE__);		\
		printf(__VA_ARGS__);					\
		printf(" (%s)\n", #cond);				\
	}								\
} while (0)

static void test_parse_size(void)
{
	static const struct {
		const char *arg;
		int ret;
		uint64_t val;
	} cases[] = {
		{ "0", 0, 0 }, { "4096", 0, 4096 }, { "0x1000", 0, 4096 },
		{ "0X1f", 0, 31 }, { "4K", 0, 4096 }, { "4k", 0, 4096 },
		{ "2M", 0, 2 << 20 }, { "1G", 0, 1 << 30 },
		{ "0x10k", 0, 16 << 10 }, { "010", 0, 10 },
		{ "18446744073709551615", 0, UINT64_MAX },
		{ "0xffffffffffffffff", 0, UINT64_MAX },
		{ "18446744073709551616", -ERANGE, 0 },
		{ "17179869184G", -ERANGE, 0 }, { "", -EINVAL, 0 },
		{ "0x", -EINVAL, 0 }, { "zz", -EINVAL, 0 },
		{ "4Q", -EINVAL, 0 }, { "4KK", -EINVAL, 0 },
		{ "-1", -EINVAL, 0 }, { " 1", -EINVAL, 0 }, { "K", -EINVAL, 0 },
	};
	unsigned int i;
	uint64_t v;
	int ret;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		v = 0;
		ret = mmscope_parse_size(cases[i].arg, &v);
		CHECK(ret == cases[i].ret, "'%s': %d", cases[i].arg, ret);
		CHECK(ret || v == cases[i].val, "'%s': %llu", cases[i].arg,
		      (unsigned long long)v);
	}
}

/* Parse a NULL-terminated argv as a command would; the done() result. */
static int target(const char *const *args, unsigned int kinds,
		  struct mmscope_target_args *t, int *others)
{
	char *argv[16];
	int argc = 0, i = 0, ret;

	while (args[argc])
		argv[argc] = (char *)args[argc], argc++;
	memset(t, 0, sizeof(*t));
	*others = 0;
	while (i < argc) {
		ret = mmscope_target_arg(t, argc, argv, &i);
		if (ret < 0)
			return ret;
		if (!ret) {
			(*others)++;
			i++;
		}
	}
	return mmscope_target_done(t, kinds, 4096);
}

static void test_target(void)
{
	const unsigned int pid_pfn = MMSCOPE_TARGETS_PID | MMSCOPE_TARGETS_PFN;
	const unsigned int pid_kernel = MMSCOPE_TARGETS_PID |
					MMSCOPE_TARGETS_KERNEL;
	struct mmscope_target_args t;
	int others, ret;

	ret = target((const char *[]){ "--pid", "12", "0x1000", "8K", NULL },
		     pid_pfn, &t, &others);
	CHECK(!ret && t.kind == MMSCOPE_TARGET_PID && t.pid == 12 &&
	      t.start == 0x1000 && t.len == 8192, "pid: %d", ret);
	ret = target((const char *[]){ "0x1000", "--path", "--pid=7", NULL },
		     pid_kernel, &t, &others);
	CHECK(!ret && t.pid == 7 && t.len == 4096 && others == 1,
	      "options after ADDR: %d, %d others", ret, others);
	ret = target((const char *[]){ "--pfn", "0x10", "3", NULL }, pid_pfn,
		     &t, &others);
	CHECK(!ret && t.kind == MMSCOPE_TARGET_PFN && t.start == 16 &&
	      t.len == 3, "pfn: %d", ret);
	ret = target((const char *[]){ "--pfn", "0x10", NULL }, pid_pfn, &t,
		     &others);
	CHECK(!ret && t.len == 1, "pfn counts pages: %llu",
	      (unsigned long long)t.len);
	ret = target((const char *[]){ "--kernel", "0xffff888000000000", "1G",
				       NULL }, pid_kernel, &t, &others);
	CHECK(!ret && t.kind == MMSCOPE_TARGET_KERNEL && t.len == 1 << 30,
	      "kernel: %d", ret);
	CHECK(target((const char *[]){ "--kernel", "1", NULL }, pid_pfn, &t,
		     &others) == -EINVAL, "--kernel where not taken");
	CHECK(target((const char *[]){ "--pid", "1", "--kernel", "1", NULL },
		     pid_kernel, &t, &others) == -EINVAL, "two kinds");
	CHECK(target((const char *[]){ "--pid", "0", "1", NULL }, pid_kernel,
		     &t, &others) == -EINVAL, "pid 0");
	CHECK(target((const char *[]){ "--pid", "2147483648", "1", NULL },
		     pid_kernel, &t, &others) == -EINVAL, "pid too large");
	CHECK(target((const char *[]){ "--pid", NULL }, pid_kernel, &t,
		     &others) == -EINVAL, "--pid without PID");
	CHECK(target((const char *[]){ "--pid", "1", NULL }, pid_kernel, &t,
		     &others) == -EINVAL, "no ADDR");
	CHECK(target((const char *[]){ "0x1000", NULL }, pid_kernel, &t,
		     &others) == -EINVAL, "no kind");
	CHECK(target((const char *[]){ "--pid", "1", "1", "2", "3", NULL },
		     pid_kernel, &t, &others) == -EINVAL, "three positionals");
	CHECK(target((const char *[]){ "--pid", "1", "1", "4Q", NULL },
		     pid_kernel, &t, &others) == -EINVAL, "bad LEN");
	CHECK(!strcmp(mmscope_last_error(), "LEN: invalid number '4Q'"),
	      "message names LEN: %s", mmscope_last_error());
}

static void test_maps(void)
{
	struct mmscope_map m, v[3];

	CHECK(!mmscope_maps_parse_line("7f0000000000-7f0000021000 r-xp 00002000 08:01 1234   /usr/lib/libc.so.6\n", &m) &&
	      m.start == 0x7f0000000000ULL && m.end == 0x7f0000021000ULL &&
	      m.offset == 0x2000 && !strcmp(m.perms, "r-xp") &&
	      !strcmp(m.path, "/usr/lib/libc.so.6"), "file: '%s'", m.path);
	CHECK(!mmscope_maps_parse_line("7ffc0000-7ffc1000 rw-p 00000000 00:00 0 \n", &m) &&
	      m.path[0] == '\0', "anonymous: '%s'", m.path);
	CHECK(!mmscope_maps_parse_line("1000-2000 rw-p 00000000 00:00 0                          [stack]", &m) &&
	      !strcmp(m.path, "[stack]"), "stack: '%s'", m.path);
	CHECK(!mmscope_maps_parse_line("1000-2000 rw-s 00000000 00:05 7 /dev/shm/a b (deleted)\n", &m) &&
	      !strcmp(m.path, "/dev/shm/a b (deleted)"), "spaces: '%s'", m.path);
	CHECK(mmscope_maps_parse_line("garbage\n", &m) == -EINVAL, "garbage");
	CHECK(mmscope_maps_parse_line("2000-1000 rw-p 0 00:00 0\n", &m) == -EINVAL,
	      "end before start");
	v[0].start = 0x1000;
	v[1].start = 0x5000;
	v[2].start = 0x9000;
	CHECK(mmscope_maps_find(v, 3, 0x5000) == &v[1], "find middle");
	CHECK(mmscope_maps_find(v, 3, 0x9000) == &v[2], "find last");
	CHECK(!mmscope_maps_find(v, 3, 0x6000), "find none");
}

#define P(pfn) (PM_PRESENT | (pfn))

static void test_kpage_runs(void)
{
	const uint64_t pm[] = { P(10), P(11), P(12), 0, P(20), P(5), P(6),
				PM_SWAP | 3, P(7) };
	const size_t n = sizeof(pm) / sizeof(pm[0]);
	char path[] = "/tmp/libmmscope-kpage.XXXXXX";
	uint64_t words[32], out[16];
	long calls;
	size_t i;
	int fd;

	CHECK(mmscope_pagemap_runs(pm, n) == 4, "runs: %zu",
	      mmscope_pagemap_runs(pm, n));
	for (i = 0; i < 32; i++)
		words[i] = i * 3 + 1;
	fd = mkstemp(path);
	CHECK(fd >= 0, "mkstemp");
	if (fd < 0)
		return;
	unlink(path);
	CHECK(write(fd, words, sizeof(words)) == sizeof(words), "write");
	memset(out, 0xff, sizeof(out));
	calls = mmscope_kpage_read_runs(fd, pm, n, out);
	CHECK(calls == 4, "one pread per run: %ld", calls);
	for (i = 0; i < n; i++)
		CHECK(out[i] == (pm[i] & PM_PRESENT ? PM_PFN(pm[i]) * 3 + 1 : 0),
		      "page %zu: %llu", i, (unsigned long long)out[i]);
	CHECK(mmscope_read_words(fd, 30, 4, out) == -EIO, "past the end: EIO");
	close(fd);
}

static void test_walk_entry(void)
{
	struct mmscope_pagewalk_context ctx = { .page_size = 4096,
						.mair = 0x4400ff0004ULL };
	struct mmscope_pagewalk_vma vmas[2] = {
		{ .start = 0x1000, .end = 0x3000, .kind = 1 },
		{ .start = 0x8000, .end = 0x9000, .kind = 2, .pgoff = 7 },
	};
	struct mmscope_pagewalk_entry e = { .va = 0x8000, .pfn = 0x42,
					    .pages = 2, .attr = 4,
					    .state = MMSCOPE_PAGEWALK_PRESENT,
					    .desc_pkey = 4 };
	struct mmscope_walk w = { .vmas = vmas, .vma_count = 2 };
	struct mmscope_pagewalk_record r;
	uint32_t cursor = 0;

	strcpy(ctx.arch, "arm64");
	mmscope_walk_entry_record(&e, &vmas[1], &ctx, &r);
	CHECK(r.size == 8192 && r.pfn == 0x42 && r.desc_type == 4 &&
	      r.mair == 0x44 && r.vma_kind == 2 && r.vma_pgoff == 7,
	      "arm64 present: mair 0x%x", r.mair);
	strcpy(ctx.arch, "x86_64");
	e.state = MMSCOPE_PAGEWALK_SWAP;
	e.swap_type = 1;
	mmscope_walk_entry_record(&e, NULL, &ctx, &r);
	CHECK(r.pfn == MMSCOPE_PAGEWALK_NO_PFN && r.swap_offset == 0x42 &&
	      r.swap_type == 1 && r.pkey == 4 && !r.mair && !r.vma_end,
	      "x86 swap");
	CHECK(mmscope_walk_vma_of(&w, 0x1000, &cursor) == &vmas[0], "vma 0");
	CHECK(!mmscope_walk_vma_of(&w, 0x4000, &cursor), "gap");
	CHECK(mmscope_walk_vma_of(&w, 0x8fff, &cursor) == &vmas[1], "vma 1");
	CHECK(!mmscope_walk_vma_of(&w, 0x9000, &cursor), "after the table");
}

static void test_names(void)
{
	/* the CLI's JSON names: a contract */
	CHECK(!strcmp(mmscope_pageref_state_name(MMSCOPE_PAGEREF_NO_VMA), "unmapped") &&
	      !strcmp(mmscope_pageref_state_name(MMSCOPE_PAGEREF_NONE), "not-faulted") &&
	      !strcmp(mmscope_pageref_state_name(MMSCOPE_PAGEREF_NONPAGE), "non-present") &&
	      !strcmp(mmscope_pageref_state_name(MMSCOPE_PAGEREF_NO_STRUCT_PAGE), "pfnmap") &&
	      !strcmp(mmscope_pageref_state_name(MMSCOPE_PAGEREF_FREE), "free"),
	      "pageref states");
	CHECK(!strcmp(mmscope_pageref_state_name(99), "unknown"), "unknown state");
	CHECK(!strcmp(mmscope_pageref_mapping_name(MMSCOPE_PAGEREF_MAP_SWAPCACHE),
		      "swapcache"), "mapping");
	CHECK(!strcmp(mmscope_pageref_lru_name(MMSCOPE_PAGEREF_LRU_GEN_FILE),
		      "gen_file"), "lru");
	CHECK(!strcmp(mmscope_pageref_pgflag_name(MMSCOPE_PGF_ANON_EXCLUSIVE),
		      "anon_exclusive") &&
	      !mmscope_pageref_pgflag_name(MMSCOPE_PGF_COUNT), "pgflags");
	CHECK(!strcmp(mmscope_pageref_kind_name(MMSCOPE_PAGEREF_KIND_PIN_LONGTERM),
		      "pin-longterm"), "hold kinds");
	CHECK(!strcmp(mmscope_pagewalk_level_name(MMSCOPE_PAGEWALK_PMD), "pmd"),
	      "levels");
	CHECK(!strcmp(mmscope_pagewalk_state_name(MMSCOPE_PAGEWALK_PROTNONE),
		      "protnone"), "walk states");
	CHECK(!strcmp(mmscope_pagewalk_linux_name(14), "anon") &&
	      !strcmp(mmscope_pagewalk_linux_name(13), "write_migration") &&
	      !mmscope_pagewalk_linux_name(16), "linux bits");
	CHECK(!strcmp(mmscope_pagewalk_vma_kind_name(MMSCOPE_PAGEWALK_VMA_HUGETLB),
		      "hugetlb"), "vma kinds");
	CHECK(!strcmp(mmscope_pagewalk_desc_name(2), "invalid") &&
	      !strcmp(mmscope_pagewalk_desc_name(MMSCOPE_PAGEWALK_DESC_PAGE), "page"),
	      "descriptors");
	CHECK(!strcmp(mmscope_pagewalk_hw_name(false, MMSCOPE_PAGEWALK_X86_NX), "NX") &&
	      !strcmp(mmscope_pagewalk_hw_name(true, MMSCOPE_PAGEWALK_ARM64_AF), "AF") &&
	      !mmscope_pagewalk_hw_name(false, MMSCOPE_PAGEWALK_X86_NR_BITS),
	      "hw bits");
	CHECK(!strcmp(mmscope_strerror(ESRCH), "no such process"), "strerror");
}

int main(void)
{
	test_parse_size();
	test_target();
	test_maps();
	test_kpage_runs();
	test_walk_entry();
	test_names();
	printf("libmmscope: %d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
