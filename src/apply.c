#include "config.h"

#include "apply.h"
#include "backup.h"
#include "catalog.h"
#include "exitcodes.h"
#include "journal.h"
#include "planfile.h"
#include "report.h"
#include "strbuf.h"

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

volatile int apply_stop_requested = 0;

typedef struct Run
{
	const Plan *plan;
	ApplyOptions *opts;
	ClusterSnapshot snap;
	Journal		journal;
	char	   *run_id;
	bool		changed;		/* this run or an earlier one committed something */
	FILE	   *out;
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
 * CITUS_RESCUE_TEST_PAUSE=EVENT:STEP (done:1, prepared:2, decision:1) holds
 * the run at that point for a minute, so that tests can kill it there.
 */
static void
test_pause(const char *event, int step)
{
	const char *want = getenv("CITUS_RESCUE_TEST_PAUSE");
	char		here[64];
	size_t		len;

	if (want == NULL)
		return;
	len = (size_t) snprintf(here, sizeof(here), "%s:%d", event, step);
	/* EVENT:STEP pauses a minute, EVENT:STEP:MS that many milliseconds */
	if (strncmp(want, here, len) == 0 && (want[len] == '\0' || want[len] == ':'))
		usleep(want[len] == ':' ? (useconds_t) atoi(want + len + 1) * 1000 : 60000000);
}

void
apply_coordinator_options(const Plan *plan, const ConnOptions *given, ConnOptions *out)
{
	const PlanStep *last = plan->nsteps > 0 ? &plan->steps[plan->nsteps - 1] : NULL;
	char		err[256];

	connopts_init(out);
	out->host = last ? xstrdup(last->host) : NULL;
	out->port = last ? xasprintf("%d", last->port) : NULL;
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

static NodeReport *
session_for(Run *run, const char *host, int port)
{
	for (int i = 0; i < run->snap.nnodes; i++)
	{
		NodeReport *node = &run->snap.nodes[i];

		if (node->pg.host && strcmp(node->pg.host, host) == 0 && node->pg.port == port)
			return node;
	}
	return NULL;
}

static void
journal_error(Run *run, int step, const PgNode *pg, const char *event)
{
	char	   *why = pgerror_format(&pg->error);

	journal_write(&run->journal, step, pg->label, event, why);
	free(why);
}

/* Runs sql on a node, journaling the statement and its outcome. */
static bool
run_sql(Run *run, int step, NodeReport *node, const char *sql)
{
	bool		ok;

	journal_write(&run->journal, step, node->pg.label, "statement", sql);
	ok = pgnode_query(&node->pg, sql, 0, NULL, run->opts->conn->timeout_ms > 300000 ?
					  run->opts->conn->timeout_ms : 330000);
	if (ok)
		journal_write(&run->journal, step, node->pg.label, "ok", NULL);
	else
		journal_error(run, step, &node->pg, "error");
	return ok;
}

/* The step's read-only check: true when it is already done. */
static int
step_done(Run *run, const PlanStep *step, NodeReport *node)
{
	if (!pgnode_query(&node->pg, step->check_sql, 0, NULL, run->opts->conn->timeout_ms))
	{
		journal_error(run, step->number, &node->pg, "check-error");
		return -1;
	}
	if (PQntuples(node->pg.result) == 1 && strcmp(PQgetvalue(node->pg.result, 0, 0), "t") == 0)
		return 1;
	return 0;
}

static void
print_error(Run *run, const PgNode *pg)
{
	char	   *why = pgerror_format(&pg->error);
	StrBuf		shown;

	strbuf_init(&shown);
	append_terminal_safe(&shown, pg->label);
	fprintf(run->out, "      error on %s:\n", shown.data);
	strbuf_free(&shown);
	print_message_lines(run->out, "        ", "        ", why);
	free(why);
}

/*
 * Ends the failed transaction of a step on its node, keeping the error that
 * failed it (not the ROLLBACK's) for the report.
 */
static void
rollback_keeping_error(Run *run, const PlanStep *step, NodeReport *node)
{
	PgError		saved = {0};

	pgerror_copy(&saved, &node->pg.error);
	if (node->pg.state == PGNODE_READY)
		run_sql(run, step->number, node, "ROLLBACK");
	pgerror_copy(&node->pg.error, &saved);
	pgerror_clear(&saved);
}

static void
progress(Run *run, const PlanStep *step, const char *fmt,...) __attribute__((format(printf, 3, 4)));

static void
progress(Run *run, const PlanStep *step, const char *fmt,...)
{
	va_list		ap;
	StrBuf		label;

	strbuf_init(&label);
	append_terminal_safe(&label, step->label);
	fprintf(run->out, "[%d/%d] %s: ", step->number, run->plan->nsteps, label.data);
	va_start(ap, fmt);
	vfprintf(run->out, fmt, ap);
	va_end(ap);
	fputc('\n', run->out);
	fflush(run->out);
	strbuf_free(&label);
}

static bool
run_local_step(Run *run, const PlanStep *step, NodeReport *node)
{
	int64_t		start = monotonic_ms();

	if (step->txn == STEP_TXN_NONE)
	{
		if (!run_sql(run, step->number, node, step->sql))
		{
			progress(run, step, "FAILED");
			print_error(run, &node->pg);
			return false;
		}
	}
	else
	{
		if (!run_sql(run, step->number, node, "BEGIN") ||
			!run_sql(run, step->number, node, step->sql))
		{
			rollback_keeping_error(run, step, node);
			progress(run, step, "FAILED, rolled back: nothing of this step was applied");
			print_error(run, &node->pg);
			return false;
		}
		if (!run_sql(run, step->number, node, "COMMIT"))
		{
			progress(run, step, "FAILED at COMMIT");
			print_error(run, &node->pg);
			return false;
		}
	}
	run->changed = true;
	journal_write(&run->journal, step->number, node->pg.label, "done", NULL);
	progress(run, step, "done (%lld ms)", (long long) (monotonic_ms() - start));
	test_pause("done", step->number);
	return true;
}

static char *
run_gid(const Run *run, const PlanStep *step)
{
	return xasprintf(RESCUE_GID_PREFIX "%s_%d_%d", run->run_id, step->atomic_group, step->number);
}

/*
 * All-or-nothing over several nodes: each node's batch is prepared; only
 * when all are, the decision to commit is journaled, then each committed.
 * A crash before the decision leaves prepared transactions a rerun rolls
 * back; after it, ones a rerun commits.
 */
static bool
run_atomic_group(Run *run, int first_index, int *last_index)
{
	const Plan *plan = run->plan;
	int			group = plan->steps[first_index].atomic_group;
	int			end = first_index;
	int		   *todo;
	int			ntodo = 0;
	int			nprepared = 0;
	bool		ok = true;
	char		decision_detail[64];

	while (end + 1 < plan->nsteps && plan->steps[end + 1].txn == STEP_TXN_ATOMIC &&
		   plan->steps[end + 1].atomic_group == group)
		end++;
	*last_index = end;
	todo = xcalloc((size_t) (end - first_index + 1), sizeof(int));

	for (int i = first_index; i <= end; i++)
	{
		const PlanStep *step = &plan->steps[i];
		NodeReport *node = session_for(run, step->host, step->port);
		int			done;

		if (node == NULL || node->pg.state != PGNODE_READY)
		{
			progress(run, step, "FAILED: no session to this node");
			free(todo);
			return false;
		}
		done = step_done(run, step, node);
		if (done < 0)
		{
			progress(run, step, "FAILED to check");
			print_error(run, &node->pg);
			free(todo);
			return false;
		}
		if (done)
		{
			journal_write(&run->journal, step->number, node->pg.label, "skipped", "already done");
			progress(run, step, "already done");
		}
		else
			todo[ntodo++] = i;
	}

	for (int k = 0; k < ntodo && ok; k++)
	{
		const PlanStep *step = &plan->steps[todo[k]];
		NodeReport *node = session_for(run, step->host, step->port);
		char	   *gid = run_gid(run, step);
		StrBuf		prepare;

		strbuf_init(&prepare);
		strbuf_append(&prepare, "PREPARE TRANSACTION ");
		sql_append_literal(&prepare, gid);
		if (!run_sql(run, step->number, node, "BEGIN") ||
			!run_sql(run, step->number, node, step->sql) ||
			!run_sql(run, step->number, node, prepare.data))
		{
			rollback_keeping_error(run, step, node);
			progress(run, step, "FAILED");
			print_error(run, &node->pg);
			ok = false;
		}
		else
		{
			journal_write(&run->journal, step->number, node->pg.label, "prepared", gid);
			progress(run, step, "prepared");
			nprepared++;
			test_pause("prepared", step->number);
		}
		strbuf_free(&prepare);
		free(gid);
	}

	snprintf(decision_detail, sizeof(decision_detail), "group %d: %s", group,
			 ok ? "commit" : "rollback");
	journal_write(&run->journal, plan->steps[first_index].number, "", "decision", decision_detail);
	test_pause("decision", group);

	for (int k = 0; k < nprepared; k++)
	{
		const PlanStep *step = &plan->steps[todo[k]];
		NodeReport *node = session_for(run, step->host, step->port);
		char	   *gid = run_gid(run, step);
		StrBuf		finish;

		strbuf_init(&finish);
		strbuf_append(&finish, ok ? "COMMIT PREPARED " : "ROLLBACK PREPARED ");
		sql_append_literal(&finish, gid);
		if (run_sql(run, step->number, node, finish.data))
		{
			journal_write(&run->journal, step->number, node->pg.label,
						  ok ? "done" : "rolled-back", gid);
			progress(run, step, ok ? "committed" : "rolled back: nothing of this step was applied");
		}
		else
		{
			/* the decision is journaled: a rerun finishes it */
			progress(run, step, "could not %s its prepared transaction %s; run again to settle it",
					 ok ? "commit" : "roll back", gid);
			print_error(run, &node->pg);
			ok = false;
		}
		strbuf_free(&finish);
		free(gid);
	}
	if (ok && ntodo > 0)
		run->changed = true;
	free(todo);
	return ok;
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
		if (strcmp(run->journal.entries[i].event, "decision") == 0 &&
			strcmp(run->journal.entries[i].detail, want) == 0)
			return true;
	return false;
}

/* Finishes what a killed run left prepared, by the decision it journaled. */
static bool
settle_prepared(Run *run)
{
	bool		ok = true;

	for (int i = 0; i < run->snap.nnodes; i++)
	{
		NodeReport *node = &run->snap.nodes[i];

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
			strbuf_init(&sql);
			strbuf_append(&sql, commit ? "COMMIT PREPARED " : "ROLLBACK PREPARED ");
			sql_append_literal(&sql, node->prepared[x].gid);
			fprintf(run->out, "settling %s on %s left by an interrupted run: %s\n",
					node->prepared[x].gid, node->pg.label, commit ? "commit" : "roll back");
			if (!run_sql(run, 0, node, sql.data))
			{
				print_error(run, &node->pg);
				ok = false;
			}
			else if (commit)
				run->changed = true;
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
	return strcmp(answer, "yes") == 0;
}

/* The plan must still describe the cluster: same nodes, same metadata. */
static bool
plan_still_matches(Run *run)
{
	bool		ok = true;

	for (int i = 0; i < run->plan->nnodes; i++)
	{
		const PlanNode *pn = &run->plan->nodes[i];
		NodeReport *node = session_for(run, pn->host, pn->port);
		char	   *now;

		if (node == NULL || !node->reachable)
		{
			fprintf(run->out, "  %s: no longer answers\n", pn->label);
			ok = false;
			continue;
		}
		now = node_fingerprint(node);
		if (strcmp(now, pn->fingerprint) != 0)
		{
			fprintf(run->out, "  %s: its metadata changed since the plan was made\n", pn->label);
			ok = false;
		}
		free(now);
	}
	return ok;
}

static int
abort_run(Run *run, const char *fmt,...) __attribute__((format(printf, 2, 3)));

static int
abort_run(Run *run, const char *fmt,...)
{
	va_list		ap;
	StrBuf		msg;

	strbuf_init(&msg);
	va_start(ap, fmt);
	strbuf_vprintf(&msg, fmt, ap);
	va_end(ap);
	journal_write(&run->journal, 0, "", "aborted", msg.data);
	report_error(run->opts->errors ? run->opts->errors : stderr, msg.data);
	strbuf_free(&msg);
	return run->changed ? EXIT_CODE_PARTIAL : EXIT_CODE_ABORTED;
}

static bool
copy_plan_into(const char *workdir, const char *plan_text, char *errbuf, size_t errlen,
			   bool *differs)
{
	char	   *path = xasprintf("%s/plan.sql", workdir);
	char		ignore[256];
	char	   *existing = read_whole_file(path, ignore, sizeof(ignore));
	bool		ok = true;

	*differs = false;
	if (existing)
		*differs = strcmp(existing, plan_text) != 0;
	else
		ok = write_private_file(path, plan_text, strlen(plan_text), errbuf, errlen);
	free(existing);
	free(path);
	return ok;
}

int
apply_plan(const Plan *plan, const char *plan_text, ApplyOptions *opts)
{
	Run			run;
	ConnOptions conn;
	char		errbuf[512];
	bool		differs;
	bool		resuming;
	int			code = EXIT_CODE_OK;

	memset(&run, 0, sizeof(run));
	run.plan = plan;
	run.opts = opts;
	run.out = opts->progress ? opts->progress : stdout;

	if (!workdir_prepare(opts->workdir, errbuf, sizeof(errbuf)) ||
		!copy_plan_into(opts->workdir, plan_text, errbuf, sizeof(errbuf), &differs))
	{
		report_error(opts->errors ? opts->errors : stderr, errbuf);
		return EXIT_CODE_ABORTED;
	}
	if (differs)
	{
		report_error(opts->errors ? opts->errors : stderr, "the work directory holds another plan\n"
					 "HINT:  Give a new --workdir, or apply the plan.sql that is in it.");
		return EXIT_CODE_ABORTED;
	}
	if (!journal_open(&run.journal, opts->workdir, errbuf, sizeof(errbuf)))
	{
		report_error(opts->errors ? opts->errors : stderr, errbuf);
		return EXIT_CODE_ABORTED;
	}
	resuming = journal_run_id(&run.journal) != NULL;
	for (int i = 0; i < run.journal.nentries; i++)
		if (strcmp(run.journal.entries[i].event, "done") == 0)
			run.changed = true;
	if (resuming)
		run.run_id = xstrdup(journal_run_id(&run.journal));
	else
	{
		char	   *now = timestamp_now();

		/* digits of the start time: unique enough, and readable in pg_prepared_xacts */
		StrBuf		id;

		strbuf_init(&id);
		for (const char *p = now; *p; p++)
			if (*p >= '0' && *p <= '9')
				strbuf_append_char(&id, *p);
		run.run_id = strbuf_steal(&id);
		free(now);
		journal_write(&run.journal, 0, "", "run-id", run.run_id);
	}
	journal_write(&run.journal, 0, "", resuming ? "resume" : "start", plan->target);

	if (strcmp(plan->tool_version, PACKAGE_VERSION) != 0)
	{
		code = abort_run(&run, "the plan was made by citus-rescue %s, this is %s\n"
						 "HINT:  Make the plan again with this version.",
						 plan->tool_version, PACKAGE_VERSION);
		goto done;
	}
	if (plan->nsteps == 0)
	{
		code = abort_run(&run, "the plan has no steps: its pre-flight checks failed\n"
						 "HINT:  Fix what the plan file's checks say, then plan again.");
		goto done;
	}

	apply_conn_options(plan, opts->conn, &conn);
	fprintf(run.out, "Checking the cluster against the plan...\n");
	discover_cluster(&conn, opts->hooks, &run.snap);
	if (conn.password && opts->conn->password == NULL)
		opts->conn->password = xstrdup(conn.password);
	connopts_free(&conn);
	if (run.snap.fatal)
	{
		code = abort_run(&run, "%s", run.snap.fatal);
		goto done;
	}
	/* a coordinator that answers now would make two */
	if (run.snap.coordinator_alive && !resuming)
	{
		code = abort_run(&run, "%s\nHINT:  Stop the old coordinator for good, then apply again.",
						 run.snap.coordinator_alive_why);
		goto done;
	}

	if (!resuming)
	{
		if (!plan_still_matches(&run))
		{
			code = abort_run(&run, "the plan is stale: the cluster changed since it was made\n"
							 "HINT:  Make a new plan and review it.");
			goto done;
		}
		if (!opts->yes)
		{
			bool		(*confirm) (const char *, void *) = opts->confirm ? opts->confirm : terminal_confirm;

			if (!confirm("Apply this plan to the cluster? Type yes to go on: ", opts->confirm_arg))
			{
				code = abort_run(&run, "not confirmed: nothing was changed");
				goto done;
			}
		}
		if (!backup_cluster(&run.snap, opts->workdir, plan->user, plan->dbname,
							errbuf, sizeof(errbuf)))
		{
			code = abort_run(&run, "the metadata backup failed, so nothing was changed: %s", errbuf);
			goto done;
		}
		journal_write(&run.journal, 0, "", "backup", "backup/ and restore.sh");
		fprintf(run.out, "Metadata of every node saved in %s/backup (restore.sh puts it back).\n",
				opts->workdir);
	}
	else
	{
		fprintf(run.out, "Resuming the run journaled in %s/journal.log.\n", opts->workdir);
		if (!settle_prepared(&run))
		{
			code = abort_run(&run, "could not settle the prepared transactions of the interrupted run");
			goto done;
		}
	}

	for (int i = 0; i < plan->nsteps; i++)
	{
		const PlanStep *step = &plan->steps[i];
		NodeReport *node;
		int			done;

		if (apply_stop_requested)
		{
			code = abort_run(&run, "stopped on request before step %d\n"
							 "HINT:  Run the same command again to resume.", step->number);
			goto done;
		}
		if (step->txn == STEP_TXN_ATOMIC)
		{
			int			last;

			if (!run_atomic_group(&run, i, &last))
			{
				code = abort_run(&run, "step %d failed: no node kept a part of it\n"
								 "HINT:  Fix the cause shown above, then run the same command again to resume.",
								 step->number);
				goto done;
			}
			i = last;
			continue;
		}
		node = session_for(&run, step->host, step->port);
		if (node == NULL || node->pg.state != PGNODE_READY)
		{
			code = abort_run(&run, "no session to %s for step %d\n"
							 "HINT:  Check that it answers, then run the same command again to resume.",
							 step->label, step->number);
			goto done;
		}
		done = step_done(&run, step, node);
		if (done < 0)
		{
			print_error(&run, &node->pg);
			code = abort_run(&run, "could not check step %d", step->number);
			goto done;
		}
		if (done)
		{
			journal_write(&run.journal, step->number, node->pg.label, "skipped", "already done");
			progress(&run, step, "already done");
			continue;
		}
		if (!run_local_step(&run, step, node))
		{
			code = abort_run(&run, "step %d failed and was rolled back\n"
							 "HINT:  Fix the cause shown above, then run the same command again to resume.",
							 step->number);
			goto done;
		}
	}
	journal_write(&run.journal, 0, "", "finished", NULL);
	fprintf(run.out, "All %d steps done. Journal: %s/journal.log\n", plan->nsteps, opts->workdir);

done:
	journal_close(&run.journal);
	snapshot_free(&run.snap);
	free(run.run_id);
	return code;
}
