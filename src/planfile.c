#include "config.h"

#include "planfile.h"
#include "hostport.h"
#include "termsafe.h"

#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/*
 * Header values are escaped as for a terminal: one value is always one
 * line, and the file is safe to read with cat.
 */
static void
append_escaped(StrBuf *out, const char *value)
{
	append_terminal_safe(out, value ? value : "");
}

static char *
unescape(const char *text)
{
	return terminal_unescape(text, strlen(text));
}

static void
header(StrBuf *out, const char *key, const char *value)
{
	if (value == NULL)
		return;
	strbuf_printf(out, "-- %s: ", key);
	append_escaped(out, value);
	strbuf_append_char(out, '\n');
}

/* One conninfo value, quoted for libpq */
static void
append_conninfo_value(StrBuf *out, const char *value)
{
	strbuf_append_char(out, '\'');
	for (const char *p = value; *p; p++)
	{
		if (*p == '\'' || *p == '\\')
			strbuf_append_char(out, '\\');
		strbuf_append_char(out, *p);
	}
	strbuf_append_char(out, '\'');
}

/* \connect with a conninfo string, quoted once more for psql */
static void
append_connect(StrBuf *out, const char *host, int port)
{
	StrBuf		conninfo;

	strbuf_init(&conninfo);
	strbuf_append(&conninfo, "host=");
	append_conninfo_value(&conninfo, host);
	strbuf_printf(&conninfo, " port=%d", port);
	strbuf_append(out, "\\connect -reuse-previous=on '");
	for (const char *p = conninfo.data; *p; p++)
	{
		if (*p == '\'')
			strbuf_append_char(out, '\'');
		else if (*p == '\\')
			strbuf_append_char(out, '\\');
		strbuf_append_char(out, *p);
	}
	strbuf_append(out, "'\n");
	strbuf_free(&conninfo);
}

static char *
gid_for(int group, int step)
{
	return xasprintf(RESCUE_GID_PREFIX "plan_%d_%d", group, step);
}

static void
render_group_commit(StrBuf *out, const Plan *plan, int group)
{
	strbuf_printf(out, "-- every node of atomic group %d is prepared: commit them all\n", group);
	for (int i = 0; i < plan->nsteps; i++)
	{
		const PlanStep *s = &plan->steps[i];
		char	   *gid;

		if (s->txn != STEP_TXN_ATOMIC || s->atomic_group != group)
			continue;
		gid = gid_for(group, s->number);
		append_connect(out, s->host, s->port);
		strbuf_printf(out, "COMMIT PREPARED '%s';\n", gid);
		free(gid);
	}
}

