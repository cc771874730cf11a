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
-- cim: include
-- target: new-coord:5432
-- donor: w'1:5432
-- old-coordinator: coord:5432
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
-- check: pass cim: CIM include: the old coordinator had a pg_dist_node row; the new one takes its place as group 0
-- check: pass old-coordinator-gone: the old coordinator at coord:5432 does not answer
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
-- check: warn leftovers: 5 leftovers of interrupted shard moves or splits, whose slots retain 118 MB of WAL: on w'1:5432: replication slot citus_shard_move_slot_2_10_7 (inactive, retains 118 MB of WAL), publication citus_shard_move_publication_2_10_7'; DROP; on w\\2:5432: subscription citus_shard_move_subscription_10_7 (disabled, slot citus_shard_move_slot_2_10_7 on w'1:5432), shard table My Schema.odd"t$body$_102009 (shard 102009, no placement on this node), role citus_shard_move_subscription_role_10_7
--   fix: The plan drops them in its last steps, once the new coordinator works.
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
-- step: 1 of 14
-- on: w'1:5432
-- purpose: On the donor, in one transaction: pose as coordinator, add the new node (which copies the metadata to it), and become a worker again.
-- changes: On the donor, in one transaction: the old coordinator's rows (group 0) go from pg_dist_node and pg_dist_placement; the donor takes group 0 in pg_dist_local_group, pg_dist_node and pg_dist_placement; Citus's id sequences move past every id a survivor holds; citus_add_node() adds the new node's row to pg_dist_node, and its metadata sync copies the donor's catalogs to the new node; then the donor's rows and local group go back to group 1. On the other workers citus_add_node() adds only the new node's row.
-- transaction: local
-- confirms: done when the new node is in the donor's pg_dist_node and the donor's local group is 1 again
-- locks: On the donor, until COMMIT: pg_dist_node exclusively (citus_add_node()) and the pg_dist_node, pg_dist_placement and pg_dist_local_group rows it changes, for as long as Citus copies the metadata to the new node (seconds per 10,000 placements). The application's reads and writes only read these catalogs and do not wait; only another change of the metadata would. On every other worker, the new node's row, in a two-phase commit of milliseconds. The batch waits at most 1s for each lock it asks for.
-- check: SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_dist_node WHERE nodename = 'new-coord' AND nodeport = 5432) AND (SELECT groupid FROM pg_catalog.pg_dist_local_group) = 1
-- undo: On the donor: DELETE FROM pg_catalog.pg_dist_node WHERE nodename = 'new-coord' AND nodeport = 5432; then restore its catalogs from the backup if the old coordinator's rows are wanted back.
\connect -reuse-previous=on 'host=''w\\''1'' port=5432'
BEGIN;
SET LOCAL statement_timeout = '5min';
SET LOCAL lock_timeout = '1s';
-- the old coordinator's rows go; the other workers lose them in a later step
DELETE FROM pg_catalog.pg_dist_placement WHERE groupid = 0;
DELETE FROM pg_catalog.pg_dist_node WHERE groupid = 0;
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
-- step: 2 of 14
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
-- step: 3 of 14
-- on: new-coord:5432
-- purpose: On the new node, in one transaction: give the donor its group back, take group 0, and set every id sequence ahead.
-- changes: On the new node, in one transaction: pg_dist_groupid_seq moves past the group it was added as; the donor's rows in pg_dist_node and pg_dist_placement go back from group 0 to group 1; the new node's own row becomes group 0, without shards, and its placements move to group 0; pg_dist_local_group becomes 0, and Citus's id sequences move past the highest id any survivor holds. The workers see none of it until a later step.
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
-- the coordinator stays in the metadata, as group 0, without shards
UPDATE pg_catalog.pg_dist_placement SET groupid = 0
 WHERE groupid = (SELECT groupid FROM pg_catalog.pg_dist_node WHERE nodename = 'new-coord' AND nodeport = 5432);
UPDATE pg_catalog.pg_dist_node SET groupid = 0, shouldhaveshards = false WHERE nodename = 'new-coord' AND nodeport = 5432;
UPDATE pg_catalog.pg_dist_local_group SET groupid = 0;
-- every id sequence past the highest id any survivor holds
SELECT pg_catalog.setval('pg_catalog.pg_dist_shardid_seq', GREATEST(102024, (SELECT pg_catalog.max(shardid) FROM pg_catalog.pg_dist_shard), (SELECT last_value FROM pg_catalog.pg_dist_shardid_seq)));
SELECT pg_catalog.setval('pg_catalog.pg_dist_colocationid_seq', GREATEST(2, (SELECT pg_catalog.max(colocationid) FROM pg_catalog.pg_dist_colocation), (SELECT last_value FROM pg_catalog.pg_dist_colocationid_seq)));
COMMIT;
-- end of step 3

