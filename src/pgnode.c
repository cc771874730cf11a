#include "config.h"

#include "pgnode.h"
#include "strbuf.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>


/* Notices would otherwise be printed by libpq straight onto the terminal. */
static void
ignore_notice(void *arg, const char *message)
{
	(void) arg;
	(void) message;
}

void
pgnode_init(PgNode *node, const char *host, int port)
{
	memset(node, 0, sizeof(*node));
	node->host = xstrdup(host);
	node->port = port;
	node->label = format_host_port(host, port);
	node->state = PGNODE_IDLE;
}

void
pgnode_close(PgNode *node)
{
	/*
	 * PQfinish only closes the socket here: a node that stopped answering
	 * would make PQcancel hang on its postmaster.
	 */
	if (node->conn)
		PQfinish(node->conn);
	node->conn = NULL;
	pgnode_clear_results(node);
}

void
pgnode_clear_results(PgNode *node)
{
	for (int i = 0; i < node->nresults; i++)
		PQclear(node->results[i]);
	free(node->results);
	node->results = NULL;
	node->nresults = 0;
	node->result = NULL;
}

const PGresult *
pgnode_result(const PgNode *node, int index)
{
	if (index < 0 || index >= node->nresults)
		return NULL;
	return node->results[index];
}

void
pgnode_free(PgNode *node)
{
	pgnode_close(node);
	pgerror_clear(&node->error);
	free(node->host);
	free(node->label);
	memset(node, 0, sizeof(*node));
}

static void
fail_from_conn(PgNode *node)
{
	node->needs_password = node->conn && PQconnectionNeedsPassword(node->conn);
	pgerror_set(&node->error, NULL,
				node->conn ? PQerrorMessage(node->conn) : "out of memory",
				NULL, NULL);
	pgnode_close(node);
	node->state = PGNODE_FAILED;
}

void
pgnode_fail_timeout(PgNode *node, const char *what, int timeout_ms)
{
	char		message[160];

	snprintf(message, sizeof(message),
			 "no answer to %s within %d.%d s", what,
			 timeout_ms / 1000, (timeout_ms % 1000) / 100);
	pgerror_set(&node->error, NULL, message, NULL,
				"The server may be stopped, overloaded or behind a firewall that drops packets; raise --timeout to wait longer.");
	node->timed_out = true;
	pgnode_close(node);
	node->state = PGNODE_FAILED;
}

static void
finish_event(PgNode *node, PgNodeEvent on_event, void *arg)
{
	node->elapsed_ms = monotonic_ms() - node->started_ms;
	if (on_event)
		on_event(node, arg);
}

static short
poll_events_for(const PgNode *node)
{
	switch (node->state)
	{
		case PGNODE_CONNECTING:
			return node->poll_status == PGRES_POLLING_WRITING ? POLLOUT : POLLIN;
		case PGNODE_SENDING:
			return POLLIN | POLLOUT;
		case PGNODE_BUSY:
		case PGNODE_COPY_OUT:
			return POLLIN;
		default:
			return 0;
	}
}

static bool
is_active(const PgNode *node)
{
	return node->state == PGNODE_CONNECTING ||
		node->state == PGNODE_SENDING ||
		node->state == PGNODE_BUSY ||
		node->state == PGNODE_COPY_OUT;
}

static void
advance_connect(PgNode *node, PgNodeEvent on_event, void *arg)
{
	node->poll_status = PQconnectPoll(node->conn);
	if (node->poll_status == PGRES_POLLING_OK)
	{
		PQsetNoticeProcessor(node->conn, ignore_notice, NULL);
		if (PQsetnonblocking(node->conn, 1) != 0)
		{
			fail_from_conn(node);
			finish_event(node, on_event, arg);
			return;
		}
		node->state = PGNODE_READY;
		finish_event(node, on_event, arg);
	}
	else if (node->poll_status == PGRES_POLLING_FAILED)
	{
		fail_from_conn(node);
		finish_event(node, on_event, arg);
	}
}

