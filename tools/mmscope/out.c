// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "common.h"
#include "out.h"

#define OUT_SIZE (256 << 10)

static char out_buf[OUT_SIZE];
static size_t out_len;
static bool out_failed;

int out_flush(void)
{
	size_t off = 0;
	ssize_t n;

	fflush(stdout);
	while (off < out_len && !out_failed) {
		n = write(STDOUT_FILENO, out_buf + off, out_len - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			p_err("writing the output: %s", errno_str(errno));
			out_failed = true;
			break;
		}
		off += n;
	}
	out_len = 0;
	return out_failed ? -1 : 0;
}

void out_raw(const char *text, size_t n)
{
	if (out_len + n > OUT_SIZE) {
		out_flush();
		if (n > OUT_SIZE) {
			memcpy(out_buf, text, OUT_SIZE);
			out_len = OUT_SIZE;
			out_raw(text + OUT_SIZE, n - OUT_SIZE);
			return;
		}
	}
	memcpy(out_buf + out_len, text, n);
	out_len += n;
}

void out_str(const char *text)
{
	out_raw(text, strlen(text));
}

void out_char(char c)
{
	if (out_len == OUT_SIZE)
		out_flush();
	out_buf[out_len++] = c;
}

char *out_room(size_t n)
{
	if (OUT_SIZE - out_len < n)
		out_flush();
	return out_buf + out_len;
}

void out_commit(const char *end)
{
	out_len = end - out_buf;
}

/* "000102...ff": the two digits of each byte */
#define HEX_ROW(h) h "0" h "1" h "2" h "3" h "4" h "5" h "6" h "7" \
		   h "8" h "9" h "a" h "b" h "c" h "d" h "e" h "f"
static const char hex_pairs[] =
	HEX_ROW("0") HEX_ROW("1") HEX_ROW("2") HEX_ROW("3")
	HEX_ROW("4") HEX_ROW("5") HEX_ROW("6") HEX_ROW("7")
	HEX_ROW("8") HEX_ROW("9") HEX_ROW("a") HEX_ROW("b")
	HEX_ROW("c") HEX_ROW("d") HEX_ROW("e") HEX_ROW("f");

/* hex digits of val, at least width of them (<= 16) */
static int hex_digits(uint64_t val, int width)
{
	int n = val ? (64 - __builtin_clzll(val) + 3) / 4 : 1;

	return n < width ? width : n;
}

char *fmt_hex(char *dst, uint64_t val, int width)
{
	int n = hex_digits(val, width > 16 ? 16 : width), i;

	/*
	 * The n digits at the top of the word, written a byte (two digits)
	 * at a time: an odd count leaves one zero the caller writes over.
	 * Under emulation every instruction counts.
	 */
	val = n < 16 ? val << (64 - 4 * n) : val;
	for (i = 0; i < n; i += 2, val <<= 8)
		memcpy(dst + i, hex_pairs + 2 * (val >> 56), 2);
	return dst + n;
}

/* "00010203...99": the two digits of each number below 100 */
#define DEC_ROW(h) h "0" h "1" h "2" h "3" h "4" h "5" h "6" h "7" h "8" h "9"
static const char dec_pairs[] =
	DEC_ROW("0") DEC_ROW("1") DEC_ROW("2") DEC_ROW("3") DEC_ROW("4")
	DEC_ROW("5") DEC_ROW("6") DEC_ROW("7") DEC_ROW("8") DEC_ROW("9");

/* The decimal digits of val, two at a time, at the end of tmp[20]. */
static int dec_digits(char *tmp, uint64_t val)
{
	int i = 20;

	while (val >= 100) {
		i -= 2;
		memcpy(tmp + i, dec_pairs + 2 * (val % 100), 2);
		val /= 100;
	}
	if (val >= 10) {
		i -= 2;
		memcpy(tmp + i, dec_pairs + 2 * val, 2);
	} else {
		tmp[--i] = '0' + val;
	}
	return i;
}

char *fmt_u64(char *dst, uint64_t val)
{
	char tmp[36];
	int i;

	if (val < 10) {
		*dst = '0' + val;
		return dst + 1;
	}
	/* at most 20 digits; 16 bytes at once, the rest after */
	i = dec_digits(tmp, val);
	memcpy(dst, tmp + i, 16);
	if (20 - i > 16)
		memcpy(dst + 16, tmp + i + 16, 4);
	return dst + 20 - i;
}

/* sixteen blanks, copied whole: a fixed-size copy is a store or two */
static const char blanks[16] = "                ";

/* width - n blanks at dst (one copy when width <= 16); where n go after */
static char *pad_to(char *dst, int n, int width)
{
	if (width <= n)
		return dst;
	if (width <= 16) {
		memcpy(dst, blanks, 16);
		return dst + width - n;
	}
	for (width -= n; width > 0; width--)
		*dst++ = ' ';
	return dst;
}

char *fmt_u64_w(char *dst, uint64_t val, int width)
{
	char tmp[36];
	int i;

	/* one digit: most cells of a table of counts */
	if (val < 10) {
		dst = pad_to(dst, 1, width);
		*dst = '0' + val;
		return dst + 1;
	}
	i = dec_digits(tmp, val);
	dst = pad_to(dst, 20 - i, width);
	/* at most 20 digits; 16 bytes at once, the rest after */
	memcpy(dst, tmp + i, 16);
	if (20 - i > 16)
		memcpy(dst + 16, tmp + i + 16, 4);
	return dst + 20 - i;
}

char *fmt_i64(char *dst, int64_t val)
{
	if (val < 0) {
		*dst++ = '-';
		return fmt_u64(dst, -(uint64_t)val);
	}
	return fmt_u64(dst, val);
}

char *fmt_i64_w(char *dst, int64_t val, int width)
{
	char *end;

	if (val >= 0)
		return fmt_u64_w(dst, val, width);
	/* the sign takes one of the columns */
	end = fmt_u64(dst, -(uint64_t)val);
	for (width -= end - dst + 1; width > 0; width--)
		*dst++ = ' ';
	*dst++ = '-';
	return fmt_u64(dst, -(uint64_t)val);
}

char *fmt_hex_w(char *dst, uint64_t val, int width)
{
	return fmt_hex(pad_to(dst, hex_digits(val, 0), width), val, 0);
}

static void pad(int n)
{
	static const char spaces[] = "                                ";

	while (n > 0) {
		int k = n < 32 ? n : 32;

		out_raw(spaces, k);
		n -= k;
	}
}

void out_u64(uint64_t val)
{
	out_commit(fmt_u64(out_room(FMT_ROOM), val));
}

void out_i64(int64_t val)
{
	out_commit(fmt_i64(out_room(FMT_ROOM + 1), val));
}

void out_hex(uint64_t val, int width)
{
	out_commit(fmt_hex(out_room(16), val, width));
}

void out_u64_w(uint64_t val, int width)
{
	/* widths are a few columns */
	out_commit(fmt_u64_w(out_room(FMT_ROOM + (width > 0 ? width : 0)),
			     val, width));
}

void out_i64_w(int64_t val, int width)
{
	out_commit(fmt_i64_w(out_room(FMT_ROOM + 1 + (width > 0 ? width : 0)),
			     val, width));
}

void out_hex_w(uint64_t val, int width)
{
	out_commit(fmt_hex_w(out_room(FMT_ROOM + (width > 0 ? width : 0)),
			     val, width));
}

void out_str_w(const char *text, int width)
{
	size_t n = strlen(text);

	if (width < 0)
		pad(-width - (int)n);
	out_raw(text, n);
	if (width > 0)
		pad(width - (int)n);
}
