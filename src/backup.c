#include "config.h"

#include "backup.h"
#include "catalog.h"
#include "journal.h"
#include "strbuf.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* A directory name from host:port that needs no quoting */
static char *
node_dirname(const char *label)
{
	char	   *name = xstrdup(label);

	for (char *p = name; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
			  (*p >= '0' && *p <= '9') || *p == '.' || *p == '-'))
			*p = '_';
	return name;
}

static bool
copy_out(PGconn *conn, const char *sql, StrBuf *out, char *errbuf, size_t errlen)
{
	PGresult   *r = PQexec(conn, sql);
	char	   *buf;
	int			n;

	if (PQresultStatus(r) != PGRES_COPY_OUT)
	{
		snprintf(errbuf, errlen, "%s", PQerrorMessage(conn));
		PQclear(r);
		return false;
	}
	PQclear(r);
	while ((n = PQgetCopyData(conn, &buf, 0)) > 0)
	{
		strbuf_append_len(out, buf, (size_t) n);
		PQfreemem(buf);
	}
	r = PQgetResult(conn);
	if (PQresultStatus(r) != PGRES_COMMAND_OK)
	{
		snprintf(errbuf, errlen, "%s", PQerrorMessage(conn));
		PQclear(r);
		return false;
	}
	PQclear(r);
	while ((r = PQgetResult(conn)) != NULL)
		PQclear(r);
	return true;
}

/* Shell single quotes: 'it'\''s' */
static void
append_shell_quoted(StrBuf *out, const char *value)
{
	strbuf_append_char(out, '\'');
	for (const char *p = value; *p; p++)
	{
		if (*p == '\'')
			strbuf_append(out, "'\\''");
		else
			strbuf_append_char(out, *p);
	}
	strbuf_append_char(out, '\'');
}

static bool
backup_node(const NodeReport *node, const char *dir, StrBuf *restore_sql,
			char *errbuf, size_t errlen)
{
	PGconn	   *conn = node->pg.conn;
	bool		ok = true;

	/* COPY needs the plain blocking protocol */
	PQsetnonblocking(conn, 0);
	strbuf_append(restore_sql,
				  "-- puts back this node's Citus catalogs as they were before the recovery\n"
				  "\\set ON_ERROR_STOP on\n"
				  "BEGIN;\n");
	for (int c = CATALOG_COUNT - 1; c >= 0; c--)
		strbuf_printf(restore_sql, "DELETE FROM pg_catalog.%s;\n", catalog_name((CatalogId) c));
	for (int c = 0; c < CATALOG_COUNT && ok; c++)
	{
		StrBuf		sql;
		StrBuf		data;
		char	   *path;

		strbuf_init(&sql);
		strbuf_init(&data);
		strbuf_printf(&sql, "COPY pg_catalog.%s (%s) TO STDOUT", catalog_name((CatalogId) c),
					  node->catalogs[c].columns);
		ok = copy_out(conn, sql.data, &data, errbuf, errlen);
		path = xasprintf("%s/%s.copy", dir, catalog_name((CatalogId) c));
		if (ok)
			ok = write_private_file(path, data.data, data.len, errbuf, errlen);
		strbuf_printf(restore_sql, "\\copy pg_catalog.%s (%s) FROM '%s.copy'\n",
					  catalog_name((CatalogId) c), node->catalogs[c].columns,
					  catalog_name((CatalogId) c));
		free(path);
		strbuf_free(&sql);
		strbuf_free(&data);
	}
	if (ok)
	{
		PGresult   *r = PQexec(conn, "SELECT groupid FROM pg_catalog.pg_dist_local_group");

		if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1)
			strbuf_printf(restore_sql, "UPDATE pg_catalog.pg_dist_local_group SET groupid = %s;\n",
						  PQgetvalue(r, 0, 0));
		PQclear(r);
	}
	for (int s = 0; s < node->nsequences && ok; s++)
	{
		StrBuf		sql;
		PGresult   *r;

		strbuf_init(&sql);
		strbuf_append(&sql, "SELECT last_value, is_called FROM pg_catalog.");
		sql_append_ident(&sql, node->sequences[s].name);
		r = PQexec(conn, sql.data);
		if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1)
		{
			strbuf_append(restore_sql, "SELECT pg_catalog.setval(");
			{
				StrBuf		name;

				strbuf_init(&name);
				strbuf_append(&name, "pg_catalog.");
				sql_append_ident(&name, node->sequences[s].name);
				sql_append_literal(restore_sql, name.data);
				strbuf_free(&name);
			}
			strbuf_printf(restore_sql, ", %s, %s);\n", PQgetvalue(r, 0, 0),
						  strcmp(PQgetvalue(r, 0, 1), "t") == 0 ? "true" : "false");
		}
		else
		{
			snprintf(errbuf, errlen, "%s", PQerrorMessage(conn));
			ok = false;
		}
		PQclear(r);
		strbuf_free(&sql);
	}
	strbuf_append(restore_sql, "COMMIT;\n");
	PQsetnonblocking(conn, 1);
	return ok;
}

