/*
 * Fuzzes the journal reader.  A rerun decides what to resume and what to
 * commit from what journal_parse reads, out of a file a crash may have
 * left in any state, so besides not crashing the reader must agree with
 * the writer: the records it read, written out again, read back the same
 * and whole, and cutting a torn tail leaves a journal with nothing more to
 * cut.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "journal.h"
#include "strbuf.h"

int			LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check(bool condition, const char *what)
{
	if (!condition)
	{
		fprintf(stderr, "journal: %s\n", what);
		abort();
	}
}

static void
start(Journal *journal)
{
	memset(journal, 0, sizeof(*journal));
	journal->path = xstrdup("journal.log");
	journal->fd = -1;
	journal->dirfd = -1;
}

static bool
same_entry(const JournalEntry *a, const JournalEntry *b)
{
	return a->step == b->step && strcmp(a->time, b->time) == 0 &&
		strcmp(a->node, b->node) == 0 && strcmp(a->event, b->event) == 0 &&
		strcmp(a->detail, b->detail) == 0;
}

/* Parses a copy, since journal_parse cuts the lines of its text in place. */
static bool
parse_copy(Journal *journal, const char *text, size_t size, size_t *intact)
{
	char	   *copy = xmalloc(size + 1);
	PgError		err = {0};
	bool		ok;

	memcpy(copy, text, size);
	copy[size] = '\0';
	start(journal);
	ok = journal_parse(journal, copy, size, intact, &err);
	check(ok || (err.message && strstr(err.message, "damaged at line") != NULL), "a refusal without its reason");
	pgerror_clear(&err);
	free(copy);
	return ok;
}

/*
 * Reads a journal's text, checks what the reader promises of what it read,
 * and returns the number of records, or -1 when it refused the text.
 */
static int
check_journal(const char *text, size_t size)
{
	Journal		journal;
	Journal		again;
	StrBuf		rewritten;
	size_t		intact;
	size_t		intact_again;
	int			nentries;

	if (!parse_copy(&journal, text, size, &intact))
	{
		journal_close(&journal);
		return -1;
	}
	check(intact <= size, "the intact part is longer than the text");
	check((intact < size) == (journal.repaired != NULL),
		  "a cut without its explanation, or the reverse");
	check(intact == 0 || text[intact - 1] == '\n', "the cut is not at a line end");

	/* what a repaired journal is cut down to reads whole */
	if (intact < size)
	{
		check(parse_copy(&again, text, intact, &intact_again) &&
			  intact_again == intact && again.repaired == NULL &&
			  again.nentries == journal.nentries,
			  "the journal cut at its torn tail does not read whole");
		for (int i = 0; i < journal.nentries; i++)
			check(same_entry(&journal.entries[i], &again.entries[i]),
				  "cutting the tail changed a record");
		journal_close(&again);
	}

	/* the records, written again, read back the same */
	strbuf_init(&rewritten);
	for (int i = 0; i < journal.nentries; i++)
	{
		const JournalEntry *e = &journal.entries[i];

		journal_format_record(&rewritten, e->time, e->step, e->node, e->event, e->detail);
	}
	check(parse_copy(&again, rewritten.data, rewritten.len, &intact_again) &&
		  intact_again == rewritten.len && again.repaired == NULL,
		  "records written again do not read whole");
	check(again.nentries == journal.nentries, "records written again read as another number");
	for (int i = 0; i < journal.nentries; i++)
		check(same_entry(&journal.entries[i], &again.entries[i]),
			  "a record written again reads differently");
	journal_close(&again);
	strbuf_free(&rewritten);
	nentries = journal.nentries;
	journal_close(&journal);
	return nentries;
}

/*
 * Random bytes almost never carry a right checksum, which would leave the
 * reading of fields to the seeds alone: the input is read a second time
 * with every line's checksum put right (replaced where it has one).
 */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *) data;
	StrBuf		sealed;
	size_t		pos = 0;
	int			lines = 0;
	bool		plain = memchr(text, '\0', size) == NULL;
	bool		torn = false;
	int			nentries;

	check_journal(text, size);

	strbuf_init(&sealed);
	while (pos < size)
	{
		const char *line = text + pos;
		const char *nl = memchr(line, '\n', size - pos);
		size_t		len = nl ? (size_t) (nl - line) : size - pos;
		const char *content = line;
		size_t		content_len = len;

		if (len >= 9 && line[8] == '\t')
		{
			content += 9;
			content_len -= 9;
		}
		/* a line needs something after its checksum */
		if (content_len == 0)
			plain = false;
		strbuf_printf(&sealed, "%08x\t", crc32_of(content, content_len));
		strbuf_append_len(&sealed, content, content_len);
		if (nl)
			strbuf_append_char(&sealed, '\n');
		else
			torn = true;
		lines++;
		pos += len + 1;
	}
	nentries = check_journal(sealed.data, sealed.len);
	/* lines that all have their checksums are all read, but for a last one cut short */
	if (plain)
		check(nentries == lines - (torn ? 1 : 0), "a journal of well-formed lines is not read whole");
	strbuf_free(&sealed);
	return 0;
}
