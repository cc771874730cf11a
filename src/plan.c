#include "config.h"

#include "plan.h"
#include "hostport.h"
#include "strbuf.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

const char *
method_name(PlanMethod method)
{
	return method == METHOD_PROMOTE ? "promote" : "new-node";
}

const char *
cim_name(CimMode cim)
{
	switch (cim)
	{
		case CIM_INCLUDE:
			return "include";
		case CIM_EXCLUDE:
			return "exclude";
		default:
			return "unknown";
	}
}

const char *
txn_name(StepTxn txn)
{
	switch (txn)
	{
		case STEP_TXN_ATOMIC:
			return "atomic";
		case STEP_TXN_NONE:
			return "none";
		default:
			return "local";
	}
}

void
plan_init(Plan *plan)
{
	memset(plan, 0, sizeof(*plan));
	plan->format = PLAN_FORMAT;
}

void
plan_free(Plan *plan)
{
	free(plan->tool_version);
	free(plan->created);
	free(plan->target);
	free(plan->donor);
	free(plan->old_coordinator);
	free(plan->coordinator_at);
	free(plan->first);
	free(plan->dbname);
	free(plan->user);
	for (int i = 0; i < plan->nmaps; i++)
		free(plan->maps[i]);
	free(plan->maps);
	for (int i = 0; i < plan->nnodes; i++)
	{
		free(plan->nodes[i].label);
		free(plan->nodes[i].host);
		free(plan->nodes[i].fingerprint);
	}
	free(plan->nodes);
	for (int i = 0; i < plan->nchecks; i++)
	{
		free(plan->checks[i].name);
		free(plan->checks[i].why);
		free(plan->checks[i].fix);
	}
	free(plan->checks);
	for (int i = 0; i < plan->nsteps; i++)
	{
		PlanStep   *s = &plan->steps[i];

		free(s->host);
		free(s->label);
		free(s->purpose);
		free(s->changes);
		free(s->sql);
		free(s->check_sql);
		free(s->confirms);
		free(s->locks);
		free(s->undo);
	}
	free(plan->steps);
	for (int i = 0; i < plan->nnotes; i++)
		free(plan->notes[i]);
	free(plan->notes);
	for (int i = 0; i < plan->nledger; i++)
		free(plan->ledger[i]);
	free(plan->ledger);
	memset(plan, 0, sizeof(*plan));
}

void
plan_choices_free(PlanChoices *choices)
{
	free(choices->target);
	free(choices->donor);
	for (int i = 0; i < choices->nprepared; i++)
		free(choices->prepared[i].gid);
	free(choices->prepared);
	memset(choices, 0, sizeof(*choices));
}

PlanStep *
plan_add_step(Plan *plan, const char *host, int port, const char *purpose)
{
	PlanStep   *step;

	plan->steps = xrealloc(plan->steps, sizeof(PlanStep) * (size_t) (plan->nsteps + 1));
	step = &plan->steps[plan->nsteps];
	memset(step, 0, sizeof(*step));
	step->number = ++plan->nsteps;
	step->host = xstrdup(host);
	step->port = port;
	step->label = format_host_port(host, port);
	step->purpose = xstrdup(purpose);
	step->txn = STEP_TXN_LOCAL;
	return step;
}

bool
plan_step_ends_group(const Plan *plan, int i)
{
	const PlanStep *s = &plan->steps[i];

	return s->txn == STEP_TXN_ATOMIC &&
		(i + 1 == plan->nsteps || plan->steps[i + 1].txn != STEP_TXN_ATOMIC ||
		 plan->steps[i + 1].atomic_group != s->atomic_group);
}

bool
plan_step_always_runs(const PlanStep *step)
{
	return step->check_sql && strcmp(step->check_sql, PLAN_CHECK_NEVER_DONE) == 0;
}

void
plan_add_note(Plan *plan, const char *fmt,...)
{
	va_list		ap;

	plan->notes = xrealloc(plan->notes, sizeof(char *) * (size_t) (plan->nnotes + 1));
	va_start(ap, fmt);
	plan->notes[plan->nnotes++] = xvasprintf(fmt, ap);
	va_end(ap);
}

void
plan_add_ledger_line(Plan *plan, const char *line)
{
	plan->ledger = xrealloc(plan->ledger, sizeof(char *) * (size_t) (plan->nledger + 1));
	plan->ledger[plan->nledger++] = xstrdup(line);
}

void
plan_add_check(Plan *plan, const char *name, CheckStatus status,
			   const char *why, const char *fix)
{
	PreflightCheck *c;

	plan->checks = xrealloc(plan->checks, sizeof(PreflightCheck) * (size_t) (plan->nchecks + 1));
	c = &plan->checks[plan->nchecks++];
	c->name = xstrdup(name);
	c->status = status;
	c->why = xstrdup(why);
	c->fix = xstrdup_or_null(fix);
}

bool
plan_has_failures(const Plan *plan)
{
	for (int i = 0; i < plan->nchecks; i++)
		if (plan->checks[i].status == CHECK_FAIL)
			return true;
	return false;
}

char *
node_fingerprint(const NodeReport *node)
{
	StrBuf		buf;

	strbuf_init(&buf);
	strbuf_printf(&buf, "lg=%d", node->local_group);
	for (int c = 0; c < CATALOG_COUNT; c++)
		strbuf_printf(&buf, ";%s=%s", catalog_name((CatalogId) c),
					  node->catalogs[c].digest ? node->catalogs[c].digest : "-");
	return strbuf_steal(&buf);
}

bool
plan_syncs_metadata(const Plan *plan)
{
	for (int i = 0; i < plan->nsteps; i++)
		if (plan->steps[i].sql && strstr(plan->steps[i].sql, "start_metadata_sync_to_all_nodes"))
			return true;
	return false;
}
