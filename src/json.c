#include "config.h"

#include "error.h"
#include "json.h"
#include "termsafe.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

void
json_init(JsonWriter *w, StrBuf *out)
{
	w->out = out;
	w->depth = 0;
	w->need_comma[0] = false;
	w->compact = false;
}

void
json_init_compact(JsonWriter *w, StrBuf *out)
{
	json_init(w, out);
	w->compact = true;
}

/*
 * Controls, C1 and bidi characters are written as \u escapes, so that
 * JSON printed on a terminal is inert too; bytes that are not UTF-8 become
 * U+FFFD, as JSON text must be UTF-8.
 */
void
json_append_quoted(StrBuf *out, const char *value)
{
	const unsigned char *p = (const unsigned char *) value;
	size_t		left = strlen(value);

	strbuf_append_char(out, '"');
	while (left > 0)
	{
		unsigned int cp;
		size_t		len = utf8_decode(p, left, &cp);

		if (len == 0)
		{
			strbuf_append(out, "\\ufffd");
			len = 1;
		}
		else if (cp == '"')
			strbuf_append(out, "\\\"");
		else if (cp == '\\')
			strbuf_append(out, "\\\\");
		else if (cp == '\n')
			strbuf_append(out, "\\n");
		else if (cp == '\r')
			strbuf_append(out, "\\r");
		else if (cp == '\t')
			strbuf_append(out, "\\t");
		else if (codepoint_is_unsafe(cp))
			strbuf_printf(out, "\\u%04x", cp);
		else
			strbuf_append_len(out, (const char *) p, len);
		p += len;
		left -= len;
	}
	strbuf_append_char(out, '"');
}

static void
begin_value(JsonWriter *w, const char *key)
{
	if (w->need_comma[w->depth])
		strbuf_append_char(w->out, ',');
	w->need_comma[w->depth] = true;
	if (!w->compact)
	{
		strbuf_append_char(w->out, '\n');
		for (int i = 0; i < w->depth; i++)
			strbuf_append(w->out, "  ");
	}
	if (key)
	{
		json_append_quoted(w->out, key);
		strbuf_append(w->out, w->compact ? ":" : ": ");
	}
}

static void
open_container(JsonWriter *w, const char *key, char bracket)
{
	if (w->depth > 0 || w->need_comma[0])
		begin_value(w, key);
	else
		w->need_comma[0] = true;
	strbuf_append_char(w->out, bracket);
	w->depth++;
	w->need_comma[w->depth] = false;
}

static void
close_container(JsonWriter *w, char bracket)
{
	bool		had_items = w->need_comma[w->depth];

	w->depth--;
	if (had_items && !w->compact)
	{
		strbuf_append_char(w->out, '\n');
		for (int i = 0; i < w->depth; i++)
			strbuf_append(w->out, "  ");
	}
	strbuf_append_char(w->out, bracket);
	if (w->depth == 0)
		strbuf_append_char(w->out, '\n');
}

void
json_begin_object(JsonWriter *w, const char *key)
{
	open_container(w, key, '{');
}

void
json_end_object(JsonWriter *w)
{
	close_container(w, '}');
}

void
json_begin_array(JsonWriter *w, const char *key)
{
	open_container(w, key, '[');
}

void
json_end_array(JsonWriter *w)
{
	close_container(w, ']');
}

void
json_string(JsonWriter *w, const char *key, const char *value)
{
	begin_value(w, key);
	if (value)
		json_append_quoted(w->out, value);
	else
		strbuf_append(w->out, "null");
}

void
json_int(JsonWriter *w, const char *key, int64_t value)
{
	begin_value(w, key);
	strbuf_printf(w->out, "%" PRId64, value);
}

void
json_bool(JsonWriter *w, const char *key, bool value)
{
	begin_value(w, key);
	strbuf_append(w->out, value ? "true" : "false");
}

void
json_null(JsonWriter *w, const char *key)
{
	begin_value(w, key);
	strbuf_append(w->out, "null");
}

void
json_raw(JsonWriter *w, const char *key, const char *value)
{
	size_t		len = strlen(value);

	begin_value(w, key);
	/* the other writer ended its outermost value with a newline */
	while (len > 0 && value[len - 1] == '\n')
		len--;
	strbuf_append_len(w->out, value, len);
}

static void
pgerror_object(JsonWriter *w, const char *key, const PgError *error, bool with_node)
{
	if (error == NULL || error->message == NULL)
	{
		json_null(w, key);
		return;
	}
	json_begin_object(w, key);
	json_string(w, "sqlstate", error->sqlstate[0] ? error->sqlstate : NULL);
	json_string(w, "message", error->message);
	json_string(w, "detail", error->detail);
	json_string(w, "hint", error->hint);
	if (with_node)
		json_string(w, "node", error->node);
	json_end_object(w);
}

void
json_pgerror(JsonWriter *w, const char *key, const PgError *error)
{
	pgerror_object(w, key, error, true);
}

void
json_pgerror_without_node(JsonWriter *w, const char *key, const PgError *error)
{
	pgerror_object(w, key, error, false);
}
