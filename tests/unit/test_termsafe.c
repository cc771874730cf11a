/* Unit tests: text made safe for terminals, SQL and the wizard's markup. */
#include "config.h"

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tap.h"

#include "catalog.h"
#include "markup.h"
#include "report.h"
#include "strbuf.h"
#include "termsafe.h"

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
	is_str(terminal_safe_copy("\xc3\xa9t\xc3\xa9", buf, 5), "\xc3\xa9t",
		   "a cut never splits a character");
	is_str(terminal_safe("\xc3\xa9t\xe2\x80\x94", buf, sizeof(buf)), "\\u{00E9}t\\u{2014}",
		   "the wizard's text is ASCII: a byte a column, as its curses draws it");
	is_str(cdk_safe("\xc3\xbc<", buf, sizeof(buf)), "\\u{00FC}[", "and so is CDK's");
	is_str(terminal_safe("E'a\\nb'\t", buf, sizeof(buf)), "E'a\\nb'\\t",
		   "a backslash stays as SQL has it; the wizard draws escapes apart");

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

int
main(void)
{
	test_text_safety();
	return tap_done();
}
