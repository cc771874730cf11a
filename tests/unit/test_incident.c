/*
 * Unit tests: the incident report's Markdown from hand-made inputs
 * (hostile names, damaged and partial records), the password scrubber and
 * run.log's line cleaning.
 */
#include "config.h"

#include <regex.h>
#include <stdlib.h>
#include <string.h>

#include "tap.h"

#include "incident.h"
#include "plan.h"
#include "runlog.h"
#include "scrub.h"
#include "strbuf.h"

static char *
text_md(const char *text)
{
	StrBuf		out;

	strbuf_init(&out);
	md_append_text(&out, text);
	return strbuf_steal(&out);
}

static bool
matches(const char *text, const char *pattern)
{
	regex_t		re;
	bool		found;

	if (regcomp(&re, pattern, REG_EXTENDED | REG_NEWLINE) != 0)
		return false;
	found = regexec(&re, text, 0, NULL, 0) == 0;
	regfree(&re);
	return found;
}

static void
test_text(void)
{
	char	   *s;

	s = text_md("t`x|y*z_[a](b)<c>");
	is_str(s, "t\\`x\\|y\\*z\\_\\[a\\](b)\\<c\\>", "Markdown punctuation is backslashed");
	free(s);
	s = text_md("a\nb\x1b]0;owned\x07");
	ok(strchr(s, '\n') == NULL && strchr(s, '\x1b') == NULL && strchr(s, '\x07') == NULL,
	   "no line break or terminal control survives: %s", s);
	free(s);
	s = text_md("## heading # x");
	is_str(s, "\\#\\# heading \\# x", "a hash cannot make or close a heading");
	free(s);
}

static void
test_code(void)
{
	StrBuf		out;

	strbuf_init(&out);
	md_append_code(&out, "sql", "SELECT 1;\n-- ````` closing?\nSELECT '\x1b[2J';\n");
	ok(strncmp(out.data, "``````sql\n", 10) == 0, "the fence is longer than the longest backtick run");
	ok(strstr(out.data, "\n``````\n") != NULL, "and closes with the same length");
	ok(strstr(out.data, "\x1b") == NULL && strstr(out.data, "\\x1b[2J") != NULL,
	   "terminal escapes in SQL are made inert");
	ok(strstr(out.data, "SELECT 1;\n-- ") != NULL, "line breaks of the SQL stay");
	strbuf_free(&out);
}

static void
test_times(void)
{
	is_int(journal_time_ms("1970-01-01T00:00:01.250Z"), 1250, "a journal time in milliseconds");
	is_int(journal_time_ms("garbage"), -1, "garbage is no time");
	is_int(journal_time_ms(NULL), -1, "nor is nothing");
}

static JournalEntry
entry(const char *time, int step, const char *node, const char *event, const char *detail)
{
	JournalEntry e = {(char *) time, step, (char *) node, (char *) event, (char *) detail};

	return e;
}

static void
hostile_plan(Plan *plan)
{
	PlanStep   *s;

	plan_init(plan);
	plan->method = METHOD_NEW_NODE;
	plan->cim = CIM_INCLUDE;
	plan->target = xstrdup("evil|`node`:5432");
	plan->tool_version = xstrdup("0.1.0");
	plan_add_check(plan, "metadata-agrees", CHECK_FAIL, "w1 | says\nsomething `else`", NULL);
	plan_add_ledger_line(plan, "shard 102008 of [t](http://x) lived only on the coordinator");
	s = plan_add_step(plan, "h", 5432, "Add the node\n## not a heading");
	s->sql = xstrdup("SELECT ```;\n");
	s = plan_add_step(plan, "h", 5432, "Second");
	s->sql = xstrdup("SELECT 2;\n");
}

