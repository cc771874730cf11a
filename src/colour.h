/*
 * Colour on the command line, by PostgreSQL's convention: PG_COLOR=always
 * colours, PG_COLOR=never (or any other value, as PostgreSQL's tools
 * read it) does not, and auto, the default, colours a stream only when it
 * is a terminal.  A non-empty NO_COLOR turns colour off unless PG_COLOR
 * is always.  The roles are the wizard's: good green, warning bold
 * yellow, bad bold red.
 */
#ifndef CITUS_RESCUE_COLOUR_H
#define CITUS_RESCUE_COLOUR_H

#include <stdbool.h>
#include <stdio.h>

#include "events.h"

typedef enum ColourRole
{
	COLOUR_NONE,
	COLOUR_GOOD,
	COLOUR_WARN,
	COLOUR_BAD,
	COLOUR_NOTE					/* DETAIL: and HINT:, as PostgreSQL's tools colour them */
} ColourRole;

/*
 * Decides once, from the environment and whether standard output and
 * standard error were terminals when the program started (their file
 * descriptors, not whatever FILE later stands in for them).
 */
void		colour_setup(bool stdout_is_terminal, bool stderr_is_terminal);

/* Machine-readable output on standard output is never coloured. */
void		colour_stdout_off(void);

/* Whether text for out (stdout or stderr; anything else: no) is coloured */
bool		colour_enabled(FILE *out);

/* The escape that starts role on out, and the one that ends it; "" when not coloured */
const char *colour_start(FILE *out, ColourRole role);
const char *colour_end(FILE *out, ColourRole role);

ColourRole	colour_of_check(CheckStatus status);
/* The role of an event's line: its check status, step state or note level */
ColourRole	colour_of_event(const Event *event);

#endif
