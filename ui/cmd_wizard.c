/* citus-rescue wizard: the interactive front end. */
#include "config.h"

#include "cli.h"
#include "exitcodes.h"
#include "wizard.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void
wizard_usage(FILE *out)
{
	fprintf(out,
			"citus-rescue wizard walks through the whole recovery on a terminal:\n"
			"connect, discover, compare, choose, pre-flight, review, execute, verify.\n"
			"\n"
			"Usage:\n"
			"  citus-rescue [wizard] [OPTION]...\n"
			"\n"
			"The connection options prefill the first screen.\n"
			"\n"
			CONNECTION_OPTIONS_HELP
			"\n"
			"Without a terminal it refuses: use discover, plan, apply, verify or recover.\n"
			"Exit status: that of verify at the end (0 when the new coordinator works),\n"
			"2 bad usage or no terminal.\n");
}

static void
copy_into(char *dst, size_t len, const char *value, const char *env)
{
	const char *v = value ? value : getenv(env);

	snprintf(dst, len, "%s", v ? v : "");
}

int
cmd_wizard(int argc, char **argv)
{
	static const struct option long_options[] = {
		CONNECTION_LONG_OPTIONS,
		{NULL, 0, NULL, 0}
	};
	ConnOptions opts;
	WizConnect	prefill;
	int			opt;
	int			code;

	connopts_init(&opts);
	optind = 1;
	while ((opt = getopt_long(argc, argv, CONNECTION_SHORT_OPTIONS, long_options, NULL)) != -1)
	{
		int			handled = cli_connection_option(opt, optarg, &opts);

		if (handled > 0)
			continue;
		if (opt == OPT_HELP)
		{
			wizard_usage(stdout);
			connopts_free(&opts);
			return EXIT_CODE_OK;
		}
		if (opt == OPT_VERSION)
		{
			cli_print_version();
			connopts_free(&opts);
			return EXIT_CODE_OK;
		}
		fprintf(stderr, "Try \"citus-rescue wizard --help\" for more information.\n");
		connopts_free(&opts);
		return EXIT_CODE_BAD_USAGE;
	}
	if (getenv("CITUS_RESCUE_KEYS") == NULL && (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)))
	{
		cli_error("the wizard needs a terminal");
		fprintf(stderr, "HINT:  Without one, use the subcommands: discover, plan, apply, verify, recover (see --help).\n");
		connopts_free(&opts);
		return EXIT_CODE_BAD_USAGE;
	}
	memset(&prefill, 0, sizeof(prefill));
	copy_into(prefill.host, sizeof(prefill.host), opts.host, "PGHOST");
	copy_into(prefill.port, sizeof(prefill.port), opts.port, "PGPORT");
	copy_into(prefill.user, sizeof(prefill.user), opts.user, "PGUSER");
	copy_into(prefill.dbname, sizeof(prefill.dbname), opts.dbname, "PGDATABASE");
	prefill.timeout_s = opts.timeout_ms / 1000;
	code = wizard_run(&prefill);
	connopts_free(&opts);
	return code;
}
