#include "config.h"

#include "ledger.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

const char *const ledger_key_settings =
"citus.shard_count, citus.shard_replication_factor, citus.max_adaptive_executor_pool_size, "
"citus.max_shared_pool_size, citus.max_client_connections, citus.node_conninfo, "
"citus.local_hostname, citus.enable_repartition_joins, citus.rebalancer_by_disk_size_base_cost";

void
ledger_facts_free(LedgerFacts *facts)
{
	strlist_free(&facts->strategies);
	strlist_free(&facts->authinfo_keys);
	free(facts->authinfo_digest);
	strlist_free(&facts->poolinfo_keys);
	free(facts->poolinfo_digest);
	free(facts->cron_version);
	strlist_free(&facts->settings);
	memset(facts, 0, sizeof(*facts));
}

void
reach_check_free(ReachCheck *reach)
{
	for (int i = 0; i < reach->nresults; i++)
	{
		free(reach->results[i].worker);
		free(reach->results[i].error);
	}
	free(reach->results);
	free(reach->why_not);
	memset(reach, 0, sizeof(*reach));
}

const char *
ledger_fate_name(LedgerFate fate)
{
	switch (fate)
	{
		case LEDGER_REBUILT:
			return "rebuilt from workers";
		case LEDGER_UNKNOWN:
			return "unknown";
		case LEDGER_RESTORE:
			break;
	}
	return "restore from backup";
}

/*
 * A surviving worker whose ledger facts were read; not a standby of the old
 * coordinator, which holds what the coordinator had rather than what
 * survived it.
 */
static bool
witness(const ClusterSnapshot *snap, int i)
{
	const NodeReport *node = &snap->nodes[i];

	return node->reachable && node->is_citus && !node->is_target &&
		i != snap->old_coordinator && node->ledger.read &&
		!node_is_coordinator_standby(node);
}

typedef int64_t (*FactCount) (const LedgerFacts *facts);

/*
 * "0 on each of 3 workers", or each worker's count when they differ;
 * *total gets the sum, -1 when no worker has the catalog.
 */
static char *
counts_shown(const ClusterSnapshot *snap, FactCount count, int64_t *total)
{
	StrBuf		each;
	int64_t		first = -2;
	bool		same = true;
	int			n = 0;

	strbuf_init(&each);
	*total = -1;
	for (int i = 0; i < snap->nnodes; i++)
	{
		int64_t		c;

		if (!witness(snap, i))
			continue;
		c = count(&snap->nodes[i].ledger);
		if (first == -2)
			first = c;
		same = same && c == first;
		if (c >= 0)
			*total = (*total < 0 ? 0 : *total) + c;
		strbuf_printf(&each, "%s%s: ", n++ ? ", " : "", snap->nodes[i].label);
		if (c >= 0)
			strbuf_printf(&each, "%" PRId64, c);
		else
			strbuf_append(&each, "no such catalog");
	}
	if (n == 0)
	{
		strbuf_free(&each);
		return xstrdup("no worker could be read");
	}
	if (same)
	{
		strbuf_free(&each);
		if (first < 0)
			return xasprintf("no such catalog on %d worker%s", n, n == 1 ? "" : "s");
		return xasprintf("%" PRId64 " row%s on each of %d worker%s", first, first == 1 ? "" : "s", n, n == 1 ? "" : "s");
	}
	return strbuf_steal(&each);
}

static int64_t
count_cleanup(const LedgerFacts *f)
{
	return f->cleanup;
}

static int64_t
count_jobs(const LedgerFacts *f)
{
	return f->jobs;
}

static int64_t
count_tasks(const LedgerFacts *f)
{
	return f->tasks;
}

static int64_t
count_authinfo(const LedgerFacts *f)
{
	return f->authinfo;
}

static int64_t
count_poolinfo(const LedgerFacts *f)
{
	return f->poolinfo;
}

