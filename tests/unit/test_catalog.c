/* Unit tests: the SQL that reads the Citus catalogs, and row text. */
#include "config.h"

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tap.h"

#include "catalog.h"
#include "strbuf.h"

/* "a,b,c" as a list, for tests whose names hold no comma */
static void
list_of(StrList *list, const char *comma_separated)
{
	char	   *copy = xstrdup(comma_separated);
	char	   *save = NULL;

	memset(list, 0, sizeof(*list));
	for (char *p = strtok_r(copy, ",", &save); p; p = strtok_r(NULL, ",", &save))
		strlist_add(list, p);
	free(copy);
}

static char *
joined(const StrList *list)
{
	StrBuf		out;

	strbuf_init(&out);
	for (int i = 0; i < list->count; i++)
		strbuf_printf(&out, "%s%s", i ? "," : "", list->items[i]);
	return strbuf_steal(&out);
}

static void
test_catalog_sql(void)
{
	StrList		lists[2];
	StrList		placement;
	const StrList *node_lists[] = {&lists[0], &lists[1]};
	const StrList *placement_lists[] = {&placement};
	StrList		common;
	StrList		hostile = {0};
	char	   *text;
	char	   *value;
	StrBuf		sql;

	list_of(&lists[0], "nodeid,groupid,nodename,nodeport,noderack,hasmetadata,isactive,noderole,nodecluster,metadatasynced,shouldhaveshards,nodeisclone,nodeprimarynodeid");
	list_of(&lists[1], "nodeid,groupid,nodename,nodeport,noderack,hasmetadata,isactive,noderole,nodecluster,metadatasynced,shouldhaveshards");
	list_of(&placement, "placementid,shardid,shardstate,shardlength,groupid");
	catalog_common_columns(CATALOG_NODE, node_lists, 2, &common);
	text = joined(&common);
	is_str(text, "nodeid,groupid,nodename,nodeport,noderack,hasmetadata,isactive,noderole,nodecluster,metadatasynced,shouldhaveshards",
		   "13.x clone columns left out when an older node lacks them");
	free(text);
	strlist_free(&common);
	catalog_common_columns(CATALOG_PLACEMENT, placement_lists, 1, &common);
	text = joined(&common);
	is_str(text, "shardid,groupid", "placements compare as (shardid, groupid) only");
	free(text);
	strlist_free(&common);
	ok(strlist_has(&lists[0], "nodeport"), "column list lookup");
	ok(!strlist_has(&lists[0], "node"), "no prefix match");

	strbuf_init(&sql);
	sql_append_ident(&sql, "we\"ird");
	is_str(sql.data, "\"we\"\"ird\"", "identifiers quoted with doubled quotes");
	strbuf_reset(&sql);
	strlist_free(&placement);
	list_of(&placement, "logicalrelid,shardid");
	catalog_row_expression(&sql, CATALOG_SHARD, &placement);
	ok(strstr(sql.data, "logicalrelid::pg_catalog.regclass::text") != NULL,
	   "relations compared by name, not oid");
	strbuf_reset(&sql);
	strlist_free(&placement);
	list_of(&placement, "partkey");
	catalog_row_expression(&sql, CATALOG_PARTITION, &placement);
	ok(strstr(sql.data, "column_to_column_name") != NULL,
	   "distribution column compared by name, not attribute number");

	/* a column named to end the SELECT list and run a program */
	strbuf_reset(&sql);
	strlist_add(&hostile, "x) TO PROGRAM 'touch /tmp/pwned'--");
	strlist_add(&hostile, "a;b,c");
	catalog_row_expression(&sql, CATALOG_NODE, &hostile);
	ok(strstr(sql.data, "\"x) TO PROGRAM 'touch /tmp/pwned'--\"::text") != NULL,
	   "backup_copy_column_quoting: a hostile column name stays one quoted identifier");
	ok(strstr(sql.data, "\"a;b,c\"::text") != NULL, "a column name with ; and , stays whole");
	strlist_free(&hostile);
	strbuf_free(&sql);

	/* row text splits on tabs only because fields escape them */
	ok(catalog_row_field("1\tw\\t1\\n\\\\x\t\\N", 1, &value), "second field read");
	is_str(value, "w\t1\n\\x", "escapes undone");
	free(value);
	ok(catalog_row_field("1\tw\\t1\\n\\\\x\t\\N", 2, &value) && value == NULL, "\\N is NULL");
	ok(catalog_row_field("1\t\\\\N", 1, &value) && value && strcmp(value, "\\N") == 0,
	   "a value spelt \\N is not NULL");
	free(value);
	ok(!catalog_row_field("1\t2", 2, &value), "no third field");
	strlist_free(&lists[0]);
	strlist_free(&lists[1]);
	strlist_free(&placement);
}

int
main(void)
{
	test_catalog_sql();
	return tap_done();
}