static void
test_render_hostile(void)
{
	Plan		plan;
	JournalEntry entries[] = {
		entry("2026-01-01T00:00:00.000Z", 0, "", "new", "fresh"),
		entry("2026-01-01T00:00:00.010Z", 0, "", "operator", "login=alice uid=1000 tty=/dev/pts/1 host=console"),
		entry("2026-01-01T00:00:00.020Z", 0, "evil|`node`\n# x:5432", "found", "answered; PostgreSQL 15.4; Citus 13.2-1"),
		entry("2026-01-01T00:00:01.000Z", 1, "h:5432", "statement", "BEGIN"),
		entry("2026-01-01T00:00:03.500Z", 1, "h:5432", "done", ""),
		entry("2026-01-01T00:00:04.000Z", 2, "h:5432", "statement", "BEGIN"),
		entry("2026-01-01T00:00:04.100Z", 2, "h:5432", "error", "ERROR: boom"),
		entry("2026-01-01T00:00:04.200Z", 0, "", "stopped", "step 2 failed"),
	};
	StrList		problems = {0};
	IncidentInputs in = {.workdir = "/w", .generated = "now", .plan = &plan, .entries = entries,
	.nentries = 8, .has_journal = true, .runlog_lines = -1, .problems = &problems};
	StrBuf		out;

	hostile_plan(&plan);
	strbuf_init(&out);
	incident_render(&out, &in);
	ok(matches(out.data, "^- Outcome: stopped after a partial change"), "a stopped run is said stopped");
	ok(matches(out.data, "^- Duration: 4200 ms$"), "the run's duration from the journal's times");
	ok(matches(out.data, "^- Operator: login=alice uid=1000 tty=/dev/pts/1 host=console$"), "the operator");
	ok(matches(out.data, "^\\| evil\\\\\\|\\\\`node\\\\`\\\\\\\\n\\\\# x:5432 \\| answered"),
	   "a hostile node name stays in its table cell: %s", strstr(out.data, "| evil") ? "" : out.data);
	ok(!matches(out.data, "^## not a heading") && !matches(out.data, "^# x"), "no hostile text starts a line");
	ok(matches(out.data, "^- Outcome: done$") && matches(out.data, "^- Duration: 2500 ms$"),
	   "step 1 done in 2.5 s");
	ok(matches(out.data, "^- Outcome: failed$") && matches(out.data, "^- Error: ERROR: boom$"),
	   "step 2 failed with its error");
	ok(matches(out.data, "^````sql$"), "SQL with three backticks gets a fence of four");
	ok(matches(out.data, "^- Lost: shard 102008 of \\\\\\[t\\\\\\]\\(http://x\\) lived only"),
	   "a link in a ledger line is not a link");
	ok(matches(out.data, "^There is no run.log.$") && matches(out.data, "^- There is no restore.sh"),
	   "a missing run.log and restore.sh are said so");
	ok(incident_usable(&in), "a plan and a journal are usable");
	plan_free(&plan);
	strbuf_free(&out);
}

static void
test_render_nothing(void)
{
	StrList		problems = {0};
	IncidentInputs in = {.workdir = "/w", .generated = "now", .runlog_lines = -1, .problems = &problems};
	StrBuf		out;

	strlist_add(&problems, "plan.sql: not there");
	strbuf_init(&out);
	incident_render(&out, &in);
	ok(!incident_usable(&in), "nothing is not usable");
	ok(matches(out.data, "^## Missing or damaged$") && matches(out.data, "^- plan.sql: not there$"),
	   "the report says what is missing");
	ok(matches(out.data, "^- Outcome: unknown: there is no journal$"), "and knows no outcome");
	ok(matches(out.data, "^No plan: the steps the journal records follow.$"), "and no steps");
	strlist_free(&problems);
	strbuf_free(&out);
}

static void
test_scrub(void)
{
	static const char *const cases[][2] = {
		{"host=a password=sekret port=1", "host=a password=******** port=1"},
		{"host=a password = 'se cr\\'et' user=b", "host=a password=******** user=b"},
		{"password=x", "password=********"},
		{"postgresql://u:sekret@h:5432/db?sslmode=require&password=two", "postgresql://u:********@h:5432/db?sslmode=require&password=********"},
		{"postgres://u@h/db", "postgres://u@h/db"},
		{"host=a passwordx=keep", "host=a passwordx=keep"},
		{"dbname", "dbname"},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
	{
		char	   *got = conninfo_scrubbed(cases[i][0]);

		is_str(got, cases[i][1], "scrubbed: %s", cases[i][0]);
		free(got);
	}
	{
		char	   *got = argument_scrubbed("--dbname=password=sekret host=h");

		is_str(got, "--dbname=password=******** host=h", "an option's value is scrubbed too");
		free(got);
		got = argument_scrubbed("-dpassword=sekret");
		is_str(got, "-dpassword=********", "and a glued -d");
		free(got);
	}
}

static void
test_runlog_line(void)
{
	const char *line = "\x1b[1;31mFAIL\x1b[0m  x\x1b]0;t\x07\r";
	char	   *got = runlog_clean_line(line, strlen(line));
	char	   *now = runlog_timestamp();

	is_str(got, "FAIL  x\\x1b]0;t\\x07", "colour escapes go, other controls are shown");
	ok(matches(now, "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\\.[0-9]{3}[+-][0-9]{2}:[0-9]{2}$"),
	   "a timestamp with milliseconds and zone: %s", now);
	free(got);
	free(now);
}

int
main(void)
{
	test_text();
	test_code();
	test_times();
	test_render_hostile();
	test_render_nothing();
	test_scrub();
	test_runlog_line();
	return tap_done();
}
