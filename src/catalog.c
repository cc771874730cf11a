#include "config.h"

#include "catalog.h"

#include <stdlib.h>
#include <string.h>

static const char *const catalog_names[CATALOG_COUNT] = {
	"pg_dist_node",
	"pg_dist_placement",
	"pg_dist_shard",
	"pg_dist_partition",
	"pg_dist_colocation",
};

static const char *const maxid_names[MAXID_COUNT] = {
	"nodeid", "groupid", "placementid", "shardid", "colocationid",
};

/* Which catalog and column each MaxIdKind is read from */
static const struct
{
	CatalogId	catalog;
	const char *column;
}			maxid_sources[MAXID_COUNT] = {
	{CATALOG_NODE, "nodeid"},
	{CATALOG_NODE, "groupid"},
	{CATALOG_PLACEMENT, "placementid"},
	{CATALOG_SHARD, "shardid"},
	{CATALOG_COLOCATION, "colocationid"},
};

const char *
catalog_name(CatalogId catalog)
{
	return catalog_names[catalog];
}

const char *
maxid_name(MaxIdKind kind)
{
	return maxid_names[kind];
}

const char *const catalog_probe_sql =
"SELECT pg_catalog.current_setting('server_version_num'),"
" pg_catalog.current_setting('server_version'),"
" pg_catalog.pg_is_in_recovery(),"
" (SELECT extversion FROM pg_catalog.pg_extension WHERE extname = 'citus'),"
" pg_catalog.to_regproc('pg_catalog.citus_version') IS NOT NULL,"
" pg_catalog.to_regclass('pg_catalog.pg_dist_local_group') IS NOT NULL,"
" (SELECT pg_catalog.string_agg(relname || ':' || cols, ';' ORDER BY relname)"
"    FROM (SELECT c.relname::text AS relname,"
"                 pg_catalog.string_agg(a.attname::text, ',' ORDER BY a.attnum) AS cols"
"            FROM pg_catalog.pg_class c"
"            JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid"
"                 AND a.attnum > 0 AND NOT a.attisdropped"
"           WHERE c.relnamespace = 'pg_catalog'::pg_catalog.regnamespace"
"             AND c.relkind = 'r'"
"             AND c.relname IN ('pg_dist_node', 'pg_dist_placement', 'pg_dist_shard',"
"                               'pg_dist_partition', 'pg_dist_colocation')"
"           GROUP BY c.relname) AS catalogs),"
" (SELECT pg_catalog.string_agg(sequencename || '=' || COALESCE(last_value::text, ''), ','"
"                               ORDER BY sequencename)"
"    FROM pg_catalog.pg_sequences"
"   WHERE schemaname = 'pg_catalog' AND sequencename LIKE 'pg\\_dist\\_%')";

bool
column_list_has(const char *columns, const char *column)
{
	size_t		len = strlen(column);
	const char *p = columns;

	while (p && *p)
	{
		const char *comma = strchr(p, ',');
		size_t		item = comma ? (size_t) (comma - p) : strlen(p);

		if (item == len && strncmp(p, column, len) == 0)
			return true;
		p = comma ? comma + 1 : NULL;
	}
	return false;
}

/*
 * Placements are compared as (shardid, groupid) alone: after a shard move
 * the coordinator inserts a new placement id while workers update the old
 * row, so ids and sizes legitimately differ between nodes.
 */
static bool
column_is_compared(CatalogId catalog, const char *column)
{
	if (catalog == CATALOG_PLACEMENT)
		return strcmp(column, "shardid") == 0 || strcmp(column, "groupid") == 0;
	return true;
}

