#include "config.h"

#include "verify.h"
#include "catalog.h"
#include "exitcodes.h"
#include "lostshards.h"
#include "leftovers.h"
#include "pgnode.h"
#include "pgpipeline.h"
#include "report.h"
#include "strbuf.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *const check_names[VERIFY_COUNT] = {
	"local group is 0",
	"citus_is_coordinator()",
	"same metadata on every node",
	"every placement's group exists",
	"cluster node health",
	"id sequences ahead of ids in use",
	"DDL: alter, distributed table in a new colocation group, reference table, schema-sharded table",
	"insert through the coordinator into serial columns",
	"shard move",
	"no leftovers of interrupted shard moves or splits",
};

typedef struct Verifier
{
	NodeReport *coordinator;
	PgNode	   *session;		/* the coordinator's */
	ClusterSnapshot *snap;
	SessionPool *pool;
	VerifyResult *result;
	const EventSink *sink;
	int			timeout_ms;
	PgPipeline	answers;		/* to the questions, asked together */
} Verifier;

static void
record(Verifier *v, VerifyCheckId id, bool passed, const char *fmt,...) __attribute__((format(printf, 4, 5)));

static void
record(Verifier *v, VerifyCheckId id, bool passed, const char *fmt,...)
{
	va_list		ap;
	StrBuf		shown;
	Event		event = {.kind = EVENT_CHECK};

	v->result->ran[id] = true;
	v->result->passed[id] = passed;
	free(v->result->detail[id]);
	va_start(ap, fmt);
	v->result->detail[id] = xvasprintf(fmt, ap);
	va_end(ap);
	strbuf_init(&shown);
	strbuf_printf(&shown, "  %s  %d. %s: ", passed ? "pass" : "FAIL", id + 1, check_names[id]);
	append_terminal_safe(&shown, v->result->detail[id]);
	event.text = shown.data;
	event.name = check_names[id];
	event.number = id + 1;
	event.status = passed ? CHECK_PASS : CHECK_FAIL;
	event.message = v->result->detail[id];
	event_emit(v->sink, &event);
	strbuf_free(&shown);
}

/*
 * The read-only questions, asked in one round trip before the first check
 * that reads them.  Each is its own transaction, as when asked alone: one
 * that fails leaves the others their answers.
 */
enum
{
	ASK_IS_COORDINATOR,
	ASK_ORPHANED_PLACEMENTS,
	ASK_SCHEMA_SHARDING,
	ASK_COUNT
};

static const char *const questions[ASK_COUNT] = {
	[ASK_IS_COORDINATOR] = "SELECT pg_catalog.citus_is_coordinator()",
	[ASK_ORPHANED_PLACEMENTS] =
	"SELECT pg_catalog.count(*) FROM pg_catalog.pg_dist_placement p"
	" WHERE NOT EXISTS (SELECT 1 FROM pg_catalog.pg_dist_node n WHERE n.groupid = p.groupid)",
	/* schema-based sharding arrived in Citus 12.0: 11.x has nothing to try */
	[ASK_SCHEMA_SHARDING] =
	"SELECT pg_catalog.to_regproc('pg_catalog.citus_schema_distribute') IS NOT NULL",
};

/* Why statement index of a pipeline failed, as a new string */
static char *
statement_error(const PgPipeline *answers, int index)
{
	const PgError *error = pgpipeline_error(answers, index);

	return error ? pgerror_format(error) : xstrdup("no answer");
}

/* The one value statement index returned; NULL and the reason when there is none */
static const char *
answer(const PgPipeline *answers, int index, char **error)
{
	const PGresult *r = pgpipeline_result(answers, index);

	*error = NULL;
	if (r == NULL)
	{
		*error = statement_error(answers, index);
		return NULL;
	}
	if (PQntuples(r) < 1 || PQnfields(r) < 1)
	{
		*error = xstrdup("no row returned");
		return NULL;
	}
	return PQgetisnull(r, 0, 0) ? "" : PQgetvalue(r, 0, 0);
}

static void
check_scalar(Verifier *v, VerifyCheckId id, int question, const char *want,
			 const char *pass_text, const char *fail_text)
{
	char	   *error;
	const char *got = answer(&v->answers, question, &error);

	if (got == NULL)
		record(v, id, false, "%s", error);
	else if (strcmp(got, want) == 0)
		record(v, id, true, "%s", pass_text);
	else
		record(v, id, false, "%s (got %s)", fail_text, got);
	free(error);
}

