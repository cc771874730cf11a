#include "config.h"

#include "planner.h"
#include "catalog.h"
#include "compat.h"
#include "hostport.h"
#include "lostshards.h"
#include "leftovers.h"
#include "ledger.h"
#include "plan_connections.h"
#include "report.h"
#include "roles.h"
#include "strbuf.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool
is_survivor(const ClusterSnapshot *snap, int i)
{
	const NodeReport *node = &snap->nodes[i];

	return node->in_metadata && !node->is_target && i != snap->old_coordinator &&
		node->meta.groupid != 0 && node->meta.noderole &&
		strcmp(node->meta.noderole, "primary") == 0;
}

static bool
any_survivor_unreachable(const ClusterSnapshot *snap)
{
	for (int i = 0; i < snap->nnodes; i++)
		if (is_survivor(snap, i) && !snap->nodes[i].reachable)
			return true;
	return false;
}

/*
 * Citus's full metadata sync re-sends every worker all of the metadata and
 * makes the workers' own queries wait while it runs.  A targeted change of
 * the rows that differ gives the same catalogs only when every worker
 * already holds what the sync would send: the same catalogs and the same
 * placement ids (pre-flight's digests prove both), and metadata to change.
 * NULL when the targeted change will do; else why the full sync is needed.
 */
static const char *
full_resync_reason(const ClusterSnapshot *snap, const PlanChoices *choices)
{
	const char *ids = NULL;

	if (choices->full_resync)
		return "--full-resync asks for it";
	if (any_survivor_unreachable(snap))
		return "a worker does not answer, and only the sync sets its metadata right when it is back";
	for (int c = 0; c < CATALOG_COUNT; c++)
		if (!snap->comparisons[c].agree)
			return "the workers' catalogs differ, and the sync makes them the new coordinator's";
	for (int i = 0; i < snap->nnodes; i++)
	{
		const NodeReport *node = &snap->nodes[i];

		if (!is_survivor(snap, i))
			continue;
		if (!node->meta.hasmetadata)
			return "a worker has no metadata (hasmetadata false), which only the sync gives it";
		if (node->placement_ids_digest == NULL)
			return "a worker's placement ids could not be read";
		if (ids == NULL)
			ids = node->placement_ids_digest;
		else if (strcmp(ids, node->placement_ids_digest) != 0)
			return "the workers' placement ids differ, and the sync makes them the new coordinator's";
	}
	return NULL;
}

static bool
usable(const NodeReport *node)
{
	return node->reachable && node->is_citus && !node->in_recovery;
}

static int
find_node(const ClusterSnapshot *snap, const char *address)
{
	char		errbuf[128];
	char	   *host;
	int			port;
	int			found = -1;

	if (address == NULL || !parse_host_port(address, &host, &port, errbuf, sizeof(errbuf)))
		return -1;
	for (int i = 0; i < snap->nnodes && found < 0; i++)
	{
		const NodeReport *node = &snap->nodes[i];

		if (node->is_target)
			continue;
		if ((node->meta.nodename && strcmp(node->meta.nodename, host) == 0 &&
			 node->meta.nodeport == port) ||
			(node->host && strcmp(node->host, host) == 0 && node->port == port))
			found = i;
	}
	free(host);
	return found;
}

/* The highest value a sequence must pass: ids in use and survivors' values */
static int64_t
sequence_floor(const ClusterSnapshot *snap, int which)
{
	int64_t		floor = -1;

	if (citus_id_sequences[which].maxid >= 0)
		floor = snap->max_id[citus_id_sequences[which].maxid];
	for (int i = 0; i < snap->nnodes; i++)
	{
		const NodeReport *node = &snap->nodes[i];

		if (!is_survivor(snap, i) || !node->reachable)
			continue;
		for (int s = 0; s < node->nsequences; s++)
			if (strcmp(node->sequences[s].name, citus_id_sequences[which].sequence) == 0 &&
				node->sequences[s].last_value)
			{
				int64_t		v = strtoll(node->sequences[s].last_value, NULL, 10);

				if (v > floor)
					floor = v;
			}
	}
	return floor;
}

static bool
node_has_sequence(const NodeReport *node, const char *name)
{
	for (int s = 0; s < node->nsequences; s++)
		if (strcmp(node->sequences[s].name, name) == 0)
			return true;
	return false;
}

/*
 * setval for every id sequence the node has, past every id any survivor
 * holds.  Ids in the node's own catalogs are taken at apply time as well,
 * in case they moved on since the plan was made.
 */
static void
append_sequence_resets(StrBuf *sql, const ClusterSnapshot *snap, const NodeReport *node)
{
	for (int q = 0; q < CITUS_ID_SEQUENCE_COUNT; q++)
	{
		int64_t		floor = sequence_floor(snap, q);

		if (!node_has_sequence(node, citus_id_sequences[q].sequence))
			continue;
		if (floor < 1 && citus_id_sequences[q].table == NULL)
			continue;
		strbuf_printf(sql, "SELECT pg_catalog.setval('pg_catalog.%s', GREATEST(%" PRId64,
					  citus_id_sequences[q].sequence, floor < 1 ? 1 : floor);
		if (citus_id_sequences[q].table)
			strbuf_printf(sql, ", (SELECT pg_catalog.max(%s) FROM pg_catalog.%s)",
						  citus_id_sequences[q].column, citus_id_sequences[q].table);
		strbuf_printf(sql, ", (SELECT last_value FROM pg_catalog.%s)));\n",
					  citus_id_sequences[q].sequence);
	}
}

void
plan_append_timeouts(StrBuf *sql)
{
	strbuf_append(sql, "SET LOCAL statement_timeout = '" STEP_STATEMENT_TIMEOUT "';\n"
				  "SET LOCAL lock_timeout = '" STEP_LOCK_TIMEOUT "';\n");
}

/* WHERE nodename = '...' AND nodeport = N */
static void
append_node_match(StrBuf *sql, const char *name, int port)
{
	strbuf_append(sql, "nodename = ");
	sql_append_literal(sql, name);
	strbuf_printf(sql, " AND nodeport = %d", port);
}

static void
check(Plan *plan, const char *name, CheckStatus status, const char *fix,
	  const char *fmt,...) __attribute__((format(printf, 5, 6)));

static void
check(Plan *plan, const char *name, CheckStatus status, const char *fix,
	  const char *fmt,...)
{
	StrBuf		why;
	va_list		ap;

	strbuf_init(&why);
	va_start(ap, fmt);
	strbuf_vprintf(&why, fmt, ap);
	va_end(ap);
	plan_add_check(plan, name, status, why.data, fix);
	strbuf_free(&why);
}

static PreparedDecision
decision_for(const PlanChoices *choices, const char *gid)
{
	PreparedDecision all = PREPARED_UNDECIDED;

	for (int i = 0; i < choices->nprepared; i++)
	{
		if (strcmp(choices->prepared[i].gid, gid) == 0)
			return choices->prepared[i].decision;
		if (strcmp(choices->prepared[i].gid, "all") == 0)
			all = choices->prepared[i].decision;
	}
	return all;
}

static bool
is_orphan_gid(const char *gid)
{
	return strncmp(gid, "citus_0_", 8) == 0;
}

/* What every pre-flight check may need beyond the snapshot and choices */
typedef struct PreflightContext
{
	int			target;			/* node index of the target, -1 when unknown */
	int			donor;			/* node index of the donor, -1 when none */
} PreflightContext;

typedef void (*PreflightRun) (const ClusterSnapshot *snap, const PlanChoices *choices,
							  const PreflightContext *pc, Plan *plan);

/*
 * One pre-flight check.  A run adds the check under its name, or adds
 * nothing when the check does not apply to this method or target.
 */
typedef struct PreflightTest
{
	const char *name;			/* stable: scripts and the wizard match on it */
	PreflightRun run;
	const char *proves;
} PreflightTest;

static void
check_cim(const ClusterSnapshot *snap, const PlanChoices *choices,
		  const PreflightContext *pc, Plan *plan)
{
	(void) pc;
	if (choices->cim != CIM_UNKNOWN && choices->cim != snap->cim)
		check(plan, "cim", CHECK_WARN, NULL,
			  "discovery found CIM %s; the operator chose CIM %s", cim_name(snap->cim), cim_name(choices->cim));
	else
		check(plan, "cim", CHECK_PASS, NULL, "%s",
			  plan->cim == CIM_INCLUDE ?
			  "CIM include: the old coordinator had a pg_dist_node row; the new one takes its place as group 0" :
			  "CIM exclude: the old coordinator had no pg_dist_node row; the new one stays out of it too");
}

static void
check_old_coordinator_gone(const ClusterSnapshot *snap, const PlanChoices *choices,
						   const PreflightContext *pc, Plan *plan)
{
	(void) choices;
	(void) pc;
	if (snap->coordinator_alive)
		check(plan, "old-coordinator-gone", CHECK_FAIL,
			  "Stop the old coordinator for good (or fence it off the network) and plan again.",
			  "%s: recovering now would give the cluster two coordinators",
			  snap->coordinator_alive_why);
	else if (snap->old_coordinator >= 0)
		check(plan, "old-coordinator-gone", CHECK_PASS, NULL,
			  "the old coordinator at %s does not answer",
			  snap->nodes[snap->old_coordinator].label);
	else
		check(plan, "old-coordinator-gone", CHECK_WARN,
			  "Give --old-coordinator HOST:PORT to have its address checked.",
			  "the old coordinator was not in the metadata, so its address is unknown and was not checked");
}

static void
check_nodes_reachable(const ClusterSnapshot *snap, const PlanChoices *choices,
					  const PreflightContext *pc, Plan *plan)
{
	StrBuf		list;

	(void) pc;
	strbuf_init(&list);
	for (int i = 0; i < snap->nnodes; i++)
		if (is_survivor(snap, i) && !snap->nodes[i].reachable)
			strbuf_printf(&list, "%s%s", list.len ? ", " : "", snap->nodes[i].label);
	if (list.len == 0)
		check(plan, "nodes-reachable", CHECK_PASS, NULL, "every worker answered");
	else if (choices->method == METHOD_NEW_NODE)
		check(plan, "nodes-reachable", CHECK_FAIL,
			  "Bring them back, or promote a worker (--promote) with --allow-unreachable.",
			  "no answer from %s: adding a new node pushes metadata to every worker, so it cannot go on without them",
			  list.data);
	else
		check(plan, "nodes-reachable", choices->allow_unreachable ? CHECK_WARN : CHECK_FAIL,
			  choices->allow_unreachable ?
			  "When they return, run the citus_activate_node() call the plan's notes give, on the new coordinator." :
			  "Bring them back, or plan without them with --allow-unreachable.",
			  "no answer from %s", list.data);
	strbuf_free(&list);
}

