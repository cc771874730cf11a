/* Command-line plumbing shared by the subcommands. */
#ifndef CITUS_RESCUE_CLI_H
#define CITUS_RESCUE_CLI_H

#include <getopt.h>
#include <stdbool.h>

#include "connopts.h"

/* getopt_long values of the connection options every subcommand takes */
enum
{
	OPT_MAP = 1000,
	OPT_TIMEOUT,
	OPT_OLD_COORDINATOR,
	OPT_JSON,
	OPT_MAX_ROWS,
	OPT_HELP,
	OPT_VERSION,
};

#define CONNECTION_SHORT_OPTIONS "h:p:U:d:wW"

#define CONNECTION_LONG_OPTIONS \
	{"host", required_argument, NULL, 'h'}, \
	{"port", required_argument, NULL, 'p'}, \
	{"username", required_argument, NULL, 'U'}, \
	{"dbname", required_argument, NULL, 'd'}, \
	{"no-password", no_argument, NULL, 'w'}, \
	{"password", no_argument, NULL, 'W'}, \
	{"map", required_argument, NULL, OPT_MAP}, \
	{"timeout", required_argument, NULL, OPT_TIMEOUT}, \
	{"help", no_argument, NULL, OPT_HELP}, \
	{"version", no_argument, NULL, OPT_VERSION}

#define CONNECTION_OPTIONS_HELP \
"Connection options:\n" \
"  -h, --host=HOST          host of a surviving worker (or socket directory)\n" \
"  -p, --port=PORT          its port\n" \
"  -U, --username=USER      user name, the same on every node\n" \
"  -d, --dbname=DBNAME      database name, or a conninfo string or URI\n" \
"  -w, --no-password        never prompt for a password\n" \
"  -W, --password           prompt for a password before connecting\n" \
"      --map=NAME:PORT=HOST:PORT\n" \
"                           reach the node pg_dist_node names NAME:PORT at\n" \
"                           HOST:PORT instead (may be repeated)\n" \
"      --timeout=SECONDS    give up on a node after this long (default 10)\n" \
"PG* environment variables, ~/.pgpass and service files are honoured.\n"

/*
 * Handles one connection option; returns 1 when it was one, 0 when it was
 * not, -1 on a bad value (message printed).
 */
int			cli_connection_option(int opt, const char *arg, ConnOptions *opts);

void		cli_error(const char *fmt,...) __attribute__((format(printf, 1, 2)));
void		cli_print_version(void);

int			cmd_discover(int argc, char **argv);

#endif
