#include "config.h"

#include "wizard_backend.h"
#include "ledger.h"
#include "catalog.h"
#include "clock.h"
#include "apply.h"
#include "discover.h"
#include "engine.h"
#include "events.h"
#include "exitcodes.h"
#include "plan.h"
#include "planfile.h"
#include "report.h"
#include "compat.h"
#include "strbuf.h"
#include "runlog.h"
#include "verify_record.h"
#include "workdir.h"

#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A node discovery is waiting for, and when it started */
typedef struct Pending
{
	char	   *label;
	int64_t		started_ms;
	enum
	{
		PENDING_WAITING,
		PENDING_ANSWERED,
		PENDING_FAILED
	}			state;
	char	   *error;
} Pending;

struct WizBackend
{
	pthread_t	thread;
	bool		thread_started;
	pthread_mutex_t lock;
	WizJob		job;
	bool		done;
	int			exit_code;
	int			apply_code;		/* of the last apply that finished; -1: none */
	int			verify_code;	/* of the last verify that finished; -1: none */

	ConnOptions base;			/* from the command line */
	ConnOptions conn;			/* base with the connect screen's fields */
	ClusterSnapshot snap;
	bool		have_snapshot;
	bool		simulation;		/* the last snapshot found the stand-in; read under lock */
	Pending    *pending;
	int			npending;
	int			timeout_ms;

	WizChoices	choices;
	Plan		plan;
	bool		have_plan;
	char	   *workdir;		/* absolute; changed only on the screens' thread */
	char	   *workdir_used;	/* as apply opened it, taken over once its job is joined */
	bool		move_shard;		/* verify moves a shard of its scratch table too */

	CompareModel *compare;		/* what the compare screen shows, from the last discovery */
	WizLines	catalog_lines;	/* the catalogs' agreement and differing rows, from it too */
	WizLines	log;			/* events of apply or verify not taken yet */
	WizProgress progress;		/* of the last apply; under lock */
	int64_t		run_ended_ms;
	EventSink	sink;
};

static void
lines_add(WizLines *lines, WizMark mark, const char *fmt,...) __attribute__((format(printf, 3, 4)));

static void
lines_add(WizLines *lines, WizMark mark, const char *fmt,...)
{
	va_list		ap;

	lines->lines = xrealloc(lines->lines, sizeof(WizLine) * (size_t) (lines->count + 1));
	va_start(ap, fmt);
	lines->lines[lines->count].text = xvasprintf(fmt, ap);
	va_end(ap);
	lines->lines[lines->count].mark = mark;
	lines->count++;
}

void
wiz_lines_free(WizLines *lines)
{
	for (int i = 0; i < lines->count; i++)
		free(lines->lines[i].text);
	free(lines->lines);
	lines->lines = NULL;
	lines->count = 0;
}

static WizMark
check_mark(CheckStatus status)
{
	return status == CHECK_PASS ? MARK_GOOD : status == CHECK_WARN ? MARK_WARNING : MARK_BAD;
}

WizMark
wiz_event_mark(const Event *event)
{
	switch (event->kind)
	{
		case EVENT_NODE:
			return event->answered ? MARK_GOOD : MARK_BAD;
		case EVENT_CHECK:
			return check_mark(event->status);
		case EVENT_STEP:
			switch (event->state)
			{
				case STEP_FAILED:
				case STEP_ROLLED_BACK:
					return MARK_BAD;
				default:
					return MARK_GOOD;
			}
		case EVENT_DECISION:
			return MARK_WARNING;
		case EVENT_NOTE:
			return event->level == NOTE_GOOD ? MARK_GOOD :
				event->level == NOTE_WARNING ? MARK_WARNING :
				event->level == NOTE_ERROR ? MARK_BAD : MARK_PLAIN;
	}
	return MARK_PLAIN;
}

void
wiz_progress_follow(WizProgress *p, const Event *event, int64_t now_ms)
{
	if (event->kind != EVENT_STEP)
		return;
	p->nsteps = event->nsteps;
	switch (event->state)
	{
		case STEP_STARTED:
			p->under_way = event->step;
			p->began = true;
			p->step_started_ms = now_ms;
			break;
		case STEP_DONE:
		case STEP_ALREADY_DONE:
		case STEP_COMMITTED:
			if (event->step > p->finished)
				p->finished = event->step;
			/* an all-nodes group's commits finish steps behind the one prepared last */
			if (p->under_way <= event->step)
			{
				p->under_way = event->step < p->nsteps ? event->step + 1 : 0;
				p->began = false;
				p->step_started_ms = now_ms;
			}
			break;
		default:
			break;
	}
}