/*
 * Each node is asked whether it reaches every active primary.  Citus's
 * citus_check_cluster_node_health() asks the same through SQL it builds
 * with node names unquoted, so that a name with a quote in it fails there
 * although the node is reachable.
 */
static const char *const node_health_sql =
"SELECT n.nodename, n.nodeport, pg_catalog.citus_check_connection_to_node(n.nodename, n.nodeport)"
"  FROM pg_catalog.pg_dist_node n"
" WHERE n.isactive AND n.noderole = 'primary'"
" ORDER BY n.nodeid";

/* Whether a node is asked whether it reaches every active primary */
static bool
health_asked(const NodeReport *node)
{
	return node->in_metadata && node->meta.isactive && node->meta.noderole &&
		strcmp(node->meta.noderole, "primary") == 0 && node->reachable;
}

/*
 * The coordinator's questions, as one string that ends with its health
 * check when it is asked that too.  They only read, so one implicit
 * transaction changes nothing for them.
 */
static char *
coordinator_batch(bool with_health)
{
	StrBuf		sql;

	strbuf_init(&sql);
	for (int q = 0; q < ASK_COUNT; q++)
		strbuf_printf(&sql, "%s;\n", questions[q]);
	if (with_health)
		strbuf_printf(&sql, "%s", node_health_sql);
	return strbuf_steal(&sql);
}

/* The questions' answers, when every one of them arrived in the coordinator's batch */
static bool
take_batch_answers(Verifier *v)
{
	PgNode	   *pg = v->session;

	if (pg->nresults < ASK_COUNT)
		return false;
	for (int q = 0; q < ASK_COUNT; q++)
		if (PQresultStatus(pg->results[q]) != PGRES_TUPLES_OK)
			return false;
	v->answers.count = ASK_COUNT;
	v->answers.answered = ASK_COUNT;
	v->answers.first_failed = -1;
	v->answers.results = xcalloc(ASK_COUNT, sizeof(PGresult *));
	v->answers.errors = xcalloc(ASK_COUNT, sizeof(PgError));
	for (int q = 0; q < ASK_COUNT; q++)
		v->answers.results[q] = PQcopyResult(pg->results[q], PG_COPYRES_ATTRS | PG_COPYRES_TUPLES);
	return true;
}

/*
 * Asks the coordinator its questions while every node checks its
 * connections, in one round trip: the questions ride in front of the
 * coordinator's health check.  A failure among them stops the rest of its
 * string, so then the questions run again in a pipeline, where each
 * fails alone, and the coordinator's check after them.
 */
static void
ask_and_check_nodes(Verifier *v, PgNode **pgs)
{
	ClusterSnapshot *snap = v->snap;
	const char **sql = xcalloc((size_t) snap->nnodes, sizeof(char *));
	bool		coordinator_checked = health_asked(v->coordinator);
	char	   *batch = coordinator_batch(coordinator_checked);

	for (int i = 0; i < snap->nnodes; i++)
		if (health_asked(&snap->nodes[i]))
		{
			pgs[i] = &v->pool->sessions[i];
			sql[i] = node_health_sql;
		}
	pgs[snap->first] = v->session;
	sql[snap->first] = batch;
	pgnodes_query(pgs, sql, snap->nnodes, 0, NULL, v->timeout_ms, NULL, NULL);
	if (!take_batch_answers(v))
	{
		PgNode	   *alone[1] = {v->session};
		const char *health[1] = {node_health_sql};

		pgnode_clear_results(v->session);
		pgerror_clear(&v->session->error);
		pgpipeline_run(v->session, questions, ASK_COUNT, v->timeout_ms, &v->answers);
		if (coordinator_checked)
			pgnodes_query(alone, health, 1, 0, NULL, v->timeout_ms, NULL, NULL);
	}
	if (!coordinator_checked)
		pgs[snap->first] = NULL;
	free(batch);
	free(sql);
}

