#include "config.h"

#include "colour.h"
#include "report.h"
#include "compat.h"
#include "catalog.h"
#include "exitcodes.h"
#include "json.h"
#include "leftovers.h"
#include "ledger.h"

#include <inttypes.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

static void json_list(JsonWriter *w, const char *key, const StrList *list);
static void json_rows(JsonWriter *w, const char *key, char *const *rows, int count);


/*
 * Prints a possibly multi-line message (libpq's and the server's DETAIL
 * and HINT lines) with a prefix on the first line and an indent on the
 * others, each line made terminal-safe.
 */
void
print_message_lines(FILE *out, const char *first_prefix, const char *indent,
					const char *text)
{
	StrBuf		lines;

	strbuf_init(&lines);
	append_message_lines(&lines, first_prefix, indent, text);
	fputs(lines.data, out);
	strbuf_free(&lines);
}

void
report_error(FILE *out, const char *text)
{
	print_message_lines(out, "citus-rescue: ", "  ", text);
}

char *
citus_short_version(const char *citus_version)
{
	const char *start;
	size_t		len;

	if (citus_version == NULL)
		return NULL;
	start = strchr(citus_version, ' ');
	start = start ? start + 1 : citus_version;
	len = strcspn(start, " ");
	{
		char	   *out = xmalloc(len + 1);

		memcpy(out, start, len);
		out[len] = '\0';
		return out;
	}
}

const char *
node_metadata_state(const NodeReport *node)
{
	if (!node->in_metadata)
		return "not listed";
	if (node->meta.groupid == 0)
		return "coordinator";
	if (!node->meta.hasmetadata)
		return "no metadata";
	return node->meta.metadatasynced ? "synced" : "not synced";
}

NodeStatus
node_status_of(const ClusterSnapshot *snap, int index)
{
	const NodeReport *node = &snap->nodes[index];

	if (node_is_coordinator_standby(node))
		return NODE_STANDBY;
	if (index == snap->old_coordinator)
		return node->reachable ? NODE_OLD_COORDINATOR_ANSWERS : NODE_OLD_COORDINATOR_GONE;
	if (node_is_group_zero_row(node) && !node->reachable)
		return NODE_OLD_COORDINATOR_GONE;
	if (!node->reachable)
		return node->timed_out ? NODE_TIMEOUT : NODE_UNREACHABLE;
	if (node->in_recovery)
		return NODE_STANDBY;
	if (!node->is_citus)
		return NODE_NOT_CITUS;
	if (node->local_group == 0)
		return NODE_ACTS_AS_COORDINATOR;
	return NODE_OK;
}

const char *
node_status_name(NodeStatus status)
{
	switch (status)
	{
		case NODE_OLD_COORDINATOR_ANSWERS:
			return "ANSWERS";
		case NODE_OLD_COORDINATOR_GONE:
			return "gone";
		case NODE_TIMEOUT:
			return "timeout";
		case NODE_UNREACHABLE:
			return "unreachable";
		case NODE_STANDBY:
			return "standby";
		case NODE_NOT_CITUS:
			return "not citus";
		case NODE_ACTS_AS_COORDINATOR:
			return "COORDINATOR";
		case NODE_OK:
			break;
	}
	return "ok";
}

/* A node the recovery can count on is good; one that blocks or endangers it is bad */
static ColourRole
node_status_colour(NodeStatus status)
{
	switch (status)
	{
		case NODE_OK:
		case NODE_OLD_COORDINATOR_GONE:
			return COLOUR_GOOD;
		case NODE_TIMEOUT:
			return COLOUR_WARN;
		default:
			return COLOUR_BAD;
	}
}

const char *
node_status(const ClusterSnapshot *snap, int index)
{
	return node_status_name(node_status_of(snap, index));
}

static int
max_int(int a, int b)
{
	return a > b ? a : b;
}

