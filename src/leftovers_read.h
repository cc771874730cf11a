/*
 * Reading the leftovers of interrupted shard moves and splits on every
 * node discovery reached (see leftovers.h for what they are).
 */
#ifndef CITUS_RESCUE_LEFTOVERS_READ_H
#define CITUS_RESCUE_LEFTOVERS_READ_H

#include "session.h"
#include "snapshot.h"

struct PgNode;

/* Discovery sends leftovers_sql (leftovers.h) in its batch to the nodes leftovers_wanted() names. */
#define LEFTOVERS_RESULTS 2
bool		leftovers_wanted(const NodeReport *node);
/*
 * A node's leftovers from its batch's results, leftovers_sql's first at
 * `base`; a node whose leftovers did not arrive gets a problem that says so.
 */
void		leftovers_read_node(NodeReport *node, const struct PgNode *pg, int base);

#endif
