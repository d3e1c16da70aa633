/* sw_store_tool: the service's database, through the store API only, from a
 * shell. Until the control pipe exists, the service's tests and benchmark
 * put rules into the database with it and read back what the service wrote;
 * nothing stands in for the store (no raw SQL writes from the tests).
 *
 *   sw_store_tool DB add [RULE OPTIONS]           prints the new rule's id
 *   sw_store_tool DB add-many N [RULE OPTIONS]    N rules named "NAME #i";
 *                                                 prints "FIRST_ID LAST_ID"
 *   sw_store_tool DB update ID [RULE OPTIONS]     prints the new revision
 *   sw_store_tool DB enable ID | disable ID | delete ID
 *   sw_store_tool DB fill-results RULE N          N failed results of RULE, a
 *                                                 minute apart before now, each
 *                                                 with a 2 KB transcript (bench)
 *   sw_store_tool DB rules                        one JSON object per line
 *   sw_store_tool DB results [--rule ID] [--limit N]   newest first
 *   sw_store_tool DB state
 *   sw_store_tool DB events [--limit N]           newest first
 *   sw_store_tool DB integrity                    "ok", else the findings (exit 1)
 *   sw_store_tool DB setting KEY [VALUE]
 *
 * RULE OPTIONS: --name --host --port --command --expect --timeout-ms
 * --ehlo-name --interval-s --enabled --disabled --tls-mode.
 * Exit status: 0 done, 1 the store failed (its sentence on stderr), 2 bad
 * arguments or an invalid rule (the validator's sentences on stderr). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#ifdef _WIN32
#include <windows.h>
#endif

#include "check_result.h"
#include "json_writer.h"
#include "nagios_report.h"
#include "rule.h"
#include "store.h"
#include "sw_buf.h"

static const char usage[] =
    "usage: sw_store_tool DB COMMAND [ARGS]\n"
    "commands: add, add-many N, update ID, enable ID, disable ID, delete ID, rules,\n"
    "          fill-results RULE N,\n"
    "          results [--rule ID] [--limit N], state, events [--limit N], integrity,\n"
    "          setting KEY [VALUE]\n"
    "rule options: --name --host --port --command --expect --timeout-ms --ehlo-name\n"
    "              --interval-s --enabled --disabled --tls-mode\n";

static int64_t now_ms(void)
{
  return (int64_t)time(NULL) * 1000;
}

static int store_failed(struct sw_store *st, enum sw_store_error err, const char *what)
{
  const struct sw_store_diag *d = st ? sw_store_last_error(st) : NULL;
  fprintf(stderr, "sw_store_tool: %s: %s (%s)%s%s\n", what, sw_store_error_text(err),
          sw_store_error_name(err), d && d->message[0] ? ": " : "",
          d && d->message[0] ? d->message : "");
  return 1;
}

static bool parse_i64(const char *s, int64_t *out)
{
  char *end;
  long long v = strtoll(s, &end, 10);
  if (!*s || *end)
    return false;
  *out = v;
  return true;
}

/* Applies RULE OPTIONS from argv[0..argc) to `r`; false (after saying why)
 * on an unknown option or a bad number. */
