/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * mmscope_mmu_notifier UAPI: attach an MMU notifier to a process and read
 * every callback the kernel makes to it.
 *
 * Ioctls on /sys/kernel/debug/mmscope/mmu_notifier/ctl, framed as every
 * ioctl of the suite (include/uapi/mmscope/core.h). Command numbers
 * 0xb0-0xcf. An open ctl file owns at most one attachment: ATTACH makes
 * it, READ drains its ring, DETACH or the last close ends it.
 */
#ifndef _UAPI_MMSCOPE_MMU_NOTIFIER_H
#define _UAPI_MMSCOPE_MMU_NOTIFIER_H

#include <linux/ioctl.h>
#include <linux/types.h>

#include <mmscope/core.h>

/*
 * struct mmscope_mmu_notifier_record.op: the callback, named after the
 * kernel's member of struct mmu_notifier_ops (or, for INVALIDATE, of
 * struct mmu_interval_notifier_ops). Which of them a kernel calls differs:
 * CHANGE_PTE and INVALIDATE_RANGE exist up to 6.5/6.8 (Debian's 6.1),
 * ARCH_INVALIDATE_SECONDARY_TLBS from 6.6 on (6.12, 7.x).
 */
enum mmscope_mmu_notifier_op {
	MMSCOPE_MMU_NOTIFIER_OP_RELEASE = 0,
	MMSCOPE_MMU_NOTIFIER_OP_INVALIDATE_RANGE_START = 1,
	MMSCOPE_MMU_NOTIFIER_OP_INVALIDATE_RANGE_END = 2,
	MMSCOPE_MMU_NOTIFIER_OP_INVALIDATE_RANGE = 3,
	MMSCOPE_MMU_NOTIFIER_OP_CHANGE_PTE = 4,
	MMSCOPE_MMU_NOTIFIER_OP_ARCH_INVALIDATE_SECONDARY_TLBS = 5,
	MMSCOPE_MMU_NOTIFIER_OP_CLEAR_FLUSH_YOUNG = 6,
	MMSCOPE_MMU_NOTIFIER_OP_CLEAR_YOUNG = 7,
	MMSCOPE_MMU_NOTIFIER_OP_TEST_YOUNG = 8,
	MMSCOPE_MMU_NOTIFIER_OP_INVALIDATE = 9,	/* an interval's callback */
	MMSCOPE_MMU_NOTIFIER_OP_COUNT = 10
};

/*
 * struct mmscope_mmu_notifier_record.event: why the range is invalidated
 * (the kernel's enum mmu_notifier_event, in the suite's own numbering);
 * NONE for the callbacks that carry no event.
 */
enum mmscope_mmu_notifier_event {
	MMSCOPE_MMU_NOTIFIER_EV_UNMAP = 0,
	MMSCOPE_MMU_NOTIFIER_EV_CLEAR = 1,
	MMSCOPE_MMU_NOTIFIER_EV_PROTECTION_VMA = 2,
	MMSCOPE_MMU_NOTIFIER_EV_PROTECTION_PAGE = 3,
	MMSCOPE_MMU_NOTIFIER_EV_SOFT_DIRTY = 4,
	MMSCOPE_MMU_NOTIFIER_EV_RELEASE = 5,
	MMSCOPE_MMU_NOTIFIER_EV_MIGRATE = 6,
	MMSCOPE_MMU_NOTIFIER_EV_EXCLUSIVE = 7,
	MMSCOPE_MMU_NOTIFIER_EV_NONE = 8,
	MMSCOPE_MMU_NOTIFIER_EV_COUNT = 9
};

/* The name of an op, as the text files, the CLI and JSON spell it. */
static inline const char *mmscope_mmu_notifier_op_name(__u32 op)
{
	static const char *const names[MMSCOPE_MMU_NOTIFIER_OP_COUNT] = {
		"release", "invalidate_range_start", "invalidate_range_end",
		"invalidate_range", "change_pte",
		"arch_invalidate_secondary_tlbs", "clear_flush_young",
		"clear_young", "test_young", "invalidate",
	};

	return op < MMSCOPE_MMU_NOTIFIER_OP_COUNT ? names[op] : "unknown";
}

