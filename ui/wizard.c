#include "config.h"

#include "clock.h"
#include "wizard.h"
#include "markup.h"
#include "runlog.h"

#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

static const WizScreen *const screens[WIZ_SCREENS] = {
	&screen_connect, &screen_discover, &screen_compare, &screen_choose,
	&screen_preflight, &screen_review, &screen_execute, &screen_verify,
};

enum
{
	PAIR_GOOD = 1,
	PAIR_WARN,
	PAIR_BAD,
	PAIR_TITLE,
	PAIR_KEYWORD,
	PAIR_LITERAL,
	PAIR_COMMENT
};

int
body_top(void)
{
	return 2;
}

int
body_rows(void)
{
	return LINES - 5;
}

static chtype
mark_attr(const Wizard *w, WizMark mark)
{
	/* without colour, bold and reverse still tell the marks apart */
	switch (mark)
	{
		case MARK_GOOD:
			return w->color ? COLOR_PAIR(PAIR_GOOD) : A_NORMAL;
		case MARK_WARNING:
			return w->color ? COLOR_PAIR(PAIR_WARN) | A_BOLD : A_BOLD;
		case MARK_BAD:
			return w->color ? COLOR_PAIR(PAIR_BAD) | A_BOLD : A_REVERSE;
		case MARK_PLAIN:
			break;
	}
	return A_NORMAL;
}

void
draw_text(Wizard *w, int row, int col, WizMark mark, const char *text)
{
	char		safe[1024];
	int			width = COLS - col;

	if (row < 0 || row >= LINES || width <= 0)
		return;
	/* curses draws these itself: only control characters need neutralising */
	terminal_safe(text, safe, sizeof(safe));
	attrset(mark_attr(w, mark));
	mvaddnstr(row, col, safe, width);
	attrset(A_NORMAL);
}

/* Breaks at the last space that fits, or mid-word when there is none */
static int
wrap_at(const char *text, int width)
{
	int			len = (int) strlen(text);
	int			cut = width;

	if (len <= width)
		return len;
	while (cut > width / 2 && text[cut] != ' ')
		cut--;
	return text[cut] == ' ' ? cut : width;
}

int
draw_wrapped(Wizard *w, int row, int col, WizMark mark, const char *text, int max_rows)
{
	char		safe[1024];
	const char *p = safe;
	int			width = COLS - col - 1;
	int			rows = 0;

	if (width < 10)
		return 0;
	terminal_safe(text, safe, sizeof(safe));
	while (*p && rows < max_rows)
	{
		int			n = wrap_at(p, width);

		attrset(mark_attr(w, mark));
		mvaddnstr(row + rows, col, p, n);
		attrset(A_NORMAL);
		p += n;
		while (*p == ' ')
			p++;
		rows++;
	}
	return rows;
}

void
set_message(Wizard *w, WizMark mark, const char *fmt,...)
{
	va_list		ap;

	va_start(ap, fmt);
	vsnprintf(w->message, sizeof(w->message), fmt, ap);
	va_end(ap);
	w->message_mark = mark;
}

void
list_clear(Wizard *w)
{
	textview_clear(&w->list);
}

void
list_set(Wizard *w, WizLines lines)
{
	textview_set_lines(&w->list, &lines);
}

void
list_append(Wizard *w, WizLines lines)
{
	textview_append_lines(&w->list, &lines);
}

chtype
wiz_style_attr(TextStyle style, WizMark mark, void *wizard)
{
	const Wizard *w = wizard;

	/* without colour, bold, underline and reverse still tell them apart */
	switch (style)
	{
		case STYLE_KEYWORD:
			return w->color ? COLOR_PAIR(PAIR_KEYWORD) | A_BOLD : A_BOLD;
		case STYLE_LITERAL:
			return w->color ? COLOR_PAIR(PAIR_LITERAL) : A_UNDERLINE;
		case STYLE_COMMENT:
			return w->color ? COLOR_PAIR(PAIR_COMMENT) : A_DIM;
		case STYLE_ESCAPE:
			return (w->color ? COLOR_PAIR(PAIR_BAD) : A_NORMAL) | A_REVERSE;
		case STYLE_DIFFERS:
			return w->color ? COLOR_PAIR(PAIR_BAD) | A_BOLD | A_UNDERLINE : A_REVERSE;
		case STYLE_PLAIN:
			break;
	}
	return mark_attr(w, mark);
}

