// SPDX-License-Identifier: GPL-2.0
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "out.h"

bool json_output;
bool pretty_output;

struct json_object *jw_object(void)
{
	return json_object_new_object();
}

struct json_object *jw_array(void)
{
	return json_object_new_array();
}

static struct json_object *hex(uint64_t val)
{
	char buf[sizeof("0x") + 16];

	snprintf(buf, sizeof(buf), "0x%" PRIx64, val);
	return json_object_new_string(buf);
}

void jw_set_str(struct json_object *obj, const char *key, const char *val)
{
	json_object_object_add(obj, key, json_object_new_string(val));
}

void jw_set_uint(struct json_object *obj, const char *key, uint64_t val)
{
	json_object_object_add(obj, key, json_object_new_uint64(val));
}

void jw_set_int(struct json_object *obj, const char *key, int64_t val)
{
	json_object_object_add(obj, key, json_object_new_int64(val));
}

void jw_set_hex(struct json_object *obj, const char *key, uint64_t val)
{
	json_object_object_add(obj, key, hex(val));
}

void jw_set_bool(struct json_object *obj, const char *key, bool val)
{
	json_object_object_add(obj, key, json_object_new_boolean(val));
}

void jw_set_null(struct json_object *obj, const char *key)
{
	json_object_object_add(obj, key, NULL);
}

struct json_object *jw_set_object(struct json_object *obj, const char *key)
{
	struct json_object *child = jw_object();

	json_object_object_add(obj, key, child);
	return child;
}

struct json_object *jw_set_array(struct json_object *obj, const char *key)
{
	struct json_object *child = jw_array();

	json_object_object_add(obj, key, child);
	return child;
}

struct json_object *jw_push_object(struct json_object *arr)
{
	struct json_object *child = jw_object();

	json_object_array_add(arr, child);
	return child;
}

void jw_push_str(struct json_object *arr, const char *val)
{
	json_object_array_add(arr, json_object_new_string(val));
}

void jw_push_uint(struct json_object *arr, uint64_t val)
{
	json_object_array_add(arr, json_object_new_uint64(val));
}

void jw_push_hex(struct json_object *arr, uint64_t val)
{
	json_object_array_add(arr, hex(val));
}

void jw_emit(struct json_object *root)
{
	int flags = JSON_C_TO_STRING_NOSLASHESCAPE;

	flags |= pretty_output ? JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED :
				 JSON_C_TO_STRING_PLAIN;
	puts(json_object_to_json_string_ext(root, flags));
	fflush(stdout);
	json_object_put(root);
}

static int plain_flags(void)
{
	return JSON_C_TO_STRING_NOSLASHESCAPE | JSON_C_TO_STRING_PLAIN;
}

static const char *js_head(struct json_object *root, size_t *n)
{
	const char *t = json_object_to_json_string_ext(root, plain_flags());

	*n = strlen(t);
	/* t ends in "key":[]} */
	if (*n < 3 || strcmp(t + *n - 3, "[]}"))
		return NULL;
	*n -= 2;
	return t;
}

/* Write what waits (after the document's head, the first time). */
static int js_spill(struct jw_stream *s)
{
	const char *t;
	size_t n;

	if (!s->started && !s->lines) {
		t = js_head(s->root, &n);
		if (!t || fwrite(t, 1, n, stdout) != n)
			return -1;
	}
	s->started = true;
	if (s->len && fwrite(s->p, 1, s->len, stdout) != s->len)
		return -1;
	s->len = 0;
	return 0;
}

static bool js_room(struct jw_stream *s, size_t n)
{
	size_t cap;
	char *p;

	if (s->len + n > JS_CHUNK && s->len && (s->root || s->lines) &&
	    !s->oom && js_spill(s))
		s->oom = true;
	if (s->len + n <= s->cap)
		return true;
	if (s->oom)
		return false;
	cap = s->cap ? s->cap : 1 << 20;
	while (cap < s->len + n)
		cap *= 2;
	p = realloc(s->p, cap);
	if (!p) {
		s->oom = true;
		return false;
	}
	s->p = p;
	s->cap = cap;
	return true;
}

void js_raw(struct jw_stream *s, const char *text, size_t n)
{
	if (!js_room(s, n))
		return;
	memcpy(s->p + s->len, text, n);
	s->len += n;
}

char *js_room_at(struct jw_stream *s, size_t n)
{
	return js_room(s, n) ? s->p + s->len : NULL;
}

void js_commit(struct jw_stream *s, const char *end)
{
	s->len = end - s->p;
}

void js_uint(struct jw_stream *s, uint64_t val)
{
	char *p = js_room_at(s, FMT_ROOM);

	if (p)
		js_commit(s, fmt_u64(p, val));
}

void js_hex(struct jw_stream *s, uint64_t val)
{
	char *p = js_room_at(s, 20);

	if (!p)
		return;
	memcpy(p, "\"0x", 3);
	p = fmt_hex(p + 3, val, 0);
	*p++ = '"';
	js_commit(s, p);
}

void jw_part_make(struct jw_part *pt, struct json_object *obj)
{
	const char *t = json_object_to_json_string_ext(obj, plain_flags());
	size_t n = strlen(t);

	free(pt->text);
	/* {"key":value} -> "key":value */
	pt->text = n >= 2 ? strndup(t + 1, n - 2) : NULL;
	pt->len = pt->text ? n - 2 : 0;
	pt->valid = pt->text != NULL;
	json_object_put(obj);
}

void js_part(struct jw_stream *s, const struct jw_part *pt)
{
	char *p = js_room_at(s, pt->len + 1);

	if (!p)
		return;
	*p = ',';
	memcpy(p + 1, pt->text, pt->len);
	js_commit(s, p + 1 + pt->len);
}

void jw_part_free(struct jw_part *pt)
{
	free(pt->text);
	pt->text = NULL;
	pt->valid = false;
}

int jw_emit_stream(struct json_object *root, struct jw_stream *s)
{
	int ret = 0;

	if (!s->lines && !s->root)
		s->root = root;
	if (s->oom || js_spill(s) ||
	    (!s->lines && fputs("]}\n", stdout) == EOF) || fflush(stdout)) {
		p_err(s->oom ? "out of memory, or writing the output failed" :
		      "writing the output failed");
		ret = -1;
	}
	json_object_put(root);
	free(s->p);
	s->p = NULL;
	s->len = s->cap = 0;
	return ret;
}
