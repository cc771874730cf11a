/* A small JSON writer: the discover report's only output format besides text. */
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
} JsonWriter;

void		json_init(JsonWriter *w, StrBuf *out);
void		json_begin_object(JsonWriter *w, const char *key);
void		json_end_object(JsonWriter *w);
void		json_begin_array(JsonWriter *w, const char *key);
void		json_end_array(JsonWriter *w);
void		json_string(JsonWriter *w, const char *key, const char *value);	/* NULL -> null */
void		json_int(JsonWriter *w, const char *key, int64_t value);
void		json_bool(JsonWriter *w, const char *key, bool value);
void		json_null(JsonWriter *w, const char *key);

/* Appends value as a quoted JSON string. */
void		json_append_quoted(StrBuf *out, const char *value);

#endif