/* The name of an event; "none" for MMSCOPE_MMU_NOTIFIER_EV_NONE. */
static inline const char *mmscope_mmu_notifier_event_name(__u32 ev)
{
	static const char *const names[MMSCOPE_MMU_NOTIFIER_EV_COUNT] = {
		"unmap", "clear", "protection_vma", "protection_page",
		"soft_dirty", "release", "migrate", "exclusive", "none",
	};

	return ev < MMSCOPE_MMU_NOTIFIER_EV_COUNT ? names[ev] : "unknown";
}

/* struct mmscope_mmu_notifier_record.flags */
#define MMSCOPE_MMU_NOTIFIER_REC_BLOCKABLE	(1U << 0) /* the callback may sleep */
#define MMSCOPE_MMU_NOTIFIER_REC_OWNER		(1U << 1) /* range->owner was set */
#define MMSCOPE_MMU_NOTIFIER_REC_INTERVAL	(1U << 2) /* interval_seq_* are valid */
#define MMSCOPE_MMU_NOTIFIER_REC_YOUNG		(1U << 3) /* the age callback answered young */
#define MMSCOPE_MMU_NOTIFIER_REC_REFUSED	(1U << 4) /* answered -EAGAIN */
#define MMSCOPE_MMU_NOTIFIER_REC_STACK		(1U << 5) /* @stack holds @nr_stack frames */

/* Kernel stack frames a record holds at most (attached with STACK). */
#define MMSCOPE_MMU_NOTIFIER_STACK_DEPTH	8

/**
 * struct mmscope_mmu_notifier_record - one callback
 * @seq: the attachment's callback number, from 1; a gap is a dropped record
 * @ns: when (ktime_get_ns(), CLOCK_MONOTONIC)
 * @start: first byte of the range (test_young: the address)
 * @end: one past the last byte (test_young: the address + 1)
 * @interval_seq_before: the interval's invalidate_seq before the callback
 * @interval_seq_after: the sequence number the kernel passed (odd: an
 *                      invalidation in progress), stored as the interval's
 * @op: enum mmscope_mmu_notifier_op
 * @event: enum mmscope_mmu_notifier_event
 * @flags: MMSCOPE_MMU_NOTIFIER_REC_*
 * @pid: the task the callback ran in (its pid in the initial namespace)
 * @comm: that task's name, NUL-terminated
 * @nr_stack: frames in @stack (attached with MMSCOPE_MMU_NOTIFIER_STACK;
 *            else 0)
 * @pad: zero
 * @stack: return addresses of the kernel stack that led to the callback,
 *         innermost first, from the kernel's caller of the callback on
 *         (the module's own frames left out)
 */
struct mmscope_mmu_notifier_record {
	__u64 seq;
	__u64 ns;
	__u64 start;
	__u64 end;
	__u64 interval_seq_before;
	__u64 interval_seq_after;
	__u32 op;
	__u32 event;
	__u32 flags;
	__s32 pid;
	char comm[16];
	__u32 nr_stack;
	__u32 pad;
	__u64 stack[MMSCOPE_MMU_NOTIFIER_STACK_DEPTH];
};

#define MMSCOPE_MMU_NOTIFIER_RECORD_SIZE_VER0 80
#define MMSCOPE_MMU_NOTIFIER_RECORD_SIZE_VER1 152

/* struct mmscope_mmu_notifier_attach.flags */
#define MMSCOPE_MMU_NOTIFIER_INTERVAL	(1U << 0) /* an interval [start, start + len) */
/* whole mm only: the age callbacks answer "young" (default: "old") */
#define MMSCOPE_MMU_NOTIFIER_ANSWER_YOUNG	(1U << 1)
/*
 * interval only: refuse every invalidation that may not sleep (the OOM
 * reaper, process_mrelease()), as a driver that must sleep does: the
 * kernel gets -EAGAIN and tries again later
 */
