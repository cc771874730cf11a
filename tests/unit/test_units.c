/* Unit tests of the pieces that need no server. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "tap.h"

#include "catalog.h"
#include "compare.h"
#include "connopts.h"
#include "json.h"
#include "markup.h"
#include "report.h"
#include "strbuf.h"

static void
test_host_port(void)
{
	char		err[256];
	char	   *host = NULL;
	int			port = 0;

	ok(parse_host_port("10.0.0.1:5432", &host, &port, err, sizeof(err)), "host:port parses");
	is_str(host, "10.0.0.1", "host part");
	is_int(port, 5432, "port part");
	free(host);
	ok(parse_host_port("[::1]:6000", &host, &port, err, sizeof(err)), "[ipv6]:port parses");
	is_str(host, "::1", "ipv6 host without brackets");
	is_int(port, 6000, "ipv6 port");
	free(host);
	ok(parse_host_port("my-host.example:1", &host, &port, err, sizeof(err)), "name with dots");
	free(host);
	ok(!parse_host_port("nohost", &host, &port, err, sizeof(err)), "missing port refused");
	ok(strstr(err, "HOST:PORT") != NULL, "message names the expected form");
	ok(!parse_host_port(":5432", &host, &port, err, sizeof(err)), "empty host refused");
	ok(!parse_host_port("h:0", &host, &port, err, sizeof(err)), "port 0 refused");
	ok(!parse_host_port("h:65536", &host, &port, err, sizeof(err)), "port 65536 refused");
	ok(!parse_host_port("h:54x", &host, &port, err, sizeof(err)), "port with junk refused");
	ok(!parse_host_port("[::1]5432", &host, &port, err, sizeof(err)), "ipv6 without colon refused");
}

static void
test_map(void)
{
	ConnOptions opts;
	char		err[256];
	const char *host;
	int			port;

	connopts_init(&opts);
	ok(connopts_add_map(&opts, "worker-1:5432=127.0.0.1:15432", err, sizeof(err)), "map parses");
	ok(!connopts_add_map(&opts, "worker-1:5432", err, sizeof(err)), "map without = refused");
	ok(!connopts_add_map(&opts, "worker-1=127.0.0.1:1", err, sizeof(err)), "map without source port refused");
	ok(connopts_map_address(&opts, "worker-1", 5432, &host, &port), "mapped address matches");
	is_str(host, "127.0.0.1", "mapped host");
	is_int(port, 15432, "mapped port");
	ok(!connopts_map_address(&opts, "worker-1", 5433, &host, &port), "other port not mapped");
	is_str(host, "worker-1", "unmapped host passes through");
	is_int(port, 5433, "unmapped port passes through");
	connopts_free(&opts);
}

static void
test_params(void)
{
	ConnOptions opts;
	ConnParams	first;
	ConnParams	used;
	ConnParams	node;
	char		err[256];

	connopts_init(&opts);
	opts.host = strdup("h1");
	opts.port = strdup("5433");
	opts.user = strdup("alice");
	opts.dbname = strdup("host=h2 dbname=app options='-cwork_mem=64MB'");
	ok(connopts_first_params(&opts, &first, err, sizeof(err)), "first params built");
	is_str(connparams_get(&first, "host"), "h1", "-h kept");
	is_str(connparams_get(&first, "fallback_application_name"), "citus-rescue",
		   "application name is a fallback, never starting with citus");
	is_str(connparams_get(&first, "options"), "-cwork_mem=64MB -csearch_path=",
		   "the operator's options keep search_path cleared");
	ok(first.expand_dbname, "dbname is expanded as a conninfo string");
	ok(strcmp(first.keywords[first.count - 1], "fallback_application_name") == 0 ||
	   strcmp(first.keywords[first.count - 2], "dbname") != 0, "keywords are ordered");
	connparams_free(&first);

	free(opts.dbname);
	opts.dbname = strdup("host='broken");
	ok(!connopts_first_params(&opts, &first, err, sizeof(err)), "broken conninfo refused");
	ok(strstr(err, "invalid connection string") != NULL, "and says why");

	connparams_init(&used);
	connparams_set(&used, "host", "h1");
	connparams_set(&used, "hostaddr", "10.1.1.1");
	connparams_set(&used, "port", "5433");
	connparams_set(&used, "user", "alice");
	connparams_set(&used, "dbname", "app");
	connparams_set(&used, "password", "from-pgpass");
	connparams_set(&used, "sslmode", "require");
	connparams_set(&used, "options", "-csearch_path=");
	connopts_node_params(&opts, &used, "w2", 6000, &node);
	is_str(connparams_get(&node, "host"), "w2", "node host replaced");
	is_str(connparams_get(&node, "port"), "6000", "node port replaced");
	is_str(connparams_get(&node, "hostaddr"), NULL, "hostaddr of the first node dropped");
	is_str(connparams_get(&node, "password"), NULL, "a password from ~/.pgpass does not follow");
	is_str(connparams_get(&node, "sslmode"), "require", "ssl settings follow");
	is_str(connparams_get(&node, "dbname"), "app", "database follows");
	is_str(connparams_get(&node, "user"), "alice", "user follows");
	ok(!node.expand_dbname, "a node's dbname is never expanded");
	connparams_free(&node);

	opts.password = strdup("typed");
	connopts_node_params(&opts, &used, "w2", 6000, &node);
	is_str(connparams_get(&node, "password"), "typed", "a typed password follows");
	connparams_free(&node);
	connparams_free(&used);
	connopts_free(&opts);

	{
		char	   *merged = connopts_merge_options(NULL);

		is_str(merged, "-csearch_path=", "options when none given");
		free(merged);
		merged = connopts_merge_options("-csearch_path=");
		is_str(merged, "-csearch_path=", "not added twice");
		free(merged);
	}
}

static void
test_majority(void)
{
	const char *d1[] = {"a", "a", "b", NULL};
	const char *d2[] = {"a", "b", NULL, NULL};
	const char *d3[] = {"x", "b", "b", "x"};
	const char *d4[] = {NULL, NULL};

	is_int(digest_majority(d1, 4, 2), 0, "majority wins over the preferred node");
	is_int(digest_majority(d2, 4, 1), 1, "a tie goes to the preferred node");
	is_int(digest_majority(d3, 4, 3), 3, "tie: the preferred node itself is the reference");
	is_int(digest_majority(d3, 4, 1), 1, "tie the other way");
	is_int(digest_majority(d4, 2, 0), -1, "no digests, no reference");
}

static void
test_rows_diff(void)
{
	char		text_a[] = "3\t2\n1\t1\n2\t1\n";
	char		text_b[] = "1\t1\n2\t3\n3\t2\n4\t1";
	int			na;
	int			nb;
	char	  **a = rows_split(text_a, &na);
	char	  **b = rows_split(text_b, &nb);
	RowDiff		diff = {0};

	is_int(na, 3, "rows split on newlines, trailing newline ignored");
	is_str(a[0], "1\t1", "rows sorted");
	rows_diff(a, na, b, nb, &diff);
	is_int(diff.nmissing, 1, "one row missing");
	is_str(diff.missing[0], "2\t1", "the missing row");
	is_int(diff.nextra, 2, "two rows extra");
	is_str(diff.extra[0], "2\t3", "first extra row");
	is_str(diff.extra[1], "4\t1", "second extra row");
	rowdiff_free(&diff);

	rows_diff(a, na, a, na, &diff);
	is_int(diff.nmissing + diff.nextra, 0, "equal sets: no difference");
	rowdiff_free(&diff);
	{
		char		dup_a[] = "1\n1\n2";
		char		dup_b[] = "1\n2";
		int			nda;
		int			ndb;
		char	  **da = rows_split(dup_a, &nda);
		char	  **db = rows_split(dup_b, &ndb);

		rows_diff(da, nda, db, ndb, &diff);
		is_int(diff.nmissing, 1, "a duplicated row counts");
		rowdiff_free(&diff);
		free(da);
		free(db);
	}
	free(a);
	free(b);
}

static void
test_catalog_sql(void)
{
	const char *lists[] = {
		"nodeid,groupid,nodename,nodeport,noderack,hasmetadata,isactive,noderole,nodecluster,metadatasynced,shouldhaveshards,nodeisclone,nodeprimarynodeid",
		"nodeid,groupid,nodename,nodeport,noderack,hasmetadata,isactive,noderole,nodecluster,metadatasynced,shouldhaveshards",
	};
	const char *placement[] = {"placementid,shardid,shardstate,shardlength,groupid"};
	char	   *common = catalog_common_columns(CATALOG_NODE, lists, 2);
	StrBuf		sql;

	is_str(common, "nodeid,groupid,nodename,nodeport,noderack,hasmetadata,isactive,noderole,nodecluster,metadatasynced,shouldhaveshards",
		   "13.x clone columns left out when an older node lacks them");
	free(common);
	common = catalog_common_columns(CATALOG_PLACEMENT, placement, 1);
	is_str(common, "shardid,groupid", "placements compare as (shardid, groupid) only");
	free(common);
	ok(column_list_has("a,bb,c", "bb"), "column list lookup");
	ok(!column_list_has("a,bb,c", "b"), "no prefix match");

	strbuf_init(&sql);
	sql_append_ident(&sql, "we\"ird");
	is_str(sql.data, "\"we\"\"ird\"", "identifiers quoted with doubled quotes");
	strbuf_reset(&sql);
	catalog_row_expression(&sql, CATALOG_SHARD, "logicalrelid,shardid");
	ok(strstr(sql.data, "logicalrelid::pg_catalog.regclass::text") != NULL,
	   "relations compared by name, not oid");
	strbuf_reset(&sql);
	catalog_row_expression(&sql, CATALOG_PARTITION, "partkey");
	ok(strstr(sql.data, "column_to_column_name") != NULL,
	   "distribution column compared by name, not attribute number");
	strbuf_free(&sql);
}

static void
test_json(void)
{
	StrBuf		out;

	strbuf_init(&out);
	json_append_quoted(&out, "a\"b\\c\nd\x01</B>");
	is_str(out.data, "\"a\\\"b\\\\c\\nd\\u0001</B>\"", "json escaping");
	strbuf_free(&out);
	{
		JsonWriter	w;

		strbuf_init(&out);
		json_init(&w, &out);
		json_begin_object(&w, NULL);
		json_int(&w, "n", 3);
		json_begin_array(&w, "list");
		json_string(&w, NULL, "x");
		json_null(&w, NULL);
		json_end_array(&w);
		json_begin_array(&w, "empty");
		json_end_array(&w);
		json_end_object(&w);
		is_str(out.data, "{\n  \"n\": 3,\n  \"list\": [\n    \"x\",\n    null\n  ],\n  \"empty\": []\n}\n",
			   "json layout");
		strbuf_free(&out);
	}
}

static void
test_text_safety(void)
{
	StrBuf		out;
	char		buf[64];

	strbuf_init(&out);
	append_terminal_safe(&out, "w1\n\x1b[2J\\x");
	is_str(out.data, "w1\\n\\x1b[2J\\\\x", "newlines and escape sequences cannot reach the terminal");
	strbuf_free(&out);

	is_str(cdk_safe("</B>bold<C>\n", buf, sizeof(buf)), "[/B]bold[C]?", "CDK markup neutralised");
	is_str(cdk_safe(NULL, buf, sizeof(buf)), "", "NULL is empty");
	is_str(cdk_safe("abcdef", buf, 4), "abc", "truncated and terminated");
	is_str(terminal_safe("</B>\x1b[2J\n", buf, sizeof(buf)), "</B>?[2J?", "curses text keeps markup-like text, loses control characters");

	{
		char	   *v = citus_short_version("Citus 13.2.2 on x86_64-pc-linux-gnu, compiled by gcc");

		is_str(v, "13.2.2", "short Citus version");
		free(v);
	}
}

int
main(void)
{
	test_host_port();
	test_map();
	test_params();
	test_majority();
	test_rows_diff();
	test_catalog_sql();
	test_json();
	test_text_safety();
	return tap_done();
}