static void
record_result(PgNode *node, PGresult *result)
{
	ExecStatusType status = PQresultStatus(result);

	if (status == PGRES_FATAL_ERROR || status == PGRES_NONFATAL_ERROR ||
		status == PGRES_BAD_RESPONSE)
	{
		/* the first error of a batch is the one that explains it */
		if (node->error.message == NULL)
			pgerror_set(&node->error,
						PQresultErrorField(result, PG_DIAG_SQLSTATE),
						PQresultErrorField(result, PG_DIAG_MESSAGE_PRIMARY) ?
						PQresultErrorField(result, PG_DIAG_MESSAGE_PRIMARY) :
						PQresultErrorMessage(result),
						PQresultErrorField(result, PG_DIAG_MESSAGE_DETAIL),
						PQresultErrorField(result, PG_DIAG_MESSAGE_HINT));
	}
	node->results = xrealloc(node->results, sizeof(PGresult *) * (size_t) (node->nresults + 1));
	node->results[node->nresults++] = result;
	node->result = result;
}

/*
 * Takes every row the input buffer holds.  Returns 0 when more must be
 * read first, 1 when the COPY has ended (its outcome is the next result),
 * -1 when the connection broke.
 */
static int
take_copy_rows(PgNode *node)
{
	char	   *row;
	int			n;

	while ((n = PQgetCopyData(node->conn, &row, 1)) > 0)
	{
		if (node->copy_sink)
			node->copy_sink->copy_rows(node->copy_sink->arg, row, (size_t) n);
		PQfreemem(row);
	}
	if (n == 0)
		return 0;
	if (n == -1 && node->copy_sink && node->copy_sink->copy_ended)
		/* the COPY's own result is not recorded yet: nresults is its index */
		node->copy_sink->copy_ended(node->copy_sink->arg, node->nresults);
	return n == -1 ? 1 : -1;
}

/*
 * Takes what has arrived, rows and results, until libpq needs more input
 * or the query has ended.
 */
static void
take_results(PgNode *node, PgNodeEvent on_event, void *arg)
{
	for (;;)
	{
		PGresult   *result;
		int			copy;

		if (node->state == PGNODE_COPY_OUT)
		{
			if ((copy = take_copy_rows(node)) == 0)
				return;
			if (copy < 0)
			{
				fail_from_conn(node);
				finish_event(node, on_event, arg);
				return;
			}
			node->state = PGNODE_BUSY;
		}
		if (PQisBusy(node->conn))
			return;
		if ((result = PQgetResult(node->conn)) == NULL)
		{
			if (PQstatus(node->conn) == CONNECTION_BAD)
				fail_from_conn(node);
			else
				node->state = PGNODE_READY;
			finish_event(node, on_event, arg);
			return;
		}
		switch (PQresultStatus(result))
		{
			case PGRES_COPY_OUT:
				/* the rows come first; the statement's own result follows them */
				PQclear(result);
				node->state = PGNODE_COPY_OUT;
				if (node->copy_sink && node->copy_sink->copy_started)
					node->copy_sink->copy_started(node->copy_sink->arg, node->nresults);
				break;
			case PGRES_COPY_IN:
			case PGRES_COPY_BOTH:

				/*
				 * libpq would hand this result back for ever, and nothing
				 * here sends COPY data: the session is of no further use.
				 */
				PQclear(result);
				pgerror_set(&node->error, NULL,
							"the server waits for COPY data, which this tool never sends",
							NULL, NULL);
				pgnode_close(node);
				node->state = PGNODE_FAILED;
				finish_event(node, on_event, arg);
				return;
			default:
				record_result(node, result);
				break;
		}
	}
}

