/* SPDX-License-Identifier: GPL-2.0 */
/* What the files of `mmscope notifier` share. */
#ifndef MMSCOPE_NOTIFIER_CMD_H
#define MMSCOPE_NOTIFIER_CMD_H

#include <stdint.h>

/*
 * Print attachment @id's latency histogram (0: the one @fd owns), as text
 * or one JSON object; 0 or an errno (ENODATA: made without --latency).
 */
int notifier_latency_print(int fd, uint32_t id);
/* `mmscope notifier latency [--id N]` */
int do_notifier_latency(int argc, char **argv);

#endif /* MMSCOPE_NOTIFIER_CMD_H */
