/*
 * The live sessions of a discovery, one per node of its snapshot and by
 * the same index: discovery opens them, and apply, backup and verify
 * borrow them.  The snapshot itself holds only what was read.  Declared
 * apart from pgnode.h so that code which only passes a pool along does
 * not need libpq's headers.
 */
#ifndef CITUS_RESCUE_SESSION_H
#define CITUS_RESCUE_SESSION_H

struct PgNode;

typedef struct SessionPool
{
	struct PgNode *sessions;
	int			count;
} SessionPool;

/* Room for `capacity` sessions, none in use yet. */
void		session_pool_init(SessionPool *pool, int capacity);
/* Closes and frees every session. */
void		session_pool_free(SessionPool *pool);

#endif
