/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A module's `ctl` file: the module gives the core a table of its ioctls
 * and the core does the rest, the same way for every module (docs/core.md):
 *
 *  1. CAP_SYS_ADMIN of the file's opener (file->f_cred,
 *     <mmscope/privilege.h>), before the command is looked at: -EPERM;
 *  2. the command looked up without its size bits (MMSCOPE_IOC_NOSIZE):
 *     -ENOTTY when the table does not have it;
 *  3. the caller's struct read: size field below @min_size -EINVAL, above
 *     MMSCOPE_IOC_SIZE_MAX -E2BIG, larger than @ksize with non-zero bytes
 *     past it -E2BIG, a bad pointer -EFAULT;
 *  4. the bytes read written back unchanged, so a struct the caller cannot
 *     write fails with -EFAULT before the handler runs: a handler never
 *     acts (takes a reference, say) and then loses its answer;
 *  5. the handler called with the kernel's copy (@ksize bytes, the part
 *     the caller did not pass zeroed, the size field the caller's);
 *  6. on 0, min(caller's size, @ksize) bytes written back with the size
 *     field set to that count; on an error nothing is written back.
 */
#ifndef _MMSCOPE_CTL_H
#define _MMSCOPE_CTL_H

#include <linux/fs.h>
#include <linux/list.h>
#include <linux/types.h>

struct dentry;

/* Largest kernel struct an ioctl of a table may have. */
#define MMSCOPE_CTL_KSIZE_MAX	256

/*
 * The handler gets the ctl file (mmscope_ctl_priv() for what the table's
 * @open hook stored), the command without its size bits and the kernel's
 * copy of the struct, and returns 0 or a negative errno.
 */
typedef long (*mmscope_ioctl_fn)(struct file *file, unsigned int cmd,
				 void *arg);

/**
 * struct mmscope_ioctl - one command of a module's table
 * @cmd: the command as the UAPI header defines it
 * @min_size: the struct's first published size, the smallest a caller
 *            may pass
 * @ksize: sizeof() the struct as this kernel module knows it
 * @handler: what the command does
 */
struct mmscope_ioctl {
	unsigned int cmd;
	u32 min_size;
	u32 ksize;
	mmscope_ioctl_fn handler;
};

#define MMSCOPE_IOCTL(_cmd, _min, _type, _fn) \
	{ .cmd = (_cmd), .min_size = (_min), .ksize = sizeof(_type), \
	  .handler = (_fn) }

/**
 * struct mmscope_ctl - a module's ctl file, its ioctl table and hooks
 * @module: the module's short name ("pageref"), as the registry shows it
 * @ioctls: the table
 * @n_ioctls: its length
 * @nr_first: first command number of the module's range (uapi core.h)
 * @nr_last: last command number of the range
 * @open: optional, called at each open; may store per-open data with
 *        *@priv; a negative errno fails the open
 * @release: optional, called at the last close of an open file
 *
 * The module keeps it (static, not const) from mmscope_ctl_create() to
 * mmscope_ctl_remove(); the members below are the core's.
 */
struct mmscope_ctl {
	const char *module;
	const struct mmscope_ioctl *ioctls;
	unsigned int n_ioctls;
	u8 nr_first;
	u8 nr_last;
	int (*open)(struct file *file, void **priv);
	void (*release)(struct file *file, void *priv);

	/* the core's */
	struct list_head node;
	struct dentry *dentry;
};

/* The ctl file's operations; only through MMSCOPE_CTL_FOPS. */
int mmscope_ctl_open(struct inode *inode, struct file *file);
int mmscope_ctl_release(struct inode *inode, struct file *file);
long mmscope_ctl_ioctl(struct file *file, unsigned int cmd, unsigned long arg);

/* In the calling module, so that an open ctl file holds a reference on it. */
#define MMSCOPE_CTL_FOPS {						\
	.owner = THIS_MODULE,						\
	.open = mmscope_ctl_open,					\
	.release = mmscope_ctl_release,					\
	.unlocked_ioctl = mmscope_ctl_ioctl,				\
	.compat_ioctl = compat_ptr_ioctl,				\
}

/*
 * Create @dir/ctl (0600) for @ctl and list its table in the core's
 * registry (/sys/kernel/debug/mmscope/ioctls, MMSCOPE_CORE_IOC_IOCTLS).
 * An open ctl file holds a reference on the calling module. Returns 0 or a
 * negative errno (-EINVAL for a table the core cannot serve).
 */
#define mmscope_ctl_create(dir, ctl) ({				\
	static const struct file_operations __mmscope_ctl_fops =	\
		MMSCOPE_CTL_FOPS;					\
	__mmscope_ctl_create((dir), (ctl), &__mmscope_ctl_fops);	\
})
int __mmscope_ctl_create(struct dentry *dir, struct mmscope_ctl *ctl,
			 const struct file_operations *fops);

/*
 * Remove the file and the registry entry. Call it from the module's exit
 * (no ctl file can be open then: each holds a module reference) or after
 * a failed init, before the directory goes; a ctl not created is fine.
 */
void mmscope_ctl_remove(struct mmscope_ctl *ctl);

/* What the @open hook stored for this open file (NULL without a hook). */
void *mmscope_ctl_priv(struct file *file);

/*
 * Copy @n records of @ksize bytes from @kbuf to the user's array at @uptr
 * of @usize bytes each: the shorter of the two sizes per record, so that
 * an older or newer caller's record size works (0 or -EFAULT).
 */
int mmscope_copy_array(u64 uptr, const void *kbuf, unsigned int n,
		       size_t ksize, size_t usize);

#endif /* _MMSCOPE_CTL_H */
