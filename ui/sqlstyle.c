#include "config.h"

#include "sqlstyle.h"

#include <stdlib.h>
#include <string.h>

/* Sorted, for bsearch: the words the plans' batches and checks use, and their kin */
static const char *const keywords[] = {
	"ALL", "ALTER", "AND", "ANY", "ARRAY", "AS", "ASC", "BEGIN", "BETWEEN",
	"BY", "CASCADE", "CASE", "CAST", "COLUMN", "COMMENT", "COMMIT",
	"CONFLICT", "CONSTRAINT", "CONTINUE", "CREATE", "DECLARE", "DEFAULT",
	"DELETE", "DESC", "DISABLE", "DISTINCT", "DO", "DROP", "ELSE", "ELSIF",
	"ENABLE", "END", "EXCEPTION", "EXECUTE", "EXISTS", "EXIT", "EXTENSION",
	"FALSE", "FOR", "FOREACH", "FROM", "FUNCTION", "GRANT", "GROUP",
	"HAVING", "IF", "ILIKE", "IN", "INDEX", "INSERT", "INTO", "IS", "JOIN",
	"LEFT", "LIKE", "LIMIT", "LOCAL", "LOOP", "NONE", "NOT", "NOTHING",
	"NULL", "OF", "OFFSET", "ON", "OR", "ORDER", "OWNER", "PERFORM",
	"PREPARE", "PREPARED", "PUBLICATION", "RAISE", "RECORD", "RETURN",
	"RETURNING", "REVOKE", "ROLE", "ROLLBACK", "SCHEMA", "SELECT",
	"SEQUENCE", "SET", "SUBSCRIPTION", "TABLE", "THEN", "TO", "TRANSACTION",
	"TRUE", "TRUNCATE", "UNION", "UPDATE", "USING", "VALUES", "WHEN",
	"WHERE", "WHILE", "WITH"
};

#define LONGEST_KEYWORD 16

void
sqlstyle_init(SqlStyleState *state)
{
	memset(state, 0, sizeof(*state));
	state->mode = SQL_LEX_CODE;
}

