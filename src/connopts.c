#include "config.h"

#include "connopts.h"
#include "strbuf.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

/*
 * Clearing search_path on every session means no object a user created can
 * shadow the catalog functions and tables the tool names.
 */
#define SEARCH_PATH_OPTION "-csearch_path="

void
connopts_init(ConnOptions *opts)
{
	memset(opts, 0, sizeof(*opts));
	opts->password_mode = PASSWORD_IF_ASKED;
	opts->timeout_ms = 10000;
}

static void
wipe_and_free(char *secret)
{
	if (secret == NULL)
		return;
	/* volatile keeps the compiler from dropping the wipe before free */
	for (volatile char *p = secret; *p; p++)
		*p = '\0';
	free(secret);
}

void
connopts_free(ConnOptions *opts)
{
	free(opts->host);
	free(opts->port);
	free(opts->user);
	free(opts->dbname);
	wipe_and_free(opts->password);
	for (int i = 0; i < opts->nmaps; i++)
	{
		free(opts->maps[i].from_host);
		free(opts->maps[i].to_host);
	}
	free(opts->maps);
	free(opts->old_coordinator);
	free(opts->target);
	memset(opts, 0, sizeof(*opts));
}

static char *
dup_or_null(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

void
connopts_copy(ConnOptions *dst, const ConnOptions *src)
{
	*dst = *src;
	dst->host = dup_or_null(src->host);
	dst->port = dup_or_null(src->port);
	dst->user = dup_or_null(src->user);
	dst->dbname = dup_or_null(src->dbname);
	dst->password = dup_or_null(src->password);
	dst->old_coordinator = dup_or_null(src->old_coordinator);
	dst->target = dup_or_null(src->target);
	dst->maps = xcalloc((size_t) src->nmaps + 1, sizeof(AddressMap));
	for (int i = 0; i < src->nmaps; i++)
	{
		dst->maps[i] = src->maps[i];
		dst->maps[i].from_host = xstrdup(src->maps[i].from_host);
		dst->maps[i].to_host = xstrdup(src->maps[i].to_host);
	}
}

void
format_timeout(int timeout_ms, char *buf, size_t len)
{
	size_t		end;

	snprintf(buf, len, "%d.%03d", timeout_ms / 1000, timeout_ms % 1000);
	end = strlen(buf);
	while (end > 0 && buf[end - 1] == '0')
		buf[--end] = '\0';
	if (end > 0 && buf[end - 1] == '.')
		buf[--end] = '\0';
}

bool
connopts_add_map(ConnOptions *opts, const char *text, char *errbuf, size_t errlen)
{
	/* the node's name may hold '=', an address to reach it will not */
	const char *eq = strrchr(text, '=');
	char	   *left;
	AddressMap	map;

	if (eq == NULL)
	{
		snprintf(errbuf, errlen, "invalid --map \"%s\": expected NAME:PORT=HOST:PORT", text);
		return false;
	}
	left = xmalloc((size_t) (eq - text) + 1);
	memcpy(left, text, (size_t) (eq - text));
	left[eq - text] = '\0';
	if (!parse_host_port(left, &map.from_host, &map.from_port, errbuf, errlen))
	{
		free(left);
		return false;
	}
	free(left);
	if (!parse_host_port(eq + 1, &map.to_host, &map.to_port, errbuf, errlen))
	{
		free(map.from_host);
		return false;
	}
	opts->maps = xrealloc(opts->maps, sizeof(AddressMap) * (size_t) (opts->nmaps + 1));
	opts->maps[opts->nmaps++] = map;
	return true;
}

bool
connopts_map_address(const ConnOptions *opts, const char *host, int port,
					 const char **to_host, int *to_port)
{
	for (int i = 0; i < opts->nmaps; i++)
	{
		const AddressMap *map = &opts->maps[i];

		if (map->from_port == port && strcmp(map->from_host, host) == 0)
		{
			*to_host = map->to_host;
			*to_port = map->to_port;
			return true;
		}
	}
	*to_host = host;
	*to_port = port;
	return false;
}

void
connparams_init(ConnParams *params)
{
	memset(params, 0, sizeof(*params));
	params->capacity = 16;
	params->keywords = xcalloc((size_t) params->capacity + 1, sizeof(char *));
	params->values = xcalloc((size_t) params->capacity + 1, sizeof(char *));
}

void
connparams_free(ConnParams *params)
{
	for (int i = 0; i < params->count; i++)
	{
		if (strcmp(params->keywords[i], "password") == 0)
			wipe_and_free(params->values[i]);
		else
			free(params->values[i]);
		free(params->keywords[i]);
	}
	free(params->keywords);
	free(params->values);
	memset(params, 0, sizeof(*params));
}

void
connparams_set(ConnParams *params, const char *keyword, const char *value)
{
	for (int i = 0; i < params->count; i++)
	{
		if (strcmp(params->keywords[i], keyword) == 0)
		{
			wipe_and_free(params->values[i]);
			params->values[i] = xstrdup(value);
			return;
		}
	}
	if (params->count == params->capacity)
	{
		params->capacity *= 2;
		params->keywords = xrealloc(params->keywords, sizeof(char *) * (size_t) (params->capacity + 1));
		params->values = xrealloc(params->values, sizeof(char *) * (size_t) (params->capacity + 1));
	}
	params->keywords[params->count] = xstrdup(keyword);
	params->values[params->count] = xstrdup(value);
	params->count++;
	params->keywords[params->count] = NULL;
	params->values[params->count] = NULL;
}

const char *
connparams_get(const ConnParams *params, const char *keyword)
{
	for (int i = 0; i < params->count; i++)
		if (strcmp(params->keywords[i], keyword) == 0)
			return params->values[i];
	return NULL;
}

char *
connopts_merge_options(const char *user_options)
{
	if (user_options == NULL || user_options[0] == '\0')
		return xstrdup(SEARCH_PATH_OPTION);
	if (strstr(user_options, SEARCH_PATH_OPTION) != NULL)
		return xstrdup(user_options);
	return xasprintf("%s %s", user_options, SEARCH_PATH_OPTION);
}

static bool
looks_like_conninfo(const char *dbname)
{
	return strchr(dbname, '=') != NULL ||
		strncmp(dbname, "postgresql://", 13) == 0 ||
		strncmp(dbname, "postgres://", 11) == 0;
}

bool
connopts_first_params(const ConnOptions *opts, ConnParams *params,
					  char *errbuf, size_t errlen)
{
	const char *user_options = getenv("PGOPTIONS");
	char	   *merged;

	connparams_init(params);

	/*
	 * Same precedence as psql: fields of a conninfo string given with -d
	 * override -h, -p and -U, because dbname comes after them.
	 */
	if (opts->host)
		connparams_set(params, "host", opts->host);
	if (opts->port)
		connparams_set(params, "port", opts->port);
	if (opts->user)
		connparams_set(params, "user", opts->user);
	if (opts->password)
		connparams_set(params, "password", opts->password);
	if (opts->dbname)
	{
		connparams_set(params, "dbname", opts->dbname);
		if (looks_like_conninfo(opts->dbname))
		{
			char	   *parse_error = NULL;
			PQconninfoOption *parsed = PQconninfoParse(opts->dbname, &parse_error);

			if (parsed == NULL)
			{
				snprintf(errbuf, errlen, "invalid connection string: %s",
						 parse_error ? parse_error : "out of memory");
				PQfreemem(parse_error);
				connparams_free(params);
				return false;
			}
			for (PQconninfoOption *o = parsed; o->keyword; o++)
				if (strcmp(o->keyword, "options") == 0 && o->val)
					user_options = NULL, merged = connopts_merge_options(o->val),
						connparams_set(params, "options", merged), free(merged);
			PQconninfoFree(parsed);
		}
	}
	params->expand_dbname = true;
	if (connparams_get(params, "options") == NULL)
	{
		merged = connopts_merge_options(user_options);
		connparams_set(params, "options", merged);
		free(merged);
	}
	connparams_set(params, "fallback_application_name", "citus-rescue");
	return true;
}

/*
 * Settings that belong to one server and must not follow the operator to
 * the others: its address, and a password libpq may have read from
 * ~/.pgpass for that host alone.
 */
static bool
is_per_server_keyword(const char *keyword)
{
	static const char *const per_server[] = {
		"host", "hostaddr", "port", "password", "service", NULL
	};

	for (int i = 0; per_server[i]; i++)
		if (strcmp(keyword, per_server[i]) == 0)
			return true;
	return false;
}

void
connopts_node_params(const ConnOptions *opts, const ConnParams *first_used,
					 const char *host, int port, ConnParams *params)
{
	char		port_text[16];

	connparams_init(params);
	for (int i = 0; i < first_used->count; i++)
		if (!is_per_server_keyword(first_used->keywords[i]))
			connparams_set(params, first_used->keywords[i], first_used->values[i]);
	connparams_set(params, "host", host);
	snprintf(port_text, sizeof(port_text), "%d", port);
	connparams_set(params, "port", port_text);

	if (opts->password)
		connparams_set(params, "password", opts->password);
	connparams_set(params, "fallback_application_name", "citus-rescue");
	params->expand_dbname = false;
}

bool
parse_timeout(const char *text, int *timeout_ms)
{
	char	   *end;
	double		seconds;

	/* strtod also reads "nan", "inf" and hex; seconds are plain decimals */
	for (const char *p = text; *p; p++)
		if (!((*p >= '0' && *p <= '9') || *p == '.'))
			return false;
	errno = 0;
	seconds = strtod(text, &end);
	if (errno != 0 || end == text || *end != '\0' ||
		!(seconds >= 0.001 && seconds <= 3600))
		return false;
	*timeout_ms = (int) (seconds * 1000 + 0.5);
	return true;
}

