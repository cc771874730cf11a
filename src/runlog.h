/*
 * run.log: everything a run prints, kept in its work directory with the
 * time of each line, for the post-incident report.  stdout and stderr are
 * replaced by streams that write through to the terminal as before and
 * copy each line, stamped and without colour escapes, to the log.  What a
 * run prints before its work directory is known is held and written
 * first.  The log is a record, not state: a failed write is said once on
 * stderr and the run goes on without it.
 */
#ifndef CITUS_RESCUE_RUNLOG_H
#define CITUS_RESCUE_RUNLOG_H

#include <stdbool.h>

#include "workdir.h"

#define RUNLOG_NAME "run.log"

typedef enum RunLogMode
{
	RUNLOG_NONE,				/* a command without a work directory */
	RUNLOG_STREAMS,				/* stdout and stderr copied */
	RUNLOG_EVENTS				/* the wizard, whose screen is not text: its events and typed choices */
} RunLogMode;

/*
 * Starts the log of this run: its header (argv scrubbed of passwords,
 * who runs it), then, with RUNLOG_STREAMS, the copy of stdout and stderr.
 */
void		runlog_begin(RunLogMode mode, int argc, char **argv);

/*
 * Opens run.log in the work directory (appending: a resumed run adds to
 * it), writes the run's header and what was held.  Nothing happens when
 * no log was begun, or when one is already open there.
 */
void		runlog_attach(const Workdir *wd);

/* A line of the log that the terminal did not show as text (a screen's event); thread-safe. */
void		runlog_line(const char *fmt,...) __attribute__((format(printf, 1, 2)));

/* What the operator typed at a question; the answer is made safe for the log. */
void		runlog_typed(const char *question, const char *answer);

/*
 * The text of a line as the log keeps it: ANSI SGR escapes (ESC [ ... m)
 * dropped, every other control made visible.  malloc'd.
 */
char	   *runlog_clean_line(const char *text, size_t len);

/* Now, local time, ISO 8601 with milliseconds and the zone: 2026-11-30T01:02:03.456+00:00 */
char	   *runlog_timestamp(void);

#endif