static void
item_cleanup(const ClusterSnapshot *snap, LedgerEntry *e)
{
	e->workers_show = counts_shown(snap, count_cleanup, &e->count);
	e->fate = LEDGER_UNKNOWN;
	e->advice = xstrdup("the coordinator's records of what to drop after interrupted shard moves and splits are gone; "
						"the leftovers themselves (replication slots, publications, subscriptions, partial shard copies) "
						"are still on the workers and must be found there");
}

static void
item_background(const ClusterSnapshot *snap, LedgerEntry *e)
{
	int64_t		tasks;
	char	   *jobs_shown = counts_shown(snap, count_jobs, &e->count);
	char	   *tasks_shown = counts_shown(snap, count_tasks, &tasks);

	e->workers_show = xasprintf("jobs: %s; tasks: %s", jobs_shown, tasks_shown);
	if (tasks > 0)
		e->count = (e->count < 0 ? 0 : e->count) + tasks;
	free(jobs_shown);
	free(tasks_shown);
	e->fate = LEDGER_UNKNOWN;
	e->advice = xstrdup("a rebalance the coordinator was running or had scheduled stopped with it; "
						"run citus_rebalance_start() on the new coordinator if it is still wanted");
}

static bool
is_default_strategy(const char *name)
{
	return strcmp(name, "by_shard_count") == 0 || strcmp(name, "by_disk_size") == 0;
}

static void
item_strategies(const ClusterSnapshot *snap, LedgerEntry *e)
{
	StrList		custom = {0};
	StrBuf		shown;
	int			n = 0;

	e->count = 0;
	for (int i = 0; i < snap->nnodes; i++)
	{
		const StrList *names = &snap->nodes[i].ledger.strategies;

		if (!witness(snap, i) || !snap->nodes[i].ledger.has_strategies)
			continue;
		n++;
		for (int s = 0; s < names->count; s++)
			if (!is_default_strategy(names->items[s]) && !strlist_has(&custom, names->items[s]))
				strlist_add(&custom, names->items[s]);
	}
	strbuf_init(&shown);
	if (n == 0)
		strbuf_append(&shown, "no worker has the catalog, or none could be read");
	else if (custom.count == 0)
		strbuf_printf(&shown, "only the default strategies on %d worker%s", n, n == 1 ? "" : "s");
	else
		strbuf_printf(&shown, "on %d worker%s read: ", n, n == 1 ? "" : "s");
	for (int c = 0; c < custom.count; c++)
		strbuf_printf(&shown, "%scustom \"%s\"", c ? ", " : "", custom.items[c]);
	e->count = custom.count;
	e->workers_show = strbuf_steal(&shown);
	e->fate = LEDGER_RESTORE;
	e->advice = xstrdup("Citus never copies custom strategies to workers or new nodes; the new coordinator's "
						"extension has the defaults: re-create custom ones with citus_add_rebalance_strategy() "
						"from a backup or a runbook");
	strlist_free(&custom);
}

/* The facts' keys of the first witness, and whether every witness holds the same rows */
static bool
rows_agree(const ClusterSnapshot *snap, bool authinfo, int *witnesses, int64_t *rows)
{
	const char *digest = NULL;
	bool		same = true;

	*witnesses = 0;
	*rows = 0;
	for (int i = 0; i < snap->nnodes; i++)
	{
		const LedgerFacts *f = &snap->nodes[i].ledger;
		const char *d = authinfo ? f->authinfo_digest : f->poolinfo_digest;
		int64_t		r = authinfo ? f->authinfo : f->poolinfo;

		if (!witness(snap, i))
			continue;
		if ((*witnesses)++ == 0)
		{
			digest = d;
			*rows = r;
		}
		else if ((d == NULL) != (digest == NULL) || (d && strcmp(d, digest) != 0) || r != *rows)
			same = false;
	}
	return same && *witnesses > 0;
}

bool
ledger_authinfo_copyable(const ClusterSnapshot *snap)
{
	int			witnesses;
	int64_t		rows;

	return rows_agree(snap, true, &witnesses, &rows) && rows > 0;
}

