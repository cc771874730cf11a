#include "config.h"

#include "apply.h"
#include "operator.h"
#include "runlog.h"
#include "backup.h"
#include "events.h"
#include "catalog.h"
#include "exitcodes.h"
#include "journal.h"
#include "pgnode.h"
#include "planfile.h"
#include "report.h"
#include "roles.h"
#include "strbuf.h"
#include "workdir.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

volatile sig_atomic_t apply_stop_requested = 0;
volatile sig_atomic_t apply_stop_signal = 0;
volatile sig_atomic_t apply_in_commit_phase = 0;
static volatile sig_atomic_t apply_signals_quiet = 0;

/*
 * The states of a run, each journaled as its own event when reached:
 * new (an attempt began), gate (one per gate, with its evidence), gated,
 * backed-up, stepping (the first change is about to happen: from here on
 * a rerun resumes), decision (per all-nodes group) and finished.  Before
 * "stepping" an attempt has changed nothing, and a rerun starts afresh
 * with every gate again.
 */
#define EV_NEW			"new"
#define EV_GATE			"gate"
#define EV_GATED		"gated"
#define EV_BACKED_UP	"backed-up"
#define EV_STEPPING		"stepping"
#define EV_DECISION		"decision"
#define EV_FINISHED		"finished"
#define EV_REFUSED		"refused"
#define EV_STOPPED		"stopped"
#define EV_OPERATOR		"operator"
#define EV_FOUND		"found"
#define EV_TYPED		"typed"

typedef struct Run
{
	const Plan *plan;
	ApplyOptions *opts;
	ClusterSnapshot snap;		/* what the gates read */
	SessionPool pool;			/* live sessions, index for index with snap.nodes */
	Workdir		wd;
	Journal		journal;
	char	   *run_id;
	bool		resumable;		/* a "stepping" record is on disk */
	bool		resuming;		/* this attempt continues an earlier one */
	const EventSink *sink;		/* progress */
	const EventSink *errors;	/* the refusal that stops the run */
	StrList		rechecked;		/* the gates a resume re-checked, for the operator */
} Run;

void
apply_conn_options(const Plan *plan, const ConnOptions *given, ConnOptions *out)
{
	char		err[256];
	char	   *host = NULL;
	int			port = 0;

	connopts_init(out);
	if (parse_host_port(plan->first, &host, &port, err, sizeof(err)))
	{
		out->host = host;
		out->port = xasprintf("%d", port);
	}
	out->user = xstrdup_or_null(plan->user);
	out->dbname = xstrdup_or_null(plan->dbname);
	for (int i = 0; i < plan->nmaps; i++)
		connopts_add_map(out, plan->maps[i], err, sizeof(err));
	if (plan->method == METHOD_NEW_NODE)
		out->target = xstrdup_or_null(plan->target);
	if (given)
	{
		out->password_mode = given->password_mode;
		out->password = xstrdup_or_null(given->password);
		out->timeout_ms = given->timeout_ms;
	}
}

/*
 * CITUS_RESCUE_TEST_PAUSE=EVENT:STEP (gates:0, done:1, prepared:2, decision:1) holds
 * the run at that point for a minute, so that tests can kill it there.
 */
static void
test_pause(const char *event, int step)
{
	const char *want = getenv("CITUS_RESCUE_TEST_PAUSE");
	char		here[64];
	size_t		len;
	int64_t		until;

	if (want == NULL)
		return;
	len = (size_t) snprintf(here, sizeof(here), "%s:%d", event, step);
	/* EVENT:STEP pauses a minute, EVENT:STEP:MS that many milliseconds */
	if (strncmp(want, here, len) != 0 || (want[len] != '\0' && want[len] != ':'))
		return;
	until = monotonic_ms() + (want[len] == ':' ? atoi(want + len + 1) : 60000);
	/* a signal ends the pause, as it would end real work there */
	while (monotonic_ms() < until && !apply_stop_requested)
		usleep(20000);
}

void
apply_coordinator_options(const Plan *plan, const ConnOptions *given, ConnOptions *out)
{
	const PlanStep *last = plan->nsteps > 0 ? &plan->steps[plan->nsteps - 1] : NULL;
	char		err[256];
	char	   *host = NULL;
	int			port = 0;

	connopts_init(out);
	/* a plan that does not say where its coordinator is ends on it */
	if (plan->coordinator_at &&
		parse_host_port(plan->coordinator_at, &host, &port, err, sizeof(err)))
	{
		out->host = host;
		out->port = xasprintf("%d", port);
	}
	else
	{
		out->host = last ? xstrdup(last->host) : NULL;
		out->port = last ? xasprintf("%d", last->port) : NULL;
	}
	out->user = xstrdup_or_null(plan->user);
	out->dbname = xstrdup_or_null(plan->dbname);
	if (given)
	{
		out->password = xstrdup_or_null(given->password);
		out->password_mode = given->password_mode;
		out->timeout_ms = given->timeout_ms;
	}
	for (int i = 0; i < plan->nmaps; i++)
		connopts_add_map(out, plan->maps[i], err, sizeof(err));
}

/* The index of the node a step or plan node names, or -1. */
static int
node_index(const Run *run, const char *host, int port)
{
	for (int i = 0; i < run->snap.nnodes; i++)
	{
		const NodeReport *node = &run->snap.nodes[i];

		if (node->host && strcmp(node->host, host) == 0 && node->port == port)
			return i;
	}
	return -1;
}

/* The live session to a node, or NULL when the run has none. */
static PgNode *
session_for(Run *run, const char *host, int port)
{
	int			i = node_index(run, host, port);

	return i >= 0 && i < run->pool.count ? &run->pool.sessions[i] : NULL;
}

/* ---- journaling --------------------------------------------------------- */

static bool
journal_broken(const Run *run)
{
	return run->journal.failure != NULL;
}

static void
journal_error(Run *run, int step, const PgNode *pg, const char *event)
{
	char	   *why = pgerror_format(&pg->error);

	journal_write(&run->journal, step, pg->label, event, why);
	free(why);
}

static int
statement_timeout_ms(const Run *run)
{
	return run->opts->conn->timeout_ms > 300000 ? run->opts->conn->timeout_ms : 330000;
}

typedef enum SqlKind
{
	SQL_CHANGE,					/* not run unless its record is on disk */
	SQL_SETTLING				/* run even when the journal can no longer be written */
} SqlKind;

/*
 * Runs sql on a node, journaling the statement and its outcome.  A
 * statement whose record could not be written is not run: what a rerun
 * cannot see must not happen.  Statements that only move towards a
 * settled state (ROLLBACK, and the commits of a group whose decision is on
 * disk) are the exception.
 */
static bool
run_statement(Run *run, int step, PgNode *pg, const char *sql, SqlKind kind)
{
	bool		ok;

	if (!journal_write(&run->journal, step, pg->label, "statement", sql) && kind == SQL_CHANGE)
	{
		pgerror_set(&pg->error, NULL, run->journal.failure, NULL, NULL);
		return false;
	}
	ok = pgnode_query(pg, sql, 0, NULL, statement_timeout_ms(run));
	if (ok)
		journal_write(&run->journal, step, pg->label, "ok", NULL);
	else
		journal_error(run, step, pg, "error");
	return ok;
}

static bool
run_sql(Run *run, int step, PgNode *pg, const char *sql)
{
	return run_statement(run, step, pg, sql, SQL_CHANGE);
}

static bool
run_settling_sql(Run *run, int step, PgNode *pg, const char *sql)
{
	return run_statement(run, step, pg, sql, SQL_SETTLING);
}

/* The step's read-only check: 1 when it is already done, 0 not, -1 error. */
static int
step_done(Run *run, const PlanStep *step, PgNode *pg)
{
	if (!pgnode_query(pg, step->check_sql, 0, NULL, run->opts->conn->timeout_ms))
	{
		journal_error(run, step->number, pg, "check-error");
		return -1;
	}
	if (PQntuples(pg->result) == 1 && strcmp(PQgetvalue(pg->result, 0, 0), "t") == 0)
		return 1;
	return 0;
}

