/*
 * verify --json: a sink that gathers verify's checks, notes and the error
 * that stopped it, then one document with the outcome.
 */
#ifndef CITUS_RESCUE_VERIFY_JSON_H
#define CITUS_RESCUE_VERIFY_JSON_H

#include "events.h"
#include "json.h"

typedef struct VerifyJson
{
	StrBuf		checks_text;
	JsonWriter	checks;
	StrBuf		notes_text;
	JsonWriter	notes;
	PgError		error;			/* the first error reported, if any */
} VerifyJson;

void		verify_json_init(VerifyJson *collected);
EventSink	event_sink_verify_json(VerifyJson *collected);
/* The document, on out; frees what was gathered. */
void		verify_json_finish(VerifyJson *collected, int exit_code, StrBuf *out);

#endif
