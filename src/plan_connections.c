#include "config.h"

#include "plan_connections.h"
#include "ledger.h"
#include "planner.h"
#include "quote.h"

#include <stdlib.h>
#include <string.h>

void
plan_add_ledger(const ClusterSnapshot *snap, Plan *plan)
{
	Ledger		ledger;

	ledger_build(snap, &ledger);
	for (int i = 0; i < ledger.count; i++)
	{
		char	   *line = ledger_entry_line(&ledger.entries[i]);

		plan_add_ledger_line(plan, line);
		free(line);
	}
	ledger_free(&ledger);
}

bool
plan_copies_connections(const ClusterSnapshot *snap)
{
	return ledger_authinfo_copyable(snap) || ledger_poolinfo_copyable(snap);
}

/* ARRAY['name'], ARRAY[port] for master_run_on_worker() */
static void
append_node_arrays(StrBuf *sql, const char *name, int port)
{
	strbuf_append(sql, "ARRAY[");
	sql_append_literal(sql, name);
	strbuf_printf(sql, "]::text[], ARRAY[%d]", port);
}

/*
 * The rows become INSERT statements on the donor's server and travel to
 * the new node from there: the authinfo text never leaves the servers.
 */
void
plan_add_connection_copy(const ClusterSnapshot *snap, Plan *plan, const NodeReport *d,
						 const char *target_name, int target_port)
{
	StrBuf		body;
	StrBuf		sql;
	PlanStep   *step;

	strbuf_init(&body);
	strbuf_append(&body, "\nDECLARE\n  cmd text;\n  outcome record;\nBEGIN\n"
				  "  SELECT pg_catalog.concat_ws(';',\n"
				  "           (SELECT pg_catalog.string_agg(pg_catalog.format('INSERT INTO pg_catalog.pg_dist_authinfo"
				  " (nodeid, rolename, authinfo) VALUES (%s, %L, %L) ON CONFLICT DO NOTHING', nodeid, rolename, authinfo), ';')\n"
				  "              FROM pg_catalog.pg_dist_authinfo),\n"
				  "           (SELECT pg_catalog.string_agg(pg_catalog.format('INSERT INTO pg_catalog.pg_dist_poolinfo"
				  " (nodeid, poolinfo) VALUES (%s, %L) ON CONFLICT DO NOTHING', nodeid, poolinfo), ';')\n"
				  "              FROM pg_catalog.pg_dist_poolinfo))\n"
				  "    INTO cmd;\n"
				  "  SELECT * INTO outcome FROM pg_catalog.master_run_on_worker(");
	append_node_arrays(&body, target_name, target_port);
	strbuf_append(&body, ", ARRAY[cmd], false);\n"
				  "  IF NOT outcome.success THEN\n"
				  "    RAISE EXCEPTION 'the new node did not take the connection rows: %', outcome.result;\n"
				  "  END IF;\nEND\n");
	strbuf_init(&sql);
	plan_append_timeouts(&sql);
	strbuf_append(&sql, "DO ");
	sql_append_dollar_quoted(&sql, body.data);
	strbuf_append(&sql, ";\n");
	step = plan_add_step(plan, d->host, d->port,
						 "On the donor: copy its pg_dist_authinfo and pg_dist_poolinfo rows, which every worker holds alike and Citus never syncs, to the new node.");
	step->sql = strbuf_steal(&sql);
	strbuf_init(&sql);
	strbuf_append(&sql, "SELECT COALESCE((SELECT success AND result = (SELECT (SELECT pg_catalog.count(*) FROM pg_catalog.pg_dist_authinfo)"
				  " + (SELECT pg_catalog.count(*) FROM pg_catalog.pg_dist_poolinfo))::text"
				  " FROM pg_catalog.master_run_on_worker(");
	append_node_arrays(&sql, target_name, target_port);
	strbuf_append(&sql, ", ARRAY['SELECT (SELECT pg_catalog.count(*) FROM pg_catalog.pg_dist_authinfo)"
				  " + (SELECT pg_catalog.count(*) FROM pg_catalog.pg_dist_poolinfo)'], false)), false)");
	step->check_sql = strbuf_steal(&sql);
	step->changes = xstrdup("On the new node, sent by the donor (master_run_on_worker()): the donor's pg_dist_authinfo"
							" and pg_dist_poolinfo rows are inserted into the new node's, a row already there kept. The"
							" donor does not change, and the authinfo text never passes through this console.");
	step->confirms = xstrdup("done when the new node holds as many pg_dist_authinfo and pg_dist_poolinfo rows as the donor");
	step->undo = xstrdup("On the new node: DELETE FROM pg_catalog.pg_dist_authinfo; DELETE FROM pg_catalog.pg_dist_poolinfo;");
	step->locks = xstrdup("On the new node only, which serves no application yet: the rows it inserts.");
	strbuf_free(&body);
	(void) snap;
}

void
plan_add_reach_proof(const ClusterSnapshot *snap, Plan *plan, const char *host, int port)
{
	StrBuf		body;
	StrBuf		all;
	StrBuf		sql;
	PlanStep   *step;

	strbuf_init(&body);
	strbuf_init(&all);
	strbuf_append(&body, "\nBEGIN\n");
	strbuf_append(&all, "SELECT true");
	for (int i = 0; i < snap->nnodes; i++)
	{
		StrBuf		call;

		if (!snapshot_reaches_worker(snap, i))
			continue;
		strbuf_init(&call);
		strbuf_append(&call, "pg_catalog.citus_check_connection_to_node(");
		sql_append_literal(&call, snap->nodes[i].meta.nodename);
		strbuf_printf(&call, ", %d)", snap->nodes[i].meta.nodeport);
		strbuf_printf(&body, "  IF NOT %s THEN\n    RAISE EXCEPTION 'the new node cannot reach %%:%%', ",
					  call.data);
		sql_append_literal(&body, snap->nodes[i].meta.nodename);
		strbuf_printf(&body, ", %d\n      USING HINT = 'Its WARNING says why; fix pg_hba.conf or the"
					  " password (~/.pgpass, pg_dist_authinfo), then run again.';\n  END IF;\n",
					  snap->nodes[i].meta.nodeport);
		strbuf_printf(&all, " AND %s", call.data);
		strbuf_free(&call);
	}
	strbuf_append(&body, "END\n");
	strbuf_init(&sql);
	plan_append_timeouts(&sql);
	strbuf_append(&sql, "DO ");
	sql_append_dollar_quoted(&sql, body.data);
	strbuf_append(&sql, ";\n");
	step = plan_add_step(plan, host, port,
						 "On the new node: prove with Citus's own connection check that it reaches every worker, before the cluster is changed.");
	step->sql = strbuf_steal(&sql);
	step->check_sql = strbuf_steal(&all);
	step->changes = xstrdup("Nothing: Citus connects from the new node to every worker"
							" (citus_check_connection_to_node()), and the batch fails naming the first it cannot reach.");
	step->confirms = xstrdup("done when the new node reaches every worker: a rerun asks again and goes on if they all answer");
	step->undo = xstrdup("Nothing to undo: it only connects.");
	step->locks = xstrdup("None: it only connects.");
	strbuf_free(&body);
}
