/* Unit tests: the JSON writer, and the statement cutter of the JSON plan. */
#include "config.h"

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tap.h"

#include "json.h"
#include "sqlsplit.h"
#include "strbuf.h"

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
test_json_compact(void)
{
	StrBuf		out;
	StrBuf		inner;
	JsonWriter	w;
	JsonWriter	iw;

	strbuf_init(&inner);
	json_init_compact(&iw, &inner);
	json_begin_array(&iw, NULL);
	json_int(&iw, NULL, 1);
	json_begin_object(&iw, NULL);
	json_string(&iw, "k", "v\n");
	json_end_object(&iw);
	json_end_array(&iw);
	is_str(inner.data, "[1,{\"k\":\"v\\n\"}]\n", "compact: one line, ended by a newline");
	strbuf_init(&out);
	json_init_compact(&w, &out);
	json_begin_object(&w, NULL);
	json_raw(&w, "list", inner.data);
	json_bool(&w, "b", false);
	json_end_object(&w);
	is_str(out.data, "{\"list\":[1,{\"k\":\"v\\n\"}],\"b\":false}\n", "a value from another writer, whole");
	strbuf_free(&out);
	strbuf_free(&inner);
}

/* sql joined by " | ", as sql_split_statements cuts it */
static char *
cut(const char *sql)
{
	StrList		parts = {0};
	StrBuf		joined;

	sql_split_statements(sql, &parts);
	strbuf_init(&joined);
	for (int i = 0; i < parts.count; i++)
		strbuf_printf(&joined, "%s%s", i ? " | " : "", parts.items[i]);
	strlist_free(&parts);
	return strbuf_steal(&joined);
}

static void
test_split(void)
{
	static const struct
	{
		const char *sql;
		const char *want;
		const char *what;
	}			cases[] = {
		{"BEGIN;\nSELECT 1;\nCOMMIT;\n", "BEGIN | SELECT 1 | COMMIT", "plain statements, trimmed"},
		{"SELECT 'a;b''c;'; SELECT 2", "SELECT 'a;b''c;' | SELECT 2", "a semicolon in a literal, doubled quotes"},
		{"SELECT \"x;\"\"y\" FROM t;", "SELECT \"x;\"\"y\" FROM t", "in a quoted identifier"},
		{"SELECT E'\\';x'; SELECT 3", "SELECT E'\\';x' | SELECT 3", "a backslash-escaped quote in E''"},
		{"SELECT $f$ ; $$ ; $f$; SELECT $$;$$", "SELECT $f$ ; $$ ; $f$ | SELECT $$;$$", "dollar quoting, tagged and not"},
		{"-- a; comment\nSELECT 4; /* b; */ SELECT 5", "-- a; comment\nSELECT 4 | /* b; */ SELECT 5", "comments keep their semicolons"},
		{"SELECT $1; SELECT 6", "SELECT $1 | SELECT 6", "a parameter is no dollar quote"},
		{"  ;\n; ", "", "nothing but semicolons: no statement"},
		{"SELECT 'unterminated;", "SELECT 'unterminated;", "an unterminated literal runs to the end"},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
	{
		char	   *got = cut(cases[i].sql);

		is_str(got, cases[i].want, "split: %s", cases[i].what);
		free(got);
	}
}

int
main(void)
{
	test_json();
	test_json_compact();
	test_split();
	return tap_done();
}
