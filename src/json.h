/*
 * A small JSON writer: the machine-readable face of discover, plan and
 * verify, and of apply's and recover's progress, one object a line.
 */
#ifndef CITUS_RESCUE_JSON_H
#define CITUS_RESCUE_JSON_H

#include <stdbool.h>
#include <stdint.h>

#include "strbuf.h"

typedef struct JsonWriter
{
	StrBuf	   *out;
	int			depth;
	bool		need_comma[64];
	bool		compact;		/* one line, for a stream of events */
} JsonWriter;

/* The version of every JSON document and event; see citus-rescue-json(7). */
#define JSON_FORMAT 1

void		json_init(JsonWriter *w, StrBuf *out);
/* The same on one line, ended by a newline when the outermost value closes. */
void		json_init_compact(JsonWriter *w, StrBuf *out);
void		json_begin_object(JsonWriter *w, const char *key);
void		json_end_object(JsonWriter *w);
void		json_begin_array(JsonWriter *w, const char *key);
void		json_end_array(JsonWriter *w);
void		json_string(JsonWriter *w, const char *key, const char *value);	/* NULL -> null */
void		json_int(JsonWriter *w, const char *key, int64_t value);
void		json_bool(JsonWriter *w, const char *key, bool value);
void		json_null(JsonWriter *w, const char *key);
/* A value another writer made, whole (a compact writer's array, say) */
void		json_raw(JsonWriter *w, const char *key, const char *value);

struct PgError;
/* {"sqlstate", "message", "detail", "hint", "node"}, or null when no error is set */
void		json_pgerror(JsonWriter *w, const char *key, const struct PgError *error);
/* The same without "node", as discover --json has always written its errors */
void		json_pgerror_without_node(JsonWriter *w, const char *key, const struct PgError *error);

/* Appends value as a quoted JSON string. */
void		json_append_quoted(StrBuf *out, const char *value);

#endif
