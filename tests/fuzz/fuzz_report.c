/*
 * Fuzzes what the incident report reads and writes.  A work directory
 * may hold anything after a crash or a tamperer: the same bytes read as a
 * journal and as a plan must give a report whose every byte is inert for a
 * terminal (a line break aside), and the password scrubber must take any
 * conninfo string without reading past its end.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "incident.h"
#include "journal.h"
#include "planfile.h"
#include "scrub.h"
#include "strbuf.h"

int			LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_inert(const StrBuf *out)
{
	for (size_t i = 0; i < out->len; i++)
	{
		unsigned char c = (unsigned char) out->data[i];

		if ((c < 0x20 && c != '\n') || c == 0x7f)
		{
			fprintf(stderr, "report: control byte 0x%02x at %zu\n", c, i);
			abort();
		}
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char	   *text = xstrndup((const char *) data, size);
	char	   *copy = xmalloc(size + 1);
	char	   *scrubbed = conninfo_scrubbed(text);
	Journal		journal;
	PgError		error = {0};
	Plan		plan;
	char		errbuf[512];
	bool		have_plan;
	size_t		intact;
	StrList		problems = {0};
	IncidentInputs in = {.workdir = text, .generated = "now", .runlog_lines = -1, .problems = &problems};
	StrBuf		out;

	memcpy(copy, data, size);
	copy[size] = '\0';
	memset(&journal, 0, sizeof(journal));
	journal.path = xstrdup("journal.log");
	journal.fd = -1;
	journal.dirfd = -1;
	journal_parse(&journal, copy, size, &intact, &error);
	plan_init(&plan);
	have_plan = planfile_parse(text, &plan, errbuf, sizeof(errbuf));
	strlist_add(&problems, text);
	in.plan = have_plan ? &plan : NULL;
	in.entries = journal.entries;
	in.nentries = journal.nentries;
	in.has_journal = true;
	in.manifest = text;
	strbuf_init(&out);
	incident_render(&out, &in);
	check_inert(&out);

	strbuf_free(&out);
	strlist_free(&problems);
	plan_free(&plan);
	pgerror_clear(&error);
	journal_close(&journal);
	free(scrubbed);
	free(copy);
	free(text);
	return 0;
}
