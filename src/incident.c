#include "config.h"

#include "incident.h"
#include "termsafe.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/*
 * The characters that open or close Markdown syntax inside a line: text
 * never starts one, as its line breaks are escaped, so the markers that
 * only count at a line's start (- + 1.) stay as they are.
 */
#define MD_SPECIAL "\\`*_[]<>|~&#"

void
md_append_text(StrBuf *out, const char *text)
{
	char	   *safe = terminal_safe_dup(text ? text : "");

	for (const char *p = safe; *p; p++)
	{
		if (strchr(MD_SPECIAL, *p))
			strbuf_append_char(out, '\\');
		strbuf_append_char(out, *p);
	}
	free(safe);
}

void
md_append_code(StrBuf *out, const char *info, const char *text)
{
	int			longest = 0;
	int			run = 0;
	int			fence;
	const char *p = text ? text : "";

	for (const char *q = p; *q; q++)
	{
		run = *q == '`' ? run + 1 : 0;
		if (run > longest)
			longest = run;
	}
	fence = longest >= 3 ? longest + 1 : 3;
	for (int i = 0; i < fence; i++)
		strbuf_append_char(out, '`');
	strbuf_printf(out, "%s\n", info);
	/* a line at a time, each made inert: a line break stays one */
	while (*p)
	{
		size_t		len = strcspn(p, "\n");
		char	   *line = xstrndup(p, len);
		char	   *safe = terminal_safe_dup(line);

		strbuf_printf(out, "%s\n", safe);
		free(safe);
		free(line);
		p += len;
		if (*p == '\n')
			p++;
	}
	for (int i = 0; i < fence; i++)
		strbuf_append_char(out, '`');
	strbuf_append(out, "\n\n");
}

long long
journal_time_ms(const char *time)
{
	struct tm	tm;
	int			ms = 0;
	char		zulu = 0;

	memset(&tm, 0, sizeof(tm));
	if (time == NULL ||
		sscanf(time, "%4d-%2d-%2dT%2d:%2d:%2d.%3d%c", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
			   &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &ms, &zulu) != 8 || zulu != 'Z')
		return -1;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	return (long long) timegm(&tm) * 1000 + ms;
}

static void
append_duration(StrBuf *out, long long ms)
{
	if (ms < 0)
		strbuf_append(out, "unknown");
	else if (ms < 10000)
		strbuf_printf(out, "%lld ms", ms);
	else
		strbuf_printf(out, "%lld.%01lld s", ms / 1000, (ms % 1000) / 100);
}

static bool
is_event(const JournalEntry *e, const char *event)
{
	return strcmp(e->event, event) == 0;
}

/* The last record of an event, or NULL */
static const JournalEntry *
last_event(const IncidentInputs *in, const char *event)
{
	for (int i = in->nentries - 1; i >= 0; i--)
		if (is_event(&in->entries[i], event))
			return &in->entries[i];
	return NULL;
}

/* A bullet "- Label: text" with the text escaped */
static void
bullet(StrBuf *out, const char *label, const char *text)
{
	strbuf_printf(out, "- %s: ", label);
	md_append_text(out, text);
	strbuf_append_char(out, '\n');
}

/* How the last run ended, in a word the summary leads with */
static const char *
outcome_of(const IncidentInputs *in)
{
	for (int i = in->nentries - 1; i >= 0; i--)
	{
		const JournalEntry *e = &in->entries[i];

		if (is_event(e, "finished"))
			return "finished: every step done";
		if (is_event(e, "stopped"))
			return "stopped after a partial change: run the same command again to resume";
		if (is_event(e, "refused"))
			return "refused: nothing was changed by the run that was refused";
		if (is_event(e, "new"))
			return "unknown: the last run left no record of how it ended (killed, or still running)";
	}
	return in->has_journal ? "unknown: the journal records no run" : "unknown: there is no journal";
}

/* Verify's outcome from its records, or NULL when none ran */
static char *
verify_summary(const IncidentInputs *in)
{
	const JournalEntry *verified = last_event(in, "verified");

	return verified ? xstrdup(verified->detail) : NULL;
}

static void
render_summary(StrBuf *out, const IncidentInputs *in)
{
	long long	start = in->nentries ? journal_time_ms(in->entries[0].time) : -1;
	long long	end = in->nentries ? journal_time_ms(in->entries[in->nentries - 1].time) : -1;
	char	   *verify = verify_summary(in);
	const JournalEntry *who = last_event(in, "operator");

	strbuf_append(out, "## Summary\n\n");
	bullet(out, "Outcome", outcome_of(in));
	bullet(out, "Started", in->nentries ? in->entries[0].time : "unknown");
	bullet(out, "Ended", in->nentries ? in->entries[in->nentries - 1].time : "unknown");
	strbuf_append(out, "- Duration: ");
	append_duration(out, start >= 0 && end >= start ? end - start : -1);
	strbuf_append_char(out, '\n');
	bullet(out, "Operator", who ? who->detail : "not recorded");
	if (in->plan)
	{
		char	   *how = xasprintf("%s, %s becomes the coordinator, CIM %s, %d steps",
									method_name(in->plan->method), in->plan->target ? in->plan->target : "-",
									cim_name(in->plan->cim), in->plan->nsteps);

		bullet(out, "Recovery", how);
		free(how);
	}
	bullet(out, "Verify", verify ? verify : "no result recorded");
	free(verify);
	strbuf_append_char(out, '\n');
}