/* ASCII only: the terminal's locale must not change what is a keyword */
static bool
is_letter(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool
is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

/* As PostgreSQL's scanner has them: a byte above ASCII is part of a name */
static bool
starts_word(unsigned char c)
{
	return is_letter(c) || c == '_' || c >= 0x80;
}

/* A dollar quote's tag holds no $, a name may */
static bool
in_tag(unsigned char c)
{
	return starts_word(c) || is_digit(c);
}

static bool
in_word(unsigned char c)
{
	return in_tag(c) || c == '$';
}

static int
compare_keyword(const void *key, const void *entry)
{
	return strcmp(key, *(const char *const *) entry);
}

bool
sqlstyle_is_keyword(const char *word, size_t len)
{
	char		upper[LONGEST_KEYWORD + 1];

	if (len == 0 || len > LONGEST_KEYWORD)
		return false;
	for (size_t k = 0; k < len; k++)
	{
		unsigned char c = (unsigned char) word[k];

		if (!is_letter(c) && c != '_')
			return false;
		upper[k] = (char) (c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c);
	}
	upper[len] = '\0';
	return bsearch(upper, keywords, sizeof(keywords) / sizeof(keywords[0]),
				   sizeof(keywords[0]), compare_keyword) != NULL;
}

static void
paint(unsigned char *styles, size_t from, size_t to, TextStyle style)
{
	memset(styles + from, (int) style, to - from);
}

/* A string or quoted identifier from i: where it, or the line, ends */
static size_t
lex_quoted(SqlStyleState *state, const char *line, size_t len, size_t i, unsigned char *styles)
{
	char		quote = state->mode == SQL_LEX_IDENT ? '"' : '\'';
	size_t		j = i;

	while (j < len)
	{
		if (state->mode == SQL_LEX_ESCAPE_STRING && line[j] == '\\')
		{
			/* at the end of the line it escapes the newline */
			j = j + 2 < len ? j + 2 : len;
			continue;
		}
		if (line[j] == quote)
		{
			if (j + 1 < len && line[j + 1] == quote)
			{
				j += 2;
				continue;
			}
			j++;
			state->mode = SQL_LEX_CODE;
			break;
		}
		j++;
	}
	paint(styles, i, j, quote == '"' ? STYLE_PLAIN : STYLE_LITERAL);
	return j;
}

static size_t
lex_dollar_body(SqlStyleState *state, const char *line, size_t len, size_t i, unsigned char *styles)
{
	size_t		j = len;

	for (size_t k = i; k + state->taglen <= len; k++)
		if (memcmp(line + k, state->tag, state->taglen) == 0)
		{
			j = k + state->taglen;
			state->mode = SQL_LEX_CODE;
			break;
		}
	paint(styles, i, j, STYLE_LITERAL);
	return j;
}

static size_t
lex_comment(SqlStyleState *state, const char *line, size_t len, size_t i, unsigned char *styles)
{
	size_t		j = i;

	while (j < len && state->mode == SQL_LEX_COMMENT)
	{
		if (line[j] == '/' && j + 1 < len && line[j + 1] == '*')
		{
			state->depth++;
			j += 2;
		}
		else if (line[j] == '*' && j + 1 < len && line[j + 1] == '/')
		{
			j += 2;
			if (--state->depth == 0)
				state->mode = SQL_LEX_CODE;
		}
		else
			j++;
	}
	paint(styles, i, j, STYLE_COMMENT);
	return j;
}

/* $tag$ at i opens a dollar quote; $1 and a lone $ do not.  Returns its end, or i. */
static size_t
dollar_tag_end(const char *line, size_t len, size_t i)
{
	size_t		j = i + 1;

	if (j < len && starts_word((unsigned char) line[j]))
		while (j < len && in_tag((unsigned char) line[j]))
			j++;
	if (j < len && line[j] == '$' && j + 1 - i <= SQLSTYLE_MAX_TAG)
		return j + 1;
	return i;
}

static size_t
number_end(const char *line, size_t len, size_t i)
{
	size_t		j = i;

	/* 0x1F, 0o17, 0b101 */
	if (line[j] == '0' && j + 2 < len && line[j + 1] != '\0' && strchr("xXoObB", line[j + 1]) &&
		in_tag((unsigned char) line[j + 2]))
	{
		for (j += 2; j < len && in_tag((unsigned char) line[j]);)
			j++;
		return j;
	}
	while (j < len && (is_digit((unsigned char) line[j]) || line[j] == '_'))
		j++;
	/* 1..100 is a range, not the number 1. */
	if (j < len && line[j] == '.' && !(j + 1 < len && line[j + 1] == '.'))
		for (j++; j < len && (is_digit((unsigned char) line[j]) || line[j] == '_');)
			j++;
	if (j < len && (line[j] == 'e' || line[j] == 'E'))
	{
		size_t		k = j + 1;

		if (k < len && (line[k] == '+' || line[k] == '-'))
			k++;
		if (k < len && is_digit((unsigned char) line[k]))
			for (j = k; j < len && is_digit((unsigned char) line[j]);)
				j++;
	}
	/* 9abc is one malformed token to PostgreSQL, not a number and a name */
	while (j < len && in_word((unsigned char) line[j]))
		j++;
	return j;
}

/*
 * A word at i: a keyword, a name, or the prefix of a string (E'', B'',
 * X'', N'', U&'') or of a quoted name (U&"").  Returns where it ends.
 */
static size_t
lex_word(SqlStyleState *state, const char *line, size_t len, size_t i, unsigned char *styles)
{
	size_t		j = i;
	char		c = line[i];

	while (j < len && in_word((unsigned char) line[j]))
		j++;
	if (j - i == 1 && j < len && line[j] == '\'' && strchr("eEbBxXnN", c) != NULL)
	{
		state->mode = c == 'e' || c == 'E' ? SQL_LEX_ESCAPE_STRING : SQL_LEX_STRING;
		paint(styles, i, j + 1, STYLE_LITERAL);
		return j + 1;
	}
	if (j - i == 1 && (c == 'u' || c == 'U') && j + 1 < len && line[j] == '&' &&
		(line[j + 1] == '\'' || line[j + 1] == '"'))
	{
		state->mode = line[j + 1] == '"' ? SQL_LEX_IDENT : SQL_LEX_STRING;
		paint(styles, i, j + 2, state->mode == SQL_LEX_IDENT ? STYLE_PLAIN : STYLE_LITERAL);
		return j + 2;
	}
	paint(styles, i, j, sqlstyle_is_keyword(line + i, j - i) ? STYLE_KEYWORD : STYLE_PLAIN);
	return j;
}

/* One token of SQL outside any quote or comment, at i; returns where it ends */
static size_t
lex_code(SqlStyleState *state, const char *line, size_t len, size_t i, unsigned char *styles)
{
	unsigned char c = (unsigned char) line[i];
	unsigned char next = i + 1 < len ? (unsigned char) line[i + 1] : '\0';
	size_t		j;

	if (c == '-' && next == '-')
	{
		paint(styles, i, len, STYLE_COMMENT);
		return len;
	}
	if (c == '/' && next == '*')
	{
		state->mode = SQL_LEX_COMMENT;
		state->depth = 1;
		paint(styles, i, i + 2, STYLE_COMMENT);
		return i + 2;
	}
	if (c == '\'' || c == '"')
	{
		state->mode = c == '"' ? SQL_LEX_IDENT : SQL_LEX_STRING;
		paint(styles, i, i + 1, c == '"' ? STYLE_PLAIN : STYLE_LITERAL);
		return i + 1;
	}
	if (c == '$' && (j = dollar_tag_end(line, len, i)) > i)
	{
		state->mode = SQL_LEX_DOLLAR;
		state->taglen = j - i;
		memcpy(state->tag, line + i, state->taglen);
		state->tag[state->taglen] = '\0';
		paint(styles, i, j, STYLE_LITERAL);
		return j;
	}
	if (c == '$')
	{
		/* a parameter, $1, is a name rather than a number; so is what follows a stray $ */
		for (j = i + 1; j < len && in_word((unsigned char) line[j]);)
			j++;
		paint(styles, i, j, STYLE_PLAIN);
		return j;
	}
	/* .5 is a number; the 100 of 1..100 is one after a range's dots */
	if (is_digit(c) || (c == '.' && is_digit(next) && !(i > 0 && line[i - 1] == '.')))
	{
		j = number_end(line, len, i);
		paint(styles, i, j, STYLE_LITERAL);
		return j;
	}
	if (starts_word(c))
		return lex_word(state, line, len, i, styles);
	paint(styles, i, i + 1, STYLE_PLAIN);
	return i + 1;
}

void
sqlstyle_line(SqlStyleState *state, const char *line, size_t len, unsigned char *styles)
{
	size_t		i = 0;

	while (i < len)
	{
		switch (state->mode)
		{
			case SQL_LEX_CODE:
				i = lex_code(state, line, len, i, styles);
				break;
			case SQL_LEX_STRING:
			case SQL_LEX_ESCAPE_STRING:
			case SQL_LEX_IDENT:
				i = lex_quoted(state, line, len, i, styles);
				break;
			case SQL_LEX_DOLLAR:
				i = lex_dollar_body(state, line, len, i, styles);
				break;
			case SQL_LEX_COMMENT:
				i = lex_comment(state, line, len, i, styles);
				break;
		}
	}
}
