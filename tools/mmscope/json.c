// SPDX-License-Identifier: GPL-2.0
#include <inttypes.h>
#include <stdio.h>

#include "json.h"

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
