#include "config.h"

#include "events_json.h"
#include "exitcodes.h"
#include "json.h"
#include "plan_json.h"

static void
begin_line(JsonWriter *w, StrBuf *line, const char *event)
{
	strbuf_init(line);
	json_init_compact(w, line);
	json_begin_object(w, NULL);
	json_int(w, "format", JSON_FORMAT);
	json_string(w, "event", event);
}

/* Written whole and flushed: a reader of a pipe sees each line as it happens */
static void
end_line(JsonEventStream *stream, JsonWriter *w, StrBuf *line)
{
	json_end_object(w);
	fputs(line->data, stream->out);
	fflush(stream->out);
	strbuf_free(line);
}

void
json_events_init(JsonEventStream *stream, FILE *out)
{
	stream->out = out;
	stream->reported = NULL;
	stream->finished = false;
}

static void
json_step_fields(JsonWriter *w, const Event *event)
{
	json_int(w, "step", event->step);
	json_int(w, "nsteps", event->nsteps);
	json_string(w, "node", event->node);
}

/* A step's failure, or an error that ends the command (step 0: none) */
static void
write_failed(JsonEventStream *stream, const Event *event)
{
	JsonWriter	w;
	StrBuf		line;

	begin_line(&w, &line, "failed");
	if (event->kind == EVENT_STEP)
	{
		json_step_fields(&w, event);
		json_string(&w, "message", event->message);
	}
	else
	{
		json_null(&w, "step");
		json_string(&w, "node", event->error->node);
		json_null(&w, "message");
	}
	json_bool(&w, "refusal", event->refusal);
	json_pgerror(&w, "error", event->error);
	end_line(stream, &w, &line);
	stream->reported = event->error;
}

static void
write_step(JsonEventStream *stream, const Event *event)
{
	JsonWriter	w;
	StrBuf		line;

	if (event->state == STEP_FAILED)
	{
		write_failed(stream, event);
		return;
	}
	begin_line(&w, &line, event->state == STEP_STARTED ? "step-started" : "step-done");
	json_step_fields(&w, event);
	if (event->state != STEP_STARTED)
	{
		json_string(&w, "state", step_state_key(event->state));
		json_int(&w, "duration_ms", event->duration_ms);
		json_string(&w, "message", event->message);
	}
	end_line(stream, &w, &line);
}

static void
write_plain(JsonEventStream *stream, const Event *event)
{
	JsonWriter	w;
	StrBuf		line;

	switch (event->kind)
	{
		case EVENT_NODE:
			begin_line(&w, &line, "node");
			json_string(&w, "node", event->node);
			json_bool(&w, "answered", event->answered);
			json_string(&w, "message", event->message);
			break;
		case EVENT_CHECK:
			begin_line(&w, &line, "check");
			json_string(&w, "phase", event->phase ? event->phase : "verify");
			if (event->number > 0)
				json_int(&w, "number", event->number);
			else
				json_null(&w, "number");
			json_string(&w, "name", event->name);
			json_string(&w, "status", check_status_key(event->status));
			json_string(&w, "message", event->message);
			break;
		case EVENT_DECISION:
			begin_line(&w, &line, "decided");
			json_string(&w, "gid", event->gid);
			json_string(&w, "node", event->node);
			json_string(&w, "decision", event->commit ? "commit" : "rollback");
			json_string(&w, "decided_by", event->message);
			break;
		default:
			begin_line(&w, &line, "note");
			json_string(&w, "level", note_level_key(event->level));
			json_string(&w, "text", event->text ? event->text : "");
			break;
	}
	end_line(stream, &w, &line);
}

/*
 * An error reaches a sink as lines, each note naming the error it belongs
 * to: the stream reports the error once, whole, and skips its lines, and
 * those of an error a step's "failed" line already carried.
 */
static void
emit_json(const Event *event, void *arg)
{
	JsonEventStream *stream = arg;

	if (event->kind == EVENT_NOTE && event->error)
	{
		if (event->error != stream->reported)
			write_failed(stream, event);
		return;
	}
	if (event->kind == EVENT_STEP)
	{
		write_step(stream, event);
		if (event->state == STEP_FAILED)
			return;
	}
	else
		write_plain(stream, event);
	stream->reported = NULL;
}

EventSink
event_sink_json(JsonEventStream *stream)
{
	EventSink	sink = {emit_json, stream};

	return sink;
}

void
json_events_plan(JsonEventStream *stream, const Plan *plan)
{
	JsonWriter	w;
	StrBuf		line;

	begin_line(&w, &line, "plan");
	plan_json(&w, "plan", plan);
	end_line(stream, &w, &line);
}

void
json_events_preflight(JsonEventStream *stream, const Plan *plan)
{
	EventSink	sink = event_sink_json(stream);

	for (int i = 0; i < plan->nchecks; i++)
	{
		Event		event = {.kind = EVENT_CHECK, .phase = "pre-flight"};

		event.name = plan->checks[i].name;
		event.status = plan->checks[i].status;
		event.message = plan->checks[i].why;
		event_emit(&sink, &event);
	}
}

const char *
exit_code_outcome(int exit_code)
{
	if (exit_code > EXIT_CODE_VERIFY_FIRST)
		return "verify-failed";
	switch (exit_code)
	{
		case EXIT_CODE_OK:
			return "ok";
		case EXIT_CODE_BAD_USAGE:
			return "bad-usage";
		case EXIT_CODE_FIRST_NODE:
			return "first-node-unusable";
		case EXIT_CODE_ABORTED:
			return "nothing-changed";
		case EXIT_CODE_PARTIAL:
			return "partial";
		default:
			return "internal-error";
	}
}

void
json_events_finished(JsonEventStream *stream, int exit_code)
{
	JsonWriter	w;
	StrBuf		line;

	begin_line(&w, &line, "finished");
	json_int(&w, "exit_code", exit_code);
	json_string(&w, "outcome", exit_code_outcome(exit_code));
	end_line(stream, &w, &line);
	stream->finished = true;
}
