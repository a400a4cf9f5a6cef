// SPDX-License-Identifier: GPL-2.0
/*
 * mmscope_thp.ko: /sys/kernel/debug/mmscope/thp/
 *   target      "PID ADDR [LEN]": the process (and range) the files show
 *   vmas        every VMA of the target: the kernel's THP verdict, the
 *               orders it allows and the reasons for a no
 *   folios      every large folio mapped in the target's range: how it is
 *               mapped, its map, pin and reference counts
 *   khugepaged  whether khugepaged has the target's mm, and the scan and
 *               collapse results recorded for it
 *   ctl         MMSCOPE_THP_IOC_VMAS, _FOLIOS, _COLLAPSE, _SPLIT,
 *               _KHUGEPAGED (include/uapi/mmscope/thp.h)
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/seq_file.h>
#include <linux/uaccess.h>

#include <mmscope/compat.h>
#include <mmscope/compat-debugfs.h>
#include <mmscope/core.h>

#include "internal.h"

#define CREATE_TRACE_POINTS
#include "thp_trace.h"

struct mmscope_thp_syms thp_syms;

const char *const thp_kind_names[MMSCOPE_THP_NR_KINDS] = MMSCOPE_THP_KIND_NAMES;
const char *const thp_reason_names[MMSCOPE_THP_NR_REASONS] =
	MMSCOPE_THP_REASON_NAMES;

static struct dentry *thp_dir;

/* "PID ADDR [LEN]": one PMD's worth by default. */
static struct mmscope_target_file thp_target = {
	.accepts = MMSCOPE_TARGET_ACCEPTS(PID),
	.default_len = HPAGE_PMD_SIZE,
};

static const struct mmscope_ioctl thp_ioctls[] = {
	MMSCOPE_IOCTL(MMSCOPE_THP_IOC_VMAS, MMSCOPE_THP_VMAS_SIZE_VER0,
		      struct mmscope_thp_vmas, thp_ioc_vmas),
	MMSCOPE_IOCTL(MMSCOPE_THP_IOC_FOLIOS, MMSCOPE_THP_FOLIOS_SIZE_VER0,
		      struct mmscope_thp_folios, thp_ioc_folios),
	MMSCOPE_IOCTL(MMSCOPE_THP_IOC_COLLAPSE, MMSCOPE_THP_OP_SIZE_VER0,
		      struct mmscope_thp_op, thp_ioc_collapse),
	MMSCOPE_IOCTL(MMSCOPE_THP_IOC_SPLIT, MMSCOPE_THP_OP_SIZE_VER0,
		      struct mmscope_thp_op, thp_ioc_split),
	MMSCOPE_IOCTL(MMSCOPE_THP_IOC_KHUGEPAGED,
		      MMSCOPE_THP_KHUGEPAGED_SIZE_VER0,
		      struct mmscope_thp_khugepaged, thp_ioc_khugepaged),
};

static struct mmscope_ctl thp_ctl = {
	.module = "thp",
	.ioctls = thp_ioctls,
	.n_ioctls = ARRAY_SIZE(thp_ioctls),
	.nr_first = 0x80,
	.nr_last = 0x8f,
};

static int thp_target_show(struct seq_file *m, struct mmscope_target_spec *t)
{
	if (mmscope_target_file_get(&thp_target, t))
		return 0;
	seq_puts(m, "no target: write \"PID ADDR [LEN]\" to target\n");
	return -ENODATA;
}

static int thp_vmas_show(struct seq_file *m, void *unused)
{
	struct mmscope_target_spec t;

	if (thp_target_show(m, &t))
		return 0;
	return thp_vmas_show_pid(m, t.pid);
}
DEFINE_SHOW_ATTRIBUTE(thp_vmas);

static int thp_folios_show(struct seq_file *m, void *unused)
{
	struct mmscope_target_spec t;

	if (thp_target_show(m, &t))
		return 0;
	return thp_folios_show_range(m, t.pid, t.start, t.len);
}
DEFINE_SHOW_ATTRIBUTE(thp_folios);

static int thp_khugepaged_show(struct seq_file *m, void *unused)
{
	struct mmscope_target_spec t;

	if (!mmscope_target_file_get(&thp_target, &t))
		t.pid = 0;
	return thp_khugepaged_show_pid(m, t.pid);
}
DEFINE_SHOW_ATTRIBUTE(thp_khugepaged);

static void thp_resolve(void)
{
	thp_syms.verdict = mmscope_symbol(MMSCOPE_THP_VERDICT_SYM);
	thp_syms.split = mmscope_symbol(MMSCOPE_THP_SPLIT_SYM);
	thp_syms.collapse = mmscope_symbol("madvise_collapse");
	if (MMSCOPE_THP_HAS_ORDERS) {
		thp_syms.thp_flags = mmscope_symbol("transparent_hugepage_flags");
		thp_syms.orders_always = mmscope_symbol("huge_anon_orders_always");
		thp_syms.orders_madvise = mmscope_symbol("huge_anon_orders_madvise");
		thp_syms.orders_inherit = mmscope_symbol("huge_anon_orders_inherit");
	}
}

static int __init mmscope_thp_init(void)
{
	int ret;

	thp_resolve();
	ret = thp_khugepaged_init();
	if (ret)
		return ret;
	thp_dir = mmscope_debugfs_create_dir("thp");
	if (IS_ERR(thp_dir)) {
		thp_khugepaged_exit();
		return PTR_ERR(thp_dir);
	}
	debugfs_create_file("vmas", 0400, thp_dir, NULL, &thp_vmas_fops);
	debugfs_create_file("folios", 0400, thp_dir, NULL, &thp_folios_fops);
	debugfs_create_file("khugepaged", 0400, thp_dir, NULL,
			    &thp_khugepaged_fops);
	ret = mmscope_target_file_create(thp_dir, &thp_target);
	if (!ret)
		ret = mmscope_ctl_create(thp_dir, &thp_ctl);
	if (ret) {
		pr_err("cannot create the debugfs files: %d\n", ret);
		mmscope_target_file_remove(&thp_target);
		mmscope_debugfs_remove_dir(thp_dir);
		thp_khugepaged_exit();
	}
	return ret;
}

static void __exit mmscope_thp_exit(void)
{
	mmscope_ctl_remove(&thp_ctl);
	mmscope_target_file_remove(&thp_target);
	mmscope_debugfs_remove_dir(thp_dir);
	thp_khugepaged_exit();
}

module_init(mmscope_thp_init);
module_exit(mmscope_thp_exit);

MODULE_DESCRIPTION("mmscope thp: THP verdicts per VMA, large folios and their counts, collapse, split and khugepaged results");
MODULE_LICENSE("GPL");
MODULE_VERSION(MMSCOPE_VERSION);