static void
check_node_health(Verifier *v, PgNode **pgs)
{
	ClusterSnapshot *snap = v->snap;
	int			pairs = 0;
	int			failed = 0;
	StrBuf		why;

	strbuf_init(&why);
	for (int i = 0; i < snap->nnodes; i++)
	{
		const PGresult *r;

		if (pgs[i] == NULL)
			continue;
		r = pgs[i]->result;
		if (pgs[i]->error.message || r == NULL || PQresultStatus(r) != PGRES_TUPLES_OK ||
			PQnfields(r) != 3)
		{
			char	   *error = pgerror_format(&pgs[i]->error);

			failed++;
			strbuf_printf(&why, "%s could not be asked: %s; ", pgs[i]->label, error);
			free(error);
			continue;
		}
		for (int row = 0; row < PQntuples(r); row++)
		{
			pairs++;
			if (strcmp(PQgetvalue(r, row, 2), "t") != 0)
			{
				char	   *target = format_host_port(PQgetvalue(r, row, 0),
													  atoi(PQgetvalue(r, row, 1)));

				failed++;
				strbuf_printf(&why, "%s cannot reach %s; ", pgs[i]->label, target);
				free(target);
			}
		}
	}
	if (failed == 0 && pairs > 0)
		record(v, VERIFY_NODE_HEALTH, true, "0 of %d node-to-node connections fail", pairs);
	else
		record(v, VERIFY_NODE_HEALTH, false, "%d of %d node-to-node connections fail: %s",
			   failed, pairs, why.data);
	strbuf_free(&why);
}

static void
check_metadata(Verifier *v)
{
	ClusterSnapshot *snap = v->snap;
	StrBuf		why;

	strbuf_init(&why);
	if (snap->unreachable > 0)
		strbuf_printf(&why, "%d node%s did not answer; ", snap->unreachable, snap->unreachable == 1 ? "" : "s");
	/* which, and what the connection said: a count alone sends the operator looking */
	for (int i = 0; i < snap->nnodes; i++)
		if (!snap->nodes[i].reachable && snap->nodes[i].in_metadata)
			strbuf_printf(&why, "%s: %s; ", snap->nodes[i].label ? snap->nodes[i].label : "?",
						  snap->nodes[i].error.message ? snap->nodes[i].error.message :
						  snap->nodes[i].timed_out ? "no answer before the timeout" : "no answer");
	for (int c = 0; c < CATALOG_COUNT; c++)
		if (!snap->comparisons[c].agree)
			strbuf_printf(&why, "%s differs; ", catalog_name((CatalogId) c));
	for (int i = 0; i < snap->nnodes; i++)
		if (snap->nodes[i].reachable && !snap->nodes[i].is_first && snap->nodes[i].local_group == 0)
			strbuf_printf(&why, "%s also has local group 0; ", snap->nodes[i].label);
	if (why.len == 0)
	{
		int			compared = snap->comparisons[CATALOG_NODE].compared;

		record(v, VERIFY_METADATA_AGREES, true, "%d nodes hold the same pg_dist_node, placements, shards, partitions and colocations", compared);
	}
	else
		record(v, VERIFY_METADATA_AGREES, false, "%s", why.data);
	strbuf_free(&why);
}

static void
check_sequences(Verifier *v)
{
	StrBuf		why;
	const NodeReport *c = v->coordinator;

	strbuf_init(&why);
	for (int i = 0; i < CITUS_ID_SEQUENCE_COUNT; i++)
	{
		const IdSequence *seq = &citus_id_sequences[i];
		int64_t		in_use;
		int64_t		last = -1;

		if (seq->maxid < 0)
			continue;
		in_use = v->snap->max_id[seq->maxid];
		for (int s = 0; s < c->nsequences; s++)
			if (strcmp(c->sequences[s].name, seq->sequence) == 0 && c->sequences[s].last_value)
				last = strtoll(c->sequences[s].last_value, NULL, 10);
		if (in_use > 0 && last < in_use)
			strbuf_printf(&why, "%s is at %s, behind %s %" PRId64 "; ", seq->sequence,
						  last < 0 ? "its start" : "a lower value", maxid_name((MaxIdKind) seq->maxid), in_use);
	}
	if (why.len == 0)
		record(v, VERIFY_SEQUENCES_AHEAD, true, "every id sequence is past the highest id on any node");
	else
		record(v, VERIFY_SEQUENCES_AHEAD, false, "%s", why.data);
	strbuf_free(&why);
}

/* The statements of one pipeline, each allocated */
typedef struct Series
{
	char	  **sql;
	int			count;
} Series;

