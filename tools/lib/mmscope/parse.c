// SPDX-License-Identifier: GPL-2.0
/*
 * Numbers and targets as every command line of the suite spells them:
 * --pid PID | --pfn PFN | --kernel, then ADDR [LEN], numbers decimal or
 * 0x hex with an optional K, M or G suffix.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libmmscope.h"

int mmscope_parse_size(const char *arg, uint64_t *val)
{
	const char *p = arg;
	unsigned int base = 10, shift = 0, digit;
	uint64_t v = 0;

	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
		base = 16;
		p += 2;
	}
	if (!*p)
		return mmscope_fail(EINVAL, "invalid number '%s'", arg);
	for (; *p; p++) {
		if (*p >= '0' && *p <= '9')
			digit = *p - '0';
		else if (base == 16 && *p >= 'a' && *p <= 'f')
			digit = *p - 'a' + 10;
		else if (base == 16 && *p >= 'A' && *p <= 'F')
			digit = *p - 'A' + 10;
		else
			break;
		if (v > (UINT64_MAX - digit) / base)
			return mmscope_fail(ERANGE, "number too large '%s'", arg);
		v = v * base + digit;
	}
	if (p == arg + (base == 16 ? 2 : 0))
		return mmscope_fail(EINVAL, "invalid number '%s'", arg);
	if (*p && !p[1] && strchr("kKmMgG", *p))
		shift = strchr("kK", *p) ? 10 : strchr("mM", *p) ? 20 : 30;
	else if (*p)
		return mmscope_fail(EINVAL, "invalid number '%s'", arg);
	if (shift && v > (UINT64_MAX >> shift))
		return mmscope_fail(ERANGE, "number too large '%s'", arg);
	*val = v << shift;
	return 0;
}

static int set_kind(struct mmscope_target_args *t,
		    enum mmscope_target_kind kind)
{
	if (t->kind != MMSCOPE_TARGET_NONE && t->kind != kind)
		return mmscope_fail(EINVAL, "give one of --pid PID, --pfn PFN or --kernel, not two");
	t->kind = kind;
	return 0;
}

static int take_pid(struct mmscope_target_args *t, const char *arg)
{
	uint64_t v;

	if (mmscope_parse_size(arg, &v) || !v || v > INT32_MAX ||
	    strpbrk(arg, "kKmMgG"))
		return mmscope_fail(EINVAL, "invalid pid '%s'", arg);
	t->pid = (int)v;
	return set_kind(t, MMSCOPE_TARGET_PID);
}

static int take_position(struct mmscope_target_args *t, const char *arg)
{
	bool pfn = t->kind == MMSCOPE_TARGET_PFN;
	uint64_t v;
	int ret;

	if (t->has_len)
		return mmscope_fail(EINVAL, "unexpected argument '%s'", arg);
	if (t->all)
		return mmscope_fail(EINVAL, "give ADDR [LEN] or --all, not both");
	if (t->vma)
		return mmscope_fail(EINVAL, "give ADDR [LEN] or --vma, not both");
	ret = mmscope_parse_size(arg, &v);
	if (ret)
		return mmscope_fail(-ret, "%s: %s", !t->has_start ?
				    (pfn ? "PFN" : "ADDR") :
				    (pfn ? "COUNT" : "LEN"),
				    mmscope_last_error());
	if (!t->has_start) {
		t->start = v;
		t->has_start = true;
	} else {
		t->len = v;
		t->has_len = true;
	}
	return 0;
}

int mmscope_target_arg(struct mmscope_target_args *t, int argc, char **argv,
		       int *i)
{
	const char *arg = argv[*i];
	int ret;

	if (!strcmp(arg, "--pid") || !strncmp(arg, "--pid=", 6)) {
		if (arg[5] == '=') {
			ret = take_pid(t, arg + 6);
		} else if (*i + 1 >= argc) {
			return mmscope_fail(EINVAL, "--pid needs a PID");
		} else {
			ret = take_pid(t, argv[++*i]);
		}
	} else if (!strcmp(arg, "--pfn")) {
		ret = set_kind(t, MMSCOPE_TARGET_PFN);
	} else if (!strcmp(arg, "--kernel")) {
		ret = set_kind(t, MMSCOPE_TARGET_KERNEL);
	} else if (!strcmp(arg, "--vma")) {
		if (*i + 1 >= argc)
			return mmscope_fail(EINVAL, "--vma needs a NAME or ADDR");
		t->vma = argv[++*i];
		ret = t->has_start ? mmscope_fail(EINVAL, "give ADDR [LEN] or --vma, not both") : 0;
	} else if (!strcmp(arg, "--all")) {
		ret = t->has_start ? mmscope_fail(EINVAL, "give ADDR [LEN] or --all, not both") : 0;
		t->all = true;
	} else if (arg[0] == '-' && arg[1]) {
		return 0;
	} else {
		ret = take_position(t, arg);
	}
	if (ret)
		return ret;
	++*i;
	return 1;
}

int mmscope_target_done(struct mmscope_target_args *t, unsigned int kinds,
			uint64_t default_len)
{
	bool pfn = t->kind == MMSCOPE_TARGET_PFN;

	if (t->vma && (!(kinds & MMSCOPE_TARGETS_VMA) || t->all))
		return mmscope_fail(EINVAL, t->all ? "give --all or --vma, not both" :
				    "--vma: not for this command");
	if (t->vma && t->kind != MMSCOPE_TARGET_PID)
		return mmscope_fail(EINVAL, "--vma names a mapping of a process: give --pid PID");
	if (t->vma)
		return 0;	/* mmscope_target_vma() resolves it */
	if (t->all && !(kinds & MMSCOPE_TARGETS_ALL))
		return mmscope_fail(EINVAL, "--all: not for this command");
	if (t->all && t->kind != MMSCOPE_TARGET_PID &&
	    t->kind != MMSCOPE_TARGET_KERNEL)
		return mmscope_fail(EINVAL, "--all walks a process: give --pid PID");
	if (t->all)
		return 0;	/* start 0, len 0: the caller knows the end */
	if (t->kind == MMSCOPE_TARGET_NONE || !(kinds & (1U << t->kind))) {
		const char *pid = kinds & MMSCOPE_TARGETS_PID ? "--pid PID" : "";
		const char *pfns = kinds & MMSCOPE_TARGETS_PFN ? "--pfn PFN" : "";
		const char *kernel = kinds & MMSCOPE_TARGETS_KERNEL ? "--kernel" : "";

		return mmscope_fail(EINVAL, "give %s%s%s%s%s",
				    pid, *pid && *pfns ? " or " : "", pfns,
				    (*pid || *pfns) && *kernel ? " or " : "",
				    kernel);
	}
	if (!t->has_start)
		return mmscope_fail(EINVAL, "missing %s", pfn ? "PFN" : "ADDR");
	if (t->has_len && !t->len)
		return mmscope_fail(EINVAL, "%s must not be 0", pfn ? "COUNT" : "LEN");
	if (!t->has_len)
		t->len = pfn ? 1 : default_len;
	return 0;
}