static void
print_nodes(FILE *out, const ClusterSnapshot *snap)
{
	char	  **addresses = xcalloc((size_t) snap->nnodes, sizeof(char *));
	int			width = (int) strlen("ADDRESS");

	for (int i = 0; i < snap->nnodes; i++)
	{
		StrBuf		buf;
		const NodeReport *node = &snap->nodes[i];

		strbuf_init(&buf);
		append_terminal_safe(&buf, node->meta.nodename);
		strbuf_printf(&buf, ":%d", node->meta.nodeport);
		if (node->host && (strcmp(node->host, node->meta.nodename) != 0 ||
							  node->port != node->meta.nodeport) && !node->is_first)
		{
			strbuf_append(&buf, " via ");
			append_terminal_safe(&buf, node->label);
		}
		if (node->is_first)
			strbuf_append(&buf, " *");
		addresses[i] = strbuf_steal(&buf);
		width = max_int(width, (int) strlen(addresses[i]));
	}

	fprintf(out, "%6s %5s  %-*s  %-9s %-11s %-9s %-16s %-11s %10s\n",
			"NODEID", "GROUP", width, "ADDRESS", "ROLE", "STATUS", "POSTGRES",
			"CITUS (EXT)", "METADATA", "PLACEMENTS");
	for (int i = 0; i < snap->nnodes; i++)
	{
		const NodeReport *node = &snap->nodes[i];
		char		nodeid[16];
		char		group[16];
		char		citus[48];
		char		placements[24];
		char	   *lib = citus_short_version(node->citus_library_version);
		char	   *role = terminal_safe_dup(node->meta.noderole);
		char		postgres[16];

		snprintf(nodeid, sizeof(nodeid), "%d", node->meta.nodeid);
		if (node->meta.nodeid < 0)
			snprintf(nodeid, sizeof(nodeid), "-");
		snprintf(group, sizeof(group), "%d", node->meta.groupid);
		/* "15.20 (Debian 15.20-0+deb12u1)" is too wide for a column */
		snprintf(postgres, sizeof(postgres), "%.*s",
				 node->server_version ? (int) strcspn(node->server_version, " ") : 1,
				 node->server_version ? node->server_version : "-");
		if (node->is_citus && lib)
			snprintf(citus, sizeof(citus), "%s (%s)", lib,
					 node->citus_extension_version ? node->citus_extension_version : "-");
		else
			snprintf(citus, sizeof(citus), "-");
		if (node->is_citus && node->catalogs[CATALOG_PLACEMENT].digest)
			snprintf(placements, sizeof(placements), "%" PRId64,
					 node->catalogs[CATALOG_PLACEMENT].rows);
		else
			snprintf(placements, sizeof(placements), "-");
		fprintf(out, "%6s %5s  %-*s  %-9.9s %s%-11s%s %-9s %-16s %-11s %10s\n",
				nodeid, group, width, addresses[i], role,
				colour_start(out, node_status_colour(node_status_of(snap, i))),
				node_status(snap, i),
				colour_end(out, node_status_colour(node_status_of(snap, i))),
				postgres,
				citus, node_metadata_state(node), placements);
		free(lib);
		free(role);
		free(addresses[i]);
	}
	free(addresses);
	fprintf(out, "(* the node discovery started from)\n");
}

static void
print_node_problems(FILE *out, const ClusterSnapshot *snap)
{
	bool		header = false;

	for (int i = 0; i < snap->nnodes; i++)
	{
		const NodeReport *node = &snap->nodes[i];
		char	   *text = NULL;
		char	   *shown;
		char	   *prefix;

		if (i == snap->old_coordinator && !node->reachable)
			continue;			/* gone, as it must be */
		if (node_is_coordinator_standby(node))
			text = xstrdup("a standby of the old coordinator (in recovery): see below");
		else if (node_is_group_zero_row(node) && !node->reachable)
			text = xstrdup("a standby of the old coordinator, gone with it: a plan removes its row");
		else if (!node->reachable && node->error.message)
			text = pgerror_format(&node->error);
		else if (node->problem)
			text = xstrdup(node->problem);
		else if (node->reachable && node->in_recovery && i != snap->old_coordinator)
			text = xstrdup("is a standby (in recovery)");
		if (text == NULL)
			continue;
		if (!header)
			fprintf(out, "\nProblems:\n");
		header = true;
		shown = terminal_safe_dup(node->label ? node->label : node->meta.nodename);
		prefix = xasprintf("  %s: ", shown);
		free(shown);
		print_message_lines(out, prefix, "      ", text);
		free(prefix);
		free(text);
	}
}

