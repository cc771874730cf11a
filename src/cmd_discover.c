#include "config.h"

#include "cli.h"
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
			"      --json               print the report as JSON\n"
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
			"coordinator still answers, 2 bad usage.\n");
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
	bool		json = false;
	int			max_rows = 20;
	int			opt;
	int			code;

	connopts_init(&opts);
	optind = 1;
	while ((opt = getopt_long(argc, argv, CONNECTION_SHORT_OPTIONS, long_options, NULL)) != -1)
	{
		int			handled = cli_connection_option(opt, optarg, &opts);

		if (handled < 0)
		{
			connopts_free(&opts);
			return EXIT_CODE_BAD_USAGE;
		}
		if (handled > 0)
			continue;
		switch (opt)
		{
			case OPT_JSON:
				json = true;
				break;
			case OPT_MAX_ROWS:
				max_rows = atoi(optarg);
				if (max_rows < 0)
				{
					cli_error("invalid --max-rows \"%s\"", optarg);
					connopts_free(&opts);
					return EXIT_CODE_BAD_USAGE;
				}
				break;
			case OPT_OLD_COORDINATOR:
				{
					char		errbuf[256];
					char	   *host;
					int			port;

					if (!parse_host_port(optarg, &host, &port, errbuf, sizeof(errbuf)))
					{
						cli_error("%s", errbuf);
						connopts_free(&opts);
						return EXIT_CODE_BAD_USAGE;
					}
					free(host);
					free(opts.old_coordinator);
					opts.old_coordinator = xstrdup(optarg);
					break;
				}
			case OPT_HELP:
				discover_usage(stdout);
				connopts_free(&opts);
				return EXIT_CODE_OK;
			case OPT_VERSION:
				cli_print_version();
				connopts_free(&opts);
				return EXIT_CODE_OK;
			default:
				fprintf(stderr, "Try \"citus-rescue discover --help\" for more information.\n");
				connopts_free(&opts);
				return EXIT_CODE_BAD_USAGE;
		}
	}
	if (optind < argc)
	{
		cli_error("unexpected argument \"%s\"", argv[optind]);
		fprintf(stderr, "Try \"citus-rescue discover --help\" for more information.\n");
		connopts_free(&opts);
		return EXIT_CODE_BAD_USAGE;
	}

	code = discover_cluster(&opts, &hooks, &snapshot, NULL);
	if (json)
	{
		StrBuf		out;

		strbuf_init(&out);
		report_json(&out, &snapshot);
		fputs(out.data, stdout);
		strbuf_free(&out);
	}
	else
		report_text(stdout, &snapshot, max_rows);
	if (snapshot.fatal.message)
		pgerror_print(stderr, &snapshot.fatal);
	snapshot_free(&snapshot);
	connopts_free(&opts);
	return code;
}
