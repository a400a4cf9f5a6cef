/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The one JSON writer of the mmscope CLI, on top of json-c.
 *
 * A subcommand builds its whole answer as a tree and hands it to
 * jw_emit() at the end (or streams its longest array, see below), so a
 * failure half way prints only the error object (see p_err()), never a
 * truncated document.
 *
 * Conventions (docs/cli.md): counts and small numbers are JSON numbers;
 * 64-bit values that may exceed 2^53 (addresses, raw entries, flag words)
 * are "0x..." hex strings, set with jw_set_hex().
 */
#ifndef MMSCOPE_JSON_H
#define MMSCOPE_JSON_H

#include <stdbool.h>
#include <stdint.h>
#include <json-c/json.h>

extern bool json_output;	/* -j/--json */
extern bool pretty_output;	/* -p/--pretty, implies -j */

struct json_object *jw_object(void);
struct json_object *jw_array(void);

void jw_set_str(struct json_object *obj, const char *key, const char *val);
void jw_set_uint(struct json_object *obj, const char *key, uint64_t val);
void jw_set_int(struct json_object *obj, const char *key, int64_t val);
void jw_set_hex(struct json_object *obj, const char *key, uint64_t val);
void jw_set_bool(struct json_object *obj, const char *key, bool val);
void jw_set_null(struct json_object *obj, const char *key);
/* Attach a new object or array under key and return it for filling. */
struct json_object *jw_set_object(struct json_object *obj, const char *key);
struct json_object *jw_set_array(struct json_object *obj, const char *key);

/* Append a new object to an array and return it for filling. */
struct json_object *jw_push_object(struct json_object *arr);
void jw_push_str(struct json_object *arr, const char *val);
void jw_push_uint(struct json_object *arr, uint64_t val);
void jw_push_hex(struct json_object *arr, uint64_t val);

/* Print the tree on stdout (compact, or indented with -p) and free it. */
void jw_emit(struct json_object *root);

/*
 * Streaming, for documents too large to build as a tree fast enough (a
 * walk of a large range): the elements of the document's last array are
 * formatted straight into a buffer, printed after the rest of the tree
 * by jw_emit_stream(), with the same bytes json-c gives for the whole
 * tree (-j; -p builds the tree). Members that repeat from one element to
 * the next are made once by json-c and kept as text in a struct jw_part.
 */
struct jw_stream {
	char *p;
	size_t len, cap;
	bool oom;
	/*
	 * Once more than JS_CHUNK bytes are waiting, they are written out
	 * (the document's head first), so memory stays flat: a failure
	 * after that leaves the document unfinished. lines: elements are
	 * JSON Lines, with no document around them.
	 */
	struct json_object *root;
	bool started;
	bool lines;
};

#define JS_CHUNK (256 << 10)

struct jw_part {
	char *text;	/* "key":value,... */
	size_t len;
	bool valid;	/* false: make it again */
};

void js_raw(struct jw_stream *s, const char *text, size_t n);
void js_uint(struct jw_stream *s, uint64_t val);
/*
 * Formatting in place (out.h's fmt_*()): where n bytes may be written,
 * or NULL (out of memory); js_commit() takes them, up to end.
 */
char *js_room_at(struct jw_stream *s, size_t n);
void js_commit(struct jw_stream *s, const char *end);
/* a string literal */
#define JS_LIT(s, lit) js_raw(s, lit, sizeof(lit) - 1)
/* "0x..." as jw_set_hex() spells it */
void js_hex(struct jw_stream *s, uint64_t val);
/* Keep the members of obj (then freed) as the part's text. */
void jw_part_make(struct jw_part *pt, struct json_object *obj);
/* ",<the part's text>" */
void js_part(struct jw_stream *s, const struct jw_part *pt);
void jw_part_free(struct jw_part *pt);
/*
 * Print root, whose last member is an empty array, with the stream's
 * text as that array's elements, then free both. 0, or -1 (out of memory
 * or stdout failed: reported).
 */
int jw_emit_stream(struct json_object *root, struct jw_stream *s);

#endif
