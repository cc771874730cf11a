#include "config.h"

#include "discover.h"
#include "pgnode.h"
#include "catalog.h"
#include "compare.h"
#include "exitcodes.h"
#include "leftovers.h"
#include "leftovers_read.h"
#include "ledger_read.h"
#include "roles_read.h"
#include "strbuf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool
text_is_true(const char *value)
{
	return value != NULL && strcmp(value, "t") == 0;
}

static void
node_problem(NodeReport *node, const char *fmt,...) __attribute__((format(printf, 2, 3)));

static void
node_problem(NodeReport *node, const char *fmt,...)
{
	va_list		ap;

	if (node->problem)
		return;
	va_start(ap, fmt);
	node->problem = xvasprintf(fmt, ap);
	va_end(ap);
}

/* A result of the expected shape: rows of `columns` fields, no error. */
static const PGresult *
batch_result(const PgNode *pg, int index, int columns)
{
	const PGresult *r = pgnode_result(pg, index);

	if (r == NULL || PQresultStatus(r) != PGRES_TUPLES_OK || PQnfields(r) != columns)
		return NULL;
	return r;
}

static void
read_probe(NodeReport *node, const PgNode *pg)
{
	const PGresult *r = batch_result(pg, PROBE_RESULT_SETTINGS, PROBE_COLUMN_COUNT);
	const PGresult *columns = batch_result(pg, PROBE_RESULT_COLUMNS, 2);
	const PGresult *sequences = batch_result(pg, PROBE_RESULT_SEQUENCES, 2);
	bool		catalogs_present = true;

	/* the first node's batch goes on to pg_dist_node, which a node without Citus lacks */
	if (r == NULL || PQntuples(r) != 1 || columns == NULL || sequences == NULL)
		return;
	node->probed = true;
	node->server_version_num = (int) pgresult_int(r, 0, PROBE_VERSION_NUM, 0);
	node->server_version = pgresult_text(r, 0, PROBE_VERSION);
	node->in_recovery = text_is_true(PQgetvalue(r, 0, PROBE_IN_RECOVERY));
	node->citus_extension_version = pgresult_text(r, 0, PROBE_EXTENSION_VERSION);
	for (int i = 0; i < PQntuples(columns); i++)
		for (int c = 0; c < CATALOG_COUNT; c++)
			if (strcmp(PQgetvalue(columns, i, 0), catalog_name((CatalogId) c)) == 0)
				strlist_add(&node->catalogs[c].columns, PQgetvalue(columns, i, 1));
	for (int c = 0; c < CATALOG_COUNT; c++)
		if (node->catalogs[c].columns.count == 0)
			catalogs_present = false;
	node->nsequences = PQntuples(sequences);
	node->sequences = xcalloc((size_t) node->nsequences + 1, sizeof(SequenceValue));
	for (int i = 0; i < node->nsequences; i++)
	{
		node->sequences[i].name = pgresult_text(sequences, i, 0);
		node->sequences[i].last_value = pgresult_text(sequences, i, 1);
	}

	node->is_citus = node->citus_extension_version != NULL && catalogs_present &&
		text_is_true(PQgetvalue(r, 0, PROBE_HAS_CITUS_VERSION)) &&
		text_is_true(PQgetvalue(r, 0, PROBE_HAS_LOCAL_GROUP));
	if (!node->is_citus)
	{
		PgNodeWhere where;
		const char *db = pgnode_where(pg, &where) ? where.dbname : "?";

		if (node->citus_extension_version == NULL)
			node_problem(node, "the citus extension is not installed in database \"%s\"", db);
		else
			node_problem(node, "the Citus catalogs in database \"%s\" are incomplete", db);
	}
}

/* One row of the node list query into a node's report. */
static void
read_meta_row(const PGresult *r, int i, NodeReport *node)
{
	MetaNode   *row = &node->meta;

	row->nodeid = (int) pgresult_int(r, i, 1, 0);
	row->groupid = (int) pgresult_int(r, i, 2, 0);
	row->nodename = pgresult_text(r, i, 3);
	row->nodeport = (int) pgresult_int(r, i, 4, 0);
	row->noderole = pgresult_text(r, i, 5);
	row->hasmetadata = text_is_true(PQgetvalue(r, i, 6));
	row->metadatasynced = text_is_true(PQgetvalue(r, i, 7));
	row->isactive = PQgetisnull(r, i, 8) || text_is_true(PQgetvalue(r, i, 8));
	row->shouldhaveshards = PQgetisnull(r, i, 9) || text_is_true(PQgetvalue(r, i, 9));
	row->has_clone_columns = !PQgetisnull(r, i, 10);
	row->nodeisclone = text_is_true(PQgetvalue(r, i, 10));
	node->in_metadata = true;
	node->local_group = -1;
}

/* The fields catalog_node_list_sql gives */
#define NODE_LIST_COLUMNS 11

/* The first node's pg_dist_node, read in its probe's batch, becomes the list of nodes to reach. */
static bool
read_node_list(ClusterSnapshot *snap, SessionPool *pool, NodeReport *first, PgNode *first_pg)
{
	const PGresult *r = batch_result(first_pg, PROBE_RESULT_COUNT, NODE_LIST_COLUMNS);
	int			rows;
	int			local_group = -1;
	int			first_index = -1;
	int			count = 0;
	MetaNode	meta;
	bool		in_metadata;

	if (r == NULL)
	{
		if (first_pg->error.message == NULL)
			pgerror_set(&first_pg->error, NULL, "pg_dist_node could not be read", NULL, NULL);
		return false;
	}
	rows = PQntuples(r);
	if (rows > 0)
		local_group = (int) pgresult_int(r, 0, 0, -1);

	/* room for the first node, --old-coordinator and the target */
	snap->nodes = xcalloc((size_t) rows + 3, sizeof(NodeReport));
	session_pool_init(pool, rows + 3);
	for (int i = 0; i < rows; i++)
	{
		if (PQgetisnull(r, i, 1))
			continue;			/* pg_dist_node is empty */
		read_meta_row(r, i, &snap->nodes[count]);
		if (first_index < 0 && snap->nodes[count].meta.groupid == local_group &&
			snap->nodes[count].meta.noderole &&
			strcmp(snap->nodes[count].meta.noderole, "primary") == 0)
			first_index = count;
		count++;
	}

	/*
	 * A node that is not in its own pg_dist_node (removed, or never added)
	 * still has something to say: keep it, marked as outside the metadata.
	 */
	if (first_index < 0)
	{
		first_index = count++;
		snap->nodes[first_index].meta.nodename = xstrdup(first_pg->host);
		snap->nodes[first_index].meta.nodeport = first_pg->port;
		snap->nodes[first_index].meta.groupid = local_group;
		snap->nodes[first_index].meta.noderole = xstrdup("primary");
		snap->nodes[first_index].meta.nodeid = -1;
	}
	/* the first node's report takes over its live session and probe */
	meta = snap->nodes[first_index].meta;
	in_metadata = snap->nodes[first_index].in_metadata;
	snap->nodes[first_index] = *first;
	snap->nodes[first_index].meta = meta;
	snap->nodes[first_index].in_metadata = in_metadata;
	snap->nodes[first_index].is_first = true;
	snap->nodes[first_index].local_group = local_group;
	memset(first, 0, sizeof(*first));
	pool->sessions[first_index] = *first_pg;
	memset(first_pg, 0, sizeof(*first_pg));
	snap->nnodes = count;
	pool->count = count;
	snap->first = first_index;
	return true;
}

