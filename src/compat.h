/*
 * Which Citus and PostgreSQL versions citus-rescue supports, and which it
 * was tested on; the README and the man page state the same table.
 */
#ifndef CITUS_RESCUE_COMPAT_H
#define CITUS_RESCUE_COMPAT_H

#include "snapshot.h"

/*
 * The recovery rebuilds a coordinator from the metadata the workers hold,
 * which Citus syncs to every worker by default only from 11.0 on.
 */
#define CITUS_FIRST_SUPPORTED_MAJOR 11
/* The Citus releases the tests ran on, and the newest major among them */
#define CITUS_TESTED_VERSIONS "11.3, 12.1 and 13.2"
#define CITUS_LAST_TESTED_MAJOR 13
/* No Citus from 11.0 on runs on a PostgreSQL older than this */
#define POSTGRES_FIRST_SUPPORTED_MAJOR 13
/* The one PostgreSQL major the tests ran on */
#define POSTGRES_TESTED_MAJOR 15

/* Worst last: a snapshot takes the worst of its nodes' */
typedef enum VersionSupport
{
	VERSION_SUPPORTED,
	VERSION_UNTESTED,			/* may work: warned about, not refused */
	VERSION_UNSUPPORTED			/* plan refuses it */
} VersionSupport;

/* "supported", "untested", "unsupported" */
const char *version_support_name(VersionSupport support);

/*
 * A reachable Citus node's versions judged; supported for a node without
 * them (unreachable, or not Citus: other checks speak of those).
 */
VersionSupport node_version_support(const NodeReport *node);

/*
 * The worst of the reachable nodes' verdicts, and when it is not
 * supported, one line (malloc'd, terminal-safe) naming the versions and
 * the nodes that run them, why that matters, and what the plan does.
 */
VersionSupport snapshot_version_support(const ClusterSnapshot *snapshot, char **statement);

#endif