static bool apply_rule_options(struct sw_rule *r, int argc, char **argv)
{
  for (int i = 0; i < argc; i++) {
    const char *o = argv[i];
    if (!strcmp(o, "--enabled") || !strcmp(o, "--disabled")) {
      r->enabled = !strcmp(o, "--enabled");
      continue;
    }
    if (i + 1 >= argc) {
      fprintf(stderr, "sw_store_tool: %s needs a value\n", o);
      return false;
    }
    const char *v = argv[++i];
    int64_t n = 0;
    bool numeric =
        !strcmp(o, "--port") || !strcmp(o, "--timeout-ms") || !strcmp(o, "--interval-s");
    if (numeric && (!parse_i64(v, &n) || n < 0 || n > UINT32_MAX)) {
      fprintf(stderr, "sw_store_tool: %s wants a whole number, not '%s'\n", o, v);
      return false;
    }
    enum sw_error err = SW_E_OK;
    if (!strcmp(o, "--name"))
      err = sw_rule_set_string(&r->name, v);
    else if (!strcmp(o, "--host"))
      err = sw_rule_set_string(&r->host, v);
    else if (!strcmp(o, "--command"))
      err = sw_rule_set_string(&r->command, v);
    else if (!strcmp(o, "--expect"))
      err = sw_rule_set_string(&r->expect, v);
    else if (!strcmp(o, "--ehlo-name"))
      err = sw_rule_set_string(&r->ehlo_name, v);
    else if (!strcmp(o, "--port"))
      r->port = (uint16_t)(n > 65535 ? 0 : n); /* 0: the validator says why */
    else if (!strcmp(o, "--timeout-ms"))
      r->timeout_ms = (uint32_t)n;
    else if (!strcmp(o, "--interval-s"))
      r->interval_s = (uint32_t)n;
    else if (!strcmp(o, "--tls-mode")) {
      if (!sw_tls_mode_from_name(v, &r->tls_mode)) {
        fprintf(stderr, "sw_store_tool: unknown TLS mode '%s'\n", v);
        return false;
      }
    } else {
      fprintf(stderr, "sw_store_tool: unknown rule option '%s'\n%s", o, usage);
      return false;
    }
    if (err) {
      fprintf(stderr, "sw_store_tool: %s\n", sw_error_text(err));
      return false;
    }
  }
  return true;
}

static int invalid_rule(const struct sw_rule_problems *p)
{
  for (size_t i = 0; i < p->count; i++)
    fprintf(stderr, "sw_store_tool: %s: %s\n", sw_rule_field_name(p->items[i].field),
            p->items[i].message);
  return 2;
}

static int cmd_add(struct sw_store *st, int argc, char **argv, int64_t count)
{
  struct sw_rule r;
  sw_rule_init_defaults(&r);
  int rc = 0;
  if (!apply_rule_options(&r, argc, argv)) {
    rc = 2;
    goto out;
  }
  char *base = r.name;
  r.name = NULL;
  int64_t first = 0, id = 0;
  for (int64_t i = 1; i <= count && rc == 0; i++) {
    char name[256];
    if (count > 1)
      snprintf(name, sizeof name, "%s #%" PRId64, base ? base : "rule", i);
    enum sw_error e = sw_rule_set_string(&r.name, count > 1 ? name : base);
    if (e) {
      fprintf(stderr, "sw_store_tool: %s\n", sw_error_text(e));
      rc = 1;
      break;
    }
    struct sw_rule_problems problems = {0};
    enum sw_store_error err = sw_store_rule_add(st, &r, now_ms(), &problems, &id);
    if (err == SW_STORE_INVALID_RULE)
      rc = invalid_rule(&problems);
    else if (err)
      rc = store_failed(st, err, "adding the rule");
    if (i == 1)
      first = id;
  }
  free(base);
  if (rc == 0) {
    if (count > 1)
      printf("%" PRId64 " %" PRId64 "\n", first, id);
    else
      printf("%" PRId64 "\n", id);
  }
out:
  sw_rule_free(&r);
  return rc;
}

static int cmd_update(struct sw_store *st, int64_t id, int argc, char **argv)
{
  struct sw_store_rule cur = {0};
  enum sw_store_error err = sw_store_rule_get(st, id, &cur);
  if (err)
    return store_failed(st, err, "reading the rule");
  int rc = 0;
  if (!apply_rule_options(&cur.rule, argc, argv)) {
    rc = 2;
  } else {
    struct sw_rule_problems problems = {0};
    int64_t revision = 0;
    err =
        sw_store_rule_update(st, &cur.rule, cur.revision, now_ms(), &problems, &revision);
    if (err == SW_STORE_INVALID_RULE)
      rc = invalid_rule(&problems);
    else if (err)
      rc = store_failed(st, err, "updating the rule");
    else
      printf("%" PRId64 "\n", revision);
  }
  sw_store_rule_free(&cur);
  return rc;
}