void
view_draw(Wizard *w, TextView *view, int row, int col, int height, int width)
{
	textview_draw(view, row, col, height, width, wiz_style_attr, w);
}

void
list_draw(Wizard *w, int top_row)
{
	view_draw(w, &w->list, top_row, 0, body_top() + body_rows() - top_row, COLS);
}

void
screen_nothing(Wizard *w)
{
	(void) w;
}

void
screen_draw_list(Wizard *w)
{
	list_draw(w, body_top());
}

void
list_scroll(Wizard *w, int key)
{
	textview_key(&w->list, key);
}

void
ask_confirm(Wizard *w, const char *question, const char *expect,
			void (*then) (Wizard *w, bool confirmed))
{
	w->confirm.active = true;
	w->confirm.one_key = false;
	snprintf(w->confirm.question, sizeof(w->confirm.question), "%s", question);
	snprintf(w->confirm.expect, sizeof(w->confirm.expect), "%s", expect);
	w->confirm.typed[0] = '\0';
	w->confirm.then = then;
}

void
ask_key_confirm(Wizard *w, const char *question, void (*then) (Wizard *w, bool confirmed))
{
	ask_confirm(w, question, "", then);
	w->confirm.one_key = true;
}

static void
confirm_key(Wizard *w, int key)
{
	size_t		len = strlen(w->confirm.typed);
	bool		done = false;
	bool		yes = false;

	if (w->confirm.one_key)
	{
		done = true;
		yes = key == 'y' || key == 'Y';
	}
	else if (key == '\n' || key == '\r' || key == KEY_ENTER)
	{
		done = true;
		/* an empty expectation asks for free text, read from confirm.typed */
		yes = w->confirm.expect[0] == '\0' || strcmp(w->confirm.typed, w->confirm.expect) == 0;
	}
	else if (key == 27 || key == 3)
		done = true;
	else if ((key == KEY_BACKSPACE || key == 127 || key == 8) && len > 0)
		w->confirm.typed[len - 1] = '\0';
	else if (key >= 32 && key < 127 && len + 1 < sizeof(w->confirm.typed))
	{
		w->confirm.typed[len] = (char) key;
		w->confirm.typed[len + 1] = '\0';
	}
	if (done)
	{
		char		answer[2] = {(char) key, '\0'};

		runlog_typed(w->confirm.question, w->confirm.one_key ? (key >= 32 && key < 127 ? answer : "(a key)") :
					 key == 27 || key == 3 ? "(cancelled)" : w->confirm.typed);
		w->confirm.active = false;
		w->confirm.then(w, yes);
	}
}

/* ---- fields ---- */

void
fields_clear(Wizard *w)
{
	for (int i = 0; i < w->nfields; i++)
		if (w->fields[i])
			destroyCDKEntry(w->fields[i]);
	w->nfields = 0;
	w->focus = 0;
}

void
field_add(Wizard *w, int row, const char *label, const char *value, bool hidden)
{
	CDKENTRY   *e;
	char		safe_label[64];

	if (w->nfields >= WIZ_MAX_FIELDS)
		return;
	cdk_safe(label, safe_label, sizeof(safe_label));
	e = newCDKEntry(w->cdk, 2, row, NULL, safe_label, A_UNDERLINE, '_',
					hidden ? vHMIXED : vMIXED, 40, 0, 255, FALSE, FALSE);
	/* a terminal too small gives no widget: the wizard says so elsewhere */
	if (e == NULL)
		return;
	if (hidden)
		setCDKEntryHiddenChar(e, '*');
	setCDKEntryValue(e, value ? value : "");
	w->fields[w->nfields++] = e;
}

void
field_value(Wizard *w, int i, char *out, size_t outlen)
{
	const char *v = i < w->nfields && w->fields[i] ? getCDKEntryValue(w->fields[i]) : NULL;

	snprintf(out, outlen, "%s", v ? v : "");
}