/* Adds sql, which the series then owns; returns its index */
static int
series_add(Series *series, char *sql)
{
	series->sql = xrealloc(series->sql, sizeof(char *) * (size_t) (series->count + 1));
	series->sql[series->count] = sql;
	return series->count++;
}

static void
series_free(Series *series)
{
	for (int i = 0; i < series->count; i++)
		free(series->sql[i]);
	free(series->sql);
	memset(series, 0, sizeof(*series));
}

/* The whole series in one round trip on the coordinator's session */
static void
series_run(Verifier *v, const Series *series, PgPipeline *answers)
{
	pgpipeline_run(v->session, (const char *const *) series->sql, series->count,
				   v->timeout_ms, answers);
}

/*
 * Whether a serial column gets a question: bigserial ids come from
 * per-group ranges, where a global max means nothing, and a default of
 * worker_nextval() fails whatever the sequence says.
 */
static bool
serial_is_checked(const SerialColumn *col)
{
	return !col->is_bigint && strstr(col->default_expr, "worker_nextval(") == NULL;
}

/* One question per checked serial column; returns the index of the first */
static int
add_serial_questions(Verifier *v, Series *series)
{
	const NodeReport *c = v->coordinator;
	int			first = series->count;

	for (int s = 0; s < c->nserials; s++)
	{
		const SerialColumn *col = &c->serials[s];
		StrBuf		sql;

		if (!serial_is_checked(col))
			continue;
		strbuf_init(&sql);
		strbuf_append(&sql, "SELECT COALESCE((SELECT pg_catalog.max(");
		sql_append_ident(&sql, col->column);
		strbuf_append(&sql, ") FROM ");
		sql_append_qualified(&sql, col->table);
		strbuf_append(&sql, ") <= (SELECT last_value FROM ");
		sql_append_qualified(&sql, col->sequence);
		strbuf_append(&sql, "), true)");
		series_add(series, strbuf_steal(&sql));
	}
	return first;
}

/* Reads the answers add_serial_questions asked for, from index first on */
static void
check_existing_serials(Verifier *v, const PgPipeline *answers, int first, StrBuf *why)
{
	const NodeReport *c = v->coordinator;
	int			next = first;

	for (int s = 0; s < c->nserials; s++)
	{
		const SerialColumn *col = &c->serials[s];
		char	   *error;
		const char *ok;

		if (col->is_bigint)
			continue;
		if (!serial_is_checked(col))
		{
			strbuf_printf(why, "%s.%s still defaults to worker_nextval(), which fails on a coordinator; ",
						  col->table, col->column);
			continue;
		}
		ok = answer(answers, next++, &error);
		if (ok == NULL)
			strbuf_printf(why, "%s.%s: %s; ", col->table, col->column, error);
		else if (strcmp(ok, "t") != 0)
			strbuf_printf(why, "%s behind the ids in %s.%s: inserts would reuse ids; ",
						  col->sequence, col->table, col->column);
		free(error);
	}
}

/* The scratch schemas of one verify run */
typedef struct Scratch
{
	char		schema[64];
	char		tenant_schema[80];
} Scratch;

/*
 * Shards a recovery recreated empty carry a comment saying so, on the node
 * that holds them: every node is asked for its own, and the coordinator
 * names their tables and ranges.  A comment is found by its text alone, so
 * that a shard table hidden from pg_class is found too.
 */
static const char *const lost_rows_sql =
"SELECT s.logicalrelid::pg_catalog.regclass::text, s.shardid, s.shardminvalue, s.shardmaxvalue,"
"       n.nodename || ':' || n.nodeport, p.partmethod = 'n' AND p.repmodel <> 't' AND p.colocationid = 0"
"  FROM pg_catalog.run_command_on_all_nodes($cmd$"
"SELECT pg_catalog.string_agg(pg_catalog.substring(d.objoid::pg_catalog.regclass::text, '_([0-9]+)\"?$'), ',')"
"  FROM pg_catalog.pg_description d"
" WHERE d.classoid = 'pg_catalog.pg_class'::pg_catalog.regclass AND d.objsubid = 0"
"   AND d.description = '" LOST_SHARD_COMMENT "'$cmd$) AS w"
"  JOIN pg_catalog.pg_dist_node n ON n.nodeid = w.nodeid"
" CROSS JOIN LATERAL pg_catalog.unnest(pg_catalog.string_to_array(w.result, ',')) AS id"
"  JOIN pg_catalog.pg_dist_shard s ON s.shardid = id::bigint"
"  JOIN pg_catalog.pg_dist_partition p ON p.logicalrelid = s.logicalrelid"
" WHERE w.success"
" ORDER BY s.shardid";

