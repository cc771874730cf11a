-- A stand-in for the Citus catalogs and the few Citus functions
-- citus-rescue calls, for test clusters of plain PostgreSQL.
--
-- Run with psql -v layout=13.2 (nodeisclone and nodeprimarynodeid in
-- pg_dist_node) or -v layout=12.1 (without them), as a superuser, on every
-- node (a node given to citus_add_node must have it already).  The layout
-- names the Citus version it reports (13.2.2 or 12.1.5) unless
-- -v citus_version=X.Y.Z names another, whose X.Y-1 is the extension's.  It installs
-- the contrib extension dblink in pg_catalog.
--
-- Cluster operations, in plpgsql over dblink (conninfo host/port of the
-- node, the current database and user, connect_timeout from
-- citus.node_connection_timeout, 30 s by default): citus_add_node,
-- start_metadata_sync_to_all_nodes, run_command_on_workers, run_command_on_all_nodes,
-- citus_check_connection_to_node, citus_check_cluster_node_health (each
-- "from" node is asked over dblink to connect to each "to" node),
-- create_distributed_table (hash only), create_reference_table,
-- citus_schema_distribute, citus_move_shard_placement, and worker_nextval
-- (always fails, as on Citus workers).  Work for the node that runs them
-- happens in the caller's transaction; work on every other node is one
-- dblink transaction per node, held open and committed when the caller's
-- transaction commits (a deferred constraint trigger), so that a caller
-- that rolls back or dies undoes it too, as with Citus (no 2PC: a failure
-- between the remote commits and the caller's is not modelled).  A
-- metadata node that cannot be reached makes the call fail.
--
-- replicate_reference_tables() models the metadata only, and
-- recover_prepared_transactions() only forgets pg_dist_transaction records.
--
-- What it does not model: no distributed planner or executor (queries on
-- "distributed" tables see only the local table, whose rows stay where they
-- are after create_distributed_table copies them into the shards), no DDL
-- propagation (DDL on the coordinator changes only its own table: no
-- shell or shard is altered, and DDL on workers is not refused), no
-- automatic metadata sync (only the functions above push metadata), no 2PC
-- recovery daemon, no pg_dist_object, pg_dist_schema, pg_dist_transaction,
-- pg_dist_cleanup or background jobs (moves drop the source shards at
-- once), no reference-table replication to added nodes, no append/range
-- tables, no citus local tables, no foreign keys, indexes other than
-- constraints, identity columns, triggers, owners or grants on shells and
-- shards, no secondaries getting metadata, citus.* settings only as
-- placeholders (citus.shard_count, citus.node_connection_timeout), and its
-- citus extension is only a pg_extension row (no control file, so
-- ALTER/DROP EXTENSION do not work).

\set ON_ERROR_STOP on
SET client_min_messages = warning;
SET allow_system_table_mods = on;

-- dblink creates a type, hence allow_system_table_mods
CREATE EXTENSION IF NOT EXISTS dblink WITH SCHEMA pg_catalog;

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

\if :{?citus_version}
\else
SELECT CASE WHEN :'layout' >= '13' THEN '13.2.2' ELSE '12.1.5' END AS citus_version \gset
\endif
SELECT format($body$SELECT 'Citus %s on x86_64-pc-linux-gnu, compiled by the citus-rescue stand-in, 64-bit'::text$body$,
              :'citus_version') AS version_body \gset
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
       regexp_replace(:'citus_version', '^([0-9]+)\.([0-9]+).*$', '\1.\2-1');

-- ---------------------------------------------------------------------
-- Cluster operations, in plpgsql over dblink.
--
-- Helpers are pg_catalog.citus_standin_*; they are not Citus functions.
-- Every remote step is one dblink_exec() of a multi-statement script, so
-- it is atomic on that node, but it commits there at once: nothing that
-- was done on other nodes is rolled back when the caller's transaction
-- aborts (real Citus uses 2PC for this).
-- ---------------------------------------------------------------------

-- A conninfo value in libpq's quoting: node names may hold any character.
CREATE FUNCTION pg_catalog.citus_standin_conninfo_quote(p_value text)
RETURNS text LANGUAGE sql IMMUTABLE SET search_path = pg_catalog
AS $$ SELECT '''' || replace(replace(p_value, '\', '\\'), '''', '\''') || '''' $$;

-- The name of the dblink connection to a node, kept short for dblink.
CREATE FUNCTION pg_catalog.citus_standin_conn_name(p_nodename text, p_nodeport integer)
RETURNS text LANGUAGE sql IMMUTABLE SET search_path = pg_catalog
AS $$ SELECT format('standin %s %s', md5(p_nodename), p_nodeport) $$;

-- The connection string for a node.  connect_timeout follows
-- citus.node_connection_timeout (milliseconds, a placeholder setting here)
-- and is 30 s by default, as in Citus; when set, the setting is passed on
-- to the remote session (Citus nodes would each use their own).
CREATE FUNCTION pg_catalog.citus_standin_conninfo(p_nodename text, p_nodeport integer)
RETURNS text LANGUAGE plpgsql STABLE SET search_path = pg_catalog
AS $$
DECLARE
	v_setting text := NULLIF(btrim(current_setting('citus.node_connection_timeout', true)), '');
	v_ms bigint := 30000;
BEGIN
	IF v_setting ~ '^[0-9]+ *(ms)?$' THEN
		v_ms := substring(v_setting FROM '^[0-9]+')::bigint;
	ELSIF v_setting ~ '^[0-9]+ *s$' THEN
		v_ms := substring(v_setting FROM '^[0-9]+')::bigint * 1000;
	ELSIF v_setting ~ '^[0-9]+ *min$' THEN
		v_ms := substring(v_setting FROM '^[0-9]+')::bigint * 60000;
	END IF;
	RETURN format('host=%s port=%s dbname=%s user=%s', citus_standin_conninfo_quote(p_nodename),
	              p_nodeport, citus_standin_conninfo_quote(current_database()),
	              citus_standin_conninfo_quote(current_user))
	       || format(' connect_timeout=%s', GREATEST(2, ceil(v_ms / 1000.0)::bigint))
	       -- passed on, so that nodes asked to connect further use it too
	       || CASE WHEN v_setting IS NULL THEN ''
	               ELSE format(' options=''-c citus.node_connection_timeout=%s''', v_ms) END;
END $$;

CREATE FUNCTION pg_catalog.citus_standin_ensure_coordinator() RETURNS void
LANGUAGE plpgsql STABLE SET search_path = pg_catalog
AS $$
BEGIN
	IF (SELECT lg.groupid FROM pg_dist_local_group lg) IS DISTINCT FROM 0 THEN
		RAISE EXCEPTION 'operation is not allowed on this node'
			USING HINT = 'Connect to the coordinator and run it again.';
	END IF;
END $$;

-- Whether nodename:nodeport is this very server (same system identifier,
-- data directory and port).  Work for the local node is done in the
-- caller's transaction, never over a second connection (which could wait
-- for the caller's own locks for ever).
CREATE FUNCTION pg_catalog.citus_standin_is_local(p_nodename text, p_nodeport integer)
RETURNS bool LANGUAGE plpgsql VOLATILE SET search_path = pg_catalog
AS $$
DECLARE
	v_me text := (SELECT system_identifier::text FROM pg_control_system())
	             || ':' || current_setting('data_directory');
	v_them text;
BEGIN
	IF p_nodeport IS DISTINCT FROM current_setting('port')::integer THEN
		RETURN false;
	END IF;
	BEGIN
		SELECT t.r INTO v_them
		  FROM dblink(citus_standin_conninfo(p_nodename, p_nodeport),
		              $q$SELECT system_identifier::text || ':' || current_setting('data_directory') FROM pg_control_system()$q$)
		       AS t(r text);
	EXCEPTION WHEN OTHERS THEN
		RETURN false;
	END;
	RETURN v_them IS NOT DISTINCT FROM v_me;
END $$;

-- The remote transactions of the caller's transaction, committed with it.
CREATE TABLE pg_catalog.citus_standin_remote_txn (connname text PRIMARY KEY);

CREATE FUNCTION pg_catalog.citus_standin_commit_remote() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog
AS $$
BEGIN
	PERFORM dblink_exec(NEW.connname, 'COMMIT');
	DELETE FROM citus_standin_remote_txn WHERE connname = NEW.connname;
	RETURN NULL;
END $$;

CREATE CONSTRAINT TRIGGER citus_standin_commit_remote
	AFTER INSERT ON pg_catalog.citus_standin_remote_txn
	DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
	EXECUTE FUNCTION pg_catalog.citus_standin_commit_remote();

-- The named dblink connection to a node holding this transaction's remote
-- work there, opened (and its transaction begun) when needed.
CREATE FUNCTION pg_catalog.citus_standin_remote_conn(p_nodename text, p_nodeport integer)
RETURNS text LANGUAGE plpgsql VOLATILE SET search_path = pg_catalog
AS $$
DECLARE
	v_conn text := citus_standin_conn_name(p_nodename, p_nodeport);
	v_detail text;
BEGIN
	IF EXISTS (SELECT 1 FROM citus_standin_remote_txn WHERE connname = v_conn) THEN
		RETURN v_conn;
	END IF;
	IF v_conn = ANY (COALESCE(dblink_get_connections(), '{}')) THEN
		-- left open by a transaction that rolled back: undo its remote part
		BEGIN
			PERFORM dblink_exec(v_conn, 'ROLLBACK');
		EXCEPTION WHEN OTHERS THEN
			PERFORM dblink_disconnect(v_conn);
		END;
	END IF;
	IF NOT v_conn = ANY (COALESCE(dblink_get_connections(), '{}')) THEN
		BEGIN
			PERFORM dblink_connect(v_conn, citus_standin_conninfo(p_nodename, p_nodeport));
		EXCEPTION WHEN sqlclient_unable_to_establish_sqlconnection THEN
			GET STACKED DIAGNOSTICS v_detail = PG_EXCEPTION_DETAIL;
			RAISE EXCEPTION 'connection to the remote node %@%:% failed with the following error: %',
				current_user, p_nodename, p_nodeport, btrim(v_detail, E' \n');
		END;
	END IF;
	PERFORM dblink_exec(v_conn, 'BEGIN');
	INSERT INTO citus_standin_remote_txn VALUES (v_conn);
	RETURN v_conn;
END $$;

-- Runs a (multi-statement) script on a node: in this transaction when the
-- node is this server, else in the remote transaction that commits with it.
CREATE FUNCTION pg_catalog.citus_standin_node_exec(p_nodename text, p_nodeport integer, p_script text)
RETURNS void LANGUAGE plpgsql VOLATILE SET search_path = pg_catalog
AS $$
BEGIN
	IF p_script IS NULL OR btrim(p_script) = '' THEN
		RETURN;
	END IF;
	IF citus_standin_is_local(p_nodename, p_nodeport) THEN
		EXECUTE p_script;
		RETURN;
	END IF;
	PERFORM dblink_exec(citus_standin_remote_conn(p_nodename, p_nodeport), p_script);
END $$;

-- The first column of the first row of a query run on a node, as text.
CREATE FUNCTION pg_catalog.citus_standin_node_query(p_nodename text, p_nodeport integer, p_query text)
RETURNS text LANGUAGE plpgsql VOLATILE SET search_path = pg_catalog
AS $$
DECLARE
	v_result text;
	v_detail text;
BEGIN
	IF citus_standin_is_local(p_nodename, p_nodeport) THEN
		EXECUTE p_query INTO v_result;
		RETURN v_result;
	END IF;
	-- what this transaction already wrote there is seen
	IF EXISTS (SELECT 1 FROM citus_standin_remote_txn
	            WHERE connname = citus_standin_conn_name(p_nodename, p_nodeport)) THEN
		SELECT t.r INTO v_result
		  FROM dblink(citus_standin_conn_name(p_nodename, p_nodeport), p_query) AS t(r text) LIMIT 1;
		RETURN v_result;
	END IF;
	BEGIN
		SELECT t.r INTO v_result
		  FROM dblink(citus_standin_conninfo(p_nodename, p_nodeport), p_query) AS t(r text) LIMIT 1;
	EXCEPTION WHEN sqlclient_unable_to_establish_sqlconnection THEN
		GET STACKED DIAGNOSTICS v_detail = PG_EXCEPTION_DETAIL;
		RAISE EXCEPTION 'connection to the remote node %@%:% failed with the following error: %',
			current_user, p_nodename, p_nodeport, btrim(v_detail, E' \n');
	END;
	RETURN v_result;
END $$;

-- Schema-qualified, quoted name of a shard table (shard_name() leaves out
-- public).
CREATE FUNCTION pg_catalog.citus_standin_shard_relname(p_rel regclass, p_shardid bigint)
RETURNS text LANGUAGE sql STABLE STRICT
AS $$ SELECT quote_ident(n.nspname) || '.' || quote_ident(c.relname || '_' || p_shardid)
        FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
       WHERE c.oid = p_rel $$;

-- The quoted list of a table's stored columns.
CREATE FUNCTION pg_catalog.citus_standin_column_list(p_rel regclass)
RETURNS text LANGUAGE sql STABLE STRICT
AS $$ SELECT string_agg(quote_ident(a.attname), ', ' ORDER BY a.attnum)
        FROM pg_catalog.pg_attribute a
       WHERE a.attrelid = p_rel AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = '' $$;

-- An INSERT of rows given as a JSON array, by column name.
CREATE FUNCTION pg_catalog.citus_standin_json_insert_sql(p_target text, p_columns text, p_json text)
RETURNS text LANGUAGE sql IMMUTABLE
AS $$ SELECT CASE WHEN p_json IS NULL OR p_json = '[]' THEN ''
                  ELSE format(E'INSERT INTO %s (%s) SELECT %s FROM pg_catalog.json_populate_recordset(NULL::%s, %L);\n',
                              p_target, p_columns, p_columns, p_target, p_json) END $$;

-- An INSERT that recreates elsewhere the rows of a local table matching a
-- condition (used for the pg_dist_* catalogs: regclass values travel as
-- qualified names).
CREATE FUNCTION pg_catalog.citus_standin_rows_insert_sql(p_table regclass, p_condition text DEFAULT 'true')
RETURNS text LANGUAGE plpgsql STABLE SET search_path = pg_catalog
AS $$
DECLARE
	v_json text;
BEGIN
	EXECUTE format('SELECT json_agg(t)::text FROM %s t WHERE %s', p_table, p_condition) INTO v_json;
	RETURN citus_standin_json_insert_sql(p_table::text, citus_standin_column_list(p_table), v_json);
END $$;

-- The five synced catalogs, replaced on the receiving node by the local
-- contents.
CREATE FUNCTION pg_catalog.citus_standin_catalog_copy_sql()
RETURNS text LANGUAGE plpgsql STABLE SET search_path = pg_catalog
AS $$
BEGIN
	RETURN E'TRUNCATE pg_catalog.pg_dist_node, pg_catalog.pg_dist_colocation, pg_catalog.pg_dist_partition,'
	       || E' pg_catalog.pg_dist_shard, pg_catalog.pg_dist_placement;\n'
	       || citus_standin_rows_insert_sql('pg_catalog.pg_dist_node')
	       || citus_standin_rows_insert_sql('pg_catalog.pg_dist_colocation')
	       || citus_standin_rows_insert_sql('pg_catalog.pg_dist_partition')
	       || citus_standin_rows_insert_sql('pg_catalog.pg_dist_shard')
	       || citus_standin_rows_insert_sql('pg_catalog.pg_dist_placement');
END $$;

-- CREATE TABLE IF NOT EXISTS for a table's shell (p_shardid NULL: column
-- defaults included, int2/int4 sequence defaults become worker_nextval())
-- or for one of its shards (no defaults, constraint names suffixed with the
-- shard id as Citus does).  Columns, NOT NULL, defaults, stored generated
-- columns and primary key / unique / check / exclusion constraints only.
CREATE FUNCTION pg_catalog.citus_standin_table_ddl(p_rel regclass, p_shardid bigint DEFAULT NULL)
RETURNS text LANGUAGE sql STABLE SET search_path = pg_catalog
AS $$
	SELECT format(E'CREATE TABLE IF NOT EXISTS %s (%s);\n',
	              CASE WHEN p_shardid IS NULL THEN p_rel::text
	                   ELSE citus_standin_shard_relname(p_rel, p_shardid) END,
	              array_to_string(cols.list || cons.list, ', '))
	  FROM (SELECT COALESCE(array_agg(
	                   quote_ident(a.attname) || ' ' || format_type(a.atttypid, a.atttypmod)
	                   || CASE WHEN a.attcollation <> 0 AND a.attcollation <> t.typcollation
	                           THEN ' COLLATE ' || quote_ident(co_n.nspname) || '.' || quote_ident(co.collname)
	                           ELSE '' END
	                   || CASE WHEN a.attnotnull THEN ' NOT NULL' ELSE '' END
	                   || CASE WHEN a.attgenerated = 's'
	                           THEN ' GENERATED ALWAYS AS (' || pg_get_expr(d.adbin, d.adrelid) || ') STORED'
	                           WHEN d.oid IS NULL OR p_shardid IS NOT NULL THEN ''
	                           WHEN seq.refobjid IS NOT NULL AND a.atttypid IN ('int2'::regtype, 'int4'::regtype)
	                           THEN ' DEFAULT pg_catalog.worker_nextval(' || quote_literal(seq.refobjid::regclass::text) || '::regclass)'
	                           ELSE ' DEFAULT ' || pg_get_expr(d.adbin, d.adrelid) END
	                   ORDER BY a.attnum), '{}') AS list
	          FROM pg_attribute a
	          JOIN pg_type t ON t.oid = a.atttypid
	          LEFT JOIN pg_collation co ON co.oid = a.attcollation
	          LEFT JOIN pg_namespace co_n ON co_n.oid = co.collnamespace
	          LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
	          LEFT JOIN LATERAL (
	               SELECT dep.refobjid FROM pg_depend dep JOIN pg_class sc ON sc.oid = dep.refobjid
	                WHERE dep.classid = 'pg_attrdef'::regclass AND dep.objid = d.oid
	                  AND dep.refclassid = 'pg_class'::regclass AND sc.relkind = 'S'
	                LIMIT 1) seq ON true
	         WHERE a.attrelid = p_rel AND a.attnum > 0 AND NOT a.attisdropped) cols,
	       (SELECT COALESCE(array_agg(
	                   'CONSTRAINT ' || quote_ident(c.conname || COALESCE('_' || p_shardid, ''))
	                   || ' ' || pg_get_constraintdef(c.oid)
	                   ORDER BY c.conname), '{}') AS list
	          FROM pg_constraint c
	         WHERE c.conrelid = p_rel AND c.contype IN ('p', 'u', 'c', 'x')) cons
