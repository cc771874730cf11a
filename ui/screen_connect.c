/* Step 1: connect to one surviving worker. */
#include "config.h"

#include "wizard.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const WizCommand hints[] = {CMD_NEXT, CMD_FIELD, CMD_CANCEL, CMD_NONE};

enum
{
	FIELD_HOST,
	FIELD_PORT,
	FIELD_USER,
	FIELD_DBNAME,
	FIELD_TIMEOUT,
	FIELD_PASSWORD				/* absent under -w */
};

static bool
asks_password(const Wizard *w)
{
	return w->connect.password_mode != PASSWORD_NEVER;
}

static void
enter(Wizard *w)
{
	field_add(w, 5, "Host      ", w->connect.host, false);
	field_add(w, 7, "Port      ", w->connect.port, false);
	field_add(w, 9, "User      ", w->connect.user, false);
	field_add(w, 11, "Database  ", w->connect.dbname, false);
	field_add(w, 13, "Timeout s ", w->connect.timeout, false);
	if (asks_password(w))
		field_add(w, 15, "Password  ", w->connect.password, true);
}

static void
leave(Wizard *w)
{
	fields_clear(w);
}

static void
draw(Wizard *w)
{
	draw_text(w, 2, 2, MARK_PLAIN, "Connect to one surviving worker: citus-rescue reads pg_dist_node there");
	draw_text(w, 3, 2, MARK_PLAIN, "and reaches every other node with the same user, database and settings.");
	draw_text(w, 17, 2, MARK_PLAIN, "Empty fields take PGHOST, PGPORT, PGUSER, PGDATABASE, ~/.pgpass and services.");
	switch (w->connect.password_mode)
	{
		case PASSWORD_NEVER:
			draw_text(w, 18, 2, MARK_PLAIN, "-w: no password is asked for (PGPASSWORD and ~/.pgpass still apply).");
			break;
		case PASSWORD_ALWAYS:
			draw_text(w, 18, 2, MARK_PLAIN, "-W: type the password before connecting; it is never shown or saved.");
			break;
		default:
			draw_text(w, 18, 2, MARK_PLAIN, "Type a password only if a server wants one; it is never shown or saved.");
	}
	/* the server's words in full: the rows down to the message line are free here */
	if (w->connect_error[0])
		draw_wrapped(w, 19, 2, MARK_BAD, w->connect_error, LINES - 3 - 19);
}

static WizMove
key(Wizard *w, int key, WizCommand command)
{
	if (command == CMD_NEXT)
	{
		field_value(w, FIELD_HOST, w->connect.host, sizeof(w->connect.host));
		field_value(w, FIELD_PORT, w->connect.port, sizeof(w->connect.port));
		field_value(w, FIELD_USER, w->connect.user, sizeof(w->connect.user));
		field_value(w, FIELD_DBNAME, w->connect.dbname, sizeof(w->connect.dbname));
		field_value(w, FIELD_TIMEOUT, w->connect.timeout, sizeof(w->connect.timeout));
		if (asks_password(w))
			field_value(w, FIELD_PASSWORD, w->connect.password, sizeof(w->connect.password));
		if (w->connect.password_mode == PASSWORD_ALWAYS && w->connect.password[0] == '\0')
		{
			snprintf(w->connect_error, sizeof(w->connect_error),
					 "-W was given: type the password before connecting.");
			return MOVE_STAY;
		}
		w->connect_error[0] = '\0';
		return MOVE_NEXT;
	}
	field_key(w, key);
	return MOVE_STAY;
}

const WizScreen screen_connect = {"Connect", hints, enter, leave, draw, key, screen_nothing};
