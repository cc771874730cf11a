#include "config.h"

#include "pgnode.h"
#include "session.h"

#include <poll.h>
#include <stdlib.h>
#include <string.h>

/*
 * A kept session is worth taking over only while its server still holds
 * it: a backend that was terminated, or a server that restarted, has
 * sent its last words and closed the socket, which then polls readable.
 * Reading them tells such a session from one that merely got a notice.
 */
static bool
still_open(PgNode *pg)
{
	struct pollfd pfd;

	if (pg->conn == NULL || pg->state != PGNODE_READY || PQstatus(pg->conn) != CONNECTION_OK ||
		PQtransactionStatus(pg->conn) != PQTRANS_IDLE)
		return false;
	pfd.fd = PQsocket(pg->conn);
	pfd.events = POLLIN;
	/*
	 * A terminated backend's last words arrive as a notice; the end of the
	 * stream behind them shows only on the next read.
	 */
	for (int reads = 0; reads < 4; reads++)
	{
		pfd.revents = 0;
		if (pfd.fd < 0 || poll(&pfd, 1, 0) < 0)
			return false;
		if (pfd.revents == 0)
			break;
		if (!PQconsumeInput(pg->conn) || PQstatus(pg->conn) != CONNECTION_OK)
			return false;
	}
	/* what an idle session may have been sent is a notice, never a result */
	return pfd.revents == 0 && !PQisBusy(pg->conn) &&
		PQtransactionStatus(pg->conn) == PQTRANS_IDLE;
}

static bool
same_text(const char *wanted, const char *actual)
{
	return wanted == NULL || (actual != NULL && strcmp(wanted, actual) == 0);
}

bool
session_pool_take(SessionPool *keep, const char *host, int port, const char *dbname,
				  const char *user, struct PgNode *into)
{
	if (keep == NULL || host == NULL || strchr(host, ',') != NULL)
		return false;
	for (int i = 0; i < keep->count; i++)
	{
		PgNode	   *pg = &keep->sessions[i];

		if (pg->conn == NULL || pg->host == NULL || strcmp(pg->host, host) != 0 ||
			pg->port != port || !same_text(dbname, PQdb(pg->conn)) ||
			!same_text(user, PQuser(pg->conn)))
			continue;
		if (!still_open(pg))
		{
			pgnode_close(pg);
			continue;
		}
		pgnode_free(into);
		*into = *pg;
		pgerror_clear(&into->error);
		into->timed_out = false;
		into->needs_password = false;
		memset(pg, 0, sizeof(*pg));
		return true;
	}
	return false;
}

void
session_pool_keep(SessionPool *keep, SessionPool *pool)
{
	if (keep == NULL)
	{
		session_pool_free(pool);
		return;
	}
	for (int i = 0; i < pool->count; i++)
	{
		PgNode	   *pg = &pool->sessions[i];

		pgnode_clear_results(pg);
		if (pg->conn == NULL || pg->state != PGNODE_READY ||
			PQtransactionStatus(pg->conn) != PQTRANS_IDLE)
		{
			pgnode_free(pg);
			continue;
		}
		keep->sessions = xrealloc(keep->sessions, sizeof(PgNode) * (size_t) (keep->count + 1));
		keep->sessions[keep->count++] = *pg;
		memset(pg, 0, sizeof(*pg));
	}
	free(pool->sessions);
	pool->sessions = NULL;
	pool->count = 0;
}
