/* plan, apply, verify and recover: the command-line face of the engine. */
#include "config.h"

#include "apply.h"
#include "cli.h"
#include "colour.h"
#include "discover.h"
#include "engine.h"
#include "events_json.h"
#include "exitcodes.h"
#include "journal.h"
#include "lostshards.h"
#include "plan.h"
#include "plan_json.h"
#include "planfile.h"
#include "planner.h"
#include "prompt.h"
#include "report.h"
#include "verify.h"
#include "verify_json.h"
#include "verify_record.h"

#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void
print_safe(FILE *out, const char *prefix, const char *text)
{
	StrBuf		shown;

	strbuf_init(&shown);
	append_terminal_safe(&shown, text);
	fprintf(out, "%s%s\n", prefix, shown.data);
	strbuf_free(&shown);
}

static void
print_checks(FILE *out, const Plan *plan)
{
	fprintf(out, "Pre-flight checks:\n");
	for (int i = 0; i < plan->nchecks; i++)
	{
		const PreflightCheck *c = &plan->checks[i];
		ColourRole	role = colour_of_check(c->status);
		char	   *line = xasprintf("%s: %s", c->name, c->why);

		fprintf(out, "  %s%-4s%s  ", colour_start(out, role), check_status_name(c->status),
				colour_end(out, role));
		print_safe(out, "", line);
		if (c->fix)
			print_safe(out, "          fix: ", c->fix);
		free(line);
	}
	for (int i = 0; i < plan->nnotes; i++)
		print_safe(out, "  note: ", plan->notes[i]);
}

static void
print_steps(FILE *out, const Plan *plan, bool with_sql)
{
	if (plan->nsteps == 0)
		return;
	fprintf(out, "\nPlan: %s, CIM %s, %d steps:\n", method_name(plan->method),
			cim_name(plan->cim), plan->nsteps);
	for (int i = 0; i < plan->nsteps; i++)
	{
		const PlanStep *s = &plan->steps[i];
		char	   *head = xasprintf("  %d. on %s (%s): %s", s->number, s->label,
									 s->txn == STEP_TXN_ATOMIC ? "all-or-nothing with the others of its group" :
									 s->txn == STEP_TXN_NONE ? "no transaction" : "one transaction",
									 s->purpose);

		print_safe(out, "", head);
		free(head);
		if (with_sql)
		{
			char	   *sql = xstrdup(s->sql);

			for (char *line = sql; line && *line;)
			{
				char	   *nl = strchr(line, '\n');

				if (nl)
					*nl = '\0';
				print_safe(out, "       | ", line);
				line = nl ? nl + 1 : NULL;
			}
			free(sql);
		}
	}
}

/* An error the plan-file code wrote as text, printed in PostgreSQL's shape */
static void
print_error_text(const char *message)
{
	PgError		error = {0};

	pgerror_set(&error, NULL, message, NULL, NULL);
	pgerror_print(stderr, &error);
	pgerror_clear(&error);
}

/*
 * Where a command's words go.  As text: progress on stdout, errors on
 * stderr.  With --progress=json, stdout carries only the JSON lines: the
 * errors and the lines a person would read become events too.
 */
typedef struct Output
{
	bool		json;
	JsonEventStream stream;
	EventSink	progress;
	EventSink	errors;
} Output;

static void
output_init(Output *out, bool json)
{
	out->json = json;
	if (json)
	{
		colour_stdout_off();
		json_events_init(&out->stream, stdout);
		out->progress = event_sink_json(&out->stream);
		out->errors = out->progress;
	}
	else
	{
		out->progress = event_sink_file(stdout);
		out->errors = event_sink_file(stderr);
	}
}

static void say(Output *out, NoteLevel level, const char *fmt,...) __attribute__((format(printf, 3, 4)));

/* A line for the operator: printed (terminal-safe), or a note event */
static void
say(Output *out, NoteLevel level, const char *fmt,...)
{
	va_list		ap;
	char	   *line;

	va_start(ap, fmt);
	line = xvasprintf(fmt, ap);
	va_end(ap);
	if (out->json)
		event_note(&out->progress, level, "%s", line);
	else
		print_safe(stdout, "", line);
	free(line);
}

