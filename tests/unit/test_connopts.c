/* Unit tests: address parsing, --map and the libpq parameters built for each node. */
#include "config.h"

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tap.h"

#include "connopts.h"
#include "strbuf.h"

static void
test_host_port(void)
{
	char		err[256];
	char	   *host = NULL;
	int			port = 0;

	ok(parse_host_port("10.0.0.1:5432", &host, &port, err, sizeof(err)), "host:port parses");
	is_str(host, "10.0.0.1", "host part");
	is_int(port, 5432, "port part");
	free(host);
	ok(parse_host_port("[::1]:6000", &host, &port, err, sizeof(err)), "[ipv6]:port parses");
	is_str(host, "::1", "ipv6 host without brackets");
	is_int(port, 6000, "ipv6 port");
	free(host);
	ok(parse_host_port("my-host.example:1", &host, &port, err, sizeof(err)), "name with dots");
	free(host);
	ok(!parse_host_port("nohost", &host, &port, err, sizeof(err)), "missing port refused");
	ok(strstr(err, "HOST:PORT") != NULL, "message names the expected form");
	ok(!parse_host_port(":5432", &host, &port, err, sizeof(err)), "empty host refused");
	ok(!parse_host_port("h:0", &host, &port, err, sizeof(err)), "port 0 refused");
	ok(!parse_host_port("h:65536", &host, &port, err, sizeof(err)), "port 65536 refused");
	ok(!parse_host_port("h:54x", &host, &port, err, sizeof(err)), "port with junk refused");
	ok(!parse_host_port("[::1]5432", &host, &port, err, sizeof(err)), "ipv6 without colon refused");
}

static void
test_map(void)
{
	ConnOptions opts;
	char		err[256];
	const char *host;
	int			port;

	connopts_init(&opts);
	ok(connopts_add_map(&opts, "worker-1:5432=127.0.0.1:15432", err, sizeof(err)), "map parses");
	ok(!connopts_add_map(&opts, "worker-1:5432", err, sizeof(err)), "map without = refused");
	ok(!connopts_add_map(&opts, "worker-1=127.0.0.1:1", err, sizeof(err)), "map without source port refused");
	ok(connopts_map_address(&opts, "worker-1", 5432, &host, &port), "mapped address matches");
	is_str(host, "127.0.0.1", "mapped host");
	is_int(port, 15432, "mapped port");
	ok(!connopts_map_address(&opts, "worker-1", 5433, &host, &port), "other port not mapped");
	is_str(host, "worker-1", "unmapped host passes through");
	is_int(port, 5433, "unmapped port passes through");
	connopts_free(&opts);
}

static void
test_params(void)
{
	ConnOptions opts;
	ConnParams	first;
	ConnParams	used;
	ConnParams	node;
	char		err[256];

	connopts_init(&opts);
	opts.host = strdup("h1");
	opts.port = strdup("5433");
	opts.user = strdup("alice");
	opts.dbname = strdup("host=h2 dbname=app options='-cwork_mem=64MB'");
	ok(connopts_first_params(&opts, &first, err, sizeof(err)), "first params built");
	is_str(connparams_get(&first, "host"), "h1", "-h kept");
	is_str(connparams_get(&first, "fallback_application_name"), "citus-rescue",
		   "application name is a fallback, never starting with citus");
	is_str(connparams_get(&first, "options"), "-cwork_mem=64MB -csearch_path=",
		   "the operator's options keep search_path cleared");
	ok(first.expand_dbname, "dbname is expanded as a conninfo string");
	ok(strcmp(first.keywords[first.count - 1], "fallback_application_name") == 0 ||
	   strcmp(first.keywords[first.count - 2], "dbname") != 0, "keywords are ordered");
	connparams_free(&first);

	free(opts.dbname);
	opts.dbname = strdup("host='broken");
	ok(!connopts_first_params(&opts, &first, err, sizeof(err)), "broken conninfo refused");
	ok(strstr(err, "invalid connection string") != NULL, "and says why");

	connparams_init(&used);
	connparams_set(&used, "host", "h1");
	connparams_set(&used, "hostaddr", "10.1.1.1");
	connparams_set(&used, "port", "5433");
	connparams_set(&used, "user", "alice");
	connparams_set(&used, "dbname", "app");
	connparams_set(&used, "password", "from-pgpass");
	connparams_set(&used, "sslmode", "require");
	connparams_set(&used, "options", "-csearch_path=");
	connopts_node_params(&opts, &used, "w2", 6000, &node);
	is_str(connparams_get(&node, "host"), "w2", "node host replaced");
	is_str(connparams_get(&node, "port"), "6000", "node port replaced");
	is_str(connparams_get(&node, "hostaddr"), NULL, "hostaddr of the first node dropped");
	is_str(connparams_get(&node, "password"), NULL, "a password from ~/.pgpass does not follow");
	is_str(connparams_get(&node, "sslmode"), "require", "ssl settings follow");
	is_str(connparams_get(&node, "dbname"), "app", "database follows");
	is_str(connparams_get(&node, "user"), "alice", "user follows");
	ok(!node.expand_dbname, "a node's dbname is never expanded");
	connparams_free(&node);

	opts.password = strdup("typed");
	connopts_node_params(&opts, &used, "w2", 6000, &node);
	is_str(connparams_get(&node, "password"), "typed", "a typed password follows");
	connparams_free(&node);
	connparams_free(&used);
	connopts_free(&opts);

	{
		char	   *merged = connopts_merge_options(NULL);

		is_str(merged, "-csearch_path=", "options when none given");
		free(merged);
		merged = connopts_merge_options("-csearch_path=");
		is_str(merged, "-csearch_path=", "not added twice");
		free(merged);
	}
}

int
main(void)
{
	test_host_port();
	test_map();
	test_params();
	return tap_done();
}
