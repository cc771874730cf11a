/*
 * Unit tests: the compare screen's model, from snapshots built by hand:
 * the value most nodes hold per pg_dist_node cell, placements grouped by
 * group, the shards nodes disagree on, and the agreement matrix.
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tap.h"

#include "discover.h"
#include "strbuf.h"
#include "wizard_compare.h"

static const char *const node_columns[] = {"nodeid", "groupid", "nodename", "nodeport", "isactive"};

/* A node of the snapshot that answered, with its pg_dist_node rows (NULL-ended) */
static void
add_node(ClusterSnapshot *snap, int nodeid, int groupid, const char *label, const char *digest,
		 const char *const *rows)
{
	NodeReport *node;

	snap->nodes = xrealloc(snap->nodes, sizeof(NodeReport) * (size_t) (snap->nnodes + 1));
	node = &snap->nodes[snap->nnodes++];
	memset(node, 0, sizeof(*node));
	node->meta.nodeid = nodeid;
	node->meta.groupid = groupid;
	node->meta.hasmetadata = true;
	node->in_metadata = true;
	node->label = xstrdup(label);
	node->reachable = digest != NULL;
	node->is_citus = digest != NULL;
	for (int c = 0; c < CATALOG_COUNT && digest; c++)
		node->catalogs[c].digest = xstrdup(digest);
	for (int r = 0; rows && rows[r]; r++)
		strlist_add(&node->node_view, rows[r]);
}

static void
set_columns(ClusterSnapshot *snap)
{
	for (size_t c = 0; c < sizeof(node_columns) / sizeof(node_columns[0]); c++)
		strlist_add(&snap->comparisons[CATALOG_NODE].columns, node_columns[c]);
	strlist_add(&snap->comparisons[CATALOG_PLACEMENT].columns, "shardid");
	strlist_add(&snap->comparisons[CATALOG_PLACEMENT].columns, "groupid");
}

/*
 * Four nodes: the first and w1 agree; w2 sees w1 inactive, lacks the
 * coordinator's row, has a row of its own and an escaped name; w3 did not
 * answer.
 */
static void
make_cluster(ClusterSnapshot *snap)
{
	static const char *const agreed[] = {
		"1\t0\tcoord\t5432\ttrue", "2\t1\tw1\t5433\ttrue", "3\t2\tw2\t5434\ttrue", NULL,
	};
	static const char *const odd[] = {
		"2\t1\tw1\t5433\tfalse", "3\t2\tw2\t5434\ttrue", "9\t7\ta\\tb\t\\N\ttrue", NULL,
	};

	memset(snap, 0, sizeof(*snap));
	set_columns(snap);
	add_node(snap, 2, 1, "w1:5433", "d1", agreed);
	add_node(snap, 3, 2, "w2:5434", "d1", agreed);
	add_node(snap, 4, 3, "w3:5435", "d2", odd);
	add_node(snap, 5, 4, "w4:5436", NULL, NULL);
	snap->nodes[0].is_first = true;
	snap->first = 0;
	free(snap->nodes[2].catalogs[CATALOG_PLACEMENT].digest);
	snap->nodes[2].catalogs[CATALOG_PLACEMENT].digest = xstrdup("other");
	snap->comparisons[CATALOG_PLACEMENT].reference = 0;
	snap->comparisons[CATALOG_PLACEMENT].compared = 3;
	for (int c = 0; c < CATALOG_COUNT; c++)
		if (c != CATALOG_PLACEMENT)
			snap->comparisons[c].reference = 0;
}

static int
row_of_nodeid(const CompareModel *m, int nodeid)
{
	for (int r = 0; r < compare_rows(m); r++)
		if (compare_row_nodeid(m, r) == nodeid)
			return r;
	return -1;
}

