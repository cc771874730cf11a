/*
 * What the engine tells its front ends while it works, as typed events
 * delivered to a sink: the command line's sink prints them, the wizard's
 * draws them.  A front end learns an outcome from the event's fields,
 * never from its text, which is only what a person reads.
 */
#ifndef CITUS_RESCUE_EVENTS_H
#define CITUS_RESCUE_EVENTS_H

#include <stdbool.h>
#include <stdint.h>

#include "error.h"

typedef enum CheckStatus
{
	CHECK_PASS,
	CHECK_WARN,
	CHECK_FAIL
} CheckStatus;

typedef enum EventKind
{
	EVENT_NODE,					/* discovery: a node answered, or did not */
	EVENT_CHECK,				/* a check of verify, as it finishes */
	EVENT_STEP,					/* a step of the plan changed state */
	EVENT_DECISION,				/* a prepared transaction is to be committed or rolled back */
	EVENT_NOTE					/* anything else the operator should read */
} EventKind;

typedef enum StepState
{
	STEP_DONE,
	STEP_ALREADY_DONE,
	STEP_PREPARED,
	STEP_COMMITTED,
	STEP_ROLLED_BACK,
	STEP_FAILED,
	STEP_STARTED				/* its work begins; no text, only progress to show */
} StepState;

typedef enum NoteLevel
{
	NOTE_INFO,
	NOTE_GOOD,					/* a phase finished well */
	NOTE_WARNING,
	NOTE_ERROR
} NoteLevel;

typedef struct Event
{
	EventKind	kind;
	const char *text;			/* the line as printed, already terminal-safe; NULL: none */
	const char *node;			/* label of the node concerned, or NULL */
	/* EVENT_NODE */
	bool		answered;
	/* EVENT_CHECK: name, number, status, message; phase: verify, gate, pre-flight */
	const char *phase;
	const char *name;
	int			number;			/* verify's check number, from 1; 0 otherwise */
	CheckStatus status;
	const char *message;
	/* EVENT_STEP */
	int			step;
	int			nsteps;
	StepState	state;
	int64_t		duration_ms;
	const PgError *error;		/* STEP_FAILED: the server's error; a note: the error it is a line of */
	bool		refusal;		/* a note: a line of the refusal that ends the command */
	/* EVENT_DECISION: gid, node, commit or not, and what decided it (in message) */
	const char *gid;
	bool		commit;
	/* EVENT_NOTE */
	NoteLevel	level;
} Event;

typedef struct EventSink
{
	void		(*emit) (const Event *event, void *arg);
	void	   *arg;
} EventSink;

void		event_emit(const EventSink *sink, const Event *event);

/* A note of one line (made terminal-safe here). */
void		event_note(const EventSink *sink, NoteLevel level, const char *fmt,...)
			__attribute__((format(printf, 3, 4)));

/* An error, as lines the printer shapes (ERROR:, DETAIL:, HINT:). */
void		event_error(const EventSink *sink, const char *indent, const PgError *error);

/* A refusal or failure that ends a command, as its printer shapes it. */
void		event_refusal(const EventSink *sink, const PgError *error);

/* The command line's sink: each event's text, a line at a time, to a FILE. */
EventSink	event_sink_file(void *file);

/* pass, warn, FAIL: as printed for people */
const char *check_status_name(CheckStatus status);
/* pass, warn, fail: as written in JSON */
const char *check_status_key(CheckStatus status);
/* done, already-done, prepared, committed, rolled-back, failed, started */
const char *step_state_key(StepState state);
/* info, good, warning, error */
const char *note_level_key(NoteLevel level);

#endif
