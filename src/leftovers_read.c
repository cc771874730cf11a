#include "config.h"

#include "leftovers_read.h"
#include "leftovers.h"
#include "pgnode.h"
#include "strbuf.h"

#include <stdlib.h>
#include <string.h>

static void
read_row(const PGresult *r, int row, Leftover *l)
{
	l->kind = (LeftoverKind) leftover_kind_from_text(PQgetvalue(r, row, LEFTOVER_COLUMN_KIND));
	l->schema = pgresult_text(r, row, LEFTOVER_COLUMN_SCHEMA);
	l->name = pgresult_text(r, row, LEFTOVER_COLUMN_NAME);
	l->shardid = pgresult_int(r, row, LEFTOVER_COLUMN_SHARDID, -1);
	/* an invalidated slot has no restart_lsn */
	l->retained_wal = pgresult_int(r, row, LEFTOVER_COLUMN_RETAINED_WAL, -1);
	l->active = strcmp(PQgetvalue(r, row, LEFTOVER_COLUMN_ACTIVE), "t") == 0;
	l->slot = pgresult_text(r, row, LEFTOVER_COLUMN_SLOT);
	l->publisher = pgresult_text(r, row, LEFTOVER_COLUMN_PUBLISHER);
}

/* The rows of one node; false when they did not arrive in the expected shape. */
static bool
read_node(NodeReport *node, const PgNode *pg)
{
	const PGresult *r = pgnode_result(pg, LEFTOVERS_RESULT);
	int			rows;

	if (pg->state != PGNODE_READY || pg->error.message || r == NULL ||
		PQresultStatus(r) != PGRES_TUPLES_OK || PQnfields(r) != LEFTOVER_COLUMN_COUNT)
		return false;
	rows = PQntuples(r);
	for (int i = 0; i < rows; i++)
		if (leftover_kind_from_text(PQgetvalue(r, i, LEFTOVER_COLUMN_KIND)) < 0 ||
			PQgetisnull(r, i, LEFTOVER_COLUMN_NAME))
			return false;
	node->leftovers = xcalloc((size_t) rows + 1, sizeof(Leftover));
	for (int i = 0; i < rows; i++)
		read_row(r, i, &node->leftovers[i]);
	node->nleftovers = rows;
	return true;
}

void
discover_leftovers(ClusterSnapshot *snap, SessionPool *pool, int timeout_ms)
{
	PgNode	  **pgs = xcalloc((size_t) pool->count + 1, sizeof(PgNode *));
	const char **sql = xcalloc((size_t) pool->count + 1, sizeof(char *));

	for (int i = 0; i < snap->nnodes && i < pool->count; i++)
	{
		const NodeReport *node = &snap->nodes[i];

		pgs[i] = &pool->sessions[i];
		/* a standby has no WAL position of its own to measure from */
		if (node->reachable && node->is_citus && !node->in_recovery && !node->is_target)
			sql[i] = leftovers_sql;
	}
	pgnodes_query(pgs, sql, pool->count, 0, NULL, timeout_ms, NULL, NULL);
	for (int i = 0; i < snap->nnodes && i < pool->count; i++)
	{
		NodeReport *node = &snap->nodes[i];
		PgNode	   *pg = &pool->sessions[i];

		if (sql[i] == NULL)
			continue;
		if (!read_node(node, pg) && node->problem == NULL)
		{
			char	   *why = pg->error.message ? pgerror_format(&pg->error) :
				xstrdup("the connection was lost");

			node->problem = xasprintf("its leftovers of interrupted shard moves could not be read: %s", why);
			free(why);
		}
		pgnode_clear_results(pg);
	}
	free(pgs);
	free(sql);
}