/* Everything before the first step: how to read the file, the header, checks and notes */
static void
render_header(StrBuf *out, const Plan *plan)
{
	strbuf_append(out,
				  "-- citus-rescue recovery plan\n"
				  "--\n"
				  "-- Review it, then run it with: citus-rescue apply FILE\n"
				  "-- (which re-checks the cluster, backs up the metadata, journals every\n"
				  "-- statement and can resume). In an emergency psql can run it too:\n"
				  "--   psql -X -U USER -d DBNAME -f FILE\n"
				  "--\n"
				  "-- Each step runs on the node its \\connect line names, which is the node\n"
				  "-- its \"-- on:\" line shows; apply refuses a file where they differ. Both\n"
				  "-- apply and psql run every statement that is not a comment. The lines\n"
				  "-- \"-- check:\" are apply's own queries, which psql skips: apply runs a\n"
				  "-- step's check before the step (true: already done, skipped) and after it\n"
				  "-- (false: the step failed). apply refuses a file with any line it would\n"
				  "-- not write itself outside the steps' SQL.\n"
				  "--\n");
	strbuf_printf(out, "-- format: %d\n", plan->format);
	header(out, "tool-version", plan->tool_version);
	header(out, "created", plan->created);
	header(out, "method", method_name(plan->method));
	header(out, "cim", cim_name(plan->cim));
	header(out, "target", plan->target);
	header(out, "donor", plan->donor);
	header(out, "old-coordinator", plan->old_coordinator);
	header(out, "coordinator-at", plan->coordinator_at);
	header(out, "first", plan->first);
	header(out, "dbname", plan->dbname);
	header(out, "user", plan->user);
	if (plan->accepted_lost_shards > 0)
		strbuf_printf(out, "-- accept-lost-shards: %d\n", plan->accepted_lost_shards);
	for (int i = 0; i < plan->nmaps; i++)
		header(out, "map", plan->maps[i]);
	strbuf_append(out, "--\n-- Metadata fingerprints when the plan was made (apply refuses a changed cluster):\n");
	for (int i = 0; i < plan->nnodes; i++)
	{
		StrBuf		v;

		strbuf_init(&v);
		strbuf_printf(&v, "%s group=%d %s", plan->nodes[i].label, plan->nodes[i].groupid,
					  plan->nodes[i].fingerprint);
		header(out, "node", v.data);
		strbuf_free(&v);
	}
	strbuf_append(out, "--\n-- Pre-flight checks:\n");
	for (int i = 0; i < plan->nchecks; i++)
	{
		StrBuf		v;

		strbuf_init(&v);
		strbuf_printf(&v, "%s %s: %s", check_status_name(plan->checks[i].status),
					  plan->checks[i].name, plan->checks[i].why);
		header(out, "check", v.data);
		header(out, "  fix", plan->checks[i].fix);
		strbuf_free(&v);
	}
	if (plan->nnotes)
		strbuf_append(out, "--\n-- Notes:\n");
	for (int i = 0; i < plan->nnotes; i++)
		header(out, "note", plan->notes[i]);
	if (plan->nledger)
		strbuf_append(out, "--\n-- What died with the old coordinator (item: fate; what the workers show; what to do):\n");
	for (int i = 0; i < plan->nledger; i++)
		header(out, "ledger", plan->ledger[i]);
	strbuf_append(out, "--\n\\set ON_ERROR_STOP on\n\n");
}

void
planfile_render_batch(StrBuf *out, const Plan *plan, int i)
{
	const PlanStep *s = &plan->steps[i];

	append_connect(out, s->host, s->port);
	if (s->txn != STEP_TXN_NONE)
		strbuf_append(out, "BEGIN;\n");
	strbuf_append(out, s->sql);
	if (s->txn == STEP_TXN_LOCAL)
		strbuf_append(out, "COMMIT;\n");
	else if (s->txn == STEP_TXN_ATOMIC)
	{
		char	   *gid = gid_for(s->atomic_group, s->number);

		strbuf_printf(out, "PREPARE TRANSACTION '%s';\n", gid);
		free(gid);
	}
	strbuf_printf(out, "-- end of step %d\n", s->number);
	if (plan_step_ends_group(plan, i))
	{
		strbuf_append_char(out, '\n');
		render_group_commit(out, plan, s->atomic_group);
	}
}

/* Step i: what it is and does in header lines, then its batch */
static void
render_step(StrBuf *out, const Plan *plan, int i)
{
	const PlanStep *s = &plan->steps[i];
	char		txn[32];

	strbuf_append(out, "-- ============================================================================\n");
	strbuf_printf(out, "-- step: %d of %d\n", s->number, plan->nsteps);
	header(out, "on", s->label);
	header(out, "purpose", s->purpose);
	header(out, "changes", s->changes);
	if (s->txn == STEP_TXN_ATOMIC)
		snprintf(txn, sizeof(txn), "atomic %d", s->atomic_group);
	else
		snprintf(txn, sizeof(txn), "%s", txn_name(s->txn));
	header(out, "transaction", txn);
	header(out, "confirms", s->confirms);
	header(out, "locks", s->locks);
	header(out, "check", s->check_sql);
	header(out, "undo", s->undo);
	planfile_render_batch(out, plan, i);
	strbuf_append_char(out, '\n');
}