/* The first node's versions are the yardstick: the operator vouched for it */
static void
check_same_versions(const ClusterSnapshot *snap, const PlanChoices *choices,
					const PreflightContext *pc, Plan *plan)
{
	const NodeReport *first = &snap->nodes[snap->first];
	int			major = first->server_version_num / 10000;
	const char *citus = first->citus_library_version;
	bool		same = true;
	StrBuf		list;

	(void) choices;
	strbuf_init(&list);
	for (int i = 0; i < snap->nnodes; i++)
	{
		const NodeReport *node = &snap->nodes[i];

		if (!node->reachable || !node->is_citus ||
			(!is_survivor(snap, i) && i != pc->target))
			continue;
		if (node->server_version_num / 10000 != major ||
			(citus && node->citus_library_version &&
			 strcmp(citus, node->citus_library_version) != 0) ||
			(first->citus_extension_version && node->citus_extension_version &&
			 strcmp(first->citus_extension_version, node->citus_extension_version) != 0))
		{
			same = false;
			strbuf_printf(&list, "%s%s runs PostgreSQL %s with %s (extension %s)",
						  list.len ? "; " : "", node->label,
						  node->server_version ? node->server_version : "?",
						  node->citus_library_version ? node->citus_library_version : "no Citus",
						  node->citus_extension_version ? node->citus_extension_version : "-");
		}
	}
	if (same)
	{
		char	   *short_version = citus_short_version(citus);

		check(plan, "same-versions", CHECK_PASS, NULL,
			  "PostgreSQL %d and Citus %s (extension %s) on every node", major,
			  short_version ? short_version : "?",
			  first->citus_extension_version ? first->citus_extension_version : "?");
		free(short_version);
	}
	else
		check(plan, "same-versions", CHECK_FAIL,
			  "Upgrade or downgrade the odd nodes so that every node runs the same versions.",
			  "%s, unlike %s", list.data, first->label);
	strbuf_free(&list);
}

static void
check_metadata_agrees(const ClusterSnapshot *snap, const PlanChoices *choices,
					  const PreflightContext *pc, Plan *plan)
{
	bool		agree = true;
	StrBuf		list;

	StrBuf		unread;

	(void) choices;
	(void) pc;
	strbuf_init(&list);
	strbuf_init(&unread);
	for (int c = 0; c < CATALOG_COUNT; c++)
		if (!snap->comparisons[c].agree)
		{
			agree = false;
			strbuf_printf(&list, "%s%s", list.len ? ", " : "", catalog_name((CatalogId) c));
		}
	/*
	 * A worker that answers but whose Citus catalogs could not be read is
	 * in no comparison and no backup: nothing shows its metadata agrees.
	 */
	for (int i = 0; i < snap->nnodes; i++)
		if (is_survivor(snap, i) && snap->nodes[i].reachable && !snap->nodes[i].is_citus)
			strbuf_printf(&unread, "%s%s (%s)", unread.len ? "; " : "", snap->nodes[i].label,
						  snap->nodes[i].problem ? snap->nodes[i].problem : "not a Citus node");
	if (unread.len)
		check(plan, "metadata-agrees", CHECK_FAIL,
			  "Repair or remove those workers (citus-rescue discover shows what each said), then plan again.",
			  "the Citus catalogs of %s could not be read%s%s", unread.data,
			  agree ? "" : ", and the others disagree on ", agree ? "" : list.data);
	else if (agree)
		check(plan, "metadata-agrees", CHECK_PASS, NULL,
			  "every reachable worker holds the same metadata");
	else
		check(plan, "metadata-agrees", CHECK_FAIL,
			  "Run citus-rescue discover to see the differing rows; repair the odd nodes by hand, then plan again.",
			  "the workers disagree on %s", list.data);
	strbuf_free(&list);
	strbuf_free(&unread);
}

/*
 * Metadata pushes fail while any metadata node is not synced.  A worker
 * without metadata holds none to compare; the sync step gives it some.
 */
static void
check_workers_synced(const ClusterSnapshot *snap, const PlanChoices *choices,
					 const PreflightContext *pc, Plan *plan)
{
	StrBuf		list;
	StrBuf		bare;

	(void) choices;
	(void) pc;
	strbuf_init(&list);
	strbuf_init(&bare);
	for (int i = 0; i < snap->nnodes; i++)
		if (is_survivor(snap, i) && !snap->nodes[i].meta.hasmetadata)
			strbuf_printf(&bare, "%s%s", bare.len ? ", " : "", snap->nodes[i].label);
		else if (is_survivor(snap, i) && !snap->nodes[i].meta.metadatasynced)
			strbuf_printf(&list, "%s%s", list.len ? ", " : "", snap->nodes[i].label);
	if (list.len)
		check(plan, "workers-synced", CHECK_FAIL,
			  "A worker whose metadata sync never finished cannot be trusted; remove it from the plan or repair it first.",
			  "not metadata-synced: %s", list.data);
	else if (bare.len)
		check(plan, "workers-synced", CHECK_WARN, NULL,
			  "without metadata (hasmetadata false), so not compared and never a donor: %s; the metadata sync gives them the new coordinator's",
			  bare.data);
	else
		check(plan, "workers-synced", CHECK_PASS, NULL, "every worker with metadata is metadata-synced");
	strbuf_free(&list);
	strbuf_free(&bare);
}

/* Whether node i differs from the majority in any catalog */
static bool
node_differs(const ClusterSnapshot *snap, int i)
{
	for (int c = 0; c < CATALOG_COUNT; c++)
		for (int d = 0; d < snap->comparisons[c].ndiffs; d++)
			if (snap->comparisons[c].diffs[d].node == i)
				return true;
	return false;
}

/* Why node i cannot donate metadata, or NULL when it can */
static const char *
donor_refusal(const ClusterSnapshot *snap, int i)
{
	const NodeReport *node = &snap->nodes[i];

	if (!is_survivor(snap, i))
		return "not a primary worker";
	if (!node->reachable)
		return "no answer";
	if (!usable(node))
		return node->in_recovery ? "a standby" : "not a Citus node";
	if (!node->meta.hasmetadata)
		return "no metadata";
	if (!node->meta.metadatasynced)
		return "metadata not synced";
	if (node_differs(snap, i))
		return "metadata differs from the majority";
	return NULL;
}

/* "w1:5432 (metadata not synced), ..." for every primary worker */
static void
append_donor_refusals(StrBuf *list, const ClusterSnapshot *snap)
{
	for (int i = 0; i < snap->nnodes; i++)
	{
		const char *why;

		if (!is_survivor(snap, i) || (why = donor_refusal(snap, i)) == NULL)
			continue;
		strbuf_printf(list, "%s%s (%s)", list->len ? ", " : "", snap->nodes[i].label, why);
	}
}

/* Only the new-node method chooses a donor, and it cannot go on without one */
static void
check_donor(const ClusterSnapshot *snap, const PlanChoices *choices,
			const PreflightContext *pc, Plan *plan)
{
	StrBuf		list;

	strbuf_init(&list);
	if (pc->donor >= 0)
	{
		const NodeReport *d = &snap->nodes[pc->donor];
		const char *why = donor_refusal(snap, pc->donor);

		if (why)
			check(plan, "donor", CHECK_FAIL, "Choose another donor with --donor HOST:PORT.",
				  "%s cannot donate metadata (%s): it must be a reachable, metadata-synced primary worker that agrees with the others",
				  d->label, why);
		else
			check(plan, "donor", CHECK_PASS, NULL,
				  "%s (group %d) lends its metadata to the new node", d->label, d->meta.groupid);
	}
	else if (choices->method == METHOD_NEW_NODE && choices->donor)
		check(plan, "donor", CHECK_FAIL, "Name a worker that pg_dist_node lists.",
			  "the --donor node is not in pg_dist_node");
	else if (choices->method == METHOD_NEW_NODE)
	{
		append_donor_refusals(&list, snap);
		check(plan, "donor", CHECK_FAIL,
			  "Bring back, or repair, a worker whose metadata is synced and agrees with the others.",
			  "no worker can donate metadata: %s", list.len ? list.data : "pg_dist_node lists no primary worker");
	}
	strbuf_free(&list);
}

static void
check_promote_target(const ClusterSnapshot *snap, const PlanChoices *choices,
					 const PreflightContext *pc, Plan *plan)
{
	int			target = pc->target;

	if (choices->method != METHOD_PROMOTE)
		return;
	if (target < 0)
		check(plan, "promote-target", CHECK_FAIL, "Name a worker that pg_dist_node lists.",
			  "%s is not a node of this cluster", choices->target);
	else if (!is_survivor(snap, target) || !usable(&snap->nodes[target]) ||
			 !snap->nodes[target].meta.hasmetadata)
		check(plan, "promote-target", CHECK_FAIL, "Promote a reachable, metadata-synced primary worker.",
			  "%s cannot be promoted", snap->nodes[target].label);
	else
		check(plan, "promote-target", CHECK_PASS, NULL,
			  "%s (group %d) becomes the coordinator and keeps its shards",
			  snap->nodes[target].label, snap->nodes[target].meta.groupid);
}

/* The node to become coordinator under the new-node method, or NULL */
static const NodeReport *
new_node_target(const ClusterSnapshot *snap, const PlanChoices *choices, const PreflightContext *pc)
{
	if (choices->method == METHOD_PROMOTE || pc->target < 0)
		return NULL;
	return &snap->nodes[pc->target];
}

/* Past new-node-reachable, a new node that does not answer has nothing to judge */
static const NodeReport *
answering_new_node(const ClusterSnapshot *snap, const PlanChoices *choices,
				   const PreflightContext *pc)
{
	const NodeReport *t = new_node_target(snap, choices, pc);

	return t && t->reachable ? t : NULL;
}

static void
check_new_node_reachable(const ClusterSnapshot *snap, const PlanChoices *choices,
						 const PreflightContext *pc, Plan *plan)
{
	const NodeReport *t = new_node_target(snap, choices, pc);

	if (t == NULL)
		return;
	if (!t->reachable)
		check(plan, "new-node-reachable", CHECK_FAIL, "Start it, or check the address and --map.",
			  "%s does not answer", t->label);
	else
		check(plan, "new-node-reachable", CHECK_PASS, NULL, "%s answers", t->label);
}

static void
check_new_node_primary(const ClusterSnapshot *snap, const PlanChoices *choices,
					   const PreflightContext *pc, Plan *plan)
{
	const NodeReport *t = answering_new_node(snap, choices, pc);

	if (t && t->in_recovery)
		check(plan, "new-node-primary", CHECK_FAIL, "Promote or replace it with a primary.",
			  "%s is a standby", t->label);
}

static void
check_new_node_unlisted(const ClusterSnapshot *snap, const PlanChoices *choices,
						const PreflightContext *pc, Plan *plan)
{
	const NodeReport *t = answering_new_node(snap, choices, pc);
	int			in_metadata;

	if (t == NULL)
		return;
	in_metadata = find_node(snap, choices->target);
	if (in_metadata >= 0)
		check(plan, "new-node-unlisted", CHECK_FAIL,
			  "Use --promote to promote an existing worker, or give a fresh node.",
			  "%s is already in pg_dist_node (group %d)", t->label,
			  snap->nodes[in_metadata].meta.groupid);
	else
		check(plan, "new-node-unlisted", CHECK_PASS, NULL, "%s is not in pg_dist_node", t->label);
}

static void
check_new_node_citus(const ClusterSnapshot *snap, const PlanChoices *choices,
					 const PreflightContext *pc, Plan *plan)
{
	const NodeReport *t = answering_new_node(snap, choices, pc);

	if (t == NULL)
		return;
	if (t->citus_extension_version == NULL)
		check(plan, "new-node-citus", choices->create_extension ? CHECK_WARN : CHECK_FAIL,
			  choices->create_extension ? NULL :
			  "Run CREATE EXTENSION citus on it (with citus in shared_preload_libraries), or plan with --create-extension.",
			  choices->create_extension ? "%s has no citus extension yet: the plan creates it" :
			  "%s has no citus extension", t->label);
	else
		check(plan, "new-node-citus", CHECK_PASS, NULL, "%s has citus %s", t->label,
			  t->citus_extension_version);
}