static void
report_lost_rows(Verifier *v, const PgPipeline *answers, int index)
{
	const PGresult *r = pgpipeline_result(answers, index);

	if (r == NULL)
	{
		char	   *error = statement_error(answers, index);

		event_note(v->sink, NOTE_WARNING, "Could not tell which shards lost their rows: %s", error);
		free(error);
		return;
	}
	for (int i = 0; i < PQntuples(r); i++)
	{
		LostShard	shard = {0};
		StrBuf		text;

		shard.table = PQgetvalue(r, i, 0);
		shard.shardid = strtoll(PQgetvalue(r, i, 1), NULL, 10);
		shard.minvalue = PQgetisnull(r, i, 2) ? NULL : PQgetvalue(r, i, 2);
		shard.maxvalue = PQgetisnull(r, i, 3) ? NULL : PQgetvalue(r, i, 3);
		shard.citus_local = strcmp(PQgetvalue(r, i, 5), "t") == 0;
		strbuf_init(&text);
		lost_append_shard(&text, &shard);
		event_note(v->sink, NOTE_WARNING, "  rows lost with the old coordinator: %s; recreated empty on %s",
				   text.data, PQgetvalue(r, i, 4));
		strbuf_free(&text);
	}
}

/*
 * The last statements of every verify: the scratch schemas dropped, then
 * the lost rows asked for, last as ever, so that nodes slow to answer
 * run_command_on_all_nodes hold up no check.  Returns the index of the
 * first.
 */
static int
add_cleanup(Series *series, const Scratch *scratch)
{
	int			first = series_add(series, xasprintf("DROP SCHEMA IF EXISTS %s CASCADE",
													 scratch->tenant_schema));

	series_add(series, xasprintf("DROP SCHEMA IF EXISTS %s CASCADE", scratch->schema));
	series_add(series, xstrdup(lost_rows_sql));
	return first;
}

static void
report_cleanup(Verifier *v, const PgPipeline *answers, int first)
{
	for (int i = first; i < first + 2; i++)
		if (pgpipeline_error(answers, i))
		{
			char	   *error = statement_error(answers, i);

			event_note(v->sink, NOTE_WARNING, "  note: could not drop the scratch schema: %s", error);
			free(error);
		}
	report_lost_rows(v, answers, first + 2);
}

/*
 * DDL a coordinator must be able to run: alter a distributed table, create
 * one in a new colocation group, a reference table and (Citus 12.0 on) a
 * schema-sharded table.  Returns how many statements it added.
 */
static int
add_ddl(Series *series, const Scratch *scratch, bool schema_sharding)
{
	const char *schema = scratch->schema;
	const char *tenant_schema = scratch->tenant_schema;
	int			first = series->count;

	/* leftovers of an earlier, interrupted verify */
	series_add(series, xasprintf("DROP SCHEMA IF EXISTS %s CASCADE", tenant_schema));
	series_add(series, xasprintf("DROP SCHEMA IF EXISTS %s CASCADE", schema));
	series_add(series, xasprintf("CREATE SCHEMA %s", schema));
	series_add(series, xasprintf("CREATE TABLE %s.dist (tenant int NOT NULL, id serial, v text)", schema));
	/* 'none' forces a new colocation group: the trap of a stale colocation id sequence */
	series_add(series, xasprintf("SELECT pg_catalog.create_distributed_table('%s.dist', 'tenant', colocate_with => 'none', shard_count => 4)", schema));
	series_add(series, xasprintf("ALTER TABLE %s.dist ADD COLUMN note text", schema));
	series_add(series, xasprintf("CREATE TABLE %s.ref (k int PRIMARY KEY, label text)", schema));
	series_add(series, xasprintf("SELECT pg_catalog.create_reference_table('%s.ref')", schema));
	series_add(series, xasprintf("INSERT INTO %s.ref VALUES (1, 'one')", schema));
	if (schema_sharding)
	{
		series_add(series, xasprintf("CREATE SCHEMA %s", tenant_schema));
		series_add(series, xasprintf("CREATE TABLE %s.t (id int, v text)", tenant_schema));
		series_add(series, xasprintf("SELECT pg_catalog.citus_schema_distribute('%s')", tenant_schema));
	}
	return series->count - first;
}