/* The wizard's sink: events become marked lines, taken by the screen's tick. */
static void
queue_event(const Event *event, void *arg)
{
	WizBackend *b = arg;

	pthread_mutex_lock(&b->lock);
	wiz_progress_follow(&b->progress, event, monotonic_ms());
	if (event->text)
		lines_add(&b->log, wiz_event_mark(event), "%s", event->text);
	pthread_mutex_unlock(&b->lock);
	/* the screen is no text to copy: run.log keeps the events it draws */
	if (event->text)
		runlog_line("%s", event->text);
}

WizBackend *
wiz_backend_new(const ConnOptions *options)
{
	WizBackend *b = xcalloc(1, sizeof(WizBackend));

	pthread_mutex_init(&b->lock, NULL);
	b->apply_code = -1;
	b->verify_code = -1;
	connopts_copy(&b->base, options);
	connopts_init(&b->conn);
	plan_init(&b->plan);
	b->sink.emit = queue_event;
	b->sink.arg = b;
	return b;
}

static void
join(WizBackend *b)
{
	if (b->thread_started)
		pthread_join(b->thread, NULL);
	b->thread_started = false;
	if (b->workdir_used)
	{
		free(b->workdir);
		b->workdir = b->workdir_used;
		b->workdir_used = NULL;
	}
}

static void
clear_pending(WizBackend *b)
{
	for (int i = 0; i < b->npending; i++)
	{
		free(b->pending[i].label);
		free(b->pending[i].error);
	}
	free(b->pending);
	b->pending = NULL;
	b->npending = 0;
}

void
wiz_backend_stop(WizBackend *b)
{
	apply_stop_requested = 1;
	join(b);
}

void
wiz_backend_free(WizBackend *b)
{
	if (b == NULL)
		return;
	wiz_backend_stop(b);
	if (b->have_snapshot)
		snapshot_free(&b->snap);
	plan_free(&b->plan);
	connopts_free(&b->conn);
	connopts_free(&b->base);
	clear_pending(b);
	compare_model_free(b->compare);
	wiz_lines_free(&b->catalog_lines);
	wiz_lines_free(&b->log);
	free(b->workdir);
	free(b->workdir_used);
	pthread_mutex_destroy(&b->lock);
	free(b);
}

WizJob
wiz_job(WizBackend *b)
{
	return b->job;
}

bool
wiz_job_done(WizBackend *b)
{
	bool		done;

	pthread_mutex_lock(&b->lock);
	done = b->done;
	pthread_mutex_unlock(&b->lock);
	if (done)
		join(b);
	return done;
}

int
wiz_job_exit_code(WizBackend *b)
{
	return b->exit_code;
}

static void
start(WizBackend *b, WizJob job, void *(*run) (void *))
{
	join(b);
	b->job = job;
	b->done = false;
	b->exit_code = 0;
	b->thread_started = pthread_create(&b->thread, NULL, run, b) == 0;
	if (!b->thread_started)
	{
		b->done = true;
		b->exit_code = EXIT_CODE_INTERNAL;
	}
}

static void
finish(WizBackend *b, int code)
{
	pthread_mutex_lock(&b->lock);
	b->exit_code = code;
	b->done = true;
	if (b->job == WIZ_JOB_APPLY)
	{
		b->progress.running = false;
		b->run_ended_ms = monotonic_ms();
		b->apply_code = code;
		b->verify_code = -1;	/* a verify before this apply proves nothing of it */
	}
	else if (b->job == WIZ_JOB_VERIFY)
		b->verify_code = code;
	pthread_mutex_unlock(&b->lock);
}

/* As recover ends: verify's code once it ran; else apply's, where apply stopped */
int
wiz_exit_code(WizBackend *b)
{
	int			code;

	pthread_mutex_lock(&b->lock);
	if (b->verify_code >= 0)
		code = b->verify_code;
	else if (b->apply_code < 0)
		code = EXIT_CODE_ABORTED;
	else if (b->apply_code != EXIT_CODE_OK)
		code = b->apply_code;
	else
		code = EXIT_CODE_PARTIAL;	/* every step done, not verified: run again to verify */
	pthread_mutex_unlock(&b->lock);
	return code;
}

bool
wiz_recovery_verified(WizBackend *b)
{
	bool		verified;

	pthread_mutex_lock(&b->lock);
	verified = b->done && b->verify_code == EXIT_CODE_OK;
	pthread_mutex_unlock(&b->lock);
	return verified;
}

/* ---- discovery ---------------------------------------------------------- */

/* The screens draw the title while a job rewrites the snapshot: they read this copy */
static void
note_simulation(WizBackend *b)
{
	int			read;
	bool		simulation = snapshot_standin_nodes(&b->snap, &read) > 0;

	pthread_mutex_lock(&b->lock);
	b->simulation = simulation;
	pthread_mutex_unlock(&b->lock);
}

