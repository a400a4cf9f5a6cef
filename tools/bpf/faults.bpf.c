// SPDX-License-Identifier: GPL-2.0
/*
 * faults: page faults, two ways.
 *
 * By default, from the software perf events the kernel raises when
 * handle_mm_fault() accounts a fault: minor-faults or major-faults (not
 * for a retried or failed fault, nor for GUP), opened per CPU mode
 * (user code or the kernel on a user address) so that the kernel keeps
 * their exact counts; a program runs once every FAULTS_MINOR_PERIOD
 * minor faults and at every major one, only to publish those counts in
 * a map. With --latency, at every fault instead, counted by the mode
 * in the exception's regs, and also where the fault began: x86's
 * exceptions tracepoints, elsewhere the page-faults event the arch's
 * handler raises on entry. With it: faults taken, faults not
 * accounted, and the time from the exception to the accounting for one
 * fault in FAULTS_SAMPLE.
 *
 * With --handlers, by the handler that served them, by VM_FAULT_*
 * result, with a latency histogram per handler: handle_mm_fault() is the
 * one entry every fault takes (user faults and GUP alike); most handlers
 * below it are static and inlined in Debian's kernels, so a fault is
 * followed by the attachable functions it passes through ("marks") and
 * classified when handle_mm_fault() returns. Each program exists as
 * fentry/fexit and as kprobe/kretprobe: the CLI loads one set (kprobes
 * where the arch has no BPF trampolines: 6.1 arm64).
 */
#include "common.bpf.h"
#include "faults.h"

#define VM_SHARED	0x00000008
#define VM_HUGETLB	0x00400000

/* 6.4+: faults handled under the per-VMA lock; absent from 6.1's BTF. */
enum fault_flag___vma_lock {
	FAULT_FLAG_VMA_LOCK = 1 << 12,
};

const volatile bool latency;		/* default mode: --latency */

/* Set by the CLI after attaching: 1 << mark for every mark attached. */
__u32 marks_attached;

/* x86_64 only: exceptions:page_fault_user hits of the traced processes. */
__u64 user_faults;

/* Too big for the BPF stack: a new handler's entry starts from here. */
static const struct faults_stats zero_stats;

/*
 * A fault in progress, per thread: start is 0 between faults. Task-local
 * storage, not a hash keyed by tid: created at a thread's first traced
 * fault and kept until it exits, so a fault costs a cached lookup at each
 * program rather than a hash insert, lookups and a delete.
 */
struct faults_task {
	__u64 start;
	__u64 vm_flags;
	__u32 flags;		/* FAULT_FLAG_* */
	__u32 marks;		/* 1 << enum faults_mark */
	bool file;		/* vma->vm_ops: not anonymous */
};

struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct faults_task);
} tasks SEC(".maps");

/* A hash, not an array, so that bpftool prints keys by their enum name. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, FAULTS_NR_HANDLERS);
	__type(key, enum faults_handler);
	__type(value, struct faults_stats);
} handlers SEC(".maps");

/* Generations below the traced process whose faults count too. */
#define FAULTS_GENERATIONS	8

/*
 * The traced process (all of them without a pid), or a process it
 * started, or one they started, up to FAULTS_GENERATIONS down: what
 * --pid PID and -- COMMAND follow. A process whose parent exited was
 * handed to a reaper and is no longer seen as a descendant.
 */
static __always_inline bool traced_or_descendant(void)
{
	struct task_struct *task;
	int i;

	if (mmscope_traced(bpf_get_current_pid_tgid()))
		return true;
	task = (struct task_struct *)bpf_get_current_task();
	for (i = 0; i < FAULTS_GENERATIONS; i++) {
		task = BPF_CORE_READ(task, real_parent);
		if (!task)
			return false;
		if (BPF_CORE_READ(task, tgid) == target_tgid)
			return true;
	}
	return false;
}

static __always_inline void fault_enter(struct vm_area_struct *vma,
					unsigned int flags)
{
	struct faults_task *t;

	if (!traced_or_descendant())
		return;
	t = bpf_task_storage_get(&tasks, bpf_get_current_task_btf(), NULL,
				 BPF_LOCAL_STORAGE_GET_F_CREATE);
	if (!t)
		return;
	t->flags = flags;
	t->marks = 0;
	t->vm_flags = BPF_CORE_READ(vma, vm_flags);
	t->file = BPF_CORE_READ(vma, vm_ops) != NULL;
	t->start = bpf_ktime_get_ns();
}