/* The text pre-flight's coordinator-standby check gives as well */
static void
print_coordinator_standbys(FILE *out, const ClusterSnapshot *snap)
{
	for (int i = 0; i < snap->nnodes; i++)
	{
		char	   *name;

		if (!node_is_coordinator_standby(&snap->nodes[i]))
			continue;
		name = terminal_safe_dup(snap->nodes[i].label);
		fprintf(out, "\n"
				"!!! %s is a standby of the old coordinator and answers.\n"
				"!!! If it is current, promoting it is the better way out: it keeps what\n"
				"!!! only the coordinator had (pg_dist_transaction, pg_dist_cleanup, background\n"
				"!!! jobs, pg_dist_authinfo, pg_dist_poolinfo) and needs no citus-rescue.\n"
				"!!! If you recover with citus-rescue instead, retire that standby for good:\n"
				"!!! promoted afterwards, it would be a second coordinator.\n", name);
		free(name);
	}
}

static void
print_coordinator(FILE *out, const ClusterSnapshot *snap)
{
	fprintf(out, "\nOld coordinator: ");
	if (snap->cim == CIM_INCLUDE)
	{
		const NodeReport *old = &snap->nodes[snap->old_coordinator];
		char	   *name = terminal_safe_dup(old->meta.nodename);

		fprintf(out, "in the metadata (CIM include), group 0 at %s:%d", name,
				old->meta.nodeport);
		free(name);
	}
	else
		fprintf(out, "not in the metadata (CIM exclude)");
	if (snap->coordinator_alive)
	{
		char	   *why = terminal_safe_dup(snap->coordinator_alive_why);

		fprintf(out, ".\n\n"
				"!!! A COORDINATOR STILL ANSWERS: %s.\n"
				"!!! Recovering now would give this cluster two coordinators.\n"
				"!!! Stop it for good (or fence it off) before going further.\n", why);
		free(why);
	}
	else if (snap->old_coordinator >= 0)
		fprintf(out, "; it does not answer, as it must not.\n");
	else
		fprintf(out, "; its address is unknown, so it was not probed"
				" (give --old-coordinator HOST:PORT to check it).\n");
	print_coordinator_standbys(out, snap);
}

/* "shardid=102008 groupid=1" from row text and its columns, terminal-safe */
char *
labelled_row(const char *row, const StrList *columns)
{
	StrBuf		buf;

	strbuf_init(&buf);
	for (int c = 0; c < columns->count; c++)
	{
		char	   *value;

		if (!catalog_row_field(row, c, &value))
			break;
		if (buf.len)
			strbuf_append_char(&buf, ' ');
		append_terminal_safe(&buf, columns->items[c]);
		strbuf_append_char(&buf, '=');
		if (value)
			append_terminal_safe(&buf, value);
		else
			strbuf_append(&buf, "NULL");
		free(value);
	}
	return strbuf_steal(&buf);
}

static void
print_diff_rows(FILE *out, const char *sign, char *const *rows, int count,
				const StrList *columns, int max_rows)
{
	for (int r = 0; r < count && r < max_rows; r++)
	{
		char	   *shown = labelled_row(rows[r], columns);

		fprintf(out, "      %s %s\n", sign, shown);
		free(shown);
	}
	if (count > max_rows)
		fprintf(out, "      %s ... and %d more\n", sign, count - max_rows);
}