$$;

-- Everything a metadata node needs before pg_dist_partition can name the
-- tables: their schemas, the sequences their defaults use and the shell
-- tables.  Sequences of bigint columns get the range of the receiving
-- node's group ((groupid << 48) + 1, 2^48 values), those of int/smallint
-- columns are set to their maximum, as Citus does on workers.  The range
-- is taken from the receiving node's pg_dist_local_group, so set that
-- first.
CREATE FUNCTION pg_catalog.citus_standin_shell_ddl(p_rels regclass[])
RETURNS text LANGUAGE plpgsql STABLE SET search_path = pg_catalog
AS $$
DECLARE
	v_sql text := '';
	r record;
BEGIN
	-- schemas of the tables and of their sequences
	FOR r IN
		SELECT DISTINCT n.nspname
		  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
		 WHERE (c.oid = ANY (p_rels)
		        OR c.oid IN (SELECT dep.refobjid
		                       FROM pg_attrdef d
		                       JOIN pg_depend dep ON dep.classid = 'pg_attrdef'::regclass AND dep.objid = d.oid
		                                         AND dep.refclassid = 'pg_class'::regclass
		                      WHERE d.adrelid = ANY (p_rels)))
		   AND n.nspname NOT IN ('pg_catalog', 'public')
		 ORDER BY n.nspname
	LOOP
		v_sql := v_sql || format(E'CREATE SCHEMA IF NOT EXISTS %I;\n', r.nspname);
	END LOOP;

	-- sequences used by column defaults
	FOR r IN
		SELECT s.seqrelid::regclass AS seq, format_type(s.seqtypid, NULL) AS seqtype,
		       s.seqincrement, s.seqmin, s.seqmax, s.seqstart, s.seqcache, s.seqcycle
		  FROM pg_attrdef d
		  JOIN pg_depend dep ON dep.classid = 'pg_attrdef'::regclass AND dep.objid = d.oid
		                    AND dep.refclassid = 'pg_class'::regclass
		  JOIN pg_sequence s ON s.seqrelid = dep.refobjid
		 WHERE d.adrelid = ANY (p_rels)
		 GROUP BY 1, 2, 3, 4, 5, 6, 7, 8
		 ORDER BY s.seqrelid::regclass::text
	LOOP
		v_sql := v_sql || format(E'CREATE SEQUENCE IF NOT EXISTS %s AS %s INCREMENT BY %s MINVALUE %s MAXVALUE %s START WITH %s CACHE %s %s;\n',
		                         r.seq, r.seqtype, r.seqincrement, r.seqmin, r.seqmax, r.seqstart, r.seqcache,
		                         CASE WHEN r.seqcycle THEN 'CYCLE' ELSE 'NO CYCLE' END);
	END LOOP;

	-- shell tables
	FOR r IN SELECT rel FROM unnest(p_rels) AS u(rel) ORDER BY rel::oid LOOP
		v_sql := v_sql || citus_standin_table_ddl(r.rel);
	END LOOP;

	-- sequence ranges of the receiving node
	FOR r IN
		SELECT dep.refobjid::regclass AS seq, bool_or(a.atttypid = 'int8'::regtype) AS is_bigint
		  FROM pg_attrdef d
		  JOIN pg_attribute a ON a.attrelid = d.adrelid AND a.attnum = d.adnum
		  JOIN pg_depend dep ON dep.classid = 'pg_attrdef'::regclass AND dep.objid = d.oid
		                    AND dep.refclassid = 'pg_class'::regclass
		  JOIN pg_class sc ON sc.oid = dep.refobjid AND sc.relkind = 'S'
		 WHERE d.adrelid = ANY (p_rels)
		 GROUP BY 1 ORDER BY dep.refobjid::regclass::text
	LOOP
		IF r.is_bigint THEN
			v_sql := v_sql || format(
$f$DO $standin$
DECLARE
	v_start bigint := ((SELECT groupid FROM pg_catalog.pg_dist_local_group)::bigint << 48) + 1;
	v_max bigint := v_start + (1::bigint << 48);
BEGIN
	IF EXISTS (SELECT 1 FROM pg_catalog.pg_sequence s
	            WHERE s.seqrelid = %L::regclass AND (s.seqmin <> v_start OR s.seqmax <> v_max)) THEN
		EXECUTE format('ALTER SEQUENCE %%s MINVALUE %%s MAXVALUE %%s START WITH %%s RESTART WITH %%s',
		               %L, v_start, v_max, v_start, v_start);
	END IF;
END $standin$;
$f$, r.seq::text, r.seq::text);
		ELSE
			v_sql := v_sql || format(E'SELECT pg_catalog.setval(%L::regclass, (SELECT s.seqmax FROM pg_catalog.pg_sequence s WHERE s.seqrelid = %L::regclass));\n',
			                         r.seq::text, r.seq::text);
		END IF;
	END LOOP;
	RETURN v_sql;
