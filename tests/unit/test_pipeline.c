/*
 * The pipeline runner against a live server: a series in one round trip,
 * each statement its own transaction, the first error named, a deadline
 * per statement, a cancel and a broken connection.
 * tests/pipeline-standin.sh starts a throwaway server and sets
 * TEST_SESSION_CONNINFO; without it there is nothing to test.
 */
#include "config.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tap.h"
#include "live_server.h"

#include "connopts.h"
#include "pgnode.h"
#include "pgpipeline.h"


static const char *
value(const PgPipeline *pipeline, int index)
{
	const PGresult *r = pgpipeline_result(pipeline, index);

	return r && PQntuples(r) > 0 ? PQgetvalue(r, 0, 0) : NULL;
}

/* The session must be usable as before: out of pipeline mode, outside any transaction. */
static void
is_ready_again(PgNode *node, const char *what)
{
	is_int(node->state, PGNODE_READY, "%s: the node is ready again", what);
	ok(node->conn && PQpipelineStatus(node->conn) == PQ_PIPELINE_OFF, "%s: out of pipeline mode", what);
	ok(!pgnode_in_transaction(node), "%s: outside any transaction", what);
	ok(pgnode_query(node, "SELECT 1", 0, NULL, 10000), "%s: and serves the next query", what);
}

static void
test_all_succeed(PgNode *node)
{
	const char *const sql[] = {
		"SELECT 'one'",
		"CREATE TEMP TABLE pipeline_t (a int)",
		"SELECT pg_catalog.count(*) FROM pipeline_t",
	};
	PgPipeline	pipeline;

	ok(pgpipeline_run(node, sql, 3, 10000, &pipeline), "a series of three succeeds");
	is_int(pipeline.answered, 3, "every statement answered");
	is_int(pipeline.first_failed, -1, "none failed");
	is_str(value(&pipeline, 0), "one", "the first statement's rows");
	ok(pgpipeline_result(&pipeline, 1) && PQresultStatus(pgpipeline_result(&pipeline, 1)) == PGRES_COMMAND_OK,
	   "the second statement's command result");
	is_str(value(&pipeline, 2), "0", "the third saw what the second made");
	ok(pgpipeline_error(&pipeline, 0) == NULL && node->error.message == NULL, "no error anywhere");
	pgpipeline_free(&pipeline);
	is_ready_again(node, "after a series");
}

/*
 * The second of three fails: named first, with its SQLSTATE, and, each
 * statement being its own transaction, the first stays and the third runs.
 */
static void
test_second_fails(PgNode *node)
{
	const char *const sql[] = {
		"INSERT INTO pipeline_t VALUES (1)",
		"INSERT INTO pipeline_t VALUES (1 / 0)",
		"INSERT INTO pipeline_t VALUES (3)",
	};
	const char *const xids[] = {"SELECT pg_catalog.txid_current()", "SELECT pg_catalog.txid_current()"};
	PgPipeline	pipeline;

	ok(!pgpipeline_run(node, sql, 3, 10000, &pipeline), "a series whose second statement fails fails");
	is_int(pipeline.first_failed, 1, "the second is the first failed");
	is_int(pipeline.answered, 3, "all three answered");
	is_str(pipeline.errors[1].sqlstate, "22012", "with the server's SQLSTATE");
	ok(pipeline.errors[1].message && strstr(pipeline.errors[1].message, "division by zero"),
	   "and its message");
	is_str(node->error.sqlstate, "22012", "the node's error is the first one");
	ok(pgpipeline_result(&pipeline, 0) && pgpipeline_result(&pipeline, 2) && !pgpipeline_result(&pipeline, 1),
	   "the first and the third have results, the second none");
	pgpipeline_free(&pipeline);
	is_ready_again(node, "after a failed statement");
	ok(pgnode_query(node, "SELECT pg_catalog.string_agg(a::text, ',' ORDER BY a) FROM pipeline_t", 0, NULL, 10000) &&
	   strcmp(PQgetvalue(node->result, 0, 0), "1,3") == 0,
	   "the failure rolled back neither the first nor the third");
	ok(pgpipeline_run(node, xids, 2, 10000, &pipeline) && value(&pipeline, 0) && value(&pipeline, 1) &&
	   strcmp(value(&pipeline, 0), value(&pipeline, 1)) != 0,
	   "two statements run in two transactions");
	pgpipeline_free(&pipeline);
}