static void
print_catalogs(FILE *out, const ClusterSnapshot *snap, int max_rows)
{
	bool		any_differ = false;

	fprintf(out, "\nCatalogs, compared across the reachable Citus nodes:\n");
	for (int c = 0; c < CATALOG_COUNT; c++)
	{
		const CatalogComparison *cmp = &snap->comparisons[c];

		if (cmp->compared == 0)
		{
			fprintf(out, "  %-20s not compared (no node could be read)\n", catalog_name((CatalogId) c));
			continue;
		}
		if (cmp->agree)
		{
			fprintf(out, "  %-20s agree on %d node%s (%" PRId64 " rows)\n",
					catalog_name((CatalogId) c), cmp->compared,
					cmp->compared == 1 ? "" : "s",
					snap->nodes[cmp->reference].catalogs[c].rows);
			continue;
		}
		fprintf(out, "  %-20s DISAGREE\n", catalog_name((CatalogId) c));
		any_differ = true;
		for (int d = 0; d < cmp->ndiffs; d++)
		{
			const RowDiff *diff = &cmp->diffs[d];

			char	   *node_label = terminal_safe_dup(snap->nodes[diff->node].label);
			char	   *reference_label = terminal_safe_dup(snap->nodes[diff->reference].label);

			fprintf(out, "    %s differs from %s:\n", node_label, reference_label);
			free(node_label);
			free(reference_label);
			if (diff->error.message)
			{
				char	   *why = pgerror_format(&diff->error);
				char	   *shown = terminal_safe_dup(why);

				fprintf(out, "      rows could not be read: %s\n", shown);
				free(shown);
				free(why);
				continue;
			}
			print_diff_rows(out, "-", diff->missing, diff->nmissing, &cmp->columns, max_rows);
			print_diff_rows(out, "+", diff->extra, diff->nextra, &cmp->columns, max_rows);
		}
	}
	if (any_differ)
		fprintf(out, "  (- a row the reference node has and the other lacks; + the reverse)\n");
}

static void
print_ids(FILE *out, const ClusterSnapshot *snap)
{
	fprintf(out, "\nHighest ids in use on any node:");
	for (int m = 0; m < MAXID_COUNT; m++)
		fprintf(out, " %s %" PRId64 "%s", maxid_name((MaxIdKind) m), snap->max_id[m],
				m + 1 < MAXID_COUNT ? "," : "\n");
	fprintf(out, "Id sequences (last value; '-' before first use):\n");
	for (int i = 0; i < snap->nnodes; i++)
	{
		const NodeReport *node = &snap->nodes[i];
		bool		advanced = false;

		if (!node->reachable || !node->is_citus)
			continue;
		for (int s = 0; s < node->nsequences; s++)
			advanced |= node->sequences[s].last_value != NULL;
		fprintf(out, "  %s (local group %d):", node->label, node->local_group);
		if (!advanced)
		{
			fprintf(out, " all %d never used\n", node->nsequences);
			continue;
		}
		for (int s = 0; s < node->nsequences; s++)
		{
			const char *name = node->sequences[s].name;

			if (strncmp(name, "pg_dist_", 8) == 0)
				name += 8;
			fprintf(out, " %s=%s", name,
					node->sequences[s].last_value ? node->sequences[s].last_value : "-");
		}
		fprintf(out, "\n");
	}
}

static void
print_synced(FILE *out, const ClusterSnapshot *snap)
{
	bool		any = false;

	fprintf(out, "\nMetadata-synced workers:");
	for (int i = 0; i < snap->nnodes; i++)
	{
		const NodeReport *node = &snap->nodes[i];

		if (node->in_metadata && node->meta.groupid != 0 &&
			node->meta.hasmetadata && node->meta.metadatasynced)
		{
			char	   *name = terminal_safe_dup(node->meta.nodename);

			fprintf(out, " %s:%d", name, node->meta.nodeport);
			free(name);
			any = true;
		}
	}
	fprintf(out, "%s\n", any ? "" : " none");
}

/* What died with the coordinator, entry by entry */
static void
print_ledger(FILE *out, const ClusterSnapshot *snap)
{
	Ledger		ledger;

	ledger_build(snap, &ledger);
	fprintf(out, "\nWhat died with the old coordinator (from %d worker%s):\n",
			ledger.workers, ledger.workers == 1 ? "" : "s");
	for (int i = 0; i < ledger.count; i++)
	{
		const LedgerEntry *e = &ledger.entries[i];
		char	   *shown = terminal_safe_dup(e->workers_show);

		fprintf(out, "  %-21s %-35s %s\n", e->item, e->what, ledger_fate_name(e->fate));
		fprintf(out, "      workers show: %s\n      %s\n", shown, e->advice);
		free(shown);
	}
	ledger_free(&ledger);
}

