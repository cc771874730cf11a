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
-- method: new-node
-- cim: exclude
-- target: new-coord:5432
-- donor: w'1:5432
-- coordinator-at: new-coord:5432
-- first: w'1:5432
-- dbname: app
-- user: postgres
--
-- Metadata fingerprints when the plan was made (apply refuses a changed cluster):
-- node: w'1:5432 group=1 lg=1;pg_dist_node=d41d8cd98f00b204e9800998ecf8427e;pg_dist_placement=d41d8cd98f00b204e9800998ecf8427e;pg_dist_shard=d41d8cd98f00b204e9800998ecf8427e;pg_dist_partition=d41d8cd98f00b204e9800998ecf8427e;pg_dist_colocation=d41d8cd98f00b204e9800998ecf8427e
-- node: w\\2:5432 group=2 lg=2;pg_dist_node=d41d8cd98f00b204e9800998ecf8427e;pg_dist_placement=d41d8cd98f00b204e9800998ecf8427e;pg_dist_shard=d41d8cd98f00b204e9800998ecf8427e;pg_dist_partition=d41d8cd98f00b204e9800998ecf8427e;pg_dist_colocation=d41d8cd98f00b204e9800998ecf8427e
-- node: w"3$body$:5432 group=3 lg=3;pg_dist_node=d41d8cd98f00b204e9800998ecf8427e;pg_dist_placement=d41d8cd98f00b204e9800998ecf8427e;pg_dist_shard=d41d8cd98f00b204e9800998ecf8427e;pg_dist_partition=d41d8cd98f00b204e9800998ecf8427e;pg_dist_colocation=d41d8cd98f00b204e9800998ecf8427e
-- node: new-coord:5432 group=-1 lg=0;pg_dist_node=d41d8cd98f00b204e9800998ecf8427e;pg_dist_placement=d41d8cd98f00b204e9800998ecf8427e;pg_dist_shard=d41d8cd98f00b204e9800998ecf8427e;pg_dist_partition=d41d8cd98f00b204e9800998ecf8427e;pg_dist_colocation=d41d8cd98f00b204e9800998ecf8427e
--
-- Pre-flight checks:
-- check: pass cim: CIM exclude: the old coordinator had no pg_dist_node row; the new one stays out of it too
-- check: warn old-coordinator-gone: the old coordinator was not in the metadata, so its address is unknown and was not checked
--   fix: Give --old-coordinator HOST:PORT to have its address checked.
-- check: pass nodes-reachable: every worker answered
-- check: pass same-versions: PostgreSQL 15 and Citus 13.2.2 (extension 13.2-1) on every node
-- check: pass metadata-agrees: every reachable worker holds the same metadata
-- check: pass workers-synced: every worker with metadata is metadata-synced
-- check: pass donor: w'1:5432 (group 1) lends its metadata to the new node
-- check: pass new-node-reachable: new-coord:5432 answers
-- check: pass new-node-unlisted: new-coord:5432 is not in pg_dist_node
-- check: pass new-node-citus: new-coord:5432 has citus 13.2-1
-- check: pass new-node-empty: new-coord:5432 has no user tables
-- check: pass orphaned-prepared: no prepared transaction of the dead coordinator waits on a worker
-- check: pass lost-shards: every shard has a placement on a surviving worker
-- check: pass lost-metadata: no worker holds shard tables of a table it has no metadata of
-- check: pass new-node-reaches-workers: new-coord:5432 reaches every worker (3) with citus_check_connection_to_node()
-- check: pass roles-match: no metadata sync overwrites the workers' roles; the new node's roles are the same as the donor's
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
-- step: 1 of 8
-- on: w'1:5432
-- purpose: On the donor, in one transaction: pose as coordinator, add the new node (which copies the metadata to it), and become a worker again.
-- changes: On the donor, in one transaction: the donor takes group 0 in pg_dist_local_group, pg_dist_node and pg_dist_placement; Citus's id sequences move past every id a survivor holds; citus_add_node() adds the new node's row to pg_dist_node, and its metadata sync copies the donor's catalogs to the new node; then the donor's rows and local group go back to group 1. On the other workers citus_add_node() adds only the new node's row.
-- transaction: local
-- confirms: done when the new node is in the donor's pg_dist_node and the donor's local group is 1 again
-- locks: On the donor, until COMMIT: pg_dist_node exclusively (citus_add_node()) and the pg_dist_node, pg_dist_placement and pg_dist_local_group rows it changes, for as long as Citus copies the metadata to the new node (seconds per 10,000 placements). The application's reads and writes only read these catalogs and do not wait; only another change of the metadata would. On every other worker, the new node's row, in a two-phase commit of milliseconds. The batch waits at most 1s for each lock it asks for.
-- check: SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_dist_node WHERE nodename = 'new-coord' AND nodeport = 5432) AND (SELECT groupid FROM pg_catalog.pg_dist_local_group) = 1
-- undo: On the donor: DELETE FROM pg_catalog.pg_dist_node WHERE nodename = 'new-coord' AND nodeport = 5432; then restore its catalogs from the backup if the old coordinator's rows are wanted back.
\connect -reuse-previous=on 'host=''w\\''1'' port=5432'
BEGIN;
SET LOCAL statement_timeout = '5min';
SET LOCAL lock_timeout = '1s';
-- act as the coordinator inside this transaction only
UPDATE pg_catalog.pg_dist_local_group SET groupid = 0;
UPDATE pg_catalog.pg_dist_node SET groupid = 0 WHERE groupid = 1;
UPDATE pg_catalog.pg_dist_placement SET groupid = 0 WHERE groupid = 1;
-- ids handed out to the new node must not collide with any survivor's
SELECT pg_catalog.setval('pg_catalog.pg_dist_groupid_seq', GREATEST(3, (SELECT last_value FROM pg_catalog.pg_dist_groupid_seq)));
SELECT pg_catalog.setval('pg_catalog.pg_dist_node_nodeid_seq', GREATEST(4, (SELECT last_value FROM pg_catalog.pg_dist_node_nodeid_seq)));
SELECT pg_catalog.setval('pg_catalog.pg_dist_placement_placementid_seq', GREATEST(20, (SELECT last_value FROM pg_catalog.pg_dist_placement_placementid_seq)));
SELECT pg_catalog.setval('pg_catalog.pg_dist_shardid_seq', GREATEST(102024, (SELECT last_value FROM pg_catalog.pg_dist_shardid_seq)));
SELECT pg_catalog.setval('pg_catalog.pg_dist_colocationid_seq', GREATEST(2, (SELECT last_value FROM pg_catalog.pg_dist_colocationid_seq)));
SELECT pg_catalog.citus_add_node('new-coord', 5432);
-- back to being an ordinary worker
UPDATE pg_catalog.pg_dist_node SET groupid = 1 WHERE groupid = 0;
UPDATE pg_catalog.pg_dist_placement SET groupid = 1 WHERE groupid = 0;
UPDATE pg_catalog.pg_dist_local_group SET groupid = 1;
COMMIT;
-- end of step 1

