/*
 * The engine's events as JSON, one object a line, each flushed as it is
 * written: apply's and recover's --progress=json.  The fields are those
 * of the typed events, never their text; citus-rescue-json(7) documents
 * them.
 */
#ifndef CITUS_RESCUE_EVENTS_JSON_H
#define CITUS_RESCUE_EVENTS_JSON_H

#include <stdbool.h>
#include <stdio.h>

#include "events.h"
#include "plan.h"

typedef struct JsonEventStream
{
	FILE	   *out;
	const PgError *reported;	/* the error the last "failed" line carried */
	bool		finished;
} JsonEventStream;

void		json_events_init(JsonEventStream *stream, FILE *out);

/* A sink writing each event as a line of the stream. */
EventSink	event_sink_json(JsonEventStream *stream);

/* The plan about to run, whole, as a "plan" line. */
void		json_events_plan(JsonEventStream *stream, const Plan *plan);

/* Each pre-flight check of the plan as a "check" line. */
void		json_events_preflight(JsonEventStream *stream, const Plan *plan);

/* The last line: the process's exit code and what it means. */
void		json_events_finished(JsonEventStream *stream, int exit_code);

/* What an exit code of apply, verify or recover means, in a word or two. */
const char *exit_code_outcome(int exit_code);

#endif
