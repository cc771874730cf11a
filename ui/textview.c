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
	view->cursor = 0;
	view->make_line = NULL;
	view->make_arg = NULL;
}

/* The length of text, or -1 when it holds something to escape: one pass either way */
static long
safe_length(const char *text)
{
	const unsigned char *p = (const unsigned char *) text;

	for (; *p; p++)
		if (*p < 0x20 || *p >= 0x7f)
			return -1;
	return (long) (p - (const unsigned char *) text);
}

/* Bytes in the UTF-8 sequence a lead byte starts (1 for anything else) */
static int
sequence_length(unsigned char lead)
{
	return lead >= 0xf0 && lead < 0xf8 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1;
}

/*
 * The text of a line as the wizard draws it: a byte a column, ASCII only.
 * A control or a character outside ASCII becomes its escape, styled as an
 * escape so that it stands out from text that reads the same; everything
 * else keeps its byte and its style.
 */
static void
make_safe(TextLine *line, const char *text, const unsigned char *styles)
{
	long		safe = safe_length(text);
	size_t		len = safe >= 0 ? (size_t) safe : strlen(text);
	StrBuf		out;
	unsigned char *out_styles;

	/* the common case: one pass over the text, one copy */
	if (safe >= 0)
	{
		line->text = xmalloc(len + 1);
		memcpy(line->text, text, len + 1);
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
	out_styles = xmalloc(len * 12 + 1);
	for (size_t i = 0; i < len;)
	{
		size_t		n = (size_t) sequence_length((unsigned char) text[i]);
		size_t		before = out.len;
		char		one[5];

		if (i + n > len)
			n = len - i;
		memcpy(one, text + i, n);
		one[n] = '\0';
		append_ascii_safe(&out, one);
		memset(out_styles + before, out.len - before != n ? STYLE_ESCAPE : styles ? styles[i] : STYLE_PLAIN,
			   out.len - before);
		i += n;
	}
	line->len = (int) out.len;
	line->text = strbuf_steal(&out);
	line->styles = out_styles;
}

static void
fill_line(TextLine *line, WizMark mark, const char *text, const unsigned char *styles, int number)
{
	make_safe(line, text ? text : "", styles);
	line->mark = mark;
	line->number = number;
	line->differs = false;
	for (int k = 0; line->styles && k < line->len && !line->differs; k++)
		line->differs = line->styles[k] == STYLE_DIFFERS;
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
	fill_line(line, mark, text, styles, number);
	if (line->len > view->widest)
		view->widest = line->len;
}

void
textview_set_source(TextView *view, int count, int widest, LineMaker make_line, void *arg)
{
	textview_clear(view);
	/* calloc: pages of lines never shown are never touched */
	view->lines = xcalloc((size_t) count + 1, sizeof(TextLine));
	view->count = view->capacity = count;
	view->widest = widest;
	view->make_line = make_line;
	view->make_arg = arg;
}

/* Line i, made first when it comes from a source and was never shown */
static const TextLine *
line_at(const TextView *view, int i)
{
	TextLine   *line = &view->lines[i];

	if (line->text == NULL && view->make_line)
	{
		StrBuf		text;
		const unsigned char *styles = NULL;
		WizMark		mark = MARK_PLAIN;

		strbuf_init(&text);
		view->make_line(view->make_arg, i, &text, &styles, &mark);
		fill_line(line, mark, text.data ? text.data : "", styles, 0);
		strbuf_free(&text);
	}
	return line;
}

static int
content_width(const TextView *view, int width)
{
	int			gutter = 1;

	if (view->numbered)
	{
		int			last = view->count > 0 ? line_at(view, view->count - 1)->number : 0;

		gutter = 5;
		while (last >= 10000)
		{
			gutter++;
			last /= 10;
		}
	}
	return width - gutter > 1 ? width - gutter : 1;
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
	const TextLine *line = line_at(view, i);
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

	if (view->bare)
		return height;
	for (int i = 0; i < view->count && rows <= height; i++)
		rows += view->wrap ? line_rows(view, i, cw) : 1;
	if (rows > height || (!view->wrap && view->widest > cw))
		return height - 1;
	return height;
}

static void
draw_gutter(const TextView *view, const TextLine *line, bool first_row, bool under_cursor,
			int row, int col, int gutter)
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
	else if (under_cursor)
		mvaddch(row, col, '>' | A_BOLD);
	else if (line->mark == MARK_BAD || line->differs)
		mvaddch(row, col, '!' | A_BOLD);
}

/*
 * count characters from `from`; the cursor's row is drawn reversed, whatever
 * its styles, and on to the view's width so that a short line shows it too.
 */
