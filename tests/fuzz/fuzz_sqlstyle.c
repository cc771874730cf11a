/*
 * Fuzzes the review screen's SQL lexer.  It reads whatever a plan file's
 * batch holds, a line at a time, so whatever the bytes it must style each
 * one and no more, end every line, and leave a state the next line can
 * start from.  Its keywords must be words from its list, never part of a
 * name.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sqlstyle.h"

int			LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check(bool condition, const char *what, const char *line, size_t len)
{
	if (!condition)
	{
		fprintf(stderr, "sqlstyle: %s\n--- line:\n%.*s\n", what, (int) len, line);
		abort();
	}
}

static bool
word_byte(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		c == '_' || c == '$' || c >= 0x80;
}

/* Every run of keyword bytes is one keyword, a whole word */
static void
check_keywords(const char *line, size_t len, const unsigned char *styles)
{
	for (size_t k = 0; k < len;)
	{
		size_t		end = k;

		if (styles[k] != STYLE_KEYWORD)
		{
			k++;
			continue;
		}
		while (end < len && styles[end] == STYLE_KEYWORD)
			end++;
		check(sqlstyle_is_keyword(line + k, end - k), "a keyword run is not a keyword", line, len);
		/* a quote's end may touch it ($$SELECT), a name may not */
		check(k == 0 || styles[k - 1] != STYLE_PLAIN || !word_byte((unsigned char) line[k - 1]),
			  "a keyword starts inside a name", line, len);
		check(end == len || styles[end] != STYLE_PLAIN || !word_byte((unsigned char) line[end]),
			  "a keyword ends inside a name", line, len);
		k = end;
	}
}

static void
check_state(const SqlStyleState *state, const char *line, size_t len)
{
	check(state->mode >= SQL_LEX_CODE && state->mode <= SQL_LEX_COMMENT, "no such mode", line, len);
	check((state->mode == SQL_LEX_COMMENT) == (state->depth > 0) && state->depth >= 0,
		  "the comment depth does not match the mode", line, len);
	if (state->mode == SQL_LEX_DOLLAR)
		check(state->taglen >= 2 && state->taglen <= SQLSTYLE_MAX_TAG &&
			  state->tag[0] == '$' && state->tag[state->taglen - 1] == '$',
			  "a dollar quote's tag is not $...$", line, len);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *) data;
	SqlStyleState state;
	/* a guard byte after the line catches a style written past it */
	unsigned char *styles = malloc(size + 1);

	sqlstyle_init(&state);
	for (size_t start = 0; start <= size;)
	{
		const char *nl = memchr(text + start, '\n', size - start);
		size_t		len = nl ? (size_t) (nl - (text + start)) : size - start;

		memset(styles, 0xee, len + 1);
		sqlstyle_line(&state, text + start, len, styles);
		for (size_t k = 0; k < len; k++)
			check(styles[k] <= STYLE_COMMENT, "a byte without a style", text + start, len);
		check(styles[len] == 0xee, "a style written past the line", text + start, len);
		check_keywords(text + start, len, styles);
		check_state(&state, text + start, len);
		start += len + 1;
	}
	free(styles);
	return 0;
}