/* Without the extension the node's database and contents were not read */
static const NodeReport *
new_node_with_citus(const ClusterSnapshot *snap, const PlanChoices *choices,
					const PreflightContext *pc)
{
	const NodeReport *t = answering_new_node(snap, choices, pc);

	return t && t->citus_extension_version != NULL ? t : NULL;
}

static void
check_new_node_database(const ClusterSnapshot *snap, const PlanChoices *choices,
						const PreflightContext *pc, Plan *plan)
{
	const NodeReport *first = &snap->nodes[snap->first];
	const NodeReport *t = new_node_with_citus(snap, choices, pc);

	if (t && t->database && first->database && strcmp(t->database, first->database) != 0)
		check(plan, "new-node-database", CHECK_FAIL,
			  "Connect with the same database name (-d) on every node.",
			  "%s uses database \"%s\", the cluster \"%s\"", t->label,
			  t->database, first->database);
}

static void
check_new_node_empty(const ClusterSnapshot *snap, const PlanChoices *choices,
					 const PreflightContext *pc, Plan *plan)
{
	const NodeReport *t = new_node_with_citus(snap, choices, pc);

	if (t == NULL)
		return;
	if (t->user_relations > 0)
		check(plan, "new-node-empty", CHECK_FAIL,
			  "Use an empty database: the new coordinator receives every table from the metadata.",
			  "%s already has %" PRId64 " user tables or views", t->label, t->user_relations);
	else if (t->catalogs[CATALOG_NODE].rows > 0 || t->catalogs[CATALOG_PLACEMENT].rows > 0)
		check(plan, "new-node-empty", CHECK_FAIL,
			  "Use a fresh node, or drop and create the citus extension on it.",
			  "%s already has Citus metadata", t->label);
	else
		check(plan, "new-node-empty", CHECK_PASS, NULL, "%s has no user tables", t->label);
}

static void
check_orphaned_prepared(const ClusterSnapshot *snap, const PlanChoices *choices,
						const PreflightContext *pc, Plan *plan)
{
	int			undecided = 0;
	int			orphans = 0;
	StrBuf		list;

	(void) pc;
	strbuf_init(&list);
	for (int i = 0; i < snap->nnodes; i++)
	{
		const NodeReport *node = &snap->nodes[i];

		if (!is_survivor(snap, i) || !node->reachable)
			continue;
		for (int x = 0; x < node->nprepared; x++)
		{
			PreparedDecision d;

			if (!is_orphan_gid(node->prepared[x].gid))
				continue;
			orphans++;
			d = decision_for(choices, node->prepared[x].gid);
			if (d == PREPARED_UNDECIDED)
				undecided++;
			strbuf_printf(&list, "%s%s on %s (prepared %s, %s)", list.len ? "; " : "",
						  node->prepared[x].gid, node->label, node->prepared[x].prepared,
						  d == PREPARED_COMMIT ? "to commit" :
						  d == PREPARED_ROLLBACK ? "to roll back" : "undecided");
		}
	}
	if (orphans == 0)
		check(plan, "orphaned-prepared", CHECK_PASS, NULL,
			  "no prepared transaction of the dead coordinator waits on a worker");
	else
		check(plan, "orphaned-prepared", undecided ? CHECK_FAIL : CHECK_PASS,
			  undecided ?
			  "Decide each with --prepared GID=commit or --prepared GID=rollback (or --prepared all=rollback); otherwise the new coordinator rolls them all back within a minute." : NULL,
			  "%d prepared by the dead coordinator, holding their locks: %s", orphans, list.data);
	strbuf_free(&list);
}

/*
 * The first node's list stands for all: every worker holds the same
 * metadata.  Lost rows are refused unless the operator accepted them, and
 * then only for shards an empty copy can stand in for.
 */
static void
check_lost_shards(const ClusterSnapshot *snap, const PlanChoices *choices,
				  const PreflightContext *pc, Plan *plan)
{
	const NodeReport *first = &snap->nodes[snap->first];
	StrBuf		list;
	StrBuf		bad;

	(void) pc;
	if (first->nlost_shards <= 0)
	{
		check(plan, "lost-shards", CHECK_PASS, NULL, "every shard has a placement on a surviving worker");
		return;
	}
	strbuf_init(&list);
	strbuf_init(&bad);
	lost_append_description(&list, first);
	lost_append_unrecreatable(&bad, first);
	if (!choices->accept_lost_shards)
		check(plan, "lost-shards", CHECK_FAIL,
			  "Their rows are gone with the old coordinator. Restore the old coordinator's data if a copy exists; or plan with --accept-lost-shards to recreate them empty, so that every table works again without those rows.",
			  "%d shards had no placement outside the old coordinator: %s", first->nlost_shards, list.data);
	else if (bad.len)
		check(plan, "lost-shards", CHECK_FAIL,
			  "Recreate these tables by hand after the recovery (drop them first, with the operator's consent), or restore the old coordinator's data.",
			  "%d shards had no placement outside the old coordinator, and an empty copy cannot stand in for those of %s: %s",
			  first->nlost_shards, bad.data, list.data);
	else if (plan->cim == CIM_EXCLUDE && lost_count(first, LOST_LOCAL) > 0)
		check(plan, "lost-shards", CHECK_FAIL, "Plan with CIM include: a citus local table lives on a coordinator in the metadata.",
			  "%d shards had no placement outside the old coordinator, among them citus local tables', which CIM exclude has no node for: %s",
			  first->nlost_shards, list.data);
	else
	{
		/* the steps recreate them only when this check lets them */
		plan->accepted_lost_shards = first->nlost_shards;
		check(plan, "lost-shards", CHECK_WARN, NULL,
			  "%d shards had no placement outside the old coordinator; accepted: the plan recreates them empty, and their rows are lost: %s",
			  first->nlost_shards, list.data);
	}
	strbuf_free(&bad);
	strbuf_free(&list);
}

/* Append and range tables' metadata lived on the coordinator alone; their shards did not */
static void
check_lost_metadata(const ClusterSnapshot *snap, const PlanChoices *choices,
					const PreflightContext *pc, Plan *plan)
{
	StrBuf		list;

	(void) choices;
	(void) pc;
	strbuf_init(&list);
	for (int i = 0; i < snap->nnodes; i++)
	{
		const NodeReport *node = &snap->nodes[i];

		if (!is_survivor(snap, i) || !node->reachable || node->unknown_shards.count == 0)
			continue;
		strbuf_printf(&list, "%s%s:", list.len ? "; " : "", node->label);
		for (int t = 0; t < node->unknown_shards.count; t++)
			strbuf_printf(&list, "%s %s", t ? "," : "", node->unknown_shards.items[t]);
	}
	if (list.len == 0)
		check(plan, "lost-metadata", CHECK_PASS, NULL,
			  "no worker holds shard tables of a table it has no metadata of");
	else
		check(plan, "lost-metadata", CHECK_WARN,
			  "Their rows are still there: after the recovery, create those tables again through the new coordinator and copy these rows into them.",
			  "shard tables of tables whose metadata only the old coordinator had (append or range distribution): %s",
			  list.data);
	strbuf_free(&list);
}

static bool
survivor_reached(const ClusterSnapshot *snap, int i)
{
	return is_survivor(snap, i) && snap->nodes[i].reachable;
}

/*
 * Leftovers of the dead coordinator's unfinished moves and splits never
 * stop a recovery; the plan removes them.  Nothing to say when there are
 * none.
 */
static void
check_leftovers(const ClusterSnapshot *snap, const PlanChoices *choices,
				const PreflightContext *pc, Plan *plan)
{
	StrBuf		list;
	int			count;

	(void) choices;
	(void) pc;
	strbuf_init(&list);
	count = leftovers_describe(snap, survivor_reached, &list);
	if (count > 0)
	{
		char	   *size = format_size(leftovers_retained_wal(snap));

		check(plan, "leftovers", CHECK_WARN,
			  "The plan drops them in its last steps, once the new coordinator works.",
			  "%d leftovers of interrupted shard moves or splits, whose slots retain %s of WAL: %s",
			  count, size, list.data);
		free(size);
	}
	strbuf_free(&list);
}

/*
 * The new node must reach every worker by the names pg_dist_node gives
 * them, or the run would stop in its middle, at the first step that has
 * the new node connect to the workers.
 */
static void
check_new_node_reaches_workers(const ClusterSnapshot *snap, const PlanChoices *choices,
							   const PreflightContext *pc, Plan *plan)
{
	const NodeReport *t = answering_new_node(snap, choices, pc);
	StrBuf		failed;
	int			nfailed = 0;

	if (t == NULL)
		return;
	if (!t->reach.ran)
	{
		check(plan, "new-node-reaches-workers", CHECK_WARN,
			  choices->create_extension ? NULL : "Create the citus extension on it and plan again, so that it can be checked.",
			  "not checked: %s%s", t->reach.why_not ? t->reach.why_not : "discovery did not run it",
			  choices->create_extension && t->citus_extension_version == NULL ?
			  "; the plan proves it on the new node before the cluster changes" : "");
		return;
	}
	strbuf_init(&failed);
	for (int r = 0; r < t->reach.nresults; r++)
		if (!t->reach.results[r].reached)
			strbuf_printf(&failed, "%s%s: %s", nfailed++ ? "; " : "", t->reach.results[r].worker,
						  t->reach.results[r].error);
	if (nfailed)
		check(plan, "new-node-reaches-workers", CHECK_FAIL,
			  "Let the new node's server reach them: pg_hba.conf on the workers, a password for it (~/.pgpass of the user its server runs as, or pg_dist_authinfo on the new node); then plan again.",
			  "%s cannot reach %d worker%s: %s", t->label, nfailed, nfailed == 1 ? "" : "s", failed.data);
	else
		check(plan, "new-node-reaches-workers", CHECK_PASS, NULL,
			  "%s reaches every worker (%d) with citus_check_connection_to_node()%s", t->label,
			  t->reach.nresults, t->reach.with_authinfo ? ", given the workers' pg_dist_authinfo rows the plan copies" : "");
	strbuf_free(&failed);
}

/*
 * The node that runs the metadata sync spreads its roles to every worker:
 * for a new node, the donor's, which citus_add_node() gave it.
 */
static void
check_roles_match(const ClusterSnapshot *snap, const PlanChoices *choices,
				  const PreflightContext *pc, Plan *plan)
{
	bool		synced = full_resync_reason(snap, choices) != NULL;

	if (choices->method == METHOD_NEW_NODE)
		roles_check(snap, pc->donor, pc->target, synced, plan);
	else
		roles_check(snap, pc->target, -1, synced && !any_survivor_unreachable(snap), plan);
}

/*
 * Says which way the workers' metadata is put right: with the few rows that
 * change, or (and why) with Citus's full sync, which stalls them.
 */
static void
check_resync(const ClusterSnapshot *snap, const PlanChoices *choices,
			 const PreflightContext *pc, Plan *plan)
{
	const char *reason = full_resync_reason(snap, choices);

	(void) pc;
	/* a promote plan never pushed metadata past a worker that is away */
	if (choices->method == METHOD_PROMOTE && any_survivor_unreachable(snap))
		check(plan, "resync", CHECK_WARN, NULL,
			  "the workers that answer get the change; those that do not keep the old coordinator's rows until they are back and activated");
	else if (reason == NULL)
		check(plan, "resync", CHECK_PASS, NULL,
			  "every worker holds the same catalogs and placement ids: the workers get only the pg_dist_node and"
			  " pg_dist_placement rows that change, in one all-nodes transaction, instead of Citus's full metadata sync");
	else
		check(plan, "resync", CHECK_WARN, NULL,
			  "Citus's full metadata sync (start_metadata_sync_to_all_nodes) re-sends every worker all of the metadata,"
			  " because %s; the workers' own reads and writes wait while it runs", reason);
}

