#include "config.h"

#include "events_json.h"
#include "verify_json.h"

#include <string.h>

void
verify_json_init(VerifyJson *collected)
{
	memset(collected, 0, sizeof(*collected));
	strbuf_init(&collected->checks_text);
	json_init_compact(&collected->checks, &collected->checks_text);
	json_begin_array(&collected->checks, NULL);
	strbuf_init(&collected->notes_text);
	json_init_compact(&collected->notes, &collected->notes_text);
	json_begin_array(&collected->notes, NULL);
}

static void
gather(const Event *event, void *arg)
{
	VerifyJson *collected = arg;

	if (event->kind == EVENT_CHECK)
	{
		json_begin_object(&collected->checks, NULL);
		json_int(&collected->checks, "number", event->number);
		json_string(&collected->checks, "name", event->name);
		json_string(&collected->checks, "status", check_status_key(event->status));
		json_string(&collected->checks, "message", event->message);
		json_end_object(&collected->checks);
	}
	else if (event->kind == EVENT_NOTE && event->error)
	{
		if (collected->error.message == NULL)
			pgerror_copy(&collected->error, event->error);
	}
	else if (event->kind == EVENT_NOTE && event->text)
	{
		json_begin_object(&collected->notes, NULL);
		json_string(&collected->notes, "level", note_level_key(event->level));
		json_string(&collected->notes, "text", event->text);
		json_end_object(&collected->notes);
	}
}

EventSink
event_sink_verify_json(VerifyJson *collected)
{
	EventSink	sink = {gather, collected};

	return sink;
}

void
verify_json_finish(VerifyJson *collected, int exit_code, StrBuf *out)
{
	JsonWriter	w;

	json_end_array(&collected->checks);
	json_end_array(&collected->notes);
	json_init(&w, out);
	json_begin_object(&w, NULL);
	json_int(&w, "format", JSON_FORMAT);
	json_string(&w, "tool_version", PACKAGE_VERSION);
	json_int(&w, "exit_code", exit_code);
	json_string(&w, "outcome", exit_code_outcome(exit_code));
	json_bool(&w, "coordinator_works", exit_code == 0);
	json_raw(&w, "checks", collected->checks_text.data);
	json_raw(&w, "notes", collected->notes_text.data);
	json_pgerror(&w, "error", &collected->error);
	json_end_object(&w);
	strbuf_free(&collected->checks_text);
	strbuf_free(&collected->notes_text);
	pgerror_clear(&collected->error);
}
