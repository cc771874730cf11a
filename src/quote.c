#include "config.h"

#include "quote.h"
#include "termsafe.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

/* Whether text holds a control, C1 or bidi code point (or is not UTF-8). */
static bool
needs_unicode_escapes(const char *text)
{
	const unsigned char *p = (const unsigned char *) text;
	size_t		left = strlen(text);

	while (left > 0)
	{
		unsigned int cp;
		size_t		len = utf8_decode(p, left, &cp);

		if (len == 0 || codepoint_is_unsafe(cp))
			return true;
		p += len;
		left -= len;
	}
	return false;
}

/*
 * A name that holds controls or bidi overrides is written as a Unicode
 * escape identifier (U&"a\000Ab"), so that the SQL a reviewer reads shows
 * every character of it and a terminal obeys none.
 */
void
sql_append_ident(StrBuf *sql, const char *ident)
{
	bool		escaped = needs_unicode_escapes(ident);
	const unsigned char *p = (const unsigned char *) ident;
	size_t		left = strlen(ident);

	strbuf_append(sql, escaped ? "U&\"" : "\"");
	while (left > 0)
	{
		unsigned int cp;
		size_t		len = utf8_decode(p, left, &cp);

		if (len == 0)
		{
			/* not UTF-8 (a LATIN1 server's name): identifiers have no byte escape */
			strbuf_append_len(sql, (const char *) p, 1);
			len = 1;
		}
		else if (cp == '"')
			strbuf_append(sql, "\"\"");
		else if (escaped && cp == '\\')
			strbuf_append(sql, "\\\\");
		else if (escaped && codepoint_is_unsafe(cp))
			strbuf_printf(sql, "\\%04X", cp);
		else
			strbuf_append_len(sql, (const char *) p, len);
		p += len;
		left -= len;
	}
	strbuf_append_char(sql, '"');
}

void
sql_append_literal(StrBuf *sql, const char *value)
{
	bool		needs_escapes = strchr(value, '\\') != NULL || needs_unicode_escapes(value);

	/*
	 * Controls, C1 and bidi characters and backslashes go into an E''
	 * literal as escapes, so that a generated batch never holds a raw
	 * newline or a character that reorders what a reviewer sees.
	 */
	if (needs_escapes)
		strbuf_append_char(sql, 'E');
	strbuf_append_char(sql, '\'');
	/* without E, nothing but the quote needs doubling: nothing else is escaped */
	append_escaped_text(sql, value, ESCAPES_SQL_LITERAL);
	strbuf_append_char(sql, '\'');
}

void
sql_append_qualified(StrBuf *sql, const char *regclass_text)
{
	StrBuf		part;
	bool		quoted = false;

	strbuf_init(&part);
	for (const char *p = regclass_text;; p++)
	{
		if (*p == '\0' || (*p == '.' && !quoted))
		{
			sql_append_ident(sql, part.data);
			strbuf_reset(&part);
			if (*p == '\0')
				break;
			strbuf_append_char(sql, '.');
		}
		else if (*p == '"')
		{
			if (quoted && p[1] == '"')
			{
				strbuf_append_char(&part, '"');
				p++;
			}
			else
				quoted = !quoted;
		}
		else
			strbuf_append_char(&part, *p);
	}
	strbuf_free(&part);
}

void
sql_append_dollar_quoted(StrBuf *sql, const char *body)
{
	char		tag[32] = "$body$";

	for (int n = 1; strstr(body, tag) != NULL; n++)
		snprintf(tag, sizeof(tag), "$body%d$", n);
	strbuf_append(sql, tag);
	strbuf_append(sql, body);
	strbuf_append(sql, tag);
}

/* Shell single quotes: 'it'\''s' */
void
append_shell_quoted(StrBuf *out, const char *value)
{
	strbuf_append_char(out, '\'');
	for (const char *p = value; *p; p++)
	{
		if (*p == '\'')
			strbuf_append(out, "'\\''");
		else
			strbuf_append_char(out, *p);
	}
	strbuf_append_char(out, '\'');
}
