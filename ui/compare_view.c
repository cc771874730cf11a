#include "config.h"

#include "compare_view.h"
#include "strbuf.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * The matrix's first column holds catalog names, then two columns per
 * node: 31 nodes fit in 80 columns, 57 in 132.
 */
#define MATRIX_TITLE_WIDTH 16
#define MATRIX_CELL_WIDTH 2

static const char spaces[] = "                                ";

/* A line and a style per byte of it, made cell by cell */
typedef struct StyledLine
{
	StrBuf		text;
	unsigned char *styles;
	size_t		capacity;
	bool		styled;			/* some byte is not plain */
} StyledLine;

static void
styled_init(StyledLine *line)
{
	memset(line, 0, sizeof(*line));
	strbuf_init(&line->text);
}

static void
styled_append_len(StyledLine *line, const char *text, size_t len, TextStyle style)
{
	size_t		start = line->text.len;

	strbuf_append_len(&line->text, text, len);
	if (line->text.len + 1 > line->capacity)
	{
		line->capacity = 2 * (line->text.len + 1);
		line->styles = xrealloc(line->styles, line->capacity);
	}
	memset(line->styles + start, style, len);
	line->styled |= style != STYLE_PLAIN;
}

static void
styled_append(StyledLine *line, const char *text, TextStyle style)
{
	styled_append_len(line, text, strlen(text), style);
}

static void
styled_pad(StyledLine *line, int count)
{
	for (; count > 0; count -= (int) sizeof(spaces) - 1)
		styled_append_len(line, spaces, count < (int) sizeof(spaces) - 1 ? (size_t) count : sizeof(spaces) - 1,
						  STYLE_PLAIN);
}

/*
 * A cell of a table: its text, then '*' when it differs (a sign that a
 * monochrome screen and a dump show too), padded to its column's width.
 */
static void
styled_cell(StyledLine *line, const char *text, int width, bool differs)
{
	TextStyle	style = differs ? STYLE_DIFFERS : STYLE_PLAIN;

	styled_append(line, text, style);
	styled_append(line, differs ? "*" : " ", style);
	styled_pad(line, width - (int) strlen(text) + 1);
}

/* A column's name over its cells, sign and space included */
static void
styled_heading(StyledLine *line, const char *name, int width)
{
	styled_append(line, name, STYLE_KEYWORD);
	styled_pad(line, width - (int) strlen(name) + 2);
}

/* Adds the line to the view (plain lines without a style array) and empties it */
static void
styled_add(TextView *view, StyledLine *line, WizMark mark)
{
	textview_add(view, mark, line->text.data ? line->text.data : "", line->styled ? line->styles : NULL, 0);
	strbuf_reset(&line->text);
	line->styled = false;
}

static void
styled_free(StyledLine *line)
{
	strbuf_free(&line->text);
	free(line->styles);
}

static int
max_int(int a, int b)
{
	return a > b ? a : b;
}

/* ---- pg_dist_node as one node sees it ---------------------------------------- */

static bool
row_shown(const ComparePanes *p, int row)
{
	CompareRowState state = compare_row_state(p->model, p->view, row);

	return state != ROW_ABSENT;
}

static int *
node_column_widths(const ComparePanes *p)
{
	const CompareModel *m = p->model;
	int			ncolumns = compare_columns(m);
	int		   *widths = xcalloc((size_t) ncolumns + 1, sizeof(int));

	for (int c = 0; c < ncolumns; c++)
		widths[c] = (int) strlen(compare_column(m, c));
	for (int r = 0; r < compare_rows(m); r++)
		for (int c = 0; c < ncolumns; c++)
		{
			bool		differs;
			const char *cell = compare_cell(m, p->view, r, c, &differs);

			if (cell)
				widths[c] = max_int(widths[c], (int) strlen(cell));
		}
	return widths;
}

