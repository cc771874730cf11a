/*
 * What discovery reads for the ledger and the connection gate: on every
 * surviving worker, the coordinator-only catalogs and settings (counts and
 * keys, never an authinfo text); on the new node, Citus's own connection
 * check of every worker.
 */
#ifndef CITUS_RESCUE_LEDGER_READ_H
#define CITUS_RESCUE_LEDGER_READ_H

#include <libpq-fe.h>

#include "session.h"
#include "snapshot.h"

struct PgNode;

/* Five statements; discovery sends them in its batch to the nodes ledger_wanted() names */
char	   *ledger_sql(void);
#define LEDGER_RESULTS 5
bool		ledger_wanted(const NodeReport *node);
/* A node's LedgerFacts from its batch's results, ledger_sql's first at `base` */
void		ledger_read_node(NodeReport *node, const struct PgNode *pg, int base);

/*
 * From the target (snapshot->target), when it has the citus extension,
 * citus_check_connection_to_node() of every active primary worker, by the
 * name pg_dist_node gives it, with the workers' pg_dist_authinfo rows in
 * place when the ledger says they will be copied.  Changes nothing: it
 * all runs in a transaction that is rolled back.  Otherwise says why it
 * could not run.
 */
void		reach_check_run(ClusterSnapshot *snapshot, SessionPool *pool, int timeout_ms);

/*
 * The check of every worker at once, for discovery's batch to the new
 * node (in_batch: the workers share half the deadline): two statements
 * (NULL when there is no worker to check).  While
 * the batch runs, the node's warnings, which say why a worker could not
 * be reached, are collected; reach_read_at_once then fills the new node's
 * ReachCheck from the batch's results, the first at `base`, and
 * reach_check_run keeps it when every worker was reached and no authinfo
 * must be in place.
 */
char	   *reach_at_once_sql(const ClusterSnapshot *snapshot, int timeout_ms, bool in_batch);
#define REACH_RESULTS 2
PQnoticeReceiver reach_collect_warnings(struct PgNode *target, StrList *warnings);
void		reach_stop_collecting(struct PgNode *target, PQnoticeReceiver previous);
bool		reach_read_at_once(ClusterSnapshot *snapshot, const struct PgNode *target, int base,
							   const StrList *warnings);

#endif
