// SPDX-License-Identifier: GPL-2.0
/*
 * The points of a tracer (see trace_points.h): which of fentry and
 * kprobes each one takes in the running kernel, attaching, pinning and
 * listing them; and /proc/kallsyms for symbolising stacks and data.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/btf.h>

#include "common.h"
#include "trace_points.h"

#define ENOTSUPP	524

static bool is_aggregate(const struct btf *btf, __u32 id)
{
	const struct btf_type *t;
	__s32 r = btf__resolve_type(btf, id);

	if (r <= 0)
		return false;
	t = btf__type_by_id(btf, r);
	return btf_is_struct(t) || btf_is_union(t);
}

static const struct btf_type *func_proto(const char *func, struct btf **btfp)
{
	struct btf *btf = trace_kernel_btf();
	__s32 id;

	id = btf ? btf__find_by_name_kind(btf, func, BTF_KIND_FUNC) : -1;
	if (id <= 0)
		return NULL;
	*btfp = btf;
	return btf__type_by_id(btf, btf__type_by_id(btf, id)->type);
}

bool trace_fentry_cannot(const char *func)
{
	const struct btf_param *prm;
	const struct btf_type *t;
	struct btf *btf;
	int i, n;

	t = func_proto(func, &btf);
	if (!t)
		return false;
	if (t->type && is_aggregate(btf, t->type))
		return true;
	prm = btf_params(t);
	n = btf_vlen(t);
	for (i = 0; i < n; i++)
		if (is_aggregate(btf, prm[i].type))
			return true;
	return false;
}

int trace_func_param(const char *func, const char *name)
{
	const struct btf_param *prm;
	const struct btf_type *t;
	struct btf *btf;
	int i, n;

	t = func_proto(func, &btf);
	if (!t)
		return -1;
	prm = btf_params(t);
	n = btf_vlen(t);
	for (i = 0; i < n; i++)
		if (!strcmp(btf__name_by_offset(btf, prm[i].name_off), name))
			return i;
	return -1;
}

void trace_points_prepare(struct trace_run *r, struct trace_point *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		bool on;

		p[i].present = trace_kernel_has(p[i].func);
		on = p[i].want && p[i].present;
		p[i].use_kprobe = r->attach != TRACE_FENTRY || !p[i].fentry ||
				  trace_fentry_cannot(p[i].func);
		if (p[i].fentry)
			bpf_program__set_autoload(p[i].fentry,
						  on && !p[i].use_kprobe);
		bpf_program__set_autoload(p[i].kprobe, on && p[i].use_kprobe);
		if (on && !p[i].use_kprobe)
			bpf_program__set_attach_target(p[i].fentry, 0,
						       p[i].func);
		if (!p[i].present)
			snprintf(p[i].why, sizeof(p[i].why),
				 "not in this kernel's BTF (absent or inlined)");
		else if (!p[i].want)
			snprintf(p[i].why, sizeof(p[i].why), "not needed here");
	}
}

int trace_points_attach(struct trace_run *r, struct trace_point *p, size_t n)
{
	size_t i, on = 0;
	int err;

	for (i = 0; i < n; i++) {
		if (p[i].why[0])
			continue;
		if (p[i].use_kprobe)
			p[i].link = bpf_program__attach_kprobe(p[i].kprobe,
							       p[i].ret,
							       p[i].func);
		else
			p[i].link = bpf_program__attach(p[i].fentry);
		if (p[i].link) {
			on++;
			continue;
		}
		err = -errno;
		if (err == -ENOTSUPP)
			return trace_failed(r, err, "%s on %s: %s",
					    p[i].ret ? "fexit" : "fentry",
					    p[i].func, trace_attach_error(err));
		snprintf(p[i].why, sizeof(p[i].why), "%s",
			 trace_attach_error(err));
	}
	if (!on)
		return trace_failed(r, -ENOENT, "no function could be attached");
	return 0;
}

int trace_points_pin(struct trace_run *r, struct trace_point *p, size_t n)
{
	char name[96];
	size_t i;
	int err = 0;

	for (i = 0; !err && i < n; i++) {
		if (!p[i].link)
			continue;
		snprintf(name, sizeof(name), "%s%s", p[i].func,
			 p[i].ret ? "_exit" : "");
		err = trace_pin_link(r, p[i].link, name);
	}
	return err;
}

void trace_points_release(struct trace_run *r, struct trace_point *p, size_t n)
{
	size_t i;

	for (i = n; i-- > 0;) {
		trace_link_release(r, p[i].link);
		p[i].link = NULL;
	}
}

static const char *point_method(const struct trace_point *p)
{
	if (p->use_kprobe)
		return p->ret ? "kretprobe" : "kprobe";
	return p->ret ? "fexit" : "fentry";
}

void trace_points_json(struct json_object *root, const struct trace_point *p,
		       size_t n)
{
	struct json_object *a = jw_set_array(root, "points"), *o;
	size_t i;

	for (i = 0; i < n; i++) {
		o = jw_push_object(a);
		jw_set_str(o, "function", p[i].func);
		jw_set_bool(o, "present", p[i].present);
		jw_set_bool(o, "attached", p[i].link);
		if (p[i].link)
			jw_set_str(o, "attach", point_method(&p[i]));
		else
			jw_set_str(o, "reason", p[i].why);
	}
}

void trace_points_text(const struct trace_point *p, size_t n)
{
	size_t i, on = 0;

	printf("points:");
	for (i = 0; i < n; i++) {
		if (!p[i].link)
			continue;
		printf(" %s (%s)", p[i].func, point_method(&p[i]));
		on++;
	}
	printf(" [%zu of %zu; the others are absent or inlined here]\n", on, n);
}

static int ksym_cmp(const void *a, const void *b)
{
	const struct trace_ksym *x = a, *y = b;

	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

void trace_ksyms_load(struct trace_ksyms *k, bool data)
{
	char line[512], name[256], mod[128], type;
	unsigned long long addr;
	size_t cap = 0;
	FILE *f;
	void *n;
	int m;

	f = fopen("/proc/kallsyms", "re");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		mod[0] = '\0';
		m = sscanf(line, "%llx %c %255s %127s", &addr, &type, name, mod);
		if (m < 3 || !addr)
			continue;
		if (type != 't' && type != 'T' &&
		    (!data || !strchr("dDrRbB", type)))
			continue;
		if (k->n == cap) {
			cap = cap ? cap * 2 : 65536;
			n = realloc(k->syms, cap * sizeof(*k->syms));
			if (!n)
				break;
			k->syms = n;
		}
		if (m == 4)
			strncat(name, " ", sizeof(name) - strlen(name) - 1),
			strncat(name, mod, sizeof(name) - strlen(name) - 1);
		k->syms[k->n].addr = addr;
		k->syms[k->n++].name = strdup(name);
	}
	fclose(f);
	qsort(k->syms, k->n, sizeof(*k->syms), ksym_cmp);
}

void trace_ksyms_free(struct trace_ksyms *k)
{
	size_t i;

	for (i = 0; i < k->n; i++)
		free(k->syms[i].name);
	free(k->syms);
	k->syms = NULL;
	k->n = 0;
}

/* The last symbol at or below addr, or NULL. */
static const struct trace_ksym *ksym_find(const struct trace_ksyms *k,
					  uint64_t addr)
{
	size_t lo = 0, hi = k->n;

	while (hi - lo > 1) {
		size_t mid = (lo + hi) / 2;

		if (k->syms[mid].addr <= addr)
			lo = mid;
		else
			hi = mid;
	}
	if (!k->n || k->syms[lo].addr > addr || !k->syms[lo].name)
		return NULL;
	return &k->syms[lo];
}