/* A node's connect or query finished: an EVENT_NODE for the hooks' sink. */
static void
node_finished(PgNode *pg, void *arg)
{
	const DiscoverHooks *hooks = arg;
	Event		event = {.kind = EVENT_NODE};
	char	   *text;

	event.node = pg->label;
	event.answered = pg->state != PGNODE_FAILED;
	event.message = pg->error.message;
	text = xasprintf("%s %s", pg->label, event.answered ? "answered" : "did not answer");
	event.text = text;
	event_emit(hooks->node_events, &event);
	free(text);
}

/* The poll loop's per-node callback, when the hooks want node events */
static PgNodeEvent
node_callback(const DiscoverHooks *hooks)
{
	return hooks && hooks->node_events ? node_finished : NULL;
}

/*
 * Connects the given nodes at once; when a server asks for a password that
 * the operator has not given, asks once and retries those nodes.
 */
static void
connect_nodes(PgNode **nodes, ConnParams **params, int count, ConnOptions *opts,
			  const DiscoverHooks *hooks, ConnParams *first_used)
{
	bool		retry = false;

	pgnodes_connect(nodes, params, count, opts->timeout_ms,
					node_callback(hooks), (void *) hooks);
	for (int i = 0; i < count; i++)
		if (nodes[i] && params[i] && nodes[i]->state == PGNODE_FAILED &&
			nodes[i]->needs_password)
			retry = true;
	if (!retry || opts->password != NULL || opts->password_mode == PASSWORD_NEVER ||
		hooks == NULL || hooks->ask_password == NULL)
		return;

	{
		const char *user = first_used ? connparams_get(first_used, "user") : NULL;
		char	   *prompt;

		for (int i = 0; i < count && user == NULL; i++)
			if (params[i])
				user = connparams_get(params[i], "user");
		if (user == NULL)
			user = getenv("PGUSER");
		prompt = user ? xasprintf("Password for user %s: ", user) : xstrdup("Password: ");
		opts->password = hooks->ask_password(prompt, hooks->arg);
		free(prompt);
	}
	if (opts->password == NULL)
		return;
	for (int i = 0; i < count; i++)
	{
		if (!(nodes[i] && params[i] && nodes[i]->state == PGNODE_FAILED &&
			  nodes[i]->needs_password))
		{
			/* only the nodes that asked are tried again */
			continue;
		}
		connparams_set(params[i], "password", opts->password);
	}
	{
		PgNode	  **again = xcalloc((size_t) count, sizeof(PgNode *));

		for (int i = 0; i < count; i++)
			if (nodes[i] && params[i] && nodes[i]->state == PGNODE_FAILED &&
				nodes[i]->needs_password)
				again[i] = nodes[i];
		pgnodes_connect(again, params, count, opts->timeout_ms,
						node_callback(hooks), (void *) hooks);
		free(again);
	}
}

static void
run_on_nodes(SessionPool *pool, const char *const *sql, const ConnOptions *opts,
			 const DiscoverHooks *hooks)
{
	PgNode	  **pgs = xcalloc((size_t) pool->count, sizeof(PgNode *));

	for (int i = 0; i < pool->count; i++)
		pgs[i] = &pool->sessions[i];
	pgnodes_query(pgs, sql, pool->count, 0, NULL, opts->timeout_ms,
				  node_callback(hooks), (void *) hooks);
	free(pgs);
}

static void
read_lost_shards(NodeReport *node, const PGresult *lost)
{
	node->nlost_shards = PQntuples(lost);
	node->lost_shards = xcalloc((size_t) node->nlost_shards + 1, sizeof(LostShard));
	for (int i = 0; i < node->nlost_shards; i++)
	{
		LostShard  *l = &node->lost_shards[i];

		l->table = xstrdup(PQgetvalue(lost, i, 0));
		l->shardid = strtoll(PQgetvalue(lost, i, 1), NULL, 10);
		l->minvalue = pgresult_text(lost, i, 2);
		l->maxvalue = pgresult_text(lost, i, 3);
		l->citus_local = strcmp(PQgetvalue(lost, i, 4), "t") == 0;
		l->unrecreatable = pgresult_text(lost, i, 5);
	}
}

static void
read_stats(NodeReport *node, const PgNode *pg, int base)
{
	const PGresult *r = batch_result(pg, base + STATS_RESULT_SUMMARY, STATS_COLUMN_COUNT);
	const PGresult *view = batch_result(pg, base + STATS_RESULT_NODE_VIEW, 1);
	const PGresult *prepared = batch_result(pg, base + STATS_RESULT_PREPARED, 4);
	const PGresult *serials = batch_result(pg, base + STATS_RESULT_SERIALS, 5);
	const PGresult *lost = batch_result(pg, base + STATS_RESULT_LOST_SHARDS, 6);
	const PGresult *unknown = batch_result(pg, base + STATS_RESULT_UNKNOWN_SHARDS, 1);

	if (r == NULL || PQntuples(r) != 1 || view == NULL || prepared == NULL ||
		serials == NULL || lost == NULL || unknown == NULL)
	{
		node->is_citus = false;
		if (pg->error.message)
		{
			char	   *why = pgerror_format(&pg->error);

			node_problem(node, "its catalogs could not be read: %s", why);
			free(why);
		}
		return;
	}
	node->citus_library_version = pgresult_text(r, 0, STATS_CITUS_VERSION);
	node->runs_standin = citus_version_is_standin(node->citus_library_version);
	node->local_group = (int) pgresult_int(r, 0, STATS_LOCAL_GROUP, -1);
	for (int c = 0; c < CATALOG_COUNT; c++)
	{
		node->catalogs[c].rows = pgresult_int(r, 0, STATS_FIRST_CATALOG + 2 * c, 0);
		node->catalogs[c].digest = pgresult_text(r, 0, STATS_FIRST_CATALOG + 2 * c + 1);
	}
	for (int m = 0; m < MAXID_COUNT; m++)
		node->max_id[m] = pgresult_int(r, 0, STATS_FIRST_MAXID + m, -1);
	node->max_prepared_transactions = (int) pgresult_int(r, 0, STATS_MAX_PREPARED, 0);
	node->user_relations = pgresult_int(r, 0, STATS_USER_RELATIONS, 0);
	node->database = pgresult_text(r, 0, STATS_DATABASE);
	node->placement_ids_digest = pgresult_text(r, 0, STATS_PLACEMENT_IDS);

	for (int i = 0; i < PQntuples(view); i++)
		strlist_add(&node->node_view, PQgetvalue(view, i, 0));

	node->nprepared = PQntuples(prepared);
	node->prepared = xcalloc((size_t) node->nprepared + 1, sizeof(PreparedXact));
	for (int i = 0; i < node->nprepared; i++)
	{
		PreparedXact *x = &node->prepared[i];

		x->gid = xstrdup(PQgetvalue(prepared, i, 0));
		x->owner = xstrdup(PQgetvalue(prepared, i, 1));
		x->database = xstrdup(PQgetvalue(prepared, i, 2));
		x->prepared = xstrdup(PQgetvalue(prepared, i, 3));
	}

	node->nserials = PQntuples(serials);
	node->serials = xcalloc((size_t) node->nserials + 1, sizeof(SerialColumn));
	for (int i = 0; i < node->nserials; i++)
	{
		SerialColumn *c = &node->serials[i];

		c->table = xstrdup(PQgetvalue(serials, i, 0));
		c->column = xstrdup(PQgetvalue(serials, i, 1));
		c->sequence = xstrdup(PQgetvalue(serials, i, 2));
		c->is_bigint = strcmp(PQgetvalue(serials, i, 3), "bigint") == 0;
		c->default_expr = xstrdup(PQgetvalue(serials, i, 4));
	}

	read_lost_shards(node, lost);
	for (int i = 0; i < PQntuples(unknown); i++)
		strlist_add(&node->unknown_shards, PQgetvalue(unknown, i, 0));
}

