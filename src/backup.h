/*
 * Before the first change, every reachable node's Citus catalogs, id
 * sequences and local group go to files in the work directory, with a
 * script that puts them back.
 */
#ifndef CITUS_RESCUE_BACKUP_H
#define CITUS_RESCUE_BACKUP_H

#include <stdbool.h>

#include "snapshot.h"

/*
 * Writes DIR/backup/<node>/ for every reachable Citus node of the snapshot
 * and DIR/restore.sh.  user and dbname go into the script; no password.
 */
bool		backup_cluster(const ClusterSnapshot *snapshot, const char *dir,
						   const char *user, const char *dbname,
						   char *errbuf, size_t errlen);

#endif
