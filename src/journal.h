/*
 * The journal of one recovery: an append-only, fsync'd record of every
 * gate passed, every statement, node, time and outcome, which a rerun
 * reads to know whether it resumes and to settle what a killed run left
 * prepared.
 *
 * One record a line, led by a CRC-32 of the rest of the line.  A last line
 * without its newline or with a wrong checksum is a torn tail (the machine
 * died mid-write): opening cuts it off and says so, so that no record is
 * ever glued onto it.  A damaged line before the end is not a tail: the
 * journal is refused.  Once a write or fsync fails, nothing more is
 * written and journal_write keeps returning false.
 */
#ifndef CITUS_RESCUE_JOURNAL_H
#define CITUS_RESCUE_JOURNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "clock.h"
#include "error.h"
#include "strbuf.h"
#include "workdir.h"

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
	int			dirfd;
	int			fd;
	JournalEntry *entries;		/* what earlier runs wrote, then this one */
	int			nentries;
	char	   *repaired;		/* what opening cut off, or NULL */
	char	   *failure;		/* the first failed write or fsync, or NULL */
	int			written;		/* records this process wrote */
} Journal;

/* Opens (or creates) journal.log in the work directory and reads it. */
bool		journal_open(Journal *journal, const Workdir *wd, PgError *error);
void		journal_close(Journal *journal);

/*
 * Reads the records in text (size bytes, text[size] a NUL) into
 * journal->entries; the lines are NUL-terminated in place.  A torn last
 * line is not read: journal->repaired says what it was, and *intact is
 * set to the length of what comes before it (size when nothing is torn).
 * False with error set when a line before the last is damaged.
 */
bool		journal_parse(Journal *journal, char *text, size_t size, size_t *intact,
						  PgError *error);

/*
 * Appends one record, newline included, as journal_write writes it and
 * journal_parse reads it.
 */
void		journal_format_record(StrBuf *out, const char *time, int step, const char *node,
								  const char *event, const char *detail);

/*
 * Appends one record and fsyncs it; false when it could not (the reason
 * is in journal->failure, and nothing more will be written).
 */
bool		journal_write(Journal *journal, int step, const char *node,
						  const char *event, const char *detail);

/* journal_write, then the directory fsync'd too: for the records a rerun must find. */
bool		journal_write_durable(Journal *journal, int step, const char *node,
								  const char *event, const char *detail);

/* Whether a record with this event (for this step; -1 any step) exists. */
bool		journal_has(const Journal *journal, int step, const char *event);

/* The detail of the first record with this event, or NULL. */
const char *journal_find(const Journal *journal, const char *event);

uint32_t	crc32_of(const char *data, size_t len);

/*
 * The CRC-32 of what crc_so_far covered followed by data, as zlib's
 * crc32() chains: crc32_of(a + b) is crc32_extend(crc32_of(a), b).
 */
uint32_t	crc32_extend(uint32_t crc_so_far, const char *data, size_t len);

/*
 * Fault injection for the tests: CITUS_RESCUE_TEST_FAULT=N:ACTION acts at
 * the N-th record this process writes (to any journal it opens: recover
 * writes verify's records through a second), EVENT:ACTION at its first record of
 * that event (stepping, gate, ...), which stays right when records are
 * added before it.  ACTION is kill (SIGKILL once the
 * record is on disk), INT, TERM, HUP or PIPE (that signal, likewise), fail
 * (half the record is written, then the write fails as on a full disk) or
 * fsync (the record is written, then its fsync fails).
 */
#define JOURNAL_FAULT_ENV "CITUS_RESCUE_TEST_FAULT"

#endif