static void
print_error(Run *run, const PgNode *pg)
{
	char	   *heading = xasprintf("      error on %s:", pg->label);
	char	   *shown = terminal_safe_dup(heading);
	Event		event = {.kind = EVENT_NOTE, .level = NOTE_ERROR, .error = &pg->error};

	/* the heading belongs to the error too: a sink that shows it whole skips it */
	event.text = shown;
	event_emit(run->sink, &event);
	event_error(run->sink, "        ", &pg->error);
	free(shown);
	free(heading);
}

static void
progress(Run *run, const PlanStep *step, StepState state, int64_t duration_ms,
		 const PgError *error, const char *fmt,...) __attribute__((format(printf, 6, 7)));

/* "[3/7] host:port: done (12 ms)", as an event with the step's new state */
static void
progress(Run *run, const PlanStep *step, StepState state, int64_t duration_ms,
		 const PgError *error, const char *fmt,...)
{
	va_list		ap;
	char	   *what;
	StrBuf		line;
	Event		event = {.kind = EVENT_STEP};

	va_start(ap, fmt);
	what = xvasprintf(fmt, ap);
	va_end(ap);
	strbuf_init(&line);
	strbuf_printf(&line, "[%d/%d] ", step->number, run->plan->nsteps);
	append_terminal_safe(&line, step->label);
	strbuf_append(&line, ": ");
	append_terminal_safe(&line, what);
	event.text = line.data;
	event.node = step->label;
	event.step = step->number;
	event.nsteps = run->plan->nsteps;
	event.state = state;
	event.duration_ms = duration_ms;
	event.error = error;
	event.message = what;
	event_emit(run->sink, &event);
	strbuf_free(&line);
	free(what);
}

/* Where a step's work begins, for a front end that shows the step under way */
static void
step_started(Run *run, const PlanStep *step)
{
	Event		event = {.kind = EVENT_STEP, .state = STEP_STARTED};

	event.node = step->label;
	event.step = step->number;
	event.nsteps = run->plan->nsteps;
	event_emit(run->sink, &event);
}

static char *
run_gid(const Run *run, const PlanStep *step)
{
	return xasprintf(RESCUE_GID_PREFIX "%s_%d_%d", run->run_id, step->atomic_group, step->number);
}

/*
 * Ends the failed transaction of a step on its node, keeping the error that
 * failed it (not the ROLLBACK's) for the report.
 */
static void
rollback_keeping_error(Run *run, const PlanStep *step, PgNode *pg)
{
	PgError		saved = {0};

	pgerror_copy(&saved, &pg->error);
	if (pg->state == PGNODE_READY)
		run_settling_sql(run, step->number, pg, "ROLLBACK");
	pgerror_copy(&pg->error, &saved);
	pgerror_clear(&saved);
}

/*
 * Steps wait at most their lock_timeout for a lock, so that a queue behind
 * them never stalls the application for long.  A lock that stays taken
 * rolls the step back; it is tried again a few times before the run stops.
 */
#define LOCK_ATTEMPTS 5

static bool stop_requested(void);

static bool
try_again_after_lock(Run *run, const PlanStep *step, PgNode *pg, int attempt)
{
	if (strcmp(pg->error.sqlstate, "55P03") != 0 || attempt >= LOCK_ATTEMPTS ||
		stop_requested() || journal_broken(run))
		return false;
	event_note(run->sink, NOTE_WARNING, "      [%d/%d] a lock on %s was not granted in time: rolled back, trying again"
			   " (attempt %d of %d)", step->number, run->plan->nsteps, pg->label, attempt + 1, LOCK_ATTEMPTS);
	usleep((useconds_t) attempt * 300000);
	return true;
}

/* One try at a step in its own transaction; false (and rolled back) when it failed before COMMIT */
static bool
local_step_body(Run *run, const PlanStep *step, PgNode *pg)
{
	if (run_sql(run, step->number, pg, "BEGIN") &&
		run_sql(run, step->number, pg, step->sql) &&
		!journal_broken(run))
		return true;
	rollback_keeping_error(run, step, pg);
	return false;
}

static bool
run_local_step(Run *run, const PlanStep *step, PgNode *pg)
{
	int64_t		start = monotonic_ms();

	if (step->txn == STEP_TXN_NONE)
	{
		if (!run_sql(run, step->number, pg, step->sql))
		{
			progress(run, step, STEP_FAILED, 0, &pg->error, "FAILED");
			print_error(run, pg);
			return false;
		}
	}
	else
	{
		int			attempt = 1;

		while (!local_step_body(run, step, pg))
			if (!try_again_after_lock(run, step, pg, attempt++))
			{
				progress(run, step, STEP_FAILED, 0, &pg->error, "FAILED, rolled back: nothing of this step was applied");
				print_error(run, pg);
				return false;
			}
		if (!run_sql(run, step->number, pg, "COMMIT"))
		{
			if (pg->state == PGNODE_READY && pgnode_in_transaction(pg))
			{
				rollback_keeping_error(run, step, pg);
				progress(run, step, STEP_FAILED, 0, &pg->error, "FAILED, rolled back: nothing of this step was applied");
			}
			else
				progress(run, step, STEP_FAILED, 0, &pg->error, "FAILED at COMMIT");
			print_error(run, pg);
			return false;
		}
	}
	if (!journal_write(&run->journal, step->number, pg->label, "done", NULL))
		return false;
	progress(run, step, STEP_DONE, monotonic_ms() - start, NULL, "done (%lld ms)",
			 (long long) (monotonic_ms() - start));
	test_pause("done", step->number);
	return true;
}

/* The steps of one all-nodes group, and which of them are still to do */
typedef struct AtomicGroup
{
	int			group;
	int			first;			/* index of its first step */
	int			last;
	int		   *todo;			/* indexes of the steps not done yet */
	int			ntodo;
	int			nprepared;		/* of todo, in order */
	int64_t    *prepare_ms;		/* how long each of todo took to prepare */
} AtomicGroup;

/* Asks each step's check; false when a node cannot be asked. */
static bool
group_find_todo(Run *run, AtomicGroup *g)
{
	for (int i = g->first; i <= g->last; i++)
	{
		const PlanStep *step = &run->plan->steps[i];
		PgNode	   *pg = session_for(run, step->host, step->port);
		int			done;

		if (pg == NULL || pg->state != PGNODE_READY)
		{
			progress(run, step, STEP_FAILED, 0, NULL, "FAILED: no session to this node");
			return false;
		}
		done = step_done(run, step, pg);
		if (done < 0)
		{
			progress(run, step, STEP_FAILED, 0, &pg->error, "FAILED to check");
			print_error(run, pg);
			return false;
		}
		if (done)
		{
			journal_write(&run->journal, step->number, pg->label, "skipped", "already done");
			progress(run, step, STEP_ALREADY_DONE, 0, NULL, "already done");
		}
		else
			g->todo[g->ntodo++] = i;
	}
	return true;
}