static void
render_problems(StrBuf *out, const IncidentInputs *in)
{
	if (in->problems == NULL || in->problems->count == 0)
		return;
	strbuf_append(out, "## Missing or damaged\n\n"
				  "What follows leaves out what these files would have said.\n\n");
	for (int i = 0; i < in->problems->count; i++)
	{
		strbuf_append(out, "- ");
		md_append_text(out, in->problems->items[i]);
		strbuf_append_char(out, '\n');
	}
	strbuf_append_char(out, '\n');
}

/* A table row of cells, each escaped */
static void
table_row(StrBuf *out, int ncells, const char *const *cells)
{
	strbuf_append(out, "|");
	for (int i = 0; i < ncells; i++)
	{
		strbuf_append_char(out, ' ');
		md_append_text(out, cells[i]);
		strbuf_append(out, " |");
	}
	strbuf_append_char(out, '\n');
}

/* The nodes as the first run found them, else as the plan lists them */
static void
render_nodes(StrBuf *out, const IncidentInputs *in)
{
	int			found = 0;

	strbuf_append(out, "### Nodes\n\n");
	for (int i = 0; i < in->nentries; i++)
	{
		const JournalEntry *e = &in->entries[i];

		if (is_event(e, "found"))
		{
			const char *cells[3] = {e->node, e->detail, e->time};

			if (found++ == 0)
				strbuf_append(out, "| Node | What it was | Seen at |\n|---|---|---|\n");
			table_row(out, 3, cells);
		}
		else if (found > 0 && is_event(e, "new"))
			break;
	}
	if (found == 0 && in->plan && in->plan->nnodes > 0)
	{
		strbuf_append(out, "The journal records no look at the nodes; the plan lists:\n\n"
					  "| Node | Group | Fingerprint |\n|---|---|---|\n");
		for (int i = 0; i < in->plan->nnodes; i++)
		{
			const PlanNode *n = &in->plan->nodes[i];
			char		group[16];
			const char *cells[3] = {n->label, group, n->fingerprint};

			snprintf(group, sizeof(group), "%d", n->groupid);
			table_row(out, 3, cells);
		}
	}
	else if (found == 0)
		strbuf_append(out, "Not recorded.\n");
	strbuf_append_char(out, '\n');
}

static void
render_found(StrBuf *out, const IncidentInputs *in)
{
	const Plan *plan = in->plan;

	strbuf_append(out, "## What was found\n\n");
	render_nodes(out, in);
	if (plan == NULL)
		return;
	strbuf_append(out, "### Pre-flight checks (disagreements, versions, reachability)\n\n"
				  "| Status | Check | Finding |\n|---|---|---|\n");
	for (int i = 0; i < plan->nchecks; i++)
	{
		const PreflightCheck *c = &plan->checks[i];
		const char *cells[3] = {check_status_name(c->status), c->name, c->why};

		table_row(out, 3, cells);
	}
	strbuf_append(out, "\n### What died with the coordinator\n\n");
	if (plan->nledger == 0)
		strbuf_append(out, "Nothing the plan recorded.\n");
	for (int i = 0; i < plan->nledger; i++)
		bullet(out, "Lost", plan->ledger[i]);
	if (plan->accepted_lost_shards > 0)
		strbuf_printf(out, "- Shards recreated empty, their rows lost: %d\n", plan->accepted_lost_shards);
	if (plan->nnotes > 0)
		strbuf_append(out, "\n### Notes of the plan\n\n");
	for (int i = 0; i < plan->nnotes; i++)
		bullet(out, "Note", plan->notes[i]);
	strbuf_append_char(out, '\n');
}

