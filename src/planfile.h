/*
 * The plan as a file a reviewer reads and psql could run: a commented
 * header, then each step as \connect plus its SQL batch.  The same file is
 * what citus-rescue apply reads back.
 */
#ifndef CITUS_RESCUE_PLANFILE_H
#define CITUS_RESCUE_PLANFILE_H

#include <stdbool.h>
#include <stdio.h>

#include "plan.h"
#include "strbuf.h"

void		planfile_render(StrBuf *out, const Plan *plan);
bool		planfile_write(const char *path, const Plan *plan, char *errbuf, size_t errlen);

/* Parses a plan file; false with errbuf on anything malformed. */
bool		planfile_parse(const char *text, Plan *plan, char *errbuf, size_t errlen);

/* Reads a whole file; NULL with errbuf on failure. */
char	   *read_whole_file(const char *path, char *errbuf, size_t errlen);

/* The gid prefix of the tool's own prepared transactions (never citus_). */
#define RESCUE_GID_PREFIX "rescue_"

#endif
