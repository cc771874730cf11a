/*
 * What the wizard needs from the engine, without libpq or curses on
 * either side: each long operation runs on a thread of its own while the
 * screen keeps handling keys.  The engine's events arrive as lines marked
 * by their type and outcome, never by what their text says.
 */
#ifndef CITUS_RESCUE_WIZARD_BACKEND_H
#define CITUS_RESCUE_WIZARD_BACKEND_H

#include <stdbool.h>

#include "connopts.h"
#include "events.h"
#include "plan.h"
#include "wizard_compare.h"

typedef struct WizBackend WizBackend;

typedef enum WizJob
{
	WIZ_JOB_NONE,
	WIZ_JOB_DISCOVER,
	WIZ_JOB_PLAN,
	WIZ_JOB_APPLY,
	WIZ_JOB_VERIFY
} WizJob;

/* The connect screen's fields; the rest of the options come from the command line */
typedef struct WizConnect
{
	char		host[256];
	char		port[16];
	char		user[128];
	char		dbname[256];
	char		password[256];	/* never shown, never logged */
	char		timeout[16];	/* seconds, as --timeout takes them */
	PasswordMode password_mode; /* -w, -W or neither, from the command line */
} WizConnect;

typedef struct WizChoices
{
	PlanMethod	method;
	char		target[300];	/* HOST:PORT */
	CimMode		cim;			/* CIM_UNKNOWN: as detected */
	char		donor[300];		/* empty: the planner chooses */
	PreparedDecision orphans;	/* the dead coordinator's prepared transactions */
	bool		override_failures;	/* confirmed by the operator, typed */
	bool		accept_lost_shards; /* confirmed by typing how many there are */
	bool		full_resync;	/* --full-resync: Citus's whole metadata sync */
} WizChoices;

typedef enum WizMark
{
	MARK_PLAIN,
	MARK_GOOD,
	MARK_WARNING,
	MARK_BAD
} WizMark;

/* A line to show, and whether it deserves attention (an error, a difference) */
typedef struct WizLine
{
	char	   *text;
	WizMark		mark;
} WizLine;

typedef struct WizLines
{
	WizLine    *lines;
	int			count;
} WizLines;

/*
 * A backend over the command line's connection options (maps, password
 * mode, timeout and all); the connect screen's fields replace host, port,
 * user, database, password and timeout.
 */
WizBackend *wiz_backend_new(const ConnOptions *options);

/*
 * How the wizard marks an engine event: by its kind and outcome (a check's
 * status, a step's state, a note's level), never by the words of its text.
 */
WizMark		wiz_event_mark(const Event *event);

/* Ends the job under way: a running apply after its step, anything else when done. */
void		wiz_backend_stop(WizBackend *backend);
void		wiz_backend_free(WizBackend *backend);
void		wiz_lines_free(WizLines *lines);

/* The job running or last run, and whether it has finished. */
WizJob		wiz_job(WizBackend *backend);
bool		wiz_job_done(WizBackend *backend);
int			wiz_job_exit_code(WizBackend *backend);

/*
 * The wizard's exit code, as recover's would be: EXIT_CODE_ABORTED before
 * apply ran, apply's when it stopped, EXIT_CODE_PARTIAL when every step is
 * done but verify has not run, then verify's.
 */
int			wiz_exit_code(WizBackend *backend);

/* Whether verify finished and found the new coordinator working, nothing running. */
bool		wiz_recovery_verified(WizBackend *backend);

/* The connect screen's fields as the command line (and PG* variables) fill them. */
void		wiz_connect_prefill(const ConnOptions *options, WizConnect *connect);

/* The choose screen's choices as the command line's recovery options fill them. */
void		wiz_choices_prefill(const PlanChoices *given, WizChoices *choices);

/* ---- discovery ---- */
/* Starts discovery; false (with errbuf) when a field makes no sense. */
bool		wiz_discover_start(WizBackend *backend, const WizConnect *connect,
							   char *errbuf, size_t errlen);

/* Nodes as they answer; pending ones with their seconds left. */
WizLines	wiz_discover_progress(WizBackend *backend);