/* NAME matches a path: all of it, or the start of its file name */
static bool vma_name_matches(const char *path, const char *name)
{
	const char *base = strrchr(path, '/');

	if (!strcmp(path, name))
		return true;
	base = base ? base + 1 : path;
	return *path && !strncmp(base, name, strlen(name));
}

int mmscope_target_vma(struct mmscope_target_args *t)
{
	struct mmscope_map *maps = NULL;
	uint64_t addr, start = 0, end = 0;
	bool by_addr = !mmscope_parse_size(t->vma, &addr);
	long n, i;

	n = mmscope_maps_read(t->pid, &maps);
	if (n < 0)
		return mmscope_fail(-n, "pid %d: maps: %s", t->pid,
				    strerror((int)-n));
	for (i = 0; i < n; i++) {
		const struct mmscope_map *m = &maps[i];

		if (by_addr ? m->start <= addr && addr < m->end :
			      vma_name_matches(m->path, t->vma)) {
			if (!end)
				start = m->start;
			end = m->end;
			if (by_addr)
				break;
		}
	}
	free(maps);
	if (!end)
		return mmscope_fail(ENOENT, by_addr ?
				    "pid %d: no mapping holds %s" :
				    "pid %d: no mapping named %s", t->pid, t->vma);
	t->start = start;
	t->len = end - start;
	t->has_start = t->has_len = true;
	return 0;
}
