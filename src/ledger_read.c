#include "config.h"

#include "ledger_read.h"
#include "ledger.h"
#include "pgnode.h"
#include "quote.h"

#include <stdlib.h>
#include <string.h>

/*
 * The catalogs differ between Citus versions (pg_dist_cleanup and the
 * background jobs arrive in 11.1) and cron.job exists only with pg_cron:
 * query_to_xml() runs a query only once to_regclass() has found its
 * table, so one batch reads every version.
 */
static void
append_guarded_scalar(StrBuf *sql, const char *table, const char *query)
{
	strbuf_append(sql, "CASE WHEN pg_catalog.to_regclass(");
	sql_append_literal(sql, table);
	strbuf_append(sql, ") IS NULL THEN NULL ELSE (pg_catalog.xpath('/row/c/text()', pg_catalog.query_to_xml(");
	sql_append_literal(sql, query);
	strbuf_append(sql, ", false, true, '')))[1]::text END");
}

/* One result row per value; the values travel hex-encoded, so XML leaves them alone. */
static void
append_guarded_list(StrBuf *sql, const char *table, const char *value, const char *rest)
{
	StrBuf		query;

	strbuf_init(&query);
	strbuf_printf(&query, "SELECT pg_catalog.encode(pg_catalog.convert_to(%s, 'UTF8'), 'hex') AS n FROM %s %s",
				  value, table, rest);
	strbuf_append(sql, ";\nSELECT pg_catalog.convert_from(pg_catalog.decode(x::text, 'hex'), 'UTF8')"
				  " FROM pg_catalog.unnest(CASE WHEN pg_catalog.to_regclass(");
	sql_append_literal(sql, table);
	strbuf_append(sql, ") IS NULL THEN NULL ELSE pg_catalog.xpath('/table/row/n/text()', pg_catalog.query_to_xml(");
	sql_append_literal(sql, query.data);
	strbuf_append(sql, ", false, false, '')) END) AS x");
	strbuf_free(&query);
}

static const char *const count_queries[][2] = {
	{"pg_catalog.pg_dist_cleanup", "SELECT pg_catalog.count(*) AS c FROM pg_catalog.pg_dist_cleanup"},
	{"pg_catalog.pg_dist_background_job", "SELECT pg_catalog.count(*) AS c FROM pg_catalog.pg_dist_background_job"},
	{"pg_catalog.pg_dist_background_task", "SELECT pg_catalog.count(*) AS c FROM pg_catalog.pg_dist_background_task"},
	{"pg_catalog.pg_dist_authinfo", "SELECT pg_catalog.count(*) AS c FROM pg_catalog.pg_dist_authinfo"},
	/* the digest covers the authinfo text; it is compared, never shown */
	{"pg_catalog.pg_dist_authinfo",
		"SELECT pg_catalog.md5(pg_catalog.string_agg(nodeid::text || ',' || pg_catalog.quote_literal(rolename::text)"
	" || ',' || pg_catalog.quote_literal(authinfo), ';' ORDER BY nodeid, rolename)) AS c FROM pg_catalog.pg_dist_authinfo"},
	{"pg_catalog.pg_dist_poolinfo", "SELECT pg_catalog.count(*) AS c FROM pg_catalog.pg_dist_poolinfo"},
	{"pg_catalog.pg_dist_poolinfo",
		"SELECT pg_catalog.md5(pg_catalog.string_agg(nodeid::text || ',' || pg_catalog.quote_literal(poolinfo),"
	" ';' ORDER BY nodeid)) AS c FROM pg_catalog.pg_dist_poolinfo"},
	{"cron.job", "SELECT pg_catalog.count(*) AS c FROM cron.job"},
	{"pg_catalog.pg_dist_rebalance_strategy", "SELECT pg_catalog.count(*) AS c FROM pg_catalog.pg_dist_rebalance_strategy"},
};

