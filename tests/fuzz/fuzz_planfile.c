/*
 * Fuzzes the plan file parser.  apply trusts what planfile_parse makes of
 * a file the operator may have edited, so besides not crashing the parser
 * must agree with the renderer: whatever it accepts renders to a file that
 * parses again, and that file renders to itself.  A difference would mean
 * apply runs something other than what the reviewer read.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plan.h"
#include "planfile.h"
#include "strbuf.h"

int			LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char	   *text = xstrndup((const char *) data, size);
	char		err[512];
	Plan		plan;
	Plan		again;
	StrBuf		first;
	StrBuf		second;

	if (!planfile_parse(text, &plan, err, sizeof(err)))
	{
		/* a refused file may hold what was parsed before the refusal */
		plan_free(&plan);
		free(text);
		return 0;
	}
	strbuf_init(&first);
	planfile_render(&first, &plan);
	if (!planfile_parse(first.data, &again, err, sizeof(err)))
	{
		fprintf(stderr, "a rendered plan does not parse: %s\n--- rendered:\n%s", err, first.data);
		abort();
	}
	strbuf_init(&second);
	planfile_render(&second, &again);
	if (first.len != second.len || memcmp(first.data, second.data, first.len) != 0)
	{
		fprintf(stderr, "rendering is not stable\n--- first:\n%s--- second:\n%s",
				first.data, second.data);
		abort();
	}
	strbuf_free(&second);
	strbuf_free(&first);
	plan_free(&again);
	plan_free(&plan);
	free(text);
	return 0;
}
