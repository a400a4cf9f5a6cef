/* SPDX-License-Identifier: GPL-2.0 */
/*
 * libmmscope: what every userspace program of the suite (the mmscope CLI,
 * mmscope-bench, the selftests) needs to talk to the modules and to read
 * the kernel's own per-page views:
 *
 *  - a module's ctl file and framed ioctls (ctl.c),
 *  - resume iterators over the batched queries (walk.c, query.c),
 *  - /proc/PID/pagemap, /proc/kpageflags, /proc/kpagecount and
 *    /proc/PID/maps (proc.c, maps.c),
 *  - numbers and targets as the command lines spell them (parse.c),
 *  - the names of every enum and flag of the UAPI (names.c).
 *
 * Functions return 0 (or a count) on success and -errno on failure;
 * mmscope_last_error() then says what failed, in words.
 */
#ifndef LIBMMSCOPE_H
#define LIBMMSCOPE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <mmscope/core.h>
#include <mmscope/pageref.h>
#include <mmscope/pagewalk.h>
#include <mmscope/swapcache.h>

#define MMSCOPE_DEBUGFS "/sys/kernel/debug/mmscope"

/* What the last failing call had to say ("" if nothing failed yet). */
const char *mmscope_last_error(void);
/* Set it, printf-style; returns -err for "return mmscope_fail(...)". */
int mmscope_fail(int err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* errno in words, lower case: "no such process". */
const char *mmscope_strerror(int err);

/* ctl.c ---------------------------------------------------------------- */

/* The debugfs directory of the suite: $MMSCOPE_DEBUGFS, or the default. */
const char *mmscope_debugfs_root(void);
/* DIR/<module>/<file> (module NULL: the core's DIR/<file>) into buf. */
void mmscope_debugfs_path(char *buf, size_t size, const char *module,
			  const char *file);
/*
 * Open a module's ctl (NULL: the core's) read-write; the fd or -errno,
 * with the reason in words (module not loaded, debugfs not mounted, not
 * root) in mmscope_last_error().
 */
int mmscope_ctl_open(const char *module);
/* Why opening the file at path of module failed with err, in words. */
void mmscope_explain_open(const char *module, const char *path, int err);
/*
 * ioctl(fd, req, arg) on a struct that starts with __u32 size: size is
 * set to @size first. 0 or -errno.
 */
int mmscope_ioctl(int fd, unsigned long req, void *arg, uint32_t size);
#define MMSCOPE_IOCTL(fd, req, argp) \
	mmscope_ioctl(fd, req, argp, sizeof(*(argp)))

/* walk.c: MMSCOPE_PAGEWALK_IOC_WALK over a range, a batch per call. -- */

struct mmscope_walk {
	int fd;
	int pid;			/* 0 with MMSCOPE_PAGEWALK_KERNEL */
	uint32_t flags;			/* MMSCOPE_PAGEWALK_* of every call */
	uint64_t start;			/* first address, page aligned */
	uint64_t end;			/* end of the range */
	uint64_t next;			/* where the next call starts */
	uint32_t batch;			/* records (entries) per call */
	uint32_t vma_rows;		/* compact: VMA table rows per call */
	/* out of the last call */
	uint32_t count;			/* records or entries */
	uint32_t vma_count;		/* compact: VMA table rows */
	uint64_t calls;			/* ioctls made */
	struct mmscope_pagewalk_record *recs;	/* full records */
	struct mmscope_pagewalk_path *paths;	/* with paths */
	struct mmscope_pagewalk_entry *ents;	/* compact */
	struct mmscope_pagewalk_vma *vmas;	/* compact */
};

/*
 * Set up a walk of [start, start + len) (start rounded down to a page)
 * and allocate its buffers: compact entries and a VMA table with
 * MMSCOPE_PAGEWALK_COMPACT in flags, else full records (and paths if
 * with_paths). 0 or -errno.
 */
int mmscope_walk_init(struct mmscope_walk *w, int fd, int pid, uint32_t flags,
		      uint64_t start, uint64_t len, uint32_t batch,
		      uint32_t vma_rows, bool with_paths);
/*
 * The next call: records (or entries) in w->count, VMA rows in
 * w->vma_count. Returns 1 with a batch, 0 when the range is done, -errno.
 */
int mmscope_walk_next(struct mmscope_walk *w);
void mmscope_walk_free(struct mmscope_walk *w);
/* Walk another range (or the same again), keeping the buffers. */
void mmscope_walk_reset(struct mmscope_walk *w, uint64_t start, uint64_t len);

/*
 * A compact entry and the row of the same call's VMA table it lies in
 * (NULL for none) as the full record says them; ctx gives the page size,
 * the arch and arm64's MAIR.
 */
void mmscope_walk_entry_record(const struct mmscope_pagewalk_entry *e,
			       const struct mmscope_pagewalk_vma *v,
			       const struct mmscope_pagewalk_context *ctx,
			       struct mmscope_pagewalk_record *r);
/*
 * The VMA row of entry va, for entries visited in address order: *cursor
 * starts at 0 for each call's table.
 */
const struct mmscope_pagewalk_vma *
mmscope_walk_vma_of(const struct mmscope_walk *w, uint64_t va,
		    uint32_t *cursor);

/* query.c: MMSCOPE_PAGEREF_IOC_QUERY over a range, a batch per call. -- */

/*
 * A batched range query's resume step, for every module's iterator: the
 * call returned count records and said next; moves start and left past
 * what it covered (left 0 at the end). 1 if records came, else 0.
 */
int mmscope_range_resume(uint64_t *start, uint64_t *left, uint32_t count,
			 uint64_t next);

struct mmscope_query {
	int fd;
	int pid;
	uint32_t flags;			/* MMSCOPE_PAGEREF_BY_PFN or 0 */
	uint64_t start, left;		/* what is still to query */
	uint32_t batch;
	uint32_t count;			/* records of the last call */
	uint64_t calls;
	struct mmscope_pageref_page *recs;
};

/* As the walk: start/len are an address and bytes, or a pfn and pages. */
int mmscope_query_init(struct mmscope_query *q, int fd, int pid,
		       uint32_t flags, uint64_t start, uint64_t len,
		       uint32_t batch);
int mmscope_query_next(struct mmscope_query *q);
/* Query another range (or the same again), keeping the buffer. */
void mmscope_query_reset(struct mmscope_query *q, uint64_t start,
			 uint64_t len);
void mmscope_query_free(struct mmscope_query *q);

/* proc.c: the kernel's per-page views, read in as few calls as can be. - */

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

/* pread() exactly n 64-bit words at word index idx of fd; 0 or -errno. */
int mmscope_read_words(int fd, uint64_t idx, size_t n, uint64_t *out);
/* /proc/PID/pagemap (pid <= 0: self), opened read-only; fd or -errno. */
int mmscope_pagemap_open(pid_t pid);
/*
 * npages (n) entries from the page at start (the PFN pfn) on, with one
 * pread() (a file opened and closed per call). 0 or -errno.
 */
int mmscope_pagemap_read(pid_t pid, unsigned long start, size_t npages,
			 uint64_t *out);
int mmscope_kpageflags_read(uint64_t pfn, size_t n, uint64_t *out);
int mmscope_kpagecount_read(uint64_t pfn, size_t n, uint64_t *out);
/*
 * For n pagemap entries pm[], the words of a /proc/kpage* file (fd) of
 * their PFNs into out[] (0 where a page is not present), one pread() per
 * run of present entries with consecutive PFNs. Returns the preads made,
 * or -errno.
 */
long mmscope_kpage_read_runs(int fd, const uint64_t *pm, size_t n,
			     uint64_t *out);
/* How many of pm[0..n) start a run (what mmscope_kpage_read_runs reads). */
size_t mmscope_pagemap_runs(const uint64_t *pm, size_t n);

/* maps.c: /proc/PID/maps ------------------------------------------------ */

struct mmscope_map {
	uint64_t start, end, offset;
	char perms[5];
	char path[256];		/* "" for an anonymous mapping */
};

/* One line of a maps file; 0 or -EINVAL. */
int mmscope_maps_parse_line(const char *line, struct mmscope_map *m);
/* Every line of /proc/PID/maps into *maps (malloc'ed); count or -errno. */
long mmscope_maps_read(pid_t pid, struct mmscope_map **maps);
/* The mapping that starts at start, or NULL (maps in address order). */
const struct mmscope_map *mmscope_maps_find(const struct mmscope_map *maps,
					    size_t n, uint64_t start);

/* parse.c: numbers and targets of the command lines --------------------- */

/*
 * Decimal or 0x hex, with an optional K, M or G (binary) suffix; no sign.
 * 0, or -EINVAL (with the reason) / -ERANGE.
 */
int mmscope_parse_size(const char *arg, uint64_t *val);

enum mmscope_target_kind {
	MMSCOPE_TARGET_NONE,
	MMSCOPE_TARGET_PID,
	MMSCOPE_TARGET_PFN,
	MMSCOPE_TARGET_KERNEL,
};

/* Which kinds a command takes: bits (1 << MMSCOPE_TARGET_*). */
#define MMSCOPE_TARGETS_PID	(1U << MMSCOPE_TARGET_PID)
#define MMSCOPE_TARGETS_PFN	(1U << MMSCOPE_TARGET_PFN)
#define MMSCOPE_TARGETS_KERNEL	(1U << MMSCOPE_TARGET_KERNEL)
/*
 * --all with --pid (the whole address space) or --kernel (a range the
 * command names itself); start and len stay 0
 */
#define MMSCOPE_TARGETS_ALL	(1U << 16)
/* --vma NAME|ADDR (with --pid): a mapping, resolved by mmscope_target_vma() */
#define MMSCOPE_TARGETS_VMA	(1U << 17)

/*
 * --pid PID | --pfn PFN | --kernel, then ADDR [LEN] (PFN [COUNT] with
 * --pfn: the PFN may also be the first positional argument).
 */
struct mmscope_target_args {
	enum mmscope_target_kind kind;
	int pid;
	uint64_t start;		/* ADDR or PFN */
	uint64_t len;		/* LEN bytes or COUNT pages */
	bool has_start, has_len;
	bool all;		/* --all */
	const char *vma;	/* --vma NAME|ADDR, or NULL */
};

/*
 * If argv[*i] is part of a target (--pid PID, --pfn [PFN], --kernel,
 * or a positional ADDR/LEN), take it (and its value), advance *i past it
 * and return 1; return 0 when it is not (another option); -EINVAL with
 * the reason in mmscope_last_error() when it is bad.
 */
int mmscope_target_arg(struct mmscope_target_args *t, int argc, char **argv,
		       int *i);
/*
 * After the last argument: check the kind is one of kinds and ADDR was
 * given (or --all, if kinds has MMSCOPE_TARGETS_ALL), that LEN or COUNT
 * is not 0, and default LEN to default_len bytes (one page for --pfn).
 */
int mmscope_target_done(struct mmscope_target_args *t, unsigned int kinds,
			uint64_t default_len);
/*
 * --vma: set start and len to the mapping of t->pid that holds ADDR, or
 * to the span of the mappings whose path is NAME ("[heap]") or whose file
 * name begins with NAME ("libc"). 0, or -errno with the reason.
 */
int mmscope_target_vma(struct mmscope_target_args *t);
/* The usage of a target, for help texts. */
#define MMSCOPE_HELP_TARGET "{ --pid PID | --pfn PFN | --kernel } ADDR [LEN]"
#define MMSCOPE_HELP_NUMBERS \
	"Numbers are decimal or 0x hex; ADDR, LEN and COUNT may end in K, M or G.\n"

/* names.c: the names of the UAPI's values ----------------------------- */

const char *mmscope_pageref_state_name(unsigned int state);
const char *mmscope_pageref_mapping_name(unsigned int mapping);
const char *mmscope_pageref_lru_name(unsigned int lru);
const char *mmscope_pageref_pgflag_name(unsigned int bit);	/* or NULL */
const char *mmscope_pageref_kind_name(unsigned int kind);
const char *mmscope_pagewalk_level_name(unsigned int level);
const char *mmscope_pagewalk_state_name(unsigned int state);
const char *mmscope_pagewalk_linux_name(unsigned int bit);	/* or NULL */
const char *mmscope_pagewalk_vma_kind_name(unsigned int kind);
const char *mmscope_pagewalk_desc_name(unsigned int desc);
/* An arch's hw bit (MMSCOPE_PAGEWALK_X86_* or _ARM64_*), or NULL. */
const char *mmscope_pagewalk_hw_name(bool arm64, unsigned int bit);

/* swapcache.c: the swap cache module's queries ------------------------- */

/* MMSCOPE_SWAPCACHE_IOC_ENTRIES over a range, a batch per call. */
struct mmscope_swapents {
	int fd;
	int pid;
	uint64_t start, left;		/* what is still to query */
	uint32_t batch;
	uint32_t count;			/* records of the last call */
	uint32_t flags;			/* MMSCOPE_SWAPCACHE_ENTRIES_RUNS or 0 */
	uint64_t calls;
	struct mmscope_swapcache_entry *recs;
};

int mmscope_swapents_init(struct mmscope_swapents *q, int fd, int pid,
			  uint64_t start, uint64_t len, uint32_t batch);
/* 1 with q->count records, 0 at the end, or -errno. */
int mmscope_swapents_next(struct mmscope_swapents *q);
void mmscope_swapents_reset(struct mmscope_swapents *q, uint64_t start,
			    uint64_t len);
void mmscope_swapents_free(struct mmscope_swapents *q);
/* COUNT slots of TYPE from OFFSET into recs (room for count); n or -errno. */
long mmscope_swapcache_slots(int fd, uint32_t type, uint64_t offset,
			     uint32_t count,
			     struct mmscope_swapcache_entry *recs);
/* Every active device into *devs (malloc'ed); count or -errno. */
long mmscope_swapcache_devices(int fd, struct mmscope_swapcache_device **devs);
/* The module's counters (reset after reading with reset). */
int mmscope_swapcache_stats(int fd, bool reset,
			    struct mmscope_swapcache_stats *st);
const char *mmscope_swapcache_state_name(unsigned int state);
const char *mmscope_swapcache_devflag_name(unsigned int bit);	/* or NULL */
#include "libmmscope_thp.h"

#endif /* LIBMMSCOPE_H */