static void
output_error(Output *out, const PgError *error)
{
	if (out->json)
		event_refusal(&out->errors, error);
	else
		pgerror_print(stderr, error);
}

/* The last word of a JSON stream: the exit code the process returns */
static int
output_finish(Output *out, int code)
{
	if (code < 0)
		code = EXIT_CODE_OK;
	if (out->json && !out->stream.finished)
		json_events_finished(&out->stream, code);
	return code;
}

/* The engine's plan, with the terminal's password prompt; errors reported. */
static int
make_plan(ConnOptions *opts, PlanChoices *choices, ClusterSnapshot *snap, Plan *plan,
		  SessionPool *keep, Output *out, PgError *error)
{
	DiscoverHooks hooks = {.ask_password = prompt_password, .keep = keep};
	int			code = engine_plan(opts, choices, &hooks, snap, plan, error);

	if (error->message)
		output_error(out, error);
	return code;
}

/* ---- plan ---------------------------------------------------------------- */

typedef struct PlanArgs
{
	char	   *output;
	bool		json;
} PlanArgs;

static int
plan_extra(int opt, const char *arg, void *state)
{
	PlanArgs   *args = state;

	if (opt == 'o' || opt == OPT_OUTPUT)
	{
		free(args->output);
		args->output = xstrdup(arg);
		return 1;
	}
	if (opt == OPT_JSON)
	{
		args->json = true;
		return 1;
	}
	return 0;
}

static void
plan_usage(FILE *out)
{
	fprintf(out,
			"citus-rescue plan discovers the cluster, runs the pre-flight checks and writes\n"
			"the recovery plan to a file for review.  It changes nothing.\n"
			"\n"
			"Usage:\n"
			"  citus-rescue plan [OPTION]... (--new-coordinator=HOST:PORT | --promote=HOST:PORT) -o FILE\n"
			"\n"
			"  -o, --output=FILE        where to write the plan (optional with --json)\n"
			"      --json               print the checks and the plan as JSON instead\n"
			"                           (see citus-rescue-json(7)); -o still writes the file\n"
			"\n"
			PLAN_OPTIONS_HELP
			"\n"
			CONNECTION_OPTIONS_HELP
			"\n"
			"Exit status: 0 the plan passed every pre-flight check, 10 a check failed\n"
			"(the file says which and how to fix it), 2 bad usage, 3 the first node\n"
			"could not be used.\n"
			"PG_COLOR (always, auto, never) and NO_COLOR say whether to colour.\n");
}

/* plan's last words for people, once the file is written: what to do next */
static void
plan_print_next(const char *output, int code)
{
	char	   *line = code == EXIT_CODE_OK ?
		xasprintf("Plan written to %s. Review it, then run: citus-rescue apply %s", output, output) :
		xasprintf("A pre-flight check failed: the plan in %s has no steps. Fix the failures and plan again.",
				  output);

	printf("\n");
	print_safe(stdout, "", line);
	free(line);
}

/* plan --json when no plan could be made: the document says why */
static void
plan_print_json_error(int code, const PgError *error)
{
	StrBuf		doc;
	JsonWriter	w;

	strbuf_init(&doc);
	json_init(&w, &doc);
	json_begin_object(&w, NULL);
	json_int(&w, "format", JSON_FORMAT);
	json_string(&w, "tool_version", PACKAGE_VERSION);
	json_int(&w, "exit_code", code);
	json_string(&w, "outcome", exit_code_outcome(code));
	json_null(&w, "plan_file");
	json_pgerror(&w, "error", error);
	json_null(&w, "plan");
	json_end_object(&w);
	fputs(doc.data, stdout);
	strbuf_free(&doc);
}

static void
plan_print_json(const Plan *plan, int code, const char *output)
{
	StrBuf		doc;

	strbuf_init(&doc);
	plan_json_document(&doc, plan, code, output);
	fputs(doc.data, stdout);
	strbuf_free(&doc);
}

