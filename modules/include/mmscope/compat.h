/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The one place for differences between the kernels and architectures the
 * suite builds for: Debian's 6.1 (bookworm) and 6.12 (trixie), x86_64 and
 * arm64. Modules use these helpers instead of testing kernel versions or
 * CONFIG_ options themselves. Every entry says which kernels it serves;
 * docs/kernel-interfaces.md lists the differences known so far.
 */
#ifndef _MMSCOPE_COMPAT_H
#define _MMSCOPE_COMPAT_H

#include <linux/compiler.h>
#include <linux/kprobes.h>
#include <linux/types.h>
#include <linux/uaccess.h>

#ifdef CONFIG_X86_KERNEL_IBT
#include <asm/cpufeature.h>
#endif

/* Architecture name as the build and the guests spell it (not uname -m). */
#if defined(CONFIG_X86_64)
#define MMSCOPE_ARCH "x86_64"
#elif defined(CONFIG_ARM64)
#define MMSCOPE_ARCH "arm64"
#else
#error "mmscope supports x86_64 and arm64"
#endif

#ifdef CONFIG_X86_KERNEL_IBT
/* ENDBR64 (f3 0f 1e fa) and what sealing writes over it (66 0f 1f 00). */
#define MMSCOPE_X86_ENDBR64 0xfa1e0ff3U
#define MMSCOPE_X86_ENDBR_SEALED 0x001f0f66U

/*
 * Address to call a function at, given a kprobe registered on its name.
 * On x86 kernels built with IBT (6.12) a function starts with ENDBR64 and
 * the kprobe sits right after it: step back, an indirect call must land
 * there. The kernel seals functions whose address it never takes, writing
 * a NOP over their ENDBR64 at boot: such a function can be called only
 * while the CPU does not enforce IBT (return 0 when it does).
 */
static inline unsigned long mmscope_kprobe_call_addr(const struct kprobe *kp)
{
	unsigned long addr = (unsigned long)kp->addr;
	u32 insn;

	if (get_kernel_nofault(insn, (u32 *)(addr - sizeof(insn))))
		return 0;
	if (insn == MMSCOPE_X86_ENDBR64)
		return addr - sizeof(insn);
	if (cpu_feature_enabled(X86_FEATURE_IBT))
		return 0;
	if (insn == MMSCOPE_X86_ENDBR_SEALED)
		return addr - sizeof(insn);
	return addr;
}
#else
static inline unsigned long mmscope_kprobe_call_addr(const struct kprobe *kp)
{
	return (unsigned long)kp->addr;
}
#endif

#endif /* _MMSCOPE_COMPAT_H */
