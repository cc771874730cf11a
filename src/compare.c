#include "config.h"

#include "compare.h"
#include "strbuf.h"

#include <stdlib.h>
#include <string.h>

int
digest_majority(const char *const *digests, int count, int prefer)
{
	int			best = -1;
	int			best_size = 0;

	for (int i = 0; i < count; i++)
	{
		int			size = 0;
		bool		holds_prefer = false;

		if (digests[i] == NULL)
			continue;
		for (int j = 0; j < count; j++)
			if (digests[j] && strcmp(digests[i], digests[j]) == 0)
			{
				size++;
				if (j == prefer)
					holds_prefer = true;
			}
		if (size > best_size ||
			(size == best_size && holds_prefer))
		{
			best = holds_prefer && digests[prefer] ? prefer : i;
			best_size = size;
		}
	}
	return best;
}


static void
push(char ***list, int *count, const char *row)
{
	*list = xrealloc(*list, sizeof(char *) * (size_t) (*count + 1));
	(*list)[(*count)++] = xstrdup(row);
}

void
rows_diff(char *const *reference, int nreference,
		  char *const *rows, int nrows, RowDiff *diff)
{
	int			i = 0;
	int			j = 0;

	while (i < nreference || j < nrows)
	{
		int			order;

		if (i == nreference)
			order = 1;
		else if (j == nrows)
			order = -1;
		else
			order = strcmp(reference[i], rows[j]);

		if (order == 0)
		{
			i++;
			j++;
		}
		else if (order < 0)
			push(&diff->missing, &diff->nmissing, reference[i++]);
		else
			push(&diff->extra, &diff->nextra, rows[j++]);
	}
}

void
rowdiff_free(RowDiff *diff)
{
	for (int i = 0; i < diff->nmissing; i++)
		free(diff->missing[i]);
	for (int i = 0; i < diff->nextra; i++)
		free(diff->extra[i]);
	free(diff->missing);
	free(diff->extra);
	pgerror_clear(&diff->error);
	diff->missing = diff->extra = NULL;
	diff->nmissing = diff->nextra = 0;
}
