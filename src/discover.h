/*
 * Discovery: from one surviving node, find every node pg_dist_node lists,
 * reach them all at once, and learn and compare what each believes.
 */
#ifndef CITUS_RESCUE_DISCOVER_H
#define CITUS_RESCUE_DISCOVER_H

#include "connopts.h"
#include "snapshot.h"

typedef struct DiscoverHooks
{
	/*
	 * Asks for a password when a server wants one and none was given;
	 * returns a malloc'd string or NULL to give up.
	 */
	char	   *(*ask_password) (const char *prompt, void *arg);
	/* Each node's connect or query finishing, for live progress. */
	PgNodeEvent on_event;
	/* The nodes to reach are known; their connections start now. */
	void		(*on_nodes) (const ClusterSnapshot *snapshot, void *arg);
	void	   *arg;
} DiscoverHooks;

/*
 * Fills snapshot and returns its exit code (exitcodes.h).  opts->password
 * is set when the operator typed one, so later sessions can reuse it.
 */
int			discover_cluster(ConnOptions *opts, const DiscoverHooks *hooks,
							 ClusterSnapshot *snapshot);

#endif