/* Prints the finished JSON document in `out` as one line. */
static int emit(struct sw_json *j, struct sw_buf *out)
{
  enum sw_error err = sw_json_finish(j);
  if (err) {
    fprintf(stderr, "sw_store_tool: %s\n", sw_error_text(err));
    return 1;
  }
  puts(sw_buf_str(out));
  sw_buf_free(out);
  return 0;
}

/* N failed results of `rule`, newest a minute ago, in batches of 500. */
static int cmd_fill_results(struct sw_store *st, int64_t rule, int argc, char **argv)
{
  int64_t n;
  if (argc != 1 || !parse_i64(argv[0], &n) || n <= 0) {
    fprintf(stderr, "sw_store_tool: fill-results wants RULE and N\n");
    return 2;
  }
  enum { BATCH = 500 };
  static struct sw_store_result batch[BATCH];
  char line[2048];
  memset(line, 'x', sizeof line - 1);
  line[sizeof line - 1] = '\0';
  for (int64_t done = 0; done < n;) {
    int k = n - done < BATCH ? (int)(n - done) : BATCH;
    for (int i = 0; i < k; i++) {
      struct sw_store_result *r = &batch[i];
      sw_store_result_init(r);
      r->rule_id = rule;
      r->started_at_ms = now_ms() - (n - done - i) * 60000;
      r->status = SW_NAGIOS_CRITICAL;
      r->check.outcome = SW_OUTCOME_PERM_REJECT;
      r->check.step = SW_STEP_GREETING;
      r->check.reply_code = 554;
      snprintf(r->check.reply, sizeof r->check.reply, "554 5.7.1 go away");
      sw_buf_appends(&r->check.transcript, line);
    }
    enum sw_store_error err = sw_store_write(
        st, &(struct sw_store_batch){.results = batch, .result_count = (size_t)k}, NULL);
    for (int i = 0; i < k; i++)
      sw_store_result_free(&batch[i]);
    if (err)
      return store_failed(st, err, "writing results");
    done += k;
  }
  return 0;
}

static int cmd_rules(struct sw_store *st)
{
  struct sw_store_rule_list list = {0};
  enum sw_store_error err = sw_store_rule_list(st, &list);
  if (err)
    return store_failed(st, err, "listing the rules");
  int rc = 0;
  for (size_t i = 0; i < list.count && rc == 0; i++) {
    const struct sw_store_rule *sr = &list.items[i];
    const struct sw_rule *r = &sr->rule;
    struct sw_buf out;
    struct sw_json j;
    sw_buf_init(&out, 0);
    sw_json_init(&j, &out);
    sw_json_begin_object(&j);
    sw_json_key(&j, "id");
    sw_json_int(&j, r->id);
    sw_json_key(&j, "revision");
    sw_json_int(&j, sr->revision);
    sw_json_key(&j, "name");
    sw_json_string(&j, r->name);
    sw_json_key(&j, "host");
    sw_json_string(&j, r->host);
    sw_json_key(&j, "port");
    sw_json_int(&j, r->port);
    sw_json_key(&j, "command");
    sw_json_string(&j, r->command);
    sw_json_key(&j, "expect");
    sw_json_string(&j, r->expect);
    sw_json_key(&j, "timeout_ms");
    sw_json_int(&j, r->timeout_ms);
    sw_json_key(&j, "interval_s");
    sw_json_int(&j, r->interval_s);
    sw_json_key(&j, "enabled");
    sw_json_bool(&j, r->enabled);
    sw_json_key(&j, "tls_mode");
    sw_json_string(&j, sw_tls_mode_name(r->tls_mode));
    sw_json_key(&j, "updated_at_ms");
    sw_json_int(&j, sr->updated_at_ms);
    sw_json_end_object(&j);
    rc = emit(&j, &out);
  }
  sw_store_rule_list_free(&list);
  return rc;
}

