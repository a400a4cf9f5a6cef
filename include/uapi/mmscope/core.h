/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * mmscope UAPI: the suite-wide ioctl framing and the core module's ioctls.
 *
 * What is UAPI here: the ioctl magic, the command numbers and the structs
 * below, for every module of the suite. What is NOT UAPI: the list of
 * kernel symbols the core resolves (its allowlist) and the feature names
 * tied to them. MMSCOPE_CORE_IOC_FEATURES and /sys/kernel/debug/mmscope/features
 * report that list as data; it changes between releases and kernels, so
 * programs must not depend on which names appear or in which order.
 *
 * Framing rules, shared by every module's ioctls:
 *  - All ioctls are issued on a module's debugfs `ctl` file and require
 *    CAP_SYS_ADMIN (EPERM otherwise), checked before the command is
 *    decoded; a command the module does not have is ENOTTY.
 *  - Every struct starts with __u32 size, the caller's sizeof(). Structs
 *    only grow at the end. The kernel rejects a size smaller than the
 *    struct's first published size (EINVAL), accepts a larger one if the
 *    bytes it does not know are zero (E2BIG otherwise), and on return
 *    writes min(caller size, kernel size) bytes and stores that count in
 *    size. Sizes above 4096 are rejected with E2BIG. The struct is
 *    written back (unchanged) before the command acts: a struct the
 *    caller cannot write is EFAULT, and then nothing was done.
 *  - The size bits of a command are ignored when it is decoded (see
 *    MMSCOPE_IOC_NOSIZE): a program built with a larger struct issues the
 *    same command to an older module.
 *  - Addresses, lengths and pointers are __u64; output arrays are
 *    caller-allocated, with a count in and a count out.
 *  - Command numbers: core 0x00-0x0f, pageref 0x10-0x2f, pagewalk 0x30-0x4f,
 *    compaction 0x70-0x7f, thp 0x80-0x8f, swapcache 0x90-0xaf,
 *    mmu_notifier 0xb0-0xcf.
 */
#ifndef _UAPI_MMSCOPE_CORE_H
#define _UAPI_MMSCOPE_CORE_H

#include <linux/ioctl.h>
#include <linux/types.h>

/* Bumped when an ioctl or struct of the suite changes incompatibly. */
#define MMSCOPE_UAPI_VERSION 1

#define MMSCOPE_IOC_MAGIC 0xBC

/* A command with its size bits cleared: what the modules switch on. */
#define MMSCOPE_IOC_NOSIZE(cmd) \
	((cmd) & ~((__u32)_IOC_SIZEMASK << _IOC_SIZESHIFT))

/* Largest struct size the framing accepts. */
#define MMSCOPE_IOC_SIZE_MAX 4096

/**
 * struct mmscope_version - what was built and what runs
 * @size: caller's sizeof(struct mmscope_version); on return, bytes written
 * @uapi_version: MMSCOPE_UAPI_VERSION the core was built with
 * @symbols_total: entries the core's symbol resolver knows about
 * @symbols_resolved: how many of them were found on this kernel
 * @suite: suite version, e.g. "0.1.0", NUL-terminated
 * @release: release of the running kernel, as `uname -r`, NUL-terminated
 * @arch: "x86_64" or "arm64", NUL-terminated
 * @reserved: zero
 */
struct mmscope_version {
	__u32 size;
	__u32 uapi_version;
	__u32 symbols_total;
	__u32 symbols_resolved;
	char suite[32];
	char release[65];
	char arch[16];
	__u8 reserved[7];
};

#define MMSCOPE_VERSION_SIZE_VER0 136

/* Set in mmscope_feature.flags when the symbol was found. */
#define MMSCOPE_FEATURE_RESOLVED (1U << 0)

/**
 * struct mmscope_feature - one entry of the core's symbol resolver
 * @name: kernel symbol, NUL-terminated
 * @feature: what the symbol enables, NUL-terminated
 * @flags: MMSCOPE_FEATURE_*
 * @reserved: zero
 */
struct mmscope_feature {
	char name[64];
	char feature[48];
	__u32 flags;
	__u32 reserved[3];
};

/**
 * struct mmscope_features - the resolver's entries, as the features file
 * @size: caller's sizeof(struct mmscope_features); on return, bytes written
 * @count: in, entries @entries has room for; out, entries written
 * @total: out, entries the core has (call again with a larger buffer if
 *         @total > @count)
 * @flags: zero
 * @entries: user pointer to an array of struct mmscope_feature
 */
struct mmscope_features {
	__u32 size;
	__u32 count;
	__u32 total;
	__u32 flags;
	__u64 entries;
};

#define MMSCOPE_FEATURES_SIZE_VER0 24

/**
 * struct mmscope_target - look a process up the way every module does
 * @size: caller's sizeof(struct mmscope_target); on return, bytes written
 * @pid: in, process id in the caller's pid namespace
 * @flags: in, zero
 * @map_count: out, number of VMAs of its mm
 * @total_vm: out, pages mapped in its mm (VmSize in /proc/PID/status)
 *
 * Fails with ESRCH when there is no such process or it has exited, and
 * EINVAL for pid <= 0 or a kernel thread (no mm), as every module does.
 */
struct mmscope_target {
	__u32 size;
	__s32 pid;
	__u32 flags;
	__u32 map_count;
	__u64 total_vm;
};

#define MMSCOPE_TARGET_SIZE_VER0 24

/**
 * struct mmscope_ioctl_info - one ioctl of a loaded module, as registered
 * @module: the module's short name ("core", "pageref", ...), NUL-terminated
 * @cmd: the command as the module's UAPI header defines it (its size bits
 *       are those of the module's struct)
 * @nr: its number (_IOC_NR)
 * @min_size: the smallest struct size a caller may pass (EINVAL below)
 * @kernel_size: the module's struct size: a larger caller struct must have
 *               zeroes past it (E2BIG otherwise)
 * @nr_first: first number of the module's range
 * @nr_last: last number of the module's range
 * @reserved: zero
 */
struct mmscope_ioctl_info {
	char module[32];
	__u32 cmd;
	__u32 nr;
	__u32 min_size;
	__u32 kernel_size;
	__u32 nr_first;
	__u32 nr_last;
	__u32 reserved[2];
};

/**
 * struct mmscope_ioctls - every ioctl of the loaded modules (the registry)
 * @size: caller's sizeof(struct mmscope_ioctls); on return, bytes written
 * @count: in, entries @entries has room for; out, entries written
 * @total: out, ioctls registered (call again with a larger buffer if
 *         @total > @count)
 * @flags: zero
 * @entries: user pointer to an array of struct mmscope_ioctl_info
 */
struct mmscope_ioctls {
	__u32 size;
	__u32 count;
	__u32 total;
	__u32 flags;
	__u64 entries;
};

#define MMSCOPE_IOCTLS_SIZE_VER0 24

#define MMSCOPE_CORE_IOC_VERSION \
	_IOWR(MMSCOPE_IOC_MAGIC, 0x00, struct mmscope_version)
#define MMSCOPE_CORE_IOC_FEATURES \
	_IOWR(MMSCOPE_IOC_MAGIC, 0x01, struct mmscope_features)
#define MMSCOPE_CORE_IOC_TARGET \
	_IOWR(MMSCOPE_IOC_MAGIC, 0x02, struct mmscope_target)
#define MMSCOPE_CORE_IOC_IOCTLS \
	_IOWR(MMSCOPE_IOC_MAGIC, 0x03, struct mmscope_ioctls)

#endif /* _UAPI_MMSCOPE_CORE_H */