char *
catalog_common_columns(CatalogId catalog, const char *const *lists, int count)
{
	StrBuf		out;
	const char *p;

	strbuf_init(&out);
	if (count == 0)
		return strbuf_steal(&out);
	p = lists[0];
	while (p && *p)
	{
		const char *comma = strchr(p, ',');
		size_t		len = comma ? (size_t) (comma - p) : strlen(p);
		char	   *column = xmalloc(len + 1);
		bool		everywhere;

		memcpy(column, p, len);
		column[len] = '\0';
		everywhere = column_is_compared(catalog, column);
		for (int i = 1; i < count && everywhere; i++)
			everywhere = column_list_has(lists[i], column);
		if (everywhere)
		{
			if (out.len > 0)
				strbuf_append_char(&out, ',');
			strbuf_append(&out, column);
		}
		free(column);
		p = comma ? comma + 1 : NULL;
	}
	return strbuf_steal(&out);
}

void
sql_append_ident(StrBuf *sql, const char *ident)
{
	strbuf_append_char(sql, '"');
	for (const char *p = ident; *p; p++)
	{
		if (*p == '"')
			strbuf_append_char(sql, '"');
		strbuf_append_char(sql, *p);
	}
	strbuf_append_char(sql, '"');
}

/*
 * Oids differ from node to node; names do not.  search_path is empty on
 * every session, so regclass output is always schema-qualified.
 */
static void
append_column_text(StrBuf *sql, CatalogId catalog, const char *column)
{
	if (strcmp(column, "logicalrelid") == 0)
		strbuf_append(sql, "logicalrelid::pg_catalog.regclass::text");
	else if (catalog == CATALOG_PARTITION && strcmp(column, "partkey") == 0)
		strbuf_append(sql, "CASE WHEN partkey IS NULL THEN NULL"
					  " ELSE pg_catalog.column_to_column_name(logicalrelid, partkey) END");
	else if (strcmp(column, "distributioncolumntype") == 0)
		strbuf_append(sql, "distributioncolumntype::pg_catalog.regtype::text");
	else if (strcmp(column, "distributioncolumncollation") == 0)
		strbuf_append(sql, "NULLIF(distributioncolumncollation, 0)::pg_catalog.regcollation::text");
	else
	{
		sql_append_ident(sql, column);
		strbuf_append(sql, "::text");
	}
}

void
catalog_row_expression(StrBuf *sql, CatalogId catalog, const char *columns)
{
	const char *p = columns;
	bool		first = true;

	strbuf_append(sql, "pg_catalog.concat_ws(E'\\t'");
	while (p && *p)
	{
		const char *comma = strchr(p, ',');
		size_t		len = comma ? (size_t) (comma - p) : strlen(p);
		char	   *column = xmalloc(len + 1);

		memcpy(column, p, len);
		column[len] = '\0';
		strbuf_append(sql, ", COALESCE(");
		append_column_text(sql, catalog, column);
		strbuf_append(sql, ", '\\N')");
		free(column);
		first = false;
		p = comma ? comma + 1 : NULL;
	}
	if (first)
		strbuf_append(sql, ", ''");
	strbuf_append(sql, ")");
}

static void
append_optional_column(StrBuf *sql, const char *columns, const char *column)
{
	if (column_list_has(columns, column))
		strbuf_printf(sql, ", n.%s", column);
	else
		strbuf_append(sql, ", NULL");
}

char *
catalog_node_list_sql(const char *node_columns)
{
	StrBuf		sql;

	strbuf_init(&sql);
	strbuf_append(&sql, "SELECT (SELECT groupid FROM pg_catalog.pg_dist_local_group LIMIT 1),"
				  " n.nodeid, n.groupid, n.nodename, n.nodeport, n.noderole::text");
	append_optional_column(&sql, node_columns, "hasmetadata");
	append_optional_column(&sql, node_columns, "metadatasynced");
	append_optional_column(&sql, node_columns, "isactive");
	append_optional_column(&sql, node_columns, "shouldhaveshards");
	append_optional_column(&sql, node_columns, "nodeisclone");
	strbuf_append(&sql, " FROM (SELECT) AS one"
				  " LEFT JOIN pg_catalog.pg_dist_node n ON true"
				  " ORDER BY n.nodeid");
	return strbuf_steal(&sql);
}

