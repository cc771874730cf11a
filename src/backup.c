#include "config.h"

#include "backup.h"
#include "catalog.h"
#include "quote.h"
#include "journal.h"
#include "pgnode.h"
#include "workdir.h"
#include "strbuf.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

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

/* Writes one file of the backup and lists it in the manifest. */
static bool
manifest_write(Manifest *manifest, int dirfd, const char *dirpath, const char *relpath,
			   const char *name, const StrBuf *data, char *errbuf, size_t errlen)
{
	const char *fault = getenv(JOURNAL_FAULT_ENV);

	/* the tests' stand-in for a disk that fills up while the backup is written */
	if (fault && strcmp(fault, "backup:fail") == 0 && manifest->nfiles == 1)
	{
		snprintf(errbuf, errlen, "could not write \"%s/%s\": %s", dirpath, name, strerror(ENOSPC));
		return false;
	}
	if (!write_private_file(dirfd, dirpath, name, data->data, data->len, errbuf, errlen))
		return false;
	strbuf_printf(&manifest->text, "%08x %zu %s/%s\n", crc32_of(data->data, data->len),
				  data->len, relpath, name);
	manifest->nfiles++;
	return true;
}

/* The error of the last query on a node, as the backup reports it */
static void
session_error(const PgNode *pg, char *errbuf, size_t errlen)
{
	char	   *why = pgerror_format(&pg->error);

	snprintf(errbuf, errlen, "%s: %s", pg->label, why);
	free(why);
}