/*
 * The DDL statements are the series' first nddl; the first of them to fail
 * is the one the check names, with its error, as when they were sent one
 * by one and the first failure stopped them.
 */
static void
check_ddl(Verifier *v, const Series *series, const PgPipeline *answers, int nddl,
		  bool schema_sharding)
{
	char	   *error = NULL;

	for (int i = 0; i < nddl && error == NULL; i++)
		if (pgpipeline_error(answers, i))
		{
			char	   *why = statement_error(answers, i);

			error = xasprintf("%s: %s", series->sql[i], why);
			free(why);
		}
	if (error)
		record(v, VERIFY_DDL, false, "%s", error);
	else if (schema_sharding)
		record(v, VERIFY_DDL, true, "altered a distributed table, created one in a new colocation group, a reference table and a schema-sharded table");
	else
		record(v, VERIFY_DDL, true, "altered a distributed table, created one in a new colocation group and a reference table");
	free(error);
	if (!schema_sharding)
	{
		char	   *version = citus_short_version(v->coordinator->citus_library_version);

		event_note(v->sink, NOTE_INFO,
				   "  skip  schema-sharded table: Citus %s has no schema-based sharding (it arrived in 12.0)",
				   version ? version : "on the coordinator");
		free(version);
	}
}

/* Inserts through the coordinator take serial ids, new and old columns alike. */
static char *
serial_insert_sql(const Scratch *scratch)
{
	return xasprintf("WITH ins AS (INSERT INTO %s.dist (tenant, v) SELECT g, 'x' FROM pg_catalog.generate_series(1, 10) g RETURNING id)"
					 " SELECT pg_catalog.count(DISTINCT id) FROM ins", scratch->schema);
}

static void
check_serial_insert(Verifier *v, const PgPipeline *answers, int insert, int first_serial)
{
	StrBuf		why;
	char	   *error;
	const char *got;

	if (!v->result->passed[VERIFY_DDL])
	{
		record(v, VERIFY_SERIAL_INSERT, false, "not tried: the DDL check failed");
		return;
	}
	strbuf_init(&why);
	got = answer(answers, insert, &error);
	if (got == NULL)
		strbuf_printf(&why, "insert into a new serial column: %s; ", error);
	else if (strcmp(got, "10") != 0)
		strbuf_printf(&why, "10 inserted rows got %s distinct ids; ", got);
	free(error);
	check_existing_serials(v, answers, first_serial, &why);
	if (why.len == 0)
		record(v, VERIFY_SERIAL_INSERT, true,
			   "10 rows took distinct serial ids; %d existing int/smallint serial column%s ahead of their ids",
			   v->coordinator->nserials, v->coordinator->nserials == 1 ? " is" : "s are");
	else
		record(v, VERIFY_SERIAL_INSERT, false, "%s", why.data);
	strbuf_free(&why);
}

/* A shard of the scratch table, where it is and a node to move it to */
static char *
shard_pick_sql(const Scratch *scratch)
{
	return xasprintf("SELECT s.shardid, src.nodename, src.nodeport, dst.nodename, dst.nodeport"
					 "  FROM pg_catalog.pg_dist_shard s"
					 "  JOIN pg_catalog.pg_dist_placement p ON p.shardid = s.shardid"
					 "  JOIN pg_catalog.pg_dist_node src ON src.groupid = p.groupid AND src.noderole = 'primary'"
					 "  JOIN pg_catalog.pg_dist_node dst ON dst.groupid <> p.groupid AND dst.noderole = 'primary'"
					 "       AND dst.shouldhaveshards AND dst.isactive"
					 " WHERE s.logicalrelid = '%s.dist'::pg_catalog.regclass"
					 " ORDER BY s.shardid, dst.groupid LIMIT 1", scratch->schema);
}

