#include "config.h"

#include "verify_record.h"
#include "exitcodes.h"
#include "journal.h"
#include "strbuf.h"
#include "workdir.h"

#include <stdlib.h>
#include <string.h>

static void
record_event(const Event *event, void *arg)
{
	VerifyRecorder *r = arg;

	if (event->kind == EVENT_CHECK)
	{
		r->numbers = xrealloc(r->numbers, sizeof(int) * (size_t) (r->nchecks + 1));
		r->details = xrealloc(r->details, sizeof(char *) * (size_t) (r->nchecks + 1));
		r->numbers[r->nchecks] = event->number;
		r->details[r->nchecks] = xasprintf("%s %s: %s", check_status_name(event->status),
										   event->name ? event->name : "-",
										   event->message ? event->message : "");
		r->nchecks++;
	}
	event_emit(r->shown, event);
}

void
verify_recorder_init(VerifyRecorder *recorder, const EventSink *shown)
{
	memset(recorder, 0, sizeof(*recorder));
	recorder->shown = shown;
	recorder->sink.emit = record_event;
	recorder->sink.arg = recorder;
}

static char *
outcome_text(const VerifyRecorder *r, int code)
{
	if (code == EXIT_CODE_OK)
		return xasprintf("every check passed (%d checks)", r->nchecks);
	if (code > EXIT_CODE_VERIFY_FIRST)
		return xasprintf("check %d failed (exit status %d)", code - EXIT_CODE_VERIFY_FIRST, code);
	return xasprintf("verify did not finish (exit status %d)", code);
}

bool
verify_recorder_save(const VerifyRecorder *recorder, const char *workdir, int code, PgError *error)
{
	Workdir		wd = {NULL, -1};
	Journal		journal;
	char	   *outcome;
	bool		ok;

	if (!workdir_open(&wd, workdir, error))
		return false;
	if (!journal_open(&journal, &wd, error))
	{
		journal_close(&journal);
		workdir_close(&wd);
		return false;
	}
	for (int i = 0; i < recorder->nchecks; i++)
		journal_write(&journal, recorder->numbers[i], "", "verify-check", recorder->details[i]);
	outcome = outcome_text(recorder, code);
	journal_write(&journal, 0, "", "verified", outcome);
	free(outcome);
	ok = journal.failure == NULL;
	if (!ok)
		pgerror_set(error, NULL, journal.failure, NULL, NULL);
	journal_close(&journal);
	workdir_close(&wd);
	return ok;
}

void
verify_recorder_free(VerifyRecorder *recorder)
{
	for (int i = 0; i < recorder->nchecks; i++)
		free(recorder->details[i]);
	free(recorder->details);
	free(recorder->numbers);
	memset(recorder, 0, sizeof(*recorder));
}
