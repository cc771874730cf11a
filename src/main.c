#include "config.h"

#include "cli.h"
#include "colour.h"
#include "exitcodes.h"
#include "runlog.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

typedef struct Command
{
	const char *name;
	int			(*run) (int argc, char **argv);
	const char *summary;
	RunLogMode	log;			/* what run.log in its work directory keeps of the run */
} Command;

static const Command commands[] = {
	{"discover", cmd_discover, "find every node, show what each believes and where they disagree", RUNLOG_NONE},
	{"plan", cmd_plan, "check the cluster and write a recovery plan for review", RUNLOG_NONE},
	{"apply", cmd_apply, "run a recovery plan, journaled and resumable", RUNLOG_STREAMS},
	{"verify", cmd_verify, "prove that a coordinator works", RUNLOG_NONE},
	{"recover", cmd_recover, "discover, check, plan, apply and verify in one run", RUNLOG_STREAMS},
	{"report", cmd_report, "write the post-incident report of a work directory", RUNLOG_NONE},
	{"wizard", cmd_wizard, "the interactive wizard (the default on a terminal)", RUNLOG_EVENTS},
	{NULL, NULL, NULL, RUNLOG_NONE}
};

static void
usage(FILE *out)
{
	fprintf(out,
			"citus-rescue brings a Citus cluster back after its coordinator is lost for good.\n"
			"\n"
			"Usage:\n"
			"  citus-rescue COMMAND [OPTION]...\n"
			"\n"
			"Commands:\n");
	for (const Command *c = commands; c->name; c++)
		fprintf(out, "  %-10s %s\n", c->name, c->summary);
	fprintf(out,
			"\n"
			"Options:\n"
			"  --help       show this help, then exit\n"
			"  --version    show the version, then exit\n"
			"\n"
			"Run 'citus-rescue COMMAND --help' for a command's options.\n"
			"PG_COLOR (always, auto, never) and NO_COLOR say whether to colour.\n"
			"See citus-rescue(1) for the exit statuses, citus-rescue-json(7) for --json.\n");
}

int
main(int argc, char **argv)
{
	/*
	 * Asked of the descriptors, once: standard output may later be a stream
	 * that also writes a log, and is then no terminal to ask.
	 */
	colour_setup(isatty(STDOUT_FILENO), isatty(STDERR_FILENO));
	if (argc < 2 || (argv[1][0] == '-' && strcmp(argv[1], "--help") != 0 &&
					 strcmp(argv[1], "-?") != 0 && strcmp(argv[1], "--version") != 0 &&
					 strcmp(argv[1], "-V") != 0))
	{
		/* no command: the wizard on a terminal, the subcommands otherwise */
		if (isatty(STDIN_FILENO) && isatty(STDOUT_FILENO))
		{
			runlog_begin(RUNLOG_EVENTS, argc, argv);
			return cmd_wizard(argc, argv);
		}
		if (argc < 2)
		{
			usage(stderr);
			fprintf(stderr, "\nThere is no terminal for the wizard: use a command.\n");
			return EXIT_CODE_BAD_USAGE;
		}
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-?") == 0 ||
		strcmp(argv[1], "help") == 0)
	{
		usage(stdout);
		return EXIT_CODE_OK;
	}
	if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "-V") == 0)
	{
		cli_print_version();
		return EXIT_CODE_OK;
	}
	for (const Command *c = commands; c->name; c++)
		if (strcmp(argv[1], c->name) == 0)
		{
			/* held in memory until the command opens its work directory */
			runlog_begin(c->log, argc, argv);
			return c->run(argc - 1, argv + 1);
		}
	cli_error("unknown command \"%s\"", argv[1]);
	fprintf(stderr, "Try \"citus-rescue --help\" for more information.\n");
	return EXIT_CODE_BAD_USAGE;
}
