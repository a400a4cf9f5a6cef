// SPDX-License-Identifier: GPL-2.0
/*
 * The suite's one privilege check (<mmscope/privilege.h>): CAP_SYS_ADMIN
 * of the credentials a file was opened with.
 */
#include <linux/capability.h>
#include <linux/fs.h>
#include <linux/module.h>
#include <linux/user_namespace.h>

#include <mmscope/core.h>

bool mmscope_file_capable(const struct file *file)
{
	return file_ns_capable(file, &init_user_ns, CAP_SYS_ADMIN);
}
EXPORT_SYMBOL_GPL(mmscope_file_capable);
