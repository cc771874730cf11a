/* Step 4: new node or promote, the donor, CIM include or exclude. */
#include "config.h"

#include "wizard.h"

#include <stdio.h>
#include <string.h>

static const WizCommand hints[] = {CMD_NEXT, CMD_BACK, CMD_METHOD, CMD_CIM, CMD_FIELD, CMD_NONE};

static void
enter(Wizard *w)
{
	if (w->choices.target[0] == '\0' && w->choices.method == METHOD_PROMOTE)
	{
		WizLines	workers = wiz_workers(w->backend);

		if (workers.count > 0)
			snprintf(w->choices.target, sizeof(w->choices.target), "%s", workers.lines[0].text);
		wiz_lines_free(&workers);
	}
	field_add(w, 6, w->choices.method == METHOD_PROMOTE ? "Worker to promote (HOST:PORT) " : "New coordinator (HOST:PORT)   ",
			  w->choices.target, false);
	if (w->choices.method == METHOD_NEW_NODE)
		field_add(w, 8, "Donor (empty: choose one)     ", w->choices.donor, false);
}

static void
leave(Wizard *w)
{
	if (w->nfields > 0)
		field_value(w, 0, w->choices.target, sizeof(w->choices.target));
	if (w->nfields > 1)
		field_value(w, 1, w->choices.donor, sizeof(w->choices.donor));
	fields_clear(w);
}

static void
draw(Wizard *w)
{
	CimMode		detected = wiz_detected_cim(w->backend);
	CimMode		cim = w->choices.cim != CIM_UNKNOWN ? w->choices.cim : detected;
	char		line[200];
	int			row = 11;

	snprintf(line, sizeof(line), "Way out (F2): %s", w->choices.method == METHOD_PROMOTE ?
			 "PROMOTE an existing worker in place" : "a NEW NODE becomes the coordinator");
	draw_text(w, 2, 2, MARK_WARNING, line);
	draw_wrapped(w, 3, 4, MARK_PLAIN, w->choices.method == METHOD_PROMOTE ?
				 "The worker keeps its shards and becomes group 0; every worker renames its group, all or nothing." :
				 "A fresh node with the citus extension and no tables gets the metadata from a donor worker.", 2);
	snprintf(line, sizeof(line), "Coordinator in metadata (F3): CIM %s%s", cim == CIM_INCLUDE ? "INCLUDE" : "EXCLUDE",
			 w->choices.cim == CIM_UNKNOWN ? " (as detected)" : detected == cim ? " (same as detected)" : " (overrides what was detected)");
	row += draw_wrapped(w, row, 2, w->choices.cim != CIM_UNKNOWN && w->choices.cim != detected ? MARK_BAD : MARK_WARNING, line, 2);
	row += draw_wrapped(w, row, 4, MARK_PLAIN, "include: the coordinator has a pg_dist_node row (group 0, no shards), "
						"as most clusters made with citus_set_coordinator_host have.", 3);
	row += draw_wrapped(w, row, 4, MARK_PLAIN, "exclude: the coordinator is not in pg_dist_node; workers never connect to it.", 2);
	row++;
	draw_text(w, row++, 2, MARK_PLAIN, "Enter runs the pre-flight checks; nothing changes yet.");
}

static WizMove
key(Wizard *w, int key, WizCommand command)
{
	switch (command)
	{
		case CMD_NEXT:
			leave(w);
			return MOVE_NEXT;
		case CMD_BACK:
			return MOVE_BACK;
		case CMD_METHOD:
			leave(w);
			w->choices.method = w->choices.method == METHOD_PROMOTE ? METHOD_NEW_NODE : METHOD_PROMOTE;
			w->choices.target[0] = '\0';
			enter(w);
			return MOVE_STAY;
		case CMD_CIM:
			/* as detected, include, exclude, and round again */
			w->choices.cim = w->choices.cim == CIM_UNKNOWN ? CIM_INCLUDE :
				w->choices.cim == CIM_INCLUDE ? CIM_EXCLUDE : CIM_UNKNOWN;
			return MOVE_STAY;
		default:
			field_key(w, key);
			return MOVE_STAY;
	}
}

const WizScreen screen_choose = {"Choose", hints, enter, leave, draw, key, screen_nothing};
