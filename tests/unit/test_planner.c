/*
 * The planner is pure: a snapshot and choices in, a plan out.  These tests
 * build snapshots by hand and compare the rendered plan files with golden
 * files in tests/golden (CITUS_RESCUE_UPDATE_GOLDEN=1 rewrites them).
 */
#include "config.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "tap.h"

#include "connopts.h"
#include "leftovers.h"
#include "plan.h"
#include "planfile.h"
#include "planner.h"
#include "strbuf.h"
#include "workdir.h"

static void
add_node(ClusterSnapshot *snap, int nodeid, int group, const char *name, int port,
		 bool reachable)
{
	NodeReport *n;

	snap->nodes = xrealloc(snap->nodes, sizeof(NodeReport) * (size_t) (snap->nnodes + 1));
	n = &snap->nodes[snap->nnodes++];
	memset(n, 0, sizeof(*n));
	n->meta.nodeid = nodeid;
	n->meta.groupid = group;
	n->meta.nodename = xstrdup(name);
	n->meta.nodeport = port;
	n->meta.noderole = xstrdup("primary");
	n->meta.hasmetadata = true;
	n->meta.metadatasynced = true;
	n->meta.isactive = true;
	n->meta.shouldhaveshards = group != 0;
	n->in_metadata = nodeid > 0;
	n->host = xstrdup(name);
	n->port = port;
	n->label = format_host_port(name, port);
	n->reachable = reachable;
	n->is_citus = reachable;
	n->server_version_num = 150020;
	n->server_version = xstrdup("15.20");
	n->citus_library_version = xstrdup("Citus 13.2.2 on x86_64-pc-linux-gnu");
	n->citus_extension_version = xstrdup("13.2-1");
	n->local_group = group;
	n->database = xstrdup("app");
	n->placement_ids_digest = xstrdup("b1d9e5a4c3f2e1d0a9b8c7d6e5f4a3b2");
	n->max_prepared_transactions = 100;
	for (int c = 0; c < CATALOG_COUNT; c++)
	{
		strlist_add(&n->catalogs[c].columns, "x");
		n->catalogs[c].digest = reachable ? xstrdup("d41d8cd98f00b204e9800998ecf8427e") : NULL;
	}
	if (reachable)
	{
		n->ledger.read = true;
		n->ledger.cron_jobs = -1;
		n->ledger.has_strategies = true;
		strlist_add(&n->ledger.strategies, "by_disk_size");
		strlist_add(&n->ledger.strategies, "by_shard_count");
		strlist_add(&n->ledger.settings, "citus.shard_count = 8");
		n->roles.read = true;
		n->roles.roles = xcalloc(3, sizeof(RoleDigest));
		n->roles.roles[0] = (RoleDigest) {xstrdup("app\n<B>"), xstrdup("00000000000000000000000000000001"), true};
		n->roles.roles[1] = (RoleDigest) {xstrdup("local_only"), xstrdup("00000000000000000000000000000002"), false};
		n->roles.roles[2] = (RoleDigest) {xstrdup("postgres"), xstrdup("00000000000000000000000000000003"), true};
		n->roles.nroles = 3;
	}
	n->sequences = xcalloc(2, sizeof(SequenceValue));
	n->sequences[0].name = xstrdup("pg_dist_shardid_seq");
	n->sequences[1].name = xstrdup("pg_dist_colocationid_seq");
	n->nsequences = 2;
}

static void
add_serial(NodeReport *n, const char *table, const char *column, const char *seq, bool bigint)
{
	SerialColumn *c;

	n->serials = xrealloc(n->serials, sizeof(SerialColumn) * (size_t) (n->nserials + 1));
	c = &n->serials[n->nserials++];
	c->table = xstrdup(table);
	c->column = xstrdup(column);
	c->sequence = xstrdup(seq);
	c->is_bigint = bigint;
	c->default_expr = xstrdup(bigint ? "nextval('x'::regclass)" : "worker_nextval('x'::regclass)");
}

/* Shards only the old coordinator held, added to the next snapshots built */
static bool with_lost_shards;

static void
add_lost(NodeReport *n, const char *table, int64_t shardid, const char *min, const char *max,
		 bool local, const char *why)
{
	LostShard  *l;

	n->lost_shards = xrealloc(n->lost_shards, sizeof(LostShard) * (size_t) (n->nlost_shards + 1));
	l = &n->lost_shards[n->nlost_shards++];
	l->table = xstrdup(table);
	l->shardid = shardid;
	l->minvalue = min ? xstrdup(min) : NULL;
	l->maxvalue = max ? xstrdup(max) : NULL;
	l->citus_local = local;
	l->unrecreatable = why ? xstrdup(why) : NULL;
}

static void
add_lost_shards(NodeReport *n)
{
	add_lost(n, "\"My Schema\".\"odd\"\"t\"", 102009, "-1610612736", "-1073741825", false, NULL);
	add_lost(n, "\"My Schema\".\"odd\"\"t\"", 102013, "536870912", "1073741823", false, NULL);
	add_lost(n, "app.audit", 102020, NULL, NULL, true, NULL);
}

/* Whether build_snapshot leaves an interrupted move's leftovers on two workers */
static bool with_leftovers;

static void
add_leftover(NodeReport *n, LeftoverKind kind, const char *schema, const char *name, int64_t shardid)
{
	Leftover   *l;

	n->leftovers = xrealloc(n->leftovers, sizeof(Leftover) * (size_t) (n->nleftovers + 1));
	l = &n->leftovers[n->nleftovers++];
	memset(l, 0, sizeof(*l));
	l->kind = kind;
	l->schema = schema ? xstrdup(schema) : NULL;
	l->name = xstrdup(name);
	l->shardid = shardid;
	l->retained_wal = kind == LEFTOVER_SLOT ? 123456789 : -1;
	if (kind == LEFTOVER_SUBSCRIPTION)
	{
		l->slot = xstrdup("citus_shard_move_slot_2_10_7");
		l->publisher = xstrdup("w'1:5432");
	}
}

