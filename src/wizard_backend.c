#include "config.h"

#include "wizard_backend.h"
#include "catalog.h"
#include "apply.h"
#include "discover.h"
#include "exitcodes.h"
#include "journal.h"
#include "plan.h"
#include "planfile.h"
#include "planner.h"
#include "report.h"
#include "strbuf.h"
#include "verify.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* A node discovery is waiting for, and when it started */
typedef struct Pending
{
	char	   *label;
	int64_t		started_ms;
	int			state;			/* 0 waiting, 1 answered, 2 failed */
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

	ConnOptions conn;
	ClusterSnapshot snap;
	bool		have_snapshot;
	Pending    *pending;
	int			npending;
	int			timeout_ms;

	WizChoices	choices;
	Plan		plan;
	bool		have_plan;
	char	   *workdir;

	WizLines	placements;		/* the first node's, marked where nodes differ */
	int			log_read_fd;
	FILE	   *log_write;
	StrBuf		log_partial;
};

static void
lines_add(WizLines *lines, int mark, const char *fmt,...) __attribute__((format(printf, 3, 4)));

static void
lines_add(WizLines *lines, int mark, const char *fmt,...)
{
	StrBuf		buf;
	va_list		ap;

	strbuf_init(&buf);
	va_start(ap, fmt);
	strbuf_vprintf(&buf, fmt, ap);
	va_end(ap);
	lines->lines = xrealloc(lines->lines, sizeof(WizLine) * (size_t) (lines->count + 1));
	lines->lines[lines->count].text = strbuf_steal(&buf);
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

WizBackend *
wiz_backend_new(void)
{
	WizBackend *b = xcalloc(1, sizeof(WizBackend));

	pthread_mutex_init(&b->lock, NULL);
	connopts_init(&b->conn);
	plan_init(&b->plan);
	b->log_read_fd = -1;
	strbuf_init(&b->log_partial);
	return b;
}

static void
join(WizBackend *b)
{
	if (b->thread_started)
		pthread_join(b->thread, NULL);
	b->thread_started = false;
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

static void
close_log(WizBackend *b)
{
	if (b->log_read_fd >= 0)
		close(b->log_read_fd);
	b->log_read_fd = -1;
	strbuf_reset(&b->log_partial);
}

void
wiz_backend_free(WizBackend *b)
{
	if (b == NULL)
		return;
	apply_stop_requested = 1;
	join(b);
	if (b->have_snapshot)
		snapshot_free(&b->snap);
	plan_free(&b->plan);
	connopts_free(&b->conn);
	clear_pending(b);
	close_log(b);
	wiz_lines_free(&b->placements);
	strbuf_free(&b->log_partial);
	free(b->workdir);
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
	pthread_mutex_unlock(&b->lock);
}

/* ---- discovery ---------------------------------------------------------- */

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

		b->pending[i].label = node->pg.label ? xstrdup(node->pg.label) :
			xasprintf("%s:%d", node->meta.nodename, node->meta.nodeport);
		b->pending[i].started_ms = now;
		b->pending[i].state = node->is_first ? 1 : 0;
	}
	b->npending = snap->nnodes;
	pthread_mutex_unlock(&b->lock);
}

static void
on_event(PgNode *node, void *arg)
{
	WizBackend *b = arg;

	pthread_mutex_lock(&b->lock);
	for (int i = 0; i < b->npending; i++)
		if (strcmp(b->pending[i].label, node->label) == 0 && b->pending[i].state == 0)
		{
			b->pending[i].state = node->state == PGNODE_FAILED ? 2 : 1;
			if (node->error.message)
				b->pending[i].error = xstrdup(node->error.message);
		}
	pthread_mutex_unlock(&b->lock);
}

/* Shards that some node places differently: their rows are marked */
static bool
shard_differs(const ClusterSnapshot *snap, const char *shardid)
{
	const CatalogComparison *cmp = &snap->comparisons[CATALOG_PLACEMENT];
	size_t		len = strlen(shardid);

	for (int d = 0; d < cmp->ndiffs; d++)
	{
		for (int r = 0; r < cmp->diffs[d].nmissing; r++)
			if (strncmp(cmp->diffs[d].missing[r], shardid, len) == 0 &&
				cmp->diffs[d].missing[r][len] == '\t')
				return true;
		for (int r = 0; r < cmp->diffs[d].nextra; r++)
			if (strncmp(cmp->diffs[d].extra[r], shardid, len) == 0 &&
				cmp->diffs[d].extra[r][len] == '\t')
				return true;
	}
	return false;
}

