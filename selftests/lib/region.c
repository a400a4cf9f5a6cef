// SPDX-License-Identifier: GPL-2.0
/*
 * A region of memory of one kind for a test (region.h): mapped, faulted
 * in as asked, with the global knobs it needs set and put back after.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "mmscope_test.h"
#include "region.h"

#define NR_HUGEPAGES	"/proc/sys/vm/nr_hugepages"
#define FREE_HUGEPAGES	"/sys/kernel/mm/hugepages/hugepages-2048kB/free_hugepages"
#define TMPFS_MAGIC	0x01021994
#define RAMFS_MAGIC	0x858458f6

static const char *const kind_names[MMSCOPE_REGION_NR_KINDS] = {
	[MMSCOPE_REGION_ANON] = "anon",
	[MMSCOPE_REGION_THP] = "thp",
	[MMSCOPE_REGION_SHMEM] = "shmem",
	[MMSCOPE_REGION_FILE] = "file",
	[MMSCOPE_REGION_ZERO] = "zero",
	[MMSCOPE_REGION_PROT_NONE] = "prot_none",
	[MMSCOPE_REGION_HUGETLB] = "hugetlb",
};

const char *mmscope_region_kind_name(enum mmscope_region_kind kind)
{
	return kind < MMSCOPE_REGION_NR_KINDS ? kind_names[kind] : "?";
}

/* err, with "<what>: <errno in words>" in mmscope_error. */
static int fail(int err, const char *what, ...)
{
	char buf[sizeof(mmscope_error)];
	va_list ap;

	va_start(ap, what);
	vsnprintf(buf, sizeof(buf), what, ap);
	va_end(ap);
	snprintf(mmscope_error, sizeof(mmscope_error), "%.400s: %s", buf,
		 strerror(-err));
	return err;
}

static size_t page_size(void)
{
	return (size_t)getpagesize();
}

/* Page i written with (char)(i + 1), or read. */
static void fault_in(char *p, size_t npages, bool write)
{
	volatile char *v = p;
	size_t i;

	for (i = 0; i < npages; i++) {
		if (write)
			v[i * page_size()] = (char)(i + 1);
		else
			(void)v[i * page_size()];
	}
}

/*
 * A directory for the file: the first writable one of $MMSCOPE_TEST_DIR,
 * /var/tmp, /tmp on a real filesystem (page cache that is not shmem),
 * else the first writable one at all.
 */
static const char *file_dir(const char **fs)
{
	const char *dirs[] = { getenv("MMSCOPE_TEST_DIR"), "/var/tmp", "/tmp" };
	const char *fallback = NULL;
	struct statfs st;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(dirs); i++) {
		if (!dirs[i] || access(dirs[i], W_OK) || statfs(dirs[i], &st))
			continue;
		if (st.f_type != TMPFS_MAGIC && st.f_type != RAMFS_MAGIC) {
			*fs = "disk";
			return dirs[i];
		}
		if (!fallback) {
			fallback = dirs[i];
			*fs = st.f_type == TMPFS_MAGIC ? "tmpfs" : "ramfs";
		}
	}
	return fallback;
}

/* An unlinked file of len bytes, page i filled with (char)(i + 1). */
static int make_file(struct mmscope_region *r, size_t len)
{
	const char *dir = file_dir(&r->fs);
	char *buf;
	size_t i;
	int fd;

	if (!dir)
		return fail(-ENOENT, "%s", "no writable directory");
	snprintf(r->path, sizeof(r->path), "%s/mmscope-region-XXXXXX", dir);
	fd = mkstemp(r->path);
	if (fd < 0)
		return fail(-errno, "%s", r->path);
	unlink(r->path);
	buf = malloc(page_size());
	for (i = 0; buf && i < len / page_size(); i++) {
		memset(buf, (int)(i + 1), page_size());
		if (write(fd, buf, page_size()) != (ssize_t)page_size())
			break;
	}
	free(buf);
	if (i != len / page_size()) {
		close(fd);
		return fail(-EIO, "%s", r->path);
	}
	r->fd = fd;
	return 0;
}

/* Room for nr huge pages in the pool, nr_hugepages saved first. */
static int reserve_huge(struct mmscope_region *r, size_t nr)
{
	long total = mmscope_read_long(NR_HUGEPAGES), avail = mmscope_read_long(FREE_HUGEPAGES);
	char want[32];

	if (total < 0)
		return fail(-EOPNOTSUPP, "%s", NR_HUGEPAGES);
	if (avail >= (long)nr)
		return 0;
	snprintf(r->huge_saved, sizeof(r->huge_saved), "%ld", total);
	snprintf(want, sizeof(want), "%ld", total + (long)nr - (avail > 0 ? avail : 0));
	if (mmscope_write_str(NR_HUGEPAGES, want) ||
	    mmscope_read_long(FREE_HUGEPAGES) < (long)nr) {
		mmscope_write_str(NR_HUGEPAGES, r->huge_saved);
		r->huge_saved[0] = '\0';
		return fail(-EOPNOTSUPP, "%s", "cannot reserve a huge page");
	}
	return 0;
}

/* THP possible for an MADV_HUGEPAGE region: switched on if it was off. */
static int thp_allow(struct mmscope_region *r)
{
	char val[64];
	int err = mmscope_thp_push();

	if (err)
		return err;
	r->thp_pushed = true;
	if (!mmscope_thp_get("enabled", val, sizeof(val)) && !strcmp(val, "never"))
		err = mmscope_thp_set("enabled", "madvise");
	if (!err && !mmscope_thp_get("hugepages-2048kB/enabled", val, sizeof(val)) &&
	    !strcmp(val, "never"))
		err = mmscope_thp_set("hugepages-2048kB/enabled", "inherit");
	return err ? -EOPNOTSUPP : 0;
}