int
cmd_plan(int argc, char **argv)
{
	static const struct option long_options[] = {
		CONNECTION_LONG_OPTIONS,
		PLAN_LONG_OPTIONS,
		{"output", required_argument, NULL, OPT_OUTPUT},
		{"json", no_argument, NULL, OPT_JSON},
		{NULL, 0, NULL, 0}
	};
	ConnOptions opts;
	PlanChoices choices = {0};
	PlanArgs	args = {0};
	ClusterSnapshot snap;
	Plan		plan;
	Output		out;
	PgError		error = {0};
	char		errbuf[512];
	int			code;

	connopts_init(&opts);
	memset(&snap, 0, sizeof(snap));
	plan_init(&plan);
	code = cli_parse(argc, argv, long_options, &opts, &choices, plan_extra, &args,
						plan_usage, "plan", 0);
	if (code != EXIT_CODE_OK)
		goto out;
	if (args.output == NULL && !args.json)
	{
		cli_error("give the plan file with -o FILE");
		code = EXIT_CODE_BAD_USAGE;
		goto out;
	}
	/* errors as text on stderr in both modes: the document is for the plan */
	output_init(&out, false);
	if (args.json)
		colour_stdout_off();
	code = make_plan(&opts, &choices, &snap, &plan, NULL, &out, &error);
	if (code != EXIT_CODE_OK && code != EXIT_CODE_ABORTED)
	{
		if (args.json)
			plan_print_json_error(code, &error);
		goto out;
	}
	/* the checks are shown even when the file cannot be written */
	if (!args.json)
	{
		print_checks(stdout, &plan);
		print_steps(stdout, &plan, false);
	}
	if (args.output && !planfile_write(args.output, &plan, errbuf, sizeof(errbuf)))
	{
		print_error_text(errbuf);
		pgerror_set(&error, NULL, errbuf, NULL, NULL);
		code = EXIT_CODE_INTERNAL;
		if (args.json)
			plan_print_json_error(code, &error);
		goto out;
	}
	if (args.json)
		plan_print_json(&plan, code, args.output);
	else
		plan_print_next(args.output, code);
out:
	pgerror_clear(&error);
	if (code < 0)
		code = EXIT_CODE_OK;
	snapshot_free(&snap);
	plan_free(&plan);
	plan_choices_free(&choices);
	connopts_free(&opts);
	free(args.output);
	return code;
}

/* ---- apply ----------------------------------------------------------------- */

typedef struct ApplyArgs
{
	char	   *workdir;
	bool		workdir_given;
	bool		yes;
	bool		move_shard;
	bool		json;			/* verify --json, or --progress=json */
	SessionPool *keep;			/* recover: the sessions one phase leaves the next */
	ClusterSnapshot planned;	/* recover: what planning read, for the gates to expect */
} ApplyArgs;

static int
apply_extra(int opt, const char *arg, void *state)
{
	ApplyArgs  *args = state;

	switch (opt)
	{
		case OPT_WORKDIR:
			free(args->workdir);
			args->workdir = xstrdup(arg);
			args->workdir_given = true;
			return 1;
		case OPT_YES:
		case 'y':
			args->yes = true;
			return 1;
		case OPT_MOVE_SHARD:
			args->move_shard = true;
			return 1;
		case OPT_JSON:
			args->json = true;
			return 1;
		case OPT_PROGRESS:
			if (strcmp(arg, "json") != 0 && strcmp(arg, "text") != 0)
			{
				cli_error("invalid value \"%s\" for --progress: use text or json", arg);
				return -1;
			}
			args->json = strcmp(arg, "json") == 0;
			return 1;
		default:
			return 0;
	}
}

/* Once the steps are done, what the operator accepted to lose, again */
static void
print_lost_rows(Output *out, const Plan *plan)
{
	if (plan->accepted_lost_shards <= 0)
		return;
	say(out, NOTE_WARNING, "%d shards were recreated empty; their rows are lost:", plan->accepted_lost_shards);
	for (int i = 0; i < plan->nnotes; i++)
		if (strncmp(plan->notes[i], LOST_ROWS_NOTE, strlen(LOST_ROWS_NOTE)) == 0)
			say(out, NOTE_WARNING, "  %s", plan->notes[i]);
}