static void
read_placements(WizBackend *b)
{
	NodeReport *first = &b->snap.nodes[b->snap.first];
	const PGresult *r;

	wiz_lines_free(&b->placements);
	if (!pgnode_query(&first->pg,
					  "SELECT s.logicalrelid::pg_catalog.regclass::text, p.shardid, p.groupid,"
					  " COALESCE((SELECT n.nodename || ':' || n.nodeport FROM pg_catalog.pg_dist_node n"
					  "            WHERE n.groupid = p.groupid AND n.noderole = 'primary' LIMIT 1), 'no such group')"
					  " FROM pg_catalog.pg_dist_placement p JOIN pg_catalog.pg_dist_shard s ON s.shardid = p.shardid"
					  " ORDER BY 1, 2, 3", 0, NULL, b->conn.timeout_ms))
		return;
	r = first->pg.result;
	lines_add(&b->placements, 0, "%-32s %10s %6s  %s", "TABLE", "SHARD", "GROUP", "NODE");
	for (int i = 0; i < PQntuples(r); i++)
		lines_add(&b->placements, shard_differs(&b->snap, PQgetvalue(r, i, 1)) ? 3 : 0,
				  "%-32s %10s %6s  %s", PQgetvalue(r, i, 0), PQgetvalue(r, i, 1),
				  PQgetvalue(r, i, 2), PQgetvalue(r, i, 3));
	pgnode_clear_results(&first->pg);
}

static void *
run_discover(void *arg)
{
	WizBackend *b = arg;
	DiscoverHooks hooks = {.on_event = on_event, .on_nodes = on_nodes, .arg = b};
	int			code = discover_cluster(&b->conn, &hooks, &b->snap);

	b->have_snapshot = true;
	if (b->snap.fatal == NULL)
		read_placements(b);
	finish(b, code);
	return NULL;
}

WizLines
wiz_compare_placements(WizBackend *b)
{
	WizLines	out = {0};

	for (int i = 0; i < b->placements.count; i++)
		lines_add(&out, b->placements.lines[i].mark, "%s", b->placements.lines[i].text);
	return out;
}

static char *
nonempty(const char *s)
{
	return s && s[0] ? xstrdup(s) : NULL;
}

void
wiz_discover_start(WizBackend *b, const WizConnect *c)
{
	join(b);
	if (b->have_snapshot)
		snapshot_free(&b->snap);
	b->have_snapshot = false;
	connopts_free(&b->conn);
	connopts_init(&b->conn);
	b->conn.host = nonempty(c->host);
	b->conn.port = nonempty(c->port);
	b->conn.user = nonempty(c->user);
	b->conn.dbname = nonempty(c->dbname);
	b->conn.password = nonempty(c->password);
	b->conn.password_mode = PASSWORD_NEVER;
	if (c->timeout_s > 0)
		b->conn.timeout_ms = c->timeout_s * 1000;
	b->timeout_ms = b->conn.timeout_ms;
	clear_pending(b);
	start(b, WIZ_JOB_DISCOVER, run_discover);
}

WizLines
wiz_discover_progress(WizBackend *b)
{
	WizLines	out = {0};
	int64_t		now = monotonic_ms();

	pthread_mutex_lock(&b->lock);
	if (b->npending == 0)
		lines_add(&out, 0, "connecting to %s%s%s ...", b->conn.host ? b->conn.host : "(default host)",
				  b->conn.port ? ":" : "", b->conn.port ? b->conn.port : "");
	for (int i = 0; i < b->npending; i++)
	{
		const Pending *p = &b->pending[i];

		if (p->state == 0)
		{
			int64_t		left = (p->started_ms + b->timeout_ms - now + 999) / 1000;

			lines_add(&out, 2, "%-40s waiting, gives up in %" PRId64 " s", p->label, left > 0 ? left : 0);
		}
		else if (p->state == 1)
			lines_add(&out, 1, "%-40s answered", p->label);
		else
			lines_add(&out, 3, "%-40s no answer: %s", p->label, p->error ? p->error : "");
	}
	pthread_mutex_unlock(&b->lock);
	return out;
}

