/*
 * Step 3: what each node believes.  Side by side: pg_dist_node as one
 * node sees it, every column, cells that differ from most nodes marked;
 * beside it the placements of the group of the row under the cursor.
 * Then the agreement matrix (node by catalog), then the differing rows.
 */
#include "config.h"

#include "wizard.h"

#include <stdio.h>
#include <string.h>

static const WizCommand hints[] = {
	CMD_NEXT, CMD_BACK, CMD_FIELD, CMD_VIEW, CMD_NODE, CMD_SCROLL, CMD_WRAP, CMD_QUIT, CMD_NONE
};

/* pg_dist_node's rows are the wider: it takes a little more than half */
static int
left_width(void)
{
	return COLS * 11 / 20;
}

static void
explain(Wizard *w)
{
	const ComparePanes *p = &w->compare;

	if (p->model == NULL || compare_views(p->model) == 0)
	{
		set_message(w, MARK_WARNING, "No node's pg_dist_node could be read: go back and discover again.");
		return;
	}
	switch (p->kind)
	{
		case COMPARE_SIDE_BY_SIDE:
			set_message(w, MARK_PLAIN, "* and !: not what most nodes have. [ ]: another node's view (%d read). "
						"Tab: the %s pane. v: the agreement matrix.", compare_views(p->model),
						p->right_focus ? "pg_dist_node" : "placements");
			break;
		case COMPARE_MATRIX:
			set_message(w, MARK_PLAIN, "Each node's catalogs against most nodes'. Left/Right: more nodes. "
						"v: the differing rows.");
			break;
		default:
			set_message(w, MARK_PLAIN, "The rows that differ; placements compare as (shardid, groupid). "
						"v: side by side.");
	}
}

static void
enter(Wizard *w)
{
	compare_panes_open(&w->compare, wiz_compare_model(w->backend), COLS, wiz_compare_catalogs(w->backend));
	explain(w);
}

static void
leave(Wizard *w)
{
	compare_panes_close(&w->compare);
}

/* A pane's title, reversed and marked '>' when the pane has the keys */
static void
draw_title(int col, int width, bool focused, const char *text)
{
	int			row = body_top();

	attrset(focused ? A_REVERSE | A_BOLD : A_BOLD);
	mvhline(row, col, ' ', width);
	mvaddstr(row, col, focused ? "> " : "  ");
	mvaddnstr(row, col + 2, text, width - 2);
	/* a title cut short says so, as the views' edges do */
	if ((int) strlen(text) > width - 2)
		mvaddch(row, col + width - 1, '>');
	attrset(A_NORMAL);
}

static void
draw_side_by_side(Wizard *w)
{
	ComparePanes *p = &w->compare;
	int			top = body_top();
	int			rows = body_rows();
	int			left = left_width();
	int			right = COLS - left - 1;
	char		title[512];

	snprintf(title, sizeof(title), "pg_dist_node on %s (%d of %d)", compare_view_label(p->model, p->view),
			 p->view + 1, compare_views(p->model));
	draw_title(0, left, !p->right_focus, title);
	if (p->group >= 0)
		snprintf(title, sizeof(title), "group %d: %d placement%s, %d disputed", p->group,
				 p->shown.count, p->shown.count == 1 ? "" : "s", p->shown.disputed);
	else
		snprintf(title, sizeof(title), "no group");
	draw_title(left + 1, right, p->right_focus, title);
	mvvline(top, left, '|', rows);

	/* the column names scroll sideways with the rows, and stay when they scroll down */
	p->node_header.left = p->nodes.left;
	view_draw(w, &p->node_header, top + 1, 0, 1, left);
	view_draw(w, &p->nodes, top + 2, 0, rows - 2, left);
	p->placement_header.left = p->placements.left;
	view_draw(w, &p->placement_header, top + 1, left + 1, 1, right);
	view_draw(w, &p->placements, top + 2, left + 1, rows - 2, right);
}

static void
draw(Wizard *w)
{
	ComparePanes *p = &w->compare;

	if (p->model == NULL || compare_views(p->model) == 0)
		view_draw(w, &p->rows, body_top(), 0, body_rows(), COLS);
	else if (p->kind == COMPARE_SIDE_BY_SIDE)
		draw_side_by_side(w);
	else
		view_draw(w, p->kind == COMPARE_MATRIX ? &p->matrix : &p->rows, body_top(), 0, body_rows(), COLS);
}

/* Scroll keys go to the focused pane; the matrix turns pages with Left and Right */
static void
scroll_focused(Wizard *w, int key)
{
	ComparePanes *p = &w->compare;

	if (p->model == NULL || compare_views(p->model) == 0)
		textview_key(&p->rows, key);
	else if (p->kind == COMPARE_SIDE_BY_SIDE && p->right_focus)
		textview_key(&p->placements, key);
	else if (p->kind == COMPARE_SIDE_BY_SIDE)
	{
		textview_key(&p->nodes, key);
		compare_cursor_moved(p);
	}
	else if (p->kind == COMPARE_MATRIX && (key == KEY_LEFT || key == KEY_RIGHT))
		compare_page_matrix(p, key == KEY_RIGHT ? 1 : -1, COLS);
	else
		textview_key(p->kind == COMPARE_MATRIX ? &p->matrix : &p->rows, key);
}

static WizMove
key(Wizard *w, int key, WizCommand command)
{
	ComparePanes *p = &w->compare;

	switch (command)
	{
		case CMD_NEXT:
			return MOVE_NEXT;
		case CMD_BACK:
			return MOVE_BACK;
		case CMD_VIEW:
			p->kind = (p->kind + 1) % COMPARE_KINDS;
			break;
		case CMD_FIELD:
			if (p->kind == COMPARE_SIDE_BY_SIDE)
				p->right_focus = !p->right_focus;
			break;
		case CMD_NODE:
			if (p->kind == COMPARE_SIDE_BY_SIDE)
				compare_choose_view(p, key == ']' ? 1 : -1);
			break;
		case CMD_SCROLL:
		case CMD_WRAP:
			scroll_focused(w, key);
			break;
		default:
			break;
	}
	explain(w);
	return MOVE_STAY;
}

const WizScreen screen_compare = {"Compare", hints, enter, leave, draw, key, screen_nothing};
