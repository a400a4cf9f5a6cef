// SPDX-License-Identifier: GPL-2.0
/*
 * Attaching probes to the kernel's own tracepoints by name. Tracepoints
 * are not exported as symbols one by one; for_each_kernel_tracepoint()
 * lists those built into the kernel image (not those of modules).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/errno.h>
#include <linux/module.h>
#include <linux/string.h>
#include <linux/tracepoint.h>

#include <mmscope/core.h>

static void mmscope_tp_match(struct tracepoint *tp, void *priv)
{
	struct mmscope_tp *mtp = priv;

	if (!mtp->tp && !strcmp(tp->name, mtp->name))
		mtp->tp = tp;
}

static int mmscope_tp_attach_one(struct mmscope_tp *mtp)
{
	int ret;

	mtp->tp = NULL;
	for_each_kernel_tracepoint(mmscope_tp_match, mtp);
	if (!mtp->tp) {
		pr_warn("tracepoint %s: not in this kernel\n", mtp->name);
		return -ENOENT;
	}

	ret = tracepoint_probe_register(mtp->tp, mtp->probe, mtp->data);
	if (ret) {
		pr_warn("tracepoint %s: cannot attach (%d)\n", mtp->name, ret);
		mtp->tp = NULL;
	}
	return ret;
}

/* Unregisters without waiting; the caller synchronizes once. */
static bool mmscope_tp_detach_one(struct mmscope_tp *mtp)
{
	if (!mtp->tp)
		return false;
	tracepoint_probe_unregister(mtp->tp, mtp->probe, mtp->data);
	mtp->tp = NULL;
	return true;
}

int mmscope_tracepoints_attach(struct mmscope_tp *tps, unsigned int n)
{
	unsigned int i;
	int ret;

	for (i = 0; i < n; i++) {
		ret = mmscope_tp_attach_one(&tps[i]);
		if (ret)
			goto err_detach;
	}
	return 0;

err_detach:
	mmscope_tracepoints_detach(tps, i);
	return ret;
}
EXPORT_SYMBOL_GPL(mmscope_tracepoints_attach);

void mmscope_tracepoints_detach(struct mmscope_tp *tps, unsigned int n)
{
	bool detached = false;
	unsigned int i;

	for (i = 0; i < n; i++)
		detached |= mmscope_tp_detach_one(&tps[i]);
	if (detached)
		tracepoint_synchronize_unregister();
}
EXPORT_SYMBOL_GPL(mmscope_tracepoints_detach);
