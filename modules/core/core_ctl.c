// SPDX-License-Identifier: GPL-2.0
/*
 * The core's own ioctls (include/uapi/mmscope/core.h), served through the
 * same table and framing as every module's.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/err.h>
#include <linux/kernel.h>
#include <linux/mm_types.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <linux/utsname.h>

#include <mmscope/compat.h>
#include <mmscope/core.h>

#include "internal.h"

static long mmscope_ioc_version(struct file *file, unsigned int cmd, void *arg)
{
	struct mmscope_version *v = arg;

	memset(v, 0, sizeof(*v));
	v->uapi_version = MMSCOPE_UAPI_VERSION;
	v->symbols_total = mmscope_resolver_total();
	v->symbols_resolved = mmscope_resolver_resolved();
	strscpy(v->suite, MMSCOPE_VERSION, sizeof(v->suite));
	strscpy(v->release, init_utsname()->release, sizeof(v->release));
	strscpy(v->arch, MMSCOPE_ARCH, sizeof(v->arch));
	return 0;
}

static long mmscope_ioc_features(struct file *file, unsigned int cmd,
				 void *arg)
{
	struct mmscope_features *f = arg;
	struct mmscope_feature __user *out = u64_to_user_ptr(f->entries);
	struct mmscope_feature e;
	unsigned int i;

	if (f->flags)
		return -EINVAL;
	f->total = mmscope_resolver_total();
	f->count = min(f->count, f->total);
	for (i = 0; i < f->count; i++) {
		mmscope_resolver_entry(i, &e);
		if (copy_to_user(&out[i], &e, sizeof(e)))
			return -EFAULT;
	}
	return 0;
}

static long mmscope_ioc_target(struct file *file, unsigned int cmd, void *arg)
{
	struct mmscope_target *t = arg;
	struct mm_struct *mm;

	if (t->flags)
		return -EINVAL;
	mm = mmscope_target_get(t->pid);
	if (IS_ERR(mm))
		return PTR_ERR(mm);
	t->map_count = READ_ONCE(mm->map_count);
	t->total_vm = READ_ONCE(mm->total_vm);
	mmscope_target_put(mm);
	return 0;
}

static long mmscope_ioc_ioctls(struct file *file, unsigned int cmd, void *arg)
{
	struct mmscope_ioctls *r = arg;
	long n;

	if (r->flags)
		return -EINVAL;
	n = mmscope_ctl_registry_copy(u64_to_user_ptr(r->entries), r->count,
				      &r->total);
	if (n < 0)
		return n;
	r->count = n;
	return 0;
}

static const struct mmscope_ioctl mmscope_core_ioctls[] = {
	MMSCOPE_IOCTL(MMSCOPE_CORE_IOC_VERSION, MMSCOPE_VERSION_SIZE_VER0,
		      struct mmscope_version, mmscope_ioc_version),
	MMSCOPE_IOCTL(MMSCOPE_CORE_IOC_FEATURES, MMSCOPE_FEATURES_SIZE_VER0,
		      struct mmscope_features, mmscope_ioc_features),
	MMSCOPE_IOCTL(MMSCOPE_CORE_IOC_TARGET, MMSCOPE_TARGET_SIZE_VER0,
		      struct mmscope_target, mmscope_ioc_target),
	MMSCOPE_IOCTL(MMSCOPE_CORE_IOC_IOCTLS, MMSCOPE_IOCTLS_SIZE_VER0,
		      struct mmscope_ioctls, mmscope_ioc_ioctls),
};

static struct mmscope_ctl mmscope_core_ctl = {
	.module = "core",
	.ioctls = mmscope_core_ioctls,
	.n_ioctls = ARRAY_SIZE(mmscope_core_ioctls),
	.nr_first = 0x00,
	.nr_last = 0x0f,
};

int __init mmscope_core_ctl_init(struct dentry *root)
{
	BUILD_BUG_ON(sizeof(struct mmscope_version) != MMSCOPE_VERSION_SIZE_VER0);
	BUILD_BUG_ON(sizeof(struct mmscope_features) != MMSCOPE_FEATURES_SIZE_VER0);
	BUILD_BUG_ON(sizeof(struct mmscope_feature) != 128);
	BUILD_BUG_ON(sizeof(struct mmscope_target) != MMSCOPE_TARGET_SIZE_VER0);
	BUILD_BUG_ON(sizeof(struct mmscope_ioctls) != MMSCOPE_IOCTLS_SIZE_VER0);
	BUILD_BUG_ON(sizeof(struct mmscope_ioctl_info) != 64);
	return mmscope_ctl_create(root, &mmscope_core_ctl);
}

void mmscope_core_ctl_exit(void)
{
	mmscope_ctl_remove(&mmscope_core_ctl);
}
