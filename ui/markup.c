#include "config.h"

#include "markup.h"

#include <stdbool.h>

static char *
neutralise(const char *text, char *out, size_t outlen, bool markup)
{
	size_t		n = 0;

	if (outlen == 0)
		return out;
	for (const unsigned char *p = (const unsigned char *) (text ? text : ""); *p && n + 1 < outlen; p++)
	{
		unsigned char c = *p;

		if (markup && c == '<')
			c = '[';
		else if (markup && c == '>')
			c = ']';
		else if (c < 0x20 || c == 0x7f)
			c = '?';
		out[n++] = (char) c;
	}
	out[n] = '\0';
	return out;
}

char *
cdk_safe(const char *text, char *out, size_t outlen)
{
	return neutralise(text, out, outlen, true);
}

char *
terminal_safe(const char *text, char *out, size_t outlen)
{
	return neutralise(text, out, outlen, false);
}