/* The source (first node) keeps a slot and a publication, the target the rest; hostile names */
static void
add_move_leftovers(ClusterSnapshot *snap)
{
	NodeReport *source = &snap->nodes[snap->first];
	NodeReport *target = &snap->nodes[snap->first + 1];

	add_leftover(source, LEFTOVER_SLOT, NULL, "citus_shard_move_slot_2_10_7", -1);
	add_leftover(source, LEFTOVER_PUBLICATION, NULL, "citus_shard_move_publication_2_10_7'; DROP", -1);
	add_leftover(target, LEFTOVER_SUBSCRIPTION, NULL, "citus_shard_move_subscription_10_7", -1);
	add_leftover(target, LEFTOVER_SHARD_TABLE, "My Schema", "odd\"t$body$_102009", 102009);
	add_leftover(target, LEFTOVER_ROLE, NULL, "citus_shard_move_subscription_role_10_7", -1);
}

/* One coordinator (gone) and three workers; hostile names on purpose */
static void
build_snapshot(ClusterSnapshot *snap, bool cim_include, bool with_target)
{
	memset(snap, 0, sizeof(*snap));
	snap->old_coordinator = -1;
	snap->target = -1;
	if (cim_include)
	{
		add_node(snap, 1, 0, "coord", 5432, false);
		snap->old_coordinator = 0;
	}
	add_node(snap, 2, 1, "w'1", 5432, true);
	snap->first = snap->nnodes - 1;
	snap->nodes[snap->first].is_first = true;
	add_node(snap, 3, 2, "w\\2", 5432, true);
	add_node(snap, 4, 3, "w\"3$body$", 5432, true);
	if (with_target)
	{
		add_node(snap, -1, -1, "new-coord", 5432, true);
		snap->target = snap->nnodes - 1;
		snap->nodes[snap->target].is_target = true;
		snap->nodes[snap->target].in_metadata = false;
		snap->nodes[snap->target].local_group = 0;
		/* the new node reached every worker */
		snap->nodes[snap->target].reach.ran = true;
		snap->nodes[snap->target].reach.results = xcalloc(3, sizeof(ReachResult));
		for (int w = 0; w < 3; w++)
		{
			snap->nodes[snap->target].reach.results[w].worker =
				xstrdup(snap->nodes[snap->first + w].label);
			snap->nodes[snap->target].reach.results[w].reached = true;
		}
		snap->nodes[snap->target].reach.nresults = 3;
	}
	snap->cim = cim_include ? CIM_INCLUDE : CIM_EXCLUDE;
	snap->max_id[MAXID_NODEID] = 4;
	snap->max_id[MAXID_GROUPID] = 3;
	snap->max_id[MAXID_PLACEMENTID] = 20;
	snap->max_id[MAXID_SHARDID] = 102024;
	snap->max_id[MAXID_COLOCATIONID] = 2;
	for (int c = 0; c < CATALOG_COUNT; c++)
	{
		snap->comparisons[c].agree = true;
		snap->comparisons[c].compared = 3;
	}
	add_serial(&snap->nodes[snap->first], "app.orders", "id", "app.orders_id_seq", false);
	add_serial(&snap->nodes[snap->first], "\"My Schema\".\"odd\"\"t\"", "i d", "\"My Schema\".s", false);
	add_serial(&snap->nodes[snap->first], "app.accounts", "id", "app.accounts_id_seq", true);
	/* a second table drawing its ids from the same sequence */
	add_serial(&snap->nodes[snap->first], "app.refunds", "id", "app.orders_id_seq", false);
	if (with_lost_shards)
		add_lost_shards(&snap->nodes[snap->first]);
	if (with_leftovers)
		add_move_leftovers(snap);
}

/* What a test changes in the snapshot before the plan is built, if anything */
static void (*snapshot_tweak) (ClusterSnapshot *snap);

static char *
render(const char *target, PlanMethod method, bool cim_include, PlanChoices *extra, Plan *plan)
{
	ClusterSnapshot snap;
	PlanChoices choices = {0};
	PlanContext ctx = {0};
	char		err[256] = "";
	StrBuf		out;

	build_snapshot(&snap, cim_include, method == METHOD_NEW_NODE);
	if (snapshot_tweak)
		snapshot_tweak(&snap);
	if (extra)
		choices = *extra;
	choices.method = method;
	choices.target = (char *) target;
	ctx.tool_version = "0.0.0-test";
	ctx.created = "2026-01-01T00:00:00.000Z";
	ctx.first = "w'1:5432";
	ctx.dbname = "app";
	ctx.user = "postgres";
	ctx.target_connect_host = "new-coord";
	ctx.target_connect_port = 5432;
	ok(plan_build(&snap, &choices, &ctx, plan, err, sizeof(err)), "plan builds: %s", target);
	strbuf_init(&out);
	planfile_render(&out, plan);
	snapshot_free(&snap);
	return strbuf_steal(&out);
}


/* A registered standby of the old coordinator, in group 0 */
static NodeReport *
add_coordinator_standby(ClusterSnapshot *snap, bool answers)
{
	NodeReport *n;

	add_node(snap, 9, 0, "coord-standby", 5432, answers);
	n = &snap->nodes[snap->nnodes - 1];
	free(n->meta.noderole);
	n->meta.noderole = xstrdup("secondary");
	n->in_recovery = answers;
	return n;
}

static void
standby_answers(ClusterSnapshot *snap)
{
	add_coordinator_standby(snap, true);
}

static void
standby_gone(ClusterSnapshot *snap)
{
	add_coordinator_standby(snap, false);
}

/* The first node and w"3 never finished their metadata sync */
static void
two_unsynced(ClusterSnapshot *snap)
{
	snap->nodes[snap->first].meta.metadatasynced = false;
	snap->nodes[snap->first + 2].meta.metadatasynced = false;
}

static void
none_synced(ClusterSnapshot *snap)
{
	for (int i = 0; i < snap->nnodes; i++)
		snap->nodes[i].meta.metadatasynced = false;
	/* w"3 keeps no metadata at all */
	snap->nodes[snap->first + 2].meta.hasmetadata = false;
}