bool
field_key(Wizard *w, int key)
{
	CDKENTRY   *e;

	if (w->nfields == 0)
		return false;
	if (key == '\t' || key == KEY_DOWN)
	{
		w->focus = (w->focus + 1) % w->nfields;
		return true;
	}
	if (key == KEY_BTAB || key == KEY_UP)
	{
		w->focus = (w->focus + w->nfields - 1) % w->nfields;
		return true;
	}
	e = w->fields[w->focus];
	if (key == KEY_BACKSPACE || key == 127 || key == 8 || key == KEY_DC ||
		key == KEY_LEFT || key == KEY_RIGHT || key == KEY_HOME || key == KEY_END ||
		(key >= 32 && key < 127))
	{
		/* injectCDKEntry would treat these as the end of editing */
		if (key == 127 || key == 8)
			key = KEY_BACKSPACE;
		injectCDKEntry(e, (chtype) key);
		return true;
	}
	return false;
}

static void
fields_mark_focus(Wizard *w)
{
	if (w->nfields > 0)
		mvaddstr(getbegy(w->fields[w->focus]->win), 0, ">");
}

/* CDK entries live in windows of their own, drawn over stdscr */
void
fields_draw(Wizard *w)
{
	for (int i = 0; i < w->nfields; i++)
	{
		touchwin(w->fields[i]->win);
		drawCDKEntry(w->fields[i], FALSE);
		wnoutrefresh(w->fields[i]->win);
	}
}

/* ---- the frame ---- */

/* The help is a view of its own: it wraps, and scrolls on a small screen */
static void
open_help(Wizard *w)
{
	textview_clear(&w->help_view);
	w->help_view.wrap = true;
	textview_add(&w->help_view, MARK_WARNING, "Keys (Esc or F1 closes this help):", NULL, 0);
	textview_add(&w->help_view, MARK_PLAIN, "", NULL, 0);
	for (int c = 0; c < CMD_NONE; c++)
	{
		char		line[200];

		snprintf(line, sizeof(line), "  %-20s %s", wiz_command_key((WizCommand) c),
				 wiz_command_help((WizCommand) c));
		textview_add(&w->help_view, MARK_PLAIN, line, NULL, 0);
	}
	w->help = true;
}

static void
draw_help(Wizard *w)
{
	view_draw(w, &w->help_view, body_top(), 1, body_rows(), COLS - 1);
}

static void
draw_frame(Wizard *w)
{
	const WizScreen *s = screens[w->screen];
	char		title[200];
	int			col = 1;

	erase();
	snprintf(title, sizeof(title), " citus-rescue  %s|  step %d/%d: %s",
			 wiz_simulation(w->backend) ? "SIMULATION  " : "", w->screen + 1, WIZ_SCREENS, s->title);
	attrset(w->color ? COLOR_PAIR(PAIR_TITLE) | A_BOLD : A_REVERSE);
	mvhline(0, 0, ' ', COLS);
	mvaddnstr(0, 0, title, COLS);
	attrset(A_NORMAL);
	if (w->help)
		draw_help(w);
	else
		s->draw(w);
	if (w->confirm.active)
	{
		char		line[300];

		snprintf(line, sizeof(line), "%s %s%s", w->confirm.question, w->confirm.typed,
				 w->confirm.one_key ? "" : "_");
		mvhline(LINES - 3, 0, ' ', COLS);
		mvhline(LINES - 2, 0, ' ', COLS);
		draw_wrapped(w, LINES - 3, 1, MARK_WARNING, line, 2);
	}
	else if (w->message[0])
		draw_wrapped(w, LINES - 3, 1, w->message_mark, w->message, 2);
	attrset(A_REVERSE);
	mvhline(LINES - 1, 0, ' ', COLS);
	for (const WizCommand *h = s->hints; *h != CMD_NONE && col < COLS - 10; h++)
	{
		char		hint[64];

		snprintf(hint, sizeof(hint), " %s ", wiz_command_key(*h));
		mvaddnstr(LINES - 1, col, hint, COLS - col);
		col += (int) strlen(hint) + 1;
	}
	mvaddnstr(LINES - 1, col, " F1 help ", COLS - col);
	attrset(A_NORMAL);
}