bool
ledger_poolinfo_copyable(const ClusterSnapshot *snap)
{
	int			witnesses;
	int64_t		rows;

	return rows_agree(snap, false, &witnesses, &rows) && rows > 0;
}

/* " (on w1:5432: node 3 user postgres, ...)" from the first witness that has rows */
static void
append_keys(StrBuf *out, const ClusterSnapshot *snap, bool authinfo)
{
	for (int i = 0; i < snap->nnodes; i++)
	{
		const StrList *keys = authinfo ? &snap->nodes[i].ledger.authinfo_keys :
			&snap->nodes[i].ledger.poolinfo_keys;

		if (!witness(snap, i) || keys->count == 0)
			continue;
		strbuf_printf(out, " (on %s:", snap->nodes[i].label);
		for (int k = 0; k < keys->count && k < 10; k++)
			strbuf_printf(out, " %s%s", keys->items[k], k + 1 < keys->count && k < 9 ? "," : "");
		if (keys->count > 10)
			strbuf_printf(out, " and %d more", keys->count - 10);
		strbuf_append(out, ")");
		return;
	}
}

static void
item_connection_rows(const ClusterSnapshot *snap, LedgerEntry *e, bool authinfo)
{
	int			witnesses;
	int64_t		rows;
	bool		agree = rows_agree(snap, authinfo, &witnesses, &rows);
	char	   *counts = counts_shown(snap, authinfo ? count_authinfo : count_poolinfo, &e->count);
	StrBuf		shown;

	strbuf_init(&shown);
	strbuf_append(&shown, counts);
	if (witnesses > 1)
		strbuf_append(&shown, agree ? ", the same on every worker" : ", NOT the same on every worker");
	append_keys(&shown, snap, authinfo);
	free(counts);
	e->workers_show = strbuf_steal(&shown);
	if (witnesses == 0)
	{
		e->fate = LEDGER_UNKNOWN;
		e->advice = xstrdup("no worker could be read, so nothing is copied: set the new coordinator's rows by hand "
							"if the cluster needs them");
	}
	else if (agree && rows > 0)
	{
		e->fate = LEDGER_REBUILT;
		e->advice = xstrdup("Citus keeps these rows on each node and never syncs them: a new coordinator "
							"gets a copy of the workers' rows from the donor");
	}
	else if (agree)
	{
		e->fate = LEDGER_UNKNOWN;
		e->advice = xstrdup(authinfo ?
							"the workers hold none; whether the coordinator had its own is unknown: the new "
							"coordinator connects with its own settings (~/.pgpass, pg_hba.conf), which "
							"the new-node-reaches-workers check proves before any change" :
							"the workers hold none; whether the coordinator routed through a pooler is unknown");
	}
	else
	{
		e->fate = LEDGER_RESTORE;
		e->advice = xstrdup("the workers disagree, so nothing is copied: set the new coordinator's rows "
							"by hand, from a backup of the old coordinator");
	}
}

static void
item_authinfo(const ClusterSnapshot *snap, LedgerEntry *e)
{
	item_connection_rows(snap, e, true);
}

static void
item_poolinfo(const ClusterSnapshot *snap, LedgerEntry *e)
{
	item_connection_rows(snap, e, false);
}

static void
item_local_tables(const ClusterSnapshot *snap, LedgerEntry *e)
{
	(void) snap;
	e->count = -1;
	e->workers_show = xstrdup("nothing: the workers never see the coordinator's own plain tables");
	e->fate = LEDGER_RESTORE;
	e->advice = xstrdup("restore any plain (not distributed, not reference) tables the old coordinator "
						"held from its backup");
}

