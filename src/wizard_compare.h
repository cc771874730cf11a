/*
 * The compare screen's model, built once after discovery: pg_dist_node as
 * each node read sees it, with the value most nodes hold for every
 * (nodeid, column); the first node's placements grouped by group; the
 * shards the nodes place differently; and how each node's catalogs agree.
 * Every key of the screen is then a lookup here, never a pass over the
 * rows: 100,000 placements cost no more per key than ten.
 *
 * Plain data without libpq or curses.  Text meant for the screen (labels,
 * cells, table names, ranges) is already safe for the wizard: ASCII, every
 * control and every character outside ASCII escaped (append_ascii_safe).
 */
#ifndef CITUS_RESCUE_WIZARD_COMPARE_H
#define CITUS_RESCUE_WIZARD_COMPARE_H

#include <stdbool.h>
#include <stdint.h>

#include "snapshot.h"

struct PlacementRow;

typedef struct CompareModel CompareModel;

/* How one pg_dist_node row of one node stands against the same row on most nodes */
typedef enum CompareRowState
{
	ROW_AGREES,
	ROW_DIFFERS,				/* some of its cells differ */
	ROW_MISSING,				/* most nodes have it; this one does not */
	ROW_EXTRA,					/* this node has it; most do not */
	ROW_ABSENT					/* neither this node nor most have it: not shown */
} CompareRowState;

/* One node's catalog against the majority's, for the agreement matrix */
typedef enum Agreement
{
	AGREEMENT_AGREES,
	AGREEMENT_DIFFERS,
	AGREEMENT_NOT_READ,			/* no answer, or the catalog could not be read */
	AGREEMENT_NOT_COMPARED		/* read, but it does not count: no metadata, or a standby */
} Agreement;

typedef struct ComparePlacement
{
	const char *table;			/* "?" when the first node knows no placement of the shard */
	int64_t		shardid;
	int			groupid;
	int64_t		placementid;	/* the first node's; 0 when only other nodes place it here */
	const char *range;			/* "min..max", or NULL for a shard without a hash range */
	bool		disputed;		/* the nodes do not all place this shard alike */
	bool		others_only;	/* other nodes place it in this group; the first node does not */
	int			holders;		/* nodes that place it in this group */
} ComparePlacement;

/*
 * A group's placements, sorted by table and shard (the rows belong to the
 * model), with what it takes to lay them out without reading them all.
 */
typedef struct ComparePlacements
{
	const ComparePlacement *rows;
	int			count;
	int			disputed;		/* rows of shards the nodes disagree on */
	int			widest_table;	/* in bytes, a column each: the text is ASCII-safe */
	int			widest_range;
	int64_t		largest_shardid;
	int64_t		largest_placementid;
} ComparePlacements;

/*
 * Takes the first node's placements (rows, freed with the model; may be
 * NULL with placements_error saying why they could not be read).
 */
CompareModel *compare_model_build(const ClusterSnapshot *snapshot, struct PlacementRow *rows,
								  int count, const char *placements_error);
void		compare_model_free(CompareModel *model);

/* ---- pg_dist_node, as each node whose copy was read sees it ---- */
int			compare_views(const CompareModel *model);
const char *compare_view_label(const CompareModel *model, int view);
/* Whether the view counts towards the majority (see node_compared) */
bool		compare_view_counted(const CompareModel *model, int view);
/* The first node's view, where the screen starts */
int			compare_first_view(const CompareModel *model);

/* Its columns: those every node has, as they were compared */
int			compare_columns(const CompareModel *model);
const char *compare_column(const CompareModel *model, int column);

/* A row per nodeid any view has, by nodeid */
int			compare_rows(const CompareModel *model);
int			compare_row_nodeid(const CompareModel *model, int row);
CompareRowState compare_row_state(const CompareModel *model, int view, int row);

/*
 * A cell as the view has it (NULL when it lacks the row), and whether it
 * differs from the value most nodes hold for that nodeid and column.
 */
const char *compare_cell(const CompareModel *model, int view, int row, int column, bool *differs);

/* The row's group as the view has it (as most nodes have it when it lacks the row); -1: none */
int			compare_row_group(const CompareModel *model, int view, int row);

/* ---- placements, as the first node has them, with what other nodes place otherwise ---- */
const char *compare_placements_error(const CompareModel *model);
ComparePlacements compare_group_placements(const CompareModel *model, int groupid);
bool		compare_shard_disputed(const CompareModel *model, int64_t shardid);
/* Nodes whose placements were compared: what holders counts out of */
int			compare_placement_nodes(const CompareModel *model);

/* ---- agreement matrix: every node but the new coordinator ---- */
int			compare_matrix_nodes(const CompareModel *model);
/* A short heading (its nodeid, or "?" outside pg_dist_node) and its full label */
const char *compare_matrix_heading(const CompareModel *model, int node);
const char *compare_matrix_label(const CompareModel *model, int node);
Agreement	compare_agreement(const CompareModel *model, int node, CatalogId catalog);

#endif