static void
advance_query(PgNode *node, short revents, PgNodeEvent on_event, void *arg)
{
	if (node->state == PGNODE_SENDING)
	{
		int			flushed = PQflush(node->conn);

		if (flushed < 0)
		{
			fail_from_conn(node);
			finish_event(node, on_event, arg);
			return;
		}
		if (flushed == 0)
			node->state = PGNODE_BUSY;
	}
	if (!(revents & (POLLIN | POLLHUP | POLLERR)))
		return;
	if (!PQconsumeInput(node->conn))
	{
		fail_from_conn(node);
		finish_event(node, on_event, arg);
		return;
	}
	take_results(node, on_event, arg);
}

volatile sig_atomic_t pgnode_cancel_requested = 0;

/* Asks each server to cancel the query it runs for us; its error ends the query. */
static void
cancel_queries(PgNode **nodes, int count)
{
	for (int i = 0; i < count; i++)
	{
		PgNode	   *node = nodes[i];
		PGcancel   *cancel;
		char		err[256];

		if (node == NULL || node->cancel_sent || node->conn == NULL ||
			(node->state != PGNODE_BUSY && node->state != PGNODE_SENDING &&
			 node->state != PGNODE_COPY_OUT))
			continue;
		node->cancel_sent = true;
		cancel = PQgetCancel(node->conn);
		if (cancel)
		{
			PQcancel(cancel, err, sizeof(err));
			PQfreeCancel(cancel);
		}
	}
}

/*
 * The one poll loop.  Each active node carries its own deadline, so a node
 * that hangs costs one timeout, not one per node behind it.
 */
static void
drive(PgNode **nodes, int count, int timeout_ms, const char *what,
	  PgNodeEvent on_event, void *arg)
{
	struct pollfd *fds = xcalloc((size_t) count, sizeof(struct pollfd));
	int		   *which = xcalloc((size_t) count, sizeof(int));

	for (;;)
	{
		int64_t		now = monotonic_ms();
		int64_t		wait = -1;
		int			nfds = 0;
		int			rc;

		for (int i = 0; i < count; i++)
		{
			PgNode	   *node = nodes[i];
			int64_t		left;

			if (node == NULL || !is_active(node))
				continue;
			left = node->started_ms + timeout_ms - now;
			if (left <= 0)
			{
				pgnode_fail_timeout(node, what, timeout_ms);
				finish_event(node, on_event, arg);
				continue;
			}
			if (PQsocket(node->conn) < 0)
			{
				fail_from_conn(node);
				finish_event(node, on_event, arg);
				continue;
			}
			if (wait < 0 || left < wait)
				wait = left;
			fds[nfds].fd = PQsocket(node->conn);
			fds[nfds].events = poll_events_for(node);
			fds[nfds].revents = 0;
			which[nfds] = i;
			nfds++;
		}
		if (nfds == 0)
			break;
		rc = poll(fds, (nfds_t) nfds, (int) wait);
		if (pgnode_cancel_requested)
			cancel_queries(nodes, count);
		if (rc < 0 && errno != EINTR)
		{
			for (int k = 0; k < nfds; k++)
			{
				PgNode	   *node = nodes[which[k]];

				pgerror_set(&node->error, NULL, strerror(errno), NULL, NULL);
				pgnode_close(node);
				node->state = PGNODE_FAILED;
				finish_event(node, on_event, arg);
			}
			break;
		}
		for (int k = 0; k < nfds && rc > 0; k++)
		{
			PgNode	   *node = nodes[which[k]];

			if (fds[k].revents == 0)
				continue;
			if (node->state == PGNODE_CONNECTING)
				advance_connect(node, on_event, arg);
			else
				advance_query(node, fds[k].revents, on_event, arg);
		}
	}
	free(fds);
	free(which);
}

void
pgnodes_connect(PgNode **nodes, ConnParams **params, int count,
				int timeout_ms, PgNodeEvent on_event, void *arg)
{
	for (int i = 0; i < count; i++)
	{
		PgNode	   *node = nodes[i];

		if (node == NULL || params[i] == NULL)
			continue;
		pgnode_close(node);
		pgerror_clear(&node->error);
		node->needs_password = false;
		node->timed_out = false;
		node->started_ms = monotonic_ms();
		node->conn = PQconnectStartParams((const char *const *) params[i]->keywords,
										  (const char *const *) params[i]->values,
										  params[i]->expand_dbname ? 1 : 0);
		if (node->conn == NULL || PQstatus(node->conn) == CONNECTION_BAD)
		{
			fail_from_conn(node);
			finish_event(node, on_event, arg);
			continue;
		}
		node->state = PGNODE_CONNECTING;
		node->poll_status = PGRES_POLLING_WRITING;
	}
	drive(nodes, count, timeout_ms, "the connection attempt", on_event, arg);
}

