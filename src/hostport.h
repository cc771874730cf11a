/*
 * Node addresses as people type them and the tool prints them: pure text,
 * shared by the planner, which has no libpq, and the session layer.
 */
#ifndef CITUS_RESCUE_HOSTPORT_H
#define CITUS_RESCUE_HOSTPORT_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Parses "HOST:PORT" (IPv6 as "[::1]:5432").  Returns false and fills errbuf
 * on a malformed address.
 */
bool		parse_host_port(const char *text, char **host, int *port,
							char *errbuf, size_t errlen);

/*
 * "host:port", or "[host]:port" when the host holds a colon or starts with
 * a bracket, so that parse_host_port always reads back the same host.
 */
char	   *format_host_port(const char *host, int port);

#endif