static int map_region(struct mmscope_region *r, int prot, int flags, int fd)
{
	r->map = mmap(NULL, r->maplen, prot, flags, fd, 0);
	if (r->map == MAP_FAILED) {
		r->map = NULL;
		return -errno;
	}
	r->start = r->map;
	return 0;
}

int mmscope_region_make(struct mmscope_region *r,
			enum mmscope_region_kind kind, size_t npages,
			unsigned int flags)
{
	int prot = flags & MMSCOPE_REGION_RDONLY ? PROT_READ :
		   PROT_READ | PROT_WRITE;
	bool write = !(flags & (MMSCOPE_REGION_READ | MMSCOPE_REGION_RDONLY));
	size_t huge = MMSCOPE_HUGE_SIZE / page_size();
	int err = 0;

	memset(r, 0, sizeof(*r));
	r->kind = kind;
	r->flags = flags;
	r->fd = -1;
	if (kind == MMSCOPE_REGION_THP || kind == MMSCOPE_REGION_HUGETLB)
		npages = (npages ? (npages + huge - 1) / huge : 1) * huge;
	r->npages = npages;
	r->len = r->maplen = npages * page_size();

	switch (kind) {
	case MMSCOPE_REGION_ANON:
	case MMSCOPE_REGION_ZERO:
	case MMSCOPE_REGION_PROT_NONE:
		if (kind == MMSCOPE_REGION_ZERO)
			write = false;
		if (kind == MMSCOPE_REGION_PROT_NONE &&
		    (flags & MMSCOPE_REGION_EMPTY))
			prot = PROT_NONE;
		err = map_region(r, prot, MAP_PRIVATE | MAP_ANONYMOUS, -1);
		if (!err)
			madvise(r->start, r->len, MADV_NOHUGEPAGE);
		break;
	case MMSCOPE_REGION_SHMEM:
		err = map_region(r, prot, MAP_SHARED | MAP_ANONYMOUS, -1);
		break;
	case MMSCOPE_REGION_FILE:
		err = make_file(r, r->len);
		if (err)
			return err;
		err = map_region(r, prot, flags & MMSCOPE_REGION_PRIVATE ?
				 MAP_PRIVATE : MAP_SHARED, r->fd);
		break;
	case MMSCOPE_REGION_THP:
		err = thp_allow(r);
		if (err)
			goto fail;
		/* twice the size, to find an aligned start inside */
		r->maplen = r->len + MMSCOPE_HUGE_SIZE;
		err = map_region(r, prot, MAP_PRIVATE | MAP_ANONYMOUS, -1);
		if (err)
			break;
		r->start = (char *)(((uintptr_t)r->map + MMSCOPE_HUGE_SIZE - 1) &
				    ~(MMSCOPE_HUGE_SIZE - 1));
		if (madvise(r->start, r->len, MADV_HUGEPAGE))
			err = -errno;
		break;
	case MMSCOPE_REGION_HUGETLB:
		err = reserve_huge(r, npages / huge);
		if (err)
			goto fail;
		err = map_region(r, prot, MAP_PRIVATE | MAP_ANONYMOUS |
				 MAP_HUGETLB, -1);
		if (err == -ENOMEM)
			err = -EOPNOTSUPP;	/* no huge page after all */
		break;
	default:
		err = -EINVAL;
	}
	if (err) {
		fail(err, "mmap %s", mmscope_region_kind_name(kind));
		goto fail;
	}
	if (!(flags & MMSCOPE_REGION_EMPTY))
		fault_in(r->start, r->npages, write);
	if (kind == MMSCOPE_REGION_PROT_NONE && !(flags & MMSCOPE_REGION_EMPTY) &&
	    mprotect(r->map, r->maplen, PROT_NONE)) {
		err = fail(-errno, "mprotect %s", "PROT_NONE");
		goto fail;
	}
	return 0;
fail:
	mmscope_region_free(r);
	return err;
}

void mmscope_region_free(struct mmscope_region *r)
{
	if (r->map)
		munmap(r->map, r->maplen);
	r->map = NULL;
	if (r->fd >= 0)
		close(r->fd);
	r->fd = -1;
	if (r->huge_saved[0] && mmscope_write_str(NR_HUGEPAGES, r->huge_saved))
		perror(NR_HUGEPAGES);
	r->huge_saved[0] = '\0';
	if (r->thp_pushed && mmscope_thp_pop())
		fprintf(stderr, "THP settings not restored: %s\n", mmscope_error);
	r->thp_pushed = false;
}

bool mmscope_region_is_thp(const struct mmscope_region *r)
{
	uint64_t pm, kf;

	if (!r->start || mmscope_pagemap_read(0, (unsigned long)r->start, 1, &pm) ||
	    !(pm & PM_PRESENT) || mmscope_kpageflags_read(PM_PFN(pm), 1, &kf))
		return false;
	return kf & KPF_BIT(KPF_THP);
}

int mmscope_region_make_thp(struct mmscope_region *r)
{
	int ret = mmscope_region_make(r, MMSCOPE_REGION_THP, 1, 0);

	if (ret == -EOPNOTSUPP) {
		char why[sizeof(mmscope_error)];

		snprintf(why, sizeof(why), "no THP: %.480s", mmscope_error);
		strcpy(mmscope_error, why);
		return 1;
	}
	if (ret)
		return ret;
	if (!mmscope_region_is_thp(r)) {
		mmscope_region_free(r);
		snprintf(mmscope_error, sizeof(mmscope_error),
			 "the region did not get a THP (no free block)");
		return 1;
	}
	return 0;
}
