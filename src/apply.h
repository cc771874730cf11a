/*
 * Running a plan.  Every run, fresh or resumed, passes the same gates,
 * each journaled with its evidence: the old coordinator is gone (asked
 * again right before the first statement), the cluster is as the plan
 * (fresh) or the journal's finished steps (resumed) say, a typed yes, and
 * a complete backup of every node's metadata.  Then each step runs in its
 * own transaction (prepared on every node and then committed, for the
 * all-nodes steps), journaled as it goes.  A run becomes resumable only
 * when its first change is about to happen: a rerun of one that stopped
 * before is a fresh run.  A resumed run settles what was left prepared and
 * goes on from the first step whose check says it is not done.
 */
#ifndef CITUS_RESCUE_APPLY_H
#define CITUS_RESCUE_APPLY_H

#include <signal.h>
#include <stdbool.h>
#include <stdio.h>

#include "connopts.h"
#include "discover.h"
#include "events.h"
#include "plan.h"

typedef struct ApplyOptions
{
	const char *workdir;		/* NULL: a new ./citus-rescue-DATE-TIME-RANDOM */
	char	   *workdir_used;	/* set by apply_plan: the absolute path it used */
	bool		yes;			/* no typed confirmation */
	const char *confirmation;	/* with yes: how the operator confirmed instead (the wizard's typed yes) */
	ConnOptions *conn;			/* password and timeout; addresses come from the plan */
	DiscoverHooks *hooks;
	const EventSink *sink;		/* progress: steps and notes */
	const EventSink *errors;	/* the refusal that stops a run */
	/* asks for a typed "yes"; NULL reads the terminal */
	bool		(*confirm) (const char *question, void *arg);
	void	   *confirm_arg;
} ApplyOptions;

/* Set from a signal handler (or the wizard): stop after the step under way. */
extern volatile sig_atomic_t apply_stop_requested;
/* The signal that asked for the stop, 0 when none did. */
extern volatile sig_atomic_t apply_stop_signal;

/*
 * SIGINT, SIGTERM, SIGHUP and SIGPIPE stop the run after the step under
 * way, a second one rolls that step back, and none interrupts the commits
 * of an all-nodes step once its decision is taken.  quiet: say nothing on
 * stderr (a curses screen is there).
 */
void		apply_catch_signals(bool quiet);
/* SIGTERM and the like: the signal that stopped the run */
const char *apply_stop_signal_name(void);
void		apply_release_signals(void);

/*
 * What a work directory holds: whether a recovery in it is under way
 * (resumable), and then its plan.  A directory that does not exist holds
 * nothing.
 */
bool		apply_peek_workdir(const char *dir, bool *resumable, char **plan_text,
							   PgError *error);

/*
 * Runs plan (whose text is plan_text, copied into the work directory), as
 * named phases in order: open the work directory, accept the plan, read
 * the cluster, the old coordinator gone, the cluster as expected, a typed
 * yes, the backup, the last look at the old coordinator, the record that
 * makes the run resumable, then the steps.  Returns an exit code from
 * exitcodes.h.
 */
int			apply_plan(const Plan *plan, const char *plan_text, ApplyOptions *options);

/*
 * Connection options that reach the coordinator the plan makes (its
 * coordinator-at header, or where its last step runs), with the plan's user and database and the password,
 * timeout and maps of `given`.
 */
void		apply_coordinator_options(const Plan *plan, const ConnOptions *given, ConnOptions *out);

/* Connection options that reach the plan's cluster (first node, maps, target). */
void		apply_conn_options(const Plan *plan, const ConnOptions *given, ConnOptions *out);

#endif