-- ============================================================================
-- step: 4 of 14
-- on: w'1:5432
-- purpose: On the donor: make the new node's row match the new coordinator's.
-- changes: On this worker, as on the new coordinator: the new node's row in pg_dist_node (which the donor's citus_add_node() sent every worker) moves to group 0 without shards, with its placements. Nothing else changes: pre-flight proved this worker holds every other row as the new coordinator does.
-- transaction: atomic 1
-- confirms: done when this worker's only group 0 row in pg_dist_node is the new node's
-- locks: On this worker: the pg_dist_node and pg_dist_placement rows it changes, from its first statement until the group's COMMIT PREPARED (milliseconds, plus the other workers' prepare time). The application's reads and writes only read these catalogs and do not wait. The batch waits at most 1s for each lock it asks for.
-- check: SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_dist_node WHERE groupid = 0 AND nodename = 'new-coord' AND nodeport = 5432) AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_dist_node WHERE groupid = 0 AND NOT (nodename = 'new-coord' AND nodeport = 5432))
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
-- the new node is group 0, without shards, as on itself
UPDATE pg_catalog.pg_dist_placement SET groupid = 0
 WHERE groupid = (SELECT groupid FROM pg_catalog.pg_dist_node WHERE nodename = 'new-coord' AND nodeport = 5432);
UPDATE pg_catalog.pg_dist_node SET groupid = 0, shouldhaveshards = false WHERE nodename = 'new-coord' AND nodeport = 5432;
PREPARE TRANSACTION 'rescue_plan_1_4';
-- end of step 4

-- ============================================================================
-- step: 5 of 14
-- on: w\\2:5432
-- purpose: Make this worker's pg_dist_node and pg_dist_placement match the new coordinator's.
-- changes: On this worker, as on the new coordinator: the old coordinator's rows (group 0) go from pg_dist_node and pg_dist_placement; the new node's row in pg_dist_node (which the donor's citus_add_node() sent every worker) moves to group 0 without shards, with its placements. Nothing else changes: pre-flight proved this worker holds every other row as the new coordinator does.
-- transaction: atomic 1
-- confirms: done when this worker's only group 0 row in pg_dist_node is the new node's
-- locks: On this worker: the pg_dist_node and pg_dist_placement rows it changes, from its first statement until the group's COMMIT PREPARED (milliseconds, plus the other workers' prepare time). The application's reads and writes only read these catalogs and do not wait. The batch waits at most 1s for each lock it asks for.
-- check: SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_dist_node WHERE groupid = 0 AND nodename = 'new-coord' AND nodeport = 5432) AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_dist_node WHERE groupid = 0 AND NOT (nodename = 'new-coord' AND nodeport = 5432))
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
-- the old coordinator's rows go, as they went on the donor
DELETE FROM pg_catalog.pg_dist_placement WHERE groupid = 0;
DELETE FROM pg_catalog.pg_dist_node WHERE groupid = 0;
-- the new node is group 0, without shards, as on itself
UPDATE pg_catalog.pg_dist_placement SET groupid = 0
 WHERE groupid = (SELECT groupid FROM pg_catalog.pg_dist_node WHERE nodename = 'new-coord' AND nodeport = 5432);
UPDATE pg_catalog.pg_dist_node SET groupid = 0, shouldhaveshards = false WHERE nodename = 'new-coord' AND nodeport = 5432;
PREPARE TRANSACTION 'rescue_plan_1_5';
-- end of step 5

-- ============================================================================
-- step: 6 of 14
-- on: w"3$body$:5432
-- purpose: Make this worker's pg_dist_node and pg_dist_placement match the new coordinator's.
-- changes: On this worker, as on the new coordinator: the old coordinator's rows (group 0) go from pg_dist_node and pg_dist_placement; the new node's row in pg_dist_node (which the donor's citus_add_node() sent every worker) moves to group 0 without shards, with its placements. Nothing else changes: pre-flight proved this worker holds every other row as the new coordinator does.
-- transaction: atomic 1
-- confirms: done when this worker's only group 0 row in pg_dist_node is the new node's
-- locks: On this worker: the pg_dist_node and pg_dist_placement rows it changes, from its first statement until the group's COMMIT PREPARED (milliseconds, plus the other workers' prepare time). The application's reads and writes only read these catalogs and do not wait. The batch waits at most 1s for each lock it asks for.
-- check: SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_dist_node WHERE groupid = 0 AND nodename = 'new-coord' AND nodeport = 5432) AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_dist_node WHERE groupid = 0 AND NOT (nodename = 'new-coord' AND nodeport = 5432))
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
-- the old coordinator's rows go, as they went on the donor
DELETE FROM pg_catalog.pg_dist_placement WHERE groupid = 0;
DELETE FROM pg_catalog.pg_dist_node WHERE groupid = 0;
-- the new node is group 0, without shards, as on itself
UPDATE pg_catalog.pg_dist_placement SET groupid = 0
 WHERE groupid = (SELECT groupid FROM pg_catalog.pg_dist_node WHERE nodename = 'new-coord' AND nodeport = 5432);
