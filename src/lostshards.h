/*
 * Shards whose every placement was on the old coordinator: how pre-flight
 * names them, and the SQL that makes them exist again, empty, on a node
 * that survives.  Text only, no I/O: the planner calls it.
 */
#ifndef CITUS_RESCUE_LOSTSHARDS_H
#define CITUS_RESCUE_LOSTSHARDS_H

#include <stdbool.h>

#include "snapshot.h"
#include "strbuf.h"

/* The comment a recreated shard table carries, which verify looks for */
#define LOST_SHARD_COMMENT "citus-rescue: recreated empty; its rows were lost with the old coordinator"

/* How the plan's note on each lost shard begins, so that apply can repeat them */
#define LOST_ROWS_NOTE "Rows lost with the old coordinator: "

/* Which lost shards a list or statement is about */
typedef enum LostSelect
{
	LOST_ALL,
	LOST_DISTRIBUTED,			/* any table but a citus local one */
	LOST_LOCAL					/* citus local tables' */
} LostSelect;

int			lost_count(const NodeReport *node, LostSelect which);

/* "102009, 102012": the shard ids, for an IN (...) list */
void		lost_append_ids(StrBuf *out, const NodeReport *node, LostSelect which);

/* "app.t: shard 102009 (hash range -1431655766 to -715827885), ...; app.u: ..." */
void		lost_append_description(StrBuf *out, const NodeReport *node);

/* One shard, as a note line says it */
void		lost_append_shard(StrBuf *out, const LostShard *shard);

/* "app.t (foreign keys); ..." for the shards that cannot be recreated, empty if none */
void		lost_append_unrecreatable(StrBuf *out, const NodeReport *node);

/* The statements that create the shards empty on the node they run on */
void		lost_append_create_sql(StrBuf *sql, const NodeReport *node, LostSelect which);

/* One boolean: true when every selected shard's table exists on the node */
char	   *lost_check_sql(const NodeReport *node, LostSelect which);

#endif