static char **
fetch_rows(const PgNode *pg, int *count, PgError *error)
{
	char	  **rows;
	const PGresult *r = pg->result;
	int			n;

	*count = 0;
	if (pg->state != PGNODE_READY || pg->error.message || r == NULL)
	{
		pgerror_copy(error, &pg->error);
		if (error->message == NULL)
			pgerror_set(error, NULL, "the connection was lost", NULL, NULL);
		return NULL;
	}
	n = PQntuples(r);
	rows = xmalloc(sizeof(char *) * (size_t) (n ? n : 1));
	for (int i = 0; i < n; i++)
		rows[i] = PQgetvalue(r, i, 0);
	*count = n;
	return rows;
}

static int
compare_row_text(const void *a, const void *b)
{
	return strcmp(*(char *const *) a, *(char *const *) b);
}

/*
 * Digests were computed on each server; rows travel only from nodes whose
 * digest differs from the majority's, and from one node of the majority.
 */
static void
compare_catalog(ClusterSnapshot *snap, SessionPool *pool, CatalogId catalog,
				const StrList *columns, const ConnOptions *opts, const DiscoverHooks *hooks)
{
	CatalogComparison *cmp = &snap->comparisons[catalog];
	const char **digests = xcalloc((size_t) snap->nnodes, sizeof(char *));
	const char **sql = xcalloc((size_t) snap->nnodes, sizeof(char *));
	char	   *rows_sql;
	char	  **reference_rows;
	int			nreference;
	PgError		reference_error = {0};

	cmp->catalog = catalog;
	strlist_copy(&cmp->columns, columns);
	cmp->agree = true;
	for (int i = 0; i < snap->nnodes; i++)
		if (node_compared(&snap->nodes[i]))
		{
			digests[i] = snap->nodes[i].catalogs[catalog].digest;
			cmp->compared++;
		}
	cmp->reference = digest_majority(digests, snap->nnodes, snap->first);
	for (int i = 0; i < snap->nnodes; i++)
		if (digests[i] && strcmp(digests[i], digests[cmp->reference]) != 0)
			cmp->agree = false;
	if (cmp->agree || cmp->reference < 0)
	{
		free(digests);
		free(sql);
		return;
	}

	rows_sql = catalog_rows_sql(catalog, columns);
	sql[cmp->reference] = rows_sql;
	for (int i = 0; i < snap->nnodes; i++)
		if (digests[i] && strcmp(digests[i], digests[cmp->reference]) != 0)
			sql[i] = rows_sql;
	run_on_nodes(pool, sql, opts, hooks);

	reference_rows = fetch_rows(&pool->sessions[cmp->reference], &nreference, &reference_error);
	if (reference_rows)
		qsort(reference_rows, (size_t) nreference, sizeof(char *), compare_row_text);
	for (int i = 0; i < snap->nnodes; i++)
	{
		RowDiff    *diff;
		char	  **rows;
		int			nrows;

		if (sql[i] == NULL || i == cmp->reference)
			continue;
		cmp->diffs = xrealloc(cmp->diffs, sizeof(RowDiff) * (size_t) (cmp->ndiffs + 1));
		diff = &cmp->diffs[cmp->ndiffs++];
		memset(diff, 0, sizeof(*diff));
		diff->node = i;
		diff->reference = cmp->reference;
		if (reference_rows == NULL)
		{
			pgerror_copy(&diff->error, &reference_error);
			continue;
		}
		rows = fetch_rows(&pool->sessions[i], &nrows, &diff->error);
		if (rows == NULL)
			continue;
		qsort(rows, (size_t) nrows, sizeof(char *), compare_row_text);
		rows_diff(reference_rows, nreference, rows, nrows, diff);
		free(rows);
	}
	free(reference_rows);
	pgerror_clear(&reference_error);
	free(rows_sql);
	free(digests);
	free(sql);
	/* row sets are large; do not keep them past the comparison */
	for (int i = 0; i < pool->count; i++)
		pgnode_clear_results(&pool->sessions[i]);
}

/*
 * What discovery reads on every node: the parts of one batch, sent to all
 * nodes at once, so that a cluster costs one round trip after its
 * connections, not five.  A node not probed yet is sent the parts a Citus
 * primary would be, its stats over the first node's columns: once its
 * probe is read, what it was not wanted for is dropped, and the stats run
 * again over the columns all nodes share when those are fewer.  The roles
 * come first (they never fail, and a node without Citus has them too), the
 * stats before the parts that need a Citus node, then the leftovers, the
 * one part whose error a node is reported with, and the new node's
 * connection check, which reads the ledger and runs again when it must
 * put the workers' authinfo in place.
 */
typedef enum ReadPart
{
	PART_PROBE,
	PART_ROLES,
	PART_STATS,
	PART_LEDGER,
	PART_LEFTOVERS,
	PART_REACH,					/* the new node's check of every worker at once */
	PART_COUNT
} ReadPart;

typedef struct PartSpec
{
	unsigned int skipped_by;	/* the DISCOVER_SKIP_ flag that leaves it out */
	int			results;
	bool		(*wanted) (const NodeReport *node);
	void		(*read) (NodeReport *node, const struct PgNode *pg, int base);
} PartSpec;

static bool
probe_wanted(const NodeReport *node)
{
	return node->reachable && !node->probed;
}

static void
probe_read_node(NodeReport *node, const struct PgNode *pg, int base)
{
	(void) base;
	read_probe(node, pg);
	if (!node->probed)
		node->reachable = false;
}

static bool
stats_wanted(const NodeReport *node)
{
	return node->reachable && node->is_citus;
}

static void
stats_read_node(NodeReport *node, const struct PgNode *pg, int base)
{
	read_stats(node, pg, base);
}

static bool
reach_wanted(const NodeReport *node)
{
	return node->is_target && node->reachable && node->is_citus;
}

static void
read_nothing(NodeReport *node, const struct PgNode *pg, int base)
{
	(void) node;
	(void) pg;
	(void) base;
}

static const PartSpec part_specs[PART_COUNT] = {
	[PART_PROBE] = {0, PROBE_RESULT_COUNT, probe_wanted, probe_read_node},
	[PART_ROLES] = {DISCOVER_SKIP_ROLES, ROLES_RESULTS, roles_wanted, roles_read_node},
	[PART_STATS] = {0, STATS_RESULT_COUNT, stats_wanted, stats_read_node},
	[PART_LEDGER] = {DISCOVER_SKIP_LEDGER, LEDGER_RESULTS, ledger_wanted, ledger_read_node},
	[PART_LEFTOVERS] = {DISCOVER_SKIP_LEFTOVERS, LEFTOVERS_RESULTS, leftovers_wanted, leftovers_read_node},
	/* read by reach_read_at_once, which needs the warnings the batch collected */
	[PART_REACH] = {0, REACH_RESULTS, reach_wanted, read_nothing},
};

/* The SQL of each part; stats differ on the new node, which alone counts user relations */
typedef struct PartSql
{
	char	   *sql[PART_COUNT];
	char	   *target_stats;
} PartSql;