END $$;

-- The local rows of a distributed table that belong in a shard: by hash
-- range (the type's default hash function, as Citus) or all of them.
CREATE FUNCTION pg_catalog.citus_standin_shard_rows_json(p_shardid bigint)
RETURNS text LANGUAGE plpgsql STABLE SET search_path = pg_catalog
AS $$
DECLARE
	v_rel regclass;
	v_method "char";
	v_key text;
	v_min text;
	v_max text;
	v_attname name;
	v_atttype oid;
	v_hashproc regproc;
	v_condition text := 'true';
	v_json text;
BEGIN
	SELECT s.logicalrelid, p.partmethod, p.partkey, s.shardminvalue, s.shardmaxvalue
	  INTO v_rel, v_method, v_key, v_min, v_max
	  FROM pg_dist_shard s JOIN pg_dist_partition p ON p.logicalrelid = s.logicalrelid
	 WHERE s.shardid = p_shardid;
	IF v_method = 'h' THEN
		SELECT a.attname, a.atttypid INTO v_attname, v_atttype
		  FROM pg_attribute a
		 WHERE a.attrelid = v_rel
		   AND a.attnum = (substring(v_key FROM ':varattno ([0-9]+)'))::int2;
		v_hashproc := citus_standin_hash_function(v_atttype);
		v_condition := format('%s(t.%I) BETWEEN %s AND %s', v_hashproc, v_attname, v_min, v_max);
	END IF;
	EXECUTE format('SELECT json_agg(t)::text FROM ONLY %s t WHERE %s', v_rel, v_condition) INTO v_json;
	RETURN v_json;
END $$;

CREATE FUNCTION pg_catalog.citus_standin_hash_function(p_type oid)
RETURNS regproc LANGUAGE plpgsql STABLE SET search_path = pg_catalog
AS $$
DECLARE
	v_proc regproc;
BEGIN
	SELECT ap.amproc INTO v_proc
	  FROM pg_opclass oc
	  JOIN pg_am am ON am.oid = oc.opcmethod AND am.amname = 'hash'
	  JOIN pg_amproc ap ON ap.amprocfamily = oc.opcfamily AND ap.amprocnum = 1
	                   AND ap.amproclefttype = oc.opcintype AND ap.amprocrighttype = oc.opcintype
	 WHERE oc.opcdefault AND oc.opcintype = p_type;
	IF v_proc IS NULL THEN
		RAISE EXCEPTION 'could not identify a hash function for type %', format_type(p_type, NULL)
			USING DETAIL = 'Partition column types must have a hash function defined to use hash partitioning.';
	END IF;
	RETURN v_proc;
END $$;

-- After new metadata rows for p_rels are in the local catalogs: creates the
-- shard tables (with the local rows that belong in them) on the nodes
-- whose groups hold their placements, and on every other metadata node
-- the shell tables and the new metadata rows (p_new_colocationid: also
-- that pg_dist_colocation row).
CREATE FUNCTION pg_catalog.citus_standin_distribute(p_rels regclass[], p_new_colocationid integer)
RETURNS void LANGUAGE plpgsql VOLATILE SET search_path = pg_catalog
AS $$
DECLARE
	n record;
	s record;
	v_local bool;
	v_script text;
	v_rel_list text := (SELECT string_agg(quote_literal(r::text) || '::regclass', ', ') FROM unnest(p_rels) r);
BEGIN
	FOR n IN
		SELECT dn.nodename, dn.nodeport, dn.groupid, dn.hasmetadata
		  FROM pg_dist_node dn
		 WHERE dn.isactive AND dn.noderole = 'primary'
		 ORDER BY dn.nodename COLLATE "C", dn.nodeport
	LOOP
		v_local := citus_standin_is_local(n.nodename, n.nodeport);
		v_script := '';
		IF n.hasmetadata AND NOT v_local THEN
			v_script := citus_standin_shell_ddl(p_rels);
		END IF;
		FOR s IN
			SELECT sh.logicalrelid, sh.shardid
			  FROM pg_dist_shard sh JOIN pg_dist_placement pl ON pl.shardid = sh.shardid
			 WHERE sh.logicalrelid = ANY (p_rels) AND pl.groupid = n.groupid
			 ORDER BY sh.shardid
		LOOP
			v_script := v_script || citus_standin_table_ddl(s.logicalrelid, s.shardid)
			            || citus_standin_json_insert_sql(citus_standin_shard_relname(s.logicalrelid, s.shardid),
			                                             citus_standin_column_list(s.logicalrelid),
			                                             citus_standin_shard_rows_json(s.shardid));
		END LOOP;
		IF n.hasmetadata AND NOT v_local THEN
			IF p_new_colocationid IS NOT NULL THEN
				v_script := v_script || citus_standin_rows_insert_sql('pg_dist_colocation',
				                format('colocationid = %s', p_new_colocationid));
			END IF;
			v_script := v_script
				|| citus_standin_rows_insert_sql('pg_dist_partition', format('logicalrelid IN (%s)', v_rel_list))
				|| citus_standin_rows_insert_sql('pg_dist_shard', format('logicalrelid IN (%s)', v_rel_list))
				|| citus_standin_rows_insert_sql('pg_dist_placement',
				       format('shardid IN (SELECT shardid FROM pg_catalog.pg_dist_shard WHERE logicalrelid IN (%s))', v_rel_list));
		END IF;
		PERFORM citus_standin_node_exec(n.nodename, n.nodeport, v_script);
	END LOOP;
END $$;

-- The nodes that shards may be placed on, in Citus's order.
CREATE FUNCTION pg_catalog.citus_standin_shard_groups()
RETURNS integer[] LANGUAGE sql STABLE SET search_path = pg_catalog
AS $$ SELECT COALESCE(array_agg(dn.groupid ORDER BY dn.nodename COLLATE "C", dn.nodeport), '{}')
        FROM pg_dist_node dn
       WHERE dn.isactive AND dn.noderole = 'primary' AND dn.shouldhaveshards $$;

-- Citus errors out when int/smallint serial defaults are used on workers.
CREATE FUNCTION pg_catalog.worker_nextval(sequence regclass)
RETURNS int LANGUAGE plpgsql STRICT
AS $$
BEGIN
	RAISE EXCEPTION 'nextval(sequence) calls in worker nodes are not supported for column defaults of type int or smallint';
END $$;
COMMENT ON FUNCTION pg_catalog.worker_nextval(regclass)
	IS 'calculates nextval() for column defaults of type int or smallint';

CREATE FUNCTION pg_catalog.citus_check_connection_to_node(nodename text, nodeport integer DEFAULT 5432)
RETURNS bool LANGUAGE plpgsql STRICT SET search_path = pg_catalog
AS $$
DECLARE
	v_detail text;
BEGIN
	PERFORM t.r FROM dblink(citus_standin_conninfo(nodename, nodeport), 'SELECT 1') AS t(r int);
	RETURN true;
EXCEPTION WHEN OTHERS THEN
	GET STACKED DIAGNOSTICS v_detail = PG_EXCEPTION_DETAIL;
	RAISE WARNING 'connection to the remote node %@%:% failed with the following error: %',
		current_user, nodename, nodeport, COALESCE(NULLIF(btrim(v_detail, E' \n'), ''), SQLERRM);
	RETURN false;
END $$;

-- citus_add_node: on the (acting) coordinator, adds a node and gives it
-- the shell tables and all metadata.  The new node must already have the
-- stand-in installed.
CREATE FUNCTION pg_catalog.citus_add_node(nodename text, nodeport integer,
                                          groupid integer DEFAULT -1,
                                          noderole noderole DEFAULT 'primary',
                                          nodecluster name DEFAULT 'default')
RETURNS integer LANGUAGE plpgsql STRICT SET search_path = pg_catalog
AS $$
DECLARE
	v_name text := $1;
	v_port integer := $2;
	v_group integer := $3;
	v_role noderole := $4;
	v_cluster name := $5;
	v_nodeid integer;
	v_primary bool := ($4 = 'primary');
	v_rels regclass[];
	r record;
BEGIN
	PERFORM citus_standin_ensure_coordinator();
	LOCK TABLE pg_dist_node IN EXCLUSIVE MODE;

	-- like Citus: adding a node that is already there returns its id
	SELECT dn.nodeid INTO v_nodeid FROM pg_dist_node dn
	 WHERE dn.nodename = v_name AND dn.nodeport = v_port;
	IF FOUND THEN
		RETURN v_nodeid;
	END IF;

	v_nodeid := nextval('pg_catalog.pg_dist_node_nodeid_seq');
	IF v_group = -1 THEN
		v_group := nextval('pg_catalog.pg_dist_groupid_seq');
	END IF;
	INSERT INTO pg_dist_node (nodeid, groupid, nodename, nodeport, noderack, hasmetadata, isactive,
	                          noderole, nodecluster, metadatasynced, shouldhaveshards)
	VALUES (v_nodeid, v_group, v_name, v_port, 'default', v_primary, true,
	        v_role, v_cluster, v_primary, v_group <> 0);

	-- the new node: its group, the shell tables, a copy of the metadata
	IF v_primary THEN
		v_rels := ARRAY(SELECT p.logicalrelid FROM pg_dist_partition p ORDER BY p.logicalrelid::oid);
		PERFORM citus_standin_node_exec(v_name, v_port,
			format(E'DELETE FROM pg_catalog.pg_dist_local_group;\nINSERT INTO pg_catalog.pg_dist_local_group VALUES (%s);\n', v_group)
			|| citus_standin_shell_ddl(v_rels)
			|| citus_standin_catalog_copy_sql());
	END IF;

	-- the other metadata nodes learn about it
	FOR r IN
		SELECT dn.nodename, dn.nodeport FROM pg_dist_node dn
		 WHERE dn.hasmetadata AND dn.isactive AND dn.noderole = 'primary' AND dn.nodeid <> v_nodeid
		 ORDER BY dn.nodename COLLATE "C", dn.nodeport
	LOOP
		IF NOT citus_standin_is_local(r.nodename, r.nodeport) THEN
			PERFORM citus_standin_node_exec(r.nodename, r.nodeport,
				format(E'DELETE FROM pg_catalog.pg_dist_node WHERE nodeid = %s;\n', v_nodeid)
				|| citus_standin_rows_insert_sql('pg_dist_node', format('nodeid = %s', v_nodeid)));
		END IF;
	END LOOP;
	RETURN v_nodeid;
END $$;
COMMENT ON FUNCTION pg_catalog.citus_add_node(text, integer, integer, noderole, name)
	IS 'add node to the cluster';

-- start_metadata_sync_to_all_nodes: replaces the five catalogs of every
-- other active primary worker with the local ones (creating missing shell
-- tables first) and marks them synced.
CREATE FUNCTION pg_catalog.start_metadata_sync_to_all_nodes()
RETURNS bool LANGUAGE plpgsql STRICT SET search_path = pg_catalog
AS $$
DECLARE
	r record;
	v_targets integer[] := '{}';
	v_script text;
BEGIN
	PERFORM citus_standin_ensure_coordinator();
	FOR r IN
		SELECT dn.nodeid, dn.nodename, dn.nodeport FROM pg_dist_node dn
		 WHERE dn.isactive AND dn.noderole = 'primary' AND dn.groupid <> 0
		 ORDER BY dn.nodename COLLATE "C", dn.nodeport
	LOOP
		IF NOT citus_standin_is_local(r.nodename, r.nodeport) THEN
			v_targets := v_targets || r.nodeid;
		END IF;
	END LOOP;
	UPDATE pg_dist_node dn SET hasmetadata = true, metadatasynced = true
	 WHERE dn.nodeid = ANY (v_targets) AND NOT (dn.hasmetadata AND dn.metadatasynced IS TRUE);

	v_script := citus_standin_shell_ddl(ARRAY(SELECT p.logicalrelid FROM pg_dist_partition p
	                                          ORDER BY p.logicalrelid::oid))
	            || citus_standin_catalog_copy_sql();
	FOR r IN
		SELECT dn.nodename, dn.nodeport FROM pg_dist_node dn
		 WHERE dn.nodeid = ANY (v_targets)
		 ORDER BY dn.nodename COLLATE "C", dn.nodeport
	LOOP
		PERFORM citus_standin_node_exec(r.nodename, r.nodeport, v_script);
	END LOOP;
	RETURN true;
END $$;
COMMENT ON FUNCTION pg_catalog.start_metadata_sync_to_all_nodes()
	IS 'sync metadata to all active primary nodes';

-- run_command_on_workers: one value per active primary worker, in node
-- order; parallel is ignored (runs one node after the other).
-- citus_standin_run_on: what Citus answers for one node of either
-- function below: the single value, or why there is none
CREATE FUNCTION pg_catalog.citus_standin_run_on(p_nodename text, p_nodeport int, p_command text,
                                                OUT success boolean, OUT result text)
LANGUAGE plpgsql SET search_path = pg_catalog
AS $$
DECLARE
	v_values text[];
	v_message text;
BEGIN
	SELECT array_agg(t.v) INTO v_values
	  FROM dblink(citus_standin_conninfo(p_nodename, p_nodeport), p_command) AS t(v text);
	IF cardinality(v_values) > 1 THEN
		success := false;
		result := 'expected a single row in query result';
	ELSE
		success := true;
		result := COALESCE(v_values[1], '');
	END IF;
EXCEPTION
	WHEN sqlclient_unable_to_establish_sqlconnection THEN
		success := false;
		result := format('failed to connect to %s:%s', p_nodename, p_nodeport);
	WHEN OTHERS THEN
		GET STACKED DIAGNOSTICS v_message = MESSAGE_TEXT;
		success := false;
		IF v_message = 'remote query result rowtype does not match the specified FROM clause rowtype' THEN
			result := 'expected a single column in query target';
		ELSE
			result := 'ERROR:  ' || v_message;
		END IF;
END $$;

CREATE FUNCTION pg_catalog.run_command_on_workers(command text, parallel boolean DEFAULT true,
                                                  OUT nodename text, OUT nodeport integer,
                                                  OUT success boolean, OUT result text)
RETURNS SETOF record LANGUAGE sql SET search_path = pg_catalog
AS $$
	SELECT dn.nodename, dn.nodeport, r.success, r.result
	  FROM pg_dist_node dn, citus_standin_run_on(dn.nodename, dn.nodeport, command) r
	 WHERE dn.isactive AND dn.noderole = 'primary' AND dn.groupid <> 0
	 ORDER BY dn.nodename COLLATE "C", dn.nodeport
$$;
COMMENT ON FUNCTION pg_catalog.run_command_on_workers(text, boolean)
	IS 'run a command on all active primary workers';

-- run_command_on_all_nodes: the same on every active primary node, the
-- coordinator and the node that runs it included, a row each by nodeid
CREATE FUNCTION pg_catalog.run_command_on_all_nodes(command text, parallel boolean DEFAULT true,
                                                    give_warning_for_connection_errors boolean DEFAULT false,
                                                    OUT nodeid integer, OUT success boolean, OUT result text)
RETURNS SETOF record LANGUAGE sql SET search_path = pg_catalog
AS $$
	SELECT dn.nodeid, r.success, r.result
	  FROM pg_dist_node dn, citus_standin_run_on(dn.nodename, dn.nodeport, command) r
	 WHERE dn.isactive AND dn.noderole = 'primary'
	 ORDER BY dn.nodeid
$$;
COMMENT ON FUNCTION pg_catalog.run_command_on_all_nodes(text, boolean, boolean)
	IS 'run a command on all active primary nodes';

-- citus_check_cluster_node_health: each active primary node ("from") is
-- asked over dblink to try citus_check_connection_to_node() on every
-- active primary node ("to"); NULL when "from" cannot be asked.
CREATE FUNCTION pg_catalog.citus_check_cluster_node_health(OUT from_nodename text, OUT from_nodeport int,
                                                           OUT to_nodename text, OUT to_nodeport int,
                                                           OUT result bool)
RETURNS SETOF record LANGUAGE plpgsql SET search_path = pg_catalog
AS $$
DECLARE
	src record;
	dst record;
	v_query text;
	v_results bool[];
BEGIN
	SELECT string_agg(format('(%s, %L, %s)', x.ord, x.nodename, x.nodeport), ', ')
	  INTO v_query
	  FROM (SELECT row_number() OVER (ORDER BY dn.nodename COLLATE "C", dn.nodeport) AS ord,
	               dn.nodename, dn.nodeport
	          FROM pg_dist_node dn WHERE dn.isactive AND dn.noderole = 'primary') x;
	IF v_query IS NULL THEN
		RETURN;
	END IF;
	v_query := 'SELECT pg_catalog.citus_check_connection_to_node(v.n, v.p) FROM (VALUES '
	           || v_query || ') AS v(o, n, p) ORDER BY v.o';
	FOR src IN
		SELECT dn.nodename, dn.nodeport FROM pg_dist_node dn
		 WHERE dn.isactive AND dn.noderole = 'primary'
		 ORDER BY dn.nodename COLLATE "C", dn.nodeport
	LOOP
		BEGIN
			IF citus_standin_is_local(src.nodename, src.nodeport) THEN
				EXECUTE 'SELECT array_agg(c) FROM (' || v_query || ') AS q(c)' INTO v_results;
			ELSE
				SELECT array_agg(t.ok) INTO v_results
				  FROM dblink(citus_standin_conninfo(src.nodename, src.nodeport), v_query) AS t(ok bool);
			END IF;
		EXCEPTION WHEN OTHERS THEN
			v_results := NULL;
		END;
		FOR dst IN
			SELECT row_number() OVER (ORDER BY dn.nodename COLLATE "C", dn.nodeport) AS ord,
			       dn.nodename, dn.nodeport
			  FROM pg_dist_node dn WHERE dn.isactive AND dn.noderole = 'primary'
			 ORDER BY 1
		LOOP
			from_nodename := src.nodename;
			from_nodeport := src.nodeport;
			to_nodename := dst.nodename;
			to_nodeport := dst.nodeport;
			result := v_results[dst.ord];
			RETURN NEXT;
		END LOOP;
	END LOOP;
END $$;
COMMENT ON FUNCTION pg_catalog.citus_check_cluster_node_health()
	IS 'checks connections between all nodes in the cluster';

-- create_distributed_table: hash distribution only; the type parameter is
-- text (Citus: citus.distribution_type).
CREATE FUNCTION pg_catalog.create_distributed_table(table_name regclass,
                                                    distribution_column text,
                                                    distribution_type text DEFAULT 'hash',
                                                    colocate_with text DEFAULT 'default',
                                                    shard_count integer DEFAULT NULL)
RETURNS void LANGUAGE plpgsql
AS $$
DECLARE
	v_rel regclass := $1;
	v_att record;
	v_partkey text;
	v_shard_count integer;
	v_colocationid integer;
	v_new_colocation integer;
	v_other regclass;
	v_template regclass;
	v_groups integer[];
	v_increment bigint;
	v_min bigint;
	v_max bigint;
	v_shardid bigint;
	s record;
	i integer;
BEGIN
	PERFORM pg_catalog.citus_standin_ensure_coordinator();
	IF v_rel IS NULL OR $2 IS NULL THEN
		RAISE EXCEPTION 'table_name and distribution_column cannot be NULL';
	END IF;
	IF EXISTS (SELECT 1 FROM pg_catalog.pg_dist_partition p WHERE p.logicalrelid = v_rel) THEN
		RAISE EXCEPTION 'table "%" is already distributed', (SELECT c.relname FROM pg_catalog.pg_class c WHERE c.oid = v_rel);
	END IF;
	IF lower(COALESCE($3, 'hash')) <> 'hash' THEN
		RAISE EXCEPTION 'citus-standin: only hash distribution is modelled, not "%"', $3;
	END IF;
	SELECT a.attnum, a.atttypid, a.atttypmod, a.attcollation INTO v_att
	  FROM pg_catalog.pg_attribute a
	 WHERE a.attrelid = v_rel AND a.attname = $2 AND a.attnum > 0 AND NOT a.attisdropped;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'column "%" of relation "%" does not exist', $2, (SELECT c.relname FROM pg_catalog.pg_class c WHERE c.oid = v_rel);
	END IF;
	PERFORM pg_catalog.citus_standin_hash_function(v_att.atttypid);
	v_partkey := format('{VAR :varno 1 :varattno %s :vartype %s :vartypmod %s :varcollid %s%s :varlevelsup 0 :varnosyn 1 :varattnosyn %s :location -1}',
	                    v_att.attnum, v_att.atttypid::integer, v_att.atttypmod, v_att.attcollation::integer,
	                    CASE WHEN current_setting('server_version_num')::integer >= 160000 THEN ' :varnullingrels (b)' ELSE '' END,
	                    v_att.attnum);

	IF lower(COALESCE($4, 'default')) IN ('default', 'none') THEN
		v_shard_count := COALESCE($5, NULLIF(current_setting('citus.shard_count', true), '')::integer, 32);
		IF v_shard_count < 1 OR v_shard_count > 64000 THEN
			RAISE EXCEPTION '% is outside the valid range for parameter "shard_count" (1 .. 64000)', v_shard_count;
		END IF;
		IF lower(COALESCE($4, 'default')) = 'default' THEN
			SELECT min(c.colocationid) INTO v_colocationid
			  FROM pg_catalog.pg_dist_colocation c
			 WHERE c.shardcount = v_shard_count AND c.replicationfactor = 1
			   AND c.distributioncolumntype = v_att.atttypid
			   AND c.distributioncolumncollation = v_att.attcollation;
		END IF;
	ELSE
		IF $5 IS NOT NULL THEN
			RAISE EXCEPTION 'Cannot use colocate_with with a table and shard_count at the same time';
		END IF;
		v_other := $4::regclass;
		SELECT p.colocationid INTO v_colocationid
		  FROM pg_catalog.pg_dist_partition p WHERE p.logicalrelid = v_other AND p.partmethod = 'h';
		IF NOT FOUND THEN
			RAISE EXCEPTION 'cannot colocate tables % and %', v_other, v_rel
				USING DETAIL = format('%s is not a hash distributed table.', v_other);
		END IF;
		SELECT c.shardcount INTO v_shard_count FROM pg_catalog.pg_dist_colocation c WHERE c.colocationid = v_colocationid;
		IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_dist_colocation c WHERE c.colocationid = v_colocationid
		                AND c.distributioncolumntype = v_att.atttypid) THEN
			RAISE EXCEPTION 'cannot colocate tables % and %', v_other, v_rel
				USING DETAIL = format('Distribution column types don''t match for %s and %s.', v_other, v_rel);
		END IF;
	END IF;

	IF v_colocationid IS NULL THEN
		v_colocationid := nextval('pg_catalog.pg_dist_colocationid_seq');
		v_new_colocation := v_colocationid;
		INSERT INTO pg_catalog.pg_dist_colocation (colocationid, shardcount, replicationfactor,
		                                distributioncolumntype, distributioncolumncollation)
		VALUES (v_colocationid, v_shard_count, 1, v_att.atttypid, v_att.attcollation);
	END IF;

	INSERT INTO pg_catalog.pg_dist_partition (logicalrelid, partmethod, partkey, colocationid, repmodel, autoconverted)
	VALUES (v_rel, 'h', v_partkey, v_colocationid, 's', false);

	-- co-located with an existing table: the same ranges on the same groups
	SELECT p.logicalrelid INTO v_template
	  FROM pg_catalog.pg_dist_partition p JOIN pg_catalog.pg_dist_shard sh ON sh.logicalrelid = p.logicalrelid
	 WHERE p.colocationid = v_colocationid AND p.logicalrelid <> v_rel
	 ORDER BY sh.shardid LIMIT 1;
	IF v_template IS NOT NULL THEN
		FOR s IN
			SELECT sh.shardid, sh.shardminvalue, sh.shardmaxvalue
			  FROM pg_catalog.pg_dist_shard sh WHERE sh.logicalrelid = v_template
			 ORDER BY sh.shardminvalue::bigint
		LOOP
			v_shardid := nextval('pg_catalog.pg_dist_shardid_seq');
			INSERT INTO pg_catalog.pg_dist_shard (logicalrelid, shardid, shardstorage, shardminvalue, shardmaxvalue)
			VALUES (v_rel, v_shardid, 't', s.shardminvalue, s.shardmaxvalue);
			INSERT INTO pg_catalog.pg_dist_placement (placementid, shardid, shardstate, shardlength, groupid)
			SELECT nextval('pg_catalog.pg_dist_placement_placementid_seq'), v_shardid, 1, 0, pl.groupid
			  FROM pg_catalog.pg_dist_placement pl WHERE pl.shardid = s.shardid ORDER BY pl.placementid;
		END LOOP;
	ELSE
		v_groups := pg_catalog.citus_standin_shard_groups();
		IF cardinality(v_groups) = 0 THEN
			RAISE EXCEPTION 'replication_factor (1) exceeds number of worker nodes (0)'
				USING HINT = 'Add more worker nodes or try again with a lower replication factor.';
		END IF;
		v_increment := 4294967296 / v_shard_count;
		FOR i IN 0 .. v_shard_count - 1 LOOP
			v_min := -2147483648 + i * v_increment;
			v_max := CASE WHEN i = v_shard_count - 1 THEN 2147483647 ELSE v_min + v_increment - 1 END;
			v_shardid := nextval('pg_catalog.pg_dist_shardid_seq');
			INSERT INTO pg_catalog.pg_dist_shard (logicalrelid, shardid, shardstorage, shardminvalue, shardmaxvalue)
			VALUES (v_rel, v_shardid, 't', v_min::text, v_max::text);
			INSERT INTO pg_catalog.pg_dist_placement (placementid, shardid, shardstate, shardlength, groupid)
			VALUES (nextval('pg_catalog.pg_dist_placement_placementid_seq'), v_shardid, 1, 0,
			        v_groups[i % cardinality(v_groups) + 1]);
		END LOOP;
	END IF;

	PERFORM pg_catalog.citus_standin_distribute(ARRAY[v_rel], v_new_colocation);
