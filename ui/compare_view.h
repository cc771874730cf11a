/*
 * The compare screen's views, made from the backend's compare model:
 * pg_dist_node as one node sees it beside the placements of the row under
 * the cursor, the agreement matrix, and the differing rows.  Lines are
 * made here only when a key changes what they show (another node, another
 * group, another page) and drawn by TextView, which draws only the rows
 * on screen.
 */
#ifndef CITUS_RESCUE_UI_COMPARE_VIEW_H
#define CITUS_RESCUE_UI_COMPARE_VIEW_H

#include <stdbool.h>

#include "textview.h"
#include "wizard_compare.h"

typedef enum CompareKind
{
	COMPARE_SIDE_BY_SIDE,
	COMPARE_MATRIX,
	COMPARE_ROWS,
	COMPARE_KINDS
} CompareKind;

/* Where the operator was in a view, kept while its lines are made again */
typedef struct ViewPlace
{
	int			top;
	int			left;
} ViewPlace;

typedef struct ComparePanes
{
	const CompareModel *model;	/* the lines below were made from this one */
	CompareKind kind;
	int			view;			/* whose pg_dist_node the left pane shows */
	bool		right_focus;	/* the placements pane takes the scroll keys */
	int			cursor_nodeid;	/* the row under the cursor, -1: the first */
	int			group;			/* the group the placements pane shows */
	int			matrix_first;	/* the matrix page's first node */

	TextView	node_header;	/* pg_dist_node's column names, scrolled with nodes */
	TextView	nodes;			/* a line per row shown, with a cursor */
	int		   *line_rows;		/* the model's row of each line of nodes */
	TextView	placement_header;
	TextView	placements;		/* the group's placements, a line made as it is shown */
	ComparePlacements shown;	/* the group's rows, from the model */
	int			placement_widths[8];	/* its columns' */
	unsigned char *placement_styles;	/* of the line made last */
	TextView	matrix;			/* agreement per node and catalog, a page of nodes */
	TextView	rows;			/* the differing rows, catalog by catalog */

	ViewPlace	nodes_place;
	ViewPlace	placements_place;
	ViewPlace	matrix_place;
	ViewPlace	rows_place;
} ComparePanes;

/* Nodes of the matrix a page of this width shows */
int			compare_matrix_per_page(int width);

/* The left pane for panes->view, its cursor kept on the same nodeid */
void		compare_fill_nodes(ComparePanes *panes);

/* The placements of the group of the row under the cursor */
void		compare_fill_placements(ComparePanes *panes);

/* The matrix page that starts at panes->matrix_first, for a view this wide */
void		compare_fill_matrix(ComparePanes *panes, int width);

/* The model's row under the cursor, or -1 */
int			compare_cursor_row(const ComparePanes *panes);

/* After the cursor moved: the placements pane shows its row's group */
void		compare_cursor_moved(ComparePanes *panes);

/* The previous (-1) or next (+1) node's pg_dist_node, round the nodes read */
void		compare_choose_view(ComparePanes *panes, int step);

/* The previous (-1) or next (+1) page of the matrix, for a view this wide */
void		compare_page_matrix(ComparePanes *panes, int step, int width);

/*
 * Makes the lines of every view but the differing rows (the caller's, from
 * the backend, given as rows).  Views made for another model start over;
 * the same one keeps every place.
 */
void		compare_panes_open(ComparePanes *panes, const CompareModel *model, int width,
							   WizLines rows);
/* Frees the lines; the places and choices stay for the next open */
void		compare_panes_close(ComparePanes *panes);

#endif