/*
 * Other rows of group 0 are standbys of the old coordinator.  One that
 * answers is in recovery (else old-coordinator-gone fails): promoting it
 * would be a better way out than this plan, and after this plan a second
 * coordinator.  Adds nothing when group 0 had no other row.
 */
static void
check_coordinator_standby(const ClusterSnapshot *snap, const PlanChoices *choices,
						  const PreflightContext *pc, Plan *plan)
{
	StrBuf		alive;
	StrBuf		gone;

	(void) choices;
	(void) pc;
	strbuf_init(&alive);
	strbuf_init(&gone);
	for (int i = 0; i < snap->nnodes; i++)
	{
		const NodeReport *node = &snap->nodes[i];

		if (node_is_coordinator_standby(node))
			strbuf_printf(&alive, "%s%s", alive.len ? ", " : "", node->label);
		else if (node_is_group_zero_row(node) && i != snap->old_coordinator)
			strbuf_printf(&gone, "%s%s", gone.len ? ", " : "", node->label);
	}
	if (alive.len)
		check(plan, "coordinator-standby", CHECK_WARN,
			  "If the standby is current, promote it instead and do not run this plan: it keeps what only the coordinator had (pg_dist_transaction, pg_dist_cleanup, background jobs, pg_dist_authinfo, pg_dist_poolinfo). If you go on, retire the standby for good: promoted afterwards, it would be a second coordinator.",
			  "standby of the old coordinator, in recovery: %s; the plan removes the group-0 rows%s%s",
			  alive.data, gone.len ? ", and those of standbys that do not answer: " : "", gone.data);
	else if (gone.len)
		check(plan, "coordinator-standby", CHECK_PASS, NULL,
			  "the old coordinator's standby %s does not answer either; the plan removes its group-0 row",
			  gone.data);
	strbuf_free(&alive);
	strbuf_free(&gone);
}

/*
 * A Citus before 11.0 fails: its workers need not hold the metadata the
 * plan rebuilds the coordinator from.  A major never tested warns only:
 * refusing would leave the operator the hand-run recipe, which checks
 * less than the rest of this pre-flight does.  Supported versions add no
 * line, since same-versions already names them.
 */
static void
check_supported_version(const ClusterSnapshot *snap, const PlanChoices *choices,
						const PreflightContext *pc, Plan *plan)
{
	char	   *statement;
	VersionSupport support = snapshot_version_support(snap, &statement);

	(void) choices;
	(void) pc;
	if (support == VERSION_UNSUPPORTED)
		check(plan, "supported-version", CHECK_FAIL,
			  "Restore the coordinator from a backup instead: the workers of this Citus cannot be trusted to hold the whole metadata, and an upgrade needs the coordinator.",
			  "%s", statement);
	else if (support == VERSION_UNTESTED)
		check(plan, "supported-version", CHECK_WARN,
			  "Rehearse the recovery on a copy of the cluster first, and read every batch before it runs.",
			  "%s", statement);
	free(statement);
}

/*
 * The order is the order of the plan file's check lines, which reviewers
 * and the golden files know: append new checks, do not reorder.
 */
static const PreflightTest preflight_tests[] = {
	{"cim", check_cim,
	"the coordinator-in-metadata mode the plan follows is the one discovery found"},
	{"old-coordinator-gone", check_old_coordinator_gone,
	"the old coordinator no longer answers, so there will not be two"},
	{"nodes-reachable", check_nodes_reachable,
	"every primary worker answered, or the operator chose to go on without it"},
	{"same-versions", check_same_versions,
	"the survivors and the target run one PostgreSQL major and one Citus"},
	{"metadata-agrees", check_metadata_agrees,
	"every reachable worker holds the same Citus metadata"},
	{"workers-synced", check_workers_synced,
	"every worker with metadata finished its metadata sync"},
	{"donor", check_donor,
	"the worker lending its metadata to the new node is a synced primary"},
	{"promote-target", check_promote_target,
	"the worker to promote is a reachable primary with metadata"},
	{"new-node-reachable", check_new_node_reachable,
	"the new node answers"},
	{"new-node-primary", check_new_node_primary,
	"the new node is not a standby"},
	{"new-node-unlisted", check_new_node_unlisted,
	"the new node is not a member of the cluster already"},
	{"new-node-citus", check_new_node_citus,
	"the new node has the citus extension, or the plan creates it"},
	{"new-node-database", check_new_node_database,
	"the new node's database has the cluster's database name"},
	{"new-node-empty", check_new_node_empty,
	"the new node holds no tables and no Citus metadata"},
	{"orphaned-prepared", check_orphaned_prepared,
	"every transaction the dead coordinator prepared has a decision"},
	{"lost-shards", check_lost_shards,
	"every shard has a placement on a surviving worker"},
	{"lost-metadata", check_lost_metadata,
	"no worker holds shard tables whose table's metadata died with the coordinator"},
	{"leftovers", check_leftovers,
	"what interrupted shard moves and splits left on the workers is listed, to be dropped"},
	{"new-node-reaches-workers", check_new_node_reaches_workers,
	"the new node connects to every worker, as Citus will"},
	{"roles-match", check_roles_match,
	"the roles Citus's metadata sync overwrites are the same on every worker"},
	{"resync", check_resync,
	"the workers get the rows that change, or Citus's full metadata sync and why"},
	{"coordinator-standby", check_coordinator_standby,
	"no standby of the old coordinator could become a second coordinator unnoticed"},
	{"supported-version", check_supported_version,
	"every node runs a Citus and a PostgreSQL citus-rescue supports"},
};

static void
preflight(const ClusterSnapshot *snap, const PlanChoices *choices, Plan *plan,
		  int target, int donor)
{
	PreflightContext pc = {target, donor};

	for (size_t i = 0; i < sizeof(preflight_tests) / sizeof(preflight_tests[0]); i++)
		preflight_tests[i].run(snap, choices, &pc, plan);
}

static void
add_prepared_steps(const ClusterSnapshot *snap, const PlanChoices *choices, Plan *plan)
{
	for (int i = 0; i < snap->nnodes; i++)
	{
		const NodeReport *node = &snap->nodes[i];

		if (!is_survivor(snap, i) || !node->reachable)
			continue;
		for (int x = 0; x < node->nprepared; x++)
		{
			PreparedDecision d = decision_for(choices, node->prepared[x].gid);
			PlanStep   *step;
			StrBuf		sql;

			if (!is_orphan_gid(node->prepared[x].gid) || d == PREPARED_UNDECIDED)
				continue;
			step = plan_add_step(plan, node->host, node->port,
								 d == PREPARED_COMMIT ?
								 "Commit a transaction the dead coordinator prepared, as the operator decided." :
								 "Roll back a transaction the dead coordinator prepared, as the operator decided.");
			step->txn = STEP_TXN_NONE;
			strbuf_init(&sql);
			strbuf_append(&sql, d == PREPARED_COMMIT ? "COMMIT PREPARED " : "ROLLBACK PREPARED ");
			sql_append_literal(&sql, node->prepared[x].gid);
			strbuf_append(&sql, ";\n");
			step->sql = strbuf_steal(&sql);
			strbuf_init(&sql);
			strbuf_append(&sql, "SELECT NOT EXISTS (SELECT 1 FROM pg_catalog.pg_prepared_xacts WHERE gid = ");
			sql_append_literal(&sql, node->prepared[x].gid);
			strbuf_append(&sql, ")");
			step->check_sql = strbuf_steal(&sql);
			step->changes = xstrdup(d == PREPARED_COMMIT ?
									"On this worker only: the transaction the dead coordinator prepared here, named in the batch, commits: the rows it wrote become visible and the locks it holds go. No catalog row changes." :
									"On this worker only: the transaction the dead coordinator prepared here, named in the batch, is rolled back: what it wrote is discarded and the locks it holds go. No catalog row changes.");
			step->confirms = xstrdup("done when this worker's pg_prepared_xacts no longer lists that transaction");
			step->locks = xstrdup("Takes none: it ends a transaction and releases the locks that transaction held, which"
								  " may have made the application wait since the coordinator died.");
			step->undo = xstrdup("None: a decided prepared transaction cannot be undone.");
		}
	}
}

/*
 * The setval of an int or smallint serial column's sequence, past the ids
 * of every such column it serves; none for a sequence an earlier column
 * shares, whose setval already counted this one.  (The sequence's own
 * value is no guide: on a node added as a worker it stands at its maximum.)
 */
static void
append_int_sequence_setval(StrBuf *sql, const NodeReport *source, int index)
{
	const char *sequence = source->serials[index].sequence;

	for (int c = 0; c < index; c++)
		if (!source->serials[c].is_bigint && strcmp(source->serials[c].sequence, sequence) == 0)
			return;
	strbuf_append(sql, "SELECT pg_catalog.setval(");
	sql_append_literal(sql, sequence);
	strbuf_append(sql, "::pg_catalog.regclass, GREATEST(");
	for (int c = index; c < source->nserials; c++)
	{
		const SerialColumn *col = &source->serials[c];

		if (col->is_bigint || strcmp(col->sequence, sequence) != 0)
			continue;
		strbuf_append(sql, "(SELECT pg_catalog.max(");
		sql_append_ident(sql, col->column);
		strbuf_append(sql, ") FROM ");
		sql_append_qualified(sql, col->table);
		strbuf_append(sql, "), ");
	}
	strbuf_append(sql, "1));\n");
}

/*
 * A bigserial column's sequence moves past the largest id already used in
 * its range.  Only a sequence Citus narrowed to a group's range (seqmax
 * below the bigint maximum) is touched.  The max() query runs through
 * EXECUTE ... USING because plpgsql then hands Citus plain parameters,
 * which it can push down.
 */
static void
append_bigserial_catch_up(StrBuf *sql, const SerialColumn *col)
{
	StrBuf		max_query;
	StrBuf		body;

	strbuf_init(&max_query);
	strbuf_append(&max_query, "SELECT pg_catalog.max(");
	sql_append_ident(&max_query, col->column);
	strbuf_append(&max_query, ") FROM ");
	sql_append_qualified(&max_query, col->table);
	strbuf_append(&max_query, " WHERE ");
	sql_append_ident(&max_query, col->column);
	strbuf_append(&max_query, " BETWEEN $1 AND $2");
	strbuf_init(&body);
	strbuf_append(&body, "\nDECLARE\n  lo bigint;\n  hi bigint;\n  used bigint;\nBEGIN\n"
				  "  SELECT seqmin, seqmax INTO lo, hi FROM pg_catalog.pg_sequence WHERE seqrelid = ");
	sql_append_literal(&body, col->sequence);
	strbuf_append(&body, "::pg_catalog.regclass;\n"
				  "  IF hi < 9223372036854775807 THEN\n"
				  "    EXECUTE ");
	sql_append_literal(&body, max_query.data);
	strbuf_append(&body, " INTO used USING lo, hi;\n"
				  "    IF used > (SELECT last_value FROM ");
	sql_append_qualified(&body, col->sequence);
	strbuf_append(&body, ") THEN\n"
				  "      PERFORM pg_catalog.setval(");
	sql_append_literal(&body, col->sequence);
	strbuf_append(&body, "::pg_catalog.regclass, used);\n"
				  "    END IF;\n  END IF;\nEND\n");
	strbuf_append(sql, "DO ");
	sql_append_dollar_quoted(sql, body.data);
	strbuf_append(sql, ";\n");
	strbuf_free(&body);
	strbuf_free(&max_query);
}

