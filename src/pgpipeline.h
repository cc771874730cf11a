/*
 * A series of statements sent to one node in a single network round trip,
 * through libpq's pipeline mode.  A sync follows each statement, so that
 * each runs in an implicit transaction of its own, exactly as when sent
 * alone: a statement that fails rolls back nothing but itself, and the
 * ones after it still run.  Callers must only send series for which that
 * is harmless.
 *
 * The rest follows pgnode.c: each statement is held to the timeout, from
 * the answer to the one before it, as if it had been sent alone; a cancel
 * request (pgnode_cancel_requested) is sent to each statement still under
 * way; errors keep their SQLSTATE; a timeout or a broken connection leaves
 * the node FAILED.
 */
#ifndef CITUS_RESCUE_PGPIPELINE_H
#define CITUS_RESCUE_PGPIPELINE_H

#include <stdbool.h>

#include "pgnode.h"

typedef struct PgPipeline
{
	int			count;			/* statements sent */
	PGresult  **results;		/* [i]: statement i's result, NULL when none came */
	PgError    *errors;			/* [i]: why statement i failed; message NULL when it did not */
	int			answered;		/* statements whose sync came back */
	int			first_failed;	/* index of the first statement that failed, -1 when none */
} PgPipeline;

/*
 * Runs sql[0..count-1] on a READY node in one round trip and fills
 * pipeline (free it with pgpipeline_free whatever the outcome).  Returns
 * true when every statement succeeded.  node->error holds the first
 * error, as after a batch; a statement that got no answer (a timeout, a
 * broken connection, a node that was not READY) carries the node's error.
 * The node's own results are cleared and not filled.
 */
bool		pgpipeline_run(PgNode *node, const char *const *sql, int count, int timeout_ms,
						   PgPipeline *pipeline);

/* Statement index's result when it succeeded, else NULL. */
const PGresult *pgpipeline_result(const PgPipeline *pipeline, int index);

/* Why statement index failed, or NULL when it succeeded. */
const PgError *pgpipeline_error(const PgPipeline *pipeline, int index);

void		pgpipeline_free(PgPipeline *pipeline);

#endif
