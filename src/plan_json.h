/* A plan as JSON, for plan --json and recover's progress stream. */
#ifndef CITUS_RESCUE_PLAN_JSON_H
#define CITUS_RESCUE_PLAN_JSON_H

#include "json.h"
#include "plan.h"

/* The plan as an object under key (NULL inside an array or at the top). */
void		plan_json(JsonWriter *w, const char *key, const Plan *plan);

/*
 * plan --json's document: the format, the exit code and what it means,
 * where the plan file was written (NULL: not written), and the plan.
 */
void		plan_json_document(StrBuf *out, const Plan *plan, int exit_code, const char *plan_file);

#endif
