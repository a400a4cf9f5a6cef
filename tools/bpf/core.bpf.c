// SPDX-License-Identifier: GPL-2.0
/*
 * core: calls of mmscope_core's mmscope_target_get(), the pid -> mm
 * lookup every module makes, counted per looked-up pid. It attaches to a
 * function of a module, which fentry/fexit can only do through the
 * module's own BTF (/sys/kernel/btf/mmscope_core); kprobes need no BTF.
 */
#include "common.bpf.h"
#include "core.h"

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, __s32);		/* the pid looked up */
	__type(value, struct core_lookups);
} lookups SEC(".maps");

/* The pid of the lookup in progress, per thread. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, __u64);
	__type(value, __s32);
} pending SEC(".maps");

static __always_inline void lookup_done(__s32 pid, const void *mm)
{
	struct core_lookups zero = {};
	struct core_lookups *l = mmscope_lookup_or_init(&lookups, &pid, &zero);

	if (!l)
		return;
	__sync_fetch_and_add(&l->calls, 1);
	/* An ERR_PTR() is in the last page of the address space. */
	if ((unsigned long)mm >= (unsigned long)-4095)
		__sync_fetch_and_add(&l->failed, 1);
	else
		__sync_fetch_and_add(&l->found, 1);
}

SEC("fexit/mmscope_target_get")
int BPF_PROG(fexit_target_get, pid_t pid, struct mm_struct *mm)
{
	if (mmscope_traced(bpf_get_current_pid_tgid()))
		lookup_done(pid, mm);
	return 0;
}

SEC("kprobe/mmscope_target_get")
int BPF_KPROBE(kprobe_target_get, pid_t pid)
{
	__u64 id = bpf_get_current_pid_tgid();
	__s32 p = pid;

	if (mmscope_traced(id))
		bpf_map_update_elem(&pending, &id, &p, BPF_ANY);
	return 0;
}

SEC("kretprobe/mmscope_target_get")
int BPF_KRETPROBE(kretprobe_target_get, void *mm)
{
	__u64 id = bpf_get_current_pid_tgid();
	__s32 *pid = bpf_map_lookup_elem(&pending, &id);

	if (!pid)
		return 0;
	lookup_done(*pid, mm);
	bpf_map_delete_elem(&pending, &id);
	return 0;
}
