/*
 * A small SQL lexer for the review screen's colours: a TextStyle for each
 * byte of a batch, a line at a time.  Keywords (whole words from a fixed
 * list, any case), literals (quoted strings, E'' strings, dollar quotes,
 * numbers) and comments (-- and nested slash-star) are told apart;
 * quoted identifiers are plain.  A string or comment may span lines, so
 * the state is carried from one line to the next.
 *
 * It only colours: nothing is run or refused by what it makes of a
 * batch, so a construct it misreads costs a colour, never a byte.
 */
#ifndef CITUS_RESCUE_UI_SQLSTYLE_H
#define CITUS_RESCUE_UI_SQLSTYLE_H

#include <stdbool.h>
#include <stddef.h>

#include "textview.h"

#define SQLSTYLE_MAX_TAG 64

/* What the lexer is inside of at the end of a line */
typedef enum SqlLexMode
{
	SQL_LEX_CODE,
	SQL_LEX_STRING,				/* '...', '' a quote */
	SQL_LEX_ESCAPE_STRING,		/* E'...', backslash escapes too */
	SQL_LEX_IDENT,				/* "...", "" a quote */
	SQL_LEX_DOLLAR,				/* $tag$...$tag$ */
	SQL_LEX_COMMENT				/* slash-star, nested */
} SqlLexMode;

typedef struct SqlStyleState
{
	SqlLexMode	mode;
	int			depth;			/* of nested comments */
	char		tag[SQLSTYLE_MAX_TAG + 1];	/* the dollar quote's, $ to $ */
	size_t		taglen;
} SqlStyleState;

void		sqlstyle_init(SqlStyleState *state);

/*
 * Sets styles[k] to the TextStyle of line[k] for k < len; line is one
 * line, without its newline, and may hold any byte.
 */
void		sqlstyle_line(SqlStyleState *state, const char *line, size_t len, unsigned char *styles);

/* Whether word (len bytes) is one of the keywords, in any case */
bool		sqlstyle_is_keyword(const char *word, size_t len);

#endif