#define MMSCOPE_MMU_NOTIFIER_REFUSE_NONBLOCK	(1U << 2)
/*
 * each record gets the kernel stack that led to the callback (at most
 * MMSCOPE_MMU_NOTIFIER_STACK_DEPTH frames; off by default: it costs a
 * stack walk per callback)
 */
#define MMSCOPE_MMU_NOTIFIER_STACK	(1U << 3)
/*
 * each callback is timed, from its entry to its record written, into a
 * log2 histogram per op (MMSCOPE_MMU_NOTIFIER_IOC_LATENCY, `latency`);
 * off by default: it costs a clock read per callback
 */
#define MMSCOPE_MMU_NOTIFIER_LATENCY	(1U << 4)
/*
 * count the callbacks per op and event (STATS, `attachments`) and keep
 * no record: READ returns none, nothing is dropped; the cheapest
 * attachment (per-CPU counters, no lock, no clock), what `perf stat` is
 * to `perf record`. Not with STACK or LATENCY.
 */
#define MMSCOPE_MMU_NOTIFIER_COUNT	(1U << 5)

/* Ring sizes (records) and attachments, module-wide. */
#define MMSCOPE_MMU_NOTIFIER_RING_DEFAULT	4096
#define MMSCOPE_MMU_NOTIFIER_RING_MAX		65536
#define MMSCOPE_MMU_NOTIFIER_MAX_ATTACH		64

/**
 * struct mmscope_mmu_notifier_attach - MMSCOPE_MMU_NOTIFIER_IOC_ATTACH
 * @size: caller's sizeof(); on return, bytes written
 * @flags: in, MMSCOPE_MMU_NOTIFIER_INTERVAL or 0 (the whole address space),
 *         MMSCOPE_MMU_NOTIFIER_ANSWER_YOUNG (not with an interval),
 *         MMSCOPE_MMU_NOTIFIER_REFUSE_NONBLOCK (only with an interval),
 *         MMSCOPE_MMU_NOTIFIER_STACK, MMSCOPE_MMU_NOTIFIER_LATENCY (either),
 *         or MMSCOPE_MMU_NOTIFIER_COUNT (either, not with STACK or LATENCY)
 * @pid: in, target process
 * @ring: in, records the ring holds (0: RING_DEFAULT; at most RING_MAX);
 *        out, the size used
 * @start: in, interval: first byte; out, rounded down to a page
 * @len: in, interval: bytes; out, up to the end rounded up to a page
 * @id: out, the attachment's id, as `attachments` and LIST show it
 * @reserved: zero
 * @interval_seq: out, interval: its invalidate_seq after insertion
 *
 * Registers an mmu_notifier on the target's mm (mmu_notifier_register())
 * or inserts an interval notifier (mmu_interval_notifier_insert()). No
 * reference on the target's memory is kept: when the process exits the
 * attachment gets `release` (and an interval the RELEASE event) and is
 * detached; its ring stays readable until DETACH or close.
 *
 * Errors: EBUSY (this file has an attachment), ENOSPC (MAX_ATTACH
 * attachments exist), EEXIST (an interval attachment of the same mm
 * overlaps the interval), EINVAL (flags, ring, pid <= 0, a kernel thread),
 * ESRCH (no such process), and the range contract's errnos for an
 * interval (docs/kernel-interfaces.md, "Ranges"; len 0 is EINVAL).
 */
struct mmscope_mmu_notifier_attach {
	__u32 size;
	__u32 flags;
	__s32 pid;
	__u32 ring;
	__u64 start;
	__u64 len;
	__u32 id;
	__u32 reserved;
	__u64 interval_seq;
};

#define MMSCOPE_MMU_NOTIFIER_ATTACH_SIZE_VER0 48