/* The new node's own connection check of every worker */
static void
print_reach(FILE *out, const ClusterSnapshot *snap)
{
	const ReachCheck *reach;

	if (snap->target < 0)
		return;
	reach = &snap->nodes[snap->target].reach;
	fprintf(out, "\nThe new node's connections to the workers (citus_check_connection_to_node):\n");
	if (!reach->ran)
	{
		char	   *why = terminal_safe_dup(reach->why_not ? reach->why_not : "not run");

		fprintf(out, "  not checked: %s\n", why);
		free(why);
		return;
	}
	for (int r = 0; r < reach->nresults; r++)
	{
		char	   *worker = terminal_safe_dup(reach->results[r].worker);

		if (reach->results[r].reached)
			fprintf(out, "  %s reached\n", worker);
		else
		{
			char	   *prefix = xasprintf("  %s NOT REACHED: ", worker);

			print_message_lines(out, prefix, "      ", reach->results[r].error);
			free(prefix);
		}
		free(worker);
	}
	if (reach->with_authinfo)
		fprintf(out, "  (with the workers' pg_dist_authinfo rows in place, as a plan copies them)\n");
}

static const char *
verdict(int exit_code)
{
	switch (exit_code)
	{
		case EXIT_CODE_OK:
			return "every node answered and every catalog agrees";
		case EXIT_CODE_NODE_UNREACHABLE:
			return "some nodes did not answer";
		case EXIT_CODE_METADATA_DISAGREES:
			return "the nodes' metadata disagrees";
		case EXIT_CODE_COORDINATOR_ALIVE:
			return "a coordinator still answers: do not recover";
		default:
			return "discovery failed";
	}
}

/* Shortened from the header of tests/standin/citus-standin.sql */
const char *const standin_unmodelled[] = {
	"Not modelled: the distributed planner and executor, DDL propagation, the",
	"2PC recovery daemon, background jobs and cleanup records, citus local,",
	"append and range tables, foreign keys. It rehearses the procedure only.",
	NULL
};

char *
standin_notice(const ClusterSnapshot *snap)
{
	int			read;
	int			standin = snapshot_standin_nodes(snap, &read);
	StrBuf		line;

	if (standin == 0)
		return NULL;
	strbuf_init(&line);
	if (standin == read)
		strbuf_append(&line, "SIMULATION: every node that answered runs");
	else if (standin == 1)
	{
		strbuf_append(&line, "SIMULATION: ");
		for (int i = 0; i < snap->nnodes; i++)
			if (snap->nodes[i].runs_standin)
				append_terminal_safe(&line, snap->nodes[i].label ? snap->nodes[i].label : "?");
		strbuf_append(&line, " runs");
	}
	else
		strbuf_printf(&line, "SIMULATION: %d of the %d nodes that answered run", standin, read);
	strbuf_append(&line, " the citus-rescue stand-in, not Citus.");
	return strbuf_steal(&line);
}

void
report_text(FILE *out, const ClusterSnapshot *snap, int max_rows)
{
	char	   *simulation;
	char	   *versions;

	if (snap->fatal.message)
		return;
	/* before anything else: an operator who reads one line reads this one */
	if (snapshot_version_support(snap, &versions) != VERSION_SUPPORTED)
		fprintf(out, "%s\n", versions);
	free(versions);
	simulation = standin_notice(snap);
	fprintf(out, "Discovered %d node%s from %s in %" PRId64 " ms.\n",
			snap->nnodes, snap->nnodes == 1 ? "" : "s", snap->first_label,
			snap->elapsed_ms);
	if (simulation)
		fprintf(out, "%s\n", simulation);
	fprintf(out, "\n");
	free(simulation);
	print_nodes(out, snap);
	print_node_problems(out, snap);
	print_coordinator(out, snap);
	print_synced(out, snap);
	print_catalogs(out, snap, max_rows);
	print_ids(out, snap);
	leftovers_print(out, snap);
	print_reach(out, snap);
	print_ledger(out, snap);
	fprintf(out, "\nResult: %s (exit status %d).\n", verdict(snap->exit_code), snap->exit_code);
}

