#include "config.h"

#include "engine.h"
#include "apply.h"
#include "clock.h"
#include "exitcodes.h"
#include "planner.h"
#include "strbuf.h"

#include <stdlib.h>
#include <string.h>

/* --map values as the plan file records them, bracketed where a host needs it */
static char **
format_maps(const ConnOptions *opts)
{
	char	  **maps = xcalloc((size_t) opts->nmaps + 1, sizeof(char *));

	for (int i = 0; i < opts->nmaps; i++)
	{
		char	   *from = format_host_port(opts->maps[i].from_host, opts->maps[i].from_port);
		char	   *to = format_host_port(opts->maps[i].to_host, opts->maps[i].to_port);

		maps[i] = xasprintf("%s=%s", from, to);
		free(from);
		free(to);
	}
	return maps;
}

static void
free_maps(char **maps, int count)
{
	for (int i = 0; i < count; i++)
		free(maps[i]);
	free(maps);
}

/*
 * The target is probed by discovery at the address the tool reaches it
 * (after --map); the plan keeps both that and the name the cluster will
 * know it by.  *target_host is the parsed host, which *connect_host may
 * point into: the caller frees it after planning.
 */
static bool
aim_at_target(ConnOptions *opts, const PlanChoices *choices, char **target_host,
			  const char **connect_host, int *connect_port, PgError *error)
{
	char		errbuf[512];
	int			port = 0;

	*target_host = NULL;
	if (choices->target == NULL ||
		!parse_host_port(choices->target, target_host, &port, errbuf, sizeof(errbuf)))
	{
		pgerror_set(error, NULL, choices->target ? errbuf : "no target node was chosen", NULL,
					"Give the node to become coordinator as HOST:PORT.");
		return false;
	}
	connopts_map_address(opts, *target_host, port, connect_host, connect_port);
	free(opts->target);
	opts->target = choices->method == METHOD_NEW_NODE ?
		format_host_port(*connect_host, *connect_port) : NULL;
	return true;
}

int
engine_plan(ConnOptions *opts, const PlanChoices *choices, const DiscoverHooks *hooks,
			ClusterSnapshot *snap, Plan *plan, PgError *error)
{
	PlanContext ctx = {0};
	char	   *target_host = NULL;
	const char *connect_host = NULL;
	int			connect_port = 0;
	char		errbuf[512];
	char	   *created;
	char	   *first;
	char	  **maps;
	const NodeReport *f;
	bool		built;

	plan_init(plan);
	memset(snap, 0, sizeof(*snap));
	if (!aim_at_target(opts, choices, &target_host, &connect_host, &connect_port, error))
		return EXIT_CODE_BAD_USAGE;
	discover_cluster(opts, hooks, snap, NULL);
	if (snap->fatal.message)
	{
		pgerror_copy(error, &snap->fatal);
		free(target_host);
		return EXIT_CODE_FIRST_NODE;
	}
	f = &snap->nodes[snap->first];
	created = timestamp_now();
	first = format_host_port(f->host, f->port);
	maps = format_maps(opts);
	ctx.tool_version = PACKAGE_VERSION;
	ctx.created = created;
	ctx.first = first;
	ctx.dbname = snap->dbname;
	ctx.user = snap->user;
	ctx.maps = maps;
	ctx.nmaps = opts->nmaps;
	ctx.target_connect_host = connect_host;
	ctx.target_connect_port = connect_port;
	built = plan_build(snap, choices, &ctx, plan, errbuf, sizeof(errbuf));
	free_maps(maps, opts->nmaps);
	free(first);
	free(created);
	free(target_host);
	if (!built)
	{
		pgerror_set(error, NULL, errbuf, NULL, NULL);
		return EXIT_CODE_BAD_USAGE;
	}
	return plan_has_failures(plan) ? EXIT_CODE_ABORTED : EXIT_CODE_OK;
}

bool
engine_plan_runnable(const Plan *plan, bool override_failures)
{
	if (plan->nsteps == 0)
		return false;
	return !plan_has_failures(plan) || override_failures;
}

int
engine_verify_plan(const Plan *plan, ConnOptions *opts, const DiscoverHooks *hooks,
				   bool move_shard, const EventSink *sink, const EventSink *errors)
{
	ConnOptions coordinator;
	VerifyResult result;
	int			code;

	apply_coordinator_options(plan, opts, &coordinator);
	code = verify_cluster(&coordinator, hooks, move_shard, sink, errors, &result);
	verify_result_free(&result);
	connopts_free(&coordinator);
	return code;
}
