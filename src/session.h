/*
 * The live sessions of a discovery, one per node of its snapshot and by
 * the same index: discovery opens them, and apply, backup and verify
 * borrow them.  The snapshot itself holds only what was read.  Declared
 * apart from pgnode.h so that code which only passes a pool along does
 * not need libpq's headers.
 */
#ifndef CITUS_RESCUE_SESSION_H
#define CITUS_RESCUE_SESSION_H

#include <stdbool.h>

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

/*
 * One run of the tool reads the cluster several times (plan, the gates,
 * verify); each connection it opens again costs a TCP handshake, an SSL
 * request and a startup, one network round trip each, and a new backend
 * on the server.  A kept pool holds the idle sessions of an earlier
 * phase for a later one to take over.
 *
 * session_pool_keep moves pool's idle sessions into keep (a NULL keep
 * closes them) and frees pool.  session_pool_take moves into `into` a
 * kept session to host:port (dbname and user, when not NULL, must match
 * too) that is still open; false when there is none, and then `into` is
 * untouched.
 */
void		session_pool_keep(SessionPool *keep, SessionPool *pool);
bool		session_pool_take(SessionPool *keep, const char *host, int port,
							  const char *dbname, const char *user, struct PgNode *into);

#endif
