/*
 * Unit tests: the one error printer, the events the engine emits, and how
 * the wizard marks them.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "tap.h"

#include "error.h"
#include "events.h"
#include "strbuf.h"
#include "wizard_backend.h"

static void
test_error_shape(void)
{
	PgError		error = {0};
	StrBuf		out;

	strbuf_init(&out);
	pgerror_set(&error, "42P01", "relation \"t\" does not exist\n", "it was dropped", "Create it again.");
	pgerror_set_node(&error, "w1:5432");
	pgerror_render(&out, &error);
	is_str(out.data,
		   "citus-rescue: ERROR:  42P01: relation \"t\" does not exist\n"
		   "DETAIL:  it was dropped\n"
		   "HINT:  Create it again.\n"
		   "CONTEXT:  on node w1:5432\n",
		   "an error prints in PostgreSQL's shape, SQLSTATE first, its node last");

	strbuf_reset(&out);
	pgerror_setf(&error, "could not connect\n\tIs the server running?");
	pgerror_render(&out, &error);
	is_str(out.data, "citus-rescue: ERROR:  could not connect\n  Is the server running?\n",
		   "libpq's second lines are indented, without their tab, and nothing absent is printed");

	strbuf_reset(&out);
	pgerror_setf(&error, "node \x1b[2Jx");
	pgerror_set_hint(&error, "line\rreturn");
	pgerror_render(&out, &error);
	is_str(out.data, "citus-rescue: ERROR:  node \\x1b[2Jx\nHINT:  line\\rreturn\n",
		   "controls in any field are escaped, never sent to the terminal");

	{
		PgError		copy = {0};
		char	   *text;

		pgerror_set(&error, "57014", "canceled", NULL, "Run again.");
		pgerror_set_node(&error, "n:1");
		pgerror_copy(&copy, &error);
		text = pgerror_format(&copy);
		is_str(text, "57014: canceled\nHINT:  Run again.", "a copy keeps every field; the journal's format has no prefix");
		is_str(copy.node, "n:1", "and its node");
		free(text);
		pgerror_clear(&copy);
		ok(copy.message == NULL && copy.node == NULL && copy.sqlstate[0] == '\0', "a cleared error holds nothing");
	}
	pgerror_clear(&error);
	strbuf_free(&out);
}

typedef struct Collected
{
	StrBuf		text;
	int			count;
	bool		all_errors;
} Collected;

static void
collect(const Event *event, void *arg)
{
	Collected  *c = arg;

	strbuf_printf(&c->text, "%s\n", event->text);
	c->count++;
	if (event->kind != EVENT_NOTE || event->level != NOTE_ERROR)
		c->all_errors = false;
}

static void
test_refusal_events(void)
{
	PgError		error = {0};
	Collected	c = {.all_errors = true};
	EventSink	sink = {collect, &c};
	StrBuf		printed;

	strbuf_init(&c.text);
	strbuf_init(&printed);
	pgerror_set(&error, NULL, "the plan is stale\n  w1: no longer answers", NULL, "Make a new plan.");
	event_refusal(&sink, &error);
	pgerror_render(&printed, &error);
	is_str(c.text.data, printed.data, "a refusal as events reads as the printer prints it");
	is_int(c.count, 3, "one event a line");
	ok(c.all_errors, "each an error note");

	strbuf_reset(&c.text);
	c.count = 0;
	event_note(&sink, NOTE_INFO, "node %s", "a\nb");
	is_str(c.text.data, "node a\\nb\n", "a note is one line, its text made safe");
	event_emit(NULL, NULL);
	ok(1, "an event with no sink goes nowhere");
	{
		FILE	   *f = tmpfile();
		EventSink	file = event_sink_file(f);
		Event		started = {.kind = EVENT_STEP, .state = STEP_STARTED, .step = 1, .nsteps = 2};

		event_emit(&file, &started);
		is_int(f ? ftell(f) : -1, 0, "an event without text prints no line, not even an empty one");
		if (f)
			fclose(f);
	}
	strbuf_free(&c.text);
	strbuf_free(&printed);
	pgerror_clear(&error);
}

/* The wizard's colours come from what happened, whatever the words say. */
static void
test_wizard_marks(void)
{
	Event		event = {.kind = EVENT_STEP, .state = STEP_DONE, .text = "[1/3] w1:5432: done (FAILED over)"};

	is_int(wiz_event_mark(&event), MARK_GOOD, "a step done is good, even when its text says FAILED");
	event.state = STEP_FAILED;
	event.text = "[1/3] w1:5432: done";
	is_int(wiz_event_mark(&event), MARK_BAD, "a failed step is bad, even when its text says done");
	event.state = STEP_ROLLED_BACK;
	is_int(wiz_event_mark(&event), MARK_BAD, "a step rolled back is bad");
	event.state = STEP_ALREADY_DONE;
	is_int(wiz_event_mark(&event), MARK_GOOD, "a step found done is good");

	event = (Event)
	{
		.kind = EVENT_CHECK,.status = CHECK_PASS,.text = "pass  3. FAIL is only a word here"
	};
	is_int(wiz_event_mark(&event), MARK_GOOD, "a passing check is good");
	event.status = CHECK_WARN;
	is_int(wiz_event_mark(&event), MARK_WARNING, "a warning warns");
	event.status = CHECK_FAIL;
	event.text = "pass done";
	is_int(wiz_event_mark(&event), MARK_BAD, "a failing check is bad whatever it says");

	event = (Event)
	{
		.kind = EVENT_NOTE,.level = NOTE_INFO,.text = "All steps done; nothing FAILED"
	};
	is_int(wiz_event_mark(&event), MARK_PLAIN, "a note is marked by its level alone");
	event.level = NOTE_ERROR;
	is_int(wiz_event_mark(&event), MARK_BAD, "an error note is bad");

	event = (Event)
	{
		.kind = EVENT_NODE,.answered = false,.text = "w2 answered"
	};
	is_int(wiz_event_mark(&event), MARK_BAD, "a node that did not answer is bad");
	event.answered = true;
	is_int(wiz_event_mark(&event), MARK_GOOD, "one that did is good");
}

