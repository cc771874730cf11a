#include "config.h"

#include "lostshards.h"
#include "quote.h"

#include <inttypes.h>
#include <string.h>

static bool
selected(const LostShard *shard, LostSelect which)
{
	return which == LOST_ALL || (which == LOST_LOCAL) == shard->citus_local;
}

int
lost_count(const NodeReport *node, LostSelect which)
{
	int			n = 0;

	for (int i = 0; i < node->nlost_shards; i++)
		if (selected(&node->lost_shards[i], which))
			n++;
	return n;
}

void
lost_append_ids(StrBuf *out, const NodeReport *node, LostSelect which)
{
	bool		first = true;

	for (int i = 0; i < node->nlost_shards; i++)
		if (selected(&node->lost_shards[i], which))
		{
			strbuf_printf(out, "%s%" PRId64, first ? "" : ", ", node->lost_shards[i].shardid);
			first = false;
		}
}

static void
append_range(StrBuf *out, const LostShard *shard)
{
	if (shard->minvalue && shard->maxvalue)
		strbuf_printf(out, " (hash range %s to %s)", shard->minvalue, shard->maxvalue);
	else if (shard->citus_local)
		strbuf_append(out, " (citus local table: every row)");
	else
		strbuf_append(out, " (every row)");
}

void
lost_append_shard(StrBuf *out, const LostShard *shard)
{
	strbuf_printf(out, "%s, shard %" PRId64, shard->table, shard->shardid);
	append_range(out, shard);
}

/* Shards come ordered by id; a table's shards are grouped under its name */
void
lost_append_description(StrBuf *out, const NodeReport *node)
{
	for (int i = 0; i < node->nlost_shards; i++)
	{
		const LostShard *shard = &node->lost_shards[i];
		bool		same = false;

		for (int j = 0; j < i && !same; j++)
			same = strcmp(node->lost_shards[j].table, shard->table) == 0;
		if (same)
			continue;
		strbuf_printf(out, "%s%s:", out->len ? "; " : "", shard->table);
		for (int j = i; j < node->nlost_shards; j++)
		{
			if (strcmp(node->lost_shards[j].table, shard->table) != 0)
				continue;
			strbuf_printf(out, "%s shard %" PRId64, j == i ? "" : ",", node->lost_shards[j].shardid);
			append_range(out, &node->lost_shards[j]);
		}
	}
}

void
lost_append_unrecreatable(StrBuf *out, const NodeReport *node)
{
	for (int i = 0; i < node->nlost_shards; i++)
	{
		const LostShard *shard = &node->lost_shards[i];
		bool		same = false;

		if (shard->unrecreatable == NULL)
			continue;
		for (int j = 0; j < i && !same; j++)
			same = node->lost_shards[j].unrecreatable &&
				strcmp(node->lost_shards[j].table, shard->table) == 0;
		if (!same)
			strbuf_printf(out, "%s%s (%s)", out->len ? "; " : "", shard->table, shard->unrecreatable);
	}
}

/*
 * Citus's own shard DDL: the table's creation commands, each given the
 * shard's name by worker_apply_shard_ddl_command(), as Citus does when it
 * creates a shard.  Unlike Citus, master_get_table_ddl_events() keeps the
 * nextval() defaults, which a shard must not have (it would depend on the
 * sequence).  A shard already there is left alone, so the step can run
 * again.
 */
static const char *const create_body_head =
"\nDECLARE\n"
"  s record;\n"
"  cmd text;\n"
"  col name;\n"
"BEGIN\n"
"  FOR s IN SELECT sh.shardid, sh.logicalrelid, n.nspname,\n"
"                  pg_catalog.shard_name(sh.logicalrelid, sh.shardid) AS shard\n"
"             FROM pg_catalog.pg_dist_shard sh\n"
"             JOIN pg_catalog.pg_class c ON c.oid = sh.logicalrelid\n"
"             JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace\n"
"            WHERE sh.shardid IN (";

static const char *const create_body_tail =
")\n"
"            ORDER BY sh.shardid\n"
"  LOOP\n"
"    CONTINUE WHEN pg_catalog.to_regclass(s.shard) IS NOT NULL;\n"
"    FOR cmd IN SELECT e FROM pg_catalog.master_get_table_ddl_events(s.logicalrelid::pg_catalog.regclass::text) AS e\n"
"    LOOP\n"
"      PERFORM pg_catalog.worker_apply_shard_ddl_command(s.shardid, s.nspname, cmd);\n"
"    END LOOP;\n"
"    FOR col IN SELECT a.attname FROM pg_catalog.pg_attrdef d\n"
"                 JOIN pg_catalog.pg_attribute a ON a.attrelid = d.adrelid AND a.attnum = d.adnum\n"
"                WHERE d.adrelid = s.shard::pg_catalog.regclass\n"
"                  AND pg_catalog.pg_get_expr(d.adbin, d.adrelid) LIKE '%nextval(%'\n"
"    LOOP\n"
"      EXECUTE pg_catalog.format('ALTER TABLE %s ALTER COLUMN %I DROP DEFAULT', s.shard, col);\n"
"    END LOOP;\n"
"    EXECUTE pg_catalog.format('COMMENT ON TABLE %s IS %L', s.shard,\n"
"                              '" LOST_SHARD_COMMENT "');\n"
"  END LOOP;\n"
"END\n";

void
lost_append_create_sql(StrBuf *sql, const NodeReport *node, LostSelect which)
{
	StrBuf		body;

	strbuf_init(&body);
	strbuf_append(&body, create_body_head);
	lost_append_ids(&body, node, which);
	strbuf_append(&body, create_body_tail);
	strbuf_append(sql, "-- shard tables are Citus's own: changing them by hand is refused otherwise\n"
				  "SET LOCAL citus.enable_manual_changes_to_shards = on;\n"
				  "DO ");
	sql_append_dollar_quoted(sql, body.data);
	strbuf_append(sql, ";\n");
	strbuf_free(&body);
}

char *
lost_check_sql(const NodeReport *node, LostSelect which)
{
	StrBuf		sql;

	strbuf_init(&sql);
	strbuf_append(&sql, "SELECT (SELECT pg_catalog.count(*) FROM pg_catalog.pg_dist_shard s WHERE s.shardid IN (");
	lost_append_ids(&sql, node, which);
	strbuf_printf(&sql, ") AND pg_catalog.to_regclass(pg_catalog.shard_name(s.logicalrelid, s.shardid)) IS NOT NULL) = %d",
				  lost_count(node, which));
	return strbuf_steal(&sql);
}
