/* Step 8: proof that the new coordinator works, and where the records are. */
#include "config.h"

#include "exitcodes.h"
#include "wizard.h"

static const WizCommand hints[] = {CMD_QUIT, CMD_MOVE_SHARD, CMD_SCROLL, CMD_WRAP, CMD_NONE};

static void
verify(Wizard *w, bool move_shard)
{
	list_clear(w);
	wiz_verify_start(w->backend, move_shard);
	set_message(w, MARK_PLAIN, move_shard ? "Verifying, with a shard move..." : "Verifying...");
}

static void
enter(Wizard *w)
{
	if (!w->started)
	{
		w->list.wrap = true;
		verify(w, false);
		w->started = true;
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
		set_message(w, MARK_GOOD, "The new coordinator works. q quits; m verifies again with a shard move.");
	else
		set_message(w, MARK_BAD, "A check failed (exit status %d): see above. q quits.",
					wiz_job_exit_code(w->backend));
}

static void
move_answer(Wizard *w, bool yes)
{
	if (yes)
		verify(w, true);
}

/* A shard move changes where a scratch shard lives, so it is asked for, once */
static WizMove
key(Wizard *w, int key, WizCommand command)
{
	if (command == CMD_SCROLL || command == CMD_WRAP)
		list_scroll(w, key);
	else if (command == CMD_MOVE_SHARD && wiz_job_done(w->backend))
		ask_key_confirm(w, "Verify again, moving a shard of a scratch table to another node? y/n",
						move_answer);
	return MOVE_STAY;
}

const WizScreen screen_verify = {"Verify", hints, enter, screen_nothing, screen_draw_list, key, tick};
