/* fopencookie */
#define _GNU_SOURCE
#include "config.h"

#include "runlog.h"
#include "operator.h"
#include "scrub.h"
#include "strbuf.h"
#include "termsafe.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

/* One of the replaced streams: where its bytes went before, and its unfinished line */
typedef struct TeeStream
{
	int			fd;
	const char *tag;
	StrBuf		pending;
} TeeStream;

/* The wizard's events arrive on its worker thread while its screens log typed answers */
static pthread_mutex_t runlog_lock = PTHREAD_MUTEX_INITIALIZER;

static struct
{
	bool		begun;
	int			fd;				/* run.log once attached, else -1 */
	bool		failed;			/* a write failed: said once, nothing more written */
	char	   *header;
	StrBuf		held;			/* stamped lines from before the work directory was known */
	TeeStream	streams[2];
} runlog = {.fd = -1};

char *
runlog_timestamp(void)
{
	struct timeval tv;
	struct tm	tm;
	char		when[64];
	char		zone[16];

	gettimeofday(&tv, NULL);
	localtime_r(&tv.tv_sec, &tm);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%S", &tm);
	strftime(zone, sizeof(zone), "%z", &tm);
	/* ISO 8601's extended form wants +hh:mm where strftime gives +hhmm */
	return xasprintf("%s.%03d%.3s:%.2s", when, (int) (tv.tv_usec / 1000), zone, zone + 3);
}

char *
runlog_clean_line(const char *text, size_t len)
{
	StrBuf		plain;
	StrBuf		safe;

	strbuf_init(&plain);
	for (size_t i = 0; i < len; i++)
	{
		size_t		end = i + 2;

		if (text[i] == '\033' && i + 1 < len && text[i + 1] == '[')
		{
			while (end < len && strchr("0123456789;:", text[end]))
				end++;
			if (end < len && text[end] == 'm')
			{
				i = end;
				continue;
			}
		}
		if (text[i] == '\r' && i + 1 == len)
			break;
		if (text[i] != '\0')
			strbuf_append_char(&plain, text[i]);
	}
	strbuf_init(&safe);
	append_terminal_safe(&safe, plain.data);
	strbuf_free(&plain);
	return strbuf_steal(&safe);
}

static void
log_failed(const char *what)
{
	char	   *warning = xasprintf("citus-rescue: warning: could not write %s: %s; the run goes on without it\n",
									what, strerror(errno));

	runlog.failed = true;
	/* straight to the terminal: stderr itself copies to the log */
	if (write(STDERR_FILENO, warning, strlen(warning)) < 0)
		runlog.failed = true;
	free(warning);
}

static void
log_append(const char *record)
{
	if (runlog.failed)
		return;
	if (runlog.fd < 0)
		strbuf_append(&runlog.held, record);
	else if (!write_all(runlog.fd, record, strlen(record)))
		log_failed(RUNLOG_NAME);
}

static void
log_stamped(const char *tag, const char *text)
{
	char	   *now = runlog_timestamp();
	char	   *record = xasprintf("%s %s %s\n", now, tag, text);

	pthread_mutex_lock(&runlog_lock);
	log_append(record);
	pthread_mutex_unlock(&runlog_lock);
	free(record);
	free(now);
}

/* Every complete line the stream holds goes to the log. */
static void
stream_flush_lines(TeeStream *s, bool also_partial)
{
	char	   *nl;

	while ((nl = memchr(s->pending.data, '\n', s->pending.len)) != NULL ||
		   (also_partial && s->pending.len > 0))
	{
		size_t		len = nl ? (size_t) (nl - s->pending.data) : s->pending.len;
		size_t		taken = nl ? len + 1 : len;
		char	   *clean = runlog_clean_line(s->pending.data, len);

		log_stamped(s->tag, clean);
		free(clean);
		memmove(s->pending.data, s->pending.data + taken, s->pending.len - taken + 1);
		s->pending.len -= taken;
	}
}

static ssize_t
tee_write(void *cookie, const char *buf, size_t size)
{
	TeeStream  *s = cookie;

	strbuf_append_len(&s->pending, buf, size);
	stream_flush_lines(s, false);
	if (!write_all(s->fd, buf, size))
		return -1;
	return (ssize_t) size;
}

static void
runlog_finish(void)
{
	fflush(stdout);
	fflush(stderr);
	for (int i = 0; i < 2; i++)
		if (runlog.streams[i].pending.data)
			stream_flush_lines(&runlog.streams[i], true);
	if (runlog.fd >= 0 && !runlog.failed && fsync(runlog.fd) != 0)
		log_failed(RUNLOG_NAME);
}