/* Prepares each step's transaction; stops at the first that fails. */
static bool
group_prepare(Run *run, AtomicGroup *g)
{
	bool		ok = true;

	for (int k = 0; k < g->ntodo && ok; k++)
	{
		const PlanStep *step = &run->plan->steps[g->todo[k]];
		PgNode	   *pg = session_for(run, step->host, step->port);
		char	   *gid = run_gid(run, step);
		int64_t		start = monotonic_ms();
		StrBuf		prepare;
		int			attempt = 1;
		bool		prepared;

		step_started(run, step);
		strbuf_init(&prepare);
		strbuf_append(&prepare, "PREPARE TRANSACTION ");
		sql_append_literal(&prepare, gid);
		for (;;)
		{
			prepared = local_step_body(run, step, pg);
			if (prepared && !(prepared = run_sql(run, step->number, pg, prepare.data)))
				rollback_keeping_error(run, step, pg);
			if (prepared || !try_again_after_lock(run, step, pg, attempt++))
				break;
		}
		if (!prepared)
		{
			progress(run, step, STEP_FAILED, 0, &pg->error, "FAILED");
			print_error(run, pg);
			ok = false;
		}
		else
		{
			/* prepared whether or not the record could be written: the rerun finds it by its gid */
			g->prepare_ms[k] = monotonic_ms() - start;
			g->nprepared++;
			if (journal_write(&run->journal, step->number, pg->label, "prepared", gid))
			{
				progress(run, step, STEP_PREPARED, g->prepare_ms[k], NULL, "prepared (%lld ms)",
						 (long long) g->prepare_ms[k]);
				test_pause("prepared", step->number);
			}
			else
				ok = false;
		}
		strbuf_free(&prepare);
		free(gid);
	}
	return ok;
}

/* Commits or rolls back every prepared part, as decided; false if one could not be. */
static bool
group_finish(Run *run, AtomicGroup *g, bool commit)
{
	bool		ok = true;

	for (int k = 0; k < g->nprepared; k++)
	{
		const PlanStep *step = &run->plan->steps[g->todo[k]];
		PgNode	   *pg = session_for(run, step->host, step->port);
		char	   *gid = run_gid(run, step);
		int64_t		start = monotonic_ms();
		StrBuf		finish;

		strbuf_init(&finish);
		strbuf_append(&finish, commit ? "COMMIT PREPARED " : "ROLLBACK PREPARED ");
		sql_append_literal(&finish, gid);
		if (run_settling_sql(run, step->number, pg, finish.data))
		{
			/* the step's own time: its prepare and its commit, not its wait for the others */
			int64_t		took = g->prepare_ms[k] + monotonic_ms() - start;

			journal_write(&run->journal, step->number, pg->label,
						  commit ? "done" : "rolled-back", gid);
			if (commit)
				progress(run, step, STEP_COMMITTED, took, NULL, "committed (%lld ms)", (long long) took);
			else
				progress(run, step, STEP_ROLLED_BACK, 0, NULL, "rolled back: nothing of this step was applied");
		}
		else
		{
			/* the decision is journaled: a rerun finishes it */
			progress(run, step, STEP_FAILED, 0, &pg->error, "could not %s its prepared transaction %s; run again to settle it",
					 commit ? "commit" : "roll back", gid);
			print_error(run, pg);
			ok = false;
		}
		strbuf_free(&finish);
		free(gid);
	}
	return ok;
}

/*
 * All-or-nothing over several nodes: each node's batch is prepared; only
 * when all are, the decision to commit is on disk (file and directory),
 * then each is committed.  A crash before the decision leaves prepared
 * transactions a rerun rolls back; after it, ones a rerun commits.  Once
 * the decision is taken nothing stops the commits: not a signal, not a
 * journal that can no longer be written.
 */

/* Each prepared part's fate as a typed event; text mode shows the steps' own lines */
static void
announce_group_decision(Run *run, const AtomicGroup *g, bool commit, const char *decided_by)
{
	for (int k = 0; k < g->nprepared; k++)
	{
		const PlanStep *step = &run->plan->steps[g->todo[k]];
		char	   *gid = run_gid(run, step);
		Event		event = {.kind = EVENT_DECISION, .commit = commit};

		event.gid = gid;
		event.node = step->label;
		event.message = decided_by;
		event.step = step->number;
		event_emit(run->sink, &event);
		free(gid);
	}
}

static bool
run_atomic_group(Run *run, int first_index, int *last_index)
{
	const Plan *plan = run->plan;
	AtomicGroup g = {.group = plan->steps[first_index].atomic_group, .first = first_index};
	bool		ok;
	bool		commit;
	char		decision_detail[64];

	g.last = first_index;
	while (g.last + 1 < plan->nsteps && plan->steps[g.last + 1].txn == STEP_TXN_ATOMIC &&
		   plan->steps[g.last + 1].atomic_group == g.group)
		g.last++;
	*last_index = g.last;
	g.todo = xcalloc((size_t) (g.last - g.first + 1), sizeof(int));
	g.prepare_ms = xcalloc((size_t) (g.last - g.first + 1), sizeof(int64_t));
	if (!group_find_todo(run, &g))
	{
		free(g.todo);
		free(g.prepare_ms);
		return false;
	}
	ok = group_prepare(run, &g);

	/* without a decision on disk, a rerun rolls back: so must this run */
	snprintf(decision_detail, sizeof(decision_detail), "group %d: %s", g.group,
			 ok ? "commit" : "rollback");
	commit = journal_write_durable(&run->journal, plan->steps[first_index].number, "",
								   EV_DECISION, decision_detail) && ok;
	announce_group_decision(run, &g, commit,
							!ok ? "apply: a part of the group failed to prepare" :
							commit ? "apply: every part of the group prepared" :
							"apply: the decision could not be journaled");
	apply_in_commit_phase = commit;
	if (commit)
		test_pause("decision", g.group);
	ok = group_finish(run, &g, commit) && ok;
	apply_in_commit_phase = 0;
	free(g.todo);
	free(g.prepare_ms);
	return ok && commit && !journal_broken(run);
}

/* The group a gid of this run names, or -1 */
static int
gid_group(const Run *run, const char *gid)
{
	char	   *prefix = xasprintf(RESCUE_GID_PREFIX "%s_", run->run_id);
	size_t		len = strlen(prefix);
	int			group = -1;

	if (strncmp(gid, prefix, len) == 0)
		group = atoi(gid + len);
	free(prefix);
	return group;
}

static bool
group_decided_commit(const Run *run, int group)
{
	char		want[64];

	snprintf(want, sizeof(want), "group %d: commit", group);
	for (int i = 0; i < run->journal.nentries; i++)
		if (strcmp(run->journal.entries[i].event, EV_DECISION) == 0 &&
			strcmp(run->journal.entries[i].detail, want) == 0)
			return true;
	return false;
}

static void
announce_settling(Run *run, const char *gid, const char *node, bool commit)
{
	char	   *line = xasprintf("settling %s on %s left by an interrupted run: %s",
								 gid, node, commit ? "commit" : "roll back");
	char	   *shown = terminal_safe_dup(line);
	Event		event = {.kind = EVENT_DECISION, .commit = commit};

	event.text = shown;
	event.gid = gid;
	event.node = node;
	event.message = "the journal of the interrupted run";
	event_emit(run->sink, &event);
	free(shown);
	free(line);
}

/* Finishes what a killed run left prepared, by the decision it journaled. */
static bool
settle_prepared(Run *run)
{
	bool		ok = true;

	for (int i = 0; i < run->snap.nnodes && i < run->pool.count; i++)
	{
		NodeReport *node = &run->snap.nodes[i];
		PgNode	   *pg = &run->pool.sessions[i];

		if (!node->reachable)
			continue;
		for (int x = 0; x < node->nprepared; x++)
		{
			int			group = gid_group(run, node->prepared[x].gid);
			bool		commit;
			StrBuf		sql;

			if (group < 0)
				continue;
			commit = group_decided_commit(run, group);
			announce_settling(run, node->prepared[x].gid, pg->label, commit);
			strbuf_init(&sql);
			strbuf_append(&sql, commit ? "COMMIT PREPARED " : "ROLLBACK PREPARED ");
			sql_append_literal(&sql, node->prepared[x].gid);
			if (!run_sql(run, 0, pg, sql.data))
			{
				print_error(run, pg);
				ok = false;
			}
			strbuf_free(&sql);
		}
	}
	return ok;
}