static void result_json(struct sw_json *j, const struct sw_store_result *r)
{
  const struct sw_check_result *c = &r->check;
  sw_json_begin_object(j);
  sw_json_key(j, "id");
  sw_json_int(j, r->id);
  sw_json_key(j, "rule_id");
  sw_json_int(j, r->rule_id);
  sw_json_key(j, "started_at_ms");
  sw_json_int(j, r->started_at_ms);
  sw_json_key(j, "status");
  sw_json_string(j, sw_nagios_status_name(r->status));
  sw_json_key(j, "outcome");
  sw_json_string(j, sw_outcome_name(c->outcome));
  sw_json_key(j, "step");
  sw_json_string(j, sw_step_name(c->step));
  sw_json_key(j, "reply_code");
  sw_json_int(j, c->reply_code);
  sw_json_key(j, "reply");
  sw_json_string(j, c->reply);
  sw_json_key(j, "detail");
  sw_json_string(j, c->detail);
  sw_json_key(j, "peer");
  sw_json_string(j, c->peer);
  sw_json_key(j, "total_us");
  sw_json_int(j, c->total_us);
  sw_json_key(j, "transcript");
  sw_json_string(j, sw_buf_str(&c->transcript));
  sw_json_end_object(j);
}

/* Every result of `rule_id` (or of every rule if 0), newest first per rule,
 * at most `limit` per rule. */
static int cmd_results(struct sw_store *st, int64_t rule_id, int64_t limit)
{
  int64_t *ids = NULL;
  size_t n = 0;
  struct sw_store_rule_list rules = {0};
  if (rule_id) {
    ids = &rule_id;
    n = 1;
  } else {
    enum sw_store_error err = sw_store_rule_list(st, &rules);
    if (err)
      return store_failed(st, err, "listing the rules");
    ids = malloc((rules.count ? rules.count : 1) * sizeof *ids);
    if (!ids)
      return 1;
    for (size_t i = 0; i < rules.count; i++)
      ids[n++] = rules.items[i].rule.id;
  }
  int rc = 0;
  for (size_t i = 0; i < n && rc == 0; i++) {
    struct sw_store_cursor cur, *before = NULL;
    int64_t left = limit;
    while (rc == 0 && left > 0) {
      struct sw_store_result_list page = {0};
      size_t want = left > 500 ? 500 : (size_t)left;
      enum sw_store_error err = sw_store_history(st, ids[i], before, want, &page);
      if (err) {
        rc = store_failed(st, err, "reading results");
        break;
      }
      for (size_t k = 0; k < page.count && rc == 0; k++) {
        struct sw_buf out;
        struct sw_json j;
        sw_buf_init(&out, 0);
        sw_json_init(&j, &out);
        result_json(&j, &page.items[k]);
        rc = emit(&j, &out);
      }
      left -= (int64_t)page.count;
      bool more = page.count == want;
      if (page.count) {
        cur.started_at_ms = page.items[page.count - 1].started_at_ms;
        cur.id = page.items[page.count - 1].id;
        before = &cur;
      }
      sw_store_result_list_free(&page);
      if (!more)
        break;
    }
  }
  if (!rule_id) {
    free(ids);
    sw_store_rule_list_free(&rules);
  }
  return rc;
}

