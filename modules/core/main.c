// SPDX-License-Identifier: GPL-2.0
/*
 * mmscope_core: the base every other mmscope module builds on. It owns
 * /sys/kernel/debug/mmscope/, with `version` (what was built, what runs),
 * `features` (what the symbol resolver found), `ioctls` (every module's
 * registered ioctls) and `ctl` (the core's ioctls), and exports the
 * debugfs, target lookup and target file, range contract, symbol
 * resolver, tracepoint and ctl helpers of <mmscope/core.h>.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cache.h>
#include <linux/debugfs.h>
#include <linux/err.h>
#include <linux/init.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/seq_file.h>
#include <linux/utsname.h>

#include <mmscope/compat.h>
#include <mmscope/core.h>

#include "internal.h"

#ifndef MMSCOPE_VERSION
#error "MMSCOPE_VERSION comes from the VERSION file, see modules/core/Kbuild"
#endif

static struct dentry *mmscope_root __ro_after_init;

struct dentry *mmscope_debugfs_root(void)
{
	return mmscope_root;
}
EXPORT_SYMBOL_GPL(mmscope_debugfs_root);

/* Returns the new directory or an ERR_PTR(); see debugfs_create_dir(). */
struct dentry *mmscope_debugfs_create_dir(const char *name)
{
	return debugfs_create_dir(name, mmscope_root);
}
EXPORT_SYMBOL_GPL(mmscope_debugfs_create_dir);

/* Removes @dir and everything under it; NULL and ERR_PTR() are ignored. */
void mmscope_debugfs_remove_dir(struct dentry *dir)
{
	debugfs_remove(dir);
}
EXPORT_SYMBOL_GPL(mmscope_debugfs_remove_dir);

static int core_version_show(struct seq_file *m, void *unused)
{
	seq_printf(m, "mmscope %s\n", MMSCOPE_VERSION);
	seq_printf(m, "uapi %d\n", MMSCOPE_UAPI_VERSION);
	seq_printf(m, "kernel %s\n", init_utsname()->release);
	seq_printf(m, "arch %s\n", MMSCOPE_ARCH);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(core_version);

static int core_features_show(struct seq_file *m, void *unused)
{
	mmscope_resolver_show(m);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(core_features);

static int core_ioctls_show(struct seq_file *m, void *unused)
{
	mmscope_ctl_registry_show(m);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(core_ioctls);

static const struct {
	const char *name;
	umode_t mode;
	const struct file_operations *fops;
} mmscope_core_files[] = {
	{ "version", 0400, &core_version_fops },
	{ "features", 0400, &core_features_fops },
	{ "ioctls", 0400, &core_ioctls_fops },
};

static int __init mmscope_core_init(void)
{
	struct dentry *d;
	unsigned int i;
	int ret;

	mmscope_resolver_init();

	mmscope_root = debugfs_create_dir("mmscope", NULL);
	if (IS_ERR(mmscope_root)) {
		ret = PTR_ERR(mmscope_root);
		pr_err("cannot create debugfs directory mmscope: %d\n", ret);
		return ret;
	}

	for (i = 0; i < ARRAY_SIZE(mmscope_core_files); i++) {
		d = debugfs_create_file(mmscope_core_files[i].name,
					mmscope_core_files[i].mode,
					mmscope_root, NULL,
					mmscope_core_files[i].fops);
		if (IS_ERR(d)) {
			ret = PTR_ERR(d);
			pr_err("cannot create debugfs file %s: %d\n",
			       mmscope_core_files[i].name, ret);
			goto err_remove;
		}
	}

	ret = mmscope_core_ctl_init(mmscope_root);
	if (ret) {
		pr_err("cannot create debugfs file ctl: %d\n", ret);
		goto err_remove;
	}

	pr_info("mmscope %s, uapi %d: %u of %u symbols resolved\n",
		MMSCOPE_VERSION, MMSCOPE_UAPI_VERSION,
		mmscope_resolver_resolved(), mmscope_resolver_total());
	return 0;

err_remove:
	debugfs_remove(mmscope_root);
	return ret;
}

static void __exit mmscope_core_exit(void)
{
	mmscope_core_ctl_exit();
	debugfs_remove(mmscope_root);
}

module_init(mmscope_core_init);
module_exit(mmscope_core_exit);

MODULE_DESCRIPTION("mmscope core: debugfs root, ctl and target files, range contract, target lookup, symbol resolver, tracepoint helper");
MODULE_LICENSE("GPL");
MODULE_VERSION(MMSCOPE_VERSION);
