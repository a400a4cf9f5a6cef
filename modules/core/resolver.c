// SPDX-License-Identifier: GPL-2.0
/*
 * The symbol resolver: the one place in the suite that finds kernel
 * symbols which are not exported to modules. Every name it resolves is
 * in the allowlist below and documented in docs/kernel-interfaces.md:
 * why it is needed, which feature uses it, what happens without it.
 *
 * kallsyms_lookup_name() is not exported since 5.7. Its address is taken
 * from a kprobe registered (disabled, never armed) on its name, then it
 * resolves each allowlisted name once, at load. A symbol that is not
 * found disables the one feature that needs it, never the module.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cache.h>
#include <linux/init.h>
#include <linux/kernel.h>
#include <linux/kprobes.h>
#include <linux/module.h>
#include <linux/seq_file.h>
#include <linux/string.h>

#include <mmscope/compat.h>
#include <mmscope/core.h>

#include "internal.h"

struct mmscope_symbol_entry {
	const char *name;
	const char *feature;
	unsigned long addr;
};

/*
 * Entry 0 is the resolver itself and is never handed out. The others
 * are exported by none of the kernels the suite supports (Module.symvers
 * of Debian's 6.1 and 6.12, x86_64 and arm64). Data symbols are only in
 * kallsyms with CONFIG_KALLSYMS_ALL, which Debian's 6.1 arm64 lacks.
 */
static struct mmscope_symbol_entry mmscope_symbols[] __ro_after_init = {
	{ .name = "kallsyms_lookup_name", .feature = "symbol-resolver" },
	/* Entries are added with the module feature that needs them. */
	/*
	 * swapcache: a type's swap_info_struct, this kernel's way: the
	 * swp_swap_info() function on 6.1 and 6.12, the swap_info[] array
	 * (data) on 7.x, which has no such function
	 */
	{ .name = MMSCOPE_SWAP_INFO_SYMBOL, .feature = MMSCOPE_SWAP_INFO_FEATURE },
#ifdef MMSCOPE_SWAP_SLOTS_SYMBOL
	/* swapcache: the per-CPU swap slot caches (data, 6.1 and 6.12) */
	{ .name = MMSCOPE_SWAP_SLOTS_SYMBOL, .feature = "swapcache-slot-cache" },
#endif
#ifdef MMSCOPE_SWAP_PCP_SYMBOL
	/* swapcache: the per-CPU swap clusters (data, 7.x) */
	{ .name = MMSCOPE_SWAP_PCP_SYMBOL, .feature = "swapcache-percpu-cluster" },
#endif
	/* thp: the smaps THPeligible verdict, this kernel's function */
	{ .name = MMSCOPE_THP_VERDICT_SYM, .feature = "thp-verdict" },
#if MMSCOPE_THP_HAS_ORDERS
	/* thp: the anon per-size masks of the verdict (data, 6.12 and 7.x) */
	{ .name = "transparent_hugepage_flags", .feature = "thp-verdict-orders" },
	{ .name = "huge_anon_orders_always", .feature = "thp-verdict-orders" },
	{ .name = "huge_anon_orders_madvise", .feature = "thp-verdict-orders" },
	{ .name = "huge_anon_orders_inherit", .feature = "thp-verdict-orders" },
#endif
	/* thp: MADV_COLLAPSE on another process's mm */
	{ .name = "madvise_collapse", .feature = "thp-collapse" },
	/* thp: split, this kernel's function */
	{ .name = MMSCOPE_THP_SPLIT_SYM, .feature = "thp-split" },
};

static unsigned long __init mmscope_find_kallsyms_lookup_name(void)
{
	struct kprobe kp = {
		.symbol_name = mmscope_symbols[0].name,
		.flags = KPROBE_FLAG_DISABLED,
	};
	unsigned long addr;
	int ret;

	ret = register_kprobe(&kp);
	if (ret) {
		pr_warn("no kprobe on %s (%d)\n", kp.symbol_name, ret);
		return 0;
	}
	addr = mmscope_kprobe_call_addr(&kp);
	unregister_kprobe(&kp);
	if (!addr)
		pr_warn("%s cannot be called here: sealed, and the CPU enforces IBT\n",
			kp.symbol_name);
	return addr;
}

void __init mmscope_resolver_init(void)
{
	unsigned long (*lookup)(const char *name) = NULL;
	struct mmscope_symbol_entry *e;
	unsigned int i;

	mmscope_symbols[0].addr = mmscope_find_kallsyms_lookup_name();
	if (mmscope_symbols[0].addr)
		lookup = (unsigned long (*)(const char *))mmscope_symbols[0].addr;

	for (i = 0; i < ARRAY_SIZE(mmscope_symbols); i++) {
		e = &mmscope_symbols[i];
		if (i && lookup)
			e->addr = lookup(e->name);
		if (!e->addr)
			pr_notice("%s missing: %s disabled\n", e->name,
				  e->feature);
	}
}

unsigned int mmscope_resolver_total(void)
{
	return ARRAY_SIZE(mmscope_symbols);
}

unsigned int mmscope_resolver_resolved(void)
{
	unsigned int i, n = 0;

	for (i = 0; i < ARRAY_SIZE(mmscope_symbols); i++)
		n += !!mmscope_symbols[i].addr;
	return n;
}

void mmscope_resolver_show(struct seq_file *m)
{
	const struct mmscope_symbol_entry *e;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(mmscope_symbols); i++) {
		e = &mmscope_symbols[i];
		if (e->addr)
			seq_printf(m, "%s resolved\n", e->name);
		else
			seq_printf(m, "%s missing: %s disabled\n", e->name,
				   e->feature);
	}
}

void mmscope_resolver_entry(unsigned int i, struct mmscope_feature *out)
{
	const struct mmscope_symbol_entry *e = &mmscope_symbols[i];

	memset(out, 0, sizeof(*out));
	strscpy(out->name, e->name, sizeof(out->name));
	strscpy(out->feature, e->feature, sizeof(out->feature));
	if (e->addr)
		out->flags |= MMSCOPE_FEATURE_RESOLVED;
}

void *mmscope_symbol(const char *name)
{
	unsigned int i;

	for (i = 1; i < ARRAY_SIZE(mmscope_symbols); i++)
		if (!strcmp(mmscope_symbols[i].name, name))
			return (void *)mmscope_symbols[i].addr;

	pr_err_ratelimited("symbol %s is not in the resolver's allowlist\n",
			   name);
	return NULL;
}
EXPORT_SYMBOL_GPL(mmscope_symbol);