/* struct mmscope_mmu_notifier_read.state */
enum mmscope_mmu_notifier_state {
	MMSCOPE_MMU_NOTIFIER_ATTACHED = 0,
	MMSCOPE_MMU_NOTIFIER_RELEASED = 1,	/* the target exited */
	MMSCOPE_MMU_NOTIFIER_DETACHED = 2,	/* DETACH */
};

/**
 * struct mmscope_mmu_notifier_read - MMSCOPE_MMU_NOTIFIER_IOC_READ
 * @size: caller's sizeof(); on return, bytes written
 * @flags: in, zero
 * @count: in, room in @records; out, records written (oldest first)
 * @record_size: in, caller's sizeof(struct mmscope_mmu_notifier_record);
 *               out, the kernel's (records are written min of the two)
 * @timeout_ms: in, wait up to this long for a first record when the ring
 *              is empty (0: do not wait); a signal ends the wait early
 *              with 0 records
 * @state: out, enum mmscope_mmu_notifier_state
 * @records: in, user pointer to @count records
 * @dropped: out, records lost so far because the ring was full
 * @interval_seq: out, interval: its invalidate_seq now
 *
 * Records read are gone from the ring. One reader at a time: EBUSY while
 * another READ of the same attachment runs. ENOENT without an attachment.
 */
struct mmscope_mmu_notifier_read {
	__u32 size;
	__u32 flags;
	__u32 count;
	__u32 record_size;
	__u32 timeout_ms;
	__u32 state;
	__u64 records;
	__u64 dropped;
	__u64 interval_seq;
};

#define MMSCOPE_MMU_NOTIFIER_READ_SIZE_VER0 48

/**
 * struct mmscope_mmu_notifier_detach - MMSCOPE_MMU_NOTIFIER_IOC_DETACH
 * @size: caller's sizeof(); on return, bytes written
 * @flags: in, zero
 * @records: out, records the attachment made
 * @dropped: out, of which lost because the ring was full
 *
 * Ends this file's attachment (the notifier is removed, unread records
 * are discarded); the file may ATTACH again. ENOENT without one.
 */
struct mmscope_mmu_notifier_detach {
	__u32 size;
	__u32 flags;
	__u64 records;
	__u64 dropped;
};

#define MMSCOPE_MMU_NOTIFIER_DETACH_SIZE_VER0 24

/**
 * struct mmscope_mmu_notifier_stats - MMSCOPE_MMU_NOTIFIER_IOC_STATS
 * @size: caller's sizeof(); on return, bytes written
 * @id: in, an attachment's id, or 0 for the module's totals since load
 * @attachments: out, attachments now
 * @flags: in, zero
 * @dropped: out, records lost because a ring was full
 * @ops: out, callbacks per enum mmscope_mmu_notifier_op
 * @events: out, callbacks per enum mmscope_mmu_notifier_event (NONE too)
 *
 * ENOENT for an id that does not exist.
 */
struct mmscope_mmu_notifier_stats {
	__u32 size;
	__u32 id;
	__u32 attachments;
	__u32 flags;
	__u64 dropped;
	__u64 ops[12];
	__u64 events[10];
};

#define MMSCOPE_MMU_NOTIFIER_STATS_SIZE_VER0 200

/**
 * struct mmscope_mmu_notifier_info - one attachment, as LIST reports it
 * @id: its id
 * @pid: the target process
 * @flags: the attachment's MMSCOPE_MMU_NOTIFIER_* flags
 * @state: enum mmscope_mmu_notifier_state
 * @start: interval: first byte; else 0
 * @end: interval: one past the last byte; else 0
 * @records: records made
 * @dropped: of which lost
 * @interval_seq: interval: its invalidate_seq now
 * @comm: the target's name at attach time, NUL-terminated
 */
struct mmscope_mmu_notifier_info {
	__u32 id;
	__s32 pid;
	__u32 flags;
	__u32 state;
	__u64 start;
	__u64 end;
	__u64 records;
	__u64 dropped;
	__u64 interval_seq;
	char comm[16];
};