/* One node being backed up: its session and the restore.sql it gets */
typedef struct NodeBackup
{
	const NodeReport *node;
	PgNode	   *pg;
	StrBuf		restore_sql;
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

/*
 * One catalog with COPY on every node at once, its rows inline in each
 * restore.sql.  A node that hangs costs one timeout, and its error says
 * why with its SQLSTATE.
 */
static bool
backup_catalog(NodeBackup *b, int n, CatalogId catalog, int timeout_ms, char *errbuf, size_t errlen)
{
	PgNode	  **pgs = xcalloc((size_t) n, sizeof(PgNode *));
	char	  **columns = xcalloc((size_t) n, sizeof(char *));
	char	  **sql = xcalloc((size_t) n, sizeof(char *));
	StrBuf	   *data = xcalloc((size_t) n, sizeof(StrBuf));
	StrBuf	  **out = xcalloc((size_t) n, sizeof(StrBuf *));
	bool		ok = true;

	for (int i = 0; i < n; i++)
	{
		pgs[i] = b[i].pg;
		columns[i] = column_list(b[i].node, catalog);
		sql[i] = xasprintf("COPY pg_catalog.%s (%s) TO STDOUT", catalog_name(catalog), columns[i]);
		strbuf_init(&data[i]);
		out[i] = &data[i];
	}
	pgnodes_copy_out(pgs, (const char *const *) sql, out, n, timeout_ms);
	for (int i = 0; i < n; i++)
	{
		if (ok && (pgs[i]->state != PGNODE_READY || pgs[i]->error.message))
		{
			char	   *why = pgerror_format(&pgs[i]->error);

			snprintf(errbuf, errlen, "the catalogs of %s could not be copied: %s", pgs[i]->label, why);
			free(why);
			ok = false;
		}

		/*
		 * The data goes inline after COPY FROM STDIN, not through psql's
		 * \copy: a backslash command ends at a newline, and a column name
		 * may hold one.
		 */
		strbuf_printf(&b[i].restore_sql, "COPY pg_catalog.%s (%s) FROM STDIN;\n",
					  catalog_name(catalog), columns[i]);
		strbuf_append_len(&b[i].restore_sql, data[i].data, data[i].len);
		strbuf_append(&b[i].restore_sql, "\\.\n");
		strbuf_free(&data[i]);
		free(columns[i]);
		free(sql[i]);
	}
	free(pgs);
	free(columns);
	free(sql);
	free(data);
	free(out);
	return ok;
}

/* The local group, then each id sequence: one batch of statements */
static char *
settings_sql(const NodeReport *node)
{
	StrBuf		sql;

	strbuf_init(&sql);
	strbuf_append(&sql, "SELECT groupid FROM pg_catalog.pg_dist_local_group");
	for (int s = 0; s < node->nsequences; s++)
	{
		strbuf_append(&sql, ";\nSELECT last_value, is_called FROM pg_catalog.");
		sql_append_ident(&sql, node->sequences[s].name);
	}
	return strbuf_steal(&sql);
}

/*
 * The local group as it was (a row or none: a node made for the tool may
 * have had none), and each id sequence's value, set back with setval.
 */
static bool
append_settings(NodeBackup *b, char *errbuf, size_t errlen)
{
	const NodeReport *node = b->node;
	PgNode	   *pg = b->pg;
	const PGresult *r = pgnode_result(pg, 0);

	if (pg->state != PGNODE_READY || pg->error.message || r == NULL ||
		pg->nresults != node->nsequences + 1)
	{
		if (pg->error.message == NULL)
			pgerror_set(&pg->error, NULL, "the batch gave too few results", NULL, NULL);
		session_error(pg, errbuf, errlen);
		return false;
	}
	strbuf_append(&b->restore_sql, "DELETE FROM pg_catalog.pg_dist_local_group;\n");
	for (int i = 0; i < PQntuples(r); i++)
		strbuf_printf(&b->restore_sql, "INSERT INTO pg_catalog.pg_dist_local_group (groupid) VALUES (%s);\n",
					  PQgetvalue(r, i, 0));
	for (int s = 0; s < node->nsequences; s++)
	{
		StrBuf		name;

		r = pgnode_result(pg, s + 1);
		if (PQntuples(r) != 1)
		{
			pgerror_setf(&pg->error, "sequence %s gave no row", node->sequences[s].name);
			session_error(pg, errbuf, errlen);
			return false;
		}
		strbuf_append(&b->restore_sql, "SELECT pg_catalog.setval(");
		strbuf_init(&name);
		strbuf_append(&name, "pg_catalog.");
		sql_append_ident(&name, node->sequences[s].name);
		sql_append_literal(&b->restore_sql, name.data);
		strbuf_free(&name);
		strbuf_printf(&b->restore_sql, ", %s, %s);\n", PQgetvalue(r, 0, 0),
					  strcmp(PQgetvalue(r, 0, 1), "t") == 0 ? "true" : "false");
	}
	return true;
}

static bool
backup_settings(NodeBackup *b, int n, int timeout_ms, char *errbuf, size_t errlen)
{
	PgNode	  **pgs = xcalloc((size_t) n, sizeof(PgNode *));
	char	  **sql = xcalloc((size_t) n, sizeof(char *));
	bool		ok = true;

	for (int i = 0; i < n; i++)
	{
		pgs[i] = b[i].pg;
		sql[i] = settings_sql(b[i].node);
	}
	pgnodes_query(pgs, (const char *const *) sql, n, 0, NULL, timeout_ms, NULL, NULL);
	for (int i = 0; i < n && ok; i++)
		ok = append_settings(&b[i], errbuf, errlen);
	for (int i = 0; i < n; i++)
	{
		pgnode_clear_results(pgs[i]);
		free(sql[i]);
	}
	free(pgs);
	free(sql);
	return ok;
}

/*
 * Every node's restore.sql, each statement asked of every node at once:
 * the backup costs a round trip per catalog, not per catalog and node.
 */
static bool
backup_nodes(NodeBackup *b, int n, int timeout_ms, char *errbuf, size_t errlen)
{
	bool		ok = true;

	for (int i = 0; i < n; i++)
	{
		strbuf_append(&b[i].restore_sql,
					  "-- puts back this node's Citus catalogs as they were before the recovery\n"
					  "\\set ON_ERROR_STOP on\n"
					  "BEGIN;\n");
		for (int c = CATALOG_COUNT - 1; c >= 0; c--)
			strbuf_printf(&b[i].restore_sql, "DELETE FROM pg_catalog.%s;\n", catalog_name((CatalogId) c));
	}
	for (int c = 0; c < CATALOG_COUNT && ok; c++)
		ok = backup_catalog(b, n, (CatalogId) c, timeout_ms, errbuf, errlen);
	ok = ok && backup_settings(b, n, timeout_ms, errbuf, errlen);
	for (int i = 0; i < n; i++)
		strbuf_append(&b[i].restore_sql, "COMMIT;\n");
	return ok;
}

#define BACKUP_DIR "backup"
#define BACKUP_STAGING "backup.partial"
#define MANIFEST_NAME "MANIFEST"
#define RESTORE_SCRIPT "restore.sh"

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

/* One node's backup: its directory under staging, its restore.sql, a line of the script */
static bool
stage_node(Staging *st, const NodeBackup *b, const char *user, const char *dbname,
		   char *errbuf, size_t errlen)
{
	char	   *name = backup_node_dirname(b->node->label);
	char	   *node_path = xasprintf("%s/%s", st->path, name);
	char	   *relpath = xasprintf(BACKUP_DIR "/%s", name);
	int			node_fd = -1;
	bool		ok = true;

	if (mkdirat(st->fd, name, 0700) != 0 || (node_fd = open_subdir(st->fd, name)) < 0)
	{
		snprintf(errbuf, errlen, "could not create \"%s\": %s", node_path, strerror(errno));
		ok = false;
	}
	if (ok)
		ok = manifest_write(&st->manifest, node_fd, node_path, relpath, "restore.sql", &b->restore_sql,
							errbuf, errlen);
	if (ok && !fsync_dir(node_fd))
	{
		snprintf(errbuf, errlen, "could not sync \"%s\": %s", node_path, strerror(errno));
		ok = false;
	}
	append_script_line(&st->script, b->node, name, user, dbname);
	st->nnodes++;
	if (node_fd >= 0)
		close(node_fd);
	free(relpath);
	free(node_path);
	free(name);
	return ok;
}

/* Every reachable Citus node's backup, read from all of them at once */
static bool
stage_nodes(Staging *st, const ClusterSnapshot *snap, SessionPool *pool, int timeout_ms,
			const char *user, const char *dbname, char *errbuf, size_t errlen)
{
	NodeBackup *b = xcalloc((size_t) snap->nnodes + 1, sizeof(NodeBackup));
	int			n = 0;
	bool		ok;

	for (int i = 0; i < snap->nnodes; i++)
	{
		const NodeReport *node = &snap->nodes[i];

		if (node->reachable && node->is_citus && i < pool->count &&
			pool->sessions[i].state == PGNODE_READY)
		{
			b[n].node = node;
			b[n].pg = &pool->sessions[i];
			strbuf_init(&b[n].restore_sql);
			n++;
		}
	}
	ok = backup_nodes(b, n, timeout_ms, errbuf, errlen);
	for (int i = 0; i < n && ok; i++)
		ok = stage_node(st, &b[i], user, dbname, errbuf, errlen);
	for (int i = 0; i < n; i++)
		strbuf_free(&b[i].restore_sql);
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