static void
test_node_majority(void)
{
	ClusterSnapshot snap;
	CompareModel *m;
	bool		differs;
	int			odd_view = 2;

	make_cluster(&snap);
	m = compare_model_build(&snap, NULL, 0, NULL);
	is_int(compare_views(m), 3, "a view per node whose pg_dist_node was read");
	is_int(compare_first_view(m), 0, "the screen starts at the first node's view");
	is_str(compare_view_label(m, odd_view), "w3:5435", "views are named by their node");
	is_int(compare_columns(m), 5, "the compared columns");
	is_str(compare_column(m, 4), "isactive", "in their order");
	is_int(compare_rows(m), 4, "a row per nodeid any view has");
	is_int(compare_row_nodeid(m, 3), 9, "by nodeid");

	is_int(compare_row_state(m, 0, row_of_nodeid(m, 2)), ROW_AGREES, "the majority's row agrees");
	is_int(compare_row_state(m, 0, row_of_nodeid(m, 9)), ROW_ABSENT, "another node's extra row is not the first's to show");
	is_int(compare_row_state(m, odd_view, row_of_nodeid(m, 1)), ROW_MISSING, "a row most nodes have is missing");
	is_int(compare_row_state(m, odd_view, row_of_nodeid(m, 2)), ROW_DIFFERS, "a row with a differing cell differs");
	is_int(compare_row_state(m, odd_view, row_of_nodeid(m, 3)), ROW_AGREES, "an equal row agrees");
	is_int(compare_row_state(m, odd_view, row_of_nodeid(m, 9)), ROW_EXTRA, "a row most nodes lack is extra");

	is_str(compare_cell(m, odd_view, row_of_nodeid(m, 2), 4, &differs), "false", "the cell as its node has it");
	ok(differs, "differs from the majority's value");
	compare_cell(m, odd_view, row_of_nodeid(m, 2), 2, &differs);
	ok(!differs, "its other cells do not");
	ok(compare_cell(m, odd_view, row_of_nodeid(m, 1), 0, &differs) == NULL && differs,
	   "a missing row has no cells, and they differ");
	is_str(compare_cell(m, odd_view, row_of_nodeid(m, 9), 2, &differs), "a\\tb",
		   "an escaped tab is shown escaped, not as a tab");
	ok(differs, "every cell of an extra row differs");
	is_str(compare_cell(m, odd_view, row_of_nodeid(m, 9), 3, &differs), "\\N", "NULL is shown as \\N");

	is_int(compare_row_group(m, odd_view, row_of_nodeid(m, 2)), 1, "a row's group, as the view has it");
	is_int(compare_row_group(m, odd_view, row_of_nodeid(m, 1)), 0, "a missing row's group is the majority's");
	compare_model_free(m);

	/* w1 keeps no metadata: it does not vote, and the tie goes to the first node */
	snap.nodes[1].meta.hasmetadata = false;
	m = compare_model_build(&snap, NULL, 0, NULL);
	ok(!compare_view_counted(m, 1), "a worker without metadata does not count");
	compare_cell(m, 0, row_of_nodeid(m, 2), 4, &differs);
	ok(!differs, "a tie goes to the first node's value");
	compare_cell(m, odd_view, row_of_nodeid(m, 2), 4, &differs);
	ok(differs, "and the other side differs");
	is_int(compare_row_state(m, odd_view, row_of_nodeid(m, 1)), ROW_MISSING, "presence ties go the first node's way too");
	compare_model_free(m);
	snapshot_free(&snap);
}

static PlacementRow *
placement_rows(const char *const *specs, int count)
{
	PlacementRow *rows = xcalloc((size_t) count + 1, sizeof(PlacementRow));

	for (int i = 0; i < count; i++)
	{
		char		table[64];
		long long	shardid;
		int			groupid;

		if (sscanf(specs[i], "%63s %lld %d", table, &shardid, &groupid) != 3)
			abort();
		rows[i].table = xstrdup(table);
		rows[i].shardid = shardid;
		rows[i].groupid = groupid;
		rows[i].placementid = 1000 + i;
		rows[i].minvalue = xasprintf("%lld", shardid * 10);
		rows[i].maxvalue = xasprintf("%lld", shardid * 10 + 9);
	}
	return rows;
}

/* w3 places shard 102008 in group 3 where the others place it in group 1 */
static void
add_placement_diff(ClusterSnapshot *snap)
{
	CatalogComparison *cmp = &snap->comparisons[CATALOG_PLACEMENT];
	RowDiff    *diff;

	cmp->agree = false;
	cmp->diffs = xcalloc(1, sizeof(RowDiff));
	cmp->ndiffs = 1;
	diff = &cmp->diffs[0];
	diff->node = 2;
	diff->reference = 0;
	diff->missing = xcalloc(1, sizeof(char *));
	diff->missing[diff->nmissing++] = xstrdup("102008\t1");
	diff->extra = xcalloc(2, sizeof(char *));
	diff->extra[diff->nextra++] = xstrdup("102008\t3");
	diff->extra[diff->nextra++] = xstrdup("555\t2");
}

static void
test_placements(void)
{
	static const char *const specs[] = {
		"app.orders 102017 2", "app.accounts 102009 2", "app.orders 102016 1",
		"app.accounts 102008 1", "app.currencies 102024 1", "app.currencies 102024 2",
	};
	ClusterSnapshot snap;
	CompareModel *m;
	ComparePlacements group;

	make_cluster(&snap);
	add_placement_diff(&snap);
	m = compare_model_build(&snap, placement_rows(specs, 6), 6, NULL);
	group = compare_group_placements(m, 1);
	is_int(group.count, 3, "group 1: its placements only");
	is_str(group.rows[0].table, "app.accounts", "by table");
	is_int(group.rows[1].shardid, 102024, "then shard");
	is_str(group.rows[0].range, "1020080..1020089", "with the shard's hash range");
	is_int(group.rows[0].placementid, 1003, "and the first node's placement id");
	ok(group.rows[0].disputed, "a shard the nodes place differently is disputed");
	is_int(group.rows[0].holders, 2, "placed in this group by all but the node that lacks it");
	ok(!group.rows[1].disputed && group.rows[1].holders == 3, "an agreed shard: every node places it");

	group = compare_group_placements(m, 3);
	is_int(group.count, 1, "a group only another node places a shard in still shows it");
	ok(group.rows[0].others_only && group.rows[0].holders == 1, "as the others' placement, on one node");
	is_str(group.rows[0].table, "app.accounts", "named by the table the first node knows the shard by");
	group = compare_group_placements(m, 2);
	is_int(group.count, 4, "group 2: three of the first node's and one only another node has");
	is_str(group.rows[0].table, "?", "a shard the first node does not know has no table name");
	is_int(compare_group_placements(m, 42).count, 0, "a group without placements has none");

	ok(compare_shard_disputed(m, 102008) && compare_shard_disputed(m, 555), "disputed shards are found");
	ok(!compare_shard_disputed(m, 102009), "others are not");
	is_int(compare_placement_nodes(m), 3, "holders count out of the nodes compared");
	compare_model_free(m);

	m = compare_model_build(&snap, NULL, 0, "the placements could not be read: timeout");
	is_str(compare_placements_error(m), "the placements could not be read: timeout", "why there are none");
	compare_model_free(m);
	snapshot_free(&snap);
}

