/*
 * What discovery learned about a cluster: the nodes pg_dist_node lists,
 * what each one answered, and how their catalogs compare.  Plain data:
 * the reports, the planner and the wizard all read this and nothing else.
 */
#ifndef CITUS_RESCUE_SNAPSHOT_H
#define CITUS_RESCUE_SNAPSHOT_H

#include <stdbool.h>
#include <stdint.h>

#include "error.h"
#include "strbuf.h"

typedef enum CatalogId
{
	CATALOG_NODE,
	CATALOG_PLACEMENT,
	CATALOG_SHARD,
	CATALOG_PARTITION,
	CATALOG_COLOCATION,
	CATALOG_COUNT
} CatalogId;

/* Highest ids in use, which a new coordinator's sequences must pass */
typedef enum MaxIdKind
{
	MAXID_NODEID,
	MAXID_GROUPID,
	MAXID_PLACEMENTID,
	MAXID_SHARDID,
	MAXID_COLOCATIONID,
	MAXID_COUNT
} MaxIdKind;

typedef struct SequenceValue
{
	char	   *name;
	char	   *last_value;		/* NULL before the first nextval */
} SequenceValue;

/* One row of pg_dist_node, as the first node sees it */
typedef struct MetaNode
{
	int			nodeid;
	int			groupid;
	char	   *nodename;
	int			nodeport;
	char	   *noderole;
	bool		hasmetadata;
	bool		metadatasynced;
	bool		isactive;
	bool		shouldhaveshards;
	bool		has_clone_columns;	/* 13.x layout */
	bool		nodeisclone;
} MetaNode;

typedef struct CatalogView
{
	StrList		columns;		/* as read on this node; none: catalog missing */
	int64_t		rows;
	char	   *digest;
} CatalogView;

/* A prepared transaction waiting on a node */
typedef struct PreparedXact
{
	char	   *gid;
	char	   *owner;
	char	   *database;
	char	   *prepared;		/* when, as text */
} PreparedXact;

/* An integer column of a distributed table filled from a sequence */
typedef struct SerialColumn
{
	char	   *table;			/* regclass text, schema-qualified */
	char	   *column;
	char	   *sequence;		/* regclass text */
	bool		is_bigint;		/* bigserial: per-group ranges, not worker_nextval */
	char	   *default_expr;	/* nextval(...) or worker_nextval(...) */
} SerialColumn;

/* A shard whose every placement was on the old coordinator */
typedef struct LostShard
{
	char	   *table;
	int64_t		shardid;
	char	   *minvalue;		/* the hash range; NULL for a table without one */
	char	   *maxvalue;
	bool		citus_local;	/* a citus local table's: only a coordinator holds it */
	char	   *unrecreatable;	/* why an empty copy would not match, or NULL */
} LostShard;

/*
 * What a node holds of the catalogs and settings a coordinator alone
 * kept; it never holds an authinfo text, only which rows exist.
 */
typedef struct LedgerFacts
{
	bool		read;			/* false: not read (unreachable, not Citus, failed) */
	int64_t		cleanup;		/* pg_dist_cleanup rows; -1: no such catalog */
	int64_t		jobs;			/* pg_dist_background_job rows */
	int64_t		tasks;			/* pg_dist_background_task rows */
	bool		has_strategies;	/* pg_dist_rebalance_strategy exists */
	StrList		strategies;		/* its names */
	int64_t		authinfo;		/* pg_dist_authinfo rows */
	StrList		authinfo_keys;	/* "nodeid rolename" per row */
	char	   *authinfo_digest;	/* md5 of every row, so nodes can be compared */
	int64_t		poolinfo;		/* pg_dist_poolinfo rows */
	StrList		poolinfo_keys;	/* nodeid per row */
	char	   *poolinfo_digest;
	char	   *cron_version;	/* NULL: no pg_cron extension */
	int64_t		cron_jobs;		/* cron.job rows; -1: unknown */
	StrList		settings;		/* "citus.x = value" set on this node */
} LedgerFacts;

/* Whether a node reaches one worker, as Citus's own connection check says */
typedef struct ReachResult
{
	char	   *worker;			/* nodename:nodeport, as pg_dist_node names it */
	bool		reached;
	char	   *error;			/* why not, in Citus's words; NULL when reached */
} ReachResult;

/* The new node's connection check of every worker, run during discovery */
typedef struct ReachCheck
{
	bool		ran;
	char	   *why_not;		/* why it could not run, when it did not */
	bool		with_authinfo;	/* with the workers' pg_dist_authinfo rows in place */
	ReachResult *results;
	int			nresults;
} ReachCheck;

/*
 * A node's roles as Citus's metadata sync would write them on other nodes:
 * a digest of the password and the attributes ALTER ROLE sets, never the
 * password or its hash.
 */
typedef struct RoleDigest
{
	char	   *name;
	char	   *digest;			/* md5 of rolpassword and the role's flags */
	bool		distributed;	/* in pg_dist_object, so the sync pushes it */
} RoleDigest;

typedef struct RoleFacts
{
	bool		read;			/* false: not read (unreachable, no right to pg_authid) */
	bool		no_pg_authid;	/* read refused: pg_authid needs a superuser */
	RoleDigest *roles;
	int			nroles;
} RoleFacts;