char *
wiz_discover_error(WizBackend *b)
{
	if (!b->have_snapshot || b->snap.fatal == NULL)
		return NULL;
	return xstrdup(b->snap.fatal);
}

WizLines
wiz_discover_summary(WizBackend *b)
{
	WizLines	out = {0};
	const ClusterSnapshot *snap = &b->snap;

	if (!b->have_snapshot || snap->fatal)
		return out;
	lines_add(&out, 0, "%-6s %-5s %-28s %-11s %-9s %-9s %-12s %s", "NODEID", "GROUP", "ADDRESS",
			  "STATUS", "POSTGRES", "CITUS", "METADATA", "PLACEMENTS");
	for (int i = 0; i < snap->nnodes; i++)
	{
		const NodeReport *node = &snap->nodes[i];
		const char *status = node_status(snap, i);
		char	   *lib = citus_short_version(node->citus_library_version);
		char		placements[32] = "-";
		int			mark = strcmp(status, "ok") == 0 || strcmp(status, "gone") == 0 ? 1 :
			strcmp(status, "ANSWERS") == 0 || strcmp(status, "unreachable") == 0 ||
			strcmp(status, "timeout") == 0 ? 3 : 2;

		if (node->is_citus && node->catalogs[CATALOG_PLACEMENT].digest)
			snprintf(placements, sizeof(placements), "%" PRId64, node->catalogs[CATALOG_PLACEMENT].rows);
		lines_add(&out, mark, "%6d %5d %-28s %-11s %-9.*s %-9s %-12s %s%s",
				  node->meta.nodeid, node->meta.groupid, node->pg.label ? node->pg.label : "?",
				  status, node->server_version ? (int) strcspn(node->server_version, " ") : 1,
				  node->server_version ? node->server_version : "-",
				  lib ? lib : "-", node_metadata_state(node), placements,
				  node->is_first ? "  (first)" : "");
		free(lib);
	}
	lines_add(&out, 0, "%s", "");
	if (snap->coordinator_alive)
		lines_add(&out, 3, "A COORDINATOR STILL ANSWERS: %s", snap->coordinator_alive_why);
	else
		lines_add(&out, 1, "Old coordinator: CIM %s; it does not answer.",
				  snap->cim == CIM_INCLUDE ? "include (in pg_dist_node)" : "exclude (not in pg_dist_node)");
	for (int c = 0; c < CATALOG_COUNT; c++)
		lines_add(&out, snap->comparisons[c].agree ? 1 : 3, "%-20s %s", catalog_name((CatalogId) c),
				  snap->comparisons[c].agree ? "agrees" : "DISAGREES (see Compare)");
	for (int i = 0; i < snap->nnodes; i++)
		if (!snap->nodes[i].reachable && snap->nodes[i].pg.error.message && i != snap->old_coordinator)
			lines_add(&out, 3, "%s: %s", snap->nodes[i].pg.label, snap->nodes[i].pg.error.message);
	return out;
}

/* One node's view of one pg_dist_node row: "g2 host:port" */
static char *
node_cell(const StrList *view, int nodeid)
{
	for (int r = 0; r < view->count; r++)
	{
		char	   *f[4] = {0};
		bool		whole = true;
		char	   *out = NULL;

		for (int k = 0; k < 4 && whole; k++)
			whole = catalog_row_field(view->items[r], k, &f[k]) && f[k] != NULL;
		if (whole && atoi(f[0]) == nodeid)
			out = xasprintf("g%s %s:%s", f[1], f[2], f[3]);
		for (int k = 0; k < 4; k++)
			free(f[k]);
		if (out)
			return out;
	}
	return NULL;
}

/* Whether a node's catalogs were read (its view of pg_dist_node with them). */
static bool
catalogs_read(const NodeReport *node)
{
	return node->reachable && node->catalogs[CATALOG_NODE].digest != NULL;
}

/*
 * pg_dist_node side by side: a row per nodeid, a column per node that was
 * read, each cell that node's idea of the row's group and address.
 */