/* Sends sql[i] to every READY node; the poll loop takes it from there. */
static void
send_queries(PgNode **nodes, const char *const *sql, int count,
			 int nparams, const char *const *const *param_values,
			 PgNodeEvent on_event, void *arg)
{
	for (int i = 0; i < count; i++)
	{
		PgNode	   *node = nodes[i];

		if (node == NULL || sql[i] == NULL || node->state != PGNODE_READY)
			continue;
		pgerror_clear(&node->error);
		pgnode_clear_results(node);
		node->started_ms = monotonic_ms();
		node->cancel_sent = false;
		/* without parameters, a batch of several statements may be sent */
		if (!(nparams == 0 ? PQsendQuery(node->conn, sql[i]) :
			  PQsendQueryParams(node->conn, sql[i], nparams, NULL,
								param_values ? param_values[i] : NULL,
								NULL, NULL, 0)))
		{
			fail_from_conn(node);
			finish_event(node, on_event, arg);
			continue;
		}
		node->state = PGNODE_SENDING;
	}
}

void
pgnodes_query(PgNode **nodes, const char *const *sql, int count,
			  int nparams, const char *const *const *param_values,
			  int timeout_ms, PgNodeEvent on_event, void *arg)
{
	send_queries(nodes, sql, count, nparams, param_values, on_event, arg);
	drive(nodes, count, timeout_ms, "a query", on_event, arg);
}

bool
pgnode_query(PgNode *node, const char *sql, int nparams,
			 const char *const *param_values, int timeout_ms)
{
	PgNode	   *one[1] = {node};
	const char *one_sql[1] = {sql};
	const char *const *one_params[1] = {param_values};

	pgnodes_query(one, one_sql, 1, nparams, one_params, timeout_ms, NULL, NULL);
	return node->state == PGNODE_READY && node->error.message == NULL;
}

/*
 * Sends batch[i] to every node that has one, its COPY rows going to
 * sinks[i], and waits for all.  A node that is not READY gets an error
 * instead, so that it is not taken for one that copied nothing.
 */
void
pgnodes_copy_batch(PgNode **nodes, const char *const *batch, const PgCopySink *const *sinks,
				   int count, int timeout_ms)
{
	for (int i = 0; i < count; i++)
	{
		if (nodes[i] == NULL || batch[i] == NULL)
			continue;
		if (nodes[i]->state != PGNODE_READY)
		{
			if (nodes[i]->error.message == NULL)
				pgerror_set(&nodes[i]->error, NULL, "not connected", NULL, NULL);
			continue;
		}
		nodes[i]->copy_sink = sinks[i];
	}
	send_queries(nodes, batch, count, 0, NULL, NULL, NULL);
	drive(nodes, count, timeout_ms, "a COPY", NULL, NULL);
	for (int i = 0; i < count; i++)
		if (nodes[i] != NULL)
			nodes[i]->copy_sink = NULL;
}

static void
append_rows_to_strbuf(void *arg, const char *rows, size_t len)
{
	strbuf_append_len((StrBuf *) arg, rows, len);
}