/**
 * struct mmscope_mmu_notifier_list - MMSCOPE_MMU_NOTIFIER_IOC_LIST
 * @size: caller's sizeof(); on return, bytes written
 * @count: in, room in @entries; out, entries written
 * @total: out, attachments there are
 * @flags: in, zero
 * @entries: in, user pointer to @count struct mmscope_mmu_notifier_info
 */
struct mmscope_mmu_notifier_list {
	__u32 size;
	__u32 count;
	__u32 total;
	__u32 flags;
	__u64 entries;
};

#define MMSCOPE_MMU_NOTIFIER_LIST_SIZE_VER0 24

/* Buckets of a latency histogram; see struct mmscope_mmu_notifier_lat_op. */
#define MMSCOPE_MMU_NOTIFIER_LAT_BUCKETS	32

/**
 * struct mmscope_mmu_notifier_lat_op - the latency histogram of one op
 * @count: callbacks timed (the sum of @buckets)
 * @sum_ns: their total time
 * @max_ns: the longest
 * @buckets: bucket b counts the callbacks that took [2^b, 2^(b+1)) ns;
 *           bucket 0 also those under 1 ns, the last one also everything
 *           longer
 */
struct mmscope_mmu_notifier_lat_op {
	__u64 count;
	__u64 sum_ns;
	__u64 max_ns;
	__u64 buckets[MMSCOPE_MMU_NOTIFIER_LAT_BUCKETS];
};

/**
 * struct mmscope_mmu_notifier_latency - MMSCOPE_MMU_NOTIFIER_IOC_LATENCY
 * @size: caller's sizeof(); on return, bytes written
 * @id: in, an attachment's id, or 0 for this file's own
 * @flags: in, zero
 * @nr_ops: in, room in @ops (at least 1); out, entries written: one per
 *          enum mmscope_mmu_notifier_op, up to MMSCOPE_MMU_NOTIFIER_OP_COUNT
 * @ops: in, user pointer to @nr_ops struct mmscope_mmu_notifier_lat_op,
 *       indexed by enum mmscope_mmu_notifier_op
 *
 * The histograms of an attachment made with MMSCOPE_MMU_NOTIFIER_LATENCY:
 * every callback it got, recorded or dropped, timed from the callback's
 * entry to its record written (with MMSCOPE_MMU_NOTIFIER_STACK, the stack
 * walk included). ENOENT for an id that does not exist (id 0: this file
 * has no attachment), ENODATA for an attachment made without LATENCY.
 */
struct mmscope_mmu_notifier_latency {
	__u32 size;
	__u32 id;
	__u32 flags;
	__u32 nr_ops;
	__u64 ops;
};

#define MMSCOPE_MMU_NOTIFIER_LATENCY_SIZE_VER0 24

#define MMSCOPE_MMU_NOTIFIER_IOC_ATTACH \
	_IOWR(MMSCOPE_IOC_MAGIC, 0xb0, struct mmscope_mmu_notifier_attach)
#define MMSCOPE_MMU_NOTIFIER_IOC_READ \
	_IOWR(MMSCOPE_IOC_MAGIC, 0xb1, struct mmscope_mmu_notifier_read)
#define MMSCOPE_MMU_NOTIFIER_IOC_DETACH \
	_IOWR(MMSCOPE_IOC_MAGIC, 0xb2, struct mmscope_mmu_notifier_detach)
#define MMSCOPE_MMU_NOTIFIER_IOC_STATS \
	_IOWR(MMSCOPE_IOC_MAGIC, 0xb3, struct mmscope_mmu_notifier_stats)
#define MMSCOPE_MMU_NOTIFIER_IOC_LIST \
	_IOWR(MMSCOPE_IOC_MAGIC, 0xb4, struct mmscope_mmu_notifier_list)
#define MMSCOPE_MMU_NOTIFIER_IOC_LATENCY \
	_IOWR(MMSCOPE_IOC_MAGIC, 0xb5, struct mmscope_mmu_notifier_latency)

#endif /* _UAPI_MMSCOPE_MMU_NOTIFIER_H */
