/* report: the post-incident report of a work directory, in Markdown. */
#include "config.h"

#include "backup.h"
#include "cli.h"
#include "exitcodes.h"
#include "incident.h"
#include "journal.h"
#include "planfile.h"
#include "runlog.h"
#include "workdir.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* What the work directory held, parsed, and what it lacked */
typedef struct Gathered
{
	Workdir		wd;
	Plan		plan;
	bool		plan_ok;
	Journal		journal;
	char	   *manifest;
	char		backup_check[1024];
	char	   *runlog;
	char	   *runlog_first;
	char	   *runlog_last;
	StrList		runlog_headers;
	StrList		problems;
} Gathered;

static void
problem(Gathered *g, const char *fmt,...) __attribute__((format(printf, 2, 3)));

static void
problem(Gathered *g, const char *fmt,...)
{
	va_list		ap;
	char	   *text;

	va_start(ap, fmt);
	text = xvasprintf(fmt, ap);
	va_end(ap);
	strlist_add(&g->problems, text);
	free(text);
}

static void
gather_plan(Gathered *g)
{
	char		errbuf[1024];
	char	   *text = read_private_file(g->wd.fd, g->wd.path, "plan.sql", errbuf, sizeof(errbuf));

	if (text == NULL)
		problem(g, "plan.sql: %s", errno == ENOENT ? "not there (the run stopped before its plan was placed)" : errbuf);
	else if (!(g->plan_ok = planfile_parse(text, &g->plan, errbuf, sizeof(errbuf))))
		problem(g, "plan.sql cannot be read as a plan: %s", errbuf);
	free(text);
}

/* The journal read as a rerun would, but left as it is: no lock taken, no torn tail cut */
static void
gather_journal(Gathered *g)
{
	char		errbuf[1024];
	char	   *text = read_private_file(g->wd.fd, g->wd.path, "journal.log", errbuf, sizeof(errbuf));
	PgError		error = {0};
	size_t		intact;

	g->journal.fd = -1;
	g->journal.path = xasprintf("%s/journal.log", g->wd.path);
	if (text == NULL)
	{
		problem(g, "journal.log: %s", errno == ENOENT ? "not there: no run started in this directory" : errbuf);
		return;
	}
	if (!journal_parse(&g->journal, text, strlen(text), &intact, &error))
		problem(g, "%s (the records before the damage are reported)", error.message);
	if (g->journal.repaired)
		problem(g, "journal.log: %s", g->journal.repaired);
	pgerror_clear(&error);
	free(text);
}