static bool
terminal_confirm(const char *question, void *arg)
{
	FILE	   *tty = fopen("/dev/tty", "r+");
	char		answer[32] = "";

	(void) arg;
	if (tty == NULL)
		return false;
	fprintf(tty, "%s", question);
	fflush(tty);
	if (fgets(answer, sizeof(answer), tty) == NULL)
		answer[0] = '\0';
	fclose(tty);
	answer[strcspn(answer, "\r\n")] = '\0';
	runlog_typed(question, answer);
	return strcmp(answer, "yes") == 0;
}

/* ---- gates ---------------------------------------------------------------- */

static void
gate_passed(Run *run, const char *name, const char *evidence)
{
	char	   *detail = xasprintf("%s: %s", name, evidence);

	Event		event = {.kind = EVENT_CHECK, .phase = "gate", .status = CHECK_PASS};

	journal_write(&run->journal, 0, "", EV_GATE, detail);
	/* no text: the printed run says nothing of a gate passed, as before */
	event.name = name;
	event.message = evidence;
	event_emit(run->sink, &event);
	if (run->resuming)
		strlist_add(&run->rechecked, detail);
	free(detail);
}

static bool
is_plan_target(const Run *run, const NodeReport *node)
{
	return node->is_target ||
		(run->plan->target && node->label && strcmp(node->label, run->plan->target) == 0);
}

/* Whether a server answers at HOST:PORT at all (a refusal to log in is an answer). */
static bool
address_answers(const Run *run, const char *address, char *why, size_t whylen)
{
	char		err[256];
	char	   *host = NULL;
	int			port = 0;
	PgPing		ping;

	if (!parse_host_port(address, &host, &port, err, sizeof(err)))
	{
		snprintf(why, whylen, "its address %s cannot be parsed", address);
		return true;
	}
	ping = pgnode_ping(host, port, run->plan->dbname, run->plan->user, run->opts->conn->timeout_ms);
	free(host);
	if (ping != PGPING_SILENT)
	{
		snprintf(why, whylen, "the old coordinator at %s answers again (%s)", address,
				 ping == PGPING_ACCEPTS ? "it accepts connections" : "it is up but rejects connections");
		return true;
	}
	snprintf(why, whylen, "%s: no server answers", address);
	return false;
}

/*
 * The old coordinator must be gone: its address must not answer, and no
 * node but the one the plan makes coordinator may act as one (local group
 * 0, or a group-0 row that answers).  Asked anew each time: at the start
 * of a run and right before its first statement.
 */
/*
 * Whether this run's discovery, moments ago, waited its whole timeout on
 * address and heard nothing: asking again at once would only wait again.
 * The last look, right before the first statement, always asks.
 */
static bool
discovery_waited_for(const Run *run, const char *address)
{
	for (int i = 0; i < run->snap.nnodes; i++)
	{
		const NodeReport *node = &run->snap.nodes[i];

		if (node->label && strcmp(node->label, address) == 0)
			return !node->reachable && node->timed_out;
	}
	return false;
}

static bool
old_coordinator_gone(Run *run, bool ask_local_groups, StrBuf *evidence, StrBuf *problem)
{
	char		why[512];
	int			asked = 0;

	if (run->plan->old_coordinator && !ask_local_groups && discovery_waited_for(run, run->plan->old_coordinator))
		strbuf_printf(evidence, "%s: no server answered this run's discovery of the cluster, which waited"
					  " its timeout for it; ", run->plan->old_coordinator);
	else if (run->plan->old_coordinator)
	{
		if (address_answers(run, run->plan->old_coordinator, why, sizeof(why)))
			strbuf_printf(problem, "%s%s", problem->len ? "; " : "", why);
		else
			strbuf_printf(evidence, "%s; ", why);
	}
	else
		strbuf_append(evidence, "no old coordinator address known (CIM exclude without --old-coordinator); ");

	if (ask_local_groups)
	{
		PgNode	  **pgs = xcalloc((size_t) run->snap.nnodes, sizeof(PgNode *));
		const char **sql = xcalloc((size_t) run->snap.nnodes, sizeof(char *));

		for (int i = 0; i < run->snap.nnodes && i < run->pool.count; i++)
			if (run->pool.sessions[i].state == PGNODE_READY && run->snap.nodes[i].is_citus)
			{
				pgs[i] = &run->pool.sessions[i];
				sql[i] = "SELECT groupid, pg_catalog.pg_is_in_recovery() FROM pg_catalog.pg_dist_local_group";
			}
		pgnodes_query(pgs, sql, run->snap.nnodes, 0, NULL, run->opts->conn->timeout_ms, NULL, NULL);
		for (int i = 0; i < run->snap.nnodes; i++)
		{
			NodeReport *node = &run->snap.nodes[i];
			PgNode	   *pg = &run->pool.sessions[i];

			if (sql[i] == NULL)
				continue;
			if (pg->state == PGNODE_READY && pg->result &&
				PQresultStatus(pg->result) == PGRES_TUPLES_OK && PQntuples(pg->result) == 1 &&
				PQnfields(pg->result) == 2)
			{
				node->local_group = atoi(PQgetvalue(pg->result, 0, 0));
				/* a standby of the old coordinator promoted since discovery acts as one */
				node->in_recovery = strcmp(PQgetvalue(pg->result, 0, 1), "t") == 0;
				asked++;
			}
		}
		free(pgs);
		free(sql);
	}
	for (int i = 0; i < run->snap.nnodes; i++)
	{
		const NodeReport *node = &run->snap.nodes[i];

		/* in recovery it coordinates nothing; pre-flight told the operator to retire it */
		if (!node->reachable || is_plan_target(run, node) || node_is_coordinator_standby(node))
			continue;
		if (node->local_group == 0)
			strbuf_printf(problem, "%s%s has local group 0: it acts as a coordinator",
						  problem->len ? "; " : "", node->label);
		else if (node->in_metadata && node->meta.groupid == 0)
			strbuf_printf(problem, "%sthe coordinator row %s answers",
						  problem->len ? "; " : "", node->label);
	}
	if (!ask_local_groups)
		for (int i = 0; i < run->snap.nnodes; i++)
			if (run->snap.nodes[i].reachable && run->snap.nodes[i].is_citus)
				asked++;
	strbuf_printf(evidence, "no node but the new coordinator has local group 0 (%d nodes asked)", asked);
	return problem->len == 0;
}

/* The plan must still describe the cluster: same nodes, same metadata. */
static bool
plan_still_matches(Run *run, StrBuf *problem)
{
	bool		ok = true;

	for (int i = 0; i < run->plan->nnodes; i++)
	{
		const PlanNode *pn = &run->plan->nodes[i];
		int			index = node_index(run, pn->host, pn->port);
		char	   *now;

		if (index < 0 || !run->snap.nodes[index].reachable)
		{
			strbuf_printf(problem, "  %s: no longer answers\n", pn->label);
			ok = false;
			continue;
		}
		now = node_fingerprint(&run->snap.nodes[index]);
		if (strcmp(now, pn->fingerprint) != 0)
		{
			strbuf_printf(problem, "  %s: its metadata changed since the plan was made\n", pn->label);
			ok = false;
		}
		free(now);
	}
	return ok;
}

/* Whether an earlier attempt may have committed anything. */
static bool
journal_shows_change(const Run *run)
{
	for (int i = 0; i < run->journal.nentries; i++)
	{
		const JournalEntry *e = &run->journal.entries[i];

		if (strcmp(e->event, "done") == 0)
			return true;
		if (strcmp(e->event, EV_DECISION) == 0 && strstr(e->detail, ": commit"))
			return true;
		if (strcmp(e->event, "statement") != 0)
			continue;
		if (strcmp(e->detail, "COMMIT") == 0 || strncmp(e->detail, "COMMIT PREPARED", 15) == 0)
			return true;
		for (int s = 0; s < run->plan->nsteps; s++)
			if (run->plan->steps[s].number == e->step && run->plan->steps[s].txn == STEP_TXN_NONE)
				return true;
	}
	return false;
}

