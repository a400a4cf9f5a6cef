// SPDX-License-Identifier: GPL-2.0
/*
 * mmscope trace faults, the default mode and --latency: the summary per
 * CPU mode (user code, or the kernel on a user address), with the faults
 * begun, not accounted and the sampled latency when --latency saw where
 * faults begin.
 */
#include <stdio.h>
#include <string.h>

#include "common.h"
#include "trace_faults.h"
#include "trace_points.h"

static const char *const mode_names[FAULTS_NR_MODES] = {
	[FAULTS_MODE_USER]	= "user",
	[FAULTS_MODE_KERNEL]	= "kernel",
};

/* page-faults that were not accounted: failed, spurious, not ended yet. */
static __u64 unaccounted(const struct faults_counts *c)
{
	return c->count > c->minor + c->major ?
	       c->count - c->minor - c->major : 0;
}

void faults_report_modes(struct trace_run *r, struct faults_run *f,
			 const struct faults_modes_summary *s)
{
	struct faults_counts tot = { 0 };
	struct json_object *root, *arr, *obj;
	bool begun = s->begun;
	struct faults_counts *c;
	char p50[2][16];
	int m, i, k;

	for (m = 0; m < FAULTS_NR_MODES; m++) {
		c = &f->counts[m];
		tot.count += c->count;
		tot.minor += c->minor;
		tot.major += c->major;
		tot.sampled += c->sampled;
		tot.timed += c->timed;
		for (i = 0; i < FAULTS_HIST_SLOTS; i++) {
			tot.latency[i] += c->latency[i];
			tot.major_latency[i] += c->major_latency[i];
		}
	}
	if (json_output) {
		root = trace_json_root(r, trace_method_name(r->attach));
		arr = jw_set_array(root, "events");
		for (i = 0; i < s->nevents; i++)
			jw_push_str(arr, s->events[i]);
		if (s->counting) {
			jw_set_uint(root, "sample_period", f->period);
			if (r->pid)
				jw_set_uint(root, "threads", s->threads);
		}
		arr = jw_set_array(root, "modes");
		for (m = 0; m <= FAULTS_NR_MODES; m++) {
			c = m < FAULTS_NR_MODES ? &f->counts[m] : &tot;
			obj = m < FAULTS_NR_MODES ? jw_push_object(arr) :
			      jw_set_object(root, "total");
			if (m < FAULTS_NR_MODES)
				jw_set_str(obj, "mode", mode_names[m]);
			jw_set_uint(obj, "minor", c->minor);
			jw_set_uint(obj, "major", c->major);
			if (!begun)
				continue;	/* where faults begin: not seen */
			jw_set_uint(obj, "count", c->count);
			jw_set_uint(obj, "unaccounted", unaccounted(c));
			jw_set_uint(obj, "sampled", c->sampled);
			jw_set_uint(obj, "timed", c->timed);
			trace_hist_json(obj, "latency_ns", c->latency,
					FAULTS_HIST_SLOTS);
			trace_hist_json(obj, "major_latency_ns",
					c->major_latency, FAULTS_HIST_SLOTS);
		}
		jw_emit(root);
		return;
	}
	trace_print_header(r, trace_method_name(r->attach));
	if (!begun) {
		printf("%-8s %10s %8s\n", "mode", "minor", "major");
		for (m = 0; m <= FAULTS_NR_MODES; m++) {
			c = m < FAULTS_NR_MODES ? &f->counts[m] : &tot;
			printf("%-8s %10llu %8llu\n",
			       m < FAULTS_NR_MODES ? mode_names[m] : "total",
			       (unsigned long long)c->minor,
			       (unsigned long long)c->major);
		}
		return;
	}
	printf("%-8s %10s %10s %8s %11s %10s %10s\n", "mode", "faults",
	       "minor", "major", "unaccounted", "minor p50<", "major p50<");
	for (m = 0; m <= FAULTS_NR_MODES; m++) {
		c = m < FAULTS_NR_MODES ? &f->counts[m] : &tot;
		for (k = 0; k < 2; k++) {
			const __u64 *h = k ? c->major_latency : c->latency;
			double us = trace_hist_p50_us(h, FAULTS_HIST_SLOTS);

			if (us)
				snprintf(p50[k], sizeof(p50[k]), "%.0fus", us);
			else
				snprintf(p50[k], sizeof(p50[k]), "-");
		}
		printf("%-8s %10llu %10llu %8llu %11llu %10s %10s\n",
		       m < FAULTS_NR_MODES ? mode_names[m] : "total",
		       (unsigned long long)c->count,
		       (unsigned long long)c->minor,
		       (unsigned long long)c->major,
		       (unsigned long long)unaccounted(c), p50[0], p50[1]);
	}
}