static void
draw_chars(const TextLine *line, int from, int count, int row, int col, int width,
		   StyleAttr attr, void *arg, bool under_cursor)
{
	int			len = line->len;
	chtype		flip = under_cursor ? A_REVERSE : 0;
	int			k;

	move(row, col);
	for (k = 0; k < count && from + k < len; k++)
	{
		TextStyle	style = line->styles ? (TextStyle) line->styles[from + k] : STYLE_PLAIN;

		addch(((chtype) (unsigned char) line->text[from + k] | attr(style, line->mark, arg)) ^ flip);
	}
	for (; under_cursor && k < width; k++)
		addch(' ' | A_REVERSE);
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
	/* plain dashes: a dump and a terminal without line drawing read them alike */
	mvhline(row, col, '-', width);
	mvaddnstr(row, col + (width > len ? width - len : 0), status, width);
}

static void follow_cursor(TextView *view);

void
textview_draw(TextView *view, int row, int col, int height, int width, StyleAttr attr, void *arg)
{
	int			cw = content_width(view, width);
	int			gutter = width - cw;
	int			rows;
	int			r = 0;
	int			last_shown = view->top;

	view->height = height;
	view->width = width;
	/* a resize or new lines may have put the cursor out of sight */
	if (view->has_cursor)
		follow_cursor(view);
	rows = text_rows(view, height, width);
	for (int i = view->top; i < view->count && r < rows; i++)
	{
		const TextLine *line = line_at(view, i);
		int			nrows = view->wrap ? line_rows(view, i, cw) : 1;
		bool		under_cursor = view->has_cursor && i == view->cursor;

		for (int sub = i == view->top && view->wrap ? view->top_row : 0; sub < nrows && r < rows; sub++, r++)
		{
			draw_gutter(view, line, sub == 0, under_cursor, row + r, col, gutter);
			if (view->wrap)
			{
				int			start = row_start(view, line, sub, cw);

				draw_chars(line, start, row_end(view, line, start, cw) - start, row + r, col + gutter,
						   cw, attr, arg, under_cursor);
			}
			else
			{
				draw_chars(line, view->left, cw, row + r, col + gutter, cw, attr, arg, under_cursor);
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

/* Rows from the top of the view to the end of line `last` */
static int
rows_through(const TextView *view, int last, int cw, int limit)
{
	int			rows = -view->top_row;

	for (int i = view->top; i <= last && rows <= limit; i++)
		rows += view->wrap ? line_rows(view, i, cw) : 1;
	return rows;
}

/* The view moves as little as it can to show the whole of the cursor's line */
static void
follow_cursor(TextView *view)
{
	int			cw = content_width(view, view->width);
	int			rows = text_rows(view, view->height, view->width);

	if (view->cursor >= view->count)
		view->cursor = view->count > 0 ? view->count - 1 : 0;
	if (view->cursor < view->top || (view->cursor == view->top && view->top_row > 0))
	{
		view->top = view->cursor;
		view->top_row = 0;
		return;
	}
	/* every line takes a row at least: no need to walk from far above */
	if (view->cursor - view->top >= rows)
	{
		view->top = view->cursor - rows + 1;
		view->top_row = 0;
	}
	while (view->top < view->cursor && rows_through(view, view->cursor, cw, rows) > rows)
		scroll_rows(view, 1);
}

void
textview_set_cursor(TextView *view, int i)
{
	view->cursor = i < 0 ? 0 : i;
	if (view->cursor >= view->count)
		view->cursor = view->count > 0 ? view->count - 1 : 0;
	if (view->height > 0)
		follow_cursor(view);
}

/* Up, Down, pages, Home and End move the cursor of a view that has one */
static bool
cursor_key(TextView *view, int key)
{
	int			page = text_rows(view, view->height, view->width) - 1;

	if (page < 1)
		page = 1;
	switch (key)
	{
		case KEY_UP:
			textview_set_cursor(view, view->cursor - 1);
			return true;
		case KEY_DOWN:
			textview_set_cursor(view, view->cursor + 1);
			return true;
		case KEY_PPAGE:
			textview_set_cursor(view, view->cursor - page);
			return true;
		case KEY_NPAGE:
			textview_set_cursor(view, view->cursor + page);
			return true;
		case KEY_HOME:
			view->left = 0;
			textview_set_cursor(view, 0);
			return true;
		case KEY_END:
			textview_set_cursor(view, view->count - 1);
			return true;
		default:
			return false;
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
	int			below;

	if (view->top >= view->count)
		view->top = view->count > 0 ? view->count - 1 : 0;
	/* the rows of the top line above the view count from the start, or a long line stops the count short */
	below = -view->top_row;
	for (int i = view->top; i < view->count && below <= rows; i++)
		below += view->wrap ? line_rows(view, i, cw) : 1;
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
	if (view->has_cursor && cursor_key(view, key))
		return true;
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