static int cmd_state(struct sw_store *st)
{
  struct sw_store_state_list list = {0};
  enum sw_store_error err = sw_store_state_load(st, &list);
  if (err)
    return store_failed(st, err, "reading rule states");
  int rc = 0;
  for (size_t i = 0; i < list.count && rc == 0; i++) {
    const struct sw_store_rule_state *s = &list.items[i];
    struct sw_buf out;
    struct sw_json j;
    sw_buf_init(&out, 0);
    sw_json_init(&j, &out);
    sw_json_begin_object(&j);
    sw_json_key(&j, "rule_id");
    sw_json_int(&j, s->rule_id);
    sw_json_key(&j, "state");
    sw_json_string(&j, sw_nagios_status_name(s->state));
    sw_json_key(&j, "failures");
    sw_json_int(&j, s->failures);
    sw_json_key(&j, "since_ms");
    sw_json_int(&j, s->since_ms);
    sw_json_key(&j, "last_result_at_ms");
    sw_json_int(&j, s->last_result_at_ms);
    sw_json_key(&j, "last_outcome");
    sw_json_string(&j, sw_outcome_name(s->last_outcome));
    sw_json_end_object(&j);
    rc = emit(&j, &out);
  }
  sw_store_state_list_free(&list);
  return rc;
}

static int cmd_events(struct sw_store *st, int64_t limit)
{
  int rc = 0;
  int64_t before = 0;
  while (rc == 0 && limit > 0) {
    struct sw_store_event_list list = {0};
    size_t want = limit > 500 ? 500 : (size_t)limit;
    enum sw_store_error err = sw_store_events_recent(st, before, want, &list);
    if (err)
      return store_failed(st, err, "reading events");
    for (size_t i = 0; i < list.count && rc == 0; i++) {
      const struct sw_store_event *e = &list.items[i];
      struct sw_buf out;
      struct sw_json j;
      sw_buf_init(&out, 0);
      sw_json_init(&j, &out);
      sw_json_begin_object(&j);
      sw_json_key(&j, "id");
      sw_json_int(&j, e->id);
      sw_json_key(&j, "at_ms");
      sw_json_int(&j, e->at_ms);
      sw_json_key(&j, "event_id");
      sw_json_int(&j, e->event_id);
      sw_json_key(&j, "severity");
      sw_json_string(&j, sw_event_severity_name(e->severity));
      sw_json_key(&j, "rule_id");
      sw_json_int(&j, e->rule_id);
      sw_json_key(&j, "message");
      sw_json_string(&j, e->message);
      sw_json_end_object(&j);
      rc = emit(&j, &out);
      before = e->id;
    }
    limit -= (int64_t)list.count;
    bool more = list.count == want;
    sw_store_event_list_free(&list);
    if (!more)
      break;
  }
  return rc;
}

static int cmd_integrity(struct sw_store *st)
{
  bool ok = false;
  char *report = NULL;
  enum sw_store_error err = sw_store_integrity_check(st, &ok, &report);
  if (err)
    return store_failed(st, err, "checking integrity");
  puts(ok ? "ok" : (report ? report : "not ok"));
  free(report);
  return ok ? 0 : 1;
}

static int cmd_setting(struct sw_store *st, int argc, char **argv)
{
  enum sw_store_error err;
  if (argc == 2) {
    err = sw_store_setting_set(st, argv[0], argv[1]);
    return err ? store_failed(st, err, "writing the setting") : 0;
  }
  char *value = NULL;
  err = sw_store_setting_get(st, argv[0], &value);
  if (err)
    return store_failed(st, err, "reading the setting");
  puts(value);
  free(value);
  return 0;
}

/* Options of the read commands: --rule ID, --limit N. */
static bool read_options(int argc, char **argv, int64_t *rule, int64_t *limit)
{
  for (int i = 0; i < argc; i++) {
    int64_t *slot = !strcmp(argv[i], "--rule")    ? rule
                    : !strcmp(argv[i], "--limit") ? limit
                                                  : NULL;
    if (!slot || i + 1 >= argc || !parse_i64(argv[++i], slot) || *slot < 0) {
      fprintf(stderr, "sw_store_tool: bad option '%s'\n%s", argv[i], usage);
      return false;
    }
  }
  return true;
}

