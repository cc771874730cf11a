/*
 * Fuzzes the parsing of addresses from the command line, plan files and
 * node metadata: parse_host_port, --map and the merging of the operator's
 * options.  The input is split at NUL bytes; every piece goes through each
 * parser, and the maps that were accepted are then looked up.
 *
 * An address that parses is written back as the tool writes node labels
 * (format_host_port: in brackets when the host holds a colon or starts
 * with one) and must parse to the same host and port, whatever the host:
 * a node's name in pg_dist_node may hold anything.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "connopts.h"
#include "strbuf.h"

int			LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check(bool condition, const char *what, const char *input)
{
	if (!condition)
	{
		fprintf(stderr, "connopts: %s (input \"%s\")\n", what, input);
		abort();
	}
}

static void
host_port(const char *text)
{
	char		err[512];
	char	   *host = NULL;
	char	   *host_again = NULL;
	char	   *label;
	int			port = 0;
	int			port_again = 0;

	if (!parse_host_port(text, &host, &port, err, sizeof(err)))
	{
		check(strstr(err, "invalid address") != NULL, "a refusal without its reason", text);
		return;
	}
	check(host[0] != '\0' && port >= 1 && port <= 65535, "an empty host or a port out of range", text);
	label = format_host_port(host, port);
	check(parse_host_port(label, &host_again, &port_again, err, sizeof(err)),
		  "a written address does not parse", text);
	check(strcmp(host, host_again) == 0 && port == port_again,
		  "a written address parses differently", text);
	free(host_again);
	free(label);
	free(host);
}

static void
merge_options(const char *text)
{
	char	   *merged = connopts_merge_options(text);

	/* the search_path clearing must survive whatever the operator gave */
	check(strstr(merged, "-csearch_path=") != NULL, "the merged options lose search_path", text);
	check(strncmp(merged, text, strlen(text)) == 0, "the merged options lose the operator's", text);
	free(merged);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char	   *copy = xmalloc(size + 1);
	ConnOptions opts;
	char		err[512];
	const char *to_host;
	int			to_port;

	memcpy(copy, data, size);
	copy[size] = '\0';
	connopts_init(&opts);
	for (const char *piece = copy; piece <= copy + size; piece += strlen(piece) + 1)
	{
		int			before = opts.nmaps;

		host_port(piece);
		merge_options(piece);
		if (connopts_add_map(&opts, piece, err, sizeof(err)))
			check(opts.nmaps == before + 1, "an accepted map was not added", piece);
		else
			check(opts.nmaps == before && strstr(err, "invalid") != NULL,
				  "a refused map changed the maps or gave no reason", piece);
	}
	for (int i = 0; i < opts.nmaps; i++)
	{
		const AddressMap *map = &opts.maps[i];
		const AddressMap *first = NULL;

		/* the first map of an address is the one that applies */
		for (int j = 0; j <= i && first == NULL; j++)
			if (opts.maps[j].from_port == map->from_port &&
				strcmp(opts.maps[j].from_host, map->from_host) == 0)
				first = &opts.maps[j];
		check(connopts_map_address(&opts, map->from_host, map->from_port, &to_host, &to_port) &&
			  to_host == first->to_host && to_port == first->to_port,
			  "a mapped address is not mapped to its first map", map->from_host);
		/* no map has port 0, so the address is passed through */
		check(!connopts_map_address(&opts, map->to_host, 0, &to_host, &to_port) &&
			  to_host == map->to_host && to_port == 0,
			  "an unmapped address is not passed through", map->to_host);
	}
	connopts_free(&opts);
	free(copy);
	return 0;
}