/* What a node's catalogs hold: rows, digests, columns, highest ids, sequences */
static void
json_node_catalogs(JsonWriter *w, const NodeReport *node)
{
	json_begin_object(w, "catalogs");
	for (int c = 0; c < CATALOG_COUNT; c++)
	{
		if (node->catalogs[c].digest == NULL)
		{
			json_null(w, catalog_name((CatalogId) c));
			continue;
		}
		json_begin_object(w, catalog_name((CatalogId) c));
		json_int(w, "rows", node->catalogs[c].rows);
		json_string(w, "digest", node->catalogs[c].digest);
		json_list(w, "columns", &node->catalogs[c].columns);
		json_end_object(w);
	}
	json_end_object(w);
	json_begin_object(w, "max_ids");
	for (int m = 0; m < MAXID_COUNT; m++)
		if (node->catalogs[0].digest && node->max_id[m] >= 0)
			json_int(w, maxid_name((MaxIdKind) m), node->max_id[m]);
		else
			json_null(w, maxid_name((MaxIdKind) m));
	json_end_object(w);
	json_begin_object(w, "sequences");
	for (int s = 0; s < node->nsequences; s++)
		json_string(w, node->sequences[s].name, node->sequences[s].last_value);
	json_end_object(w);
	json_rows(w, "pg_dist_node_view", node->node_view.items, node->node_view.count);
}

/* What a node holds row by row: its pg_dist_node, prepared transactions, serial columns, lost shards */
static void
json_node_lists(JsonWriter *w, const NodeReport *node)
{
	json_begin_array(w, "prepared_transactions");
	for (int x = 0; x < node->nprepared; x++)
	{
		json_begin_object(w, NULL);
		json_string(w, "gid", node->prepared[x].gid);
		json_string(w, "owner", node->prepared[x].owner);
		json_string(w, "prepared", node->prepared[x].prepared);
		json_bool(w, "orphaned", strncmp(node->prepared[x].gid, "citus_0_", 8) == 0);
		json_end_object(w);
	}
	json_end_array(w);
	json_begin_array(w, "serial_columns");
	for (int c = 0; c < node->nserials; c++)
	{
		json_begin_object(w, NULL);
		json_string(w, "table", node->serials[c].table);
		json_string(w, "column", node->serials[c].column);
		json_string(w, "sequence", node->serials[c].sequence);
		json_bool(w, "bigint", node->serials[c].is_bigint);
		json_string(w, "default", node->serials[c].default_expr);
		json_end_object(w);
	}
	json_end_array(w);
	json_begin_array(w, "lost_shards");
	for (int l = 0; l < node->nlost_shards; l++)
	{
		json_begin_object(w, NULL);
		json_string(w, "table", node->lost_shards[l].table);
		json_int(w, "shardid", node->lost_shards[l].shardid);
		json_string(w, "min", node->lost_shards[l].minvalue);
		json_string(w, "max", node->lost_shards[l].maxvalue);
		json_bool(w, "citus_local", node->lost_shards[l].citus_local);
		json_string(w, "cannot_recreate", node->lost_shards[l].unrecreatable);
		json_end_object(w);
	}
	json_end_array(w);
	json_rows(w, "unknown_shard_tables", node->unknown_shards.items, node->unknown_shards.count);
}