END $$;
COMMENT ON FUNCTION pg_catalog.create_distributed_table(regclass, text, text, text, integer)
	IS 'creates a distributed table';

-- create_reference_table: one shard, placed on every active primary node.
CREATE FUNCTION pg_catalog.create_reference_table(table_name regclass)
RETURNS void LANGUAGE plpgsql STRICT SET search_path = pg_catalog
AS $$
DECLARE
	v_rel regclass := $1;
	v_colocationid integer;
	v_new_colocation integer;
	v_shardid bigint;
BEGIN
	PERFORM citus_standin_ensure_coordinator();
	IF EXISTS (SELECT 1 FROM pg_dist_partition p WHERE p.logicalrelid = v_rel) THEN
		RAISE EXCEPTION 'table "%" is already distributed', (SELECT c.relname FROM pg_class c WHERE c.oid = v_rel);
	END IF;
	IF NOT EXISTS (SELECT 1 FROM pg_dist_node dn WHERE dn.isactive AND dn.noderole = 'primary') THEN
		RAISE EXCEPTION 'citus-standin: no active primary node in pg_dist_node';
	END IF;
	SELECT min(c.colocationid) INTO v_colocationid
	  FROM pg_dist_colocation c
	 WHERE c.shardcount = 1 AND c.replicationfactor = -1 AND c.distributioncolumntype = 0;
	IF v_colocationid IS NULL THEN
		v_colocationid := nextval('pg_catalog.pg_dist_colocationid_seq');
		v_new_colocation := v_colocationid;
		INSERT INTO pg_dist_colocation (colocationid, shardcount, replicationfactor,
		                                distributioncolumntype, distributioncolumncollation)
		VALUES (v_colocationid, 1, -1, 0, 0);
	END IF;
	INSERT INTO pg_dist_partition (logicalrelid, partmethod, partkey, colocationid, repmodel, autoconverted)
	VALUES (v_rel, 'n', NULL, v_colocationid, 't', false);
	v_shardid := nextval('pg_catalog.pg_dist_shardid_seq');
	INSERT INTO pg_dist_shard (logicalrelid, shardid, shardstorage, shardminvalue, shardmaxvalue)
	VALUES (v_rel, v_shardid, 't', NULL, NULL);
	INSERT INTO pg_dist_placement (placementid, shardid, shardstate, shardlength, groupid)
	SELECT nextval('pg_catalog.pg_dist_placement_placementid_seq'), v_shardid, 1, 0, x.groupid
	  FROM (SELECT DISTINCT ON (dn.groupid) dn.groupid, dn.nodename, dn.nodeport
	          FROM pg_dist_node dn WHERE dn.isactive AND dn.noderole = 'primary'
	         ORDER BY dn.groupid, dn.nodename COLLATE "C", dn.nodeport) x
	 ORDER BY x.nodename COLLATE "C", x.nodeport;
	PERFORM citus_standin_distribute(ARRAY[v_rel], v_new_colocation);
