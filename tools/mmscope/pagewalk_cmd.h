/* SPDX-License-Identifier: GPL-2.0 */
/* What the files of `mmscope pagewalk` share: where records go. */
#ifndef MMSCOPE_PAGEWALK_CMD_H
#define MMSCOPE_PAGEWALK_CMD_H

#include <stdbool.h>
#include <stddef.h>

#include "common.h"

/* The arch the module reported (its bit names differ). */
extern bool pw_arm64;

/* The MMSCOPE_PAGEWALK_L_* bits in the order the output lists them. */
extern const unsigned char pw_linux_order[15];

/* The file a VMA maps, from /proc/PID/maps, or NULL. */
const char *pw_vma_file(uint64_t vma_start);

/* pagewalk_text.c */
void pw_text_context(const struct mmscope_pagewalk_context *c);
void pw_text_record(const struct mmscope_pagewalk_record *r,
		    const struct mmscope_pagewalk_path *p);

/* pagewalk_json.c: the tree (-p, --path) and the stream (-j) */
void pw_json_context(struct json_object *root,
		     const struct mmscope_pagewalk_context *c);
void pw_json_record(struct json_object *arr,
		    const struct mmscope_pagewalk_record *r,
		    const struct mmscope_pagewalk_path *p);
struct pw_stream;
/* root: the document around the entries; lines: JSON Lines, root NULL */
struct pw_stream *pw_stream_new(struct json_object *root, bool lines);
void pw_stream_record(struct pw_stream *st,
		      const struct mmscope_pagewalk_record *r);
/* Print root (its last member the empty "entries") with the stream. */
int pw_stream_emit(struct pw_stream *st, struct json_object *root);
void pw_stream_free(struct pw_stream *st);

/* pagewalk_explain.c: --explain, a bit diagram per leaf entry */
void pw_explain_record(const struct mmscope_pagewalk_record *r);

/* pagewalk_summary.c: --summary, counts by kind */
struct pw_summary;
struct pw_summary *pw_summary_new(const char *what, uint64_t start,
				  uint64_t end);
void pw_summary_record(struct pw_summary *s,
		       const struct mmscope_pagewalk_record *r);
void pw_summary_print(struct pw_summary *s);

#endif
