#include "config.h"

#include "journal.h"
#include "clock.h"
#include "termsafe.h"
#include "strbuf.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#define JOURNAL_NAME "journal.log"

/* CRC-32 (IEEE 802.3, as zlib and cksum -o3 compute it) */
uint32_t
crc32_of(const char *data, size_t len)
{
	return crc32_extend(0, data, len);
}

uint32_t
crc32_extend(uint32_t crc_so_far, const char *data, size_t len)
{
	static uint32_t table[256];
	static bool ready = false;
	uint32_t	crc = crc_so_far ^ 0xFFFFFFFFu;

	if (!ready)
	{
		for (uint32_t i = 0; i < 256; i++)
		{
			uint32_t	c = i;

			for (int k = 0; k < 8; k++)
				c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
			table[i] = c;
		}
		ready = true;
	}
	for (size_t i = 0; i < len; i++)
		crc = table[(crc ^ (unsigned char) data[i]) & 0xFF] ^ (crc >> 8);
	return crc ^ 0xFFFFFFFFu;
}

/*
 * Fields are tab-separated, escaped as for a terminal: no tab or newline
 * inside a field, and the journal is safe to read with cat.
 */
static void
append_field(StrBuf *out, const char *value)
{
	append_terminal_safe(out, value ? value : "");
}

void
journal_format_record(StrBuf *out, const char *time, int step, const char *node,
					  const char *event, const char *detail)
{
	StrBuf		body;

	strbuf_init(&body);
	append_field(&body, time);
	strbuf_printf(&body, "\t%d\t", step);
	append_field(&body, node);
	strbuf_append_char(&body, '\t');
	append_field(&body, event);
	strbuf_append_char(&body, '\t');
	append_field(&body, detail);
	strbuf_printf(out, "%08x\t%s\n", crc32_of(body.data, body.len), body.data);
	strbuf_free(&body);
}

static char *
take_field(char **cursor)
{
	char	   *p = *cursor;
	char	   *tab = strchr(p, '\t');
	size_t		len = tab ? (size_t) (tab - p) : strlen(p);

	*cursor = tab ? tab + 1 : p + len;
	return terminal_unescape(p, len);
}

static void
add_entry(Journal *journal, char *time, int step, const char *node,
		  const char *event, const char *detail)
{
	JournalEntry *e;

	journal->entries = xrealloc(journal->entries,
								sizeof(JournalEntry) * (size_t) (journal->nentries + 1));
	e = &journal->entries[journal->nentries++];
	e->time = time;
	e->step = step;
	e->node = xstrdup(node ? node : "");
	e->event = xstrdup(event);
	e->detail = xstrdup(detail ? detail : "");
}

/* A line is "CRC8HEX\tTIME\tSTEP\tNODE\tEVENT\tDETAIL" */
static bool
line_valid(const char *line, size_t len)
{
	char		want[9];

	if (len < 10 || line[8] != '\t')
		return false;
	snprintf(want, sizeof(want), "%08x", crc32_of(line + 9, len - 9));
	return memcmp(line, want, 8) == 0;
}

static void
parse_line(Journal *journal, char *line)
{
	char	   *cursor = line + 9;
	char	   *time = take_field(&cursor);
	char	   *step = take_field(&cursor);
	char	   *node = take_field(&cursor);
	char	   *event = take_field(&cursor);
	char	   *detail = take_field(&cursor);

	add_entry(journal, time, atoi(step), node, event, detail);
	free(step);
	free(node);
	free(event);
	free(detail);
}

