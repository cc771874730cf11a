/* Unit tests of the pieces that need no server. */
#include "config.h"

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tap.h"

#include "catalog.h"
#include "compare.h"
#include "connopts.h"
#include "backup.h"
#include "journal.h"
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

static int
compare_strings(const void *a, const void *b)
{
	return strcmp(*(char *const *) a, *(char *const *) b);
}

/* Newline-separated rows as a sorted array pointing into text. */
static char **
rows_split(char *text, int *count)
{
	int			n = 0;
	int			capacity = 64;
	char	  **rows = xmalloc(sizeof(char *) * (size_t) capacity);
	char	   *line = text;

	while (line && *line)
	{
		char	   *newline = strchr(line, '\n');

		if (newline)
			*newline = '\0';
		if (n == capacity)
		{
			capacity *= 2;
			rows = xrealloc(rows, sizeof(char *) * (size_t) capacity);
		}
		rows[n++] = line;
		line = newline ? newline + 1 : NULL;
	}
	qsort(rows, (size_t) n, sizeof(char *), compare_strings);
	*count = n;
	return rows;
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

static void
test_json(void)
{
	StrBuf		out;

	strbuf_init(&out);
	json_append_quoted(&out, "a\"b\\c\nd\x01</B>");
	is_str(out.data, "\"a\\\"b\\\\c\\nd\\u0001</B>\"", "json escaping");
	strbuf_free(&out);
	strbuf_init(&out);
	json_append_quoted(&out, "w\x1b]2;x\x07\xc2\x9b\xe2\x80\xae\xc3\xbc\xff");
	is_str(out.data, "\"w\\u001b]2;x\\u0007\\u009b\\u202e\xc3\xbc\\ufffd\"",
		   "json_inert: controls, C1 and bidi as \\u escapes, multibyte kept, a stray byte U+FFFD");
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

	is_str(cdk_safe("</B>bold<C>\n", buf, sizeof(buf)), "[/B]bold[C]\\n", "CDK markup neutralised");
	is_str(cdk_safe(NULL, buf, sizeof(buf)), "", "NULL is empty");
	is_str(cdk_safe("abcdef", buf, 4), "abc", "truncated and terminated");
	is_str(terminal_safe("</B>\x1b[2J\n", buf, sizeof(buf)), "</B>\\x1b[2J\\n",
		   "curses text keeps markup-like text, loses control characters");
	is_str(terminal_safe("\xc3\xa9t\xc3\xa9", buf, 5), "\xc3\xa9t",
		   "a cut never splits a character");

	/* node names from the hostile corpus, each printed inert */
	{
		static const struct
		{
			const char *in;
			const char *shown;
			const char *why;
		}			cases[] = {
			{"w\x1b]2;owned\x07\x1b[2J", "w\\x1b]2;owned\\x07\\x1b[2J", "OSC title and clear screen"},
			{"a\x9b" "31m", "a\\x9b31m", "raw C1 byte (CSI in Latin-1 terminals)"},
			{"a\xc2\x9b" "31m", "a\\u{009B}31m", "C1 control as UTF-8"},
			{"a\xc2\x85z", "a\\u{0085}z", "NEL"},
			{"\xe2\x80\xae" "evil", "\\u{202E}evil", "right-to-left override"},
			{"\xe2\x81\xa6x\xe2\x81\xa9", "\\u{2066}x\\u{2069}", "bidi isolates"},
			{"\xe2\x80\xa8", "\\u{2028}", "line separator"},
			{"\xc0\xaf", "\\xc0\\xaf", "overlong slash"},
			{"\xed\xa0\x80", "\\xed\\xa0\\x80", "surrogate"},
			{"\xe6\x97\xa5\xe6\x9c\xac", "\xe6\x97\xa5\xe6\x9c\xac", "CJK kept"},
			{"\\x1b", "\\\\x1b", "a literal backslash-x is not an escape"},
			{"$body$;\"'", "$body$;\"'", "quotes and dollars are printable"},
		};

		for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		{
			strbuf_init(&out);
			append_terminal_safe(&out, cases[i].in);
			is_str(out.data, cases[i].shown, "%s", cases[i].why);
			strbuf_free(&out);
		}
	}

	{
		char	   *v = citus_short_version("Citus 13.2.2 on x86_64-pc-linux-gnu, compiled by gcc");

		is_str(v, "13.2.2", "short Citus version");
		free(v);
	}
}

static void
diag_unused(void)
{
	printf("# could not remove the scratch directory\n");
}

static char *
slurp(const char *path)
{
	char		err[256];
	char	   *dir = xstrdup(path);
	char	   *slash = strrchr(dir, '/');
	int			dirfd;
	char	   *text;

	*slash = '\0';
	dirfd = open(dir, O_RDONLY | O_DIRECTORY);
	text = read_private_file(dirfd, dir, slash + 1, err, sizeof(err));
	close(dirfd);
	free(dir);
	return text;
}

static void
append_raw(const char *path, const char *text)
{
	FILE	   *f = fopen(path, "a");

	fputs(text, f);
	fclose(f);
}

static const char *
error_text(const PgError *error)
{
	return error->message ? error->message : "";
}

static void
test_journal(void)
{
	char		root[] = "/tmp/citus-rescue-unit-XXXXXX";
	char		err[1024];
	PgError		perr = {0};
	char	   *dir;
	char	   *path;
	Workdir		wd;
	Journal		j;
	Journal		other;
	char	   *text;
	struct stat st;
	off_t		whole;

	is_int(crc32_of("123456789", 9), 0xCBF43926u, "CRC-32 check value");
	ok(mkdtemp(root) != NULL, "a scratch directory");
	dir = xasprintf("%s/run", root);
	path = xasprintf("%s/journal.log", dir);

	ok(workdir_open(&wd, dir, &perr), "a new work directory is created");
	ok(stat(dir, &st) == 0 && (st.st_mode & 07777) == 0700, "private to its owner");
	ok(wd.path[0] == '/', "and named by an absolute path");
	ok(journal_open(&j, &wd, &perr), "a new journal opens");
	ok(!journal_open(&other, &wd, &perr) && strstr(error_text(&perr), "another citus-rescue run") != NULL,
	   "a second run on the same work directory is refused");
	journal_close(&other);
	ok(journal_write(&j, 0, "", "new", "fresh"), "a record is written");
	ok(journal_write(&j, 2, "h\tx:1", "statement", "SELECT 1;\nSELECT '\\t'"), "tabs, newlines, backslashes");
	ok(journal_write_durable(&j, 0, "", "stepping", "run 1 plan 0"), "a durable record");
	journal_close(&j);
	ok(journal_open(&j, &wd, &perr), "the journal opens again");
	is_int(j.nentries, 3, "every record read back");
	is_str(j.entries[1].node, "h\tx:1", "node field round-trips");
	is_str(j.entries[1].detail, "SELECT 1;\nSELECT '\\t'", "detail field round-trips");
	is_int(j.entries[1].step, 2, "step field round-trips");
	ok(journal_find(&j, "stepping") != NULL && journal_has(&j, 2, "statement"), "records are found");
	ok(j.repaired == NULL, "nothing to repair");
	journal_close(&j);

	stat(path, &st);
	whole = st.st_size;
	append_raw(path, "0123abcd\t2026-01-01T00:00:00.000Z\t3\tnode\tdec");
	ok(journal_open(&j, &wd, &perr), "a journal with a torn last line opens");
	ok(j.repaired != NULL && strstr(j.repaired, "no end of line") != NULL, "the torn line is reported");
	is_int(j.nentries, 3, "the torn line is not a record");
	stat(path, &st);
	is_int(st.st_size, whole, "the torn line is cut off the file");
	ok(journal_write(&j, 0, "", "finished", NULL), "the next record is written");
	journal_close(&j);
	ok(journal_open(&j, &wd, &perr) && j.nentries == 4 && j.repaired == NULL,
	   "and is whole, never glued onto the torn one");
	journal_close(&j);

	text = slurp(path);
	text[strlen(text) - 3] ^= 1;
	unlink(path);
	append_raw(path, text);
	chmod(path, 0600);
	ok(journal_open(&j, &wd, &perr) && j.nentries == 3 &&
	   j.repaired != NULL && strstr(j.repaired, "wrong checksum") != NULL,
	   "a last line with a wrong checksum is cut off");
	journal_close(&j);
	free(text);

	text = slurp(path);
	*strchr(text, '\t') = ' ';
	unlink(path);
	append_raw(path, text);
	chmod(path, 0600);
	ok(!journal_open(&j, &wd, &perr) && strstr(error_text(&perr), "damaged at line 1") != NULL,
	   "a damaged line before the end refuses the journal");
	journal_close(&j);
	free(text);
	unlink(path);

	setenv(JOURNAL_FAULT_ENV, "2:fail", 1);
	ok(journal_open(&j, &wd, &perr), "a fresh journal");
	ok(journal_write(&j, 0, "", "new", NULL), "record 1 written");
	ok(!journal_write(&j, 0, "", "gate", "x") && j.failure != NULL &&
	   strstr(j.failure, "No space left on device") != NULL, "record 2 fails as on a full disk");
	stat(path, &st);
	whole = st.st_size;
	ok(!journal_write(&j, 0, "", "gate", "y"), "once failed, nothing more is written");
	stat(path, &st);
	is_int(st.st_size, whole, "not a byte");
	journal_close(&j);
	unsetenv(JOURNAL_FAULT_ENV);
	ok(journal_open(&j, &wd, &perr) && j.nentries == 1 && j.repaired != NULL,
	   "the half record is found torn and cut off");
	journal_close(&j);
	unlink(path);

	ok(symlink("/etc/hostname", path) == 0, "a planted symbolic link");
	ok(!journal_open(&j, &wd, &perr) && strstr(error_text(&perr), "symbolic link") != NULL,
	   "is refused, not followed");
	journal_close(&j);
	unlink(path);
	workdir_close(&wd);

	chmod(dir, 0777);
	ok(!workdir_open(&wd, dir, &perr) && strstr(error_text(&perr), "mode 0777") != NULL,
	   "a work directory others may write to is refused");
	chmod(dir, 0700);
	{
		char	   *link = xasprintf("%s/link", root);

		ok(symlink(dir, link) == 0 && !workdir_open(&wd, link, &perr) &&
		   strstr(error_text(&perr), "symbolic link") != NULL, "a work directory that is a link is refused");
		unlink(link);
		free(link);
	}

	/* a backup's manifest proves it whole */
	ok(workdir_open(&wd, dir, &perr), "the work directory again");
	mkdirat(wd.fd, "backup", 0700);
	{
		char	   *manifest;
		char	   *file = xasprintf("%s/backup/a.copy", dir);
		char	   *mpath = xasprintf("%s/backup/MANIFEST", dir);
		char		proof[256];

		append_raw(file, "1\t2\n");
		chmod(file, 0600);
		manifest = xasprintf("%08x 4 backup/a.copy\nend 1 files\n", crc32_of("1\t2\n", 4));
		append_raw(mpath, manifest);
		chmod(mpath, 0600);
		ok(backup_verify(&wd, proof, sizeof(proof), err, sizeof(err)), "a complete backup verifies");
		append_raw(file, "x");
		ok(!backup_verify(&wd, proof, sizeof(proof), err, sizeof(err)) && strstr(err, "changed") != NULL,
		   "a changed file does not");
		unlink(file);
		ok(!backup_verify(&wd, proof, sizeof(proof), err, sizeof(err)) && strstr(err, "incomplete") != NULL,
		   "a missing file does not");
		unlink(mpath);
		free(manifest);
		manifest = xasprintf("%08x 4 backup/../../etc/passwd\n", crc32_of("1\t2\n", 4));
		append_raw(mpath, manifest);
		chmod(mpath, 0600);
		ok(!backup_verify(&wd, proof, sizeof(proof), err, sizeof(err)) && strstr(err, "bad path") != NULL,
		   "a path out of the work directory is refused");
		free(manifest);
		free(file);
		free(mpath);
	}
	workdir_close(&wd);
	{
		char	   *cmd = xasprintf("rm -rf '%s'", root);

		if (system(cmd) != 0)
			diag_unused();
		free(cmd);
	}
	pgerror_clear(&perr);
	free(dir);
	free(path);
}

/* Two labels never share a backup directory, and none escapes it. */
static void
test_backup_dirnames(void)
{
	static const char *const labels[] = {
		"w'1:5432", "w_1:5432", "w%271:5432", "w.1:5432", "[::1]:5432", "::1:5432",
		"..:5432", ".:1", "w\n1:5432", "w\x1b[2J:5432", "\xc3\xbc:5432", "a/b:5432",
	};
	const size_t n = sizeof(labels) / sizeof(labels[0]);
	char	   *names[sizeof(labels) / sizeof(labels[0])];
	bool		distinct = true;
	bool		plain = true;

	for (size_t i = 0; i < n; i++)
	{
		names[i] = backup_node_dirname(labels[i]);
		plain = plain && strspn(names[i], "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-_%") == strlen(names[i]) &&
			strcmp(names[i], ".") != 0 && strcmp(names[i], "..") != 0;
		for (size_t j = 0; j < i; j++)
			distinct = distinct && strcmp(names[i], names[j]) != 0;
	}
	ok(distinct, "backup_dirname_injective: w'1:5432 and w_1:5432 (and the rest) get directories of their own");
	ok(plain, "backup_dirname_injective: every name is shell-safe and neither . nor ..");
	is_str(names[0], "w%271_5432", "backup_dirname_injective: a quote is spelt %%27, the port's colon _");
	for (size_t i = 0; i < n; i++)
		free(names[i]);
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
	test_journal();
	test_backup_dirnames();
	return tap_done();
}
