// SPDX-License-Identifier: GPL-2.0
/*
 * mmscope_thp's ioctls gathered over batches, the THP settings of sysfs,
 * and the names of the UAPI's tables.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libmmscope.h"

static const char *const thp_kinds[] = MMSCOPE_THP_KIND_NAMES;
static const char *const thp_reasons[] = MMSCOPE_THP_REASON_NAMES;
static const char *const thp_mapped[] = MMSCOPE_THP_MAPPED_NAMES;
static const char *const thp_events[] = MMSCOPE_THP_EVENT_NAMES;

#define NAME(tab, i) ((i) < sizeof(tab) / sizeof(tab[0]) ? tab[i] : "?")

const char *mmscope_thp_kind_name(unsigned int kind)
{
	return NAME(thp_kinds, kind);
}

const char *mmscope_thp_reason_name(unsigned int reason)
{
	return NAME(thp_reasons, reason);
}

const char *mmscope_thp_mapped_name(unsigned int mapped)
{
	return NAME(thp_mapped, mapped);
}

const char *mmscope_thp_event_name(unsigned int event)
{
	return NAME(thp_events, event);
}

/* The first line of a sysfs file; a choice's bracketed word. */
static int thp_read_word(const char *path, char *val, size_t size)
{
	char line[256], *b, *e;
	FILE *f = fopen(path, "re");
	size_t n;

	if (!f)
		return -errno;
	if (!fgets(line, sizeof(line), f)) {
		fclose(f);
		return -EIO;
	}
	fclose(f);
	line[strcspn(line, "\n")] = '\0';
	b = strchr(line, '[');
	e = b ? strchr(b, ']') : NULL;
	if (b && e) {
		*e = '\0';
		b++;
	} else {
		b = line;
	}
	n = strlen(b);
	if (n >= size)
		n = size - 1;
	memcpy(val, b, n);
	val[n] = '\0';
	return 0;
}

static long thp_read_long(const char *name)
{
	char path[256], val[32];

	snprintf(path, sizeof(path), MMSCOPE_THP_SYSFS "/%s", name);
	if (thp_read_word(path, val, sizeof(val)))
		return -1;
	return strtol(val, NULL, 10);
}

static int thp_size_cmp(const void *a, const void *b)
{
	const unsigned int *x = a, *y = b;

	return (*x > *y) - (*x < *y);
}

int mmscope_thp_settings_read(struct mmscope_thp_settings *s)
{
	struct dirent *d;
	char path[512];
	unsigned int kb;
	DIR *dir;
	int ret;

	memset(s, 0, sizeof(*s));
	ret = thp_read_word(MMSCOPE_THP_SYSFS "/enabled", s->enabled,
			    sizeof(s->enabled));
	if (ret)
		return mmscope_fail(ret, "%s/enabled: %s", MMSCOPE_THP_SYSFS,
				    mmscope_strerror(-ret));
	thp_read_word(MMSCOPE_THP_SYSFS "/defrag", s->defrag, sizeof(s->defrag));
	thp_read_word(MMSCOPE_THP_SYSFS "/shmem_enabled", s->shmem_enabled,
		      sizeof(s->shmem_enabled));
	dir = opendir(MMSCOPE_THP_SYSFS);
	while (dir && (d = readdir(dir))) {
		if (sscanf(d->d_name, "hugepages-%ukB", &kb) != 1 ||
		    s->nr_sizes == MMSCOPE_THP_MAX_SIZES)
			continue;
		snprintf(path, sizeof(path), MMSCOPE_THP_SYSFS "/%s/enabled",
			 d->d_name);
		s->sizes[s->nr_sizes].kb = kb;
		if (!thp_read_word(path, s->sizes[s->nr_sizes].enabled,
				   sizeof(s->sizes[0].enabled)))
			s->nr_sizes++;
	}
	if (dir)
		closedir(dir);
	qsort(s->sizes, s->nr_sizes, sizeof(s->sizes[0]), thp_size_cmp);
	s->pages_to_scan = thp_read_long("khugepaged/pages_to_scan");
	s->scan_sleep_millisecs = thp_read_long("khugepaged/scan_sleep_millisecs");
	s->alloc_sleep_millisecs = thp_read_long("khugepaged/alloc_sleep_millisecs");
	s->max_ptes_none = thp_read_long("khugepaged/max_ptes_none");
	s->max_ptes_swap = thp_read_long("khugepaged/max_ptes_swap");
	s->max_ptes_shared = thp_read_long("khugepaged/max_ptes_shared");
	s->full_scans = thp_read_long("khugepaged/full_scans");
	s->pages_collapsed = thp_read_long("khugepaged/pages_collapsed");
	s->pmd_kb = thp_read_long("hpage_pmd_size");
	s->pmd_kb = s->pmd_kb > 0 ? s->pmd_kb / 1024 : 2048;
	return 0;
}

