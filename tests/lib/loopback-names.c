/*
 * Preloaded into the test servers (and only there) by the hostile-name
 * tests: a node name no resolver could know, one holding quotes, escapes
 * or newlines, resolves to 127.0.0.1, as a hosts file entry would make it;
 * so does a name under .invalid, which no resolver may ever answer (RFC
 * 6761).  Ordinary names resolve as always.  Traffic never leaves loopback.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <netdb.h>
#include <string.h>

typedef int (*getaddrinfo_fn) (const char *, const char *, const struct addrinfo *,
							   struct addrinfo **);

static int
is_hostname(const char *node)
{
	return strspn(node, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-:%")
		== strlen(node);
}

static int
is_reserved_invalid(const char *node)
{
	size_t		len = strlen(node);

	return len >= 8 && strcmp(node + len - 8, ".invalid") == 0;
}

int
getaddrinfo(const char *node, const char *service, const struct addrinfo *hints,
			struct addrinfo **res)
{
	static getaddrinfo_fn real;

	if (real == NULL)
		real = (getaddrinfo_fn) dlsym(RTLD_NEXT, "getaddrinfo");
	if (node != NULL && node[0] != '\0' && (!is_hostname(node) || is_reserved_invalid(node)))
		node = "127.0.0.1";
	return real(node, service, hints, res);
}