/* This thread's fault in progress, if it is traced and in one. */
static __always_inline struct faults_task *current_fault(void)
{
	struct faults_task *t;

	/* fault_enter() made it, and set start, for traced tasks only */
	t = bpf_task_storage_get(&tasks, bpf_get_current_task_btf(), NULL, 0);
	return t && t->start ? t : NULL;
}

static __always_inline void mark(enum faults_mark m)
{
	struct faults_task *t = current_fault();

	if (t)
		t->marks |= 1U << m;
}

#define MARKED(t, m)	((t)->marks & (1U << FAULTS_MARK_##m))
#define ATTACHED(m)	(marks_attached & (1U << FAULTS_MARK_##m))

static __always_inline enum faults_handler classify(struct faults_task *t,
						    __u32 ret, __u32 retry)
{
	bool write = t->flags & bpf_core_enum_value(enum fault_flag,
						    FAULT_FLAG_WRITE);

	if (t->vm_flags & VM_HUGETLB)
		return FAULTS_HUGETLB;
	if (MARKED(t, HUGE_ANON))
		return FAULTS_HUGE_ANON;
	if (MARKED(t, HUGE_WP))
		return FAULTS_HUGE_WP;
	if (MARKED(t, HUGE_NUMA))
		return FAULTS_HUGE_NUMA;
	if (MARKED(t, SWAP))
		return FAULTS_SWAP;
	if (MARKED(t, WP)) {
		if (t->vm_flags & VM_SHARED)
			return FAULTS_WP_SHARED;
		/*
		 * wp_page_copy (inlined in 6.12) maps a new anon folio;
		 * wp_page_reuse is "inline", so notrace, everywhere.
		 */
		if (MARKED(t, WP_COPY) || MARKED(t, NEW_ANON))
			return FAULTS_WP_COPY;
		return FAULTS_WP_REUSE;
	}
	if (t->file) {
		/*
		 * Under the per-VMA lock (6.12) do_fault() hands a vma
		 * without ->map_pages back with VM_FAULT_RETRY before any
		 * of the marks.
		 */
		if (!MARKED(t, FILE) && !MARKED(t, AROUND) &&
		    !MARKED(t, FINISH) && !(ret & retry))
			return FAULTS_NONE;
		if (!write)
			return FAULTS_READ;
		return t->vm_flags & VM_SHARED ? FAULTS_SHARED : FAULTS_COW;
	}
	if (MARKED(t, ANON) || MARKED(t, NEW_ANON))
		return FAULTS_ANON;
	/*
	 * Where do_anonymous_page is inlined (6.1), a read fault that mapped
	 * the zero page leaves no mark: count it there.
	 */
	if (!ATTACHED(ANON) && !write)
		return FAULTS_ANON;
	return FAULTS_NONE;
}

static __always_inline __u32 log2_slot(__u64 v)
{
	return mmscope_log2_slot(v, FAULTS_HIST_SLOTS);
}

static __always_inline void fault_exit(__u32 ret)
{
	__u32 retry = bpf_core_enum_value(enum vm_fault_reason, VM_FAULT_RETRY);
	__u32 major = bpf_core_enum_value(enum vm_fault_reason, VM_FAULT_MAJOR);
	__u32 tried = bpf_core_enum_value(enum fault_flag, FAULT_FLAG_TRIED);
	__u32 error = bpf_core_enum_value(enum vm_fault_reason, VM_FAULT_OOM) |
		bpf_core_enum_value(enum vm_fault_reason, VM_FAULT_SIGBUS) |
		bpf_core_enum_value(enum vm_fault_reason, VM_FAULT_SIGSEGV) |
		bpf_core_enum_value(enum vm_fault_reason, VM_FAULT_HWPOISON) |
		bpf_core_enum_value(enum vm_fault_reason,
				    VM_FAULT_HWPOISON_LARGE) |
		bpf_core_enum_value(enum vm_fault_reason, VM_FAULT_FALLBACK);
	struct faults_task *t = current_fault();
	struct faults_stats *s;
	__u32 h;
	int i;

	if (!t)
		return;
	h = classify(t, ret, retry);
	s = mmscope_lookup_or_init(&handlers, &h, &zero_stats);
	if (!s)
		goto out;
	__sync_fetch_and_add(&s->count, 1);
	if (ret & retry)
		__sync_fetch_and_add(&s->retry, 1);
	else if (ret & error)
		__sync_fetch_and_add(&s->error, 1);
	else if ((ret & major) || (t->flags & tried))
		__sync_fetch_and_add(&s->major, 1);
	else
		__sync_fetch_and_add(&s->minor, 1);
	if (t->flags & MMSCOPE_ENUM_OR_ZERO(enum fault_flag___vma_lock,
					    FAULT_FLAG_VMA_LOCK))
		__sync_fetch_and_add(&s->vma_lock, 1);
	for (i = 0; i < FAULTS_RESULT_BITS; i++)
		if (ret & (1U << i))
			__sync_fetch_and_add(&s->results[i], 1);
	__sync_fetch_and_add(&s->latency[log2_slot(bpf_ktime_get_ns() -
						   t->start)], 1);
out:
	t->start = 0;
}

