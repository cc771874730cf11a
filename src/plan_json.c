#include "config.h"

#include "exitcodes.h"
#include "lostshards.h"
#include "plan_json.h"
#include "sqlsplit.h"

#include <string.h>

static void
json_strings(JsonWriter *w, const char *key, char *const *items, int count)
{
	json_begin_array(w, key);
	for (int i = 0; i < count; i++)
		json_string(w, NULL, items[i]);
	json_end_array(w);
}

static void
json_checks(JsonWriter *w, const Plan *plan)
{
	json_begin_array(w, "checks");
	for (int i = 0; i < plan->nchecks; i++)
	{
		const PreflightCheck *c = &plan->checks[i];

		json_begin_object(w, NULL);
		json_string(w, "name", c->name);
		json_string(w, "status", check_status_key(c->status));
		json_string(w, "why", c->why);
		json_string(w, "fix", c->fix);
		json_end_object(w);
	}
	json_end_array(w);
}

static void
json_step(JsonWriter *w, const PlanStep *s)
{
	StrList		statements = {0};

	json_begin_object(w, NULL);
	json_int(w, "number", s->number);
	json_string(w, "node", s->label);
	json_string(w, "host", s->host);
	json_int(w, "port", s->port);
	json_string(w, "purpose", s->purpose);
	json_string(w, "changes", s->changes);
	json_string(w, "confirms", s->confirms);
	json_string(w, "locks", s->locks);
	json_string(w, "undo", s->undo);
	json_string(w, "transaction", txn_name(s->txn));
	if (s->txn == STEP_TXN_ATOMIC)
		json_int(w, "all_nodes_group", s->atomic_group);
	else
		json_null(w, "all_nodes_group");
	json_bool(w, "always_runs", plan_step_always_runs(s));
	json_string(w, "sql", s->sql);
	sql_split_statements(s->sql ? s->sql : "", &statements);
	json_strings(w, "statements", statements.items, statements.count);
	strlist_free(&statements);
	json_string(w, "check_sql", s->check_sql);
	json_end_object(w);
}

/* The notes that name the ranges whose rows were lost, apart */
static void
json_notes(JsonWriter *w, const Plan *plan)
{
	size_t		lost_len = strlen(LOST_ROWS_NOTE);

	json_strings(w, "notes", plan->notes, plan->nnotes);
	json_int(w, "accepted_lost_shards", plan->accepted_lost_shards);
	json_begin_array(w, "lost_rows");
	for (int i = 0; i < plan->nnotes; i++)
		if (strncmp(plan->notes[i], LOST_ROWS_NOTE, lost_len) == 0)
			json_string(w, NULL, plan->notes[i] + lost_len);
	json_end_array(w);
}

void
plan_json(JsonWriter *w, const char *key, const Plan *plan)
{
	json_begin_object(w, key);
	json_int(w, "plan_format", plan->format);
	json_string(w, "tool_version", plan->tool_version);
	json_string(w, "created", plan->created);
	json_string(w, "method", method_name(plan->method));
	json_string(w, "cim", cim_name(plan->cim));
	json_string(w, "target", plan->target);
	json_string(w, "donor", plan->donor);
	json_string(w, "old_coordinator", plan->old_coordinator);
	json_string(w, "coordinator_at", plan->coordinator_at);
	json_string(w, "first_node", plan->first);
	json_string(w, "dbname", plan->dbname);
	json_string(w, "user", plan->user);
	json_strings(w, "maps", plan->maps, plan->nmaps);
	json_begin_array(w, "nodes");
	for (int i = 0; i < plan->nnodes; i++)
	{
		json_begin_object(w, NULL);
		json_string(w, "node", plan->nodes[i].label);
		json_string(w, "host", plan->nodes[i].host);
		json_int(w, "port", plan->nodes[i].port);
		json_int(w, "groupid", plan->nodes[i].groupid);
		json_string(w, "fingerprint", plan->nodes[i].fingerprint);
		json_end_object(w);
	}
	json_end_array(w);
	json_checks(w, plan);
	json_begin_array(w, "steps");
	for (int i = 0; i < plan->nsteps; i++)
		json_step(w, &plan->steps[i]);
	json_end_array(w);
	json_notes(w, plan);
	json_strings(w, "ledger", plan->ledger, plan->nledger);
	json_end_object(w);
}

void
plan_json_document(StrBuf *out, const Plan *plan, int exit_code, const char *plan_file)
{
	JsonWriter	w;

	json_init(&w, out);
	json_begin_object(&w, NULL);
	json_int(&w, "format", JSON_FORMAT);
	json_string(&w, "tool_version", PACKAGE_VERSION);
	json_int(&w, "exit_code", exit_code);
	json_string(&w, "outcome", exit_code == EXIT_CODE_OK ? "planned" : "pre-flight failed");
	json_string(&w, "plan_file", plan_file);
	json_null(&w, "error");
	plan_json(&w, "plan", plan);
	json_end_object(&w);
}
