/*
 * Reading the leftovers of interrupted shard moves and splits on every
 * node discovery reached (see leftovers.h for what they are).
 */
#ifndef CITUS_RESCUE_LEFTOVERS_READ_H
#define CITUS_RESCUE_LEFTOVERS_READ_H

#include "session.h"
#include "snapshot.h"

/*
 * Fills each reachable Citus primary's leftovers, all nodes at once; a
 * node whose leftovers cannot be read gets a problem that says so.
 */
void		discover_leftovers(ClusterSnapshot *snap, SessionPool *pool, int timeout_ms);

#endif