bool
wiz_simulation(WizBackend *b)
{
	bool		simulation;

	pthread_mutex_lock(&b->lock);
	simulation = b->simulation;
	pthread_mutex_unlock(&b->lock);
	return simulation;
}

static void
on_nodes(const ClusterSnapshot *snap, void *arg)
{
	WizBackend *b = arg;
	int64_t		now = monotonic_ms();

	pthread_mutex_lock(&b->lock);
	clear_pending(b);
	b->pending = xcalloc((size_t) snap->nnodes, sizeof(Pending));
	for (int i = 0; i < snap->nnodes; i++)
	{
		const NodeReport *node = &snap->nodes[i];

		b->pending[i].label = node->label ? xstrdup(node->label) :
			format_host_port(node->meta.nodename, node->meta.nodeport);
		b->pending[i].started_ms = now;
		b->pending[i].state = node->is_first ? PENDING_ANSWERED : PENDING_WAITING;
	}
	b->npending = snap->nnodes;
	pthread_mutex_unlock(&b->lock);
}

static void
on_node_event(const Event *event, void *arg)
{
	WizBackend *b = arg;

	pthread_mutex_lock(&b->lock);
	for (int i = 0; i < b->npending; i++)
		if (strcmp(b->pending[i].label, event->node) == 0 && b->pending[i].state == PENDING_WAITING)
		{
			b->pending[i].state = event->answered ? PENDING_ANSWERED : PENDING_FAILED;
			if (event->message)
				b->pending[i].error = xstrdup(event->message);
		}
	pthread_mutex_unlock(&b->lock);
}

/* Catalog agreement and the differing rows */
static WizLines
compare_catalog_lines(const ClusterSnapshot *snap)
{
	WizLines	out = {0};

	for (int c = 0; c < CATALOG_COUNT; c++)
	{
		const CatalogComparison *cmp = &snap->comparisons[c];
		StrBuf		columns;

		strbuf_init(&columns);
		for (int k = 0; k < cmp->columns.count; k++)
			strbuf_printf(&columns, "%s%s", k ? ", " : "", cmp->columns.items[k]);
		lines_add(&out, cmp->agree ? MARK_GOOD : MARK_BAD, "%s: %s on %d nodes (%s)", catalog_name((CatalogId) c),
				  cmp->agree ? "agrees" : "DISAGREES", cmp->compared, columns.data);
		strbuf_free(&columns);
		for (int d = 0; d < cmp->ndiffs; d++)
		{
			const RowDiff *diff = &cmp->diffs[d];

			lines_add(&out, MARK_BAD, "  %s differs from %s:", snap->nodes[diff->node].label,
					  snap->nodes[diff->reference].label);
			for (int r = 0; r < diff->nmissing + diff->nextra; r++)
			{
				bool		missing = r < diff->nmissing;
				char	   *row = labelled_row(missing ? diff->missing[r] : diff->extra[r - diff->nmissing],
											   &cmp->columns);

				lines_add(&out, MARK_BAD, "    %s %s", missing ? "-" : "+", row);
				free(row);
			}
		}
	}
	return out;
}

/*
 * The compare screen's model and its differing rows, made once, so that
 * its keys never walk the snapshot (which a plan replaces under way).
 */
static void
build_compare(WizBackend *b, SessionPool *pool)
{
	PlacementRow *rows = NULL;
	PgError		error = {0};
	int			count = discover_placements(&b->snap, pool, b->conn.timeout_ms, &rows, &error);
	char	   *why = error.message ? xasprintf("The placements could not be read: %s", error.message) : NULL;

	compare_model_free(b->compare);
	b->compare = compare_model_build(&b->snap, rows, count < 0 ? 0 : count, why);
	free(why);
	pgerror_clear(&error);
	wiz_lines_free(&b->catalog_lines);
	b->catalog_lines = compare_catalog_lines(&b->snap);
}

static void *
run_discover(void *arg)
{
	WizBackend *b = arg;
	EventSink	node_events = {on_node_event, b};
	DiscoverHooks hooks = {.node_events = &node_events, .on_nodes = on_nodes, .arg = b};
	SessionPool pool;
	int			code = discover_cluster(&b->conn, &hooks, &b->snap, &pool);

	b->have_snapshot = true;
	if (b->snap.fatal.message == NULL)
	{
		build_compare(b, &pool);
		note_simulation(b);
	}
	session_pool_free(&pool);
	finish(b, code);
	return NULL;
}

const CompareModel *
wiz_compare_model(WizBackend *b)
{
	if (b->job == WIZ_JOB_DISCOVER && !wiz_job_done(b))
		return NULL;
	return b->compare;
}

