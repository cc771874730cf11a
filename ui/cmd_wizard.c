/* citus-rescue wizard: the interactive front end. */
#include "config.h"

#include "cli.h"
#include "exitcodes.h"
#include "plan.h"
#include "strbuf.h"
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
			"--timeout hold for every node the wizard reaches.  The recovery choices\n"
			"prefill the Choose screen, where they can still be changed.\n"
			"\n"
			"Recovery choices:\n"
			RECOVERY_CHOICE_OPTIONS_HELP
			FULL_RESYNC_OPTION_HELP
			"      --workdir=DIR        where the run writes its plan, journal and backup\n"
			"                           (default ./citus-rescue-YYYYMMDD-HHMMSS-RANDOM)\n"
			"\n"
			CONNECTION_OPTIONS_HELP
			"\n"
			"Without a terminal it refuses: use discover, plan, apply, verify or recover.\n"
			"q and y quit (q alone once the recovery is verified); Ctrl-C asks the same,\n"
			"except while the plan runs, when it asks to stop after the step under way.\n"
			"\n"
			"Exit status, as for recover: 10 quit before anything was changed, 11 quit\n"
			"after a partial change (citus-rescue apply DIR/plan.sql --workdir DIR\n"
			"resumes it) or before verify ran, then that of verify: 0 the new\n"
			"coordinator works, 21 to 30 a check failed; 2 bad usage or no terminal.\n");
}

/* What the command line gives beyond the connection: the screens' first choices */
typedef struct WizardArgs
{
	PlanChoices choices;
	char	   *workdir;
} WizardArgs;

static int
wizard_extra(int opt, const char *arg, void *state)
{
	WizardArgs *args = state;

	if (opt == OPT_WORKDIR)
	{
		free(args->workdir);
		args->workdir = xstrdup(arg);
		return 1;
	}
	return cli_plan_option(opt, arg, &args->choices);
}

int
cmd_wizard(int argc, char **argv)
{
	static const struct option long_options[] = {
		CONNECTION_LONG_OPTIONS,
		RECOVERY_CHOICE_LONG_OPTIONS,
		{"full-resync", no_argument, NULL, OPT_FULL_RESYNC},
		{"workdir", required_argument, NULL, OPT_WORKDIR},
		{NULL, 0, NULL, 0}
	};
	ConnOptions opts;
	WizardArgs	args = {0};
	WizChoices	choices;
	int			code;

	connopts_init(&opts);
	code = cli_parse(argc, argv, long_options, &opts, NULL, wizard_extra, &args, wizard_usage, "wizard", 0);
	if (code == EXIT_CODE_OK && !cli_plan_choices_consistent(&args.choices))
		code = EXIT_CODE_BAD_USAGE;
	if (code == EXIT_CODE_OK && getenv("CITUS_RESCUE_KEYS") == NULL &&
		(!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)))
	{
		cli_error("the wizard needs a terminal");
		fprintf(stderr, "HINT:  Without one, use the subcommands: discover, plan, apply, verify, recover (see --help).\n");
		code = EXIT_CODE_BAD_USAGE;
	}
	if (code == EXIT_CODE_OK)
	{
		wiz_choices_prefill(&args.choices, &choices);
		code = wizard_run(&opts, &choices, args.workdir);
	}
	plan_choices_free(&args.choices);
	free(args.workdir);
	connopts_free(&opts);
	return code < 0 ? EXIT_CODE_OK : code;
}
