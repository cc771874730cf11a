/*
 * Leftovers of shard moves, splits and rebalances the dead coordinator
 * never finished: replication slots (which retain WAL until the disk
 * fills), publications, subscriptions, their roles, and shard tables a
 * node holds although no placement puts them there.  Citus tracked them
 * in pg_dist_cleanup, which lived on the coordinator only; nothing else
 * will remove them.  Discovery reads them on every node (leftovers_sql),
 * the reports show them, the planner drops them, verify finds none.
 */
#ifndef CITUS_RESCUE_LEFTOVERS_H
#define CITUS_RESCUE_LEFTOVERS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "json.h"
#include "plan.h"
#include "snapshot.h"
#include "strbuf.h"

/* In the order they must go: a subscription before the slot it uses, ... */
typedef enum LeftoverKind
{
	LEFTOVER_SUBSCRIPTION,
	LEFTOVER_SLOT,
	LEFTOVER_PUBLICATION,
	LEFTOVER_SHARD_TABLE,
	LEFTOVER_ROLE,
	LEFTOVER_KIND_COUNT
} LeftoverKind;

typedef struct Leftover
{
	LeftoverKind kind;
	char	   *schema;			/* shard tables only */
	char	   *name;
	int64_t		shardid;		/* shard tables: the id in the name */
	int64_t		retained_wal;	/* slots: bytes of WAL held back; -1 unknown */
	bool		active;			/* slot in use, or subscription enabled */
	char	   *slot;			/* subscriptions: the slot they use */
	char	   *publisher;		/* subscriptions: host:port of that slot */
} Leftover;

/*
 * Two statements: the first turns off Citus's hiding of shard tables for
 * this batch only, the second gives a row per leftover with the
 * LEFTOVER_COLUMN_ fields, in the order the cleanup must follow.
 */
extern const char *const leftovers_sql;
#define LEFTOVERS_RESULT 1

enum
{
	LEFTOVER_COLUMN_KIND,
	LEFTOVER_COLUMN_SCHEMA,
	LEFTOVER_COLUMN_NAME,
	LEFTOVER_COLUMN_SHARDID,
	LEFTOVER_COLUMN_RETAINED_WAL,
	LEFTOVER_COLUMN_ACTIVE,
	LEFTOVER_COLUMN_SLOT,
	LEFTOVER_COLUMN_PUBLISHER,
	LEFTOVER_COLUMN_COUNT
};

/* "subscription", "replication slot", ...; the kind for the text, or -1 */
const char *leftover_kind_name(LeftoverKind kind);
int			leftover_kind_from_text(const char *text);

void		leftovers_free(Leftover *leftovers, int count);

/* WAL the slots of every node retain, in bytes */
int64_t		leftovers_retained_wal(const ClusterSnapshot *snap);

/* "1.5 GB", as pg_size_pretty would round it */
char	   *format_size(int64_t bytes);

/*
 * "3 on 127.0.0.1:5433 (slot x retaining 12 MB, ...)", one clause per
 * node of the nodes where include says so; the number of leftovers.
 */
int			leftovers_describe(const ClusterSnapshot *snap, bool (*include) (const ClusterSnapshot *, int),
							   StrBuf *out);

/* discover's section: every leftover per node, the retained WAL as a warning */
void		leftovers_print(FILE *out, const ClusterSnapshot *snap);

/* "leftovers": [...] of one node */
void		leftovers_json(JsonWriter *w, const NodeReport *node);

/*
 * The cleanup steps for the given nodes, every kind in its turn over all
 * of them, so that subscriptions go before the slots they use wherever
 * those live.
 */
void		leftovers_plan_steps(Plan *plan, const NodeReport *const *nodes, int count);

#endif
