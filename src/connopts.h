/*
 * psql-style connection options and the rules that turn them into libpq
 * keyword/value arrays: one set for the node the operator named, and one
 * per other node, built from what the first connection actually used.
 */
#ifndef CITUS_RESCUE_CONNOPTS_H
#define CITUS_RESCUE_CONNOPTS_H

#include <stdbool.h>
#include <stddef.h>

#include "hostport.h"

typedef enum PasswordMode
{
	PASSWORD_IF_ASKED,			/* default: prompt only when a server asks */
	PASSWORD_NEVER,				/* -w */
	PASSWORD_ALWAYS				/* -W */
} PasswordMode;

/* --map NAME:PORT=HOST:PORT: reach a node by another address */
typedef struct AddressMap
{
	char	   *from_host;
	int			from_port;
	char	   *to_host;
	int			to_port;
} AddressMap;

typedef struct ConnOptions
{
	char	   *host;			/* -h */
	char	   *port;			/* -p */
	char	   *user;			/* -U */
	char	   *dbname;			/* -d: a name, a conninfo string or a URI */
	PasswordMode password_mode;
	char	   *password;		/* typed at the prompt, never logged */
	int			timeout_ms;		/* per node, enforced by the poll loop */
	AddressMap *maps;
	int			nmaps;
	char	   *old_coordinator;	/* HOST:PORT to probe when CIM exclude */
	char	   *target;			/* HOST:PORT of the node to become coordinator */
} ConnOptions;

/* A NULL-terminated keyword/value pair of arrays for PQconnectStartParams */
typedef struct ConnParams
{
	char	  **keywords;
	char	  **values;
	int			count;
	int			capacity;
	bool		expand_dbname;
} ConnParams;

void		connopts_init(ConnOptions *opts);
void		connopts_free(ConnOptions *opts);
/* A deep copy: dst owns its own strings and maps. */
void		connopts_copy(ConnOptions *dst, const ConnOptions *src);


/* Parses NAME:PORT=HOST:PORT and appends it to opts->maps. */
/*
 * Seconds as given to --timeout, to whole milliseconds; false for
 * anything that is not a decimal number from 0.001 to 3600 (nan, inf and
 * values that would round to no time at all included).
 */
bool		parse_timeout(const char *text, int *timeout_ms);

/* Milliseconds as parse_timeout reads them back: "10", "0.5", "2.25". */
void		format_timeout(int timeout_ms, char *buf, size_t len);


bool		connopts_add_map(ConnOptions *opts, const char *text,
							 char *errbuf, size_t errlen);

/* Applies --map to a metadata address; returns true when one matched. */
bool		connopts_map_address(const ConnOptions *opts, const char *host, int port,
								 const char **to_host, int *to_port);

void		connparams_init(ConnParams *params);
void		connparams_free(ConnParams *params);
void		connparams_set(ConnParams *params, const char *keyword, const char *value);
const char *connparams_get(const ConnParams *params, const char *keyword);

/* Parameters for the node named on the command line. */
bool		connopts_first_params(const ConnOptions *opts, ConnParams *params,
								  char *errbuf, size_t errlen);

/*
 * Parameters for another node: everything the first connection used
 * (database, user, SSL settings, options, passfile ...) with host and port
 * replaced, and the password kept only when the operator supplied it.
 * first_used holds PQconninfo() of the first connection as keyword/value
 * pairs.
 */
void		connopts_node_params(const ConnOptions *opts, const ConnParams *first_used,
								 const char *host, int port, ConnParams *params);

/* The search_path-clearing options value, merged with the operator's own. */
char	   *connopts_merge_options(const char *user_options);

#endif