END $$;
COMMENT ON FUNCTION pg_catalog.create_reference_table(regclass)
	IS 'create a distributed reference table';

-- citus_schema_distribute: every table of the schema becomes a single-shard
-- table, all in one new co-location group on one node (Citus's choice:
-- colocationid modulo the number of nodes that should have shards).
CREATE FUNCTION pg_catalog.citus_schema_distribute(schemaname regnamespace)
RETURNS void LANGUAGE plpgsql STRICT SET search_path = pg_catalog
AS $$
DECLARE
	v_rels regclass[];
	v_groups integer[];
	v_group integer;
	v_colocationid integer;
	v_shardid bigint;
	v_rel regclass;
BEGIN
	PERFORM citus_standin_ensure_coordinator();
	IF $1 = 'public'::regnamespace THEN
		RAISE EXCEPTION 'public schema cannot be distributed';
	END IF;
	v_rels := ARRAY(SELECT c.oid::regclass FROM pg_class c
	                 WHERE c.relnamespace = $1 AND c.relkind IN ('r', 'p') AND NOT c.relispartition
	                 ORDER BY c.oid);
	SELECT p.logicalrelid INTO v_rel FROM pg_dist_partition p WHERE p.logicalrelid = ANY (v_rels) LIMIT 1;
	IF FOUND THEN
		RAISE EXCEPTION 'cannot distribute schema % because table % is already distributed', $1, v_rel;
	END IF;
	RAISE NOTICE 'distributing the schema %', $1;
	IF cardinality(v_rels) = 0 THEN
		RETURN;
	END IF;
	v_groups := citus_standin_shard_groups();
	IF cardinality(v_groups) = 0 THEN
		RAISE EXCEPTION 'couldn''t find any worker nodes'
			USING HINT = 'Add more worker nodes';
	END IF;
	v_colocationid := nextval('pg_catalog.pg_dist_colocationid_seq');
	v_group := v_groups[v_colocationid % cardinality(v_groups) + 1];
	INSERT INTO pg_dist_colocation (colocationid, shardcount, replicationfactor,
	                                distributioncolumntype, distributioncolumncollation)
	VALUES (v_colocationid, 1, 1, 0, 0);
	FOREACH v_rel IN ARRAY v_rels LOOP
		INSERT INTO pg_dist_partition (logicalrelid, partmethod, partkey, colocationid, repmodel, autoconverted)
		VALUES (v_rel, 'n', NULL, v_colocationid, 's', false);
		v_shardid := nextval('pg_catalog.pg_dist_shardid_seq');
		INSERT INTO pg_dist_shard (logicalrelid, shardid, shardstorage, shardminvalue, shardmaxvalue)
		VALUES (v_rel, v_shardid, 't', NULL, NULL);
		INSERT INTO pg_dist_placement (placementid, shardid, shardstate, shardlength, groupid)
		VALUES (nextval('pg_catalog.pg_dist_placement_placementid_seq'), v_shardid, 1, 0, v_group);
	END LOOP;
	PERFORM citus_standin_distribute(v_rels, v_colocationid);