/* apply_plan with the terminal's prompts and signal handling */
static int
run_apply(const Plan *plan, const char *text, ConnOptions *opts, ApplyArgs *args, Output *out)
{
	DiscoverHooks hooks = {.ask_password = prompt_password, .keep = args->keep};
	ApplyOptions aopts = {0};
	int			code;

	if (args->planned.nodes)
		hooks.expected = &args->planned;

	aopts.workdir = args->workdir;
	aopts.yes = args->yes;
	aopts.conn = opts;
	aopts.hooks = &hooks;
	aopts.sink = &out->progress;
	aopts.errors = &out->errors;
	apply_catch_signals(false);
	code = apply_plan(plan, text, &aopts);
	apply_release_signals();
	if (code == EXIT_CODE_OK)
		print_lost_rows(out, plan);
	if (aopts.workdir_used)
	{
		free(args->workdir);
		args->workdir = aopts.workdir_used;
	}
	if (code == EXIT_CODE_PARTIAL && args->workdir)
	{
		/* stdout may be a pipe that is gone, or a terminal that hung up */
		char	   *line = args->workdir_given ?
			xasprintf("the recovery is under way in %s; run the same command to resume.", args->workdir) :
			xasprintf("the recovery is under way in %s; run the same command with --workdir %s to resume.",
					  args->workdir, args->workdir);

		if (out->json)
		{
			event_note(&out->progress, NOTE_WARNING, "%s", line);
			event_note(&out->progress, NOTE_INFO, "Work directory: %s", args->workdir);
		}
		else
		{
			print_safe(stderr, "citus-rescue: ", line);
			print_safe(stderr, "Work directory: ", args->workdir);
		}
		free(line);
	}
	return code;
}

static void
apply_usage(FILE *out)
{
	fprintf(out,
			"citus-rescue apply runs a plan made by citus-rescue plan.\n"
			"\n"
			"Usage:\n"
			"  citus-rescue apply FILE [--workdir=DIR] [--yes] [--progress=text|json]\n"
			"\n"
			"Options:\n"
			"      --workdir=DIR        where the journal and the metadata backup go\n"
			"                           (default ./citus-rescue-YYYYMMDD-HHMMSS-RANDOM);\n"
			"                           give the same DIR again to resume an interrupted run\n"
			"  -y, --yes                do not ask for a typed yes\n"
			"      --progress=text|json progress as lines for people (the default), or\n"
			"                           as one JSON object a line (see citus-rescue-json(7))\n"

			"  -w, -W, --timeout=SECONDS   as for discover\n"
			"\n"
			"It refuses a plan from another version or one the cluster no longer matches.\n"
			"Exit status: 0 every step done, 10 stopped before changing anything, 11\n"
			"stopped after a partial change (run the same command again to resume),\n"
			"2 bad usage, 3 the first node could not be used.\n"
			"PG_COLOR (always, auto, never) and NO_COLOR say whether to colour.\n");
}

int
cmd_apply(int argc, char **argv)
{
	static const struct option long_options[] = {
		CONNECTION_LONG_OPTIONS,
		{"workdir", required_argument, NULL, OPT_WORKDIR},
		{"yes", no_argument, NULL, OPT_YES},
		{"progress", required_argument, NULL, OPT_PROGRESS},
		{NULL, 0, NULL, 0}
	};
	ConnOptions opts;
	ApplyArgs	args = {0};
	Plan		plan;
	Output		out;
	char		errbuf[512];
	char	   *text = NULL;
	int			code;

	connopts_init(&opts);
	plan_init(&plan);
	code = cli_parse(argc, argv, long_options, &opts, NULL, apply_extra, &args,
						apply_usage, "apply", 1);
	if (code != EXIT_CODE_OK)
		goto out;
	output_init(&out, args.json);
	text = read_whole_file(argv[optind], errbuf, sizeof(errbuf));
	if (text == NULL || !planfile_parse(text, &plan, errbuf, sizeof(errbuf)))
	{
		PgError		error = {0};

		pgerror_set(&error, NULL, errbuf, NULL, NULL);
		output_error(&out, &error);
		pgerror_clear(&error);
		code = output_finish(&out, EXIT_CODE_ABORTED);
		goto out;
	}
	code = run_apply(&plan, text, &opts, &args, &out);
	if (code == EXIT_CODE_OK)
		say(&out, NOTE_INFO, "Next: citus-rescue verify against the new coordinator, %s.", plan.target);
	code = output_finish(&out, code);
out:
	if (code < 0)
		code = EXIT_CODE_OK;
	free(text);
	plan_free(&plan);
	connopts_free(&opts);
	free(args.workdir);
	return code;
}