UPDATE pg_catalog.pg_dist_node SET groupid = 0, shouldhaveshards = false WHERE nodename = 'new-coord' AND nodeport = 5432;
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
-- step: 7 of 14
-- on: new-coord:5432
-- purpose: Give the coordinator, which is in the metadata, a placement of every reference table, as the old one had.
-- changes: On the new coordinator: every reference table is copied here, and pg_dist_placement gains a group 0 placement of each, on every node (Citus's replicate_reference_tables(); writes to reference tables wait while it copies).
-- transaction: local
-- confirms: done when every reference table's shard has a placement in group 0
-- locks: Writes to each reference table wait while Citus copies it to the new coordinator ('block_writes'), as long as its size takes; reads, and distributed tables, do not wait. The batch waits at most 1s for each lock it asks for.
-- check: SELECT NOT EXISTS (SELECT 1 FROM pg_catalog.pg_dist_shard s JOIN pg_catalog.pg_dist_partition p ON p.logicalrelid = s.logicalrelid WHERE p.partmethod = 'n' AND p.repmodel = 't' AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_dist_placement pl WHERE pl.shardid = s.shardid AND pl.groupid = 0))
-- undo: Harmless to keep: the coordinator holds one more copy of each reference table.
\connect -reuse-previous=on 'host=''new-coord'' port=5432'
BEGIN;
SET LOCAL statement_timeout = '5min';
SET LOCAL lock_timeout = '1s';
SELECT pg_catalog.replicate_reference_tables('block_writes');
COMMIT;
-- end of step 7

-- ============================================================================
-- step: 8 of 14
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
-- end of step 8

-- ============================================================================
-- step: 9 of 14
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
-- end of step 9

-- ============================================================================
-- step: 10 of 14
-- on: w\\2:5432
-- purpose: Drop subscription citus_shard_move_subscription_10_7, left by an interrupted shard move or split; its slot goes in a later step, wherever it lives.
-- changes: On this node only: the subscription "citus_shard_move_subscription_10_7" is disabled, detached from its replication slot and dropped from pg_subscription; the slot goes in its own step.
-- transaction: local
-- confirms: done when this node's pg_subscription no longer lists it in this database
-- locks: On this node only: the leftover it drops, which nothing of the application uses.
-- check: SELECT NOT EXISTS (SELECT 1 FROM pg_catalog.pg_subscription WHERE subname = 'citus_shard_move_subscription_10_7' AND subdbid = (SELECT oid FROM pg_catalog.pg_database WHERE datname = pg_catalog.current_database()))
-- undo: None needed: the copy it fed was never finished, and Citus makes a new one for the next move.
\connect -reuse-previous=on 'host=''w\\\\2'' port=5432'
BEGIN;
SET LOCAL statement_timeout = '5min';
SET LOCAL lock_timeout = '1s';
SET LOCAL citus.enable_ddl_propagation = off;
ALTER SUBSCRIPTION "citus_shard_move_subscription_10_7" DISABLE;
ALTER SUBSCRIPTION "citus_shard_move_subscription_10_7" SET (slot_name = NONE);
DROP SUBSCRIPTION "citus_shard_move_subscription_10_7";
COMMIT;
-- end of step 10

-- ============================================================================
-- step: 11 of 14
-- on: w'1:5432
-- purpose: Drop replication slot citus_shard_move_slot_2_10_7, left by an interrupted shard move or split: it retains WAL until the disk is full.
-- changes: On this node only: a walsender still using the replication slot 'citus_shard_move_slot_2_10_7' is ended, and the slot is dropped from pg_replication_slots, so the WAL it held back can be recycled.
-- transaction: local
-- confirms: done when this node's pg_replication_slots no longer lists it
-- locks: On this node only: the leftover it drops, which nothing of the application uses.
-- check: SELECT NOT EXISTS (SELECT 1 FROM pg_catalog.pg_replication_slots WHERE slot_name = 'citus_shard_move_slot_2_10_7')
-- undo: None: a slot cannot be made again at its old position; a new move makes its own.
\connect -reuse-previous=on 'host=''w\\''1'' port=5432'
BEGIN;
SET LOCAL statement_timeout = '5min';
SET LOCAL lock_timeout = '1s';
DO $body$
BEGIN
  PERFORM pg_catalog.pg_terminate_backend(active_pid)
     FROM pg_catalog.pg_replication_slots WHERE slot_name = 'citus_shard_move_slot_2_10_7' AND active_pid IS NOT NULL;
  FOR i IN 1..100 LOOP
    EXIT WHEN NOT EXISTS (SELECT 1 FROM pg_catalog.pg_replication_slots
                           WHERE slot_name = 'citus_shard_move_slot_2_10_7' AND active);
    PERFORM pg_catalog.pg_sleep(0.1);
  END LOOP;
  PERFORM pg_catalog.pg_drop_replication_slot(slot_name)
     FROM pg_catalog.pg_replication_slots WHERE slot_name = 'citus_shard_move_slot_2_10_7';