/* An int or smallint serial column: nextval() in place of worker_nextval() */
static void
append_int_serial_default(StrBuf *sql, const NodeReport *source, int index)
{
	const SerialColumn *col = &source->serials[index];

	strbuf_append(sql, "ALTER TABLE ");
	sql_append_qualified(sql, col->table);
	strbuf_append(sql, " ALTER COLUMN ");
	sql_append_ident(sql, col->column);
	strbuf_append(sql, " SET DEFAULT pg_catalog.nextval(");
	sql_append_literal(sql, col->sequence);
	strbuf_append(sql, "::pg_catalog.regclass);\n");
	append_int_sequence_setval(sql, source, index);
}

/*
 * The new coordinator's serial columns.  int and smallint ones call
 * worker_nextval() on a node added as a worker, which always refuses: they
 * need nextval() and a sequence past every id in use.  bigint ones cover
 * the range of the node's group, part of which a worker removed before the
 * disaster may have used.  Two steps: an ALTER TABLE after a distributed
 * query in the same transaction is refused by Citus.
 */
static void
add_serial_repair(Plan *plan, const char *host, int port, const NodeReport *source)
{
	StrBuf		ints;
	StrBuf		bigints;
	PlanStep   *step;
	int			nints = 0;

	strbuf_init(&ints);
	strbuf_init(&bigints);
	for (int c = 0; c < source->nserials; c++)
	{
		const SerialColumn *col = &source->serials[c];
		StrBuf	   *sql = col->is_bigint ? &bigints : &ints;

		nints += !col->is_bigint;

		if (sql->len == 0)
		{
			plan_append_timeouts(sql);
			if (!col->is_bigint)
				strbuf_append(sql, "-- the workers keep the worker_nextval() defaults Citus gave them; Citus's\n"
							  "-- propagation of this ALTER to them would leave odd column names unquoted\n"
							  "SET LOCAL citus.enable_ddl_propagation = off;\n");
		}
		if (col->is_bigint)
			append_bigserial_catch_up(sql, col);
		else
			append_int_serial_default(sql, source, c);
	}
	if (ints.len)
	{
		step = plan_add_step(plan, host, port,
							 "Give the int and smallint serial columns of distributed tables nextval() defaults and sequences past every id in use.");
		step->sql = strbuf_steal(&ints);
		step->check_sql = xstrdup("SELECT NOT EXISTS (SELECT 1 FROM pg_catalog.pg_attrdef d"
								  " JOIN pg_catalog.pg_dist_partition p ON p.logicalrelid = d.adrelid"
								  " WHERE pg_catalog.pg_get_expr(d.adbin, d.adrelid) LIKE '%worker_nextval(%')");
		step->changes = xasprintf("On the new coordinator only (the workers keep their defaults): in pg_attrdef, %d int"
								  " or smallint serial column%s of distributed tables get%s a nextval() default in place of"
								  " worker_nextval(), and each one's sequence is set past the largest id in every table it serves.",
								  nints, nints == 1 ? "" : "s", nints == 1 ? "s" : "");
		step->confirms = xstrdup("done when no column of a distributed table on the new coordinator defaults to worker_nextval() any more");
		step->locks = xstrdup("On the new coordinator only, which serves no application yet: its own copies of those"
							  " tables, until COMMIT. Reading the largest ids reads the shards on the workers, which makes"
							  " nobody wait. The batch waits at most " STEP_LOCK_TIMEOUT " for each lock it asks for.");
		step->undo = xstrdup("Harmless to keep; to undo, set each column default back to worker_nextval().");
	}
	if (bigints.len)
	{
		step = plan_add_step(plan, host, port,
							 "Move the bigserial sequences of the new coordinator past any id already used in their range.");
		step->sql = strbuf_steal(&bigints);
		/* setval to a larger value only: running it again changes nothing */
		step->check_sql = xstrdup(PLAN_CHECK_NEVER_DONE);
		step->changes = xasprintf("On the new coordinator: the sequences of %d bigserial column%s, where Citus narrowed"
								  " them to a group's range, move forward with setval() past the largest id the column"
								  " already holds in that range; a sequence already ahead stays. No table or catalog row"
								  " changes.", source->nserials - nints, source->nserials - nints == 1 ? "" : "s");
		step->confirms = xstrdup("never counted as done: nothing can tell afterwards whether this batch ran (a sequence"
								 " it moved forward looks like one that was ahead already), so apply runs it on every"
								 " run, a rerun too; that is safe, as it only ever moves a sequence forward.");
		step->locks = xstrdup("On the new coordinator only: its sequences, for a moment each; nobody waits.");
		step->undo = xstrdup("Nothing to undo: the sequences only moved forward.");
	}
	strbuf_free(&ints);
	strbuf_free(&bigints);
}

/* SQL that compares every worker's pg_dist_node with the coordinator's */
static const char *const workers_match_sql =
"SELECT NOT EXISTS (SELECT 1 FROM pg_catalog.run_command_on_workers("
"$cmd$SELECT pg_catalog.md5(pg_catalog.string_agg(nodeid || ',' || groupid || ',' || pg_catalog.quote_literal(nodename) || ',' || nodeport,"
" ';' ORDER BY nodeid)) FROM pg_catalog.pg_dist_node$cmd$) AS w"
" WHERE NOT w.success OR w.result IS DISTINCT FROM (SELECT pg_catalog.md5(pg_catalog.string_agg("
"nodeid || ',' || groupid || ',' || pg_catalog.quote_literal(nodename) || ',' || nodeport, ';' ORDER BY nodeid)) FROM pg_catalog.pg_dist_node))";

static void
add_sync_step(Plan *plan, const char *host, int port)
{
	PlanStep   *step = plan_add_step(plan, host, port,
									 "Push the new coordinator's metadata to every worker through Citus's own metadata sync.");
	StrBuf		sql;

	strbuf_init(&sql);
	plan_append_timeouts(&sql);
	strbuf_append(&sql, "SELECT pg_catalog.start_metadata_sync_to_all_nodes();\n");
	step->sql = strbuf_steal(&sql);
	step->check_sql = xstrdup(workers_match_sql);
	step->changes = xstrdup("On every worker: Citus's metadata sync, started here, replaces the worker's Citus catalogs"
							" (pg_dist_node, pg_dist_placement, pg_dist_shard, pg_dist_partition, pg_dist_colocation and"
							" the rest) with this coordinator's. The coordinator's own catalogs do not change.");
	step->confirms = xstrdup("done when every worker answers and its pg_dist_node holds the same rows (id, group, name, port)"
							 " as the new coordinator's");
	step->locks = xstrdup("On every worker, until the sync commits: Citus drops and recreates the worker's metadata and"
						  " shell tables, and the application's reads and writes on every worker wait for it (seconds"
						  " per 10,000 placements). The batch waits at most " STEP_LOCK_TIMEOUT " for each lock it asks for.");
	step->undo = xstrdup("Restore each worker's catalogs from the backup (restore.sh in the work directory).");
}

static void
add_create_extension_step(Plan *plan, const char *thost, int tport)
{
	PlanStep   *step = plan_add_step(plan, thost, tport, "Create the citus extension on the new node.");
	StrBuf		sql;

	strbuf_init(&sql);
	plan_append_timeouts(&sql);
	strbuf_append(&sql, "CREATE EXTENSION citus;\n");
	step->sql = strbuf_steal(&sql);
	step->check_sql = xstrdup("SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_extension WHERE extname = 'citus')");
	step->changes = xstrdup("On the new node: the citus extension is created in this database, with its catalogs (empty),"
							" functions and id sequences. No other node changes.");
	step->confirms = xstrdup("done when the new node's pg_extension lists citus");
	step->locks = xstrdup("On the new node only, which serves no application yet.");
	step->undo = xstrdup("DROP EXTENSION citus; on the new node.");
}

/* With lost shards accepted, their placements move to group instead of going */
static void
append_lost_placements_move(StrBuf *sql, const ClusterSnapshot *snap, const Plan *plan, int group)
{
	if (plan->accepted_lost_shards <= 0)
		return;
	strbuf_printf(sql, "-- the shards lost with the old coordinator move to group %d, to be recreated empty there\n"
				  "UPDATE pg_catalog.pg_dist_placement SET groupid = %d WHERE groupid = 0 AND shardid IN (",
				  group, group);
	lost_append_ids(sql, &snap->nodes[snap->first], LOST_ALL);
	strbuf_append(sql, ");\n");
}

/* The old coordinator's placements go, but those of accepted lost shards */
static void
append_old_placements_go(StrBuf *sql, const ClusterSnapshot *snap, const Plan *plan)
{
	strbuf_append(sql, "DELETE FROM pg_catalog.pg_dist_placement WHERE groupid = 0");
	if (plan->accepted_lost_shards > 0)
	{
		strbuf_append(sql, "\n   -- the lost shards stay in group 0, which the promoted worker becomes\n"
					  "   AND shardid NOT IN (");
		lost_append_ids(sql, &snap->nodes[snap->first], LOST_ALL);
		strbuf_append(sql, ")");
	}
	strbuf_append(sql, ";\n");
}

/*
 * The old coordinator's rows go, but for the accepted lost shards'
 * placements, which move to group: the donor makes this change in its
 * own catalogs, and the targeted change on every other worker.
 */
static void
append_old_coordinator_rows_go(StrBuf *sql, const ClusterSnapshot *snap, const Plan *plan, int group)
{
	append_lost_placements_move(sql, snap, plan, group);
	strbuf_append(sql, "DELETE FROM pg_catalog.pg_dist_placement WHERE groupid = 0;\n"
				  "DELETE FROM pg_catalog.pg_dist_node WHERE groupid = 0;\n");
}

/* The new node's row (match) becomes group 0 without shards, its placements with it */
static void
append_new_node_takes_group_zero(StrBuf *sql, const char *match)
{
	strbuf_printf(sql,
				  "UPDATE pg_catalog.pg_dist_placement SET groupid = 0\n"
				  " WHERE groupid = (SELECT groupid FROM pg_catalog.pg_dist_node WHERE %s);\n"
				  "UPDATE pg_catalog.pg_dist_node SET groupid = 0, shouldhaveshards = false WHERE %s;\n",
				  match, match);
}

/* The new node's row (match) and its placements go: the coordinator stays out of the metadata */
static void
append_new_node_rows_go(StrBuf *sql, const char *match)
{
	strbuf_printf(sql,
				  "DELETE FROM pg_catalog.pg_dist_placement\n"
				  " WHERE groupid = (SELECT groupid FROM pg_catalog.pg_dist_node WHERE %s);\n"
				  "DELETE FROM pg_catalog.pg_dist_node WHERE %s;\n", match, match);
}

