/* Step 2: every node appears as it answers; a hung one counts down. */
#include "config.h"

#include "exitcodes.h"
#include "wizard.h"

#include <stdlib.h>
#include <string.h>

static const WizCommand hints[] = {CMD_NEXT, CMD_BACK, CMD_RERUN, CMD_SCROLL, CMD_WRAP, CMD_QUIT, CMD_NONE};

/* A field the backend refuses goes back to the form, in place. */
static void
start_discovery(Wizard *w)
{
	w->results_shown = false;
	if (!wiz_discover_start(w->backend, &w->connect, w->connect_error, sizeof(w->connect_error)))
		w->pending_move = MOVE_BACK;
}

static void
enter(Wizard *w)
{
	if (!w->started)
	{
		start_discovery(w);
		w->started = true;
	}
}

static void
tick(Wizard *w)
{
	char	   *fatal;

	if (wiz_job(w->backend) != WIZ_JOB_DISCOVER)
		return;
	if (!wiz_job_done(w->backend))
	{
		list_set(w, wiz_discover_progress(w->backend));
		set_message(w, MARK_PLAIN, "Discovering...");
		return;
	}
	fatal = wiz_discover_error(w->backend);
	if (fatal)
	{
		/* the error goes back to the form, in place */
		snprintf(w->connect_error, sizeof(w->connect_error), "%s", fatal);
		for (char *p = w->connect_error; *p; p++)
			if (*p == '\n')
				*p = ' ';
		free(fatal);
		w->pending_move = MOVE_BACK;
		return;
	}
	if (!w->results_shown)
	{
		w->results_shown = true;
		list_set(w, wiz_discover_summary(w->backend));
		switch (wiz_job_exit_code(w->backend))
		{
			case EXIT_CODE_OK:
				set_message(w, MARK_GOOD, "Every node answered and agrees. Enter: compare the metadata.");
				break;
			case EXIT_CODE_COORDINATOR_ALIVE:
				set_message(w, MARK_BAD, "A COORDINATOR STILL ANSWERS: stop it for good before recovering.");
				break;
			default:
				set_message(w, MARK_WARNING, "Some nodes did not answer or disagree. Enter: compare; r: discover again.");
		}
	}
}

static WizMove
key(Wizard *w, int key, WizCommand command)
{
	switch (command)
	{
		case CMD_NEXT:
			return wiz_job_done(w->backend) ? MOVE_NEXT : MOVE_STAY;
		case CMD_BACK:
			return MOVE_BACK;
		case CMD_RERUN:
			if (wiz_job_done(w->backend))
			{
				list_clear(w);
				start_discovery(w);
			}
			return MOVE_STAY;
		case CMD_SCROLL:
		case CMD_WRAP:
			list_scroll(w, key);
			return MOVE_STAY;
		default:
			return MOVE_STAY;
	}
}

const WizScreen screen_discover = {"Discover", hints, enter, screen_nothing, screen_draw_list, key, tick};
