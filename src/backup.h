/*
 * Before the first change, every reachable node's Citus catalogs, id
 * sequences and local group go to files in the work directory, with a
 * script that puts them back, and a manifest that proves them complete.
 */
#ifndef CITUS_RESCUE_BACKUP_H
#define CITUS_RESCUE_BACKUP_H

#include <stdbool.h>
#include <stddef.h>

#include "session.h"
#include "snapshot.h"
#include "workdir.h"

/* The directory of a node's backup: shell-safe, one per host:port. */
char	   *backup_node_dirname(const char *label);

/*
 * Writes backup/<node>/ for every reachable Citus node of the snapshot,
 * backup/MANIFEST and restore.sh.  The files are written under
 * backup.partial/ first and renamed into place once complete, so that a
 * backup/ directory is never half written; an earlier attempt's backup/
 * is kept as backup.superseded-<time>.  user and dbname go into the
 * script; no password.  Each node is copied through its session in pool
 * with one query string, read from one snapshot and held to timeout_ms as
 * a whole, every node's at once; its rows go to disk as they come.
 * evidence gets what the manifest holds.
 */
bool		backup_cluster(const ClusterSnapshot *snapshot, SessionPool *pool, int timeout_ms,
						   const Workdir *wd, const char *user, const char *dbname,
						   char *evidence, size_t evidence_len,
						   char *errbuf, size_t errlen);

/*
 * Whether backup/MANIFEST is there and every file it lists has its size
 * and checksum.  evidence gets what was checked.
 */
bool		backup_verify(const Workdir *wd, char *evidence, size_t evidence_len,
						  char *errbuf, size_t errlen);

#endif
