#include "config.h"

#include "textview.h"
#include "strbuf.h"
#include "termsafe.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SIDEWAYS_STEP 8

void
textview_clear(TextView *view)
{
	for (int i = 0; i < view->count; i++)
	{
		free(view->lines[i].text);
		free(view->lines[i].styles);
	}
	free(view->lines);
	view->lines = NULL;
	view->count = view->capacity = 0;
	view->top = view->top_row = view->left = view->widest = 0;
}

static bool
needs_escapes(const char *text)
{
	for (const unsigned char *p = (const unsigned char *) text; *p; p++)
		if (*p < 0x20 || *p >= 0x7f)
			return true;
	return false;
}

/* Bytes in the UTF-8 sequence a lead byte starts (1 for anything else) */
static int
sequence_length(unsigned char lead)
{
	return lead >= 0xf0 && lead < 0xf8 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1;
}

/*
 * The terminal-safe text of a line, each escape styled as the character it
 * stands for.  Escaping is done a character at a time only when the line
 * holds something to escape.
 */
static void
make_safe(TextLine *line, const char *text, const unsigned char *styles)
{
	size_t		len = strlen(text);
	StrBuf		out;
	unsigned char *out_styles = NULL;
	size_t		styled = 0;

	if (!needs_escapes(text))
	{
		line->text = xstrdup(text);
		line->len = (int) len;
		line->styles = NULL;
		if (styles)
		{
			line->styles = xmalloc(len + 1);
			memcpy(line->styles, styles, len);
		}
		return;
	}
	strbuf_init(&out);
	for (size_t i = 0; i < len;)
	{
		size_t		n = (size_t) sequence_length((unsigned char) text[i]);
		char		one[5];

		if (i + n > len)
			n = len - i;
		memcpy(one, text + i, n);
		one[n] = '\0';
		append_terminal_safe(&out, one);
		if (styles)
		{
			out_styles = xrealloc(out_styles, out.len + 1);
			memset(out_styles + styled, styles[i], out.len - styled);
			styled = out.len;
		}
		i += n;
	}
	line->len = (int) out.len;
	line->text = strbuf_steal(&out);
	line->styles = out_styles;
}

void
textview_add(TextView *view, WizMark mark, const char *text, const unsigned char *styles, int number)
{
	TextLine   *line;

	if (view->count == view->capacity)
	{
		view->capacity = view->capacity ? view->capacity * 2 : 64;
		view->lines = xrealloc(view->lines, sizeof(TextLine) * (size_t) view->capacity);
	}
	line = &view->lines[view->count++];
	make_safe(line, text ? text : "", styles);
	line->mark = mark;
	line->number = number;
	if (line->len > view->widest)
		view->widest = line->len;
}

static int
content_width(const TextView *view, int width)
{
	int			gutter = 1;

	if (view->numbered)
	{
		int			last = view->count > 0 ? view->lines[view->count - 1].number : 0;

		gutter = 5;
		while (last >= 10000)
		{
			gutter++;
			last /= 10;
		}
	}
	return width - gutter > 1 ? width - gutter : 1;
}

int
textview_line_width(const TextView *view, int i)
{
	return i >= 0 && i < view->count ? view->lines[i].len : 0;
}

/*
 * Numbered lines (SQL) break at the width exactly, so that every row but
 * the last is full and the text reads back byte for byte; prose, the
 * unnumbered lines of a numbered view too, breaks after a space.
 */
static bool
hard_wrapped(const TextView *view, const TextLine *line)
{
	return view->numbered && line->number > 0;
}

/* Where the row of a wrapped line that starts at start ends */
static int
row_end(const TextView *view, const TextLine *line, int start, int width)
{
	int			cut = start + width;

	if (line->len - start <= width)
		return line->len;
	if (hard_wrapped(view, line))
		return cut;
	while (cut > start + width / 2 && line->text[cut - 1] != ' ')
		cut--;
	return line->text[cut - 1] == ' ' ? cut : start + width;
}

/* Rows line i takes when wrapped to width columns */
static int
line_rows(const TextView *view, int i, int width)
{
	const TextLine *line = &view->lines[i];
	int			rows = 1;

	if (line->len <= width)
		return 1;
	if (hard_wrapped(view, line))
		return (line->len + width - 1) / width;
	for (int start = row_end(view, line, 0, width); start < line->len; rows++)
		start = row_end(view, line, start, width);
	return rows;
}

