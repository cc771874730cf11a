/*
 * The engine: the one path from the operator's connection options and
 * choices to a plan, and from a plan to a verified coordinator.  The
 * command line and the wizard both go through it; they differ only in
 * how they ask (options or screens) and in the sinks that show events.
 */
#ifndef CITUS_RESCUE_ENGINE_H
#define CITUS_RESCUE_ENGINE_H

#include <stdbool.h>

#include "connopts.h"
#include "discover.h"
#include "events.h"
#include "plan.h"
#include "verify.h"

/*
 * Discovers the cluster afresh (pre-flight must see it as it is now, with
 * the target probed) and plans the recovery.  Returns an exit code: 0 the
 * plan passed pre-flight, EXIT_CODE_ABORTED a check failed (the plan says
 * which), or with error set, EXIT_CODE_BAD_USAGE (choices that make no
 * sense) or EXIT_CODE_FIRST_NODE (discovery could not start).
 */
int			engine_plan(ConnOptions *opts, const PlanChoices *choices,
						const DiscoverHooks *hooks, ClusterSnapshot *snapshot,
						Plan *plan, PgError *error);

/* Whether a plan may be applied: it has steps, and its failures were overridden. */
bool		engine_plan_runnable(const Plan *plan, bool override_failures);

/* Verifies the coordinator the plan made (at its mapped address). */
int			engine_verify_plan(const Plan *plan, ConnOptions *opts, const DiscoverHooks *hooks,
							   bool move_shard, const EventSink *sink, const EventSink *errors);

#endif