static void
test_matrix(void)
{
	ClusterSnapshot snap;
	CompareModel *m;

	make_cluster(&snap);
	add_node(&snap, -1, -1, "new:5440", "d1", NULL);
	snap.nodes[4].is_target = true;
	snap.nodes[1].in_recovery = true;
	snap.nodes[1].local_group = 0;
	m = compare_model_build(&snap, NULL, 0, NULL);
	is_int(compare_matrix_nodes(m), 4, "a column per node, the new coordinator aside");
	is_str(compare_matrix_heading(m, 2), "4", "headed by its nodeid");
	is_str(compare_matrix_label(m, 2), "w3:5435", "and named in the key");
	is_int(compare_agreement(m, 0, CATALOG_NODE), AGREEMENT_AGREES, "the majority agrees");
	is_int(compare_agreement(m, 2, CATALOG_PLACEMENT), AGREEMENT_DIFFERS, "a differing digest differs");
	is_int(compare_agreement(m, 3, CATALOG_NODE), AGREEMENT_NOT_READ, "a node that did not answer was not read");
	is_int(compare_agreement(m, 1, CATALOG_SHARD), AGREEMENT_NOT_COMPARED,
		   "the old coordinator's standby is read but not compared");
	compare_model_free(m);
	snapshot_free(&snap);
}

static double
elapsed_ms(const struct timespec *start)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double) (now.tv_sec - start->tv_sec) * 1000.0 + (double) (now.tv_nsec - start->tv_nsec) / 1e6;
}

/*
 * 100,000 placements on 16 groups, a thousand of them disputed: the model
 * is built once, then each group is a lookup.  The bounds are loose (a
 * sanitizer build is slow); the times are printed.
 */
static void
test_scale(void)
{
	ClusterSnapshot snap;
	PlacementRow *rows = xcalloc(100001, sizeof(PlacementRow));
	CatalogComparison *cmp;
	CompareModel *m;
	struct timespec start;
	double		build_ms;
	double		lookup_ms;
	int			total = 0;

	make_cluster(&snap);
	for (int i = 0; i < 100000; i++)
	{
		rows[i].table = xasprintf("app.table_%03d", i % 300);
		rows[i].shardid = 200000 + i;
		rows[i].groupid = 1 + i % 16;
		rows[i].placementid = i;
	}
	cmp = &snap.comparisons[CATALOG_PLACEMENT];
	cmp->diffs = xcalloc(1, sizeof(RowDiff));
	cmp->ndiffs = 1;
	cmp->diffs[0].node = 2;
	cmp->diffs[0].extra = xcalloc(1000, sizeof(char *));
	for (int i = 0; i < 1000; i++)
		cmp->diffs[0].extra[cmp->diffs[0].nextra++] = xasprintf("%d\t%d", 200000 + i * 97, 17);

	clock_gettime(CLOCK_MONOTONIC, &start);
	m = compare_model_build(&snap, rows, 100000, NULL);
	build_ms = elapsed_ms(&start);
	clock_gettime(CLOCK_MONOTONIC, &start);
	for (int g = 1; g <= 17; g++)
		total += compare_group_placements(m, g).count;
	lookup_ms = elapsed_ms(&start);
	printf("# 100,000 placements: model built in %.1f ms, 17 groups looked up in %.3f ms\n", build_ms, lookup_ms);
	is_int(total, 101000, "every placement is in its group, the others' too");
	is_int(compare_group_placements(m, 17).count, 1000, "the group only another node uses");
	ok(build_ms < 2000, "the model is built in well under two seconds (%.1f ms)", build_ms);
	ok(lookup_ms < 5, "looking groups up costs next to nothing (%.3f ms)", lookup_ms);
	compare_model_free(m);
	snapshot_free(&snap);
}

int
main(void)
{
	test_node_majority();
	test_placements();
	test_matrix();
	test_scale();
	return tap_done();
}
