/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What mmscope_core.ko exports to the other modules of the suite.
 *
 * Include paths (set in each module's Kbuild): modules/include first, so
 * <mmscope/core.h> is this file, then the repository's include/ and
 * include/uapi. Module code includes its UAPI as <uapi/mmscope/NAME.h>.
 */
#ifndef _MMSCOPE_CORE_H
#define _MMSCOPE_CORE_H

#include <linux/compiler.h>
#include <linux/err.h>
#include <linux/sched/mm.h>
#include <linux/types.h>

#include <uapi/mmscope/core.h>

struct dentry;
struct mm_struct;
struct tracepoint;

/* debugfs: /sys/kernel/debug/mmscope/ and one directory per module. */
struct dentry *mmscope_debugfs_root(void);
struct dentry *mmscope_debugfs_create_dir(const char *name);
void mmscope_debugfs_remove_dir(struct dentry *dir);

/*
 * Target lookup: pid (in the caller's pid namespace) -> task -> mm.
 * Returns the mm with a reference held (release it with
 * mmscope_target_put()) or ERR_PTR(-ESRCH) when there is no such process
 * or it has exited, ERR_PTR(-EINVAL) for pid <= 0 or a kernel thread.
 * Callers check the opener's CAP_SYS_ADMIN (<mmscope/privilege.h>) first.
 */
struct mm_struct *mmscope_target_get(pid_t pid);

static inline void mmscope_target_put(struct mm_struct *mm)
{
	mmput(mm);
}

/*
 * What a person writes to a module's debugfs `target` file, parsed once
 * for every module: "PID ADDR [LEN]", "kernel ADDR [LEN]" or
 * "pfn PFN [COUNT]", numbers in C notation (0x... for hex) with an
 * optional K, M or G suffix (KiB, MiB, GiB; not on the pid). @has_len
 * says whether a length was given; each module decides which kinds it
 * takes and the default length (see <mmscope/target-file.h>). Returns 0,
 * -EINVAL, or -EOVERFLOW for a suffix that overflows 64 bits.
 */
enum mmscope_target_kind {
	MMSCOPE_TARGET_PID,
	MMSCOPE_TARGET_KERNEL,
	MMSCOPE_TARGET_PFN,
};

struct mmscope_target_spec {
	enum mmscope_target_kind kind;
	pid_t pid;
	u64 start;
	u64 len;
	bool has_len;
};

int mmscope_target_parse(const char *text, struct mmscope_target_spec *t);

#include <mmscope/ctl.h>
#include <mmscope/privilege.h>
#include <mmscope/range.h>
#include <mmscope/target-file.h>

/*
 * Symbol resolver: the one place that looks up symbols the kernel does
 * not export. Only names in the core's allowlist (modules/core/resolver.c,
 * docs/kernel-interfaces.md) resolve; anything else, or an allowlisted
 * symbol this kernel lacks, returns NULL, and the caller disables the one
 * feature that needed it.
 */
void *mmscope_symbol(const char *name);

/*
 * Tracepoint attach helper for tracepoints built into the kernel image.
 * Fill in @name, @probe (a function whose arguments are @data followed by
 * the tracepoint's TP_PROTO) and @data; @tp is set while attached.
 */
struct mmscope_tp {
	const char *name;
	void *probe;
	void *data;
	struct tracepoint *tp;
};

/*
 * Attach @n tracepoints, all or none: -ENOENT (with a message naming it)
 * when one does not exist on this kernel. Detach unregisters the attached
 * ones and waits until no probe runs any more, so the probes' module and
 * data can go away afterwards.
 */
int mmscope_tracepoints_attach(struct mmscope_tp *tps, unsigned int n);
void mmscope_tracepoints_detach(struct mmscope_tp *tps, unsigned int n);

static inline int mmscope_tracepoint_attach(struct mmscope_tp *tp)
{
	return mmscope_tracepoints_attach(tp, 1);
}

static inline void mmscope_tracepoint_detach(struct mmscope_tp *tp)
{
	mmscope_tracepoints_detach(tp, 1);
}

#endif /* _MMSCOPE_CORE_H */
