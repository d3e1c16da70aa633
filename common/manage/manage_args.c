#include "manage_args.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "arg_walk.h"

/* Option ids of these commands; the rule options keep enum sw_rule_opt. */
enum manage_opt {
  OPT_JSON = SW_RULE_OPT_COUNT,
  OPT_CSV,
  OPT_HELP,
  OPT_VERBOSE,
  OPT_LIMIT,
  OPT_BEFORE,
  OPT_REVISION,
  OPT_DRY_RUN,
  OPT_REPLACE,
  OPT_END
};
_Static_assert((int)OPT_END <= (int)SW_ALERT_OPT_FIRST, "the option ids do not overlap");

static const struct sw_arg_opt output_opts[] = {
    {"json", 0, false, OPT_JSON},
    {"csv", 0, false, OPT_CSV},
    {"help", 'h', false, OPT_HELP},
    {NULL, 0, false, 0},
};
static const struct sw_arg_opt page_opts[] = {
    {"limit", 'n', true, OPT_LIMIT},
    {"before", 0, true, OPT_BEFORE},
    {NULL, 0, false, 0},
};
static const struct sw_arg_opt edit_opts[] = {
    {"revision", 0, true, OPT_REVISION},
    {NULL, 0, false, 0},
};
static const struct sw_arg_opt import_opts[] = {
    {"dry-run", 'n', false, OPT_DRY_RUN},
    {"replace", 0, false, OPT_REPLACE},
    {NULL, 0, false, 0},
};
static const struct sw_arg_opt test_opts[] = {
    {"verbose", 'v', false, OPT_VERBOSE},
    {NULL, 0, false, 0},
};

struct verb {
  const char *command, *sub, *text;
};

static const struct verb verbs[] = {
#define SW_MANAGE_VERB_ROW(e, command, sub, text) {command, sub, text},
    SW_MANAGE_VERB_MAP(SW_MANAGE_VERB_ROW)
#undef SW_MANAGE_VERB_ROW
};

const char *sw_manage_verb_text(enum sw_manage_verb v)
{
  return (unsigned)v < SW_MANAGE_VERB_COUNT ? verbs[v].text : "?";
}

bool sw_manage_is_command(const char *word)
{
  for (size_t i = 0; i < SW_MANAGE_VERB_COUNT; i++)
    if (!strcmp(verbs[i].command, word))
      return true;
  return false;
}

void sw_manage_cursor_format(int64_t at_ms, int64_t id, char *out, size_t size)
{
  snprintf(out, size, "%" PRId64 ":%" PRId64, at_ms, id);
}

/* A whole number 0..INT64_MAX in [s, end). */
static bool parse_i64(const char *s, const char *end, int64_t *out)
{
  if (s == end)
    return false;
  int64_t v = 0;
  for (; s < end; s++) {
    if (*s < '0' || *s > '9' || v > (INT64_MAX - (*s - '0')) / 10)
      return false;
    v = v * 10 + (*s - '0');
  }
  *out = v;
  return true;
}

bool sw_manage_cursor_parse(const char *s, int64_t *at_ms, int64_t *id)
{
  const char *colon = strchr(s, ':');
  return colon && parse_i64(s, colon, at_ms) &&
         parse_i64(colon + 1, colon + strlen(colon), id) && *id > 0;
}

/* ---- parsing --------------------------------------------------------- */

struct parser {
  struct sw_manage_args *a;
  struct sw_arg_errors errors;
  bool json, csv;
  const char *first_word; /* the first positional word, for "only one" */
  bool id_given;
};

static bool takes_id(enum sw_manage_verb v)
{
  return v == SW_MANAGE_RULES_SHOW || v == SW_MANAGE_RULES_EDIT ||
         v == SW_MANAGE_RULES_DELETE || v == SW_MANAGE_RULES_ENABLE ||
         v == SW_MANAGE_RULES_DISABLE || v == SW_MANAGE_RULES_TEST ||
         v == SW_MANAGE_RULES_ACK || v == SW_MANAGE_RULES_UNACK ||
         v == SW_MANAGE_RULES_ACCEPT || v == SW_MANAGE_HISTORY;
}

