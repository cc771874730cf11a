/*
 * The SQL that reads Citus catalogs.  Columns are always named, never taken
 * by position, and each is rendered to text in a form that is the same on
 * every node (relations by name, not by oid), so Citus 11.x to 14.x
 * layouts can be read and compared.
 */
#ifndef CITUS_RESCUE_CATALOG_H
#define CITUS_RESCUE_CATALOG_H

#include "snapshot.h"
#include "strbuf.h"

/* Versions, recovery state, extension, catalog columns, sequences. */
extern const char *const catalog_probe_sql;

/* Column indexes of catalog_probe_sql's one row */
enum
{
	PROBE_VERSION_NUM,
	PROBE_VERSION,
	PROBE_IN_RECOVERY,
	PROBE_EXTENSION_VERSION,
	PROBE_HAS_CITUS_VERSION,
	PROBE_HAS_LOCAL_GROUP,
	PROBE_CATALOG_COLUMNS,		/* name:col,col;name:col,... */
	PROBE_SEQUENCES,			/* name=value,name=value (empty before nextval) */
	PROBE_COLUMN_COUNT
};

/* Whether a comma-separated column list holds `column`. */
bool		column_list_has(const char *columns, const char *column);

/* Columns of `catalog` present in every list, in the order of the first. */
char	   *catalog_common_columns(CatalogId catalog, const char *const *lists, int count);

/* The text of one row: tab-separated, NULL as \N, ready to sort and compare. */
void		catalog_row_expression(StrBuf *sql, CatalogId catalog, const char *columns);

/* The first node's pg_dist_node, as MetaNode fields, plus its local group. */
char	   *catalog_node_list_sql(const char *node_columns);

/*
 * Citus library version, local group, then per catalog its row count and
 * digest, then the highest ids (MaxIdKind order), then pg_dist_node's rows.
 */
char	   *catalog_stats_sql(char *const *common_columns);

enum
{
	STATS_CITUS_VERSION,
	STATS_LOCAL_GROUP,
	STATS_FIRST_CATALOG,		/* rows, digest, for each CatalogId */
	STATS_FIRST_MAXID = STATS_FIRST_CATALOG + 2 * CATALOG_COUNT,
	STATS_NODE_VIEW = STATS_FIRST_MAXID + MAXID_COUNT,
	STATS_MAX_PREPARED,			/* max_prepared_transactions */
	STATS_PREPARED,				/* gid, owner, database, prepared; tab-separated lines */
	STATS_USER_RELATIONS,		/* relations outside system schemas */
	STATS_DATABASE,
	STATS_SERIALS,				/* table, column, sequence, type, default; tab-separated lines */
	STATS_LOST_SHARDS,			/* table, shardid: no placement outside group 0 */
	STATS_COLUMN_COUNT
};

/* Every row of one catalog as text, one result row each. */
char	   *catalog_rows_sql(CatalogId catalog, const char *columns);

/* Quotes an identifier for SQL the tool builds itself. */
void		sql_append_ident(StrBuf *sql, const char *ident);

#endif

/* A string literal ('it''s'); the session must have standard_conforming_strings on. */
void		sql_append_literal(StrBuf *sql, const char *value);

/*
 * A relation name as regclass prints it ("app.orders", "\"My Schema\".t")
 * re-quoted part by part, so that it can only ever name a relation.
 */
void		sql_append_qualified(StrBuf *sql, const char *regclass_text);

/* Appends body inside a dollar quote whose tag does not occur in it. */
void		sql_append_dollar_quoted(StrBuf *sql, const char *body);