/* The lost shards which, and the node that recreates them, names */
static void
add_recreate_lost_step(const ClusterSnapshot *snap, Plan *plan, const char *host, int port,
					   LostSelect which)
{
	const NodeReport *first = &snap->nodes[snap->first];
	PlanStep   *step;
	StrBuf		sql;

	if (plan->accepted_lost_shards <= 0 || lost_count(first, which) == 0)
		return;
	strbuf_init(&sql);
	plan_append_timeouts(&sql);
	lost_append_create_sql(&sql, first, which);
	step = plan_add_step(plan, host, port,
						 which == LOST_LOCAL ?
						 "On the new coordinator: recreate, empty, the shards of citus local tables that were lost with the old coordinator." :
						 "Recreate, empty, the shards that were lost with the old coordinator, on the node their placements now name.");
	step->sql = strbuf_steal(&sql);
	step->check_sql = lost_check_sql(first, which);
	strbuf_init(&sql);
	lost_append_ids(&sql, first, which);
	step->changes = xasprintf("On this node only: %s lost with the old coordinator (%s) %s created again, empty,"
							  " with its table's columns, no nextval() defaults and a comment saying so; a shard table"
							  " already there is left alone. No catalog row changes: the placements already name this"
							  " node.", lost_count(first, which) == 1 ? "the shard table of the shard" :
							  "each shard table of the shards", sql.data, "is");
	strbuf_free(&sql);
	step->confirms = xstrdup(lost_count(first, which) == 1 ? "done when that shard table exists on this node" :
							 "done when all of those shard tables exist on this node");
	step->locks = xstrdup("On this node: the new shard tables only, until COMMIT; nobody uses them yet. The batch waits"
						  " at most " STEP_LOCK_TIMEOUT " for each lock it asks for.");
	step->undo = xstrdup("Harmless to keep: the tables are empty; dropping them makes their shards unusable again.");
}

/* One note per lost shard: which table, shard and range lost its rows, and where it is now */
static void
add_lost_notes(const ClusterSnapshot *snap, Plan *plan, const char *distributed_on, const char *local_on)
{
	const NodeReport *first = &snap->nodes[snap->first];

	for (int i = 0; i < first->nlost_shards && plan->accepted_lost_shards > 0; i++)
	{
		StrBuf		shard;

		strbuf_init(&shard);
		lost_append_shard(&shard, &first->lost_shards[i]);
		plan_add_note(plan, LOST_ROWS_NOTE "%s; recreated empty on %s.", shard.data,
					  first->lost_shards[i].citus_local ? local_on : distributed_on);
		strbuf_free(&shard);
	}
}

/* What the donor's step does, in words, for the review */
static void
explain_donor_adds_node(PlanStep *step, const Plan *plan, int gd)
{
	StrBuf		words;

	strbuf_init(&words);
	strbuf_append(&words, "On the donor, in one transaction: ");
	if (plan->cim == CIM_INCLUDE)
		strbuf_printf(&words, "the old coordinator's rows (group 0) go from pg_dist_node and pg_dist_placement%s; ",
					  plan->accepted_lost_shards > 0 ?
					  ", but for the lost shards' placements, which move to the donor's group" : "");
	strbuf_printf(&words, "the donor takes group 0 in pg_dist_local_group, pg_dist_node and pg_dist_placement;"
				  " Citus's id sequences move past every id a survivor holds; citus_add_node() adds the new node's row"
				  " to pg_dist_node, and its metadata sync copies the donor's catalogs to the new node; then the"
				  " donor's rows and local group go back to group %d. On the other workers citus_add_node() adds only"
				  " the new node's row.", gd);
	step->changes = strbuf_steal(&words);
	step->confirms = xasprintf("done when the new node is in the donor's pg_dist_node and the donor's local group is %d again", gd);
}

/*
 * The donor poses as coordinator just long enough to add the new node:
 * citus_add_node() runs only on a node whose local group is 0, and it is
 * what copies the metadata to the node it adds.  match is the new node's
 * "nodename = ... AND nodeport = ..." condition.
 */
static void
add_donor_adds_node_step(const ClusterSnapshot *snap, Plan *plan, const NodeReport *d,
						 const char *target_name, int target_port, const char *match)
{
	int			gd = d->meta.groupid;
	PlanStep   *step;
	StrBuf		sql;

	strbuf_init(&sql);
	plan_append_timeouts(&sql);
	if (plan->cim == CIM_INCLUDE)
	{
		strbuf_append(&sql,
					  "-- the old coordinator's rows go; the other workers lose them in a later step\n");
		append_old_coordinator_rows_go(&sql, snap, plan, gd);
	}
	strbuf_printf(&sql,
				  "-- act as the coordinator inside this transaction only\n"
				  "UPDATE pg_catalog.pg_dist_local_group SET groupid = 0;\n"
				  "UPDATE pg_catalog.pg_dist_node SET groupid = 0 WHERE groupid = %d;\n"
				  "UPDATE pg_catalog.pg_dist_placement SET groupid = 0 WHERE groupid = %d;\n"
				  "-- ids handed out to the new node must not collide with any survivor's\n", gd, gd);
	for (int q = 0; q < CITUS_ID_SEQUENCE_COUNT; q++)
	{
		int64_t		floor;

		/* the others count operations, not ids any catalog holds */
		if (citus_id_sequences[q].maxid < 0)
			continue;
		floor = sequence_floor(snap, q);
		strbuf_printf(&sql, "SELECT pg_catalog.setval('pg_catalog.%s', GREATEST(%" PRId64
					  ", (SELECT last_value FROM pg_catalog.%s)));\n",
					  citus_id_sequences[q].sequence, floor < 1 ? 1 : floor, citus_id_sequences[q].sequence);
	}
	strbuf_append(&sql, "SELECT pg_catalog.citus_add_node(");
	sql_append_literal(&sql, target_name);
	strbuf_printf(&sql, ", %d);\n", target_port);
	strbuf_printf(&sql,
				  "-- back to being an ordinary worker\n"
				  "UPDATE pg_catalog.pg_dist_node SET groupid = %d WHERE groupid = 0;\n"
				  "UPDATE pg_catalog.pg_dist_placement SET groupid = %d WHERE groupid = 0;\n"
				  "UPDATE pg_catalog.pg_dist_local_group SET groupid = %d;\n", gd, gd, gd);
	step = plan_add_step(plan, d->host, d->port,
						 "On the donor, in one transaction: pose as coordinator, add the new node (which copies the metadata to it), and become a worker again.");
	step->sql = strbuf_steal(&sql);
	strbuf_init(&sql);
	strbuf_printf(&sql, "SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_dist_node WHERE %s)"
				  " AND (SELECT groupid FROM pg_catalog.pg_dist_local_group) = %d", match, gd);
	step->check_sql = strbuf_steal(&sql);
	strbuf_init(&sql);
	strbuf_append(&sql, "On the donor: DELETE FROM pg_catalog.pg_dist_node WHERE ");
	strbuf_append(&sql, match);
	strbuf_append(&sql, "; then restore its catalogs from the backup if the old coordinator's rows are wanted back.");
	step->undo = strbuf_steal(&sql);
	step->locks = xstrdup("On the donor, until COMMIT: pg_dist_node exclusively (citus_add_node()) and the pg_dist_node,"
						  " pg_dist_placement and pg_dist_local_group rows it changes, for as long as Citus copies the"
						  " metadata to the new node (seconds per 10,000 placements). The application's reads and writes"
						  " only read these catalogs and do not wait; only another change of the metadata would. On"
						  " every other worker, the new node's row, in a two-phase commit of milliseconds. The batch"
						  " waits at most " STEP_LOCK_TIMEOUT " for each lock it asks for.");
	explain_donor_adds_node(step, plan, gd);
}

/* the donor coordinated the add: clear its records of that distributed transaction */
static void
add_donor_forgets_step(Plan *plan, const NodeReport *d)
{
	PlanStep   *step = plan_add_step(plan, d->host, d->port,
									 "On the donor: forget the two-phase commit records of the transaction it coordinated while posing as coordinator.");
	StrBuf		sql;

	strbuf_init(&sql);
	plan_append_timeouts(&sql);
	strbuf_append(&sql, "SELECT pg_catalog.recover_prepared_transactions();\n");
	step->sql = strbuf_steal(&sql);
	step->check_sql = xstrdup("SELECT NOT EXISTS (SELECT 1 FROM pg_catalog.pg_dist_transaction)");
	step->changes = xstrdup("On the donor only: pg_dist_transaction loses its records of the two-phase commit it"
							" coordinated while adding the new node; that commit is complete, so nothing else changes.");
	step->confirms = xstrdup("done when the donor's pg_dist_transaction is empty");
	step->locks = xstrdup("On the donor: the pg_dist_transaction rows it deletes, for milliseconds; nobody waits.");
	step->undo = xstrdup("Nothing to undo: only records of committed transactions go.");
}

/*
 * Under CIM exclude the new coordinator keeps nothing of its time as a
 * worker: like the old one, it has no row, no placements and no shard
 * tables.
 */
static void
append_leave_metadata(StrBuf *sql, const char *match)
{
	StrBuf		body;

	strbuf_init(&body);
	strbuf_printf(&body,
				  "\nDECLARE\n  shard record;\nBEGIN\n"
				  "  FOR shard IN SELECT pg_catalog.shard_name(s.logicalrelid, s.shardid) AS name\n"
				  "                 FROM pg_catalog.pg_dist_placement p\n"
				  "                 JOIN pg_catalog.pg_dist_shard s ON s.shardid = p.shardid\n"
				  "                WHERE p.groupid = (SELECT groupid FROM pg_catalog.pg_dist_node WHERE %s)\n"
				  "  LOOP\n"
				  "    EXECUTE 'DROP TABLE IF EXISTS ' || shard.name;\n"
				  "  END LOOP;\n"
				  "END\n", match);
	strbuf_append(sql,
				  "-- the coordinator stays out of the metadata: no row, no placements, no shard tables\n"
				  "SET LOCAL citus.enable_manual_changes_to_shards = on;\n"
				  "DO ");
	sql_append_dollar_quoted(sql, body.data);
	strbuf_append(sql, ";\n");
	strbuf_free(&body);
	append_new_node_rows_go(sql, match);
}

/* A citus local table's shard, parked on the donor, belongs on the coordinator */
static void
append_local_placements_home(StrBuf *sql, const ClusterSnapshot *snap, const Plan *plan, int donor_group)
{
	const NodeReport *first = &snap->nodes[snap->first];

	if (plan->accepted_lost_shards <= 0 || lost_count(first, LOST_LOCAL) == 0)
		return;
	strbuf_printf(sql, "-- lost shards of citus local tables live on the coordinator\n"
				  "UPDATE pg_catalog.pg_dist_placement SET groupid = 0 WHERE groupid = %d AND shardid IN (",
				  donor_group);
	lost_append_ids(sql, first, LOST_LOCAL);
	strbuf_append(sql, ");\n");
}

/* What the new node's step does, in words, for the review */
static void
explain_new_node_takes_group_zero(PlanStep *step, const ClusterSnapshot *snap, const Plan *plan, int gd)
{
	StrBuf		words;

	strbuf_init(&words);
	strbuf_printf(&words, "On the new node, in one transaction: pg_dist_groupid_seq moves past the group it was"
				  " added as; the donor's rows in pg_dist_node and pg_dist_placement go back from group 0 to group %d; ",
				  gd);
	if (plan->cim == CIM_INCLUDE)
		strbuf_printf(&words, "the new node's own row becomes group 0, without shards, and its placements move to"
					  " group 0%s; ", plan->accepted_lost_shards > 0 &&
					  lost_count(&snap->nodes[snap->first], LOST_LOCAL) > 0 ?
					  ", as do the lost citus local tables' placements" : "");
	else
		strbuf_append(&words, "the new node's own row and placements go from pg_dist_node and pg_dist_placement,"
					  " and the shard tables it got as a worker are dropped; ");
	strbuf_append(&words, "pg_dist_local_group becomes 0, and Citus's id sequences move past the highest id any"
				  " survivor holds. The workers see none of it until a later step.");
	step->changes = strbuf_steal(&words);
	step->confirms = xstrdup("done when the new node's local group (pg_dist_local_group) is 0");
}

