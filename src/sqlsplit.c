#include "config.h"

#include "sqlsplit.h"

#include <ctype.h>
#include <stdbool.h>
#include <string.h>

/* Length of the dollar-quote tag ($tag$ or $$) at p, or 0 when p starts none */
static size_t
dollar_tag_length(const char *p)
{
	size_t		n = 1;

	if (p[0] != '$')
		return 0;
	while (p[n] == '_' || isalnum((unsigned char) p[n]) || (unsigned char) p[n] >= 0x80)
	{
		if (n == 1 && isdigit((unsigned char) p[n]))
			return 0;			/* $1 is a parameter */
		n++;
	}
	return p[n] == '$' ? n + 1 : 0;
}

/* Where the quoted run that starts at p ends (just past it) */
static const char *
skip_quoted(const char *start, const char *p)
{
	char		quote = *p;
	bool		backslashes = quote == '\'' && p > start &&
		(p[-1] == 'E' || p[-1] == 'e') &&
		(p - 1 == start || !(isalnum((unsigned char) p[-2]) || p[-2] == '_'));

	for (p++; *p; p++)
	{
		if (backslashes && *p == '\\' && p[1])
			p++;
		else if (*p == quote && p[1] == quote)
			p++;
		else if (*p == quote)
			return p + 1;
	}
	return p;
}

/* Just past the comment, quoted run or dollar-quoted body at p; p itself when none starts there */
static const char *
skip_inert(const char *start, const char *p)
{
	size_t		tag;

	if (p[0] == '-' && p[1] == '-')
		return p + strcspn(p, "\n");
	if (p[0] == '/' && p[1] == '*')
	{
		const char *end = strstr(p + 2, "*/");

		return end ? end + 2 : p + strlen(p);
	}
	if (p[0] == '\'' || p[0] == '"')
		return skip_quoted(start, p);
	if ((tag = dollar_tag_length(p)) > 0 &&
		!(p > start && (isalnum((unsigned char) p[-1]) || p[-1] == '_')))
	{
		const char *end = p + tag;

		while ((end = strchr(end, '$')) != NULL && strncmp(end, p, tag) != 0)
			end++;
		return end ? end + tag : p + strlen(p);
	}
	return p;
}

static void
add_trimmed(StrList *out, const char *from, const char *to)
{
	StrBuf		statement;

	while (from < to && isspace((unsigned char) *from))
		from++;
	while (to > from && isspace((unsigned char) to[-1]))
		to--;
	if (from == to)
		return;
	strbuf_init(&statement);
	strbuf_append_len(&statement, from, (size_t) (to - from));
	strlist_add(out, statement.data);
	strbuf_free(&statement);
}

void
sql_split_statements(const char *sql, StrList *out)
{
	const char *begin = sql;
	const char *p = sql;

	while (*p)
	{
		const char *past = skip_inert(sql, p);

		if (past != p)
			p = past;
		else if (*p == ';')
		{
			add_trimmed(out, begin, p);
			begin = ++p;
		}
		else
			p++;
	}
	add_trimmed(out, begin, p);
}
