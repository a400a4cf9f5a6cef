// SPDX-License-Identifier: GPL-2.0
/*
 * mmscope_pagewalk.ko: /sys/kernel/debug/mmscope/pagewalk/
 *   target  write "PID ADDR [LEN]" or "kernel ADDR [LEN]"; read it back
 *   walk    the human report of the target's walk, with each entry's path
 *   kaddr   kernel addresses of pages this module owns, with their
 *           physical addresses: oracles for kernel walks
 *   ctl     MMSCOPE_PAGEWALK_IOC_CONTEXT, MMSCOPE_PAGEWALK_IOC_WALK
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/gfp.h>
#include <linux/io.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/sched/signal.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>

#include <mmscope/compat.h>
#include <mmscope/core.h>

#include "internal.h"

/* Records per pass of the ioctl's walk: one mmap_read_lock hold each. */
#define PW_CHUNK	512
/* The same for compact entries (160 KiB), and VMA table rows per pass. */
#define PW_CHUNK_COMPACT	4096
#define PW_VMA_CHUNK	256
/* Records the `walk` file shows at most. */
#define PW_REPORT_MAX	256

static struct dentry *pw_dir;
static void *pw_kpage;
static void *pw_vpage;

/* "PID ADDR [LEN]" or "kernel ADDR [LEN]"; LEN defaults to one page. */
static int pw_target_check(const struct mmscope_target_spec *t);

static struct mmscope_target_file pw_target = {
	.accepts = MMSCOPE_TARGET_ACCEPTS(PID) | MMSCOPE_TARGET_ACCEPTS(KERNEL),
	.default_len = PAGE_SIZE,
	.check = pw_target_check,
};

static bool pw_same_page(const void *a, const void *b)
{
	return ((unsigned long)a & PAGE_MASK) == ((unsigned long)b & PAGE_MASK);
}

/*
 * Levels folded away: x86_64 and arm64 6.12 fold the top level at boot
 * when the CPU or command line gives fewer VA bits, so ask the *_offset()
 * helpers: a folded level hands back an entry of the table above. The
 * module's own data is mapped in the kernel's tables.
 */
static u32 pw_folded_levels(pgd_t *kpgd)
{
	unsigned long addr = (unsigned long)&pw_target;
	u32 folded = 0;
	pgd_t *pgd;
	p4d_t *p4d;
	pud_t *pud;

	if (!kpgd)
		return (PTRS_PER_P4D == 1 ? BIT(MMSCOPE_PAGEWALK_P4D) : 0) |
		       (PTRS_PER_PUD == 1 ? BIT(MMSCOPE_PAGEWALK_PUD) : 0) |
		       (PTRS_PER_PMD == 1 ? BIT(MMSCOPE_PAGEWALK_PMD) : 0);
	pgd = pgd_offset_pgd(kpgd, addr);
	p4d = p4d_offset(pgd, addr);
	if (pw_same_page(p4d, pgd))
		folded |= BIT(MMSCOPE_PAGEWALK_P4D);
	pud = pud_offset(p4d, addr);
	if (pw_same_page(pud, p4d))
		folded |= BIT(MMSCOPE_PAGEWALK_PUD);
	if (pw_same_page(pmd_offset(pud, addr), pud))
		folded |= BIT(MMSCOPE_PAGEWALK_PMD);
	return folded;
}

static void pw_context(struct mm_struct *mm, struct mmscope_pagewalk_context *c)
{
	pgd_t *kpgd = pw_kernel_pgd();
	unsigned int l;

	c->page_size = PAGE_SIZE;
	c->folded = pw_folded_levels(kpgd);
	c->levels = 0;
	for (l = 0; l < MMSCOPE_PAGEWALK_NR_LEVELS; l++)
		c->levels += !(c->folded & BIT(l));
	c->va_bits = MMSCOPE_USER_VA_BITS;
	c->pgd_pa = mm ? __pa(mm->pgd) : 0;
	if (kpgd) {
		c->kernel_pgd_pa = __pa(kpgd);
		c->hw_flags |= MMSCOPE_PAGEWALK_CTX_KERNEL;
	}
	strscpy(c->arch, MMSCOPE_ARCH, sizeof(c->arch));
	pw_arch_context(mm, c);
}

/* A walk's range, by the core's range contract; the kernel's: no mm. */
static int pw_range(bool kernel, pid_t pid, u64 start, u64 len,
		    struct mmscope_range *r)
{
	return mmscope_range_get(pid, start, len,
				 kernel ? MMSCOPE_RANGE_KERNEL : MMSCOPE_RANGE_MM,
				 r);
}

