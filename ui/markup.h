/*
 * CDK interprets markup in labels, list items, titles and dialogs: "</B>"
 * turns bold on, "<C>" centres, "</5>" picks a colour pair.  Every string
 * that came from a server goes through cdk_safe() before CDK draws it.
 */
#ifndef CITUS_RESCUE_UI_MARKUP_H
#define CITUS_RESCUE_UI_MARKUP_H

#include <stddef.h>

/*
 * Copies text into out (at most outlen bytes, always NUL-terminated) so
 * that CDK draws it literally: '<' becomes '[', '>' becomes ']' (CDK has no
 * escape for them), and controls and every character outside ASCII are
 * escaped as append_ascii_safe does (CDK, like the curses it is linked
 * with, draws a byte a column).  Returns out.
 */
char	   *cdk_safe(const char *text, char *out, size_t outlen);

/* The same for text curses draws directly: '<' and '>' stay. */
char	   *terminal_safe(const char *text, char *out, size_t outlen);

#endif
