/*
 * Unit tests: the compare screen on a headless terminal, over a model of
 * 16 workers that answer, 24 that do not, and 100,000 placements.  Every
 * key (cursor, another node's view, focus, paging, another view) must be
 * answered and the screen redrawn in well under 50 ms; the times are
 * printed.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tap.h"

#include "compare.h"
#include "discover.h"
#include "strbuf.h"
#include "wizard.h"

#define WORKERS 16
#define SILENT 24
#define COLUMNS_OF_NODE "nodeid groupid nodename nodeport noderack hasmetadata isactive noderole nodecluster " \
	"metadatasynced shouldhaveshards nodeisclone nodeprimarynodeid"

/* pg_dist_node as every worker has it: the coordinator, the workers, the silent ones */
static void
add_node_view(NodeReport *node, int odd_rack)
{
	for (int id = 1; id <= 1 + WORKERS + SILENT; id++)
	{
		char	   *row = xasprintf("%d\t%d\t10.0.%d.%d\t5432\t%s\ttrue\ttrue\tprimary\tdefault\ttrue\t%s\tfalse\t0",
									id, id - 1, id / 200, id % 200, id == odd_rack ? "rack9" : "default",
									id == 1 ? "false" : "true");

		strlist_add(&node->node_view, row);
		free(row);
	}
}

static void
make_snapshot(ClusterSnapshot *snap)
{
	char	   *columns = xstrdup(COLUMNS_OF_NODE);

	memset(snap, 0, sizeof(*snap));
	for (char *name = strtok(columns, " "); name; name = strtok(NULL, " "))
		strlist_add(&snap->comparisons[CATALOG_NODE].columns, name);
	free(columns);
	strlist_add(&snap->comparisons[CATALOG_PLACEMENT].columns, "shardid");
	strlist_add(&snap->comparisons[CATALOG_PLACEMENT].columns, "groupid");
	snap->nnodes = 1 + WORKERS + SILENT;
	snap->nodes = xcalloc((size_t) snap->nnodes, sizeof(NodeReport));
	for (int i = 0; i < snap->nnodes; i++)
	{
		NodeReport *node = &snap->nodes[i];

		node->meta.nodeid = i + 1;
		node->meta.groupid = i;
		node->meta.hasmetadata = true;
		node->in_metadata = true;
		node->label = xasprintf("10.0.%d.%d:5432", (i + 1) / 200, (i + 1) % 200);
		node->reachable = node->is_citus = i >= 1 && i <= WORKERS;
		for (int c = 0; c < CATALOG_COUNT && node->reachable; c++)
			node->catalogs[c].digest = xstrdup(i == 5 ? "odd" : "same");
		if (node->reachable)
			add_node_view(node, i == 5 ? 7 : 0);
	}
	snap->first = 1;
	snap->nodes[1].is_first = true;
	for (int c = 0; c < CATALOG_COUNT; c++)
		snap->comparisons[c].reference = 1;
	snap->comparisons[CATALOG_PLACEMENT].compared = WORKERS;
}

/* 100,000 placements over `groups` groups (from group 1); node 5 places some elsewhere */
static PlacementRow *
make_placements(ClusterSnapshot *snap, int groups)
{
	PlacementRow *rows = xcalloc(100001, sizeof(PlacementRow));
	CatalogComparison *cmp = &snap->comparisons[CATALOG_PLACEMENT];
	RowDiff    *diff;

	for (int d = 0; d < cmp->ndiffs; d++)
		rowdiff_free(&cmp->diffs[d]);
	free(cmp->diffs);

	for (int i = 0; i < 100000; i++)
	{
		rows[i].table = xasprintf("app.table_%03d", i % 300);
		rows[i].shardid = 200000 + i;
		rows[i].groupid = 1 + i % groups;
		rows[i].placementid = i + 1;
		rows[i].minvalue = xasprintf("%d", -2147483647 + i * 4000);
		rows[i].maxvalue = xasprintf("%d", -2147483647 + i * 4000 + 3999);
	}
	diff = xcalloc(1, sizeof(RowDiff));
	diff->node = 5;
	diff->reference = 1;
	diff->extra = xcalloc(1000, sizeof(char *));
	for (int i = 0; i < 1000; i++)
		diff->extra[diff->nextra++] = xasprintf("%d\t%d", 200000 + i * 97, 1 + (i * 5) % WORKERS);
	cmp->diffs = diff;
	cmp->ndiffs = 1;
	return rows;
}

static double
now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double) t.tv_sec * 1000.0 + (double) t.tv_nsec / 1e6;
}

static void
redraw(Wizard *w)
{
	erase();
	screen_compare.draw(w);
	wnoutrefresh(stdscr);
	doupdate();
}

/* The slowest of `count` presses of a key, each answered and drawn */
static double
press(Wizard *w, int key, int count)
{
	double		slowest = 0;

	for (int k = 0; k < count; k++)
	{
		double		start = now_ms();
		double		took;

		screen_compare.key(w, key, wiz_command_for_key(key));
		redraw(w);
		took = now_ms() - start;
		if (took > slowest)
			slowest = took;
	}
	return slowest;
}

