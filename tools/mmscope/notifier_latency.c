// SPDX-License-Identifier: GPL-2.0
/*
 * mmscope notifier latency: how long each callback of an attachment made
 * with --latency took, per op, as the module's log2 histogram.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <mmscope/mmu_notifier.h>

#include "common.h"
#include "json.h"
#include "notifier_cmd.h"

#define LEVEL "mmscope notifier latency"
#define MODULE "mmu_notifier"
#define NB MMSCOPE_MMU_NOTIFIER_LAT_BUCKETS

/* Bucket b: [2^b, 2^(b+1)) ns; the first from 0, the last open. */
static uint64_t bucket_lo(unsigned int b)
{
	return b ? 1ULL << b : 0;
}

typedef struct mmscope_mmu_notifier_lat_op lat_ops_t[MMSCOPE_MMU_NOTIFIER_OP_COUNT];

static void latency_text(const lat_ops_t h, uint32_t id)
{
	unsigned int op, b;

	for (op = 0; op < MMSCOPE_MMU_NOTIFIER_OP_COUNT; op++) {
		if (!h[op].count)
			continue;
		printf("%u %s: %llu callbacks, mean %llu ns, max %llu ns\n", id,
		       mmscope_mmu_notifier_op_name(op),
		       (unsigned long long)h[op].count,
		       (unsigned long long)(h[op].sum_ns / h[op].count),
		       (unsigned long long)h[op].max_ns);
		for (b = 0; b < NB; b++) {
			if (!h[op].buckets[b])
				continue;
			if (b == NB - 1)
				printf("  %12llu ns -          %10llu\n",
				       (unsigned long long)bucket_lo(b),
				       (unsigned long long)h[op].buckets[b]);
			else
				printf("  %12llu - %-12llu %10llu\n",
				       (unsigned long long)bucket_lo(b),
				       (unsigned long long)bucket_lo(b + 1),
				       (unsigned long long)h[op].buckets[b]);
		}
	}
}

static void latency_json(struct json_object *o, const lat_ops_t h)
{
	struct json_object *ops = jw_set_object(o, "ops"), *e, *arr, *bk;
	unsigned int op, b;

	for (op = 0; op < MMSCOPE_MMU_NOTIFIER_OP_COUNT; op++) {
		if (!h[op].count)
			continue;
		e = jw_set_object(ops, mmscope_mmu_notifier_op_name(op));
		jw_set_uint(e, "count", h[op].count);
		jw_set_uint(e, "sum_ns", h[op].sum_ns);
		jw_set_uint(e, "max_ns", h[op].max_ns);
		arr = jw_set_array(e, "buckets");
		for (b = 0; b < NB; b++) {
			if (!h[op].buckets[b])
				continue;
			bk = jw_push_object(arr);
			jw_set_uint(bk, "lo_ns", bucket_lo(b));
			if (b == NB - 1)
				jw_set_null(bk, "hi_ns");
			else
				jw_set_uint(bk, "hi_ns", bucket_lo(b + 1));
			jw_set_uint(bk, "count", h[op].buckets[b]);
		}
	}
}

/* The histograms of @id into @h; 0 or an errno. */
static int latency_get(int fd, uint32_t id, lat_ops_t h)
{
	struct mmscope_mmu_notifier_latency lt = {
		.size = sizeof(lt), .id = id,
		.nr_ops = MMSCOPE_MMU_NOTIFIER_OP_COUNT, .ops = (uintptr_t)h,
	};

	memset(h, 0, sizeof(lat_ops_t));
	return ioctl(fd, MMSCOPE_MMU_NOTIFIER_IOC_LATENCY, &lt) ? errno : 0;
}

int notifier_latency_print(int fd, uint32_t id)
{
	static lat_ops_t h;
	struct json_object *root;
	int err = latency_get(fd, id, h);

	if (err)
		return err;
	if (!json_output) {
		latency_text(h, id);
		return 0;
	}
	root = jw_object();
	latency_json(jw_set_object(root, "latency"), h);
	jw_emit(root);
	return 0;
}

static int say_error(uint32_t id, int err)
{
	if (err == ENODATA)
		p_err("attachment %u keeps no histogram (attach with --latency)",
		      id);
	else if (err == ENOENT)
		p_err("no attachment %u", id);
	else
		p_err("latency: %s", strerror(err));
	return EXIT_FAILED;
}

int do_notifier_latency(int argc, char **argv)
{
	static struct mmscope_mmu_notifier_info info[MMSCOPE_MMU_NOTIFIER_MAX_ATTACH];
	static lat_ops_t h;
	struct mmscope_mmu_notifier_list l = {
		.size = sizeof(l), .count = MMSCOPE_MMU_NOTIFIER_MAX_ATTACH,
		.entries = (uintptr_t)info,
	};
	struct json_object *root = NULL, *arr = NULL, *o;
	uint64_t id = 0;
	unsigned int i;
	int fd, err, ret;

	if (argc == 2 && !strcmp(argv[0], "--id")) {
		ret = parse_u64(argv[1], &id, "id");
		if (ret)
			return ret;
		if (!id || id > UINT32_MAX)
			return usage_err(LEVEL, "id: invalid attachment id '%s'",
					 argv[1]);
	} else if (argc) {
		return usage_err(LEVEL, "usage: latency [--id N]");
	}
	fd = ctl_open(MODULE);
	if (fd < 0)
		return EXIT_FAILED;
	if (id) {
		l.count = 1;
		info[0].id = (uint32_t)id;
	} else if (ctl_ioctl(fd, MMSCOPE_MMU_NOTIFIER_IOC_LIST, &l, "list")) {
		close(fd);
		return EXIT_FAILED;
	}
	if (json_output) {
		root = jw_object();
		arr = jw_set_array(root, "attachments");
	}
	for (i = 0; i < l.count; i++) {
		err = latency_get(fd, info[i].id, h);
		/* without an id: the attachments that keep a histogram */
		if (!id && (err == ENODATA || err == ENOENT))
			continue;
		if (err) {
			close(fd);
			return say_error(info[i].id, err);
		}
		if (!json_output) {
			latency_text(h, info[i].id);
			continue;
		}
		o = jw_push_object(arr);
		jw_set_uint(o, "id", info[i].id);
		latency_json(o, h);
	}
	close(fd);
	if (root)
		jw_emit(root);
	return EXIT_OK;
}
