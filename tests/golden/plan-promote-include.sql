-- citus-rescue recovery plan
--
-- Review it, then run it with: citus-rescue apply FILE
-- (which re-checks the cluster, backs up the metadata, journals every
-- statement and can resume). In an emergency psql can run it too:
--   psql -X -U USER -d DBNAME -f FILE
--
-- Each step runs on the node its \connect line names, which is the node
-- its "-- on:" line shows; apply refuses a file where they differ. Both
-- apply and psql run every statement that is not a comment. The lines
-- "-- check:" are apply's own queries, which psql skips: apply runs a
-- step's check before the step (true: already done, skipped) and after it
-- (false: the step failed). apply refuses a file with any line it would
-- not write itself outside the steps' SQL.
--
-- format: 1
-- tool-version: 0.0.0-test
-- created: 2026-01-01T00:00:00.000Z
-- method: promote
-- cim: include
-- target: w\\2:5432
-- old-coordinator: coord:5432
-- coordinator-at: w\\2:5432
-- first: w'1:5432
-- dbname: app
-- user: postgres
--
-- Metadata fingerprints when the plan was made (apply refuses a changed cluster):
-- node: w'1:5432 group=1 lg=1;pg_dist_node=d41d8cd98f00b204e9800998ecf8427e;pg_dist_placement=d41d8cd98f00b204e9800998ecf8427e;pg_dist_shard=d41d8cd98f00b204e9800998ecf8427e;pg_dist_partition=d41d8cd98f00b204e9800998ecf8427e;pg_dist_colocation=d41d8cd98f00b204e9800998ecf8427e
-- node: w\\2:5432 group=2 lg=2;pg_dist_node=d41d8cd98f00b204e9800998ecf8427e;pg_dist_placement=d41d8cd98f00b204e9800998ecf8427e;pg_dist_shard=d41d8cd98f00b204e9800998ecf8427e;pg_dist_partition=d41d8cd98f00b204e9800998ecf8427e;pg_dist_colocation=d41d8cd98f00b204e9800998ecf8427e
-- node: w"3$body$:5432 group=3 lg=3;pg_dist_node=d41d8cd98f00b204e9800998ecf8427e;pg_dist_placement=d41d8cd98f00b204e9800998ecf8427e;pg_dist_shard=d41d8cd98f00b204e9800998ecf8427e;pg_dist_partition=d41d8cd98f00b204e9800998ecf8427e;pg_dist_colocation=d41d8cd98f00b204e9800998ecf8427e
--
-- Pre-flight checks:
-- check: pass cim: CIM include: the old coordinator had a pg_dist_node row; the new one takes its place as group 0
-- check: pass old-coordinator-gone: the old coordinator at coord:5432 does not answer
-- check: pass nodes-reachable: every worker answered
-- check: pass same-versions: PostgreSQL 15 and Citus 13.2.2 (extension 13.2-1) on every node
-- check: pass metadata-agrees: every reachable worker holds the same metadata
-- check: pass workers-synced: every worker with metadata is metadata-synced
-- check: pass promote-target: w\\2:5432 (group 2) becomes the coordinator and keeps its shards
-- check: pass orphaned-prepared: no prepared transaction of the dead coordinator waits on a worker
-- check: pass lost-shards: every shard has a placement on a surviving worker
-- check: pass lost-metadata: no worker holds shard tables of a table it has no metadata of
-- check: pass roles-match: no metadata sync overwrites the workers' roles
-- check: pass resync: every worker holds the same catalogs and placement ids: the workers get only the pg_dist_node and pg_dist_placement rows that change, in one all-nodes transaction, instead of Citus's full metadata sync
--
-- What died with the old coordinator (item: fate; what the workers show; what to do):
-- ledger: cleanup-records (pg_dist_cleanup): unknown; workers show: 0 rows on each of 3 workers; the coordinator's records of what to drop after interrupted shard moves and splits are gone; the leftovers themselves (replication slots, publications, subscriptions, partial shard copies) are still on the workers and must be found there
-- ledger: rebalance-jobs (pg_dist_background_job and _task): unknown; workers show: jobs: 0 rows on each of 3 workers; tasks: 0 rows on each of 3 workers; a rebalance the coordinator was running or had scheduled stopped with it; run citus_rebalance_start() on the new coordinator if it is still wanted
-- ledger: rebalance-strategies (pg_dist_rebalance_strategy): restore from backup; workers show: only the default strategies on 3 workers; Citus never copies custom strategies to workers or new nodes; the new coordinator's extension has the defaults: re-create custom ones with citus_add_rebalance_strategy() from a backup or a runbook
-- ledger: authinfo (pg_dist_authinfo): unknown; workers show: 0 rows on each of 3 workers, the same on every worker; the workers hold none; whether the coordinator had its own is unknown: the new coordinator connects with its own settings (~/.pgpass, pg_hba.conf), which the new-node-reaches-workers check proves before any change
-- ledger: poolinfo (pg_dist_poolinfo): unknown; workers show: 0 rows on each of 3 workers, the same on every worker; the workers hold none; whether the coordinator routed through a pooler is unknown
-- ledger: local-tables (the coordinator's plain tables): restore from backup; workers show: nothing: the workers never see the coordinator's own plain tables; restore any plain (not distributed, not reference) tables the old coordinator held from its backup
-- ledger: citus-settings (citus.* settings): unknown; workers show: w'1:5432 sets citus.shard_count = 8; the old coordinator's postgresql.conf is gone: set again what it had, at least citus.shard_count, citus.shard_replication_factor, citus.max_adaptive_executor_pool_size, citus.max_shared_pool_size, citus.max_client_connections, citus.node_conninfo, citus.local_hostname, citus.enable_repartition_joins, citus.rebalancer_by_disk_size_base_cost
-- ledger: cron-jobs (pg_cron jobs): restore from backup; workers show: no pg_cron extension on any worker; jobs scheduled on the coordinator ran there and died with it: install pg_cron on the new coordinator and restore cron.job from a backup
--
\set ON_ERROR_STOP on

-- ============================================================================
-- step: 1 of 3
-- on: w'1:5432
-- purpose: Rename the promoted worker's group to 0 in this worker's metadata.
-- changes: On this worker: the old coordinator's rows (group 0) go from pg_dist_node and pg_dist_placement; the promoted worker's row in pg_dist_node and its placements in pg_dist_placement move from group 2 to group 0.
-- transaction: atomic 1
-- confirms: done when this node's pg_dist_node has the promoted worker in group 0 and no group 2
-- locks: On this node: the pg_dist_node, pg_dist_placement (and, on the promoted worker, pg_dist_local_group) rows it changes, from its first statement until the group's COMMIT PREPARED (milliseconds, plus the other nodes' prepare time). The application's reads and writes only read these catalogs and do not wait. The batch waits at most 1s for each lock it asks for.
-- check: SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_dist_node WHERE groupid = 0 AND nodename = E'w\\\\2' AND nodeport = 5432) AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_dist_node WHERE groupid = 2)
-- undo: Restore this node's catalogs from the backup (restore.sh in the work directory).
\connect -reuse-previous=on 'host=''w\\''1'' port=5432'
BEGIN;
SET LOCAL statement_timeout = '5min';
SET LOCAL lock_timeout = '1s';
-- the old coordinator's rows go
DELETE FROM pg_catalog.pg_dist_placement WHERE groupid = 0;
DELETE FROM pg_catalog.pg_dist_node WHERE groupid = 0;
-- the promoted worker becomes group 0 and keeps its shards
UPDATE pg_catalog.pg_dist_placement SET groupid = 0 WHERE groupid = 2;
UPDATE pg_catalog.pg_dist_node SET groupid = 0 WHERE groupid = 2;
PREPARE TRANSACTION 'rescue_plan_1_1';
-- end of step 1

