/* Step 8: proof that the new coordinator works, and where the records are. */
#include "config.h"

#include "exitcodes.h"
#include "wizard.h"

static const WizCommand hints[] = {CMD_QUIT, CMD_SCROLL, CMD_NONE};

static void
enter(Wizard *w)
{
	if (!w->started)
	{
		wiz_verify_start(w->backend);
		w->started = true;
		set_message(w, MARK_PLAIN, "Verifying...");
	}
}

static void
tick(Wizard *w)
{
	if (wiz_job(w->backend) != WIZ_JOB_VERIFY)
		return;
	list_append(w, wiz_take_log(w->backend));
	if (!wiz_job_done(w->backend) || w->confirm.active)
		return;
	if (wiz_job_exit_code(w->backend) == EXIT_CODE_OK)
		set_message(w, MARK_GOOD, "The new coordinator works. q quits.");
	else
		set_message(w, MARK_BAD, "A check failed (exit status %d): see above. q quits.",
					wiz_job_exit_code(w->backend));
}

static WizMove
key(Wizard *w, int key, WizCommand command)
{
	if (command == CMD_SCROLL)
		list_scroll(w, key);
	return MOVE_STAY;
}

const WizScreen screen_verify = {"Verify", hints, enter, screen_nothing, screen_draw_list, key, tick};
