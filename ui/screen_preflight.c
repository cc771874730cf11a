/* Step 5: every check, pass, warn or fail, with why and how to fix. */
#include "config.h"

#include "wizard.h"

static const WizCommand hints[] = {CMD_NEXT, CMD_BACK, CMD_RERUN, CMD_DECIDE, CMD_ACCEPT_LOST, CMD_OVERRIDE, CMD_SCROLL, CMD_WRAP, CMD_NONE};

static void
run_checks(Wizard *w)
{
	list_clear(w);
	set_message(w, MARK_PLAIN, "Running the pre-flight checks...");
	wiz_plan_start(w->backend, &w->choices);
}

static void
enter(Wizard *w)
{
	if (!w->started)
	{
		w->list.wrap = true;
		run_checks(w);
		w->started = true;
	}
}

static void
tick(Wizard *w)
{
	if (wiz_job(w->backend) != WIZ_JOB_PLAN || !wiz_job_done(w->backend) || w->list.count > 0)
		return;
	list_set(w, wiz_plan_checks(w->backend));
	if (wiz_plan_blocked(w->backend) && wiz_plan_lost_shards(w->backend) > 0 && !w->choices.accept_lost_shards)
		set_message(w, MARK_BAD, "Shards were lost: press l to recreate them empty, or fix it and press r.");
	else if (wiz_plan_blocked(w->backend))
		set_message(w, MARK_BAD, "A check failed: fix it and press r, or press o to override.");
	else if (w->choices.override_failures && wiz_plan_failed(w->backend))
		set_message(w, MARK_WARNING, "Failed checks OVERRIDDEN (shown above). Enter: review the plan, one batch at a time.");
	else
		set_message(w, MARK_GOOD, "Every check passed or only warns. Enter: review the plan, one batch at a time.");
}

static void
override_answer(Wizard *w, bool yes)
{
	if (!yes)
	{
		set_message(w, MARK_WARNING, "Not overridden.");
		return;
	}
	w->choices.override_failures = true;
	run_checks(w);
}

static void
accept_lost_answer(Wizard *w, bool yes)
{
	if (!yes)
	{
		set_message(w, MARK_WARNING, "Not accepted: the lost shards still block the plan.");
		return;
	}
	w->choices.accept_lost_shards = true;
	run_checks(w);
}

/* The operator types the count, which shows they read how much is lost */
static void
ask_accept_lost(Wizard *w)
{
	int			lost = wiz_plan_lost_shards(w->backend);
	char		question[160];
	char		count[16];

	if (lost == 0)
	{
		set_message(w, MARK_PLAIN, "No shard was lost with the old coordinator.");
		return;
	}
	snprintf(question, sizeof(question),
			 "Recreate %d lost shards EMPTY (their rows are gone)? Type %d:", lost, lost);
	snprintf(count, sizeof(count), "%d", lost);
	ask_confirm(w, question, count, accept_lost_answer);
}

static WizMove
key(Wizard *w, int key, WizCommand command)
{
	bool		done = wiz_job_done(w->backend);

	switch (command)
	{
		case CMD_NEXT:
			if (done && !wiz_plan_blocked(w->backend))
				return MOVE_NEXT;
			set_message(w, MARK_BAD, done ? "Blocked by a failed check: fix it and press r, or press o to override." :
						"The checks are still running.");
			return MOVE_STAY;
		case CMD_BACK:
			return done ? MOVE_BACK : MOVE_STAY;
		case CMD_RERUN:
			if (done)
				run_checks(w);
			return MOVE_STAY;
		case CMD_DECIDE:
			if (done)
			{
				w->choices.orphans = key == 'c' ? PREPARED_COMMIT :
					key == 'b' ? PREPARED_ROLLBACK : PREPARED_UNDECIDED;
				run_checks(w);
			}
			return MOVE_STAY;
		case CMD_OVERRIDE:
			if (done)
				ask_confirm(w, "Run despite the failed checks? Type override:", "override", override_answer);
			return MOVE_STAY;
		case CMD_ACCEPT_LOST:
			if (done)
				ask_accept_lost(w);
			return MOVE_STAY;
		case CMD_SCROLL:
		case CMD_WRAP:
			list_scroll(w, key);
			return MOVE_STAY;
		default:
			return MOVE_STAY;
	}
}

const WizScreen screen_preflight = {"Pre-flight", hints, enter, screen_nothing, screen_draw_list, key, tick};
