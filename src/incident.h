/*
 * The post-incident report of one recovery, in Markdown, from what its
 * work directory holds: the plan, the journal, the backup's manifest and
 * run.log.  Pure: the inputs are parsed before, so that the report of a
 * damaged directory can be tested without one.  Every string from the
 * cluster or a file is escaped for Markdown and made inert for a
 * terminal; SQL goes in code blocks no line of it can close.
 */
#ifndef CITUS_RESCUE_INCIDENT_H
#define CITUS_RESCUE_INCIDENT_H

#include <stdbool.h>

#include "journal.h"
#include "plan.h"
#include "strbuf.h"

typedef struct IncidentInputs
{
	const char *workdir;		/* as the reader is shown it */
	const char *generated;		/* when the report was written */
	const Plan *plan;			/* NULL when plan.sql is missing or unreadable */
	const JournalEntry *entries;	/* journal.log's records, oldest first */
	int			nentries;
	bool		has_journal;
	const char *manifest;		/* backup/MANIFEST, or NULL */
	const char *backup_check;	/* what reading the backup against its manifest said, or NULL */
	bool		backup_ok;
	bool		has_restore;	/* restore.sh is there */
	int			runlog_lines;	/* -1: no run.log */
	const char *runlog_first;	/* the times of its first and last lines, or NULL */
	const char *runlog_last;
	const StrList *runlog_headers;	/* run.log's header lines: each run's command and operator */
	const StrList *problems;	/* what is missing or damaged, in words */
} IncidentInputs;

/* Appends the whole report. */
void		incident_render(StrBuf *out, const IncidentInputs *in);

/* Whether anything the report is made of is there: a plan, journal records or a backup. */
bool		incident_usable(const IncidentInputs *in);

/* Text as Markdown reads it literally: controls escaped, punctuation backslashed. */
void		md_append_text(StrBuf *out, const char *text);

/* A fenced code block holding text, fenced longer than any backtick run in it. */
void		md_append_code(StrBuf *out, const char *info, const char *text);

/* Milliseconds since the epoch of a journal time (2026-01-02T03:04:05.678Z); -1 if it is not one. */
long long	journal_time_ms(const char *time);

#endif
