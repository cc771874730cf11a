#include "config.h"

#include "termsafe.h"

#include <stdlib.h>
#include <string.h>

bool
codepoint_is_unsafe(unsigned int cp)
{
	return cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) ||
		cp == 0x061c ||				/* Arabic letter mark */
		cp == 0x200e || cp == 0x200f ||	/* LRM, RLM */
		(cp >= 0x2028 && cp <= 0x202e) ||	/* line/para separators, embeddings, overrides */
		(cp >= 0x2066 && cp <= 0x2069) ||	/* isolates */
		cp == 0xfeff;				/* zero-width no-break space */
}

size_t
utf8_decode(const unsigned char *p, size_t avail, unsigned int *cp)
{
	size_t		len;
	unsigned int value;
	unsigned int min;

	if (avail == 0)
		return 0;
	if (p[0] < 0x80)
	{
		*cp = p[0];
		return 1;
	}
	if ((p[0] & 0xe0) == 0xc0)
		len = 2, value = p[0] & 0x1f, min = 0x80;
	else if ((p[0] & 0xf0) == 0xe0)
		len = 3, value = p[0] & 0x0f, min = 0x800;
	else if ((p[0] & 0xf8) == 0xf0)
		len = 4, value = p[0] & 0x07, min = 0x10000;
	else
		return 0;
	if (avail < len)
		return 0;
	for (size_t i = 1; i < len; i++)
	{
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		value = (value << 6) | (p[i] & 0x3f);
	}
	/* overlong forms, surrogates and values past Unicode are not UTF-8 */
	if (value < min || value > 0x10ffff || (value >= 0xd800 && value <= 0xdfff))
		return 0;
	*cp = value;
	return len;
}

void
append_escaped_text(StrBuf *out, const char *text, EscapeStyle style)
{
	const unsigned char *p = (const unsigned char *) text;
	size_t		left;

	if (text == NULL)
		return;
	left = strlen(text);
	while (left > 0)
	{
		unsigned int cp;
		size_t		len = utf8_decode(p, left, &cp);

		if (len == 0)
		{
			strbuf_printf(out, "\\x%02x", *p);
			len = 1;
		}
		else if (cp == '\'' && style == ESCAPES_SQL_LITERAL)
			strbuf_append(out, "''");
		else if (cp == '\\')
			strbuf_append(out, style == ESCAPES_ASCII_TERMINAL ? "\\" : "\\\\");
		else if (cp == '\n')
			strbuf_append(out, "\\n");
		else if (cp == '\t')
			strbuf_append(out, "\\t");
		else if (cp == '\r')
			strbuf_append(out, "\\r");
		else if (cp < 0x20 || cp == 0x7f)
			strbuf_printf(out, "\\x%02x", cp);
		else if (codepoint_is_unsafe(cp) || (cp >= 0x80 && style == ESCAPES_ASCII_TERMINAL))
			strbuf_printf(out, style == ESCAPES_SQL_LITERAL ? "\\u%04X" : "\\u{%04X}", cp);
		else
			strbuf_append_len(out, (const char *) p, len);
		p += len;
		left -= len;
	}
}

void
append_terminal_safe(StrBuf *out, const char *text)
{
	append_escaped_text(out, text, ESCAPES_TERMINAL);
}

void
append_ascii_safe(StrBuf *out, const char *text)
{
	append_escaped_text(out, text, ESCAPES_ASCII_TERMINAL);
}

static char *
escaped_copy(const char *text, char *out, size_t outlen, EscapeStyle style)
{
	StrBuf		buf;
	size_t		n;

	if (outlen == 0)
		return out;
	strbuf_init(&buf);
	append_escaped_text(&buf, text ? text : "", style);
	n = buf.len < outlen - 1 ? buf.len : outlen - 1;
	/* never end inside a multibyte character */
	while (n > 0 && n < buf.len && ((unsigned char) buf.data[n] & 0xc0) == 0x80)
		n--;
	memcpy(out, buf.data, n);
	out[n] = '\0';
	strbuf_free(&buf);
	return out;
}

