#include "config.h"

#include "snapshot.h"
#include "compare.h"
#include "leftovers.h"

#include <stdlib.h>
#include <string.h>

bool
node_is_group_zero_row(const NodeReport *node)
{
	return node->in_metadata && !node->is_target && node->meta.groupid == 0;
}

bool
node_is_coordinator_standby(const NodeReport *node)
{
	return node->reachable && node->in_recovery && !node->is_first && !node->is_target &&
		(node_is_group_zero_row(node) || node->local_group == 0);
}

bool
node_compared(const NodeReport *node)
{
	bool		keeps_metadata = node->is_first || !node->in_metadata ||
		node->meta.groupid == 0 || node->meta.hasmetadata;

	return node->reachable && node->is_citus && !node->is_target &&
		node->catalogs[0].digest != NULL && keeps_metadata &&
		!node_is_coordinator_standby(node);
}

static void
node_report_free(NodeReport *node)
{
	free(node->meta.nodename);
	free(node->meta.noderole);
	free(node->host);
	free(node->label);
	pgerror_clear(&node->error);
	free(node->server_version);
	free(node->citus_extension_version);
	free(node->citus_library_version);
	for (int c = 0; c < CATALOG_COUNT; c++)
	{
		strlist_free(&node->catalogs[c].columns);
		free(node->catalogs[c].digest);
	}
	for (int s = 0; s < node->nsequences; s++)
	{
		free(node->sequences[s].name);
		free(node->sequences[s].last_value);
	}
	free(node->sequences);
	strlist_free(&node->node_view);
	strlist_free(&node->unknown_shards);
	free(node->problem);
	for (int i = 0; i < node->nprepared; i++)
	{
		free(node->prepared[i].gid);
		free(node->prepared[i].owner);
		free(node->prepared[i].database);
		free(node->prepared[i].prepared);
	}
	free(node->prepared);
	free(node->database);
	free(node->placement_ids_digest);
	for (int i = 0; i < node->nserials; i++)
	{
		free(node->serials[i].table);
		free(node->serials[i].column);
		free(node->serials[i].sequence);
		free(node->serials[i].default_expr);
	}
	free(node->serials);
	for (int i = 0; i < node->nlost_shards; i++)
	{
		free(node->lost_shards[i].table);
		free(node->lost_shards[i].minvalue);
		free(node->lost_shards[i].maxvalue);
		free(node->lost_shards[i].unrecreatable);
	}
	free(node->lost_shards);
	leftovers_free(node->leftovers, node->nleftovers);
	ledger_facts_free(&node->ledger);
	reach_check_free(&node->reach);
	role_facts_free(&node->roles);
}

void
snapshot_free(ClusterSnapshot *snapshot)
{
	for (int i = 0; i < snapshot->nnodes; i++)
		node_report_free(&snapshot->nodes[i]);
	free(snapshot->nodes);
	for (int c = 0; c < CATALOG_COUNT; c++)
	{
		CatalogComparison *cmp = &snapshot->comparisons[c];

		for (int d = 0; d < cmp->ndiffs; d++)
			rowdiff_free(&cmp->diffs[d]);
		free(cmp->diffs);
		strlist_free(&cmp->columns);
	}
	free(snapshot->first_label);
	free(snapshot->coordinator_alive_why);
	pgerror_clear(&snapshot->fatal);
	free(snapshot->dbname);
	free(snapshot->user);
	memset(snapshot, 0, sizeof(*snapshot));
}

bool
citus_version_is_standin(const char *citus_version)
{
	return citus_version != NULL && strstr(citus_version, STANDIN_VERSION_MARK) != NULL;
}

int
snapshot_standin_nodes(const ClusterSnapshot *snap, int *read)
{
	int			standin = 0;

	*read = 0;
	for (int i = 0; i < snap->nnodes; i++)
	{
		if (snap->nodes[i].citus_library_version == NULL)
			continue;
		(*read)++;
		if (snap->nodes[i].runs_standin)
			standin++;
	}
	return standin;
}

bool
snapshot_reaches_worker(const ClusterSnapshot *snap, int i)
{
	const NodeReport *node = &snap->nodes[i];

	return node->in_metadata && !node->is_target && i != snap->old_coordinator &&
		node->meta.groupid != 0 && node->meta.isactive && node->meta.noderole &&
		strcmp(node->meta.noderole, "primary") == 0;
}