/* Whether a node is sent a part: a node not probed yet is taken for a Citus primary. */
static bool
part_sent(ReadPart part, const NodeReport *node, const PartSql *parts, unsigned int skip)
{
	NodeReport	assumed = *node;

	if ((skip & part_specs[part].skipped_by) || parts->sql[part] == NULL)
		return false;
	if (part != PART_PROBE && !node->probed)
	{
		assumed.is_citus = true;
		assumed.in_recovery = false;
	}
	return part_specs[part].wanted(&assumed);
}

/* The part whose statement failed first in a node's batch; PART_COUNT when none did. */
static ReadPart
failed_part(const PgNode *pg, const int *base)
{
	for (int r = 0; r < pg->nresults; r++)
	{
		ExecStatusType status = PQresultStatus(pg->results[r]);

		if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK)
			for (int p = PART_COUNT - 1; p >= 0; p--)
				if (base[p] >= 0 && r >= base[p])
					return (ReadPart) p;
	}
	return PART_COUNT;
}

/*
 * One node's batch: the parts it is sent, each part's first result in
 * base[] (-1 when left out).  NULL when it is sent none.
 */
static char *
node_batch(const NodeReport *node, const PartSql *parts, unsigned int skip, int *base)
{
	StrBuf		sql;
	int			next = 0;

	strbuf_init(&sql);
	for (int p = 0; p < PART_COUNT; p++)
	{
		base[p] = -1;
		if (!part_sent((ReadPart) p, node, parts, skip))
			continue;
		strbuf_printf(&sql, "%s%s", sql.len ? ";\n" : "",
					  p == PART_STATS && node->is_target ? parts->target_stats : parts->sql[p]);
		base[p] = next;
		next += part_specs[p].results;
	}
	if (sql.len == 0)
	{
		strbuf_free(&sql);
		return NULL;
	}
	return strbuf_steal(&sql);
}

/*
 * A part that did not run in a batch (an earlier one failed, or the stats
 * ran over other columns) runs alone, on the nodes it is still wanted for:
 * a node whose catalogs could not be read is no longer taken for a Citus
 * node.
 */
static void
read_parts_again(ClusterSnapshot *snap, SessionPool *pool, const PartSql *parts, ReadPart part,
				 bool *again, const ConnOptions *opts, const DiscoverHooks *hooks)
{
	const char **sql = xcalloc((size_t) snap->nnodes + 1, sizeof(char *));
	bool		any = false;

	for (int i = 0; i < snap->nnodes; i++)
		if (again[i] && part_specs[part].wanted(&snap->nodes[i]) &&
			pool->sessions[i].state == PGNODE_READY)
		{
			sql[i] = part == PART_STATS && snap->nodes[i].is_target ? parts->target_stats : parts->sql[part];
			any = true;
		}
	if (any)
		run_on_nodes(pool, sql, opts, hooks);
	for (int i = 0; i < snap->nnodes; i++)
		if (sql[i])
		{
			part_specs[part].read(&snap->nodes[i], &pool->sessions[i], 0);
			pgnode_clear_results(&pool->sessions[i]);
		}
	free(sql);
}

/*
 * Whether a node keeps the error its batch ended with: that of its probe,
 * or of the stats or leftovers it was wanted for.  The ledger's and the
 * roles' are theirs to report, and the parts a node turned out not to be
 * wanted for were never its own questions.
 */
static bool
error_is_the_nodes(ReadPart failed, const NodeReport *node, bool stats_valid)
{
	if (failed == PART_PROBE)
		return true;
	if (failed == PART_STATS)
		return stats_valid && part_specs[PART_STATS].wanted(node);
	if (failed == PART_LEFTOVERS)
		return part_specs[PART_LEFTOVERS].wanted(node);
	return false;
}

/* A node's batch after its probe: again[part][node] is set for what must run again. */
static void
read_batch(ClusterSnapshot *snap, PgNode *pg, int i, const int *base, bool stats_valid,
		   bool *again[PART_COUNT])
{
	NodeReport *node = &snap->nodes[i];
	ReadPart	failed = failed_part(pg, base);

	for (int p = PART_PROBE + 1; p < PART_REACH; p++)
	{
		if (base[p] < 0 || !part_specs[p].wanted(node))
			continue;
		if ((p == PART_STATS && !stats_valid) ||
			(base[p] >= pg->nresults && pg->state == PGNODE_READY && (int) failed < p))
			again[p][i] = true;
		else
			part_specs[p].read(node, pg, base[p]);
	}
	if (failed != PART_COUNT && !error_is_the_nodes(failed, node, stats_valid))
		pgerror_clear(&pg->error);
	pgnode_clear_results(pg);
}

/* The columns every reachable Citus node has, per catalog: what the digests cover */
static void
common_columns(const ClusterSnapshot *snap, StrList *common)
{
	const StrList **lists = xcalloc((size_t) snap->nnodes + 1, sizeof(StrList *));

	for (int c = 0; c < CATALOG_COUNT; c++)
	{
		int			n = 0;

		for (int i = 0; i < snap->nnodes; i++)
			if (snap->nodes[i].reachable && snap->nodes[i].is_citus)
				lists[n++] = &snap->nodes[i].catalogs[c].columns;
		catalog_common_columns((CatalogId) c, lists, n, &common[c]);
	}
	free(lists);
}

static bool
same_columns(const StrList *a, const StrList *b)
{
	if (a->count != b->count)
		return false;
	for (int i = 0; i < a->count; i++)
		if (strcmp(a->items[i], b->items[i]) != 0)
			return false;
	return true;
}

static void
parts_stats(PartSql *parts, const StrList *columns, unsigned int skip)
{
	free(parts->sql[PART_STATS]);
	free(parts->target_stats);
	parts->sql[PART_STATS] = catalog_stats_sql(columns, false, !(skip & DISCOVER_SKIP_SHARDS));
	/* only the new node's user relations are asked for: a check of it alone reads them */
	parts->target_stats = catalog_stats_sql(columns, true, !(skip & DISCOVER_SKIP_SHARDS));
}

/* Every part's SQL, the stats over the columns given */
static void
parts_build(PartSql *parts, const ClusterSnapshot *snap, const StrList *columns, unsigned int skip,
			int timeout_ms)
{
	memset(parts, 0, sizeof(*parts));
	if (snap->target >= 0)
		parts->sql[PART_REACH] = reach_at_once_sql(snap, timeout_ms, true);
	parts->sql[PART_PROBE] = xstrdup(catalog_probe_sql);
	parts->sql[PART_ROLES] = roles_sql();
	parts_stats(parts, columns, skip);
	parts->sql[PART_LEDGER] = ledger_sql();
	parts->sql[PART_LEFTOVERS] = xstrdup(leftovers_sql);
}

static void
parts_free(PartSql *parts)
{
	for (int p = 0; p < PART_COUNT; p++)
		free(parts->sql[p]);
	free(parts->target_stats);
}

/*
 * Runs the batches, the new node's warnings collected for its connection
 * check, which is read with them.
 */
static void
run_batches(const ClusterSnapshot *snap, SessionPool *pool, const char *const *sql,
			int (*base)[PART_COUNT], StrList *warnings, const ConnOptions *opts,
			const DiscoverHooks *hooks)
{
	int			t = snap->target;
	PQnoticeReceiver previous = NULL;
	bool		checks = t >= 0 && base[t][PART_REACH] >= 0;

	if (checks)
		previous = reach_collect_warnings(&pool->sessions[t], warnings);
	run_on_nodes(pool, sql, opts, hooks);
	if (checks)
		reach_stop_collecting(&pool->sessions[t], previous);
}