END
$body$;
COMMIT;
-- end of step 11

-- ============================================================================
-- step: 12 of 14
-- on: w'1:5432
-- purpose: Drop publication citus_shard_move_publication_2_10_7'; DROP, left by an interrupted shard move or split.
-- changes: On this node only: the publication "citus_shard_move_publication_2_10_7'; DROP" is dropped from pg_publication; no table changes.
-- transaction: local
-- confirms: done when this node's pg_publication no longer lists it
-- locks: On this node only: the leftover it drops, which nothing of the application uses.
-- check: SELECT NOT EXISTS (SELECT 1 FROM pg_catalog.pg_publication WHERE pubname = 'citus_shard_move_publication_2_10_7''; DROP')
-- undo: None needed: a new move publishes what it copies.
\connect -reuse-previous=on 'host=''w\\''1'' port=5432'
BEGIN;
SET LOCAL statement_timeout = '5min';
SET LOCAL lock_timeout = '1s';
SET LOCAL citus.enable_ddl_propagation = off;
DROP PUBLICATION IF EXISTS "citus_shard_move_publication_2_10_7'; DROP";
COMMIT;
-- end of step 12

-- ============================================================================
-- step: 13 of 14
-- on: w\\2:5432
-- purpose: Drop shard table My Schema.odd"t$body$_102009, that no placement puts on this node: a partial copy or a split child an interrupted shard move or split left behind.
-- changes: On this node only: the table "My Schema"."odd""t$body$_102009" is dropped, unless by then a placement on this node names shard 102009 or the table is distributed, in which case the batch fails and changes nothing.
-- transaction: local
-- confirms: done when this node has no table of that name
-- locks: On this node only: the leftover it drops, which nothing of the application uses.
-- check: SELECT pg_catalog.to_regclass(pg_catalog.format('%I.%I', 'My Schema', 'odd"t$body$_102009')) IS NULL
-- undo: None: it held an unfinished copy whose rows its source still has.
\connect -reuse-previous=on 'host=''w\\\\2'' port=5432'
BEGIN;
SET LOCAL statement_timeout = '5min';
SET LOCAL lock_timeout = '1s';
SET LOCAL citus.enable_manual_changes_to_shards = on;
SET LOCAL citus.enable_ddl_propagation = off;
DO $body1$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_catalog.pg_dist_placement WHERE shardid = 102009
                AND groupid = (SELECT groupid FROM pg_catalog.pg_dist_local_group))
     OR EXISTS (SELECT 1 FROM pg_catalog.pg_dist_partition
                 WHERE logicalrelid::pg_catalog.oid = pg_catalog.to_regclass(pg_catalog.format('%I.%I', 'My Schema', 'odd"t$body$_102009'))::pg_catalog.oid) THEN
    RAISE EXCEPTION 'not dropped: a placement on this node refers to %', pg_catalog.format('%I.%I', 'My Schema', 'odd"t$body$_102009');
  END IF;
  DROP TABLE IF EXISTS "My Schema"."odd""t$body$_102009";
END
$body1$;
COMMIT;
-- end of step 13

-- ============================================================================
-- step: 14 of 14
-- on: w\\2:5432
-- purpose: Drop role citus_shard_move_subscription_role_10_7, that owned the subscription of an interrupted shard move or split, now gone.
-- changes: On this node only: the role "citus_shard_move_subscription_role_10_7" is dropped from pg_roles (not propagated to other nodes).
-- transaction: local
-- confirms: done when this node's pg_roles no longer lists it
-- locks: On this node only: the leftover it drops, which nothing of the application uses.
-- check: SELECT NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'citus_shard_move_subscription_role_10_7')
-- undo: None needed: Citus makes a new role for each move.
\connect -reuse-previous=on 'host=''w\\\\2'' port=5432'
BEGIN;
SET LOCAL statement_timeout = '5min';
SET LOCAL lock_timeout = '1s';
SET LOCAL citus.enable_ddl_propagation = off;
DROP ROLE IF EXISTS "citus_shard_move_subscription_role_10_7";
COMMIT;
-- end of step 14

-- end of plan