static void
add_node_line(ComparePanes *p, StyledLine *line, const int *widths, int row)
{
	const CompareModel *m = p->model;

	if (compare_row_state(m, p->view, row) == ROW_MISSING)
	{
		char		text[96];

		snprintf(text, sizeof(text), "(no row of nodeid %d here; most nodes have one)*",
				 compare_row_nodeid(m, row));
		styled_append(line, text, STYLE_DIFFERS);
	}
	else
		for (int c = 0; c < compare_columns(m); c++)
		{
			bool		differs;
			const char *cell = compare_cell(m, p->view, row, c, &differs);

			styled_cell(line, cell, widths[c], differs);
		}
	p->line_rows[p->nodes.count] = row;
	styled_add(&p->nodes, line, MARK_PLAIN);
}

int
compare_cursor_row(const ComparePanes *p)
{
	if (p->model == NULL || p->nodes.count == 0 || p->line_rows == NULL)
		return -1;
	return p->line_rows[p->nodes.cursor];
}

void
compare_fill_nodes(ComparePanes *p)
{
	const CompareModel *m = p->model;
	int			left = p->nodes.left;
	int		   *widths = node_column_widths(p);
	int			cursor = 0;
	StyledLine	line;

	textview_clear(&p->node_header);
	textview_clear(&p->nodes);
	p->node_header.bare = true;
	p->nodes.has_cursor = true;
	free(p->line_rows);
	p->line_rows = xcalloc((size_t) compare_rows(m) + 1, sizeof(int));
	styled_init(&line);
	for (int c = 0; c < compare_columns(m); c++)
		styled_heading(&line, compare_column(m, c), widths[c]);
	styled_add(&p->node_header, &line, MARK_PLAIN);
	for (int r = 0; r < compare_rows(m); r++)
	{
		if (!row_shown(p, r))
			continue;
		/* the same nodeid as before, or the last one before it */
		if (compare_row_nodeid(m, r) <= p->cursor_nodeid)
			cursor = p->nodes.count;
		add_node_line(p, &line, widths, r);
	}
	p->nodes.left = left;
	textview_set_cursor(&p->nodes, cursor);
	styled_free(&line);
	free(widths);
}

/* ---- the placements of one group ---------------------------------------------- */

/* What tells shards apart first: a pane 35 columns wide still shows how many nodes agree */
enum
{
	PLACEMENT_TABLE,
	PLACEMENT_SHARD,
	PLACEMENT_NODES,
	PLACEMENT_ID,
	PLACEMENT_RANGE,
	PLACEMENT_COLUMNS
};

static const char *const placement_headings[PLACEMENT_COLUMNS] = {
	"TABLE", "SHARDID", "NODES", "PLACEMENTID", "RANGE"
};

/* A number's text into buf (24 bytes at least); returns its length */
static int
format_number(int64_t value, char *buf)
{
	char		digits[24];
	uint64_t	rest = value < 0 ? -(uint64_t) value : (uint64_t) value;
	int			n = 0;
	int			len = 0;

	do
	{
		digits[n++] = (char) ('0' + rest % 10);
		rest /= 10;
	} while (rest > 0);
	if (value < 0)
		buf[len++] = '-';
	while (n > 0)
		buf[len++] = digits[--n];
	buf[len] = '\0';
	return len;
}

static int
number_width(int64_t value)
{
	char		buf[24];

	return format_number(value, buf);
}

/*
 * The columns' widths from what the model measured of the group, not
 * from its rows: a group can hold every placement of the cluster.
 * Returns the lines' width, a sign and a space after each cell.
 */
static int
placement_widths(ComparePlacements group, int nodes, int widths[PLACEMENT_COLUMNS])
{
	int			line_width = 0;

	widths[PLACEMENT_TABLE] = group.widest_table;
	widths[PLACEMENT_SHARD] = number_width(group.largest_shardid);
	widths[PLACEMENT_NODES] = 2 * number_width(nodes) + 1;
	widths[PLACEMENT_ID] = number_width(group.largest_placementid);
	widths[PLACEMENT_RANGE] = group.widest_range;
	for (int c = 0; c < PLACEMENT_COLUMNS; c++)
	{
		widths[c] = max_int(widths[c], (int) strlen(placement_headings[c]));
		line_width += widths[c] + 2;
	}
	return line_width;
}