void
planfile_render(StrBuf *out, const Plan *plan)
{
	render_header(out, plan);
	for (int i = 0; i < plan->nsteps; i++)
		render_step(out, plan, i);
	strbuf_append(out, "-- end of plan\n");
}

bool
planfile_write(const char *path, const Plan *plan, char *errbuf, size_t errlen)
{
	StrBuf		out;
	int			fd;
	bool		ok;

	strbuf_init(&out);
	planfile_render(&out, plan);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
	{
		snprintf(errbuf, errlen, "could not write \"%s\": %s", path, strerror(errno));
		strbuf_free(&out);
		return false;
	}
	ok = write(fd, out.data, out.len) == (ssize_t) out.len && fsync(fd) == 0;
	if (!ok)
		snprintf(errbuf, errlen, "could not write \"%s\": %s", path, strerror(errno));
	close(fd);
	strbuf_free(&out);
	return ok;
}

/* "-- key: value" -> value (escaped form), or NULL */
static const char *
header_value(const char *line, const char *key)
{
	size_t		len = strlen(key);

	if (strncmp(line, "-- ", 3) != 0 || strncmp(line + 3, key, len) != 0 ||
		strncmp(line + 3 + len, ": ", 2) != 0)
		return NULL;
	return line + 3 + len + 2;
}

static bool
parse_label(const char *label, char **host, int *port)
{
	char		err[128];

	return parse_host_port(label, host, port, err, sizeof(err));
}

static bool
parse_node_line(Plan *plan, const char *value)
{
	char	   *text = unescape(value);
	char	   *group = NULL;
	char	   *fp;
	PlanNode   *pn;

	/* the label may hold " group=" itself; the fingerprint never does */
	for (char *p = strstr(text, " group="); p; p = strstr(p + 1, " group="))
		group = p;

	if (group == NULL || (fp = strchr(group + 7, ' ')) == NULL)
	{
		free(text);
		return false;
	}
	*group = '\0';
	*fp = '\0';
	plan->nodes = xrealloc(plan->nodes, sizeof(PlanNode) * (size_t) (plan->nnodes + 1));
	pn = &plan->nodes[plan->nnodes];
	memset(pn, 0, sizeof(*pn));
	if (!parse_label(text, &pn->host, &pn->port))
	{
		free(text);
		return false;
	}
	pn->label = xstrdup(text);
	pn->groupid = atoi(group + 7);
	pn->fingerprint = xstrdup(fp + 1);
	plan->nnodes++;
	free(text);
	return true;
}

static bool
fail(char *errbuf, size_t errlen, int line, const char *what)
{
	snprintf(errbuf, errlen, "malformed plan file, line %d: %s", line, what);
	return false;
}

/*
 * What apply runs is what the file shows only if the file is exactly what
 * the parsed plan renders to: a line apply would ignore (a statement
 * between steps, a \connect that differs from "-- on:", a check line
 * reworded) is refused rather than run by psql and skipped by apply.
 */
static bool
matches_rendering(const char *text, const Plan *plan, char *errbuf, size_t errlen)
{
	StrBuf		rendered;
	const char *a = text;
	const char *b;
	int			lineno = 1;
	bool		same;

	strbuf_init(&rendered);
	planfile_render(&rendered, plan);
	b = rendered.data;
	same = strcmp(a, b) == 0;
	if (!same)
	{
		const char *line_b = b;
		char		what[160];

		for (; *a && *a == *b; a++, b++)
			if (*a == '\n')
			{
				lineno++;
				line_b = b + 1;
			}
		if (strncmp(line_b, "\\connect ", 9) == 0)
			snprintf(what, sizeof(what), "this \\connect line does not name the node of the step's \"-- on:\" line");
		else if (*line_b == '\0')
			snprintf(what, sizeof(what), "text after the end of the plan");
		else
			snprintf(what, sizeof(what), "this line is not one apply would write here "
					 "(only a step's SQL may be edited)");
		fail(errbuf, errlen, lineno, what);
	}
	strbuf_free(&rendered);
	return same;
}