static void
json_node(JsonWriter *w, const ClusterSnapshot *snap, int i)
{
	const NodeReport *node = &snap->nodes[i];
	char	   *lib = citus_short_version(node->citus_library_version);

	json_begin_object(w, NULL);
	if (node->meta.nodeid >= 0)
		json_int(w, "nodeid", node->meta.nodeid);
	else
		json_null(w, "nodeid");
	json_int(w, "groupid", node->meta.groupid);
	json_string(w, "nodename", node->meta.nodename);
	json_int(w, "nodeport", node->meta.nodeport);
	json_string(w, "connect_host", node->host);
	json_int(w, "connect_port", node->port);
	json_string(w, "noderole", node->meta.noderole);
	json_bool(w, "in_metadata", node->in_metadata);
	json_bool(w, "hasmetadata", node->meta.hasmetadata);
	json_bool(w, "metadatasynced", node->meta.metadatasynced);
	json_bool(w, "isactive", node->meta.isactive);
	json_bool(w, "shouldhaveshards", node->meta.shouldhaveshards);
	json_bool(w, "first", node->is_first);
	json_bool(w, "old_coordinator", i == snap->old_coordinator);
	json_bool(w, "coordinator_standby", node_is_coordinator_standby(node));
	json_string(w, "status", node_status(snap, i));
	json_bool(w, "reachable", node->reachable);
	json_bool(w, "timed_out", node->timed_out);
	json_pgerror_without_node(w, "error", &node->error);
	json_string(w, "problem", node->problem);
	json_string(w, "server_version", node->server_version);
	if (node->server_version_num)
		json_int(w, "server_version_num", node->server_version_num);
	else
		json_null(w, "server_version_num");
	json_bool(w, "in_recovery", node->in_recovery);
	json_bool(w, "is_citus", node->is_citus);
	json_string(w, "citus_version", lib);
	json_string(w, "citus_version_full", node->citus_library_version);
	json_bool(w, "standin", node->runs_standin);
	json_string(w, "citus_extension_version", node->citus_extension_version);
	json_string(w, "version_support", node->reachable && node->is_citus ?
				version_support_name(node_version_support(node)) : NULL);
	if (node->reachable && node->is_citus && node->local_group >= 0)
		json_int(w, "local_group", node->local_group);
	else
		json_null(w, "local_group");
	json_node_catalogs(w, node);
	json_node_lists(w, node);
	leftovers_json(w, node);
	json_end_object(w);
	free(lib);
}

static void
json_list(JsonWriter *w, const char *key, const StrList *list)
{
	json_begin_array(w, key);
	for (int i = 0; i < list->count; i++)
		json_string(w, NULL, list->items[i]);
	json_end_array(w);
}

/* Each row as an array of its values, NULL as null. */
static void
json_rows(JsonWriter *w, const char *key, char *const *rows, int count)
{
	json_begin_array(w, key);
	for (int r = 0; r < count; r++)
	{
		char	   *value;

		json_begin_array(w, NULL);
		for (int f = 0; catalog_row_field(rows[r], f, &value); f++)
		{
			json_string(w, NULL, value);
			free(value);
		}
		json_end_array(w);
	}
	json_end_array(w);
}

static void
json_ledger(JsonWriter *w, const ClusterSnapshot *snap)
{
	Ledger		ledger;

	ledger_build(snap, &ledger);
	json_begin_array(w, "ledger");
	for (int i = 0; i < ledger.count; i++)
	{
		const LedgerEntry *e = &ledger.entries[i];

		json_begin_object(w, NULL);
		json_string(w, "item", e->item);
		json_string(w, "what", e->what);
		json_string(w, "fate", ledger_fate_name(e->fate));
		if (e->count >= 0)
			json_int(w, "workers_count", e->count);
		else
			json_null(w, "workers_count");
		json_string(w, "workers_show", e->workers_show);
		json_string(w, "advice", e->advice);
		json_end_object(w);
	}
	json_end_array(w);
	ledger_free(&ledger);
}

static void
json_reach(JsonWriter *w, const ClusterSnapshot *snap)
{
	const ReachCheck *reach;

	if (snap->target < 0)
	{
		json_null(w, "new_node_reaches_workers");
		return;
	}
	reach = &snap->nodes[snap->target].reach;
	json_begin_object(w, "new_node_reaches_workers");
	json_bool(w, "ran", reach->ran);
	json_string(w, "why_not", reach->why_not);
	json_bool(w, "with_authinfo", reach->with_authinfo);
	json_begin_array(w, "workers");
	for (int r = 0; r < reach->nresults; r++)
	{
		json_begin_object(w, NULL);
		json_string(w, "worker", reach->results[r].worker);
		json_bool(w, "reached", reach->results[r].reached);
		json_string(w, "error", reach->results[r].error);
		json_end_object(w);
	}
	json_end_array(w);
	json_end_object(w);
}

