#include "config.h"

#include "colour.h"
#include "error.h"
#include "strbuf.h"
#include "termsafe.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

void
pgerror_clear(PgError *error)
{
	free(error->message);
	free(error->detail);
	free(error->hint);
	free(error->node);
	memset(error, 0, sizeof(*error));
}

/* Server and libpq messages end with a newline; reports add their own. */
static char *
chomp_dup(const char *text)
{
	char	   *copy;
	size_t		len;

	if (text == NULL)
		return NULL;
	copy = xstrdup(text);
	len = strlen(copy);
	while (len > 0 && (copy[len - 1] == '\n' || copy[len - 1] == ' '))
		copy[--len] = '\0';
	return copy;
}

void
pgerror_set(PgError *error, const char *sqlstate, const char *message,
			const char *detail, const char *hint)
{
	pgerror_clear(error);
	if (sqlstate)
		snprintf(error->sqlstate, sizeof(error->sqlstate), "%s", sqlstate);
	error->message = chomp_dup(message ? message : "unknown error");
	error->detail = chomp_dup(detail);
	error->hint = chomp_dup(hint);
}

void
pgerror_setf(PgError *error, const char *fmt,...)
{
	va_list		ap;
	char	   *text;

	va_start(ap, fmt);
	text = xvasprintf(fmt, ap);
	va_end(ap);
	pgerror_set(error, NULL, text, NULL, NULL);
	free(text);
}

void
pgerror_copy(PgError *dst, const PgError *src)
{
	if (dst == src)
		return;
	if (src->message == NULL)
	{
		pgerror_clear(dst);
		return;
	}
	pgerror_set(dst, src->sqlstate, src->message, src->detail, src->hint);
	pgerror_set_node(dst, src->node);
}

void
pgerror_set_node(PgError *error, const char *node)
{
	free(error->node);
	error->node = node ? xstrdup(node) : NULL;
}

void
pgerror_set_hint(PgError *error, const char *hint)
{
	free(error->hint);
	error->hint = chomp_dup(hint);
}

char *
pgerror_format(const PgError *error)
{
	StrBuf		buf;

	strbuf_init(&buf);
	if (error->sqlstate[0])
		strbuf_printf(&buf, "%s: ", error->sqlstate);
	strbuf_append(&buf, error->message ? error->message : "no error");
	if (error->detail)
		strbuf_printf(&buf, "\nDETAIL:  %s", error->detail);
	if (error->hint)
		strbuf_printf(&buf, "\nHINT:  %s", error->hint);
	return strbuf_steal(&buf);
}

/*
 * The lines, with ERROR:, DETAIL: and HINT: in colour when out is a
 * terminal that wants it, in the colours PostgreSQL's tools use.
 */
static void
render(StrBuf *out, const PgError *error, FILE *dest)
{
	StrBuf		head;
	char	   *detail = xasprintf("%sDETAIL:%s  ", colour_start(dest, COLOUR_NOTE), colour_end(dest, COLOUR_NOTE));
	char	   *hint = xasprintf("%sHINT:%s  ", colour_start(dest, COLOUR_NOTE), colour_end(dest, COLOUR_NOTE));

	strbuf_init(&head);
	strbuf_printf(&head, "citus-rescue: %sERROR:%s  ", colour_start(dest, COLOUR_BAD), colour_end(dest, COLOUR_BAD));
	if (error->sqlstate[0])
		strbuf_printf(&head, "%s: ", error->sqlstate);
	append_message_lines(out, head.data, "  ", error->message ? error->message : "unknown error");
	if (error->detail)
		append_message_lines(out, detail, "  ", error->detail);
	if (error->hint)
		append_message_lines(out, hint, "  ", error->hint);
	if (error->node)
		append_message_lines(out, "CONTEXT:  on node ", "  ", error->node);
	strbuf_free(&head);
	free(detail);
	free(hint);
}

void
pgerror_render(StrBuf *out, const PgError *error)
{
	render(out, error, NULL);
}

void
pgerror_print(FILE *out, const PgError *error)
{
	StrBuf		lines;

	strbuf_init(&lines);
	render(&lines, error, out);
	fputs(lines.data, out);
	fflush(out);
	strbuf_free(&lines);
}
