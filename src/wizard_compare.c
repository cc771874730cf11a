#include "config.h"

#include "wizard_compare.h"
#include "catalog.h"
#include "compare.h"
#include "discover.h"
#include "strbuf.h"
#include "termsafe.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

/* A field no row can hold, since rows escape their tabs: a row that is not there */
static const char absent[] = "\t";

/* One node's pg_dist_node, split into fields */
typedef struct NodeView
{
	int			node;			/* its index in the snapshot */
	char	   *label;
	bool		counted;
	int			nrows;
	int		   *row_of;			/* per model row: the view's row, or -1 */
	char	  **raw;			/* nrows x columns, as the row text has them */
	char	  **text;			/* the same for the screen */
} NodeView;

typedef struct MatrixNode
{
	char	   *heading;
	char	   *label;
	Agreement	agreement[CATALOG_COUNT];
} MatrixNode;

/* A (shard, group) pair that some node's placements have and another's lack */
typedef struct DisputedPair
{
	int64_t		shardid;
	int			groupid;
	int			holders;
} DisputedPair;

struct CompareModel
{
	StrList		columns;
	int			groupid_column;
	NodeView   *views;
	int			nviews;
	int			first_view;
	int		   *nodeids;
	int			nnodeids;
	bool	   *expected;		/* per row: most nodes have it */
	const char **majority;		/* rows x columns: the value most nodes hold, or NULL */

	struct PlacementRow *source;
	int			nsource;
	char	  **owned;			/* table names and ranges, ASCII-safe (as the wizard draws them), shared */
	int			nowned;
	int			owned_capacity;
	ComparePlacement *placements;	/* by group, table, shard */
	int			nplacements;
	int		   *group_ids;
	ComparePlacements *groups;	/* by group_ids */
	int			ngroups;
	DisputedPair *pairs;		/* by shard, group */
	int			npairs;
	int64_t    *disputed;		/* shard ids of the pairs, sorted, once each */
	int			ndisputed;
	int			placement_nodes;
	char	   *placements_error;

	MatrixNode *matrix;
	int			nmatrix;
};

static int
column_index(const StrList *columns, const char *name)
{
	for (int c = 0; c < columns->count; c++)
		if (strcmp(columns->items[c], name) == 0)
			return c;
	return -1;
}

/* Field `index` of a row text as an integer; false for NULL or a field not there */
static bool
row_int(const char *row, int index, int64_t *out)
{
	char	   *value = NULL;
	bool		ok = index >= 0 && catalog_row_field(row, index, &value) && value != NULL;

	if (ok)
		*out = strtoll(value, NULL, 10);
	free(value);
	return ok;
}

static int
compare_ints(const void *a, const void *b)
{
	int			x = *(const int *) a;
	int			y = *(const int *) b;

	return x < y ? -1 : x > y;
}

static int
compare_int64s(const void *a, const void *b)
{
	int64_t		x = *(const int64_t *) a;
	int64_t		y = *(const int64_t *) b;

	return x < y ? -1 : x > y;
}

/* ---- pg_dist_node ----------------------------------------------------------- */

/* Splits each row into its fields: raw for comparing, text for showing */
static void
split_view(NodeView *view, const StrList *rows, int ncolumns)
{
	view->nrows = rows->count;
	view->raw = xcalloc((size_t) (rows->count * ncolumns) + 1, sizeof(char *));
	view->text = xcalloc((size_t) (rows->count * ncolumns) + 1, sizeof(char *));
	for (int r = 0; r < rows->count; r++)
	{
		const char *p = rows->items[r];

		for (int c = 0; c < ncolumns; c++)
		{
			const char *tab = p ? strchr(p, '\t') : NULL;
			char	   *value = NULL;

			view->raw[r * ncolumns + c] = p ? xstrndup(p, tab ? (size_t) (tab - p) : strlen(p)) :
				xstrdup("\\N");
			if (p && catalog_row_field(rows->items[r], c, &value) && value != NULL)
				view->text[r * ncolumns + c] = ascii_safe_dup(value);
			else
				view->text[r * ncolumns + c] = xstrdup("\\N");
			free(value);
			p = tab ? tab + 1 : NULL;
		}
	}
}

