#include "config.h"

#include "compat.h"
#include "report.h"
#include "strbuf.h"
#include "termsafe.h"

#include <stdlib.h>
#include <string.h>

const char *
version_support_name(VersionSupport support)
{
	switch (support)
	{
		case VERSION_SUPPORTED:
			return "supported";
		case VERSION_UNTESTED:
			return "untested";
		case VERSION_UNSUPPORTED:
			return "unsupported";
	}
	return "unsupported";
}

/*
 * The major from citus_version() ("Citus 13.2.2 on ..."), else from the
 * extension's version ("13.2-1"); -1 when neither says.
 */
static int
citus_major(const NodeReport *node)
{
	const char *text = node->citus_extension_version;
	char	   *end;
	long		major;

	if (node->citus_library_version)
	{
		text = strchr(node->citus_library_version, ' ');
		text = text ? text + 1 : node->citus_library_version;
	}
	if (text == NULL)
		return -1;
	major = strtol(text, &end, 10);
	if (end == text || major < 0 || major > 1000)
		return -1;
	return (int) major;
}

VersionSupport
node_version_support(const NodeReport *node)
{
	int			citus;
	int			postgres = node->server_version_num / 10000;

	if (!node->reachable || !node->is_citus || node->server_version_num <= 0)
		return VERSION_SUPPORTED;
	citus = citus_major(node);
	if (citus < 0)
		return VERSION_SUPPORTED;
	if (citus < CITUS_FIRST_SUPPORTED_MAJOR || postgres < POSTGRES_FIRST_SUPPORTED_MAJOR)
		return VERSION_UNSUPPORTED;
	if (citus > CITUS_LAST_TESTED_MAJOR || postgres != POSTGRES_TESTED_MAJOR)
		return VERSION_UNTESTED;
	return VERSION_SUPPORTED;
}

/* "Citus 13.2.2 on PostgreSQL 15.20", malloc'd, terminal-safe */
static char *
node_versions(const NodeReport *node)
{
	char	   *citus = citus_short_version(node->citus_library_version);
	const char *postgres = node->server_version ? node->server_version : "?";
	StrBuf		out;

	strbuf_init(&out);
	strbuf_append(&out, "Citus ");
	append_terminal_safe(&out, citus ? citus : node->citus_extension_version);
	strbuf_append(&out, " on PostgreSQL ");
	{
		char	   *major_minor = xstrdup(postgres);

		major_minor[strcspn(major_minor, " ")] = '\0';
		append_terminal_safe(&out, major_minor);
		free(major_minor);
	}
	free(citus);
	return strbuf_steal(&out);
}

/* Each distinct pair of versions of the given verdict, with its nodes */
static void
append_versions_and_nodes(StrBuf *out, const ClusterSnapshot *snap, VersionSupport support)
{
	bool	   *listed = xcalloc((size_t) snap->nnodes + 1, sizeof(bool));
	bool		first_group = true;

	for (int i = 0; i < snap->nnodes; i++)
	{
		char	   *versions;

		if (listed[i] || node_version_support(&snap->nodes[i]) != support)
			continue;
		versions = node_versions(&snap->nodes[i]);
		strbuf_printf(out, "%s%s (", first_group ? "" : "; ", versions);
		first_group = false;
		for (int j = i; j < snap->nnodes; j++)
		{
			char	   *other;

			if (listed[j] || node_version_support(&snap->nodes[j]) != support)
				continue;
			other = node_versions(&snap->nodes[j]);
			if (strcmp(other, versions) == 0)
			{
				strbuf_append(out, j == i ? "" : ", ");
				append_terminal_safe(out, snap->nodes[j].label ? snap->nodes[j].label : "?");
				listed[j] = true;
			}
			free(other);
		}
		strbuf_append(out, ")");
		free(versions);
	}
	free(listed);
}

VersionSupport
snapshot_version_support(const ClusterSnapshot *snap, char **statement)
{
	VersionSupport worst = VERSION_SUPPORTED;
	StrBuf		out;

	*statement = NULL;
	for (int i = 0; i < snap->nnodes; i++)
	{
		VersionSupport support = node_version_support(&snap->nodes[i]);

		if (support > worst)
			worst = support;
	}
	if (worst == VERSION_SUPPORTED)
		return worst;
	strbuf_init(&out);
	strbuf_append(&out, worst == VERSION_UNSUPPORTED ?
				  "UNSUPPORTED VERSION: " : "UNTESTED VERSION: ");
	append_versions_and_nodes(&out, snap, worst);
	if (worst == VERSION_UNSUPPORTED)
		strbuf_printf(&out, ". citus-rescue supports Citus %d.0 and later on PostgreSQL %d and later:"
					  " before %d.0 the workers do not hold the metadata it rebuilds the coordinator from;"
					  " plan refuses.",
					  CITUS_FIRST_SUPPORTED_MAJOR, POSTGRES_FIRST_SUPPORTED_MAJOR,
					  CITUS_FIRST_SUPPORTED_MAJOR);
	else
		strbuf_printf(&out, ". citus-rescue was tested on Citus 11.3, 12.1 and 13.2 with PostgreSQL %d;"
					  " it goes on, with a warning: read the plan with care.",
					  POSTGRES_TESTED_MAJOR);
	*statement = strbuf_steal(&out);
	return worst;
}
