/* Step 7: the plan runs; progress per step and node, the server's errors. */
#include "config.h"

#include "exitcodes.h"
#include "wizard.h"

static const WizCommand hints[] = {CMD_NEXT, CMD_CANCEL, CMD_RERUN, CMD_SCROLL, CMD_WRAP, CMD_NONE};

static void
enter(Wizard *w)
{
	if (!w->started)
	{
		w->list.wrap = true;
		wiz_apply_start(w->backend, wiz_workdir(w->backend));
		w->started = true;
		set_message(w, MARK_PLAIN, "Running. Ctrl-C stops after the step under way; nothing is left half-applied.");
	}
}

static void
tick(Wizard *w)
{
	bool		done;

	if (wiz_job(w->backend) != WIZ_JOB_APPLY)
		return;
	done = wiz_job_done(w->backend);
	list_append(w, wiz_take_log(w->backend));
	if (!done || w->confirm.active)
		return;
	switch (wiz_job_exit_code(w->backend))
	{
		case EXIT_CODE_OK:
			set_message(w, MARK_GOOD, "Every step done. Enter: verify the new coordinator.");
			break;
		case EXIT_CODE_PARTIAL:
			set_message(w, MARK_BAD, "Stopped after a partial change. r resumes from the journal in %s.",
						wiz_workdir(w->backend));
			break;
		default:
			set_message(w, MARK_BAD, "Stopped before changing anything. Fix the cause above, then r runs it again.");
	}
}

static void
stop_answer(Wizard *w, bool yes)
{
	if (yes)
	{
		wiz_apply_request_stop(w->backend);
		set_message(w, MARK_WARNING, "Stopping after the step under way...");
	}
}

static WizMove
key(Wizard *w, int key, WizCommand command)
{
	bool		done = wiz_job_done(w->backend);

	switch (command)
	{
		case CMD_NEXT:
			return done && wiz_job_exit_code(w->backend) == EXIT_CODE_OK ? MOVE_NEXT : MOVE_STAY;
		case CMD_CANCEL:
			if (!done)
				ask_confirm(w, "Stop after the step under way? Type yes:", "yes", stop_answer);
			return MOVE_STAY;
		case CMD_RERUN:
			if (done && wiz_job_exit_code(w->backend) != EXIT_CODE_OK)
			{
				list_clear(w);
				wiz_apply_start(w->backend, wiz_workdir(w->backend));
			}
			return MOVE_STAY;
		case CMD_BACK:
			return done && wiz_job_exit_code(w->backend) == EXIT_CODE_ABORTED ? MOVE_BACK : MOVE_STAY;
		case CMD_SCROLL:
		case CMD_WRAP:
			list_scroll(w, key);
			return MOVE_STAY;
		default:
			return MOVE_STAY;
	}
}

const WizScreen screen_execute = {"Execute", hints, enter, screen_nothing, screen_draw_list, key, tick};
