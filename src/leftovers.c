#include "config.h"

#include "leftovers.h"
#include "planner.h"
#include "quote.h"
#include "termsafe.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

static const char *const kind_names[LEFTOVER_KIND_COUNT] = {
	"subscription",
	"replication slot",
	"publication",
	"shard table",
	"role",
};

/* As the SQL names them, one word each */
static const char *const kind_keys[LEFTOVER_KIND_COUNT] = {
	"subscription", "slot", "publication", "shard_table", "role",
};

/*
 * Citus hides shard tables from pg_class to sessions it does not know,
 * half-copied ones included; set_config(..., true) lifts that for this
 * batch alone.
 *
 * A shard table is a relation in a distributed table's schema named after
 * it with "_" and a shard id, that is not itself a distributed table and
 * that no placement in this node's group refers to.  The id must be a
 * shard of that very table, or, for the children of an unfinished split
 * whose metadata never arrived, an id past every known shard in a table
 * with the distributed table's columns: a table of the user's that merely
 * looks like a shard (events_2023) is left alone.
 *
 * When the name and "_<shard id>" do not fit in 63 bytes, Citus cuts the
 * name (keeping at least 31 bytes of it, so 7 characters) and puts the
 * hash_any() of the whole name, which hashtext() computes, before the id:
 * "<cut name>_<8 hex digits>_<shard id>" (AppendShardIdToName).
 *
 * Each relation's name is split once (shaped), the shards this node
 * holds are dropped there, and what is left is joined to the distributed
 * tables (dist) by equality, on its head or on its hash: the work grows
 * with the node's relations, not with relations times tables.
 */