static void
render_choices(StrBuf *out, const IncidentInputs *in)
{
	const Plan *plan = in->plan;

	strbuf_append(out, "## Choices and who made them\n\n");
	if (plan)
	{
		bullet(out, "Method", method_name(plan->method));
		bullet(out, "New coordinator", plan->target ? plan->target : "-");
		if (plan->donor)
			bullet(out, "Donor of the metadata", plan->donor);
		bullet(out, "Coordinator in metadata (CIM)", cim_name(plan->cim));
		bullet(out, "Discovery started from", plan->first ? plan->first : "-");
		if (plan->old_coordinator)
			bullet(out, "Old coordinator checked at", plan->old_coordinator);
		bullet(out, "Plan made", plan->created ? plan->created : "-");
		bullet(out, "Plan made by citus-rescue", plan->tool_version ? plan->tool_version : "-");
		strbuf_append_char(out, '\n');
	}
	if (in->runlog_headers && in->runlog_headers->count > 0)
	{
		strbuf_append(out, "Each run's command line and operator, as run.log has them:\n\n");
		for (int i = 0; i < in->runlog_headers->count; i++)
		{
			strbuf_append(out, "- ");
			md_append_text(out, in->runlog_headers->items[i]);
			strbuf_append_char(out, '\n');
		}
		strbuf_append_char(out, '\n');
	}
	strbuf_append(out, "| Time | Who or what | Record |\n|---|---|---|\n");
	for (int i = 0; i < in->nentries; i++)
	{
		const JournalEntry *e = &in->entries[i];
		const char *kind = is_event(e, "operator") ? "run started by" :
			is_event(e, "typed") ? "decision" : NULL;
		const char *cells[3] = {e->time, kind, e->detail};

		if (kind)
			table_row(out, 3, cells);
	}
	strbuf_append_char(out, '\n');
}

/* What the journal says of one step: its last run's outcome and span */
typedef struct StepRecord
{
	const char *outcome;
	const char *first_time;
	const char *last_time;
	const char *error;
	int			run;
} StepRecord;

static const char *
step_outcome_word(const JournalEntry *e)
{
	if (is_event(e, "done"))
		return "done";
	if (is_event(e, "skipped"))
		return "already done, skipped";
	if (is_event(e, "rolled-back"))
		return "rolled back";
	if (is_event(e, "error"))
		return "failed";
	if (is_event(e, "prepared"))
		return "prepared, no commit recorded";
	return NULL;
}

static StepRecord
step_record(const IncidentInputs *in, int number)
{
	StepRecord	r = {.outcome = NULL, .run = -1};
	int			run = 0;

	for (int i = 0; i < in->nentries; i++)
	{
		const JournalEntry *e = &in->entries[i];
		const char *word;

		if (is_event(e, "new"))
			run++;
		if (e->step != number || e->node[0] == '\0' || is_event(e, "typed"))
			continue;
		/* a later run that touches the step tells its story anew */
		if (r.run != run)
			r = (StepRecord) {.first_time = e->time, .run = run};
		r.last_time = e->time;
		if ((word = step_outcome_word(e)) != NULL)
			r.outcome = word;
		if (is_event(e, "error"))
			r.error = e->detail;
	}
	return r;
}

static void
render_step(StrBuf *out, const IncidentInputs *in, const PlanStep *s)
{
	StepRecord	r = step_record(in, s->number);
	long long	from = journal_time_ms(r.first_time);
	long long	to = journal_time_ms(r.last_time);

	strbuf_printf(out, "### Step %d: ", s->number);
	md_append_text(out, s->purpose);
	strbuf_append(out, "\n\n");
	bullet(out, "Node", s->label);
	bullet(out, "Transaction", txn_name(s->txn));
	bullet(out, "Outcome", r.outcome ? r.outcome : (r.first_time ? "started, no outcome recorded" : "not run"));
	if (r.first_time)
	{
		bullet(out, "Started", r.first_time);
		strbuf_append(out, "- Duration: ");
		append_duration(out, from >= 0 && to >= from ? to - from : -1);
		strbuf_append_char(out, '\n');
	}
	if (r.error)
		bullet(out, "Error", r.error);
	if (s->undo)
		bullet(out, "Undo", s->undo);
	strbuf_append_char(out, '\n');
	md_append_code(out, "sql", s->sql);
}

static void
render_steps(StrBuf *out, const IncidentInputs *in)
{
	strbuf_append(out, "## Steps\n\n");
	if (in->plan == NULL)
	{
		strbuf_append(out, "No plan: the steps the journal records follow.\n\n"
					  "| Time | Step | Node | Event | Detail |\n|---|---|---|---|---|\n");
		for (int i = 0; i < in->nentries; i++)
		{
			const JournalEntry *e = &in->entries[i];
			char		step[16];
			const char *cells[5] = {e->time, step, e->node, e->event, e->detail};

			snprintf(step, sizeof(step), "%d", e->step);
			if (e->step > 0)
				table_row(out, 5, cells);
		}
		strbuf_append_char(out, '\n');
		return;
	}
	for (int i = 0; i < in->plan->nsteps; i++)
		render_step(out, in, &in->plan->steps[i]);
}