/* The nodes whose pg_dist_node was read; the new coordinator is no member */
static void
read_views(CompareModel *m, const ClusterSnapshot *snap)
{
	m->views = xcalloc((size_t) snap->nnodes + 1, sizeof(NodeView));
	for (int i = 0; i < snap->nnodes; i++)
	{
		const NodeReport *node = &snap->nodes[i];
		NodeView   *view;

		if (node->is_target || !node->reachable || node->catalogs[CATALOG_NODE].digest == NULL)
			continue;
		view = &m->views[m->nviews];
		view->node = i;
		view->label = ascii_safe_dup(node->label ? node->label : "?");
		view->counted = node_compared(node);
		split_view(view, &node->node_view, m->columns.count);
		if (i == snap->first)
			m->first_view = m->nviews;
		m->nviews++;
	}
}

/* Every nodeid some view has, once each, and where each view has it */
static void
index_rows(CompareModel *m)
{
	int			nodeid_column = column_index(&m->columns, "nodeid");
	int			total = 0;
	int			unique = 0;

	for (int v = 0; v < m->nviews; v++)
		total += m->views[v].nrows;
	m->nodeids = xcalloc((size_t) total + 1, sizeof(int));
	for (int v = 0; v < m->nviews && nodeid_column >= 0; v++)
		for (int r = 0; r < m->views[v].nrows; r++)
			m->nodeids[m->nnodeids++] = atoi(m->views[v].raw[r * m->columns.count + nodeid_column]);
	if (m->nnodeids > 0)
		qsort(m->nodeids, (size_t) m->nnodeids, sizeof(int), compare_ints);
	for (int k = 0; k < m->nnodeids; k++)
		if (unique == 0 || m->nodeids[unique - 1] != m->nodeids[k])
			m->nodeids[unique++] = m->nodeids[k];
	m->nnodeids = unique;

	for (int v = 0; v < m->nviews; v++)
	{
		NodeView   *view = &m->views[v];

		view->row_of = xcalloc((size_t) m->nnodeids + 1, sizeof(int));
		for (int k = 0; k < m->nnodeids; k++)
			view->row_of[k] = -1;
		for (int r = 0; r < view->nrows && nodeid_column >= 0; r++)
		{
			int			nodeid = atoi(view->raw[r * m->columns.count + nodeid_column]);
			int		   *at = bsearch(&nodeid, m->nodeids, (size_t) m->nnodeids, sizeof(int), compare_ints);

			view->row_of[at - m->nodeids] = r;
		}
	}
}

static const char *
view_raw(const CompareModel *m, int view, int row, int column)
{
	const NodeView *v = &m->views[view];
	int			r = v->row_of[row];

	return r < 0 ? absent : v->raw[r * m->columns.count + column];
}

/*
 * Per row, whether most nodes have it, then per column the value most of
 * those hold.  Only the views that count vote (all, when none does); a tie
 * goes to the first node's side, as it does for the catalogs' digests.
 */
static void
find_majorities(CompareModel *m)
{
	int			ncolumns = m->columns.count;
	const char **values = xcalloc((size_t) m->nviews + 1, sizeof(char *));
	bool		any_counted = false;

	for (int v = 0; v < m->nviews; v++)
		any_counted |= m->views[v].counted;
	m->expected = xcalloc((size_t) m->nnodeids + 1, sizeof(bool));
	m->majority = xcalloc((size_t) (m->nnodeids * ncolumns) + 1, sizeof(char *));
	for (int r = 0; r < m->nnodeids; r++)
	{
		for (int c = -1; c < ncolumns; c++)
		{
			int			n = 0;
			int			prefer = -1;
			int			winner;

			for (int v = 0; v < m->nviews; v++)
			{
				bool		has_row = m->views[v].row_of[r] >= 0;

				if (any_counted && !m->views[v].counted)
					continue;
				if (v == m->first_view)
					prefer = n;
				/* presence first (c = -1), then the values of the rows present */
				if (c < 0)
					values[n++] = has_row ? "present" : absent;
				else
					values[n++] = has_row ? view_raw(m, v, r, c) : NULL;
			}
			winner = digest_majority(values, n, prefer);
			if (c < 0)
				m->expected[r] = winner >= 0 && values[winner] != absent;
			else
				m->majority[r * ncolumns + c] = winner >= 0 ? values[winner] : NULL;
		}
	}
	free(values);
}