char *
terminal_safe_copy(const char *text, char *out, size_t outlen)
{
	return escaped_copy(text, out, outlen, ESCAPES_TERMINAL);
}

char *
ascii_safe_copy(const char *text, char *out, size_t outlen)
{
	return escaped_copy(text, out, outlen, ESCAPES_ASCII_TERMINAL);
}

static char *
escaped_dup(const char *text, EscapeStyle style)
{
	StrBuf		buf;

	strbuf_init(&buf);
	append_escaped_text(&buf, text ? text : "", style);
	return strbuf_steal(&buf);
}

char *
ascii_safe_dup(const char *text)
{
	return escaped_dup(text, ESCAPES_ASCII_TERMINAL);
}

char *
terminal_safe_dup(const char *text)
{
	return escaped_dup(text, ESCAPES_TERMINAL);
}

void
utf8_append(StrBuf *out, unsigned int cp)
{
	if (cp < 0x80)
		strbuf_append_char(out, (char) cp);
	else if (cp < 0x800)
	{
		strbuf_append_char(out, (char) (0xc0 | (cp >> 6)));
		strbuf_append_char(out, (char) (0x80 | (cp & 0x3f)));
	}
	else if (cp < 0x10000)
	{
		strbuf_append_char(out, (char) (0xe0 | (cp >> 12)));
		strbuf_append_char(out, (char) (0x80 | ((cp >> 6) & 0x3f)));
		strbuf_append_char(out, (char) (0x80 | (cp & 0x3f)));
	}
	else
	{
		strbuf_append_char(out, (char) (0xf0 | (cp >> 18)));
		strbuf_append_char(out, (char) (0x80 | ((cp >> 12) & 0x3f)));
		strbuf_append_char(out, (char) (0x80 | ((cp >> 6) & 0x3f)));
		strbuf_append_char(out, (char) (0x80 | (cp & 0x3f)));
	}
}

static int
hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

char *
terminal_unescape(const char *text, size_t len)
{
	StrBuf		out;
	size_t		i = 0;

	strbuf_init(&out);
	while (i < len)
	{
		char		c = text[i];

		if (c != '\\' || i + 1 >= len)
		{
			strbuf_append_char(&out, c);
			i++;
			continue;
		}
		c = text[i + 1];
		if (c == 'x' && i + 3 < len && hex_value(text[i + 2]) >= 0 && hex_value(text[i + 3]) >= 0 &&
			(hex_value(text[i + 2]) | hex_value(text[i + 3])) != 0)
		{
			strbuf_append_char(&out, (char) (hex_value(text[i + 2]) * 16 + hex_value(text[i + 3])));
			i += 4;
		}
		else if (c == 'u' && i + 2 < len && text[i + 2] == '{')
		{
			unsigned int cp = 0;
			size_t		j = i + 3;

			while (j < len && j < i + 9 && hex_value(text[j]) >= 0)
				cp = cp * 16 + (unsigned int) hex_value(text[j++]);
			if (j < len && text[j] == '}' && j > i + 3 && cp > 0 && cp <= 0x10ffff &&
				!(cp >= 0xd800 && cp <= 0xdfff))
			{
				utf8_append(&out, cp);
				i = j + 1;
			}
			else
			{
				strbuf_append_char(&out, 'u');
				i += 2;
			}
		}
		else
		{
			strbuf_append_char(&out, c == 'n' ? '\n' : c == 't' ? '\t' : c == 'r' ? '\r' : c);
			i += 2;
		}
	}
	return strbuf_steal(&out);
}

void
append_message_lines(StrBuf *out, const char *first_prefix, const char *indent,
					 const char *text)
{
	char	   *copy = xstrdup(text);

	for (char *line = copy; line;)
	{
		char	   *nl = strchr(line, '\n');
		bool		is_first = line == copy;

		if (nl)
			*nl = '\0';
		/* libpq indents its second lines with a tab */
		while (*line == '\t')
			line++;
		strbuf_append(out, is_first ? first_prefix : indent);
		append_terminal_safe(out, line);
		strbuf_append_char(out, '\n');
		line = nl ? nl + 1 : NULL;
	}
	free(copy);
}
