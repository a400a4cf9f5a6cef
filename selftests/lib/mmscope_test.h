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

/*
 * Fold every CPU's pending vmstat deltas into the counters
 * (/proc/sys/vm/stat_refresh), so that /proc/vmstat is exact; 0 or -errno.
 */
int mmscope_vmstat_refresh(void);

/*
 * FOLL_PIN pins taken and not yet released, system-wide (/proc/vmstat's
 * nr_foll_pin_acquired - nr_foll_pin_released, refreshed first).
 */
long mmscope_foll_pins_outstanding(void);

/*
 * Objects in use in the slab caches whose names start with prefix, summed
 * (/proc/slabinfo), or -1. Each cache is shrunk first and each CPU
 * visited, so that free objects a CPU keeps at hand are not counted as in
 * use.
 */
long mmscope_slab_active(const char *prefix);

/*
 * A sysctl or sysfs knob: write val (0 or -errno); read a number (-1 when
 * it cannot be read).
 */
int mmscope_write_str(const char *path, const char *val);
long mmscope_read_long(const char *path);

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
 * Run `mmscope ARGS...` (args NULL-terminated, from PATH) with its stdout
 * into out (NUL-terminated, cut at size); returns its exit status, or
 * -errno if it could not be run.
 */
int mmscope_run_cli(const char *const *args, char *out, size_t size);
/* The same with stderr into out too, in the order they were written. */
int mmscope_run_cli_all(const char *const *args, char *out, size_t size);

/*
 * The core's registry (MMSCOPE_CORE_IOC_IOCTLS): every loaded module's
 * ioctls into io[max]; returns how many or -errno (-ENOSPC: more than
 * max). mmscope_registry_ctl_open(): the ctl file of a module as the
 * registry names it ("core" is the core's), fd or -errno.
 */
struct mmscope_ioctl_info;
int mmscope_registry(struct mmscope_ioctl_info *io, int max);
int mmscope_registry_ctl_open(const char *module, int flags);

/*
 * The suite's ctls, ioctls and the kernel's per-page views
 * (mmscope_pagemap_read(), mmscope_kpageflags_read(), the PM_* and KPF_*
 * fields, ...) come from libmmscope; its functions leave their message in
 * mmscope_last_error().
 */
#include <libmmscope.h>

#endif /* MMSCOPE_TEST_H */