static void
draw_too_small(void)
{
	erase();
	mvaddnstr(0, 0, "citus-rescue needs a terminal of at least 80x24.", COLS);
	mvaddnstr(1, 0, "Make the window larger; the wizard waits.", COLS);
}

static void
go(Wizard *w, int screen)
{
	screens[w->screen]->leave(w);
	w->message[0] = '\0';
	w->screen = screen;
	w->started = false;
	list_clear(w);
	/* each screen starts from a plain list: tables scroll sideways; screens of prose and SQL turn wrapping on */
	w->list.wrap = false;
	w->list.numbered = false;
	w->list.has_cursor = false;
	w->list.bare = false;
	screens[w->screen]->enter(w);
}

/* Resize is a command: the widgets are torn down and built again */
static void
rebuild(Wizard *w)
{
	screens[w->screen]->leave(w);
	w->too_small = LINES < WIZ_MIN_ROWS || COLS < WIZ_MIN_COLS;
	if (w->too_small)
		return;
	screens[w->screen]->enter(w);
}

static void
quit_answer(Wizard *w, bool yes)
{
	if (yes)
		w->quit = true;
}

/*
 * q (where no field takes it) and Ctrl-C leave after one key, or at once
 * when the recovery is verified and nothing is left to lose.  A running
 * apply is stopped with Ctrl-C on its own screen, never by quitting under it.
 */
static void
ask_to_leave(Wizard *w, WizCommand command)
{
	if (!(command == CMD_QUIT && w->nfields == 0) && command != CMD_CANCEL)
		return;
	if (wiz_job(w->backend) == WIZ_JOB_APPLY && !wiz_job_done(w->backend))
		set_message(w, MARK_WARNING, "The plan is running: Ctrl-C stops it after the step under way; then q quits.");
	else if (wiz_recovery_verified(w->backend))
		w->quit = true;
	else
		ask_key_confirm(w, "Quit citus-rescue? y/n", quit_answer);
}

static void
handle_key(Wizard *w, int key)
{
	WizCommand	command = wiz_command_for_key(key);
	WizMove		move;

	if (key == KEY_RESIZE)
	{
		rebuild(w);
		return;
	}
	if (w->too_small)
		return;
	if (w->confirm.active)
	{
		confirm_key(w, key);
		return;
	}
	if (w->help)
	{
		if (command == CMD_HELP || command == CMD_BACK || command == CMD_NEXT)
			w->help = false;
		else if (command == CMD_SCROLL)
			textview_key(&w->help_view, key);
		return;
	}
	if (key == KEY_F(1) || (key == '?' && w->nfields == 0))
	{
		open_help(w);
		return;
	}
	move = screens[w->screen]->key(w, key, command);
	if (move == MOVE_NEXT && w->screen + 1 < WIZ_SCREENS)
		go(w, w->screen + 1);
	else if (move == MOVE_BACK && w->screen > 0)
		go(w, w->screen - 1);
	else if (move == MOVE_STAY && !w->confirm.active)
		ask_to_leave(w, command);
}

/* ---- headless: a key script in, screens dumped out ---- */

static int
key_by_name(const char *name)
{
	static const struct
	{
		const char *name;
		int			key;
	}			names[] = {
		{"ENTER", '\n'}, {"TAB", '\t'}, {"BTAB", KEY_BTAB}, {"ESC", 27},
		{"UP", KEY_UP}, {"DOWN", KEY_DOWN}, {"LEFT", KEY_LEFT}, {"RIGHT", KEY_RIGHT},
		{"PGUP", KEY_PPAGE}, {"PGDN", KEY_NPAGE}, {"HOME", KEY_HOME}, {"END", KEY_END},
		{"BACKSPACE", KEY_BACKSPACE}, {"F1", KEY_F(1)}, {"F2", KEY_F(2)}, {"F3", KEY_F(3)},
		{"CTRL-C", 3}, {"SPACE", ' '},
		{"RESIZE", KEY_RESIZE},
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(names[i].name, name) == 0)
			return names[i].key;
	return name[0] && !name[1] ? (unsigned char) name[0] : -1;
}