const char *const leftovers_sql =
"SELECT pg_catalog.set_config('citus.override_table_visibility', 'off', true);\n"
"WITH shaped AS (\n"
"  SELECT c.oid, c.relnamespace, c.relname::text AS relname, y.tail,\n"
"         pg_catalog.left(c.relname::text,\n"
"                         pg_catalog.length(c.relname::text) - pg_catalog.length(y.tail) - 1) AS head\n"
"    FROM pg_catalog.pg_class c\n"
"   CROSS JOIN LATERAL (SELECT pg_catalog.reverse(pg_catalog.split_part(\n"
"                                  pg_catalog.reverse(c.relname::text), '_', 1)) AS tail) y\n"
"   WHERE c.relkind IN ('r', 'p') AND c.relname ~ '_[0-9]+$'\n"
"     AND pg_catalog.length(y.tail) <= 18\n"
"     AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_dist_placement pl WHERE pl.shardid = y.tail::bigint\n"
"                        AND pl.groupid = (SELECT groupid FROM pg_catalog.pg_dist_local_group))\n"
"), dist AS (\n"
"  SELECT d.logicalrelid::pg_catalog.oid AS logicalrelid, t.relnamespace, t.relname::text AS relname,\n"
"         '_' || pg_catalog.lpad(pg_catalog.to_hex(pg_catalog.hashtext(t.relname::text COLLATE \"C\")), 8, '0') AS hash\n"
"    FROM pg_catalog.pg_dist_partition d JOIN pg_catalog.pg_class t ON t.oid = d.logicalrelid\n"
")\n"
"SELECT kind, nspname, objname, shardid, retained::text, active, slot, publisher FROM (\n"
"  SELECT 0 AS ord, 'subscription' AS kind, NULL::text AS nspname, s.subname::text AS objname,\n"
"         NULL::bigint AS shardid, NULL::numeric AS retained, s.subenabled AS active,\n"
"         s.subslotname::text AS slot,\n"
"         pg_catalog.substring(s.subconninfo, 'host=''?([^'' ]*)') || ':' ||\n"
"         COALESCE(pg_catalog.substring(s.subconninfo, 'port=''?([0-9]+)'), '5432') AS publisher\n"
"    FROM pg_catalog.pg_subscription s\n"
"   WHERE s.subdbid = (SELECT d.oid FROM pg_catalog.pg_database d\n"
"                       WHERE d.datname = pg_catalog.current_database())\n"
"     AND s.subname::text LIKE 'citus\\_shard\\_%\\_subscription\\_%'\n"
"  UNION ALL\n"
"  SELECT 1, 'slot', NULL, r.slot_name::text, NULL,\n"
"         pg_catalog.pg_wal_lsn_diff(pg_catalog.pg_current_wal_lsn(), r.restart_lsn), r.active, NULL, NULL\n"
"    FROM pg_catalog.pg_replication_slots r\n"
"   WHERE r.database = pg_catalog.current_database()\n"
"     AND (r.slot_name::text LIKE 'citus\\_shard\\_move\\_slot\\_%'\n"
"          OR r.slot_name::text LIKE 'citus\\_shard\\_split\\_slot\\_%')\n"
"  UNION ALL\n"
"  SELECT 2, 'publication', NULL, p.pubname::text, NULL, NULL, NULL, NULL, NULL\n"
"    FROM pg_catalog.pg_publication p\n"
"   WHERE p.pubname::text LIKE 'citus\\_shard\\_%\\_publication\\_%'\n"
"  UNION ALL\n"
"  SELECT 3, 'shard_table', n.nspname::text, m.relname, m.shardid, NULL, NULL, NULL, NULL\n"
"    FROM (SELECT c.oid, c.relname, c.tail::bigint AS shardid, t.logicalrelid, t.relnamespace\n"
"            FROM shaped c JOIN dist t ON t.relnamespace = c.relnamespace AND t.relname = c.head\n"
"          UNION ALL\n"
"          SELECT c.oid, c.relname, c.tail::bigint, t.logicalrelid, t.relnamespace\n"
"            FROM shaped c JOIN dist t ON t.relnamespace = c.relnamespace\n"
"                 AND pg_catalog.right(c.head, 9) = t.hash AND t.relname <> c.head\n"
"           WHERE pg_catalog.octet_length(t.relname) + pg_catalog.length(c.tail) >= 63\n"
"             AND pg_catalog.length(c.head) > 9\n"
"             AND pg_catalog.starts_with(t.relname, pg_catalog.left(c.head, pg_catalog.length(c.head) - 9))\n"
"             AND pg_catalog.starts_with(c.relname, pg_catalog.left(t.relname, 7))) m\n"
"    JOIN pg_catalog.pg_namespace n ON n.oid = m.relnamespace\n"
"   WHERE NOT EXISTS (SELECT 1 FROM pg_catalog.pg_dist_partition o WHERE o.logicalrelid = m.oid)\n"
"     AND (EXISTS (SELECT 1 FROM pg_catalog.pg_dist_shard s\n"
"                   WHERE s.shardid = m.shardid AND s.logicalrelid = m.logicalrelid)\n"
"          OR (NOT EXISTS (SELECT 1 FROM pg_catalog.pg_dist_shard s WHERE s.shardid = m.shardid)\n"
"              AND m.shardid > (SELECT COALESCE(pg_catalog.max(s.shardid), 0) FROM pg_catalog.pg_dist_shard s)\n"
"              AND (SELECT pg_catalog.string_agg(a.attname::text || ' ' || a.atttypid::text, ',' ORDER BY a.attnum)\n"
"                     FROM pg_catalog.pg_attribute a WHERE a.attrelid = m.oid AND a.attnum > 0 AND NOT a.attisdropped)\n"
"                = (SELECT pg_catalog.string_agg(a.attname::text || ' ' || a.atttypid::text, ',' ORDER BY a.attnum)\n"
"                     FROM pg_catalog.pg_attribute a WHERE a.attrelid = m.logicalrelid AND a.attnum > 0\n"
"                      AND NOT a.attisdropped)))\n"
"  UNION ALL\n"
"  SELECT 4, 'role', NULL, a.rolname::text, NULL, NULL, NULL, NULL, NULL\n"
"    FROM pg_catalog.pg_roles a\n"
"   WHERE a.rolname::text LIKE 'citus\\_shard\\_%\\_subscription\\_role\\_%'\n"
") l\n"
"ORDER BY ord, nspname COLLATE \"C\", objname COLLATE \"C\"";

const char *
leftover_kind_name(LeftoverKind kind)
{
	return kind >= 0 && kind < LEFTOVER_KIND_COUNT ? kind_names[kind] : "?";
}

