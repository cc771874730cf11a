/* Step 3: what each node believes, side by side, differences marked. */
#include "config.h"

#include "wizard.h"

static const WizCommand hints[] = {CMD_NEXT, CMD_BACK, CMD_FIELD, CMD_SCROLL, CMD_WRAP, CMD_QUIT, CMD_NONE};

static void
fill(Wizard *w)
{
	static const char *const what[] = {
		"pg_dist_node side by side; rows that differ are marked. Tab: catalogs.",
		"Catalogs; placements compare as (shardid, groupid). Tab: every placement.",
		"Every placement (tables, shards, groups); shards nodes disagree on are marked. Tab: nodes.",
	};

	w->list.top = 0;
	list_set(w, w->view == 0 ? wiz_compare_nodes(w->backend) :
			 w->view == 1 ? wiz_compare_catalogs(w->backend) : wiz_compare_placements(w->backend));
	set_message(w, MARK_PLAIN, "%s", what[w->view]);
}

static void
enter(Wizard *w)
{
	fill(w);
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
			w->view = (w->view + 1) % 3;
			fill(w);
			return MOVE_STAY;
		case CMD_SCROLL:
		case CMD_WRAP:
			list_scroll(w, key);
			return MOVE_STAY;
		default:
			return MOVE_STAY;
	}
}

const WizScreen screen_compare = {"Compare", hints, enter, screen_nothing, screen_draw_list, key, screen_nothing};
