/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the mmscope selftests: reading small text files, the
 * guest's build record, the kernel log and the suite's modules. Linked into
 * every selftest program. Functions return 0 or a length on success and
 * -errno on failure; the ones that can fail in several places leave a
 * message in mmscope_error for the test's TH_LOG.
 */
#ifndef MMSCOPE_TEST_H
#define MMSCOPE_TEST_H

#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define MMSCOPE_DEBUGFS		"/sys/kernel/debug/mmscope"
#define MMSCOPE_BUILD_INFO	"/etc/mmscope/build-info"
#define MMSCOPE_MODULE_DIR	"/lib/modules/mmscope"
#define MMSCOPE_NOBODY		65534

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a)		(sizeof(a) / sizeof((a)[0]))
#endif

/* What the last failing helper had to say, for TH_LOG("%s", ...). */
extern char mmscope_error[512];

/*
 * Why a selftest cannot run here (not root, or path missing: the module
 * under test is not loaded), or NULL when it can.
 */
const char *mmscope_unmet(const char *path);

/*
 * Skip the whole program, with the reason, when mmscope_unmet(path) says
 * so. Checked before the harness starts, so a missing module is one SKIP,
 * not a failure per test.
 */
#define MMSCOPE_REQUIRE(path)						\
	static void __attribute__((constructor)) mmscope_require(void)	\
	{								\
		const char *why = mmscope_unmet(path);			\
									\
		if (why) {						\
			ksft_print_header();				\
			ksft_exit_skip("%s\n", why);			\
		}							\
	}

/*
 * Stay root, but without CAP_SYS_ADMIN in the effective set, for the rest
 * of the calling process (the harness forks one per test). 0 or -errno.
 */
int mmscope_drop_cap_sys_admin(void);

/* Read a whole (small) file into buf, NUL-terminated; returns its length. */
ssize_t mmscope_read_file(const char *path, char *buf, size_t size);

/*
 * Find the line "<key><sep><value>" in text and copy value (up to the end
 * of the line) into val. Returns 0, -ENOENT, or -ENAMETOOLONG.
 */
int mmscope_text_field(const char *text, const char *key, char sep,
		       char *val, size_t size);

/* A KEY=VALUE of /etc/mmscope/build-info. */
int mmscope_build_info(const char *key, char *val, size_t size);

/* The suite's build name for this machine: "x86_64" or "arm64". */
const char *mmscope_machine_arch(void);

/*
 * Every regular file called name (any name if NULL) under dir, depth
 * first, into paths[max]; returns how many (at most max) or -errno.
 */
int mmscope_find_files(const char *dir, const char *name,
		       char paths[][PATH_MAX], int max);

/*
 * The kernel log from now on: mmscope_kmsg_open() returns a descriptor
 * positioned after the last record; mmscope_kmsg_splats() reads what was
 * logged since and returns how many lines report a kernel problem (BUG,
 * WARNING, Oops, Call Trace, ...), the first of them copied into first.
 */
int mmscope_kmsg_open(void);
int mmscope_kmsg_splats(int fd, char *first, size_t size);

/* The suite's modules, from MMSCOPE_MODULE_DIR/load-order. */
#define MMSCOPE_MAX_MODULES	16
#define MMSCOPE_MODULE_NAME_LEN	56
int mmscope_suite_modules(char names[][MMSCOPE_MODULE_NAME_LEN], int max);

/* Unload the suite in reverse load order; modules not loaded are fine. */
int mmscope_suite_unload(void);

/* Load the suite in load order; modules already loaded are fine. */
int mmscope_suite_load(void);

/* Unload one module of the suite (waiting while it is busy), load it again. */
int mmscope_module_reload(const char *name);

/*
 * /proc/PID/pagemap (pid <= 0: self), /proc/kpageflags, /proc/kpagecount:
 * npages (n) 64-bit entries from the page at start (the PFN pfn) on, read
 * with one pread() into out. Return 0 or -errno (message in mmscope_error).
 */
int mmscope_pagemap_read(pid_t pid, unsigned long start, size_t npages,
			 uint64_t *out);
int mmscope_kpageflags_read(uint64_t pfn, size_t n, uint64_t *out);
int mmscope_kpagecount_read(uint64_t pfn, size_t n, uint64_t *out);

/* Fields of a pagemap entry (Documentation/admin-guide/mm/pagemap.rst). */
#define PM_PRESENT		(1ULL << 63)
#define PM_SWAP			(1ULL << 62)
#define PM_FILE			(1ULL << 61)
#define PM_UFFD_WP		(1ULL << 57)
#define PM_MMAP_EXCLUSIVE	(1ULL << 56)
#define PM_SOFT_DIRTY		(1ULL << 55)
#define PM_PFN(e)		((e) & ((1ULL << 55) - 1))
#define PM_SWAP_TYPE(e)		((e) & 0x1f)
#define PM_SWAP_OFFSET(e)	(((e) >> 5) & ((1ULL << 50) - 1))

/* Bits of /proc/kpageflags (include/uapi/linux/kernel-page-flags.h). */
#define KPF_BIT(n)		(1ULL << (n))
#define KPF_LOCKED		0
#define KPF_DIRTY		4
#define KPF_LRU			5
#define KPF_ACTIVE		6
#define KPF_SLAB		7
#define KPF_WRITEBACK		8
#define KPF_RECLAIM		9
#define KPF_BUDDY		10
#define KPF_MMAP		11
#define KPF_ANON		12
#define KPF_SWAPCACHE		13
#define KPF_SWAPBACKED		14
#define KPF_COMPOUND_HEAD	15
#define KPF_COMPOUND_TAIL	16
#define KPF_HUGE		17
#define KPF_UNEVICTABLE		18
#define KPF_HWPOISON		19
#define KPF_NOPAGE		20
#define KPF_KSM			21
#define KPF_THP			22
#define KPF_OFFLINE		23
#define KPF_ZERO_PAGE		24
#define KPF_IDLE		25
#define KPF_PGTABLE		26

#endif /* MMSCOPE_TEST_H */