WizLines
wiz_compare_catalogs(WizBackend *b)
{
	WizLines	out = {0};

	if (b->job == WIZ_JOB_DISCOVER && !wiz_job_done(b))
		return out;
	for (int i = 0; i < b->catalog_lines.count; i++)
		lines_add(&out, b->catalog_lines.lines[i].mark, "%s", b->catalog_lines.lines[i].text);
	return out;
}

static char *
nonempty(const char *s)
{
	return s && s[0] ? xstrdup(s) : NULL;
}

static void
replace(char **field, const char *value)
{
	free(*field);
	*field = nonempty(value);
}

bool
wiz_discover_start(WizBackend *b, const WizConnect *c, char *errbuf, size_t errlen)
{
	int			timeout_ms;

	if (c->timeout[0] && !parse_timeout(c->timeout, &timeout_ms))
	{
		snprintf(errbuf, errlen, "invalid timeout \"%s\": give seconds, at least 0.001 and at most 3600",
				 c->timeout);
		return false;
	}
	join(b);
	if (b->have_snapshot)
		snapshot_free(&b->snap);
	b->have_snapshot = false;
	compare_model_free(b->compare);
	b->compare = NULL;
	wiz_lines_free(&b->catalog_lines);
	connopts_free(&b->conn);
	connopts_copy(&b->conn, &b->base);
	replace(&b->conn.host, c->host);
	replace(&b->conn.port, c->port);
	replace(&b->conn.user, c->user);
	replace(&b->conn.dbname, c->dbname);
	/* a typed password wins; without one, PGPASSWORD and ~/.pgpass still apply */
	if (c->password[0])
		replace(&b->conn.password, c->password);
	if (c->timeout[0])
		b->conn.timeout_ms = timeout_ms;
	b->timeout_ms = b->conn.timeout_ms;
	clear_pending(b);
	start(b, WIZ_JOB_DISCOVER, run_discover);
	return true;
}

static const char *
option_or_env(const char *value, const char *env)
{
	const char *v = value ? value : getenv(env);

	return v ? v : "";
}

void
wiz_connect_prefill(const ConnOptions *options, WizConnect *c)
{
	memset(c, 0, sizeof(*c));
	snprintf(c->host, sizeof(c->host), "%s", option_or_env(options->host, "PGHOST"));
	snprintf(c->port, sizeof(c->port), "%s", option_or_env(options->port, "PGPORT"));
	snprintf(c->user, sizeof(c->user), "%s", option_or_env(options->user, "PGUSER"));
	snprintf(c->dbname, sizeof(c->dbname), "%s", option_or_env(options->dbname, "PGDATABASE"));
	format_timeout(options->timeout_ms, c->timeout, sizeof(c->timeout));
	c->password_mode = options->password_mode;
}

void
wiz_choices_prefill(const PlanChoices *given, WizChoices *choices)
{
	memset(choices, 0, sizeof(*choices));
	choices->method = given->method;
	choices->cim = given->cim;
	snprintf(choices->target, sizeof(choices->target), "%s", given->target ? given->target : "");
	snprintf(choices->donor, sizeof(choices->donor), "%s", given->donor ? given->donor : "");
	choices->full_resync = given->full_resync;
}

WizLines
wiz_discover_progress(WizBackend *b)
{
	WizLines	out = {0};
	int64_t		now = monotonic_ms();

	pthread_mutex_lock(&b->lock);
	if (b->npending == 0)
		lines_add(&out, MARK_PLAIN, "connecting to %s%s%s ...", b->conn.host ? b->conn.host : "(default host)",
				  b->conn.port ? ":" : "", b->conn.port ? b->conn.port : "");
	for (int i = 0; i < b->npending; i++)
	{
		const Pending *p = &b->pending[i];

		if (p->state == PENDING_WAITING)
		{
			int64_t		left = (p->started_ms + b->timeout_ms - now + 999) / 1000;

			lines_add(&out, MARK_WARNING, "%-40s waiting, gives up in %" PRId64 " s", p->label, left > 0 ? left : 0);
		}
		else if (p->state == PENDING_ANSWERED)
			lines_add(&out, MARK_GOOD, "%-40s answered", p->label);
		else
			lines_add(&out, MARK_BAD, "%-40s no answer: %s", p->label, p->error ? p->error : "");
	}
	pthread_mutex_unlock(&b->lock);
	return out;
}

char *
wiz_discover_error(WizBackend *b)
{
	if (!b->have_snapshot || b->snap.fatal.message == NULL)
		return NULL;
	return pgerror_format(&b->snap.fatal);
}

/* A node's line: good when it is as it should be, bad when it blocks a recovery */
static WizMark
status_mark(NodeStatus status)
{
	switch (status)
	{
		case NODE_OK:
		case NODE_OLD_COORDINATOR_GONE:
			return MARK_GOOD;
		case NODE_OLD_COORDINATOR_ANSWERS:
		case NODE_UNREACHABLE:
		case NODE_TIMEOUT:
			return MARK_BAD;
		default:
			return MARK_WARNING;
	}
}