WizLines
wiz_compare_nodes(WizBackend *b)
{
	WizLines	out = {0};
	const ClusterSnapshot *snap = &b->snap;
	int			ids[256];
	int			nids = 0;
	StrBuf		line;

	if (!b->have_snapshot || snap->fatal)
		return out;
	for (int i = 0; i < snap->nnodes; i++)
		if (snap->nodes[i].in_metadata && snap->nodes[i].meta.nodeid > 0 && nids < 256)
			ids[nids++] = snap->nodes[i].meta.nodeid;
	strbuf_init(&line);
	strbuf_printf(&line, "%-7s", "nodeid");
	for (int i = 0; i < snap->nnodes; i++)
		if (catalogs_read(&snap->nodes[i]))
			strbuf_printf(&line, " | %-24.24s", snap->nodes[i].pg.label);
	lines_add(&out, 0, "pg_dist_node as each node sees it (columns: the node read):");
	lines_add(&out, 0, "%s", line.data);
	for (int k = 0; k < nids; k++)
	{
		char	   *first_cell = NULL;
		bool		differs = false;
		bool		first_seen = false;

		strbuf_reset(&line);
		strbuf_printf(&line, "%-7d", ids[k]);
		for (int i = 0; i < snap->nnodes; i++)
		{
			char	   *cell;

			if (!catalogs_read(&snap->nodes[i]))
				continue;
			cell = node_cell(&snap->nodes[i].node_view, ids[k]);
			if (!first_seen)
			{
				first_cell = cell ? xstrdup(cell) : NULL;
				first_seen = true;
			}
			else if ((cell == NULL) != (first_cell == NULL) ||
					 (cell && first_cell && strcmp(cell, first_cell) != 0))
				differs = true;
			strbuf_printf(&line, " | %-24.24s", cell ? cell : "(no row)");
			free(cell);
		}
		lines_add(&out, differs ? 3 : 0, "%s", line.data);
		free(first_cell);
	}
	lines_add(&out, 0, "%s", "");
	lines_add(&out, 0, "Tab: catalogs and differing rows; Tab again: every placement.");
	strbuf_free(&line);
	return out;
}

WizLines
wiz_compare_catalogs(WizBackend *b)
{
	WizLines	out = {0};
	const ClusterSnapshot *snap = &b->snap;

	if (!b->have_snapshot || snap->fatal)
		return out;
	for (int c = 0; c < CATALOG_COUNT; c++)
	{
		const CatalogComparison *cmp = &snap->comparisons[c];
		StrBuf		columns;

		strbuf_init(&columns);
		for (int k = 0; k < cmp->columns.count; k++)
			strbuf_printf(&columns, "%s%s", k ? ", " : "", cmp->columns.items[k]);
		lines_add(&out, cmp->agree ? 1 : 3, "%s: %s on %d nodes (%s)", catalog_name((CatalogId) c),
				  cmp->agree ? "agrees" : "DISAGREES", cmp->compared, columns.data);
		strbuf_free(&columns);
		for (int d = 0; d < cmp->ndiffs; d++)
		{
			const RowDiff *diff = &cmp->diffs[d];

			lines_add(&out, 3, "  %s differs from %s:", snap->nodes[diff->node].pg.label,
					  snap->nodes[diff->reference].pg.label);
			for (int r = 0; r < diff->nmissing + diff->nextra; r++)
			{
				bool		missing = r < diff->nmissing;
				char	   *row = labelled_row(missing ? diff->missing[r] : diff->extra[r - diff->nmissing],
											   &cmp->columns);

				lines_add(&out, 3, "    %s %s", missing ? "-" : "+", row);
				free(row);
			}
		}
	}
	return out;
}

int
wiz_detected_cim(WizBackend *b)
{
	return b->have_snapshot && b->snap.cim == CIM_INCLUDE ? 1 : 2;
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
			lines_add(&out, 0, "%s:%d", node->meta.nodename, node->meta.nodeport);
	}
	return out;
}

/* ---- plan ------------------------------------------------------------------ */