typedef struct NodeReport
{
	MetaNode	meta;
	bool		in_metadata;	/* false for --old-coordinator probes */
	bool		is_first;
	char	   *host;			/* where the tool connects (after --map) */
	int			port;
	char	   *label;			/* host:port as shown to people */
	PgError		error;			/* why it did not answer, or could not be read */
	bool		timed_out;
	bool		reachable;
	bool		probed;
	int			server_version_num;
	char	   *server_version;
	bool		in_recovery;
	char	   *citus_extension_version;	/* NULL: extension not created */
	char	   *citus_library_version;
	bool		runs_standin;	/* citus_version() names the tests' stand-in, not Citus */
	bool		is_citus;		/* extension and every catalog present */
	int			local_group;
	CatalogView catalogs[CATALOG_COUNT];
	int64_t		max_id[MAXID_COUNT];	/* -1: catalog empty */
	SequenceValue *sequences;
	int			nsequences;
	StrList		node_view;		/* this node's pg_dist_node, as row text */
	char	   *problem;		/* why it cannot take part, if it cannot */
	bool		is_target;		/* the node to become coordinator, not yet a member */
	int			max_prepared_transactions;
	PreparedXact *prepared;		/* named citus_..., in this database */
	int			nprepared;
	int64_t		user_relations;
	char	   *database;
	/* placement ids too, which the catalogs' digest leaves out: a targeted re-sync keeps each node's */
	char	   *placement_ids_digest;
	SerialColumn *serials;
	int			nserials;
	LostShard  *lost_shards;
	int			nlost_shards;
	StrList		unknown_shards;	/* shard tables whose table's metadata died with the coordinator */
	struct Leftover *leftovers;	/* of interrupted moves and splits (leftovers.h) */
	int			nleftovers;
	LedgerFacts ledger;
	ReachCheck	reach;			/* the target's only */
	RoleFacts	roles;
} NodeReport;

typedef struct RowDiff
{
	int			node;			/* index into nodes */
	int			reference;		/* the node it was compared with */
	char	  **missing;		/* rows the reference has and this node lacks */
	int			nmissing;
	char	  **extra;			/* rows this node has and the reference lacks */
	int			nextra;
	PgError		error;			/* when its rows could not be fetched */
} RowDiff;

typedef struct CatalogComparison
{
	CatalogId	catalog;
	StrList		columns;		/* the columns compared, common to all */
	bool		agree;
	int			compared;		/* nodes whose digest was read */
	int			reference;		/* a node of the largest agreeing set */
	RowDiff    *diffs;
	int			ndiffs;
} CatalogComparison;

typedef enum CimMode
{
	CIM_UNKNOWN,
	CIM_INCLUDE,				/* the old coordinator has a pg_dist_node row */
	CIM_EXCLUDE
} CimMode;

typedef struct ClusterSnapshot
{
	char	   *first_label;
	NodeReport *nodes;
	int			nnodes;
	int			first;			/* index of the node the operator named */
	CimMode		cim;
	int			old_coordinator;	/* index, -1 when not known */
	int			target;			/* index of --new-coordinator's node, -1 without */
	bool		coordinator_alive;
	char	   *coordinator_alive_why;
	CatalogComparison comparisons[CATALOG_COUNT];
	int64_t		max_id[MAXID_COUNT];
	int			unreachable;	/* active nodes that did not answer */
	int			exit_code;
	PgError		fatal;			/* why the first node could not be used */
	char	   *dbname;			/* as the first connection used them */
	char	   *user;
	int64_t		elapsed_ms;
	int64_t		compare_ms;
} ClusterSnapshot;

/* A row of group 0 in pg_dist_node: the old coordinator's, or its standby's */
bool		node_is_group_zero_row(const NodeReport *node);

/*
 * A standby of the old coordinator that answers: group 0 by its row or its
 * local group, in recovery.  It does not act as a coordinator, but
 * promoted it would.
 */
bool		node_is_coordinator_standby(const NodeReport *node);

/*
 * Whether a node's catalogs take part in the comparison.  Not the old
 * coordinator's standby (what the dead coordinator knew, not what the
 * survivors hold), nor a worker that pg_dist_node says keeps no metadata.
 */
bool		node_compared(const NodeReport *node);

/* How the tests' stand-in for Citus signs its citus_version() */
#define STANDIN_VERSION_MARK "citus-rescue stand-in"

/* Whether a citus_version() text is the stand-in's */
bool		citus_version_is_standin(const char *citus_version);

/* How many nodes run the stand-in, and how many were read to tell */
int			snapshot_standin_nodes(const ClusterSnapshot *snapshot, int *read);

const char *catalog_name(CatalogId catalog);
const char *maxid_name(MaxIdKind kind);
void		snapshot_free(ClusterSnapshot *snapshot);

/*
 * Whether node i is an active primary worker the new coordinator must
 * reach, by the name pg_dist_node gives it.
 */
bool		snapshot_reaches_worker(const ClusterSnapshot *snapshot, int i);
void		ledger_facts_free(LedgerFacts *facts);
void		reach_check_free(ReachCheck *reach);
void		role_facts_free(RoleFacts *facts);
const RoleDigest *role_facts_find(const RoleFacts *facts, const char *name);

#endif
