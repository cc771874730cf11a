/*
 * The parts of a plan about what the coordinator alone held: the ledger
 * lines of the plan header, the copy of the workers' pg_dist_authinfo and
 * pg_dist_poolinfo rows to a new coordinator, and the proof that the new
 * node reaches every worker.  Pure, like the planner.
 */
#ifndef CITUS_RESCUE_PLAN_CONNECTIONS_H
#define CITUS_RESCUE_PLAN_CONNECTIONS_H

#include "plan.h"
#include "snapshot.h"

/* The ledger, a header line per item */
void		plan_add_ledger(const ClusterSnapshot *snapshot, Plan *plan);

/* Whether the plan copies connection rows to a new coordinator */
bool		plan_copies_connections(const ClusterSnapshot *snapshot);

/*
 * On the donor, once the new node is added: its pg_dist_authinfo and
 * pg_dist_poolinfo rows, which Citus never syncs, copied to the new node
 * by the donor itself, so that no authinfo text is ever in the plan.
 */
void		plan_add_connection_copy(const ClusterSnapshot *snapshot, Plan *plan,
									 const NodeReport *donor, const char *target_name,
									 int target_port);

/*
 * On the new node: citus_check_connection_to_node() of every worker,
 * which stops the run when one fails.  For a node that had no extension
 * when the plan was made, so discovery could not check it.
 */
void		plan_add_reach_proof(const ClusterSnapshot *snapshot, Plan *plan,
								 const char *host, int port);

#endif