const char *mmscope_thp_size_mode(const struct mmscope_thp_settings *s,
				  unsigned int kb)
{
	unsigned int i;

	for (i = 0; i < s->nr_sizes; i++)
		if (s->sizes[i].kb == kb && strcmp(s->sizes[i].enabled, "inherit"))
			return s->sizes[i].enabled;
	return s->enabled;
}

uint64_t mmscope_thp_vma_reasons(const struct mmscope_thp_vma *v,
				 const struct mmscope_thp_settings *s)
{
	uint64_t r = v->reasons;
	const char *mode;

	if (v->flags & MMSCOPE_THP_VMA_ELIGIBLE)
		return r;
	if (v->kind == MMSCOPE_THP_KIND_ANON && !r) {
		mode = mmscope_thp_size_mode(s, s->pmd_kb);
		if (!strcmp(mode, "never"))
			r |= 1ULL << MMSCOPE_THP_R_SYSFS_NEVER;
		else if (!strcmp(mode, "madvise") &&
			 !(v->flags & MMSCOPE_THP_VMA_HUGEPAGE))
			r |= 1ULL << MMSCOPE_THP_R_SYSFS_MADVISE;
	}
	if (!r)
		r |= 1ULL << MMSCOPE_THP_R_KERNEL;
	return r;
}

/* Grow *buf (of *room entries of size) to hold more; 0 or -ENOMEM. */
static int thp_grow(void **buf, size_t *room, size_t size)
{
	size_t want = *room ? 2 * *room : 256;
	void *p = realloc(*buf, want * size);

	if (!p)
		return mmscope_fail(-ENOMEM, "out of memory");
	*buf = p;
	*room = want;
	return 0;
}

int mmscope_thp_vmas(int fd, int pid, struct mmscope_thp_vma **vmas,
		     size_t *n)
{
	struct mmscope_thp_vmas a;
	void *buf = NULL;
	size_t room = 0;
	uint64_t next = 0;
	int ret;

	*n = 0;
	do {
		if (*n == room && (ret = thp_grow(&buf, &room, sizeof(**vmas))))
			goto fail;
		memset(&a, 0, sizeof(a));
		a.pid = pid;
		a.start = next;
		a.count = room - *n;
		a.records = (uintptr_t)((struct mmscope_thp_vma *)buf + *n);
		a.record_size = sizeof(**vmas);
		ret = MMSCOPE_IOCTL(fd, MMSCOPE_THP_IOC_VMAS, &a);
		if (ret)
			goto fail;
		*n += a.count;
		next = a.next;
	} while (next);
	*vmas = buf;
	return 0;
fail:
	free(buf);
	return ret;
}

int mmscope_thp_folios(int fd, int pid, uint64_t start, uint64_t len,
		       struct mmscope_thp_folio **folios, size_t *n)
{
	struct mmscope_thp_folios a;
	uint64_t next = start, end = start + len;
	void *buf = NULL;
	size_t room = 0;
	int ret;

	*n = 0;
	do {
		if (*n == room && (ret = thp_grow(&buf, &room, sizeof(**folios))))
			goto fail;
		memset(&a, 0, sizeof(a));
		a.pid = pid;
		a.start = next;
		a.len = end - next;
		a.count = room - *n;
		a.records = (uintptr_t)((struct mmscope_thp_folio *)buf + *n);
		a.record_size = sizeof(**folios);
		ret = MMSCOPE_IOCTL(fd, MMSCOPE_THP_IOC_FOLIOS, &a);
		if (ret)
			goto fail;
		*n += a.count;
		next = a.next;
	} while (next < end && a.count);
	*folios = buf;
	return 0;
fail:
	free(buf);
	return ret;
}