-- ============================================================================
-- step: 2 of 3
-- on: w\\2:5432
-- purpose: On the worker being promoted: rename its group to 0 and take the coordinator's local group and sequences.
-- changes: On the worker being promoted: the old coordinator's rows (group 0) go from pg_dist_node and pg_dist_placement; the promoted worker's row in pg_dist_node and its placements in pg_dist_placement move from group 2 to group 0; its pg_dist_local_group becomes 0, and Citus's id sequences move past the highest id any survivor holds.
-- transaction: atomic 1
-- confirms: done when this node's pg_dist_node has the promoted worker in group 0 and no group 2, and its local group is 0
-- locks: On this node: the pg_dist_node, pg_dist_placement (and, on the promoted worker, pg_dist_local_group) rows it changes, from its first statement until the group's COMMIT PREPARED (milliseconds, plus the other nodes' prepare time). The application's reads and writes only read these catalogs and do not wait. The batch waits at most 1s for each lock it asks for.
-- check: SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_dist_node WHERE groupid = 0 AND nodename = E'w\\\\2' AND nodeport = 5432) AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_dist_node WHERE groupid = 2) AND (SELECT groupid FROM pg_catalog.pg_dist_local_group) = 0
-- undo: Restore this node's catalogs from the backup (restore.sh in the work directory).
\connect -reuse-previous=on 'host=''w\\\\2'' port=5432'
BEGIN;
SET LOCAL statement_timeout = '5min';
SET LOCAL lock_timeout = '1s';
-- the old coordinator's rows go
DELETE FROM pg_catalog.pg_dist_placement WHERE groupid = 0;
DELETE FROM pg_catalog.pg_dist_node WHERE groupid = 0;
-- the promoted worker becomes group 0 and keeps its shards
UPDATE pg_catalog.pg_dist_placement SET groupid = 0 WHERE groupid = 2;
UPDATE pg_catalog.pg_dist_node SET groupid = 0 WHERE groupid = 2;
UPDATE pg_catalog.pg_dist_local_group SET groupid = 0;
-- every id sequence past the highest id any survivor holds
SELECT pg_catalog.setval('pg_catalog.pg_dist_shardid_seq', GREATEST(102024, (SELECT pg_catalog.max(shardid) FROM pg_catalog.pg_dist_shard), (SELECT last_value FROM pg_catalog.pg_dist_shardid_seq)));
SELECT pg_catalog.setval('pg_catalog.pg_dist_colocationid_seq', GREATEST(2, (SELECT pg_catalog.max(colocationid) FROM pg_catalog.pg_dist_colocation), (SELECT last_value FROM pg_catalog.pg_dist_colocationid_seq)));
PREPARE TRANSACTION 'rescue_plan_1_2';
-- end of step 2

