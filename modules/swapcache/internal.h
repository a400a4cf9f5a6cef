/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _MMSCOPE_SWAPCACHE_INTERNAL_H
#define _MMSCOPE_SWAPCACHE_INTERNAL_H

#include <linux/seq_file.h>
#include <linux/swap.h>
#include <linux/types.h>

#include <uapi/mmscope/swapcache.h>

/* main.c: the resolver's way to a type's swap_info_struct */
struct swap_info_struct *sc_get_device(unsigned int type);
void sc_put_device(struct swap_info_struct *si);
u32 sc_copy_size(u32 usize, size_t ksize);
/* The resolver's per-CPU slot caches (6.1, 6.12) and clusters (7.x), or NULL. */
extern void *sc_slots_sym, *sc_pcp_sym;

/* entries.c */
long sc_ioc_entries(struct file *file, unsigned int cmd, void *arg);
long sc_ioc_slots(struct file *file, unsigned int cmd, void *arg);
/* The target file's range, one line per page that is not "none". */
int sc_entries_show_range(struct seq_file *m, pid_t pid, u64 start, u64 len);

/* devices.c */
long sc_ioc_devices(struct file *file, unsigned int cmd, void *arg);
int sc_devices_show(struct seq_file *m, void *unused);

/* stats.c */
int sc_stats_init(void);
void sc_stats_exit(void);
void sc_stats_read(struct mmscope_swapcache_stats *st, bool reset);
long sc_ioc_stats(struct file *file, unsigned int cmd, void *arg);
int sc_stats_show(struct seq_file *m, void *unused);

extern const char *const sc_state_names[MMSCOPE_SWAPCACHE_NR_STATES];
extern const char *const sc_devflag_names[MMSCOPE_SWAPCACHE_NR_DEVFLAGS];

#endif
