// SPDX-License-Identifier: GPL-2.0
/*
 * The core's `ctl` file and the ioctl framing every module shares: the
 * caller's struct starts with its own size, so structs can grow at the
 * end without new command numbers (include/uapi/mmscope/core.h).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/capability.h>
#include <linux/err.h>
#include <linux/fs.h>
#include <linux/kernel.h>
#include <linux/mm_types.h>
#include <linux/module.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <linux/utsname.h>

#include <mmscope/compat.h>
#include <mmscope/core.h>

#include "internal.h"

int mmscope_ioctl_copy_in(void *karg, size_t ksize, size_t min_size,
			  const void __user *uarg)
{
	u32 usize;
	int ret;

	if (get_user(usize, (const u32 __user *)uarg))
		return -EFAULT;
	if (usize < min_size)
		return -EINVAL;
	if (usize > MMSCOPE_IOC_SIZE_MAX)
		return -E2BIG;
	ret = copy_struct_from_user(karg, ksize, uarg, usize);
	if (ret)
		return ret;
	/* Keep the size that was checked, whatever memory says now. */
	*(u32 *)karg = usize;
	return 0;
}
EXPORT_SYMBOL_GPL(mmscope_ioctl_copy_in);

int mmscope_ioctl_copy_out(void __user *uarg, void *karg, size_t ksize)
{
	u32 n = min_t(size_t, *(u32 *)karg, ksize);

	*(u32 *)karg = n;
	if (copy_to_user(uarg, karg, n))
		return -EFAULT;
	return 0;
}
EXPORT_SYMBOL_GPL(mmscope_ioctl_copy_out);

static long mmscope_ioc_version(void __user *uarg)
{
	struct mmscope_version v;
	u32 usize;
	int ret;

	BUILD_BUG_ON(sizeof(v) != MMSCOPE_VERSION_SIZE_VER0);
	ret = mmscope_ioctl_copy_in(&v, sizeof(v), MMSCOPE_VERSION_SIZE_VER0,
				    uarg);
	if (ret)
		return ret;

	usize = v.size;
	memset(&v, 0, sizeof(v));
	v.size = usize;
	v.uapi_version = MMSCOPE_UAPI_VERSION;
	v.symbols_total = mmscope_resolver_total();
	v.symbols_resolved = mmscope_resolver_resolved();
	strscpy(v.suite, MMSCOPE_VERSION, sizeof(v.suite));
	strscpy(v.release, init_utsname()->release, sizeof(v.release));
	strscpy(v.arch, MMSCOPE_ARCH, sizeof(v.arch));

	return mmscope_ioctl_copy_out(uarg, &v, sizeof(v));
}

static long mmscope_ioc_features(void __user *uarg)
{
	struct mmscope_feature __user *out;
	struct mmscope_features f;
	struct mmscope_feature e;
	unsigned int i;
	int ret;

	BUILD_BUG_ON(sizeof(f) != MMSCOPE_FEATURES_SIZE_VER0);
	BUILD_BUG_ON(sizeof(e) != 128);
	ret = mmscope_ioctl_copy_in(&f, sizeof(f), MMSCOPE_FEATURES_SIZE_VER0,
				    uarg);
	if (ret)
		return ret;
	if (f.flags)
		return -EINVAL;

	out = u64_to_user_ptr(f.entries);
	f.total = mmscope_resolver_total();
	f.count = min(f.count, f.total);
	for (i = 0; i < f.count; i++) {
		mmscope_resolver_entry(i, &e);
		if (copy_to_user(&out[i], &e, sizeof(e)))
			return -EFAULT;
	}

	return mmscope_ioctl_copy_out(uarg, &f, sizeof(f));
}

static long mmscope_ioc_target(void __user *uarg)
{
	struct mmscope_target t;
	struct mm_struct *mm;
	int ret;

	BUILD_BUG_ON(sizeof(t) != MMSCOPE_TARGET_SIZE_VER0);
	ret = mmscope_ioctl_copy_in(&t, sizeof(t), MMSCOPE_TARGET_SIZE_VER0,
				    uarg);
	if (ret)
		return ret;
	if (t.flags)
		return -EINVAL;

	mm = mmscope_target_get(t.pid);
	if (IS_ERR(mm))
		return PTR_ERR(mm);
	t.map_count = READ_ONCE(mm->map_count);
	t.total_vm = READ_ONCE(mm->total_vm);
	mmscope_target_put(mm);

	return mmscope_ioctl_copy_out(uarg, &t, sizeof(t));
}

static long mmscope_ctl_ioctl(struct file *file, unsigned int cmd,
			      unsigned long arg)
{
	void __user *uarg = (void __user *)arg;

	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;

	switch (MMSCOPE_IOC_NOSIZE(cmd)) {
	case MMSCOPE_IOC_NOSIZE(MMSCOPE_CORE_IOC_VERSION):
		return mmscope_ioc_version(uarg);
	case MMSCOPE_IOC_NOSIZE(MMSCOPE_CORE_IOC_FEATURES):
		return mmscope_ioc_features(uarg);
	case MMSCOPE_IOC_NOSIZE(MMSCOPE_CORE_IOC_TARGET):
		return mmscope_ioc_target(uarg);
	default:
		return -ENOTTY;
	}
}

const struct file_operations mmscope_ctl_fops = {
	.owner = THIS_MODULE,
	.open = nonseekable_open,
	.unlocked_ioctl = mmscope_ctl_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
};
