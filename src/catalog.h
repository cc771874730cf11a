/*
 * The SQL that reads Citus catalogs.  Columns are always named, never taken
 * by position, and each is rendered to text in a form that is the same on
 * every node (relations by name, not by oid), so Citus 11.x to 14.x
 * layouts can be read and compared.
 */
#ifndef CITUS_RESCUE_CATALOG_H
#define CITUS_RESCUE_CATALOG_H

#include "snapshot.h"
#include "quote.h"
#include "strbuf.h"

/* Versions, recovery state, extension, catalog columns, sequences. */
extern const char *const catalog_probe_sql;

/* The statements of catalog_probe_sql, each with its own result */
enum
{
	PROBE_RESULT_SETTINGS,		/* one row: the PROBE_ columns below */
	PROBE_RESULT_COLUMNS,		/* catalog, column: a row per catalog column */
	PROBE_RESULT_SEQUENCES,		/* name, last value (NULL before nextval) */
	PROBE_RESULT_COUNT
};

enum
{
	PROBE_VERSION_NUM,
	PROBE_VERSION,
	PROBE_IN_RECOVERY,
	PROBE_EXTENSION_VERSION,
	PROBE_HAS_CITUS_VERSION,
	PROBE_HAS_LOCAL_GROUP,
	PROBE_COLUMN_COUNT
};

/* Columns of `catalog` present in every list, in the order of the first. */
void		catalog_common_columns(CatalogId catalog, const StrList *const *lists, int count,
								   StrList *common);

/*
 * The text of one row: fields in COPY's text format (\N for NULL, and
 * backslash, tab, newline and carriage return escaped) joined by tabs, so
 * that distinct rows always give distinct text, ready to sort and compare.
 */
void		catalog_row_expression(StrBuf *sql, CatalogId catalog, const StrList *columns);

/*
 * Field `index` of such a row, unescaped into *value (NULL for \N);
 * false when the row has fewer fields.
 */
bool		catalog_row_field(const char *row, int index, char **value);

/* The first node's pg_dist_node, as MetaNode fields, plus its local group. */
extern const char *const catalog_node_list_sql;

/*
 * Seven statements.  The first gives one row: Citus library version, local
 * group, then per catalog its row count and digest, then the highest ids
 * (MaxIdKind order), then the STATS_ settings (the user relations only
 * when asked for, NULL otherwise).  The others give a row per item:
 * pg_dist_node's rows as row text, prepared transactions, serial columns,
 * a setting that shows shard tables to the two after it, lost shards and
 * unknown shards (no rows unless shards is true: each reads every shard).
 */
char	   *catalog_stats_sql(const StrList *common_columns, bool user_relations, bool shards);

enum
{
	STATS_RESULT_SUMMARY,
	STATS_RESULT_NODE_VIEW,		/* row text */
	STATS_RESULT_PREPARED,		/* gid, owner, database, prepared */
	STATS_RESULT_SERIALS,		/* table, column, sequence, type, default */
	STATS_RESULT_SHOW_SHARDS,	/* the set_config that lets the next two see shard tables */
	STATS_RESULT_LOST_SHARDS,	/* table, shardid, min, max, local, why not: no placement outside group 0 */
	STATS_RESULT_UNKNOWN_SHARDS,	/* shard tables of tables this node has no metadata of */
	STATS_RESULT_COUNT
};

enum
{
	STATS_CITUS_VERSION,
	STATS_LOCAL_GROUP,
	STATS_FIRST_CATALOG,		/* rows, digest, for each CatalogId */
	STATS_FIRST_MAXID = STATS_FIRST_CATALOG + 2 * CATALOG_COUNT,
	STATS_MAX_PREPARED = STATS_FIRST_MAXID + MAXID_COUNT,
	STATS_USER_RELATIONS,		/* relations outside system schemas */
	STATS_DATABASE,
	STATS_PLACEMENT_IDS,		/* digest of (placementid, shardid, groupid) */
	STATS_COLUMN_COUNT
};

/* A sequence a coordinator advances, and the ids it must stay ahead of */
typedef struct IdSequence
{
	const char *sequence;
	int			maxid;			/* MaxIdKind, or -1 when no catalog holds its ids */
	const char *table;
	const char *column;
} IdSequence;

/* Those with catalog ids first, in MaxIdKind's order of importance for a plan */
extern const IdSequence citus_id_sequences[];
#define CITUS_ID_SEQUENCE_COUNT 10

/* Every row of one catalog as text, one result row each. */
char	   *catalog_rows_sql(CatalogId catalog, const StrList *columns);

#endif
