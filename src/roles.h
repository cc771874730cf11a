/*
 * Whether Citus's metadata sync would overwrite a role on a surviving
 * worker.  The node that runs start_metadata_sync_to_all_nodes() sends
 * every role of its pg_dist_object, password hash and flags included, to
 * every worker: the promoted worker, or for a new node the donor, whose
 * citus_add_node() first gives the new node its own version of those
 * roles.  Pure, like the planner.
 */
#ifndef CITUS_RESCUE_ROLES_H
#define CITUS_RESCUE_ROLES_H

#include "plan.h"
#include "snapshot.h"

/*
 * Adds the roles-match check: source is the node whose roles the sync
 * spreads, target the new node (-1 for promote), whose same-named roles
 * the donor overwrites when it adds it.
 */
/*
 * workers_synced: Citus's full metadata sync runs and overwrites every
 * worker's roles with source's; otherwise only the new node (target, -1
 * for none) takes source's, when it is added.
 */
void		roles_check(const ClusterSnapshot *snapshot, int source, int target, bool workers_synced, Plan *plan);

#endif