/* The new node's connection check, when its batch got that far; before the batches' results are cleared */
static void
read_reach_part(ClusterSnapshot *snap, SessionPool *pool, int (*base)[PART_COUNT],
				const StrList *warnings)
{
	int			t = snap->target;

	if (t >= 0 && base[t][PART_REACH] >= 0 &&
		pgnode_result(&pool->sessions[t], base[t][PART_REACH] + REACH_RESULTS - 1) != NULL)
		reach_read_at_once(snap, &pool->sessions[t], base[t][PART_REACH], warnings);
}

/*
 * Batches that went out before the node list was read (read_guessed):
 * each node's parts at base[node] of its results, the first node's after
 * its probe and node list; the stats over the columns of guessed_from.
 */
typedef struct SentBatches
{
	int			(*base)[PART_COUNT];
	StrList		warnings;
	const NodeReport *guessed_from;
} SentBatches;

/*
 * Every node's batch at once.  Once the probes are read, the stats stand
 * when the columns all nodes share are the first node's, over which they
 * ran; otherwise they run again over the shared ones.
 */
static void
read_nodes(ClusterSnapshot *snap, SessionPool *pool, PartSql *parts, const StrList *guessed,
		   StrList *common, bool *again[PART_COUNT], const ConnOptions *opts,
		   const DiscoverHooks *hooks, const SentBatches *sent)
{
	char	  **sql = xcalloc((size_t) snap->nnodes + 1, sizeof(char *));
	int			(*base)[PART_COUNT] = xcalloc((size_t) snap->nnodes + 1, sizeof(*base));
	unsigned int skip = hooks ? hooks->skip : 0;
	bool		stats_valid = true;

	if (sent)
	{
		memcpy(base, sent->base, sizeof(*base) * (size_t) snap->nnodes);
		read_reach_part(snap, pool, base, &sent->warnings);
	}
	else
	{
		StrList		warnings = {0};

		for (int i = 0; i < snap->nnodes; i++)
		{
			for (int p = 0; p < PART_COUNT; p++)
				base[i][p] = -1;
			if (pool->sessions[i].state == PGNODE_READY)
				sql[i] = node_batch(&snap->nodes[i], parts, skip, base[i]);
		}
		run_batches(snap, pool, (const char *const *) sql, base, &warnings, opts, hooks);
		read_reach_part(snap, pool, base, &warnings);
		strlist_free(&warnings);
	}
	for (int i = 0; i < snap->nnodes; i++)
		if (base[i][PART_PROBE] >= 0)
			probe_read_node(&snap->nodes[i], &pool->sessions[i], 0);
	common_columns(snap, common);
	for (int c = 0; c < CATALOG_COUNT; c++)
		if (!same_columns(&common[c], &guessed[c]))
			stats_valid = false;
	for (int i = 0; i < snap->nnodes; i++)
		read_batch(snap, &pool->sessions[i], i, base[i], stats_valid, again);
	if (!stats_valid)
		parts_stats(parts, common, skip);
	read_parts_again(snap, pool, parts, PART_STATS, again[PART_STATS], opts, hooks);
	read_parts_again(snap, pool, parts, PART_LEFTOVERS, again[PART_LEFTOVERS], opts, hooks);
	for (int i = 0; i < snap->nnodes; i++)
		free(sql[i]);
	free(sql);
	free(base);
}

static void
compare_all(ClusterSnapshot *snap, SessionPool *pool, const StrList *common,
			const ConnOptions *opts, const DiscoverHooks *hooks)
{
	for (int c = 0; c < CATALOG_COUNT; c++)
		compare_catalog(snap, pool, (CatalogId) c, &common[c], opts, hooks);
}

/* CIM, and which node is the old coordinator: group 0's primary, else --old-coordinator's */
static void
find_old_coordinator(ClusterSnapshot *snap)
{
	snap->old_coordinator = -1;
	snap->cim = CIM_EXCLUDE;
	/* other rows of group 0 are the old coordinator's standbys */
	for (int pass = 0; pass < 2; pass++)
		for (int i = 0; i < snap->nnodes; i++)
			if (node_is_group_zero_row(&snap->nodes[i]))
			{
				snap->cim = CIM_INCLUDE;
				if (snap->old_coordinator < 0 &&
					(pass == 1 || (snap->nodes[i].meta.noderole &&
								   strcmp(snap->nodes[i].meta.noderole, "primary") == 0)))
					snap->old_coordinator = i;
			}
	if (snap->old_coordinator < 0)
		for (int i = 0; i < snap->nnodes; i++)
			if (!snap->nodes[i].in_metadata && !snap->nodes[i].is_first &&
				!snap->nodes[i].is_target)
				snap->old_coordinator = i;
}

static void
classify(ClusterSnapshot *snap)
{
	StrBuf		alive;

	find_old_coordinator(snap);

	strbuf_init(&alive);
	for (int i = 0; i < snap->nnodes; i++)
	{
		NodeReport *node = &snap->nodes[i];
		bool		coordinator_row = (node->in_metadata && node->meta.groupid == 0) ||
			(!node->in_metadata && !node->is_first && !node->is_target);

		if (node->is_target || node_is_coordinator_standby(node))
			continue;
		if (coordinator_row && node->reachable)
			strbuf_printf(&alive, "%sthe old coordinator at %s answers",
						  alive.len ? "; " : "", node->label);
		else if (node->reachable && node->local_group == 0)
			strbuf_printf(&alive, "%s%s has local group 0: it acts as a coordinator",
						  alive.len ? "; " : "", node->label);
	}
	if (alive.len)
	{
		snap->coordinator_alive = true;
		snap->coordinator_alive_why = strbuf_steal(&alive);
	}
	else
		strbuf_free(&alive);

	snap->unreachable = 0;
	for (int m = 0; m < MAXID_COUNT; m++)
		snap->max_id[m] = -1;
	for (int i = 0; i < snap->nnodes; i++)
	{
		NodeReport *node = &snap->nodes[i];

		if (i == snap->old_coordinator || node->is_target)
			continue;
		/* the old coordinator's standbys may be gone with it */
		if (!node->reachable && node->meta.isactive && !node_is_group_zero_row(node))
			snap->unreachable++;
		for (int m = 0; m < MAXID_COUNT; m++)
			if (node_compared(node) && node->max_id[m] > snap->max_id[m])
				snap->max_id[m] = node->max_id[m];
	}

	if (snap->coordinator_alive)
		snap->exit_code = EXIT_CODE_COORDINATOR_ALIVE;
	else if (snap->unreachable > 0)
		snap->exit_code = EXIT_CODE_NODE_UNREACHABLE;
	else
	{
		snap->exit_code = EXIT_CODE_OK;
		for (int c = 0; c < CATALOG_COUNT; c++)
			if (!snap->comparisons[c].agree)
				snap->exit_code = EXIT_CODE_METADATA_DISAGREES;
		for (int i = 0; i < snap->nnodes; i++)
			if (snap->nodes[i].reachable && !snap->nodes[i].is_citus &&
				i != snap->old_coordinator && !snap->nodes[i].is_target)
				snap->exit_code = EXIT_CODE_METADATA_DISAGREES;
	}
}

/* A node's identity in the snapshot: where the tool reaches it. */
static void
take_identity(NodeReport *node, const PgNode *pg)
{
	free(node->host);
	free(node->label);
	node->host = xstrdup(pg->host ? pg->host : "");
	node->port = pg->port;
	node->label = xstrdup(pg->label ? pg->label : "");
}