static void
group_zero_standbys(void)
{
	Plan		plan;
	char	   *text;

	snapshot_tweak = standby_answers;
	text = render("new-coord:5432", METHOD_NEW_NODE, true, NULL, &plan);
	ok(strstr(text, "-- check: warn coordinator-standby: standby of the old coordinator, in recovery: coord-standby:5432") != NULL,
	   "an answering standby of the old coordinator is a warning, by name");
	ok(strstr(text, "-- check: pass old-coordinator-gone") != NULL && !plan_has_failures(&plan) && plan.nsteps > 0,
	   "a standby in recovery is not a live coordinator: the plan has its steps");
	ok(strstr(text, "DELETE FROM pg_catalog.pg_dist_node WHERE groupid = 0;") != NULL,
	   "the plan removes every row of group 0");
	free(text);
	plan_free(&plan);

	snapshot_tweak = standby_gone;
	text = render("w\\2:5432", METHOD_PROMOTE, true, NULL, &plan);
	ok(strstr(text, "-- check: pass coordinator-standby: the old coordinator's standby coord-standby:5432 does not answer either") != NULL,
	   "a standby that does not answer is gone with the old coordinator");
	ok(strstr(text, "DELETE FROM pg_catalog.pg_dist_node WHERE groupid = 0;") != NULL,
	   "promote: the plan removes every row of group 0");
	free(text);
	plan_free(&plan);

	snapshot_tweak = NULL;
	text = render("new-coord:5432", METHOD_NEW_NODE, true, NULL, &plan);
	ok(strstr(text, "coordinator-standby") == NULL, "without a standby there is no standby check");
	free(text);
	plan_free(&plan);
}

static void
partly_synced(void)
{
	Plan		plan;
	char	   *text;

	snapshot_tweak = two_unsynced;
	text = render("new-coord:5432", METHOD_NEW_NODE, true, NULL, &plan);
	ok(strstr(text, "-- check: FAIL workers-synced: not metadata-synced: w'1:5432, w\"3$body$:5432") != NULL,
	   "unsynced workers fail pre-flight, listed");
	ok(strstr(text, "-- check: pass donor: w\\\\2:5432 (group 2)") != NULL,
	   "the donor is the synced worker, not the first node");
	free(text);
	plan_free(&plan);

	snapshot_tweak = none_synced;
	text = render("new-coord:5432", METHOD_NEW_NODE, true, NULL, &plan);
	ok(strstr(text, "-- check: FAIL donor: no worker can donate metadata: w'1:5432 (metadata not synced), w\\\\2:5432 (metadata not synced), w\"3$body$:5432 (no metadata)") != NULL,
	   "with no synced worker, the donor check fails with every worker and why");
	ok(plan.nsteps == 0, "and the plan has no steps");
	free(text);
	plan_free(&plan);
	snapshot_tweak = NULL;
}

static void
golden(const char *name, const char *text)
{
	char	   *path = xasprintf("%s/tests/golden/%s", getenv("top_srcdir") ? getenv("top_srcdir") : ".", name);
	char		err[256] = "";
	char	   *want;

	if (getenv("CITUS_RESCUE_UPDATE_GOLDEN"))
	{
		FILE	   *f = fopen(path, "w");

		if (f)
		{
			fputs(text, f);
			fclose(f);
		}
	}
	want = read_whole_file(path, err, sizeof(err));
	ok(want != NULL && strcmp(want, text) == 0, "%s matches its golden file", name);
	if (want == NULL || strcmp(want, text) != 0)
		printf("#   compare with: %s\n", path);
	free(want);
	free(path);
}

static void
round_trip(const char *text)
{
	Plan		parsed;
	char		err[256] = "";
	StrBuf		again;

	ok(planfile_parse(text, &parsed, err, sizeof(err)), "the plan file parses back (%s)", err);
	strbuf_init(&again);
	planfile_render(&again, &parsed);
	ok(strcmp(again.data, text) == 0, "rendering the parsed plan gives the same file");
	strbuf_free(&again);
	plan_free(&parsed);
}

/* text with its first occurrence of `from` replaced by `to` */
static char *
edited(const char *text, const char *from, const char *to)
{
	const char *at = strstr(text, from);
	StrBuf		out;

	strbuf_init(&out);
	if (at == NULL)
		return strbuf_steal(&out);
	strbuf_append_len(&out, text, (size_t) (at - text));
	strbuf_append(&out, to);
	strbuf_append(&out, at + strlen(from));
	return strbuf_steal(&out);
}

static void
refused_edit(const char *text, const char *from, const char *to, const char *want_error,
			 const char *name)
{
	char	   *damaged = edited(text, from, to);
	Plan		parsed;
	char		err[256] = "";

	ok(damaged[0] != '\0' && !planfile_parse(damaged, &parsed, err, sizeof(err)) &&
	   strstr(err, want_error) != NULL, "%s (%s)", name, err);
	plan_free(&parsed);
	free(damaged);
}

/*
 * The file is one truth: whatever psql would run and apply would not, or
 * the other way round, is refused.
 */
static void
one_truth(const char *text)
{
	refused_edit(text, "\\connect -reuse-previous=on 'host=''new-coord'' port=5432'\n",
				 "\\connect -reuse-previous=on 'host=''elsewhere'' port=5432'\n",
				 "does not name the node", "plan_connect_differs_from_on: a \\connect that is not the step's node");
	refused_edit(text, "-- end of step 1\n\n", "-- end of step 1\n\nDROP TABLE app.orders;\n",
				 "not one apply would write", "plan_statement_between_steps: SQL outside a step");
	refused_edit(text, "-- tool-version: ", "-- tool-version: 1\n-- tool-version: ",
				 "a second \"tool-version\" line", "plan_repeated_header: a header line given twice");
	refused_edit(text, "-- purpose: ", "-- purpose: a\n-- purpose: ",
				 "a second \"purpose\" line", "plan_repeated_step_header: a step line given twice");
	refused_edit(text, "-- undo: ", "-- Check: SELECT true\n-- undo: ",
				 "not one apply would write", "plan_check_reworded: a check line apply would not write");
	refused_edit(text, "-- end of plan\n", "-- end of plan\nSELECT 1;\n",
				 "after the end", "plan_text_after_end");
	{
		/* a step's SQL is the operator's to edit, and apply runs the edit */
		char	   *changed = edited(text, "SELECT pg_catalog.recover_prepared_transactions();\n",
									 "-- reviewed\nSELECT pg_catalog.recover_prepared_transactions();\n");
		Plan		parsed;
		char		err[256] = "";

		ok(planfile_parse(changed, &parsed, err, sizeof(err)) &&
		   strstr(parsed.steps[1].sql, "-- reviewed\n") != NULL,
		   "plan_step_sql_edit: an edited step body is accepted and is what runs (%s)", err);
		plan_free(&parsed);
		free(changed);
	}
}