-- ============================================================================
-- step: 2 of 8
-- on: w'1:5432
-- purpose: On the donor: forget the two-phase commit records of the transaction it coordinated while posing as coordinator.
-- changes: On the donor only: pg_dist_transaction loses its records of the two-phase commit it coordinated while adding the new node; that commit is complete, so nothing else changes.
-- transaction: local
-- confirms: done when the donor's pg_dist_transaction is empty
-- locks: On the donor: the pg_dist_transaction rows it deletes, for milliseconds; nobody waits.
-- check: SELECT NOT EXISTS (SELECT 1 FROM pg_catalog.pg_dist_transaction)
-- undo: Nothing to undo: only records of committed transactions go.
\connect -reuse-previous=on 'host=''w\\''1'' port=5432'
BEGIN;
SET LOCAL statement_timeout = '5min';
SET LOCAL lock_timeout = '1s';
SELECT pg_catalog.recover_prepared_transactions();
COMMIT;
-- end of step 2

-- ============================================================================
-- step: 3 of 8
-- on: new-coord:5432
-- purpose: On the new node, in one transaction: give the donor its group back, take group 0, and set every id sequence ahead.
-- changes: On the new node, in one transaction: pg_dist_groupid_seq moves past the group it was added as; the donor's rows in pg_dist_node and pg_dist_placement go back from group 0 to group 1; the new node's own row and placements go from pg_dist_node and pg_dist_placement, and the shard tables it got as a worker are dropped; pg_dist_local_group becomes 0, and Citus's id sequences move past the highest id any survivor holds. The workers see none of it until a later step.
-- transaction: local
-- confirms: done when the new node's local group (pg_dist_local_group) is 0
-- locks: On the new node only, which serves no application yet: the catalog rows it changes (and, without the coordinator in the metadata, the shard tables it drops), until COMMIT.
-- check: SELECT (SELECT groupid FROM pg_catalog.pg_dist_local_group) = 0
-- undo: DROP EXTENSION citus CASCADE; on the new node, or restore its catalogs from the backup.
\connect -reuse-previous=on 'host=''new-coord'' port=5432'
BEGIN;
SET LOCAL statement_timeout = '5min';
SET LOCAL lock_timeout = '1s';
-- this node's bigserial sequences took the range of the group it was added as:
-- no node added later may get that group
SELECT pg_catalog.setval('pg_catalog.pg_dist_groupid_seq', GREATEST(
       (SELECT groupid FROM pg_catalog.pg_dist_node WHERE nodename = 'new-coord' AND nodeport = 5432),
       (SELECT last_value FROM pg_catalog.pg_dist_groupid_seq)));
