#include "config.h"

#include "roles.h"
#include "strbuf.h"

#include <stdlib.h>
#include <string.h>

void
role_facts_free(RoleFacts *facts)
{
	for (int i = 0; i < facts->nroles; i++)
	{
		free(facts->roles[i].name);
		free(facts->roles[i].digest);
	}
	free(facts->roles);
	memset(facts, 0, sizeof(*facts));
}

const RoleDigest *
role_facts_find(const RoleFacts *facts, const char *name)
{
	for (int i = 0; i < facts->nroles; i++)
		if (strcmp(facts->roles[i].name, name) == 0)
			return &facts->roles[i];
	return NULL;
}

/*
 * "label, label" of the nodes in which the role differs from the source's;
 * a node without the role is left out, since the sync only creates it there.
 */
static int
nodes_that_differ(const ClusterSnapshot *snap, const RoleDigest *role, const bool *compare,
				  StrBuf *out)
{
	int			n = 0;

	for (int i = 0; i < snap->nnodes; i++)
	{
		const RoleDigest *other;

		if (!compare[i] || !snap->nodes[i].roles.read)
			continue;
		other = role_facts_find(&snap->nodes[i].roles, role->name);
		if (other && strcmp(other->digest, role->digest) != 0)
			strbuf_printf(out, "%s%s", n++ ? ", " : "", snap->nodes[i].label);
	}
	return n;
}

/* "role (node, node); role (node)" over the source's distributed roles */
static int
roles_that_differ(const ClusterSnapshot *snap, const RoleFacts *source, const bool *compare,
				  StrBuf *out)
{
	int			n = 0;

	for (int r = 0; r < source->nroles; r++)
	{
		StrBuf		nodes;

		if (!source->roles[r].distributed)
			continue;
		strbuf_init(&nodes);
		if (nodes_that_differ(snap, &source->roles[r], compare, &nodes))
			strbuf_printf(out, "%s%s (%s)", n++ ? "; " : "", source->roles[r].name, nodes.data);
		strbuf_free(&nodes);
	}
	return n;
}

/* The surviving workers other than the source; those not read are listed */
static void
pick_workers(const ClusterSnapshot *snap, int source, bool *compare, StrBuf *unread)
{
	for (int i = 0; i < snap->nnodes; i++)
	{
		const NodeReport *node = &snap->nodes[i];

		compare[i] = i != source && node->reachable && node->in_metadata && !node->is_target &&
			i != snap->old_coordinator && node->meta.groupid != 0;
		if (compare[i] && !node->roles.read)
			strbuf_printf(unread, "%s%s", unread->len ? ", " : "", node->label);
	}
}

/* The fix names the choice that picks the source: the donor, or the worker to promote */
static char *
roles_fix(const NodeReport *source, bool new_node)
{
	return xasprintf("Make each listed role the same on every node first: on the nodes listed, as a superuser"
					 " with citus.enable_alter_role_propagation off, ALTER ROLE ... PASSWORD with the hash"
					 " (rolpassword in pg_authid) and the attributes it has where it is right; or choose"
					 " another %s; then plan again.  Override only if %s's roles are the ones every node"
					 " should have.", new_node ? "donor" : "worker to promote", source->label);
}

void
roles_check(const ClusterSnapshot *snap, int source, int target, bool workers_synced, Plan *plan)
{
	const NodeReport *s;
	bool	   *compare;
	StrBuf		unread;
	StrBuf		differ;
	char	   *why;
	char	   *fix;

	if (source < 0 || source >= snap->nnodes)
		return;
	s = &snap->nodes[source];
	if (!s->roles.read)
	{
		why = xasprintf("not checked: %s's roles could not be read%s", s->label,
						s->roles.no_pg_authid ? " (pg_authid needs a superuser)" : "");
		plan_add_check(plan, "roles-match", CHECK_WARN, why,
					   "Plan as a superuser, so that the roles Citus's metadata sync overwrites on every worker can be compared.");
		free(why);
		return;
	}
	compare = xcalloc((size_t) snap->nnodes + 1, sizeof(bool));
	strbuf_init(&unread);
	strbuf_init(&differ);
	pick_workers(snap, source, compare, &unread);
	fix = roles_fix(s, target >= 0);
	if (!workers_synced)
	{
		/* no sync overwrites the workers' roles: they need not match */
		memset(compare, 0, (size_t) snap->nnodes * sizeof(bool));
		strbuf_reset(&unread);
	}
	if (roles_that_differ(snap, &s->roles, compare, &differ))
	{
		why = xasprintf("the metadata sync gives every worker %s's password and attributes of these roles,"
						" which differ on: %s", s->label, differ.data);
		plan_add_check(plan, "roles-match", CHECK_FAIL, why, fix);
	}
	else
	{
		memset(compare, 0, (size_t) snap->nnodes * sizeof(bool));
		if (target >= 0 && target < snap->nnodes)
			compare[target] = true;
		if (roles_that_differ(snap, &s->roles, compare, &differ))
			why = xasprintf("the new node's roles take %s's password and attributes when it is added: %s%s%s",
							s->label, differ.data, unread.len ? "; not checked on " : "", unread.data);
		else if (!workers_synced)
			why = xasprintf("no metadata sync overwrites the workers' roles%s", target >= 0 ?
							"; the new node's roles are the same as the donor's" : "");
		else
			why = xasprintf("the roles the metadata sync spreads from %s are the same on every %sworker%s%s",
							s->label, unread.len ? "checked " : "", unread.len ? "; not checked on " : "", unread.data);
		plan_add_check(plan, "roles-match", differ.len || unread.len ? CHECK_WARN : CHECK_PASS, why,
					   unread.len ? "Plan as a superuser on every worker, so that all of them can be compared." : NULL);
	}
	free(why);
	free(fix);
	strbuf_free(&unread);
	strbuf_free(&differ);
	free(compare);
}
