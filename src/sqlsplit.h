/*
 * A batch of SQL cut into its statements, for readers that want them one
 * by one (the JSON plan).  The cut honours quoted literals and
 * identifiers, E'' escapes, dollar quoting and comments, so that a
 * semicolon in a hostile name never ends a statement.
 */
#ifndef CITUS_RESCUE_SQLSPLIT_H
#define CITUS_RESCUE_SQLSPLIT_H

#include "strbuf.h"

/* Adds each statement of sql to out, trimmed and without its semicolon. */
void		sql_split_statements(const char *sql, StrList *out);

#endif