/*
 * Fresh, or resumed before anything could have been committed: the plan's
 * fingerprints.  Resumed after: the run's own first change must still be
 * in place (nobody put the metadata back or recovered the cluster another
 * way since).  A later step whose check no longer holds is run again: a
 * check that looks across nodes (a metadata sync) turns false when a node
 * returns, which is what the operator was told to bring about.
 */
static bool
cluster_as_expected(Run *run, StrBuf *evidence, StrBuf *problem)
{
	int			checked = 0;

	if (!run->resuming || !journal_shows_change(run))
	{
		if (!plan_still_matches(run, problem))
			return false;
		strbuf_printf(evidence, "all %d nodes of the plan answer with the metadata fingerprints it was made from",
					  run->plan->nnodes);
		return true;
	}
	for (int i = 0; i < run->plan->nsteps; i++)
	{
		const PlanStep *step = &run->plan->steps[i];
		PgNode	   *pg;
		int			done;

		if (!journal_has(&run->journal, step->number, "done"))
			continue;
		pg = session_for(run, step->host, step->port);
		if (pg == NULL || pg->state != PGNODE_READY)
		{
			if (checked == 0)
			{
				strbuf_printf(problem, "  step %d was done, but %s does not answer to check it\n",
							  step->number, step->label);
				return false;
			}
			continue;
		}
		done = step_done(run, step, pg);
		if (done < 0)
		{
			char	   *why = pgerror_format(&pg->error);

			strbuf_printf(problem, "  step %d was done, but its check failed on %s: %s\n",
						  step->number, step->label, why);
			free(why);
			return false;
		}
		if (done == 0 && checked == 0)
		{
			strbuf_printf(problem, "  step %d, the first change of this run, is no longer in place on %s: "
						  "someone changed the cluster since (restore.sh, or another recovery)\n",
						  step->number, step->label);
			return false;
		}
		strbuf_printf(evidence, "%sstep %d %s", checked ? ", " : "", step->number,
					  done ? "still done" : "no longer done (runs again)");
		checked++;
	}
	if (checked == 0)
		strbuf_append(evidence, "no step journaled done yet");
	else
		strbuf_append(evidence, ", by their checks");
	return true;
}

static int
refuse(Run *run, const char *hint, const char *fmt,...) __attribute__((format(printf, 3, 4)));
static const char *signal_name(int signo);

#define HINT_STOP_OLD_COORDINATOR \
	"Stop the old coordinator for good (or fence it off the network), then run the same command again."
#define HINT_FIX_AND_RESUME \
	"Fix the cause shown above, then run the same command again to resume."

/*
 * Stops the run: exit 11 once anything may have been committed (run again
 * to resume), 10 while nothing was.
 */
static int
refuse_error(Run *run, const PgError *error)
{
	PgError		shown = {0};
	char	   *text;

	pgerror_copy(&shown, error);
	if (run->journal.failure && !strstr(error->message, run->journal.failure) && shown.detail == NULL)
		shown.detail = xstrdup(run->journal.failure);
	text = pgerror_format(&shown);
	journal_write(&run->journal, 0, "", run->resumable ? EV_STOPPED : EV_REFUSED, text);
	free(text);
	if (run->errors)
		event_refusal(run->errors, &shown);
	pgerror_clear(&shown);
	return journal_shows_change(run) ? EXIT_CODE_PARTIAL : EXIT_CODE_ABORTED;
}

static int
refuse(Run *run, const char *hint, const char *fmt,...)
{
	va_list		ap;
	char	   *message;
	PgError		error = {0};
	int			code;

	va_start(ap, fmt);
	message = xvasprintf(fmt, ap);
	va_end(ap);
	pgerror_set(&error, NULL, message, NULL, hint);
	code = refuse_error(run, &error);
	pgerror_clear(&error);
	free(message);
	return code;
}

const char *
apply_stop_signal_name(void)
{
	return signal_name(apply_stop_signal);
}

static const char *
signal_name(int signo)
{
	switch (signo)
	{
		case SIGINT:
			return "SIGINT";
		case SIGTERM:
			return "SIGTERM";
		case SIGHUP:
			return "SIGHUP";
		case SIGPIPE:
			return "SIGPIPE";
		default:
			return "a signal";
	}
}

static int
refuse_stopped(Run *run, const char *where)
{
	if (journal_shows_change(run))
		return refuse(run, "Run the same command again to resume.", "stopped on %s %s",
					  signal_name(apply_stop_signal), where);
	return refuse(run, "Run the same command again to go on.", "stopped on %s %s: nothing was changed",
				  signal_name(apply_stop_signal), where);
}

/* A resumed run whose finished steps someone undid or overtook. */
static int
refuse_changed(Run *run, const char *problem)
{
	char	   *hint = xasprintf("Find out who changed it; the backup in %s/backup (restore.sh) puts every node back as it was before the run.",
								 run->wd.path);
	int			code = refuse(run, hint, "the cluster is not as the finished steps of this run left it:\n%s",
							  problem);

	free(hint);
	return code;
}

static int
refuse_journal(Run *run)
{
	return refuse(run, journal_shows_change(run) ?
				  "Free space or fix the disk, then run the same command again to resume." :
				  "Free space or fix the disk, then run the same command again: nothing was changed.",
				  "%s", run->journal.failure);
}

/* ---- the work directory ----------------------------------------------------- */

#define PLAN_NAME "plan.sql"

/*
 * Puts the plan into the work directory.  A resumable run keeps its own
 * plan; an attempt that changed nothing may be replaced, and says so.
 */
static bool
place_plan(Run *run, const char *plan_text, PgError *error)
{
	char		errbuf[1024];
	char		ignore[512];
	char	   *existing = read_private_file(run->wd.fd, run->wd.path, PLAN_NAME, ignore, sizeof(ignore));
	bool		ok = true;

	if (existing == NULL && errno != ENOENT)
	{
		pgerror_set(error, NULL, ignore, NULL, NULL);
		return false;
	}
	if (existing && strcmp(existing, plan_text) == 0)
	{
		free(existing);
		return true;
	}
	if (run->resumable)
	{
		char		want[16];
		const char *stepping = journal_find(&run->journal, EV_STEPPING);

		snprintf(want, sizeof(want), "plan %08x", crc32_of(plan_text, strlen(plan_text)));
		if (existing || stepping == NULL || strstr(stepping, want) == NULL)
		{
			char	   *hint = xasprintf("Resume it with: citus-rescue apply %s/" PLAN_NAME " --workdir %s",
										 run->wd.path, run->wd.path);

			pgerror_setf(error, "the work directory %s holds a recovery under way with another plan",
						 run->wd.path);
			pgerror_set_hint(error, hint);
			free(hint);
			free(existing);
			return false;
		}
	}
	if (existing)
	{
		event_note(run->sink, NOTE_INFO, "Replacing the plan in %s/" PLAN_NAME ": the attempt that saved it changed nothing.",
				   run->wd.path);
		unlinkat(run->wd.fd, PLAN_NAME, 0);
	}
	ok = write_private_file(run->wd.fd, run->wd.path, PLAN_NAME, plan_text, strlen(plan_text),
							errbuf, sizeof(errbuf));
	if (!ok)
		pgerror_set(error, NULL, errbuf, NULL, NULL);
	else if (!fsync_dir(run->wd.fd))
	{
		pgerror_setf(error, "could not sync the work directory %s: %s", run->wd.path, strerror(errno));
		ok = false;
	}
	free(existing);
	return ok;
}

