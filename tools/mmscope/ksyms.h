/* SPDX-License-Identifier: GPL-2.0 */
/* Kernel text addresses to names, from /proc/kallsyms. */
#ifndef MMSCOPE_KSYMS_H
#define MMSCOPE_KSYMS_H

#include <stddef.h>
#include <stdint.h>

struct ksym {
	uint64_t addr;
	char *name;		/* "name" or "name [module]" */
};

struct ksyms {
	struct ksym *syms;	/* sorted by address */
	size_t n;
};

/* Text symbols of /proc/kallsyms; none if its addresses are hidden. */
void ksyms_load(struct ksyms *k);
void ksyms_free(struct ksyms *k);
/* "name+0xoff", or "0x<ip>" when no symbol covers ip. */
void ksyms_name(const struct ksyms *k, uint64_t ip, char *buf, size_t size);

#endif
