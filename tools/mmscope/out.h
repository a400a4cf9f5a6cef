/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Buffered output for the per-page commands: one large write(2) per
 * 256 KiB, integers and hex formatted by hand. Used for output whose
 * size grows with the range (pagewalk, pageref), so a walk of a large
 * range costs about what its ioctls cost, with flat memory.
 * Call out_flush() before any stdio output to stdout and at the end.
 */
#ifndef MMSCOPE_OUT_H
#define MMSCOPE_OUT_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

void out_raw(const char *text, size_t n);
void out_str(const char *text);
void out_char(char c);
void out_u64(uint64_t val);
void out_i64(int64_t val);
/* lowercase hex, no prefix, at least width digits (zero padded) */
void out_hex(uint64_t val, int width);
/* val in decimal or hex (0x-less), right-aligned in width columns */
void out_u64_w(uint64_t val, int width);
void out_i64_w(int64_t val, int width);
void out_hex_w(uint64_t val, int width);
/* text left-aligned in width columns, or right-aligned (width < 0) */
void out_str_w(const char *text, int width);
/*
 * Formatting in place: out_room(n) is where n bytes (n <= 4096) may be
 * written at the end of the buffer; out_commit() takes them, up to end.
 * The fmt_*() write at dst and return the end: fmt_hex() at least width
 * digits (<= 16, zero padded), and may write one byte past them;
 * the _w ones right-aligned in width columns. The decimal ones and the
 * _w ones may write up to FMT_ROOM bytes past dst whatever they return
 * (blanks and digits are copied in fixed-size blocks: under emulation
 * every call counts).
 */
#define FMT_ROOM 48
char *out_room(size_t n);
void out_commit(const char *end);
char *fmt_hex(char *dst, uint64_t val, int width);
char *fmt_u64(char *dst, uint64_t val);
char *fmt_u64_w(char *dst, uint64_t val, int width);
char *fmt_i64(char *dst, int64_t val);
char *fmt_i64_w(char *dst, int64_t val, int width);
char *fmt_hex_w(char *dst, uint64_t val, int width);
/* a string literal written at p; the end */
#define FMT_LIT(p, s) ((char *)memcpy(p, s, sizeof(s) - 1) + sizeof(s) - 1)
/* 0, or -1 when a write failed (reported once) */
int out_flush(void);

#endif