static void
append_sorted_rows(StrBuf *sql, CatalogId catalog, const char *columns)
{
	strbuf_append(sql, "(SELECT pg_catalog.string_agg(r, E'\\n' ORDER BY r COLLATE \"C\")"
				  " FROM (SELECT ");
	catalog_row_expression(sql, catalog, columns);
	strbuf_printf(sql, " AS r FROM pg_catalog.%s) AS rows)", catalog_names[catalog]);
}

/*
 * What recovery needs beyond the catalogs: prepared transactions (the dead
 * coordinator's citus_0_ ones and any the tool left), whether the node is
 * empty, the int/smallint serial columns of distributed tables (workers
 * cannot use their sequences), and shards with no placement outside group 0.
 */
static const char *const catalog_extras_sql =
", pg_catalog.current_setting('max_prepared_transactions')"
", (SELECT pg_catalog.string_agg(gid || E'\\t' || owner || E'\\t' || database || E'\\t' || prepared::text,"
"                                E'\\n' ORDER BY gid)"
"     FROM pg_catalog.pg_prepared_xacts"
"    WHERE (gid LIKE 'citus\\_%' OR gid LIKE 'rescue\\_%')"
"      AND database = pg_catalog.current_database())"
", (SELECT pg_catalog.count(*) FROM pg_catalog.pg_class c"
"     JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
"    WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f')"
"      AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'citus', 'citus_internal',"
"                            'columnar', 'columnar_internal')"
"      AND n.nspname NOT LIKE 'pg\\_%'"
"      AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend e"
"                       WHERE e.classid = 'pg_catalog.pg_class'::pg_catalog.regclass"
"                         AND e.objid = c.oid AND e.deptype = 'e'))"
", pg_catalog.current_database()"
", (SELECT pg_catalog.string_agg(rel || E'\\t' || col || E'\\t' || seq || E'\\t' || typ || E'\\t' || expr, E'\\n' ORDER BY rel, col)"
"     FROM (SELECT p.logicalrelid::pg_catalog.regclass::text AS rel, a.attname::text AS col,"
"                  a.atttypid::pg_catalog.regtype::text AS typ,"
"                  pg_catalog.replace(pg_catalog.substring(pg_catalog.pg_get_expr(d.adbin, d.adrelid)"
"                         , 'nextval\\(''((?:[^'']|'''')*)''::regclass\\)'), '''''', '''') AS seq,"
"                  pg_catalog.pg_get_expr(d.adbin, d.adrelid) AS expr"
"             FROM pg_catalog.pg_dist_partition p"
"             JOIN pg_catalog.pg_attribute a ON a.attrelid = p.logicalrelid"
"                  AND a.attnum > 0 AND NOT a.attisdropped"
"                  AND a.atttypid IN ('pg_catalog.int2'::pg_catalog.regtype, 'pg_catalog.int4'::pg_catalog.regtype,"
"                                     'pg_catalog.int8'::pg_catalog.regtype)"
"             JOIN pg_catalog.pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum"
"            WHERE pg_catalog.pg_get_expr(d.adbin, d.adrelid) ~ 'nextval\\(') AS serials"
"    WHERE seq IS NOT NULL)"
", (SELECT pg_catalog.string_agg(s.logicalrelid::pg_catalog.regclass::text || E'\\t' || s.shardid, E'\\n'"
"                                ORDER BY s.shardid)"
"     FROM pg_catalog.pg_dist_shard s"
"    WHERE NOT EXISTS (SELECT 1 FROM pg_catalog.pg_dist_placement p"
"                       WHERE p.shardid = s.shardid AND p.groupid <> 0))";

