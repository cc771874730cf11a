/*
 * The one error type: what went wrong, on which node, in PostgreSQL's own
 * terms (SQLSTATE, message, detail, hint), and the one printer that shows
 * it in psql's shape.  No libpq here: the planner, the plan file and the
 * front end carry errors too.
 */
#ifndef CITUS_RESCUE_ERROR_H
#define CITUS_RESCUE_ERROR_H

#include <stdio.h>

typedef struct PgError
{
	char		sqlstate[6];	/* empty when the error did not come from a server */
	char	   *message;
	char	   *detail;
	char	   *hint;
	char	   *node;			/* label of the node it came from, or NULL */
} PgError;

void		pgerror_clear(PgError *error);
void		pgerror_set(PgError *error, const char *sqlstate, const char *message,
						const char *detail, const char *hint);
void		pgerror_setf(PgError *error, const char *fmt,...) __attribute__((format(printf, 2, 3)));
void		pgerror_copy(PgError *dst, const PgError *src);
void		pgerror_set_node(PgError *error, const char *node);
void		pgerror_set_hint(PgError *error, const char *hint);

/* Formats "SQLSTATE: message\nDETAIL:  ...\nHINT:  ..." for logs and journals. */
char	   *pgerror_format(const PgError *error);

/*
 * Prints it as psql does: "citus-rescue: ERROR:  message" (with "on NODE"
 * when known), then DETAIL: and HINT: lines, every line terminal-safe.
 */
void		pgerror_print(FILE *out, const PgError *error);

struct StrBuf;
/* The lines pgerror_print prints, each ending in a newline. */
void		pgerror_render(struct StrBuf *out, const PgError *error);

#endif
