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
			"The connection options prefill the first screen; --map, -w, -W and\n"
			"--timeout hold for every node the wizard reaches.\n"
			"\n"
			CONNECTION_OPTIONS_HELP
			"\n"
			"Without a terminal it refuses: use discover, plan, apply, verify or recover.\n"
			"Exit status: that of verify at the end (0 when the new coordinator works),\n"
			"2 bad usage or no terminal.\n");
}

int
cmd_wizard(int argc, char **argv)
{
	static const struct option long_options[] = {
		CONNECTION_LONG_OPTIONS,
		{NULL, 0, NULL, 0}
	};
	ConnOptions opts;
	int			code;

	connopts_init(&opts);
	code = cli_parse(argc, argv, long_options, &opts, NULL, NULL, NULL, wizard_usage, "wizard", 0);
	if (code != EXIT_CODE_OK)
	{
		connopts_free(&opts);
		return code < 0 ? EXIT_CODE_OK : code;
	}
	if (getenv("CITUS_RESCUE_KEYS") == NULL && (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)))
	{
		cli_error("the wizard needs a terminal");
		fprintf(stderr, "HINT:  Without one, use the subcommands: discover, plan, apply, verify, recover (see --help).\n");
		connopts_free(&opts);
		return EXIT_CODE_BAD_USAGE;
	}
	code = wizard_run(&opts);
	connopts_free(&opts);
	return code;
}
