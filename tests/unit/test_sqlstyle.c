/*
 * The review screen's SQL colours.  Each case lexes some lines and reads
 * the styles back as a letter a byte: K keyword, L literal, C comment, .
 * plain (a plain space stays a space), one line of letters per line of SQL.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "tap.h"

#include "sqlstyle.h"
#include "strbuf.h"

static char
letter(unsigned char style)
{
	switch (style)
	{
		case STYLE_KEYWORD:
			return 'K';
		case STYLE_LITERAL:
			return 'L';
		case STYLE_COMMENT:
			return 'C';
		case STYLE_PLAIN:
			return '.';
		default:
			return '?';
	}
}

/* The styles of text's lines, the lexer's state carried from each to the next */
static char *
styled(const char *text)
{
	SqlStyleState state;
	StrBuf		out;

	sqlstyle_init(&state);
	strbuf_init(&out);
	for (const char *line = text;;)
	{
		const char *nl = strchr(line, '\n');
		size_t		len = nl ? (size_t) (nl - line) : strlen(line);
		unsigned char *styles = malloc(len + 1);

		memset(styles, 0xff, len + 1);
		sqlstyle_line(&state, line, len, styles);
		for (size_t k = 0; k < len; k++)
			strbuf_append_char(&out, line[k] == ' ' && styles[k] == STYLE_PLAIN ? ' ' : letter(styles[k]));
		/* the lexer writes no byte past the line */
		if (styles[len] != 0xff)
			strbuf_append(&out, "<overrun>");
		free(styles);
		if (nl == NULL)
			break;
		strbuf_append_char(&out, '\n');
		line = nl + 1;
	}
	return strbuf_steal(&out);
}

static void
styles_are(const char *sql, const char *want, const char *what)
{
	char	   *got = styled(sql);

	is_str(got, want, "%s", what);
	free(got);
}

static void
keywords(void)
{
	styles_are("SELECT a FROM t WHERE x IS NOT NULL",
			   "KKKKKK . KKKK . KKKKK . KK KKK KKKK", "keywords, and the names between them plain");
	styles_are("select Select sElEcT", "KKKKKK KKKKKK KKKKKK", "keywords in any case");
	styles_are("selected fromage _select select_ select1 x$select",
			   "........ ....... ....... ....... ....... ........",
			   "only whole words: a keyword inside a name is not one");
	styles_are("pg_catalog.setval( SET", ".................. KKK", "names around a dot");
	ok(sqlstyle_is_keyword("commit", 6) && sqlstyle_is_keyword("PREPARED", 8) &&
	   sqlstyle_is_keyword("ALL", 3) && sqlstyle_is_keyword("WITH", 4) &&
	   !sqlstyle_is_keyword("COMMITS", 7) && !sqlstyle_is_keyword("", 0) &&
	   !sqlstyle_is_keyword("S\xc3\x89LECT", 7),
	   "the keyword list is searched whole, first and last words too");
}

static void
literals(void)
{
	styles_are("x = 'it''s' AND", ". . LLLLLLL KKK", "a string with a doubled quote");
	styles_are("'a\\' || 'b'", "LLLL .. LLL", "a plain string ends at a quote after a backslash");
	styles_are("E'a\\'b' e'\\\\' AND", "LLLLLLL LLLLL KKK", "an E'' string with backslash escapes");
	styles_are("E'it''s\\\\' x", "LLLLLLLLLL .", "an E'' string takes doubled quotes too");
	styles_are("B'101' X'1F' N'n' U&'d\\0061' U&\"d\"", "LLLLLL LLLLL LLLL LLLLLLLLLL .....",
			   "bit, hex, national and Unicode strings; a Unicode name stays plain");
	styles_are("1 42 3.14 .5 1e10 2.5E-3 0x1F 1_000", "L LL LLLL LL LLLL LLLLLL LLLL LLLLL", "numbers");
	styles_are("9select 2e 0xZ", "LLLLLLL LL LLL", "a number runs on through the junk after it, which hides no keyword");
	styles_are("t1 x2y $1 FOR i IN 1..100", ".. ... .. KKK . KK L..LLL", "digits in names and parameters are not numbers; 1..100 is a range");
	styles_are("DO $$ SELECT 'x' $$;", "KK LLLLLLLLLLLLLLLL.", "a dollar quote is a literal, what it holds included");
	styles_are("DO $body$ $$ $b$ $body1$ $body$ END", "KK LLLLLLLLLLLLLLLLLLLLLLLLLLLL KKK",
			   "a tagged dollar quote ends at its own tag only");
	styles_are("a$b$ c $1$ d $select", ".... . ... . .......", "a $ inside a name or before a digit opens no quote");
}

static void
comments(void)
{
	styles_are("SELECT 1; -- it's done", "KKKKKK L. CCCCCCCCCCCC", "a line comment runs to the end of the line");
	styles_are("-- a\nSELECT", "CCCC\nKKKKKK", "and no further");
	styles_are("a /* b /* c */ d */ e", ". CCCCCCCCCCCCCCCCC .", "block comments nest");
	styles_are("'--' \"/*\" x", "LLLL .... .", "comment marks inside quotes are not comments");
	styles_are("\"select\" \"it\"\"s\" FROM", "........ ....... KKKK", "quoted names are plain, a doubled quote included");
}

/* What a batch of the plan file spreads over lines */
static void
across_lines(void)
{
	styles_are("SELECT 'a\nb' FROM", "KKKKKK LL\nLL KKKK", "a string goes on to the next line");
	styles_are("x = E'a\\\nb' AND", ". . LLLL\nLL KKK", "a backslash at the end of a line escapes the newline");
	styles_are("/* a /* b\n*/ still\n*/ SELECT", "CCCCCCCCC\nCCCCCCCC\nCC KKKKKK", "a nested comment spans lines");
	styles_are("DO $body$\nBEGIN\n  PERFORM 1;\nEND\n$body$;\nCOMMIT;",
			   "KK LLLLLL\nLLLLL\nLLLLLLLLLLLL\nLLL\nLLLLLL.\nKKKKKK.", "a DO body spans lines");
	styles_are("SELECT \"a\nb\" FROM", "KKKKKK ..\n.. KKKK", "a quoted name spans lines");
	styles_are("\\connect -reuse-previous=on 'host=''w\\\\2'' port=5432'\nBEGIN;",
			   "........ ................KK LLLLLLLLLLLLLLLLLLLLLLLLL\nKKKKK.",
			   "a plan's \\connect line (on is a keyword), its conninfo quoted as psql reads it");
}

/* Bytes no batch should hold do not derail the lexer or leave a byte unstyled */
static void
odd_bytes(void)
{
	char		line[] = "SELECT\x01'\xff\xfe' $\x80$ x $\x80$ \x1b[2J";
	unsigned char styles[sizeof(line)];
	SqlStyleState state;
	bool		all_set = true;

	sqlstyle_init(&state);
	memset(styles, 0xee, sizeof(styles));
	sqlstyle_line(&state, line, sizeof(line) - 1, styles);
	for (size_t k = 0; k + 1 < sizeof(line); k++)
		all_set = all_set && styles[k] <= STYLE_COMMENT;
	ok(all_set && styles[sizeof(line) - 1] == 0xee, "control and high bytes are styled, nothing past the line");
	ok(state.mode == SQL_LEX_CODE, "a dollar tag of a high byte opens and closes");
	styles_are("", "", "an empty line");
	styles_are("'", "L", "a quote alone opens a string");
}

int
main(void)
{
	keywords();
	literals();
	comments();
	across_lines();
	odd_bytes();
	return tap_done();
}
