// SPDX-License-Identifier: GPL-2.0
/* Kernel text addresses to names, from /proc/kallsyms. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ksyms.h"

static int ksym_cmp(const void *a, const void *b)
{
	const struct ksym *x = a, *y = b;

	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

void ksyms_load(struct ksyms *k)
{
	char line[512], name[256], mod[128], type;
	unsigned long long addr;
	size_t cap = 0;
	FILE *f;
	void *n;
	int r;

	k->syms = NULL;
	k->n = 0;
	f = fopen("/proc/kallsyms", "re");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		mod[0] = '\0';
		r = sscanf(line, "%llx %c %255s %127s", &addr, &type, name, mod);
		if (r < 3 || !addr || (type != 't' && type != 'T'))
			continue;
		if (k->n == cap) {
			cap = cap ? cap * 2 : 65536;
			n = realloc(k->syms, cap * sizeof(*k->syms));
			if (!n)
				break;
			k->syms = n;
		}
		if (r == 4)
			strncat(name, " ", sizeof(name) - strlen(name) - 1),
			strncat(name, mod, sizeof(name) - strlen(name) - 1);
		k->syms[k->n].addr = addr;
		k->syms[k->n++].name = strdup(name);
	}
	fclose(f);
	qsort(k->syms, k->n, sizeof(*k->syms), ksym_cmp);
}

void ksyms_free(struct ksyms *k)
{
	size_t i;

	for (i = 0; i < k->n; i++)
		free(k->syms[i].name);
	free(k->syms);
	k->syms = NULL;
	k->n = 0;
}

void ksyms_name(const struct ksyms *k, uint64_t ip, char *buf, size_t size)
{
	size_t lo = 0, hi = k->n;

	while (hi - lo > 1) {
		size_t mid = (lo + hi) / 2;

		if (k->syms[mid].addr <= ip)
			lo = mid;
		else
			hi = mid;
	}
	if (!k->n || k->syms[lo].addr > ip || !k->syms[lo].name) {
		snprintf(buf, size, "0x%llx", (unsigned long long)ip);
		return;
	}
	snprintf(buf, size, "%s+0x%llx", k->syms[lo].name,
		 (unsigned long long)(ip - k->syms[lo].addr));
}
