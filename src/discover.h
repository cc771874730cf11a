/*
 * Discovery: from one surviving node, find every node pg_dist_node lists,
 * reach them all at once, and learn and compare what each believes.
 */
#ifndef CITUS_RESCUE_DISCOVER_H
#define CITUS_RESCUE_DISCOVER_H

#include "connopts.h"
#include "events.h"
#include "session.h"
#include "snapshot.h"

/*
 * Parts of a discovery that a caller which re-checks a cluster it already
 * planned for can do without: each is a query on every node.
 */
#define DISCOVER_SKIP_LEFTOVERS	0x1	/* slots, publications, orphaned shard tables */
#define DISCOVER_SKIP_LEDGER	0x2	/* what died with the coordinator */
#define DISCOVER_SKIP_ROLES		0x4	/* role digests */
#define DISCOVER_SKIP_SHARDS	0x8	/* lost shards and unknown shard tables */

typedef struct DiscoverHooks
{
	/*
	 * Asks for a password when a server wants one and none was given;
	 * returns a malloc'd string or NULL to give up.
	 */
	char	   *(*ask_password) (const char *prompt, void *arg);
	/* Each node's connect or query finishing (EVENT_NODE), for live progress. */
	const EventSink *node_events;
	/* The nodes to reach are known; their connections start now. */
	void		(*on_nodes) (const ClusterSnapshot *snapshot, void *arg);
	void	   *arg;
	unsigned int skip;			/* DISCOVER_SKIP_ flags; 0 reads everything */

	/*
	 * Sessions an earlier phase of the same run left open (session.h):
	 * a node whose address has one is not connected again.  Without a
	 * pool of its own, discovery leaves its sessions here when it ends.
	 */
	SessionPool *keep;

	/*
	 * The snapshot an earlier phase of the same run took from the same
	 * first node, whose sessions are in keep: its node list lets every
	 * node's questions go out with the first node's, and is checked
	 * against the list read now before any answer is used.
	 */
	const ClusterSnapshot *expected;
} DiscoverHooks;

/*
 * Fills snapshot and returns its exit code (exitcodes.h).  With a pool,
 * the sessions stay open in it (index for index with snapshot->nodes)
 * for the caller to use and free; without one they are closed.  opts->password
 * is set when the operator typed one, so later sessions can reuse it.
 */
int			discover_cluster(ConnOptions *opts, const DiscoverHooks *hooks,
							 ClusterSnapshot *snapshot, SessionPool *pool);

/* A placement as the first node has it, for the wizard's side-by-side view */
typedef struct PlacementRow
{
	char	   *table;
	int64_t		shardid;
	int			groupid;
	int64_t		placementid;
	char	   *minvalue;		/* the shard's hash range; NULL without one */
	char	   *maxvalue;
} PlacementRow;

/*
 * Every placement as the first node of a discovery has it, through its
 * session in pool.  Returns the number of rows (*rows malloc'd), -1 with
 * error set when they could not be read.
 */
int			discover_placements(const ClusterSnapshot *snapshot, SessionPool *pool,
								int timeout_ms, PlacementRow **rows, PgError *error);
void		placement_rows_free(PlacementRow *rows, int count);

#endif