-- the donor was group 0 while it copied the metadata here
UPDATE pg_catalog.pg_dist_node SET groupid = 1 WHERE groupid = 0;
UPDATE pg_catalog.pg_dist_placement SET groupid = 1 WHERE groupid = 0;
-- the coordinator stays out of the metadata: no row, no placements, no shard tables
SET LOCAL citus.enable_manual_changes_to_shards = on;
DO $body$
DECLARE
  shard record;
BEGIN
  FOR shard IN SELECT pg_catalog.shard_name(s.logicalrelid, s.shardid) AS name
                 FROM pg_catalog.pg_dist_placement p
                 JOIN pg_catalog.pg_dist_shard s ON s.shardid = p.shardid
                WHERE p.groupid = (SELECT groupid FROM pg_catalog.pg_dist_node WHERE nodename = 'new-coord' AND nodeport = 5432)
  LOOP
    EXECUTE 'DROP TABLE IF EXISTS ' || shard.name;
  END LOOP;
END
$body$;
DELETE FROM pg_catalog.pg_dist_placement
 WHERE groupid = (SELECT groupid FROM pg_catalog.pg_dist_node WHERE nodename = 'new-coord' AND nodeport = 5432);
DELETE FROM pg_catalog.pg_dist_node WHERE nodename = 'new-coord' AND nodeport = 5432;
UPDATE pg_catalog.pg_dist_local_group SET groupid = 0;
-- every id sequence past the highest id any survivor holds
SELECT pg_catalog.setval('pg_catalog.pg_dist_shardid_seq', GREATEST(102024, (SELECT pg_catalog.max(shardid) FROM pg_catalog.pg_dist_shard), (SELECT last_value FROM pg_catalog.pg_dist_shardid_seq)));
SELECT pg_catalog.setval('pg_catalog.pg_dist_colocationid_seq', GREATEST(2, (SELECT pg_catalog.max(colocationid) FROM pg_catalog.pg_dist_colocation), (SELECT last_value FROM pg_catalog.pg_dist_colocationid_seq)));
COMMIT;
-- end of step 3

-- ============================================================================
-- step: 4 of 8
-- on: w'1:5432
-- purpose: On the donor: make the new node's row match the new coordinator's.
-- changes: On this worker, as on the new coordinator: the new node's row in pg_dist_node (which the donor's citus_add_node() sent every worker) and its placements go, since the coordinator stays out of the metadata. Nothing else changes: pre-flight proved this worker holds every other row as the new coordinator does.
-- transaction: atomic 1
-- confirms: done when this worker's pg_dist_node has no row for the new node and none in group 0
-- locks: On this worker: the pg_dist_node and pg_dist_placement rows it changes, from its first statement until the group's COMMIT PREPARED (milliseconds, plus the other workers' prepare time). The application's reads and writes only read these catalogs and do not wait. The batch waits at most 1s for each lock it asks for.
-- check: SELECT NOT EXISTS (SELECT 1 FROM pg_catalog.pg_dist_node WHERE nodename = 'new-coord' AND nodeport = 5432 OR groupid = 0)
-- undo: Restore this node's catalogs from the backup (restore.sh in the work directory).
\connect -reuse-previous=on 'host=''w\\''1'' port=5432'
BEGIN;
SET LOCAL statement_timeout = '5min';
SET LOCAL lock_timeout = '1s';
-- the donor's citus_add_node() sent this worker the new node's row
DO $body$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_dist_node WHERE nodename = 'new-coord' AND nodeport = 5432) THEN
    RAISE EXCEPTION 'this worker''s pg_dist_node lacks the new node, which citus_add_node() on the donor sends every worker'
      USING HINT = 'Plan again with --full-resync.';
  END IF;
END
$body$;
-- the coordinator stays out of the metadata, as on itself
DELETE FROM pg_catalog.pg_dist_placement
 WHERE groupid = (SELECT groupid FROM pg_catalog.pg_dist_node WHERE nodename = 'new-coord' AND nodeport = 5432);