bool
journal_parse(Journal *journal, char *text, size_t size, size_t *intact,
			  PgError *error)
{
	size_t		pos = 0;
	int			lineno = 0;

	*intact = size;
	while (pos < size)
	{
		char	   *line = text + pos;
		char	   *nl = memchr(line, '\n', size - pos);
		size_t		len = nl ? (size_t) (nl - line) : size - pos;
		bool		last = nl == NULL || pos + len + 1 >= size;

		lineno++;
		if (nl == NULL || !line_valid(line, len) || memchr(line, '\0', len) != NULL)
		{
			StrBuf		shown;

			if (!last)
			{
				pgerror_setf(error, "%s is damaged at line %d, before its end: a torn write can only damage the last line, so it cannot be trusted",
							 journal->path, lineno);
				pgerror_set_hint(error, "Keep it for the record; settle the cluster by hand or with a new work directory and a new plan.");
				return false;
			}
			strbuf_init(&shown);
			append_field(&shown, line);
			if (shown.len > 200)
			{
				shown.data[200] = '\0';
				shown.len = 200;
			}
			journal->repaired = xasprintf("line %d (%zu bytes, %s) was torn or corrupt and was cut off: \"%s\"",
										  lineno, len + (nl ? 1 : 0),
										  nl ? "wrong checksum" : "no end of line", shown.data);
			strbuf_free(&shown);
			*intact = pos;
			return true;
		}
		line[len] = '\0';
		parse_line(journal, line);
		pos += len + 1;
	}
	return true;
}

