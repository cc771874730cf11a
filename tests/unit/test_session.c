/*
 * The session layer against a live server: COPY TO STDOUT through the poll
 * loop.  tests/session-standin.sh starts a throwaway server, fills it and
 * sets TEST_SESSION_CONNINFO and TEST_SESSION_EXPECTED (what psql's COPY
 * of the same table wrote); without them there is nothing to test.
 */
#include "config.h"

#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tap.h"
#include "live_server.h"

#include "connopts.h"
#include "pgnode.h"
#include "session.h"
#include "strbuf.h"


static char *
read_file(const char *path, size_t *len)
{
	FILE	   *f = fopen(path, "rb");
	StrBuf		buf;
	char		chunk[8192];
	size_t		n;

	strbuf_init(&buf);
	if (f == NULL)
	{
		printf("# could not open %s\n", path);
		return strbuf_steal(&buf);
	}
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		strbuf_append_len(&buf, chunk, n);
	fclose(f);
	*len = buf.len;
	return strbuf_steal(&buf);
}

/* What psql wrote, byte for byte: escapes, tabs, NULLs and all. */
static void
test_rows(PgNode *node, const char *expected_path)
{
	StrBuf		out;
	size_t		want_len = 0;
	char	   *want = read_file(expected_path, &want_len);

	strbuf_init(&out);
	ok(pgnode_copy_out(node, "COPY session_rows TO STDOUT", &out, 10000),
	   "a COPY TO STDOUT succeeds");
	is_int(node->state, PGNODE_READY, "the node is ready again");
	ok(node->error.message == NULL, "with no error");
	ok(want_len > 100000, "the table spans many reads (%zu bytes)", want_len);
	is_int(out.len, want_len, "as many bytes as psql's COPY");
	ok(out.len == want_len && memcmp(out.data, want, want_len) == 0,
	   "the same bytes as psql's COPY");
	is_str(node->result ? PQcmdStatus(node->result) : NULL, "COPY 20000",
		   "the COPY's own result is kept");
	strbuf_reset(&out);
	ok(pgnode_copy_out(node, "COPY (SELECT 1 WHERE false) TO STDOUT", &out, 10000),
	   "a COPY of no rows succeeds");
	is_int(out.len, 0, "and gives nothing");
	ok(pgnode_query(node, "SELECT 1", 0, NULL, 10000), "the session serves a query after a COPY");
	strbuf_reset(&out);
	ok(!pgnode_copy_out(node, "SELECT 1", &out, 10000), "a statement that is not a COPY is refused");
	is_int(node->state, PGNODE_READY, "and the node stays ready");
	ok(pgnode_query(node, "COPY session_rows TO STDOUT", 0, NULL, 10000),
	   "a query that turns out a COPY ends, its rows dropped");
	strbuf_free(&out);
	free(want);
}

/* What a batch's sink was told: rows per statement, and the order of starts and ends */
typedef struct BatchLog
{
	StrBuf		rows[8];
	StrBuf		events;
	int			statement;		/* the COPY whose rows are coming; -1 between */
	bool		misplaced;		/* rows outside a started COPY */
} BatchLog;

static void
log_started(void *arg, int statement)
{
	BatchLog   *log = arg;

	strbuf_printf(&log->events, "start %d;", statement);
	log->statement = statement >= 0 && statement < 8 ? statement : -1;
}

static void
log_rows(void *arg, const char *rows, size_t len)
{
	BatchLog   *log = arg;

	if (log->statement < 0)
		log->misplaced = true;
	else
		strbuf_append_len(&log->rows[log->statement], rows, len);
}

static void
log_ended(void *arg, int statement)
{
	BatchLog   *log = arg;

	strbuf_printf(&log->events, "end %d;", statement);
	log->statement = -1;
}

static void
batch_log_init(BatchLog *log, PgCopySink *sink)
{
	memset(log, 0, sizeof(*log));
	for (int i = 0; i < 8; i++)
		strbuf_init(&log->rows[i]);
	strbuf_init(&log->events);
	log->statement = -1;
	sink->copy_started = log_started;
	sink->copy_rows = log_rows;
	sink->copy_ended = log_ended;
	sink->arg = log;
}

static void
batch_log_free(BatchLog *log)
{
	for (int i = 0; i < 8; i++)
		strbuf_free(&log->rows[i]);
	strbuf_free(&log->events);
}