/* A header value given once: a second one is an edit apply cannot trust. */
static bool
take_once(char **field, const char *value, const char *key, int lineno,
		  char *errbuf, size_t errlen)
{
	char		what[64];

	if (*field != NULL)
	{
		snprintf(what, sizeof(what), "a second \"%s\" line", key);
		return fail(errbuf, errlen, lineno, what);
	}
	*field = unescape(value);
	return true;
}

/* Where the parser is in the file, and where a refusal is written */
typedef struct ParseState
{
	Plan	   *plan;
	PlanStep   *step;			/* the latest step; NULL before the first */
	int			lineno;
	char	   *errbuf;
	size_t		errlen;
} ParseState;

/* Where a header key is read; elsewhere its line is not a header line */
typedef enum HeaderScope
{
	HDR_ANYWHERE,				/* outside a step's SQL */
	HDR_BEFORE_STEPS,
	HDR_IN_STEP					/* after a step line */
} HeaderScope;

typedef struct HeaderKey HeaderKey;

typedef bool (*HeaderHandler) (ParseState *ps, const HeaderKey *key, const char *value);

/*
 * A header key.  A field is a string member of the Plan, or of the
 * latest PlanStep for HDR_IN_STEP keys; its value is stored unescaped, and a
 * once-only value given twice is refused, since apply could not tell which
 * one the reviewer saw.  The handler, if any, runs after the field is
 * stored; without a field it takes the value itself.
 */
struct HeaderKey
{
	const char *key;
	HeaderScope scope;
	bool		once;
	ptrdiff_t	field;			/* offset of a char *, or NO_FIELD */
	HeaderHandler handle;
};

#define NO_FIELD ((ptrdiff_t) -1)
#define PLAN_FIELD(member) ((ptrdiff_t) offsetof(Plan, member))
#define STEP_FIELD(member) ((ptrdiff_t) offsetof(PlanStep, member))

/* Stores value in *slot as key says: once-only, or the last one wins */
static bool
store_value(ParseState *ps, const HeaderKey *key, char **slot, const char *value)
{
	if (key->once)
		return take_once(slot, value, key->key, ps->lineno, ps->errbuf, ps->errlen);
	free(*slot);
	*slot = unescape(value);
	return true;
}

static bool
take_format(ParseState *ps, const HeaderKey *key, const char *value)
{
	(void) key;
	ps->plan->format = atoi(value);
	return true;
}

static bool
take_method(ParseState *ps, const HeaderKey *key, const char *value)
{
	(void) key;
	ps->plan->method = strcmp(value, "promote") == 0 ? METHOD_PROMOTE : METHOD_NEW_NODE;
	return true;
}

static bool
take_cim(ParseState *ps, const HeaderKey *key, const char *value)
{
	(void) key;
	ps->plan->cim = strcmp(value, "include") == 0 ? CIM_INCLUDE :
		strcmp(value, "exclude") == 0 ? CIM_EXCLUDE : CIM_UNKNOWN;
	return true;
}

static bool
take_accepted_lost(ParseState *ps, const HeaderKey *key, const char *value)
{
	(void) key;
	ps->plan->accepted_lost_shards = atoi(value);
	return true;
}

static bool
take_map(ParseState *ps, const HeaderKey *key, const char *value)
{
	Plan	   *plan = ps->plan;

	(void) key;
	plan->maps = xrealloc(plan->maps, sizeof(char *) * (size_t) (plan->nmaps + 1));
	plan->maps[plan->nmaps++] = unescape(value);
	return true;
}

static bool
take_node(ParseState *ps, const HeaderKey *key, const char *value)
{
	(void) key;
	if (!parse_node_line(ps->plan, value))
		return fail(ps->errbuf, ps->errlen, ps->lineno, "bad node line");
	return true;
}