/* Why discovery could not start from the first node, or NULL (malloc'd). */
char	   *wiz_discover_error(WizBackend *backend);

/* The finished discovery: nodes table, old coordinator, catalogs. */
WizLines	wiz_discover_summary(WizBackend *backend);

/*
 * What the last discovery found, for the compare screen: pg_dist_node as
 * each node sees it, placements by group, agreement per node and catalog
 * (wizard_compare.h).  NULL before one finished; the backend keeps it
 * until the next discovery starts.
 */
const CompareModel *wiz_compare_model(WizBackend *backend);

/* Catalog agreement and the differing rows, as the last discovery found them. */
WizLines	wiz_compare_catalogs(WizBackend *backend);

CimMode		wiz_detected_cim(WizBackend *backend);

/* Whether the cluster last discovered runs the tests' stand-in, not Citus. */
bool		wiz_simulation(WizBackend *backend);

/* Reachable metadata-synced workers, as HOST:PORT, for the choose screen. */
WizLines	wiz_workers(WizBackend *backend);

/* ---- plan ---- */
void		wiz_plan_start(WizBackend *backend, const WizChoices *choices);
WizLines	wiz_plan_checks(WizBackend *backend);
/* Whether the plan may not go on: no steps, or a failure not overridden. */
bool		wiz_plan_blocked(WizBackend *backend);
/* Whether a check failed (overridden or not). */
bool		wiz_plan_failed(WizBackend *backend);
int			wiz_plan_steps(WizBackend *backend);

/* How many shards only the old coordinator held, as the last plan found */
int			wiz_plan_lost_shards(WizBackend *backend);

/*
 * Step i (from 0) for the review: what it does in words (its node,
 * purpose, changes, transaction, when it counts as done, undo); apply's
 * check query (NULL for a step that runs on every run, whose check never
 * says done); and its batch exactly as the plan file has it.  NULL for a
 * step that does not exist.
 */
WizLines	wiz_plan_step(WizBackend *backend, int i);
char	   *wiz_plan_step_check(WizBackend *backend, int i);
char	   *wiz_plan_step_batch(WizBackend *backend, int i);
bool		wiz_plan_save(WizBackend *backend, const char *path, char *errbuf, int errlen);

/* ---- apply and verify ---- */
void		wiz_apply_start(WizBackend *backend, const char *workdir);

/* How far a run of the plan has got, from its step events: what execute draws */
typedef struct WizProgress
{
	bool		running;
	int			nsteps;
	int			finished;		/* steps done, found done or committed */
	int			under_way;		/* the step worked on, from 1; 0 before the first and after the last */
	bool		began;			/* its statements started, not only its check */
	int64_t		run_started_ms; /* on the monotonic clock */
	int64_t		step_started_ms;
	/* filled by wiz_apply_progress */
	int64_t		run_ms;			/* how long the run has taken so far, or took */
	int64_t		step_ms;		/* and the step under way */
	const char *node;			/* the step under way's, NULL without one */
	const char *purpose;
} WizProgress;

/*
 * Follows a step event: a step that finishes puts the next one under way,
 * a step that starts (the first, or one of an all-nodes group) is under
 * way from then on.
 */
void		wiz_progress_follow(WizProgress *progress, const Event *event, int64_t now_ms);

WizProgress wiz_apply_progress(WizBackend *backend);

/*
 * SIGINT, SIGTERM, SIGHUP and SIGPIPE as apply takes them (a running
 * apply stops after the step under way); wiz_stop_signalled says one came.
 */
void		wiz_catch_signals(void);
bool		wiz_stop_signalled(void);
void		wiz_apply_request_stop(WizBackend *backend);
/* Verifies the new coordinator; with move_shard, as verify --move-shard does. */
void		wiz_verify_start(WizBackend *backend, bool move_shard);

/* Lines of apply's or verify's events not read yet. */
WizLines	wiz_take_log(WizBackend *backend);

/*
 * Where apply writes, as an absolute path: --workdir's, or the default one
 * made when apply starts; NULL before.
 */
const char *wiz_workdir(WizBackend *backend);
void		wiz_set_workdir(WizBackend *backend, const char *workdir);

#endif