static char *
shard_move_sql(const PGresult *pick)
{
	StrBuf		move;

	strbuf_init(&move);
	strbuf_printf(&move, "SELECT pg_catalog.citus_move_shard_placement(%s, ", PQgetvalue(pick, 0, 0));
	sql_append_literal(&move, PQgetvalue(pick, 0, 1));
	strbuf_printf(&move, ", %s, ", PQgetvalue(pick, 0, 2));
	sql_append_literal(&move, PQgetvalue(pick, 0, 3));
	strbuf_printf(&move, ", %s, shard_transfer_mode => 'block_writes')", PQgetvalue(pick, 0, 4));
	return strbuf_steal(&move);
}

/*
 * A shard of the scratch table moved to another node: the shard and its
 * target were picked right after the DDL, the move ran after the insert.
 */
static void
check_shard_move(Verifier *v, const PgPipeline *ddl, int pick_at, const PgPipeline *answers,
				 int move_at)
{
	const PGresult *pick = pgpipeline_result(ddl, pick_at);
	char	   *error = NULL;

	if (pick == NULL)
		error = statement_error(ddl, pick_at);
	else if (PQntuples(pick) == 0)
		error = xstrdup("no second node with shouldhaveshards to move a shard to");
	else if (pgpipeline_error(answers, move_at))
		error = statement_error(answers, move_at);
	if (error)
		record(v, VERIFY_SHARD_MOVE, false, "%s", error);
	else
		record(v, VERIFY_SHARD_MOVE, true, "moved shard %s to %s:%s", PQgetvalue(pick, 0, 0),
			   PQgetvalue(pick, 0, 3), PQgetvalue(pick, 0, 4));
	free(error);
}

/*
 * What follows the DDL, in a second round trip: the insert, the serial
 * columns' questions and the move only when the DDL passed, then the
 * cleanup, which always runs.  Sent with the DDL, they would run after a
 * failed DDL statement too, although the check says they were not tried,
 * and a node that never answers would cost each question that reads its
 * shards a connection timeout (30 s on Citus) for an answer nobody reads.
 */
static void
after_ddl(Verifier *v, const Scratch *scratch, bool move_shard, const PgPipeline *ddl, int pick_at)
{
	bool		ddl_passed = v->result->passed[VERIFY_DDL];
	const PGresult *pick = move_shard && ddl_passed ? pgpipeline_result(ddl, pick_at) : NULL;
	Series		series = {0};
	PgPipeline	answers;
	int			insert_at = ddl_passed ? series_add(&series, serial_insert_sql(scratch)) : -1;
	int			serials_at = ddl_passed ? add_serial_questions(v, &series) : -1;
	int			move_at = pick && PQntuples(pick) > 0 ? series_add(&series, shard_move_sql(pick)) : -1;
	int			cleanup_at = add_cleanup(&series, scratch);

	series_run(v, &series, &answers);
	check_serial_insert(v, &answers, insert_at, serials_at);
	if (move_shard && ddl_passed)
		check_shard_move(v, ddl, pick_at, &answers, move_at);
	report_cleanup(v, &answers, cleanup_at);
	pgpipeline_free(&answers);
	series_free(&series);
}

/*
 * Discovery read them on every node it reached; a slot left there fills
 * its node's disk with WAL, and a name left there may be the name the
 * next move wants.
 */
static void
check_no_leftovers(Verifier *v)
{
	StrBuf		list;
	int			count;

	strbuf_init(&list);
	count = leftovers_describe(v->snap, NULL, &list);
	if (count == 0)
		record(v, VERIFY_NO_LEFTOVERS, true, "no replication slot, publication, subscription, role or orphaned shard table on any node");
	else
	{
		char	   *size = format_size(leftovers_retained_wal(v->snap));

		record(v, VERIFY_NO_LEFTOVERS, false, "%d left, whose slots retain %s of WAL: %s; plan again to drop them",
			   count, size, list.data);
		free(size);
	}
	strbuf_free(&list);
}

/*
 * The DDL statements go to the coordinator in one pipeline, with the pick
 * of a shard to move after them: one round trip instead of one per
 * statement.  Each statement is its own transaction, as when sent alone,
 * since Citus distributes tables differently inside a transaction block.
 *
 * Unlike statements sent one by one, those after a failed one still run.
 * That is harmless: each works inside the scratch schemas, which the
 * cleanup drops whatever failed, or only reads.  It costs time only when
 * a failure is slow (a node that never answers makes each later statement
 * that reaches it wait too).  The check names the first failure, as ever.
 */