END $$;
COMMENT ON FUNCTION pg_catalog.citus_schema_distribute(regnamespace)
	IS 'distributes a schema, allowing it to move between nodes';

-- citus_move_shard_placement: moves a shard and the shards co-located with
-- it (same index in every table of the co-location group) between groups,
-- data included (blocking, whatever shard_transfer_mode says).
CREATE FUNCTION pg_catalog.citus_move_shard_placement(shard_id bigint,
                                                      source_node_name text, source_node_port integer,
                                                      target_node_name text, target_node_port integer,
                                                      shard_transfer_mode text DEFAULT 'auto')
RETURNS void LANGUAGE plpgsql STRICT SET search_path = pg_catalog
AS $$
DECLARE
	v_shard record;
	v_source integer;
	v_target integer;
	v_shards bigint[];
	v_moved bigint[] := '{}';
	v_json text;
	v_name text;
	s record;
	r record;
BEGIN
	PERFORM citus_standin_ensure_coordinator();
	IF $6 NOT IN ('auto', 'force_logical', 'block_writes') THEN
		RAISE EXCEPTION 'invalid input value for enum citus.shard_transfer_mode: "%"', $6;
	END IF;
	SELECT sh.logicalrelid, p.repmodel, p.partmethod, p.colocationid,
	       (SELECT count(*) FROM pg_dist_shard o
	         WHERE o.logicalrelid = sh.logicalrelid
	           AND (o.shardminvalue::bigint, o.shardid) < (sh.shardminvalue::bigint, sh.shardid)) AS shardindex
	  INTO v_shard
	  FROM pg_dist_shard sh JOIN pg_dist_partition p ON p.logicalrelid = sh.logicalrelid
	 WHERE sh.shardid = $1;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'could not find valid entry for shard %', $1;
	END IF;
	IF v_shard.repmodel = 't' THEN
		RAISE EXCEPTION 'cannot move shard'
			USING DETAIL = format('Table %s is a reference table. Moving shards backed by reference tables is not supported.', v_shard.logicalrelid);
	END IF;
	IF $2 = $4 AND $3 = $5 THEN
		RAISE EXCEPTION 'cannot move shard to the same node';
	END IF;
	SELECT dn.groupid INTO v_source FROM pg_dist_node dn WHERE dn.nodename = $2 AND dn.nodeport = $3;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'node at "%:%" does not exist', $2, $3;
	END IF;
	SELECT dn.groupid INTO v_target FROM pg_dist_node dn
	 WHERE dn.nodename = $4 AND dn.nodeport = $5 AND dn.isactive AND dn.noderole = 'primary';
	IF NOT FOUND THEN
		RAISE EXCEPTION 'Moving shards to a non-existing node is not supported'
			USING HINT = format('Add the target node via SELECT citus_add_node(''%s'', %s);', $4, $5);
	END IF;
	IF EXISTS (SELECT 1 FROM pg_dist_placement pl WHERE pl.shardid = $1 AND pl.groupid = v_target) THEN
		RAISE WARNING 'shard is already present on node %:%', $4, $5
			USING DETAIL = 'Move may have already completed.';
		RETURN;
	END IF;
	IF NOT EXISTS (SELECT 1 FROM pg_dist_placement pl WHERE pl.shardid = $1 AND pl.groupid = v_source) THEN
		RAISE EXCEPTION 'could not find placement matching "%:%"', $2, $3
			USING HINT = 'Confirm the placement still exists and try again.';
	END IF;

	IF v_shard.colocationid = 0 THEN
		v_shards := ARRAY[$1];
	ELSE
		v_shards := ARRAY(
			SELECT sh.shardid
			  FROM pg_dist_partition p JOIN pg_dist_shard sh ON sh.logicalrelid = p.logicalrelid
			 WHERE p.colocationid = v_shard.colocationid
			   AND (SELECT count(*) FROM pg_dist_shard o
			         WHERE o.logicalrelid = sh.logicalrelid
			           AND (o.shardminvalue::bigint, o.shardid) < (sh.shardminvalue::bigint, sh.shardid)) = v_shard.shardindex
			 ORDER BY sh.shardid);
	END IF;

	-- copy the data of every shard table the source has
	FOR s IN
		SELECT sh.logicalrelid, sh.shardid FROM pg_dist_shard sh
		 WHERE sh.shardid = ANY (v_shards)
		   AND EXISTS (SELECT 1 FROM pg_dist_placement pl WHERE pl.shardid = sh.shardid AND pl.groupid = v_source)
		 ORDER BY sh.shardid
	LOOP
		v_name := citus_standin_shard_relname(s.logicalrelid, s.shardid);
		IF citus_standin_node_query($2, $3, format('SELECT (to_regclass(%L) IS NOT NULL)::text', v_name))::bool THEN
			v_json := citus_standin_node_query($2, $3, format('SELECT json_agg(t)::text FROM %s t', v_name));
			PERFORM citus_standin_node_exec($4, $5,
				citus_standin_table_ddl(s.logicalrelid, s.shardid)
				|| citus_standin_json_insert_sql(v_name, citus_standin_column_list(s.logicalrelid), v_json));
			v_moved := v_moved || s.shardid;
		END IF;
	END LOOP;

	-- metadata: new placement ids here, groups changed in place elsewhere
	UPDATE pg_dist_placement pl
	   SET groupid = v_target, placementid = nextval('pg_catalog.pg_dist_placement_placementid_seq')
	 WHERE pl.shardid = ANY (v_shards) AND pl.groupid = v_source;
	FOR r IN
		SELECT dn.nodename, dn.nodeport FROM pg_dist_node dn
		 WHERE dn.hasmetadata AND dn.isactive AND dn.noderole = 'primary'
		 ORDER BY dn.nodename COLLATE "C", dn.nodeport
	LOOP
		IF NOT citus_standin_is_local(r.nodename, r.nodeport) THEN
			PERFORM citus_standin_node_exec(r.nodename, r.nodeport,
				format('UPDATE pg_catalog.pg_dist_placement SET groupid = %s WHERE shardid IN (%s) AND groupid = %s',
				       v_target, array_to_string(v_shards, ', '), v_source));
		END IF;
	END LOOP;

	-- drop the source shard tables
	IF cardinality(v_moved) > 0 THEN
		PERFORM citus_standin_node_exec($2, $3,
			(SELECT string_agg(format(E'DROP TABLE IF EXISTS %s;\n', citus_standin_shard_relname(sh.logicalrelid, sh.shardid)), '')
			   FROM pg_dist_shard sh WHERE sh.shardid = ANY (v_moved)));
	END IF;
