#include "config.h"

#include "pgpipeline.h"
#include "strbuf.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>

/* One pipeline under way on one node */
typedef struct PipelineRun
{
	PgNode	   *node;
	PgPipeline *pipeline;
	int			timeout_ms;
	int64_t		last_answer_ms; /* the deadline of the statement under way runs from here */
	int			cancelled;		/* statements before this index have been sent a cancel */
} PipelineRun;

static void
fail_broken(PgNode *node)
{
	pgerror_set(&node->error, NULL,
				node->conn ? PQerrorMessage(node->conn) : "not connected", NULL, NULL);
	pgnode_close(node);
	node->state = PGNODE_FAILED;
}

static bool
is_error(ExecStatusType status)
{
	return status == PGRES_FATAL_ERROR || status == PGRES_NONFATAL_ERROR ||
		status == PGRES_BAD_RESPONSE || status == PGRES_PIPELINE_ABORTED;
}

static void
set_error_from_result(PgError *error, const PGresult *result)
{
	const char *primary = PQresultErrorField(result, PG_DIAG_MESSAGE_PRIMARY);

	/* a sync after every statement leaves no statement to be aborted; should one be, say why */
	if (PQresultStatus(result) == PGRES_PIPELINE_ABORTED)
		primary = "not run: an earlier statement of its transaction failed";
	pgerror_set(error, PQresultErrorField(result, PG_DIAG_SQLSTATE),
				primary ? primary : PQresultErrorMessage(result),
				PQresultErrorField(result, PG_DIAG_MESSAGE_DETAIL),
				PQresultErrorField(result, PG_DIAG_MESSAGE_HINT));
}

/* A statement's own result: kept, and its error recorded, the node's first one too. */
static void
keep_result(PipelineRun *run, PGresult *result)
{
	PgPipeline *pipeline = run->pipeline;
	int			index = pipeline->answered;

	PQclear(pipeline->results[index]);
	pipeline->results[index] = result;
	if (!is_error(PQresultStatus(result)))
		return;
	set_error_from_result(&pipeline->errors[index], result);
	if (run->node->error.message == NULL)
		pgerror_copy(&run->node->error, &pipeline->errors[index]);
}

static void
take_result(PipelineRun *run, PGresult *result)
{
	switch (PQresultStatus(result))
	{
		case PGRES_PIPELINE_SYNC:
			/* the statement's transaction has ended: the next one is under way */
			PQclear(result);
			run->pipeline->answered++;
			run->last_answer_ms = monotonic_ms();
			break;
		case PGRES_COPY_OUT:
		case PGRES_COPY_IN:
		case PGRES_COPY_BOTH:
			/* nothing here reads or sends COPY data: the session is of no further use */
			PQclear(result);
			pgerror_set(&run->node->error, NULL, "a COPY cannot run in a pipeline", NULL, NULL);
			pgnode_close(run->node);
			run->node->state = PGNODE_FAILED;
			break;
		default:
			keep_result(run, result);
			break;
	}
}

/* Takes every answer that has arrived, until libpq needs more input. */
static void
take_answers(PipelineRun *run)
{
	PgNode	   *node = run->node;
	int			ends_in_a_row = 0;

	while (node->state == PGNODE_BUSY && run->pipeline->answered < run->pipeline->count &&
		   !PQisBusy(node->conn))
	{
		PGresult   *result = PQgetResult(node->conn);

		if (result != NULL)
		{
			ends_in_a_row = 0;
			take_result(run, result);
			continue;
		}
		if (PQstatus(node->conn) == CONNECTION_BAD)
		{
			fail_broken(node);
			return;
		}
		/* one NULL ends a statement's results; a second means libpq waits for input */
		if (++ends_in_a_row > 1)
			return;
	}
}

/*
 * As pgnode.c sends one cancel to each query under way, one goes to each
 * statement: a cancel ends only the statement running, and the ones
 * already sent after it would run on regardless.
 */
static void
cancel_statement_under_way(PipelineRun *run)
{
	PGcancel   *cancel;
	char		err[256];

	if (run->cancelled > run->pipeline->answered || run->node->conn == NULL)
		return;
	run->cancelled = run->pipeline->answered + 1;
	run->node->cancel_sent = true;
	cancel = PQgetCancel(run->node->conn);
	if (cancel)
	{
		PQcancel(cancel, err, sizeof(err));
		PQfreeCancel(cancel);
	}
}

/*
 * The poll loop: flushes what libpq could not send at once (the
 * connection is non-blocking, so that a long series cannot deadlock with
 * the server's answers) and takes the answers as they come.
 */
