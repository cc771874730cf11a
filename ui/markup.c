#include "config.h"

#include "markup.h"
#include "termsafe.h"

char *
cdk_safe(const char *text, char *out, size_t outlen)
{
	ascii_safe_copy(text, out, outlen);
	for (char *p = out; *p; p++)
	{
		if (*p == '<')
			*p = '[';
		else if (*p == '>')
			*p = ']';
	}
	return out;
}

char *
terminal_safe(const char *text, char *out, size_t outlen)
{
	return ascii_safe_copy(text, out, outlen);
}
