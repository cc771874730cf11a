#include "config.h"

#include "markup.h"

char *
cdk_safe(const char *text, char *out, size_t outlen)
{
	size_t		n = 0;

	if (outlen == 0)
		return out;
	for (const unsigned char *p = (const unsigned char *) (text ? text : ""); *p && n + 1 < outlen; p++)
	{
		unsigned char c = *p;

		if (c == '<')
			c = '[';
		else if (c == '>')
			c = ']';
		else if (c < 0x20 || c == 0x7f)
			c = '?';
		out[n++] = (char) c;
	}
	out[n] = '\0';
	return out;
}
