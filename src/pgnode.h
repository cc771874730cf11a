/*
 * One libpq session per node, and the loop that drives many of them at
 * once over poll(): non-blocking connects and queries, each node held to a
 * deadline the tool enforces itself (libpq ignores connect_timeout under
 * PQconnectPoll).  Errors are recorded once, here, with their SQLSTATE.
 */
#ifndef CITUS_RESCUE_PGNODE_H
#define CITUS_RESCUE_PGNODE_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <libpq-fe.h>

#include "clock.h"
#include "connopts.h"
#include "error.h"
#include "session.h"
#include "strbuf.h"

typedef enum PgNodeState
{
	PGNODE_IDLE,				/* no connection yet */
	PGNODE_CONNECTING,
	PGNODE_READY,				/* connected, no query running */
	PGNODE_SENDING,				/* query sent, output not yet flushed */
	PGNODE_BUSY,				/* waiting for results */
	PGNODE_COPY_OUT,			/* taking the rows of a COPY TO STDOUT */
	PGNODE_FAILED				/* see error; the connection is closed */
} PgNodeState;

/*
 * Where the rows of COPY TO STDOUT go.  As each COPY of a batch starts,
 * copy_started learns its place among the batch's statements (from 0, as
 * pgnode_result counts them); copy_rows then gets its rows as the server
 * sent them, and copy_ended follows the last (the COPY's own result, which
 * says whether it succeeded, comes after).  copy_started and copy_ended
 * may be NULL.  A sink that cannot keep the rows notes why itself: the
 * COPY runs on, so that the session stays usable.
 */
typedef struct PgCopySink
{
	void		(*copy_started) (void *arg, int statement);
	void		(*copy_rows) (void *arg, const char *rows, size_t len);
	void		(*copy_ended) (void *arg, int statement);
	void	   *arg;
} PgCopySink;

typedef struct PgNode
{
	char	   *host;			/* where the tool connects (after --map) */
	int			port;
	char	   *label;			/* host:port as shown to people */
	PGconn	   *conn;
	PgNodeState state;
	PostgresPollingStatusType poll_status;
	PgError		error;
	bool		needs_password; /* failed because the server wanted one */
	bool		timed_out;
	PGresult   *result;			/* the last result of the last query */
	PGresult  **results;		/* every result of the last query, in order */
	int			nresults;
	int64_t		elapsed_ms;		/* of the last connect or query */
	int64_t		started_ms;
	bool		cancel_sent;
	const PgCopySink *copy_sink;	/* where COPY TO STDOUT rows go; NULL drops them */
} PgNode;

/*
 * Set from a signal handler: every query under way is cancelled (once),
 * so that it ends with the server's error and its transaction can be
 * rolled back.
 */
extern volatile sig_atomic_t pgnode_cancel_requested;

/* Called each time one node finishes a connect or a query. */
typedef void (*PgNodeEvent) (PgNode *node, void *arg);

void		pgnode_init(PgNode *node, const char *host, int port);
void		pgnode_close(PgNode *node);
/*
 * Gives a node up after timeout_ms without an answer to `what` ("a
 * query"): the error says so and how to wait longer; the node is FAILED.
 */
void		pgnode_fail_timeout(PgNode *node, const char *what, int timeout_ms);
/* Frees what the last query returned. */
void		pgnode_clear_results(PgNode *node);
/*
 * The result of statement `index` of the last batch, or NULL when the
 * batch did not get that far.
 */
const PGresult *pgnode_result(const PgNode *node, int index);

/* A field as a new string, NULL for SQL NULL */
char	   *pgresult_text(const PGresult *result, int row, int column);

/* A field as an integer, if_null for SQL NULL */
int64_t		pgresult_int(const PGresult *result, int row, int column, int64_t if_null);
void		pgnode_free(PgNode *node);

/*
 * Connects every node whose params[i] is not NULL, all at once.  Returns
 * when each has connected or failed, or when timeout_ms has passed for it.
 */
void		pgnodes_connect(PgNode **nodes, ConnParams **params, int count,
							int timeout_ms, PgNodeEvent on_event, void *arg);

/*
 * Runs sql[i] (NULL skips the node) with nparams text parameters on every
 * READY node at once; node->result holds the last result and
 * node->results all of them (a batch without parameters may hold several
 * statements, each with its own result).  A server error
 * leaves the node READY with error set; a timeout or a broken connection
 * leaves it FAILED.  The rows of a COPY TO STDOUT are dropped (see
 * pgnode_copy_out); a COPY FROM STDIN leaves the node FAILED, as nothing
 * here sends COPY data.
 */
void		pgnodes_query(PgNode **nodes, const char *const *sql, int count,
						  int nparams, const char *const *const *param_values,
						  int timeout_ms, PgNodeEvent on_event, void *arg);

/* One node, one query; returns true when it succeeded. */
bool		pgnode_query(PgNode *node, const char *sql, int nparams,
						 const char *const *param_values, int timeout_ms);

/*
 * Runs one COPY ... TO STDOUT on a READY node, held to timeout_ms like a
 * query, and appends its rows, as the server sent them, to out.  Returns
 * true when the COPY succeeded; otherwise node->error says why, and the
 * node is READY after a server error, FAILED after a timeout or a broken
 * connection.  out may hold some rows of a COPY that failed.
 */
bool		pgnode_copy_out(PgNode *node, const char *sql, StrBuf *out, int timeout_ms);

/*
 * pgnode_copy_out on every node at once: sql[i] (NULL skips the node)
 * appends its rows to out[i]; node->error says why one failed.
 */
void		pgnodes_copy_out(PgNode **nodes, const char *const *sql, StrBuf **out, int count,
							 int timeout_ms);

/*
 * Runs batch[i], several statements in one string (NULL skips the node),
 * on every READY node at once, the whole batch held to timeout_ms; the
 * rows of each COPY TO STDOUT in it go to sinks[i].  Every statement's
 * result, a COPY's own ("COPY n") included, is kept in node->results as
 * pgnodes_query keeps them.  The server stops at the first statement that
 * fails, so pgnode_result(node, node->nresults - 1) is the failed one's.
 * A timeout or a broken connection leaves the node FAILED and without
 * results, as with pgnodes_query: how far it got, only the sink saw.
 */
void		pgnodes_copy_batch(PgNode **nodes, const char *const *batch,
							   const PgCopySink *const *sinks, int count, int timeout_ms);

typedef enum PgPing
{
	PGPING_ACCEPTS,				/* a server accepts connections */
	PGPING_REJECTS,				/* a server answers but turns connections away */
	PGPING_SILENT				/* nothing answers, or not in time */
} PgPing;

/*
 * Whether a server answers at host:port (libpq's ping: no login, no
 * query), waiting at most timeout_ms, rounded up to whole seconds and
 * at least 2, as libpq's connect_timeout counts them.
 */
PgPing		pgnode_ping(const char *host, int port, const char *dbname, const char *user,
						int timeout_ms);

/* Whether a connected node is inside a transaction block (open or failed). */
bool		pgnode_in_transaction(const PgNode *node);

/*
 * Where a connection ended up and as whom: host (or socket directory),
 * port, database and user, as libpq reports them; NULL when not connected.
 */
typedef struct PgNodeWhere
{
	const char *host;
	const char *port;
	const char *dbname;
	const char *user;
} PgNodeWhere;
bool		pgnode_where(const PgNode *node, PgNodeWhere *where);

/* The conninfo a connection used, as keyword/value pairs (no defaults). */
void		pgnode_used_params(PgNode *node, ConnParams *used);

#endif