enum
{
	LEDGER_CLEANUP, LEDGER_JOBS, LEDGER_TASKS, LEDGER_AUTHINFO, LEDGER_AUTHINFO_DIGEST,
	LEDGER_POOLINFO, LEDGER_POOLINFO_DIGEST, LEDGER_CRON_JOBS, LEDGER_STRATEGIES, LEDGER_CRON_VERSION,
	LEDGER_SUMMARY_COLUMNS
};

/* Five statements: a summary row, then strategies, authinfo keys, poolinfo keys, settings */
char *
ledger_sql(void)
{
	StrBuf		sql;

	strbuf_init(&sql);
	strbuf_append(&sql, "SELECT ");
	for (size_t i = 0; i < sizeof(count_queries) / sizeof(count_queries[0]); i++)
	{
		append_guarded_scalar(&sql, count_queries[i][0], count_queries[i][1]);
		strbuf_append(&sql, ", ");
	}
	strbuf_append(&sql, "(SELECT extversion FROM pg_catalog.pg_extension WHERE extname = 'pg_cron')");
	append_guarded_list(&sql, "pg_catalog.pg_dist_rebalance_strategy", "name::text", "ORDER BY name");
	append_guarded_list(&sql, "pg_catalog.pg_dist_authinfo",
						"'node ' || nodeid || ' user ' || rolename::text", "ORDER BY nodeid, rolename");
	append_guarded_list(&sql, "pg_catalog.pg_dist_poolinfo", "'node ' || nodeid", "ORDER BY nodeid");
	strbuf_append(&sql, ";\nSELECT name || ' = ' || setting FROM pg_catalog.pg_settings"
				  " WHERE name LIKE 'citus.%' AND source NOT IN ('default', 'override') ORDER BY name");
	return strbuf_steal(&sql);
}

static bool
read_list(const PgNode *pg, int index, StrList *list)
{
	const PGresult *r = pgnode_result(pg, index);

	if (r == NULL || PQresultStatus(r) != PGRES_TUPLES_OK || PQnfields(r) != 1)
		return false;
	for (int i = 0; i < PQntuples(r); i++)
		strlist_add(list, PQgetvalue(r, i, 0));
	return true;
}

static void
read_facts(LedgerFacts *f, const PgNode *pg, int base)
{
	const PGresult *r = pgnode_result(pg, base);

	if (r == NULL ||
		PQresultStatus(r) != PGRES_TUPLES_OK || PQntuples(r) != 1 ||
		PQnfields(r) != LEDGER_SUMMARY_COLUMNS)
		return;
	f->cleanup = pgresult_int(r, 0, LEDGER_CLEANUP, -1);
	f->jobs = pgresult_int(r, 0, LEDGER_JOBS, -1);
	f->tasks = pgresult_int(r, 0, LEDGER_TASKS, -1);
	/* no rows: no digest, and a count of 0 */
	f->authinfo = pgresult_int(r, 0, LEDGER_AUTHINFO, -1);
	f->authinfo_digest = pgresult_text(r, 0, LEDGER_AUTHINFO_DIGEST);
	f->poolinfo = pgresult_int(r, 0, LEDGER_POOLINFO, -1);
	f->poolinfo_digest = pgresult_text(r, 0, LEDGER_POOLINFO_DIGEST);
	f->cron_jobs = pgresult_int(r, 0, LEDGER_CRON_JOBS, -1);
	f->cron_version = pgresult_text(r, 0, LEDGER_CRON_VERSION);
	f->has_strategies = !PQgetisnull(r, 0, LEDGER_STRATEGIES);
	f->read = read_list(pg, base + 1, &f->strategies) && read_list(pg, base + 2, &f->authinfo_keys) &&
		read_list(pg, base + 3, &f->poolinfo_keys) && read_list(pg, base + 4, &f->settings);
	if (!f->read)
		ledger_facts_free(f);
}

bool
ledger_wanted(const NodeReport *node)
{
	return node->reachable && node->is_citus && !node->is_target;
}

void
ledger_read_node(NodeReport *node, const struct PgNode *pg, int base)
{
	read_facts(&node->ledger, pg, base);
}