/* A step whose batch lines were deleted, down to a body shorter than BEGIN; */
static void
short_bodies(const char *text)
{
	const char *bodies[] = {"", "\n", "BEGI\n", "BEGIN\n", "BEGIN;\n", "COMMIT;\n"};

	for (size_t b = 0; b < sizeof(bodies) / sizeof(bodies[0]); b++)
	{
		const char *connect = strstr(text, "\n\\connect ");
		const char *line_end = connect ? strchr(connect + 1, '\n') : NULL;
		const char *end = strstr(text, "-- end of step 1\n");
		StrBuf		damaged;
		Plan		parsed;
		char		err[256] = "";

		if (line_end == NULL || end == NULL)
		{
			ok(0, "the plan has a first step to damage");
			return;
		}
		strbuf_init(&damaged);
		strbuf_append_len(&damaged, text, (size_t) (line_end + 1 - text));
		strbuf_append(&damaged, bodies[b]);
		strbuf_append(&damaged, end);
		ok(!planfile_parse(damaged.data, &parsed, err, sizeof(err)) && strstr(err, "a step's batch must") != NULL,
		   "a step body of %zu bytes is refused, not read past its end (%s)", strlen(bodies[b]), err);
		plan_free(&parsed);
		strbuf_free(&damaged);
	}
}

/*
 * The review explains every step in words: what it changes and what its
 * check takes for done, never the check's SQL itself; and each step's
 * batch is the file's own text, from its \connect line on.
 */
static void
explained(const Plan *plan, const char *text, const char *name)
{
	int			unexplained = 0;
	int			sql_in_words = 0;
	int			batches_elsewhere = 0;

	for (int i = 0; i < plan->nsteps; i++)
	{
		const PlanStep *s = &plan->steps[i];
		StrBuf		batch;

		if (s->changes == NULL || s->changes[0] == '\0' || s->confirms == NULL || s->confirms[0] == '\0' ||
			s->locks == NULL || s->locks[0] == '\0')
			unexplained++;
		else if (strstr(s->confirms, "SELECT") != NULL || strstr(s->changes, "SELECT") != NULL)
			sql_in_words++;
		strbuf_init(&batch);
		planfile_render_batch(&batch, plan, i);
		if (strncmp(batch.data, "\\connect ", 9) != 0 || strstr(text, batch.data) == NULL ||
			strstr(batch.data, s->sql) == NULL)
			batches_elsewhere++;
		strbuf_free(&batch);
	}
	ok(plan->nsteps > 0 && unexplained == 0, "%s: every one of %d steps says in words what it changes, what it locks and when it is done",
	   name, plan->nsteps);
	ok(sql_in_words == 0, "%s: no step's words hold a SELECT", name);
	ok(batches_elsewhere == 0, "%s: each step's batch is the file's text, from its \\connect line on", name);
}

/* The batch of a step that ends an atomic group runs through the group's commits */
static void
group_batches(const Plan *plan)
{
	int			last = -1;
	StrBuf		batch;

	for (int i = 0; i < plan->nsteps; i++)
		if (plan->steps[i].txn == STEP_TXN_ATOMIC)
			last = i;
	if (last < 0)
	{
		ok(0, "the plan has an atomic group");
		return;
	}
	strbuf_init(&batch);
	planfile_render_batch(&batch, plan, last);
	ok(strstr(batch.data, "PREPARE TRANSACTION 'rescue_plan_1_") != NULL &&
	   strstr(batch.data, "-- every node of atomic group 1 is prepared: commit them all\n") != NULL &&
	   strstr(batch.data, "COMMIT PREPARED 'rescue_plan_1_1';\n") != NULL &&
	   batch.data[batch.len - 1] == '\n' && batch.data[batch.len - 2] != '\n',
	   "the last step of an atomic group has the group's COMMIT PREPARED lines in its batch");
	strbuf_reset(&batch);
	planfile_render_batch(&batch, plan, 0);
	ok(strstr(batch.data, "COMMIT PREPARED") == NULL, "an earlier step of the group has not");
	strbuf_free(&batch);
}

/* text without its lines that start with prefix */
static char *
without_lines(const char *text, const char *prefix)
{
	StrBuf		out;

	strbuf_init(&out);
	for (const char *line = text; *line;)
	{
		const char *nl = strchr(line, '\n');
		size_t		len = nl ? (size_t) (nl - line + 1) : strlen(line);

		if (strncmp(line, prefix, strlen(prefix)) != 0)
			strbuf_append_len(&out, line, len);
		line += len;
	}
	return strbuf_steal(&out);
}

/*
 * A plan file from before steps were explained in words has no changes
 * or confirms lines: it is still the file apply would write for what it
 * holds, so it is accepted, and the words come back only as given.
 */
static void
older_files(const char *text)
{
	char	   *no_changes = without_lines(text, "-- changes: ");
	char	   *older = without_lines(no_changes, "-- confirms: ");
	Plan		parsed;
	char		err[256] = "";
	StrBuf		again;
	bool		parsed_ok = planfile_parse(older, &parsed, err, sizeof(err));

	ok(parsed_ok && parsed.nsteps > 0 && parsed.steps[0].changes == NULL && parsed.steps[0].confirms == NULL,
	   "a plan file without changes and confirms lines, as older versions wrote, parses (%s)", err);
	strbuf_init(&again);
	if (parsed_ok)
		planfile_render(&again, &parsed);
	ok(parsed_ok && strcmp(again.data, older) == 0, "and renders back to itself, without words");
	strbuf_free(&again);
	plan_free(&parsed);
	ok(planfile_parse(text, &parsed, err, sizeof(err)) && parsed.steps[0].changes != NULL &&
	   strcmp(parsed.steps[0].confirms, "done when the new node is in the donor's pg_dist_node and the donor's local group is 1 again") == 0,
	   "the words of a file that has them come back byte for byte");
	plan_free(&parsed);
	refused_edit(text, "-- confirms: ", "-- confirms: a\n-- confirms: ",
				 "a second \"confirms\" line", "plan_repeated_confirms: a confirms line given twice");
	refused_edit(text, "-- changes: ", "-- changes: a\n-- changes: ",
				 "a second \"changes\" line", "plan_repeated_changes: a changes line given twice");
	free(older);
	free(no_changes);
}

