/*
 * What discovery reads for the roles-match check: on every reachable node,
 * a digest of each non-system role's password and flags (never the hash
 * itself) and whether Citus distributes the role.
 */
#ifndef CITUS_RESCUE_ROLES_READ_H
#define CITUS_RESCUE_ROLES_READ_H

#include "session.h"
#include "snapshot.h"

struct PgNode;

/* Two statements; discovery sends them in its batch to the nodes roles_wanted() names */
char	   *roles_sql(void);
#define ROLES_RESULTS 2
bool		roles_wanted(const NodeReport *node);
/* A node's RoleFacts from its batch's results, roles_sql's first at `base` */
void		roles_read_node(NodeReport *node, const struct PgNode *pg, int base);

#endif
