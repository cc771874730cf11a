/*
 * Verify's checks kept in the journal of the recovery they prove, so that
 * the report of the incident says what was proven and when.  A recorder
 * is a sink in front of the one that shows the checks.
 */
#ifndef CITUS_RESCUE_VERIFY_RECORD_H
#define CITUS_RESCUE_VERIFY_RECORD_H

#include <stdbool.h>

#include "error.h"
#include "events.h"

typedef struct VerifyRecorder
{
	EventSink	sink;			/* give verify this one */
	const EventSink *shown;		/* where every event goes on to */
	int			nchecks;
	int		   *numbers;
	char	  **details;		/* "pass name: message" */
} VerifyRecorder;

void		verify_recorder_init(VerifyRecorder *recorder, const EventSink *shown);

/*
 * Appends a verify-check record per check and a verified record with the
 * outcome (verify's exit code) to the journal in workdir.
 */
bool		verify_recorder_save(const VerifyRecorder *recorder, const char *workdir, int code,
								 PgError *error);

void		verify_recorder_free(VerifyRecorder *recorder);

#endif