/* An orphaned prepared transaction on the second worker, for the operator to decide */
static void
orphan_prepared(ClusterSnapshot *snap)
{
	NodeReport *n = &snap->nodes[snap->first + 1];

	n->prepared = xcalloc(1, sizeof(PreparedXact));
	n->prepared[0].gid = xstrdup("citus_0_1_2_3");
	n->prepared[0].owner = xstrdup("postgres");
	n->prepared[0].database = xstrdup("app");
	n->prepared[0].prepared = xstrdup("2026-01-01 00:00:00+00");
	n->nprepared = 1;
}

/* A decided prepared transaction is a step of its own, explained too */
static void
prepared_plans(void)
{
	PlanChoices decide = {0};
	PreparedChoice rollback = {(char *) "all", PREPARED_ROLLBACK};
	Plan		plan;
	char	   *text;

	snapshot_tweak = orphan_prepared;
	decide.prepared = &rollback;
	decide.nprepared = 1;
	text = render("new-coord:5432", METHOD_NEW_NODE, true, &decide, &plan);
	ok(plan.nsteps > 0 && plan.steps[0].txn == STEP_TXN_NONE &&
	   strstr(plan.steps[0].changes, "is rolled back") != NULL,
	   "a decided prepared transaction is the first step, and its words say it is rolled back");
	explained(&plan, text, "prepared");
	round_trip(text);
	free(text);
	plan_free(&plan);
	snapshot_tweak = NULL;
}

static bool
has_check(const Plan *plan, const char *name, CheckStatus status)
{
	for (int i = 0; i < plan->nchecks; i++)
		if (strcmp(plan->checks[i].name, name) == 0)
			return plan->checks[i].status == status;
	return false;
}

/* Refused without the operator's word; with it, every lost shard comes back empty */
static void
lost_shard_plans(void)
{
	PlanChoices accept = {0};
	Plan		plan;
	char	   *text;

	with_lost_shards = true;
	text = render("new-coord:5432", METHOD_NEW_NODE, true, NULL, &plan);
	ok(has_check(&plan, "lost-shards", CHECK_FAIL) && plan.nsteps == 0,
	   "lost shards fail pre-flight and the plan has no steps");
	ok(strstr(text, "app.audit: shard 102020 (citus local table: every row)") != NULL &&
	   strstr(text, "shard 102009 (hash range -1610612736 to -1073741825), shard 102013 (hash range 536870912 to 1073741823)") != NULL,
	   "the check names each table, shard and hash range");
	free(text);
	plan_free(&plan);

	accept.accept_lost_shards = true;
	text = render("new-coord:5432", METHOD_NEW_NODE, true, &accept, &plan);
	golden("plan-lost-shards-new-node.sql", text);
	explained(&plan, text, "plan-lost-shards-new-node.sql");
	ok(has_check(&plan, "lost-shards", CHECK_WARN) && plan.accepted_lost_shards == 3,
	   "accepted, the check warns and the plan records 3 shards");
	ok(strstr(text, "SET groupid = 1 WHERE groupid = 0 AND shardid IN (102009, 102013, 102020)") != NULL,
	   "the donor keeps the lost placements instead of deleting them");
	ok(strstr(text, "SET groupid = 0 WHERE groupid = 1 AND shardid IN (102020)") != NULL,
	   "the citus local table's placement goes to the new coordinator");
	ok(strstr(text, "-- note: Rows lost with the old coordinator: app.audit, shard 102020 (citus local table: every row); recreated empty on new-coord:5432") != NULL,
	   "a note names each lost shard and where it is recreated");
	round_trip(text);
	free(text);
	plan_free(&plan);

	text = render("w\\2:5432", METHOD_PROMOTE, true, &accept, &plan);
	{
		int			recreate = -1;

		for (int i = 0; i < plan.nsteps; i++)
			if (strncmp(plan.steps[i].purpose, "Recreate", 8) == 0)
				recreate = i;
		ok(strstr(text, "AND shardid NOT IN (102009, 102013, 102020)") != NULL &&
		   recreate >= 0 && strcmp(plan.steps[recreate].host, "w\\2") == 0 &&
		   strstr(plan.steps[recreate].sql, "IN (102009, 102013, 102020)") != NULL,
		   "promote: the lost placements stay in group 0 and the promoted worker recreates them");
	}
	free(text);
	plan_free(&plan);

	with_lost_shards = false;
}

/* Every worker holds the same authinfo row, as its operator set it */
static void
workers_hold_authinfo(ClusterSnapshot *snap)
{
	for (int i = 0; i < snap->nnodes; i++)
		if (snap->nodes[i].reachable && !snap->nodes[i].is_target && i != snap->old_coordinator)
		{
			snap->nodes[i].ledger.authinfo = 1;
			snap->nodes[i].ledger.authinfo_digest = xstrdup("0123456789abcdef0123456789abcdef");
			strlist_add(&snap->nodes[i].ledger.authinfo_keys, "node 3 user postgres");
		}
}

/* The new node cannot reach the second worker */
static void
new_node_misses_a_worker(ClusterSnapshot *snap)
{
	ReachResult *r = &snap->nodes[snap->target].reach.results[1];

	r->reached = false;
	r->error = xstrdup("connection to the remote node postgres@w\\2:5432 failed: fe_sendauth: no password supplied");
}

/* The new node has no extension yet and the plan creates it */
static void
new_node_without_citus(ClusterSnapshot *snap)
{
	NodeReport *t = &snap->nodes[snap->target];

	free(t->citus_extension_version);
	t->citus_extension_version = NULL;
	reach_check_free(&t->reach);
	t->reach.why_not = xstrdup("the new node has no citus extension yet");
}