char *
catalog_stats_sql(char *const *common_columns)
{
	StrBuf		sql;

	strbuf_init(&sql);
	strbuf_append(&sql, "SELECT pg_catalog.citus_version(),"
				  " (SELECT groupid FROM pg_catalog.pg_dist_local_group LIMIT 1)");
	for (int c = 0; c < CATALOG_COUNT; c++)
	{
		strbuf_printf(&sql, ", (SELECT pg_catalog.count(*) FROM pg_catalog.%s)",
					  catalog_names[c]);
		strbuf_append(&sql, ", pg_catalog.md5(COALESCE(");
		append_sorted_rows(&sql, (CatalogId) c, common_columns[c]);
		strbuf_append(&sql, ", ''))");
	}
	for (int m = 0; m < MAXID_COUNT; m++)
		strbuf_printf(&sql, ", (SELECT pg_catalog.max(%s) FROM pg_catalog.%s)",
					  maxid_sources[m].column,
					  catalog_names[maxid_sources[m].catalog]);
	strbuf_append(&sql, ", ");
	append_sorted_rows(&sql, CATALOG_NODE, common_columns[CATALOG_NODE]);
	strbuf_append(&sql, catalog_extras_sql);
	return strbuf_steal(&sql);
}

char *
catalog_rows_sql(CatalogId catalog, const char *columns)
{
	StrBuf		sql;

	strbuf_init(&sql);
	strbuf_append(&sql, "SELECT ");
	catalog_row_expression(&sql, catalog, columns);
	strbuf_printf(&sql, " FROM pg_catalog.%s", catalog_names[catalog]);
	return strbuf_steal(&sql);
}

void
sql_append_literal(StrBuf *sql, const char *value)
{
	bool		needs_escapes = false;

	/*
	 * Control characters and backslashes go into an E'' literal as escapes,
	 * so that a generated batch never holds a raw newline from the data.
	 */
	for (const unsigned char *p = (const unsigned char *) value; *p; p++)
		if (*p < 0x20 || *p == 0x7f || *p == '\\')
			needs_escapes = true;
	if (needs_escapes)
		strbuf_append_char(sql, 'E');
	strbuf_append_char(sql, '\'');
	for (const unsigned char *p = (const unsigned char *) value; *p; p++)
	{
		if (*p == '\'')
			strbuf_append(sql, "''");
		else if (needs_escapes && *p == '\\')
			strbuf_append(sql, "\\\\");
		else if (*p == '\n')
			strbuf_append(sql, "\\n");
		else if (*p == '\t')
			strbuf_append(sql, "\\t");
		else if (*p == '\r')
			strbuf_append(sql, "\\r");
		else if (*p < 0x20 || *p == 0x7f)
			strbuf_printf(sql, "\\x%02x", *p);
		else
			strbuf_append_char(sql, (char) *p);
	}
	strbuf_append_char(sql, '\'');
}

void
sql_append_qualified(StrBuf *sql, const char *regclass_text)
{
	StrBuf		part;
	bool		quoted = false;

	strbuf_init(&part);
	for (const char *p = regclass_text;; p++)
	{
		if (*p == '\0' || (*p == '.' && !quoted))
		{
			sql_append_ident(sql, part.data);
			strbuf_reset(&part);
			if (*p == '\0')
				break;
			strbuf_append_char(sql, '.');
		}
		else if (*p == '"')
		{
			if (quoted && p[1] == '"')
			{
				strbuf_append_char(&part, '"');
				p++;
			}
			else
				quoted = !quoted;
		}
		else
			strbuf_append_char(&part, *p);
	}
	strbuf_free(&part);
}

void
sql_append_dollar_quoted(StrBuf *sql, const char *body)
{
	char		tag[32] = "$body$";

	for (int n = 1; strstr(body, tag) != NULL; n++)
		snprintf(tag, sizeof(tag), "$body%d$", n);
	strbuf_append(sql, tag);
	strbuf_append(sql, body);
	strbuf_append(sql, tag);
}