/* What died with the coordinator, a line per item, marked by its fate */
static void
add_ledger_lines(WizLines *out, const ClusterSnapshot *snap)
{
	Ledger		ledger;

	ledger_build(snap, &ledger);
	lines_add(out, MARK_PLAIN, "%s", "");
	lines_add(out, MARK_PLAIN, "What died with the old coordinator (from %d worker%s):",
			  ledger.workers, ledger.workers == 1 ? "" : "s");
	for (int i = 0; i < ledger.count; i++)
	{
		const LedgerEntry *e = &ledger.entries[i];

		lines_add(out, e->fate == LEDGER_REBUILT ? MARK_GOOD : MARK_WARNING, "  %-20s %-20s %s",
				  e->item, ledger_fate_name(e->fate), e->workers_show);
	}
	lines_add(out, MARK_PLAIN, "%s", "  (what to do for each: the plan's header, or citus-rescue discover)");
	ledger_free(&ledger);
}

/*
 * An unsupported or untested version, said before anything else as
 * discover says it, word-wrapped to fit an 80-column screen.
 */
static void
add_version_lines(WizLines *out, const ClusterSnapshot *snap)
{
	char	   *statement;
	VersionSupport support = snapshot_version_support(snap, &statement);
	WizMark		mark = support == VERSION_UNSUPPORTED ? MARK_BAD : MARK_WARNING;
	const char *rest = statement;
	const int	width = 76;

	if (support == VERSION_SUPPORTED)
		return;
	while (*rest)
	{
		int			len = (int) strlen(rest);

		if (len > width)
		{
			len = width;
			while (len > 0 && rest[len] != ' ')
				len--;
			if (len == 0)
				len = width;
		}
		lines_add(out, mark, "%.*s", len, rest);
		rest += len;
		while (*rest == ' ')
			rest++;
	}
	lines_add(out, MARK_PLAIN, "%s", "");
	free(statement);
}

/* Said first, so that a rehearsal on the stand-in is never taken for one on Citus */
static void
add_simulation_lines(WizLines *out, const ClusterSnapshot *snap)
{
	char	   *notice = standin_notice(snap);

	if (notice == NULL)
		return;
	lines_add(out, MARK_WARNING, "%s", notice);
	for (const char *const *line = standin_unmodelled; *line; line++)
		lines_add(out, MARK_PLAIN, "  %s", *line);
	lines_add(out, MARK_PLAIN, "%s", "");
	free(notice);
}

WizLines
wiz_discover_summary(WizBackend *b)
{
	WizLines	out = {0};
	const ClusterSnapshot *snap = &b->snap;

	if (!b->have_snapshot || snap->fatal.message)
		return out;
	add_version_lines(&out, snap);
	add_simulation_lines(&out, snap);
	/* the address last: the other columns fit 80 columns, a long name scrolls sideways */
	lines_add(&out, MARK_PLAIN, "%-6s %-5s %-11s %-5s %-7s %-12s %-10s %s", "NODEID", "GROUP",
			  "STATUS", "PG", "CITUS", "METADATA", "PLACEMENTS", "ADDRESS");
	for (int i = 0; i < snap->nnodes; i++)
	{
		const NodeReport *node = &snap->nodes[i];
		NodeStatus	kind = node_status_of(snap, i);
		const char *status = node_status_name(kind);
		char	   *lib = citus_short_version(node->citus_library_version);
		char		placements[32] = "-";
		WizMark		mark = status_mark(kind);

		if (node->is_citus && node->catalogs[CATALOG_PLACEMENT].digest)
			snprintf(placements, sizeof(placements), "%" PRId64, node->catalogs[CATALOG_PLACEMENT].rows);
		lines_add(&out, mark, "%6d %5d %-11s %-5.*s %-7s %-12s %-10s %s%s",
				  node->meta.nodeid, node->meta.groupid,
				  status, node->server_version ? (int) strcspn(node->server_version, " ") : 1,
				  node->server_version ? node->server_version : "-",
				  lib ? lib : "-", node_metadata_state(node), placements,
				  node->label ? node->label : "?", node->is_first ? "  (first)" : "");
		free(lib);
	}
	lines_add(&out, MARK_PLAIN, "%s", "");
	if (snap->coordinator_alive)
		lines_add(&out, MARK_BAD, "A COORDINATOR STILL ANSWERS: %s", snap->coordinator_alive_why);
	else
		lines_add(&out, MARK_GOOD, "Old coordinator: CIM %s; it does not answer.",
				  snap->cim == CIM_INCLUDE ? "include (in pg_dist_node)" : "exclude (not in pg_dist_node)");
	for (int c = 0; c < CATALOG_COUNT; c++)
		lines_add(&out, snap->comparisons[c].agree ? MARK_GOOD : MARK_BAD, "%-20s %s", catalog_name((CatalogId) c),
				  snap->comparisons[c].agree ? "agrees" : "DISAGREES (see Compare)");
	for (int i = 0; i < snap->nnodes; i++)
		if (!snap->nodes[i].reachable && snap->nodes[i].error.message && i != snap->old_coordinator)
			lines_add(&out, MARK_BAD, "%s: %s", snap->nodes[i].label, snap->nodes[i].error.message);
	add_ledger_lines(&out, snap);
	return out;
}

