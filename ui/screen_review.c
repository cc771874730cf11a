/*
 * Step 6: one SQL batch at a time.  First what it does in words (its
 * node, purpose, changes, transaction, when it counts as done, undo),
 * then apply's check query, then the batch itself, numbered and coloured,
 * every byte as the plan file has it: long lines wrap with a mark, or
 * scroll sideways.  The whole body scrolls as one; Enter approves.
 */
#include "config.h"

#include "wizard.h"
#include "sqlstyle.h"
#include "strbuf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const WizCommand hints[] = {CMD_NEXT, CMD_BACK, CMD_STEP, CMD_SAVE, CMD_SCROLL, CMD_WRAP, CMD_NONE};

/*
 * Adds text a line at a time, coloured as SQL; a string or comment that
 * spans lines keeps its colour.  Lines are numbered from first, or not at
 * all when first is 0.  Returns how many lines were added.
 */
static int
add_sql_lines(TextView *view, const char *text, int first)
{
	SqlStyleState state;
	int			count = 0;

	sqlstyle_init(&state);
	for (const char *line = text; *line;)
	{
		const char *nl = strchr(line, '\n');
		size_t		len = nl ? (size_t) (nl - line) : strlen(line);
		char	   *copy = xstrndup(line, len);
		unsigned char *styles = xmalloc(len + 1);

		sqlstyle_line(&state, line, len, styles);
		textview_add(view, MARK_PLAIN, copy, styles, first > 0 ? first + count : 0);
		free(styles);
		free(copy);
		count++;
		line += len + (nl ? 1 : 0);
	}
	return count;
}

static int
count_lines(const char *text)
{
	int			lines = 0;

	for (const char *p = text; *p; p++)
		if (*p == '\n' || p[1] == '\0')
			lines++;
	return lines;
}

/* The body: the words, apply's check query, and the batch, numbered */
static void
fill_body(Wizard *w)
{
	char	   *check = wiz_plan_step_check(w->backend, w->step);
	char	   *batch = wiz_plan_step_batch(w->backend, w->step);
	char		label[160];

	list_set(w, wiz_plan_step(w->backend, w->step));
	w->list.numbered = true;
	if (check)
	{
		textview_add(&w->list, MARK_PLAIN, "", NULL, 0);
		textview_add(&w->list, MARK_PLAIN, "Apply's check query, run before the batch (true: done, and skipped):", NULL, 0);
		add_sql_lines(&w->list, check, 0);
	}
	if (batch)
	{
		snprintf(label, sizeof(label), "The batch, every byte as the plan file has it (%d lines; + marks a line"
				 " that goes on):", count_lines(batch));
		textview_add(&w->list, MARK_PLAIN, "", NULL, 0);
		textview_add(&w->list, MARK_WARNING, label, NULL, 0);
		add_sql_lines(&w->list, batch, 1);
	}
	free(check);
	free(batch);
}

/* Batch w->step, from its top unless keep_place (a resize) */
static void
show(Wizard *w, bool keep_place)
{
	int			n = wiz_plan_steps(w->backend);

	if (!keep_place)
	{
		w->list.top = 0;
		w->list.left = 0;
	}
	fill_body(w);
	if (w->step + 1 < n)
		set_message(w, MARK_PLAIN, "Batch %d of %d. Read it to its end (PgDn, End); Enter approves it and shows"
					" the next; p goes back.", w->step + 1, n);
	else
		set_message(w, MARK_WARNING, "Last batch (%d of %d). Enter approves the whole plan and asks before running it.", w->step + 1, n);
}

/* Entered from pre-flight: the first batch, wrapped; rebuilt after a resize: where it was */
static void
enter(Wizard *w)
{
	bool		rebuilt = w->started;

	if (!rebuilt)
	{
		w->step = 0;
		w->list.wrap = true;
		w->started = true;
	}
	show(w, rebuilt);
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
				show(w, false);
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
			show(w, false);
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
