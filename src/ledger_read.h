/*
 * What discovery reads for the ledger and the connection gate: on every
 * surviving worker, the coordinator-only catalogs and settings (counts and
 * keys, never an authinfo text); on the new node, Citus's own connection
 * check of every worker.
 */
#ifndef CITUS_RESCUE_LEDGER_READ_H
#define CITUS_RESCUE_LEDGER_READ_H

#include "session.h"
#include "snapshot.h"

/* Fills each reachable Citus node's LedgerFacts, all nodes at once. */
void		ledger_read(ClusterSnapshot *snapshot, SessionPool *pool, int timeout_ms);

/*
 * From the target (snapshot->target), when it has the citus extension,
 * citus_check_connection_to_node() of every active primary worker, by the
 * name pg_dist_node gives it, with the workers' pg_dist_authinfo rows in
 * place when the ledger says they will be copied.  Changes nothing: it
 * all runs in a transaction that is rolled back.  Otherwise says why it
 * could not run.
 */
void		reach_check_run(ClusterSnapshot *snapshot, SessionPool *pool, int timeout_ms);

#endif
