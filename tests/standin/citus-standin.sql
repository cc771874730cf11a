-- A stand-in for the Citus catalogs and the few Citus functions
-- citus-rescue calls, for test clusters of plain PostgreSQL.
--
-- Run with psql -v layout=13.2 (nodeisclone and nodeprimarynodeid in
-- pg_dist_node) or -v layout=12.1 (without them).
--
-- What it does not model: no distributed planner or executor (queries on
-- "distributed" tables see only the local table), no metadata sync, no 2PC
-- recovery daemon, no shard placement data movement, no pg_dist_object,
-- pg_dist_transaction, pg_dist_cleanup or background jobs, no
-- citus.* settings, and its citus extension is only a pg_extension row
-- (no control file, so ALTER/DROP EXTENSION do not work).

\set ON_ERROR_STOP on
SET client_min_messages = warning;
SET allow_system_table_mods = on;

CREATE TABLE pg_catalog.pg_dist_local_group (groupid int NOT NULL PRIMARY KEY);

CREATE TYPE pg_catalog.noderole AS ENUM ('primary', 'secondary', 'unavailable');

CREATE SEQUENCE pg_catalog.pg_dist_groupid_seq MINVALUE 1 START 1;
CREATE SEQUENCE pg_catalog.pg_dist_node_nodeid_seq MINVALUE 1 START 1;
CREATE SEQUENCE pg_catalog.pg_dist_placement_placementid_seq MINVALUE 1 START 1;
CREATE SEQUENCE pg_catalog.pg_dist_shardid_seq MINVALUE 102008 START 102008;
CREATE SEQUENCE pg_catalog.pg_dist_colocationid_seq MINVALUE 1 START 1;
CREATE SEQUENCE pg_catalog.pg_dist_operationid_seq MINVALUE 1 START 1;
CREATE SEQUENCE pg_catalog.pg_dist_cleanup_recordid_seq MINVALUE 1 START 1;
CREATE SEQUENCE pg_catalog.pg_dist_background_job_job_id_seq MINVALUE 1 START 1;
CREATE SEQUENCE pg_catalog.pg_dist_background_task_task_id_seq MINVALUE 1 START 1;
CREATE SEQUENCE pg_catalog.pg_dist_clock_logical_seq MINVALUE 1 START 1;

CREATE TABLE pg_catalog.pg_dist_node (
	nodeid int NOT NULL DEFAULT nextval('pg_catalog.pg_dist_node_nodeid_seq') PRIMARY KEY,
	groupid int NOT NULL DEFAULT nextval('pg_catalog.pg_dist_groupid_seq'),
	nodename text NOT NULL,
	nodeport int NOT NULL DEFAULT 5432,
	noderack text NOT NULL DEFAULT 'default',
	hasmetadata bool NOT NULL DEFAULT false,
	isactive bool NOT NULL DEFAULT true,
	noderole pg_catalog.noderole NOT NULL DEFAULT 'primary',
	nodecluster name NOT NULL DEFAULT 'default',
	metadatasynced bool DEFAULT false,
	shouldhaveshards bool NOT NULL DEFAULT true,
	UNIQUE (nodename, nodeport)
);

SELECT :'layout' >= '13' AS clone_columns \gset
\if :clone_columns
ALTER TABLE pg_catalog.pg_dist_node
	ADD COLUMN nodeisclone bool NOT NULL DEFAULT false,
	ADD COLUMN nodeprimarynodeid int4 NOT NULL DEFAULT 0;
\endif

CREATE TABLE pg_catalog.pg_dist_colocation (
	colocationid int NOT NULL PRIMARY KEY,
	shardcount int NOT NULL,
	replicationfactor int NOT NULL,
	distributioncolumntype oid NOT NULL,
	distributioncolumncollation oid NOT NULL
);

CREATE TABLE pg_catalog.pg_dist_partition (
	logicalrelid regclass NOT NULL PRIMARY KEY,
	partmethod "char" NOT NULL,
	partkey text,
	colocationid int NOT NULL DEFAULT 0,
	repmodel "char" NOT NULL DEFAULT 'c',
	autoconverted boolean DEFAULT false
);

CREATE TABLE pg_catalog.pg_dist_shard (
	logicalrelid regclass NOT NULL,
	shardid bigint NOT NULL PRIMARY KEY,
	shardstorage "char" NOT NULL,
	shardminvalue text,
	shardmaxvalue text
);

CREATE TABLE pg_catalog.pg_dist_placement (
	placementid bigint NOT NULL DEFAULT nextval('pg_catalog.pg_dist_placement_placementid_seq') PRIMARY KEY,
	shardid bigint NOT NULL,
	shardstate int NOT NULL,
	shardlength bigint NOT NULL,
	groupid int NOT NULL
);

SELECT format($body$SELECT 'Citus %s on x86_64-pc-linux-gnu, compiled by the citus-rescue stand-in, 64-bit'::text$body$,
              CASE WHEN :'layout' >= '13' THEN '13.2.2' ELSE '12.1.5' END) AS version_body \gset
CREATE FUNCTION pg_catalog.citus_version() RETURNS text LANGUAGE sql IMMUTABLE
AS :'version_body';

CREATE FUNCTION pg_catalog.citus_is_coordinator() RETURNS bool LANGUAGE sql STABLE
AS $$ SELECT COALESCE((SELECT groupid = 0 FROM pg_catalog.pg_dist_local_group), false) $$;

-- Citus stores the distribution column as a serialized Var; only
-- :varattno matters for naming it.
CREATE FUNCTION pg_catalog.column_to_column_name(table_name regclass, column_var_text text)
RETURNS text LANGUAGE sql STABLE STRICT
AS $$ SELECT attname::text FROM pg_catalog.pg_attribute
       WHERE attrelid = table_name
         AND attnum = (substring(column_var_text FROM ':varattno ([0-9]+)'))::int2 $$;

CREATE FUNCTION pg_catalog.shard_name(object_name regclass, shard_id bigint)
RETURNS text LANGUAGE sql STABLE STRICT
AS $$ SELECT CASE WHEN n.nspname = 'public' THEN '' ELSE quote_ident(n.nspname) || '.' END
             || quote_ident(c.relname || '_' || shard_id)
        FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
       WHERE c.oid = object_name $$;

-- The extension row that tells a Citus node from a plain one.
INSERT INTO pg_catalog.pg_extension (oid, extname, extowner, extnamespace, extrelocatable, extversion)
SELECT (SELECT COALESCE(max(oid::int8), 16384) + 1 FROM pg_catalog.pg_extension)::oid,
       'citus', 10, 'pg_catalog'::regnamespace, false,
       CASE WHEN :'layout' >= '13' THEN '13.2-1' ELSE '12.1-1' END;

RESET allow_system_table_mods;