static void
connection_plans(void)
{
	Plan		plan;
	char	   *text;
	PlanChoices create = {0};

	snapshot_tweak = workers_hold_authinfo;
	text = render("new-coord:5432", METHOD_NEW_NODE, true, NULL, &plan);
	ok(plan.nsteps > 2 && strstr(plan.steps[2].sql, "master_run_on_worker(ARRAY['new-coord']::text[], ARRAY[5432]") != NULL,
	   "authinfo the workers agree on is copied by the donor, right after it adds the new node");
	explained(&plan, text, "authinfo copied");
	ok(strstr(text, "ledger: authinfo (pg_dist_authinfo): rebuilt from workers") != NULL,
	   "the plan header says the authinfo is rebuilt from the workers");
	round_trip(text);
	free(text);
	plan_free(&plan);

	snapshot_tweak = new_node_misses_a_worker;
	text = render("new-coord:5432", METHOD_NEW_NODE, true, NULL, &plan);
	ok(plan.nsteps == 0 && strstr(text, "check: FAIL new-node-reaches-workers: new-coord:5432 cannot reach 1 worker: w\\\\2:5432:") != NULL,
	   "a worker the new node cannot reach fails pre-flight, named with its error");
	free(text);
	plan_free(&plan);

	snapshot_tweak = new_node_without_citus;
	create.create_extension = true;
	text = render("new-coord:5432", METHOD_NEW_NODE, true, &create, &plan);
	ok(plan.nsteps > 2 && strstr(plan.steps[1].sql, "citus_check_connection_to_node(E'w\\\\2', 5432)") != NULL &&
	   strstr(plan.steps[2].sql, "citus_add_node(") != NULL,
	   "without the extension, the plan proves the connections right after creating it, before the donor adds the node");
	ok(strstr(text, "check: warn new-node-reaches-workers: not checked") != NULL, "and pre-flight warns it could not check");
	explained(&plan, text, "extension created");
	round_trip(text);
	free(text);
	plan_free(&plan);
	snapshot_tweak = NULL;
}

static void
set_digest(NodeReport *n, const char *role, const char *digest)
{
	for (int r = 0; r < n->roles.nroles; r++)
		if (strcmp(n->roles.roles[r].name, role) == 0)
		{
			free(n->roles.roles[r].digest);
			n->roles.roles[r].digest = xstrdup(digest);
		}
}

/* The third worker's postgres password differs; so does a role Citus does not sync */
static void
worker_role_differs(ClusterSnapshot *snap)
{
	set_digest(&snap->nodes[snap->first + 2], "postgres", "ffffffffffffffffffffffffffffffff");
	set_digest(&snap->nodes[snap->first + 2], "app\n<B>", "ffffffffffffffffffffffffffffffff");
	set_digest(&snap->nodes[snap->first + 1], "local_only", "eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee");
}

static void
donor_roles_unreadable(ClusterSnapshot *snap)
{
	role_facts_free(&snap->nodes[snap->first].roles);
	snap->nodes[snap->first].roles.no_pg_authid = true;
}

static void
new_node_role_differs(ClusterSnapshot *snap)
{
	set_digest(&snap->nodes[snap->target], "postgres", "ffffffffffffffffffffffffffffffff");
}

static void
role_plans(void)
{
	Plan		plan;
	char	   *text;
	PlanChoices full_resync = {.full_resync = true};

	snapshot_tweak = worker_role_differs;
	text = render("new-coord:5432", METHOD_NEW_NODE, true, NULL, &plan);
	ok(plan.nsteps > 0 && strstr(text, "check: pass roles-match: no metadata sync overwrites the workers' roles;"
								 " the new node's roles are the same as the donor's\n") != NULL,
	   "new node, targeted: a worker's roles may differ from the donor's, since no sync overwrites them");
	free(text);
	plan_free(&plan);
	text = render("w\\2:5432", METHOD_PROMOTE, true, NULL, &plan);
	ok(plan.nsteps > 0 && strstr(text, "check: pass roles-match: no metadata sync overwrites the workers' roles\n") != NULL,
	   "promote, targeted: no roles are spread, so none need match");
	free(text);
	plan_free(&plan);

	text = render("new-coord:5432", METHOD_NEW_NODE, true, &full_resync, &plan);
	ok(plan.nsteps == 0 && strstr(text, "check: FAIL roles-match: the metadata sync gives every worker w'1:5432's"
								  " password and attributes of these roles, which differ on: app\\n<B> (w\"3$body$:5432);"
								  " postgres (w\"3$body$:5432)\n") != NULL,
	   "new node: a worker whose synced roles differ from the donor's fails pre-flight, naming them, a newline made inert");
	ok(strstr(text, "local_only") == NULL && strstr(text, "ffffffff") == NULL,
	   "a role Citus does not sync is left out, and no digest is shown");
	round_trip(text);
	free(text);
	plan_free(&plan);

	text = render("w\\2:5432", METHOD_PROMOTE, true, &full_resync, &plan);
	ok(plan.nsteps == 0 && strstr(text, "check: FAIL roles-match: the metadata sync gives every worker w\\\\2:5432's") != NULL &&
	   strstr(text, "; postgres (w\"3$body$:5432)\n") != NULL,
	   "promote: the promoted worker's roles are the ones spread, and the worker that differs is named");
	free(text);
	plan_free(&plan);

	snapshot_tweak = donor_roles_unreadable;
	text = render("new-coord:5432", METHOD_NEW_NODE, true, NULL, &plan);
	ok(plan.nsteps > 0 && strstr(text, "check: warn roles-match: not checked: w'1:5432's roles could not be read (pg_authid needs a superuser)") != NULL,
	   "roles the donor does not let us read: a warning, not a pass");
	free(text);
	plan_free(&plan);

	snapshot_tweak = new_node_role_differs;
	text = render("new-coord:5432", METHOD_NEW_NODE, true, NULL, &plan);
	ok(plan.nsteps > 0 && strstr(text, "check: warn roles-match: the new node's roles take w'1:5432's password and attributes when it is added: postgres (new-coord:5432)") != NULL,
	   "a role that differs on the new node alone is a warning: the donor overwrites it there");
	free(text);
	plan_free(&plan);
	snapshot_tweak = NULL;
}