/* Where row sub of a wrapped line starts */
static int
row_start(const TextView *view, const TextLine *line, int sub, int width)
{
	int			start = 0;

	for (int k = 0; k < sub && start < line->len; k++)
		start = row_end(view, line, start, width);
	return start;
}

/* Rows of text, after the status row a view that does not fit gives up */
static int
text_rows(const TextView *view, int height, int width)
{
	int			rows = 0;
	int			cw = content_width(view, width);

	for (int i = 0; i < view->count && rows <= height; i++)
		rows += view->wrap ? line_rows(view, i, cw) : 1;
	if (rows > height || (!view->wrap && view->widest > cw))
		return height - 1;
	return height;
}

static void
draw_gutter(const TextView *view, const TextLine *line, bool first_row, int row, int col, int gutter)
{
	char		text[16];

	if (view->numbered)
	{
		if (first_row && line->number > 0)
			snprintf(text, sizeof(text), "%*d ", gutter - 1, line->number);
		else
			snprintf(text, sizeof(text), "%*s ", gutter - 1, first_row ? "" : "+");
		mvaddnstr(row, col, text, gutter);
		return;
	}
	/* a sign as well as an attribute: monochrome terminals and dumps show it too */
	if (!first_row)
		mvaddch(row, col, '+');
	else if (line->mark == MARK_BAD)
		mvaddch(row, col, '!' | A_BOLD);
}

static void
draw_chars(const TextLine *line, int from, int count, int row, int col, StyleAttr attr, void *arg)
{
	int			len = line->len;

	move(row, col);
	for (int k = 0; k < count && from + k < len; k++)
	{
		TextStyle	style = line->styles ? (TextStyle) line->styles[from + k] : STYLE_PLAIN;

		addch((chtype) (unsigned char) line->text[from + k] | attr(style, line->mark, arg));
	}
}

/* Marks at the edges where a line goes on out of sight */
static void
draw_edges(const TextLine *line, int left, int row, int col, int cw)
{
	int			len = line->len;

	if (left > 0 && len > 0)
		mvaddch(row, col, '<' | A_REVERSE);
	if (len - left > cw)
		mvaddch(row, col + cw - 1, '>' | A_REVERSE);
}

static void
draw_status(const TextView *view, int shown_last, int row, int col, int width)
{
	char		status[96];
	int			len;

	snprintf(status, sizeof(status), " lines %d-%d of %d%s%s ", view->count ? view->top + 1 : 0,
			 shown_last, view->count,
			 view->wrap ? "" : view->left > 0 ? ", <- Left" : "",
			 !view->wrap && view->widest - view->left > content_width(view, width) ? ", Right ->" : "");
	len = (int) strlen(status);
	mvhline(row, col, ACS_HLINE, width);
	mvaddnstr(row, col + (width > len ? width - len : 0), status, width);
}

void
textview_draw(TextView *view, int row, int col, int height, int width, StyleAttr attr, void *arg)
{
	int			cw = content_width(view, width);
	int			gutter = width - cw;
	int			rows = text_rows(view, height, width);
	int			r = 0;
	int			last_shown = view->top;

	view->height = height;
	view->width = width;
	for (int i = view->top; i < view->count && r < rows; i++)
	{
		const TextLine *line = &view->lines[i];
		int			nrows = view->wrap ? line_rows(view, i, cw) : 1;

		for (int sub = i == view->top && view->wrap ? view->top_row : 0; sub < nrows && r < rows; sub++, r++)
		{
			draw_gutter(view, line, sub == 0, row + r, col, gutter);
			if (view->wrap)
			{
				int			start = row_start(view, line, sub, cw);

				draw_chars(line, start, row_end(view, line, start, cw) - start,
						   row + r, col + gutter, attr, arg);
			}
			else
			{
				draw_chars(line, view->left, cw, row + r, col + gutter, attr, arg);
				draw_edges(line, view->left, row + r, col + gutter, cw);
			}
		}
		last_shown = i + 1;
	}
	if (rows < height)
		draw_status(view, last_shown, row + height - 1, col, width);
}