/* What the last connect or query of a node's session left to report. */
static void
take_outcome(NodeReport *node, const PgNode *pg)
{
	take_identity(node, pg);
	pgerror_copy(&node->error, &pg->error);
	node->timed_out = pg->timed_out;
}

static int
fail_first(ClusterSnapshot *snap, SessionPool *pool, NodeReport *first, PgNode *first_pg,
		   const PgError *why)
{
	pgerror_copy(&snap->fatal, why);
	snap->exit_code = EXIT_CODE_FIRST_NODE;
	if (snap->nodes == NULL)
	{
		snap->nodes = xcalloc(1, sizeof(NodeReport));
		snap->nodes[0] = *first;
		snap->nodes[0].is_first = true;
		snap->nnodes = 1;
		snap->first = 0;
		memset(first, 0, sizeof(*first));
		session_pool_free(pool);
		session_pool_init(pool, 1);
		pool->sessions[0] = *first_pg;
		pool->count = 1;
		memset(first_pg, 0, sizeof(*first_pg));
	}
	for (int i = 0; i < snap->nnodes && i < pool->count; i++)
		take_outcome(&snap->nodes[i], &pool->sessions[i]);
	return snap->exit_code;
}

static int
fail_first_text(ClusterSnapshot *snap, SessionPool *pool, NodeReport *first, PgNode *first_pg,
				const char *why)
{
	PgError		error = {0};
	int			code;

	pgerror_set(&error, NULL, why, NULL, NULL);
	code = fail_first(snap, pool, first, first_pg, &error);
	pgerror_clear(&error);
	return code;
}

/* Nodes outside pg_dist_node that discovery should also reach. */
static NodeReport *
add_probe(ClusterSnapshot *snap, SessionPool *pool, const char *address)
{
	char		errbuf[256];
	char	   *host;
	int			port;
	NodeReport *node;

	if (address == NULL ||
		!parse_host_port(address, &host, &port, errbuf, sizeof(errbuf)))
		return NULL;
	node = &snap->nodes[snap->nnodes++];
	pool->count++;
	memset(node, 0, sizeof(*node));
	node->meta.nodename = host;
	node->meta.nodeport = port;
	node->meta.groupid = 0;
	node->meta.nodeid = -1;
	node->meta.noderole = xstrdup("primary");
	node->meta.isactive = true;
	node->local_group = -1;
	return node;
}

/* An earlier phase's session to a node, taken over; true when there was one. */
static bool
take_kept(const DiscoverHooks *hooks, const char *host, int port, const char *dbname,
		  const char *user, PgNode *into)
{
	if (hooks == NULL || hooks->keep == NULL ||
		!session_pool_take(hooks->keep, host, port, dbname, user, into))
		return false;
	if (hooks->node_events)
		node_finished(into, (void *) hooks);
	return true;
}

/* The first node's kept session, when the operator named one address by host and port. */
static bool
take_kept_first(const ConnParams *params, const DiscoverHooks *hooks, PgNode *into)
{
	const char *host = connparams_get(params, "host");
	const char *port = connparams_get(params, "port");

	if (host == NULL || port == NULL || connparams_get(params, "hostaddr") != NULL ||
		strchr(port, ',') != NULL)
		return false;
	return take_kept(hooks, host, atoi(port), connparams_get(params, "dbname"),
					 connparams_get(params, "user"), into);
}

/*
 * Connects to the node the operator named and names it by where libpq
 * actually connected.  False (with snap->fatal) when it cannot.
 */
static bool
connect_first(ClusterSnapshot *snap, SessionPool *pool, NodeReport *first, PgNode *first_pg,
			  ConnOptions *opts, const DiscoverHooks *hooks)
{
	ConnParams	params;
	PgNodeWhere where;
	char		errbuf[512];

	if (!connopts_first_params(opts, &params, errbuf, sizeof(errbuf)))
	{
		fail_first_text(snap, pool, first, first_pg, errbuf);
		return false;
	}
	pgnode_init(first_pg, opts->host ? opts->host : "", 0);
	if (!take_kept_first(&params, hooks, first_pg))
	{
		PgNode	   *one[1] = {first_pg};
		ConnParams *one_params[1] = {&params};

		connect_nodes(one, one_params, 1, opts, hooks, NULL);
	}
	connparams_free(&params);
	if (first_pg->state != PGNODE_READY)
	{
		fail_first(snap, pool, first, first_pg, &first_pg->error);
		return false;
	}
	pgnode_where(first_pg, &where);
	free(first_pg->host);
	free(first_pg->label);
	first_pg->host = xstrdup(where.host);
	first_pg->port = atoi(where.port);
	first_pg->label = first_pg->host[0] == '/' ?
		xasprintf("%s (socket, port %d)", first_pg->host, first_pg->port) :
		xasprintf("%s:%d", first_pg->host, first_pg->port);
	snap->first_label = xstrdup(first_pg->label);
	snap->dbname = xstrdup(where.dbname);
	snap->user = xstrdup(where.user);
	first->reachable = true;
	return true;
}

/*
 * Reads the first node's probe, which its batch began with.  False (with
 * snap->fatal) when the node cannot be the starting point.
 */
static bool
read_first_probe(ClusterSnapshot *snap, SessionPool *pool, NodeReport *first, PgNode *first_pg)
{
	char		errbuf[512];

	read_probe(first, first_pg);
	if (!first->probed)
	{
		if (first_pg->error.message == NULL)
			pgerror_set(&first_pg->error, NULL, "the probe's results did not arrive", NULL, NULL);
		fail_first(snap, pool, first, first_pg, &first_pg->error);
		return false;
	}
	if (first->in_recovery)
		snprintf(errbuf, sizeof(errbuf),
				 "%s is a standby (in recovery): connect to a primary worker", first_pg->label);
	else if (!first->is_citus)
		snprintf(errbuf, sizeof(errbuf), "%s is not a Citus node: %s",
				 first_pg->label, first->problem);
	else
		return true;
	fail_first_text(snap, pool, first, first_pg, errbuf);
	return false;
}

/* Connects every node but the first at once, each at its --map address. */
static void
reach_others(ClusterSnapshot *snap, SessionPool *pool, ConnOptions *opts,
			 const DiscoverHooks *hooks, ConnParams *used)
{
	ConnParams **node_params = xcalloc((size_t) snap->nnodes, sizeof(ConnParams *));
	PgNode	  **pgs = xcalloc((size_t) snap->nnodes, sizeof(PgNode *));

	for (int i = 0; i < snap->nnodes; i++)
	{
		NodeReport *node = &snap->nodes[i];
		const char *host;
		int			port;

		if (!node->is_first)
		{
			connopts_map_address(opts, node->meta.nodename, node->meta.nodeport, &host, &port);
			pgnode_init(&pool->sessions[i], host, port);
			if (!take_kept(hooks, host, port, connparams_get(used, "dbname"),
						   connparams_get(used, "user"), &pool->sessions[i]))
			{
				node_params[i] = xmalloc(sizeof(ConnParams));
				connopts_node_params(opts, used, host, port, node_params[i]);
				pgs[i] = &pool->sessions[i];
			}
		}
		/* named before they connect: on_nodes shows them waiting */
		take_identity(node, &pool->sessions[i]);
	}
	if (hooks && hooks->on_nodes)
		hooks->on_nodes(snap, hooks->arg);
	connect_nodes(pgs, node_params, snap->nnodes, opts, hooks, used);
	for (int i = 0; i < snap->nnodes; i++)
	{
		if (node_params[i])
		{
			connparams_free(node_params[i]);
			free(node_params[i]);
		}
		if (!snap->nodes[i].is_first)
			snap->nodes[i].reachable = pool->sessions[i].state == PGNODE_READY;
	}
	free(node_params);
	free(pgs);
}

