#include "config.h"

#include "pgnode.h"
#include "session.h"

#include <poll.h>
#include <stdlib.h>
#include <string.h>

/* Set when an idle session is told its backend is going away */
static void
note_fatal(void *arg, const PGresult *res)
{
	const char *severity = PQresultErrorField(res, PG_DIAG_SEVERITY_NONLOCALIZED);

	if (severity && (strcmp(severity, "FATAL") == 0 || strcmp(severity, "PANIC") == 0))
		*(bool *) arg = true;
}

/*
 * A kept session is worth taking over only while its server still holds
 * it.  A backend that was terminated, or whose server shut down, sends a
 * FATAL error as its last words, which libpq hands an idle session as a
 * notice, and then closes the socket (its end may arrive a moment later).
 */
static bool
still_open(PgNode *pg)
{
	struct pollfd pfd;
	bool		fatal = false;
	PQnoticeReceiver previous;

	if (pg->conn == NULL || pg->state != PGNODE_READY || PQstatus(pg->conn) != CONNECTION_OK ||
		PQtransactionStatus(pg->conn) != PQTRANS_IDLE)
		return false;
	pfd.fd = PQsocket(pg->conn);
	pfd.events = POLLIN;
	previous = PQsetNoticeReceiver(pg->conn, note_fatal, &fatal);
	for (int reads = 0; reads < 4 && !fatal; reads++)
	{
		pfd.revents = 0;
		if (pfd.fd < 0 || poll(&pfd, 1, 0) < 0)
			fatal = true;
		else if (pfd.revents == 0)
			break;
		else if (!PQconsumeInput(pg->conn) || PQstatus(pg->conn) != CONNECTION_OK)
			fatal = true;
		else
			PQisBusy(pg->conn);	/* parses what arrived: a notice reaches note_fatal */
	}
	if (PQstatus(pg->conn) == CONNECTION_OK)
		PQsetNoticeReceiver(pg->conn, previous, NULL);
	/* what an idle session may have been sent is a notice, never a result */
	return !fatal && !PQisBusy(pg->conn) && PQtransactionStatus(pg->conn) == PQTRANS_IDLE;
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