/* ---- verify ----------------------------------------------------------------- */

static bool
is_directory(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* The proof belongs to the incident's record; without it the recovery still stands. */
static void
save_verify_results(const VerifyRecorder *recorder, const char *workdir, int code)
{
	PgError		error = {0};

	if (!verify_recorder_save(recorder, workdir, code, &error))
		fprintf(stderr, "citus-rescue: warning: verify's results are not in the journal: %s\n",
				error.message);
	pgerror_clear(&error);
}

static void
verify_usage(FILE *out)
{
	fprintf(out,
			"citus-rescue verify proves that a coordinator works.\n"
			"\n"
			"Usage:\n"
			"  citus-rescue verify [OPTION]... [--move-shard] [--json] [--workdir=DIR]\n"
			"\n"
			"Give the new coordinator with the connection options.\n"
			"      --move-shard         also move a shard of a scratch table\n"
			"      --json               print every check and the outcome as one JSON\n"
			"                           document (see citus-rescue-json(7))\n"
			"      --workdir=DIR        record the checks in the journal of the recovery\n"
			"                           there, for its report\n"
			"\n"
			CONNECTION_OPTIONS_HELP
			"\n"
			"Exit status: 0 every check passed; 21 to 30: the first failed check\n"
			"(20 + its number as printed); 3 the coordinator could not be reached;\n"
			"2 bad usage.\n"
			"PG_COLOR (always, auto, never) and NO_COLOR say whether to colour.\n");
}

/* verify_cluster, its checks recorded in the journal of the work directory given */
static int
verify_recorded(ConnOptions *opts, DiscoverHooks *hooks, const ApplyArgs *args,
				const EventSink *progress, const EventSink *errors)
{
	VerifyRecorder recorder;
	VerifyResult result;
	int			code;

	verify_recorder_init(&recorder, progress);
	code = verify_cluster(opts, hooks, args->move_shard, &recorder.sink, errors, &result);
	verify_result_free(&result);
	if (args->workdir)
		save_verify_results(&recorder, args->workdir, code);
	verify_recorder_free(&recorder);
	return code;
}

int
cmd_verify(int argc, char **argv)
{
	static const struct option long_options[] = {
		CONNECTION_LONG_OPTIONS,
		{"move-shard", no_argument, NULL, OPT_MOVE_SHARD},
		{"json", no_argument, NULL, OPT_JSON},
		{"workdir", required_argument, NULL, OPT_WORKDIR},
		{NULL, 0, NULL, 0}
	};
	ConnOptions opts;
	ApplyArgs	args = {0};
	DiscoverHooks hooks = {.ask_password = prompt_password};
	EventSink	progress = event_sink_file(stdout);
	EventSink	errors = event_sink_file(stderr);
	VerifyJson	collected;
	int			code;

	connopts_init(&opts);
	code = cli_parse(argc, argv, long_options, &opts, NULL, apply_extra, &args,
						verify_usage, "verify", 0);
	if (code == EXIT_CODE_OK && args.workdir && !is_directory(args.workdir))
	{
		cli_error("the work directory %s does not exist", args.workdir);
		code = EXIT_CODE_BAD_USAGE;
	}
	if (code == EXIT_CODE_OK && args.json)
	{
		StrBuf		doc;

		colour_stdout_off();
		verify_json_init(&collected);
		progress = errors = event_sink_verify_json(&collected);
		code = verify_recorded(&opts, &hooks, &args, &progress, &errors);
		strbuf_init(&doc);
		verify_json_finish(&collected, code, &doc);
		fputs(doc.data, stdout);
		strbuf_free(&doc);
	}
	else if (code == EXIT_CODE_OK)
		code = verify_recorded(&opts, &hooks, &args, &progress, &errors);
	if (code < 0)
		code = EXIT_CODE_OK;
	free(args.workdir);
	connopts_free(&opts);
	return code;
}

/* ---- recover ----------------------------------------------------------------- */

static void
recover_usage(FILE *out)
{
	fprintf(out,
			"citus-rescue recover discovers, checks, plans (printing the plan), applies\n"
			"and verifies in one run.\n"
			"\n"
			"Usage:\n"
			"  citus-rescue recover [OPTION]... (--new-coordinator=HOST:PORT | --promote=HOST:PORT)\n"
			"\n"
			"      --workdir=DIR        as for apply (the plan is saved there as plan.sql)\n"
			"  -y, --yes                do not ask for a typed yes\n"
			"      --move-shard         verify with a shard move too\n"
			"      --progress=text|json progress as lines for people (the default), or\n"
			"                           as one JSON object a line (see citus-rescue-json(7))\n"

			"\n"
			PLAN_OPTIONS_HELP
			"\n"
			CONNECTION_OPTIONS_HELP
			"\n"
			"Exit status: as apply (0, 10, 11), then as verify (21 to 30).\n"
			"PG_COLOR (always, auto, never) and NO_COLOR say whether to colour.\n");
}

/* Whether HOST:PORT the operator gave names the plan's address (maps applied). */
static bool
same_address(const ConnOptions *opts, const char *given, const char *planned)
{
	char		err[256];
	char	   *host = NULL;
	int			port = 0;
	const char *to_host;
	int			to_port;
	char	   *mapped;
	bool		same;

	if (given == NULL || planned == NULL)
		return given == planned;
	if (strcmp(given, planned) == 0)
		return true;
	if (!parse_host_port(given, &host, &port, err, sizeof(err)))
		return false;
	connopts_map_address(opts, host, port, &to_host, &to_port);
	mapped = format_host_port(to_host, to_port);
	same = strcmp(mapped, planned) == 0;
	free(mapped);
	free(host);
	return same;
}

/*
 * A recovery under way in the work directory is resumed with the plan
 * saved there, never planned again: a new plan would not match the
 * cluster the finished steps left.
 */
static int
resume_saved_plan(ConnOptions *opts, PlanChoices *choices, ApplyArgs *args, const char *saved,
				  Plan *plan, PgError *error)
{
	char		errbuf[1024];

	if (!planfile_parse(saved, plan, errbuf, sizeof(errbuf)))
	{
		pgerror_set(error, NULL, errbuf, NULL, NULL);
		return EXIT_CODE_PARTIAL;
	}
	if (plan->method != choices->method || !same_address(opts, choices->target, plan->target))
	{
		char	   *hint = xasprintf("Give the options it was started with, or resume it with: citus-rescue apply %s/plan.sql --workdir %s",
									 args->workdir, args->workdir);

		pgerror_setf(error, "the work directory %s holds a recovery under way by %s to %s, not the one asked for",
					 args->workdir, method_name(plan->method), plan->target);
		pgerror_set_hint(error, hint);
		free(hint);
		return EXIT_CODE_PARTIAL;
	}
	return EXIT_CODE_OK;
}

/* The plan recover is about to run, or that failed pre-flight, for the operator */
static void
show_recover_plan(Output *out, const Plan *plan)
{
	if (out->json)
	{
		json_events_preflight(&out->stream, plan);
		if (plan->nsteps > 0)
			json_events_plan(&out->stream, plan);
		return;
	}
	print_checks(stdout, plan);
	print_steps(stdout, plan, true);
}

/*
 * The plan a recover runs: the one saved in a work directory where a
 * recovery is under way, else a new one (printed).  Sets *text to the
 * plan's text; returns an exit code, EXIT_CODE_OK to apply.
 */
static int
recover_plan(ConnOptions *opts, PlanChoices *choices, ApplyArgs *args, Plan *plan, StrBuf *text,
			 Output *out)
{
	ClusterSnapshot snap;
	PgError		error = {0};
	int			code;

	if (args->workdir)
	{
		bool		resumable;
		char	   *saved = NULL;

		if (!apply_peek_workdir(args->workdir, &resumable, &saved, &error))
		{
			output_error(out, &error);
			pgerror_clear(&error);
			return EXIT_CODE_ABORTED;
		}
		if (resumable)
		{
			code = resume_saved_plan(opts, choices, args, saved, plan, &error);
			strbuf_append(text, saved);
			free(saved);
			if (code != EXIT_CODE_OK)
				output_error(out, &error);
			else
			{
				say(out, NOTE_INFO, "A recovery is under way in %s: resuming its saved plan (not planning again).",
					args->workdir);
				if (!out->json)
					printf("\n");
				show_recover_plan(out, plan);
				if (!out->json)
					printf("\n");
			}
			pgerror_clear(&error);
			return code;
		}
	}
	code = make_plan(opts, choices, &snap, plan, args->keep, out, &error);
	pgerror_clear(&error);
	snapshot_free(&args->planned);
	args->planned = snap;
	if (code != EXIT_CODE_OK && code != EXIT_CODE_ABORTED)
		return code;
	show_recover_plan(out, plan);
	if (!out->json)
		printf("\n");
	if (code == EXIT_CODE_ABORTED)
	{
		say(out, NOTE_ERROR, "A pre-flight check failed: nothing was changed.");
		return code;
	}
	planfile_render(text, plan);
	return EXIT_CODE_OK;
}

/* Verifies what apply made, unless a signal stopped the run in between. */
static int
recover_verify(const Plan *plan, ConnOptions *opts, ApplyArgs *args, Output *out)
{
	DiscoverHooks hooks = {.ask_password = prompt_password, .keep = args->keep};
	VerifyRecorder recorder;
	int			code;

	if (apply_stop_requested)
	{
		PgError		error = {0};

		pgerror_setf(&error, "stopped on %s before verify: every step is done", apply_stop_signal_name());
		pgerror_set_hint(&error, "Run the same command again to verify.");
		output_error(out, &error);
		pgerror_clear(&error);
		return EXIT_CODE_PARTIAL;
	}
	if (!out->json)
		printf("\n");
	verify_recorder_init(&recorder, &out->progress);
	code = engine_verify_plan(plan, opts, &hooks, args->move_shard, &recorder.sink, &out->errors);
	save_verify_results(&recorder, args->workdir, code);
	verify_recorder_free(&recorder);
	say(out, NOTE_INFO, "Work directory: %s (plan.sql, journal.log, backup/, restore.sh, run.log)", args->workdir);
	return code;
}

int
cmd_recover(int argc, char **argv)
{
	static const struct option long_options[] = {
		CONNECTION_LONG_OPTIONS,
		PLAN_LONG_OPTIONS,
		{"workdir", required_argument, NULL, OPT_WORKDIR},
		{"yes", no_argument, NULL, OPT_YES},
		{"move-shard", no_argument, NULL, OPT_MOVE_SHARD},
		{"progress", required_argument, NULL, OPT_PROGRESS},
		{NULL, 0, NULL, 0}
	};
	ConnOptions opts;
	PlanChoices choices = {0};
	ApplyArgs	args = {0};
	SessionPool keep = {0};
	Plan		plan;
	StrBuf		text;
	Output		out;
	int			code;

	/*
	 * Plan, gates and verify each read the whole cluster: the sessions one
	 * opened serve the next, which then does not wait for new connections.
	 */
	args.keep = &keep;
	connopts_init(&opts);
	plan_init(&plan);
	strbuf_init(&text);
	code = cli_parse(argc, argv, long_options, &opts, &choices, apply_extra, &args,
						recover_usage, "recover", 0);
	if (code == EXIT_CODE_OK)
	{
		output_init(&out, args.json);
		code = recover_plan(&opts, &choices, &args, &plan, &text, &out);
		if (code == EXIT_CODE_OK)
			code = run_apply(&plan, text.data, &opts, &args, &out);
		if (code == EXIT_CODE_OK)
			code = recover_verify(&plan, &opts, &args, &out);
		code = output_finish(&out, code);
	}
	if (code < 0)
		code = EXIT_CODE_OK;
	session_pool_free(&keep);
	snapshot_free(&args.planned);
	strbuf_free(&text);
	plan_free(&plan);
	plan_choices_free(&choices);
	connopts_free(&opts);
	free(args.workdir);
	return code;
}