static int run(int argc, char **argv)
{
  if (argc < 3) {
    fputs(usage, stderr);
    return 2;
  }
  const char *db = argv[1], *cmd = argv[2];
  int rest = argc - 3;
  char **args = argv + 3;
  int64_t id = 0, rule = 0, limit = INT64_MAX;
  bool needs_id = !strcmp(cmd, "update") || !strcmp(cmd, "enable") ||
                  !strcmp(cmd, "disable") || !strcmp(cmd, "delete") ||
                  !strcmp(cmd, "add-many") || !strcmp(cmd, "fill-results");
  if (needs_id && (rest < 1 || !parse_i64(args[0], &id) || id <= 0)) {
    fprintf(stderr, "sw_store_tool: %s wants a number\n", cmd);
    return 2;
  }
  if ((!strcmp(cmd, "results") || !strcmp(cmd, "events")) &&
      !read_options(rest, args, &rule, &limit))
    return 2;
  if (!strcmp(cmd, "setting") && (rest < 1 || rest > 2)) {
    fputs(usage, stderr);
    return 2;
  }

  struct sw_store *st = NULL;
  struct sw_store_diag diag = {0};
  enum sw_store_error err = sw_store_open(db, NULL, &st, &diag);
  if (err) {
    fprintf(stderr, "sw_store_tool: cannot open %s: %s %s\n", db,
            sw_store_error_text(err), diag.message);
    return 1;
  }
  int rc;
  if (!strcmp(cmd, "add"))
    rc = cmd_add(st, rest, args, 1);
  else if (!strcmp(cmd, "add-many"))
    rc = cmd_add(st, rest - 1, args + 1, id);
  else if (!strcmp(cmd, "update"))
    rc = cmd_update(st, id, rest - 1, args + 1);
  else if (!strcmp(cmd, "enable") || !strcmp(cmd, "disable")) {
    err = sw_store_rule_set_enabled(st, id, !strcmp(cmd, "enable"), now_ms(), NULL);
    rc = err ? store_failed(st, err, cmd) : 0;
  } else if (!strcmp(cmd, "delete")) {
    err = sw_store_rule_delete(st, id);
    rc = err ? store_failed(st, err, "deleting the rule") : 0;
  } else if (!strcmp(cmd, "fill-results"))
    rc = cmd_fill_results(st, id, rest - 1, args + 1);
  else if (!strcmp(cmd, "rules"))
    rc = cmd_rules(st);
  else if (!strcmp(cmd, "results"))
    rc = cmd_results(st, rule, limit);
  else if (!strcmp(cmd, "state"))
    rc = cmd_state(st);
  else if (!strcmp(cmd, "events"))
    rc = cmd_events(st, limit);
  else if (!strcmp(cmd, "integrity"))
    rc = cmd_integrity(st);
  else if (!strcmp(cmd, "setting"))
    rc = cmd_setting(st, rest, args);
  else {
    fprintf(stderr, "sw_store_tool: unknown command '%s'\n%s", cmd, usage);
    rc = 2;
  }
  sw_store_close(st);
  return rc;
}

#ifdef _WIN32
/* UTF-16 command line to UTF-8, so rule names and paths keep every
 * character; output is UTF-8 too. */
int wmain(int argc, wchar_t **wargv)
{
  char **argv = calloc((size_t)argc + 1, sizeof *argv);
  for (int i = 0; argv && i < argc; i++) {
    int n = WideCharToMultiByte(CP_UTF8, 0, wargv[i], -1, NULL, 0, NULL, NULL);
    argv[i] = malloc((size_t)(n > 0 ? n : 1));
    if (!argv[i] || n <= 0 ||
        !WideCharToMultiByte(CP_UTF8, 0, wargv[i], -1, argv[i], n, NULL, NULL))
      return 1;
  }
  if (!argv)
    return 1;
  SetConsoleOutputCP(CP_UTF8);
  return run(argc, argv);
}
#else
int main(int argc, char **argv)
{
  return run(argc, argv);
}
#endif