/* Rows of the journal records of the given events */
static int
render_events(StrBuf *out, const IncidentInputs *in, const char *const *events, const char *header)
{
	int			rows = 0;

	for (int i = 0; i < in->nentries; i++)
		for (const char *const *ev = events; *ev; ev++)
			if (is_event(&in->entries[i], *ev))
			{
				const JournalEntry *e = &in->entries[i];
				char		step[16];
				const char *cells[4] = {e->time, step, e->node[0] ? e->node : "-", e->detail};

				snprintf(step, sizeof(step), "%d", e->step);
				if (rows++ == 0)
					strbuf_append(out, header);
				table_row(out, 4, cells);
			}
	strbuf_append(out, rows ? "\n" : "None recorded.\n\n");
	return rows;
}

static void
render_prepared(StrBuf *out, const IncidentInputs *in)
{
	static const char *const events[] = {"decision", "prepared", "rolled-back", NULL};

	int			decided = 0;

	strbuf_append(out, "## Prepared transactions\n\n"
				  "Left by the dead coordinator, decided by the operator (each is also a step above):\n\n");
	for (int i = 0; i < in->nentries; i++)
	{
		const JournalEntry *e = &in->entries[i];
		const char *cells[3] = {e->time, e->node, e->detail};

		if (!is_event(e, "typed") || e->step == 0)
			continue;
		if (decided++ == 0)
			strbuf_append(out, "| Time | Node | Decision |\n|---|---|---|\n");
		table_row(out, 3, cells);
	}
	strbuf_append(out, decided ? "\n" : "None recorded.\n\n");
	strbuf_append(out, "The tool's own all-nodes steps, prepared on each node, then committed or rolled back:\n\n");
	render_events(out, in, events, "| Time | Step | Node | Record |\n|---|---|---|---|\n");
}

static void
render_verify(StrBuf *out, const IncidentInputs *in)
{
	static const char *const events[] = {"verify-check", "verified", NULL};

	strbuf_append(out, "## Verify\n\n");
	render_events(out, in, events, "| Time | Check | Node | Result |\n|---|---|---|---|\n");
}

static void
render_gates(StrBuf *out, const IncidentInputs *in)
{
	static const char *const events[] = {"new", "gate", "backed-up", "stepping", "journal-repaired",
	"finished", "stopped", "refused", NULL};

	strbuf_append(out, "## Runs and gates\n\n");
	render_events(out, in, events, "| Time | Step | Node | Record |\n|---|---|---|---|\n");
}

static void
render_undo(StrBuf *out, const IncidentInputs *in)
{
	char	   *script = xasprintf("%s/restore.sh", in->workdir);

	strbuf_append(out, "## How to undo\n\n");
	if (in->has_restore)
	{
		bullet(out, "Script", script);
		strbuf_append(out, "- It puts every node's Citus catalogs, id sequences and local group back as"
					  " they were before the first change, running each node's restore.sql with psql."
					  " Run it only to abandon the recovery. It does not undo the citus extension or"
					  " tables made on a new node, rows written by prepared transactions committed as"
					  " decided, or rows lost with shards recreated empty.\n");
	}
	else
		strbuf_append(out, "- There is no restore.sh: the run stopped before its backup was taken,"
					  " so nothing was changed by it.\n");
	if (in->backup_check)
		bullet(out, in->backup_ok ? "Backup checked" : "Backup damaged", in->backup_check);
	strbuf_append_char(out, '\n');
	if (in->manifest)
	{
		strbuf_append(out, "Backup manifest (CRC-32, size, file):\n\n");
		md_append_code(out, "", in->manifest);
	}
	free(script);
}

static void
render_runlog(StrBuf *out, const IncidentInputs *in)
{
	char	   *path = xasprintf("%s/run.log", in->workdir);

	strbuf_append(out, "## Output of the runs\n\n");
	if (in->runlog_lines < 0)
		strbuf_append(out, "There is no run.log.\n");
	else
	{
		char	   *lines = xasprintf("%d lines, from %s to %s", in->runlog_lines,
									  in->runlog_first ? in->runlog_first : "-",
									  in->runlog_last ? in->runlog_last : "-");

		bullet(out, "Log", path);
		bullet(out, "Holds", lines);
		free(lines);
	}
	free(path);
}

bool
incident_usable(const IncidentInputs *in)
{
	return in->plan != NULL || in->nentries > 0 || in->manifest != NULL;
}

void
incident_render(StrBuf *out, const IncidentInputs *in)
{
	strbuf_append(out, "# Incident report: Citus coordinator recovery\n\n");
	strbuf_append(out, "Work directory: ");
	md_append_text(out, in->workdir);
	strbuf_append(out, "  \nReport written: ");
	md_append_text(out, in->generated);
	strbuf_append(out, "\n\n");
	render_summary(out, in);
	render_problems(out, in);
	render_found(out, in);
	render_choices(out, in);
	render_steps(out, in);
	render_prepared(out, in);
	render_verify(out, in);
	render_undo(out, in);
	render_gates(out, in);
	render_runlog(out, in);
}