DELETE FROM pg_catalog.pg_dist_node WHERE nodename = 'new-coord' AND nodeport = 5432;
PREPARE TRANSACTION 'rescue_plan_1_4';
-- end of step 4

-- ============================================================================
-- step: 5 of 8
-- on: w\\2:5432
-- purpose: Make this worker's pg_dist_node and pg_dist_placement match the new coordinator's.
-- changes: On this worker, as on the new coordinator: the new node's row in pg_dist_node (which the donor's citus_add_node() sent every worker) and its placements go, since the coordinator stays out of the metadata. Nothing else changes: pre-flight proved this worker holds every other row as the new coordinator does.
-- transaction: atomic 1
-- confirms: done when this worker's pg_dist_node has no row for the new node and none in group 0
-- locks: On this worker: the pg_dist_node and pg_dist_placement rows it changes, from its first statement until the group's COMMIT PREPARED (milliseconds, plus the other workers' prepare time). The application's reads and writes only read these catalogs and do not wait. The batch waits at most 1s for each lock it asks for.
-- check: SELECT NOT EXISTS (SELECT 1 FROM pg_catalog.pg_dist_node WHERE nodename = 'new-coord' AND nodeport = 5432 OR groupid = 0)
-- undo: Restore this node's catalogs from the backup (restore.sh in the work directory).
\connect -reuse-previous=on 'host=''w\\\\2'' port=5432'
BEGIN;
SET LOCAL statement_timeout = '5min';
SET LOCAL lock_timeout = '1s';
-- the donor's citus_add_node() sent this worker the new node's row
DO $body$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_dist_node WHERE nodename = 'new-coord' AND nodeport = 5432) THEN
    RAISE EXCEPTION 'this worker''s pg_dist_node lacks the new node, which citus_add_node() on the donor sends every worker'
      USING HINT = 'Plan again with --full-resync.';
  END IF;
END
$body$;
-- the coordinator stays out of the metadata, as on itself
DELETE FROM pg_catalog.pg_dist_placement
 WHERE groupid = (SELECT groupid FROM pg_catalog.pg_dist_node WHERE nodename = 'new-coord' AND nodeport = 5432);
DELETE FROM pg_catalog.pg_dist_node WHERE nodename = 'new-coord' AND nodeport = 5432;
PREPARE TRANSACTION 'rescue_plan_1_5';
-- end of step 5

-- ============================================================================
-- step: 6 of 8
-- on: w"3$body$:5432
-- purpose: Make this worker's pg_dist_node and pg_dist_placement match the new coordinator's.
-- changes: On this worker, as on the new coordinator: the new node's row in pg_dist_node (which the donor's citus_add_node() sent every worker) and its placements go, since the coordinator stays out of the metadata. Nothing else changes: pre-flight proved this worker holds every other row as the new coordinator does.
-- transaction: atomic 1
-- confirms: done when this worker's pg_dist_node has no row for the new node and none in group 0
-- locks: On this worker: the pg_dist_node and pg_dist_placement rows it changes, from its first statement until the group's COMMIT PREPARED (milliseconds, plus the other workers' prepare time). The application's reads and writes only read these catalogs and do not wait. The batch waits at most 1s for each lock it asks for.
-- check: SELECT NOT EXISTS (SELECT 1 FROM pg_catalog.pg_dist_node WHERE nodename = 'new-coord' AND nodeport = 5432 OR groupid = 0)
-- undo: Restore this node's catalogs from the backup (restore.sh in the work directory).
\connect -reuse-previous=on 'host=''w"3$body$'' port=5432'
BEGIN;
SET LOCAL statement_timeout = '5min';
SET LOCAL lock_timeout = '1s';
-- the donor's citus_add_node() sent this worker the new node's row
DO $body$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_dist_node WHERE nodename = 'new-coord' AND nodeport = 5432) THEN
    RAISE EXCEPTION 'this worker''s pg_dist_node lacks the new node, which citus_add_node() on the donor sends every worker'
      USING HINT = 'Plan again with --full-resync.';
  END IF;
END
$body$;
-- the coordinator stays out of the metadata, as on itself
DELETE FROM pg_catalog.pg_dist_placement
 WHERE groupid = (SELECT groupid FROM pg_catalog.pg_dist_node WHERE nodename = 'new-coord' AND nodeport = 5432);
DELETE FROM pg_catalog.pg_dist_node WHERE nodename = 'new-coord' AND nodeport = 5432;
PREPARE TRANSACTION 'rescue_plan_1_6';
-- end of step 6