static bool takes_notifier(enum sw_manage_verb v)
{
  return v == SW_MANAGE_NOTIFIERS_SHOW || v == SW_MANAGE_NOTIFIERS_ADD ||
         v == SW_MANAGE_NOTIFIERS_DELETE || v == SW_MANAGE_NOTIFIERS_TEST;
}

/* The NAME of a notifiers command, or the ID of `maintenance delete`. */
static void alert_positional(struct parser *p, const char *word)
{
  struct sw_manage_args *a = p->a;
  bool name = takes_notifier(a->verb);
  if (p->first_word) {
    sw_arg_fail(&p->errors, "Only one %s may be given, but '%s' follows '%s'.",
                name ? "notifier name" : "window id", sw_arg_quote(word).text,
                sw_arg_quote(p->first_word).text);
    return;
  }
  p->first_word = word;
  if (name) {
    a->notifier = word;
    return;
  }
  if (!parse_i64(word, word + strlen(word), &a->maintenance_id) || a->maintenance_id == 0)
    sw_arg_fail(&p->errors,
                "'%s' is not a window id: use the number 'smtpwatch maintenance list' "
                "shows.",
                sw_arg_quote(word).text);
}

static void positional(struct parser *p, const char *word)
{
  struct sw_manage_args *a = p->a;
  if (a->verb == SW_MANAGE_RULES_ADD) {
    sw_rule_args_apply(&a->rule, &sw_rule_args_options(true)[SW_RULE_OPT_HOST], word,
                       &p->errors);
    return;
  }
  if (takes_notifier(a->verb) || a->verb == SW_MANAGE_MAINTENANCE_DELETE) {
    alert_positional(p, word);
    return;
  }
  if (a->verb == SW_MANAGE_RULES_IMPORT && !a->file) {
    a->file = word;
    return;
  }
  if (!takes_id(a->verb)) {
    sw_arg_fail(&p->errors, "Unexpected argument '%s': %s takes none.",
                sw_arg_quote(word).text, sw_manage_verb_text(a->verb));
    return;
  }
  if (p->first_word) {
    sw_arg_fail(&p->errors, "Only one rule id may be given, but '%s' follows '%s'.",
                sw_arg_quote(word).text, sw_arg_quote(p->first_word).text);
    return;
  }
  p->first_word = word;
  int64_t id;
  if (!parse_i64(word, word + strlen(word), &id) || id == 0) {
    sw_arg_fail(&p->errors,
                "'%s' is not a rule id: use the number 'smtpwatch rules list' shows.",
                sw_arg_quote(word).text);
    return;
  }
  a->rule_id = id;
  p->id_given = true;
}

