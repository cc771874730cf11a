#include "config.h"

#include "backup.h"
#include "catalog.h"
#include "quote.h"
#include "journal.h"
#include "pgnode.h"
#include "workdir.h"
#include "strbuf.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define BACKUP_DIR "backup"
#define BACKUP_STAGING "backup.partial"
#define MANIFEST_NAME "MANIFEST"
#define RESTORE_SCRIPT "restore.sh"
#define NODE_RESTORE_SQL "restore.sql"

/*
 * A directory name from host:port that needs no quoting in a shell and
 * names one node only: the port's colon becomes '_', and every byte
 * outside [A-Za-z0-9.-] (an underscore included) becomes %XX, so that no
 * two labels share a directory.
 */
char *
backup_node_dirname(const char *label)
{
	StrBuf		name;
	const char *colon = strrchr(label, ':');

	strbuf_init(&name);
	for (const char *p = label; *p; p++)
	{
		unsigned char c = (unsigned char) *p;

		if (p == colon)
			strbuf_append_char(&name, '_');
		else if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
				 (c >= '0' && c <= '9') || c == '.' || c == '-')
			strbuf_append_char(&name, (char) c);
		else
			strbuf_printf(&name, "%%%02x", c);
	}
	/* "." and ".." are not names of a directory of our own */
	if (strcmp(name.data, ".") == 0 || strcmp(name.data, "..") == 0 || name.len == 0)
		strbuf_append(&name, "%");
	return strbuf_steal(&name);
}

/* What the backup holds, so that a rerun can prove it complete. */
typedef struct Manifest
{
	StrBuf		text;
	int			nfiles;
} Manifest;

/*
 * A file of the backup written as its text comes, a piece at a time, so
 * that no node's copy is ever held whole in memory; its size and checksum
 * grow with it, for the manifest.  The first write that fails is kept and
 * the rest are dropped, since rows go on coming until the node's batch
 * ends: the failure is reported once, when the file is finished.
 */
typedef struct StagedFile
{
	int			fd;				/* -1 when not open */
	char	   *path;			/* for errors */
	StrBuf		pending;		/* not yet written */
	uint32_t	crc;			/* of what was written */
	size_t		size;
	int			write_errno;	/* of the first write that failed; 0 while none has */
} StagedFile;

/* Enough that a node's rows cost few writes, little enough that many nodes cost little memory */
#define STAGED_FILE_CHUNK 65536

static void
staged_file_init(StagedFile *f)
{
	memset(f, 0, sizeof(*f));
	f->fd = -1;
	strbuf_init(&f->pending);
}