int
compare_views(const CompareModel *m)
{
	return m ? m->nviews : 0;
}

const char *
compare_view_label(const CompareModel *m, int view)
{
	return m->views[view].label;
}

bool
compare_view_counted(const CompareModel *m, int view)
{
	return m->views[view].counted;
}

int
compare_first_view(const CompareModel *m)
{
	return m->first_view;
}

int
compare_columns(const CompareModel *m)
{
	return m->columns.count;
}

const char *
compare_column(const CompareModel *m, int column)
{
	return m->columns.items[column];
}

int
compare_rows(const CompareModel *m)
{
	return m->nnodeids;
}

int
compare_row_nodeid(const CompareModel *m, int row)
{
	return m->nodeids[row];
}

static bool
cell_differs(const CompareModel *m, int row, int column, const char *raw)
{
	const char *majority = m->majority[row * m->columns.count + column];

	return !m->expected[row] || majority == NULL || strcmp(raw, majority) != 0;
}

CompareRowState
compare_row_state(const CompareModel *m, int view, int row)
{
	if (m->views[view].row_of[row] < 0)
		return m->expected[row] ? ROW_MISSING : ROW_ABSENT;
	if (!m->expected[row])
		return ROW_EXTRA;
	for (int c = 0; c < m->columns.count; c++)
		if (cell_differs(m, row, c, view_raw(m, view, row, c)))
			return ROW_DIFFERS;
	return ROW_AGREES;
}

const char *
compare_cell(const CompareModel *m, int view, int row, int column, bool *differs)
{
	const NodeView *v = &m->views[view];
	int			r = v->row_of[row];

	*differs = r < 0 ? m->expected[row] : cell_differs(m, row, column, view_raw(m, view, row, column));
	return r < 0 ? NULL : v->text[r * m->columns.count + column];
}

int
compare_row_group(const CompareModel *m, int view, int row)
{
	const char *raw;

	if (m->groupid_column < 0)
		return -1;
	raw = view_raw(m, view, row, m->groupid_column);
	if (raw == absent)
		raw = m->majority[row * m->columns.count + m->groupid_column];
	return raw == NULL || strcmp(raw, "\\N") == 0 ? -1 : atoi(raw);
}

/* ---- placements --------------------------------------------------------------- */

typedef struct PairEvent
{
	int64_t		shardid;
	int			groupid;
	bool		missing;		/* the reference has it and this node lacks it */
} PairEvent;

static int
compare_pair_order(int64_t shard_a, int group_a, int64_t shard_b, int group_b)
{
	if (shard_a != shard_b)
		return shard_a < shard_b ? -1 : 1;
	return group_a < group_b ? -1 : group_a > group_b;
}

static int
compare_events(const void *a, const void *b)
{
	const PairEvent *x = a;
	const PairEvent *y = b;

	return compare_pair_order(x->shardid, x->groupid, y->shardid, y->groupid);
}

static int
compare_pairs(const void *a, const void *b)
{
	const DisputedPair *x = a;
	const DisputedPair *y = b;

	return compare_pair_order(x->shardid, x->groupid, y->shardid, y->groupid);
}