int
leftover_kind_from_text(const char *text)
{
	for (int k = 0; k < LEFTOVER_KIND_COUNT; k++)
		if (text && strcmp(text, kind_keys[k]) == 0)
			return k;
	return -1;
}

void
leftovers_free(Leftover *leftovers, int count)
{
	for (int i = 0; i < count; i++)
	{
		free(leftovers[i].schema);
		free(leftovers[i].name);
		free(leftovers[i].slot);
		free(leftovers[i].publisher);
	}
	free(leftovers);
}

int64_t
leftovers_retained_wal(const ClusterSnapshot *snap)
{
	int64_t		total = 0;

	for (int i = 0; i < snap->nnodes; i++)
		for (int l = 0; l < snap->nodes[i].nleftovers; l++)
			if (snap->nodes[i].leftovers[l].kind == LEFTOVER_SLOT &&
				snap->nodes[i].leftovers[l].retained_wal > 0)
				total += snap->nodes[i].leftovers[l].retained_wal;
	return total;
}

/* pg_size_pretty's units and rounding: a unit is used from 10 of it */
char *
format_size(int64_t bytes)
{
	static const char *const units[] = {"kB", "MB", "GB", "TB", "PB"};
	int64_t		size = bytes < 0 ? 0 : bytes;

	if (size < 10 * 1024)
		return xasprintf("%" PRId64 " bytes", size);
	size >>= 9;					/* one more bit than kB, to round with */
	for (size_t u = 0; u < sizeof(units) / sizeof(units[0]); u++)
	{
		if (size < 20 * 1024 - 1 || u + 1 == sizeof(units) / sizeof(units[0]))
			return xasprintf("%" PRId64 " %s", (size + 1) / 2, units[u]);
		size >>= 10;
	}
	return xstrdup("?");
}

/* "replication slot x (inactive, retains 12 MB)", terminal-unsafe */
static void
append_leftover(StrBuf *out, const Leftover *l)
{
	strbuf_printf(out, "%s ", leftover_kind_name(l->kind));
	if (l->schema)
		strbuf_printf(out, "%s.", l->schema);
	strbuf_append(out, l->name ? l->name : "?");
	if (l->kind == LEFTOVER_SLOT)
	{
		char	   *size = format_size(l->retained_wal);

		strbuf_printf(out, " (%s, retains %s of WAL)", l->active ? "active" : "inactive",
					  l->retained_wal < 0 ? "an unknown amount" : size);
		free(size);
	}
	else if (l->kind == LEFTOVER_SUBSCRIPTION)
		strbuf_printf(out, " (%s, slot %s on %s)", l->active ? "enabled" : "disabled",
					  l->slot ? l->slot : "none", l->publisher ? l->publisher : "?");
	else if (l->kind == LEFTOVER_SHARD_TABLE)
		strbuf_printf(out, " (shard %" PRId64 ", no placement on this node)", l->shardid);
}

int
leftovers_describe(const ClusterSnapshot *snap, bool (*include) (const ClusterSnapshot *, int),
				   StrBuf *out)
{
	int			count = 0;

	for (int i = 0; i < snap->nnodes; i++)
	{
		const NodeReport *node = &snap->nodes[i];

		if (node->nleftovers == 0 || (include && !include(snap, i)))
			continue;
		strbuf_printf(out, "%son %s: ", out->len ? "; " : "", node->label);
		for (int l = 0; l < node->nleftovers; l++)
		{
			if (l)
				strbuf_append(out, ", ");
			append_leftover(out, &node->leftovers[l]);
		}
		count += node->nleftovers;
	}
	return count;
}

void
leftovers_print(FILE *out, const ClusterSnapshot *snap)
{
	int64_t		retained = leftovers_retained_wal(snap);
	bool		header = false;

	for (int i = 0; i < snap->nnodes; i++)
	{
		const NodeReport *node = &snap->nodes[i];

		for (int l = 0; l < node->nleftovers; l++)
		{
			StrBuf		line;
			char	   *shown;

			if (!header)
				fprintf(out, "\nLeftovers of interrupted shard moves and splits"
						" (the plan drops them):\n");
			header = true;
			strbuf_init(&line);
			strbuf_printf(&line, "%s: ", node->label);
			append_leftover(&line, &node->leftovers[l]);
			shown = terminal_safe_dup(line.data);
			fprintf(out, "  %s\n", shown);
			free(shown);
			strbuf_free(&line);
		}
	}
	if (retained > 0)
	{
		char	   *size = format_size(retained);

		fprintf(out, "\nWARNING: replication slots of interrupted shard moves retain %s of WAL;"
				" it grows until they are dropped or the disk is full.\n", size);
		free(size);
	}
}