/* Creates NAME, which must not exist, under the directory fd */
static bool
staged_file_create(StagedFile *f, int dirfd, const char *dirpath, const char *name,
				   char *errbuf, size_t errlen)
{
	f->path = xasprintf("%s/%s", dirpath, name);
	f->fd = openat(dirfd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (f->fd < 0)
	{
		snprintf(errbuf, errlen, "could not create \"%s\": %s", f->path, strerror(errno));
		return false;
	}
	return true;
}

static void
staged_file_flush(StagedFile *f)
{
	if (f->pending.len == 0)
		return;
	if (f->write_errno == 0 && !write_all(f->fd, f->pending.data, f->pending.len))
		f->write_errno = errno;
	f->crc = crc32_extend(f->crc, f->pending.data, f->pending.len);
	f->size += f->pending.len;
	strbuf_reset(&f->pending);
}

static void
staged_file_append(StagedFile *f, const char *data, size_t len)
{
	strbuf_append_len(&f->pending, data, len);
	if (f->pending.len >= STAGED_FILE_CHUNK)
		staged_file_flush(f);
}

static void staged_file_printf(StagedFile *f, const char *fmt,...) __attribute__((format(printf, 2, 3)));

static void
staged_file_printf(StagedFile *f, const char *fmt,...)
{
	va_list		ap;

	va_start(ap, fmt);
	strbuf_vprintf(&f->pending, fmt, ap);
	va_end(ap);
	if (f->pending.len >= STAGED_FILE_CHUNK)
		staged_file_flush(f);
}

/* Writes the rest, syncs and closes: whether every byte is on disk */
static bool
staged_file_finish(StagedFile *f, char *errbuf, size_t errlen)
{
	staged_file_flush(f);
	if (f->write_errno == 0 && fsync(f->fd) != 0)
		f->write_errno = errno;
	if (close(f->fd) != 0 && f->write_errno == 0)
		f->write_errno = errno;
	f->fd = -1;
	if (f->write_errno != 0)
	{
		snprintf(errbuf, errlen, "could not write \"%s\": %s", f->path, strerror(f->write_errno));
		return false;
	}
	return true;
}

static void
staged_file_free(StagedFile *f)
{
	if (f->fd >= 0)
		close(f->fd);
	strbuf_free(&f->pending);
	free(f->path);
	f->path = NULL;
}

/*
 * A node's backup is read with one query string, all of these statements
 * in order.  The server runs such a string as one implicit transaction;
 * REPEATABLE READ gives that transaction one snapshot for every statement
 * in it (under READ COMMITTED each would take its own), so a node's
 * catalogs, local group and sequences are read as they were at one moment,
 * and the whole backup costs one round trip, every node's at once.  READ
 * ONLY because nothing in a backup has cause to write.
 */
enum
{
	BATCH_SNAPSHOT,				/* SET TRANSACTION ... REPEATABLE READ */
	BATCH_FIRST_COPY,			/* a COPY per catalog, in CatalogId order */
	BATCH_LOCAL_GROUP = BATCH_FIRST_COPY + CATALOG_COUNT,
	BATCH_FIRST_SEQUENCE		/* a SELECT per id sequence, in the node's order */
};

/* One node being backed up: its session and the restore.sql it gets */
typedef struct NodeBackup
{
	const NodeReport *node;
	PgNode	   *pg;
	char	   *columns[CATALOG_COUNT];	/* each catalog's, quoted, as COPY lists them */
	char	   *dirname;		/* its directory under backup/ */
	int			dir_fd;			/* that directory under staging; -1 until made */
	StagedFile	restore_sql;	/* written as the node's rows come */
	PgCopySink	sink;
	int			copying;		/* the catalog whose rows are coming; -1 between COPYs */
	int			reached;		/* the first statement not known to have ended */
} NodeBackup;

static char *
column_list(const NodeReport *node, CatalogId catalog)
{
	StrBuf		columns;

	strbuf_init(&columns);
	for (int k = 0; k < node->catalogs[catalog].columns.count; k++)
	{
		if (k > 0)
			strbuf_append(&columns, ", ");
		sql_append_ident(&columns, node->catalogs[catalog].columns.items[k]);
	}
	return strbuf_steal(&columns);
}

/* The statements of the batch enum above, as one string */
static char *
batch_sql(const NodeBackup *b)
{
	StrBuf		sql;

	strbuf_init(&sql);
	strbuf_append(&sql, "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
	for (int c = 0; c < CATALOG_COUNT; c++)
		strbuf_printf(&sql, ";\nCOPY pg_catalog.%s (%s) TO STDOUT", catalog_name((CatalogId) c), b->columns[c]);
	strbuf_append(&sql, ";\nSELECT groupid FROM pg_catalog.pg_dist_local_group");
	for (int s = 0; s < b->node->nsequences; s++)
	{
		strbuf_append(&sql, ";\nSELECT last_value, is_called FROM pg_catalog.");
		sql_append_ident(&sql, b->node->sequences[s].name);
	}
	return strbuf_steal(&sql);
}

static void
restore_copy_started(void *arg, int statement)
{
	NodeBackup *b = arg;
	int			catalog = statement - BATCH_FIRST_COPY;

	/* no other statement of the batch is a COPY; check_batch refuses one that turned out to be */
	b->copying = catalog >= 0 && catalog < CATALOG_COUNT ? catalog : -1;
	b->reached = statement;
	if (b->copying < 0)
		return;

	/*
	 * The data goes inline after COPY FROM STDIN, not through psql's
	 * \copy: a backslash command ends at a newline, and a column name may
	 * hold one.
	 */
	staged_file_printf(&b->restore_sql, "COPY pg_catalog.%s (%s) FROM STDIN;\n",
					   catalog_name((CatalogId) catalog), b->columns[catalog]);
}

static void
restore_copy_rows(void *arg, const char *rows, size_t len)
{
	NodeBackup *b = arg;

	if (b->copying >= 0)
		staged_file_append(&b->restore_sql, rows, len);
}

static void
restore_copy_ended(void *arg, int statement)
{
	NodeBackup *b = arg;

	if (b->copying >= 0)
		staged_file_printf(&b->restore_sql, "\\.\n");
	b->copying = -1;
	b->reached = statement + 1;
}

/* Statement `statement` of a node's batch, as an error names it (malloc'd) */
static char *
batch_statement_name(const NodeReport *node, int statement)
{
	int			sequence = statement - BATCH_FIRST_SEQUENCE;

	if (statement == BATCH_SNAPSHOT)
		return xstrdup("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ");
	if (statement < BATCH_LOCAL_GROUP)
		return xasprintf("the COPY of pg_catalog.%s", catalog_name((CatalogId) (statement - BATCH_FIRST_COPY)));
	if (statement == BATCH_LOCAL_GROUP)
		return xstrdup("the SELECT of pg_catalog.pg_dist_local_group");
	if (sequence < node->nsequences)
		return xasprintf("the SELECT of sequence pg_catalog.%s", node->sequences[sequence].name);
	return xstrdup("the batch");
}

/*
 * Why a node's batch failed, naming the statement: the server stops at
 * the one that failed, whose result is the last; after a timeout or a lost
 * connection, the sink saw how far the batch had got.
 */
static void
batch_error(const NodeBackup *b, char *errbuf, size_t errlen)
{
	const PgNode *pg = b->pg;
	char	   *why = pgerror_format(&pg->error);
	char	   *where;

	if (pg->nresults > 0)
		where = batch_statement_name(b->node, pg->nresults - 1);
	else if (b->copying >= 0)
		where = batch_statement_name(b->node, b->reached);
	else if (b->reached > BATCH_FIRST_COPY)
	{
		char	   *before = batch_statement_name(b->node, b->reached - 1);

		where = xasprintf("the statement after %s", before);
		free(before);
	}
	else
		where = xstrdup("the batch, before its first COPY");
	snprintf(errbuf, errlen, "the catalogs of %s could not be copied: %s failed: %s", pg->label, where, why);
	free(where);
	free(why);
}

/* Whether statement `statement` ended as a statement of its kind does */
static bool
batch_result_fits(const PgNode *pg, int statement)
{
	const PGresult *r = pgnode_result(pg, statement);

	if (r == NULL)
		return false;
	if (statement == BATCH_SNAPSHOT)
		return PQresultStatus(r) == PGRES_COMMAND_OK;
	if (statement < BATCH_LOCAL_GROUP)
		/* any other statement sends no rows, and must not pass for an empty catalog */
		return PQresultStatus(r) == PGRES_COMMAND_OK && strncmp(PQcmdStatus((PGresult *) r), "COPY ", 5) == 0;
	return PQresultStatus(r) == PGRES_TUPLES_OK &&
		(statement == BATCH_LOCAL_GROUP || PQntuples(r) == 1);
}

/* Whether every statement of a node's batch gave what the backup needs of it */
static bool
check_batch(const NodeBackup *b, char *errbuf, size_t errlen)
{
	PgNode	   *pg = b->pg;
	int			nstatements = BATCH_FIRST_SEQUENCE + b->node->nsequences;

	if (pg->state != PGNODE_READY || pg->error.message)
	{
		batch_error(b, errbuf, errlen);
		return false;
	}
	for (int k = 0; k < nstatements; k++)
	{
		if (!batch_result_fits(pg, k))
		{
			char	   *what = batch_statement_name(b->node, k);

			snprintf(errbuf, errlen, "the catalogs of %s could not be copied: %s gave %s",
					 pg->label, what, pgnode_result(pg, k) ? "an unexpected result" : "no result");
			free(what);
			return false;
		}
	}
	if (pg->nresults != nstatements)
	{
		snprintf(errbuf, errlen, "the catalogs of %s could not be copied: %d results for %d statements",
				 pg->label, pg->nresults, nstatements);
		return false;
	}
	return true;
}

/*
 * The end of a node's restore.sql: the local group as it was (a row or
 * none: a node made for the tool may have had none), and each id
 * sequence's value, set back with setval.
 */
static void
end_restore_sql(NodeBackup *b)
{
	const NodeReport *node = b->node;
	const PGresult *r = pgnode_result(b->pg, BATCH_LOCAL_GROUP);

	StrBuf		text;

	strbuf_init(&text);
	strbuf_append(&text, "DELETE FROM pg_catalog.pg_dist_local_group;\n");
	for (int i = 0; i < PQntuples(r); i++)
		strbuf_printf(&text, "INSERT INTO pg_catalog.pg_dist_local_group (groupid) VALUES (%s);\n",
					  PQgetvalue(r, i, 0));
	for (int s = 0; s < node->nsequences; s++)
	{
		StrBuf		name;

		r = pgnode_result(b->pg, BATCH_FIRST_SEQUENCE + s);
		strbuf_append(&text, "SELECT pg_catalog.setval(");
		strbuf_init(&name);
		strbuf_append(&name, "pg_catalog.");
		sql_append_ident(&name, node->sequences[s].name);
		sql_append_literal(&text, name.data);
		strbuf_free(&name);
		strbuf_printf(&text, ", %s, %s);\n", PQgetvalue(r, 0, 0),
					  strcmp(PQgetvalue(r, 0, 1), "t") == 0 ? "true" : "false");
	}
	strbuf_append(&text, "COMMIT;\n");
	staged_file_append(&b->restore_sql, text.data, text.len);
	strbuf_free(&text);
}

/* The start of a node's restore.sql: what its COPYs are appended to */
static void
begin_restore_sql(NodeBackup *b)
{
	staged_file_printf(&b->restore_sql,
					   "-- puts back this node's Citus catalogs as they were before the recovery\n"
					   "\\set ON_ERROR_STOP on\n"
					   "BEGIN;\n");
	for (int c = CATALOG_COUNT - 1; c >= 0; c--)
		staged_file_printf(&b->restore_sql, "DELETE FROM pg_catalog.%s;\n", catalog_name((CatalogId) c));
}

/*
 * Every node's restore.sql, each node read with one batch and every
 * node's batch under way at once: one round trip in all.  The rows go to
 * the files as they come.
 */
static bool
backup_nodes(NodeBackup *b, int n, int timeout_ms, char *errbuf, size_t errlen)
{
	PgNode	  **pgs = xcalloc((size_t) n + 1, sizeof(PgNode *));
	char	  **sql = xcalloc((size_t) n + 1, sizeof(char *));
	const PgCopySink **sinks = xcalloc((size_t) n + 1, sizeof(PgCopySink *));
	bool		ok = true;

	for (int i = 0; i < n; i++)
	{
		pgs[i] = b[i].pg;
		sql[i] = batch_sql(&b[i]);
		sinks[i] = &b[i].sink;
	}
	pgnodes_copy_batch(pgs, (const char *const *) sql, sinks, n, timeout_ms);
	for (int i = 0; i < n && ok; i++)
		ok = check_batch(&b[i], errbuf, errlen);
	for (int i = 0; i < n && ok; i++)
		end_restore_sql(&b[i]);
	for (int i = 0; i < n; i++)
	{
		pgnode_clear_results(pgs[i]);
		free(sql[i]);
	}
	free(pgs);
	free(sql);
	free(sinks);
	return ok;
}

static void
append_script_line(StrBuf *script, const NodeReport *node, const char *name,
				   const char *user, const char *dbname)
{
	strbuf_printf(script, "(cd %s && psql -X -q", name);
	strbuf_append(script, " -h ");
	append_shell_quoted(script, node->host);
	strbuf_printf(script, " -p %d", node->port);
	if (user)
	{
		strbuf_append(script, " -U ");
		append_shell_quoted(script, user);
	}
	if (dbname)
	{
		strbuf_append(script, " -d ");
		append_shell_quoted(script, dbname);
	}
	strbuf_append(script, " -f restore.sql)\n");
}

static int
open_subdir(int dirfd, const char *name)
{
	return openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
}

/* Moves an earlier attempt's backup aside: it is kept, never overwritten. */
static bool
supersede_old_backup(const Workdir *wd, char *errbuf, size_t errlen)
{
	char		stamp[32];
	char	   *aside;
	time_t		now = time(NULL);
	struct tm	tm;
	bool		ok = true;

	if (faccessat(wd->fd, BACKUP_DIR, F_OK, AT_SYMLINK_NOFOLLOW) != 0)
		return true;
	localtime_r(&now, &tm);
	strftime(stamp, sizeof(stamp), "%Y%m%d-%H%M%S", &tm);
	aside = xasprintf(BACKUP_DIR ".superseded-%s-%ld", stamp, (long) getpid());
	if (renameat(wd->fd, BACKUP_DIR, wd->fd, aside) != 0)
	{
		snprintf(errbuf, errlen, "could not move the earlier backup aside in %s: %s",
				 wd->path, strerror(errno));
		ok = false;
	}
	free(aside);
	return ok;
}

/* What backup_cluster builds as it goes: the staging directory, the script, the manifest */
typedef struct Staging
{
	char	   *path;
	int			fd;
	StrBuf		script;
	Manifest	manifest;
	int			nnodes;
} Staging;

/* A node's directory under staging, and its restore.sql begun there */
static bool
stage_node_begin(Staging *st, NodeBackup *b, char *errbuf, size_t errlen)
{
	char	   *node_path = xasprintf("%s/%s", st->path, b->dirname);
	bool		ok = true;

	if (mkdirat(st->fd, b->dirname, 0700) != 0 || (b->dir_fd = open_subdir(st->fd, b->dirname)) < 0)
	{
		snprintf(errbuf, errlen, "could not create \"%s\": %s", node_path, strerror(errno));
		ok = false;
	}
	ok = ok && staged_file_create(&b->restore_sql, b->dir_fd, node_path, NODE_RESTORE_SQL, errbuf, errlen);
	if (ok)
		begin_restore_sql(b);
	free(node_path);
	return ok;
}

/* A node's restore.sql on disk, listed in the manifest, and its line of the script */
static bool
stage_node_end(Staging *st, NodeBackup *b, const char *user, const char *dbname,
			   char *errbuf, size_t errlen)
{
	const char *fault = getenv(JOURNAL_FAULT_ENV);

	/* the tests' stand-in for a disk that fills up while the backup is written */
	if (fault && strcmp(fault, "backup:fail") == 0 && st->manifest.nfiles == 1)
	{
		snprintf(errbuf, errlen, "could not write \"%s\": %s", b->restore_sql.path, strerror(ENOSPC));
		return false;
	}
	if (!staged_file_finish(&b->restore_sql, errbuf, errlen))
		return false;
	if (!fsync_dir(b->dir_fd))
	{
		snprintf(errbuf, errlen, "could not sync \"%s/%s\": %s", st->path, b->dirname, strerror(errno));
		return false;
	}
	strbuf_printf(&st->manifest.text, "%08x %zu " BACKUP_DIR "/%s/" NODE_RESTORE_SQL "\n",
				  b->restore_sql.crc, b->restore_sql.size, b->dirname);
	st->manifest.nfiles++;
	append_script_line(&st->script, b->node, b->dirname, user, dbname);
	st->nnodes++;
	return true;
}

static void
node_backup_init(NodeBackup *b, const NodeReport *node, PgNode *pg)
{
	b->node = node;
	b->pg = pg;
	for (int c = 0; c < CATALOG_COUNT; c++)
		b->columns[c] = column_list(node, (CatalogId) c);
	b->dirname = backup_node_dirname(node->label);
	b->dir_fd = -1;
	staged_file_init(&b->restore_sql);
	b->sink.copy_started = restore_copy_started;
	b->sink.copy_rows = restore_copy_rows;
	b->sink.copy_ended = restore_copy_ended;
	b->sink.arg = b;
	b->copying = -1;
	b->reached = BATCH_SNAPSHOT;
}

static void
node_backup_free(NodeBackup *b)
{
	for (int c = 0; c < CATALOG_COUNT; c++)
		free(b->columns[c]);
	free(b->dirname);
	if (b->dir_fd >= 0)
		close(b->dir_fd);
	staged_file_free(&b->restore_sql);
}

/*
 * Every reachable Citus node's backup, read from all of them at once and
 * written under staging as it comes: memory holds a chunk per node, not
 * every node's catalogs.
 */
static bool
stage_nodes(Staging *st, const ClusterSnapshot *snap, SessionPool *pool, int timeout_ms,
			const char *user, const char *dbname, char *errbuf, size_t errlen)
{
	NodeBackup *b = xcalloc((size_t) snap->nnodes + 1, sizeof(NodeBackup));
	int			n = 0;
	bool		ok = true;

	for (int i = 0; i < snap->nnodes; i++)
	{
		const NodeReport *node = &snap->nodes[i];

		if (node->reachable && node->is_citus && i < pool->count &&
			pool->sessions[i].state == PGNODE_READY)
			node_backup_init(&b[n++], node, &pool->sessions[i]);
	}
	for (int i = 0; i < n && ok; i++)
		ok = stage_node_begin(st, &b[i], errbuf, errlen);
	ok = ok && backup_nodes(b, n, timeout_ms, errbuf, errlen);
	for (int i = 0; i < n && ok; i++)
		ok = stage_node_end(st, &b[i], user, dbname, errbuf, errlen);
	for (int i = 0; i < n; i++)
		node_backup_free(&b[i]);
	free(b);
	return ok;
}

/* The manifest last, then staging synced: a complete backup or none */
static bool
seal_staging(Staging *st, char *errbuf, size_t errlen)
{
	strbuf_printf(&st->manifest.text, "%08x %zu " RESTORE_SCRIPT "\n",
				  crc32_of(st->script.data, st->script.len), st->script.len);
	st->manifest.nfiles++;
	strbuf_printf(&st->manifest.text, "end %d files\n", st->manifest.nfiles);
	if (!write_private_file(st->fd, st->path, MANIFEST_NAME, st->manifest.text.data,
							st->manifest.text.len, errbuf, errlen))
		return false;
	if (!fsync_dir(st->fd))
	{
		snprintf(errbuf, errlen, "could not sync \"%s\": %s", st->path, strerror(errno));
		return false;
	}
	return true;
}

/* backup.partial/ becomes backup/, and restore.sh is written afresh beside it */
static bool
put_in_place(const Workdir *wd, Staging *st, char *errbuf, size_t errlen)
{
	if (!supersede_old_backup(wd, errbuf, errlen))
		return false;
	if (renameat(wd->fd, BACKUP_STAGING, wd->fd, BACKUP_DIR) != 0)
	{
		snprintf(errbuf, errlen, "could not rename \"%s\" into place: %s", st->path, strerror(errno));
		return false;
	}
	/* a planted or earlier script goes; the new one is created afresh */
	unlinkat(wd->fd, RESTORE_SCRIPT, 0);
	if (!write_private_file(wd->fd, wd->path, RESTORE_SCRIPT, st->script.data, st->script.len,
							errbuf, errlen))
		return false;
	fchmodat(wd->fd, RESTORE_SCRIPT, 0700, 0);
	if (!fsync_dir(wd->fd))
	{
		snprintf(errbuf, errlen, "could not sync \"%s\": %s", wd->path, strerror(errno));
		return false;
	}
	return true;
}

bool
backup_cluster(const ClusterSnapshot *snap, SessionPool *pool, int timeout_ms,
			   const Workdir *wd, const char *user, const char *dbname,
			   char *evidence, size_t evidence_len, char *errbuf, size_t errlen)
{
	Staging		st = {0};
	bool		ok = true;

	st.path = xasprintf("%s/" BACKUP_STAGING, wd->path);
	/* what a killed attempt left half written is of no use */
	remove_tree(wd->fd, BACKUP_STAGING);
	if (mkdirat(wd->fd, BACKUP_STAGING, 0700) != 0 ||
		(st.fd = open_subdir(wd->fd, BACKUP_STAGING)) < 0)
	{
		snprintf(errbuf, errlen, "could not create \"%s\": %s", st.path, strerror(errno));
		free(st.path);
		return false;
	}
	strbuf_init(&st.manifest.text);
	strbuf_init(&st.script);
	strbuf_append(&st.script,
				  "#!/bin/sh\n"
				  "# Puts every node's Citus catalogs back as they were before the recovery.\n"
				  "# Run it only to abandon the recovery: it undoes every change it made to\n"
				  "# the catalogs (not the citus extension or tables on a new node).\n"
				  "set -e\n"
				  "cd \"$(dirname \"$0\")/" BACKUP_DIR "\"\n");
	ok = stage_nodes(&st, snap, pool, timeout_ms, user, dbname, errbuf, errlen);
	ok = ok && seal_staging(&st, errbuf, errlen);
	close(st.fd);
	ok = ok && put_in_place(wd, &st, errbuf, errlen);
	/* files are written as rows come: a backup that failed may have left some half written */
	if (!ok)
		remove_tree(wd->fd, BACKUP_STAGING);
	if (ok)
		snprintf(evidence, evidence_len, "%d nodes, %d files in " BACKUP_DIR "/" MANIFEST_NAME ", checksummed",
				 st.nnodes, st.manifest.nfiles);
	strbuf_free(&st.script);
	strbuf_free(&st.manifest.text);
	free(st.path);
	return ok;
}

/* Opens a manifest path ("backup/node/file" or "restore.sh") without following links. */
static char *
read_listed_file(const Workdir *wd, const char *relpath, char *errbuf, size_t errlen)
{
	char	   *copy = xstrdup(relpath);
	char	   *parts[3];
	int			nparts = 0;
	int			fd = wd->fd;
	char	   *text = NULL;
	char	   *save = NULL;

	for (char *p = strtok_r(copy, "/", &save); p && nparts < 3; p = strtok_r(NULL, "/", &save))
		parts[nparts++] = p;
	for (int i = 0; i < nparts; i++)
		if (strcmp(parts[i], "..") == 0 || strcmp(parts[i], ".") == 0)
			nparts = 0;
	if (nparts == 0)
	{
		snprintf(errbuf, errlen, "the backup manifest lists a bad path \"%s\"", relpath);
		free(copy);
		return NULL;
	}
	for (int i = 0; i < nparts - 1 && fd >= 0; i++)
	{
		int			next = open_subdir(fd, parts[i]);

		if (fd != wd->fd)
			close(fd);
		fd = next;
	}
	if (fd < 0)
		snprintf(errbuf, errlen, "\"%s/%s\" is missing: %s", wd->path, relpath, strerror(errno));
	else
	{
		text = read_private_file(fd, wd->path, parts[nparts - 1], errbuf, errlen);
		if (fd != wd->fd)
			close(fd);
	}
	free(copy);
	return text;
}

bool
backup_verify(const Workdir *wd, char *evidence, size_t evidence_len, char *errbuf, size_t errlen)
{
	char	   *manifest = read_listed_file(wd, BACKUP_DIR "/" MANIFEST_NAME, errbuf, errlen);
	char	   *save = NULL;
	int			nfiles = 0;
	int			declared = -1;
	bool		ok = true;

	if (manifest == NULL)
		return false;
	for (char *line = strtok_r(manifest, "\n", &save); line && ok; line = strtok_r(NULL, "\n", &save))
	{
		unsigned	crc;
		size_t		size;
		int			used = 0;
		char	   *text;
		char		listed_err[512];

		if (sscanf(line, "end %d files", &declared) == 1)
			continue;
		if (declared >= 0 || sscanf(line, "%8x %zu %n", &crc, &size, &used) != 2 || used == 0)
		{
			snprintf(errbuf, errlen, "the backup manifest in %s/" BACKUP_DIR " is damaged", wd->path);
			ok = false;
			break;
		}
		text = read_listed_file(wd, line + used, listed_err, sizeof(listed_err));
		if (text == NULL)
		{
			snprintf(errbuf, errlen, "the backup is incomplete: %s", listed_err);
			ok = false;
		}
		else if (strlen(text) != size || crc32_of(text, size) != crc)
		{
			snprintf(errbuf, errlen, "the backup is damaged: %s/%s changed since it was written",
					 wd->path, line + used);
			ok = false;
		}
		free(text);
		nfiles++;
	}
	if (ok && declared != nfiles)
	{
		snprintf(errbuf, errlen, "the backup manifest in %s/" BACKUP_DIR " is cut short", wd->path);
		ok = false;
	}
	if (ok)
		snprintf(evidence, evidence_len, "%d files of " BACKUP_DIR "/" MANIFEST_NAME " present with their checksums",
				 nfiles);
	free(manifest);
	return ok;
}
