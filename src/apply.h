/*
 * Running a plan: re-checks the cluster against the plan, backs up the
 * metadata, then runs each step in its own transaction (prepared on every
 * node and then committed, for the all-nodes steps), journaling as it goes.
 * A rerun with the same work directory settles what it left prepared and
 * resumes from the first step whose check says it is not done.
 */
#ifndef CITUS_RESCUE_APPLY_H
#define CITUS_RESCUE_APPLY_H

#include <stdbool.h>
#include <stdio.h>

#include "connopts.h"
#include "discover.h"
#include "plan.h"

typedef struct ApplyOptions
{
	const char *workdir;
	bool		yes;			/* no typed confirmation */
	ConnOptions *conn;			/* password and timeout; addresses come from the plan */
	DiscoverHooks *hooks;
	FILE	   *progress;		/* where progress lines go */
	FILE	   *errors;			/* where errors go; NULL: stderr */
	/* asks for a typed "yes"; NULL reads the terminal */
	bool		(*confirm) (const char *question, void *arg);
	void	   *confirm_arg;
} ApplyOptions;

/* Set from a signal handler: stop after the step under way. */
extern volatile int apply_stop_requested;

/*
 * Runs plan (whose text is plan_text, copied into the work directory).
 * Returns an exit code from exitcodes.h.
 */
int			apply_plan(const Plan *plan, const char *plan_text, ApplyOptions *options);

/*
 * Connection options that reach the coordinator the plan makes (where its
 * last step runs), with the plan's user and database and the password,
 * timeout and maps of `given`.
 */
void		apply_coordinator_options(const Plan *plan, const ConnOptions *given, ConnOptions *out);

/* Connection options that reach the plan's cluster (first node, maps, target). */
void		apply_conn_options(const Plan *plan, const ConnOptions *given, ConnOptions *out);

#endif
