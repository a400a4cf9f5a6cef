// SPDX-License-Identifier: GPL-2.0
/*
 * Target lookup: every module reaches another process's memory through
 * here, from a pid to its mm with a reference held, never by pointer.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/err.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/overflow.h>
#include <linux/pid.h>
#include <linux/sched.h>
#include <linux/sched/mm.h>
#include <linux/sched/task.h>
#include <linux/string.h>

#include <mmscope/core.h>

#define CREATE_TRACE_POINTS
#include "core_trace.h"

static struct mm_struct *mmscope_pid_mm(pid_t pid)
{
	struct task_struct *task;
	struct mm_struct *mm;
	struct pid *p;

	if (pid <= 0)
		return ERR_PTR(-EINVAL);

	p = find_get_pid(pid);
	task = get_pid_task(p, PIDTYPE_PID);
	put_pid(p);
	if (!task)
		return ERR_PTR(-ESRCH);

	mm = get_task_mm(task);
	if (!mm)
		/* A kernel thread has none; an exiting process no longer. */
		mm = ERR_PTR(task->flags & PF_KTHREAD ? -EINVAL : -ESRCH);
	put_task_struct(task);
	return mm;
}

struct mm_struct *mmscope_target_get(pid_t pid)
{
	struct mm_struct *mm = mmscope_pid_mm(pid);

	trace_mmscope_target_lookup(pid, PTR_ERR_OR_ZERO(mm));
	return mm;
}
EXPORT_SYMBOL_GPL(mmscope_target_get);

/* The next blank-separated word of *p, or NULL at the end. */
static char *mmscope_next_word(char **p)
{
	char *w;

	do
		w = strsep(p, " \t\n");
	while (w && !*w);
	return w;
}

/* A number in C notation with an optional K, M or G (binary) suffix. */
static int mmscope_parse_size(char *w, u64 *val)
{
	size_t n = strlen(w);
	unsigned int shift = 0;

	switch (n ? w[n - 1] : 0) {
	case 'k': case 'K':
		shift = 10;
		break;
	case 'm': case 'M':
		shift = 20;
		break;
	case 'g': case 'G':
		shift = 30;
		break;
	}
	if (shift)
		w[n - 1] = '\0';
	if (kstrtou64(w, 0, val))
		return -EINVAL;
	if (check_shl_overflow(*val, shift, val))
		return -EOVERFLOW;
	return 0;
}

int mmscope_target_parse(const char *text, struct mmscope_target_spec *t)
{
	char buf[96], *p = buf, *w;
	int ret;

	memset(t, 0, sizeof(*t));
	if (strscpy(buf, text, sizeof(buf)) < 0)
		return -EINVAL;
	w = mmscope_next_word(&p);
	if (!w)
		return -EINVAL;
	if (!strcmp(w, "kernel"))
		t->kind = MMSCOPE_TARGET_KERNEL;
	else if (!strcmp(w, "pfn"))
		t->kind = MMSCOPE_TARGET_PFN;
	else if (kstrtoint(w, 10, &t->pid) || t->pid <= 0)
		return -EINVAL;
	w = mmscope_next_word(&p);
	if (!w)
		return -EINVAL;
	ret = mmscope_parse_size(w, &t->start);
	if (ret)
		return ret;
	w = mmscope_next_word(&p);
	if (w) {
		ret = mmscope_parse_size(w, &t->len);
		if (ret)
			return ret;
	}
	t->has_len = !!w;
	if (mmscope_next_word(&p))
		return -EINVAL;
	return 0;
}
EXPORT_SYMBOL_GPL(mmscope_target_parse);