bool
journal_open(Journal *journal, const Workdir *wd, PgError *error)
{
	char		errbuf[512];
	StrBuf		all;
	char		chunk[8192];
	ssize_t		n;
	size_t		intact;
	bool		ok;

	memset(journal, 0, sizeof(*journal));
	journal->path = xasprintf("%s/" JOURNAL_NAME, wd->path);
	journal->dirfd = wd->fd;
	journal->fd = private_open_existing(wd->fd, wd->path, JOURNAL_NAME, O_RDWR | O_APPEND,
										errbuf, sizeof(errbuf));
	if (journal->fd < 0 && errno == ENOENT)
	{
		journal->fd = openat(wd->fd, JOURNAL_NAME,
							 O_RDWR | O_APPEND | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
		if (journal->fd < 0 || !fsync_dir(wd->fd))
		{
			pgerror_setf(error, "could not create %s: %s", journal->path, strerror(errno));
			return false;
		}
	}
	if (journal->fd < 0)
	{
		pgerror_set(error, NULL, errbuf, NULL, NULL);
		return false;
	}
	/* two runs on one work directory would each trust a journal the other writes */
	if (flock(journal->fd, LOCK_EX | LOCK_NB) != 0)
	{
		pgerror_setf(error, "another citus-rescue run is using the work directory %s", wd->path);
		return false;
	}
	strbuf_init(&all);
	while ((n = read(journal->fd, chunk, sizeof(chunk))) != 0)
	{
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
		{
			pgerror_setf(error, "could not read %s: %s", journal->path, strerror(errno));
			strbuf_free(&all);
			return false;
		}
		strbuf_append_len(&all, chunk, (size_t) n);
	}
	ok = journal_parse(journal, all.data, all.len, &intact, error);
	/* cut the torn tail off, so that no record is ever glued onto it */
	if (ok && intact < all.len &&
		(ftruncate(journal->fd, (off_t) intact) != 0 || fsync(journal->fd) != 0))
	{
		pgerror_setf(error, "could not cut the torn end off %s: %s",
				 journal->path, strerror(errno));
		ok = false;
	}
	strbuf_free(&all);
	return ok;
}

void
journal_close(Journal *journal)
{
	if (journal->fd >= 0)
		close(journal->fd);
	for (int i = 0; i < journal->nentries; i++)
	{
		free(journal->entries[i].time);
		free(journal->entries[i].node);
		free(journal->entries[i].event);
		free(journal->entries[i].detail);
	}
	free(journal->entries);
	free(journal->path);
	free(journal->repaired);
	free(journal->failure);
	memset(journal, 0, sizeof(*journal));
	journal->fd = -1;
	journal->dirfd = -1;
}

typedef enum FaultAction
{
	FAULT_NONE,
	FAULT_KILL,
	FAULT_SIGNAL,
	FAULT_FAIL_WRITE,
	FAULT_FAIL_FSYNC
} FaultAction;

/* The spec names the record by its number, or by its event (its first record of that event) */
static bool
fault_names_record(const char *spec, size_t len, int record, const char *event)
{
	if (len > 0 && isdigit((unsigned char) spec[0]))
		return atoi(spec) == record;
	return strlen(event) == len && strncmp(spec, event, len) == 0;
}

static FaultAction
fault_at(int record, const char *event, int *signo)
{
	const char *spec = getenv(JOURNAL_FAULT_ENV);
	char	   *colon;
	const char *action;

	if (spec == NULL || (colon = strchr(spec, ':')) == NULL ||
		!fault_names_record(spec, (size_t) (colon - spec), record, event))
		return FAULT_NONE;
	action = colon + 1;
	if (strcmp(action, "kill") == 0)
		return FAULT_KILL;
	if (strcmp(action, "fail") == 0)
		return FAULT_FAIL_WRITE;
	if (strcmp(action, "fsync") == 0)
		return FAULT_FAIL_FSYNC;
	*signo = strcmp(action, "INT") == 0 ? SIGINT : strcmp(action, "TERM") == 0 ? SIGTERM :
		strcmp(action, "HUP") == 0 ? SIGHUP : strcmp(action, "PIPE") == 0 ? SIGPIPE : 0;
	return *signo ? FAULT_SIGNAL : FAULT_NONE;
}

static int	records_written_by_process = 0;

static bool
write_line(Journal *journal, const StrBuf *line, FaultAction fault)
{
	const char *p = line->data;
	size_t		left = line->len;

	if (fault == FAULT_FAIL_WRITE)
	{
		/* a disk that fills up mid-record */
		if (write(journal->fd, p, left / 2) < 0)
			return false;
		errno = ENOSPC;
		return false;
	}
	if (!write_all(journal->fd, p, left))
		return false;
	if (fault == FAULT_FAIL_FSYNC)
	{
		errno = EIO;
		return false;
	}
	return fsync(journal->fd) == 0;
}

bool
journal_write(Journal *journal, int step, const char *node,
			  const char *event, const char *detail)
{
	StrBuf		line;
	char	   *now;
	FaultAction fault;
	int			signo = 0;

	if (journal->failure || journal->fd < 0)
		return false;
	now = timestamp_now();
	strbuf_init(&line);
	journal_format_record(&line, now, step, node, event, detail);

	journal->written++;
	/* counted over the process: recover writes verify's records through a journal opened anew */
	records_written_by_process++;
	fault = fault_at(records_written_by_process, event, &signo);
	/* the journal is what a rerun trusts: each record reaches the disk before anything goes on */
	if (!write_line(journal, &line, fault))
	{
		journal->failure = xasprintf("could not write the journal %s: %s", journal->path, strerror(errno));
		strbuf_free(&line);
		free(now);
		return false;
	}
	strbuf_free(&line);
	add_entry(journal, now, step, node, event, detail);
	if (fault == FAULT_KILL)
		raise(SIGKILL);
	else if (fault == FAULT_SIGNAL)
		kill(getpid(), signo);
	return true;
}

bool
journal_write_durable(Journal *journal, int step, const char *node,
					  const char *event, const char *detail)
{
	if (!journal_write(journal, step, node, event, detail))
		return false;
	if (!fsync_dir(journal->dirfd))
	{
		journal->failure = xasprintf("could not make the journal %s durable: %s",
									 journal->path, strerror(errno));
		return false;
	}
	return true;
}

bool
journal_has(const Journal *journal, int step, const char *event)
{
	for (int i = 0; i < journal->nentries; i++)
		if ((step < 0 || journal->entries[i].step == step) &&
			strcmp(journal->entries[i].event, event) == 0)
			return true;
	return false;
}

const char *
journal_find(const Journal *journal, const char *event)
{
	for (int i = 0; i < journal->nentries; i++)
		if (strcmp(journal->entries[i].event, event) == 0)
			return journal->entries[i].detail;
	return NULL;
}
