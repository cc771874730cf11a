#include "config.h"

#include "journal.h"
#include "strbuf.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

char *
timestamp_now(void)
{
	struct timeval tv;
	struct tm	tm;
	char		buf[64];

	gettimeofday(&tv, NULL);
	gmtime_r(&tv.tv_sec, &tm);
	strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%S", &tm);
	return xasprintf("%s.%03dZ", buf, (int) (tv.tv_usec / 1000));
}

char *
workdir_default_name(void)
{
	time_t		now = time(NULL);
	struct tm	tm;
	char		buf[64];

	localtime_r(&now, &tm);
	strftime(buf, sizeof(buf), "citus-rescue-%Y%m%d-%H%M%S", &tm);
	return xstrdup(buf);
}

bool
workdir_prepare(const char *dir, char *errbuf, size_t errlen)
{
	struct stat st;

	if (mkdir(dir, 0700) != 0 && errno != EEXIST)
	{
		snprintf(errbuf, errlen, "could not create work directory \"%s\": %s", dir, strerror(errno));
		return false;
	}
	if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
	{
		snprintf(errbuf, errlen, "\"%s\" is not a directory", dir);
		return false;
	}
	return true;
}

bool
write_private_file(const char *path, const char *text, size_t len,
				   char *errbuf, size_t errlen)
{
	int			fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	bool		ok;

	if (fd < 0)
	{
		snprintf(errbuf, errlen, "could not write \"%s\": %s", path, strerror(errno));
		return false;
	}
	ok = write(fd, text, len) == (ssize_t) len && fsync(fd) == 0;
	if (!ok)
		snprintf(errbuf, errlen, "could not write \"%s\": %s", path, strerror(errno));
	close(fd);
	return ok;
}

/* Fields are tab-separated; tabs, newlines and backslashes inside escaped. */
static void
append_field(StrBuf *out, const char *value)
{
	for (const char *p = value ? value : ""; *p; p++)
	{
		if (*p == '\\')
			strbuf_append(out, "\\\\");
		else if (*p == '\t')
			strbuf_append(out, "\\t");
		else if (*p == '\n')
			strbuf_append(out, "\\n");
		else if (*p == '\r')
			strbuf_append(out, "\\r");
		else
			strbuf_append_char(out, *p);
	}
}

static char *
take_field(char **cursor)
{
	StrBuf		out;
	char	   *p = *cursor;

	strbuf_init(&out);
	for (; *p && *p != '\t'; p++)
	{
		if (*p == '\\' && p[1])
		{
			p++;
			strbuf_append_char(&out, *p == 't' ? '\t' : *p == 'n' ? '\n' : *p == 'r' ? '\r' : *p);
		}
		else
			strbuf_append_char(&out, *p);
	}
	*cursor = *p ? p + 1 : p;
	return strbuf_steal(&out);
}

static void
load_entries(Journal *journal)
{
	char		err[256];
	FILE	   *f = fopen(journal->path, "r");
	StrBuf		all;
	char		chunk[8192];
	size_t		n;
	char	   *line;
	char	   *next;

	(void) err;
	if (f == NULL)
		return;
	strbuf_init(&all);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		strbuf_append_len(&all, chunk, n);
	fclose(f);
	for (line = all.data; line && *line; line = next)
	{
		char	   *nl = strchr(line, '\n');
		char	   *cursor = line;
		JournalEntry *e;
		char	   *step;

		/* a line cut short by a crash has no newline: ignore it */
		if (nl == NULL)
			break;
		*nl = '\0';
		next = nl + 1;
		journal->entries = xrealloc(journal->entries,
									sizeof(JournalEntry) * (size_t) (journal->nentries + 1));
		e = &journal->entries[journal->nentries++];
		e->time = take_field(&cursor);
		step = take_field(&cursor);
		e->step = atoi(step);
		free(step);
		e->node = take_field(&cursor);
		e->event = take_field(&cursor);
		e->detail = take_field(&cursor);
	}
	strbuf_free(&all);
}

bool
journal_open(Journal *journal, const char *dir, char *errbuf, size_t errlen)
{
	memset(journal, 0, sizeof(*journal));
	journal->path = xasprintf("%s/journal.log", dir);
	load_entries(journal);
	journal->fd = open(journal->path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
	if (journal->fd < 0)
	{
		snprintf(errbuf, errlen, "could not open journal \"%s\": %s", journal->path, strerror(errno));
		return false;
	}
	return true;
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
	memset(journal, 0, sizeof(*journal));
	journal->fd = -1;
}

void
journal_write(Journal *journal, int step, const char *node,
			  const char *event, const char *detail)
{
	StrBuf		line;
	char	   *now = timestamp_now();
	JournalEntry *e;

	strbuf_init(&line);
	strbuf_printf(&line, "%s\t%d\t", now, step);
	append_field(&line, node);
	strbuf_append_char(&line, '\t');
	append_field(&line, event);
	strbuf_append_char(&line, '\t');
	append_field(&line, detail);
	strbuf_append_char(&line, '\n');
	if (journal->fd >= 0)
	{
		/* the journal is what a rerun trusts: it must reach the disk first */
		if (write(journal->fd, line.data, line.len) == (ssize_t) line.len)
			fsync(journal->fd);
	}
	strbuf_free(&line);

	journal->entries = xrealloc(journal->entries,
								sizeof(JournalEntry) * (size_t) (journal->nentries + 1));
	e = &journal->entries[journal->nentries++];
	e->time = now;
	e->step = step;
	e->node = xstrdup(node ? node : "");
	e->event = xstrdup(event);
	e->detail = xstrdup(detail ? detail : "");
}

bool
journal_has(const Journal *journal, int step, const char *event)
{
	for (int i = 0; i < journal->nentries; i++)
		if (journal->entries[i].step == step && strcmp(journal->entries[i].event, event) == 0)
			return true;
	return false;
}

const char *
journal_run_id(const Journal *journal)
{
	for (int i = 0; i < journal->nentries; i++)
		if (strcmp(journal->entries[i].event, "run-id") == 0)
			return journal->entries[i].detail;
	return NULL;
}
