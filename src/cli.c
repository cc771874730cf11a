#include "config.h"

#include "cli.h"
#include "strbuf.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

void
cli_error(const char *fmt,...)
{
	va_list		ap;

	fputs("citus-rescue: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

void
cli_print_version(void)
{
	printf("citus-rescue %s\n", PACKAGE_VERSION);
}

int
cli_connection_option(int opt, const char *arg, ConnOptions *opts)
{
	char		errbuf[256];

	switch (opt)
	{
		case 'h':
			free(opts->host);
			opts->host = xstrdup(arg);
			return 1;
		case 'p':
			free(opts->port);
			opts->port = xstrdup(arg);
			return 1;
		case 'U':
			free(opts->user);
			opts->user = xstrdup(arg);
			return 1;
		case 'd':
			free(opts->dbname);
			opts->dbname = xstrdup(arg);
			return 1;
		case 'w':
			opts->password_mode = PASSWORD_NEVER;
			return 1;
		case 'W':
			opts->password_mode = PASSWORD_ALWAYS;
			return 1;
		case OPT_MAP:
			if (!connopts_add_map(opts, arg, errbuf, sizeof(errbuf)))
			{
				cli_error("%s", errbuf);
				return -1;
			}
			return 1;
		case OPT_TIMEOUT:
			{
				char	   *end;
				double		seconds;

				errno = 0;
				seconds = strtod(arg, &end);
				if (errno != 0 || *end != '\0' || end == arg || seconds <= 0 || seconds > 3600)
				{
					cli_error("invalid --timeout \"%s\": give seconds, more than 0 and at most 3600", arg);
					return -1;
				}
				opts->timeout_ms = (int) (seconds * 1000);
				return 1;
			}
		default:
			return 0;
	}
}