static bool
run_batch(PgNode *node, const char *batch, BatchLog *log, int timeout_ms)
{
	PgNode	   *one[1] = {node};
	const char *one_batch[1] = {batch};
	PgCopySink	sink;
	const PgCopySink *one_sink[1] = {&sink};

	batch_log_init(log, &sink);
	pgnodes_copy_batch(one, one_batch, one_sink, 1, timeout_ms);
	return node->state == PGNODE_READY && node->error.message == NULL;
}

static const char *
cmd_status_of(const PgNode *node, int statement)
{
	const PGresult *r = pgnode_result(node, statement);

	return r ? PQcmdStatus((PGresult *) r) : NULL;
}

/* Several COPYs in one string, each with rows of its own, and a SELECT among them */
static void
test_batch(PgNode *node, const char *expected_path)
{
	BatchLog	log;
	size_t		want_len = 0;
	char	   *want = read_file(expected_path, &want_len);
	const PGresult *select;

	ok(run_batch(node, "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY;"
				 "COPY (SELECT 1 UNION ALL SELECT 2) TO STDOUT;"
				 "COPY (SELECT 1 WHERE false) TO STDOUT;"
				 "SELECT 42;"
				 "COPY session_rows TO STDOUT", &log, 10000),
	   "copy_batch: a batch of three COPYs and a SELECT succeeds");
	is_int(node->nresults, 5, "copy_batch: a result per statement");
	is_str(log.events.data, "start 1;end 1;start 2;end 2;start 4;end 4;",
		   "copy_batch: each COPY starts and ends in its place among the statements");
	ok(!log.misplaced, "copy_batch: no rows outside a COPY");
	is_str(log.rows[1].data, "1\n2\n", "copy_batch: the first COPY's rows are its own");
	is_int(log.rows[2].len, 0, "copy_batch: a COPY of no rows gives nothing");
	ok(log.rows[4].len == want_len && memcmp(log.rows[4].data, want, want_len) == 0,
	   "copy_batch: the last COPY's rows are psql's, byte for byte (%zu bytes)", log.rows[4].len);
	is_str(cmd_status_of(node, 1), "COPY 2", "copy_batch: a COPY's own result is kept in its place");
	is_str(cmd_status_of(node, 2), "COPY 0", "copy_batch: so is an empty one's");
	select = pgnode_result(node, 3);
	ok(select && PQresultStatus(select) == PGRES_TUPLES_OK && PQntuples(select) == 1 &&
	   strcmp(PQgetvalue(select, 0, 0), "42") == 0, "copy_batch: the SELECT's rows are an ordinary result");
	is_str(cmd_status_of(node, 4), "COPY 20000", "copy_batch: and the last COPY's result after it");
	ok(!pgnode_in_transaction(node), "copy_batch: no transaction is left open");
	batch_log_free(&log);
	free(want);
}

/* The statement that failed is the last result; those before it are kept. */
static void
test_batch_errors(PgNode *node)
{
	BatchLog	log;

	ok(!run_batch(node, "COPY (SELECT 1) TO STDOUT; COPY no_such_table TO STDOUT; SELECT 1", &log, 10000),
	   "copy_batch: a batch whose second COPY fails fails");
	is_str(node->error.sqlstate, "42P01", "copy_batch: with the server's SQLSTATE");
	is_int(node->nresults, 2, "copy_batch: the statements after it did not run");
	is_str(cmd_status_of(node, 0), "COPY 1", "copy_batch: the COPY before it is kept");
	is_int(node->state, PGNODE_READY, "copy_batch: the node is still ready");
	ok(!pgnode_in_transaction(node), "copy_batch: and its implicit transaction is gone");
	batch_log_free(&log);
	ok(!run_batch(node, "SELECT 1; COPY (SELECT 1 / (50000 - g) FROM generate_series(1, 60000) g) TO STDOUT",
				  &log, 10000), "copy_batch: a COPY that fails after rows were sent fails the batch");
	is_str(node->error.sqlstate, "22012", "copy_batch: with its SQLSTATE");
	ok(log.rows[1].len > 0 && node->nresults == 2, "copy_batch: after its rows had come");
	ok(pgnode_query(node, "SELECT 1", 0, NULL, 10000), "copy_batch: the session serves the next query");
	batch_log_free(&log);
}

/* Rows enough to leave the server's buffer, then division by zero. */
#define FAILING_COPY \
	"COPY (SELECT 1 / (50000 - g) FROM generate_series(1, 60000) g) TO STDOUT"

