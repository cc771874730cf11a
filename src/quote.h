/*
 * Quoting for the languages the tool writes: SQL (identifiers, literals,
 * qualified names, dollar quotes) and the shell.  Whatever a server or an
 * operator named, once quoted here it can only be that name or that value.
 */
#ifndef CITUS_RESCUE_QUOTE_H
#define CITUS_RESCUE_QUOTE_H

#include "strbuf.h"

/* Quotes an identifier for SQL the tool builds itself. */
void		sql_append_ident(StrBuf *sql, const char *ident);

/* A string literal ('it''s'); the session must have standard_conforming_strings on. */
void		sql_append_literal(StrBuf *sql, const char *value);

/*
 * A relation name as regclass prints it ("app.orders", "\"My Schema\".t")
 * re-quoted part by part, so that it can only ever name a relation.
 */
void		sql_append_qualified(StrBuf *sql, const char *regclass_text);

/* Appends body inside a dollar quote whose tag does not occur in it. */
void		sql_append_dollar_quoted(StrBuf *sql, const char *body);

/* Shell single quotes: 'it'\''s' */
void		append_shell_quoted(StrBuf *out, const char *value);

#endif