static void *
run_plan(void *arg)
{
	WizBackend *b = arg;
	PlanChoices choices = {0};
	PlanContext ctx = {0};
	char		errbuf[512];
	char	   *created = timestamp_now();
	char	   *first;
	const NodeReport *f;
	const char *connect_host;
	int			connect_port;
	char	   *target_host = NULL;
	int			target_port = 0;
	int			code;

	plan_free(&b->plan);
	b->have_plan = false;
	choices.method = b->choices.promote ? METHOD_PROMOTE : METHOD_NEW_NODE;
	choices.target = xstrdup(b->choices.target);
	choices.cim = b->choices.cim == 1 ? CIM_INCLUDE : b->choices.cim == 2 ? CIM_EXCLUDE : CIM_UNKNOWN;
	choices.donor = nonempty(b->choices.donor);
	choices.override_failures = b->choices.override_failures;
	if (b->choices.rollback_orphans || b->choices.commit_orphans)
	{
		choices.prepared = xcalloc(1, sizeof(PreparedChoice));
		choices.prepared[0].gid = xstrdup("all");
		choices.prepared[0].decision = b->choices.commit_orphans ? PREPARED_COMMIT : PREPARED_ROLLBACK;
		choices.nprepared = 1;
	}
	if (!parse_host_port(choices.target, &target_host, &target_port, errbuf, sizeof(errbuf)))
	{
		plan_init(&b->plan);
		plan_add_check(&b->plan, "target", CHECK_FAIL, errbuf, "Give HOST:PORT.");
		b->have_plan = true;
		plan_choices_free(&choices);
		free(created);
		finish(b, EXIT_CODE_BAD_USAGE);
		return NULL;
	}
	connopts_map_address(&b->conn, target_host, target_port, &connect_host, &connect_port);
	free(b->conn.target);
	b->conn.target = choices.method == METHOD_NEW_NODE ?
		xasprintf("%s:%d", connect_host, connect_port) : NULL;
	/* pre-flight reads the cluster afresh: it may have changed since discovery */
	if (b->have_snapshot)
		snapshot_free(&b->snap);
	discover_cluster(&b->conn, NULL, &b->snap);
	b->have_snapshot = true;
	if (b->snap.fatal)
	{
		plan_init(&b->plan);
		plan_add_check(&b->plan, "first-node", CHECK_FAIL, b->snap.fatal, "Go back and check the connection.");
		b->have_plan = true;
		plan_choices_free(&choices);
		free(created);
		free(target_host);
		finish(b, EXIT_CODE_FIRST_NODE);
		return NULL;
	}
	f = &b->snap.nodes[b->snap.first];
	first = xasprintf("%s:%d", f->pg.host, f->pg.port);
	ctx.tool_version = PACKAGE_VERSION;
	ctx.created = created;
	ctx.first = first;
	ctx.dbname = PQdb(f->pg.conn);
	ctx.user = PQuser(f->pg.conn);
	ctx.target_connect_host = connect_host;
	ctx.target_connect_port = connect_port;
	code = plan_build(&b->snap, &choices, &ctx, &b->plan, errbuf, sizeof(errbuf)) ?
		(plan_has_failures(&b->plan) ? EXIT_CODE_ABORTED : EXIT_CODE_OK) : EXIT_CODE_BAD_USAGE;
	b->have_plan = true;
	free(first);
	free(created);
	free(target_host);
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

		lines_add(&out, c->status == CHECK_PASS ? 1 : c->status == CHECK_WARN ? 2 : 3,
				  "%-4s %s: %s", check_status_name(c->status), c->name, c->why);
		if (c->fix)
			lines_add(&out, c->status == CHECK_FAIL ? 3 : 2, "       fix: %s", c->fix);
	}
	for (int i = 0; i < b->plan.nnotes; i++)
		lines_add(&out, 2, "note: %s", b->plan.notes[i]);
	return out;
}

bool
wiz_plan_blocked(WizBackend *b)
{
	return !b->have_plan || plan_has_failures(&b->plan) || b->plan.nsteps == 0;
}

int
wiz_plan_steps(WizBackend *b)
{
	return b->have_plan ? b->plan.nsteps : 0;
}