/* "STATUS NAME: WHY"; a line not of that shape is left for the rendering check to refuse */
static bool
take_preflight_check(ParseState *ps, const HeaderKey *key, const char *value)
{
	char	   *c = unescape(value);
	char	   *space = strchr(c, ' ');
	char	   *colon = space ? strstr(space, ": ") : NULL;

	(void) key;
	if (space && colon)
	{
		CheckStatus st = strncmp(c, "pass", 4) == 0 ? CHECK_PASS :
			strncmp(c, "warn", 4) == 0 ? CHECK_WARN : CHECK_FAIL;

		*colon = '\0';
		plan_add_check(ps->plan, space + 1, st, colon + 2, NULL);
	}
	free(c);
	return true;
}

/* A fix belongs to the check line above it */
static bool
take_fix(ParseState *ps, const HeaderKey *key, const char *value)
{
	Plan	   *plan = ps->plan;

	if (plan->nchecks == 0)
		return fail(ps->errbuf, ps->errlen, ps->lineno, "a fix line before any check");
	return store_value(ps, key, &plan->checks[plan->nchecks - 1].fix, value);
}

static bool
take_note(ParseState *ps, const HeaderKey *key, const char *value)
{
	char	   *n = unescape(value);

	(void) key;
	plan_add_note(ps->plan, "%s", n);
	free(n);
	return true;
}

static bool
take_ledger(ParseState *ps, const HeaderKey *key, const char *value)
{
	char	   *line = unescape(value);

	(void) key;
	plan_add_ledger_line(ps->plan, line);
	free(line);
	return true;
}

/* The step is added even when refused, so that the plan frees as usual */
static bool
take_step(ParseState *ps, const HeaderKey *key, const char *value)
{
	Plan	   *plan = ps->plan;
	int			number = atoi(value);
	bool		ok = true;

	(void) key;
	if (number != plan->nsteps + 1)
		ok = fail(ps->errbuf, ps->errlen, ps->lineno, "steps out of order");
	plan->steps = xrealloc(plan->steps, sizeof(PlanStep) * (size_t) (plan->nsteps + 1));
	ps->step = &plan->steps[plan->nsteps++];
	memset(ps->step, 0, sizeof(*ps->step));
	ps->step->number = number;
	ps->step->txn = STEP_TXN_LOCAL;
	return ok;
}

/* The "on" label is where apply connects: it must be an address */
static bool
take_step_address(ParseState *ps, const HeaderKey *key, const char *value)
{
	PlanStep   *step = ps->step;

	(void) key;
	(void) value;
	if (!parse_label(step->label, &step->host, &step->port))
		return fail(ps->errbuf, ps->errlen, ps->lineno, "bad node address");
	return true;
}

static bool
take_transaction(ParseState *ps, const HeaderKey *key, const char *value)
{
	PlanStep   *step = ps->step;

	(void) key;
	if (strncmp(value, "atomic ", 7) == 0)
	{
		step->txn = STEP_TXN_ATOMIC;
		step->atomic_group = atoi(value + 7);
	}
	else if (strcmp(value, "none") == 0)
		step->txn = STEP_TXN_NONE;
	else if (strcmp(value, "local") == 0)
		step->txn = STEP_TXN_LOCAL;
	else
		return fail(ps->errbuf, ps->errlen, ps->lineno, "unknown transaction kind");
	return true;
}

/*
 * Every header key the parser reads.  The first entry whose key and scope
 * fit a line takes it ("check" is a pre-flight check before the steps and
 * a step's check query after); a line no entry takes is left for the
 * rendering check.
 */
