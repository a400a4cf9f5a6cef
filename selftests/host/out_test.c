// SPDX-License-Identifier: GPL-2.0
/*
 * The CLI's hand-made number formatting (tools/mmscope/out.c) against
 * printf: two million pseudo-random values of every magnitude, in every
 * width, hex and decimal, signed and not. Writes "printf" or "out" lines
 * on stdout, chosen by argv[1]; the caller compares the two.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "out.h"

void p_err(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
}

const char *mmscope_strerror(int err)
{
	return strerror(err);
}

int main(int argc, char **argv)
{
	int use_printf = argc > 1 && !strcmp(argv[1], "printf");
	uint64_t x = 88172645463325252ULL, v;
	int64_t s;
	int i, w, hw;

	for (i = 0; i < 2000000; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		v = x >> (x & 63);
		w = (x >> 8) % 20;
		hw = w > 16 ? 16 : w;
		s = (int64_t)v - (int64_t)(x >> 1);
		if (use_printf) {
			printf("%0*" PRIx64 " %*" PRIx64 " %" PRIu64 " %*" PRIu64
			       " %*" PRId64 " %" PRId64 " %-*s|\n", hw, v, w, v,
			       v, w, v, w, s, s, w, "ab");
			continue;
		}
		out_hex(v, hw);
		out_char(' ');
		out_hex_w(v, w);
		out_char(' ');
		out_u64(v);
		out_char(' ');
		out_u64_w(v, w);
		out_char(' ');
		out_i64_w(s, w);
		out_char(' ');
		out_i64(s);
		out_char(' ');
		out_str_w("ab", w);
		out_str("|\n");
	}
	fflush(stdout);
	return out_flush() ? 1 : 0;
}
