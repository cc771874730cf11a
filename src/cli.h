/* Command-line plumbing shared by the subcommands. */
#ifndef CITUS_RESCUE_CLI_H
#define CITUS_RESCUE_CLI_H

#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>

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
	OPT_NEW_COORDINATOR,
	OPT_PROMOTE,
	OPT_CIM,
	OPT_DONOR,
	OPT_ALLOW_UNREACHABLE,
	OPT_CREATE_EXTENSION,
	OPT_PREPARED,
	OPT_WORKDIR,
	OPT_YES,
	OPT_MOVE_SHARD,
	OPT_OUTPUT,
	OPT_ACCEPT_LOST_SHARDS,
	OPT_FULL_RESYNC,
	OPT_PROGRESS,
};

/* The choices the wizard's Choose screen also takes */
#define RECOVERY_CHOICE_LONG_OPTIONS \
	{"new-coordinator", required_argument, NULL, OPT_NEW_COORDINATOR}, \
	{"promote", required_argument, NULL, OPT_PROMOTE}, \
	{"cim", required_argument, NULL, OPT_CIM}, \
	{"donor", required_argument, NULL, OPT_DONOR}

#define PLAN_LONG_OPTIONS \
	RECOVERY_CHOICE_LONG_OPTIONS, \
	{"allow-unreachable", no_argument, NULL, OPT_ALLOW_UNREACHABLE}, \
	{"create-extension", no_argument, NULL, OPT_CREATE_EXTENSION}, \
	{"prepared", required_argument, NULL, OPT_PREPARED}, \
	{"accept-lost-shards", no_argument, NULL, OPT_ACCEPT_LOST_SHARDS}, \
	{"full-resync", no_argument, NULL, OPT_FULL_RESYNC}, \
	{"old-coordinator", required_argument, NULL, OPT_OLD_COORDINATOR}

#define RECOVERY_CHOICE_OPTIONS_HELP \
"      --new-coordinator=HOST:PORT\n" \
"                           a new node becomes the coordinator (the default way)\n" \
"      --promote=HOST:PORT  an existing worker becomes it and keeps its shards\n" \
"      --cim=include|exclude\n" \
"                           keep the coordinator in pg_dist_node or not\n" \
"                           (default: as the old one was)\n" \
"      --donor=HOST:PORT    the worker that lends its metadata to a new node\n" \
"                           (default: the first node, or another synced worker)\n"

#define FULL_RESYNC_OPTION_HELP \
"      --full-resync        re-send every worker all the metadata with Citus's\n" \
"                           own sync (the workers' queries wait while it runs)\n" \
"                           instead of changing only the rows that differ\n"

#define PLAN_OPTIONS_HELP \
"Recovery choices:\n" \
RECOVERY_CHOICE_OPTIONS_HELP \
"      --allow-unreachable  plan without the workers that do not answer\n" \
"      --create-extension   create the citus extension on the new node\n" \
"      --prepared=GID=commit|rollback\n" \
"                           decide a transaction the dead coordinator left\n" \
"                           prepared on a worker (GID all: every one)\n" \
"      --accept-lost-shards recreate empty the shards that only the old\n" \
"                           coordinator held (their rows are lost)\n" \
FULL_RESYNC_OPTION_HELP \
"      --old-coordinator=HOST:PORT\n" \
"                           also check that this address no longer answers\n"

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

/*
 * Parses a subcommand's options: the connection options, with choices the
 * recovery choices, then what extra handles; then exactly `positional`
 * arguments, and with choices, a method.  Returns an exit code, or -1
 * after --help or --version.
 */
struct PlanChoices;
int			cli_parse(int argc, char **argv, const struct option *long_options, ConnOptions *opts,
					  struct PlanChoices *choices, int (*extra) (int opt, const char *arg, void *state),
					  void *state, void (*usage) (FILE *), const char *name, int positional);

void		cli_error(const char *fmt,...) __attribute__((format(printf, 1, 2)));
void		cli_print_version(void);

/*
 * Handles one recovery-choice option into choices; same return convention
 * as cli_connection_option.
 */
int			cli_plan_option(int opt, const char *arg, struct PlanChoices *choices);

/* Checks that a method was chosen and the choices fit it; prints why not. */
bool		cli_plan_choices_complete(const struct PlanChoices *choices);

/* Checks that the choices given fit together, a method or not; prints why not. */
bool		cli_plan_choices_consistent(const struct PlanChoices *choices);

int			cmd_discover(int argc, char **argv);
int			cmd_plan(int argc, char **argv);
int			cmd_apply(int argc, char **argv);
int			cmd_verify(int argc, char **argv);
int			cmd_recover(int argc, char **argv);
int			cmd_wizard(int argc, char **argv);
int			cmd_report(int argc, char **argv);

#endif
