/* SPDX-License-Identifier: GPL-2.0 */
/* The core tracer's map value, shared by core.bpf.c and the CLI. */
#ifndef MMSCOPE_BPF_CORE_H
#define MMSCOPE_BPF_CORE_H

/* The value of "lookups": mmscope_target_get() calls for one pid. */
struct core_lookups {
	__u64 calls;
	__u64 found;		/* returned an mm */
	__u64 failed;		/* returned an error */
};

#endif