void trace_ksyms_name(const struct trace_ksyms *k, uint64_t addr, char *buf,
		      size_t size)
{
	const struct trace_ksym *s = ksym_find(k, addr);

	if (!s)
		snprintf(buf, size, "0x%llx", (unsigned long long)addr);
	else
		snprintf(buf, size, "%s+0x%llx", s->name,
			 (unsigned long long)(addr - s->addr));
}

const char *trace_ksyms_exact(const struct trace_ksyms *k, uint64_t addr)
{
	const struct trace_ksym *s = ksym_find(k, addr);

	return s && s->addr == addr ? s->name : NULL;
}

unsigned int trace_ksyms_stack(const struct trace_ksyms *k,
			       const __u64 *ips, unsigned int nr,
			       char (*frames)[160], unsigned int max)
{
	unsigned int i, n = 0;

	for (i = 0; i < nr && n < max && ips[i]; i++) {
		trace_ksyms_name(k, ips[i], frames[n], sizeof(frames[0]));
		if (n || !strstr(frames[n], " [bpf]"))
			n++;
	}
	return n;
}

void trace_hist_json(struct json_object *obj, const char *key,
		     const __u64 *h, unsigned int n)
{
	struct json_object *arr = jw_set_array(obj, key), *b;
	unsigned int i;

	for (i = 0; i < n; i++) {
		if (!h[i])
			continue;
		b = jw_push_object(arr);
		jw_set_uint(b, "from", i ? 1ULL << i : 0);
		jw_set_uint(b, "to", (2ULL << i) - 1);
		jw_set_uint(b, "count", h[i]);
	}
}

double trace_hist_p50_us(const __u64 *h, unsigned int n)
{
	__u64 seen = 0, total = 0;
	unsigned int i;

	for (i = 0; i < n; i++)
		total += h[i];
	for (i = 0; total && i < n; i++) {
		seen += h[i];
		if (seen * 2 >= total)
			return (2ULL << i) / 1000.0;
	}
	return 0;
}
