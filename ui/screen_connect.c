/* Step 1: connect to one surviving worker. */
#include "config.h"

#include "wizard.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const WizCommand hints[] = {CMD_NEXT, CMD_FIELD, CMD_CANCEL, CMD_NONE};

static void
enter(Wizard *w)
{
	char		timeout[16];

	snprintf(timeout, sizeof(timeout), "%d", w->connect.timeout_s > 0 ? w->connect.timeout_s : 10);
	field_add(w, 5, "Host      ", w->connect.host, false);
	field_add(w, 7, "Port      ", w->connect.port, false);
	field_add(w, 9, "User      ", w->connect.user, false);
	field_add(w, 11, "Database  ", w->connect.dbname, false);
	field_add(w, 13, "Password  ", w->connect.password, true);
	field_add(w, 15, "Timeout s ", timeout, false);
}

static void
leave(Wizard *w)
{
	fields_clear(w);
}

static void
draw(Wizard *w)
{
	draw_text(w, 2, 2, 0, "Connect to one surviving worker: citus-rescue reads pg_dist_node there");
	draw_text(w, 3, 2, 0, "and reaches every other node with the same user, database and settings.");
	draw_text(w, 17, 2, 0, "Empty fields take PGHOST, PGPORT, PGUSER, PGDATABASE, ~/.pgpass and services.");
	draw_text(w, 18, 2, 0, "The password is asked for only if a server wants one; it is never shown or saved.");
	if (w->connect_error[0])
		draw_text(w, 20, 2, 3, w->connect_error);
}

static WizMove
key(Wizard *w, int key, WizCommand command)
{
	char		timeout[16];

	if (command == CMD_NEXT)
	{
		field_value(w, 0, w->connect.host, sizeof(w->connect.host));
		field_value(w, 1, w->connect.port, sizeof(w->connect.port));
		field_value(w, 2, w->connect.user, sizeof(w->connect.user));
		field_value(w, 3, w->connect.dbname, sizeof(w->connect.dbname));
		field_value(w, 4, w->connect.password, sizeof(w->connect.password));
		field_value(w, 5, timeout, sizeof(timeout));
		w->connect.timeout_s = atoi(timeout) > 0 ? atoi(timeout) : 10;
		w->connect_error[0] = '\0';
		return MOVE_NEXT;
	}
	field_key(w, key);
	return MOVE_STAY;
}

const WizScreen screen_connect = {"Connect", hints, enter, leave, draw, key, screen_nothing};