CimMode
wiz_detected_cim(WizBackend *b)
{
	return b->have_snapshot && b->snap.cim == CIM_INCLUDE ? CIM_INCLUDE : CIM_EXCLUDE;
}

WizLines
wiz_workers(WizBackend *b)
{
	WizLines	out = {0};

	if (!b->have_snapshot)
		return out;
	for (int i = 0; i < b->snap.nnodes; i++)
	{
		const NodeReport *node = &b->snap.nodes[i];

		if (node->in_metadata && node->meta.groupid != 0 && node->reachable &&
			node->meta.hasmetadata && node->meta.metadatasynced)
			lines_add(&out, MARK_PLAIN, "%s:%d", node->meta.nodename, node->meta.nodeport);
	}
	return out;
}

/* ---- plan ------------------------------------------------------------------ */

/* The screens' choices as the planner takes them */
static void
plan_choices_from(const WizChoices *wiz, PlanChoices *choices)
{
	memset(choices, 0, sizeof(*choices));
	choices->method = wiz->method;
	choices->target = xstrdup(wiz->target);
	choices->cim = wiz->cim;
	choices->donor = wiz->method == METHOD_NEW_NODE ? nonempty(wiz->donor) : NULL;
	choices->override_failures = wiz->override_failures;
	choices->accept_lost_shards = wiz->accept_lost_shards;
	choices->full_resync = wiz->full_resync;
	if (wiz->orphans != PREPARED_UNDECIDED)
	{
		choices->prepared = xcalloc(1, sizeof(PreparedChoice));
		choices->prepared[0].gid = xstrdup("all");
		choices->prepared[0].decision = wiz->orphans;
		choices->nprepared = 1;
	}
}

static void *
run_plan(void *arg)
{
	WizBackend *b = arg;
	PlanChoices choices;
	PgError		error = {0};
	int			code;

	plan_free(&b->plan);
	b->have_plan = false;
	if (b->have_snapshot)
		snapshot_free(&b->snap);
	plan_choices_from(&b->choices, &choices);
	code = engine_plan(&b->conn, &choices, NULL, &b->snap, &b->plan, &error);
	b->have_snapshot = code != EXIT_CODE_BAD_USAGE;
	if (b->have_snapshot && b->snap.fatal.message == NULL)
		note_simulation(b);
	if (error.message)
	{
		/* shown where the checks are: what stopped the plan, and what to do */
		plan_add_check(&b->plan, code == EXIT_CODE_BAD_USAGE ? "target" : "first-node", CHECK_FAIL,
					   error.message, error.hint ? error.hint : "Go back and check the connection.");
	}
	b->have_plan = true;
	pgerror_clear(&error);
	plan_choices_free(&choices);
	finish(b, code);
	return NULL;
}

void
wiz_plan_start(WizBackend *b, const WizChoices *choices)
{
	join(b);
	b->choices = *choices;
	start(b, WIZ_JOB_PLAN, run_plan);
}

WizLines
wiz_plan_checks(WizBackend *b)
{
	WizLines	out = {0};

	if (!b->have_plan)
		return out;
	for (int i = 0; i < b->plan.nchecks; i++)
	{
		const PreflightCheck *c = &b->plan.checks[i];

		lines_add(&out, check_mark(c->status),
				  "%-4s %s: %s", check_status_name(c->status), c->name, c->why);
		if (c->fix)
			lines_add(&out, c->status == CHECK_FAIL ? MARK_BAD : MARK_WARNING, "       fix: %s", c->fix);
	}
	for (int i = 0; i < b->plan.nnotes; i++)
		lines_add(&out, MARK_WARNING, "note: %s", b->plan.notes[i]);
	return out;
}

bool
wiz_plan_blocked(WizBackend *b)
{
	return !b->have_plan || !engine_plan_runnable(&b->plan, b->choices.override_failures);
}

bool
wiz_plan_failed(WizBackend *b)
{
	return b->have_plan && plan_has_failures(&b->plan);
}

int
wiz_plan_steps(WizBackend *b)
{
	return b->have_plan ? b->plan.nsteps : 0;
}