/* A word of the command line as the header shows it: scrubbed, and quoted when it has spaces */
static void
append_argument(StrBuf *out, const char *word)
{
	char	   *scrubbed = argument_scrubbed(word);
	char	   *safe = terminal_safe_dup(scrubbed);
	bool		quote = *safe == '\0' || strpbrk(safe, " '\"") != NULL;

	strbuf_printf(out, quote ? " '%s'" : " %s", safe);
	free(safe);
	free(scrubbed);
}

static void
start(int argc, char **argv)
{
	StrBuf		header;
	char	   *who = operator_identity();

	strbuf_init(&header);
	strbuf_printf(&header, "=== citus-rescue %s, pid %ld, operator %s, command:", PACKAGE_VERSION,
				  (long) getpid(), who);
	strbuf_append(&header, " citus-rescue");
	for (int i = 1; i < argc; i++)
		append_argument(&header, argv[i]);
	free(who);
	runlog.begun = true;
	strbuf_init(&runlog.held);
	log_stamped("run", header.data);
	strbuf_free(&header);
	atexit(runlog_finish);
}

static FILE *
tee_stream(TeeStream *s, int fd, const char *tag, int buffering)
{
	cookie_io_functions_t io = {.write = tee_write};
	FILE	   *stream;

	s->fd = fd;
	s->tag = tag;
	strbuf_init(&s->pending);
	stream = fopencookie(s, "w", io);
	if (stream)
		setvbuf(stream, NULL, buffering, BUFSIZ);
	return stream;
}

void
runlog_begin(RunLogMode mode, int argc, char **argv)
{
	FILE	   *out;
	FILE	   *err;

	if (runlog.begun || mode == RUNLOG_NONE)
		return;
	start(argc, argv);
	if (mode == RUNLOG_EVENTS)
		return;
	fflush(stdout);
	fflush(stderr);
	out = tee_stream(&runlog.streams[0], STDOUT_FILENO, "out", _IOLBF);
	err = tee_stream(&runlog.streams[1], STDERR_FILENO, "err", _IONBF);
	/* without the copy the run is still worth more than its log */
	if (out)
		stdout = out;
	if (err)
		stderr = err;
}

static int
open_log(const Workdir *wd)
{
	char		errbuf[512];
	int			fd = private_open_existing(wd->fd, wd->path, RUNLOG_NAME, O_WRONLY | O_APPEND,
										   errbuf, sizeof(errbuf));

	if (fd < 0 && errno == ENOENT)
	{
		fd = openat(wd->fd, RUNLOG_NAME,
					O_WRONLY | O_APPEND | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
		if (fd >= 0 && !fsync_dir(wd->fd))
		{
			close(fd);
			fd = -1;
		}
	}
	return fd;
}

void
runlog_attach(const Workdir *wd)
{
	char	   *where;

	if (!runlog.begun || runlog.fd >= 0 || runlog.failed)
		return;
	/* the wizard's screen is curses' own: only copied streams have lines to push out */
	if (runlog.streams[0].pending.data)
	{
		fflush(stdout);
		fflush(stderr);
	}
	where = xasprintf("%s/%s", wd->path, RUNLOG_NAME);
	pthread_mutex_lock(&runlog_lock);
	runlog.fd = open_log(wd);
	if (runlog.fd < 0)
		log_failed(where);
	else if (!write_all(runlog.fd, runlog.held.data, runlog.held.len))
		log_failed(where);
	strbuf_reset(&runlog.held);
	pthread_mutex_unlock(&runlog_lock);
	free(where);
}

void
runlog_line(const char *fmt,...)
{
	va_list		ap;
	char	   *text;
	char	   *clean;

	if (!runlog.begun)
		return;
	va_start(ap, fmt);
	text = xvasprintf(fmt, ap);
	va_end(ap);
	clean = runlog_clean_line(text, strlen(text));
	log_stamped("event", clean);
	free(clean);
	free(text);
}

void
runlog_typed(const char *question, const char *answer)
{
	char	   *q;
	char	   *a;
	char	   *line;

	if (!runlog.begun)
		return;
	q = runlog_clean_line(question, strlen(question));
	a = runlog_clean_line(answer, strlen(answer));
	line = xasprintf("%s%s[typed] %s", q, *q && q[strlen(q) - 1] == ' ' ? "" : " ", a);
	log_stamped("in", line);
	free(line);
	free(a);
	free(q);
}
