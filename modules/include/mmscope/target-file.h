/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A module's debugfs `target` file: what a person writes to choose what
 * the module's text files report. The core stores it, parses it with
 * mmscope_target_parse(), checks the opener's CAP_SYS_ADMIN at open and
 * on write (-EPERM, <mmscope/privilege.h>), takes
 * only the kinds the module accepts (-EINVAL for the others), fills in the
 * module's default length and shows it back:
 *
 *   none                       nothing written yet
 *   PID 0xSTART 0xLEN
 *   kernel 0xSTART 0xLEN
 *   pfn 0xPFN COUNT
 */
#ifndef _MMSCOPE_TARGET_FILE_H
#define _MMSCOPE_TARGET_FILE_H

#include <linux/bits.h>
#include <linux/fs.h>
#include <linux/mutex.h>
#include <linux/seq_file.h>
#include <linux/types.h>

struct dentry;

#define MMSCOPE_TARGET_ACCEPTS(kind)	BIT(MMSCOPE_TARGET_##kind)

/**
 * struct mmscope_target_file - a module's target file
 * @accepts: MMSCOPE_TARGET_ACCEPTS(PID) | ... the kinds the module takes
 * @default_len: LEN when a PID or kernel target has none (bytes)
 * @default_count: COUNT when a pfn target has none
 * @check: optional, further checks of a parsed target (0 or -errno): a
 *         write it refuses leaves the stored target as it was
 *
 * The module keeps it (static, not const); the members below are the
 * core's.
 */
struct mmscope_target_file {
	unsigned int accepts;
	u64 default_len;
	u64 default_count;
	int (*check)(const struct mmscope_target_spec *t);

	/* the core's */
	struct mutex lock;
	struct mmscope_target_spec spec;
	bool set;
	struct dentry *dentry;
};

/* The target file's operations; only through MMSCOPE_TARGET_FILE_FOPS. */
int mmscope_target_file_open(struct inode *inode, struct file *file);
ssize_t mmscope_target_file_write(struct file *file, const char __user *ubuf,
				  size_t count, loff_t *ppos);

/* In the calling module, so that an open file holds a reference on it. */
#define MMSCOPE_TARGET_FILE_FOPS {					\
	.owner = THIS_MODULE,						\
	.open = mmscope_target_file_open,				\
	.read = seq_read,						\
	.write = mmscope_target_file_write,				\
	.llseek = seq_lseek,						\
	.release = single_release,					\
}

/*
 * Create @dir/target (0600). An open target file holds a reference on the
 * calling module. Returns 0 or a negative errno.
 */
#define mmscope_target_file_create(dir, tf) ({			\
	static const struct file_operations __mmscope_target_fops =	\
		MMSCOPE_TARGET_FILE_FOPS;				\
	__mmscope_target_file_create((dir), (tf), &__mmscope_target_fops); \
})
int __mmscope_target_file_create(struct dentry *dir,
				 struct mmscope_target_file *tf,
				 const struct file_operations *fops);

/*
 * Remove the file: from the module's exit (no target file can be open
 * then) or after a failed init; a target file not created is fine.
 */
void mmscope_target_file_remove(struct mmscope_target_file *tf);

/*
 * The target last written, with its length filled in: true, or false when
 * none was written yet.
 */
bool mmscope_target_file_get(struct mmscope_target_file *tf,
			     struct mmscope_target_spec *t);

#endif /* _MMSCOPE_TARGET_FILE_H */