int
wiz_plan_lost_shards(WizBackend *b)
{
	if (!b->have_plan || !b->have_snapshot || b->snap.nodes == NULL)
		return 0;
	return b->snap.nodes[b->snap.first].nlost_shards;
}

/* The node a step runs on, by its part in the recovery */
static const char *
step_node_role(const Plan *plan, const PlanStep *s)
{
	bool		target = (plan->coordinator_at && strcmp(s->label, plan->coordinator_at) == 0) ||
		(plan->target && strcmp(s->label, plan->target) == 0);

	if (target)
		return plan->method == METHOD_PROMOTE ? "the worker being promoted" : "the new node";
	if (plan->donor && strcmp(s->label, plan->donor) == 0)
		return "the donor";
	return "a surviving worker";
}

/* "steps 1, 2 and 3": the steps of an atomic group */
static void
append_group_steps(StrBuf *out, const Plan *plan, int group)
{
	int			count = 0;
	int			total = 0;

	for (int i = 0; i < plan->nsteps; i++)
		total += plan->steps[i].txn == STEP_TXN_ATOMIC && plan->steps[i].atomic_group == group;
	strbuf_append(out, total == 1 ? "step" : "steps");
	for (int i = 0; i < plan->nsteps; i++)
	{
		if (plan->steps[i].txn != STEP_TXN_ATOMIC || plan->steps[i].atomic_group != group)
			continue;
		count++;
		strbuf_printf(out, "%s%d", count == 1 ? " " : count == total ? " and " : ", ", plan->steps[i].number);
	}
}

/* How step i commits, in words */
static char *
step_txn_words(const Plan *plan, int i)
{
	const PlanStep *s = &plan->steps[i];
	StrBuf		words;

	if (s->txn == STEP_TXN_LOCAL)
		return xstrdup("one transaction on this node: every statement of the batch commits, or none does.");
	if (s->txn == STEP_TXN_NONE)
		return xstrdup("none: COMMIT PREPARED and ROLLBACK PREPARED run outside a transaction block, and settle"
					   " on their own a transaction that is already prepared.");
	strbuf_init(&words);
	strbuf_printf(&words, "all or nothing, as atomic group %d (", s->atomic_group);
	append_group_steps(&words, plan, s->atomic_group);
	strbuf_append(&words, "): each node prepares its part (PREPARE TRANSACTION), and the parts commit"
				  " (COMMIT PREPARED) only once every one is prepared; a failure before that rolls every part back.");
	if (plan_step_ends_group(plan, i))
		strbuf_append(&words, " This batch ends the group: its last lines commit every part.");
	return strbuf_steal(&words);
}

WizLines
wiz_plan_step(WizBackend *b, int i)
{
	WizLines	out = {0};
	const PlanStep *s;
	char	   *txn;

	if (!b->have_plan || i < 0 || i >= b->plan.nsteps)
		return out;
	s = &b->plan.steps[i];
	txn = step_txn_words(&b->plan, i);
	lines_add(&out, MARK_PLAIN, "Batch %d of %d runs on %s, %s.", s->number, b->plan.nsteps, s->label,
			  step_node_role(&b->plan, s));
	lines_add(&out, MARK_GOOD, "Purpose: %s", s->purpose);
	/* a plan file from an older version has no words: say so rather than show nothing */
	lines_add(&out, MARK_PLAIN, "What it changes: %s", s->changes ? s->changes : "not said (a plan from an older version).");
	lines_add(&out, MARK_PLAIN, "Transaction: %s", txn);
	lines_add(&out, MARK_PLAIN, "How apply confirms it: %s", s->confirms ? s->confirms : "not said (a plan from an older version).");
	lines_add(&out, MARK_PLAIN, "What it locks: %s", s->locks ? s->locks : "not said (a plan from an older version).");
	lines_add(&out, MARK_PLAIN, "Undo: %s", s->undo);
	free(txn);
	return out;
}

char *
wiz_plan_step_check(WizBackend *b, int i)
{
	if (!b->have_plan || i < 0 || i >= b->plan.nsteps)
		return NULL;
	/* a check that never says done is no check: the words say what happens instead */
	if (plan_step_always_runs(&b->plan.steps[i]))
		return NULL;
	return xstrdup(b->plan.steps[i].check_sql);
}

char *
wiz_plan_step_batch(WizBackend *b, int i)
{
	StrBuf		batch;

	if (!b->have_plan || i < 0 || i >= b->plan.nsteps)
		return NULL;
	strbuf_init(&batch);
	planfile_render_batch(&batch, &b->plan, i);
	return strbuf_steal(&batch);
}