static void
test_server_errors(PgNode *node)
{
	StrBuf		out;

	strbuf_init(&out);
	ok(!pgnode_copy_out(node, "COPY no_such_table TO STDOUT", &out, 10000),
	   "a COPY of a missing table fails");
	is_str(node->error.sqlstate, "42P01", "with SQLSTATE 42P01");
	ok(node->error.message && strstr(node->error.message, "no_such_table"),
	   "and the server's message");
	is_int(node->state, PGNODE_READY, "the node is still ready");
	is_int(out.len, 0, "nothing was copied");
	strbuf_reset(&out);
	ok(!pgnode_copy_out(node, FAILING_COPY, &out, 10000), "a COPY that fails after rows were sent fails");
	is_str(node->error.sqlstate, "22012", "with the server's SQLSTATE");
	ok(out.len > 0, "after rows had come (%zu bytes)", out.len);
	is_int(node->state, PGNODE_READY, "the node is still ready");
	ok(pgnode_query(node, "SELECT 1", 0, NULL, 10000), "and serves the next query");
	strbuf_free(&out);
}

/*
 * Rows first, so that the loop waits in the middle of the COPY, then a
 * server that says nothing more.
 */
#define HANGING_COPY \
	"COPY (SELECT g, CASE WHEN g = 100000 THEN pg_sleep(20) END " \
	"FROM generate_series(1, 100000) g) TO STDOUT"

static void
test_timeout(PgNode *node)
{
	StrBuf		out;
	int64_t		start = monotonic_ms();
	int64_t		took;

	strbuf_init(&out);
	ok(!pgnode_copy_out(node, HANGING_COPY, &out, 1500), "a COPY that hangs fails");
	took = monotonic_ms() - start;
	ok(took >= 1400 && took < 4000, "at its deadline (%lld ms)", (long long) took);
	is_int(node->state, PGNODE_FAILED, "the node is FAILED");
	ok(node->timed_out, "as timed out");
	is_str(node->error.message, "no answer to a COPY within 1.5 s", "the error says so");
	is_str(node->error.sqlstate, "", "with no SQLSTATE: the server did not answer");
	ok(node->conn == NULL, "its connection is closed");
	ok(out.len > 0, "rows had come before it hung (%zu bytes)", out.len);
	strbuf_free(&out);
}

/* One deadline for the whole batch; only the sink knows how far it got. */
static void
test_batch_timeout(PgNode *node)
{
	BatchLog	log;

	ok(!run_batch(node, "COPY (SELECT 1) TO STDOUT; " HANGING_COPY, &log, 1500),
	   "copy_batch: a batch that hangs fails");
	is_int(node->state, PGNODE_FAILED, "copy_batch: the node is FAILED");
	is_str(node->error.message, "no answer to a COPY within 1.5 s", "copy_batch: the error says so");
	ok(node->conn == NULL && node->nresults == 0, "copy_batch: its connection closed and its results gone");
	is_str(log.events.data, "start 0;end 0;start 1;", "copy_batch: its sink saw which COPY hung");
	ok(log.rows[1].len > 0, "copy_batch: after its rows had begun to come");
	batch_log_free(&log);
}

static void
test_cancel(PgNode *node)
{
	StrBuf		out;
	int64_t		start = monotonic_ms();
	int64_t		took;

	strbuf_init(&out);
	cancel_in_a_second();
	ok(!pgnode_copy_out(node, HANGING_COPY, &out, 15000), "a COPY cancelled by a signal fails");
	took = monotonic_ms() - start;
	pgnode_cancel_requested = 0;
	ok(took < 5000, "long before its deadline (%lld ms)", (long long) took);
	is_str(node->error.sqlstate, "57014", "with the server's SQLSTATE for a cancel");
	is_int(node->state, PGNODE_READY, "the node is ready again");
	ok(pgnode_query(node, "SELECT 1", 0, NULL, 10000), "and serves the next query");
	strbuf_free(&out);
}

/* libpq would return a COPY IN result for ever: the loop must not spin on it. */
static void
test_copy_in(PgNode *node)
{
	ok(!pgnode_query(node, "COPY session_rows FROM STDIN", 0, NULL, 10000),
	   "a COPY FROM STDIN is not waited on");
	is_int(node->state, PGNODE_FAILED, "the session is given up");
	ok(node->error.message && strstr(node->error.message, "COPY data"), "and says why");
}

