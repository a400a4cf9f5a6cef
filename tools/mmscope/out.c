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

/*
 * The 16 hex digits of val, most significant first, as 16 bytes at dst:
 * each half's nibbles spread one to a byte, then made ASCII all at once
 * (a digit above 9 gets 'a' - '0' - 10 more). Under emulation every
 * instruction counts, and this is a few dozen for 16 digits.
 */
static uint64_t hex8(uint32_t v)
{
	uint64_t x = v, m;

	x = ((x & 0xffff0000ULL) << 16) | (x & 0xffffULL);
	x = ((x & 0x0000ff000000ff00ULL) << 8) | (x & 0x000000ff000000ffULL);
	x = ((x & 0x00f000f000f000f0ULL) << 4) | (x & 0x000f000f000f000fULL);
	m = ((x + 0x0606060606060606ULL) >> 4) & 0x0101010101010101ULL;
	x += 0x3030303030303030ULL + m * ('a' - '0' - 10);
	/* byte k holds digit k from the right: the leftmost goes first */
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	x = __builtin_bswap64(x);
#endif
	return x;
}

static void hex16(char *dst, uint64_t val)
{
	uint64_t hi = hex8(val >> 32), lo = hex8((uint32_t)val);

	memcpy(dst, &hi, 8);
	memcpy(dst + 8, &lo, 8);
}

/* hex digits of val, at least width of them (<= 16) */
static int hex_digits(uint64_t val, int width)
{
	int n = val ? (64 - __builtin_clzll(val) + 3) / 4 : 1;

	return n < width ? width : n;
}

/*
 * digits of val in base (10 or 16) at the end of tmp[24]; their count.
 * Decimal by a multiply, never a division instruction (a helper call
 * under emulation).
 */
static int fmt_u64(char *tmp, uint64_t val, unsigned int base, int width)
{
	int i = 24;

	if (base == 16) {
		hex16(tmp + 8, val);
		i = 24 - hex_digits(val, width > 16 ? 16 : width);
	} else if (val < 10) {
		tmp[--i] = '0' + val;
	} else {
		do {
			tmp[--i] = '0' + val % 10;
			val /= 10;
		} while (val);
	}
	while (24 - i < width && i > 0)
		tmp[--i] = '0';
	return 24 - i;
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
	char tmp[24];
	int n = fmt_u64(tmp, val, 10, 0);

	out_raw(tmp + 24 - n, n);
}

void out_i64(int64_t val)
{
	if (val < 0) {
		out_char('-');
		out_u64(-(uint64_t)val);
	} else {
		out_u64(val);
	}
}

void out_hex(uint64_t val, int width)
{
	char tmp[24];
	int n = fmt_u64(tmp, val, 16, width);

	out_raw(tmp + 24 - n, n);
}

void out_u64_w(uint64_t val, int width)
{
	char tmp[24];
	int n = fmt_u64(tmp, val, 10, 0);

	pad(width - n);
	out_raw(tmp + 24 - n, n);
}

void out_i64_w(int64_t val, int width)
{
	char tmp[25];
	int n;

	if (val >= 0) {
		out_u64_w(val, width);
		return;
	}
	n = fmt_u64(tmp + 1, -(uint64_t)val, 10, 0);
	tmp[24 - n] = '-';
	pad(width - n - 1);
	out_raw(tmp + 24 - n, n + 1);
}

void out_hex_w(uint64_t val, int width)
{
	char tmp[24];
	int n = fmt_u64(tmp, val, 16, 0);

	pad(width - n);
	out_raw(tmp + 24 - n, n);
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