static void
follow(WizProgress *p, StepState state, int step, int64_t now_ms)
{
	Event		event = {.kind = EVENT_STEP, .state = state, .step = step, .nsteps = 5, .text = "x"};

	wiz_progress_follow(p, &event, now_ms);
}

/* The step under way and the steps finished, from the step events alone */
static void
test_wizard_progress(void)
{
	WizProgress p = {.running = true};
	Event		note = {.kind = EVENT_NOTE, .text = "[2/5] done"};

	wiz_progress_follow(&p, &note, 10);
	is_int(p.under_way, 0, "a note moves nothing, whatever it says");
	follow(&p, STEP_STARTED, 1, 100);
	ok(p.under_way == 1 && p.began && p.step_started_ms == 100, "step 1 is under way from when it starts");
	follow(&p, STEP_DONE, 1, 250);
	ok(p.finished == 1 && p.under_way == 2 && !p.began && p.step_started_ms == 250,
	   "once it is done, step 2 is under way (checked, not begun)");
	/* steps 2 to 4 are all-or-nothing: prepared in turn, then committed */
	follow(&p, STEP_STARTED, 2, 300);
	follow(&p, STEP_PREPARED, 2, 320);
	follow(&p, STEP_STARTED, 3, 320);
	follow(&p, STEP_PREPARED, 3, 340);
	follow(&p, STEP_STARTED, 4, 340);
	follow(&p, STEP_PREPARED, 4, 360);
	ok(p.finished == 1 && p.under_way == 4, "a prepared step is not finished; the last prepared is under way");
	follow(&p, STEP_COMMITTED, 2, 370);
	follow(&p, STEP_COMMITTED, 3, 380);
	ok(p.finished == 3 && p.under_way == 4 && p.step_started_ms == 340,
	   "commits behind the step under way leave it under way, since it started");
	follow(&p, STEP_COMMITTED, 4, 390);
	is_int(p.under_way, 5, "the group committed, the next step is under way");
	follow(&p, STEP_FAILED, 5, 400);
	ok(p.finished == 4 && p.under_way == 5, "a failed step stays the one under way, unfinished");
	follow(&p, STEP_ALREADY_DONE, 5, 500);
	ok(p.finished == 5 && p.under_way == 0, "after the last step none is under way");
}

int
main(void)
{
	test_error_shape();
	test_refusal_events();
	test_wizard_marks();
	test_wizard_progress();
	return tap_done();
}