bool
backup_cluster(const ClusterSnapshot *snap, const char *dir,
			   const char *user, const char *dbname, char *errbuf, size_t errlen)
{
	char	   *root = xasprintf("%s/backup", dir);
	StrBuf		script;
	bool		ok = true;

	if (mkdir(root, 0700) != 0 && errno != EEXIST)
	{
		snprintf(errbuf, errlen, "could not create \"%s\": %s", root, strerror(errno));
		free(root);
		return false;
	}
	strbuf_init(&script);
	strbuf_append(&script,
				  "#!/bin/sh\n"
				  "# Puts every node's Citus catalogs back as they were before the recovery.\n"
				  "# Run it only to abandon the recovery: it undoes every change it made to\n"
				  "# the catalogs (not the citus extension or tables on a new node).\n"
				  "set -e\n"
				  "cd \"$(dirname \"$0\")/backup\"\n");
	for (int i = 0; i < snap->nnodes && ok; i++)
	{
		const NodeReport *node = &snap->nodes[i];
		char	   *name;
		char	   *node_dir;
		char	   *path;
		StrBuf		restore_sql;

		if (!node->reachable || !node->is_citus || node->pg.conn == NULL)
			continue;
		name = node_dirname(node->pg.label);
		node_dir = xasprintf("%s/%s", root, name);
		if (mkdir(node_dir, 0700) != 0 && errno != EEXIST)
		{
			snprintf(errbuf, errlen, "could not create \"%s\": %s", node_dir, strerror(errno));
			ok = false;
		}
		strbuf_init(&restore_sql);
		if (ok)
			ok = backup_node(node, node_dir, &restore_sql, errbuf, errlen);
		path = xasprintf("%s/restore.sql", node_dir);
		if (ok)
			ok = write_private_file(path, restore_sql.data, restore_sql.len, errbuf, errlen);
		strbuf_printf(&script, "(cd %s && psql -X -q", name);
		strbuf_append(&script, " -h ");
		append_shell_quoted(&script, node->pg.host);
		strbuf_printf(&script, " -p %d", node->pg.port);
		if (user)
		{
			strbuf_append(&script, " -U ");
			append_shell_quoted(&script, user);
		}
		if (dbname)
		{
			strbuf_append(&script, " -d ");
			append_shell_quoted(&script, dbname);
		}
		strbuf_append(&script, " -f restore.sql)\n");
		free(path);
		free(node_dir);
		free(name);
		strbuf_free(&restore_sql);
	}
	if (ok)
	{
		char	   *path = xasprintf("%s/restore.sh", dir);

		ok = write_private_file(path, script.data, script.len, errbuf, errlen);
		if (ok)
			chmod(path, 0700);
		free(path);
	}
	strbuf_free(&script);
	free(root);
	return ok;
}
