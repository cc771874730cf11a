#include "config.h"

#include "roles_read.h"
#include "pgnode.h"
#include "quote.h"

#include <stdlib.h>
#include <string.h>

/*
 * The flags are the ones Citus's ALTER ROLE carries to other nodes; the
 * expiry goes as an epoch, so that no node's TimeZone changes the digest.
 * Every row is a flag ('d' when in pg_dist_object), 32 digest characters,
 * then the name.
 */
#define ROLE_ROW(distributed) \
	"SELECT pg_catalog.encode(pg_catalog.convert_to(" distributed " || pg_catalog.md5(" \
	"pg_catalog.quote_nullable(r.rolpassword) || ',' || r.rolsuper || ',' || r.rolinherit || ','" \
	" || r.rolcreaterole || ',' || r.rolcreatedb || ',' || r.rolcanlogin || ',' || r.rolreplication" \
	" || ',' || r.rolbypassrls || ',' || r.rolconnlimit || ',' ||" \
	" pg_catalog.quote_nullable(pg_catalog.date_part('epoch', r.rolvaliduntil)::text)) || r.rolname::text," \
	" 'UTF8'), 'hex') AS n FROM pg_catalog.pg_authid r WHERE r.rolname !~ '^pg_' ORDER BY r.rolname"

/*
 * Without pg_dist_object there is no telling which roles Citus pushes, so
 * every one is compared.  query_to_xml() runs a query only once the CASE
 * has found pg_authid readable (it needs a superuser) and chosen the
 * query the catalogs allow.
 */
char *
roles_sql(void)
{
	StrBuf		sql;

	strbuf_init(&sql);
	strbuf_append(&sql, "SELECT pg_catalog.has_table_privilege('pg_catalog.pg_authid', 'SELECT');\n"
				  "SELECT pg_catalog.convert_from(pg_catalog.decode(x::text, 'hex'), 'UTF8')"
				  " FROM pg_catalog.unnest(CASE WHEN pg_catalog.has_table_privilege('pg_catalog.pg_authid', 'SELECT')"
				  " THEN pg_catalog.xpath('/table/row/n/text()', pg_catalog.query_to_xml("
				  "CASE WHEN pg_catalog.to_regclass('pg_catalog.pg_dist_object') IS NULL THEN ");
	sql_append_literal(&sql, ROLE_ROW("'d'"));
	strbuf_append(&sql, " ELSE ");
	sql_append_literal(&sql, ROLE_ROW("CASE WHEN EXISTS (SELECT 1 FROM pg_catalog.pg_dist_object o"
									  " WHERE o.classid = 'pg_catalog.pg_authid'::pg_catalog.regclass"
									  " AND o.objid = r.oid) THEN 'd' ELSE '-' END"));
	strbuf_append(&sql, " END, false, false, '')) END) AS x");
	return strbuf_steal(&sql);
}

static void
read_roles(RoleFacts *f, const PgNode *pg, int base)
{
	const PGresult *allowed = pgnode_result(pg, base);
	const PGresult *r = pgnode_result(pg, base + 1);

	if (allowed == NULL ||
		PQresultStatus(allowed) != PGRES_TUPLES_OK || PQntuples(allowed) != 1)
		return;
	if (strcmp(PQgetvalue(allowed, 0, 0), "t") != 0)
	{
		f->no_pg_authid = true;
		return;
	}
	if (r == NULL || PQresultStatus(r) != PGRES_TUPLES_OK || PQnfields(r) != 1)
		return;
	f->roles = xcalloc((size_t) PQntuples(r) + 1, sizeof(RoleDigest));
	for (int i = 0; i < PQntuples(r); i++)
	{
		const char *row = PQgetvalue(r, i, 0);

		if (strlen(row) < 34)
			continue;
		f->roles[f->nroles].distributed = row[0] == 'd';
		f->roles[f->nroles].digest = xstrndup(row + 1, 32);
		f->roles[f->nroles].name = xstrdup(row + 33);
		f->nroles++;
	}
	f->read = true;
}

bool
roles_wanted(const NodeReport *node)
{
	return node->reachable;
}

void
roles_read_node(NodeReport *node, const struct PgNode *pg, int base)
{
	read_roles(&node->roles, pg, base);
}
