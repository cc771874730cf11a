/*
 * What the wizard needs from the backend, without libpq or curses on
 * either side: each long operation runs on a thread of its own while the
 * screen keeps handling keys, and the wizard reads plain text back.
 */
#ifndef CITUS_RESCUE_WIZARD_BACKEND_H
#define CITUS_RESCUE_WIZARD_BACKEND_H

#include <stdbool.h>

typedef struct WizBackend WizBackend;

typedef enum WizJob
{
	WIZ_JOB_NONE,
	WIZ_JOB_DISCOVER,
	WIZ_JOB_PLAN,
	WIZ_JOB_APPLY,
	WIZ_JOB_VERIFY
} WizJob;

typedef struct WizConnect
{
	char		host[256];
	char		port[16];
	char		user[128];
	char		dbname[256];
	char		password[256];	/* never shown, never logged */
	int			timeout_s;
} WizConnect;

typedef struct WizChoices
{
	bool		promote;
	char		target[300];	/* HOST:PORT */
	int			cim;			/* 0 detected, 1 include, 2 exclude */
	char		donor[300];		/* empty: the planner chooses */
	bool		rollback_orphans;	/* decide the dead coordinator's prepared ones */
	bool		commit_orphans;
	bool		override_failures;	/* confirmed by the operator, typed */
} WizChoices;

/* A line to show, and whether it deserves attention (an error, a difference) */
typedef struct WizLine
{
	char	   *text;
	int			mark;			/* 0 plain, 1 good, 2 warning, 3 bad */
} WizLine;

typedef struct WizLines
{
	WizLine    *lines;
	int			count;
} WizLines;

WizBackend *wiz_backend_new(void);
void		wiz_backend_free(WizBackend *backend);
void		wiz_lines_free(WizLines *lines);

/* The job running or last run, and whether it has finished. */
WizJob		wiz_job(WizBackend *backend);
bool		wiz_job_done(WizBackend *backend);
int			wiz_job_exit_code(WizBackend *backend);

/* ---- discovery ---- */
void		wiz_discover_start(WizBackend *backend, const WizConnect *connect);

/* Nodes as they answer; pending ones with their seconds left. */
WizLines	wiz_discover_progress(WizBackend *backend);

/* Why discovery could not start from the first node, or NULL (malloc'd). */
char	   *wiz_discover_error(WizBackend *backend);

/* The finished discovery: nodes table, old coordinator, catalogs. */
WizLines	wiz_discover_summary(WizBackend *backend);

/* pg_dist_node as each node sees it, side by side, differences marked. */
WizLines	wiz_compare_nodes(WizBackend *backend);

/* Every placement as the first node has it, marked where nodes differ. */
WizLines	wiz_compare_placements(WizBackend *backend);

/* Catalog agreement and the differing rows. */
WizLines	wiz_compare_catalogs(WizBackend *backend);

/* 1 include, 2 exclude */
int			wiz_detected_cim(WizBackend *backend);

/* Reachable metadata-synced workers, as HOST:PORT, for the choose screen. */
WizLines	wiz_workers(WizBackend *backend);

/* ---- plan ---- */
void		wiz_plan_start(WizBackend *backend, const WizChoices *choices);
WizLines	wiz_plan_checks(WizBackend *backend);
bool		wiz_plan_blocked(WizBackend *backend);
int			wiz_plan_steps(WizBackend *backend);

/* Step i (from 0): its node, purpose and SQL, for the viewer. */
WizLines	wiz_plan_step(WizBackend *backend, int i);
bool		wiz_plan_save(WizBackend *backend, const char *path, char *errbuf, int errlen);

/* ---- apply and verify ---- */
void		wiz_apply_start(WizBackend *backend, const char *workdir);

/*
 * SIGINT, SIGTERM, SIGHUP and SIGPIPE as apply takes them (a running
 * apply stops after the step under way); wiz_stop_signalled says one came.
 */
void		wiz_catch_signals(void);
void		wiz_release_signals(void);
bool		wiz_stop_signalled(void);
void		wiz_apply_request_stop(WizBackend *backend);
void		wiz_verify_start(WizBackend *backend);

/* Output lines of apply or verify not read yet. */
WizLines	wiz_take_log(WizBackend *backend);

const char *wiz_workdir(WizBackend *backend);

#endif
