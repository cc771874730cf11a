/* The discover report, as text for people and as JSON for scripts. */
#ifndef CITUS_RESCUE_REPORT_H
#define CITUS_RESCUE_REPORT_H

#include <stdio.h>

#include "snapshot.h"
#include "strbuf.h"
#include "termsafe.h"

void		report_text(FILE *out, const ClusterSnapshot *snapshot, int max_rows);
void		report_json(StrBuf *out, const ClusterSnapshot *snapshot);

/*
 * Prints a multi-line message (libpq's, or a server's with DETAIL and HINT)
 * with a prefix on its first line and an indent on the others, each line
 * made terminal-safe.
 */
void		print_message_lines(FILE *out, const char *first_prefix, const char *indent,
								const char *text);

/*
 * Prints "citus-rescue: message" and its DETAIL and HINT lines, each made
 * terminal-safe.
 */
void		report_error(FILE *out, const char *text);

/* "shardid=102008 groupid=1" from row text and its columns, terminal-safe */
char	   *labelled_row(const char *row, const StrList *columns);

/* "13.2.2" from "Citus 13.2.2 on x86_64-pc-linux-gnu, ..." */
char	   *citus_short_version(const char *citus_version);

/*
 * A rehearsal on the tests' stand-in for Citus must not pass for one on
 * Citus: the line that says which nodes run it (NULL when none does,
 * malloc'd, terminal-safe), and what the stand-in leaves out, as lines
 * ending with NULL.
 */
char	   *standin_notice(const ClusterSnapshot *snapshot);
extern const char *const standin_unmodelled[];

/* What the first node's pg_dist_node says of a node's metadata. */
const char *node_metadata_state(const NodeReport *node);

/* ok, unreachable, timeout, not citus, standby */
typedef enum NodeStatus
{
	NODE_OK,
	NODE_OLD_COORDINATOR_GONE,
	NODE_OLD_COORDINATOR_ANSWERS,
	NODE_ACTS_AS_COORDINATOR,	/* local group 0, not the old coordinator's row */
	NODE_TIMEOUT,
	NODE_UNREACHABLE,
	NODE_STANDBY,
	NODE_NOT_CITUS
} NodeStatus;

NodeStatus	node_status_of(const ClusterSnapshot *snapshot, int index);
const char *node_status_name(NodeStatus status);
/* node_status_name(node_status_of(...)): "ok", "gone", "timeout", ... */
const char *node_status(const ClusterSnapshot *snapshot, int index);

#endif