-- every node of atomic group 1 is prepared: commit them all
\connect -reuse-previous=on 'host=''w\\''1'' port=5432'
COMMIT PREPARED 'rescue_plan_1_4';
\connect -reuse-previous=on 'host=''w\\\\2'' port=5432'
COMMIT PREPARED 'rescue_plan_1_5';
\connect -reuse-previous=on 'host=''w"3$body$'' port=5432'
COMMIT PREPARED 'rescue_plan_1_6';

-- ============================================================================
-- step: 7 of 8
-- on: new-coord:5432
-- purpose: Give the int and smallint serial columns of distributed tables nextval() defaults and sequences past every id in use.
-- changes: On the new coordinator only (the workers keep their defaults): in pg_attrdef, 3 int or smallint serial columns of distributed tables get a nextval() default in place of worker_nextval(), and each one's sequence is set past the largest id in every table it serves.
-- transaction: local
-- confirms: done when no column of a distributed table on the new coordinator defaults to worker_nextval() any more
-- locks: On the new coordinator only, which serves no application yet: its own copies of those tables, until COMMIT. Reading the largest ids reads the shards on the workers, which makes nobody wait. The batch waits at most 1s for each lock it asks for.
-- check: SELECT NOT EXISTS (SELECT 1 FROM pg_catalog.pg_attrdef d JOIN pg_catalog.pg_dist_partition p ON p.logicalrelid = d.adrelid WHERE pg_catalog.pg_get_expr(d.adbin, d.adrelid) LIKE '%worker_nextval(%')
-- undo: Harmless to keep; to undo, set each column default back to worker_nextval().
\connect -reuse-previous=on 'host=''new-coord'' port=5432'
BEGIN;
SET LOCAL statement_timeout = '5min';
SET LOCAL lock_timeout = '1s';
-- the workers keep the worker_nextval() defaults Citus gave them; Citus's
-- propagation of this ALTER to them would leave odd column names unquoted
SET LOCAL citus.enable_ddl_propagation = off;
ALTER TABLE "app"."orders" ALTER COLUMN "id" SET DEFAULT pg_catalog.nextval('app.orders_id_seq'::pg_catalog.regclass);
SELECT pg_catalog.setval('app.orders_id_seq'::pg_catalog.regclass, GREATEST((SELECT pg_catalog.max("id") FROM "app"."orders"), (SELECT pg_catalog.max("id") FROM "app"."refunds"), 1));
ALTER TABLE "My Schema"."odd""t" ALTER COLUMN "i d" SET DEFAULT pg_catalog.nextval('"My Schema".s'::pg_catalog.regclass);
SELECT pg_catalog.setval('"My Schema".s'::pg_catalog.regclass, GREATEST((SELECT pg_catalog.max("i d") FROM "My Schema"."odd""t"), 1));
ALTER TABLE "app"."refunds" ALTER COLUMN "id" SET DEFAULT pg_catalog.nextval('app.orders_id_seq'::pg_catalog.regclass);
COMMIT;
-- end of step 7

-- ============================================================================
-- step: 8 of 8
-- on: new-coord:5432
-- purpose: Move the bigserial sequences of the new coordinator past any id already used in their range.
-- changes: On the new coordinator: the sequences of 1 bigserial column, where Citus narrowed them to a group's range, move forward with setval() past the largest id the column already holds in that range; a sequence already ahead stays. No table or catalog row changes.
-- transaction: local
-- confirms: never counted as done: nothing can tell afterwards whether this batch ran (a sequence it moved forward looks like one that was ahead already), so apply runs it on every run, a rerun too; that is safe, as it only ever moves a sequence forward.
-- locks: On the new coordinator only: its sequences, for a moment each; nobody waits.
-- check: SELECT false
-- undo: Nothing to undo: the sequences only moved forward.
\connect -reuse-previous=on 'host=''new-coord'' port=5432'
BEGIN;
SET LOCAL statement_timeout = '5min';
SET LOCAL lock_timeout = '1s';
DO $body$
DECLARE
  lo bigint;
  hi bigint;
  used bigint;
BEGIN
  SELECT seqmin, seqmax INTO lo, hi FROM pg_catalog.pg_sequence WHERE seqrelid = 'app.accounts_id_seq'::pg_catalog.regclass;
  IF hi < 9223372036854775807 THEN
    EXECUTE 'SELECT pg_catalog.max("id") FROM "app"."accounts" WHERE "id" BETWEEN $1 AND $2' INTO used USING lo, hi;
    IF used > (SELECT last_value FROM "app"."accounts_id_seq") THEN
      PERFORM pg_catalog.setval('app.accounts_id_seq'::pg_catalog.regclass, used);
    END IF;
  END IF;
END
$body$;
COMMIT;
-- end of step 8

-- end of plan
