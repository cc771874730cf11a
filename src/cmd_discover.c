#include "config.h"

#include "cli.h"
#include "colour.h"
#include "discover.h"
#include "exitcodes.h"
#include "prompt.h"
#include "report.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void
discover_usage(FILE *out)
{
	fprintf(out,
			"citus-rescue discover finds every node of a Citus cluster from one surviving\n"
			"worker, shows what each node believes and where they disagree.\n"
			"\n"
			"Usage:\n"
			"  citus-rescue discover [OPTION]...\n"
			"\n"
			"Options:\n"
			"      --json               print the report as JSON (see citus-rescue-json(7))\n"
			"      --max-rows=N         differing rows shown per node and catalog (default 20)\n"
			"      --old-coordinator=HOST:PORT\n"
			"                           also check that this address no longer answers\n"
			"                           (when the old coordinator is not in pg_dist_node)\n"
			"      --help               show this help, then exit\n"
			"      --version            show the version, then exit\n"
			"\n"
			CONNECTION_OPTIONS_HELP
			"\n"
			"Exit status: 0 all reachable and agreeing, 3 the first node unreachable or not\n"
			"a Citus worker, 4 some node unreachable, 5 metadata disagrees, 6 the old\n"
			"coordinator still answers, 2 bad usage.\n"
			"PG_COLOR (always, auto, never) and NO_COLOR say whether to colour.\n");
}

typedef struct DiscoverArgs
{
	bool		json;
	int			max_rows;
} DiscoverArgs;

static int
discover_extra(int opt, const char *arg, void *state)
{
	DiscoverArgs *args = state;

	switch (opt)
	{
		case OPT_JSON:
			args->json = true;
			return 1;
		case OPT_MAX_ROWS:
			args->max_rows = atoi(arg);
			if (args->max_rows < 0)
			{
				cli_error("invalid --max-rows \"%s\"", arg);
				return -1;
			}
			return 1;
		default:
			return 0;
	}
}

int
cmd_discover(int argc, char **argv)
{
	static const struct option long_options[] = {
		CONNECTION_LONG_OPTIONS,
		{"json", no_argument, NULL, OPT_JSON},
		{"max-rows", required_argument, NULL, OPT_MAX_ROWS},
		{"old-coordinator", required_argument, NULL, OPT_OLD_COORDINATOR},
		{NULL, 0, NULL, 0}
	};
	ConnOptions opts;
	ClusterSnapshot snapshot;
	DiscoverHooks hooks = {.ask_password = prompt_password};
	DiscoverArgs args = {.json = false, .max_rows = 20};
	int			code;

	connopts_init(&opts);
	code = cli_parse(argc, argv, long_options, &opts, NULL, discover_extra, &args,
					 discover_usage, "discover", 0);
	if (code != EXIT_CODE_OK)
	{
		connopts_free(&opts);
		return code < 0 ? EXIT_CODE_OK : code;
	}
	if (args.json)
		colour_stdout_off();
	code = discover_cluster(&opts, &hooks, &snapshot, NULL);
	if (args.json)
	{
		StrBuf		out;

		strbuf_init(&out);
		report_json(&out, &snapshot);
		fputs(out.data, stdout);
		strbuf_free(&out);
	}
	else
		report_text(stdout, &snapshot, args.max_rows);
	if (snapshot.fatal.message)
		pgerror_print(stderr, &snapshot.fatal);
	snapshot_free(&snapshot);
	connopts_free(&opts);
	return code;
}