static int pw_target_check(const struct mmscope_target_spec *t)
{
	struct mmscope_range r;

	return mmscope_range_get(t->pid, t->start, t->len,
				 t->kind == MMSCOPE_TARGET_KERNEL ?
				 MMSCOPE_RANGE_KERNEL : 0, &r);
}

static long pw_ioc_context(struct file *file, unsigned int cmd, void *arg)
{
	struct mmscope_pagewalk_context *c = arg;
	struct mm_struct *mm = NULL;
	pid_t pid = c->pid;

	BUILD_BUG_ON(sizeof(*c) != MMSCOPE_PAGEWALK_CONTEXT_SIZE_VER0);
	if (pid) {
		mm = mmscope_target_get(pid);
		if (IS_ERR(mm))
			return PTR_ERR(mm);
	}
	memset(c, 0, sizeof(*c));
	pw_context(mm, c);
	if (mm)
		mmscope_target_put(mm);
	return 0;
}

static int pw_copy_chunk(struct mmscope_pagewalk_walk *req, u32 done, u32 vdone,
			 struct pw_out *out)
{
	struct mmscope_pagewalk_record __user *urecs = u64_to_user_ptr(req->records);
	struct mmscope_pagewalk_path __user *upaths = u64_to_user_ptr(req->paths);
	struct mmscope_pagewalk_entry __user *uents = u64_to_user_ptr(req->records);
	struct mmscope_pagewalk_vma __user *uvmas = u64_to_user_ptr(req->vmas);

	if (out->ents) {
		if (copy_to_user(uents + done, out->ents,
				 out->n * sizeof(*out->ents)))
			return -EFAULT;
		if (out->nvma &&
		    copy_to_user(uvmas + vdone, out->vmas,
				 out->nvma * sizeof(*out->vmas)))
			return -EFAULT;
		return 0;
	}
	if (copy_to_user(urecs + done, out->recs, out->n * sizeof(*out->recs)))
		return -EFAULT;
	if (out->paths &&
	    copy_to_user(upaths + done, out->paths,
			 out->n * sizeof(*out->paths)))
		return -EFAULT;
	return 0;
}

/* The compact format's sizes and pointers make sense. */
static int pw_check_compact(const struct mmscope_pagewalk_walk *req)
{
	if (!(req->flags & MMSCOPE_PAGEWALK_COMPACT))
		return 0;
	if (req->entry_size != sizeof(struct mmscope_pagewalk_entry) || req->paths)
		return -EINVAL;
	if (req->vmas && (req->vma_size != sizeof(struct mmscope_pagewalk_vma) ||
			  !req->vma_count))
		return -EINVAL;
	return 0;
}

/*
 * Walk in passes of PW_CHUNK records (PW_CHUNK_COMPACT entries): each
 * pass holds mmap_read_lock and fills a kernel buffer, copied out after
 * the lock is dropped (the buffer may be in the walked mm itself).
 */