static void
placement_cell(StrBuf *text, const char *cell, int width, bool differs)
{
	size_t		end = text->len + (size_t) width + 2;

	strbuf_append(text, cell);
	strbuf_append_char(text, differs ? '*' : ' ');
	while (text->len < end)
		strbuf_append_char(text, ' ');
}

/* Line i of the group shown: a shard the nodes disagree on is marked, its id styled */
static void
make_placement_line(void *arg, int i, StrBuf *text, const unsigned char **styles, WizMark *mark)
{
	ComparePanes *p = arg;
	const ComparePlacement *row = &p->shown.rows[i];
	const int  *widths = p->placement_widths;
	char		shard[24];
	char		nodes[48];
	char		id[24];
	size_t		shard_at;
	int			n = format_number(row->holders, nodes);

	nodes[n++] = '/';
	format_number(compare_placement_nodes(p->model), nodes + n);
	format_number(row->shardid, shard);
	format_number(row->placementid, id);
	placement_cell(text, row->table, widths[PLACEMENT_TABLE], false);
	shard_at = text->len;
	placement_cell(text, shard, widths[PLACEMENT_SHARD], row->disputed);
	placement_cell(text, nodes, widths[PLACEMENT_NODES], false);
	placement_cell(text, row->others_only ? "-" : id, widths[PLACEMENT_ID], false);
	placement_cell(text, row->range ? row->range : "-", widths[PLACEMENT_RANGE], false);
	*mark = row->disputed ? MARK_BAD : MARK_PLAIN;
	if (row->disputed)
	{
		p->placement_styles = xrealloc(p->placement_styles, text->len + 1);
		memset(p->placement_styles, STYLE_PLAIN, text->len);
		memset(p->placement_styles + shard_at, STYLE_DIFFERS, strlen(shard) + 1);
		*styles = p->placement_styles;
	}
}

void
compare_fill_placements(ComparePanes *p)
{
	int			row = compare_cursor_row(p);
	int			left = p->placements.left;
	int			line_width;
	StyledLine	line;

	textview_clear(&p->placement_header);
	textview_clear(&p->placements);
	p->placement_header.bare = true;
	p->group = row >= 0 ? compare_row_group(p->model, p->view, row) : -1;
	memset(&p->shown, 0, sizeof(p->shown));
	if (compare_placements_error(p->model))
	{
		textview_add(&p->placements, MARK_BAD, compare_placements_error(p->model), NULL, 0);
		return;
	}
	if (p->group >= 0)
		p->shown = compare_group_placements(p->model, p->group);
	line_width = placement_widths(p->shown, compare_placement_nodes(p->model), p->placement_widths);
	styled_init(&line);
	for (int c = 0; c < PLACEMENT_COLUMNS; c++)
		styled_heading(&line, placement_headings[c], p->placement_widths[c]);
	styled_add(&p->placement_header, &line, MARK_PLAIN);
	styled_free(&line);
	if (p->shown.count == 0)
		textview_add(&p->placements, MARK_PLAIN, "(no placement in this group)", NULL, 0);
	else
		textview_set_source(&p->placements, p->shown.count, line_width, make_placement_line, p);
	p->placements.left = left;
}

void
compare_cursor_moved(ComparePanes *p)
{
	int			row = compare_cursor_row(p);

	if (row < 0)
		return;
	p->cursor_nodeid = compare_row_nodeid(p->model, row);
	/* a primary and its standby share a group, and so their placements */
	if (compare_row_group(p->model, p->view, row) != p->group)
		compare_fill_placements(p);
}