void
pgnodes_copy_out(PgNode **nodes, const char *const *sql, StrBuf **out, int count, int timeout_ms)
{
	PgCopySink *sinks = xcalloc((size_t) count, sizeof(PgCopySink));
	const PgCopySink **sink_of = xcalloc((size_t) count, sizeof(PgCopySink *));

	for (int i = 0; i < count; i++)
	{
		sinks[i].copy_rows = append_rows_to_strbuf;
		sinks[i].arg = out[i];
		sink_of[i] = &sinks[i];
	}
	pgnodes_copy_batch(nodes, sql, sink_of, count, timeout_ms);
	for (int i = 0; i < count; i++)
	{
		PgNode	   *node = nodes[i];

		if (node == NULL || sql[i] == NULL)
			continue;
		if (node->state != PGNODE_READY || node->error.message != NULL)
			continue;
		/* any other statement sends no rows, and must not pass for an empty table */
		if (node->result == NULL || PQresultStatus(node->result) != PGRES_COMMAND_OK ||
			strncmp(PQcmdStatus(node->result), "COPY ", 5) != 0)
			pgerror_set(&node->error, NULL, "the statement was not a COPY", NULL, NULL);
	}
	free(sinks);
	free(sink_of);
}

bool
pgnode_copy_out(PgNode *node, const char *sql, StrBuf *out, int timeout_ms)
{
	PgNode	   *one[1] = {node};
	const char *one_sql[1] = {sql};
	StrBuf	   *one_out[1] = {out};

	pgnodes_copy_out(one, one_sql, one_out, 1, timeout_ms);
	return node->state == PGNODE_READY && node->error.message == NULL;
}

void
pgnode_used_params(PgNode *node, ConnParams *used)
{
	PQconninfoOption *info;

	connparams_init(used);
	if (node->conn == NULL)
		return;
	info = PQconninfo(node->conn);
	if (info == NULL)
		return;
	for (PQconninfoOption *o = info; o->keyword; o++)
		if (o->val && o->val[0])
			connparams_set(used, o->keyword, o->val);
	PQconninfoFree(info);
}

void
session_pool_init(SessionPool *pool, int capacity)
{
	pool->sessions = xcalloc((size_t) (capacity > 0 ? capacity : 1), sizeof(PgNode));
	pool->count = 0;
}

void
session_pool_free(SessionPool *pool)
{
	for (int i = 0; i < pool->count; i++)
		pgnode_free(&pool->sessions[i]);
	free(pool->sessions);
	pool->sessions = NULL;
	pool->count = 0;
}

PgPing
pgnode_ping(const char *host, int port, const char *dbname, const char *user, int timeout_ms)
{
	char		port_text[16];
	char		timeout_text[16];
	const char *keys[] = {"host", "port", "dbname", "user", "connect_timeout", NULL};
	const char *values[6];
	PGPing		ping;

	snprintf(port_text, sizeof(port_text), "%d", port);
	snprintf(timeout_text, sizeof(timeout_text), "%d", timeout_ms >= 2000 ? timeout_ms / 1000 : 2);
	values[0] = host;
	values[1] = port_text;
	values[2] = dbname;
	values[3] = user;
	values[4] = timeout_text;
	values[5] = NULL;
	ping = PQpingParams(keys, values, 0);
	return ping == PQPING_OK ? PGPING_ACCEPTS :
		ping == PQPING_REJECT ? PGPING_REJECTS : PGPING_SILENT;
}

bool
pgnode_in_transaction(const PgNode *node)
{
	return node->conn != NULL && PQtransactionStatus(node->conn) != PQTRANS_IDLE;
}

bool
pgnode_where(const PgNode *node, PgNodeWhere *where)
{
	memset(where, 0, sizeof(*where));
	if (node->conn == NULL)
		return false;
	where->host = PQhost(node->conn);
	where->port = PQport(node->conn);
	where->dbname = PQdb(node->conn);
	where->user = PQuser(node->conn);
	return true;
}

char *
pgresult_text(const PGresult *result, int row, int column)
{
	if (PQgetisnull(result, row, column))
		return NULL;
	return xstrdup(PQgetvalue(result, row, column));
}

int64_t
pgresult_int(const PGresult *result, int row, int column, int64_t if_null)
{
	if (PQgetisnull(result, row, column))
		return if_null;
	return strtoll(PQgetvalue(result, row, column), NULL, 10);
}
