/*
 * The wizard: eight screens over the backend, one file each, driven by one
 * loop that never waits on the network (the backend works on its own
 * thread; the loop polls it ten times a second).
 */
#ifndef CITUS_RESCUE_UI_WIZARD_H
#define CITUS_RESCUE_UI_WIZARD_H

#include <stdbool.h>
#include <stdio.h>

#include <cdk/cdk.h>

#include "compare_view.h"
#include "keys.h"
#include "textview.h"
#include "wizard_backend.h"

#define WIZ_MIN_COLS 80
#define WIZ_MIN_ROWS 24
#define WIZ_SCREENS 8
#define WIZ_MAX_FIELDS 8

typedef struct Wizard Wizard;

typedef enum WizMove
{
	MOVE_STAY,
	MOVE_NEXT,
	MOVE_BACK
} WizMove;

typedef struct WizScreen
{
	const char *title;
	const WizCommand *hints;	/* ends with CMD_NONE */
	void		(*enter) (Wizard *w);	/* build its widgets, start its work */
	void		(*leave) (Wizard *w);	/* tear them down (also on resize) */
	void		(*draw) (Wizard *w);
	WizMove		(*key) (Wizard *w, int key, WizCommand command);
	void		(*tick) (Wizard *w);	/* poll the backend */
} WizScreen;

/*
 * A confirmation asked at the foot of the screen: typed where it guards a
 * change, a single key (y) where it does not.
 */
typedef struct Confirm
{
	bool		active;
	bool		one_key;
	char		question[160];
	char		expect[16];
	char		typed[32];
	void		(*then) (Wizard *w, bool confirmed);
} Confirm;

struct Wizard
{
	WizBackend *backend;
	WizConnect	connect;
	WizChoices	choices;
	int			screen;
	CDKSCREEN  *cdk;
	bool		color;
	char		message[600];
	WizMark		message_mark;
	TextView	list;			/* the body of most screens */
	CDKENTRY   *fields[WIZ_MAX_FIELDS];
	int			nfields;
	int			focus;
	int			step;			/* review: the batch shown */
	ComparePanes compare;		/* compare: its views and where the operator is in them */
	bool		started;		/* this screen's work was started */
	bool		results_shown;	/* and its finished results are on the screen */
	bool		help;
	TextView	help_view;
	bool		too_small;
	Confirm		confirm;
	bool		quit;
	bool		headless;
	WizMove		pending_move;	/* asked for by a tick or a confirmation */
	char		connect_error[600];	/* shown in place on the connect screen */
};

extern const WizScreen screen_connect;
extern const WizScreen screen_discover;
extern const WizScreen screen_compare;
extern const WizScreen screen_choose;
extern const WizScreen screen_preflight;
extern const WizScreen screen_review;
extern const WizScreen screen_execute;
extern const WizScreen screen_verify;

/* Runs the wizard, its choose screen filled with choices; returns the exit code. */
int			wizard_run(const ConnOptions *options, const WizChoices *choices, const char *workdir);

/* ---- shared drawing and widgets ---- */
void		screen_nothing(Wizard *w);	/* for screens with nothing to tear down or poll */
void		screen_draw_list(Wizard *w);	/* for screens whose body is the list */
int			body_top(void);
int			body_rows(void);
void		list_set(Wizard *w, WizLines lines);	/* takes ownership */
void		list_append(Wizard *w, WizLines lines);	/* takes ownership */
void		list_clear(Wizard *w);
void		list_draw(Wizard *w, int top_row);
void		list_scroll(Wizard *w, int key);
void		draw_text(Wizard *w, int row, int col, WizMark mark, const char *text);
/* Text wrapped at spaces to the screen's width, in max_rows at most; returns the rows it took. */
int			draw_wrapped(Wizard *w, int row, int col, WizMark mark, const char *text, int max_rows);
/* The attribute of a mark and style, in colour or without */
chtype		wiz_style_attr(TextStyle style, WizMark mark, void *wizard);
void		view_draw(Wizard *w, TextView *view, int row, int col, int height, int width);
void		set_message(Wizard *w, WizMark mark, const char *fmt,...) __attribute__((format(printf, 3, 4)));
void		ask_confirm(Wizard *w, const char *question, const char *expect,
						void (*then) (Wizard *w, bool confirmed));
/* Asks for one key: y confirms, any other key does not. */
void		ask_key_confirm(Wizard *w, const char *question,
							void (*then) (Wizard *w, bool confirmed));

/* Text fields (CDK entries); a label each, one with focus. */
void		fields_clear(Wizard *w);
void		field_add(Wizard *w, int row, const char *label, const char *value, bool hidden);
void		field_value(Wizard *w, int i, char *out, size_t outlen);
bool		field_key(Wizard *w, int key);	/* editing keys go to the focused field */
void		fields_draw(Wizard *w);

#endif
