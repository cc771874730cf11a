/* Unit tests: the names of the backup's node directories. */
#include "config.h"

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tap.h"

#include "backup.h"
#include "strbuf.h"

/* Two labels never share a backup directory, and none escapes it. */
static void
test_backup_dirnames(void)
{
	static const char *const labels[] = {
		"w'1:5432", "w_1:5432", "w%271:5432", "w.1:5432", "[::1]:5432", "::1:5432",
		"..:5432", ".:1", "w\n1:5432", "w\x1b[2J:5432", "\xc3\xbc:5432", "a/b:5432",
	};
	const size_t n = sizeof(labels) / sizeof(labels[0]);
	char	   *names[sizeof(labels) / sizeof(labels[0])];
	bool		distinct = true;
	bool		plain = true;

	for (size_t i = 0; i < n; i++)
	{
		names[i] = backup_node_dirname(labels[i]);
		plain = plain && strspn(names[i], "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-_%") == strlen(names[i]) &&
			strcmp(names[i], ".") != 0 && strcmp(names[i], "..") != 0;
		for (size_t j = 0; j < i; j++)
			distinct = distinct && strcmp(names[i], names[j]) != 0;
	}
	ok(distinct, "backup_dirname_injective: w'1:5432 and w_1:5432 (and the rest) get directories of their own");
	ok(plain, "backup_dirname_injective: every name is shell-safe and neither . nor ..");
	is_str(names[0], "w%271_5432", "backup_dirname_injective: a quote is spelt %%27, the port's colon _");
	for (size_t i = 0; i < n; i++)
		free(names[i]);
}

int
main(void)
{
	test_backup_dirnames();
	return tap_done();
}