/* Every (shard, group) of every differing placement row, as missing or extra */
static PairEvent *
pair_events(const ClusterSnapshot *snap, int *count)
{
	const CatalogComparison *cmp = &snap->comparisons[CATALOG_PLACEMENT];
	int			shard_column = column_index(&cmp->columns, "shardid");
	int			group_column = column_index(&cmp->columns, "groupid");
	PairEvent  *events = NULL;
	int			n = 0;

	for (int d = 0; d < cmp->ndiffs; d++)
	{
		const RowDiff *diff = &cmp->diffs[d];

		events = xrealloc(events, sizeof(PairEvent) * (size_t) (n + diff->nmissing + diff->nextra + 1));
		for (int r = 0; r < diff->nmissing + diff->nextra; r++)
		{
			bool		missing = r < diff->nmissing;
			const char *row = missing ? diff->missing[r] : diff->extra[r - diff->nmissing];
			int64_t		shardid;
			int64_t		groupid;

			if (!row_int(row, shard_column, &shardid) || !row_int(row, group_column, &groupid))
				continue;
			events[n].shardid = shardid;
			events[n].groupid = (int) groupid;
			events[n].missing = missing;
			n++;
		}
	}
	*count = n;
	return events;
}

/*
 * How many nodes place each disputed pair: a pair the reference has is
 * held by every node compared but those that lack it; one it lacks, by
 * the nodes that have it extra.
 */
static void
find_disputed_pairs(CompareModel *m, const ClusterSnapshot *snap)
{
	int			nevents;
	PairEvent  *events = pair_events(snap, &nevents);

	m->placement_nodes = snap->comparisons[CATALOG_PLACEMENT].compared;
	if (nevents > 0)
		qsort(events, (size_t) nevents, sizeof(PairEvent), compare_events);
	m->pairs = xcalloc((size_t) nevents + 1, sizeof(DisputedPair));
	m->disputed = xcalloc((size_t) nevents + 1, sizeof(int64_t));
	for (int e = 0; e < nevents;)
	{
		int			missing = 0;
		int			extra = 0;
		int			end = e;

		while (end < nevents && compare_events(&events[e], &events[end]) == 0)
		{
			if (events[end].missing)
				missing++;
			else
				extra++;
			end++;
		}
		m->pairs[m->npairs].shardid = events[e].shardid;
		m->pairs[m->npairs].groupid = events[e].groupid;
		m->pairs[m->npairs].holders = missing > 0 ? m->placement_nodes - missing : extra;
		m->npairs++;
		if (m->ndisputed == 0 || m->disputed[m->ndisputed - 1] != events[e].shardid)
			m->disputed[m->ndisputed++] = events[e].shardid;
		e = end;
	}
	free(events);
}

static const DisputedPair *
find_pair(const CompareModel *m, int64_t shardid, int groupid)
{
	DisputedPair key = {shardid, groupid, 0};

	return bsearch(&key, m->pairs, (size_t) m->npairs, sizeof(DisputedPair), compare_pairs);
}

static int
compare_rows_by_table(const void *a, const void *b)
{
	const struct PlacementRow *x = *(const struct PlacementRow *const *) a;
	const struct PlacementRow *y = *(const struct PlacementRow *const *) b;

	return strcmp(x->table, y->table);
}

static int
compare_rows_by_shard(const void *a, const void *b)
{
	const struct PlacementRow *x = *(const struct PlacementRow *const *) a;
	const struct PlacementRow *y = *(const struct PlacementRow *const *) b;

	return compare_pair_order(x->shardid, x->groupid, y->shardid, y->groupid);
}

static const char *
own(CompareModel *m, char *text)
{
	if (m->nowned == m->owned_capacity)
	{
		m->owned_capacity = m->owned_capacity ? 2 * m->owned_capacity : 64;
		m->owned = xrealloc(m->owned, sizeof(char *) * (size_t) m->owned_capacity);
	}
	m->owned[m->nowned++] = text;
	return text;
}

