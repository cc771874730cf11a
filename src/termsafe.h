/*
 * Text from servers, plan files and the command line made inert for a
 * terminal.  A node name can hold ESC sequences that retitle the window or
 * clear the screen, C1 controls that some terminals obey as ESC, or bidi
 * overrides that make SQL read differently from what runs.  Everything that
 * is printed and did not come from the tool itself goes through here.
 */
#ifndef CITUS_RESCUE_TERMSAFE_H
#define CITUS_RESCUE_TERMSAFE_H

#include <stdbool.h>
#include <stddef.h>

#include "strbuf.h"

/*
 * Appends text with every control shown as an escape: \n \t \r \\ and
 * \xHH for C0, DEL and bytes that are not well-formed UTF-8; \u{HHHH} for
 * C1 controls (U+0080 to U+009F), bidi controls and line separators.  The
 * output is valid UTF-8 whatever the input, and distinct inputs give
 * distinct outputs.
 */
void		append_terminal_safe(StrBuf *out, const char *text);

/*
 * The same escapes for two readers: a terminal (\u{HHHH}), or the inside
 * of a PostgreSQL E'' literal (\uHHHH, and a quote doubled).
 */
typedef enum EscapeStyle
{
	ESCAPES_TERMINAL,
	ESCAPES_SQL_LITERAL,
	ESCAPES_ASCII_TERMINAL		/* a terminal library that draws bytes, not characters */
} EscapeStyle;

void		append_escaped_text(StrBuf *out, const char *text, EscapeStyle style);

/* The same as a new string (NULL gives ""). */
char	   *terminal_safe_dup(const char *text);

/*
 * A possibly multi-line message (libpq's and the server's DETAIL and HINT
 * lines), a line each: first_prefix before the first, indent before the
 * others, libpq's leading tabs dropped, every line terminal-safe and ended
 * with a newline.
 */
void		append_message_lines(StrBuf *out, const char *first_prefix, const char *indent,
								 const char *text);

/* The same into a fixed buffer, cut at a character boundary; returns out. */
char	   *terminal_safe_copy(const char *text, char *out, size_t outlen);

/*
 * For the wizard, whose curses draws a byte a column: every character
 * outside ASCII as \u{HHHH} too, so that each column holds one character
 * and none is drawn as several.  A backslash stays as it is, so that SQL
 * under review reads as the file has it; the wizard draws the escapes in
 * their own attribute, which tells them from text that looks the same.
 */
void		append_ascii_safe(StrBuf *out, const char *text);
char	   *ascii_safe_copy(const char *text, char *out, size_t outlen);
char	   *ascii_safe_dup(const char *text);

/*
 * The inverse of append_terminal_safe for the first len bytes of text:
 * what was escaped comes back byte for byte.  A backslash before anything
 * else (\x00 and escapes that do not parse included) stands for the
 * character after it.
 */
char	   *terminal_unescape(const char *text, size_t len);

/* Appends the UTF-8 encoding of a code point. */
void		utf8_append(StrBuf *out, unsigned int cp);

/* Whether a code point is one append_terminal_safe escapes. */
bool		codepoint_is_unsafe(unsigned int cp);

/*
 * Decodes one well-formed UTF-8 sequence at p (at most avail bytes);
 * returns its length and sets *cp, or 0 when the bytes are not one.
 */
size_t		utf8_decode(const unsigned char *p, size_t avail, unsigned int *cp);

#endif