static void
test_deadline_per_statement(PgNode *node)
{
	const char *const sql[] = {"SELECT pg_sleep(0.6)", "SELECT pg_sleep(0.6)", "SELECT pg_sleep(0.6)"};
	PgPipeline	pipeline;

	ok(pgpipeline_run(node, sql, 3, 1000, &pipeline),
	   "each statement is held to the timeout, not the whole series");
	pgpipeline_free(&pipeline);
}

static void
test_timeout(PgNode *node)
{
	const char *const sql[] = {"SELECT 1", "SELECT pg_sleep(20)", "SELECT 3"};
	PgPipeline	pipeline;
	int64_t		start = monotonic_ms();
	int64_t		took;

	ok(!pgpipeline_run(node, sql, 3, 1500, &pipeline), "a series with a statement that hangs fails");
	took = monotonic_ms() - start;
	ok(took >= 1400 && took < 4000, "at its deadline (%lld ms)", (long long) took);
	is_int(node->state, PGNODE_FAILED, "the node is FAILED");
	ok(node->timed_out && node->conn == NULL, "as timed out, its connection closed");
	is_str(node->error.message, "no answer to a query within 1.5 s", "the error says so");
	is_str(value(&pipeline, 0), "1", "the statement before has its answer");
	is_int(pipeline.first_failed, 1, "the one that hung is the first failed");
	is_str(pipeline.errors[1].message, "no answer to a query within 1.5 s", "with the timeout");
	is_str(pipeline.errors[2].message, "no answer to a query within 1.5 s", "as has the one after it");
	pgpipeline_free(&pipeline);
	ok(!pgpipeline_run(node, sql, 1, 1000, &pipeline), "a FAILED node runs nothing");
	is_str(pipeline.errors[0].message, "no answer to a query within 1.5 s", "and says why it failed");
	pgpipeline_free(&pipeline);
}

static void
test_cancel(PgNode *node)
{
	const char *const sql[] = {"SELECT pg_sleep(20)", "SELECT 2"};
	PgPipeline	pipeline;
	int64_t		start = monotonic_ms();
	int64_t		took;

	cancel_in_a_second();
	ok(!pgpipeline_run(node, sql, 2, 15000, &pipeline), "a series cancelled by a signal fails");
	took = monotonic_ms() - start;
	pgnode_cancel_requested = 0;
	ok(took < 5000, "long before its deadline (%lld ms)", (long long) took);
	is_str(pipeline.errors[0].sqlstate, "57014", "the statement under way ends with the SQLSTATE of a cancel");
	pgpipeline_free(&pipeline);
	is_ready_again(node, "after a cancel");
}

static void
test_broken_connection(PgNode *node)
{
	const char *const sql[] = {"SELECT pg_catalog.pg_terminate_backend(pg_catalog.pg_backend_pid())", "SELECT 2"};
	PgPipeline	pipeline;

	ok(!pgpipeline_run(node, sql, 2, 10000, &pipeline), "a series whose backend dies fails");
	is_int(node->state, PGNODE_FAILED, "the node is FAILED");
	ok(!node->timed_out, "not as timed out");
	ok(pipeline.errors[1].message != NULL, "the statement after it carries the connection's error");
	pgpipeline_free(&pipeline);
}

int
main(void)
{
	PgNode		node;
	PgPipeline	pipeline;

	live_conninfo = getenv("TEST_SESSION_CONNINFO");
	if (live_conninfo == NULL || live_conninfo[0] == '\0')
	{
		printf("1..0 # SKIP TEST_SESSION_CONNINFO is not set\n");
		return 0;
	}
	pgnode_init(&node, "127.0.0.1", 5432);
	if (!connect_node(&node))
	{
		printf("Bail out! no server to test against\n");
		return 1;
	}
	ok(pgpipeline_run(&node, NULL, 0, 1000, &pipeline) && node.state == PGNODE_READY,
	   "an empty series succeeds and sends nothing");
	pgpipeline_free(&pipeline);
	test_all_succeed(&node);
	test_second_fails(&node);
	test_deadline_per_statement(&node);
	test_timeout(&node);
	if (connect_node(&node))
		test_cancel(&node);
	test_broken_connection(&node);
	pgnode_free(&node);
	return tap_done();
}