static long pw_ioc_walk(struct file *file, unsigned int cmd, void *arg)
{
	struct mmscope_pagewalk_walk *req = arg;
	struct pw_out out = { };
	struct mmscope_range r;
	u32 done = 0, vdone = 0, chunk = PW_CHUNK;
	u64 addr;
	int ret;

	BUILD_BUG_ON(sizeof(*req) != MMSCOPE_PAGEWALK_WALK_SIZE_VER1);
	BUILD_BUG_ON(offsetof(struct mmscope_pagewalk_walk, entry_size) !=
		     MMSCOPE_PAGEWALK_WALK_SIZE_VER0);
	BUILD_BUG_ON(sizeof(struct mmscope_pagewalk_record) != 96);
	BUILD_BUG_ON(sizeof(struct mmscope_pagewalk_path) != 208);
	BUILD_BUG_ON(sizeof(struct mmscope_pagewalk_entry) !=
		     MMSCOPE_PAGEWALK_ENTRY_SIZE_VER0);
	BUILD_BUG_ON(sizeof(struct mmscope_pagewalk_vma) != MMSCOPE_PAGEWALK_VMA_SIZE_VER0);
	/* what the compact entry's narrower fields hold */
	BUILD_BUG_ON(MMSCOPE_PAGEWALK_X86_NR_BITS > 32 ||
		     MMSCOPE_PAGEWALK_ARM64_NR_BITS > 32);
	BUILD_BUG_ON(MMSCOPE_PAGEWALK_L_CHANGED > U16_MAX);
	if (req->flags & ~(MMSCOPE_PAGEWALK_KERNEL | MMSCOPE_PAGEWALK_RUNS |
			   MMSCOPE_PAGEWALK_COMPACT))
		return -EINVAL;
	ret = pw_check_compact(req);
	if (ret)
		return ret;
	out.runs = req->flags & MMSCOPE_PAGEWALK_RUNS;
	ret = pw_range(req->flags & MMSCOPE_PAGEWALK_KERNEL, req->pid,
		       req->start, req->len, &r);
	if (ret)
		return ret;
	addr = r.start;

	ret = -ENOMEM;
	if (req->flags & MMSCOPE_PAGEWALK_COMPACT) {
		chunk = PW_CHUNK_COMPACT;
		out.ents = kvmalloc_array(chunk, sizeof(*out.ents),
					  GFP_KERNEL);
		if (!out.ents)
			goto put;
		if (req->vmas) {
			out.vmas = kmalloc_array(PW_VMA_CHUNK,
						 sizeof(*out.vmas),
						 GFP_KERNEL);
			if (!out.vmas)
				goto put;
		}
	} else {
		out.recs = kvmalloc_array(chunk, sizeof(*out.recs),
					  GFP_KERNEL);
		if (!out.recs)
			goto put;
	}
	if (req->paths) {
		out.paths = kvmalloc_array(PW_CHUNK, sizeof(*out.paths),
					   GFP_KERNEL);
		if (!out.paths)
			goto put;
	}
	ret = 0;
	while (done < req->count && addr < r.end) {
		out.n = 0;
		out.max = min_t(u32, chunk, req->count - done);
		out.nvma = 0;
		if (out.vmas)
			out.vma_max = min_t(u32, PW_VMA_CHUNK,
					    req->vma_count - vdone);
		ret = pw_walk(r.mm, (unsigned long *)&addr, r.end, &out);
		if (ret && ret != -ENOSPC)
			break;
		ret = pw_copy_chunk(req, done, vdone, &out);
		if (ret)
			break;
		done += out.n;
		vdone += out.nvma;
		/* the VMA table is full */
		if (!out.n)
			break;
		if (fatal_signal_pending(current)) {
			ret = -EINTR;
			break;
		}
		cond_resched();
	}
	req->count = done;
	req->next = addr;
	if (req->flags & MMSCOPE_PAGEWALK_COMPACT)
		req->vma_count = vdone;
put:
	kfree(out.vmas);
	kvfree(out.ents);
	kvfree(out.paths);
	kvfree(out.recs);
	mmscope_range_put(&r);
	return ret;
}

static const struct mmscope_ioctl pw_ioctls[] = {
	MMSCOPE_IOCTL(MMSCOPE_PAGEWALK_IOC_CONTEXT,
		      MMSCOPE_PAGEWALK_CONTEXT_SIZE_VER0,
		      struct mmscope_pagewalk_context, pw_ioc_context),
	MMSCOPE_IOCTL(MMSCOPE_PAGEWALK_IOC_WALK, MMSCOPE_PAGEWALK_WALK_SIZE_VER0,
		      struct mmscope_pagewalk_walk, pw_ioc_walk),
};

static struct mmscope_ctl pw_ctl = {
	.module = "pagewalk",
	.ioctls = pw_ioctls,
	.n_ioctls = ARRAY_SIZE(pw_ioctls),
	.nr_first = 0x30,
	.nr_last = 0x4f,
};

static int pw_walk_show(struct seq_file *m, void *v)
{
	struct mmscope_pagewalk_context ctx = { };
	struct mmscope_target_spec t;
	struct pw_out out = { };
	struct mmscope_range r;
	bool kernel;
	unsigned int i;
	u64 addr;
	int ret;

	if (!mmscope_target_file_get(&pw_target, &t)) {
		seq_puts(m, "no target: write \"PID ADDR [LEN]\" or \"kernel ADDR [LEN]\" to target\n");
		return 0;
	}
	kernel = t.kind == MMSCOPE_TARGET_KERNEL;
	ret = pw_range(kernel, t.pid, t.start, t.len, &r);
	if (ret)
		return ret;
	addr = r.start;
	pw_context(r.mm, &ctx);
	pw_report_context(m, &ctx);
	ret = -ENOMEM;
	out.max = PW_REPORT_MAX;
	out.recs = kvmalloc_array(out.max, sizeof(*out.recs), GFP_KERNEL);
	out.paths = kvmalloc_array(out.max, sizeof(*out.paths), GFP_KERNEL);
	if (!out.recs || !out.paths)
		goto free;
	ret = pw_walk(r.mm, (unsigned long *)&addr, r.end, &out);
	if (ret && ret != -ENOSPC)
		goto free;
	if (kernel)
		seq_printf(m, "kernel 0x%llx-0x%llx\n", r.start, r.end);
	else
		seq_printf(m, "pid %d 0x%llx-0x%llx\n", t.pid, r.start, r.end);
	for (i = 0; i < out.n; i++)
		pw_report_record(m, &out.recs[i], &out.paths[i]);
	if (ret == -ENOSPC)
		seq_printf(m, "(stopped after %u records at 0x%llx)\n", out.n,
			   addr);
	ret = 0;
free:
	kvfree(out.paths);
	kvfree(out.recs);
	mmscope_range_put(&r);
	return ret;
}
DEFINE_SHOW_ATTRIBUTE(pw_walk);

