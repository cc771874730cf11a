#include "config.h"

#include "ledger.h"
#include "ledger_read.h"
#include "pgnode.h"
#include "quote.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * citus_check_connection_to_node() says only true or false; why it could
 * not connect arrives as a WARNING: every warning of a statement is kept,
 * in order.
 */
static void
keep_warnings(void *arg, const PGresult *res)
{
	const char *message = PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY);

	if (message)
		strlist_add((StrList *) arg, message);
}

static bool
step(PgNode *pg, const char *sql, int nparams, const char *const *params, int timeout_ms,
	 ReachCheck *reach)
{
	if (pgnode_query(pg, sql, nparams, params, timeout_ms))
		return true;
	if (reach->why_not == NULL)
		reach->why_not = pg->error.message ? pgerror_format(&pg->error) : xstrdup("the connection was lost");
	return false;
}

/*
 * The workers' authinfo rows, in a temporary table on the new node: they
 * pass from the first node to the new one as parameters and nowhere else.
 */
static bool
stage_authinfo(PgNode *target, PgNode *first, int timeout_ms, ReachCheck *reach)
{
	const PGresult *r;
	bool		ok;

	if (!step(target, "CREATE TEMPORARY TABLE rescue_authinfo (nodeid int, rolename text, authinfo text)",
			  0, NULL, timeout_ms, reach))
		return false;
	if (!pgnode_query(first, "SELECT nodeid::text, rolename::text, authinfo FROM pg_catalog.pg_dist_authinfo",
					  0, NULL, timeout_ms))
	{
		reach->why_not = xstrdup("the workers' pg_dist_authinfo could not be read again");
		return false;
	}
	r = first->result;
	ok = true;
	for (int i = 0; i < PQntuples(r) && ok; i++)
	{
		const char *row[3] = {PQgetvalue(r, i, 0), PQgetvalue(r, i, 1), PQgetvalue(r, i, 2)};

		ok = step(target, "INSERT INTO pg_temp.rescue_authinfo VALUES ($1::int, $2, $3)",
				  3, row, timeout_ms, reach);
	}
	pgnode_clear_results(first);
	reach->with_authinfo = ok;
	return ok;
}

/*
 * The new node knows no worker yet, so Citus looks its authinfo up under
 * node 0: each worker's own rows (or the workers' node-0 rows) go there,
 * inside a savepoint.
 */
static const char *const place_authinfo_sql =
"INSERT INTO pg_catalog.pg_dist_authinfo (nodeid, rolename, authinfo)"
" SELECT DISTINCT ON (rolename) 0, rolename, authinfo FROM pg_temp.rescue_authinfo"
" WHERE nodeid IN ($1::int, 0) ORDER BY rolename, nodeid DESC";

static bool
check_one(PgNode *target, const NodeReport *worker, int timeout_ms, ReachCheck *reach)
{
	ReachResult *res = &reach->results[reach->nresults];
	char		port[16];
	char		nodeid[16];
	const char *params[2] = {worker->meta.nodename, port};
	const char *id[1] = {nodeid};
	StrList		warnings = {0};
	PQnoticeReceiver previous;
	bool		ok;

	snprintf(port, sizeof(port), "%d", worker->meta.nodeport);
	snprintf(nodeid, sizeof(nodeid), "%d", worker->meta.nodeid);
	if (!step(target, "SAVEPOINT rescue_reach", 0, NULL, timeout_ms, reach) ||
		(reach->with_authinfo && !step(target, place_authinfo_sql, 1, id, timeout_ms, reach)))
		return false;
	previous = PQsetNoticeReceiver(target->conn, keep_warnings, &warnings);
	ok = step(target, "SELECT pg_catalog.citus_check_connection_to_node($1, $2::int)",
			  2, params, timeout_ms, reach);
	if (target->conn)
		PQsetNoticeReceiver(target->conn, previous, NULL);
	if (ok)
	{
		res->worker = xasprintf("%s:%d", worker->meta.nodename, worker->meta.nodeport);
		res->reached = strcmp(PQgetvalue(target->result, 0, 0), "t") == 0;
		if (!res->reached)
			res->error = xstrdup(warnings.count ? warnings.items[0] : "the connection check returned false");
		reach->nresults++;
	}
	strlist_free(&warnings);
	return ok && step(target, "ROLLBACK TO SAVEPOINT rescue_reach", 0, NULL, timeout_ms, reach);
}