void
compare_choose_view(ComparePanes *p, int step)
{
	int			views = compare_views(p->model);

	if (views == 0)
		return;
	p->view = ((p->view + step) % views + views) % views;
	compare_fill_nodes(p);
	compare_cursor_moved(p);
}

/* ---- the agreement matrix --------------------------------------------------------- */

/*
 * Drawn as lines of a TextView, not with CDK's matrix widget: that one
 * draws every cell in one attribute (a differing cell could not stand
 * out but by its letter), moves a cell cursor where this view turns
 * whole pages of nodes, and keeps a window per cell that a resize would
 * have to tear down and build again.
 */

int
compare_matrix_per_page(int width)
{
	/* the view's gutter takes a column */
	int			per_page = (width - 1 - MATRIX_TITLE_WIDTH) / MATRIX_CELL_WIDTH;

	return per_page > 0 ? per_page : 1;
}

static const char *
short_catalog_name(CatalogId catalog)
{
	const char *name = catalog_name(catalog);

	return strncmp(name, "pg_dist_", 8) == 0 ? name + 8 : name;
}

/* Headings stand on end, so that a node takes two columns: "12" over "1" and "2" */
static void
add_matrix_headings(ComparePanes *p, StyledLine *line, int first, int last)
{
	const CompareModel *m = p->model;
	int			height = 1;

	for (int n = first; n < last; n++)
		height = max_int(height, (int) strlen(compare_matrix_heading(m, n)));
	for (int k = 0; k < height; k++)
	{
		styled_append(line, k == height - 1 ? "catalog \\ node" : "", STYLE_PLAIN);
		styled_pad(line, MATRIX_TITLE_WIDTH - (int) line->text.len);
		for (int n = first; n < last; n++)
		{
			const char *heading = compare_matrix_heading(m, n);
			int			skip = height - (int) strlen(heading);
			char		digit[2] = {k >= skip ? heading[k - skip] : ' ', '\0'};

			styled_append(line, digit, STYLE_KEYWORD);
			styled_pad(line, MATRIX_CELL_WIDTH - 1);
		}
		styled_add(&p->matrix, line, MARK_PLAIN);
	}
}

static void
add_matrix_rows(ComparePanes *p, StyledLine *line, int first, int last)
{
	static const char signs[] = {'.', 'X', '?', '-'};

	for (int c = 0; c < CATALOG_COUNT; c++)
	{
		styled_append(line, short_catalog_name((CatalogId) c), STYLE_PLAIN);
		styled_pad(line, MATRIX_TITLE_WIDTH - (int) line->text.len);
		for (int n = first; n < last; n++)
		{
			Agreement	agreement = compare_agreement(p->model, n, (CatalogId) c);
			char		sign[2] = {signs[agreement], '\0'};

			styled_append(line, sign, agreement == AGREEMENT_DIFFERS ? STYLE_DIFFERS : STYLE_PLAIN);
			styled_pad(line, MATRIX_CELL_WIDTH - 1);
		}
		styled_add(&p->matrix, line, MARK_PLAIN);
	}
}

/* Which node each column is: as many entries to a line as the width takes */
static void
add_matrix_key(ComparePanes *p, StyledLine *line, int first, int last, int width)
{
	const CompareModel *m = p->model;
	int			entry_width = 0;
	int			per_line;

	for (int n = first; n < last; n++)
		entry_width = max_int(entry_width, (int) (strlen(compare_matrix_heading(m, n)) +
												  strlen(compare_matrix_label(m, n)) + 4));
	per_line = max_int(1, (width - 1) / entry_width);
	textview_add(&p->matrix, MARK_PLAIN, "Columns (nodeid, then where the tool reaches the node):", NULL, 0);
	for (int n = first; n < last; n++)
	{
		int			start = (int) line->text.len;

		styled_append(line, " ", STYLE_PLAIN);
		styled_append(line, compare_matrix_heading(m, n), STYLE_KEYWORD);
		styled_append(line, " ", STYLE_PLAIN);
		styled_append(line, compare_matrix_label(m, n), STYLE_PLAIN);
		if ((n - first + 1) % per_line == 0 || n + 1 == last)
			styled_add(&p->matrix, line, MARK_PLAIN);
		else
			styled_pad(line, entry_width - ((int) line->text.len - start));
	}
}