static void
dump_text(FILE *f)
{
	for (int r = 0; r < LINES; r++)
	{
		char		line[1024];
		int			n = mvwinnstr(curscr, r, 0, line, COLS < 1023 ? COLS : 1023);

		if (n < 0)
			n = 0;
		line[n] = '\0';
		while (n > 0 && line[n - 1] == ' ')
			line[--n] = '\0';
		fprintf(f, "%s\n", line);
	}
}

/* An attribute as words: "pair 2 bold", or "normal" */
static void
attr_words(chtype attr, char *out, size_t outlen)
{
	static const struct
	{
		chtype		bit;
		const char *name;
	}			names[] = {
		{A_BOLD, "bold"}, {A_UNDERLINE, "underline"}, {A_REVERSE, "reverse"}, {A_DIM, "dim"},
		{A_STANDOUT, "standout"}, {A_BLINK, "blink"},
	};
	size_t		len = 0;

	out[0] = '\0';
	if (PAIR_NUMBER(attr) != 0)
		len += (size_t) snprintf(out + len, outlen - len, "pair %d ", (int) PAIR_NUMBER(attr));
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]) && len < outlen; i++)
		if (attr & names[i].bit)
			len += (size_t) snprintf(out + len, outlen - len, "%s ", names[i].name);
	if (len == 0)
		snprintf(out, outlen, "normal");
	else
		out[len - 1] = '\0';
}

/*
 * Each row's runs of one attribute other than normal: "row 3: 0-5 bold;
 * 6-20 pair 2": what colour, bold and reverse do to a screen, as text a
 * golden file can hold.
 */
static void
dump_attributes(FILE *f)
{
	for (int r = 0; r < LINES; r++)
	{
		bool		any = false;
		int			c = 0;

		while (c < COLS)
		{
			chtype		attr = mvwinch(curscr, r, c) & (A_ATTRIBUTES & ~A_ALTCHARSET);
			int			end = c + 1;
			char		words[96];

			while (end < COLS && (mvwinch(curscr, r, end) & (A_ATTRIBUTES & ~A_ALTCHARSET)) == attr)
				end++;
			if (attr != A_NORMAL)
			{
				attr_words(attr, words, sizeof(words));
				fprintf(f, "%s%d-%d %s", any ? "; " : "", c, end - 1, words);
				if (!any)
					any = true;
			}
			c = end;
		}
		if (any)
			fprintf(f, "  (row %d)\n", r);
	}
}

static void
dump_screen(const char *dir, const char *name)
{
	char		path[4096];
	FILE	   *f;

	snprintf(path, sizeof(path), "%s/%s.txt", dir, name);
	f = fopen(path, "w");
	if (f == NULL)
		return;
	dump_text(f);
	fclose(f);
	snprintf(path, sizeof(path), "%s/%s.attr", dir, name);
	f = fopen(path, "w");
	if (f == NULL)
		return;
	dump_attributes(f);
	fclose(f);
}

static void
refresh_all(Wizard *w)
{
	if (w->too_small)
		draw_too_small();
	else
	{
		draw_frame(w);
		if (!w->help)
			fields_mark_focus(w);
	}
	wnoutrefresh(stdscr);
	if (!w->too_small && !w->help)
		fields_draw(w);
	doupdate();
}

static void
tick(Wizard *w)
{
	WizMove		move;

	if (w->too_small)
		return;
	screens[w->screen]->tick(w);
	move = w->pending_move;
	w->pending_move = MOVE_STAY;
	if (move == MOVE_NEXT && w->screen + 1 < WIZ_SCREENS)
		go(w, w->screen + 1);
	else if (move == MOVE_BACK && w->screen > 0)
		go(w, w->screen - 1);
}

static void
wait_job(Wizard *w, int seconds)
{
	for (int i = 0; i < seconds * 20; i++)
	{
		tick(w);
		if (wiz_job_done(w->backend) || wiz_job(w->backend) == WIZ_JOB_NONE)
			break;
		napms(50);
	}
	tick(w);
}

