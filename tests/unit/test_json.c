/* Unit tests: the JSON writer. */
#include "config.h"

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tap.h"

#include "json.h"
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

int
main(void)
{
	test_json();
	return tap_done();
}
