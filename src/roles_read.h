/*
 * What discovery reads for the roles-match check: on every reachable node,
 * a digest of each non-system role's password and flags (never the hash
 * itself) and whether Citus distributes the role.
 */
#ifndef CITUS_RESCUE_ROLES_READ_H
#define CITUS_RESCUE_ROLES_READ_H

#include "session.h"
#include "snapshot.h"

/* Fills each reachable node's RoleFacts, all nodes at once */
void		roles_read(ClusterSnapshot *snapshot, SessionPool *pool, int timeout_ms);

#endif
