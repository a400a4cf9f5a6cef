// SPDX-License-Identifier: GPL-2.0
/*
 * mmscope trace pagetables: touching new 2 MiB ranges allocates PTE
 * tables; fork copies the page tables of VMAs with anonymous pages and
 * skips the others; munmap frees tables. Counted for this process.
 */
#include <sys/mman.h>

#include "kselftest_harness.h"
#include "mmscope_test.h"
#include "../trace/tracer.h"

#define REGION		(8UL << 20)
#define STEP		(2UL << 20)

TEST(pagetables_counts_allocs_fork_copies_and_frees)
{
	char me[16], entry[32], out[65536], err[4096];
	const char *argv[] = { "pagetables", "--pid", me, NULL };
	unsigned long long pte = 0, vmas = 0, copied = 0, freed = 0;
	struct tracer t = { 0 };
	char *touched, *untouched;
	int status = 0, ret;
	size_t off;
	pid_t child;

	if (access("/sys/fs/bpf", F_OK))
		SKIP(return, "no bpffs");
	snprintf(me, sizeof(me), "%d", getpid());
	/* this process's entry, not the run's own "pid" */
	snprintf(entry, sizeof(entry), "%d,\"alloc\"", getpid());
	ret = tracer_start(&t, argv, "tables", &status);
	if (ret == -ECHILD) {
		tracer_read_all(t.err, err, sizeof(err));
		ASSERT_EQ(0, ret) TH_LOG("tracer exited %d: %s", status, err);
	}
	ASSERT_EQ(0, ret) TH_LOG("tracer not ready: %s", strerror(-ret));

	touched = mmap(NULL, REGION + STEP, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	untouched = mmap(NULL, REGION, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, touched);
	ASSERT_NE(MAP_FAILED, untouched);
	madvise(touched, REGION + STEP, MADV_NOHUGEPAGE);
	for (off = 0; off < REGION + STEP; off += STEP)
		touched[off] = 1;
	child = fork();
	ASSERT_LE(0, child);
	if (!child)
		_exit(touched[0] == 1 ? 0 : 1);
	ASSERT_EQ(child, waitpid(child, &status, 0));
	ASSERT_EQ(0, munmap(touched, REGION + STEP));
	ASSERT_EQ(0, munmap(untouched, REGION));

	ASSERT_EQ(0, tracer_stop(&t, out, sizeof(out), err, sizeof(err)))
		TH_LOG("%s", err);
	ASSERT_EQ(0, json_field_u64(out, "pid", entry, "pte", &pte))
		TH_LOG("%s", out);
	ASSERT_EQ(0, json_field_u64(out, "pid", entry, "vmas", &vmas));
	ASSERT_EQ(0, json_field_u64(out, "pid", entry, "vmas_copied", &copied));
	ASSERT_EQ(0, json_field_u64(out, "pid", entry, "free_pgtables", &freed));
	/* REGION + STEP spans at least REGION / STEP PMDs */
	ASSERT_LE(REGION / STEP, pte) TH_LOG("%s", out);
	ASSERT_LE(1, copied) TH_LOG("%s", out);
	/* the untouched VMA (no anon_vma) and others are not copied */
	ASSERT_LT(copied, vmas) TH_LOG("%s", out);
	ASSERT_LE(1, freed) TH_LOG("%s", out);
}

TEST_HARNESS_MAIN
