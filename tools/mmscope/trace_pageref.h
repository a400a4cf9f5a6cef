/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The pageref tracer's steps (trace_pageref_steps.c): which part of the
 * kernel made each change it saw, from the site and the kernel stack.
 */
#ifndef MMSCOPE_TRACE_PAGEREF_H
#define MMSCOPE_TRACE_PAGEREF_H

#include <stdbool.h>
#include <linux/types.h>

#include "json.h"
#include "pageref.h"	/* tools/bpf: struct pageref_trace_event */

#define PR_GUP_PIN_BIAS	1024	/* GUP_PIN_COUNTING_BIAS */

enum pr_step {
	PR_STEP_OTHER,
	PR_STEP_FAULT_ANON,
	PR_STEP_FAULT_FILE,
	PR_STEP_FORK,
	PR_STEP_COW_COPY,
	PR_STEP_COW_REUSE,
	PR_STEP_SWAP_IN,
	PR_STEP_GUP_PIN,
	PR_STEP_GUP_GET,
	PR_STEP_UNPIN,
	PR_STEP_LRU,
	PR_STEP_SWAP_ADD,
	PR_STEP_SWAP_DEL,
	PR_STEP_RECLAIM,
	PR_STEP_MIGRATE,
	PR_STEP_THP,
	PR_STEP_UNMAP,
	PR_STEP_EXIT,
	PR_STEP_FREE,
	PR_NR_STEPS,
};

/* The changes of one step, summed. */
struct pr_step_sum {
	__u64 events;
	__s64 dref, dmap;
	__u64 excl_set, excl_clear;
};

const char *pr_step_name(enum pr_step s);
/* The step of event e, seen at site with the symbolised frames[n]. */
enum pr_step pr_step_of(const char *site, char frames[][160], unsigned int n,
			const struct pageref_trace_event *e);
void pr_steps_add(struct pr_step_sum *sum, enum pr_step s,
		  const struct pageref_trace_event *e);
void pr_steps_json(struct json_object *root, const struct pr_step_sum *sum);
void pr_steps_text(const struct pr_step_sum *sum);

#endif
