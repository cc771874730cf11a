#include "config.h"

#include "colour.h"

#include <stdlib.h>
#include <string.h>

static bool colour_stdout;
static bool colour_stderr;

void
colour_setup(bool stdout_is_terminal, bool stderr_is_terminal)
{
	const char *pg_color = getenv("PG_COLOR");
	const char *no_color = getenv("NO_COLOR");

	/* PG_COLOR is asked for by name: it outranks the general NO_COLOR */
	if (pg_color && strcmp(pg_color, "always") == 0)
	{
		colour_stdout = colour_stderr = true;
		return;
	}
	colour_stdout = colour_stderr = false;
	if (no_color && no_color[0] != '\0')
		return;
	if (pg_color == NULL || strcmp(pg_color, "auto") == 0)
	{
		colour_stdout = stdout_is_terminal;
		colour_stderr = stderr_is_terminal;
	}
}

void
colour_stdout_off(void)
{
	colour_stdout = false;
}

bool
colour_enabled(FILE *out)
{
	if (out == stdout)
		return colour_stdout;
	if (out == stderr)
		return colour_stderr;
	return false;
}

const char *
colour_start(FILE *out, ColourRole role)
{
	if (!colour_enabled(out))
		return "";
	switch (role)
	{
		case COLOUR_GOOD:
			return "\033[32m";
		case COLOUR_WARN:
			return "\033[1;33m";
		case COLOUR_BAD:
			return "\033[1;31m";
		case COLOUR_NOTE:
			return "\033[1;36m";
		case COLOUR_NONE:
			break;
	}
	return "";
}

const char *
colour_end(FILE *out, ColourRole role)
{
	return role != COLOUR_NONE && colour_enabled(out) ? "\033[0m" : "";
}

ColourRole
colour_of_check(CheckStatus status)
{
	return status == CHECK_PASS ? COLOUR_GOOD : status == CHECK_WARN ? COLOUR_WARN : COLOUR_BAD;
}

ColourRole
colour_of_event(const Event *event)
{
	switch (event->kind)
	{
		case EVENT_NODE:
			return event->answered ? COLOUR_NONE : COLOUR_BAD;
		case EVENT_CHECK:
			return colour_of_check(event->status);
		case EVENT_STEP:
			return event->state == STEP_FAILED || event->state == STEP_ROLLED_BACK ?
				COLOUR_BAD : COLOUR_NONE;
		case EVENT_DECISION:
			return COLOUR_WARN;
		case EVENT_NOTE:
			return event->level == NOTE_GOOD ? COLOUR_GOOD :
				event->level == NOTE_WARNING ? COLOUR_WARN :
				event->level == NOTE_ERROR ? COLOUR_BAD : COLOUR_NONE;
	}
	return COLOUR_NONE;
}