static void
open_panes(Wizard *w, const CompareModel *model)
{
	WizLines	none = {NULL, 0};

	compare_panes_close(&w->compare);
	compare_panes_open(&w->compare, model, COLS, none);
}

static void
test_screen_content(Wizard *w, const CompareModel *model)
{
	char		text[256];

	open_panes(w, model);
	redraw(w);
	ok(w->compare.nodes.count == 1 + WORKERS + SILENT, "a line per pg_dist_node row");
	is_int(w->compare.nodes.cursor, 0, "the cursor starts on the first row");
	press(w, KEY_DOWN, 1);
	is_int(w->compare.group, 1, "Down: the placements pane shows the next row's group");
	is_int(w->compare.shown.count, 100000 / WORKERS, "all its placements");
	press(w, ']', 4);
	is_int(w->compare.view, 4, "] shows the next node's view");
	mvinnstr(body_top(), 0, text, 60);
	ok(strstr(text, "pg_dist_node on 10.0.0.6:5432 (5 of 16)") != NULL, "the pane is named by its node: %s", text);
	ok(w->compare.nodes.lines[6].differs, "the odd rack is marked on the odd node's side");
	press(w, '[', 4);
	ok(!w->compare.nodes.lines[6].differs, "not on the others'");
	press(w, 'v', 1);
	ok(strstr(w->compare.matrix.lines[0].text, "Nodes 1-31 of 41; Right: the next ones") != NULL,
	   "the matrix pages at 80 columns: %s", w->compare.matrix.lines[0].text);
	press(w, KEY_RIGHT, 1);
	ok(strstr(w->compare.matrix.lines[0].text, "Nodes 32-41 of 41; Left: the previous ones") != NULL,
	   "Right turns the page: %s", w->compare.matrix.lines[0].text);
	press(w, 'v', 2);
}

/* Every kind of key, the slowest of each printed */
static void
test_key_times(Wizard *w, const CompareModel *model, const char *what)
{
	double		slowest = 0;
	struct
	{
		const char *name;
		int			key;
		int			count;
	}			keys[] = {
		{"Down", KEY_DOWN, 20}, {"Up", KEY_UP, 5}, {"]", ']', 16}, {"[", '[', 3},
		{"End", KEY_END, 1}, {"Right", KEY_RIGHT, 3}, {"Tab", '\t', 1}, {"PgDn", KEY_NPAGE, 3},
		{"End", KEY_END, 1}, {"Tab", '\t', 1}, {"v", 'v', 1}, {"Right", KEY_RIGHT, 2},
		{"Left", KEY_LEFT, 1}, {"v", 'v', 2},
	};
	StrBuf		report;

	strbuf_init(&report);
	open_panes(w, model);
	redraw(w);
	for (size_t k = 0; k < sizeof(keys) / sizeof(keys[0]); k++)
	{
		double		took = press(w, keys[k].key, keys[k].count);

		strbuf_printf(&report, " %s %.1f", keys[k].name, took);
		if (took > slowest)
			slowest = took;
	}
	printf("# %s, %dx%d, slowest per key (ms):%s\n", what, COLS, LINES, report.data);
	ok(slowest < 50, "%s at %dx%d: every key answered and drawn in %.1f ms at most", what, COLS, LINES, slowest);
	strbuf_free(&report);
}

int
main(void)
{
	FILE	   *out = fopen("/dev/null", "w");
	FILE	   *in = fopen("/dev/null", "r");
	SCREEN	   *term;
	Wizard		w;
	ClusterSnapshot snap;
	CompareModel *spread;
	CompareModel *one_group;
	PlacementRow *rows;

	setenv("LINES", "24", 1);
	setenv("COLUMNS", "80", 1);
	term = newterm("xterm", out, in);
	if (term == NULL)
	{
		printf("1..0 # SKIP no xterm terminal description\n");
		return 0;
	}
	set_term(term);
	memset(&w, 0, sizeof(w));

	make_snapshot(&snap);
	rows = make_placements(&snap, WORKERS);
	spread = compare_model_build(&snap, rows, 100000, NULL);
	rows = make_placements(&snap, 1);
	one_group = compare_model_build(&snap, rows, 100000, NULL);

	test_screen_content(&w, spread);
	test_key_times(&w, spread, "100,000 placements on 16 groups");
	test_key_times(&w, one_group, "100,000 placements in one group");
	resizeterm(43, 132);
	test_key_times(&w, spread, "100,000 placements on 16 groups");
	test_key_times(&w, one_group, "100,000 placements in one group");

	compare_panes_close(&w.compare);
	compare_model_free(spread);
	compare_model_free(one_group);
	snapshot_free(&snap);
	endwin();
	delscreen(term);
	fclose(out);
	fclose(in);
	return tap_done();
}