/*
 * With CITUS_RESCUE_KEY_TIMES set, each key of the script is timed from
 * the key to the finished redraw and written as "LABEL<tab>microseconds",
 * LABEL being the last "label" line of the script: the benchmarks' figures.
 */
typedef struct KeyTimes
{
	FILE	   *out;
	char		label[64];
} KeyTimes;

static void
timed_key(Wizard *w, KeyTimes *times, int key)
{
	int64_t		start = monotonic_us();

	handle_key(w, key);
	tick(w);
	refresh_all(w);
	if (times->out)
		fprintf(times->out, "%s\t%" PRId64 "\n", times->label, monotonic_us() - start);
}

static void
script_sleep(Wizard *w, int ms)
{
	for (; ms > 0; ms -= 50)
	{
		tick(w);
		napms(50);
	}
}

static void
script_resize(Wizard *w, const char *size)
{
	int			cols = 0;
	int			rows = 0;

	if (sscanf(size, "%dx%d", &cols, &rows) == 2)
	{
		resizeterm(rows, cols);
		handle_key(w, KEY_RESIZE);
	}
}

static void
run_script_line(Wizard *w, KeyTimes *times, char *line, const char *dump_dir)
{
	char	   *arg = strchr(line, ' ');

	if (arg)
		*arg++ = '\0';
	if (strcmp(line, "text") == 0 && arg)
		for (char *p = arg; *p; p++)
			timed_key(w, times, (unsigned char) *p);
	else if (strcmp(line, "key") == 0 && arg)
		timed_key(w, times, key_by_name(arg));
	else if (strcmp(line, "wait") == 0)
		wait_job(w, arg ? atoi(arg) : 120);
	else if (strcmp(line, "sleep") == 0 && arg)
		script_sleep(w, atoi(arg));
	else if (strcmp(line, "resize") == 0 && arg)
		script_resize(w, arg);
	else if (strcmp(line, "label") == 0 && arg)
		snprintf(times->label, sizeof(times->label), "%s", arg);
	else if (strcmp(line, "dump") == 0 && arg && dump_dir)
	{
		tick(w);
		refresh_all(w);
		dump_screen(dump_dir, arg);
	}
}

static void
run_script(Wizard *w, FILE *script, const char *dump_dir)
{
	char		line[1024];
	KeyTimes	times = {NULL, "keys"};
	const char *times_path = getenv("CITUS_RESCUE_KEY_TIMES");

	if (times_path)
		times.out = fopen(times_path, "w");
	while (!w->quit && fgets(line, sizeof(line), script))
	{
		line[strcspn(line, "\n")] = '\0';
		if (line[0] == '#' || line[0] == '\0')
			continue;
		run_script_line(w, &times, line, dump_dir);
		tick(w);
		refresh_all(w);
	}
	if (times.out)
		fclose(times.out);
}

/* The terminal the wizard draws on: a real one, or a headless one read from a key script. */
typedef struct Terminal
{
	FILE	   *script;
	SCREEN	   *term;
	FILE	   *null_out;
	FILE	   *null_in;
} Terminal;

static bool
open_terminal(Wizard *w, Terminal *t, const char *script_path)
{
	memset(t, 0, sizeof(*t));
	if (!w->headless)
	{
		/* before initscr, so that curses keeps its hands off them */
		wiz_catch_signals();
		initscr();
		return true;
	}
	t->script = fopen(script_path, "r");
	if (t->script == NULL)
	{
		fprintf(stderr, "citus-rescue: could not read key script \"%s\": %s\n", script_path, strerror(errno));
		return false;
	}
	/* a terminal of the size asked, drawn to nowhere, read from the script */
	t->null_out = fopen("/dev/null", "w");
	t->null_in = fopen("/dev/null", "r");
	t->term = newterm(getenv("TERM") ? getenv("TERM") : "xterm", t->null_out, t->null_in);
	if (t->term == NULL)
		t->term = newterm("xterm", t->null_out, t->null_in);
	if (t->term == NULL)
	{
		fprintf(stderr, "citus-rescue: no terminal description for headless mode\n");
		return false;
	}
	set_term(t->term);
	return true;
}