/* One ASCII-safe copy of each table name, however many placements it has */
static void
name_tables(CompareModel *m, struct PlacementRow **by_table, const char **names)
{
	const char *name = NULL;

	if (m->nsource > 0)
		qsort(by_table, (size_t) m->nsource, sizeof(*by_table), compare_rows_by_table);
	for (int k = 0; k < m->nsource; k++)
	{
		if (k == 0 || strcmp(by_table[k - 1]->table, by_table[k]->table) != 0)
			name = own(m, ascii_safe_dup(by_table[k]->table));
		names[by_table[k] - m->source] = name;
	}
}

static char *
range_text(const struct PlacementRow *row)
{
	StrBuf		range;

	if (row->minvalue == NULL && row->maxvalue == NULL)
		return NULL;
	strbuf_init(&range);
	append_ascii_safe(&range, row->minvalue ? row->minvalue : "");
	strbuf_append(&range, "..");
	append_ascii_safe(&range, row->maxvalue ? row->maxvalue : "");
	return strbuf_steal(&range);
}

/* One range text per shard, shared by its placements */
static void
name_ranges(CompareModel *m, struct PlacementRow **by_shard, const char **ranges)
{
	const char *range = NULL;

	for (int k = 0; k < m->nsource; k++)
	{
		if (k == 0 || by_shard[k - 1]->shardid != by_shard[k]->shardid)
		{
			char	   *text = range_text(by_shard[k]);

			range = text ? own(m, text) : NULL;
		}
		ranges[by_shard[k] - m->source] = range;
	}
}

/* The first of the first node's placements of a shard, by shard and group; -1: none */
static int
first_of_shard(struct PlacementRow *const *by_shard, int count, int64_t shardid)
{
	int			low = 0;
	int			high = count;

	while (low < high)
	{
		int			mid = low + (high - low) / 2;

		if (by_shard[mid]->shardid < shardid)
			low = mid + 1;
		else
			high = mid;
	}
	return low < count && by_shard[low]->shardid == shardid ? low : -1;
}

static bool
first_node_places(struct PlacementRow *const *by_shard, int count, int64_t shardid, int groupid)
{
	for (int k = first_of_shard(by_shard, count, shardid);
		 k >= 0 && k < count && by_shard[k]->shardid == shardid; k++)
		if (by_shard[k]->groupid == groupid)
			return true;
	return false;
}

static int
compare_placement_order(const void *a, const void *b)
{
	const ComparePlacement *x = a;
	const ComparePlacement *y = b;
	int			order;

	if (x->groupid != y->groupid)
		return x->groupid < y->groupid ? -1 : 1;
	/* names are shared: the same pointer is the same table */
	order = x->table == y->table ? 0 : strcmp(x->table, y->table);
	if (order != 0)
		return order;
	if (x->shardid != y->shardid)
		return x->shardid < y->shardid ? -1 : 1;
	return (int) x->others_only - (int) y->others_only;
}

/*
 * A placement that other nodes have in a group and the first node lacks
 * gets a row of its own there, with the table and range the first node
 * knows the shard by, if it knows it at all.
 */
static void
add_others_placements(CompareModel *m, struct PlacementRow *const *by_shard,
					  const char *const *names, const char *const *ranges)
{
	for (int p = 0; p < m->npairs; p++)
	{
		const DisputedPair *pair = &m->pairs[p];
		ComparePlacement *row;
		int			known;

		if (pair->holders <= 0 || first_node_places(by_shard, m->nsource, pair->shardid, pair->groupid))
			continue;
		known = first_of_shard(by_shard, m->nsource, pair->shardid);
		row = &m->placements[m->nplacements++];
		row->table = known >= 0 ? names[by_shard[known] - m->source] : "?";
		row->range = known >= 0 ? ranges[by_shard[known] - m->source] : NULL;
		row->shardid = pair->shardid;
		row->groupid = pair->groupid;
		row->placementid = 0;
		row->disputed = true;
		row->others_only = true;
		row->holders = pair->holders;
	}
}

