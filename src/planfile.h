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

/*
 * Step i's batch exactly as the file has it: its \connect line, the
 * transaction around its SQL, its end line and, when it ends an atomic
 * group, the group's COMMIT PREPARED lines.  What the reviewer approves
 * is these bytes.
 */
void		planfile_render_batch(StrBuf *out, const Plan *plan, int i);

/* Parses a plan file; false with errbuf on anything malformed. */
bool		planfile_parse(const char *text, Plan *plan, char *errbuf, size_t errlen);


/* The gid prefix of the tool's own prepared transactions (never citus_). */
#define RESCUE_GID_PREFIX "rescue_"

#endif