/*
 * The new node was added as a worker in a group of its own; it becomes
 * group 0 and gives back the group 0 the donor held while copying.
 * t is NULL when discovery never reached the new node.
 */
static void
add_new_node_takes_group_zero_step(const ClusterSnapshot *snap, Plan *plan,
								   const char *thost, int tport, const NodeReport *d,
								   const NodeReport *t, const char *match)
{
	int			gd = d->meta.groupid;
	PlanStep   *step;
	StrBuf		sql;

	strbuf_init(&sql);
	plan_append_timeouts(&sql);
	strbuf_printf(&sql,
				  "-- this node's bigserial sequences took the range of the group it was added as:\n"
				  "-- no node added later may get that group\n"
				  "SELECT pg_catalog.setval('pg_catalog.pg_dist_groupid_seq', GREATEST(\n"
				  "       (SELECT groupid FROM pg_catalog.pg_dist_node WHERE %s),\n"
				  "       (SELECT last_value FROM pg_catalog.pg_dist_groupid_seq)));\n", match);
	strbuf_printf(&sql,
				  "-- the donor was group 0 while it copied the metadata here\n"
				  "UPDATE pg_catalog.pg_dist_node SET groupid = %d WHERE groupid = 0;\n"
				  "UPDATE pg_catalog.pg_dist_placement SET groupid = %d WHERE groupid = 0;\n", gd, gd);
	if (plan->cim == CIM_INCLUDE)
	{
		strbuf_append(&sql, "-- the coordinator stays in the metadata, as group 0, without shards\n");
		append_new_node_takes_group_zero(&sql, match);
		append_local_placements_home(&sql, snap, plan, gd);
	}
	else
		append_leave_metadata(&sql, match);
	strbuf_append(&sql, "UPDATE pg_catalog.pg_dist_local_group SET groupid = 0;\n"
				  "-- every id sequence past the highest id any survivor holds\n");
	/* a node without the extension yet has the sequences the donor has */
	append_sequence_resets(&sql, snap, t && t->is_citus ? t : d);
	step = plan_add_step(plan, thost, tport,
						 "On the new node, in one transaction: give the donor its group back, take group 0, and set every id sequence ahead.");
	step->sql = strbuf_steal(&sql);
	step->check_sql = xstrdup("SELECT (SELECT groupid FROM pg_catalog.pg_dist_local_group) = 0");
	step->undo = xstrdup("DROP EXTENSION citus CASCADE; on the new node, or restore its catalogs from the backup.");
	step->locks = xstrdup("On the new node only, which serves no application yet: the catalog rows it changes"
						  " (and, without the coordinator in the metadata, the shard tables it drops), until COMMIT.");
	explain_new_node_takes_group_zero(step, snap, plan, gd);
}

/* What a worker's part of the targeted change does, in words */
static void
explain_targeted_resync(PlanStep *step, const Plan *plan, bool donor)
{
	if (plan->cim == CIM_INCLUDE)
		step->changes = xasprintf("On this worker, as on the new coordinator: %sthe new node's row in pg_dist_node (which"
								  " the donor's citus_add_node() sent every worker) moves to group 0 without shards, with"
								  " its placements%s. Nothing else changes: pre-flight proved this worker holds every other"
								  " row as the new coordinator does.", donor ? "" :
								  "the old coordinator's rows (group 0) go from pg_dist_node and pg_dist_placement; ",
								  plan->accepted_lost_shards > 0 ? ", and the lost shards' placements move as on the donor" : "");
	else
		step->changes = xstrdup("On this worker, as on the new coordinator: the new node's row in pg_dist_node (which the"
								" donor's citus_add_node() sent every worker) and its placements go, since the coordinator"
								" stays out of the metadata. Nothing else changes: pre-flight proved this worker holds"
								" every other row as the new coordinator does.");
	step->confirms = xstrdup(plan->cim == CIM_INCLUDE ?
							 "done when this worker's only group 0 row in pg_dist_node is the new node's" :
							 "done when this worker's pg_dist_node has no row for the new node and none in group 0");
	step->locks = xstrdup("On this worker: the pg_dist_node and pg_dist_placement rows it changes, from its first"
						  " statement until the group's COMMIT PREPARED (milliseconds, plus the other workers' prepare"
						  " time). The application's reads and writes only read these catalogs and do not wait. The"
						  " batch waits at most " STEP_LOCK_TIMEOUT " for each lock it asks for.");
	step->undo = xstrdup("Restore this node's catalogs from the backup (restore.sh in the work directory).");
}

/* A worker that lacks the new node's row did not get step 1's change: only the full sync fits it */
static void
append_new_node_row_guard(StrBuf *sql, const char *match)
{
	StrBuf		body;

	strbuf_init(&body);
	strbuf_printf(&body, "\nBEGIN\n"
				  "  IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_dist_node WHERE %s) THEN\n"
				  "    RAISE EXCEPTION 'this worker''s pg_dist_node lacks the new node, which citus_add_node() on the donor sends every worker'\n"
				  "      USING HINT = 'Plan again with --full-resync.';\n"
				  "  END IF;\n"
				  "END\n", match);
	strbuf_append(sql, "-- the donor's citus_add_node() sent this worker the new node's row\nDO ");
	sql_append_dollar_quoted(sql, body.data);
	strbuf_append(sql, ";\n");
	strbuf_free(&body);
}

/*
 * Instead of Citus's full metadata sync: on every worker, in one all-nodes
 * transaction, the same row changes the donor (step 1) and the new node
 * made to their own catalogs, which leaves each worker's catalogs exactly
 * as the sync would.  The donor made the old coordinator's part already.
 */
static void
add_targeted_resync_steps(const ClusterSnapshot *snap, Plan *plan, int donor, const char *match)
{
	int			gd = snap->nodes[donor].meta.groupid;

	for (int i = 0; i < snap->nnodes; i++)
	{
		const NodeReport *node = &snap->nodes[i];
		PlanStep   *step;
		StrBuf		sql;

		if (!is_survivor(snap, i) || !node->reachable)
			continue;
		strbuf_init(&sql);
		plan_append_timeouts(&sql);
		append_new_node_row_guard(&sql, match);
		if (plan->cim == CIM_INCLUDE)
		{
			if (i != donor)
			{
				strbuf_append(&sql, "-- the old coordinator's rows go, as they went on the donor\n");
				append_old_coordinator_rows_go(&sql, snap, plan, gd);
			}
			strbuf_append(&sql, "-- the new node is group 0, without shards, as on itself\n");
			append_new_node_takes_group_zero(&sql, match);
			append_local_placements_home(&sql, snap, plan, gd);
		}
		else
		{
			strbuf_append(&sql, "-- the coordinator stays out of the metadata, as on itself\n");
			append_new_node_rows_go(&sql, match);
		}
		step = plan_add_step(plan, node->host, node->port, i == donor ?
							 "On the donor: make the new node's row match the new coordinator's." :
							 "Make this worker's pg_dist_node and pg_dist_placement match the new coordinator's.");
		step->sql = strbuf_steal(&sql);
		step->txn = STEP_TXN_ATOMIC;
		step->atomic_group = 1;
		strbuf_init(&sql);
		if (plan->cim == CIM_INCLUDE)
			strbuf_printf(&sql, "SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_dist_node WHERE groupid = 0 AND %s)"
						  " AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_dist_node WHERE groupid = 0 AND NOT (%s))",
						  match, match);
		else
			strbuf_printf(&sql, "SELECT NOT EXISTS (SELECT 1 FROM pg_catalog.pg_dist_node WHERE %s OR groupid = 0)", match);
		step->check_sql = strbuf_steal(&sql);
		explain_targeted_resync(step, plan, i == donor);
	}
}

static void
add_reference_tables_step(Plan *plan, const char *thost, int tport)
{
	PlanStep   *step = plan_add_step(plan, thost, tport,
									 "Give the coordinator, which is in the metadata, a placement of every reference table, as the old one had.");
	StrBuf		sql;

	strbuf_init(&sql);
	plan_append_timeouts(&sql);
	strbuf_append(&sql, "SELECT pg_catalog.replicate_reference_tables('block_writes');\n");
	step->sql = strbuf_steal(&sql);
	step->check_sql = xstrdup(
							  "SELECT NOT EXISTS (SELECT 1 FROM pg_catalog.pg_dist_shard s"
							  " JOIN pg_catalog.pg_dist_partition p ON p.logicalrelid = s.logicalrelid"
							  " WHERE p.partmethod = 'n' AND p.repmodel = 't'"
							  " AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_dist_placement pl"
							  " WHERE pl.shardid = s.shardid AND pl.groupid = 0))");
	step->changes = xstrdup("On the new coordinator: every reference table is copied here, and pg_dist_placement gains a"
							" group 0 placement of each, on every node (Citus's replicate_reference_tables(); writes to"
							" reference tables wait while it copies).");
	step->confirms = xstrdup("done when every reference table's shard has a placement in group 0");
	step->locks = xstrdup("Writes to each reference table wait while Citus copies it to the new coordinator"
						  " ('block_writes'), as long as its size takes; reads, and distributed tables, do not wait. The"
						  " batch waits at most " STEP_LOCK_TIMEOUT " for each lock it asks for.");
	step->undo = xstrdup("Harmless to keep: the coordinator holds one more copy of each reference table.");
}

/*
 * A new node becomes the coordinator.  The console reaches it at thost
 * and tport, which --map may make differ from the name the cluster knows
 * it by (target_name, target_port).
 */
static void
plan_new_node(const ClusterSnapshot *snap, const PlanChoices *choices, const PlanContext *ctx,
			  Plan *plan, int donor, const char *target_name, int target_port)
{
	const NodeReport *d = &snap->nodes[donor];
	const char *thost = ctx->target_connect_host;
	int			tport = ctx->target_connect_port;
	StrBuf		match;
	const NodeReport *t = snap->target >= 0 ? &snap->nodes[snap->target] : NULL;

	/* without the extension discovery could not check the new node's connections */
	bool		unchecked = choices->create_extension && t && t->citus_extension_version == NULL;

	strbuf_init(&match);
	append_node_match(&match, target_name, target_port);
	if (unchecked)
		add_create_extension_step(plan, thost, tport);
	/* the proof needs the connection rows the donor copies, when there are any */
	if (unchecked && !ledger_authinfo_copyable(snap))
		plan_add_reach_proof(snap, plan, thost, tport);
	add_donor_adds_node_step(snap, plan, d, target_name, target_port, match.data);
	add_donor_forgets_step(plan, d);
	if (plan_copies_connections(snap))
		plan_add_connection_copy(snap, plan, d, target_name, target_port);
	if (unchecked && ledger_authinfo_copyable(snap))
		plan_add_reach_proof(snap, plan, thost, tport);
	add_new_node_takes_group_zero_step(snap, plan, thost, tport, d, t, match.data);
	if (full_resync_reason(snap, choices))
		add_sync_step(plan, thost, tport);
	else
		add_targeted_resync_steps(snap, plan, donor, match.data);
	add_recreate_lost_step(snap, plan, d->host, d->port, LOST_DISTRIBUTED);
	add_recreate_lost_step(snap, plan, thost, tport, LOST_LOCAL);
	add_lost_notes(snap, plan, d->label, plan->target);
	if (plan->cim == CIM_INCLUDE)
		add_reference_tables_step(plan, thost, tport);
	add_serial_repair(plan, thost, tport, d);
	strbuf_free(&match);
}