void
leftovers_json(JsonWriter *w, const NodeReport *node)
{
	json_begin_array(w, "leftovers");
	for (int l = 0; l < node->nleftovers; l++)
	{
		const Leftover *x = &node->leftovers[l];

		json_begin_object(w, NULL);
		json_string(w, "kind", kind_keys[x->kind]);
		json_string(w, "schema", x->schema);
		json_string(w, "name", x->name);
		if (x->kind == LEFTOVER_SHARD_TABLE)
			json_int(w, "shardid", x->shardid);
		if (x->kind == LEFTOVER_SLOT)
		{
			if (x->retained_wal >= 0)
				json_int(w, "retained_wal_bytes", x->retained_wal);
			else
				json_null(w, "retained_wal_bytes");
		}
		if (x->kind == LEFTOVER_SLOT || x->kind == LEFTOVER_SUBSCRIPTION)
			json_bool(w, "active", x->active);
		if (x->kind == LEFTOVER_SUBSCRIPTION)
		{
			json_string(w, "slot", x->slot);
			json_string(w, "publisher", x->publisher);
		}
		json_end_object(w);
	}
	json_end_array(w);
}

/* "SELECT NOT EXISTS (SELECT 1 FROM <from> WHERE <column> = '<name>'<more>)" */
static char *
absent_sql(const char *from, const char *column, const char *name, const char *more)
{
	StrBuf		sql;

	strbuf_init(&sql);
	strbuf_printf(&sql, "SELECT NOT EXISTS (SELECT 1 FROM %s WHERE %s = ", from, column);
	sql_append_literal(&sql, name);
	strbuf_printf(&sql, "%s)", more);
	return strbuf_steal(&sql);
}

/* before, the name quoted as the batch has it, after: what a step changes, for the review */
static char *
leftover_words(const char *before, const char *name, const char *after)
{
	StrBuf		words;

	strbuf_init(&words);
	strbuf_append(&words, before);
	sql_append_ident(&words, name);
	strbuf_append(&words, after);
	return strbuf_steal(&words);
}

/* "Drop replication slot NAME, <why>." */
static PlanStep *
leftover_step(Plan *plan, const NodeReport *node, const Leftover *l, const char *why)
{
	char	   *purpose = xasprintf("Drop %s %s%s%s, %s.", leftover_kind_name(l->kind),
									l->schema ? l->schema : "", l->schema ? "." : "", l->name, why);
	PlanStep   *step = plan_add_step(plan, node->host, node->port, purpose);

	free(purpose);
	step->locks = xstrdup("On this node only: the leftover it drops, which nothing of the application uses.");
	return step;
}

/* Disabled and detached from its slot first, it drops without reaching for that slot. */
static void
add_subscription_step(Plan *plan, const NodeReport *node, const Leftover *l)
{
	PlanStep   *step = leftover_step(plan, node, l,
									 "left by an interrupted shard move or split; its slot goes in a later step, wherever it lives");
	StrBuf		sql;
	StrBuf		ident;

	strbuf_init(&ident);
	sql_append_ident(&ident, l->name);
	strbuf_init(&sql);
	plan_append_timeouts(&sql);
	strbuf_printf(&sql, "SET LOCAL citus.enable_ddl_propagation = off;\n"
				  "ALTER SUBSCRIPTION %s DISABLE;\n"
				  "ALTER SUBSCRIPTION %s SET (slot_name = NONE);\n"
				  "DROP SUBSCRIPTION %s;\n", ident.data, ident.data, ident.data);
	step->sql = strbuf_steal(&sql);
	step->check_sql = absent_sql("pg_catalog.pg_subscription", "subname", l->name,
								 " AND subdbid = (SELECT oid FROM pg_catalog.pg_database"
								 " WHERE datname = pg_catalog.current_database())");
	step->changes = xasprintf("On this node only: the subscription %s is disabled, detached from its replication slot"
							  " and dropped from pg_subscription; the slot goes in its own step.", ident.data);
	step->confirms = xstrdup("done when this node's pg_subscription no longer lists it in this database");
	step->undo = xstrdup("None needed: the copy it fed was never finished, and Citus makes a new one for the next move.");
	strbuf_free(&ident);
}