bool
apply_peek_workdir(const char *dir, bool *resumable, char **plan_text, PgError *error)
{
	Workdir		wd;
	Journal		journal;
	struct stat st;
	char		errbuf[1024];
	bool		ok;

	*resumable = false;
	*plan_text = NULL;
	if (lstat(dir, &st) != 0 && errno == ENOENT)
		return true;
	if (!workdir_open(&wd, dir, error))
		return false;
	ok = journal_open(&journal, &wd, error);
	if (ok && journal_find(&journal, EV_STEPPING))
	{
		*resumable = true;
		*plan_text = read_private_file(wd.fd, wd.path, PLAN_NAME, errbuf, sizeof(errbuf));
		ok = *plan_text != NULL;
		if (!ok)
			pgerror_set(error, NULL, errbuf, NULL, NULL);
	}
	journal_close(&journal);
	workdir_close(&wd);
	return ok;
}

/* ---- the run ------------------------------------------------------------------ */

static char *
new_run_id(void)
{
	char	   *now = timestamp_now();
	StrBuf		id;

	/* digits of the start time: unique enough, and readable in pg_prepared_xacts */
	strbuf_init(&id);
	for (const char *p = now; *p; p++)
		if (*p >= '0' && *p <= '9')
			strbuf_append_char(&id, *p);
	free(now);
	return strbuf_steal(&id);
}

/* "run 20261129... plan 1a2b3c4d" -> the run id */
static char *
run_id_of(const char *stepping)
{
	const char *p = strncmp(stepping, "run ", 4) == 0 ? stepping + 4 : stepping;
	size_t		len = strspn(p, "0123456789");

	return xstrndup(p, len);
}

static bool
stop_requested(void)
{
	return apply_stop_requested != 0;
}

/* ---- the gates, each a phase of its own ---------------------------------------- */

/* Reads the cluster the plan names, keeping the sessions for the steps. */
/* What each node was when the run looked, for the report of the incident */
static void
journal_found_nodes(Run *run)
{
	for (int i = 0; i < run->snap.nnodes; i++)
	{
		const NodeReport *node = &run->snap.nodes[i];
		char	   *detail;

		if (node->reachable)
			detail = xasprintf("answered; PostgreSQL %s; Citus %s; local group %d; %s",
							   node->server_version ? node->server_version : "unknown",
							   node->citus_extension_version ? node->citus_extension_version : "none",
							   node->local_group,
							   node->is_target ? "the node to become coordinator" :
							   node->in_metadata ? "in pg_dist_node" : "probed, not in pg_dist_node");
		else
			detail = xasprintf("did not answer: %s",
							   node->error.message ? node->error.message : "no reason given");
		journal_write(&run->journal, 0, node->label, EV_FOUND, detail);
		free(detail);
	}
}

static int
phase_read_cluster(Run *run)
{
	ApplyOptions *opts = run->opts;
	ConnOptions conn;
	DiscoverHooks hooks = {0};

	/*
	 * The gates need the catalogs' digests, roles and connections (whose
	 * check reads the ledger's authinfo); the leftovers and the lost or
	 * unknown shards were for the plan's report (lost shards follow from
	 * the catalogs the digests cover).
	 */
	if (opts->hooks)
		hooks = *opts->hooks;
	hooks.skip = DISCOVER_SKIP_LEFTOVERS | DISCOVER_SKIP_SHARDS;
	apply_conn_options(run->plan, opts->conn, &conn);
	event_note(run->sink, NOTE_INFO, "Checking the cluster against the plan...");
	test_pause("gates", 0);
	discover_cluster(&conn, &hooks, &run->snap, &run->pool);
	if (conn.password && opts->conn->password == NULL)
		opts->conn->password = xstrdup(conn.password);
	connopts_free(&conn);
	if (stop_requested())
		return refuse_stopped(run, "while the cluster was being checked");
	if (run->snap.fatal.message)
		return refuse_error(run, &run->snap.fatal);
	journal_found_nodes(run);
	return EXIT_CODE_OK;
}

/*
 * A coordinator that answers would make two.  The first look trusts what
 * discovery read; the last, right before the first statement, asks every
 * node for its local group again.
 */
static int
phase_old_coordinator_gone(Run *run, bool last_look)
{
	StrBuf		evidence;
	StrBuf		problem;
	bool		ok;
	int			code = EXIT_CODE_OK;

	strbuf_init(&evidence);
	strbuf_init(&problem);
	ok = old_coordinator_gone(run, last_look, &evidence, &problem);
	if (ok && !last_look && !run->resuming && run->snap.coordinator_alive)
	{
		strbuf_append(&problem, run->snap.coordinator_alive_why);
		ok = false;
	}
	if (!ok)
		code = refuse(run, HINT_STOP_OLD_COORDINATOR, "%s", problem.data);
	else if (last_look)
	{
		char	   *detail = xasprintf("right before the first statement: %s", evidence.data);

		gate_passed(run, "old-coordinator-gone", detail);
		free(detail);
	}
	else
		gate_passed(run, "old-coordinator-gone", evidence.data);
	strbuf_free(&evidence);
	strbuf_free(&problem);
	return code;
}

/* Fresh: the plan still describes the cluster.  Resumed: the run's own changes hold. */
static int
phase_cluster_as_expected(Run *run)
{
	StrBuf		evidence;
	StrBuf		problem;
	int			code = EXIT_CODE_OK;

	strbuf_init(&evidence);
	strbuf_init(&problem);
	if (!cluster_as_expected(run, &evidence, &problem))
		code = run->resuming && journal_shows_change(run) ?
			refuse_changed(run, problem.data) :
			refuse(run, "Make a new plan and review it.",
				   "the plan is stale: the cluster changed since it was made\n%s", problem.data);
	else
		gate_passed(run, run->resuming ? "cluster-as-journaled" : "plan-matches", evidence.data);
	strbuf_free(&evidence);
	strbuf_free(&problem);
	if (code == EXIT_CODE_OK && stop_requested())
		return refuse_stopped(run, "before the confirmation");
	return code;
}

/*
 * The new node reaches every worker, asked again now: a pg_hba.conf or
 * password problem stops the run here rather than in its middle.  A node
 * that has no extension yet is proved by the plan's own first steps.
 */
static int
phase_new_node_reaches_workers(Run *run)
{
	const ReachCheck *reach;
	StrBuf		failed;
	int			code = EXIT_CODE_OK;

	if (run->resuming || run->plan->method != METHOD_NEW_NODE || run->snap.target < 0 ||
		run->snap.nodes[run->snap.target].citus_extension_version == NULL)
		return EXIT_CODE_OK;
	reach = &run->snap.nodes[run->snap.target].reach;
	if (!reach->ran)
		return refuse(run, "Make sure the new node answers and has the citus extension, then run the same command again.",
					  "the new node's connections to the workers could not be checked: %s",
					  reach->why_not ? reach->why_not : "unknown");
	strbuf_init(&failed);
	for (int r = 0; r < reach->nresults; r++)
		if (!reach->results[r].reached)
			strbuf_printf(&failed, "\n%s: %s", reach->results[r].worker, reach->results[r].error);
	if (failed.len)
		code = refuse(run, "Let the new node's server reach them (pg_hba.conf on the workers, a password in ~/.pgpass of the user its server runs as, or pg_dist_authinfo on the new node), then run the same command again.",
					  "the new node cannot reach every worker, so nothing was changed:%s", failed.data);
	else
	{
		char	   *evidence = xasprintf("citus_check_connection_to_node() from the new node reached %d worker%s%s",
										 reach->nresults, reach->nresults == 1 ? "" : "s",
										 reach->with_authinfo ? " with the workers' pg_dist_authinfo rows" : "");

		gate_passed(run, "new-node-reaches-workers", evidence);
		free(evidence);
	}
	strbuf_free(&failed);
	return code;
}

static bool
plan_overrode(const Plan *plan, const char *check_name)
{
	for (int i = 0; i < plan->nchecks; i++)
		if (strcmp(plan->checks[i].name, check_name) == 0)
			return plan->checks[i].status == CHECK_FAIL;
	return false;
}

/*
 * The roles the plan spreads, compared again now: a password
 * changed since the plan was made must not be overwritten on every
 * worker.  A failure the operator overrode in the plan stays overridden.
 */
