/* Step 7: the plan runs; progress per step and node, the server's errors. */
#include "config.h"

#include "exitcodes.h"
#include "wizard.h"

#include <stdio.h>

static const WizCommand hints[] = {CMD_NEXT, CMD_CANCEL, CMD_RERUN, CMD_SCROLL, CMD_WRAP, CMD_NONE};

/* The work directory, the progress bar and the step under way, then the log */
enum
{
	HEADER_ROWS = 5,
	BAR_WIDTH = 40
};

static int
log_top(void)
{
	return body_top() + HEADER_ROWS;
}

static double
seconds(int64_t ms)
{
	return (double) ms / 1000.0;
}

/* "Progress [#########...........] 3/8 steps  12.3 s" */
static void
draw_bar(Wizard *w, const WizProgress *p)
{
	char		bar[BAR_WIDTH + 1];
	char		line[160];
	int			filled = p->nsteps > 0 ? p->finished * BAR_WIDTH / p->nsteps : 0;

	for (int i = 0; i < BAR_WIDTH; i++)
		bar[i] = i < filled ? '#' : '.';
	bar[BAR_WIDTH] = '\0';
	snprintf(line, sizeof(line), "Progress [%s] %d/%d steps  %.1f s", bar, p->finished, p->nsteps,
			 seconds(p->run_ms));
	draw_text(w, body_top() + 1, 1, MARK_PLAIN, line);
}

/* The step under way, its time ticking; once the run is over, where it ended */
static void
draw_step(Wizard *w, const WizProgress *p)
{
	char		line[600];
	WizMark		mark = MARK_PLAIN;

	if (p->running && p->under_way > 0)
		snprintf(line, sizeof(line), "Step %d/%d on %s, %.1f s: %s", p->under_way, p->nsteps,
				 p->node ? p->node : "?", seconds(p->step_ms), p->purpose ? p->purpose : "");
	else if (p->running && p->finished == 0)
		snprintf(line, sizeof(line), "Checking the cluster and the backup before the first step, %.1f s",
				 seconds(p->run_ms));
	else if (p->running)
		snprintf(line, sizeof(line), "Every step done; closing the journal.");
	else if (p->nsteps > 0 && p->finished == p->nsteps)
		snprintf(line, sizeof(line), "Every step done, in %.1f s.", seconds(p->run_ms));
	else
	{
		mark = MARK_BAD;
		if (p->under_way > 0)
			snprintf(line, sizeof(line), "Stopped %s step %d/%d on %s: %s", p->began ? "in" : "before",
					 p->under_way, p->nsteps, p->node ? p->node : "?", p->purpose ? p->purpose : "");
		else
			snprintf(line, sizeof(line), "Stopped before the first step.");
	}
	draw_wrapped(w, body_top() + 2, 1, mark, line, 2);
}

static void
draw(Wizard *w)
{
	WizProgress p = wiz_apply_progress(w->backend);
	const char *workdir = wiz_workdir(w->backend);
	char		line[600];

	snprintf(line, sizeof(line), "Work directory: %s", workdir ? workdir : "(made when the run starts)");
	draw_text(w, body_top(), 1, MARK_PLAIN, line);
	draw_bar(w, &p);
	draw_step(w, &p);
	list_draw(w, log_top());
}

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

const WizScreen screen_execute = {"Execute", hints, enter, screen_nothing, draw, key, tick};