static void on_arg(void *ctx, const struct sw_arg_opt *o, const char *value)
{
  struct parser *p = ctx;
  struct sw_manage_args *a = p->a;
  uint64_t v;
  if (!o) {
    positional(p, value);
    return;
  }
  switch (o->id) {
  case OPT_JSON:
    p->json = true;
    return;
  case OPT_CSV:
    p->csv = true;
    return;
  case OPT_HELP:
    a->help = true;
    return;
  case OPT_VERBOSE:
    a->verbose = true;
    return;
  case OPT_DRY_RUN:
    a->dry_run = true;
    return;
  case OPT_REPLACE:
    a->replace = true;
    return;
  case OPT_LIMIT:
    if (sw_arg_number(value, &v) && v >= 1 && v <= SW_MANAGE_MAX_LIMIT)
      a->limit = (uint32_t)v;
    else
      sw_arg_fail(&p->errors, "--limit: '%s' is not a number from 1 to %d.",
                  sw_arg_quote(value).text, SW_MANAGE_MAX_LIMIT);
    return;
  case OPT_REVISION:
    if (!parse_i64(value, value + strlen(value), &a->revision) || a->revision == 0)
      sw_arg_fail(&p->errors,
                  "--revision: '%s' is not a revision: use the number "
                  "'smtpwatch rules show' printed.",
                  sw_arg_quote(value).text);
    return;
  case OPT_BEFORE:
    if (a->verb == SW_MANAGE_HISTORY
            ? sw_manage_cursor_parse(value, &a->before_at, &a->before)
            : parse_i64(value, value + strlen(value), &a->before) && a->before > 0)
      a->has_before = true;
    else
      sw_arg_fail(&p->errors,
                  "--before: '%s' is not a cursor: use the value the previous page "
                  "suggested.",
                  sw_arg_quote(value).text);
    return;
  default:
    if (o->id >= SW_ALERT_OPT_FIRST)
      sw_alert_args_apply(&a->alert, o, value, &p->errors);
    else
      sw_rule_args_apply(&a->rule, o, value, &p->errors);
    return;
  }
}

/* Finds the verb; returns the index of the first word after it, or 0
 * (with a sentence) if there is none. */
static int find_verb(struct parser *p, int argc, char **argv)
{
  const char *command = argv[0], *sub = argc > 1 ? argv[1] : NULL;
  bool has_sub = false;
  for (size_t i = 0; i < SW_MANAGE_VERB_COUNT; i++) {
    if (strcmp(verbs[i].command, command) != 0)
      continue;
    if (!verbs[i].sub) {
      p->a->verb = (enum sw_manage_verb)i;
      return 1;
    }
    has_sub = true;
    if (sub && !strcmp(verbs[i].sub, sub)) {
      p->a->verb = (enum sw_manage_verb)i;
      return 2;
    }
  }
  if (has_sub && sub && (!strcmp(sub, "--help") || !strcmp(sub, "-h"))) {
    p->a->help = true;
    return 0;
  }
  if (!has_sub)
    sw_arg_fail(&p->errors, "'%s' is not a command.", sw_arg_quote(command).text);
  else if (!sub)
    sw_arg_fail(&p->errors, "'%s' needs a subcommand.", command);
  else
    sw_arg_fail(&p->errors, "'%s %s' is not a command.", command, sw_arg_quote(sub).text);
  return 0;
}

/* What the alert options need together (alert_args settles them), and
 * the outputs that make no sense for a command that changes one thing. */
static void check_alerts(struct parser *p)
{
  struct sw_manage_args *a = p->a;
  switch (a->verb) {
  case SW_MANAGE_NOTIFIERS_ADD:
    if (a->notifier)
      sw_alert_args_settle(&a->alert, SW_ALERT_OPTS_NOTIFIER, a->notifier, &p->errors);
    return;
  case SW_MANAGE_MAINTENANCE_ADD:
    sw_alert_args_settle(&a->alert, SW_ALERT_OPTS_MAINTENANCE, NULL, &p->errors);
    return;
  case SW_MANAGE_NOTIFIERS_DEFAULTS:
    if (a->alert.rule.given & ~SW_RULE_ALERT_NOTIFY)
      sw_arg_fail(&p->errors, "notifiers defaults takes only --notify NAME[,NAME...]: "
                              "the transitions, delays and dependency are each rule's.");
    return;
  case SW_MANAGE_NOTIFIERS_TEST:
    if (p->csv)
      sw_arg_fail(&p->errors, "--csv: notifiers test prints one outcome; use --json.");
    return;
  case SW_MANAGE_WATCH:
    if (p->csv)
      sw_arg_fail(&p->errors, "--csv: watch prints a line per change; use --json for "
                              "one JSON object a line.");
    return;
  case SW_MANAGE_RULES_ACK:
  case SW_MANAGE_RULES_UNACK:
  case SW_MANAGE_RULES_ACCEPT:
  case SW_MANAGE_NOTIFIERS_DELETE:
  case SW_MANAGE_MAINTENANCE_DELETE:
    if (p->csv || p->json)
      sw_arg_fail(&p->errors,
                  "--%s: %s prints one sentence; its exit code says whether it worked.",
                  p->json ? "json" : "csv", sw_manage_verb_text(a->verb));
    return;
  default:
    return;
  }
}