/* Where each group's rows start, and what laying them out takes */
static void
index_groups(CompareModel *m)
{
	ComparePlacements *group = NULL;
	const char *table = NULL;

	m->group_ids = xcalloc((size_t) m->nplacements + 1, sizeof(int));
	m->groups = xcalloc((size_t) m->nplacements + 1, sizeof(ComparePlacements));
	for (int k = 0; k < m->nplacements; k++)
	{
		const ComparePlacement *row = &m->placements[k];

		if (k == 0 || m->placements[k - 1].groupid != row->groupid)
		{
			m->group_ids[m->ngroups] = row->groupid;
			group = &m->groups[m->ngroups++];
			group->rows = row;
			table = NULL;
		}
		group->count++;
		group->disputed += row->disputed;
		/* rows come by table, and share its name */
		if (row->table != table)
		{
			table = row->table;
			if ((int) strlen(table) > group->widest_table)
				group->widest_table = (int) strlen(table);
		}
		if (row->range && (int) strlen(row->range) > group->widest_range)
			group->widest_range = (int) strlen(row->range);
		if (row->shardid > group->largest_shardid)
			group->largest_shardid = row->shardid;
		if (row->placementid > group->largest_placementid)
			group->largest_placementid = row->placementid;
	}
}

/* The first node's placements and the others', sorted by group, table and shard */
static void
build_placements(CompareModel *m)
{
	struct PlacementRow **by_table = xcalloc((size_t) m->nsource + 1, sizeof(*by_table));
	struct PlacementRow **by_shard = xcalloc((size_t) m->nsource + 1, sizeof(*by_shard));
	const char **names = xcalloc((size_t) m->nsource + 1, sizeof(char *));
	const char **ranges = xcalloc((size_t) m->nsource + 1, sizeof(char *));

	for (int k = 0; k < m->nsource; k++)
		by_table[k] = by_shard[k] = &m->source[k];
	name_tables(m, by_table, names);
	if (m->nsource > 0)
		qsort(by_shard, (size_t) m->nsource, sizeof(*by_shard), compare_rows_by_shard);
	name_ranges(m, by_shard, ranges);

	m->placements = xcalloc((size_t) (m->nsource + m->npairs) + 1, sizeof(ComparePlacement));
	for (int k = 0; k < m->nsource; k++)
	{
		const struct PlacementRow *source = &m->source[k];
		const DisputedPair *pair = find_pair(m, source->shardid, source->groupid);
		ComparePlacement *row = &m->placements[m->nplacements++];

		row->table = names[k];
		row->range = ranges[k];
		row->shardid = source->shardid;
		row->groupid = source->groupid;
		row->placementid = source->placementid;
		row->disputed = compare_shard_disputed(m, source->shardid);
		row->holders = pair ? pair->holders : m->placement_nodes;
	}
	add_others_placements(m, by_shard, names, ranges);
	if (m->nplacements > 0)
		qsort(m->placements, (size_t) m->nplacements, sizeof(ComparePlacement), compare_placement_order);
	index_groups(m);
	free(by_table);
	free(by_shard);
	free(names);
	free(ranges);
}

const char *
compare_placements_error(const CompareModel *m)
{
	return m->placements_error;
}

ComparePlacements
compare_group_placements(const CompareModel *m, int groupid)
{
	ComparePlacements none;
	const int  *at = m->ngroups > 0 ?
		bsearch(&groupid, m->group_ids, (size_t) m->ngroups, sizeof(int), compare_ints) : NULL;

	if (at)
		return m->groups[at - m->group_ids];
	memset(&none, 0, sizeof(none));
	return none;
}

bool
compare_shard_disputed(const CompareModel *m, int64_t shardid)
{
	return bsearch(&shardid, m->disputed, (size_t) m->ndisputed, sizeof(int64_t), compare_int64s) != NULL;
}

int
compare_placement_nodes(const CompareModel *m)
{
	return m->placement_nodes;
}

/* ---- agreement matrix ----------------------------------------------------------- */

