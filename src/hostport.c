#include "config.h"

#include "hostport.h"
#include "strbuf.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool
parse_port(const char *text, int *port)
{
	char	   *end;
	long		value;

	if (text[0] == '\0' || !isdigit((unsigned char) text[0]))
		return false;
	errno = 0;
	value = strtol(text, &end, 10);
	if (errno != 0 || *end != '\0' || value < 1 || value > 65535)
		return false;
	*port = (int) value;
	return true;
}

bool
parse_host_port(const char *text, char **host, int *port,
				char *errbuf, size_t errlen)
{
	const char *colon;
	const char *host_start = text;
	size_t		host_len;

	if (text[0] == '[')
	{
		/* the last "]:" closes it: a node's name may hold brackets too */
		colon = strrchr(text, ':');
		if (colon == NULL || colon - text < 2 || colon[-1] != ']')
		{
			snprintf(errbuf, errlen, "invalid address \"%s\": expected [IPV6]:PORT", text);
			return false;
		}
		host_start = text + 1;
		host_len = (size_t) (colon - 1 - host_start);
	}
	else
	{
		colon = strrchr(text, ':');
		if (colon == NULL)
		{
			snprintf(errbuf, errlen, "invalid address \"%s\": expected HOST:PORT", text);
			return false;
		}
		host_len = (size_t) (colon - text);
	}
	if (host_len == 0)
	{
		snprintf(errbuf, errlen, "invalid address \"%s\": the host is empty", text);
		return false;
	}
	if (!parse_port(colon + 1, port))
	{
		snprintf(errbuf, errlen, "invalid address \"%s\": the port must be a number from 1 to 65535", text);
		return false;
	}
	*host = xmalloc(host_len + 1);
	memcpy(*host, host_start, host_len);
	(*host)[host_len] = '\0';
	return true;
}

char *
format_host_port(const char *host, int port)
{
	if (strchr(host, ':') != NULL || host[0] == '[')
		return xasprintf("[%s]:%d", host, port);
	return xasprintf("%s:%d", host, port);
}
