#include "config.h"

#include "scrub.h"
#include "strbuf.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#define HIDDEN "********"

static bool
is_uri(const char *text)
{
	return strncmp(text, "postgresql://", 13) == 0 || strncmp(text, "postgres://", 11) == 0;
}

/* The query part of a URI: key=value pairs between & signs. */
static void
append_scrubbed_query(StrBuf *out, const char *query)
{
	while (*query)
	{
		size_t		len = strcspn(query, "&");
		const char *eq = memchr(query, '=', len);

		if (eq && (size_t) (eq - query) == 8 && strncmp(query, "password", 8) == 0)
			strbuf_append(out, "password=" HIDDEN);
		else
			strbuf_append_len(out, query, len);
		query += len;
		if (*query == '&')
			strbuf_append_char(out, *query++);
	}
}

static char *
uri_scrubbed(const char *text)
{
	StrBuf		out;
	const char *authority = strstr(text, "//") + 2;
	size_t		authority_len = strcspn(authority, "/?");
	const char *at = NULL;
	const char *query;

	/* the last @ of the authority ends the user information */
	for (const char *p = authority; p < authority + authority_len; p++)
		if (*p == '@')
			at = p;
	strbuf_init(&out);
	strbuf_append_len(&out, text, (size_t) (authority - text));
	if (at && memchr(authority, ':', (size_t) (at - authority)))
	{
		const char *colon = memchr(authority, ':', (size_t) (at - authority));

		strbuf_append_len(&out, authority, (size_t) (colon - authority) + 1);
		strbuf_append(&out, HIDDEN);
		strbuf_append_len(&out, at, (size_t) (authority + authority_len - at));
	}
	else
		strbuf_append_len(&out, authority, authority_len);
	query = strchr(authority + authority_len, '?');
	if (query == NULL)
		strbuf_append(&out, authority + authority_len);
	else
	{
		strbuf_append_len(&out, authority + authority_len,
						  (size_t) (query + 1 - (authority + authority_len)));
		append_scrubbed_query(&out, query + 1);
	}
	return strbuf_steal(&out);
}

/* The end of a keyword's value: a quoted one ends at its closing quote, as libpq reads it. */
static const char *
value_end(const char *p)
{
	if (*p == '\'')
	{
		for (p++; *p && *p != '\''; p++)
			if (*p == '\\' && p[1])
				p++;
		return *p ? p + 1 : p;
	}
	for (; *p && !isspace((unsigned char) *p); p++)
		if (*p == '\\' && p[1])
			p++;
	return p;
}

char *
conninfo_scrubbed(const char *text)
{
	StrBuf		out;
	const char *p = text;

	if (text == NULL)
		return xstrdup("");
	if (is_uri(text))
		return uri_scrubbed(text);
	strbuf_init(&out);
	while (*p)
	{
		const char *key = p;
		const char *key_end;

		if (isspace((unsigned char) *p))
		{
			strbuf_append_char(&out, *p++);
			continue;
		}
		while (*p && *p != '=' && !isspace((unsigned char) *p))
			p++;
		key_end = p;
		while (isspace((unsigned char) *p))
			p++;
		if (*p != '=')
		{
			strbuf_append_len(&out, key, (size_t) (p - key));
			continue;
		}
		for (p++; isspace((unsigned char) *p);)
			p++;
		p = value_end(p);
		if (key_end - key == 8 && strncmp(key, "password", 8) == 0)
			strbuf_append(&out, "password=" HIDDEN);
		else
			strbuf_append_len(&out, key, (size_t) (p - key));
	}
	return strbuf_steal(&out);
}

char *
argument_scrubbed(const char *word)
{
	size_t		prefix = 0;
	char	   *rest;
	char	   *whole;

	if (strncmp(word, "--", 2) == 0 && strchr(word, '='))
		prefix = (size_t) (strchr(word, '=') - word) + 1;
	else if (strncmp(word, "-d", 2) == 0 && word[2])
		prefix = 2;
	rest = conninfo_scrubbed(word + prefix);
	whole = xasprintf("%.*s%s", (int) prefix, word, rest);
	free(rest);
	return whole;
}
