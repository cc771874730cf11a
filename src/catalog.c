#include "config.h"

#include "catalog.h"
#include "termsafe.h"

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

/*
 * Three statements, so that catalog and sequence names arrive one result
 * row each: a name may hold any character, so none is joined into text.
 */
const char *const catalog_probe_sql =
"SELECT pg_catalog.current_setting('server_version_num'),"
" pg_catalog.current_setting('server_version'),"
" pg_catalog.pg_is_in_recovery(),"
" (SELECT extversion FROM pg_catalog.pg_extension WHERE extname = 'citus'),"
" pg_catalog.to_regproc('pg_catalog.citus_version') IS NOT NULL,"
" pg_catalog.to_regclass('pg_catalog.pg_dist_local_group') IS NOT NULL;"
" SELECT c.relname::text, a.attname::text"
"   FROM pg_catalog.pg_class c"
"   JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid"
"        AND a.attnum > 0 AND NOT a.attisdropped"
"  WHERE c.relnamespace = 'pg_catalog'::pg_catalog.regnamespace"
"    AND c.relkind = 'r'"
"    AND c.relname IN ('pg_dist_node', 'pg_dist_placement', 'pg_dist_shard',"
"                      'pg_dist_partition', 'pg_dist_colocation')"
"  ORDER BY c.relname, a.attnum;"
" SELECT sequencename::text, last_value::text"
"   FROM pg_catalog.pg_sequences"
"  WHERE schemaname = 'pg_catalog' AND sequencename LIKE 'pg\\_dist\\_%'"
"  ORDER BY sequencename";

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

void
catalog_common_columns(CatalogId catalog, const StrList *const *lists, int count, StrList *common)
{
	memset(common, 0, sizeof(*common));
	if (count == 0)
		return;
	for (int c = 0; c < lists[0]->count; c++)
	{
		const char *column = lists[0]->items[c];
		bool		everywhere = column_is_compared(catalog, column);

		for (int i = 1; i < count && everywhere; i++)
			everywhere = strlist_has(lists[i], column);
		if (everywhere)
			strlist_add(common, column);
	}
}

/*
 * Integer and boolean columns print without tabs, newlines or backslashes;
 * everything else is escaped.
 */
