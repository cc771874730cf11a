/*
 * A recovery plan: the operator's choices, what pre-flight found, and the
 * ordered steps, each one SQL batch on one node.  The planner builds it
 * from a snapshot without I/O; planfile.c writes and reads it.
 */
#ifndef CITUS_RESCUE_PLAN_H
#define CITUS_RESCUE_PLAN_H

#include <stdbool.h>

#include "events.h"
#include "snapshot.h"

#define PLAN_FORMAT 1

typedef enum PlanMethod
{
	METHOD_NEW_NODE,			/* a new node becomes the coordinator */
	METHOD_PROMOTE				/* an existing worker becomes it, keeping its shards */
} PlanMethod;

typedef enum StepTxn
{
	STEP_TXN_LOCAL,				/* BEGIN ... COMMIT on its node */
	STEP_TXN_ATOMIC,			/* prepared on each node of its group, then committed */
	STEP_TXN_NONE				/* outside a transaction block (COMMIT PREPARED) */
} StepTxn;

typedef enum PreparedDecision
{
	PREPARED_UNDECIDED,
	PREPARED_COMMIT,
	PREPARED_ROLLBACK
} PreparedDecision;

/* --prepared GID=commit|rollback, or all=... */
typedef struct PreparedChoice
{
	char	   *gid;			/* "all" for every undecided one */
	PreparedDecision decision;
} PreparedChoice;

typedef struct PlanChoices
{
	PlanMethod	method;
	char	   *target;			/* HOST:PORT: the new node, or the worker to promote */
	CimMode		cim;			/* CIM_UNKNOWN: take what discovery found */
	char	   *donor;			/* HOST:PORT or NULL to choose */
	bool		allow_unreachable;
	bool		create_extension;	/* CREATE EXTENSION citus on the new node */
	PreparedChoice *prepared;
	int			nprepared;
	bool		override_failures;	/* steps even when checks fail (never a live coordinator) */
	bool		accept_lost_shards;	/* recreate empty the shards only the old coordinator had */
	bool		full_resync;	/* Citus's whole metadata sync even where a targeted change would do */
} PlanChoices;

typedef struct PreflightCheck
{
	char	   *name;			/* short, stable: old-coordinator-gone, ... */
	CheckStatus status;
	char	   *why;
	char	   *fix;			/* NULL when nothing is to be done */
} PreflightCheck;

typedef struct PlanNode
{
	char	   *label;			/* host:port as connected */
	char	   *host;
	int			port;
	int			groupid;
	char	   *fingerprint;	/* local group and catalog digests */
} PlanNode;

typedef struct PlanStep
{
	int			number;			/* from 1 */
	char	   *host;
	int			port;
	char	   *label;
	char	   *purpose;
	char	   *changes;		/* in words: which catalogs, objects and rows, on which nodes */
	char	   *sql;
	char	   *check_sql;		/* one boolean: true when the step is done */
	char	   *confirms;		/* in words: what check_sql takes for done */
	char	   *locks;			/* in words: what it locks, whom that makes wait, for how long at most */
	char	   *undo;
	StepTxn		txn;
	int			atomic_group;	/* steps sharing a group commit together */
} PlanStep;

typedef struct Plan
{
	int			format;
	char	   *tool_version;
	char	   *created;
	PlanMethod	method;
	CimMode		cim;
	char	   *target;			/* label */
	char	   *donor;			/* label, new-node method only */
	char	   *old_coordinator;	/* HOST:PORT where it was reached, or NULL */
	char	   *coordinator_at;	/* HOST:PORT where the console reaches the new one */
	char	   *first;			/* HOST:PORT discovery started from */
	char	   *dbname;
	char	   *user;
	int			accepted_lost_shards;	/* how many the plan recreates empty, 0 for none */
	char	  **maps;			/* --map values */
	int			nmaps;
	PlanNode   *nodes;
	int			nnodes;
	PreflightCheck *checks;
	int			nchecks;
	PlanStep   *steps;
	int			nsteps;
	char	  **notes;			/* what to do later, what was lost */
	int			nnotes;
	char	  **ledger;			/* what died with the coordinator, a line per item */
	int			nledger;
} Plan;

const char *method_name(PlanMethod method);
const char *cim_name(CimMode cim);
const char *txn_name(StepTxn txn);

void		plan_init(Plan *plan);
void		plan_free(Plan *plan);
void		plan_choices_free(PlanChoices *choices);
PlanStep   *plan_add_step(Plan *plan, const char *host, int port, const char *purpose);
/* Whether step i is the last of its atomic group, after which the group commits */
bool		plan_step_ends_group(const Plan *plan, int i);

/*
 * A step whose check can never say it is done runs on every run, a rerun
 * too; the planner makes one only when running it again changes nothing.
 */
#define PLAN_CHECK_NEVER_DONE "SELECT false"
bool		plan_step_always_runs(const PlanStep *step);
void		plan_add_note(Plan *plan, const char *fmt,...) __attribute__((format(printf, 2, 3)));
void		plan_add_ledger_line(Plan *plan, const char *line);
void		plan_add_check(Plan *plan, const char *name, CheckStatus status,
						   const char *why, const char *fix);
bool		plan_has_failures(const Plan *plan);
/* Whether a step runs Citus's full metadata sync, which spreads roles and stalls the workers */
bool		plan_syncs_metadata(const Plan *plan);

/* "lg=1;pg_dist_node=<md5>;..." from what discovery read on a node. */
char	   *node_fingerprint(const NodeReport *node);

#endif