/* A pool of one session to the test server, kept for a later phase. */
static void
keep_one(SessionPool *keep, const char *begin)
{
	SessionPool pool;

	session_pool_init(&pool, 1);
	pool.count = 1;
	pgnode_init(&pool.sessions[0], "127.0.0.1", 1);
	if (connect_node(&pool.sessions[0]) && begin)
		pgnode_query(&pool.sessions[0], begin, 0, NULL, 10000);
	session_pool_keep(keep, &pool);
}

/* Waits until no backend of ours but this one is left on the server. */
static void
wait_terminated(PgNode *other)
{
	for (int tries = 0; tries < 100; tries++)
	{
		if (pgnode_query(other, "SELECT pg_catalog.count(*) FROM pg_catalog.pg_stat_activity"
						 " WHERE application_name = 'kept' AND pid <> pg_catalog.pg_backend_pid()",
						 0, NULL, 10000) &&
			strcmp(PQgetvalue(other->result, 0, 0), "0") == 0)
			return;
		usleep(50000);
	}
}

/*
 * Until the server's last words to the kept sessions have arrived: what a
 * kept session can be judged by without asking its server.
 */
static void
wait_last_words(SessionPool *keep)
{
	for (int i = 0; i < keep->count; i++)
	{
		struct pollfd pfd = {.events = POLLIN};

		if (keep->sessions[i].conn == NULL)
			continue;
		pfd.fd = PQsocket(keep->sessions[i].conn);
		poll(&pfd, 1, 5000);
	}
}

static void
test_kept_sessions(void)
{
	SessionPool keep = {0};
	PgNode		taken;
	PgNode		other;

	pgnode_init(&taken, "127.0.0.1", 1);
	keep_one(&keep, "SET application_name = 'kept'");
	ok(!session_pool_take(&keep, "127.0.0.1", 2, NULL, NULL, &taken), "a kept session serves its own port only");
	ok(!session_pool_take(&keep, "127.0.0.1", 1, "no_such_db", NULL, &taken), "and its own database only");
	ok(session_pool_take(&keep, "127.0.0.1", 1, NULL, NULL, &taken), "an idle kept session is taken over");
	ok(pgnode_query(&taken, "SELECT 1", 0, NULL, 10000), "and serves a query");
	ok(!session_pool_take(&keep, "127.0.0.1", 1, NULL, NULL, &taken), "once only");
	pgnode_free(&taken);

	keep_one(&keep, "BEGIN");
	pgnode_init(&taken, "127.0.0.1", 1);
	ok(!session_pool_take(&keep, "127.0.0.1", 1, NULL, NULL, &taken),
	   "a session left inside a transaction is not kept");

	keep_one(&keep, "SET application_name = 'kept'");
	pgnode_init(&other, "127.0.0.1", 1);
	if (connect_node(&other))
	{
		ok(pgnode_query(&other, "SELECT pg_catalog.pg_terminate_backend(pid) FROM pg_catalog.pg_stat_activity"
						" WHERE application_name = 'kept'", 0, NULL, 10000), "the kept session's backend is terminated");
		wait_terminated(&other);
		wait_last_words(&keep);
		ok(!session_pool_take(&keep, "127.0.0.1", 1, NULL, NULL, &taken),
		   "a session whose backend has gone is not taken over");
		is_int(taken.state, PGNODE_IDLE, "and the node is left to connect afresh");
	}
	pgnode_free(&other);
	pgnode_free(&taken);
	session_pool_free(&keep);
}

int
main(void)
{
	const char *expected = getenv("TEST_SESSION_EXPECTED");
	PgNode		node;

	live_conninfo = getenv("TEST_SESSION_CONNINFO");
	if (live_conninfo == NULL || live_conninfo[0] == '\0' || expected == NULL)
	{
		printf("1..0 # SKIP TEST_SESSION_CONNINFO and TEST_SESSION_EXPECTED are not set\n");
		return 0;
	}
	pgnode_init(&node, "127.0.0.1", 5432);
	if (!connect_node(&node))
	{
		printf("Bail out! no server to test against\n");
		return 1;
	}
	test_rows(&node, expected);
	test_server_errors(&node);
	test_batch(&node, expected);
	test_batch_errors(&node);
	test_timeout(&node);
	if (connect_node(&node))
		test_cancel(&node);
	test_copy_in(&node);
	if (connect_node(&node))
		test_batch_timeout(&node);
	pgnode_free(&node);
	test_kept_sessions();
	return tap_done();
}