static void
gather_backup(Gathered *g, bool *backup_ok)
{
	char		errbuf[1024];
	int			backup_fd = openat(g->wd.fd, "backup", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	char	   *where = xasprintf("%s/backup", g->wd.path);

	if (backup_fd >= 0)
	{
		g->manifest = read_private_file(backup_fd, where, "MANIFEST", errbuf, sizeof(errbuf));
		if (g->manifest == NULL)
			problem(g, "backup/MANIFEST: %s", errbuf);
		close(backup_fd);
		*backup_ok = backup_verify(&g->wd, g->backup_check, sizeof(g->backup_check), errbuf, sizeof(errbuf));
		if (!*backup_ok)
			snprintf(g->backup_check, sizeof(g->backup_check), "%s", errbuf);
	}
	else
		problem(g, "backup/: %s", errno == ENOENT ? "not there: no backup was taken" : strerror(errno));
	free(where);
}

/* The time of a run.log line: its first word */
static char *
line_time(const char *line)
{
	return xstrndup(line, strcspn(line, " \n"));
}

static int
gather_runlog(Gathered *g)
{
	char		errbuf[1024];
	int			lines = 0;
	const char *last = NULL;

	g->runlog = read_private_file(g->wd.fd, g->wd.path, RUNLOG_NAME, errbuf, sizeof(errbuf));
	if (g->runlog == NULL)
	{
		problem(g, "run.log: %s", errno == ENOENT ? "not there" : errbuf);
		return -1;
	}
	for (const char *p = g->runlog; *p; p++)
		if (p == g->runlog || p[-1] == '\n')
		{
			const char *header = strstr(p, " run === ");

			lines++;
			last = p;
			/* a header is the run tag right after the line's time */
			if (header && header == p + strcspn(p, " \n"))
			{
				char	   *line = xstrndup(p, strcspn(p, "\n"));

				strlist_add(&g->runlog_headers, line);
				free(line);
			}
		}
	if (lines > 0)
	{
		g->runlog_first = line_time(g->runlog);
		g->runlog_last = line_time(last);
	}
	return lines;
}

static bool
has_restore_script(const Gathered *g)
{
	struct stat st;

	return fstatat(g->wd.fd, "restore.sh", &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(st.st_mode);
}

static bool
write_report(const char *output, const StrBuf *text)
{
	int			fd;
	bool		ok;

	if (output == NULL)
		return fwrite(text->data, 1, text->len, stdout) == text->len && fflush(stdout) == 0;
	fd = open(output, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return false;
	ok = write_all(fd, text->data, text->len) && fsync(fd) == 0;
	return close(fd) == 0 && ok;
}

static void
report_usage(FILE *out)
{
	fprintf(out,
			"citus-rescue report writes the post-incident report of a recovery, in\n"
			"Markdown, from what its work directory holds (plan.sql, journal.log,\n"
			"backup/, restore.sh, run.log).  It connects to nothing and changes nothing.\n"
			"\n"
			"Usage:\n"
			"  citus-rescue report WORKDIR [-o FILE]\n"
			"\n"
			"  -o, --output=FILE        write the report there instead of to stdout\n"
			"\n"
			"Exit status: 0 a report was written (it lists what was missing or damaged),\n"
			"12 the directory holds nothing to report on, 1 the report could not be\n"
			"written, 2 bad usage.\n");
}

/* Parses report's arguments; an exit code, or -1 after --help or --version */
static int
parse_report_args(int argc, char **argv, char **output)
{
	static const struct option long_options[] = {
		{"output", required_argument, NULL, 'o'},
		{"help", no_argument, NULL, OPT_HELP},
		{"version", no_argument, NULL, OPT_VERSION},
		{NULL, 0, NULL, 0}
	};
	int			opt;

	optind = 1;
	while ((opt = getopt_long(argc, argv, "o:", long_options, NULL)) != -1)
	{
		if (opt == 'o')
		{
			free(*output);
			*output = xstrdup(optarg);
			continue;
		}
		if (opt == OPT_HELP)
			report_usage(stdout);
		else if (opt == OPT_VERSION)
			cli_print_version();
		else
			fprintf(stderr, "Try \"citus-rescue report --help\" for more information.\n");
		return opt == OPT_HELP || opt == OPT_VERSION ? -1 : EXIT_CODE_BAD_USAGE;
	}
	if (argc - optind != 1)
	{
		cli_error("give one work directory");
		return EXIT_CODE_BAD_USAGE;
	}
	return EXIT_CODE_OK;
}

/* Opens the directory without making it: workdir_open creates a missing one */
static int
open_existing_workdir(const char *dir, Workdir *wd)
{
	struct stat st;
	PgError		error = {0};

	if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
	{
		pgerror_setf(&error, "could not open the work directory \"%s\": %s", dir,
					 errno == 0 || S_ISDIR(st.st_mode) ? "not a directory" : strerror(errno));
		pgerror_set_hint(&error, "Give the directory apply or recover printed as its work directory.");
	}
	else if (workdir_open(wd, dir, &error))
		return EXIT_CODE_OK;
	pgerror_print(stderr, &error);
	pgerror_clear(&error);
	return EXIT_CODE_NO_RECORD;
}

static void
gathered_free(Gathered *g)
{
	plan_free(&g->plan);
	journal_close(&g->journal);
	workdir_close(&g->wd);
	free(g->manifest);
	free(g->runlog);
	free(g->runlog_first);
	free(g->runlog_last);
	strlist_free(&g->runlog_headers);
	strlist_free(&g->problems);
}

static int
render_gathered(Gathered *g, const char *output)
{
	IncidentInputs in = {0};
	StrBuf		text;
	char	   *now = runlog_timestamp();
	int			code;

	in.workdir = g->wd.path;
	in.generated = now;
	gather_plan(g);
	in.plan = g->plan_ok ? &g->plan : NULL;
	gather_journal(g);
	in.entries = g->journal.entries;
	in.nentries = g->journal.nentries;
	in.has_journal = g->journal.nentries > 0 || g->journal.repaired;
	gather_backup(g, &in.backup_ok);
	in.manifest = g->manifest;
	in.backup_check = g->backup_check[0] ? g->backup_check : NULL;
	in.has_restore = has_restore_script(g);
	in.runlog_lines = gather_runlog(g);
	in.runlog_first = g->runlog_first;
	in.runlog_last = g->runlog_last;
	in.runlog_headers = &g->runlog_headers;
	in.problems = &g->problems;
	strbuf_init(&text);
	incident_render(&text, &in);
	code = incident_usable(&in) ? EXIT_CODE_OK : EXIT_CODE_NO_RECORD;
	if (!write_report(output, &text))
	{
		cli_error("could not write the report to %s: %s", output ? output : "stdout", strerror(errno));
		code = EXIT_CODE_INTERNAL;
	}
	else if (code == EXIT_CODE_NO_RECORD)
		cli_error("the work directory %s holds no plan, journal or backup to report on", g->wd.path);
	strbuf_free(&text);
	free(now);
	return code;
}

int
cmd_report(int argc, char **argv)
{
	Gathered	g;
	char	   *output = NULL;
	int			code;

	memset(&g, 0, sizeof(g));
	g.wd.fd = -1;
	g.journal.fd = -1;
	plan_init(&g.plan);
	code = parse_report_args(argc, argv, &output);
	if (code == EXIT_CODE_OK)
	{
		errno = 0;
		code = open_existing_workdir(argv[optind], &g.wd);
	}
	if (code == EXIT_CODE_OK)
		code = render_gathered(&g, output);
	gathered_free(&g);
	free(output);
	return code < 0 ? EXIT_CODE_OK : code;
}