/* Whether worker i is one to check: a node that timed out already was waited for once */
static bool
to_check(const ClusterSnapshot *snap, int i)
{
	return snapshot_reaches_worker(snap, i) && !(!snap->nodes[i].reachable && snap->nodes[i].timed_out);
}

/* Citus names the node it could not reach: "... node USER@HOST:PORT failed ..." */
static char *
warning_naming(const StrList *warnings, const char *worker)
{
	char	   *needle = xasprintf("@%s failed", worker);
	char	   *found = NULL;

	for (int i = 0; i < warnings->count && found == NULL; i++)
		if (strstr(warnings->items[i], needle))
			found = xstrdup(warnings->items[i]);
	free(needle);
	return found;
}

/* How long Citus may wait for a worker: a worker that hangs must not outlast the query that asks for it */
static int
node_timeout_ms(int timeout_ms)
{
	return timeout_ms > 2000 ? timeout_ms / 2 : 1000;
}

static void
node_timeout_text(int timeout_ms, char *out, size_t len)
{
	snprintf(out, len, "%d", node_timeout_ms(timeout_ms));
}

/*
 * With no authinfo rows to put in place for each worker, every check goes
 * in one statement: one round trip for all the workers, whose implicit
 * transaction holds the node timeout.
 */
char *
reach_at_once_sql(const ClusterSnapshot *snap, int timeout_ms, bool in_batch)
{
	StrBuf		sql;
	char		node_timeout[32];
	int			count = 0;
	int			workers = 0;

	for (int i = 0; i < snap->nnodes; i++)
		if (to_check(snap, i))
			workers++;
	/*
	 * In discovery's batch the workers together get half the batch's
	 * deadline, so that a worker silent to the new node cannot make the
	 * whole batch, and the new node with it, look silent.
	 */
	if (in_batch && workers > 0)
		snprintf(node_timeout, sizeof(node_timeout), "%d",
				 node_timeout_ms(timeout_ms) / workers > 500 ? node_timeout_ms(timeout_ms) / workers : 500);
	else
		node_timeout_text(timeout_ms, node_timeout, sizeof(node_timeout));
	strbuf_init(&sql);
	strbuf_append(&sql, "SELECT pg_catalog.set_config('citus.node_connection_timeout', ");
	sql_append_literal(&sql, node_timeout);
	strbuf_append(&sql, ", true);\nSELECT w.n, w.p, pg_catalog.citus_check_connection_to_node(w.n, w.p) FROM (VALUES ");
	for (int i = 0; i < snap->nnodes; i++)
		if (to_check(snap, i))
		{
			strbuf_append(&sql, count ? ", (" : "(");
			sql_append_literal(&sql, snap->nodes[i].meta.nodename);
			strbuf_printf(&sql, ", %d, %d)", snap->nodes[i].meta.nodeport, count++);
		}
	strbuf_append(&sql, ") AS w(n, p, o) ORDER BY w.o");
	if (count == 0)
	{
		strbuf_free(&sql);
		return NULL;
	}
	return strbuf_steal(&sql);
}

PQnoticeReceiver
reach_collect_warnings(struct PgNode *target, StrList *warnings)
{
	return target->conn ? PQsetNoticeReceiver(target->conn, keep_warnings, warnings) : NULL;
}

void
reach_stop_collecting(struct PgNode *target, PQnoticeReceiver previous)
{
	if (target->conn && previous)
		PQsetNoticeReceiver(target->conn, previous, NULL);
}

bool
reach_read_at_once(ClusterSnapshot *snap, const struct PgNode *target, int base,
				   const StrList *warnings)
{
	ReachCheck *reach = &snap->nodes[snap->target].reach;
	const PGresult *r = pgnode_result(target, base + 1);
	int			count = 0;

	for (int i = 0; i < snap->nnodes; i++)
		if (to_check(snap, i))
			count++;
	if (r == NULL || PQresultStatus(r) != PGRES_TUPLES_OK || PQntuples(r) != count ||
		PQnfields(r) != 3)
		return false;
	reach->results = xcalloc((size_t) snap->nnodes + 1, sizeof(ReachResult));
	for (int row = 0; row < count; row++)
	{
		ReachResult *res = &reach->results[reach->nresults++];

		res->worker = xasprintf("%s:%s", PQgetvalue(r, row, 0), PQgetvalue(r, row, 1));
		res->reached = strcmp(PQgetvalue(r, row, 2), "t") == 0;
		if (!res->reached && (res->error = warning_naming(warnings, res->worker)) == NULL)
			res->error = xstrdup(warnings->count == 1 ? warnings->items[0] : "the connection check returned false");
	}
	reach->ran = true;
	return true;
}