/*
 * Reads every node, compares the catalogs and classifies the cluster.
 * The ledger and the roles that did not arrive in a node's batch are read
 * after its outcome was taken, as their errors are not the node's.
 */
static void
guess_columns(const NodeReport *from, StrList *guessed)
{
	for (int c = 0; c < CATALOG_COUNT; c++)
	{
		const StrList *columns = &from->catalogs[c].columns;

		catalog_common_columns((CatalogId) c, &columns, 1, &guessed[c]);
	}
}

static void
read_and_compare(ClusterSnapshot *snap, SessionPool *pool, const ConnOptions *opts,
				 const DiscoverHooks *hooks, const SentBatches *sent)
{
	StrList		common[CATALOG_COUNT];
	StrList		guessed[CATALOG_COUNT];
	PartSql		parts;
	bool	   *again[PART_COUNT];
	int64_t		start = monotonic_ms();

	/* the first node's columns, as the digests would cover them were they everyone's */
	guess_columns(sent ? sent->guessed_from : &snap->nodes[snap->first], guessed);
	parts_build(&parts, snap, guessed, hooks ? hooks->skip : 0, opts->timeout_ms);
	for (int p = 0; p < PART_COUNT; p++)
		again[p] = xcalloc((size_t) snap->nnodes + 1, sizeof(bool));
	read_nodes(snap, pool, &parts, guessed, common, again, opts, hooks, sent);
	compare_all(snap, pool, common, opts, hooks);
	snap->compare_ms = monotonic_ms() - start;
	for (int i = 0; i < snap->nnodes; i++)
		take_outcome(&snap->nodes[i], &pool->sessions[i]);
	classify(snap);
	read_parts_again(snap, pool, &parts, PART_LEDGER, again[PART_LEDGER], opts, hooks);
	read_parts_again(snap, pool, &parts, PART_ROLES, again[PART_ROLES], opts, hooks);
	for (int p = 0; p < PART_COUNT; p++)
		free(again[p]);
	for (int c = 0; c < CATALOG_COUNT; c++)
	{
		strlist_free(&common[c]);
		strlist_free(&guessed[c]);
	}
	parts_free(&parts);
}

/* The nodes outside pg_dist_node that discovery also reaches: --old-coordinator's and the new node */
static void
add_probes(ClusterSnapshot *snap, SessionPool *pool, const ConnOptions *opts)
{
	add_probe(snap, pool, opts->old_coordinator);
	snap->target = -1;
	if (add_probe(snap, pool, opts->target))
	{
		snap->target = snap->nnodes - 1;
		snap->nodes[snap->target].is_target = true;
		snap->nodes[snap->target].meta.groupid = -1;
	}
}

/* The first node's probe and node list, then the list read; false with snap->fatal */
static bool
read_first(ClusterSnapshot *snap, SessionPool *pool, NodeReport *first, PgNode *first_pg,
		   const ConnOptions *opts)
{
	char	   *probe_sql = xasprintf("%s;\n%s", catalog_probe_sql, catalog_node_list_sql);

	pgnode_query(first_pg, probe_sql, 0, NULL, opts->timeout_ms);
	free(probe_sql);
	if (!read_first_probe(snap, pool, first, first_pg))
		return false;
	if (!read_node_list(snap, pool, first, first_pg))
	{
		fail_first(snap, pool, first, first_pg, &first_pg->error);
		return false;
	}
	add_probes(snap, pool, opts);
	return true;
}

static bool
same_string(const char *a, const char *b)
{
	return a == NULL ? b == NULL : b != NULL && strcmp(a, b) == 0;
}

static bool
same_meta(const MetaNode *a, const MetaNode *b)
{
	return a->nodeid == b->nodeid && a->groupid == b->groupid && a->nodeport == b->nodeport &&
		same_string(a->nodename, b->nodename) && same_string(a->noderole, b->noderole) &&
		a->hasmetadata == b->hasmetadata && a->metadatasynced == b->metadatasynced &&
		a->isactive == b->isactive && a->shouldhaveshards == b->shouldhaveshards &&
		a->has_clone_columns == b->has_clone_columns && a->nodeisclone == b->nodeisclone;
}

/* Whether the batches built for guess are those snap calls for: the same rows and roles, in the same order */
static bool
same_node_list(const ClusterSnapshot *snap, const ClusterSnapshot *guess)
{
	if (snap->nnodes != guess->nnodes || snap->first != guess->first ||
		snap->target != guess->target)
		return false;
	for (int i = 0; i < snap->nnodes; i++)
		if (snap->nodes[i].in_metadata != guess->nodes[i].in_metadata ||
			snap->nodes[i].is_target != guess->nodes[i].is_target ||
			!same_meta(&snap->nodes[i].meta, &guess->nodes[i].meta))
			return false;
	return true;
}

/*
 * The snapshot an earlier node list makes before anything is read: each
 * node's row and role, the first node's session in place.  The first
 * node's probe leads its batch, which is built for a Citus primary.
 */
static void
guess_from(const ClusterSnapshot *expected, ClusterSnapshot *guess, SessionPool *guess_pool,
		   PgNode *first_pg)
{
	memset(guess, 0, sizeof(*guess));
	guess->nodes = xcalloc((size_t) expected->nnodes, sizeof(NodeReport));
	guess->nnodes = expected->nnodes;
	guess->first = expected->first;
	guess->target = expected->target;
	guess->old_coordinator = -1;
	session_pool_init(guess_pool, expected->nnodes);
	guess_pool->count = expected->nnodes;
	for (int i = 0; i < expected->nnodes; i++)
	{
		const MetaNode *from = &expected->nodes[i].meta;
		NodeReport *node = &guess->nodes[i];

		node->meta = *from;
		node->meta.nodename = from->nodename ? xstrdup(from->nodename) : NULL;
		node->meta.noderole = from->noderole ? xstrdup(from->noderole) : NULL;
		node->in_metadata = expected->nodes[i].in_metadata;
		node->is_target = expected->nodes[i].is_target;
		node->local_group = -1;
	}
	guess->nodes[guess->first].is_first = true;
	guess->nodes[guess->first].reachable = true;
	guess->nodes[guess->first].probed = true;
	guess->nodes[guess->first].is_citus = true;
	guess_pool->sessions[guess->first] = *first_pg;
	memset(first_pg, 0, sizeof(*first_pg));
}

/* Every node's batch, the first node's after its probe and node list, at once */
static void
send_guessed(const ClusterSnapshot *guess, SessionPool *guess_pool, SentBatches *sent,
			 const ConnOptions *opts, const DiscoverHooks *hooks)
{
	char	  **sql = xcalloc((size_t) guess->nnodes + 1, sizeof(char *));
	int			f = guess->first;
	StrList		guessed[CATALOG_COUNT];
	PartSql		parts;
	char	   *batch;

	guess_columns(sent->guessed_from, guessed);
	parts_build(&parts, guess, guessed, hooks->skip, opts->timeout_ms);
	sent->base = xcalloc((size_t) guess->nnodes + 1, sizeof(*sent->base));
	for (int i = 0; i < guess->nnodes; i++)
	{
		for (int p = 0; p < PART_COUNT; p++)
			sent->base[i][p] = -1;
		if (guess_pool->sessions[i].state == PGNODE_READY)
			sql[i] = node_batch(&guess->nodes[i], &parts, hooks->skip, sent->base[i]);
	}
	batch = sql[f];
	sql[f] = batch ? xasprintf("%s;\n%s;\n%s", catalog_probe_sql, catalog_node_list_sql, batch) :
		xasprintf("%s;\n%s", catalog_probe_sql, catalog_node_list_sql);
	free(batch);
	for (int p = 0; p < PART_COUNT; p++)
		if (sent->base[f][p] >= 0)
			sent->base[f][p] += PROBE_RESULT_COUNT + 1;
	run_batches(guess, guess_pool, (const char *const *) sql, sent->base, &sent->warnings, opts, hooks);
	for (int i = 0; i < guess->nnodes; i++)
		free(sql[i]);
	free(sql);
	parts_free(&parts);
	for (int c = 0; c < CATALOG_COUNT; c++)
		strlist_free(&guessed[c]);
}