END $$;
COMMENT ON FUNCTION pg_catalog.citus_move_shard_placement(bigint, text, integer, text, integer, text)
	IS 'move a shard from a the source node to the destination node';

RESET allow_system_table_mods;

-- pg_dist_transaction and recover_prepared_transactions: the stand-in
-- coordinates no transactions, so recovery only forgets the records.
SET allow_system_table_mods = on;
CREATE TABLE pg_catalog.pg_dist_transaction (groupid int NOT NULL, gid text NOT NULL);
RESET allow_system_table_mods;

CREATE FUNCTION pg_catalog.recover_prepared_transactions()
RETURNS int LANGUAGE sql SET search_path = pg_catalog
AS $$ WITH gone AS (DELETE FROM pg_dist_transaction RETURNING 1) SELECT count(*)::int FROM gone $$;

-- replicate_reference_tables: every active primary group gets a placement
-- of every reference shard, then the metadata goes to every node.  Only the
-- metadata is modelled: no rows are copied.
CREATE FUNCTION pg_catalog.replicate_reference_tables(shard_transfer_mode text DEFAULT 'auto')
RETURNS void LANGUAGE plpgsql SET search_path = pg_catalog
AS $$
BEGIN
	PERFORM citus_standin_ensure_coordinator();
	INSERT INTO pg_dist_placement (placementid, shardid, shardstate, shardlength, groupid)
	SELECT nextval('pg_catalog.pg_dist_placement_placementid_seq'), s.shardid, 1, 0, g.groupid
	  FROM pg_dist_shard s
	  JOIN pg_dist_partition p ON p.logicalrelid = s.logicalrelid AND p.partmethod = 'n' AND p.repmodel = 't'
	 CROSS JOIN (SELECT DISTINCT groupid FROM pg_dist_node WHERE isactive AND noderole = 'primary') g
	 WHERE NOT EXISTS (SELECT 1 FROM pg_dist_placement pl WHERE pl.shardid = s.shardid AND pl.groupid = g.groupid);
	PERFORM start_metadata_sync_to_all_nodes();