static void
check_workers_at_once(ClusterSnapshot *snap, PgNode *target, int timeout_ms)
{
	ReachCheck *reach = &snap->nodes[snap->target].reach;
	StrList		warnings = {0};
	char	   *sql = reach_at_once_sql(snap, timeout_ms, false);
	PQnoticeReceiver previous;

	if (sql == NULL)
	{
		reach->ran = true;
		return;
	}
	previous = PQsetNoticeReceiver(target->conn, keep_warnings, &warnings);
	if (step(target, sql, 0, NULL, timeout_ms, reach))
	{
		if (!reach_read_at_once(snap, target, 0, &warnings))
			reach->why_not = xstrdup("the connection check gave an unexpected answer");
	}
	if (target->conn)
		PQsetNoticeReceiver(target->conn, previous, NULL);
	strlist_free(&warnings);
	free(sql);
}

/* Every worker in turn, in one transaction that is rolled back */
static void
check_workers(ClusterSnapshot *snap, SessionPool *pool, PgNode *target, int timeout_ms)
{
	ReachCheck *reach = &snap->nodes[snap->target].reach;
	char		node_timeout[32];
	const char *param[1] = {node_timeout};

	if (!ledger_authinfo_copyable(snap))
	{
		check_workers_at_once(snap, target, timeout_ms);
		return;
	}
	node_timeout_text(timeout_ms, node_timeout, sizeof(node_timeout));
	reach->results = xcalloc((size_t) snap->nnodes + 1, sizeof(ReachResult));
	if (!step(target, "BEGIN", 0, NULL, timeout_ms, reach) ||
		!step(target, "SELECT pg_catalog.set_config('citus.node_connection_timeout', $1, true)",
			  1, param, timeout_ms, reach))
		return;
	if (!stage_authinfo(target, &pool->sessions[snap->first], timeout_ms, reach))
		return;
	for (int i = 0; i < snap->nnodes; i++)
		if (to_check(snap, i) && !check_one(target, &snap->nodes[i], timeout_ms, reach))
			return;
	reach->ran = true;
}

static bool
reached_all(const ReachCheck *reach)
{
	for (int i = 0; i < reach->nresults; i++)
		if (!reach->results[i].reached)
			return false;
	return true;
}

void
reach_check_run(ClusterSnapshot *snap, SessionPool *pool, int timeout_ms)
{
	NodeReport *t;
	PgNode	   *target;

	if (snap->target < 0 || snap->target >= pool->count || snap->first < 0)
		return;
	t = &snap->nodes[snap->target];
	target = &pool->sessions[snap->target];
	if (!t->reachable || target->state != PGNODE_READY)
	{
		reach_check_free(&t->reach);
		t->reach.why_not = xstrdup("the new node does not answer");
		return;
	}
	if (t->citus_extension_version == NULL)
	{
		reach_check_free(&t->reach);
		t->reach.why_not = xstrdup("the new node has no citus extension yet, so Citus's connection check cannot run there");
		return;
	}
	/*
	 * Discovery's batch checked every worker at once, in less time each:
	 * that it reached them all holds, unless authinfo must be in place; a
	 * worker it did not reach is asked again with the full wait.
	 */
	if (t->reach.ran && !ledger_authinfo_copyable(snap) && reached_all(&t->reach))
		return;
	reach_check_free(&t->reach);
	check_workers(snap, pool, target, timeout_ms);
	if (!t->reach.ran)
	{
		char	   *why = t->reach.why_not;

		/* half a check proves nothing: only why it stopped is kept */
		t->reach.why_not = NULL;
		reach_check_free(&t->reach);
		t->reach.why_not = why ? why : xstrdup("the connection check did not finish");
	}
	if (target->state == PGNODE_READY && pgnode_in_transaction(target))
		pgnode_query(target, "ROLLBACK", 0, NULL, timeout_ms);
	pgnode_clear_results(target);
}
