// SPDX-License-Identifier: GPL-2.0
/* /proc/PID/maps: the file each mapping shows (the modules give ranges). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libmmscope.h"

int mmscope_maps_parse_line(const char *line, struct mmscope_map *m)
{
	unsigned long long start, end, offset;
	char perms[5];
	int off = 0;

	memset(m, 0, sizeof(*m));
	if (sscanf(line, "%llx-%llx %4s %llx %*s %*u %n", &start, &end, perms,
		   &offset, &off) < 4 || !off || start >= end)
		return mmscope_fail(EINVAL, "maps: bad line '%.80s'", line);
	m->start = start;
	m->end = end;
	m->offset = offset;
	memcpy(m->perms, perms, sizeof(m->perms));
	snprintf(m->path, sizeof(m->path), "%s", line + off);
	m->path[strcspn(m->path, "\n")] = '\0';
	return 0;
}

long mmscope_maps_read(pid_t pid, struct mmscope_map **maps)
{
	struct mmscope_map *v = NULL, *nv;
	char fname[64], line[4352];
	size_t n = 0, cap = 0;
	FILE *f;

	*maps = NULL;
	if (pid > 0)
		snprintf(fname, sizeof(fname), "/proc/%d/maps", (int)pid);
	else
		snprintf(fname, sizeof(fname), "/proc/self/maps");
	f = fopen(fname, "re");
	if (!f)
		return mmscope_fail(errno, "%s: %s", fname,
				    mmscope_strerror(errno));
	while (fgets(line, sizeof(line), f)) {
		if (n == cap) {
			cap = cap ? 2 * cap : 64;
			nv = realloc(v, cap * sizeof(*v));
			if (!nv) {
				free(v);
				fclose(f);
				return mmscope_fail(ENOMEM, "out of memory");
			}
			v = nv;
		}
		if (!mmscope_maps_parse_line(line, &v[n]))
			n++;
	}
	fclose(f);
	*maps = v;
	return n;
}

const struct mmscope_map *mmscope_maps_find(const struct mmscope_map *maps,
					    size_t n, uint64_t start)
{
	size_t lo = 0, hi = n, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (maps[mid].start == start)
			return &maps[mid];
		if (maps[mid].start < start)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}
