/*
 * Fuzzes the terminal sanitiser with what termsafe.h promises: the output
 * is valid UTF-8 holding no code point a terminal would act on, and it
 * reads back to exactly the input, so two different node names can never
 * be shown alike.  The copy into a fixed buffer must stay within it, end
 * with a NUL and never cut a character in two.
 *
 * The first byte of the input sizes that buffer; the rest is the text, up
 * to its first NUL.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "strbuf.h"
#include "termsafe.h"

int			LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check(bool condition, const char *what, const char *output)
{
	if (!condition)
	{
		fprintf(stderr, "termsafe: %s\n--- output:\n%s\n", what, output);
		abort();
	}
}

static void
check_valid_utf8(const char *text, size_t len)
{
	const unsigned char *p = (const unsigned char *) text;
	size_t		left = len;

	while (left > 0)
	{
		unsigned int cp;
		size_t		n = utf8_decode(p, left, &cp);

		check(n > 0, "the output is not UTF-8", text);
		check(!codepoint_is_unsafe(cp), "the output holds an unsafe code point", text);
		p += n;
		left -= n;
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

/*
 * Undoes the escapes as a reader of the output would, accepting only the
 * forms termsafe.h documents; anything else in the output is a failure.
 */
static void
unescape(const char *text, StrBuf *out)
{
	for (const char *p = text; *p; p++)
	{
		int			hi;
		int			lo;
		unsigned int cp = 0;
		int			digits = 0;

		if (*p != '\\')
		{
			strbuf_append_char(out, *p);
			continue;
		}
		p++;
		switch (*p)
		{
			case '\\':
				strbuf_append_char(out, '\\');
				break;
			case 'n':
				strbuf_append_char(out, '\n');
				break;
			case 't':
				strbuf_append_char(out, '\t');
				break;
			case 'r':
				strbuf_append_char(out, '\r');
				break;
			case 'x':
				hi = hex_value(p[1]);
				lo = hi < 0 ? -1 : hex_value(p[2]);
				check(hi >= 0 && lo >= 0, "a \\x escape without two hex digits", text);
				strbuf_append_char(out, (char) (hi * 16 + lo));
				p += 2;
				break;
			case 'u':
				check(p[1] == '{', "a \\u escape without its brace", text);
				for (p += 2; hex_value(*p) >= 0 && digits < 6; p++, digits++)
					cp = cp * 16 + (unsigned int) hex_value(*p);
				check(*p == '}' && digits >= 4, "a \\u escape not of the form \\u{HHHH}", text);
				check(codepoint_is_unsafe(cp), "a \\u escape of a code point that needs none", text);
				utf8_append(out, cp);
				break;
			default:
				check(false, "an unknown escape or a lone backslash", text);
		}
	}
}

static void
check_copy(const char *text, const char *full, size_t full_len, size_t outlen)
{
	/* allocated to the byte, so that AddressSanitizer sees a write past it */
	char	   *out = xmalloc(outlen ? outlen : 1);
	size_t		n;
	size_t		limit;

	out[0] = 'Z';
	check(terminal_safe_copy(text, out, outlen) == out, "the copy returns another pointer", full);
	if (outlen == 0)
	{
		check(out[0] == 'Z', "a copy into no room wrote", full);
		free(out);
		return;
	}
	n = strnlen(out, outlen);
	check(n < outlen, "the copy has no NUL within its buffer", full);
	check(n <= full_len && memcmp(out, full, n) == 0, "the copy is not a prefix of the output", full);
	check_valid_utf8(out, n);
	/* as much as fits, less only the start of a character that does not */
	limit = full_len < outlen - 1 ? full_len : outlen - 1;
	check(n <= limit, "the copy is longer than its room", full);
	check(n == full_len || ((unsigned char) full[n] & 0xc0) != 0x80,
		  "the copy ends inside a character", full);
	for (size_t k = n + 1; k <= limit; k++)
		check(((unsigned char) full[k] & 0xc0) == 0x80, "the copy was cut shorter than needed", full);
	free(out);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char	   *text;
	size_t		text_len;
	size_t		outlen;
	StrBuf		safe;
	StrBuf		back;

	if (size == 0)
		return 0;
	outlen = data[0] % 40;
	text = xstrndup((const char *) data + 1, size - 1);
	text_len = strlen(text);

	strbuf_init(&safe);
	append_terminal_safe(&safe, text);
	check(strlen(safe.data) == safe.len, "the output holds a NUL", safe.data);
	check_valid_utf8(safe.data, safe.len);
	strbuf_init(&back);
	unescape(safe.data, &back);
	check(back.len == text_len && memcmp(back.data, text, text_len) == 0,
		  "the output does not read back to the input", safe.data);

	check_copy(text, safe.data, safe.len, outlen);
	/* the copy holds it all when there is room */
	check_copy(text, safe.data, safe.len, safe.len + 1);

	strbuf_free(&back);
	strbuf_free(&safe);
	free(text);
	return 0;
}
