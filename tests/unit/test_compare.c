/* Unit tests: the digest majority and the row differences between nodes. */
#include "config.h"

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tap.h"

#include "compare.h"
#include "strbuf.h"

static void
test_majority(void)
{
	const char *d1[] = {"a", "a", "b", NULL};
	const char *d2[] = {"a", "b", NULL, NULL};
	const char *d3[] = {"x", "b", "b", "x"};
	const char *d4[] = {NULL, NULL};

	is_int(digest_majority(d1, 4, 2), 0, "majority wins over the preferred node");
	is_int(digest_majority(d2, 4, 1), 1, "a tie goes to the preferred node");
	is_int(digest_majority(d3, 4, 3), 3, "tie: the preferred node itself is the reference");
	is_int(digest_majority(d3, 4, 1), 1, "tie the other way");
	is_int(digest_majority(d4, 2, 0), -1, "no digests, no reference");
}

static int
compare_strings(const void *a, const void *b)
{
	return strcmp(*(char *const *) a, *(char *const *) b);
}

/* Newline-separated rows as a sorted array pointing into text. */
static char **
rows_split(char *text, int *count)
{
	int			n = 0;
	int			capacity = 64;
	char	  **rows = xmalloc(sizeof(char *) * (size_t) capacity);
	char	   *line = text;

	while (line && *line)
	{
		char	   *newline = strchr(line, '\n');

		if (newline)
			*newline = '\0';
		if (n == capacity)
		{
			capacity *= 2;
			rows = xrealloc(rows, sizeof(char *) * (size_t) capacity);
		}
		rows[n++] = line;
		line = newline ? newline + 1 : NULL;
	}
	qsort(rows, (size_t) n, sizeof(char *), compare_strings);
	*count = n;
	return rows;
}

static void
test_rows_diff(void)
{
	char		text_a[] = "3\t2\n1\t1\n2\t1\n";
	char		text_b[] = "1\t1\n2\t3\n3\t2\n4\t1";
	int			na;
	int			nb;
	char	  **a = rows_split(text_a, &na);
	char	  **b = rows_split(text_b, &nb);
	RowDiff		diff = {0};

	is_int(na, 3, "rows split on newlines, trailing newline ignored");
	is_str(a[0], "1\t1", "rows sorted");
	rows_diff(a, na, b, nb, &diff);
	is_int(diff.nmissing, 1, "one row missing");
	is_str(diff.missing[0], "2\t1", "the missing row");
	is_int(diff.nextra, 2, "two rows extra");
	is_str(diff.extra[0], "2\t3", "first extra row");
	is_str(diff.extra[1], "4\t1", "second extra row");
	rowdiff_free(&diff);

	rows_diff(a, na, a, na, &diff);
	is_int(diff.nmissing + diff.nextra, 0, "equal sets: no difference");
	rowdiff_free(&diff);
	{
		char		dup_a[] = "1\n1\n2";
		char		dup_b[] = "1\n2";
		int			nda;
		int			ndb;
		char	  **da = rows_split(dup_a, &nda);
		char	  **db = rows_split(dup_b, &ndb);

		rows_diff(da, nda, db, ndb, &diff);
		is_int(diff.nmissing, 1, "a duplicated row counts");
		rowdiff_free(&diff);
		free(da);
		free(db);
	}
	free(a);
	free(b);
}

int
main(void)
{
	test_majority();
	test_rows_diff();
	return tap_done();
}