/* rules export writes a file (JSON unless --csv); rules import reads one
 * and prints its plan for people. */
static void check_import_export(struct parser *p)
{
  struct sw_manage_args *a = p->a;
  if (a->verb == SW_MANAGE_RULES_EXPORT && !p->csv)
    a->format = SW_TABLE_JSON;
  if (a->verb != SW_MANAGE_RULES_IMPORT)
    return;
  if (!a->file)
    sw_arg_fail(&p->errors, "rules import needs the file to read, as in 'smtpwatch rules "
                            "import rules.json'.");
  if (p->csv)
    sw_arg_fail(&p->errors, "--csv: rules import prints its plan for people; use --json "
                            "for scripts.");
}

/* What must hold once every word is read. */
static void check_whole(struct parser *p)
{
  struct sw_manage_args *a = p->a;
  struct sw_rule *r = &a->rule.rule;
  const char *verb = sw_manage_verb_text(a->verb);
  if (p->json && p->csv)
    sw_arg_fail(&p->errors, "--json and --csv cannot be used together: pick one.");
  a->format = p->json ? SW_TABLE_JSON : p->csv ? SW_TABLE_CSV : SW_TABLE_TEXT;
  if (a->verb == SW_MANAGE_RULES_TEST && p->csv)
    sw_arg_fail(&p->errors, "--csv: rules test prints one result; use --json.");
  if (takes_id(a->verb) && !p->id_given && !p->first_word &&
      !(a->verb == SW_MANAGE_RULES_TEST && a->rule.given))
    sw_arg_fail(&p->errors,
                "%s needs a rule id: the number 'smtpwatch rules list' shows%s.", verb,
                a->verb == SW_MANAGE_RULES_TEST ? " (or --host HOST for a rule not saved)"
                                                : "");
  if (takes_notifier(a->verb) && !a->notifier)
    sw_arg_fail(&p->errors, "%s needs a notifier's name%s.", verb,
                a->verb == SW_MANAGE_NOTIFIERS_ADD
                    ? ", as in 'smtpwatch notifiers add ops --email ops@example.com "
                      "--relay mail.example.com'"
                    : ": 'smtpwatch notifiers list' shows them");
  if (a->verb == SW_MANAGE_MAINTENANCE_DELETE && !p->first_word)
    sw_arg_fail(&p->errors, "maintenance delete needs a window id: the number 'smtpwatch "
                            "maintenance list' shows.");
  check_alerts(p);
  check_import_export(p);
  switch (a->verb) {
  case SW_MANAGE_RULES_ADD:
    if (!(a->rule.given & SW_RULE_FIELD_BIT(SW_RULE_FIELD_NAME))) {
      enum sw_error err = sw_rule_set_string(&r->name, sw_rule_target(r));
      if (err)
        p->errors.nomem = err;
    }
    sw_rule_args_settle_tls(&a->rule, r, &p->errors);
    break;
  case SW_MANAGE_RULES_EDIT:
    if (p->id_given && !a->rule.given && !a->alert.rule.given)
      sw_arg_fail(&p->errors,
                  "Nothing to change: name the fields to change, as in 'smtpwatch rules "
                  "edit %" PRId64 " --port 587'.",
                  a->rule_id);
    break;
  case SW_MANAGE_RULES_TEST:
    if (p->first_word && a->rule.given) {
      sw_arg_fail(&p->errors, "rules test takes a rule id or rule options (--host "
                              "HOST ...) for a rule not saved, not both.");
    } else if (a->rule.given) {
      if (!*sw_rule_target(r))
        sw_arg_fail(&p->errors, "--host is missing: name the SMTP server to test (or "
                                "--domain, a mail domain).");
      enum sw_error err = sw_rule_set_string(&r->name, sw_rule_target(r));
      if (err)
        p->errors.nomem = err;
      sw_rule_args_settle_tls(&a->rule, r, &p->errors);
    }
    break;
  default:
    break;
  }
}

