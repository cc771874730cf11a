#include "config.h"

#include "colour.h"
#include "events.h"
#include "strbuf.h"
#include "termsafe.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void
event_emit(const EventSink *sink, const Event *event)
{
	if (sink && sink->emit)
		sink->emit(event, sink->arg);
}

void
event_note(const EventSink *sink, NoteLevel level, const char *fmt,...)
{
	va_list		ap;
	char	   *text;
	char	   *shown;
	Event		event = {.kind = EVENT_NOTE, .level = level};

	va_start(ap, fmt);
	text = xvasprintf(fmt, ap);
	va_end(ap);
	shown = terminal_safe_dup(text);
	event.text = shown;
	event_emit(sink, &event);
	free(shown);
	free(text);
}

/*
 * Lines already made terminal-safe, each ended by a newline, an error note
 * each; every line names its error, so that a sink for scripts reports the
 * error once, whole, instead of its lines.
 */
static void
emit_error_lines(const EventSink *sink, char *lines, const PgError *error, bool refusal)
{
	for (char *line = lines; line && *line;)
	{
		char	   *nl = strchr(line, '\n');
		Event		event = {.kind = EVENT_NOTE, .level = NOTE_ERROR, .error = error, .refusal = refusal};

		if (nl)
			*nl = '\0';
		event.text = line;
		event_emit(sink, &event);
		line = nl ? nl + 1 : NULL;
	}
}

void
event_error(const EventSink *sink, const char *indent, const PgError *error)
{
	char	   *why = pgerror_format(error);
	StrBuf		lines;

	strbuf_init(&lines);
	append_message_lines(&lines, indent, indent, why);
	emit_error_lines(sink, lines.data, error, false);
	strbuf_free(&lines);
	free(why);
}

void
event_refusal(const EventSink *sink, const PgError *error)
{
	StrBuf		lines;

	strbuf_init(&lines);
	pgerror_render(&lines, error);
	emit_error_lines(sink, lines.data, error, true);
	strbuf_free(&lines);
}

static void
print_event(const Event *event, void *arg)
{
	FILE	   *out = arg;
	ColourRole	role = colour_of_event(event);

	if (event->text == NULL)
		return;
	fprintf(out, "%s%s%s\n", colour_start(out, role), event->text, colour_end(out, role));
	fflush(out);
}

EventSink
event_sink_file(void *file)
{
	EventSink	sink = {print_event, file};

	return sink;
}

const char *
check_status_name(CheckStatus status)
{
	switch (status)
	{
		case CHECK_PASS:
			return "pass";
		case CHECK_WARN:
			return "warn";
		default:
			return "FAIL";
	}
}

const char *
check_status_key(CheckStatus status)
{
	return status == CHECK_PASS ? "pass" : status == CHECK_WARN ? "warn" : "fail";
}

const char *
step_state_key(StepState state)
{
	switch (state)
	{
		case STEP_DONE:
			return "done";
		case STEP_ALREADY_DONE:
			return "already-done";
		case STEP_PREPARED:
			return "prepared";
		case STEP_COMMITTED:
			return "committed";
		case STEP_ROLLED_BACK:
			return "rolled-back";
		case STEP_FAILED:
			return "failed";
		case STEP_STARTED:
			break;
	}
	return "started";
}

const char *
note_level_key(NoteLevel level)
{
	switch (level)
	{
		case NOTE_GOOD:
			return "good";
		case NOTE_WARNING:
			return "warning";
		case NOTE_ERROR:
			return "error";
		case NOTE_INFO:
			break;
	}
	return "info";
}