static void
close_terminal(Terminal *t)
{
	/*
	 * The stop signals keep their handlers (which only take note) until the
	 * process ends: the hang-up of a closed terminal can arrive after the
	 * wizard saw its reads fail, and must not kill it before the apply it
	 * stopped has ended its step and the exit status is known.
	 */
	if (t->term)
		delscreen(t->term);
	if (t->script)
		fclose(t->script);
	if (t->null_out)
		fclose(t->null_out);
	if (t->null_in)
		fclose(t->null_in);
}

static void
setup_curses(Wizard *w)
{
	raw();
	noecho();
	keypad(stdscr, TRUE);
	set_escdelay(50);
	curs_set(0);
	w->color = has_colors() && getenv("NO_COLOR") == NULL;
	if (w->color)
	{
		start_color();
		use_default_colors();
		init_pair(PAIR_GOOD, COLOR_GREEN, -1);
		init_pair(PAIR_WARN, COLOR_YELLOW, -1);
		init_pair(PAIR_BAD, COLOR_RED, -1);
		init_pair(PAIR_TITLE, COLOR_WHITE, COLOR_BLUE);
		init_pair(PAIR_KEYWORD, COLOR_CYAN, -1);
		init_pair(PAIR_LITERAL, COLOR_MAGENTA, -1);
		init_pair(PAIR_COMMENT, COLOR_YELLOW, -1);
	}
	w->cdk = initCDKScreen(stdscr);
	/* CDK turns cbreak back on; Ctrl-C must reach the wizard as a key, not a signal */
	raw();
}

/*
 * A terminal that went away without a hang-up signal (the wizard was not
 * its session's leader) reads as no key, at once and for ever: without
 * this the loop would spin.  Leaving is then as after SIGHUP: a running
 * apply ends its step first.
 */
static bool
terminal_gone(void)
{
	struct termios settings;

	return tcgetattr(STDIN_FILENO, &settings) != 0 && errno != EINTR;
}

/* Keys from the terminal until the operator quits or a signal ends the wizard. */
static void
run_keyboard(Wizard *w)
{
	bool		lost = false;

	timeout(100);
	while (!w->quit)
	{
		int			key;

		/* a hang-up, a kill or a lost terminal: a running apply ends its step first, then the wizard goes */
		if ((wiz_stop_signalled() || lost) &&
			(wiz_job(w->backend) != WIZ_JOB_APPLY || wiz_job_done(w->backend)))
			break;
		if (lost)
		{
			napms(100);
			continue;
		}
		tick(w);
		refresh_all(w);
		key = getch();
		if (key != ERR)
			handle_key(w, key);
		else if (terminal_gone())
		{
			lost = true;
			wiz_apply_request_stop(w->backend);
		}
	}
}

int
wizard_run(const ConnOptions *options, const WizChoices *choices, const char *workdir)
{
	Wizard		w;
	Terminal	t;
	const char *script_path = getenv("CITUS_RESCUE_KEYS");
	int			code;

	memset(&w, 0, sizeof(w));
	wiz_connect_prefill(options, &w.connect);
	w.choices = *choices;
	w.backend = wiz_backend_new(options);
	wiz_set_workdir(w.backend, workdir);
	w.headless = script_path != NULL;
	if (!open_terminal(&w, &t, script_path))
	{
		close_terminal(&t);
		wiz_backend_free(w.backend);
		return 1;
	}
	setup_curses(&w);
	w.too_small = LINES < WIZ_MIN_ROWS || COLS < WIZ_MIN_COLS;
	if (!w.too_small)
		screens[0]->enter(&w);
	if (w.headless)
		run_script(&w, t.script, getenv("CITUS_RESCUE_SCREENS"));
	else
		run_keyboard(&w);

	screens[w.screen]->leave(&w);
	list_clear(&w);
	textview_clear(&w.help_view);
	destroyCDKScreen(w.cdk);
	endwin();
	close_terminal(&t);
	/* an apply left running ends its step first, and its outcome counts */
	wiz_backend_stop(w.backend);
	code = wiz_exit_code(w.backend);
	wiz_backend_free(w.backend);
	return code;
}