static const HeaderKey header_keys[] = {
	/* key, scope, once, field, handler */
	{"format", HDR_ANYWHERE, false, NO_FIELD, take_format},
	{"tool-version", HDR_ANYWHERE, true, PLAN_FIELD(tool_version), NULL},
	{"created", HDR_ANYWHERE, true, PLAN_FIELD(created), NULL},
	{"method", HDR_ANYWHERE, false, NO_FIELD, take_method},
	{"cim", HDR_ANYWHERE, false, NO_FIELD, take_cim},
	{"target", HDR_ANYWHERE, true, PLAN_FIELD(target), NULL},
	{"donor", HDR_ANYWHERE, true, PLAN_FIELD(donor), NULL},
	{"old-coordinator", HDR_ANYWHERE, true, PLAN_FIELD(old_coordinator), NULL},
	{"coordinator-at", HDR_ANYWHERE, true, PLAN_FIELD(coordinator_at), NULL},
	{"first", HDR_ANYWHERE, true, PLAN_FIELD(first), NULL},
	{"dbname", HDR_ANYWHERE, true, PLAN_FIELD(dbname), NULL},
	{"user", HDR_ANYWHERE, true, PLAN_FIELD(user), NULL},
	{"accept-lost-shards", HDR_ANYWHERE, false, NO_FIELD, take_accepted_lost},
	{"map", HDR_ANYWHERE, false, NO_FIELD, take_map},
	{"node", HDR_BEFORE_STEPS, false, NO_FIELD, take_node},
	{"check", HDR_BEFORE_STEPS, false, NO_FIELD, take_preflight_check},
	{"  fix", HDR_BEFORE_STEPS, true, NO_FIELD, take_fix},
	{"note", HDR_BEFORE_STEPS, false, NO_FIELD, take_note},
	{"ledger", HDR_BEFORE_STEPS, false, NO_FIELD, take_ledger},
	{"step", HDR_ANYWHERE, false, NO_FIELD, take_step},
	{"on", HDR_IN_STEP, true, STEP_FIELD(label), take_step_address},
	{"purpose", HDR_IN_STEP, true, STEP_FIELD(purpose), NULL},
	{"changes", HDR_IN_STEP, true, STEP_FIELD(changes), NULL},
	{"transaction", HDR_IN_STEP, false, NO_FIELD, take_transaction},
	{"confirms", HDR_IN_STEP, true, STEP_FIELD(confirms), NULL},
	{"locks", HDR_IN_STEP, true, STEP_FIELD(locks), NULL},
	{"check", HDR_IN_STEP, true, STEP_FIELD(check_sql), NULL},
	{"undo", HDR_IN_STEP, true, STEP_FIELD(undo), NULL},
};

/* The entry that takes line, with *value set to its (escaped) value; or NULL */
static const HeaderKey *
find_header_key(const ParseState *ps, const char *line, const char **value)
{
	for (size_t i = 0; i < sizeof(header_keys) / sizeof(header_keys[0]); i++)
	{
		const HeaderKey *key = &header_keys[i];

		if (key->scope == HDR_BEFORE_STEPS && ps->step != NULL)
			continue;
		if (key->scope == HDR_IN_STEP && ps->step == NULL)
			continue;
		if ((*value = header_value(line, key->key)) != NULL)
			return key;
	}
	return NULL;
}

static bool
take_header(ParseState *ps, const HeaderKey *key, const char *value)
{
	if (key->field != NO_FIELD)
	{
		char	   *holder = key->scope == HDR_IN_STEP ? (char *) ps->step : (char *) ps->plan;

		if (!store_value(ps, key, (char **) (holder + key->field), value))
			return false;
	}
	return key->handle == NULL || key->handle(ps, key, value);
}

/*
 * A step's SQL is its body without the transaction control the file
 * carries for psql: apply opens and ends the transaction itself.  The
 * body is cut in place.
 */