/* The option tables of `verb` besides the output options, into t[0..2]. */
static void option_tables(enum sw_manage_verb verb, const struct sw_arg_opt **t)
{
  switch (verb) {
  case SW_MANAGE_RULES_ADD:
  case SW_MANAGE_RULES_EDIT:
    t[0] = sw_rule_args_options(true);
    t[1] = sw_alert_args_options(SW_ALERT_OPTS_RULE);
    if (verb == SW_MANAGE_RULES_EDIT)
      t[2] = edit_opts;
    return;
  case SW_MANAGE_RULES_TEST:
    t[0] = sw_rule_args_options(false);
    t[1] = test_opts;
    return;
  case SW_MANAGE_RULES_ACK:
    t[0] = sw_alert_args_options(SW_ALERT_OPTS_ACK);
    return;
  case SW_MANAGE_HISTORY:
  case SW_MANAGE_EVENTS:
  case SW_MANAGE_NOTIFICATIONS:
    t[0] = page_opts;
    return;
  case SW_MANAGE_NOTIFIERS_ADD:
    t[0] = sw_alert_args_options(SW_ALERT_OPTS_NOTIFIER);
    return;
  case SW_MANAGE_MAINTENANCE_ADD:
    t[0] = sw_alert_args_options(SW_ALERT_OPTS_MAINTENANCE);
    return;
  case SW_MANAGE_NOTIFIERS_DEFAULTS:
    t[0] = sw_alert_args_options(SW_ALERT_OPTS_RULE);
    return;
  case SW_MANAGE_RULES_IMPORT:
    t[0] = import_opts;
    return;
  default:
    return;
  }
}

enum sw_error sw_manage_args_parse(struct sw_manage_args *a, int argc, char **argv,
                                   struct sw_buf *errors)
{
  memset(a, 0, sizeof *a);
  a->verb = SW_MANAGE_VERB_COUNT;
  a->limit = SW_MANAGE_DEFAULT_LIMIT;
  sw_rule_args_init(&a->rule);
  sw_alert_args_init(&a->alert);
  struct parser p = {.a = a};
  sw_arg_errors_init(&p.errors);
  int first = argc > 0 ? find_verb(&p, argc, argv) : 0;
  if (first) {
    const struct sw_arg_opt *tables[5] = {output_opts, NULL, NULL, NULL, NULL};
    option_tables(a->verb, tables + 1);
    sw_arg_walk(argc, argv, first, tables, on_arg, &p, &p.errors);
    if (!a->help)
      check_whole(&p);
  } else if (argc == 0) {
    sw_arg_fail(&p.errors, "No command given.");
  }
  enum sw_error err = a->help ? p.errors.nomem : sw_arg_errors_report(&p.errors, errors);
  sw_arg_errors_free(&p.errors);
  return err;
}

void sw_manage_args_free(struct sw_manage_args *a)
{
  sw_rule_args_free(&a->rule);
  sw_alert_args_free(&a->alert);
}

enum sw_error sw_manage_args_edit(const struct sw_manage_args *a, struct sw_rule *stored,
                                  struct sw_buf *errors)
{
  enum sw_error err = sw_rule_args_merge(&a->rule, stored);
  if (err)
    return err;
  struct sw_arg_errors e;
  sw_arg_errors_init(&e);
  sw_rule_args_settle_tls(&a->rule, stored, &e);
  err = sw_arg_errors_report(&e, errors);
  sw_arg_errors_free(&e);
  return err;
}