/* Moves the top by delta rows (wrapped rows when wrapping) */
static void
scroll_rows(TextView *view, int delta)
{
	int			cw = content_width(view, view->width);

	while (delta > 0 && view->top < view->count)
	{
		if (view->wrap && view->top_row + 1 < line_rows(view, view->top, cw))
			view->top_row++;
		else if (view->top + 1 < view->count)
		{
			view->top++;
			view->top_row = 0;
		}
		else
			break;
		delta--;
	}
	while (delta < 0 && (view->top > 0 || view->top_row > 0))
	{
		if (view->top_row > 0)
			view->top_row--;
		else
		{
			view->top--;
			view->top_row = view->wrap ? line_rows(view, view->top, cw) - 1 : 0;
		}
		delta++;
	}
}

/* The top that shows the last lines with the view full */
static void
scroll_to_end(TextView *view)
{
	int			rows = text_rows(view, view->height, view->width);

	view->top = view->count > 0 ? view->count - 1 : 0;
	view->top_row = view->wrap && view->count > 0 ?
		line_rows(view, view->top, content_width(view, view->width)) - 1 : 0;
	scroll_rows(view, -(rows - 1));
}

/* The view stops at its end: no page of blank rows after the last line */
static void
clamp(TextView *view)
{
	int			cw = content_width(view, view->width);
	int			rows = text_rows(view, view->height, view->width);
	int			below = 0;

	if (view->top >= view->count)
		view->top = view->count > 0 ? view->count - 1 : 0;
	for (int i = view->top; i < view->count && below <= rows; i++)
		below += view->wrap ? line_rows(view, i, cw) : 1;
	below -= view->top_row;
	if (below < rows && (view->top > 0 || view->top_row > 0))
		scroll_to_end(view);
}

bool
textview_key(TextView *view, int key)
{
	int			page = view->height > 2 ? view->height - 2 : 1;
	int			cw = content_width(view, view->width);

	if (view->height <= 0)
		view->height = LINES, view->width = COLS;
	switch (key)
	{
		case KEY_UP:
			scroll_rows(view, -1);
			break;
		case KEY_DOWN:
			scroll_rows(view, 1);
			break;
		case KEY_PPAGE:
			scroll_rows(view, -page);
			break;
		case KEY_NPAGE:
			scroll_rows(view, page);
			break;
		case KEY_HOME:
			view->top = view->top_row = view->left = 0;
			break;
		case KEY_END:
			scroll_to_end(view);
			break;
		case KEY_LEFT:
			if (view->wrap)
				return false;
			view->left = view->left > SIDEWAYS_STEP ? view->left - SIDEWAYS_STEP : 0;
			return true;
		case KEY_RIGHT:
			if (view->wrap)
				return false;
			if (view->widest - view->left > cw)
				view->left += SIDEWAYS_STEP;
			return true;
		case 'w':
			view->wrap = !view->wrap;
			view->top_row = view->left = 0;
			break;
		default:
			return false;
	}
	clamp(view);
	return true;
}

bool
textview_sideways(const TextView *view)
{
	return !view->wrap && (view->left > 0 ||
						   view->widest > content_width(view, view->width > 0 ? view->width : COLS));
}

static void
take_lines(TextView *view, WizLines *lines)
{
	for (int i = 0; i < lines->count; i++)
		textview_add(view, lines->lines[i].mark, lines->lines[i].text, NULL, 0);
	wiz_lines_free(lines);
}

void
textview_set_lines(TextView *view, WizLines *lines)
{
	int			top = view->top;
	int			left = view->left;

	textview_clear(view);
	take_lines(view, lines);
	/* a list refreshed in place (progress) keeps its place */
	view->top = top < view->count ? top : 0;
	view->top_row = 0;
	view->left = left;
}

void
textview_append_lines(TextView *view, WizLines *lines)
{
	bool		at_end;

	if (lines->count == 0)
	{
		wiz_lines_free(lines);
		return;
	}
	at_end = view->height <= 0 || view->count == 0 ||
		view->top + text_rows(view, view->height, view->width) >= view->count;
	take_lines(view, lines);
	/* a log follows its end unless the operator scrolled up */
	if (at_end && view->height > 0)
		scroll_to_end(view);
}
