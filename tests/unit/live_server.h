/*
 * What the session layer's tests against a throwaway server share: the
 * connection to it (TEST_SESSION_CONNINFO, which the test's script sets)
 * and a cancel that arrives a second later, as from a signal.
 */
#ifndef CITUS_RESCUE_LIVE_SERVER_H
#define CITUS_RESCUE_LIVE_SERVER_H

#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "connopts.h"
#include "pgnode.h"

static const char *live_conninfo;

static inline bool
connect_node(PgNode *node)
{
	ConnParams	params;
	ConnParams *one_params[1] = {&params};
	PgNode	   *one[1] = {node};

	connparams_init(&params);
	connparams_set(&params, "dbname", live_conninfo);
	params.expand_dbname = true;
	pgnodes_connect(one, one_params, 1, 10000, NULL, NULL);
	connparams_free(&params);
	if (node->state != PGNODE_READY)
		printf("# could not connect: %s\n", node->error.message ? node->error.message : "?");
	return node->state == PGNODE_READY;
}

static inline void
cancel_on_alarm(int signo)
{
	(void) signo;
	pgnode_cancel_requested = 1;
}

/* What is under way in a second is cancelled, as a signal handler would */
static inline void
cancel_in_a_second(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = cancel_on_alarm;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGALRM, &sa, NULL);
	alarm(1);
}

#endif