SEC("fentry/handle_mm_fault")
int BPF_PROG(fentry_fault, struct vm_area_struct *vma, unsigned long address,
	     unsigned int flags)
{
	fault_enter(vma, flags);
	return 0;
}

SEC("fexit/handle_mm_fault")
int BPF_PROG(fexit_fault, struct vm_area_struct *vma, unsigned long address,
	     unsigned int flags, struct pt_regs *regs, vm_fault_t ret)
{
	fault_exit(ret);
	return 0;
}

SEC("kprobe/handle_mm_fault")
int BPF_KPROBE(kprobe_fault, struct vm_area_struct *vma, unsigned long address,
	       unsigned int flags)
{
	fault_enter(vma, flags);
	return 0;
}

SEC("kretprobe/handle_mm_fault")
int BPF_KRETPROBE(kretprobe_fault, vm_fault_t ret)
{
	fault_exit(ret);
	return 0;
}

/*
 * One program per mark and method; the CLI points each at the function
 * the running kernel has (bpf_program__set_attach_target() for fentry,
 * the kprobe's symbol otherwise) and leaves out the ones it lacks.
 */
#define FAULTS_MARK_PROGS(name, m)				\
SEC("fentry")							\
int BPF_PROG(fentry_##name)					\
{								\
	mark(FAULTS_MARK_##m);					\
	return 0;						\
}								\
SEC("kprobe")							\
int BPF_KPROBE(kprobe_##name)					\
{								\
	mark(FAULTS_MARK_##m);					\
	return 0;						\
}

FAULTS_MARK_PROGS(anon, ANON)
FAULTS_MARK_PROGS(new_anon, NEW_ANON)
FAULTS_MARK_PROGS(wp, WP)
FAULTS_MARK_PROGS(wp_copy, WP_COPY)
FAULTS_MARK_PROGS(swap, SWAP)
FAULTS_MARK_PROGS(file, FILE)
FAULTS_MARK_PROGS(around, AROUND)
FAULTS_MARK_PROGS(finish, FINISH)
FAULTS_MARK_PROGS(huge_anon, HUGE_ANON)
FAULTS_MARK_PROGS(huge_wp, HUGE_WP)
FAULTS_MARK_PROGS(huge_numa, HUGE_NUMA)

/*
 * counts[mode] per CPU, of both modes, created by the CLI before the
 * programs attach (a per-CPU hash: its key is typed). Plain increments, no atomics
 * (a perf event's BPF program runs with preemption off, and its
 * recursion guard keeps a second one off the same CPU meanwhile), and
 * no per-thread state: the latency sample in progress is kept there too.
 */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);	/* enum key: bpftool names */
	__uint(max_entries, FAULTS_NR_MODES);
	__type(key, enum faults_mode);
	__type(value, struct faults_counts);
} counts SEC(".maps");

/*
 * The mode the CPU was in when it faulted, from the exception's regs:
 * the UAPI layout of bpf_user_pt_regs_t, word by word, not a CO-RE
 * access. The context allows only whole-word loads, and 6.12's BTF
 * makes x86's cs a 2-byte field, to which libbpf would shrink the load.
 */
#define X86_CS_WORD		17	/* struct pt_regs: r15 ... ip, cs */
#define ARM64_PSTATE_WORD	33	/* struct user_pt_regs: regs[31], sp, pc, pstate */

static __always_inline __u32 fault_mode(struct bpf_perf_event_data *ctx)
{
	const volatile __u64 *regs = (const volatile __u64 *)ctx;

#if defined(__TARGET_ARCH_x86)
	return (regs[X86_CS_WORD] & 3) == 3 ? FAULTS_MODE_USER :
					      FAULTS_MODE_KERNEL;
#elif defined(__TARGET_ARCH_arm64)
	return (regs[ARM64_PSTATE_WORD] & 0xf) == 0 ? FAULTS_MODE_USER :
						      FAULTS_MODE_KERNEL;
#else
#error "faults.bpf.c: add this arch's user_mode() test"
#endif
}

static __always_inline struct faults_counts *mode_counts(__u64 id,
							 __u32 mode)
{
	if (!mmscope_traced(id))
		return NULL;
	return bpf_map_lookup_elem(&counts, &mode);
}

/* A fault begins: an exception on a user address. */
static __always_inline void fault_begin(__u32 mode)
{
	__u64 id = bpf_get_current_pid_tgid();
	struct faults_counts *c = mode_counts(id, mode);
	__u32 tid = id;

	if (!c)
		return;
	/* A fault of this thread that was not accounted has ended. */
	if (c->start_tid == tid)
		c->start_tid = 0;
	if (!(c->count % FAULTS_SAMPLE)) {
		c->sampled++;
		c->start_tid = tid;
		c->start_ns = bpf_ktime_get_ns();
	}
	c->count++;
}

/* The page-faults event: --latency where there is no tracepoint. */
SEC("perf_event")
int perf_fault(struct bpf_perf_event_data *ctx)
{
	fault_begin(fault_mode(ctx));
	return 0;
}

/*
 * --latency on x86: the exceptions tracepoints, at every #PF, cheaper
 * than a perf event. Faults on kernel addresses (vmalloc) are not page faults of a
 * process: left out, as the page-faults event leaves them out.
 */
SEC("raw_tp/page_fault_user")
int BPF_PROG(tp_fault_user, unsigned long address)
{
	fault_begin(FAULTS_MODE_USER);
	return 0;
}

SEC("raw_tp/page_fault_kernel")
int BPF_PROG(tp_fault_kernel, unsigned long address)
{
	if (!(address >> 63))
		fault_begin(FAULTS_MODE_KERNEL);
	return 0;
}

static __always_inline void accounted(struct bpf_perf_event_data *ctx,
				      bool major)
{
	struct faults_counts *c;
	__u32 mode, tid, slot;
	__u64 id = 0;

	if (target_tgid || latency)
		id = bpf_get_current_pid_tgid();
	if (!mmscope_traced(id))
		return;
	mode = fault_mode(ctx);
	c = bpf_map_lookup_elem(&counts, &mode);
	if (!c)
		return;
	if (major)
		c->major++;
	else
		c->minor++;
	/*
	 * A sampled fault that slept and ended on another CPU (or whose
	 * CPU sampled another thread's fault meanwhile) is not timed.
	 */
	tid = id;
	if (!latency || !c->start_tid || c->start_tid != tid)
		return;
	slot = log2_slot(bpf_ktime_get_ns() - c->start_ns);
	c->start_tid = 0;
	c->timed++;
	if (major)
		c->major_latency[slot & (FAULTS_HIST_SLOTS - 1)]++;
	else
		c->latency[slot & (FAULTS_HIST_SLOTS - 1)]++;
}

SEC("perf_event")
int perf_minor(struct bpf_perf_event_data *ctx)
{
	accounted(ctx, false);
	return 0;
}

SEC("perf_event")
int perf_major(struct bpf_perf_event_data *ctx)
{
	accounted(ctx, true);
	return 0;
}

/*
 * The default mode: one program per event kind, run once every
 * sample_period events (FAULTS_MINOR_PERIOD for minor faults, 1 for
 * major). Per-CPU events: the event's exact count, read from the event
 * itself (it includes this fault), is stored in this CPU's slot, which
 * the CLI also writes at the end. Per-thread inherited events (--pid):
 * the kernel cannot read an inherited event's count here, so the period
 * is added.
 */
const volatile bool inherited;

static __always_inline void publish(struct bpf_perf_event_data *ctx,
				    __u32 mode, bool major)
{
	struct bpf_perf_event_value v;
	struct faults_counts *c;
	__u64 *n;

	c = bpf_map_lookup_elem(&counts, &mode);
	if (!c)
		return;
	n = major ? &c->major : &c->minor;
	if (inherited)
		*n += ctx->sample_period;
	else if (!bpf_perf_prog_read_value(ctx, &v, sizeof(v)))
		*n = v.counter;
}

#define FAULTS_COUNT_PROG(name, m, major)			\
SEC("perf_event")						\
int count_##name(struct bpf_perf_event_data *ctx)		\
{								\
	publish(ctx, FAULTS_MODE_##m, major);			\
	return 0;						\
}

FAULTS_COUNT_PROG(minor_user, USER, false)
FAULTS_COUNT_PROG(minor_kernel, KERNEL, false)
FAULTS_COUNT_PROG(major_user, USER, true)
FAULTS_COUNT_PROG(major_kernel, KERNEL, true)

/* A raw tracepoint: no trace record is filled in for it. */
SEC("raw_tp/page_fault_user")
int tp_user_fault(void *ctx)
{
	if (traced_or_descendant())
		__sync_fetch_and_add(&user_faults, 1);
	return 0;
}