void
compare_fill_matrix(ComparePanes *p, int width)
{
	int			per_page = compare_matrix_per_page(width);
	int			count = compare_matrix_nodes(p->model);
	int			first = p->matrix_first < count ? p->matrix_first : count - 1;
	int			last;
	StyledLine	line;
	char		text[160];

	first = first > 0 ? first / per_page * per_page : 0;
	last = first + per_page < count ? first + per_page : count;
	p->matrix_first = first;
	textview_clear(&p->matrix);
	/* Left and Right turn pages here; a long key wraps rather than scrolls */
	p->matrix.wrap = true;
	styled_init(&line);
	snprintf(text, sizeof(text), "Nodes %d-%d of %d%s%s", count ? first + 1 : 0, last, count,
			 first > 0 ? "; Left: the previous ones" : "", last < count ? "; Right: the next ones" : "");
	textview_add(&p->matrix, MARK_PLAIN, text, NULL, 0);
	add_matrix_headings(p, &line, first, last);
	add_matrix_rows(p, &line, first, last);
	textview_add(&p->matrix, MARK_PLAIN, "", NULL, 0);
	textview_add(&p->matrix, MARK_PLAIN, ". agrees  X differs  ? not read  - not compared (no metadata, or a standby)",
				 NULL, 0);
	add_matrix_key(p, &line, first, last, width);
	styled_free(&line);
}

void
compare_page_matrix(ComparePanes *p, int step, int width)
{
	int			per_page = compare_matrix_per_page(width);
	int			first = p->matrix_first + step * per_page;

	if (first < 0 || first >= compare_matrix_nodes(p->model))
		return;
	p->matrix_first = first;
	compare_fill_matrix(p, width);
}

/* ---- opening and closing ---------------------------------------------------------- */

static void
keep_place(const TextView *view, ViewPlace *place)
{
	place->top = view->top;
	place->left = view->left;
}

static void
restore_place(TextView *view, const ViewPlace *place)
{
	view->top = place->top < view->count ? place->top : 0;
	view->left = place->left;
}

void
compare_panes_open(ComparePanes *p, const CompareModel *model, int width, WizLines rows)
{
	if (model != p->model)
	{
		CompareKind kind = p->kind;

		compare_panes_close(p);
		memset(p, 0, sizeof(*p));
		p->kind = kind;
		p->cursor_nodeid = -1;
		p->view = model ? compare_first_view(model) : 0;
	}
	p->model = model;
	/* a new model at the old one's address keeps the choices: keep them within it */
	if (model && p->view >= compare_views(model))
		p->view = compare_first_view(model);
	textview_set_lines(&p->rows, &rows);
	restore_place(&p->rows, &p->rows_place);
	if (model == NULL || compare_views(model) == 0)
		return;
	compare_fill_nodes(p);
	restore_place(&p->nodes, &p->nodes_place);
	compare_fill_placements(p);
	restore_place(&p->placements, &p->placements_place);
	compare_fill_matrix(p, width);
	restore_place(&p->matrix, &p->matrix_place);
}

void
compare_panes_close(ComparePanes *p)
{
	keep_place(&p->nodes, &p->nodes_place);
	keep_place(&p->placements, &p->placements_place);
	keep_place(&p->matrix, &p->matrix_place);
	keep_place(&p->rows, &p->rows_place);
	textview_clear(&p->node_header);
	textview_clear(&p->nodes);
	textview_clear(&p->placement_header);
	textview_clear(&p->placements);
	textview_clear(&p->matrix);
	textview_clear(&p->rows);
	free(p->line_rows);
	p->line_rows = NULL;
	free(p->placement_styles);
	p->placement_styles = NULL;
}