/* What interrupted moves left behind goes last, each leftover a step of its own */
static void
leftover_plans(void)
{
	Plan		plan;
	char	   *text;

	with_leftovers = true;
	text = render("new-coord:5432", METHOD_NEW_NODE, true, NULL, &plan);
	golden("plan-leftovers.sql", text);
	explained(&plan, text, "plan-leftovers.sql");
	{
		int			sub = -1, slot = -1, table = -1, role = -1, last_core = -1;

		for (int i = 0; i < plan.nsteps; i++)
		{
			const char *sql = plan.steps[i].sql;

			if (strstr(sql, "DROP SUBSCRIPTION"))
				sub = i;
			else if (strstr(sql, "pg_drop_replication_slot"))
				slot = i;
			else if (strstr(sql, "DROP TABLE IF EXISTS \"My Schema\".\"odd\"\"t$body$_102009\""))
				table = i;
			else if (strstr(sql, "DROP ROLE"))
				role = i;
			else if (strstr(sql, "start_metadata_sync_to_all_nodes") || strstr(sql, "nextval"))
				last_core = i;
		}
		ok(last_core >= 0 && sub > last_core && slot > sub && table > slot && role > table,
		   "leftovers go after the recovery: subscription, slot, shard table, role");
		ok(table >= 0 && strstr(plan.steps[table].sql, "WHERE shardid = 102009") != NULL,
		   "a shard table is dropped only if no placement on its node refers to it then");
		ok(strstr(text, "DROP PUBLICATION IF EXISTS \"citus_shard_move_publication_2_10_7'; DROP\"") != NULL,
		   "a leftover's name is quoted");
		ok(plan.coordinator_at && strcmp(plan.coordinator_at, "new-coord:5432") == 0,
		   "the plan says where its coordinator is, though its last step runs on a worker");
		ok(strstr(text, "-- check: warn leftovers: 5 leftovers of interrupted shard moves or splits, whose slots retain 118 MB of WAL") != NULL &&
		   !plan_has_failures(&plan), "pre-flight warns of them, with the WAL retained, without failing");
	}
	round_trip(text);
	free(text);
	plan_free(&plan);
	with_leftovers = false;
}

static int
count_steps_with(const Plan *plan, const char *needle)
{
	int			n = 0;

	for (int i = 0; i < plan->nsteps; i++)
		n += strstr(plan->steps[i].sql, needle) != NULL;
	return n;
}

static void
second_worker_ids_differ(ClusterSnapshot *snap)
{
	for (int i = 0, seen = 0; i < snap->nnodes; i++)
		if (snap->nodes[i].in_metadata && snap->nodes[i].meta.groupid > 0 && ++seen == 2)
		{
			free(snap->nodes[i].placement_ids_digest);
			snap->nodes[i].placement_ids_digest = xstrdup("00000000000000000000000000000000");
		}
}

/* The targeted change stands in for Citus's full sync only where it gives the same catalogs */
static void
resync_plans(void)
{
	Plan		plan;
	char	   *text;
	PlanChoices full = {.full_resync = true};

	text = render("new-coord:5432", METHOD_NEW_NODE, true, NULL, &plan);
	ok(count_steps_with(&plan, "start_metadata_sync_to_all_nodes") == 0 &&
	   count_steps_with(&plan, "lacks the new node") == 3 && strstr(text, "-- check: pass resync: ") != NULL,
	   "new node: workers that agree get a targeted change, one batch per worker, the donor's included");
	ok(plan.nsteps > 5 && plan.steps[3].txn == STEP_TXN_ATOMIC && plan.steps[5].txn == STEP_TXN_ATOMIC &&
	   plan.steps[3].atomic_group == plan.steps[5].atomic_group, "and the three batches commit as one");
	free(text);
	plan_free(&plan);

	text = render("new-coord:5432", METHOD_NEW_NODE, true, &full, &plan);
	ok(count_steps_with(&plan, "start_metadata_sync_to_all_nodes") == 1 && count_steps_with(&plan, "lacks the new node") == 0 &&
	   strstr(text, "-- check: warn resync: Citus's full metadata sync (start_metadata_sync_to_all_nodes) re-sends every"
			  " worker all of the metadata, because --full-resync asks for it;") != NULL,
	   "--full-resync: Citus's sync, and pre-flight says why and that the workers wait");
	round_trip(text);
	free(text);
	plan_free(&plan);

	snapshot_tweak = second_worker_ids_differ;
	text = render("new-coord:5432", METHOD_NEW_NODE, true, NULL, &plan);
	ok(count_steps_with(&plan, "start_metadata_sync_to_all_nodes") == 1 &&
	   strstr(text, "because the workers' placement ids differ, and the sync makes them the new coordinator's;") != NULL,
	   "workers whose placement ids differ get the full sync, which makes them the new coordinator's");
	free(text);
	plan_free(&plan);
	text = render("w\\2:5432", METHOD_PROMOTE, true, NULL, &plan);
	ok(count_steps_with(&plan, "start_metadata_sync_to_all_nodes") == 1, "promote: the same");
	free(text);
	plan_free(&plan);
	snapshot_tweak = NULL;

	text = render("w\\2:5432", METHOD_PROMOTE, true, NULL, &plan);
	ok(count_steps_with(&plan, "start_metadata_sync_to_all_nodes") == 0 && strstr(text, "-- check: pass resync: ") != NULL,
	   "promote: the renames on every node are all the workers need");
	free(text);
	plan_free(&plan);
	text = render("w\\2:5432", METHOD_PROMOTE, true, &full, &plan);
	ok(count_steps_with(&plan, "start_metadata_sync_to_all_nodes") == 1, "promote with --full-resync: the sync follows the renames");
	free(text);
	plan_free(&plan);
}