WizLines
wiz_plan_step(WizBackend *b, int i)
{
	WizLines	out = {0};
	const PlanStep *s;
	char	   *sql;

	if (!b->have_plan || i < 0 || i >= b->plan.nsteps)
		return out;
	s = &b->plan.steps[i];
	lines_add(&out, 0, "Step %d of %d, on %s (%s)", s->number, b->plan.nsteps, s->label,
			  s->txn == STEP_TXN_ATOMIC ? "all-or-nothing with the other nodes of its group" :
			  s->txn == STEP_TXN_NONE ? "outside a transaction" : "one transaction");
	lines_add(&out, 1, "Purpose: %s", s->purpose);
	lines_add(&out, 0, "Done when: %s", s->check_sql);
	lines_add(&out, 0, "Undo: %s", s->undo);
	lines_add(&out, 0, "%s", "");
	sql = xstrdup(s->sql);
	for (char *line = sql; line && *line;)
	{
		char	   *nl = strchr(line, '\n');

		if (nl)
			*nl = '\0';
		lines_add(&out, strncmp(line, "--", 2) == 0 ? 2 : 0, "%s", line);
		line = nl ? nl + 1 : NULL;
	}
	free(sql);
	return out;
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

static bool
open_log(WizBackend *b)
{
	int			fds[2];

	close_log(b);
	if (pipe(fds) != 0)
		return false;
	fcntl(fds[0], F_SETFL, O_NONBLOCK);
	b->log_read_fd = fds[0];
	b->log_write = fdopen(fds[1], "w");
	if (b->log_write)
		setvbuf(b->log_write, NULL, _IOLBF, 0);
	return b->log_write != NULL;
}

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
	opts.conn = &b->conn;
	opts.progress = b->log_write;
	opts.errors = b->log_write;
	code = apply_plan(&b->plan, text.data, &opts);
	if (opts.workdir_used)
	{
		free(b->workdir);
		b->workdir = opts.workdir_used;
	}
	fprintf(b->log_write, "apply finished with exit status %d\n", code);
	fclose(b->log_write);
	b->log_write = NULL;
	strbuf_free(&text);
	finish(b, code);
	return NULL;
}

void
wiz_apply_start(WizBackend *b, const char *workdir)
{
	char	   *chosen = workdir ? xstrdup(workdir) : NULL;

	join(b);
	/* workdir may be b->workdir itself, when a stopped run is resumed */
	free(b->workdir);
	b->workdir = chosen;
	apply_stop_requested = 0;
	if (!open_log(b))
	{
		b->done = true;
		b->exit_code = EXIT_CODE_INTERNAL;
		return;
	}
	start(b, WIZ_JOB_APPLY, run_apply);
}

void
wiz_catch_signals(void)
{
	apply_catch_signals(true);
}

void
wiz_release_signals(void)
{
	apply_release_signals();
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
	ConnOptions v;
	VerifyResult result;
	int			code;

	apply_coordinator_options(&b->plan, &b->conn, &v);
	code = verify_cluster(&v, NULL, false, b->log_write, &result);
	verify_result_free(&result);
	connopts_free(&v);
	fprintf(b->log_write, "Work directory: %s (plan.sql, journal.log, backup/, restore.sh)\n",
			b->workdir ? b->workdir : "-");
	fclose(b->log_write);
	b->log_write = NULL;
	finish(b, code);
	return NULL;
}

void
wiz_verify_start(WizBackend *b)
{
	join(b);
	if (!open_log(b))
	{
		b->done = true;
		b->exit_code = EXIT_CODE_INTERNAL;
		return;
	}
	start(b, WIZ_JOB_VERIFY, run_verify);
}

WizLines
wiz_take_log(WizBackend *b)
{
	WizLines	out = {0};
	char		chunk[4096];
	ssize_t		n;

	if (b->log_read_fd < 0)
		return out;
	while ((n = read(b->log_read_fd, chunk, sizeof(chunk))) > 0)
		strbuf_append_len(&b->log_partial, chunk, (size_t) n);
	for (;;)
	{
		char	   *nl = strchr(b->log_partial.data, '\n');
		size_t		len;

		if (nl == NULL)
			break;
		*nl = '\0';
		len = (size_t) (nl - b->log_partial.data) + 1;
		lines_add(&out, strstr(b->log_partial.data, "FAIL") ? 3 :
				  strstr(b->log_partial.data, "pass ") || strstr(b->log_partial.data, "done") ? 1 : 0,
				  "%s", b->log_partial.data);
		memmove(b->log_partial.data, b->log_partial.data + len, b->log_partial.len - len + 1);
		b->log_partial.len -= len;
	}
	return out;
}

const char *
wiz_workdir(WizBackend *b)
{
	return b->workdir;
}