/*
 * A slot still in use by a walsender is released first: its subscriber
 * may be a node that is away, or may not have let go yet.
 */
static void
add_slot_step(Plan *plan, const NodeReport *node, const Leftover *l)
{
	PlanStep   *step = leftover_step(plan, node, l,
									 "left by an interrupted shard move or split: it retains WAL until the disk is full");
	StrBuf		name;
	StrBuf		body;
	StrBuf		sql;

	strbuf_init(&name);
	sql_append_literal(&name, l->name);
	strbuf_init(&body);
	strbuf_printf(&body, "\nBEGIN\n"
				  "  PERFORM pg_catalog.pg_terminate_backend(active_pid)\n"
				  "     FROM pg_catalog.pg_replication_slots WHERE slot_name = %s AND active_pid IS NOT NULL;\n"
				  "  FOR i IN 1..100 LOOP\n"
				  "    EXIT WHEN NOT EXISTS (SELECT 1 FROM pg_catalog.pg_replication_slots\n"
				  "                           WHERE slot_name = %s AND active);\n"
				  "    PERFORM pg_catalog.pg_sleep(0.1);\n"
				  "  END LOOP;\n"
				  "  PERFORM pg_catalog.pg_drop_replication_slot(slot_name)\n"
				  "     FROM pg_catalog.pg_replication_slots WHERE slot_name = %s;\n"
				  "END\n", name.data, name.data, name.data);
	strbuf_init(&sql);
	plan_append_timeouts(&sql);
	strbuf_append(&sql, "DO ");
	sql_append_dollar_quoted(&sql, body.data);
	strbuf_append(&sql, ";\n");
	step->sql = strbuf_steal(&sql);
	step->check_sql = absent_sql("pg_catalog.pg_replication_slots", "slot_name", l->name, "");
	step->changes = xasprintf("On this node only: a walsender still using the replication slot %s is ended, and the"
							  " slot is dropped from pg_replication_slots, so the WAL it held back can be recycled.", name.data);
	step->confirms = xstrdup("done when this node's pg_replication_slots no longer lists it");
	step->undo = xstrdup("None: a slot cannot be made again at its old position; a new move makes its own.");
	strbuf_free(&body);
	strbuf_free(&name);
}

static void
add_publication_step(Plan *plan, const NodeReport *node, const Leftover *l)
{
	PlanStep   *step = leftover_step(plan, node, l, "left by an interrupted shard move or split");
	StrBuf		sql;

	strbuf_init(&sql);
	plan_append_timeouts(&sql);
	strbuf_append(&sql, "SET LOCAL citus.enable_ddl_propagation = off;\nDROP PUBLICATION IF EXISTS ");
	sql_append_ident(&sql, l->name);
	strbuf_append(&sql, ";\n");
	step->sql = strbuf_steal(&sql);
	step->changes = leftover_words("On this node only: the publication ", l->name,
								   " is dropped from pg_publication; no table changes.");
	step->check_sql = absent_sql("pg_catalog.pg_publication", "pubname", l->name, "");
	step->confirms = xstrdup("done when this node's pg_publication no longer lists it");
	step->undo = xstrdup("None needed: a new move publishes what it copies.");
}

/*
 * Dropped only if, when the step runs, still no placement on this node
 * refers to the shard and the table has not become a distributed table.
 */