bool
wiz_plan_save(WizBackend *b, const char *path, char *errbuf, int errlen)
{
	if (!b->have_plan)
	{
		snprintf(errbuf, (size_t) errlen, "no plan yet");
		return false;
	}
	return planfile_write(path, &b->plan, errbuf, (size_t) errlen);
}

/* ---- apply and verify -------------------------------------------------------- */

static void *
run_apply(void *arg)
{
	WizBackend *b = arg;
	ApplyOptions opts = {0};
	StrBuf		text;
	int			code;

	strbuf_init(&text);
	planfile_render(&text, &b->plan);
	opts.workdir = b->workdir;
	opts.yes = true;
	opts.confirmation = "yes typed in the wizard";
	opts.conn = &b->conn;
	opts.sink = &b->sink;
	opts.errors = &b->sink;
	code = apply_plan(&b->plan, text.data, &opts);
	b->workdir_used = opts.workdir_used;
	event_note(&b->sink, code == EXIT_CODE_OK ? NOTE_GOOD : NOTE_ERROR,
			   "apply finished with exit status %d", code);
	strbuf_free(&text);
	finish(b, code);
	return NULL;
}

/*
 * The default work directory is made here rather than by apply, so that
 * the screen can say where it is while the run is under way; if it cannot
 * be made, apply tries again and says why.
 */
static char *
make_default_workdir(void)
{
	Workdir		wd;
	PgError		error = {0};
	char	   *path = NULL;

	if (workdir_create_default(&wd, &error))
		path = xstrdup(wd.path);
	workdir_close(&wd);
	pgerror_clear(&error);
	return path;
}

void
wiz_apply_start(WizBackend *b, const char *workdir)
{
	char	   *chosen;

	join(b);
	/* workdir may be b->workdir itself, when a stopped run is resumed */
	chosen = workdir ? workdir_absolute(workdir) : make_default_workdir();
	free(b->workdir);
	b->workdir = chosen;
	apply_stop_requested = 0;
	memset(&b->progress, 0, sizeof(b->progress));
	b->progress.running = true;
	b->progress.nsteps = b->have_plan ? b->plan.nsteps : 0;
	b->progress.run_started_ms = b->progress.step_started_ms = monotonic_ms();
	start(b, WIZ_JOB_APPLY, run_apply);
}

WizProgress
wiz_apply_progress(WizBackend *b)
{
	WizProgress p;
	int64_t		now = monotonic_ms();

	pthread_mutex_lock(&b->lock);
	p = b->progress;
	p.run_ms = (p.running ? now : b->run_ended_ms) - p.run_started_ms;
	pthread_mutex_unlock(&b->lock);
	p.step_ms = now - p.step_started_ms;
	/* the plan stays as it is while it runs, and after, until it is made again */
	if (p.under_way >= 1 && p.under_way <= wiz_plan_steps(b))
	{
		p.node = b->plan.steps[p.under_way - 1].label;
		p.purpose = b->plan.steps[p.under_way - 1].purpose;
	}
	return p;
}

void
wiz_catch_signals(void)
{
	apply_catch_signals(true);
}

bool
wiz_stop_signalled(void)
{
	return apply_stop_signal != 0;
}

void
wiz_apply_request_stop(WizBackend *b)
{
	(void) b;
	apply_stop_requested = 1;
}

static void *
run_verify(void *arg)
{
	WizBackend *b = arg;
	VerifyRecorder recorder;
	PgError		error = {0};
	int			code;

	verify_recorder_init(&recorder, &b->sink);
	code = engine_verify_plan(&b->plan, &b->conn, NULL, b->move_shard, &recorder.sink, &b->sink);
	if (b->workdir && !verify_recorder_save(&recorder, b->workdir, code, &error))
		event_note(&b->sink, NOTE_WARNING, "Verify's results are not in the journal: %s", error.message);
	pgerror_clear(&error);
	verify_recorder_free(&recorder);
	event_note(&b->sink, NOTE_INFO, "Work directory: %s (plan.sql, journal.log, backup/, restore.sh)",
			   b->workdir ? b->workdir : "-");
	finish(b, code);
	return NULL;
}

void
wiz_verify_start(WizBackend *b, bool move_shard)
{
	join(b);
	b->move_shard = move_shard;
	start(b, WIZ_JOB_VERIFY, run_verify);
}

WizLines
wiz_take_log(WizBackend *b)
{
	WizLines	out;

	pthread_mutex_lock(&b->lock);
	out = b->log;
	b->log.lines = NULL;
	b->log.count = 0;
	pthread_mutex_unlock(&b->lock);
	return out;
}

const char *
wiz_workdir(WizBackend *b)
{
	return b->workdir;
}

void
wiz_set_workdir(WizBackend *b, const char *workdir)
{
	free(b->workdir);
	b->workdir = workdir ? workdir_absolute(workdir) : NULL;
}