static int pw_kaddr_show(struct seq_file *m, void *v)
{
	unsigned long text = (unsigned long)pw_kaddr_show;

	seq_printf(m, "linear 0x%lx 0x%llx\n", (unsigned long)pw_kpage,
		   (u64)virt_to_phys(pw_kpage));
	seq_printf(m, "vmalloc 0x%lx 0x%llx\n", (unsigned long)pw_vpage,
		   (u64)page_to_phys(vmalloc_to_page(pw_vpage)));
	seq_printf(m, "module 0x%lx 0x%llx\n", text,
		   (u64)page_to_phys(vmalloc_to_page((void *)text)) +
		   offset_in_page(text));
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(pw_kaddr);

/*
 * The kernel's ranges, as the kernel has them: the linear map (every
 * page of RAM, from its base to high_memory) and the vmalloc area. The
 * base: x86_64's PAGE_OFFSET (moved by KASLR); on arm64 the start of the
 * kernel half in use, which a kernel built for 52-bit VAs (6.12) moves
 * to -2^48 at boot on a CPU without LPA2, where PAGE_OFFSET stays -2^52.
 */
#ifdef CONFIG_ARM64
#define PW_LINEAR_BASE	MMSCOPE_KERNEL_VA_MIN
#else
#define PW_LINEAR_BASE	PAGE_OFFSET
#endif

static int pw_layout_show(struct seq_file *m, void *v)
{
	seq_printf(m, "linear_map 0x%lx 0x%lx\n", (unsigned long)PW_LINEAR_BASE,
		   (unsigned long)high_memory);
	/* x86's VMALLOC_END is the last byte, arm64's the byte after */
	seq_printf(m, "vmalloc 0x%lx 0x%lx\n", (unsigned long)VMALLOC_START,
		   PAGE_ALIGN((unsigned long)VMALLOC_END));
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(pw_layout);

static int __init pw_init(void)
{
	int ret;

	pw_arch_init();
	pw_kpage = (void *)get_zeroed_page(GFP_KERNEL);
	pw_vpage = vzalloc(PAGE_SIZE);
	if (!pw_kpage || !pw_vpage)
		goto nomem;
	pw_dir = mmscope_debugfs_create_dir("pagewalk");
	ret = PTR_ERR_OR_ZERO(pw_dir);
	if (ret)
		goto free;
	debugfs_create_file("walk", 0400, pw_dir, NULL, &pw_walk_fops);
	debugfs_create_file("kaddr", 0400, pw_dir, NULL, &pw_kaddr_fops);
	debugfs_create_file("layout", 0400, pw_dir, NULL, &pw_layout_fops);
	ret = mmscope_target_file_create(pw_dir, &pw_target);
	if (!ret)
		ret = mmscope_ctl_create(pw_dir, &pw_ctl);
	if (!ret)
		return 0;
	mmscope_target_file_remove(&pw_target);
	mmscope_debugfs_remove_dir(pw_dir);
	goto free;
nomem:
	ret = -ENOMEM;
free:
	free_page((unsigned long)pw_kpage);
	vfree(pw_vpage);
	return ret;
}

static void __exit pw_exit(void)
{
	mmscope_ctl_remove(&pw_ctl);
	mmscope_target_file_remove(&pw_target);
	mmscope_debugfs_remove_dir(pw_dir);
	free_page((unsigned long)pw_kpage);
	vfree(pw_vpage);
}

module_init(pw_init);
module_exit(pw_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("mmscope: page-table walks of processes and of the kernel");
MODULE_VERSION(MMSCOPE_VERSION);
