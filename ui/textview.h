/*
 * A view over lines of text that never hides a byte: a line wider than
 * the view either wraps, with a continuation mark in the gutter, or
 * scrolls sideways, with a mark at each edge where more is there.
 *
 * CDK's viewer and scrolling window scroll both ways, but they draw a
 * whole line in one attribute unless markup is interpreted, and with
 * markup on, every '<' of the SQL being approved would need escaping and
 * could be misread.  Neither wraps with a mark nor numbers lines.  So the
 * view draws itself, and only the rows on screen: a list of 100,000
 * placements costs no more to redraw than one of ten.
 */
#ifndef CITUS_RESCUE_UI_TEXTVIEW_H
#define CITUS_RESCUE_UI_TEXTVIEW_H

#include <stdbool.h>

#include <curses.h>

#include "strbuf.h"
#include "wizard_backend.h"

/* How a character of a line is drawn, over its line's mark */
typedef enum TextStyle
{
	STYLE_PLAIN,
	STYLE_KEYWORD,
	STYLE_LITERAL,
	STYLE_COMMENT,
	STYLE_DIFFERS,				/* a cell that differs from the others */
	STYLE_ESCAPE				/* an escape standing for a control or a character outside ASCII */
} TextStyle;

typedef struct TextLine
{
	char	   *text;			/* terminal-safe */
	int			len;			/* its length: one column a byte */
	unsigned char *styles;		/* a TextStyle per byte of text, or NULL */
	WizMark		mark;
	int			number;			/* shown in the gutter when the view numbers lines; 0: none */
	bool		differs;		/* holds a STYLE_DIFFERS cell: a sign in the gutter finds it */
} TextLine;

/*
 * Makes line i of a view whose lines come from a source: its text into
 * text, a style per byte of it into *styles (left NULL for a plain line;
 * read before the next call), and its mark.
 */
typedef void (*LineMaker) (void *arg, int i, StrBuf *text, const unsigned char **styles, WizMark *mark);

typedef struct TextView
{
	TextLine   *lines;
	int			count;
	int			capacity;
	bool		wrap;			/* wrap long lines; otherwise they scroll sideways */
	bool		numbered;		/* a gutter of line numbers */
	int			top;			/* first line shown */
	int			top_row;		/* wrapping: first row of that line shown */
	int			left;			/* sideways: first column shown */
	int			widest;			/* the longest line's length */
	bool		has_cursor;		/* Up and Down move a cursor line, and the view follows it */
	int			cursor;			/* the line under the cursor */
	bool		bare;			/* no status row: a table's header, scrolled with its body */
	LineMaker	make_line;		/* makes lines as they are first shown; NULL: each was added */
	void	   *make_arg;
	/* where it was last drawn, for the keys that page */
	int			height;
	int			width;
} TextView;

/* The attribute of a style, as the wizard's colours (or their absence) draw it */
typedef chtype (*StyleAttr) (TextStyle style, WizMark mark, void *arg);

void		textview_clear(TextView *view);

/* Adds a line; text is made terminal-safe, styles (may be NULL) follow its bytes. */
void		textview_add(TextView *view, WizMark mark, const char *text,
						 const unsigned char *styles, int number);

/*
 * count lines, none wider than widest, each made by make_line when it is
 * first shown and kept from then on: a list of 100,000 costs no more to
 * open, move through or draw than one of ten.
 */
void		textview_set_source(TextView *view, int count, int widest, LineMaker make_line, void *arg);

/*
 * Replaces or extends the lines with the backend's (taken, then freed);
 * appending follows the end, as a log does, unless the operator scrolled up.
 */
void		textview_set_lines(TextView *view, WizLines *lines);
void		textview_append_lines(TextView *view, WizLines *lines);

/*
 * Draws rows [row, row + height) and columns [col, col + width) of stdscr;
 * the bottom-right corner of the last row gets the position when not every
 * line fits.
 */
void		textview_draw(TextView *view, int row, int col, int height, int width,
						  StyleAttr attr, void *arg);

/* Scrolling keys (arrows, pages, Home, End, w for wrap); false for the others. */
bool		textview_key(TextView *view, int key);

/* Puts the cursor on line i (kept within the lines); the view follows it when drawn */
void		textview_set_cursor(TextView *view, int i);

#endif