static void
add_shard_table_step(Plan *plan, const NodeReport *node, const Leftover *l)
{
	PlanStep   *step = leftover_step(plan, node, l,
									 "that no placement puts on this node: a partial copy or a split child an interrupted shard move or split left behind");
	StrBuf		rel;
	StrBuf		rel_text;
	StrBuf		body;
	StrBuf		sql;

	strbuf_init(&rel);
	sql_append_ident(&rel, l->schema);
	strbuf_append_char(&rel, '.');
	sql_append_ident(&rel, l->name);
	/*
	 * to_regclass() does not read the U&"..." identifiers sql_append_ident
	 * writes for a name with a control character: it would find no table,
	 * and the step would count as done before it ran.
	 */
	strbuf_init(&rel_text);
	strbuf_append(&rel_text, "pg_catalog.format('%I.%I', ");
	sql_append_literal(&rel_text, l->schema);
	strbuf_append(&rel_text, ", ");
	sql_append_literal(&rel_text, l->name);
	strbuf_append_char(&rel_text, ')');
	strbuf_init(&body);
	strbuf_printf(&body, "\nBEGIN\n"
				  "  IF EXISTS (SELECT 1 FROM pg_catalog.pg_dist_placement WHERE shardid = %" PRId64 "\n"
				  "                AND groupid = (SELECT groupid FROM pg_catalog.pg_dist_local_group))\n"
				  "     OR EXISTS (SELECT 1 FROM pg_catalog.pg_dist_partition\n"
				  "                 WHERE logicalrelid::pg_catalog.oid = pg_catalog.to_regclass(%s)::pg_catalog.oid) THEN\n"
				  "    RAISE EXCEPTION 'not dropped: a placement on this node refers to %%', %s;\n"
				  "  END IF;\n"
				  "  DROP TABLE IF EXISTS %s;\n"
				  "END\n", l->shardid, rel_text.data, rel_text.data, rel.data);
	strbuf_init(&sql);
	plan_append_timeouts(&sql);
	strbuf_append(&sql, "SET LOCAL citus.enable_manual_changes_to_shards = on;\n"
				  "SET LOCAL citus.enable_ddl_propagation = off;\nDO ");
	sql_append_dollar_quoted(&sql, body.data);
	strbuf_append(&sql, ";\n");
	step->sql = strbuf_steal(&sql);
	strbuf_init(&sql);
	strbuf_printf(&sql, "SELECT pg_catalog.to_regclass(%s) IS NULL", rel_text.data);
	step->check_sql = strbuf_steal(&sql);
	step->changes = xasprintf("On this node only: the table %s is dropped, unless by then a placement on this node"
							  " names shard %" PRId64 " or the table is distributed, in which case the batch fails and"
							  " changes nothing.", rel.data, l->shardid);
	step->confirms = xstrdup("done when this node has no table of that name");
	step->undo = xstrdup("None: it held an unfinished copy whose rows its source still has.");
	strbuf_free(&body);
	strbuf_free(&rel_text);
	strbuf_free(&rel);
}

static void
add_role_step(Plan *plan, const NodeReport *node, const Leftover *l)
{
	PlanStep   *step = leftover_step(plan, node, l,
									 "that owned the subscription of an interrupted shard move or split, now gone");
	StrBuf		sql;

	strbuf_init(&sql);
	plan_append_timeouts(&sql);
	strbuf_append(&sql, "SET LOCAL citus.enable_ddl_propagation = off;\nDROP ROLE IF EXISTS ");
	sql_append_ident(&sql, l->name);
	strbuf_append(&sql, ";\n");
	step->sql = strbuf_steal(&sql);
	step->check_sql = absent_sql("pg_catalog.pg_roles", "rolname", l->name, "");
	step->changes = leftover_words("On this node only: the role ", l->name,
								   " is dropped from pg_roles (not propagated to other nodes).");
	step->confirms = xstrdup("done when this node's pg_roles no longer lists it");
	step->undo = xstrdup("None needed: Citus makes a new role for each move.");
}

void
leftovers_plan_steps(Plan *plan, const NodeReport *const *nodes, int count)
{
	static void (*const add[LEFTOVER_KIND_COUNT]) (Plan *, const NodeReport *, const Leftover *) = {
		add_subscription_step,
		add_slot_step,
		add_publication_step,
		add_shard_table_step,
		add_role_step,
	};

	for (int k = 0; k < LEFTOVER_KIND_COUNT; k++)
		for (int i = 0; i < count; i++)
			for (int l = 0; l < nodes[i]->nleftovers; l++)
				if (nodes[i]->leftovers[l].kind == (LeftoverKind) k)
					add[k] (plan, nodes[i], &nodes[i]->leftovers[l]);
}