END $$;

-- citus_activate_node: the node is active again and gets the metadata.
CREATE FUNCTION pg_catalog.citus_activate_node(nodename text, nodeport integer)
RETURNS integer LANGUAGE plpgsql SET search_path = pg_catalog
AS $$
DECLARE
	v_nodeid integer;
BEGIN
	PERFORM citus_standin_ensure_coordinator();
	UPDATE pg_dist_node dn SET isactive = true
	 WHERE dn.nodename = $1 AND dn.nodeport = $2 RETURNING dn.nodeid INTO v_nodeid;
	IF v_nodeid IS NULL THEN
		RAISE EXCEPTION 'node at "%:%" does not exist', $1, $2;
	END IF;
	PERFORM start_metadata_sync_to_all_nodes();
	RETURN v_nodeid;
END $$;

-- Dropping a distributed table drops its metadata, and on the coordinator
-- the table and its metadata on every metadata node too, as Citus does.
CREATE FUNCTION pg_catalog.citus_standin_drop_trigger()
RETURNS event_trigger LANGUAGE plpgsql SET search_path = pg_catalog
AS $$
DECLARE
	r record;
	n record;
	v_shards bigint[];
BEGIN
	FOR r IN SELECT d.objid, d.object_identity FROM pg_event_trigger_dropped_objects() d
	          WHERE d.classid = 'pg_catalog.pg_class'::regclass AND d.objsubid = 0
	            AND d.object_type IN ('table', 'partitioned table')
	LOOP
		v_shards := ARRAY(SELECT s.shardid FROM pg_dist_shard s WHERE s.logicalrelid = r.objid);
		IF NOT EXISTS (SELECT 1 FROM pg_dist_partition p WHERE p.logicalrelid = r.objid) THEN
			CONTINUE;
		END IF;
		DELETE FROM pg_dist_placement pl WHERE pl.shardid = ANY (v_shards);
		DELETE FROM pg_dist_shard s WHERE s.logicalrelid = r.objid;
		DELETE FROM pg_dist_partition p WHERE p.logicalrelid = r.objid;
		IF COALESCE((SELECT groupid FROM pg_dist_local_group), -1) <> 0 THEN
			CONTINUE;
		END IF;
		FOR n IN SELECT dn.nodename, dn.nodeport FROM pg_dist_node dn
		          WHERE dn.hasmetadata AND dn.isactive AND dn.noderole = 'primary'
		LOOP
			IF citus_standin_is_local(n.nodename, n.nodeport) THEN
				CONTINUE;
			END IF;
			PERFORM citus_standin_node_exec(n.nodename, n.nodeport,
				format('DELETE FROM pg_catalog.pg_dist_placement WHERE shardid = ANY (%L::bigint[]); '
				       'DELETE FROM pg_catalog.pg_dist_shard WHERE shardid = ANY (%L::bigint[]); '
				       'DROP TABLE IF EXISTS %s CASCADE;', v_shards, v_shards, r.object_identity));
		END LOOP;
	END LOOP;
END $$;

CREATE EVENT TRIGGER citus_standin_drop ON sql_drop
	EXECUTE FUNCTION pg_catalog.citus_standin_drop_trigger();