static bool
take_step_sql(ParseState *ps, StrBuf *body)
{
	PlanStep   *step = ps->step;
	char	   *sql = body->data;
	size_t		len = body->len;
	bool		ok = true;

	if (step->txn != STEP_TXN_NONE)
	{
		char	   *last;

		/* a body too short to hold BEGIN; must not move the cursor past its end */
		if (len < 7 || strncmp(sql, "BEGIN;\n", 7) != 0)
			ok = fail(ps->errbuf, ps->errlen, ps->lineno, "a step's batch must open with BEGIN;");
		else
		{
			sql += 7;
			len -= 7;
		}
		while (len > 0 && sql[len - 1] == '\n')
			len--;
		sql[len] = '\0';
		last = strrchr(sql, '\n');
		last = last ? last + 1 : sql;
		if (ok && !((step->txn == STEP_TXN_LOCAL && strcmp(last, "COMMIT;") == 0) ||
					(step->txn == STEP_TXN_ATOMIC &&
					 strncmp(last, "PREPARE TRANSACTION ", 20) == 0)))
			ok = fail(ps->errbuf, ps->errlen, ps->lineno, "a step's batch must end with COMMIT; or PREPARE TRANSACTION");
		*last = '\0';
	}
	step->sql = xstrdup(sql);
	return ok;
}

/* What a whole file must have, checked once every line is read */
static bool
check_complete(const char *text, Plan *plan, const ParseState *ps, bool in_body, bool seen_end)
{
	if (in_body)
		return fail(ps->errbuf, ps->errlen, ps->lineno, "the last step is cut short");
	if (!seen_end)
		return fail(ps->errbuf, ps->errlen, ps->lineno, "no \"-- end of plan\" line: the file is incomplete");
	if (plan->format != PLAN_FORMAT)
	{
		snprintf(ps->errbuf, ps->errlen, "plan file format %d is not %d", plan->format, PLAN_FORMAT);
		return false;
	}
	if (plan->first == NULL || plan->tool_version == NULL)
		return fail(ps->errbuf, ps->errlen, ps->lineno, "the header lacks first or tool-version");
	for (int i = 0; i < plan->nsteps; i++)
		if (plan->steps[i].sql == NULL)
			return fail(ps->errbuf, ps->errlen, ps->lineno, "a step has no SQL");
	return matches_rendering(text, plan, ps->errbuf, ps->errlen);
}

bool
planfile_parse(const char *text, Plan *plan, char *errbuf, size_t errlen)
{
	char	   *copy = xstrdup(text);
	char	   *save = NULL;
	char	   *line;
	ParseState	ps = {plan, NULL, 0, errbuf, errlen};
	StrBuf		body;
	bool		in_body = false;
	bool		seen_end = false;
	bool		ok = true;

	plan_init(plan);
	plan->format = 0;
	strbuf_init(&body);
	/* strtok_r would skip empty lines, which bodies may hold */
	for (line = copy; line && ok; line = save)
	{
		const HeaderKey *key;
		const char *v;
		char	   *nl = strchr(line, '\n');

		save = nl ? nl + 1 : NULL;
		if (nl)
			*nl = '\0';
		if (!nl && *line == '\0')
			break;
		ps.lineno++;

		if (in_body)
		{
			char		endmark[48];

			snprintf(endmark, sizeof(endmark), "-- end of step %d", ps.step->number);
			if (strcmp(line, endmark) != 0)
			{
				strbuf_append(&body, line);
				strbuf_append_char(&body, '\n');
				continue;
			}
			ok = take_step_sql(&ps, &body);
			strbuf_reset(&body);
			in_body = false;
		}
		else if (strcmp(line, "-- end of plan") == 0)
			seen_end = true;
		else if ((key = find_header_key(&ps, line, &v)) != NULL)
			ok = take_header(&ps, key, v);
		else if (ps.step && ps.step->sql == NULL && strncmp(line, "\\connect ", 9) == 0)
		{
			if (ps.step->host == NULL || ps.step->check_sql == NULL)
				ok = fail(errbuf, errlen, ps.lineno, "a step needs its node and check before its SQL");
			in_body = true;
		}
	}
	strbuf_free(&body);
	free(copy);
	return ok && check_complete(text, plan, &ps, in_body, seen_end);
}