static void
item_settings(const ClusterSnapshot *snap, LedgerEntry *e)
{
	StrBuf		shown;

	strbuf_init(&shown);
	e->count = -1;
	for (int i = 0; i < snap->nnodes && shown.len == 0; i++)
	{
		const StrList *set = &snap->nodes[i].ledger.settings;

		if (!witness(snap, i))
			continue;
		strbuf_printf(&shown, "%s sets ", snap->nodes[i].label);
		if (set->count == 0)
			strbuf_append(&shown, "no citus.* setting");
		for (int s = 0; s < set->count; s++)
			strbuf_printf(&shown, "%s%s", s ? ", " : "", set->items[s]);
	}
	if (shown.len == 0)
		strbuf_append(&shown, "no worker could be read");
	e->workers_show = strbuf_steal(&shown);
	e->fate = LEDGER_UNKNOWN;
	e->advice = xasprintf("the old coordinator's postgresql.conf is gone: set again what it had, at least %s",
						  ledger_key_settings);
}

static void
item_cron(const ClusterSnapshot *snap, LedgerEntry *e)
{
	StrBuf		shown;
	int			n = 0;

	strbuf_init(&shown);
	e->count = 0;
	for (int i = 0; i < snap->nnodes; i++)
	{
		const LedgerFacts *f = &snap->nodes[i].ledger;

		if (!witness(snap, i) || f->cron_version == NULL)
			continue;
		strbuf_printf(&shown, "%spg_cron %s on %s (%" PRId64 " jobs)", n++ ? ", " : "",
					  f->cron_version, snap->nodes[i].label, f->cron_jobs);
		if (f->cron_jobs > 0)
			e->count += f->cron_jobs;
	}
	for (int i = 0; i < snap->nnodes && n == 0; i++)
		n -= witness(snap, i) ? 1 : 0;
	if (n < 0)
		strbuf_append(&shown, "no pg_cron extension on any worker");
	else if (n == 0)
		strbuf_append(&shown, "no worker could be read");
	e->workers_show = strbuf_steal(&shown);
	e->fate = LEDGER_RESTORE;
	e->advice = xstrdup("jobs scheduled on the coordinator ran there and died with it: install pg_cron on the "
						"new coordinator and restore cron.job from a backup");
}

typedef void (*LedgerItemBuild) (const ClusterSnapshot *snap, LedgerEntry *entry);

/* The order of the report, the plan header and the wizard */
static const struct
{
	const char *item;
	const char *what;
	LedgerItemBuild build;
}			ledger_items[] = {
	{"cleanup-records", "pg_dist_cleanup", item_cleanup},
	{"rebalance-jobs", "pg_dist_background_job and _task", item_background},
	{"rebalance-strategies", "pg_dist_rebalance_strategy", item_strategies},
	{"authinfo", "pg_dist_authinfo", item_authinfo},
	{"poolinfo", "pg_dist_poolinfo", item_poolinfo},
	{"local-tables", "the coordinator's plain tables", item_local_tables},
	{"citus-settings", "citus.* settings", item_settings},
	{"cron-jobs", "pg_cron jobs", item_cron},
};

void
ledger_build(const ClusterSnapshot *snap, Ledger *ledger)
{
	size_t		n = sizeof(ledger_items) / sizeof(ledger_items[0]);

	memset(ledger, 0, sizeof(*ledger));
	for (int i = 0; i < snap->nnodes; i++)
		if (witness(snap, i))
			ledger->workers++;
	ledger->entries = xcalloc(n, sizeof(LedgerEntry));
	for (size_t i = 0; i < n; i++)
	{
		LedgerEntry *e = &ledger->entries[ledger->count++];

		e->item = ledger_items[i].item;
		e->what = ledger_items[i].what;
		ledger_items[i].build(snap, e);
	}
}

void
ledger_free(Ledger *ledger)
{
	for (int i = 0; i < ledger->count; i++)
	{
		free(ledger->entries[i].workers_show);
		free(ledger->entries[i].advice);
	}
	free(ledger->entries);
	memset(ledger, 0, sizeof(*ledger));
}

char *
ledger_entry_line(const LedgerEntry *e)
{
	return xasprintf("%s (%s): %s; workers show: %s; %s", e->item, e->what,
					 ledger_fate_name(e->fate), e->workers_show, e->advice);
}
