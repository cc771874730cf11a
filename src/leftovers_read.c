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
read_node(NodeReport *node, const PgNode *pg, int base)
{
	const PGresult *r = pgnode_result(pg, base + LEFTOVERS_RESULT);
	int			rows;

	if (r == NULL || PQresultStatus(r) != PGRES_TUPLES_OK || PQnfields(r) != LEFTOVER_COLUMN_COUNT)
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

bool
leftovers_wanted(const NodeReport *node)
{
	/* a standby has no WAL position of its own to measure from */
	return node->reachable && node->is_citus && !node->in_recovery && !node->is_target;
}

void
leftovers_read_node(NodeReport *node, const struct PgNode *pg, int base)
{
	char	   *why;

	if (read_node(node, pg, base) || node->problem != NULL)
		return;
	why = pg->error.message ? pgerror_format(&pg->error) : xstrdup("the connection was lost");
	node->problem = xasprintf("its leftovers of interrupted shard moves could not be read: %s", why);
	free(why);
}