static void
smoke_tests(Verifier *v, bool move_shard)
{
	Scratch		scratch;
	Series		series = {0};
	PgPipeline	answers;
	const char *has;
	char	   *error;
	bool		schema_sharding;
	int			nddl;
	int			pick_at;

	snprintf(scratch.schema, sizeof(scratch.schema), "citus_rescue_verify_%d", (int) getpid());
	snprintf(scratch.tenant_schema, sizeof(scratch.tenant_schema), "%s_tenant", scratch.schema);
	has = answer(&v->answers, ASK_SCHEMA_SHARDING, &error);
	schema_sharding = has && strcmp(has, "t") == 0;
	free(error);
	nddl = add_ddl(&series, &scratch, schema_sharding);
	pick_at = move_shard ? series_add(&series, shard_pick_sql(&scratch)) : -1;
	series_run(v, &series, &answers);
	check_ddl(v, &series, &answers, nddl, schema_sharding);
	after_ddl(v, &scratch, move_shard, &answers, pick_at);
	pgpipeline_free(&answers);
	series_free(&series);
}

int
verify_cluster(ConnOptions *opts, const DiscoverHooks *hooks, bool move_shard,
			   const EventSink *sink, const EventSink *errors, VerifyResult *result)
{
	ClusterSnapshot snap;
	SessionPool pool;
	DiscoverHooks own_hooks = {0};
	Verifier	v;
	PgNode	  **health;

	memset(result, 0, sizeof(*result));
	event_note(sink, NOTE_INFO, "Verifying the coordinator...");
	/*
	 * No check here reads the ledger, the roles, or lost shards
	 * (report_lost_rows asks itself); without a target no connection
	 * check runs that would need the ledger's authinfo.
	 */
	if (hooks)
		own_hooks = *hooks;
	own_hooks.skip = DISCOVER_SKIP_LEDGER | DISCOVER_SKIP_ROLES | DISCOVER_SKIP_SHARDS;
	discover_cluster(opts, &own_hooks, &snap, &pool);
	if (snap.fatal.message)
	{
		event_refusal(errors, &snap.fatal);
		result->exit_code = EXIT_CODE_FIRST_NODE;
		session_pool_free(&pool);
		snapshot_free(&snap);
		return result->exit_code;
	}
	v.coordinator = &snap.nodes[snap.first];
	v.session = &pool.sessions[snap.first];
	v.snap = &snap;
	v.pool = &pool;
	v.result = result;
	v.sink = sink;
	v.timeout_ms = opts->timeout_ms > 300000 ? opts->timeout_ms : 300000;

	if (v.coordinator->local_group == 0)
		record(&v, VERIFY_LOCAL_GROUP, true, "pg_dist_local_group says 0");
	else
		record(&v, VERIFY_LOCAL_GROUP, false, "pg_dist_local_group says %d", v.coordinator->local_group);
	health = xcalloc((size_t) snap.nnodes, sizeof(PgNode *));
	ask_and_check_nodes(&v, health);
	check_scalar(&v, VERIFY_IS_COORDINATOR, ASK_IS_COORDINATOR, "t", "true", "false");
	check_metadata(&v);
	check_scalar(&v, VERIFY_PLACEMENT_GROUPS, ASK_ORPHANED_PLACEMENTS, "0",
				 "every placement's group is in pg_dist_node",
				 "placements point at groups no node has");
	check_node_health(&v, health);
	free(health);
	check_sequences(&v);
	smoke_tests(&v, move_shard);
	check_no_leftovers(&v);

	result->exit_code = EXIT_CODE_OK;
	for (int i = 0; i < VERIFY_COUNT; i++)
		if (result->ran[i] && !result->passed[i])
		{
			result->exit_code = EXIT_CODE_VERIFY_FIRST + i + 1;
			break;
		}
	event_note(sink, result->exit_code == 0 ? NOTE_GOOD : NOTE_ERROR, "%s",
			   result->exit_code == 0 ? "The coordinator works." :
			   "The coordinator does not work yet: see the failed checks.");
	pgpipeline_free(&v.answers);
	session_pool_keep(hooks ? hooks->keep : NULL, &pool);
	snapshot_free(&snap);
	return result->exit_code;
}

void
verify_result_free(VerifyResult *result)
{
	for (int i = 0; i < VERIFY_COUNT; i++)
		free(result->detail[i]);
	memset(result, 0, sizeof(*result));
}