/* Whether an earlier phase's node list was read from the node this discovery starts from */
static bool
expected_usable(const DiscoverHooks *hooks, const PgNode *first_pg)
{
	const ClusterSnapshot *expected = hooks ? hooks->expected : NULL;

	return expected && hooks->keep && expected->nodes && !expected->fatal.message &&
		expected->first >= 0 && expected->first < expected->nnodes &&
		same_string(expected->nodes[expected->first].label, first_pg->label);
}

/*
 * With the node list an earlier phase of the same run read, and its
 * sessions kept, every node's batch goes out in the round trip of the
 * first node's probe and node list instead of one after it.  The batches
 * were built for the nodes that list named: they stand only when the
 * first node's list is the same, row for row.  Otherwise their answers
 * are dropped, *all_read stays false, and the nodes are read as usual.
 * False (with snap->fatal) when the first node cannot be the starting
 * point.
 */
static bool
read_guessed(ClusterSnapshot *snap, SessionPool *pool, NodeReport *first, PgNode *first_pg,
			 ConnOptions *opts, const DiscoverHooks *hooks, ConnParams *used, bool *all_read)
{
	const ClusterSnapshot *expected = hooks->expected;
	ClusterSnapshot guess;
	SessionPool guess_pool;
	SentBatches sent = {.guessed_from = &expected->nodes[expected->first]};
	bool		ok;
	DiscoverHooks unshown = *hooks;

	/* only the list read now is the nodes' to show */
	unshown.on_nodes = NULL;
	guess_from(expected, &guess, &guess_pool, first_pg);
	reach_others(&guess, &guess_pool, opts, &unshown, used);
	send_guessed(&guess, &guess_pool, &sent, opts, hooks);
	*first_pg = guess_pool.sessions[guess.first];
	memset(&guess_pool.sessions[guess.first], 0, sizeof(PgNode));
	ok = read_first_probe(snap, pool, first, first_pg);
	if (ok && !read_node_list(snap, pool, first, first_pg))
	{
		fail_first(snap, pool, first, first_pg, &first_pg->error);
		ok = false;
	}
	if (ok)
		add_probes(snap, pool, opts);
	*all_read = ok && same_node_list(snap, &guess);
	if (*all_read)
	{
		for (int i = 0; i < snap->nnodes; i++)
		{
			if (i != snap->first)
			{
				pool->sessions[i] = guess_pool.sessions[i];
				memset(&guess_pool.sessions[i], 0, sizeof(PgNode));
				snap->nodes[i].reachable = pool->sessions[i].state == PGNODE_READY;
			}
			take_identity(&snap->nodes[i], &pool->sessions[i]);
		}
		if (hooks->on_nodes)
			hooks->on_nodes(snap, hooks->arg);
		read_and_compare(snap, pool, opts, hooks, &sent);
	}
	/* idle again, the sessions whose answers were dropped go back for the usual reading */
	session_pool_keep(hooks->keep, &guess_pool);
	snapshot_free(&guess);
	free(sent.base);
	strlist_free(&sent.warnings);
	return ok;
}

int
discover_cluster(ConnOptions *opts, const DiscoverHooks *hooks, ClusterSnapshot *snap,
				 SessionPool *pool)
{
	NodeReport	first;
	PgNode		first_pg;
	SessionPool own_pool = {0};
	ConnParams	used;
	bool		all_read = false;
	bool		ok;
	int64_t		start = monotonic_ms();

	memset(snap, 0, sizeof(*snap));
	memset(&first, 0, sizeof(first));
	memset(&first_pg, 0, sizeof(first_pg));
	if (pool == NULL)
		pool = &own_pool;
	memset(pool, 0, sizeof(*pool));
	snap->old_coordinator = -1;
	snap->target = -1;

	if (opts->password_mode == PASSWORD_ALWAYS && opts->password == NULL &&
		hooks && hooks->ask_password)
		opts->password = hooks->ask_password("Password: ", hooks->arg);

	if (!connect_first(snap, pool, &first, &first_pg, opts, hooks))
		goto out;
	pgnode_used_params(&first_pg, &used);
	if (expected_usable(hooks, &first_pg))
		ok = read_guessed(snap, pool, &first, &first_pg, opts, hooks, &used, &all_read);
	else
		ok = read_first(snap, pool, &first, &first_pg, opts);
	if (ok && !all_read)
	{
		reach_others(snap, pool, opts, hooks, &used);
		read_and_compare(snap, pool, opts, hooks, NULL);
	}
	connparams_free(&used);
	if (!ok)
		goto out;
	reach_check_run(snap, pool, opts->timeout_ms);
	snap->elapsed_ms = monotonic_ms() - start;
out:
	pgnode_free(&first_pg);
	session_pool_keep(hooks ? hooks->keep : NULL, &own_pool);
	return snap->exit_code;
}

int
discover_placements(const ClusterSnapshot *snap, SessionPool *pool, int timeout_ms,
					PlacementRow **rows, PgError *error)
{
	PgNode	   *first;
	const PGresult *r;
	int			count;

	*rows = NULL;
	if (snap->first < 0 || snap->first >= pool->count)
	{
		pgerror_set(error, NULL, "no session to the first node", NULL, NULL);
		return -1;
	}
	first = &pool->sessions[snap->first];
	/* unordered: the wizard groups and sorts them itself */
	if (!pgnode_query(first,
					  "SELECT s.logicalrelid::pg_catalog.regclass::text, p.shardid, p.groupid,"
					  " p.placementid, s.shardminvalue, s.shardmaxvalue"
					  " FROM pg_catalog.pg_dist_placement p JOIN pg_catalog.pg_dist_shard s ON s.shardid = p.shardid",
					  0, NULL, timeout_ms))
	{
		pgerror_copy(error, &first->error);
		pgerror_set_node(error, first->label);
		return -1;
	}
	r = first->result;
	count = PQntuples(r);
	*rows = xcalloc((size_t) count + 1, sizeof(PlacementRow));
	for (int i = 0; i < count; i++)
	{
		(*rows)[i].table = xstrdup(PQgetvalue(r, i, 0));
		(*rows)[i].shardid = pgresult_int(r, i, 1, 0);
		(*rows)[i].groupid = (int) pgresult_int(r, i, 2, -1);
		(*rows)[i].placementid = pgresult_int(r, i, 3, 0);
		(*rows)[i].minvalue = pgresult_text(r, i, 4);
		(*rows)[i].maxvalue = pgresult_text(r, i, 5);
	}
	pgnode_clear_results(first);
	return count;
}

void
placement_rows_free(PlacementRow *rows, int count)
{
	for (int i = 0; i < count; i++)
	{
		free(rows[i].table);
		free(rows[i].minvalue);
		free(rows[i].maxvalue);
	}
	free(rows);
}