static void
wait_for_answers(PipelineRun *run)
{
	PgNode	   *node = run->node;

	while (node->state == PGNODE_BUSY && run->pipeline->answered < run->pipeline->count)
	{
		struct pollfd pfd = {.fd = PQsocket(node->conn), .events = POLLIN};
		int			unsent = PQflush(node->conn);
		int64_t		left = run->last_answer_ms + run->timeout_ms - monotonic_ms();
		int			rc;

		if (unsent < 0 || pfd.fd < 0)
		{
			fail_broken(node);
			return;
		}
		if (left <= 0)
		{
			pgnode_fail_timeout(node, "a query", run->timeout_ms);
			return;
		}
		if (unsent > 0)
			pfd.events |= POLLOUT;
		rc = poll(&pfd, 1, (int) left);
		if (pgnode_cancel_requested)
			cancel_statement_under_way(run);
		if (rc < 0 && errno != EINTR)
		{
			pgerror_set(&node->error, NULL, strerror(errno), NULL, NULL);
			pgnode_close(node);
			node->state = PGNODE_FAILED;
			return;
		}
		if (rc <= 0 || !(pfd.revents & (POLLIN | POLLHUP | POLLERR)))
			continue;
		if (!PQconsumeInput(node->conn))
		{
			fail_broken(node);
			return;
		}
		take_answers(run);
	}
}

static bool
send_series(PgNode *node, const char *const *sql, int count)
{
	if (!PQenterPipelineMode(node->conn))
		return false;
	for (int i = 0; i < count; i++)
		if (!PQsendQueryParams(node->conn, sql[i], 0, NULL, NULL, NULL, NULL, 0) ||
			!PQpipelineSync(node->conn))
			return false;
	return true;
}

/* The node back out of pipeline mode; unanswered statements take its error. */
static void
finish(PipelineRun *run)
{
	PgNode	   *node = run->node;
	PgPipeline *pipeline = run->pipeline;

	if (node->state == PGNODE_BUSY)
	{
		/* a session that cannot leave pipeline mode would refuse every later query */
		if (PQexitPipelineMode(node->conn))
			node->state = PGNODE_READY;
		else
			fail_broken(node);
	}
	for (int i = 0; i < pipeline->count; i++)
	{
		if (pipeline->errors[i].message == NULL && i >= pipeline->answered)
			pgerror_copy(&pipeline->errors[i], &node->error);
		if (pipeline->errors[i].message != NULL && pipeline->first_failed < 0)
			pipeline->first_failed = i;
	}
}

bool
pgpipeline_run(PgNode *node, const char *const *sql, int count, int timeout_ms,
			   PgPipeline *pipeline)
{
	PipelineRun run = {.node = node, .pipeline = pipeline, .timeout_ms = timeout_ms};

	memset(pipeline, 0, sizeof(*pipeline));
	pipeline->count = count;
	pipeline->results = xcalloc((size_t) (count > 0 ? count : 1), sizeof(PGresult *));
	pipeline->errors = xcalloc((size_t) (count > 0 ? count : 1), sizeof(PgError));
	pipeline->first_failed = -1;
	if (node->state != PGNODE_READY)
	{
		if (node->error.message == NULL)
			pgerror_set(&node->error, NULL, "not connected", NULL, NULL);
		finish(&run);
		return pipeline->first_failed < 0;
	}
	pgerror_clear(&node->error);
	pgnode_clear_results(node);
	node->started_ms = monotonic_ms();
	node->cancel_sent = false;
	run.last_answer_ms = node->started_ms;
	if (count == 0)
		return true;
	node->state = PGNODE_BUSY;
	if (send_series(node, sql, count))
		wait_for_answers(&run);
	else
		fail_broken(node);
	finish(&run);
	node->elapsed_ms = monotonic_ms() - node->started_ms;
	return pipeline->first_failed < 0;
}

const PGresult *
pgpipeline_result(const PgPipeline *pipeline, int index)
{
	if (index < 0 || index >= pipeline->count || pipeline->errors[index].message != NULL)
		return NULL;
	return pipeline->results[index];
}

const PgError *
pgpipeline_error(const PgPipeline *pipeline, int index)
{
	if (index < 0 || index >= pipeline->count || pipeline->errors[index].message == NULL)
		return NULL;
	return &pipeline->errors[index];
}

void
pgpipeline_free(PgPipeline *pipeline)
{
	for (int i = 0; i < pipeline->count; i++)
	{
		PQclear(pipeline->results[i]);
		pgerror_clear(&pipeline->errors[i]);
	}
	free(pipeline->results);
	free(pipeline->errors);
	memset(pipeline, 0, sizeof(*pipeline));
}