static int
phase_roles_match(Run *run)
{
	const Plan *plan = run->plan;
	const char *source_label = plan->method == METHOD_NEW_NODE ? plan->donor : plan->target;
	int			source = -1;
	Plan		now;
	int			code = EXIT_CODE_OK;

	if (run->resuming || source_label == NULL || plan_overrode(plan, "roles-match"))
		return EXIT_CODE_OK;
	for (int i = 0; i < run->snap.nnodes && source < 0; i++)
		if (run->snap.nodes[i].label && strcmp(run->snap.nodes[i].label, source_label) == 0)
			source = i;
	if (source < 0)
		return EXIT_CODE_OK;
	plan_init(&now);
	roles_check(&run->snap, source, plan->method == METHOD_NEW_NODE ? run->snap.target : -1,
				plan_syncs_metadata(plan), &now);
	if (plan_has_failures(&now))
		code = refuse(run, now.checks[0].fix, "%s", now.checks[0].why);
	else if (now.nchecks > 0)
		gate_passed(run, "roles-match", now.checks[0].why);
	plan_free(&now);
	return code;
}

/*
 * The decisions this run carries out, each with who confirmed it: the
 * plan's choices and its settling of the dead coordinator's prepared
 * transactions were typed when it was made, and are confirmed here.
 */
static void
journal_typed_decisions(Run *run)
{
	const Plan *plan = run->plan;
	ApplyOptions *opts = run->opts;
	char	   *who = operator_identity();
	const char *how = opts->yes ? (opts->confirmation ? opts->confirmation : "--yes given") :
		"yes typed on the terminal";
	char	   *detail = xasprintf("%s %s, CIM %s, %d steps; confirmed (%s) by %s",
								   method_name(plan->method), plan->target ? plan->target : "-",
								   cim_name(plan->cim), plan->nsteps, how, who);

	journal_write(&run->journal, 0, "", EV_TYPED, detail);
	free(detail);
	for (int i = 0; i < plan->nsteps; i++)
	{
		const PlanStep *s = &plan->steps[i];
		size_t		sql_len;

		if (s->txn != STEP_TXN_NONE || !s->sql ||
			(strncmp(s->sql, "COMMIT PREPARED ", 16) != 0 && strncmp(s->sql, "ROLLBACK PREPARED ", 18) != 0))
			continue;
		/* the statement without its semicolon, which the detail's own would double */
		sql_len = strcspn(s->sql, "\n");
		if (sql_len > 0 && s->sql[sql_len - 1] == ';')
			sql_len--;
		detail = xasprintf("step %d: %.*s; confirmed (%s) by %s", s->number, (int) sql_len, s->sql,
						   how, who);
		journal_write(&run->journal, s->number, s->label, EV_TYPED, detail);
		free(detail);
	}
	free(who);
}

/* A typed yes, unless --yes was given */
static int
phase_confirmed(Run *run)
{
	ApplyOptions *opts = run->opts;

	if (!opts->yes)
	{
		bool		(*confirm) (const char *, void *) = opts->confirm ? opts->confirm : terminal_confirm;
		const char *question = run->resuming ?
			"Resume this recovery? Type yes to go on: " :
			"Apply this plan to the cluster? Type yes to go on: ";

		if (!confirm(question, opts->confirm_arg))
		{
			if (stop_requested())
				return refuse_stopped(run, "at the confirmation");
			/* a script has no terminal to type on: say what it gives instead */
			return refuse(run, opts->confirm ? NULL :
						  "Type yes on the terminal when asked, or give --yes; without a terminal nothing can be asked.",
						  "%s", run->resumable ? "not confirmed: the run stays where it stopped" :
						  "not confirmed: nothing was changed");
		}
	}
	gate_passed(run, "confirmed", opts->yes ? (opts->confirmation ? opts->confirmation : "--yes given") :
				"yes typed on the terminal");
	journal_typed_decisions(run);
	if (!journal_write(&run->journal, 0, "", EV_GATED, NULL))
		return refuse_journal(run);
	return EXIT_CODE_OK;
}

/* Every node's metadata saved and read back; a resumed run proves its backup whole. */
static int
phase_backed_up(Run *run)
{
	char		errbuf[1024];
	char		proof[512];

	if (run->resuming)
	{
		if (!backup_verify(&run->wd, proof, sizeof(proof), errbuf, sizeof(errbuf)))
			return refuse(run, "Without its backup a run is not resumed; the work directory keeps the journal of what was done.",
						  "%s", errbuf);
		gate_passed(run, "backup-complete", proof);
	}
	else
	{
		if (!backup_cluster(&run->snap, &run->pool, statement_timeout_ms(run), &run->wd,
							run->plan->user, run->plan->dbname, proof, sizeof(proof), errbuf, sizeof(errbuf)))
			return refuse(run, NULL, "the metadata backup failed, so nothing was changed: %s", errbuf);
		if (!backup_verify(&run->wd, proof, sizeof(proof), errbuf, sizeof(errbuf)))
			return refuse(run, NULL, "the metadata backup could not be read back, so nothing was changed: %s", errbuf);
		if (!journal_write(&run->journal, 0, "", EV_BACKED_UP, proof))
			return refuse_journal(run);
		event_note(run->sink, NOTE_GOOD, "Metadata of every node saved in %s/backup (restore.sh puts it back).",
				   run->wd.path);
	}
	test_pause("backed-up", 0);
	if (stop_requested())
		return refuse_stopped(run, "before the first statement");
	return EXIT_CODE_OK;
}

/* From here on a rerun resumes: the record that says so must be on disk. */
static int
phase_stepping(Run *run, const char *plan_text)
{
	if (!run->resuming)
	{
		char	   *detail;
		bool		ok;

		run->run_id = new_run_id();
		detail = xasprintf("run %s plan %08x", run->run_id, crc32_of(plan_text, strlen(plan_text)));
		ok = journal_write_durable(&run->journal, 0, "", EV_STEPPING, detail);
		free(detail);
		if (!ok)
			return refuse_journal(run);
		run->resumable = true;
	}
	else
	{
		event_note(run->sink, NOTE_INFO, "Resuming the run journaled in %s/journal.log. Gates re-checked:",
				   run->wd.path);
		for (int i = 0; i < run->rechecked.count; i++)
			event_note(run->sink, NOTE_GOOD, "  %s", run->rechecked.items[i]);
	}
	if (journal_broken(run))
		return refuse_journal(run);
	return EXIT_CODE_OK;
}

/* Every gate, in order; returns an exit code, EXIT_CODE_OK to go on. */
static int
pass_gates(Run *run, const char *plan_text)
{
	int			code;

	if ((code = phase_read_cluster(run)) != EXIT_CODE_OK ||
		(code = phase_old_coordinator_gone(run, false)) != EXIT_CODE_OK ||
		(code = phase_cluster_as_expected(run)) != EXIT_CODE_OK ||
		(code = phase_new_node_reaches_workers(run)) != EXIT_CODE_OK ||
		(code = phase_roles_match(run)) != EXIT_CODE_OK ||
		(code = phase_confirmed(run)) != EXIT_CODE_OK ||
		(code = phase_backed_up(run)) != EXIT_CODE_OK ||
		(code = phase_old_coordinator_gone(run, true)) != EXIT_CODE_OK)
		return code;
	return phase_stepping(run, plan_text);
}

