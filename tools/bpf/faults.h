/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The faults tracer's maps, shared by faults.bpf.c and the CLI
 * (tools/mmscope/trace_faults.c). By default the tracer counts the
 * kernel's page-fault software events (struct faults_counts); with
 * --handlers it follows handle_mm_fault() and counts by handler
 * (struct faults_stats). docs/tracing.md explains both and how each
 * handler is recognised on each kernel.
 */
#ifndef MMSCOPE_BPF_FAULTS_H
#define MMSCOPE_BPF_FAULTS_H

/* Which part of the fault handler served a fault: the key of "handlers". */
enum faults_handler {
	FAULTS_NONE,		/* no handler: spurious or access-flag fault */
	FAULTS_ANON,		/* do_anonymous_page */
	FAULTS_WP_COPY,		/* do_wp_page, private page copied */
	FAULTS_WP_REUSE,	/* do_wp_page, private page reused */
	FAULTS_WP_SHARED,	/* do_wp_page on a shared mapping */
	FAULTS_SWAP,		/* do_swap_page */
	FAULTS_READ,		/* do_fault -> do_read_fault */
	FAULTS_COW,		/* do_fault -> do_cow_fault */
	FAULTS_SHARED,		/* do_fault -> do_shared_fault */
	FAULTS_HUGE_ANON,	/* do_huge_pmd_anonymous_page */
	FAULTS_HUGE_WP,		/* do_huge_pmd_wp_page */
	FAULTS_HUGE_NUMA,	/* do_huge_pmd_numa_page */
	FAULTS_HUGETLB,		/* hugetlb_fault */
	FAULTS_NR_HANDLERS,
};

/*
 * Functions below handle_mm_fault that a fault passed through: bits of
 * faults_task.marks. Each is attached where the kernel has it (not
 * inlined); the handler is decided from them when the fault returns.
 */
enum faults_mark {
	FAULTS_MARK_ANON,	/* do_anonymous_page (6.12; inlined in 6.1) */
	FAULTS_MARK_NEW_ANON,	/* page_add_new_anon_rmap / folio_add_new_anon_rmap */
	FAULTS_MARK_WP,		/* do_wp_page */
	FAULTS_MARK_WP_COPY,	/* wp_page_copy (6.1; inlined in 6.12) */
	FAULTS_MARK_SWAP,	/* do_swap_page */
	FAULTS_MARK_FILE,	/* __do_fault: the vma's ->fault */
	FAULTS_MARK_AROUND,	/* filemap_map_pages: fault-around */
	FAULTS_MARK_FINISH,	/* finish_fault */
	FAULTS_MARK_HUGE_ANON,	/* do_huge_pmd_anonymous_page */
	FAULTS_MARK_HUGE_WP,	/* do_huge_pmd_wp_page */
	FAULTS_MARK_HUGE_NUMA,	/* do_huge_pmd_numa_page */
	FAULTS_NR_MARKS,
};

#define FAULTS_RESULT_BITS	16	/* VM_FAULT_* bits 0..15 */
#define FAULTS_HIST_SLOTS	32	/* latency, slot n: [2^n, 2^(n+1)) ns */

/* The value of "handlers": faults served by one handler. */
struct faults_stats {
	__u64 count;		/* handle_mm_fault calls */
	__u64 minor;		/* accounted as min_flt (/proc/PID/stat) */
	__u64 major;		/* accounted as maj_flt */
	__u64 retry;		/* VM_FAULT_RETRY: redone, not accounted */
	__u64 error;		/* VM_FAULT_ERROR: not accounted */
	__u64 vma_lock;		/* handled under the per-VMA lock (6.4+) */
	__u64 results[FAULTS_RESULT_BITS];	/* per VM_FAULT_* bit */
	__u64 latency[FAULTS_HIST_SLOTS];	/* handle_mm_fault, ns */
};

/*
 * The default tracer: the software perf events minor-faults and
 * major-faults, raised by the accounting at the end of handle_mm_fault()
 * (not for retried or failed faults), and with --latency where a fault
 * begins (an exception on a user address): x86's exceptions tracepoints,
 * elsewhere the page-faults event. Who took the fault: the mode the CPU
 * was in (the events' exclude_user/exclude_kernel by default, the regs
 * of the exception with --latency).
 */
enum faults_mode {
	FAULTS_MODE_USER,	/* the process's own code faulted */
	FAULTS_MODE_KERNEL,	/* the kernel on a user address: copy_to_user... */
	FAULTS_NR_MODES,
};

/*
 * The default mode (no --latency): perf's minor-faults and major-faults
 * events, each opened twice, user mode only and kernel mode only
 * (exclude_kernel, exclude_user), so the kernel itself keeps the exact
 * count per mode. Their programs run once every FAULTS_MINOR_PERIOD
 * minor faults (--sample-period overrides it) and at every major fault,
 * and publish the event's count in counts[mode].minor or .major: at most
 * FAULTS_MINOR_PERIOD - 1 behind per CPU and event, never ahead. With
 * --pid the events are per thread and inherited, and each run adds the
 * period instead (the count of an inherited event cannot be read from
 * its program): behind by less than a period per thread and event.
 */
#define FAULTS_MINOR_PERIOD	64

/*
 * Latency is sampled: one page-faults event in FAULTS_SAMPLE per CPU
 * and mode starts a clock, which the minor-faults or major-faults event
 * of the same thread on the same CPU stops.
 */
#define FAULTS_SAMPLE		16

/* The value of "counts" (per CPU), per enum faults_mode. */
struct faults_counts {
	__u64 count;		/* faults begun (exceptions on user addresses) */
	__u64 minor;		/* minor-faults events (see above) */
	__u64 major;		/* major-faults events */
	__u64 sampled;		/* page-faults whose latency was sampled */
	__u64 timed;		/* of those: accounted, latency measured */
	__u64 latency[FAULTS_HIST_SLOTS];	/* minor, entry to accounting */
	__u64 major_latency[FAULTS_HIST_SLOTS];	/* major, same */
	__u64 start_ns;		/* the sampled fault in progress: start */
	__u32 start_tid;	/* and its thread, 0 if none */
	__u32 pad;
};

#endif