static bool
column_prints_plain(const char *column)
{
	static const char *const plain[] = {
		"nodeid", "groupid", "nodeport", "shardid", "placementid", "shardstate",
		"shardlength", "colocationid", "shardcount", "replicationfactor",
		"hasmetadata", "isactive", "metadatasynced", "shouldhaveshards",
		"nodeisclone", "nodeprimarynodeid", "autoconverted",
	};

	for (size_t i = 0; i < sizeof(plain) / sizeof(plain[0]); i++)
		if (strcmp(column, plain[i]) == 0)
			return true;
	return false;
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

/* COPY's text format: the same escapes, so that rows split on tabs safely. */
static void
append_column_field(StrBuf *sql, CatalogId catalog, const char *column)
{
	strbuf_append(sql, "COALESCE(");
	if (column_prints_plain(column))
		append_column_text(sql, catalog, column);
	else
	{
		strbuf_append(sql, "pg_catalog.replace(pg_catalog.replace(pg_catalog.replace("
					  "pg_catalog.replace(");
		append_column_text(sql, catalog, column);
		strbuf_append(sql, ", '\\', '\\\\'), E'\\n', '\\n'), E'\\r', '\\r'), E'\\t', '\\t')");
	}
	strbuf_append(sql, ", '\\N')");
}

void
catalog_row_expression(StrBuf *sql, CatalogId catalog, const StrList *columns)
{
	strbuf_append(sql, "pg_catalog.concat_ws(E'\\t'");
	for (int c = 0; c < columns->count; c++)
	{
		strbuf_append(sql, ", ");
		append_column_field(sql, catalog, columns->items[c]);
	}
	if (columns->count == 0)
		strbuf_append(sql, ", ''");
	strbuf_append(sql, ")");
}

bool
catalog_row_field(const char *row, int index, char **value)
{
	const char *p = row;
	const char *tab;
	size_t		len;

	for (int i = 0; i < index; i++)
	{
		p = strchr(p, '\t');
		if (p == NULL)
			return false;
		p++;
	}
	tab = strchr(p, '\t');
	len = tab ? (size_t) (tab - p) : strlen(p);
	/* the fields' escapes are COPY's, a subset of the terminal's */
	*value = len == 2 && p[0] == '\\' && p[1] == 'N' ? NULL : terminal_unescape(p, len);
	return true;
}

/*
 * The columns some Citus versions lack are read through to_jsonb(), where
 * a missing one is NULL: the query needs no probe of the columns first,
 * so it goes in one batch with the probe.
 */
#define OPTIONAL_NODE_COLUMN(name) \
	", (pg_catalog.to_jsonb(n) ->> '" name "')::boolean"

const char *const catalog_node_list_sql =
"SELECT (SELECT groupid FROM pg_catalog.pg_dist_local_group LIMIT 1),"
" n.nodeid, n.groupid, n.nodename, n.nodeport, n.noderole::text"
OPTIONAL_NODE_COLUMN("hasmetadata")
OPTIONAL_NODE_COLUMN("metadatasynced")
OPTIONAL_NODE_COLUMN("isactive")
OPTIONAL_NODE_COLUMN("shouldhaveshards")
OPTIONAL_NODE_COLUMN("nodeisclone")
" FROM (SELECT) AS one"
" LEFT JOIN pg_catalog.pg_dist_node n ON true"
" ORDER BY n.nodeid";

/*
 * A digest of a catalog's rows that needs no sort: each field's text
 * hashed with a seed of its own (a NULL as a constant), a row's hashes
 * combined with xor, the rows' hashes summed, and the count and the sum
 * put through md5.  It depends on the rows alone, never on their order,
 * and costs a hash a field instead of escaping every field and sorting
 * the rows as text.
 */
static void
append_field_hash(StrBuf *sql, int field, const char *text)
{
	strbuf_printf(sql, "%sCOALESCE(pg_catalog.hashtextextended(%s, %d), %d)",
				  field > 0 ? " # " : "", text, field, -1 - field);
}

static void
append_rows_digest(StrBuf *sql, const char *row_hash, const char *table)
{
	strbuf_printf(sql, "(SELECT pg_catalog.md5(pg_catalog.count(*) || ',' || COALESCE(pg_catalog.sum(h), 0))"
				  " FROM (SELECT %s AS h FROM pg_catalog.%s OFFSET 0) AS rows)", row_hash, table);
}

static void
append_catalog_digest(StrBuf *sql, CatalogId catalog, const StrList *columns)
{
	StrBuf		row_hash;

	strbuf_init(&row_hash);
	for (int c = 0; c < columns->count; c++)
	{
		StrBuf		text;

		strbuf_init(&text);
		append_column_text(&text, catalog, columns->items[c]);
		append_field_hash(&row_hash, c, text.data);
		strbuf_free(&text);
	}
	if (columns->count == 0)
		strbuf_append(&row_hash, "0::bigint");
	append_rows_digest(sql, row_hash.data, catalog_names[catalog]);
	strbuf_free(&row_hash);
}

/* Placement ids differ between nodes after a move: a digest of their own */
static void
append_placement_ids_digest(StrBuf *sql)
{
	StrBuf		row_hash;

	strbuf_init(&row_hash);
	append_field_hash(&row_hash, 0, "placementid::text");
	append_field_hash(&row_hash, 1, "shardid::text");
	append_field_hash(&row_hash, 2, "groupid::text");
	append_rows_digest(sql, row_hash.data, "pg_dist_placement");
	strbuf_free(&row_hash);
}

/*
 * What recovery needs beyond the catalogs, each a statement of its own
 * with one result row per item: prepared transactions (the dead
 * coordinator's citus_0_ ones and any the tool left), the int/smallint
 * serial columns of distributed tables (workers cannot use their
 * sequences), and shards with no placement outside group 0.
 */
static const char *const catalog_prepared_sql =
"SELECT gid, owner::text, database::text, prepared::text"
"  FROM pg_catalog.pg_prepared_xacts"
" WHERE (gid LIKE 'citus\\_%' OR gid LIKE 'rescue\\_%')"
"   AND database = pg_catalog.current_database()"
" ORDER BY gid";

static const char *const catalog_serials_sql =
"SELECT rel, col, seq, typ, expr"
"  FROM (SELECT p.logicalrelid::pg_catalog.regclass::text AS rel, a.attname::text AS col,"
"               a.atttypid::pg_catalog.regtype::text AS typ,"
"               pg_catalog.replace(pg_catalog.substring(pg_catalog.pg_get_expr(d.adbin, d.adrelid)"
"                      , 'nextval\\(''((?:[^'']|'''')*)''::regclass\\)'), '''''', '''') AS seq,"
"               pg_catalog.pg_get_expr(d.adbin, d.adrelid) AS expr"
"          FROM pg_catalog.pg_dist_partition p"
"          JOIN pg_catalog.pg_attribute a ON a.attrelid = p.logicalrelid"
"               AND a.attnum > 0 AND NOT a.attisdropped"
"               AND a.atttypid IN ('pg_catalog.int2'::pg_catalog.regtype, 'pg_catalog.int4'::pg_catalog.regtype,"
"                                  'pg_catalog.int8'::pg_catalog.regtype)"
"          JOIN pg_catalog.pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum"
"         WHERE pg_catalog.pg_get_expr(d.adbin, d.adrelid) ~ 'nextval\\(') AS serials"
" WHERE seq IS NOT NULL"
" ORDER BY rel, col";

/*
 * Relations outside the system schemas and extensions; shards are hidden
 * from it by Citus, as they are from any session.  Only the new node's
 * count is used, and a worker's pg_class holds thousands of shards that
 * Citus would check one by one: the others are not asked.
 */
static const char *const catalog_user_relations_sql =
"(SELECT pg_catalog.count(*) FROM pg_catalog.pg_class c"
"   JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
"  WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f')"
"    AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'citus', 'citus_internal',"
"                          'columnar', 'columnar_internal')"
"    AND n.nspname NOT LIKE 'pg\\_%'"
"    AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend e"
"                     WHERE e.classid = 'pg_catalog.pg_class'::pg_catalog.regclass"
"                       AND e.objid = c.oid AND e.deptype = 'e'))";

/*
 * From here on the batch's statements see shard tables in pg_class: the
 * two below exclude known shards by their own conditions, and Citus's
 * check of every relation it would hide costs more than they do.
 */
static const char *const catalog_show_shards_sql =
"SELECT pg_catalog.set_config('citus.override_table_visibility', 'off', true)";

/*
 * With each lost shard: its hash range, whether it belongs to a citus
 * local table (which only a coordinator may hold), and why an empty copy
 * made from the table's DDL would not be the shard Citus made, if it
 * would not.
 */
static const char *const catalog_lost_shards_sql =
"SELECT s.logicalrelid::pg_catalog.regclass::text, s.shardid, s.shardminvalue, s.shardmaxvalue,"
"       d.partmethod = 'n' AND d.repmodel <> 't' AND d.colocationid = 0,"
"       CASE WHEN c.relkind = 'p' OR c.relispartition THEN 'a partitioned table or a partition'"
"            WHEN EXISTS (SELECT 1 FROM pg_catalog.pg_constraint f WHERE f.contype = 'f'"
"                          AND (f.conrelid = c.oid OR f.confrelid = c.oid)) THEN 'foreign keys'"
"            WHEN EXISTS (SELECT 1 FROM pg_catalog.pg_attribute a WHERE a.attrelid = c.oid"
"                          AND a.attnum > 0 AND a.attidentity <> '') THEN 'an identity column'"
"            WHEN d.partmethod NOT IN ('h', 'n') THEN 'append or range distribution' END"
"  FROM pg_catalog.pg_dist_shard s"
"  JOIN pg_catalog.pg_dist_partition d ON d.logicalrelid = s.logicalrelid"
"  JOIN pg_catalog.pg_class c ON c.oid = s.logicalrelid"
" WHERE NOT EXISTS (SELECT 1 FROM pg_catalog.pg_dist_placement p"
"                    WHERE p.shardid = s.shardid AND p.groupid <> 0)"
" ORDER BY s.shardid";

/*
 * Append- and range-distributed tables' metadata never reaches the
 * workers, nor do their shell tables: their shards are tables named
 * TABLE_SHARDID that no pg_dist_shard row names and whose TABLE does not
 * exist.  (Leftovers of a shard move name a shard the metadata knows; those
 * of a split, a table that exists.)
 */
static const char *const catalog_unknown_shards_sql =
"SELECT c.oid::pg_catalog.regclass::text"
"  FROM pg_catalog.pg_class c"
" CROSS JOIN LATERAL (SELECT pg_catalog.reverse(pg_catalog.split_part(pg_catalog.reverse(c.relname::text), '_', 1))"
"                            AS tail) y"
" WHERE c.relkind IN ('r', 'p', 'f')"
"   AND c.relname ~ '_[0-9]+$'"
"   AND pg_catalog.length(y.tail) BETWEEN 6 AND 18"
"   AND c.relnamespace NOT IN ('pg_catalog'::pg_catalog.regnamespace, 'information_schema'::pg_catalog.regnamespace)"
"   AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_dist_shard s WHERE s.shardid::text = y.tail)"
"   AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_class t WHERE t.relnamespace = c.relnamespace"
"                    AND t.relname = pg_catalog.left(c.relname::text,"
"                        pg_catalog.length(c.relname::text) - pg_catalog.length(y.tail) - 1))"
" ORDER BY 1";

char *
catalog_stats_sql(const StrList *common_columns, bool user_relations, bool shards)
{
	StrBuf		sql;

	strbuf_init(&sql);
	strbuf_append(&sql, "SELECT pg_catalog.citus_version(),"
				  " (SELECT groupid FROM pg_catalog.pg_dist_local_group LIMIT 1)");
	for (int c = 0; c < CATALOG_COUNT; c++)
	{
		strbuf_printf(&sql, ", (SELECT pg_catalog.count(*) FROM pg_catalog.%s)",
					  catalog_names[c]);
		strbuf_append(&sql, ", ");
		append_catalog_digest(&sql, (CatalogId) c, &common_columns[c]);
	}
	for (int m = 0; m < MAXID_COUNT; m++)
		strbuf_printf(&sql, ", (SELECT pg_catalog.max(%s) FROM pg_catalog.%s)",
					  maxid_sources[m].column,
					  catalog_names[maxid_sources[m].catalog]);
	strbuf_append(&sql, ", pg_catalog.current_setting('max_prepared_transactions'), ");
	strbuf_append(&sql, user_relations ? catalog_user_relations_sql : "NULL");
	strbuf_append(&sql, ", pg_catalog.current_database(), ");
	append_placement_ids_digest(&sql);
	strbuf_append(&sql, ";\n");
	strbuf_append(&sql, "SELECT r FROM (SELECT ");
	catalog_row_expression(&sql, CATALOG_NODE, &common_columns[CATALOG_NODE]);
	strbuf_append(&sql, " AS r FROM pg_catalog.pg_dist_node) AS rows ORDER BY r COLLATE \"C\";\n");
	/* without the shards: results of the same shape, and no row */
	strbuf_printf(&sql, "%s;\n%s;\n%s;\n%s;\n%s", catalog_prepared_sql, catalog_serials_sql,
				  catalog_show_shards_sql,
				  shards ? catalog_lost_shards_sql :
				  "SELECT NULL::text, NULL::bigint, NULL::text, NULL::text, NULL::boolean, NULL::text WHERE false",
				  shards ? catalog_unknown_shards_sql : "SELECT NULL::text WHERE false");
	return strbuf_steal(&sql);
}

char *
catalog_rows_sql(CatalogId catalog, const StrList *columns)
{
	StrBuf		sql;

	strbuf_init(&sql);
	strbuf_append(&sql, "SELECT ");
	catalog_row_expression(&sql, catalog, columns);
	strbuf_printf(&sql, " FROM pg_catalog.%s", catalog_names[catalog]);
	return strbuf_steal(&sql);
}

const IdSequence citus_id_sequences[CITUS_ID_SEQUENCE_COUNT] = {
	{"pg_dist_groupid_seq", MAXID_GROUPID, "pg_dist_node", "groupid"},
	{"pg_dist_node_nodeid_seq", MAXID_NODEID, "pg_dist_node", "nodeid"},
	{"pg_dist_placement_placementid_seq", MAXID_PLACEMENTID, "pg_dist_placement", "placementid"},
	{"pg_dist_shardid_seq", MAXID_SHARDID, "pg_dist_shard", "shardid"},
	{"pg_dist_colocationid_seq", MAXID_COLOCATIONID, "pg_dist_colocation", "colocationid"},
	{"pg_dist_operationid_seq", -1, NULL, NULL},
	{"pg_dist_cleanup_recordid_seq", -1, NULL, NULL},
	{"pg_dist_background_job_job_id_seq", -1, NULL, NULL},
	{"pg_dist_background_task_task_id_seq", -1, NULL, NULL},
	{"pg_dist_clock_logical_seq", -1, NULL, NULL},
};
