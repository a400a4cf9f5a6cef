/* SPDX-License-Identifier: GPL-2.0 */
/*
 * libmmscope's part for mmscope_thp: the VMA verdicts and the large
 * folios of a process (every batch of the ioctls gathered), the THP
 * settings of sysfs, the reasons named from both, and the names.
 */
#ifndef LIBMMSCOPE_THP_H
#define LIBMMSCOPE_THP_H

#include <stddef.h>
#include <stdint.h>

#include <mmscope/thp.h>

#define MMSCOPE_THP_SYSFS	"/sys/kernel/mm/transparent_hugepage"
#define MMSCOPE_THP_MAX_SIZES	16

/* The sysfs settings (each the word in brackets, or the number). */
struct mmscope_thp_settings {
	char enabled[16];
	char defrag[32];
	char shmem_enabled[32];
	unsigned int nr_sizes;			/* 6.8+: hugepages-<size>kB/ */
	struct {
		unsigned int kb;
		char enabled[16];
	} sizes[MMSCOPE_THP_MAX_SIZES];
	/* khugepaged/ */
	long pages_to_scan, scan_sleep_millisecs, alloc_sleep_millisecs;
	long max_ptes_none, max_ptes_swap, max_ptes_shared;
	long full_scans, pages_collapsed;
	long pmd_kb;				/* hpage_pmd_size / 1024 */
};

/* Read them all; 0 or -errno (no THP sysfs: -ENOENT). */
int mmscope_thp_settings_read(struct mmscope_thp_settings *s);
/* The setting that rules anon folios of kb KiB ("inherit" resolved). */
const char *mmscope_thp_size_mode(const struct mmscope_thp_settings *s,
				  unsigned int kb);

/*
 * The reasons of a VMA: the module's, plus the sysfs ones for an anon
 * VMA the kernel said no to, or "kernel_other" when none explains it.
 */
uint64_t mmscope_thp_vma_reasons(const struct mmscope_thp_vma *v,
				 const struct mmscope_thp_settings *s);

/* Every VMA of pid: *vmas malloc'ed, *n of them; 0 or -errno. */
int mmscope_thp_vmas(int fd, int pid, struct mmscope_thp_vma **vmas,
		     size_t *n);
/* Every large folio mapped in [start, start + len) of pid; 0 or -errno. */
int mmscope_thp_folios(int fd, int pid, uint64_t start, uint64_t len,
		       struct mmscope_thp_folio **folios, size_t *n);

const char *mmscope_thp_kind_name(unsigned int kind);
const char *mmscope_thp_reason_name(unsigned int reason);
const char *mmscope_thp_mapped_name(unsigned int mapped);
const char *mmscope_thp_event_name(unsigned int event);

#endif
