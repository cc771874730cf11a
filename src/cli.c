#include "config.h"

#include "cli.h"
#include "plan.h"
#include "report.h"
#include "strbuf.h"
#include "exitcodes.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Arguments are echoed back, so they go through the terminal sanitiser too. */
void
cli_error(const char *fmt,...)
{
	va_list		ap;
	char	   *text;

	va_start(ap, fmt);
	text = xvasprintf(fmt, ap);
	va_end(ap);
	report_error(stderr, text);
	free(text);
}

void
cli_print_version(void)
{
	printf("citus-rescue %s\n", PACKAGE_VERSION);
}

static bool
valid_address(const char *arg, const char *option)
{
	char		errbuf[256];
	char	   *host;
	int			port;

	if (!parse_host_port(arg, &host, &port, errbuf, sizeof(errbuf)))
	{
		cli_error("%s: %s", option, errbuf);
		return false;
	}
	free(host);
	return true;
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
		case OPT_OLD_COORDINATOR:
			if (!valid_address(arg, "--old-coordinator"))
				return -1;
			free(opts->old_coordinator);
			opts->old_coordinator = xstrdup(arg);
			return 1;
		case OPT_TIMEOUT:
			if (!parse_timeout(arg, &opts->timeout_ms))
			{
				cli_error("invalid --timeout \"%s\": give seconds, at least 0.001 and at most 3600", arg);
				return -1;
			}
			return 1;
		default:
			return 0;
	}
}

int
cli_plan_option(int opt, const char *arg, PlanChoices *choices)
{
	switch (opt)
	{
		case OPT_NEW_COORDINATOR:
		case OPT_PROMOTE:
			if (choices->target)
			{
				cli_error("give one of --new-coordinator and --promote, once");
				return -1;
			}
			if (!valid_address(arg, opt == OPT_PROMOTE ? "--promote" : "--new-coordinator"))
				return -1;
			choices->target = xstrdup(arg);
			choices->method = opt == OPT_PROMOTE ? METHOD_PROMOTE : METHOD_NEW_NODE;
			return 1;
		case OPT_CIM:
			if (strcmp(arg, "include") == 0)
				choices->cim = CIM_INCLUDE;
			else if (strcmp(arg, "exclude") == 0)
				choices->cim = CIM_EXCLUDE;
			else
			{
				cli_error("invalid --cim \"%s\": give include or exclude", arg);
				return -1;
			}
			return 1;
		case OPT_DONOR:
			if (!valid_address(arg, "--donor"))
				return -1;
			free(choices->donor);
			choices->donor = xstrdup(arg);
			return 1;
		case OPT_ALLOW_UNREACHABLE:
			choices->allow_unreachable = true;
			return 1;
		case OPT_CREATE_EXTENSION:
			choices->create_extension = true;
			return 1;
		case OPT_ACCEPT_LOST_SHARDS:
			choices->accept_lost_shards = true;
			return 1;
		case OPT_FULL_RESYNC:
			choices->full_resync = true;
			return 1;
		case OPT_PREPARED:
			{
				const char *eq = strrchr(arg, '=');
				PreparedChoice *c;

				if (eq == NULL || eq == arg ||
					(strcmp(eq + 1, "commit") != 0 && strcmp(eq + 1, "rollback") != 0))
				{
					cli_error("invalid --prepared \"%s\": give GID=commit or GID=rollback", arg);
					return -1;
				}
				choices->prepared = xrealloc(choices->prepared,
											 sizeof(PreparedChoice) * (size_t) (choices->nprepared + 1));
				c = &choices->prepared[choices->nprepared++];
				c->gid = xmalloc((size_t) (eq - arg) + 1);
				memcpy(c->gid, arg, (size_t) (eq - arg));
				c->gid[eq - arg] = '\0';
				c->decision = strcmp(eq + 1, "commit") == 0 ? PREPARED_COMMIT : PREPARED_ROLLBACK;
				return 1;
			}
		default:
			return 0;
	}
}

bool
cli_plan_choices_consistent(const PlanChoices *choices)
{
	if (choices->donor && choices->target && choices->method == METHOD_PROMOTE)
	{
		cli_error("--donor applies to --new-coordinator only: a promoted worker needs none");
		return false;
	}
	return true;
}

bool
cli_plan_choices_complete(const PlanChoices *choices)
{
	if (choices->target == NULL)
	{
		cli_error("give --new-coordinator HOST:PORT or --promote HOST:PORT");
		return false;
	}
	return cli_plan_choices_consistent(choices);
}

/*
 * Options shared by the commands; then exactly `positional` arguments, and
 * with choices, a method.  Returns -1 after --help or --version.
 */
int
cli_parse(int argc, char **argv, const struct option *long_options, ConnOptions *opts,
			 PlanChoices *choices, int (*extra) (int opt, const char *arg, void *state),
			 void *state, void (*usage) (FILE *), const char *name, int positional)
{
	int			opt;

	optind = 1;
	while ((opt = getopt_long(argc, argv, CONNECTION_SHORT_OPTIONS "o:y", long_options, NULL)) != -1)
	{
		int			handled = cli_connection_option(opt, optarg, opts);

		if (handled == 0 && choices)
			handled = cli_plan_option(opt, optarg, choices);
		if (handled == 0 && extra)
			handled = extra(opt, optarg, state);
		if (handled < 0)
			return EXIT_CODE_BAD_USAGE;
		if (handled > 0)
			continue;
		if (opt == OPT_HELP)
		{
			usage(stdout);
			return -1;
		}
		if (opt == OPT_VERSION)
		{
			cli_print_version();
			return -1;
		}
		fprintf(stderr, "Try \"citus-rescue %s --help\" for more information.\n", name);
		return EXIT_CODE_BAD_USAGE;
	}
	if (argc - optind != positional)
	{
		if (positional == 0)
			cli_error("unexpected argument \"%s\"", argv[optind]);
		else
			cli_error("give one plan file");
		return EXIT_CODE_BAD_USAGE;
	}
	if (choices && !cli_plan_choices_complete(choices))
		return EXIT_CODE_BAD_USAGE;
	return EXIT_CODE_OK;
}