/* The worst verdict on the nodes' versions, and what discover says of it */
static void
json_version_support(JsonWriter *w, const ClusterSnapshot *snap)
{
	char	   *statement;

	json_string(w, "version_support",
				version_support_name(snapshot_version_support(snap, &statement)));
	json_string(w, "version_statement", statement);
	free(statement);
}

static void
json_old_coordinator(JsonWriter *w, const ClusterSnapshot *snap)
{
	json_begin_object(w, "old_coordinator");
	if (snap->old_coordinator >= 0)
	{
		json_string(w, "nodename", snap->nodes[snap->old_coordinator].meta.nodename);
		json_int(w, "nodeport", snap->nodes[snap->old_coordinator].meta.nodeport);
	}
	json_bool(w, "answers", snap->coordinator_alive);
	json_string(w, "why", snap->coordinator_alive_why);
	json_end_object(w);
}

void
report_json(StrBuf *out, const ClusterSnapshot *snap)
{
	JsonWriter	w;

	json_init(&w, out);
	json_begin_object(&w, NULL);
	json_int(&w, "format", JSON_FORMAT);
	json_string(&w, "tool_version", PACKAGE_VERSION);
	json_int(&w, "exit_code", snap->exit_code);
	json_string(&w, "result", snap->fatal.message ? "first node failed" : verdict(snap->exit_code));
	if (snap->fatal.message)
	{
		char	   *fatal = pgerror_format(&snap->fatal);

		json_string(&w, "fatal", fatal);
		free(fatal);
	}
	else
		json_null(&w, "fatal");
	json_pgerror_without_node(&w, "fatal_error", &snap->fatal);
	json_string(&w, "first_node", snap->first_label);
	json_version_support(&w, snap);
	json_int(&w, "elapsed_ms", snap->elapsed_ms);
	json_int(&w, "compare_ms", snap->compare_ms);
	json_string(&w, "cim", snap->fatal.message ? NULL : snap->cim == CIM_INCLUDE ? "include" : "exclude");
	json_old_coordinator(&w, snap);
	json_int(&w, "unreachable", snap->unreachable);
	json_begin_array(&w, "nodes");
	for (int i = 0; i < snap->nnodes; i++)
		json_node(&w, snap, i);
	json_end_array(&w);
	json_begin_array(&w, "catalogs");
	for (int c = 0; c < CATALOG_COUNT && !snap->fatal.message; c++)
	{
		const CatalogComparison *cmp = &snap->comparisons[c];

		json_begin_object(&w, NULL);
		json_string(&w, "name", catalog_name((CatalogId) c));
		json_list(&w, "columns", &cmp->columns);
		json_int(&w, "compared", cmp->compared);
		json_bool(&w, "agree", cmp->agree);
		if (cmp->reference >= 0 && cmp->compared > 0)
			json_string(&w, "reference", snap->nodes[cmp->reference].label);
		else
			json_null(&w, "reference");
		json_begin_array(&w, "differences");
		for (int d = 0; d < cmp->ndiffs; d++)
		{
			const RowDiff *diff = &cmp->diffs[d];

			json_begin_object(&w, NULL);
			json_string(&w, "node", snap->nodes[diff->node].label);
			json_string(&w, "reference", snap->nodes[diff->reference].label);
			json_pgerror_without_node(&w, "error", &diff->error);
			json_rows(&w, "missing", diff->missing, diff->nmissing);
			json_rows(&w, "extra", diff->extra, diff->nextra);
			json_end_object(&w);
		}
		json_end_array(&w);
		json_end_object(&w);
	}
	json_end_array(&w);
	json_begin_object(&w, "max_ids");
	for (int m = 0; m < MAXID_COUNT && !snap->fatal.message; m++)
		json_int(&w, maxid_name((MaxIdKind) m), snap->max_id[m]);
	json_end_object(&w);
	if (!snap->fatal.message)
	{
		json_reach(&w, snap);
		json_ledger(&w, snap);
	}
	json_end_object(&w);
}
