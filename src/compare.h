/*
 * Pure comparison of catalog contents: which nodes agree, and which rows
 * one node has that another lacks.  No I/O, so it is unit-tested directly.
 */
#ifndef CITUS_RESCUE_COMPARE_H
#define CITUS_RESCUE_COMPARE_H

#include "snapshot.h"

/*
 * Index of a node in the largest set of equal digests; a tie goes to the
 * set holding `prefer`.  NULL digests take no part.  -1 when none has one.
 */
int			digest_majority(const char *const *digests, int count, int prefer);

/*
 * Rows in `reference` and not in `rows` go to diff->missing, rows in
 * `rows` and not in `reference` go to diff->extra (copies).  Both inputs
 * must be sorted by strcmp; duplicates count one by one.
 */
void		rows_diff(char *const *reference, int nreference,
					  char *const *rows, int nrows, RowDiff *diff);

void		rowdiff_free(RowDiff *diff);

#endif
