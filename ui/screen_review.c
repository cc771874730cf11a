/* Step 6: one SQL batch at a time, its node and purpose; approve or save. */
#include "config.h"

#include "wizard.h"

#include <stdio.h>

static const WizCommand hints[] = {CMD_NEXT, CMD_BACK, CMD_STEP, CMD_SAVE, CMD_SCROLL, CMD_WRAP, CMD_NONE};

static void
show(Wizard *w)
{
	int			n = wiz_plan_steps(w->backend);

	w->list.top = 0;
	list_set(w, wiz_plan_step(w->backend, w->step));
	if (w->step + 1 < n)
		set_message(w, MARK_PLAIN, "Batch %d of %d. Enter approves it and shows the next; p goes back.", w->step + 1, n);
	else
		set_message(w, MARK_WARNING, "Last batch (%d of %d). Enter approves the whole plan and asks before running it.", w->step + 1, n);
}

static void
enter(Wizard *w)
{
	w->step = 0;
	w->list.wrap = true;
	show(w);
}

static void
run_answer(Wizard *w, bool yes)
{
	if (yes)
		w->pending_move = MOVE_NEXT;
	else
		set_message(w, MARK_WARNING, "Not confirmed: nothing was changed.");
}

static void
save_answer(Wizard *w, bool yes)
{
	char		err[300];
	const char *path = w->confirm.typed[0] ? w->confirm.typed : "citus-rescue-plan.sql";

	(void) yes;
	if (wiz_plan_save(w->backend, path, err, sizeof(err)))
		set_message(w, MARK_GOOD, "Plan saved to %s (psql could run it; citus-rescue apply checks, journals and resumes).", path);
	else
		set_message(w, MARK_BAD, "%s", err);
}

static WizMove
key(Wizard *w, int key, WizCommand command)
{
	int			n = wiz_plan_steps(w->backend);

	switch (command)
	{
		case CMD_NEXT:
			if (w->step + 1 < n)
			{
				w->step++;
				show(w);
			}
			else
				ask_confirm(w, "Apply this plan to the cluster? Type yes:", "yes", run_answer);
			return MOVE_STAY;
		case CMD_BACK:
			return MOVE_BACK;
		case CMD_STEP:
			if (key == 'n' && w->step + 1 < n)
				w->step++;
			else if (key == 'p' && w->step > 0)
				w->step--;
			show(w);
			return MOVE_STAY;
		case CMD_SAVE:
			ask_confirm(w, "Save the plan to (empty: citus-rescue-plan.sql):", "", save_answer);
			return MOVE_STAY;
		case CMD_SCROLL:
		case CMD_WRAP:
			list_scroll(w, key);
			return MOVE_STAY;
		default:
			return MOVE_STAY;
	}
}

const WizScreen screen_review = {"Review", hints, enter, screen_nothing, screen_draw_list, key, screen_nothing};
