/*
 * The work directory of one recovery and its journal: an append-only,
 * fsync'd record of every statement, node, start and end time and outcome,
 * which a rerun reads to settle what a killed run left prepared.
 */
#ifndef CITUS_RESCUE_JOURNAL_H
#define CITUS_RESCUE_JOURNAL_H

#include <stdbool.h>
#include <stddef.h>

typedef struct JournalEntry
{
	char	   *time;
	int			step;			/* 0 for run-level events */
	char	   *node;
	char	   *event;
	char	   *detail;
} JournalEntry;

typedef struct Journal
{
	char	   *path;
	int			fd;
	JournalEntry *entries;		/* what earlier runs wrote */
	int			nentries;
} Journal;

/* Creates DIR (0700) if needed; false with errbuf when it cannot. */
bool		workdir_prepare(const char *dir, char *errbuf, size_t errlen);

/* ./citus-rescue-YYYYMMDD-HHMMSS */
char	   *workdir_default_name(void);

/* Writes a file readable by its owner alone. */
bool		write_private_file(const char *path, const char *text, size_t len,
							   char *errbuf, size_t errlen);

bool		journal_open(Journal *journal, const char *dir, char *errbuf, size_t errlen);
void		journal_close(Journal *journal);

/* Appends and fsyncs one entry. */
void		journal_write(Journal *journal, int step, const char *node,
						  const char *event, const char *detail);

/* Whether an earlier run already recorded this event (for this step). */
bool		journal_has(const Journal *journal, int step, const char *event);

/* The run id (for gids) an earlier run recorded, or NULL. */
const char *journal_run_id(const Journal *journal);

/* Now, as 2026-11-27T13:45:00.123Z */
char	   *timestamp_now(void);

#endif