static Agreement
agreement_of(const ClusterSnapshot *snap, int i, CatalogId catalog)
{
	const NodeReport *node = &snap->nodes[i];
	const CatalogComparison *cmp = &snap->comparisons[catalog];
	const char *digest = node->catalogs[catalog].digest;

	if (!node->reachable || digest == NULL)
		return AGREEMENT_NOT_READ;
	if (!node_compared(node))
		return AGREEMENT_NOT_COMPARED;
	if (cmp->reference < 0 || snap->nodes[cmp->reference].catalogs[catalog].digest == NULL)
		return AGREEMENT_NOT_READ;
	return strcmp(digest, snap->nodes[cmp->reference].catalogs[catalog].digest) == 0 ?
		AGREEMENT_AGREES : AGREEMENT_DIFFERS;
}

static void
build_matrix(CompareModel *m, const ClusterSnapshot *snap)
{
	m->matrix = xcalloc((size_t) snap->nnodes + 1, sizeof(MatrixNode));
	for (int i = 0; i < snap->nnodes; i++)
	{
		const NodeReport *node = &snap->nodes[i];
		MatrixNode *cell = &m->matrix[m->nmatrix];

		if (node->is_target)
			continue;
		cell->heading = node->in_metadata && node->meta.nodeid > 0 ?
			xasprintf("%d", node->meta.nodeid) : xstrdup("?");
		cell->label = ascii_safe_dup(node->label ? node->label : "?");
		for (int c = 0; c < CATALOG_COUNT; c++)
			cell->agreement[c] = agreement_of(snap, i, (CatalogId) c);
		m->nmatrix++;
	}
}

int
compare_matrix_nodes(const CompareModel *m)
{
	return m ? m->nmatrix : 0;
}

const char *
compare_matrix_heading(const CompareModel *m, int node)
{
	return m->matrix[node].heading;
}

const char *
compare_matrix_label(const CompareModel *m, int node)
{
	return m->matrix[node].label;
}

Agreement
compare_agreement(const CompareModel *m, int node, CatalogId catalog)
{
	return m->matrix[node].agreement[catalog];
}

/* ---- the model ------------------------------------------------------------------ */

CompareModel *
compare_model_build(const ClusterSnapshot *snap, struct PlacementRow *rows, int count,
					const char *placements_error)
{
	CompareModel *m = xcalloc(1, sizeof(CompareModel));

	/* node_view's rows hold the columns every node has, in this order */
	strlist_copy(&m->columns, &snap->comparisons[CATALOG_NODE].columns);
	m->groupid_column = column_index(&m->columns, "groupid");
	read_views(m, snap);
	index_rows(m);
	find_majorities(m);

	m->source = rows;
	m->nsource = rows ? count : 0;
	m->placements_error = xstrdup_or_null(placements_error);
	find_disputed_pairs(m, snap);
	build_placements(m);
	build_matrix(m, snap);
	return m;
}

void
compare_model_free(CompareModel *m)
{
	if (m == NULL)
		return;
	for (int v = 0; v < m->nviews; v++)
	{
		NodeView   *view = &m->views[v];

		for (int k = 0; k < view->nrows * m->columns.count; k++)
		{
			free(view->raw[k]);
			free(view->text[k]);
		}
		free(view->raw);
		free(view->text);
		free(view->row_of);
		free(view->label);
	}
	free(m->views);
	free(m->nodeids);
	free(m->expected);
	free(m->majority);
	strlist_free(&m->columns);
	placement_rows_free(m->source, m->nsource);
	for (int k = 0; k < m->nowned; k++)
		free(m->owned[k]);
	free(m->owned);
	free(m->placements);
	free(m->group_ids);
	free(m->groups);
	free(m->pairs);
	free(m->disputed);
	free(m->placements_error);
	for (int k = 0; k < m->nmatrix; k++)
	{
		free(m->matrix[k].heading);
		free(m->matrix[k].label);
	}
	free(m->matrix);
	free(m);
}