/* What a promote step does on one worker, in words, for the review */
static void
explain_promote_step(PlanStep *step, const Plan *plan, int gp, bool promoted)
{
	StrBuf		words;

	strbuf_init(&words);
	strbuf_append(&words, promoted ? "On the worker being promoted: " : "On this worker: ");
	if (plan->cim == CIM_INCLUDE)
		strbuf_printf(&words, "the old coordinator's rows (group 0) go from pg_dist_node and pg_dist_placement%s; ",
					  plan->accepted_lost_shards > 0 ?
					  ", but for the lost shards' placements, which the promoted worker takes over" : "");
	strbuf_printf(&words, "the promoted worker's row in pg_dist_node and its placements in pg_dist_placement move"
				  " from group %d to group 0", gp);
	if (promoted)
		strbuf_append(&words, "; its pg_dist_local_group becomes 0, and Citus's id sequences move past the highest"
					  " id any survivor holds");
	strbuf_append(&words, ".");
	step->changes = strbuf_steal(&words);
	step->confirms = xasprintf("done when this node's pg_dist_node has the promoted worker in group 0 and no group %d%s",
							   gp, promoted ? ", and its local group is 0" : "");
}

static void
plan_promote(const ClusterSnapshot *snap, const PlanChoices *choices, Plan *plan, int target)
{
	const NodeReport *p = &snap->nodes[target];
	int			gp = p->meta.groupid;
	StrBuf		match;

	strbuf_init(&match);
	append_node_match(&match, p->meta.nodename, p->meta.nodeport);
	for (int i = 0; i < snap->nnodes; i++)
	{
		const NodeReport *node = &snap->nodes[i];
		PlanStep   *step;
		StrBuf		sql;

		if (!is_survivor(snap, i) || !node->reachable)
			continue;
		strbuf_init(&sql);
		plan_append_timeouts(&sql);
		if (plan->cim == CIM_INCLUDE)
		{
			strbuf_append(&sql, "-- the old coordinator's rows go\n");
			append_old_placements_go(&sql, snap, plan);
			strbuf_append(&sql, "DELETE FROM pg_catalog.pg_dist_node WHERE groupid = 0;\n");
		}
		strbuf_printf(&sql,
					  "-- the promoted worker becomes group 0 and keeps its shards\n"
					  "UPDATE pg_catalog.pg_dist_placement SET groupid = 0 WHERE groupid = %d;\n"
					  "UPDATE pg_catalog.pg_dist_node SET groupid = 0 WHERE groupid = %d;\n", gp, gp);
		if (i == target)
		{
			strbuf_append(&sql, "UPDATE pg_catalog.pg_dist_local_group SET groupid = 0;\n"
						  "-- every id sequence past the highest id any survivor holds\n");
			append_sequence_resets(&sql, snap, node);
		}
		step = plan_add_step(plan, node->host, node->port,
							 i == target ?
							 "On the worker being promoted: rename its group to 0 and take the coordinator's local group and sequences." :
							 "Rename the promoted worker's group to 0 in this worker's metadata.");
		step->sql = strbuf_steal(&sql);
		step->txn = STEP_TXN_ATOMIC;
		step->atomic_group = 1;
		strbuf_init(&sql);
		strbuf_printf(&sql, "SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_dist_node WHERE groupid = 0 AND %s)"
					  " AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_dist_node WHERE groupid = %d)",
					  match.data, gp);
		if (i == target)
			strbuf_append(&sql, " AND (SELECT groupid FROM pg_catalog.pg_dist_local_group) = 0");
		step->check_sql = strbuf_steal(&sql);
		strbuf_init(&sql);
		strbuf_printf(&sql, "Restore this node's catalogs from the backup (restore.sh in the work directory).");
		step->undo = strbuf_steal(&sql);
		step->locks = xstrdup("On this node: the pg_dist_node, pg_dist_placement (and, on the promoted worker,"
							  " pg_dist_local_group) rows it changes, from its first statement until the group's COMMIT"
							  " PREPARED (milliseconds, plus the other nodes' prepare time). The application's reads and"
							  " writes only read these catalogs and do not wait. The batch waits at most " STEP_LOCK_TIMEOUT
							  " for each lock it asks for.");
		explain_promote_step(step, plan, gp, i == target);
	}
	/*
	 * The renames above leave every node as the sync would, unless the
	 * workers differed.  A metadata push would fail on, or lose track of, a
	 * worker that is away.
	 */
	if (!any_survivor_unreachable(snap) && full_resync_reason(snap, choices))
		add_sync_step(plan, p->host, p->port);
	add_recreate_lost_step(snap, plan, p->host, p->port, LOST_ALL);
	add_lost_notes(snap, plan, p->label, p->label);
	add_serial_repair(plan, p->host, p->port, p);
	strbuf_free(&match);
}

/* Last, once the new coordinator works: nothing before depends on them */
static void
add_leftover_steps(const ClusterSnapshot *snap, Plan *plan)
{
	const NodeReport **nodes = xcalloc((size_t) snap->nnodes + 1, sizeof(NodeReport *));
	int			count = 0;

	for (int i = 0; i < snap->nnodes; i++)
		if (survivor_reached(snap, i))
			nodes[count++] = &snap->nodes[i];
	leftovers_plan_steps(plan, nodes, count);
	free(nodes);
}

static int
choose_donor(const ClusterSnapshot *snap, const PlanChoices *choices)
{
	if (choices->donor)
		return find_node(snap, choices->donor);
	/* the node the operator started from, if it qualifies, else any other */
	for (int pass = 0; pass < 2; pass++)
		for (int i = 0; i < snap->nnodes; i++)
		{
			if (pass == 0 && i != snap->first)
				continue;
			if (donor_refusal(snap, i) == NULL)
				return i;
		}
	return -1;
}

/* What the plan file's header carries: how and from where the plan was made */
static void
plan_set_header(Plan *plan, const ClusterSnapshot *snap, const PlanChoices *choices,
				const PlanContext *ctx)
{
	plan->tool_version = xstrdup(ctx->tool_version);
	plan->created = xstrdup(ctx->created);
	plan->method = choices->method;
	plan->cim = choices->cim != CIM_UNKNOWN ? choices->cim : snap->cim;
	plan->first = xstrdup(ctx->first);
	plan->dbname = xstrdup_or_null(ctx->dbname);
	plan->user = xstrdup_or_null(ctx->user);
	for (int i = 0; i < ctx->nmaps; i++)
	{
		plan->maps = xrealloc(plan->maps, sizeof(char *) * (size_t) (plan->nmaps + 1));
		plan->maps[plan->nmaps++] = xstrdup(ctx->maps[i]);
	}
}

static void
plan_set_roles(Plan *plan, const ClusterSnapshot *snap, const PlanChoices *choices,
			   int target, int donor)
{
	plan->target = choices->method == METHOD_PROMOTE && target >= 0 ?
		xstrdup(snap->nodes[target].label) : xstrdup(choices->target);
	if (donor >= 0)
		plan->donor = xstrdup(snap->nodes[donor].label);
	/* apply asks this address again, however the metadata has changed by then */
	if (snap->old_coordinator >= 0 && snap->nodes[snap->old_coordinator].label)
		plan->old_coordinator = xstrdup(snap->nodes[snap->old_coordinator].label);
}

/* The fingerprints apply compares, to refuse a cluster changed since planning */
static void
plan_set_nodes(Plan *plan, const ClusterSnapshot *snap)
{
	for (int i = 0; i < snap->nnodes; i++)
	{
		const NodeReport *node = &snap->nodes[i];
		PlanNode   *pn;

		if (!node->reachable || !node->is_citus || (!is_survivor(snap, i) && !node->is_target))
			continue;
		plan->nodes = xrealloc(plan->nodes, sizeof(PlanNode) * (size_t) (plan->nnodes + 1));
		pn = &plan->nodes[plan->nnodes++];
		pn->label = xstrdup(node->label);
		pn->host = xstrdup(node->host);
		pn->port = node->port;
		pn->groupid = node->is_target ? -1 : node->meta.groupid;
		pn->fingerprint = node_fingerprint(node);
	}
}

/* The plan leaves absent workers out; the notes tell how to let them back in */
static void
add_unreachable_notes(const ClusterSnapshot *snap, Plan *plan)
{
	for (int i = 0; i < snap->nnodes; i++)
		if (is_survivor(snap, i) && !snap->nodes[i].reachable)
		{
			StrBuf		call;

			strbuf_init(&call);
			strbuf_append(&call, "SELECT pg_catalog.citus_activate_node(");
			sql_append_literal(&call, snap->nodes[i].meta.nodename);
			strbuf_printf(&call, ", %d);", snap->nodes[i].meta.nodeport);
			plan_add_note(plan, "%s did not answer and is left out. When it returns, run on the new coordinator: %s",
						  snap->nodes[i].label, call.data);
			if (snap->nodes[snap->first].nserials > 0)
				plan_add_note(plan, "The serial-column repair reads every shard, so apply stops before it while %s is away (exit status 11); once it is back and activated, run the same apply command again to finish.",
							  snap->nodes[i].label);
			strbuf_free(&call);
		}
}

/*
 * Steps come only from a plan that passed pre-flight, or one whose
 * failures the operator overrode: an override never reaches past a live
 * old coordinator, nor makes steps without the nodes they would run on.
 */
static bool
steps_allowed(const ClusterSnapshot *snap, const PlanChoices *choices, const Plan *plan,
			  int target, int donor)
{
	return !plan_has_failures(plan) ||
		(choices->override_failures && !snap->coordinator_alive &&
		 (choices->method == METHOD_PROMOTE ? target >= 0 : donor >= 0 && target >= 0));
}

bool
plan_build(const ClusterSnapshot *snap, const PlanChoices *choices,
		   const PlanContext *ctx, Plan *plan, char *errbuf, size_t errlen)
{
	char	   *target_name = NULL;
	int			target_port = 0;
	int			target = -1;
	int			donor = -1;

	plan_init(plan);
	if (choices->target == NULL ||
		!parse_host_port(choices->target, &target_name, &target_port, errbuf, errlen))
	{
		if (choices->target == NULL)
			snprintf(errbuf, errlen, "give --new-coordinator HOST:PORT or --promote HOST:PORT");
		return false;
	}
	plan_set_header(plan, snap, choices, ctx);
	if (choices->method == METHOD_PROMOTE)
		target = find_node(snap, choices->target);
	else
	{
		target = snap->target;
		donor = choose_donor(snap, choices);
	}
	plan_set_roles(plan, snap, choices, target, donor);
	if (choices->method == METHOD_PROMOTE && target >= 0)
		plan->coordinator_at = format_host_port(snap->nodes[target].host, snap->nodes[target].port);
	else if (choices->method == METHOD_NEW_NODE && ctx->target_connect_host)
		plan->coordinator_at = format_host_port(ctx->target_connect_host, ctx->target_connect_port);
	plan_set_nodes(plan, snap);
	preflight(snap, choices, plan, target, donor);
	add_unreachable_notes(snap, plan);
	plan_add_ledger(snap, plan);
	if (steps_allowed(snap, choices, plan, target, donor))
	{
		if (plan_has_failures(plan))
			plan_add_note(plan, "The operator overrode the failed checks.");
		add_prepared_steps(snap, choices, plan);
		if (choices->method == METHOD_PROMOTE)
			plan_promote(snap, choices, plan, target);
		else
			plan_new_node(snap, choices, ctx, plan, donor, target_name, target_port);
		add_leftover_steps(snap, plan);
	}
	free(target_name);
	return true;
}