-- ============================================================================
-- step: 3 of 3
-- on: w"3$body$:5432
-- purpose: Rename the promoted worker's group to 0 in this worker's metadata.
-- changes: On this worker: the old coordinator's rows (group 0) go from pg_dist_node and pg_dist_placement; the promoted worker's row in pg_dist_node and its placements in pg_dist_placement move from group 2 to group 0.
-- transaction: atomic 1
-- confirms: done when this node's pg_dist_node has the promoted worker in group 0 and no group 2
-- locks: On this node: the pg_dist_node, pg_dist_placement (and, on the promoted worker, pg_dist_local_group) rows it changes, from its first statement until the group's COMMIT PREPARED (milliseconds, plus the other nodes' prepare time). The application's reads and writes only read these catalogs and do not wait. The batch waits at most 1s for each lock it asks for.
-- check: SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_dist_node WHERE groupid = 0 AND nodename = E'w\\\\2' AND nodeport = 5432) AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_dist_node WHERE groupid = 2)
-- undo: Restore this node's catalogs from the backup (restore.sh in the work directory).
\connect -reuse-previous=on 'host=''w"3$body$'' port=5432'
BEGIN;
SET LOCAL statement_timeout = '5min';
SET LOCAL lock_timeout = '1s';
-- the old coordinator's rows go
DELETE FROM pg_catalog.pg_dist_placement WHERE groupid = 0;
DELETE FROM pg_catalog.pg_dist_node WHERE groupid = 0;
-- the promoted worker becomes group 0 and keeps its shards
UPDATE pg_catalog.pg_dist_placement SET groupid = 0 WHERE groupid = 2;
UPDATE pg_catalog.pg_dist_node SET groupid = 0 WHERE groupid = 2;
PREPARE TRANSACTION 'rescue_plan_1_3';
-- end of step 3

-- every node of atomic group 1 is prepared: commit them all
\connect -reuse-previous=on 'host=''w\\''1'' port=5432'
COMMIT PREPARED 'rescue_plan_1_1';
\connect -reuse-previous=on 'host=''w\\\\2'' port=5432'
COMMIT PREPARED 'rescue_plan_1_2';
\connect -reuse-previous=on 'host=''w"3$body$'' port=5432'
COMMIT PREPARED 'rescue_plan_1_3';

-- end of plan
