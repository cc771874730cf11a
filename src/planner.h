/*
 * The planner: a discovery snapshot and the operator's choices in, the
 * pre-flight verdicts and the ordered recovery steps out.  No I/O, so
 * every plan can be checked against a golden file.
 */
#ifndef CITUS_RESCUE_PLANNER_H
#define CITUS_RESCUE_PLANNER_H

#include "plan.h"
#include "snapshot.h"

typedef struct PlanContext
{
	const char *tool_version;
	const char *created;		/* ISO 8601 */
	const char *first;			/* HOST:PORT */
	const char *dbname;
	const char *user;
	char *const *maps;
	int			nmaps;
	/* where the console reaches the target when --map renames it */
	const char *target_connect_host;
	int			target_connect_port;
} PlanContext;

/*
 * Fills plan.  Returns false (with errbuf) only for choices that make no
 * sense (a target that is not a host:port); everything the cluster itself
 * gets wrong becomes a failed pre-flight check in the plan.
 */
bool		plan_build(const ClusterSnapshot *snapshot, const PlanChoices *choices,
					   const PlanContext *context, Plan *plan,
					   char *errbuf, size_t errlen);

/* The statement timeouts every step sets for itself. */
#define STEP_STATEMENT_TIMEOUT "5min"
#define STEP_LOCK_TIMEOUT "1s"

/* SET LOCAL of those timeouts, the first lines of a step's batch */
void		plan_append_timeouts(StrBuf *sql);

#endif
