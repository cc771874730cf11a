/*
 * Proving the new coordinator works: checks run on it and, through it, on
 * every worker.  The DDL, insert and shard-move checks work in a scratch
 * schema that is always dropped.
 */
#ifndef CITUS_RESCUE_VERIFY_H
#define CITUS_RESCUE_VERIFY_H

#include <stdbool.h>
#include <stdio.h>

#include "connopts.h"
#include "discover.h"
#include "events.h"

typedef enum VerifyCheckId
{
	VERIFY_LOCAL_GROUP,
	VERIFY_IS_COORDINATOR,
	VERIFY_METADATA_AGREES,
	VERIFY_PLACEMENT_GROUPS,
	VERIFY_NODE_HEALTH,
	VERIFY_SEQUENCES_AHEAD,
	VERIFY_DDL,
	VERIFY_SERIAL_INSERT,
	VERIFY_SHARD_MOVE,
	VERIFY_NO_LEFTOVERS,
	VERIFY_COUNT
} VerifyCheckId;

typedef struct VerifyResult
{
	bool		ran[VERIFY_COUNT];
	bool		passed[VERIFY_COUNT];
	char	   *detail[VERIFY_COUNT];
	int			exit_code;		/* 0, or 20 + the number of the first failure */
} VerifyResult;

/*
 * Runs every check against the coordinator opts names; each check is an
 * event on sink as it finishes, and a coordinator that cannot be reached
 * a refusal on errors.
 */
int			verify_cluster(ConnOptions *opts, const DiscoverHooks *hooks, bool move_shard,
						   const EventSink *sink, const EventSink *errors, VerifyResult *result);

void		verify_result_free(VerifyResult *result);

#endif
