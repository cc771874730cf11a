/* Step 3: what each node believes, side by side, differences marked. */
#include "config.h"

#include "wizard.h"

static const WizCommand hints[] = {CMD_NEXT, CMD_BACK, CMD_FIELD, CMD_SCROLL, CMD_QUIT, CMD_NONE};

static void
fill(Wizard *w)
{
	w->list.top = 0;
	list_set(w, w->view == 0 ? wiz_compare_nodes(w->backend) : wiz_compare_catalogs(w->backend));
	set_message(w, 0, w->view == 0 ? "pg_dist_node per node. Tab: catalogs and differing rows." :
				"Catalogs compared as (shardid, groupid) for placements. Tab: pg_dist_node per node.");
}

static void
enter(Wizard *w)
{
	fill(w);
}

static void
leave(Wizard *w)
{
	(void) w;
}

static void
draw(Wizard *w)
{
	list_draw(w, body_top());
}

static WizMove
key(Wizard *w, int key, WizCommand command)
{
	switch (command)
	{
		case CMD_NEXT:
			return MOVE_NEXT;
		case CMD_BACK:
			return MOVE_BACK;
		case CMD_FIELD:
			w->view = !w->view;
			fill(w);
			return MOVE_STAY;
		case CMD_SCROLL:
			list_scroll(w, key);
			return MOVE_STAY;
		default:
			return MOVE_STAY;
	}
}

static void
tick(Wizard *w)
{
	(void) w;
}

const WizScreen screen_compare = {"Compare", hints, enter, leave, draw, key, tick};