/* Every node that answers runs these versions; without a library version only the extension's is left to judge by */
static void
set_versions(ClusterSnapshot *snap, int server_version_num, const char *server_version,
			 const char *library, const char *extension)
{
	for (int i = 0; i < snap->nnodes; i++)
	{
		NodeReport *n = &snap->nodes[i];

		if (!n->reachable)
			continue;
		n->server_version_num = server_version_num;
		free(n->server_version);
		n->server_version = xstrdup(server_version);
		free(n->citus_library_version);
		n->citus_library_version = library ? xstrdup(library) : NULL;
		free(n->citus_extension_version);
		n->citus_extension_version = xstrdup(extension);
	}
}

static void
postgres_16(ClusterSnapshot *snap)
{
	set_versions(snap, 160004, "16.4 (Debian 16.4-1)", "Citus 13.2.2 on x86_64-pc-linux-gnu", "13.2-1");
}

static void
citus_10(ClusterSnapshot *snap)
{
	set_versions(snap, 150020, "15.20", "Citus 10.2.9 on x86_64-pc-linux-gnu", "10.2-4");
}

static void
citus_14_extension_only(ClusterSnapshot *snap)
{
	set_versions(snap, 150020, "15.20", NULL, "14.0-1");
}

static void
version_plans(void)
{
	Plan		plan;
	char	   *text;

	text = render("new-coord:5432", METHOD_NEW_NODE, true, NULL, &plan);
	ok(strstr(text, "supported-version") == NULL, "a tested Citus and PostgreSQL add no version check line");
	free(text);
	plan_free(&plan);

	snapshot_tweak = postgres_16;
	text = render("new-coord:5432", METHOD_NEW_NODE, true, NULL, &plan);
	ok(strstr(text, "-- check: warn supported-version: UNTESTED VERSION: Citus 13.2.2 on PostgreSQL 16.4 (") != NULL &&
	   plan.nsteps > 0 && !plan_has_failures(&plan),
	   "PostgreSQL 16 was never tested: a warning, and the plan keeps its steps");
	free(text);
	plan_free(&plan);

	snapshot_tweak = citus_10;
	text = render("new-coord:5432", METHOD_NEW_NODE, true, NULL, &plan);
	ok(strstr(text, "-- check: FAIL supported-version: UNSUPPORTED VERSION: Citus 10.2.9 on PostgreSQL 15.20 (") != NULL &&
	   plan.nsteps == 0,
	   "Citus 10.2: its workers need not hold the metadata, so the plan fails and has no steps");
	free(text);
	plan_free(&plan);

	snapshot_tweak = citus_14_extension_only;
	text = render("new-coord:5432", METHOD_NEW_NODE, true, NULL, &plan);
	ok(strstr(text, "-- check: warn supported-version: UNTESTED VERSION: Citus 14.0-1 on PostgreSQL 15.20 (") != NULL,
	   "without citus_version(), the extension's version is judged: 14.0 is untested");
	free(text);
	plan_free(&plan);
	snapshot_tweak = NULL;
}

int
main(void)
{
	Plan		plan;
	char	   *text;

	text = render("new-coord:5432", METHOD_NEW_NODE, true, NULL, &plan);
	golden("plan-new-node-include.sql", text);
	explained(&plan, text, "plan-new-node-include.sql");
	older_files(text);
	ok(strstr(text, "citus_add_node('new-coord', 5432)") != NULL, "the donor adds the new node");
	ok(strstr(text, "E'w\\\\2'") == NULL, "node names stay out of the SQL batches");
	ok(strstr(text, "\"My Schema\".\"odd\"\"t\"") != NULL, "a relation name is quoted part by part");
	ok(strstr(text, "ALTER COLUMN \"i d\"") != NULL, "a column name is quoted");
	ok(strstr(text, "$body1$") != NULL || strstr(text, "$body$") != NULL, "DO bodies are dollar-quoted");
	round_trip(text);
	short_bodies(text);
	free(text);
	plan_free(&plan);

	lost_shard_plans();

	text = render("new-coord:5432", METHOD_NEW_NODE, false, NULL, &plan);
	golden("plan-new-node-exclude.sql", text);
	explained(&plan, text, "plan-new-node-exclude.sql");
	{
		int			last = plan.nsteps - 1;

		ok(last >= 0 && strcmp(plan.steps[last].check_sql, "SELECT false") == 0 &&
		   strncmp(plan.steps[last].confirms, "never counted as done", 21) == 0,
		   "a step whose check cannot tell says so in words");
	}
	ok(strstr(text, "DELETE FROM pg_catalog.pg_dist_node WHERE nodename = 'new-coord'") != NULL,
	   "CIM exclude: the new node's row is removed");
	{
		const char *first = strstr(text, "setval('app.orders_id_seq'");

		ok(first != NULL && strstr(first + 1, "setval('app.orders_id_seq'") == NULL &&
		   strstr(first, "FROM \"app\".\"orders\"), (SELECT pg_catalog.max(\"id\") FROM \"app\".\"refunds\"), 1)") != NULL,
		   "shared_serial_sequence: one setval past the ids of both tables drawing from it");
	}
	round_trip(text);
	one_truth(text);
	free(text);
	plan_free(&plan);

	text = render("w\\2:5432", METHOD_PROMOTE, true, NULL, &plan);
	golden("plan-promote-include.sql", text);
	explained(&plan, text, "plan-promote-include.sql");
	group_batches(&plan);
	ok(plan.nsteps >= 3 && plan.steps[0].txn == STEP_TXN_ATOMIC && plan.steps[2].txn == STEP_TXN_ATOMIC,
	   "promote: the rename is one atomic group over the three workers");
	ok(strstr(plan.steps[0].check_sql, "nodename = E'w\\\\2'") != NULL, "a backslash in a node name is escaped in E''");
	round_trip(text);
	free(text);
	plan_free(&plan);

	leftover_plans();

	{
		PlanChoices bad = {0};

		bad.donor = (char *) "nowhere:1";
		text = render("new-coord:5432", METHOD_NEW_NODE, true, &bad, &plan);
		ok(plan.nsteps == 0 && plan_has_failures(&plan), "an unknown donor fails pre-flight and leaves no steps");
		free(text);
		plan_free(&plan);
	}
	connection_plans();
	prepared_plans();
	role_plans();
	resync_plans();
	group_zero_standbys();
	partly_synced();
	version_plans();
	return tap_done();
}