static int
run_steps(Run *run)
{
	const Plan *plan = run->plan;

	if (run->resuming && !settle_prepared(run))
		return journal_broken(run) ? refuse_journal(run) :
			refuse(run, NULL, "could not settle the prepared transactions of the interrupted run");

	for (int i = 0; i < plan->nsteps; i++)
	{
		const PlanStep *step = &plan->steps[i];
		PgNode	   *pg;
		int			done;
		char		where[64];

		if (journal_broken(run))
			return refuse_journal(run);
		if (stop_requested())
		{
			snprintf(where, sizeof(where), "before step %d", step->number);
			return refuse_stopped(run, where);
		}
		if (step->txn == STEP_TXN_ATOMIC)
		{
			int			last;

			if (!run_atomic_group(run, i, &last))
			{
				if (journal_broken(run))
					return refuse_journal(run);
				if (stop_requested())
				{
					snprintf(where, sizeof(where), "in step %d, which was rolled back", step->number);
					return refuse_stopped(run, where);
				}
				return refuse(run, HINT_FIX_AND_RESUME, "step %d failed: no node kept a part of it",
							  step->number);
			}
			i = last;
			continue;
		}
		step_started(run, step);
		pg = session_for(run, step->host, step->port);
		if (pg == NULL || pg->state != PGNODE_READY)
			return refuse(run, "Check that it answers, then run the same command again to resume.",
						  "no session to %s for step %d", step->label, step->number);
		done = step_done(run, step, pg);
		if (done < 0)
		{
			print_error(run, pg);
			return refuse(run, HINT_FIX_AND_RESUME, "could not check step %d", step->number);
		}
		if (done)
		{
			journal_write(&run->journal, step->number, pg->label, "skipped", "already done");
			progress(run, step, STEP_ALREADY_DONE, 0, NULL, "already done");
			continue;
		}
		if (!run_local_step(run, step, pg))
		{
			if (journal_broken(run))
				return refuse_journal(run);
			if (stop_requested())
			{
				snprintf(where, sizeof(where), "in step %d, which was rolled back", step->number);
				return refuse_stopped(run, where);
			}
			return refuse(run, HINT_FIX_AND_RESUME, "step %d failed and was rolled back", step->number);
		}
	}
	if (!journal_write_durable(&run->journal, 0, "", EV_FINISHED, NULL))
		return refuse_journal(run);
	event_note(run->sink, NOTE_GOOD, "All %d steps done. Journal: %s/journal.log", plan->nsteps, run->wd.path);
	return EXIT_CODE_OK;
}

/*
 * Opens the work directory and its journal, and learns from the journal
 * whether this run resumes another.  Returns an exit code.
 */
static int
phase_open_workdir(Run *run)
{
	ApplyOptions *opts = run->opts;
	PgError		error = {0};
	const char *stepping;
	int			code = EXIT_CODE_OK;

	if (!(opts->workdir ? workdir_open(&run->wd, opts->workdir, &error) :
		  workdir_create_default(&run->wd, &error)))
		code = EXIT_CODE_ABORTED;
	else
	{
		opts->workdir_used = xstrdup(run->wd.path);
		runlog_attach(&run->wd);
		if (!journal_open(&run->journal, &run->wd, &error))
			code = journal_find(&run->journal, EV_STEPPING) ? EXIT_CODE_PARTIAL : EXIT_CODE_ABORTED;
	}
	if (code != EXIT_CODE_OK)
	{
		event_refusal(run->errors, &error);
		pgerror_clear(&error);
		return code;
	}
	stepping = journal_find(&run->journal, EV_STEPPING);
	run->resumable = run->resuming = stepping != NULL;
	if (run->resuming)
		run->run_id = run_id_of(stepping);
	if (run->journal.repaired)
	{
		char	   *msg = xasprintf("%s: %s", run->journal.path, run->journal.repaired);

		event_note(run->errors, NOTE_WARNING, "citus-rescue: %s", msg);
		journal_write(&run->journal, 0, "", "journal-repaired", msg);
		free(msg);
	}
	return EXIT_CODE_OK;
}

/* The plan goes into the work directory, and must be one this version can run. */
static int
phase_accept_plan(Run *run, const char *plan_text)
{
	const Plan *plan = run->plan;
	PgError		error = {0};
	char	   *detail;

	if (!place_plan(run, plan_text, &error))
	{
		int			code = refuse_error(run, &error);

		pgerror_clear(&error);
		return code;
	}
	detail = run->resuming ? xasprintf("resume of run %s", run->run_id) : xstrdup("fresh");
	journal_write(&run->journal, 0, "", EV_NEW, detail);
	free(detail);
	/* who ran it, for the report: a shared account or sudo hides the person otherwise */
	detail = operator_identity();
	journal_write(&run->journal, 0, "", EV_OPERATOR, detail);
	free(detail);
	if (journal_broken(run))
		return refuse_journal(run);
	if (strcmp(plan->tool_version, PACKAGE_VERSION) != 0)
		return refuse(run, "Make the plan again with this version.",
					  "the plan was made by citus-rescue %s, this is %s",
					  plan->tool_version, PACKAGE_VERSION);
	if (plan->nsteps == 0)
		return refuse(run, "Fix what the plan file's checks say, then plan again.",
					  "the plan has no steps: its pre-flight checks failed");
	return EXIT_CODE_OK;
}

int
apply_plan(const Plan *plan, const char *plan_text, ApplyOptions *opts)
{
	Run			run;
	int			code;

	memset(&run, 0, sizeof(run));
	run.plan = plan;
	run.opts = opts;
	run.sink = opts->sink;
	run.errors = opts->errors;
	run.wd.fd = -1;
	run.journal.fd = -1;
	free(opts->workdir_used);
	opts->workdir_used = NULL;

	if ((code = phase_open_workdir(&run)) == EXIT_CODE_OK &&
		(code = phase_accept_plan(&run, plan_text)) == EXIT_CODE_OK &&
		(code = pass_gates(&run, plan_text)) == EXIT_CODE_OK)
		code = run_steps(&run);

	journal_close(&run.journal);
	workdir_close(&run.wd);
	session_pool_keep(opts->hooks ? opts->hooks->keep : NULL, &run.pool);
	snapshot_free(&run.snap);
	strlist_free(&run.rechecked);
	free(run.run_id);
	return code;
}

/* ---- signals ---------------------------------------------------------------- */

static void
on_stop_signal(int signo)
{
	static const char first[] = "\ncitus-rescue: stopping after the step under way (a second signal rolls it back)\n";
	static const char again[] = "\ncitus-rescue: rolling back the step under way\n";
	static const char committing[] = "\ncitus-rescue: committing on every node first: a half-committed step is worse than waiting\n";
	bool		repeated = apply_stop_requested != 0;

	apply_stop_signal = signo;
	apply_stop_requested = 1;
	if (signo == SIGPIPE)
	{
		/* the reader went away: later writes fail quietly instead of signalling again */
		signal(SIGPIPE, SIG_IGN);
		return;
	}
	if (repeated && !apply_in_commit_phase)
		pgnode_cancel_requested = 1;
	if (signo == SIGHUP || apply_signals_quiet)
		return;
	if (apply_in_commit_phase)
	{
		if (write(STDERR_FILENO, committing, sizeof(committing) - 1) < 0)
			return;
	}
	else if (repeated)
	{
		if (write(STDERR_FILENO, again, sizeof(again) - 1) < 0)
			return;
	}
	else if (write(STDERR_FILENO, first, sizeof(first) - 1) < 0)
		return;
}

static const int stop_signals[] = {SIGINT, SIGTERM, SIGHUP, SIGPIPE};
static struct sigaction saved_actions[4];

void
apply_catch_signals(bool quiet)
{
	struct sigaction sa;

	apply_signals_quiet = quiet;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop_signal;
	sigemptyset(&sa.sa_mask);
	for (int i = 0; i < 4; i++)
		sigaddset(&sa.sa_mask, stop_signals[i]);
	/* no SA_RESTART: a prompt waiting on the terminal must give up */
	sa.sa_flags = 0;
	apply_stop_requested = 0;
	apply_stop_signal = 0;
	pgnode_cancel_requested = 0;
	for (int i = 0; i < 4; i++)
		sigaction(stop_signals[i], &sa, &saved_actions[i]);
}

void
apply_release_signals(void)
{
	for (int i = 0; i < 4; i++)
		sigaction(stop_signals[i], &saved_actions[i], NULL);
}
